#!/usr/bin/env bash
# make backup-test: the README's backup and restore, done for real. A stack
# with the demo invoices (a plan, a hardship note) is dumped with pg_dump
# (custom format), the dump is restored with pg_restore into a new cluster
# of a second stack that has the first one's secret file, and both serve
# the same debtor pages for the same links, byte for byte.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [ -z "${2:-}" ] || echo "#   $2"; }
check() { local n=$1; shift; if "$@"; then ok "$n"; else not_ok "$n" "failed: $*"; fi; }
T=$(mktemp -d /tmp/settle-backup.XXXXXX)
chmod 755 "$T"
A=$T/a
B=$T/b
cleanup() {
	"$ROOT/scripts/stack.sh" stop "$A" > /dev/null 2>&1
	"$ROOT/scripts/stack.sh" stop "$B" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
# A is stopped before B starts, and B takes A's port: one base URL, so the
# pages can be compared byte for byte.
run_of() { cd "$1/run" && pwd -P; }
db() { local dir=$1; shift; "$PGBIN/psql" -X -h "$(run_of "$dir")" -U settle -Atq -v ON_ERROR_STOP=1 "$@"; }
admin() { local dir=$1; shift; "$ROOT/build/portal-admin" -c "$dir/settle.conf" "$@"; }
# tables: every table with its row count, one per line.
tables() {
	local t
	for t in $(db "$1" -d settle -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
		echo "$t $(db "$1" -d settle -c "SELECT count(*) FROM \"$t\"")"
	done
}
# fetch DIR PORT NAME PATH: the page as a debtor gets it, into $T/NAME.
fetch() { curl -s -o "$T/$3" -w '%{http_code}' "http://127.0.0.1:$2$4"; }

PA=$("$ROOT/scripts/free-port.sh")
"$ROOT/scripts/stack.sh" start "$A" --port "$PA" --fast > "$T/a.log" 2>&1 ||
	{ cat "$T/a.log"; exit 1; }
ok "stack A starts with the demo invoices, a plan and a hardship note"
links=()
for inv in INV-2026-0171 INV-2026-0158 INV-2026-0147; do
	links+=("$(admin "$A" link "$inv" | sed 's|^http://[^/]*||')")
done
pages=("${links[0]}" "${links[0]}/plan" "${links[0]}/plan.ics" "${links[1]}" "${links[1]}/hardship" "${links[2]}" "${links[2]}/plan" /i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA)
i=0
for p in "${pages[@]}"; do
	i=$((i + 1))
	code=$(fetch "$A" "$PA" "a.$i" "$p")
	echo "$code" > "$T/a.$i.code"
done
check "the plan shows on stack A" grep -q "You agreed to a payment plan" "$T/a.1"
check "the hardship note shows on stack A" grep -q "Thank you for telling us" "$T/a.4"

# The backup, as README.md says: pg_dump in custom format, and the secret.
tables "$A" > "$T/a.tables"
"$PGBIN/pg_dump" -h "$(run_of "$A")" -U settle -Fc -f "$T/settle.dump" settle
check "pg_dump writes a dump" test -s "$T/settle.dump"
"$ROOT/scripts/stack.sh" stop "$A" > /dev/null

# The restore: a new cluster, the secret file first, then the dump.
mkdir -p "$B"
cp "$A/secret" "$B/secret"
PB=$PA
"$ROOT/scripts/stack.sh" start "$B" --port "$PB" --fast --no-demo > "$T/b.log" 2>&1 ||
	{ cat "$T/b.log"; exit 1; }
check "stack B is a new cluster" test "$(db "$B" -d settle -c 'SELECT count(*) FROM invoices')" = 0
"$ROOT/scripts/stack.sh" stop "$B" > /dev/null
"$ROOT/scripts/stack.sh" pg-start "$B" > /dev/null
db "$B" -d postgres -c "DROP DATABASE settle" -c "CREATE DATABASE settle OWNER settle"
"$PGBIN/pg_restore" -h "$(run_of "$B")" -U settle -d settle --exit-on-error "$T/settle.dump"
check "pg_restore restores the dump into it" test $? -eq 0
"$ROOT/scripts/stack.sh" start "$B" --port "$PB" --fast --no-demo > "$T/b.log" 2>&1 ||
	{ cat "$T/b.log"; exit 1; }
tables "$B" > "$T/b.tables"
check "every table has the same rows count after the restore" cmp -s "$T/a.tables" "$T/b.tables"
check "no migration was left to apply" grep -qx "0 migrations applied" "$B/log/migrate.log"

i=0
same=0
for p in "${pages[@]}"; do
	i=$((i + 1))
	code=$(fetch "$B" "$PB" "b.$i" "$p")
	if [ "$code" = "$(cat "$T/a.$i.code")" ] && cmp -s "$T/a.$i" "$T/b.$i"; then
		same=$((same + 1))
	else
		not_ok "the same bytes for ${p:0:7}... ($code)" "$(diff "$T/a.$i" "$T/b.$i" | head -n 4)"
	fi
done
check "all ${#pages[@]} debtor pages are the same bytes on the restored stack ($same)" test "$same" -eq "${#pages[@]}"
check "links from before the backup still open (the secret came along)" \
	grep -q "You agreed to a payment plan" "$T/b.1"
check "and so does the hardship note" grep -q "Thank you for telling us" "$T/b.4"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
