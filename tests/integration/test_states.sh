#!/usr/bin/env bash
# Issue 13: the invoice page tells the truth about the account (paid, a
# reminder's fixed date, a plan, a broken plan, a hardship hold), the
# banner after each submission, and reminder emails off and on again
# (/u/{token}, RFC 8058 one-click, and the invoice page's switch).
. "$(dirname "$0")/lib.sh"
stack_up --exempt

d() { date -u -d "$1 days" +%Y-%m-%d; }
long() { date -u -d "$1 days" '+%-d %B %Y'; }
row() { echo "$1,K-$1,$2,$3@example.com,+44 20 7946 0100,en,EUR,$(d -40),$4,line,Work,1,$5,"; }
{
	echo "invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date"
	row S-LATE "Ada Byrne" ada "$(d -20)" 500.00	# overdue, no reminder yet
	row S-SOON "Ben Ode" ben "$(d 6)" 300.00	# not yet due, no reminder
	row S-REM "Cleo Marsh" cleo "$(d -12)" 800.00	# reminded, with a fixed date
	row S-PAID "Dev Patel" dev "$(d -30)" 200.00
	echo "S-PAID,K-S-PAID,Dev Patel,dev@example.com,+44 20 7946 0100,en,EUR,$(d -40),$(d -30),payment,Transfer,,200.00,$(d -2)"
	row S-PLAN "Eve Stone" eve "$(d -15)" 900.00
	row S-BROKE "Finn Hale" finn "$(d -35)" 600.00
	row S-HOLD "Gia Russo" gia "$(d -25)" 450.00
} > "$T/states.csv"
admin import "$T/states.csv" > /dev/null
inv_id() { sql "SELECT id FROM invoices WHERE number = '$1'"; }
demand() { grep -o 'id="pay-title">[^<]*' "$T/body" | sed 's/.*>//'; }

# No reminder yet: the due date while it is ahead, else "as soon as possible"
# (never a date made up when the page is opened).
p=$(link_path S-LATE)
http GET "$p"
expect_status 200 "an overdue invoice opens"
expect_eq "no reminder, past due: as soon as possible" \
	"Please pay EUR 500.00 as soon as possible" "$(demand)"
expect_no_body "$(long 10)" "no 'today + 10 days' date"
http GET "$(link_path S-SOON)"
expect_eq "no reminder, not yet due: the due date" "Please pay EUR 300.00 by $(long 6)" "$(demand)"

# Reminders sent: the latest email step's fixed date, not the due date, not
# a task's, not an older email's.
rid=$(inv_id S-REM)
sql "INSERT INTO reminders (invoice_id, step_key, kind, outcome, scheduled_on, pay_by, done_at) VALUES
	($rid, 'due', 'due', 'sent', '$(d -12)', '$(d -2)', now() - interval '12 days'),
	($rid, 'overdue_1', 'overdue_1', 'sent', '$(d -9)', '$(d 4)', now() - interval '9 days'),
	($rid, 'call', 'call', 'task', '$(d -5)', NULL, now() - interval '5 days')"
p=$(link_path S-REM)
http GET "$p"
expect_eq "the latest reminder's pay-by date" "Please pay EUR 800.00 by $(long 4)" "$(demand)"
sql "INSERT INTO reminders (invoice_id, step_key, kind, outcome, scheduled_on, pay_by, done_at) VALUES
	($rid, 'overdue_2', 'overdue_2', 'task', '$(d -1)', '$(d 9)', now())"
http GET "$p"
expect_eq "an email step that became a task named no date" "Please pay EUR 800.00 by $(long 4)" "$(demand)"
sql "UPDATE reminders SET pay_by = '$(d -1)' WHERE invoice_id = $rid AND kind = 'overdue_1'"
http GET "$p"
expect_eq "the reminder's date has passed: as soon as possible" \
	"Please pay EUR 800.00 as soon as possible" "$(demand)"

# Paid: thanks, no days overdue, no demand, no plan or hardship buttons.
http GET "$(link_path S-PAID)"
expect_status 200 "a paid invoice opens"
expect_body "This invoice is paid in full" "paid: says so"
expect_body "Thank you for your payment" "paid: thanks"
expect_no_body "Days overdue" "paid: no days overdue in the summary"
expect_no_body "past its due date" "paid: no days overdue in the text"
expect_no_body "Please pay" "paid: no demand"
expect_no_body "Set up a payment plan" "paid: no plan button"

# An active plan: what is due next, not the balance demand.
p=$(link_path S-PLAN)
http GET "$p/plan"
csrf=$(form_value csrf)
quote=$(form_value quote)
http POST "$p/plan" --data-urlencode option=1 --data-urlencode agree=yes \
	--data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 303 "the plan is accepted"
expect_header "Location: $p?done=plan" "back to the invoice with done=plan"
http GET "$p?done=plan"
expect_body 'role="status"' "a status banner after the plan"
expect_body "Your payment plan is set up" "the banner says what was done"
expect_body "We have emailed the agreement and its payment dates to eve@example.com" \
	"the banner says what was emailed"
