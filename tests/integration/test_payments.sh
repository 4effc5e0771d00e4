#!/usr/bin/env bash
# Issue 16: payments that arrive by themselves. A camt.053 statement
# (tests/data/payments/statement.xml) and a CSV one imported with
# `portal-admin payments`, matched to invoices and plan installments,
# thanked for by mail; what cannot be matched on /staff/payments, assigned
# there by hand; the same file twice changes nothing; bad files refused
# whole, naming the entry.
. "$(dirname "$0")/lib.sh"
stack_up --exempt
DATA=$ROOT/tests/data/payments

admin import "$DATA/invoices.csv" > /dev/null
# INV-2026-0602 (balance 250.00) is on a plan of two payments of 125.00,
# accepted before the statement's day.
sql "INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version, accepted_at)
	SELECT id, 'monthly', 2, 25000, 'EUR', '2026-11', '2026-11-20 10:00+00' FROM invoices WHERE number = 'INV-2026-0602';
	INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents)
	SELECT p.id, s, DATE '2026-11-27' + (s - 1) * 30, 12500 FROM plans p, generate_series(1, 2) s"

balance() {	# balance INVOICE: lines + fees - payments, in cents
	sql "SELECT (SELECT coalesce(sum(total_cents), 0) FROM invoice_lines l WHERE l.invoice_id = i.id)
		+ (SELECT coalesce(sum(amount_cents), 0) FROM fees f WHERE f.invoice_id = i.id)
		- (SELECT coalesce(sum(amount_cents), 0) FROM payments p WHERE p.invoice_id = i.id)
		FROM invoices i WHERE number = '$1'"
}
state() {	# everything an import may change, as one string
	sql "SELECT (SELECT count(*) FROM bank_credits) || '/' || (SELECT count(*) FROM payments)
		|| '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM audit_events)
		|| '/' || (SELECT string_agg(status, ',' ORDER BY id) FROM plans)"
}
before=$(state)

# Bad statements: refused whole, the entry named, nothing written.
bad() {	# bad NAME FILE PATTERN
	local out
	out=$(admin payments "$2" 2>&1)
	local rc=$?
	check "$1: refused (exit $rc)" test "$rc" -ne 0
	if grep -qE -- "$3" <<<"$out"; then ok "$1: the message says $3"; else not_ok "$1: the message says $3" "got: $out"; fi
	expect_eq "$1: nothing written" "$before" "$(state)"
}
printf '<Document><BkToCstmrStmt>' > "$T/broken.xml"
bad "not well-formed XML" "$T/broken.xml" "not well-formed|XML"
cp "$ROOT/tests/data/camt053/bad/camt054.xml" "$T/c54.xml"
bad "a camt.054, not a camt.053" "$T/c54.xml" "camt.053"
sed 's|<Amt Ccy="EUR">113.67</Amt>|<Amt Ccy="EUR">113.675</Amt>|' "$DATA/statement.xml" > "$T/decimals.xml"
bad "an amount with too many decimals" "$T/decimals.xml" "entry 1 .*2026113000000601|2026113000000601.*decimals"
sed 's|<Amt Ccy="EUR">75.00</Amt>|<Amt Ccy="EUR">-75.00</Amt>|' "$DATA/statement.xml" > "$T/negative.xml"
bad "a negative credit" "$T/negative.xml" "2026113000000604"
printf 'date,amount,currency,reference\n2026-11-30,10.00,EUR,INV-2026-0604\n' > "$T/nopayer.csv"
bad "a CSV without the payer column" "$T/nopayer.csv" "payer"
printf 'date,amount,currency,reference,payer\n2026-11-30,10.00,EUR,INV-2026-0604\n' > "$T/short.csv"
bad "a CSV row with a missing column" "$T/short.csv" "line 2"

# The statement: 7 entries, one a batch of two; one pending.
out=$(admin payments "$DATA/statement.xml" 2>&1)
check "the statement imports" test $? -eq 0
expect_eq "the summary counts what happened" \
	"$DATA/statement.xml: 7 bookings: 3 paid an invoice, 3 for staff (/staff/payments), 0 imported before, 1 not a payment to us; 1 not booked yet, skipped" "$out"
expect_eq "INV-2026-0601 is paid in full" 0 "$(balance INV-2026-0601)"
expect_eq "INV-2026-0603 is paid in full (batch booking, reference INV2026/0603)" 0 "$(balance INV-2026-0603)"
expect_eq "INV-2026-0602 has 125.00 left" 12500 "$(balance INV-2026-0602)"
expect_eq "INV-2026-0604 is untouched (its credit was returned)" 8000 "$(balance INV-2026-0604)"
expect_eq "the batch's first credit paid installment 1 of the plan" "1" \
	"$(sql "SELECT installment_seq FROM bank_credits WHERE remittance LIKE 'inv 2026 0602%'")"
