#!/usr/bin/env bash
# Issue 14: the escalation decision. The cadence's escalate step makes a
# task; only a manager decides it at /staff/tasks/{id}/escalation. Approving
# mails the debtor a notice naming the date and the agency (in their
# language, text and HTML); only after that date does `portal-admin remind`
# hand the invoice over (reminders stop). Paying, a plan or a hardship
# request before then cancels it; a clerk, a stale form, a second approval
# and a date not after today are refused with nothing written.
. "$(dirname "$0")/lib.sh"
stack_up

D0=$(date -u +%Y-%m-%d)
d() { date -u -d "$D0 $1 days" +%Y-%m-%d; }
MAIL=$VAR/mail
H='invoice,customer_ref,customer_name,email,phone,language,timezone,currency,issued,due,kind,description,quantity,amount,date'
row() { echo "$1,C$1,$2,$3,,$4,Europe/London,GBP,$(d -60),$(d -30),line,Services,1,$5,"; }
{
	echo "$H"
	row E-1 "Harbour Café Ltd" owner@harbour.example en 300.00
	row E-2 "Ana Ruiz" ana@ruiz.example es 450.00
	row E-3 "Pays Late Ltd" pays@late.example en 120.00
	row E-4 "Plans Ltd" plans@plans.example en 900.00
	row E-5 "Hardship Ltd" hard@ship.example en 200.00
	row E-6 "Declined Ltd" dec@lined.example en 50.00
} > "$T/inv.csv"
admin import "$T/inv.csv" > /dev/null || { not_ok "import"; finish; }
admin remind --now "${D0}T11:00Z" > /dev/null || not_ok "remind runs"
task() { sql "SELECT t.id FROM tasks t JOIN invoices i ON i.id = t.invoice_id WHERE i.number = '$1' AND t.kind = 'escalate'"; }
inv() { sql "SELECT id FROM invoices WHERE number = '$1'"; }
T1=$(task E-1)
check "the cadence made an escalate task for E-1" test -n "$T1"

echo "clerk pass phrase 1" | admin staff-add clerk@example.com "Carl Clerk" > /dev/null
echo "manager pass phrase 2" | admin staff-add --role manager boss@example.com "Mia Manager" > /dev/null
jar=$T/jar
signin() {
	rm -f "$jar.$1"
	curl -s -c "$jar.$1" -b "$jar.$1" -o "$T/body" "$BASE/staff/login"
	local csrf; csrf=$(form_value csrf)
	STATUS=$(curl -s -c "$jar.$1" -b "$jar.$1" -o "$T/body" -w '%{http_code}' \
		--data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
		--data-urlencode "password=$2" "$BASE/staff/login")
	expect_status 303 "$1 signs in"
}
signin clerk@example.com "clerk pass phrase 1"
signin boss@example.com "manager pass phrase 2"
as() { local who=$1 path=$2; shift 2; http GET "$path" -b "$jar.$who" "$@"; }
# post WHO TASK field=value...: the decision form, with the page's csrf and version unless given.
form_csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | sed -n 2p; }
post() {
	local who=$1 t=$2; shift 2
	local args=() a
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$jar.$who" \
		"${args[@]}" "$BASE/staff/tasks/$t/escalation")
}
nothing_written() {
	expect_eq "$1: no escalation stored" 0 "$(sql "SELECT count(*) FROM escalations")"
	expect_eq "$1: the task is still open" open "$(sql "SELECT status FROM tasks WHERE id = $T1")"
	expect_eq "$1: no notice queued" 0 "$(sql "SELECT count(*) FROM outbox WHERE kind = 'escalation.notice'")"
}

# --- a clerk may look, not decide -------------------------------------------------
as clerk@example.com "/staff/tasks/$T1/escalation"
expect_status 200 "a clerk sees the escalation task"
expect_body "A manager decides on escalations" "and is told a manager decides"
expect_no_body 'value="approve"' "with no approve button"
as boss@example.com "/staff/tasks/$T1/escalation"
expect_status 200 "the manager sees the decision form"
expect_body "Example Recovery Ltd" "naming the agency"
expect_body "GBP 300.00" "and the balance"
csrf=$(form_csrf)
version=$(form_value version)
ON=$(d 14)
expect_body "value=\"$ON\"" "the date proposed is 14 days on"
post clerk@example.com "$T1" decision=approve "on_date=$ON" note= "csrf=$csrf" "version=$version"
expect_status 403 "a clerk approving gets 403"
nothing_written "clerk"