check "the confirmation mail is queued to that address" \
	test "$(sql "SELECT count(*) FROM outbox WHERE recipient = 'eve@example.com' AND kind = 'plan.confirm'")" = 1
pid=$(sql "SELECT id FROM plans WHERE invoice_id = $(inv_id S-PLAN)")
n=$(sql "SELECT count(*) FROM plan_installments WHERE plan_id = $pid")
first=$(sql "SELECT amount_cents FROM plan_installments WHERE plan_id = $pid AND seq = 1")
second_on=$(sql "SELECT to_char(due_on, 'FMDD FMMonth YYYY') FROM plan_installments WHERE plan_id = $pid AND seq = 2")
second=$(sql "SELECT to_char(amount_cents / 100.0, 'FM999G990D00') FROM plan_installments WHERE plan_id = $pid AND seq = 2")
sql "INSERT INTO payments (invoice_id, position, description, amount_cents, received_on)
	VALUES ($(inv_id S-PLAN), 90, 'First installment', $first, '$(d 0)')"
http GET "$p"
expect_body "Your next payment: EUR $second by $second_on" "plan: the next unpaid installment, amount and date"
expect_body "You have made 1 of $n payments so far" "plan: installments paid so far"
expect_body "<br><span class=\"muted\">Paid</span>" "plan: the paid installment is marked in the schedule"
expect_no_body "Please pay EUR" "plan: no balance demand"
expect_no_body 'role="status"' "no banner without done="
http GET "$p?done=bogus"
expect_status 200 "an unknown done= is ignored"
expect_no_body 'role="status"' "and shows no banner"

# A broken plan: says so and what happens next; the balance is due again.
p=$(link_path S-BROKE)
http GET "$p/plan"
csrf=$(form_value csrf)
quote=$(form_value quote)
http POST "$p/plan" --data-urlencode option=1 --data-urlencode agree=yes \
	--data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 303 "a second plan is accepted"
sql "UPDATE plans SET status = 'broken', ended_at = now() WHERE invoice_id = $(inv_id S-BROKE)"
http GET "$p"
expect_body "Your payment plan has ended" "broken plan: says so"
expect_body "We will send reminders again" "broken plan: what happens next"
expect_eq "broken plan: the balance is due" "Please pay EUR 600.00 as soon as possible" "$(demand)"
expect_no_body "Your next payment" "broken plan: no next installment"
http GET "$p?done=plan"
expect_no_body 'role="status"' "done=plan without an active plan shows no banner"

# A hardship hold: no demand, and who calls when.
p=$(link_path S-HOLD)
http GET "$p/hardship"
csrf=$(form_value csrf)
first_day=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
http POST "$p/hardship" --data-urlencode "csrf=$csrf" --data-urlencode category=illness \
	--data-urlencode "message=I was in hospital." --data-urlencode contact=phone \
	--data-urlencode "phone=+44 20 7946 0101" --data-urlencode "callback_date=$first_day" \
	--data-urlencode callback_window=morning
expect_status 303 "the hardship note is received"
expect_header "Location: $p?done=hardship" "back to the invoice with done=hardship"
http GET "$p?done=hardship"
expect_body "Thank you, we received your note" "the banner after the note"
expect_body "We have emailed a confirmation to gia@example.com" "the banner says what was emailed"
expect_body "$(date -d "$first_day" '+%A %-d %B %Y'), in the morning" "held: the callback day and window chosen"
expect_no_body "Please pay" "held: no demand"
expect_no_body "Set up a payment plan" "held: no plan button"
sql "UPDATE reminder_holds SET released_at = now() WHERE invoice_id = $(inv_id S-HOLD)"
http GET "$p"
expect_eq "released: the demand is back" "Please pay EUR 450.00 as soon as possible" "$(demand)"