expect_eq "the plan stays active with one payment to go" active "$(sql "SELECT status FROM plans")"
expect_eq "the credits for staff: a return, no invoice, two invoices" "return,unmatched,ambiguous" \
	"$(sql "SELECT string_agg(reason, ',' ORDER BY id) FROM bank_credits WHERE status = 'review'")"
expect_eq "the fee debit is kept, for nobody" "ignored" "$(sql "SELECT status FROM bank_credits WHERE kind = 'debit' AND reference = '' AND amount_cents = 1250")"
expect_eq "three payments audited" 3 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'payment.received'")"
check "the audit names amount, entry and installment" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'payment.received' AND detail LIKE 'EUR 125.00 received 2026-11-30, entry 2026113000000602/1, installment 1 of plan %'")" = 1
expect_eq "a bank payment keeps no words of ours" "" "$(sql "SELECT description FROM payments WHERE source = 'bank' LIMIT 1")"

# The thank-yous, in each customer's language, delivered by portal-notify.
mail_for() { grep -l "^To: .*<$1>" "$VAR"/mail/*.eml 2>/dev/null | head -n 1; }
for _ in $(seq 1 50); do
	[ "$(ls "$VAR"/mail/*.eml 2>/dev/null | wc -l)" -ge 3 ] && break
	sleep 0.2
done
m=$(mail_for ana.ruiz@example.com)
check "Ana's thank-you (Spanish): received and settled" \
	grep -q "Hemos recibido 113,67 EUR por la factura INV-2026-0601" "${m:-/dev/null}"
check "and it says the invoice is settled" grep -q "La factura está saldada" "${m:-/dev/null}"
m=$(mail_for jonas.weber@example.com)
check "Jonas's thank-you names his next payment" \
	grep -q "Your next payment under your plan is EUR 125.00 by 27 December 2026" "${m:-/dev/null}"
check "and what arrived" grep -q "We have received EUR 125.00 for invoice INV-2026-0602 on 30 November 2026, thank you." "${m:-/dev/null}"
m=$(mail_for claire.martin@example.com)
check "Claire's thank-you (French)" grep -q "Nous avons bien reçu 250,00" "${m:-/dev/null}"
expect_eq "nobody else was mailed" 3 "$(ls "$VAR"/mail/*.eml 2>/dev/null | wc -l)"

# The debtor's page shows it.
p=$(link_path INV-2026-0601)
http GET "$p?lang=en"
expect_body "This invoice is paid in full" "INV-2026-0601's page says it is paid"
expect_body "Bank transfer" "the payment is listed as a bank transfer"
expect_no_body '<svg' "and offers no code to pay again"
p=$(link_path INV-2026-0602)
http GET "$p?lang=en"
expect_body "Payment 2: EUR 125.00 by 27 December 2026" "INV-2026-0602's page offers the second installment"
expect_no_body "Payment 1: EUR 125.00 by" "and not the first, which is paid"

# The same statement again changes nothing.
after=$(state)
out=$(admin payments "$DATA/statement.xml" 2>&1)
check "a second import succeeds" test $? -eq 0
check "and says everything was imported before" grep -q "0 paid an invoice, 0 for staff (/staff/payments), 7 imported before" <<<"$out"
expect_eq "a second import changes nothing" "$after" "$(state)"

# A re-import of the invoice CSV, with a changed line, keeps the bank payments.
sed 's/Website maintenance, October/Website maintenance (October)/' "$DATA/invoices.csv" > "$T/inv2.csv"
admin import "$T/inv2.csv" > /dev/null
expect_eq "re-importing the invoices keeps the bank payment" 0 "$(balance INV-2026-0601)"
expect_eq "and the imported card payment of INV-2026-0602" 12500 "$(balance INV-2026-0602)"

# The last installment by CSV statement: the plan completes.
printf 'date,amount,currency,reference,payer,id\n2026-12-01,125.00,EUR,Inv-2026-0602,Jonas Weber,CSV-1\n2026-12-01,20.00,USD,INV-2026-0604,Olivia Brown,CSV-2\n' > "$T/statement.csv"
out=$(admin payments "$T/statement.csv" 2>&1)
check "a CSV statement imports" grep -q "2 bookings: 1 paid an invoice, 1 for staff" <<<"$out"
expect_eq "INV-2026-0602 is settled" 0 "$(balance INV-2026-0602)"
expect_eq "its plan is completed" completed "$(sql "SELECT status FROM plans")"
expect_eq "a credit in another currency waits for staff" currency \
	"$(sql "SELECT reason FROM bank_credits WHERE entry_ref = 'CSV-2'")"


# /staff/payments: the credits waiting for a person, assigned by hand.
http GET /staff/payments
expect_status 303 "the list needs a staff session"
echo "a long enough passphrase" | admin staff-add clerk@example.com "Cleo Clerk" > /dev/null
jar=$T/jar
rm -f "$jar"
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$(form_value csrf)" \
	--data-urlencode "email=clerk@example.com" --data-urlencode "password=a long enough passphrase" "$BASE/staff/login"
staff() { http "$@" -b "$jar" -c "$jar"; }
staff GET /staff/payments
expect_status 200 "the list opens for staff"
expect_body "Kai Lindqvist" "it lists the credit that names no invoice"
expect_body "Payment for order 4471" "with what the payer wrote"
expect_body "The reference names more than one invoice." "the ambiguous credit, with why"
expect_body "A credit taken back by the payer's bank (a return)." "the return"
expect_body "The currency is not the invoice's." "the credit in another currency"
csrf=$(awk '/action="\/staff\/payments\// { f = 1 } f && /name="csrf"/ { sub(/.*value="/, ""); sub(/".*/, ""); print; exit }' "$T/body")
kai=$(sql "SELECT id FROM bank_credits WHERE party = 'Kai Lindqvist'")
usd=$(sql "SELECT id FROM bank_credits WHERE entry_ref = 'CSV-2'")
ret=$(sql "SELECT id FROM bank_credits WHERE kind = 'return'")
mark=$(state)
staff POST "/staff/payments/$kai" -d "action=assign&invoice=INV-2026-0604&csrf=wrong"
expect_status 403 "assigning without a valid CSRF token is 403"
expect_eq "and writes nothing" "$mark" "$(state)"
staff POST "/staff/payments/$kai" -d "action=assign&invoice=INV-2099-0001&csrf=$csrf"
expect_status 400 "an unknown invoice number is 400"
expect_body "There is no invoice with that number" "the problem is named beside the credit"
expect_body 'value="INV-2099-0001"' "and the number typed is kept"
staff POST "/staff/payments/$usd" -d "action=assign&invoice=INV-2026-0604&csrf=$csrf"
expect_status 400 "a USD credit cannot pay a EUR invoice"
expect_body "That invoice is in another currency" "and the page says so"
expect_eq "nothing was written by the refusals" "$mark" "$(state)"
staff POST "/staff/payments/$kai" -d "action=assign&invoice=+inv-2026-0604+&csrf=$csrf"
expect_status 303 "assigning the credit to INV-2026-0604 redirects"
expect_eq "INV-2026-0604 now has 5.00 left" 500 "$(balance INV-2026-0604)"
expect_eq "the credit is assigned by the clerk" "assigned/Cleo Clerk" \
	"$(sql "SELECT b.status || '/' || s.name FROM bank_credits b JOIN staff_users s ON s.id = b.decided_by WHERE b.id = $kai")"
