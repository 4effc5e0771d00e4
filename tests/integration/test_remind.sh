#!/usr/bin/env bash
# Issue 13: the reminder engine. `portal-admin remind --now` moves day by
# day (four runs a day, one of them twice) over 45 simulated days across a
# set of invoices at every stage, and the test asserts the exact sequence
# of messages and tasks per invoice, the daytime of each customer, the
# structure of every mail, its link and its List-Unsubscribe headers,
# plans that miss and break, retries and bad cadences.
. "$(dirname "$0")/lib.sh"
stack_up

D0=$(date -u +%Y-%m-%d)
d() { date -u -d "$D0 $1 days" +%Y-%m-%d; }
MAIL=$VAR/mail
H='invoice,customer_ref,customer_name,email,phone,language,timezone,currency,issued,due,kind,description,quantity,amount,date'
cat > "$T/inv.csv" <<CSV
$H
R-1,RC-1,Harbour Café Ltd,owner@harbour.example,+44 1632 960 512,en,Europe/London,GBP,$(d -27),$(d 3),line,Espresso machine service,1,180.00,
R-1,RC-1,Harbour Café Ltd,owner@harbour.example,+44 1632 960 512,en,Europe/London,GBP,$(d -27),$(d 3),fee,"Late payment fee, GBP 40 fixed sum (Late Payment of Commercial Debts Act 1998)",,40.00,$(d -1)
R-2,RC-2,Bright Ideas LLC,accounts@bright.example,+1 415 555 0134,en,America/New_York,USD,$(d -27),$(d 3),line,Brand workshop,1,1800.00,
R-3,RC-3,Ana Ruiz,ana@ruiz.example,+34 612 345 678,es,Europe/Madrid,EUR,$(d -44),$(d -14),line,Mantenimiento web,1,450.00,
R-4,RC-4,Paid Up Ltd,paid@paid.example,,en,Europe/London,GBP,$(d -27),$(d 3),line,Consulting,1,100.00,
R-4,RC-4,Paid Up Ltd,paid@paid.example,,en,Europe/London,GBP,$(d -27),$(d 3),payment,Bank transfer,,100.00,$(d -2)
R-5,RC-5,Kestrel Logistics Ltd,finance@kestrel.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Racking,1,600.00,
R-6,RC-6,Held Ltd,held@held.example,,en,Europe/London,GBP,$(d -35),$(d -5),line,Repairs,1,300.00,
R-7,RC-7,Opted Out Ltd,out@out.example,,en,Europe/London,GBP,$(d -27),$(d 3),line,Cleaning,1,120.00,
R-8,RC-8,No Address Ltd,none@none.example,+44 1632 960 000,en,Europe/London,GBP,$(d -27),$(d 3),line,Printing,1,90.00,
R-9,RC-9,Breaking Plans Ltd,plans@break.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Signage,1,900.00,
CSV
admin import "$T/inv.csv" > /dev/null || { echo "# import failed"; finish; }
id() { sql "SELECT id FROM invoices WHERE number = '$1'"; }
sql "UPDATE customers SET reminders_off_at = now() WHERE ref = 'RC-7'"
sql "UPDATE customers SET email = '' WHERE ref = 'RC-8'"
sql "INSERT INTO reminder_holds (invoice_id, kind, reason) VALUES ($(id R-6), 'hardship', 'hardship')"
# R-5 keeps to its plan (payments arrive on the days due); R-9 pays nothing.
plan() {	# plan INVOICE TOTAL DUE:AMOUNT...
	local inv=$1 total=$2 p seq=0 x
	shift 2
	p=$(sql "INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version) VALUES ($(id "$inv"), 'fortnightly', $#, $total, 'GBP', '2026-11') RETURNING id" | head -n 1)
	for x in "$@"; do
		seq=$((seq + 1))
		sql "INSERT INTO plan_installments VALUES ($p, $seq, '$(d "${x%%:*}")', ${x#*:})"
	done
	echo "$p"
}
P5=$(plan R-5 60000 5:30000 19:30000)
P9=$(plan R-9 90000 2:30000 9:30000 16:30000)

