#!/usr/bin/env bash
# Issue 15: a dispute, "I've already paid" and a promise to pay: the forms,
# their bad input (nothing written), the mails, the task rows, the holds
# `remind` skips, and what resumes the cadence.
. "$(dirname "$0")/lib.sh"
stack_up --exempt

D0=$(date -u +%Y-%m-%d)
d() { date -u -d "$D0 $1 days" +%Y-%m-%d; }
MAIL=$VAR/mail
H='invoice,customer_ref,customer_name,email,phone,language,timezone,currency,issued,due,kind,description,quantity,amount,date'
cat > "$T/inv.csv" <<CSV
$H
D-1,DC-1,Harbour Café Ltd,owner@harbour.example,,en,Europe/London,GBP,$(d -30),$D0,line,Espresso machine service,1,180.00,
D-2,DC-2,Ana Ruiz,ana@ruiz.example,,es,Europe/Madrid,EUR,$(d -40),$(d -10),line,Mantenimiento web,1,450.00,
D-3,DC-3,Kestrel Logistics Ltd,finance@kestrel.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Racking,1,600.00,
D-4,DC-4,Paid Up Ltd,paid@paid.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Consulting,1,100.00,
D-4,DC-4,Paid Up Ltd,paid@paid.example,,en,Europe/London,GBP,$(d -40),$(d -10),payment,Bank transfer,,100.00,$(d -2)
D-5,DC-5,Plain Ltd,plain@plain.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Signage,1,300.00,
D-6,DC-6,Lines Ltd,lines@lines.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Signage A,1,100.00,
D-6,DC-6,Lines Ltd,lines@lines.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Signage B,1,50.00,
D-6,DC-6,Lines Ltd,lines@lines.example,,en,Europe/London,GBP,$(d -40),$(d -10),line,Fitting,1,25.00,
CSV
admin import "$T/inv.csv" > /dev/null || { echo "# import failed"; finish; }
id() { sql "SELECT id FROM invoices WHERE number = '$1'"; }
# The wording is checked in English, but for D-2 (Spanish mails).
mailto() { grep -l "^To: .*<$1>" "$MAIL"/*.eml 2>/dev/null | xargs -r grep -l "$2" | head -n 1; }
wait_mail() {	# wait_mail ADDRESS TEXT: the mail's file, within 5 seconds
	local i f
	for i in $(seq 25); do
		f=$(mailto "$1" "$2")
		[ -n "$f" ] && { echo "$f"; return; }
		sleep 0.2
	done
	echo /dev/null
}
rows() { sql "SELECT (SELECT count(*) FROM disputes) || '/' || (SELECT count(*) FROM payment_claims) || '/' || (SELECT count(*) FROM promises) || '/' || (SELECT count(*) FROM reminder_holds) || '/' || (SELECT count(*) FROM tasks) || '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM audit_events WHERE actor = 'debtor' AND action NOT LIKE '%.viewed')"; }
# post PATH EXPECTED NAME field=value...
post() {
	local path=$1 want=$2 name=$3 kv args=()
	shift 3
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	http POST "$path" "${args[@]}"
	expect_status "$want" "$name"
}

# ---- the invoice page links to the three forms ----
p1=$(link_path D-1)
http GET "$p1"
expect_body "$p1/dispute" "the invoice page links to the dispute form"
expect_body "$p1/paid" "and to \"I have already paid\""
expect_body "$p1/promise" "and to the promise to pay"

# ---- a dispute: bad input first ----
http GET "$p1/dispute"
expect_status 200 "the dispute form opens"
expect_body "The amount is wrong" "it offers the reasons"
csrf=$(form_value csrf)
before=$(rows)
post "$p1/dispute" 400 "a dispute without a reason is 400" "csrf=$csrf" "details=The price is wrong."
expect_body "Choose what is wrong with the invoice" "the missing reason is named"
expect_body "The price is wrong." "the text is kept"
post "$p1/dispute" 400 "a dispute without details is 400" "csrf=$csrf" reason=wrong_amount "details=  "
expect_body "Tell us briefly what is wrong" "the missing details are named"
post "$p1/dispute" 400 "an unknown reason is 400" "csrf=$csrf" reason=bored "details=x"
post "$p1/dispute" 403 "a bad CSRF token is 403 with the form again" "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" reason=other "details=Keep me"
expect_body "this form expired" "the expired form is explained"
expect_body "Keep me" "and the text is kept"
p4=$(link_path D-4)
http GET "$p4/dispute"
csrf4=$(form_value csrf)
post "$p4/dispute" 400 "a dispute on a paid invoice is refused" "csrf=$csrf4" reason=other "details=Why?"
expect_body "already paid in full" "with a message saying why"
expect_eq "no bad dispute wrote anything" "$before" "$(rows)"

# ---- a good dispute ----
post "$p1/dispute" 303 "a good dispute answers 303" "csrf=$csrf" reason=wrong_amount \
	"details=You charged two services; we had one." "reference=PO-7781"
expect_header "Location: $p1" "back to the invoice"
expect_eq "the dispute is stored with its hold and its task" \
	"wrong_amount|PO-7781|open|dispute|dispute|open" \
	"$(sql "SELECT d.reason, d.reference, d.status, h.kind, t.kind, t.status FROM disputes d JOIN reminder_holds h ON h.id = d.hold_id JOIN tasks t ON t.ref_id = d.id AND t.kind = 'dispute'")"
expect_eq "and audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'dispute.received' AND invoice_id = $(id D-1)")"
f=$(wait_mail owner@harbour.example "We received your question")
check "the debtor gets a confirmation" grep -q "You charged two services" "$f"
f=$(wait_mail credit-team@northwind.example "disputes invoice D-1")
check "staff get a mail with the link to decide it" grep -q "/staff/disputes/" "$f"
http GET "$p1?done=dispute"
expect_body "Thank you, we received your message" "the banner says it was received"
expect_body "We are looking into your question about this invoice" "the page says the dispute is open"
expect_no_body "Please pay" "and asks for no payment meanwhile"
# "Email me a copy" of the acknowledgement, from the dispute's notice.
copy=$(python3 - "$T/body" <<'PY'
import re, sys
b = open(sys.argv[1]).read()
for f in re.findall(r'<form method="post" action="[^"]*/copy"[^>]*>.*?</form>', b, re.S):
    if 'name="kind" value="dispute_ack"' in f:
        print(re.search(r'name="csrf" value="([^"]*)"', f).group(1))
PY
)
check "the dispute's notice offers a copy of its acknowledgement" test ${#copy} -eq 43
post "$p1/copy" 303 "the copy is queued" "csrf=$copy" kind=dispute_ack
expect_eq "as a copy of the dispute's acknowledgement, to the address on file" 1 \
	"$(sql "SELECT count(*) FROM outbox o JOIN outbox s ON s.id = o.copy_of WHERE s.kind = 'dispute_ack' AND o.recipient = s.recipient")"
before=$(rows)
post "$p1/dispute" 400 "a second dispute while one is open is refused" "csrf=$csrf" reason=other "details=again"
expect_body "We already have your earlier request" "with a message"
expect_eq "the second dispute wrote nothing" "$before" "$(rows)"

# ---- "I've already paid" ----
p3=$(link_path D-3)
http GET "$p3/paid"
expect_status 200 "the payment claim form opens"
csrf=$(form_value csrf)
before=$(rows)
claim() {	# claim EXPECTED NAME [field=value ...]: other fields are valid
	local want=$1 name=$2 kv
	shift 2
	local -A f=([csrf]="$csrf" [paid_on]="$(d -2)" [amount]=600.00 [method]=bank_transfer [reference]="TRX 55")
	for kv in "$@"; do f[${kv%%=*}]=${kv#*=}; done
	local args=()
	for kv in "${!f[@]}"; do args+=("$kv=${f[$kv]}"); done
	post "$p3/paid" "$want" "$name" "${args[@]}"
}
claim 400 "a payment date in the future is 400" "paid_on=$(d 2)"
expect_body "Enter a date that is today or earlier" "the future date is named"
claim 400 "a payment date before the invoice is 400" "paid_on=$(d -60)"
expect_body "Enter a date on or after the invoice date" "the early date is named"
claim 400 "a malformed date is 400" "paid_on=2/3/2026"
claim 400 "more decimals than the currency is 400" "amount=600.001"
expect_body "no more decimals than the currency has" "the decimals are named"
expect_body 'value="600.001"' "the amount is kept"
claim 400 "a zero amount is 400" "amount=0.00"
expect_body "Enter an amount greater than zero" "zero is named"
claim 400 "a negative amount is 400" "amount=-5.00"
claim 400 "an unknown method is 400" "method=bitcoin"
expect_body "Choose how you paid" "the method is named"
expect_eq "no bad claim wrote anything" "$before" "$(rows)"
claim 303 "a good claim answers 303"
expect_eq "the claim is stored with a 7-day hold and its task" \
	"60000|bank_transfer|TRX 55|open|paid_claim|7|paid_claim" \
	"$(sql "SELECT k.amount_cents, k.method, k.reference, k.status, h.kind, round(extract(epoch FROM h.until - h.created_at) / 86400), t.kind FROM payment_claims k JOIN reminder_holds h ON h.id = k.hold_id JOIN tasks t ON t.ref_id = k.id AND t.kind = 'paid_claim'")"
f=$(wait_mail finance@kestrel.example "we are checking your payment")
check "the debtor gets a confirmation naming the amount" grep -q "600.00" "$f"
f=$(wait_mail credit-team@northwind.example "Payment claim: invoice D-3")
check "staff get a mail with the link to confirm it" grep -q "/staff/claims/" "$f"
http GET "$p3"
expect_body "We are checking your payment" "the invoice page says the claim is being checked"

# ---- a promise to pay, in Spanish ----
p2=$(link_path D-2)
http GET "$p2/promise?lang=en"
expect_status 200 "the promise form opens"
expect_body "within the next 30 days" "it states the policy's limit"
# The page in English has a language form too: the promise form's token.
csrf=$(sed -n '/action="[^"]*\/promise/,/<\/form>/s/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1)
before=$(rows)
post "$p2/promise?lang=en" 400 "a promise for today is 400" "csrf=$csrf" "pay_on=$D0"
expect_body "Choose a day after today" "the past day is named"
post "$p2/promise?lang=en" 400 "a promise for yesterday is 400" "csrf=$csrf" "pay_on=$(d -1)"
post "$p2/promise?lang=en" 400 "a promise beyond the policy is 400" "csrf=$csrf" "pay_on=$(d 31)"
expect_body "That is further ahead than we can wait" "the limit is named"
post "$p2/promise?lang=en" 400 "a malformed promise date is 400" "csrf=$csrf" "pay_on=soon"
expect_eq "no bad promise wrote anything" "$before" "$(rows)"
post "$p2/promise?lang=en" 303 "a good promise answers 303" "csrf=$csrf" "pay_on=$(d 5)"
expect_eq "the promise is stored with a hold until the day after" \
	"$(d 5)|45000|open|promise|$(d 6)" \
	"$(sql "SELECT p.pay_on, p.amount_cents, p.status, h.kind, (h.until AT TIME ZONE 'Europe/London')::date FROM promises p JOIN reminder_holds h ON h.id = p.hold_id")"
f=$(wait_mail ana@ruiz.example "compromiso")
check "the debtor's confirmation is in Spanish" grep -q "Estimad\|Hola" "$f"
http GET "$p2?lang=en"
expect_body "You promised to pay" "the invoice page shows the promise"
before=$(rows)
post "$p2/promise?lang=en" 400 "a second promise while one is open is refused" "csrf=$csrf" "pay_on=$(d 6)"
expect_body "You have already promised a day" "with a message next to the field"
expect_eq "the second promise wrote nothing" "$before" "$(rows)"

# ---- remind skips each held invoice ----
admin remind --now "${D0}T10:00Z" > /dev/null || not_ok "remind"
reason() { sql "SELECT string_agg(DISTINCT reason, ',') FROM reminder_skips WHERE invoice_id = $(id "$1")"; }
expect_eq "remind skips the disputed invoice" dispute "$(reason D-1)"
expect_eq "remind skips the invoice claimed paid" paid_claim "$(reason D-3)"
expect_eq "remind skips the promised invoice" promise "$(reason D-2)"
expect_eq "and does the step of the one without a hold" 1 "$(sql "SELECT count(*) FROM reminders WHERE invoice_id = $(id D-5)")"
expect_eq "nothing was sent for the held ones" 0 "$(sql "SELECT count(*) FROM reminders WHERE invoice_id IN ($(id D-1), $(id D-2), $(id D-3))")"

# The day before the promised day: a reminder of the promise, once.
admin remind --now "$(d 4)T10:00Z" > /dev/null || not_ok "remind +4"
admin remind --now "$(d 4)T12:00Z" > /dev/null || not_ok "remind +4 again"
expect_eq "the day before the promised day, one reminder of the promise" "promise_due|sent|$(d 5)" \
	"$(sql "SELECT string_agg(kind || '|' || outcome || '|' || pay_by, ' ') FROM reminders WHERE invoice_id = $(id D-2)")"
f=$(wait_mail ana@ruiz.example "mañana")
check "the promise reminder is mailed in Spanish" grep -q "450,00" "$f"

# An unconfirmed claim: after 7 days the cadence resumes by itself.
admin remind --now "$(d 8)T10:00Z" > /dev/null || not_ok "remind +8"
expect_eq "8 days after an unconfirmed claim the cadence resumes" 1 \
	"$(sql "SELECT count(*) FROM reminders WHERE invoice_id = $(id D-3)")"

# The promised day passed unpaid: broken, a task, a kind note; the cadence resumes.
expect_eq "the promise is broken, its hold released" "broken|t" \
	"$(sql "SELECT p.status, h.released_at IS NOT NULL FROM promises p JOIN reminder_holds h ON h.id = p.hold_id")"
expect_eq "staff get a promise_broken task" 1 \
	"$(sql "SELECT count(*) FROM tasks WHERE kind = 'promise_broken' AND invoice_id = $(id D-2) AND ref_id = (SELECT id FROM promises)")"
f=$(wait_mail ana@ruiz.example "no hemos recibido el pago")
check "the debtor gets a kind note" grep -q "plan de pagos" "$f"
admin remind --now "$(d 9)T10:00Z" > /dev/null || not_ok "remind +9"
expect_eq "the day after, the cadence resumes" 1 \
	"$(sql "SELECT count(*) FROM reminders WHERE invoice_id = $(id D-2) AND kind NOT LIKE 'promise%'")"
http GET "$p2?lang=en"
expect_no_body "You promised to pay" "the invoice page no longer shows the promise"

# ---- staff decide ----
echo "a long enough passphrase" | admin staff-add clerk@example.com "Cleo Clerk" > /dev/null
jar=$T/jar
rm -f "$jar"
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$(form_value csrf)" \
	--data-urlencode "email=clerk@example.com" --data-urlencode "password=a long enough passphrase" "$BASE/staff/login"
staff() { http "$@" -b "$jar" -c "$jar"; }
staff_csrf() { awk -v a="action=\"$1\"" 'index($0, a) { f = 1 } f && /name="csrf"/ { sub(/.*value="/, ""); sub(/".*/, ""); print; exit }' "$T/body"; }
dispute=$(sql "SELECT id FROM disputes WHERE invoice_id = $(id D-1)")
http GET "/staff/disputes/$dispute"
expect_status 303 "the dispute page needs a staff session"
staff GET "/staff/disputes/$dispute"
expect_status 200 "the dispute page opens for staff"
expect_body "You charged two services" "it shows what the debtor wrote"
expect_body "PO-7781" "and the reference"
dcsrf=$(staff_csrf "/staff/disputes/$dispute")
mark=$(rows)
staff POST "/staff/disputes/$dispute" --data-urlencode "csrf=$dcsrf" -d "decision=rejected" --data-urlencode "response=" -d "credit="
expect_status 400 "a rejection without an explanation is 400"
expect_body "Write the explanation the debtor will receive" "the missing explanation is named"
staff POST "/staff/disputes/$dispute" --data-urlencode "csrf=$dcsrf" -d "decision=rejected" --data-urlencode "response=We checked." -d "credit=10.00"
expect_status 400 "a credit with a rejection is 400"
staff POST "/staff/disputes/$dispute" --data-urlencode "csrf=$dcsrf" -d "decision=upheld" --data-urlencode "response=Sorry." -d "credit=10.001"
expect_status 400 "a credit with too many decimals is 400"
staff POST "/staff/disputes/$dispute" --data-urlencode "csrf=$dcsrf" -d "decision=upheld" --data-urlencode "response=Sorry." -d "credit=999.00"
expect_status 400 "a credit above the balance is 400"
staff POST "/staff/disputes/$dispute" --data-urlencode "csrf=wrong" -d "decision=upheld" --data-urlencode "response=Sorry." -d "credit="
expect_status 403 "a bad CSRF token is 403"
expect_eq "no bad decision wrote anything" "$mark" "$(rows)"
staff POST "/staff/disputes/$dispute" --data-urlencode "csrf=$dcsrf" -d "decision=rejected" \
	--data-urlencode "response=Both visits are on the signed job sheet of the 3rd." -d "credit="
expect_status 303 "rejecting the dispute answers 303"
expect_eq "the dispute is rejected, its hold released and its task done" "rejected|t|done" \
	"$(sql "SELECT d.status, h.released_at IS NOT NULL, t.status FROM disputes d JOIN reminder_holds h ON h.id = d.hold_id JOIN tasks t ON t.kind = 'dispute' AND t.ref_id = d.id WHERE d.id = $dispute")"
expect_eq "and audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'dispute.rejected'")"
f=$(wait_mail owner@harbour.example "signed job sheet")
check "the debtor gets the explanation" grep -q "please pay it within 7 days" "$f"
staff POST "/staff/disputes/$dispute" --data-urlencode "csrf=$dcsrf" -d "decision=upheld" --data-urlencode "response=x" -d "credit="
expect_status 409 "deciding it again is 409"
http GET "$p1"
expect_no_body "We are looking into your question" "the debtor's page no longer says the dispute is open"
expect_body "Please pay" "and asks for the payment again"

# A rejected dispute: the cadence resumes with a fresh 7-day pay-by.
admin remind --now "$(d 1)T10:00Z" > /dev/null || not_ok "remind +1"
expect_eq "after the rejection the cadence resumes" 1 "$(sql "SELECT count(*) FROM reminders WHERE invoice_id = $(id D-1)")"
# D-1 is due today: its "due" email would ask for payment by today.
expect_eq "the reminder asks for payment 7 days after the rejection" "due|sent|$(d 7)" \
	"$(sql "SELECT kind, outcome, pay_by FROM reminders WHERE invoice_id = $(id D-1)")"

# An upheld dispute with a credit: the line and the new balance on the page.
p5=$(link_path D-5)
http GET "$p5/dispute"
csrf=$(form_value csrf)
post "$p5/dispute" 303 "a second invoice's dispute" "csrf=$csrf" reason=not_as_agreed "details=The signs are the wrong colour."
dispute5=$(sql "SELECT id FROM disputes WHERE invoice_id = $(id D-5)")
staff GET "/staff/disputes/$dispute5"
dcsrf=$(staff_csrf "/staff/disputes/$dispute5")
staff POST "/staff/disputes/$dispute5" --data-urlencode "csrf=$dcsrf" -d "decision=upheld" \
	--data-urlencode "response=We will repaint them." -d "credit=120.00"
expect_status 303 "upholding with a credit answers 303"
expect_eq "the credit is a line of its own" "-12000" \
	"$(sql "SELECT total_cents FROM invoice_lines WHERE invoice_id = $(id D-5) AND description LIKE 'Credit%'")"
f=$(wait_mail plain@plain.example "repaint")
check "the debtor is told the credit and the new balance" bash -c "grep -q '120.00' '$f' && grep -q '180.00' '$f'"
http GET "$p5"
expect_body "Credit (dispute $dispute5)" "the debtor's page shows the credit line"
check "and the new balance" bash -c "sed -e 's/<[^>]*>/ /g' '$T/body' | grep -q '180.00'"

# An upheld dispute that cancels lines: each a credit line naming the line,
# shown on the page, kept when the invoice is imported again.
p6=$(link_path D-6)
http GET "$p6/dispute"
csrf=$(form_value csrf)
post "$p6/dispute" 303 "a dispute about some lines" "csrf=$csrf" reason=wrong_amount "details=We never ordered Signage B."
dispute6=$(sql "SELECT id FROM disputes WHERE invoice_id = $(id D-6)")
staff GET "/staff/disputes/$dispute6"
expect_body 'name="cancel_2" value="yes"' "the dispute page offers each line to cancel"
expect_body "Signage B" "by its description"
dcsrf=$(staff_csrf "/staff/disputes/$dispute6")
before=$(rows)/$(sql "SELECT count(*) FROM invoice_lines")
cancel() { staff POST "/staff/disputes/$dispute6" --data-urlencode "csrf=$dcsrf" --data-urlencode "response=Sorry." "$@"; }
cancel -d decision=upheld -d credit= -d cancel_99=yes
expect_status 400 "cancelling a line the invoice does not have is 400"
expect_body "can no longer be cancelled" "the message names the lines"
cancel -d decision=upheld -d credit= -d cancel_2=no
expect_status 400 "a cancel box with another value is 400"
cancel -d decision=rejected -d credit= -d cancel_2=yes
expect_status 400 "cancelling lines with a rejection is 400"
cancel -d decision=upheld -d credit=60.00 -d cancel_1=yes -d cancel_3=yes
expect_status 400 "cancels and a credit above the balance are 400"
expect_body 'id="cancel-1" name="cancel_1" value="yes" checked' "the ticked lines stay ticked"
cancel -d decision=upheld -d credit= -d cancel_x=yes
expect_status 400 "a malformed cancel field is 400"
expect_eq "no bad cancellation wrote anything" "$before" "$(rows)/$(sql "SELECT count(*) FROM invoice_lines")"
cancel -d decision=upheld -d credit=10.00 -d cancel_2=yes
expect_status 303 "upholding with a line cancelled and a credit answers 303"
expect_eq "the cancellation and the credit are lines of their own" "Cancelled: Signage B (dispute $dispute6)|-5000|2 Credit (dispute $dispute6)|-1000|" \
	"$(sql "SELECT description || '|' || total_cents || '|' || coalesce(cancels_position::text, '') FROM invoice_lines WHERE invoice_id = $(id D-6) AND source = 'dispute' ORDER BY description" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the balance is 175 - 50 - 10" 11500 "$(sql "SELECT balance_cents FROM invoices WHERE number = 'D-6'")"
expect_eq "the audit event names the line" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'dispute.upheld' AND detail LIKE '%line 2 cancelled (5000)%'")"
f=$(wait_mail lines@lines.example "cancelled these lines")
check "the debtor is told which lines and the new balance" bash -c "grep -q 'Signage B: GBP 50.00' '$f' && grep -q '115.00' '$f'"
http GET "$p6"
expect_body "Cancelled: Signage B (dispute $dispute6)" "the debtor's page shows the cancelled line"
sed -e 's/,Fitting,1,25.00,/,Fitting,1,30.00,/' "$T/inv.csv" > "$T/inv2.csv"
admin import "$T/inv2.csv" > /dev/null || not_ok "the second import"
expect_eq "a re-import replaces the imported lines and keeps the dispute's" "3|2|12000" \
	"$(sql "SELECT count(*) FILTER (WHERE source = 'import') || '|' || count(*) FILTER (WHERE source = 'dispute') || '|' || (SELECT balance_cents FROM invoices WHERE number = 'D-6') FROM invoice_lines WHERE invoice_id = $(id D-6)")"

# A claim confirmed: a payment row, the hold released, the task done.
claim_id=$(sql "SELECT id FROM payment_claims WHERE invoice_id = $(id D-3)")
staff GET "/staff/claims/$claim_id"
expect_status 200 "the claim page opens"
expect_body "TRX 55" "it shows the claim"
ccsrf=$(staff_csrf "/staff/claims/$claim_id")
staff POST "/staff/claims/$claim_id" --data-urlencode "csrf=$ccsrf" -d "decision=nonsense" --data-urlencode "response=" -d "credit="
expect_status 400 "an unknown decision is 400"
staff POST "/staff/claims/$claim_id" --data-urlencode "csrf=$ccsrf" -d "decision=confirmed" --data-urlencode "response=" -d "credit="
expect_status 303 "confirming the claim answers 303"
expect_eq "a payment of source claim is recorded" "60000|claim|$(d -2)" \
	"$(sql "SELECT amount_cents, source, received_on FROM payments WHERE invoice_id = $(id D-3)")"
expect_eq "the claim is confirmed and its task done" "confirmed|done" \
	"$(sql "SELECT k.status, t.status FROM payment_claims k JOIN tasks t ON t.kind = 'paid_claim' AND t.ref_id = k.id WHERE k.id = $claim_id")"
f=$(wait_mail finance@kestrel.example "we have found your payment")
check "the debtor is told the payment is recorded" grep -q "600.00" "$f"
http GET "$p3"
expect_body "This invoice is paid in full" "the debtor's page shows the invoice paid"

finish