# --- bad input ------------------------------------------------------------------------
post boss@example.com "$T1" decision=approve "on_date=$(d -1)" note=keep "csrf=$csrf" "version=$version"
expect_status 400 "a date in the past is 400"
expect_body "The date must be after today" "named at the field"
expect_body ">keep</textarea>" "the note is kept"
post boss@example.com "$T1" decision=approve "on_date=$D0" note= "csrf=$csrf" "version=$version"
expect_status 400 "today is not after today either"
post boss@example.com "$T1" decision=approve "on_date=soon" note= "csrf=$csrf" "version=$version"
expect_status 400 "a date that is no date is 400"
post boss@example.com "$T1" decision=approve "on_date=$ON" note= "csrf=$csrf" "version=$((version + 1))"
expect_status 409 "a stale form is 409"
expect_body "changed or decided meanwhile" "saying so"
post boss@example.com "$T1" decision=approve "on_date=$ON" note= "csrf=x" "version=$version"
expect_status 403 "a forged form is 403"
post boss@example.com "$T1" decision=maybe "on_date=$ON" note= "csrf=$csrf" "version=$version"
expect_status 400 "an unknown decision is 400"
nothing_written "bad input"

# --- approved: the notice -------------------------------------------------------
post boss@example.com "$T1" decision=approve "on_date=$ON" "note=final call made" "csrf=$csrf" "version=$version"
expect_status 303 "the manager approves"
expect_eq "the escalation is pending until its date" "pending|$ON" "$(sql "SELECT status, on_date FROM escalations")"
expect_eq "the task is done, with a note" "done" "$(sql "SELECT status FROM tasks WHERE id = $T1")"
expect_eq "approval audited with the manager" 1 "$(sql "SELECT count(*) FROM audit_events a JOIN staff_users s ON s.id = a.staff_id WHERE a.action = 'escalation.approved' AND s.email = 'boss@example.com'")"
post boss@example.com "$T1" decision=approve "on_date=$ON" note= "csrf=$csrf" "version=$version"
expect_status 409 "approving twice is 409"
expect_eq "still one escalation" 1 "$(sql "SELECT count(*) FROM escalations")"
as boss@example.com "/staff/tasks/$T1/escalation"
expect_body "Approved: the customer was told" "the page says it was approved"
P1=$(link_path E-1)
http GET "$P1"
expect_body "this account passes to our collection agency, Example Recovery Ltd" "the debtor's page names the hand-over"
WORDS=$(date -u -d "$ON" '+%-d %B %Y')
notice=""
for i in $(seq 1 50); do
	notice=$(grep -l "^To: .*owner@harbour.example" "$MAIL"/*.eml 2>/dev/null | head -n 1)
	[ -n "$notice" ] && break
	sleep 0.2
done
check "the notice reaches the debtor's mailbox" test -n "$notice"
check "it names the date" grep -q "$WORDS" "$notice"
check "and the agency" grep -q "our collection agency, Example Recovery Ltd" "$notice"
check "with an HTML alternative" grep -qi "Content-Type: text/html" "$notice"
check "and asks for payment by that date" grep -q "Please pay GBP 300.00 by $WORDS" "$notice"

# The Spanish customer's notice is in Spanish.
T2=$(task E-2)
as boss@example.com "/staff/tasks/$T2/escalation"
post boss@example.com "$T2" decision=approve "on_date=$ON" note= "csrf=$(form_csrf)" "version=$(form_value version)"
expect_status 303 "E-2 approved"
for i in $(seq 1 50); do
	es=$(grep -l "^To: .*ana@ruiz.example" "$MAIL"/*.eml 2>/dev/null | head -n 1)
	[ -n "$es" ] && break
	sleep 0.2
done
check "the Spanish notice arrives" test -n "$es"
check "in Spanish" grep -q "pasaremos la cuenta a our collection agency" "$es"

# --- stopped by the debtor before the date -----------------------------------------
for n in E-3 E-4 E-5; do
	t=$(task $n)
	as boss@example.com "/staff/tasks/$t/escalation"
	post boss@example.com "$t" decision=approve "on_date=$ON" note= "csrf=$(form_csrf)" "version=$(form_value version)"
	expect_status 303 "$n approved"
done
printf '%s\n%s\n%s\n' "$H" "$(row E-3 "Pays Late Ltd" pays@late.example en 120.00)" "E-3,CE-3,Pays Late Ltd,pays@late.example,,en,Europe/London,GBP,$(d -60),$(d -30),payment,Bank transfer,,120.00,$(d 1)" > "$T/pay.csv"
admin import "$T/pay.csv" > /dev/null || not_ok "the payment imports"
sql "INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version) VALUES ($(inv E-4), 'monthly', 3, 90000, 'GBP', 'test')"
sql "INSERT INTO reminder_holds (invoice_id, reason, kind) VALUES ($(inv E-5), 'hardship request', 'hardship')"

# --- remind before the date: nothing handed over --------------------------------
admin remind --now "$(d 7)T11:00Z" > "$T/r1" 2>&1 || not_ok "remind before the date"
expect_eq "before the date nothing is escalated" 0 "$(sql "SELECT count(*) FROM invoices WHERE escalated_at IS NOT NULL")"
expect_eq "E-1 and E-2 are still pending" "E-1|pending E-2|pending" \
	"$(sql "SELECT i.number || '|' || e.status FROM escalations e JOIN invoices i ON i.id = e.invoice_id WHERE i.number IN ('E-1', 'E-2') ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "paying, a plan and a hardship request cancel theirs" "E-3|cancelled|paid E-4|cancelled|plan E-5|cancelled|hardship" \
	"$(sql "SELECT i.number || '|' || e.status || '|' || e.end_reason FROM escalations e JOIN invoices i ON i.id = e.invoice_id WHERE i.number IN ('E-3', 'E-4', 'E-5') ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "each cancellation audited" 3 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'escalation.cancelled'")"
expect_eq "and noted on its task" 3 "$(sql "SELECT count(*) FROM tasks WHERE kind = 'escalate' AND note LIKE '%cancelled (%'")"

# --- after the date: handed over, reminders stop -----------------------------------
admin remind --now "$(d 15)T11:00Z" > "$T/r2" 2>&1 || not_ok "remind after the date"
check "remind says which invoice it escalated" grep -q "E-1.*escalation.*escalated" "$T/r2"
expect_eq "after the date E-1 and E-2 are escalated" "E-1 E-2" \
	"$(sql "SELECT number FROM invoices WHERE escalated_at IS NOT NULL ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the hand-over is audited" 2 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'escalation.escalated'")"
before=$(sql "SELECT count(*) FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number = 'E-1'")
sql "DELETE FROM cadence_steps WHERE kind = 'escalate'" > /dev/null 2>&1 || true
admin remind --now "$(d 40)T11:00Z" > /dev/null 2>&1
expect_eq "no more reminders for E-1" "$before" "$(sql "SELECT count(*) FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number = 'E-1'")"
expect_eq "the engine records why" escalated "$(sql "SELECT reason FROM reminder_skips k JOIN invoices i ON i.id = k.invoice_id WHERE i.number = 'E-1' LIMIT 1")"
as boss@example.com "/staff/tasks/$T1/escalation"
expect_body "Escalated: the invoice was handed over" "the task page says it was handed over"
http GET "$P1"
expect_body "This invoice has been handed over to our collection agency" "the debtor's page says it was handed over"
expect_body "We no longer send reminders" "and that reminders have stopped"

# --- declined -------------------------------------------------------------------
T6=$(task E-6)
as boss@example.com "/staff/tasks/$T6/escalation"
post boss@example.com "$T6" decision=decline "note=small balance, keep calling" "csrf=$(form_csrf)" "version=$(form_value version)"
expect_status 303 "the manager declines"
expect_eq "declined: the task is done with the note" "done|declined: small balance, keep calling" "$(sql "SELECT status || '|' || note FROM tasks WHERE id = $T6")"
expect_eq "no escalation for E-6" 0 "$(sql "SELECT count(*) FROM escalations e JOIN invoices i ON i.id = e.invoice_id WHERE i.number = 'E-6'")"
expect_eq "declining audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'escalation.declined'")"
finish
