#!/usr/bin/env bash
# The ledger overview with 100,000 open invoices (issue 14): how long
# GET /staff/overview takes through nginx, signed in, one request at a
# time, and what its two statements cost inside PostgreSQL (EXPLAIN
# ANALYZE). Prints a short report and writes it to
# bench/results/overview-latest.md (not committed).
#
#   bench/overview.sh                 (after make all)
#   OVERVIEW_INVOICES=100000 OVERVIEW_REQUESTS=200 bench/overview.sh
#   OVERVIEW_KEEP=1 bench/overview.sh   (keeps the stack and its directory)
#
# The data: bench/cold.sql's invoices (1 to 5 lines, a fee on 3 in 10, a
# part-payment on half), then spread over three currencies and due dates
# from 60 days ahead to 150 days ago (one UPDATE, through the roll-up
# triggers of sql/0013), 2,000 active plans of three installments,
# 1,000 holds and 5,000 reminder emails this week. Stops everything it
# started by PID and removes its directory on exit.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
N=${OVERVIEW_INVOICES:-101000}
REQUESTS=${OVERVIEW_REQUESTS:-200}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
T=$(mktemp -d /tmp/settle-overview.XXXXXX)
chmod 755 "$T"
VAR=$T/var
CONF=$VAR/settle.conf
OUT=$ROOT/bench/results/overview-latest.md
die() { echo "bench/overview.sh: $*" >&2; exit 1; }
cleanup() {
	if [ "${OVERVIEW_KEEP:-0}" = 1 ]; then
		echo "kept: $T (stop with scripts/stack.sh stop $VAR)"
		return
	fi
	"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
[ -x "$BUILD/portal" ] || die "build first: make all"

PORT=$("$ROOT/scripts/free-port.sh")
BASE=http://127.0.0.1:$PORT
"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --no-demo --exempt > "$T/stack.log" 2>&1 ||
	die "the stack did not start: $(tail -n 5 "$T/stack.log")"
sql() { "$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -Atq -v ON_ERROR_STOP=1 "$@"; }
admin() { "$BUILD/portal-admin" -c "$CONF" "$@"; }

echo "loading $N invoices..."
start=$(date +%s.%N)
sql -v prefix=OV- -v first=1 -v last="$N" -v shape=-1 -f "$ROOT/bench/cold.sql" > /dev/null ||
	die "bench/cold.sql failed"
ZONE=$(sed -n 's/^timezone *= *//p' "$CONF" | tr -d "'\"")
TODAY="(now() AT TIME ZONE '$ZONE')::date"
sql -c "
BEGIN;
UPDATE invoices SET currency = (ARRAY['GBP', 'EUR', 'USD'])[1 + id % 3],
	due = $TODAY + 60 - (id % 211)::int, issued = $TODAY + 30 - (id % 211)::int;
INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version)
SELECT id, 'monthly', 3, balance_cents, currency, '2026-11' FROM invoices
WHERE balance_cents > 3 AND id % 50 = 0 LIMIT 2000;
INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents)
SELECT p.id, s, $TODAY + (30 * s - 70), CASE WHEN s < 3 THEN p.total_cents / 3
	ELSE p.total_cents - 2 * (p.total_cents / 3) END
FROM plans p CROSS JOIN generate_series(1, 3) AS s;
INSERT INTO reminder_holds (invoice_id, kind, reason)
SELECT id, 'dispute', 'dispute' FROM invoices WHERE id % 101 = 0 LIMIT 1000;
INSERT INTO reminders (invoice_id, step_key, kind, outcome, scheduled_on, done_at)
SELECT id, 'bench', 'overdue_1', 'sent', $TODAY, now() - (id % 72) * interval '1 hour'
FROM invoices WHERE id % 20 = 0 LIMIT 5000;
COMMIT;" -c "VACUUM ANALYZE" > /dev/null || die "spreading the data failed"
load=$(echo "$(date +%s.%N) - $start" | awk '{ printf "%.0f", $1 - $3 }' 2>/dev/null || echo "?")
OPEN=$(sql -c "SELECT count(*) FROM invoices WHERE balance_cents > 0")
[ "$OPEN" -ge 100000 ] || echo "warning: only $OPEN open invoices (OVERVIEW_INVOICES=$N)"

