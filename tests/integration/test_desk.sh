#!/usr/bin/env bash
# Issue 14: the credit-control desk. The worklist at /staff, task actions
# (assign, done, snooze, with a version check), the call log with a promise,
# a callback mailed with an .ics, the written confirmation, role checks.
. "$(dirname "$0")/lib.sh"
stack_up --exempt

d() { date -u -d "$1 days" +%Y-%m-%d; }
H='invoice,customer_ref,customer_name,email,phone,language,timezone,currency,issued,due,kind,description,quantity,amount,date'
cat > "$T/inv.csv" <<CSV
$H
D-1,DC-1,Ana Ruiz,ana@example.com,+34 600 111 222,es,Europe/Madrid,EUR,$(d -40),$(d -12),line,Consulting,1,450.00,
D-2,DC-2,Ben Hale,ben@example.com,,en,Europe/London,GBP,$(d -30),$(d -5),line,Audit,1,120.00,
D-3,DC-3,Chloé Martin,chloe@example.com,+33 6 12 34 56 78,fr,Europe/Paris,EUR,$(d -30),$(d -8),line,Design,1,300.00,
CSV
admin import "$T/inv.csv" > /dev/null
id() { sql "SELECT id FROM invoices WHERE number = '$1'"; }
sql "INSERT INTO tasks (invoice_id, kind, reason, due_on) VALUES ($(id D-1), 'call', 'staff_step', '$(d 0)'), ($(id D-2), 'letter', 'staff_step', '$(d -1)'), ($(id D-3), 'call', 'staff_step', '$(d 3)')"
t1=$(sql "SELECT id FROM tasks WHERE invoice_id = $(id D-1)")
t2=$(sql "SELECT id FROM tasks WHERE invoice_id = $(id D-2)")

# Signed out: every desk page sends the browser to sign in; nothing written.
for path in /staff /staff/tasks/$t1 "/staff?kind=call"; do
	http GET "$path"
	expect_status 303 "GET $path without a session is 303"
	expect_header "Location: /staff/login" "to the sign-in page"
done
http POST "/staff/tasks/$t1" -d "action=done&version=1&csrf=x"
expect_status 303 "a task POST without a session goes to sign in"
expect_eq "and changes nothing" open "$(sql "SELECT status FROM tasks WHERE id = $t1")"