# --- bad cadences are refused, with a message that says what is wrong
refused() {	# refused NAME EXPECTED-TEXT SQL
	local err
	err=$(sql "$3" 2>&1 >/dev/null)
	if [ $? -ne 0 ] && grep -qF -- "$2" <<<"$err"; then ok "$1"
	else not_ok "$1" "got: $err"; fi
}
NEWC="INSERT INTO cadences (name, customer_group) VALUES ('test', 'test') RETURNING id"
refused "an unknown step kind is refused, naming the kinds" 'unknown kind "overdue_3"' \
	"BEGIN; WITH c AS ($NEWC) INSERT INTO cadence_steps (cadence_id, position, offset_days, kind) SELECT id, 1, 3, 'overdue_3' FROM c; COMMIT;"
refused "steps out of order are refused" 'steps out of order: step 2 (due, 0 days) is not after step 1 (overdue_1, 3 days)' \
	"BEGIN; WITH c AS ($NEWC) INSERT INTO cadence_steps (cadence_id, position, offset_days, kind) SELECT id, p, o, k FROM c, (VALUES (1, 3, 'overdue_1'), (2, 0, 'due')) v (p, o, k); COMMIT;"
refused "a step after escalate is refused" 'step 2 (final) comes after step 1 (escalate)' \
	"BEGIN; WITH c AS ($NEWC) INSERT INTO cadence_steps (cadence_id, position, offset_days, kind) SELECT id, p, o, k FROM c, (VALUES (1, 28, 'escalate'), (2, 35, 'final')) v (p, o, k); COMMIT;"
refused "moving a default step out of order is refused too" 'steps out of order' \
	"UPDATE cadence_steps SET offset_days = 40 WHERE kind = 'due'"
expect_eq "nothing of the refused cadences was kept" "1/7" \
	"$(sql "SELECT count(*) FROM cadences")/$(sql "SELECT count(*) FROM cadence_steps")"

# --- --dry-run prints what it would queue and writes nothing
count_all() { sql "SELECT (SELECT count(*) FROM reminders) || '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM tasks) || '/' || (SELECT count(*) FROM links) || '/' || (SELECT count(*) FROM reminder_skips) || '/' || (SELECT count(*) FROM unsubscribe_links)"; }
# What a debtor or staff would see: reminders, mails, tasks, links.
count_msgs() { sql "SELECT (SELECT count(*) FROM reminders) || '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM tasks) || '/' || (SELECT count(*) FROM links) || '/' || (SELECT count(*) FROM unsubscribe_links)"; }
before=$(count_all)
admin remind --dry-run --now "${D0}T10:00Z" > "$T/dry" 2>&1
check "--dry-run prints the upcoming email to the London customer at 10:00 local" \
	grep -qP "^R-1\tupcoming\towner@harbour.example\t$D0 10:00 Europe/London$" "$T/dry"
check "--dry-run prints the opted-out customer's step as a task" \
	grep -qP "^R-7\tupcoming\ttask:opted_out\t" "$T/dry"
expect_no_body_file() { if grep -q "$1" "$2"; then not_ok "$3" "found $1"; else ok "$3"; fi; }
expect_no_body_file "^R-2" "$T/dry" "--dry-run sends nothing to New York at 05:00 there"
expect_eq "--dry-run writes nothing" "$before" "$(count_all)"
admin remind --simulate 4 --now "${D0}T00:00Z" > "$T/sim" 2>&1
check "--simulate prints the New York upcoming email at 08:00 there (13:00Z)" \
	grep -qP "^${D0} 13:00Z\tR-2\tupcoming\taccounts@bright.example\t$D0 08:00 America/New_York" "$T/sim"
check "--simulate prints the due-day email on day 3" \
	grep -qP "^$(d 3) 08:00Z\tR-1\tdue\t" "$T/sim"
check "--simulate sums up and says nothing was written" grep -q "nothing was written" "$T/sim"
expect_eq "--simulate writes nothing" "$before" "$(count_all)"

