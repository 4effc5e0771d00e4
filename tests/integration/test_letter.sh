#!/usr/bin/env bash
# Issue 14: the formal letter of a `letter` task. A clerk opens
# /staff/tasks/{id}/letter: an A4 letter on the letterhead (company, address
# and registration from the config), in the customer's language, with the
# invoice, the reminders sent, a request with a date, how to pay and whom
# to contact; "Mark as posted" records it (letters row, task done, audit),
# and posting it twice, or from a stale or forged form, writes nothing.
. "$(dirname "$0")/lib.sh"
stack_up

D0=$(date -u +%Y-%m-%d)
d() { date -u -d "$D0 $1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,timezone,currency,issued,due,kind,description,quantity,amount,date
L-1,LC-1,Harbour Café Ltd,owner@harbour.example,+44 1632 960 512,en,Europe/London,GBP,$(d -35),$(d -5),line,Espresso machine service,1,180.00,
L-1,LC-1,Harbour Café Ltd,owner@harbour.example,+44 1632 960 512,en,Europe/London,GBP,$(d -35),$(d -5),payment,Bank transfer,,30.00,$(d -2)
L-2,LC-2,Ana Ruiz,ana@ruiz.example,+34 612 345 678,es,Europe/Madrid,EUR,$(d -35),$(d -5),line,Mantenimiento web,1,450.00,
CSV
admin import "$T/inv.csv" > /dev/null || { not_ok "import"; finish; }
# The cadence sends its first reminder (overdue_1, 3 days late) today.
admin remind --now "${D0}T11:00Z" > /dev/null || not_ok "remind runs"
expect_eq "the first reminder of L-1 was sent" 1 \
	"$(sql "SELECT count(*) FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number = 'L-1' AND r.outcome = 'sent'")"
sql "UPDATE customers SET address = E'4 Quay Street\nBristol BS1 4DJ' WHERE ref = 'LC-1'"
# The cadence's letter step makes a task like this one (remind_run.c).
task() { sql "INSERT INTO tasks (invoice_id, kind, reason, due_on) SELECT id, 'letter', 'staff_step', '$D0' FROM invoices WHERE number = '$1' RETURNING id"; }
T1=$(task L-1)
T2=$(task L-2)

echo "clerk pass phrase 1" | admin staff-add clerk@example.com "Carl Clerk" > /dev/null
jar=$T/jar
rm -f "$jar"
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
csrf=$(form_value csrf)
STATUS=$(curl -s -c "$jar" -b "$jar" -o "$T/body" -w '%{http_code}' \
	--data-urlencode "csrf=$csrf" --data-urlencode "email=clerk@example.com" \
	--data-urlencode "password=clerk pass phrase 1" "$BASE/staff/login")
expect_status 303 "the clerk signs in"

http GET "/staff/tasks/$T1/letter"
expect_status 303 "without a session the letter is 303 to sign-in"

http GET "/staff/tasks/$T1/letter" -b "$jar"
expect_status 200 "the clerk opens the letter"
cp "$T/body" "$T/letter.html"
expect_body "Northwind Supplies Ltd" "the letterhead names the company"
expect_body "12 Harbour Road, Bristol BS1 4AB" "with its address"
expect_body "Registered in England and Wales, no. 09876543" "and its registration"
expect_body "Harbour Café Ltd" "the letter is addressed to the customer"
expect_body "4 Quay Street" "at their address"
expect_body "Invoice L-1, issued on" "it names the invoice"
expect_body "GBP 150.00" "and the balance after the payment"
expect_body "First reminder" "the reminders sent are listed"
expect_body "Please pay GBP 150.00 by $(date -u -d "$D0 14 days" '+%-d %B %Y')" "one request with a date 14 days on"
expect_body "GB33 BUKB 2020 1555 5555 55" "how to pay: the bank account"
expect_body "reference L-1" "with the invoice as reference"
expect_body "/link" "the portal's fresh-link address, not a token"
expect_no_body "/i/" "no link token is printed"
expect_body "credit@northwind.example" "whom to contact"
expect_body "Mark as posted" "the clerk can mark it posted"
check "the stylesheet prints the letter on A4 without the navigation" \
	grep -q "body:has(article.letter) .masthead" "$ROOT/static/settle.css"
check "the A4 page rule is there" grep -q "@page { size: A4" "$ROOT/static/settle.css"
expect_body 'class="no-print card"' "the posting box is not printed"

http GET "/staff/tasks/$T2/letter" -b "$jar"
expect_status 200 "the Spanish customer's letter opens"
expect_body 'lang="es"' "in Spanish"
expect_body "Estimado/a Ana Ruiz" "greeting in Spanish"

# --- bad input: nothing written --------------------------------------------------
# The csrf of the page's own form (the first is the sign-out form's).
form_csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | sed -n 2p; }
http GET "/staff/tasks/$T1/letter" -b "$jar"
csrf=$(form_csrf)
version=$(form_value version)
http POST "/staff/tasks/$T1/letter" -b "$jar" --data-urlencode "csrf=x$csrf" --data-urlencode "version=$version"
expect_status 403 "a forged form is 403"
http POST "/staff/tasks/$T1/letter" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "version=$((version + 1))"
expect_status 409 "a stale version is 409"
expect_body "changed or done meanwhile" "saying so"
http POST "/staff/tasks/$T1/letter" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "version=$version" --data-urlencode "x=1"
expect_status 400 "an unknown field is 400"
expect_eq "nothing was posted" 0 "$(sql "SELECT count(*) FROM letters")"
expect_eq "the task is still open" open "$(sql "SELECT status FROM tasks WHERE id = $T1")"
http POST "/staff/tasks/$T2/escalation" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "version=$version"
expect_status 403 "a clerk cannot post an escalation decision"

# --- posted ----------------------------------------------------------------------
http POST "/staff/tasks/$T1/letter" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "version=$version"
expect_status 303 "mark as posted redirects"
expect_header "Location: /staff/tasks/$T1/letter" "back to the letter"
expect_eq "the letter is recorded as posted by the clerk" "1|Carl Clerk" \
	"$(sql "SELECT count(*), min(s.name) FROM letters l JOIN staff_users s ON s.id = l.posted_by WHERE l.task_id = $T1")"
expect_eq "the task is done" done "$(sql "SELECT status FROM tasks WHERE id = $T1")"
expect_eq "audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'letter.posted' AND staff_id IS NOT NULL")"
http GET "/staff/tasks/$T1/letter" -b "$jar"
expect_body "Posted on" "the page says it was posted"
expect_no_body "Mark as posted</button>" "and offers no second posting"
http POST "/staff/tasks/$T1/letter" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "version=$version"
expect_status 409 "posting twice is 409"
expect_eq "still one letter" 1 "$(sql "SELECT count(*) FROM letters")"

http GET "/staff/tasks/999999/letter" -b "$jar"
expect_status 404 "an unknown task is 404"
http GET "/staff/tasks/abc/letter" -b "$jar"
expect_status 404 "a task id that is no number is 404"
finish
