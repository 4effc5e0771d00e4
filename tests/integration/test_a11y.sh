#!/usr/bin/env bash
# Accessibility of every page (WCAG 2.2 AA, no JavaScript, a 360 px phone):
# starts a stack with the demo data and runs tests/a11y/run.mjs in headless
# Chromium (playwright-core drives /usr/bin/chromium; axe-core checks).
. "$(dirname "$0")/lib.sh"

#
# A missing browser, node or npm is a failure, not a pass: only an explicit
# SETTLE_SKIP_A11Y=1 skips the suite (and says so).
A11Y=$ROOT/tests/a11y
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ "${SETTLE_SKIP_A11Y:-0}" = 1 ]; then
	echo "# skipped: SETTLE_SKIP_A11Y=1"
	echo "0 passed, 0 failed"
	exit 0
fi
missing() {
	not_ok "$1 (or set SETTLE_SKIP_A11Y=1 to skip this suite)"
	echo "$PASS passed, $FAIL failed"
	exit 1
}
command -v node > /dev/null 2>&1 || missing "node is installed (apt-get install nodejs npm)"
command -v npm > /dev/null 2>&1 || missing "npm is installed (apt-get install npm)"
[ -x "$CHROMIUM" ] || missing "$CHROMIUM is installed (apt-get install chromium)"

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
# Two bank credits that match no invoice, for /staff/payments.
printf 'date,amount,currency,reference,payer,id\n%s,75.00,EUR,Order 4471,Kai Lindqvist,A11Y-1\n%s,20.00,EUR,,Olivia Brown,A11Y-2\n' \
	"$(date -u +%Y-%m-%d)" "$(date -u +%Y-%m-%d)" > "$T/statement.csv"
admin payments "$T/statement.csv" > /dev/null || not_ok "the bank statement loads"
# Reminders for the demo invoices, so the staff history and task list have rows.
admin remind > /dev/null 2>&1 || not_ok "the demo reminders run"
printf '%s\n%s\n' demo@northwind.example "$(cat "$VAR/staff-password")" > "$T/staff"
# A second staff user enrolled in TOTP, for the code form.
echo "a11y code form password" | admin staff-add code@northwind.example "Cora Code" > /dev/null &&
	admin staff-totp code@northwind.example > /dev/null ||
	not_ok "a staff user enrolled in TOTP for the code form"
printf '%s\n%s\n' code@northwind.example "a11y code form password" > "$T/staff-totp"


# Issue 13's account states on top of the demo: a reminder's pay-by date
# (INV-2026-0152), a broken plan and reminder emails off (INV-2026-0180,
# Bright Ideas), and an opt-out link (/u/) for Ana Ruiz (INV-2026-0147).
sql "INSERT INTO reminders (invoice_id, step_key, kind, outcome, scheduled_on, pay_by)
	SELECT id, 'overdue_1', 'overdue_1', 'sent', current_date - 2, current_date + 5
	FROM invoices WHERE number = 'INV-2026-0152'"
sql "WITH p AS (INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency,
		terms_version, status, ended_at)
	SELECT id, 'monthly', 2, 20000, currency, '2026-11', 'broken', now() FROM invoices
	WHERE number = 'INV-2026-0180' RETURNING id)
	INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents)
	SELECT id, s, current_date - 40 + 30 * s, 10000 FROM p, generate_series(1, 2) s"
sql "UPDATE customers SET reminders_off_at = now() WHERE name = 'Bright Ideas LLC'"
admin unsubscribe-link INV-2026-0147 > "$T/unsubscribe"
# Issue 14: a letter task and an escalate task (what the cadence's steps
# make), for the letter and the escalation decision pages.
sql "INSERT INTO tasks (invoice_id, kind, reason, due_on) SELECT id, 'letter', 'staff_step',
	current_date FROM invoices WHERE number = 'INV-2026-0189' RETURNING id" > "$T/tasks"
sql "INSERT INTO tasks (invoice_id, kind, reason, due_on) SELECT id, 'escalate', 'staff_step',
	current_date FROM invoices WHERE number = 'INV-2026-0189' RETURNING id" >> "$T/tasks"


SETTLE_BASE=$BASE SETTLE_LINKS=$T/links SETTLE_STAFF=$T/staff SETTLE_STAFF_TOTP=$T/staff-totp SETTLE_UNSUBSCRIBE=$T/unsubscribe SETTLE_TASKS=$T/tasks \
SETTLE_ERRORS=$VAR/errors SETTLE_MAIL=$VAR/mail CHROMIUM=$CHROMIUM \
SETTLE_DB_STOP="'$ROOT/scripts/stack.sh' pg-stop '$VAR'" \
	timeout 480 node "$A11Y/run.mjs" > "$T/a11y.out" 2>&1
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
	if [ "${line%% passed*}" -eq 0 ]; then
		not_ok "the browser checked at least one page" "the run reported: $line"
	fi
fi
finish
