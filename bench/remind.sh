#!/usr/bin/env bash
# The reminder engine's speed (issue 13): N overdue invoices (100,000 by
# default), each due 4 days ago so its first reminder (overdue_1, an email)
# is due; `portal-admin remind` once (every email queued: link,
# unsubscribe token, outbox, reminders row, audit) and a second time the
# same day (nothing to do). The goals: under 60 s and under 5 s.
#   bench/remind.sh [N]        (make bench-remind)
# portal-notify is stopped first: delivering the mails is its own work.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
T=$(mktemp -d /tmp/settle-bench-remind.XXXXXX)
chmod 755 "$T"
VAR=$T/var
CONF=$VAR/settle.conf
PORT=$("$ROOT/scripts/free-port.sh")
cleanup() { "$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
sql() { "$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }
admin() { "$ROOT/build/portal-admin" -c "$CONF" "$@"; }

"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo > "$T/stack.log" 2>&1 ||
	{ cat "$T/stack.log"; exit 1; }
pid=$(cat "$VAR/run/notify.pid" 2>/dev/null)
[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
today=$(date -u +%Y-%m-%d)
echo "loading $N overdue invoices..."
sql "INSERT INTO customers (ref, name, email, language, timezone)
	SELECT 'BC-' || g, 'Customer ' || g, 'ap' || g || '@bench.example',
		(ARRAY['en', 'es', 'fr'])[1 + g % 3], (ARRAY['Europe/London', 'Europe/Madrid', 'Europe/Paris'])[1 + g % 3]
	FROM generate_series(1, $N) g;
INSERT INTO invoices (number, customer_id, currency, issued, due)
	SELECT 'B-' || c.id, c.id, 'EUR', '$today'::date - 34, '$today'::date - 4 FROM customers c;
INSERT INTO invoice_lines SELECT id, 1, 'Consulting', 1000, 45000, 45000 FROM invoices;
INSERT INTO fees SELECT id, 1, 'Late payment compensation, EUR 40 flat', 4000, '$today'::date - 3 FROM invoices;
ANALYZE;"
run() {	# run LABEL: times one remind run at 11:00 UTC today
	local t0 t1
	t0=$(date +%s.%N)
	admin remind --now "${today}T11:00Z" > "$T/$1.out" 2>&1 || { tail "$T/$1.out"; }
	t1=$(date +%s.%N)
	printf '%-28s %6.1f s   %s\n' "$1" "$(echo "$t1 - $t0" | bc)" "$(tail -n 1 "$T/$1.out")"
}
echo "remind over $N overdue invoices ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)):"
run "first run (all due)"
run "second run, same day"
echo "outbox rows: $(sql "SELECT count(*) FROM outbox"), reminders: $(sql "SELECT count(*) FROM reminders")"
