#!/usr/bin/env bash
# Issue 15 (hardship freezes fees, managers waive fees, hardship for
# businesses) and issue 14 (resolving a request tells the debtor the
# outcome in their language, and the invoice page shows it).
. "$(dirname "$0")/lib.sh"
stack_up --exempt

d() { date -u -d "$1 days" +%Y-%m-%d; }
H="invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date"
cat > "$T/inv.csv" <<CSV
$H
O-1,OC-1,Rosa Díaz,rosa@example.com,+34 600 000 001,es,EUR,$(d -40),$(d -10),line,Catering,1,500.00,
O-1,OC-1,Rosa Díaz,rosa@example.com,+34 600 000 001,es,EUR,$(d -40),$(d -10),fee,Late fee (terms 4.2),,12.00,$(d -5)
O-2,OC-2,Atelier Moreau SARL,moreau@example.com,+33 1 40 00 00 02,fr,EUR,$(d -40),$(d -10),line,Rent,1,900.00,
O-3,OC-3,Dunne Builders Ltd,dunne@example.com,+44 7700 900555,en,GBP,$(d -40),$(d -10),line,Scaffolding,1,300.00,
CSV
admin import "$T/inv.csv" > /dev/null
echo "clerk pass phrase 1" | admin staff-add clerk@example.com "Carl Clerk" > /dev/null
echo "manager pass phrase 2" | admin staff-add --role manager boss@example.com "Mia Manager" > /dev/null

# --- Hardship for businesses: categories, the phone on file, required marks.
p3=$(link_path O-3)
http GET "$p3/hardship"
expect_status 200 "the hardship form opens"
expect_body 'value="customer_unpaid"' "a business category: our customer has not paid us"
expect_body 'value="cash_flow"' "a cash-flow gap"
expect_body 'value="supplier_delay"' "a supplier or insurer delay"
expect_body 'value="illness"' "beside the personal ones"
expect_body 'name="phone" value="+44 7700 900555"' "the phone field is prefilled from our records"
expect_body 'name="category" value="income" required>' "the category is marked required for the browser"
expect_body '(required)</span></legend>' "and visibly"
expect_body 'What happened? <span class="optional">(optional)</span>' "the message is marked optional"
csrf=$(form_value csrf)
first=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
note() {	# note PATH CSRF CATEGORY MESSAGE: posts a phone note for the first day
	http POST "$1/hardship" --data-urlencode "csrf=$2" --data-urlencode "category=$3" \
		--data-urlencode "message=$4" --data-urlencode "contact=phone" \
		--data-urlencode "phone=$5" --data-urlencode "callback_date=$first" \
		--data-urlencode "callback_window=morning"
}
note "$p3" "$csrf" "" "" "+44 7700 900555"
expect_status 400 "no category and no message is 400"
expect_body "Tell us briefly what happened, or choose a situation above" "the message is asked for, or a category"
expect_eq "nothing was stored" 0 "$(sql "SELECT count(*) FROM hardship_requests")"
note "$p3" "$csrf" "customer_unpaid" "" "+44 7700 900555"
expect_status 303 "a business category without a message is accepted"
expect_eq "stored with its category and an empty message" "customer_unpaid||+44 7700 900555" \
	"$(sql "SELECT category, message, phone FROM hardship_requests")"
note "$p3" "$csrf" "bankrupt" "x" "+44 7700 900555"
expect_status 400 "an unknown category is 400"
for cat in cash_flow supplier_delay; do
	check "the database takes $cat" sql "INSERT INTO hardship_followups (request_id, category, message, contact_method, callback_date, callback_window) SELECT id, '$cat', '', 'email', now()::date, 'morning' FROM hardship_requests LIMIT 1"
done