expect_eq "audited with who did it" 1 \
	"$(sql "SELECT count(*) FROM audit_events a JOIN staff_users s ON s.id = a.staff_id WHERE a.action = 'payment.received' AND a.actor = 'staff' AND s.email = 'clerk@example.com'")"
staff POST "/staff/payments/$kai" -d "action=assign&invoice=INV-2026-0604&csrf=$csrf"
expect_status 409 "deciding the same credit twice is 409"
expect_eq "and pays nothing twice" 500 "$(balance INV-2026-0604)"
staff POST "/staff/payments/$ret" -d "action=dismiss&csrf=$csrf"
expect_status 303 "the return is marked as dealt with"
expect_eq "dismissed and audited" "dismissed/1" \
	"$(sql "SELECT status || '/' || (SELECT count(*) FROM audit_events WHERE action = 'payment.dismissed') FROM bank_credits WHERE id = $ret")"
staff GET /staff/payments
expect_no_body "Kai Lindqvist" "an assigned credit leaves the list"
expect_no_body "(a return)" "so does a dismissed one"
for _ in $(seq 1 50); do
	[ -n "$(mail_for olivia.brown@example.com)" ] && break
	sleep 0.2
done
check "Olivia is thanked and told what is left" grep -q "The balance still to pay is EUR 5.00" "$(mail_for olivia.brown@example.com || echo /dev/null)"

finish