echo "a long enough passphrase" | admin staff-add --role clerk clara@example.com "Clara Clerk" > /dev/null
echo "another long passphrase" | admin staff-add --role clerk dan@example.com "Dan Desk" > /dev/null
jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
csrf=$(form_value csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=clara@example.com" --data-urlencode "password=a long enough passphrase" "$BASE/staff/login"

# The worklist: today's and earlier work, with phone links; not the future.
http GET /staff -b "$jar"
expect_status 200 "a clerk opens the worklist"
expect_body "Today’s work" "it is the worklist"
expect_body 'href="tel:+34600111222"' "the phone is a tel: link"
expect_body "Ana Ruiz" "with the customer"
expect_body "D-2" "yesterday's letter is still there"
expect_body "450.00" "the balance"
expect_no_body "Chloé Martin" "a task due in 3 days is not on today's list"
http GET "/staff?kind=letter" -b "$jar"
expect_body "D-2" "filtered by kind: the letter"
expect_no_body "Ana Ruiz" "and not the call"
http GET "/staff?kind=bogus" -b "$jar"
expect_status 400 "an unknown kind is 400"
http GET "/staff?mine=1" -b "$jar"
expect_body "Nothing is due" "assigned to me: nothing yet"
http GET "/staff/hardship" -b "$jar"
expect_status 200 "the hardship queue stays reachable"
expect_body "Hardship queue" "as its own page"

# Task actions: assign to me, a stale form is 409, done twice is 409.
http GET "/staff/tasks/$t1" -b "$jar"
expect_status 200 "the task page opens"
expect_body 'href="tel:+34600111222"' "with the phone to call"
# The desk forms' token (the first csrf field on a page is sign-out's).
tc=$(grep -o 'name="csrf" value="[^"]*"><input type="hidden" name="version"' "$T/body" | head -n 1 | sed 's/.*value="\([^"]*\)".*/\1/')
check "the task page has its forms' token" test -n "$tc"
http POST "/staff/tasks/$t1" -b "$jar" --data-urlencode "csrf=$tc" -d "action=assign&version=1&assignee=me"
expect_status 303 "assign to me"
expect_eq "assigned, version bumped" "$(sql "SELECT id FROM staff_users WHERE email = 'clara@example.com'")/2" \
	"$(sql "SELECT assigned_to || '/' || version FROM tasks WHERE id = $t1")"
check "audited" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'task.assigned'")" = 1
http GET "/staff?mine=1" -b "$jar"
expect_body "Ana Ruiz" "assigned to me shows it"
http POST "/staff/tasks/$t1" -b "$jar" --data-urlencode "csrf=$tc" -d "action=done&version=1&note=stale"
expect_status 409 "a stale form (version 1, task at 2) is 409"
expect_body "changed this task" "saying it changed meanwhile"
expect_eq "nothing written" open "$(sql "SELECT status FROM tasks WHERE id = $t1")"
http POST "/staff/tasks/$t1" -b "$jar" --data-urlencode "csrf=x" -d "action=done&version=2"
expect_status 403 "a bad CSRF token is 403"
http POST "/staff/tasks/$t2" -b "$jar" --data-urlencode "csrf=$tc" -d "action=snooze&version=1&until=$(d -1)"
expect_status 400 "a snooze into the past is 400"
expect_body "Please choose a day after today" "with the message at the field"
expect_eq "nothing written" "" "$(sql "SELECT snoozed_until FROM tasks WHERE id = $t2")"
http POST "/staff/tasks/$t2" -b "$jar" --data-urlencode "csrf=$tc" -d "action=snooze&version=1&until=$(d 2)"
expect_status 303 "a snooze to a later day"
http GET /staff -b "$jar"
expect_no_body "D-2" "the snoozed task leaves today's list"
http POST "/staff/tasks/$t2" -b "$jar" --data-urlencode "csrf=$tc" -d "action=done&version=2&note=Posted+the+letter"
expect_status 303 "done with a note"
expect_eq "done by the clerk with the note" "done/Posted the letter/true" \
	"$(sql "SELECT status || '/' || note || '/' || (done_by IS NOT NULL) FROM tasks WHERE id = $t2")"
http POST "/staff/tasks/$t2" -b "$jar" --data-urlencode "csrf=$tc" -d "action=done&version=3&note=again"
expect_status 409 "done twice is 409"
expect_body "done already" "saying so"
http GET "/staff?status=done" -b "$jar"
expect_body "D-2" "done today lists it"

# A call that agreed a promise: promises row, hold, remind skips with 'promise'.
http POST "/staff/tasks/$t1/call" -b "$jar" --data-urlencode "csrf=$tc" -d "outcome=reached&agreed=promise&pay_on=$(d 200)&note=x"
expect_status 400 "a promise too far ahead is 400"
expect_body "90 days ahead" "with the message at the field"
http POST "/staff/tasks/$t1/call" -b "$jar" --data-urlencode "csrf=$tc" -d "outcome=reached&agreed=promise&pay_on=$(d 7)&note=Will+pay+Friday"
expect_status 303 "a call with a promise is logged"
expect_eq "the promise, by the clerk, for the balance" "open/45000/true" \
	"$(sql "SELECT status || '/' || amount_cents || '/' || (staff_id IS NOT NULL) FROM promises WHERE invoice_id = $(id D-1)")"
expect_eq "its hold, kind promise, until the day after" "promise/$(d 8)" \
	"$(sql "SELECT h.kind || '/' || (h.until AT TIME ZONE 'UTC')::date FROM promises p JOIN reminder_holds h ON h.id = p.hold_id WHERE p.invoice_id = $(id D-1)")"
expect_eq "the call log row" "reached/promise" "$(sql "SELECT outcome || '/' || agreed FROM call_logs WHERE invoice_id = $(id D-1)")"
http POST "/staff/tasks/$t1/call" -b "$jar" --data-urlencode "csrf=$tc" -d "outcome=reached&agreed=promise&pay_on=$(d 5)"
expect_status 409 "a second promise while one is open is refused"
expect_eq "nothing more written" "1/1" "$(sql "SELECT (SELECT count(*) FROM promises) || '/' || (SELECT count(*) FROM call_logs)")"
admin remind --now "$(d 0)T10:00Z" > /dev/null 2>&1
check "remind skips D-1 with the reason promise" test "$(sql "SELECT count(*) FROM reminder_skips WHERE invoice_id = $(id D-1) AND reason = 'promise'")" -ge 1
http GET /staff/invoices/D-1 -b "$jar"
expect_body "Will pay Friday" "the staff invoice history shows the call"

# Written confirmation, once.
call=$(sql "SELECT id FROM call_logs WHERE invoice_id = $(id D-1)")
http POST "/staff/calls/$call/confirm" -b "$jar" --data-urlencode "csrf=$tc"
expect_status 303 "the written confirmation is sent"
expect_eq "queued in the outbox" 1 "$(sql "SELECT count(*) FROM outbox WHERE kind = 'call_confirm' AND invoice_id = $(id D-1)")"
http POST "/staff/calls/$call/confirm" -b "$jar" --data-urlencode "csrf=$tc"
expect_status 409 "a second confirmation is 409"
check "audited" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'call.confirmed'")" = 1
confirm=""
for i in $(seq 1 50); do
	confirm=$(grep -l "^To: .*<ana@example.com>" "$VAR"/mail/*.eml 2>/dev/null | xargs -r grep -l "Subject: .*D-1" | head -n 1)
	[ -n "$confirm" ] && break
	sleep 0.1
done
check "the confirmation is in the mail dir" test -n "$confirm"
check "in Spanish, naming the agreement" grep -q "Como hemos hablado hoy" "${confirm:-/dev/null}"

# A callback: slots in the debtor's zone, 24 h and weekends refused, .ics mailed.
http GET "/staff/tasks/$t1" -b "$jar"
slot=$(grep -o 'name="slot" value="[^"]*"' "$T/body" | head -n 1 | sed 's/.*value="\([^"]*\)"/\1/')
check "slots are offered" test -n "$slot"
soon="$(d 0)T10:00"
http POST "/staff/invoices/D-3/call" -b "$jar" --data-urlencode "csrf=$tc" -d "outcome=call_back&agreed=callback&slot=$(d 0)T09:30"
expect_status 400 "a callback less than 24 hours ahead is 400"
if [ "$(date -u +%u)" -le 5 ]; then expect_body "at least 24 hours" "with the message at the field"; fi
sat=$(for i in $(seq 1 8); do x=$(d $i); [ "$(date -u -d "$x" +%u)" = 6 ] && { echo "$x"; break; }; done)
http POST "/staff/invoices/D-3/call" -b "$jar" --data-urlencode "csrf=$tc" -d "outcome=call_back&agreed=callback&slot=${sat}T10:00"
expect_status 400 "a callback on a Saturday is 400"
expect_body "weekdays only" "with the message at the field"
expect_eq "nothing written" 0 "$(sql "SELECT count(*) FROM tasks WHERE kind = 'callback'")"
http POST "/staff/tasks/$t1/call" -b "$jar" --data-urlencode "csrf=$tc" -d "outcome=call_back&agreed=callback&slot=$slot"
expect_status 303 "a callback at an offered slot"
expect_eq "a callback task with its time" 1 "$(sql "SELECT count(*) FROM tasks WHERE kind = 'callback' AND due_at IS NOT NULL AND invoice_id = $(id D-1)")"
ics=""
for i in $(seq 1 50); do
	ics=$(grep -l "callback.ics" "$VAR"/mail/*.eml 2>/dev/null | head -n 1)
	[ -n "$ics" ] && break
	sleep 0.1
done
check "the appointment mail is in the mail dir with an .ics" test -n "$ics"
check "attached as text/calendar" grep -q "Content-Type: text/calendar" "${ics:-/dev/null}"
check "to the debtor" grep -q "^To: .*<ana@example.com>" "${ics:-/dev/null}"

# A new hardship request becomes a hardship task (the trigger).
p=$(link_path D-3)
http GET "$p/hardship"
hc=$(form_value csrf)
wd=$(for i in $(seq 2 9); do x=$(d $i); [ "$(date -u -d "$x" +%u)" -le 5 ] && { echo "$x"; break; }; done)
http POST "$p/hardship" --data-urlencode "csrf=$hc" -d "category=income&message=Lost+my+job&contact=phone&phone=%2B33612345678&callback_date=$wd&callback_window=morning"
expect_status 303 "a hardship note is sent"
expect_eq "it is a hardship task due that day at 09:00 Paris time" "$wd 09:00" \
	"$(sql "SELECT due_on || ' ' || to_char(due_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM tasks WHERE kind = 'hardship' AND ref_id = (SELECT max(id) FROM hardship_requests)")"

finish