# --- A note on O-1 (Spanish) holds the invoice; a fee dated inside it is frozen.
p1=$(link_path O-1)
http GET "$p1/hardship"
note "$p1" "$(form_value csrf)" cash_flow "Un cliente grande no nos ha pagado." "+34 600 000 001"
expect_status 303 "a note in Spanish is accepted"
r1=$(sql "SELECT h.id FROM hardship_requests h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'O-1'")
inv1=$(sql "SELECT id FROM invoices WHERE number = 'O-1'")
expect_eq "the note is on the worklist as a hardship task (0015's trigger)" 1 "$(sql "SELECT count(*) FROM tasks WHERE kind = 'hardship' AND ref_id = $r1 AND status = 'open'")"
expect_eq "the balance before: line and the earlier fee" 51200 "$(sql "SELECT balance_cents FROM invoices WHERE id = $inv1")"
cp "$T/inv.csv" "$T/inv2.csv"
echo "O-1,OC-1,Rosa Díaz,rosa@example.com,+34 600 000 001,es,EUR,$(d -40),$(d -10),fee,Late fee (terms 4.3),,25.00,$(d 0)" >> "$T/inv2.csv"
out=$(admin import "$T/inv2.csv")
check "the import says which fee it froze" grep -q "1 late fee frozen.*line 6 (O-1)" <<<"$out"
expect_eq "the fee is kept, frozen; the earlier one is not" "12.00 f|25.00 t" \
	"$(sql "SELECT string_agg(to_char(amount_cents / 100.0, 'FM9990.00') || ' ' || CASE WHEN frozen THEN 't' ELSE 'f' END, '|' ORDER BY position) FROM fees WHERE invoice_id = $inv1")"
expect_eq "and the balance leaves it out" 51200 "$(sql "SELECT balance_cents FROM invoices WHERE id = $inv1")"
expect_eq "the ledger roll-up agrees" "$(sql "SELECT sum(balance_cents) FROM invoices WHERE balance_cents > 0")" \
	"$(sql "SELECT sum(open_cents) FROM ledger_due")"
out=$(admin import "$T/inv2.csv")
check "importing the same file again changes nothing ($out)" grep -q "0 updated, 3 unchanged" <<<"$out"
http GET "$p1?lang=en"
expect_body "512.00" "the debtor's balance leaves the frozen fee out"
expect_no_body "Late fee (terms 4.3)" "and the page does not list it"

# --- Staff: sign in as a clerk and as a manager.
jar=$T/jar
login() {	# login EMAIL PASSWORD: prints the session cookie
	rm -f "$jar"
	curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
	curl -s -c "$jar" -b "$jar" -o "$T/body" -D "$T/headers" \
		--data-urlencode "csrf=$(form_value csrf)" --data-urlencode "email=$1" \
		--data-urlencode "password=$2" "$BASE/staff/login"
	sed -n 's/^Set-Cookie: __Host-settle=\([^;]*\);.*/\1/ip' "$T/headers" | tr -d '\r'
}
clerk="Cookie: __Host-settle=$(login clerk@example.com "clerk pass phrase 1")"
boss="Cookie: __Host-settle=$(login boss@example.com "manager pass phrase 2")"
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | tail -n 1; }

http GET "/staff/hardship/$r1" -H "$clerk"
expect_status 200 "the clerk opens the request"
expect_body "A cash-flow gap" "the business category is named for staff"
expect_body "Frozen: dated during a hardship or dispute hold" "the frozen fee is shown to staff"
expect_no_body "/waive" "a clerk gets no waiver form"
expect_body "A manager can waive these fees." "but is told who can"
ccsrf=$(csrf_of)
http POST "/staff/hardship/$r1/waive" -H "$clerk" --data-urlencode "csrf=$ccsrf" \
	--data-urlencode "amount=12.00" --data-urlencode "version=1200:0"
expect_status 403 "a clerk waiving fees is 403"
expect_eq "and nothing is written" 0 "$(sql "SELECT count(*) FROM fee_waivers")"

http GET "/staff/hardship/$r1" -H "$boss"
expect_body 'action="/staff/hardship/'"$r1"'/waive"' "a manager gets the waiver form"
expect_body 'name="amount" value="12.00"' "offering the fees not yet waived"
mcsrf=$(csrf_of)
ver=$(sed -n 's/.*name="version" value="\([0-9]*:[0-9]*\)".*/\1/p' "$T/body" | head -n 1)
expect_eq "the form carries the fees' version" "1200:0" "$ver"
waive() {	# waive STATUS NAME AMOUNT [VERSION]
	http POST "/staff/hardship/$r1/waive" -H "$boss" --data-urlencode "csrf=$mcsrf" \
		--data-urlencode "amount=$3" --data-urlencode "version=${4:-$ver}" \
		--data-urlencode "note=Hardship: cash-flow gap"
	expect_status "$1" "$2"
}
waive 400 "waiving more than the fees is 400" 20.00
expect_body "That is more than the fees left to waive" "the problem is named at the field"
expect_body 'value="20.00"' "with the amount kept"
waive 400 "an amount with three decimals is 400" 12.001
expect_body "with no more decimals than the currency has" "named too"
waive 400 "a zero amount is 400" 0.00
waive 409 "a stale form is 409" 12.00 "0:0"
expect_body "The fees of this invoice changed while you had this page open" "the page says why"
http POST "/staff/hardship/$r1/waive" -H "$boss" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
	--data-urlencode "amount=12.00" --data-urlencode "version=$ver"