# /u/{token}: GET and HEAD change nothing; the one-click POST opts out.
u=$(admin unsubscribe-link S-LATE | sed 's|^http://[^/]*||')
check "unsubscribe-link prints /u/ and a 43-character token" grep -Eq '^/u/[A-Za-z0-9_-]{43}$' <<<"$u"
rows() { sql "SELECT (SELECT count(*) FROM audit_events), (SELECT count(*) FROM customers WHERE reminders_off_at IS NOT NULL),
	(SELECT count(*) FROM unsubscribe_links WHERE used_at IS NOT NULL), (SELECT count(*) FROM outbox)"; }
before=$(rows)
http GET "$u"
expect_status 200 "GET /u/ shows the confirmation"
expect_body "Stop reminder emails for Ada Byrne?" "it names the customer"
expect_body 'name="reminders" value="off"' "one button"
http HEAD "$u" -I
expect_status 200 "HEAD /u/ answers too"
expect_eq "GET and HEAD /u/ change nothing" "$before" "$(rows)"
http POST "$u" -d 'List-Unsubscribe=One-Click'
expect_status 200 "the one-click POST answers 200"
expect_body "Reminder emails are off" "the page says reminder emails are off"
expect_body "by phone or letter" "and that staff may still call or write"
expect_body "Turn reminder emails back on" "and how to turn them back on"
expect_eq "the customer is opted out" 1 \
	"$(sql "SELECT count(*) FROM customers WHERE ref = 'K-S-LATE' AND reminders_off_at IS NOT NULL")"
expect_eq "the link's use is recorded" 1 "$(sql "SELECT count(*) FROM unsubscribe_links WHERE used_at IS NOT NULL")"
expect_eq "one audit event, with the way it came" "reminders.off|t" \
	"$(sql "SELECT action, detail LIKE '%one-click' FROM audit_events WHERE action LIKE 'reminders.%'")"
after=$(rows)
http POST "$u" -d 'List-Unsubscribe=One-Click'
expect_status 200 "a second one-click POST answers 200"
expect_body "were already off; nothing has changed" "and says nothing changed"
expect_eq "a second POST changes nothing" "$after" "$(rows)"
http POST "$u" -d 'List-Unsubscribe=Yes'
expect_status 400 "another value is 400"
http POST "$u" -d 'reminders=maybe'
expect_status 400 "an unknown choice is 400"
http POST "$u" -d 'List-Unsubscribe=One-Click&x=1'
expect_status 400 "an unknown field is 400"
expect_eq "bad POSTs change nothing" "$after" "$(rows)"

# RFC 8058 asks mail clients for multipart/form-data: the same one-click.
u2=$(admin unsubscribe-link S-SOON | sed 's|^http://[^/]*||')
http POST "$u2" -F 'List-Unsubscribe=One-Click'
expect_status 200 "a multipart/form-data one-click POST answers 200"
expect_body "Done: we will not send reminder emails to Ben Ode any more." "and turns them off"
expect_eq "for that customer" 1 \
	"$(sql "SELECT count(*) FROM customers WHERE ref = 'K-S-SOON' AND reminders_off_at IS NOT NULL")"
echo x > "$T/file.txt"
http POST "$u2" -F "List-Unsubscribe=@$T/file.txt"
expect_status 415 "a file in a multipart body is 415"
sql "UPDATE customers SET reminders_off_at = NULL WHERE ref = 'K-S-SOON'"

# The invoice page shows it, and turns them back on.
p=$(link_path S-LATE)
http GET "$p"
expect_body "Reminder emails are off: you asked us not to send them" "the invoice page shows reminder emails are off"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)"><input type="hidden" name="reminders".*/\1/p' "$T/body" | head -n 1)
http POST "$p/reminders" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" --data-urlencode reminders=on
expect_status 403 "a bad CSRF token is 403"
expect_eq "and changes nothing" 1 "$(sql "SELECT count(*) FROM customers WHERE reminders_off_at IS NOT NULL")"
http POST "$p/reminders" --data-urlencode "csrf=$csrf" --data-urlencode reminders=on
expect_status 303 "turning them back on answers 303"
expect_header "Location: $p?done=reminders_on" "to the invoice with done=reminders_on"
expect_eq "reminder emails are on again" 0 "$(sql "SELECT count(*) FROM customers WHERE reminders_off_at IS NOT NULL")"
expect_eq "audited with the link" "reminders.on|invoice page|t" \
	"$(sql "SELECT action, detail, link_id IS NOT NULL FROM audit_events WHERE action = 'reminders.on'")"
http GET "$p?done=reminders_on"
expect_body "Reminder emails are on again" "the banner says they are on"
expect_body 'name="reminders" value="off"' "and the switch offers to stop them"
http POST "$p/reminders" --data-urlencode "csrf=$csrf" --data-urlencode reminders=off
expect_status 303 "and off again from the invoice page"
http GET "$p?done=reminders_off"
expect_body "Reminder emails are off" "the banner says they are off"
expect_body "No email was sent about this change" "and that no email was sent"
http GET "$u"
expect_body "Reminder emails are off" "the /u/ page agrees"
http POST "$u" -d 'reminders=on'
expect_body "Reminder emails are on again" "the /u/ page's own button turns them back on"
expect_eq "on again" 0 "$(sql "SELECT count(*) FROM customers WHERE reminders_off_at IS NOT NULL")"

# Unknown and malformed tokens: the same 404 as unknown links.
http GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
cp "$T/body" "$T/link404"
http GET "/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_status 404 "an unknown /u/ token is 404"
check "with the page of unknown links" cmp -s "$T/body" "$T/link404"
http POST "/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -d 'List-Unsubscribe=One-Click'
expect_status 404 "a one-click POST with an unknown token is 404"
check "with the same page" cmp -s "$T/body" "$T/link404"
http GET "/u/short"
expect_status 404 "a malformed /u/ token is 404"
check "with the same page too" cmp -s "$T/body" "$T/link404"
http GET "/u/${p#/i/}"
expect_status 404 "an invoice link's token opens no /u/ page"
finish