# --- 45 days, four runs a day (06:00Z, 10:00Z twice, 22:00Z)
twice_ok=1
for day in $(seq 0 44); do
	dd=$(d "$day")
	# Payments arrive by import on the day R-5's installments are due.
	if [ "$day" = 5 ] || [ "$day" = 19 ]; then
		sql "INSERT INTO payments VALUES ($(id R-5), $day, 'Bank transfer', 30000, '$dd')"
	fi
	admin remind --now "${dd}T06:00Z" > /dev/null || not_ok "remind at ${dd}T06:00Z"
	admin remind --now "${dd}T10:00Z" > /dev/null || not_ok "remind at ${dd}T10:00Z"
	n1=$(count_msgs)
	admin remind --now "${dd}T10:05Z" > /dev/null
	[ "$n1" = "$(count_msgs)" ] || { twice_ok=0; echo "# day $day: a second run changed $n1 to $(count_msgs)"; }
	admin remind --now "${dd}T22:00Z" > /dev/null || not_ok "remind at ${dd}T22:00Z"
done
expect_eq "a second run the same morning changes nothing, on any day" 1 "$twice_ok"

# The sequence of an invoice: kind:outcome@day (days from D0 in the customer's zone).
seqof() {
	sql "SELECT string_agg(r.kind || ':' || r.outcome || '@' || ((r.done_at AT TIME ZONE coalesce(nullif(c.timezone, ''), 'Europe/London'))::date - '$D0'::date), ' ' ORDER BY r.done_at, r.id) FROM reminders r JOIN invoices i ON i.id = r.invoice_id JOIN customers c ON c.id = i.customer_id WHERE i.number = '$1'"
}
tasksof() { sql "SELECT string_agg(kind || '@' || (due_on - '$D0'::date), ' ' ORDER BY id) FROM tasks WHERE invoice_id = $(id "$1")"; }
FULL="upcoming:sent@0 due:sent@3 overdue_1:sent@6 call:task@10 overdue_2:sent@17 final:sent@24 escalate:task@32"
expect_eq "London: the whole cadence, each step on its day" "$FULL" "$(seqof R-1)"
expect_eq "New York: the whole cadence, each step on its day there" "$FULL" "$(seqof R-2)"
expect_eq "Madrid, 14 days late at the start: the latest step only, then the rest" \
	"overdue_2:sent@0 final:sent@7 escalate:task@15" "$(seqof R-3)"
expect_eq "a paid invoice gets nothing" "" "$(seqof R-4)"
expect_eq "an invoice on a hardship hold gets nothing" "" "$(seqof R-6)"
expect_eq "a plan in good standing gets only its installment reminders" \
	"installment_upcoming:sent@2 installment_upcoming:sent@16" "$(seqof R-5)"
expect_eq "opted out: every email step is a task, none is sent" \
	"upcoming:task@0 due:task@3 overdue_1:task@6 call:task@10 overdue_2:task@17 final:task@24 escalate:task@31" "$(seqof R-7)"
expect_eq "opted out: the tasks are contact the customer, call, escalate" \
	"contact@0 contact@3 contact@6 call@10 contact@17 contact@24 escalate@31" "$(tasksof R-7)"
expect_eq "no email address: tasks, with the reason" \
	"no_email no_email no_email staff_step no_email no_email staff_step" \
	"$(sql "SELECT string_agg(reason, ' ' ORDER BY id) FROM reminders WHERE invoice_id = $(id R-8)")"
expect_eq "a plan that misses twice: reminders, a miss, the break, then the cadence resumes" \
	"installment_upcoming:sent@0 installment_upcoming:sent@6 installment_missed:sent@7 installment_upcoming:sent@13 plan_broken:sent@14 final:sent@15 escalate:task@23" "$(seqof R-9)"
expect_eq "the missed installment and the break each made a task" \
	"installment_missed@7 plan_broken@14 escalate@23" "$(tasksof R-9)"
expect_eq "the plan is marked broken, with its end" "broken/true" \
	"$(sql "SELECT status || '/' || (ended_at IS NOT NULL) FROM plans WHERE id = $P9")"