expect_status 403 "a bad CSRF token is 403"
expect_eq "none of these wrote anything" "0|0" \
	"$(sql "SELECT (SELECT count(*) FROM fee_waivers), (SELECT count(*) FROM audit_events WHERE action = 'fee.waived')")"
waive 303 "a manager waives the fee" 12.00
expect_eq "recorded with who and the amount" "1200|Mia Manager|$r1" \
	"$(sql "SELECT w.amount_cents, s.name, w.hardship_id FROM fee_waivers w JOIN staff_users s ON s.id = w.staff_id")"
expect_eq "audited with the amount" "request $r1: EUR 12.00 of late fees waived: Hardship: cash-flow gap" \
	"$(sql "SELECT detail FROM audit_events WHERE action = 'fee.waived'")"
expect_eq "the balance drops by the waiver" 50000 "$(sql "SELECT balance_cents FROM invoices WHERE id = $inv1")"
waive 409 "the same form again is stale (409): nothing twice" 12.00
expect_eq "still one waiver" 1 "$(sql "SELECT count(*) FROM fee_waivers")"
http GET "$p1?lang=en"
check "the debtor page shows the waiver" grep -q "Late fee waived -EUR 12.00" <<<"$(page_text | tr -s ' \n' ' ')"
expect_body "EUR 500.00" "and the balance after it"
http GET "/staff/invoices/O-1" -H "$boss"
expect_body "EUR 500.00" "the staff invoice page has the same balance"
expect_body "Late fee waived" "and names the waiver"
expect_body "Frozen, not in the balance" "and the frozen fee"

# --- Resolving with an outcome: mail in Spanish, the page afterwards.
http GET "/staff/hardship/$r1" -H "$boss"
rver=$(form_value version)
fid=$(form_value form_id)
resolve() {	# resolve STATUS NAME [field=value ...] (cookie $who)
	local want=$1 name=$2 kv args=()
	shift 2
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	http POST "/staff/hardship/$rid" -H "$who" --data-urlencode "csrf=$rcsrf" "${args[@]}"
	expect_status "$want" "$name"
}
who=$boss rid=$r1 rcsrf=$mcsrf
resolve 400 "resolving without an outcome is 400" status=resolved "note=Done" "version=$rver"
expect_body "Please choose what you decided before resolving the request." "the outcome is asked for"
expect_eq "nothing was written" "new|" "$(sql "SELECT status, coalesce(outcome, '') FROM hardship_requests WHERE id = $r1")"
resolve 409 "a stale version is 409" status=resolved outcome=fees_waived "version=1"
expect_body "Someone else changed this request" "the page says why"
resolve 303 "resolving with an outcome answers 303" status=resolved outcome=fees_waived \
	"message=Hemos anulado el recargo; gracias por avisarnos." "version=$rver" "form_id=$fid"
expect_eq "the outcome is kept on the request" "resolved|fees_waived|Hemos anulado el recargo; gracias por avisarnos." \
	"$(sql "SELECT status, outcome, outcome_note FROM hardship_requests WHERE id = $r1")"
expect_eq "its hold is released" 0 "$(sql "SELECT count(*) FROM reminder_holds WHERE hardship_id = $r1 AND released_at IS NULL")"
expect_eq "its worklist task is done, by the manager" "done|Mia Manager|2" \
	"$(sql "SELECT t.status, s.name, t.version FROM tasks t JOIN staff_users s ON s.id = t.done_by WHERE t.kind = 'hardship' AND t.ref_id = $r1")"
