#!/usr/bin/env bash
# Accessibility of every page (WCAG 2.2 AA, no JavaScript, a 360 px phone):
# starts a stack with the demo data and runs tests/a11y/run.mjs in headless
# Chromium (playwright-core drives /usr/bin/chromium; axe-core checks).
. "$(dirname "$0")/lib.sh"

A11Y=$ROOT/tests/a11y
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() {
	echo "# skipped: $1"
	echo "0 passed, 0 failed"
	exit 0
}
command -v node > /dev/null 2>&1 || skip "node is not installed (apt-get install nodejs npm)"
command -v npm > /dev/null 2>&1 || skip "npm is not installed (apt-get install npm)"
[ -x "$CHROMIUM" ] || skip "$CHROMIUM is not installed (apt-get install chromium)"

# playwright-core never downloads a browser; it drives Debian's chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d "$A11Y/node_modules/playwright-core" ] || [ ! -d "$A11Y/node_modules/axe-core" ]; then
	if ! npm ci --prefix "$A11Y" --no-audit --no-fund > "$T/npm.log" 2>&1; then
		echo "# npm ci failed:"
		sed 's/^/#   /' "$T/npm.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

stack_up --exempt
# The demo data on the same stack (already running, so this only loads it):
# invoices with fees and payments, a paid one, an accepted plan, a hardship
# note, and a staff user. It prints a fresh link for each demo invoice.
if ! "$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --exempt > "$T/demo.log" 2>&1; then
	not_ok "the demo data loads" "$(tail -n 5 "$T/demo.log")"
	finish
fi
sed -n 's|^  \(INV-[^ ]*\)  \(http://.*\)$|\1 \2|p' "$T/demo.log" > "$T/links"
# Reminders for the demo invoices, so the staff history and task list have rows.
admin remind > /dev/null 2>&1 || not_ok "the demo reminders run"
printf '%s\n%s\n' demo@northwind.example "$(cat "$VAR/staff-password")" > "$T/staff"

SETTLE_BASE=$BASE SETTLE_LINKS=$T/links SETTLE_STAFF=$T/staff \
SETTLE_ERRORS=$VAR/errors CHROMIUM=$CHROMIUM \
SETTLE_DB_STOP="'$ROOT/scripts/stack.sh' pg-stop '$VAR'" \
	timeout 300 node "$A11Y/run.mjs" > "$T/a11y.out" 2>&1
status=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$T/a11y.out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/a11y.out" | tail -n 1)
if [ -z "$line" ]; then
	not_ok "the browser run ends with a summary" "exit status $status"
else
	PASS=$((PASS + ${line%% passed*}))
	f=${line#*passed, }
	FAIL=$((FAIL + ${f%% failed*}))
	if [ "$status" -ne 0 ] && [ "${f%% failed*}" -eq 0 ]; then
		not_ok "the browser run exits 0" "exit status $status"
	fi
fi
finish