expect_eq "the plan kept to is still active" "active" "$(sql "SELECT status FROM plans WHERE id = $P5")"
expect_eq "no mail was queued for the paid, held, opted-out or address-less invoices" 0 \
	"$(sql "SELECT count(*) FROM outbox o JOIN invoices i ON i.id = o.invoice_id WHERE i.number IN ('R-4', 'R-6', 'R-7', 'R-8')")"
expect_eq "every email went out between 08:00 and 21:00 in London" "" \
	"$(sql "SELECT string_agg(r.kind, ' ') FROM reminders r WHERE r.invoice_id IN ($(id R-1), $(id R-9)) AND r.outcome = 'sent' AND extract(hour FROM r.done_at AT TIME ZONE 'Europe/London') NOT BETWEEN 8 AND 20")"
expect_eq "London's emails went out at the 10:00Z run (10:00 there)" "10:00" \
	"$(sql "SELECT string_agg(DISTINCT to_char(done_at AT TIME ZONE 'UTC', 'HH24:MI'), ' ') FROM reminders WHERE invoice_id = $(id R-1) AND outcome = 'sent'")"
expect_eq "New York's emails waited for the 22:00Z run (17:00 there)" "17:00" \
	"$(sql "SELECT string_agg(DISTINCT to_char(done_at AT TIME ZONE 'America/New_York', 'HH24:MI'), ' ') FROM reminders WHERE invoice_id = $(id R-2) AND outcome = 'sent'")"
expect_eq "skips are recorded for staff with their reason" "hardship/paid/paid,plan" \
	"$(sql "SELECT (SELECT reason FROM reminder_skips WHERE invoice_id = $(id R-6) LIMIT 1) || '/' || (SELECT reason FROM reminder_skips WHERE invoice_id = $(id R-4) LIMIT 1) || '/' || (SELECT string_agg(DISTINCT reason, ',') FROM reminder_skips WHERE invoice_id = $(id R-5))")"
expect_eq "each email has its own link and its fixed pay-by date" "0" \
	"$(sql "SELECT count(*) FROM reminders WHERE outcome = 'sent' AND (link_id IS NULL OR outbox_id IS NULL OR pay_by IS NULL)")"
expect_eq "the final notice's pay-by date is the escalation date (due + 28)" "$(d 31)" \
	"$(sql "SELECT pay_by FROM reminders WHERE invoice_id = $(id R-1) AND kind = 'final'")"
expect_eq "each email's audit event" "$(sql "SELECT count(*) FROM reminders WHERE outcome = 'sent'")" \
	"$(sql "SELECT count(*) FROM audit_events WHERE action = 'reminder.sent'")"

# --- the mails in var/mail: wait for portal-notify, then check each step
want=$(sql "SELECT count(*) FROM outbox")
for _ in $(seq 1 60); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")" = "$want" ] && break
	sleep 1