# A manager's session.
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" | admin staff-add --role manager bench@example.com "Bench Manager" > /dev/null
jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/login" "$BASE/staff/login"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/login" | head -n 1)
status=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=bench@example.com" --data-urlencode "password=$password" "$BASE/staff/login")
[ "$status" = 303 ] || die "signing in answered $status"

# Warm up (each worker prepares its statements once), then one at a time.
for i in $(seq 1 10); do curl -s -b "$jar" -o /dev/null "$BASE/staff/overview"; done
# Interleaved with /healthz (one database round trip, no page), the peer
# that says how busy the machine was: compare the two, not the absolutes.
: > "$T/times"
: > "$T/peer"
for i in $(seq 1 "$REQUESTS"); do
	curl -s -b "$jar" -o "$T/page" -w '%{http_code} %{time_total}\n' "$BASE/staff/overview" >> "$T/times"
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/healthz" >> "$T/peer"
done
bad=$(awk '$1 != 200' "$T/times" | wc -l)
grep -q 'data-cell="GBP-open"' "$T/page" || die "the overview has no GBP figures: $(head -c 300 "$T/page")"
summary() { awk '{ print $2 * 1000 }' "$1" | sort -n | awk '{ a[NR] = $1 } END {
	printf "median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", a[int(NR * 0.5 + 0.5)],
		a[int(NR * 0.9 + 0.5)], a[int(NR * 0.99 + 0.5)], a[NR] }'; }
stats=$(summary "$T/times")
peer=$(summary "$T/peer")
csv=$(curl -s -b "$jar" -o "$T/csv" -w '%{http_code} %{time_total} %{size_download}' "$BASE/staff/overview.csv")

# Inside PostgreSQL: the two statements of the page, as the portal runs them.
explain() {	# explain NAME SQL PARAM: the median execution time of 20 runs
	local i
	for i in $(seq 1 20); do
		sql -c "SET TimeZone = '$ZONE'" -c "PREPARE s AS $2" \
			-c "EXPLAIN (ANALYZE, TIMING OFF) EXECUTE s('$3')" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p'
	done | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f ms", a[int(NR / 2 + 0.5)] }'
}
text_of() {	# the text of statement $1 from sql.c, through the portal's own table
	python3 - "$ROOT/portal/sql.c" "$1" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
m = re.search(r'\[' + sys.argv[2] + r'\] = \{ "[^"]+", SQL_SHAPE_\w+,(.*?)\},\n', src, re.S)
print("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))).replace('\\"', '"'))
PY
}
today=$(TZ=$ZONE date +%Y-%m-%d)
monday=$(TZ=$ZONE date -d "$today -$(( $(TZ=$ZONE date +%u) - 1 )) days" +%Y-%m-%d)
ledger_ms=$(explain ledger "$(text_of SQL_OVERVIEW_LEDGER)" "$today")
week_ms=$(explain week "$(text_of SQL_OVERVIEW_WEEK)" "$monday")

{
	echo "# /staff/overview with $OPEN open invoices"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
	echo
	echo "- $REQUESTS requests one at a time through nginx, signed in: $stats ($bad not 200)"
	echo "- /healthz in between, the same way: $peer"
	echo "- inside PostgreSQL (EXPLAIN ANALYZE, median of 20): overview_ledger $ledger_ms, overview_week $week_ms"
	echo "- the CSV export of every open invoice: status, seconds, bytes: $csv"
	echo "- data loaded in about ${load}s (cold.sql, then one UPDATE of every invoice through the roll-up triggers)"
	echo
	echo "The ledger statement's plan:"
	echo
	sql -c "SET TimeZone = '$ZONE'" -c "PREPARE s AS $(text_of SQL_OVERVIEW_LEDGER)" \
		-c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE s('$today')" | sed 's/^/    /'
} | tee "$OUT"