expect_eq "the outcome is audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'hardship.outcome' AND detail LIKE 'request $r1: fees_waived%'")"
resolve 409 "the same form after the change is stale (409)" status=in_review "version=$rver"
wait_mail() {	# wait_mail ADDRESS TEXT: the file of the first mail to ADDRESS with TEXT
	local start f
	start=$(date +%s)
	while [ $(( $(date +%s) - start )) -lt 10 ]; do
		for f in $(grep -l "^To: .*<$1>" "$VAR"/mail/*.eml 2>/dev/null); do
			grep -q -- "$2" "$f" && { echo "$f"; return; }
		done
		sleep 0.2
	done
	echo /dev/null
}
m=$(wait_mail rosa@example.com "Hemos anulado recargos por demora de")
check "the debtor gets the outcome in Spanish" grep -q "Hemos anulado recargos por demora de 12,00" "$m"
check "with the balance after it" grep -q "El saldo es ahora de 500,00" "$m"
check "and the staff note" grep -q "Hemos anulado el recargo; gracias por avisarnos." "$m"
link=$(sed -n 's|^http://[^/]*\(/i/[A-Za-z0-9_-]*\)$|\1|p' "$m" | head -n 1)
check "and a working link to the invoice" test -n "$link"
http GET "$link"
expect_status 200 "the mailed link opens the invoice"
expect_body "Hemos anulado recargos por demora de esta factura" "the page shows the outcome"
expect_body "Hemos anulado el recargo; gracias por avisarnos." "with the note from staff"
expect_no_body "le llamará" "instead of the old callback line"
expect_body "Recargo por demora anulado" "and the waiver, in Spanish"

# --- O-2 (French): paused until a date.
p2=$(link_path O-2)
http GET "$p2/hardship"
note "$p2" "$(form_value csrf)" supplier_delay "Notre assureur tarde à payer." "+33 1 40 00 00 02"
expect_status 303 "a French business note is accepted"
r2=$(sql "SELECT h.id FROM hardship_requests h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'O-2'")
http GET "/staff/hardship/$r2" -H "$clerk"
who=$clerk rid=$r2 rcsrf=$(csrf_of)
rver=$(form_value version)
resolve 400 "a pause without a day is 400" status=resolved outcome=paused "version=$rver"
expect_body "Enter the day reminders resume" "named at the field"
resolve 400 "a pause ending in the past is 400" status=resolved outcome=paused "paused_until=$(d -1)" "version=$rver"
expect_body "Choose a day after today and within the limit." "named at the field"
resolve 400 "a pause beyond 180 days is 400" status=resolved outcome=paused "paused_until=$(d 200)" "version=$rver"
until=$(d 30)
resolve 303 "a clerk resolves with a pause" status=resolved outcome=paused "paused_until=$until" "version=$rver"
expect_eq "the hold stays, ending on that day" "1|$until" \
	"$(sql "SELECT count(*), max(until::date) FROM reminder_holds WHERE hardship_id = $r2 AND released_at IS NULL")"
m=$(wait_mail moreau@example.com "Voici ce que nous avons décidé")
check "the debtor gets the outcome in French" grep -q "jusqu’au" "$m"
check "with the day" grep -q "$(date -u -d "$until" +%Y)" "$m"
http GET "$p2"
expect_body "Nous avons suspendu les relances sur cette facture jusqu’au" "the French page shows the pause"
out=$(admin remind --dry-run --now "$(d 10)T10:00:00Z" 2>&1)
check "remind resumes O-1, whose request was resolved" grep -q "^O-1" <<<"$out"
check "and skips O-2, paused, before the day" bash -c '! grep -q "^O-2" <<<"$1"' _ "$out"
out=$(admin remind --dry-run --now "$(d 31)T10:00:00Z" 2>&1)
check "after the day reminders on O-2 resume" grep -q "^O-2" <<<"$out"
admin remind --now "$(d 10)T10:00:00Z" > /dev/null 2>&1
m=$(wait_mail rosa@example.com "Recargo por demora anulado el")
check "the next reminder lists the waived fee" grep -q "Recargo por demora anulado el .*-12,00" "$m"
check "and leaves the frozen fee out" bash -c '! grep -q "terms 4.3" "$1"' _ "$m"
finish
