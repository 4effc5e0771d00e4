#!/usr/bin/env bash
# Gives the demo data its history through the portal itself, as a debtor
# would: a payment plan on INV-2026-0171 and a hardship note on
# INV-2026-0158. And one customer without an email address (the import
# needs one; a customer may lose it later): Riverside Garage, whose
# reminders become staff tasks. Runs once per state directory (DIR/demo-actions.done).
#   scripts/demo-actions.sh DIR BASE_URL
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=$1
BASE=$2
[ -e "$VAR/demo-actions.done" ] && exit 0
admin() { "$ROOT/build/portal-admin" -c "$VAR/settle.conf" "$@"; }
field() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# A plan: the option that settles soonest, as most people choose.
path=$(admin link INV-2026-0171 | sed 's|^http://[^/]*||')
curl -sf -o "$tmp" "$BASE$path/plan"
curl -sf -o /dev/null -d "option=1&agree=yes" \
	--data-urlencode "csrf=$(field csrf "$tmp")" \
	--data-urlencode "quote=$(field quote "$tmp")" "$BASE$path/plan"

# A hardship note, with a callback on the first day the form allows.
path=$(admin link INV-2026-0158 | sed 's|^http://[^/]*||')
curl -sf -o "$tmp" "$BASE$path/hardship"
curl -sf -o /dev/null \
	--data-urlencode "csrf=$(field csrf "$tmp")" \
	--data-urlencode "category=illness" \
	--data-urlencode "message=I had an operation last month and have not been able to work since. I expect to be back at work in January and would like to agree a way to pay the rest then." \
	--data-urlencode "contact=phone" \
	--data-urlencode "phone=+49 30 901820" \
	--data-urlencode "callback_date=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$tmp")" \
	--data-urlencode "callback_window=morning" "$BASE$path/hardship"
# No email address: the import requires one, so it is taken away here.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$(sed -n 's/^admin_database = //p' "$VAR/settle.conf")" \
	-c "UPDATE customers SET email = '' WHERE ref = 'C-3520'" > /dev/null
touch "$VAR/demo-actions.done"