done
expect_eq "portal-notify delivered every reminder" "$want" "$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")"
mailof() {	# mailof TO SUBJECT-TEXT: the file of that mail
	grep -l "^To: .*$1" "$MAIL"/*.eml 2>/dev/null | xargs -r grep -lF "$2" | head -n 1
}
has() { grep -qF -- "$2" "$1"; }
structure() {	# structure STEP FILE: every part a reminder must have
	local s=$1 f=$2
	[ -n "$f" ] && [ -f "$f" ] || { not_ok "$s: the mail is in var/mail"; return; }
	ok "$s: the mail is in var/mail"
	local miss=()
	has "$f" "Dear $3," || miss+=(greeting)
	has "$f" "R-" || miss+=(number)
	has "$f" "Amount: " || miss+=(amount)
	has "$f" "due on " || miss+=("due date")
	grep -qE "by [0-9]{1,2} [A-Z][a-z]+ 20[0-9]{2}" "$f" || miss+=("pay-by date")
	grep -qE "http://127\.0\.0\.1:$PORT/i/[A-Za-z0-9_-]{43}" "$f" || miss+=(link)
	has "$f" "IBAN: GB33 BUKB 2020 1555 5555 55" || miss+=(IBAN)
	has "$f" "Reference: R-" || miss+=(reference)
	has "$f" "+44 20 7946 0321" || miss+=("contact phone")
	has "$f" "credit@northwind.example (Monday to Friday" || miss+=("contact email and hours")
	has "$f" "/hardship" || miss+=("tell us what is going on")
	has "$f" "If you have already paid, thank you" || miss+=("already paid")
	has "$f" "Content-Type: multipart/alternative" || miss+=(multipart)
	has "$f" "Content-Type: text/html" || miss+=("HTML part")
	grep -qE "^List-Unsubscribe: <https://127\.0\.0\.1:$PORT/u/[A-Za-z0-9_-]{43}>" "$f" || miss+=(List-Unsubscribe)
	has "$f" "<mailto:credit@northwind.example?subject=unsubscribe>" || miss+=("unsubscribe mailto")
	has "$f" "List-Unsubscribe-Post: List-Unsubscribe=One-Click" || miss+=(List-Unsubscribe-Post)
	# The plain text and the HTML part each carry the request and how to pay.
	local part
	for part in text html; do
		if [ $part = text ]; then sed '/^Content-Type: text\/html/,$d' "$f" > "$T/part"
		else sed -n '/^Content-Type: text\/html/,$p' "$f" > "$T/part"; fi
		has "$T/part" "IBAN: GB33 BUKB 2020 1555 5555 55" || miss+=("IBAN in $part")
		has "$T/part" "Reference: R-" || miss+=("reference in $part")
		grep -qE "by [0-9]{1,2} [A-Z][a-z]+ 20[0-9]{2}" "$T/part" || miss+=("pay-by date in $part")
		grep -qE "http://127\.0\.0\.1:$PORT/i/[A-Za-z0-9_-]{43}" "$T/part" || miss+=("link in $part")
		has "$T/part" "/hardship" || miss+=("ways out in $part")
	done
	if [ ${#miss[@]} -eq 0 ]; then ok "$s: greeting, facts, pay-by date, link, bank details, contact, ways out, text+HTML, List-Unsubscribe"
	else not_ok "$s: the mail has every part" "missing: ${miss[*]}"; fi
}
structure upcoming "$(mailof owner@harbour 'Subject: Invoice R-1: a friendly reminder')" "Harbour Café Ltd"
structure due "$(mailof owner@harbour 'Subject: Invoice R-1 is due today')" "Harbour Café Ltd"
structure overdue_1 "$(mailof owner@harbour 'Subject: Invoice R-1: payment reminder')" "Harbour Café Ltd"
structure overdue_2 "$(mailof owner@harbour 'Subject: Invoice R-1: second notice')" "Harbour Café Ltd"
structure final "$(mailof owner@harbour 'Subject: Invoice R-1: final notice before formal recovery')" "Harbour Café Ltd"
structure installment_upcoming "$(mailof plans@break 'your next plan payment is due on')" "Breaking Plans Ltd"
structure installment_missed "$(mailof plans@break 'we have not received your plan payment')" "Breaking Plans Ltd"
structure plan_broken "$(mailof plans@break 'your payment plan has ended')" "Breaking Plans Ltd"
f=$(mailof owner@harbour 'Subject: Invoice R-1: a friendly reminder')
check "every mail with a plan offer: the first reminder offers a plan" has "$f" "/plan"
check "the first reminder thanks for the business" has "$f" "Thank you for your business"
f=$(mailof owner@harbour 'second notice')
check "the second notice names the late fee with its rule" has "$f" "Late fee charged on $(date -u -d "$(d -1)" '+%-d %B %Y'): GBP 40.00, Late payment fee, GBP 40 fixed sum (Late Payment of Commercial Debts Act 1998)"
check "the second notice says further fees may apply under the terms" has "$f" "Further late fees may apply under our terms"
f=$(mailof owner@harbour 'final notice')
check "the final notice names the date of formal recovery" has "$f" "heard from you by $(date -u -d "$(d 31)" '+%-d %B %Y'), after that date the account passes to formal recovery"
check "the final notice gives the three ways to avoid it" bash -c "grep -qF '1. Pay GBP 220.00' '$f' && grep -qF '2. Set up a payment plan' '$f' && grep -qF '3. Tell us about a difficulty' '$f'"
f=$(mailof plans@break 'we have not received your plan payment')
check "the missed installment mail names the payment and its date" has "$f" "We have not received payment 1 of your plan for invoice R-9, GBP 300.00, which was due on $(date -u -d "$(d 2)" '+%-d %B %Y')"
f=$(mailof ana@ruiz 'Factura R-3')
check "the Spanish customer's reminder is in Spanish (usted)" has "$f" "Le rogamos que pague"
check "and says Content-Language: es" has "$f" "Content-Language: es"
# Issue 16: a EUR reminder carries the EPC payment QR for the balance, inline
# in the HTML part, and it decodes (zbar) to exactly the transfer asked for;
# a GBP reminder has none.
f=$(mailof ana@ruiz 'Factura R-3')
if [ -n "$f" ] && has "$f" "Content-ID: <payqr@settle>"; then
	ok "the EUR reminder carries the payment QR code"
	sed -n '/^Content-ID: <payqr@settle>/,/^--/p' "$f" | sed '1,/^$/d; /^--/d' | base64 -d > "$T/qr.png" 2>/dev/null
	cents=$(sql "SELECT (SELECT coalesce(sum(total_cents), 0) FROM invoice_lines WHERE invoice_id = i.id) + (SELECT coalesce(sum(amount_cents), 0) FROM fees WHERE invoice_id = i.id) - (SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE invoice_id = i.id) FROM invoices i WHERE number = 'R-3'")
	want=$(printf 'EUR%d.%02d' $((cents / 100)) $((cents % 100)))
	payload=$(zbarimg --quiet --raw -Sbinary "$T/qr.png" 2>/dev/null)
	expect_eq "the QR decodes to an EPC transfer of the balance to our IBAN, reference R-3" \
		"BCD|SCT|GB33BUKB20201555555555|$want|R-3" \
		"$(printf '%s\n' "$payload" | sed -n '1p;4p;7p;8p;11p' | paste -sd'|')"
	check "the HTML part shows it, with a text alternative" grep -q 'src="cid:payqr@settle".*alt="Código QR de pago: ' "$f"
else
	not_ok "the EUR reminder carries the payment QR code"
fi
check "a GBP reminder has no payment QR code" bash -c "! grep -q payqr@settle '$(mailof owner@harbour 'final notice')'"
check "no exclamation marks in any reminder" bash -c "! grep -l 'Subject: .*R-' '$MAIL'/*.eml | xargs grep -l '^[^<].*!' >/dev/null"

# The link in a reminder opens the invoice page, through nginx.
f=$(mailof owner@harbour 'final notice')
url=$(grep -oE "http://127\.0\.0\.1:$PORT/i/[A-Za-z0-9_-]{43}" "$f" | head -n 1)
http GET "${url#$BASE}"
expect_status 200 "the link in the final notice opens the invoice page"
expect_body "R-1" "the page is the invoice's"

# --- staff see every step sent, waiting or skipped, the tasks and the next step
echo "a long enough passphrase" | admin staff-add clerk@example.com "Clara Clerk" > /dev/null
jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
csrf=$(form_value csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=clerk@example.com" --data-urlencode "password=a long enough passphrase" "$BASE/staff/login"
http GET /staff/invoices/R-1 -b "$jar"
expect_status 200 "the staff history of R-1 opens"
page_text > "$T/text"
for want in "Before the due date" "On the due date" "First reminder" "Second notice" "Final notice" "Escalation" \
	"Email sent" "A task instead: a step for staff" "Reminder sent: final@21, pay by $(d 31)"; do
	check "the history shows: $want" grep -qF "$want" "$T/text"
done
http GET /staff/invoices/R-7 -b "$jar"
check "an opted-out customer's steps show as tasks with the reason" \
	grep -qF "A task instead: opted out of reminder emails" <(page_text)
check "and the tasks are listed" grep -qF "Contact the customer, due" <(page_text)
http GET /staff/invoices/R-5 -b "$jar"
check "a skipped step shows its reason" grep -qF "Skipped: an active payment plan" <(page_text)
sql "INSERT INTO invoices (number, customer_id, currency, issued, due) SELECT 'R-11', customer_id, currency, now()::date, now()::date + 10 FROM invoices WHERE number = 'R-1'"
sql "INSERT INTO invoice_lines VALUES ($(id R-11), 1, 'Coffee', 1000, 5000, 5000)"
http GET /staff/invoices/R-11 -b "$jar"
check "an invoice not yet due shows its next step and its day" \
	grep -qF "Next step: Before the due date, on $(date -u -d "$(d 7)" '+%A %-d %B %Y')." <(page_text)
http GET /staff/tasks -b "$jar"
expect_status 200 "the open tasks list opens"
check "it lists the escalation of R-1" grep -qE "R-1 .*Escalate|Escalate .*R-1" <(page_text | tr -s '\n ' ' ')
check "and the missed installment of R-9" grep -qF "Missed installment" <(page_text)

# --- a failed delivery is retried by portal-notify, never queued again by remind
cat > "$T/late.csv" <<CSV
$H
R-10,RC-10,Retry Ltd,retry@retry.example,,en,Europe/London,GBP,$(d 10),$(d 50),line,Audit,1,75.00,
CSV
admin import "$T/late.csv" > /dev/null
touch "$MAIL/FAIL"
admin remind --now "$(d 47)T10:00Z" > /dev/null
o=$(sql "SELECT count(*) FROM outbox WHERE invoice_id = $(id R-10)")
expect_eq "the upcoming reminder is queued once" 1 "$o"
for _ in $(seq 1 20); do
	[ "$(sql "SELECT attempts FROM outbox WHERE invoice_id = $(id R-10)")" -ge 2 ] && break
	sleep 1
done
check "portal-notify retried the failed delivery" \
	test "$(sql "SELECT attempts FROM outbox WHERE invoice_id = $(id R-10)")" -ge 2
admin remind --now "$(d 47)T15:00Z" > /dev/null
admin remind --now "$(d 48)T15:00Z" > /dev/null
expect_eq "remind did not queue it again while it failed" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE invoice_id = $(id R-10)")"
rm -f "$MAIL/FAIL"
for _ in $(seq 1 30); do
	[ "$(sql "SELECT status FROM outbox WHERE invoice_id = $(id R-10)")" = sent ] && break
	sleep 1
done
expect_eq "once sendmail works again the reminder is delivered" sent \
	"$(sql "SELECT status FROM outbox WHERE invoice_id = $(id R-10)")"

# --- one click on the mail's List-Unsubscribe (RFC 8058): the next step is a task
f=$(mailof retry@retry 'R-10')
u=$(sed -n 's|^List-Unsubscribe: <https://127\.0\.0\.1:'"$PORT"'\(/u/[A-Za-z0-9_-]\{43\}\)>.*|\1|p' "${f:-/dev/null}" | head -n 1)
check "the delivered reminder has a one-click address" test -n "$u"
code=$(curl -s -o /dev/null -w '%{http_code}' -d 'List-Unsubscribe=One-Click' "$BASE$u")
expect_eq "the one-click POST (no cookie, no CSRF token) is answered 200" 200 "$code"
expect_eq "and the customer is opted out" t \
	"$(sql "SELECT reminders_off_at IS NOT NULL FROM customers WHERE ref = 'RC-10'")"
admin remind --now "$(d 50)T10:00Z" > /dev/null
expect_eq "the next step after the opt-out is a staff task, not an email" \
	"upcoming:sent@47 due:task@50" "$(seqof R-10)"
expect_eq "and no second mail was queued" 1 \
	"$(sql "SELECT count(*) FROM outbox WHERE invoice_id = $(id R-10)")"
finish
