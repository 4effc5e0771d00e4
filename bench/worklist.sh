#!/usr/bin/env bash
# The desk's worklist with 100,000 open invoices (issue 14): how long
# GET /staff takes through nginx, signed in, one request at a time, and
# what its statement costs inside PostgreSQL (EXPLAIN ANALYZE). Prints a
# short report and writes it to bench/results/worklist-latest.md (not
# committed).
#
#   bench/worklist.sh                 (after make all)
#   WORKLIST_INVOICES=100000 WORKLIST_REQUESTS=200 bench/worklist.sh
#   WORKLIST_KEEP=1 bench/worklist.sh   (keeps the stack and its directory)
#
# The data: bench/cold.sql's invoices, due dates spread over 150 days,
# one open task for each (a call, a letter or a callback with its time)
# due from 30 days ago to 30 days ahead, every tenth snoozed, one in five
# assigned; so about half of them are on today's list, and the page shows
# its first 200. Stops everything it started by PID and removes its
# directory on exit.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
N=${WORKLIST_INVOICES:-101000}
REQUESTS=${WORKLIST_REQUESTS:-200}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
T=$(mktemp -d /tmp/settle-worklist.XXXXXX)
chmod 755 "$T"
VAR=$T/var
CONF=$VAR/settle.conf
OUT=$ROOT/bench/results/worklist-latest.md
die() { echo "bench/worklist.sh: $*" >&2; exit 1; }
cleanup() {
	if [ "${WORKLIST_KEEP:-0}" = 1 ]; then
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

echo "loading $N invoices and their tasks..."
sql -v prefix=WL- -v first=1 -v last="$N" -v shape=-1 -f "$ROOT/bench/cold.sql" > /dev/null ||
	die "bench/cold.sql failed"
ZONE=$(sed -n 's/^timezone *= *//p' "$CONF" | tr -d "'\"")
TODAY="(now() AT TIME ZONE '$ZONE')::date"
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" | admin staff-add --role clerk bench@example.com "Bench Clerk" > /dev/null
sql -c "
BEGIN;
UPDATE invoices SET due = $TODAY + 30 - (id % 151)::int, issued = $TODAY - 120;
UPDATE customers SET phone = '+44 7700 ' || lpad((id % 1000000)::text, 6, '0');
INSERT INTO tasks (invoice_id, kind, reason, due_on, due_at, snoozed_until, assigned_to)
SELECT id, (ARRAY['call', 'letter', 'callback'])[1 + id % 3], 'staff_step',
	$TODAY - 30 + (id % 61)::int,
	CASE WHEN id % 3 = 2 THEN ($TODAY - 30 + (id % 61)::int + time '10:00') AT TIME ZONE '$ZONE' END,
	CASE WHEN id % 10 = 0 THEN $TODAY + 3 END,
	CASE WHEN id % 5 = 0 THEN (SELECT id FROM staff_users LIMIT 1) END
FROM invoices WHERE balance_cents > 0;
COMMIT;" -c "VACUUM ANALYZE" > /dev/null || die "making the tasks failed"
OPEN=$(sql -c "SELECT count(*) FROM invoices WHERE balance_cents > 0")
TASKS=$(sql -c "SELECT count(*) FROM tasks WHERE status = 'open'")
[ "$OPEN" -ge 100000 ] || echo "warning: only $OPEN open invoices (WORKLIST_INVOICES=$N)"

jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/login" "$BASE/staff/login"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/login" | head -n 1)
status=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=bench@example.com" --data-urlencode "password=$password" "$BASE/staff/login")
[ "$status" = 303 ] || die "signing in answered $status"

for i in $(seq 1 10); do curl -s -b "$jar" -o /dev/null "$BASE/staff"; done
: > "$T/times"
: > "$T/mine"
: > "$T/peer"
for i in $(seq 1 "$REQUESTS"); do
	curl -s -b "$jar" -o "$T/page" -w '%{http_code} %{time_total}\n' "$BASE/staff" >> "$T/times"
	curl -s -b "$jar" -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/staff?kind=callback&mine=1" >> "$T/mine"
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/healthz" >> "$T/peer"
done
bad=$(cat "$T/times" "$T/mine" | awk '$1 != 200' | wc -l)
grep -q 'href="tel:' "$T/page" || die "the worklist has no rows: $(head -c 300 "$T/page")"
summary() { awk '{ print $2 * 1000 }' "$1" | sort -n | awk '{ a[NR] = $1 } END {
	printf "median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", a[int(NR * 0.5 + 0.5)],
		a[int(NR * 0.9 + 0.5)], a[int(NR * 0.99 + 0.5)], a[NR] }'; }

text_of() {	# the text of statement $1 from sql.c, macros expanded
	python3 - "$ROOT/portal/sql.c" "$1" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
macros = {m.group(1): "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
	for m in re.finditer(r'#define (\w+) \\\n((?:.*\\\n)*.*)\n', src)}
m = re.search(r'\[' + sys.argv[2] + r'\] = \{ "[^"]+", SQL_SHAPE_\w+,(.*?)\},\n', src, re.S)
body = m.group(1)
text = "".join(macros.get(t, "") if not t.startswith('"') else t[1:-1]
	for t in re.findall(r'"(?:[^"\\]|\\.)*"|\b[A-Z_]+_COLUMNS\b', body))
print(text.replace('\\"', '"'))
PY
}
today=$(TZ=$ZONE date +%Y-%m-%d)
me=$(sql -c "SELECT id FROM staff_users WHERE email = 'bench@example.com'")
explain() {	# explain PARAMS: the median execution time of 20 runs
	local i
	for i in $(seq 1 20); do
		sql -c "SET TimeZone = '$ZONE'" -c "PREPARE s AS $(text_of SQL_DESK_OPEN)" \
			-c "EXPLAIN (ANALYZE, TIMING OFF) EXECUTE s($1)" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p'
	done | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f ms", a[int(NR / 2 + 0.5)] }'
}
all_ms=$(explain "'$today', '', '', 200, '$ZONE'")
mine_ms=$(explain "'$today', 'callback', '$me', 200, '$ZONE'")

{
	echo "# /staff (the worklist) with $OPEN open invoices and $TASKS open tasks"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
	echo
	echo "- $REQUESTS requests of /staff one at a time through nginx, signed in: $(summary "$T/times") ($bad not 200 in both lists)"
	echo "- /staff?kind=callback&mine=1 the same way: $(summary "$T/mine")"
	echo "- /healthz in between: $(summary "$T/peer")"
	echo "- inside PostgreSQL (EXPLAIN ANALYZE, median of 20): desk_open $all_ms, filtered (callback, mine) $mine_ms"
	echo
	echo "The worklist statement's plan:"
	echo
	sql -c "SET TimeZone = '$ZONE'" -c "PREPARE s AS $(text_of SQL_DESK_OPEN)" \
		-c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE s('$today', '', '', 200, '$ZONE')" | sed 's/^/    /'
} | tee "$OUT"
