#!/usr/bin/env bash
# Issue 15: a plan of one's own (preview, accept within policy, proposal
# outside it), the first payment date of the offered plans, and a plan page
# that says what it means.
. "$(dirname "$0")/lib.sh"
stack_up --no-demo

awk '{ while (match($0, /@-?[0-9]+@/)) { n = substr($0, RSTART + 1, RLENGTH - 2);
	cmd = "date -u -d \"" n " days\" +%Y-%m-%d"; cmd | getline d; close(cmd);
	$0 = substr($0, 1, RSTART - 1) d substr($0, RSTART + RLENGTH) } print }' \
	"$ROOT/sql/demo.csv.in" > "$T/demo.csv"
admin import "$T/demo.csv" > /dev/null
sql "UPDATE customers SET language = 'en'"

day() { date -u -d "$1 days" +%Y-%m-%d; }
# The value of the LAST hidden input called $1 (the own plan's form).
last_value() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$T/body" | tail -n 1; }
# propose_weekly PATH COUNT: the debtor of link PATH previews COUNT weekly
# payments from a week ahead (outside policy) and sends them for review.
propose_weekly() {
	local csrf quote
	http GET "$1/plan"
	csrf=$(form_value csrf)
	http GET "$1/plan?preview=1&own_amount=&own_count=$2&freq=weekly&first=$(day 7)"
	quote=$(last_value quote)
	http POST "$1/plan" -d mode=own -d own_amount= -d "own_count=$2" -d freq=weekly -d "first=$(day 7)" -d "quote=$quote" -d "csrf=$csrf"
}
state() { sql "SELECT (SELECT count(*) FROM plans) || '/' || (SELECT count(*) FROM plan_proposals) || '/' || (SELECT count(*) FROM tasks) || '/' || (SELECT count(*) FROM outbox)"; }
# wait_mail PATTERN [PATTERN2]: the first .eml in the mail dir holding
# PATTERN (and PATTERN2) (5 s).
wait_mail() {
	local start=$(date +%s) f=""
	while [ $(( $(date +%s) - start )) -lt 5 ]; do
		f=$(grep -l -- "$1" "$VAR"/mail/*.eml 2>/dev/null | xargs -r grep -l -- "${2:-$1}" | head -n 1)
		[ -n "$f" ] && break
		sleep 0.2
	done
	echo "${f:-/dev/null}"
}

p=$(link_path INV-2026-0147)	# EUR 454.70, policy: 25.00 minimum, 12 payments, 7 days
http GET "$p/plan"
expect_status 200 "the plan page opens"
expect_body "The smallest payment a plan can have is EUR 25.00" "it states the smallest installment"
expect_body "up to 12 payments" "and the most payments"
check "the count includes the first: 'N payments: one of X, then N-1 of Y'" \
	grep -qE '[0-9]+ (monthly payments|payments every two weeks): one of EUR [0-9.,]+, then [0-9]+ of EUR' "$T/body"
expect_body 'href="tel:' "the terms link the phone number"
expect_body 'href="mailto:' "and the email address"
expect_body "A plan of your own" "a plan of one's own is offered beside the options"
dups=$(awk '/class="card option/ { if (s != "") print s; s = "" } /<tr><td class="wide">/ { s = s $0 } END { print s }' "$T/body" | sort | uniq -d | wc -l)
expect_eq "no two options have the same schedule" 0 "$dups"
csrf=$(form_value csrf)

# The offered plans from a chosen first date.
d3=$(day 3)
http GET "$p/plan?first=$d3"
expect_status 200 "the options from a chosen first date"
expect_body "value=\"$d3\"" "the date is kept in the form"
expect_body "$(date -u -d "$d3" '+%-d %B %Y')" "and the schedules start on it"
quote3=$(form_value quote)
for bad in "$(day -1)" "$(day 8)" "2026-02-30" "soon"; do
	http GET "$p/plan?first=$bad"
	expect_status 400 "first date '$bad' is refused (400)"
	expect_body "Please choose a date from" "with the message next to the field"
done
http GET "$p/plan?lang=es&first=$(day 40)"
expect_status 400 "a bad first date with ?lang= is refused too"
http GET "$p/plan?lang=fr&preview=1&own_amount=0&own_count=&freq=monthly&first=$(day 3)"
expect_status 400 "and a bad preview in another language"
before=$(state)
http POST "$p/plan" --data-urlencode option=1 --data-urlencode agree=yes --data-urlencode "csrf=$csrf" \
	--data-urlencode "quote=$quote3" --data-urlencode "first=$(day 9)"
expect_status 400 "a posted first date beyond the window is 400"
expect_eq "nothing written by bad dates" "$before" "$(state)"

# Bad input for one's own plan: 400, the message next to the field, nothing written.
own() { http GET "$p/plan?preview=1&own_amount=$1&own_count=$2&freq=${3:-monthly}&first=${4:-$(day 7)}"; }
own "" ""; expect_status 400 "no amount nor count is 400"
expect_body "Please enter an amount per payment or a number of payments" "it asks for one"
own "50.001" ""; expect_status 400 "an amount with three decimals is 400"
expect_body "at most 2 decimal places" "it says how many decimals"
own "0" ""; expect_status 400 "a zero amount is 400"
expect_body "Please enter an amount above zero" "it asks for more than zero"
own "-5" ""; expect_status 400 "a negative amount is 400"
own "" "0"; expect_status 400 "zero installments is 400"
expect_body "a number of payments of 2 or more" "it asks for at least two"
own "" "-3"; expect_status 400 "negative installments is 400"
own "0.50" ""; expect_status 400 "an amount that would never settle the balance is 400"
expect_body "more than 60 payments" "it says so, and caps it"
expect_body "Please pay at least EUR 7.58 each time" "with the least that settles"
own "" "900"; expect_status 400 "an absurd count is 400"
own "500" ""; expect_status 400 "one payment of the whole balance is no plan (400)"
own "50" "" "yearly"; expect_status 400 "an unknown frequency is 400"
own "50" "" monthly "$(day -2)"; expect_status 400 "a first date in the past is 400"
expect_body "Please choose a date from" "the message is next to the date"
own "50" "" monthly "$(day 30)"; expect_status 400 "a first date beyond the policy is 400"
expect_eq "no bad preview wrote anything" "$before" "$(state)"

# Within policy: the preview, then accepted like an offered plan.
own "100" "" fortnightly "$(day 5)"
expect_status 200 "a preview within policy"
expect_body "This plan is within what we can agree to online" "says it is within policy"
expect_body "5 payments every two weeks of EUR 90.94" "the schedule: 454.70 in 5 equal payments"
oq=$(last_value quote)
http POST "$p/plan" -d mode=own -d own_amount=100 -d own_count= -d freq=fortnightly -d "first=$(day 5)" \
	-d "quote=$oq" -d "csrf=$csrf"
expect_status 400 "accepting without agreeing is 400"
expect_body "Please tick the box" "it asks to agree"
http POST "$p/plan" -d mode=own -d own_amount=100 -d own_count= -d freq=fortnightly -d "first=$(day 5)" \
	-d "quote=0000" -d "csrf=$csrf" -d agree=yes
expect_status 409 "a stale preview is 409"
expect_eq "nothing written yet" "$before" "$(state)"
http POST "$p/plan" -d mode=own -d own_amount=100 -d own_count= -d freq=fortnightly -d "first=$(day 5)" \
	-d "quote=$oq" -d "csrf=$csrf" -d agree=yes
expect_status 303 "accepting one's own plan within policy answers 303"
row=$(sql "SELECT p.frequency, p.installments, p.total_cents, (SELECT min(due_on) FROM plan_installments WHERE plan_id = p.id),
	(SELECT string_agg(amount_cents::text, ',' ORDER BY seq) FROM plan_installments WHERE plan_id = p.id)
	FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0147'")
expect_eq "the plan rows are the previewed schedule" "fortnightly|5|45470|$(day 5)|9094,9094,9094,9094,9094" "$row"
expect_eq "the confirmation mails are queued like an offered plan's" "plan.confirm plan.staff" \
	"$(sql "SELECT kind FROM outbox o JOIN invoices i ON i.id = o.invoice_id WHERE i.number = 'INV-2026-0147' ORDER BY kind" | tr '\n' ' ' | sed 's/ $//')"
http GET "$p/plan.ics"
expect_status 200 "and the calendar is served"
check "with 5 events" test "$(grep -c '^BEGIN:VEVENT' "$T/body")" = 5
m=$(wait_mail "5 payments every two weeks")
check "the confirmation mail reached the mail dir" grep -q "ana.ruiz@example.com" "$m"

# The first date chosen for an offered option is stored.
p2=$(link_path INV-2026-0158)	# EUR 1,240.00
http GET "$p2/plan?first=$(day 2)"
c2=$(form_value csrf); q2=$(form_value quote)
http POST "$p2/plan" -d option=1 -d agree=yes -d "csrf=$c2" -d "quote=$q2" -d "first=$(day 2)"
expect_status 303 "an offered plan from a chosen date answers 303"
expect_eq "its first installment is on that date" "$(day 2)" \
	"$(sql "SELECT min(due_on) FROM plan_installments pi JOIN plans p ON p.id = pi.plan_id JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0158'")"

# Outside policy: a proposal for staff.
p3=$(link_path INV-2026-0152)	# USD 2,430.00
http GET "$p3/plan"
c3=$(form_value csrf)
http GET "$p3/plan?preview=1&own_amount=100&own_count=&freq=monthly&first=$(day 7)"
expect_status 200 "a preview outside policy"
expect_body "We cannot agree to this plan online" "says it is outside policy"
expect_body "it has more than 12 payments" "and why"
expect_body "25 monthly payments of USD 97.20" "the schedule"
expect_no_body 'id="own-agree"' "no consent box: it is a proposal"
oq3=$(last_value quote)
before=$(state)
http POST "$p3/plan" -d mode=own -d own_amount=100 -d own_count= -d freq=monthly -d "first=$(day 7)" \
	-d "quote=$oq3" -d "csrf=$c3"
expect_status 303 "sending the proposal answers 303"
expect_header "Location: $p3/plan" "back to the plan page"
row=$(sql "SELECT pp.status, pp.frequency, pp.installments, pp.first_due, pp.total_cents, pp.currency FROM plan_proposals pp")
expect_eq "the proposal is stored" "open|monthly|25|$(day 7)|243000|USD" "$row"
expect_eq "a 'proposal' task points at it" "1" \
	"$(sql "SELECT count(*) FROM tasks t JOIN plan_proposals pp ON pp.id = t.ref_id WHERE t.kind = 'proposal' AND t.status = 'open'")"
expect_eq "no plan was made" 0 "$(sql "SELECT count(*) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0152'")"
expect_eq "it is audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'plan.proposed' AND link_id IS NOT NULL")"
expect_eq "it pauses reminders for 14 days" "proposal|14" \
	"$(sql "SELECT h.kind, extract(day FROM h.until - h.created_at)::int FROM reminder_holds h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'INV-2026-0152' AND h.released_at IS NULL")"
admin remind --now "$(day 1)T10:00Z" > /dev/null || not_ok "remind"
expect_eq "remind skips the invoice while the proposal is under review" proposal \
	"$(sql "SELECT string_agg(DISTINCT reason, ',') FROM reminder_skips s JOIN invoices i ON i.id = s.invoice_id WHERE i.number = 'INV-2026-0152'")"
expect_eq "an acknowledgement and a staff mail are queued" "proposal.ack|accounts@brightideas.example proposal.staff|credit-team@northwind.example" \
	"$(sql "SELECT kind || '|' || recipient FROM outbox o JOIN invoices i ON i.id = o.invoice_id WHERE i.number = 'INV-2026-0152' ORDER BY kind" | tr '\n' ' ' | sed 's/ $//')"
m=$(wait_mail "We received your payment plan proposal")
check "the debtor's acknowledgement reached the mail dir" grep -q "accounts@brightideas.example" "$m"
m=$(wait_mail "Plan proposal to review")
check "the staff mail reached the mail dir, with the review link" grep -q "/staff/proposals/" "$m"
http GET "$p3/plan"
expect_status 200 "the plan page after proposing"
expect_body "Your plan is waiting for review" "says it is waiting for review"
expect_no_body 'name="option"' "instead of the options"
before=$(state)
http POST "$p3/plan" -d mode=own -d own_amount=100 -d own_count= -d freq=monthly -d "first=$(day 7)" \
	-d "quote=$oq3" -d "csrf=$c3"
expect_status 409 "a second proposal while one is under review is 409"
http POST "$p3/plan" -d option=1 -d agree=yes -d "csrf=$c3" -d "quote=x"
expect_status 409 "and so is an offered plan"
expect_eq "nothing written by either" "$before" "$(state)"

# Staff decide: /staff/proposals/{id}.
echo "a long enough passphrase" | admin staff-add eve@example.com "Eve Clerk" > /dev/null
jar=$T/jar
rm -f "$jar"; curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
lc=$(form_value csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null -D "$T/headers" --data-urlencode "csrf=$lc" \
	--data-urlencode "email=eve@example.com" --data-urlencode "password=a long enough passphrase" "$BASE/staff/login"
session=$(sed -n 's/^Set-Cookie: __Host-settle=\([^;]*\);.*/\1/ip' "$T/headers" | tr -d '\r')
ck="Cookie: __Host-settle=$session"
pid=$(sql "SELECT id FROM plan_proposals WHERE status = 'open'")
http GET "/staff/proposals/$pid"
expect_status 303 "the proposal page needs a session"
http GET "/staff/proposals/$pid" -H "$ck"
expect_status 200 "the staff proposal page opens"
expect_body "INV-2026-0152" "it names the invoice"
expect_body "25 monthly payments" "and shows the schedule"
expect_body "Waiting for a decision" "and that it waits for a decision"
sc=$(last_value csrf)
http GET "/staff/proposals/999999" -H "$ck"
expect_status 404 "an unknown proposal is 404"
before=$(state)
http POST "/staff/proposals/$pid" -H "$ck" -d decision=accept -d csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect_status 403 "a forged CSRF token is 403"
http POST "/staff/proposals/$pid" -H "$ck" -d decision=maybe -d "csrf=$sc"
expect_status 400 "an unknown decision is 400"
http POST "/staff/proposals/$pid" -H "$ck" -d decision=decline -d reason= -d "csrf=$sc"
expect_status 400 "declining without a reason is 400"
expect_body "Please give a reason" "the message is next to the field"
expect_eq "no bad decision wrote anything" "$before" "$(state)"
# Two clerks accept at the same moment: one plan.
for i in 1 2; do
	curl -s -o /dev/null -w '%{http_code}\n' -H "$ck" -d decision=accept -d "csrf=$sc" "$BASE/staff/proposals/$pid" &
done > "$T/codes"
wait
expect_eq "two concurrent accepts: one 303, one 409" "303 409" "$(sort "$T/codes" | tr '\n' ' ' | sed 's/ $//')"
row=$(sql "SELECT p.frequency, p.installments, p.total_cents, (SELECT count(*) FROM plan_installments WHERE plan_id = p.id)
	FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0152' AND p.status = 'active'")
expect_eq "the accepted proposal is the plan, once" "monthly|25|243000|25" "$row"
expect_eq "the proposal is accepted and points at the plan" "accepted|t" \
	"$(sql "SELECT status, plan_id IS NOT NULL FROM plan_proposals WHERE id = $pid")"
expect_eq "its task is done" "done" "$(sql "SELECT status FROM tasks WHERE kind = 'proposal' AND ref_id = $pid")"
expect_eq "and its hold released" 0 "$(sql "SELECT count(*) FROM reminder_holds h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'INV-2026-0152' AND h.released_at IS NULL")"
expect_eq "the decision is audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'proposal.accepted'")"
m=$(wait_mail "we have accepted the payment plan you proposed")
check "the debtor is mailed the accepted plan" grep -q "accounts@brightideas.example" "$m"
http GET "$p3/plan"
expect_body "Payment plan agreement" "the debtor's plan page now shows the plan"

# A declined proposal: the reason is mailed, the options come back.
p4=$(link_path INV-2026-0189)
propose_weekly "$p4" 30
expect_status 303 "a second invoice's proposal is sent"
pid4=$(sql "SELECT id FROM plan_proposals WHERE status = 'open'")
http GET "/staff/proposals/$pid4" -H "$ck"
sc4=$(last_value csrf)
http POST "/staff/proposals/$pid4" -H "$ck" -d decision=decline --data-urlencode "reason=Thirty weeks is too long for this amount; 12 months would work." -d "csrf=$sc4"
expect_status 303 "declining with a reason answers 303"
expect_eq "the proposal is declined with the reason, its task done" "declined|Thirty weeks is too long for this amount; 12 months would work.|done" \
	"$(sql "SELECT pp.status, pp.reason, t.status FROM plan_proposals pp JOIN tasks t ON t.ref_id = pp.id AND t.kind = 'proposal' WHERE pp.id = $pid4")"
m=$(wait_mail "Thirty weeks is too long")
check "the reason is mailed to the debtor" grep -q "About the payment plan you proposed" "$m"
http POST "/staff/proposals/$pid4" -H "$ck" -d decision=accept -d "csrf=$sc4"
expect_status 409 "deciding again is 409"
http GET "$p4/plan"
expect_no_body "waiting for review" "the debtor's page no longer waits"
expect_body 'name="option"' "and offers the plans again"

# A counter-offer: staff answer a proposal with a schedule of their own, and
# the debtor accepts it from the mail, once, even when it is clicked twice.
p5=$(link_path INV-2026-0160)	# Harbour Café, GBP
propose_weekly "$p5" 40
expect_status 303 "a proposal to counter is sent"
pid5=$(sql "SELECT id FROM plan_proposals WHERE status = 'open'")
total5=$(sql "SELECT total_cents FROM plan_proposals WHERE id = $pid5")
http GET "/staff/proposals/$pid5" -H "$ck"
expect_body "Send this counter-offer" "the staff page offers a counter-offer"
sc5=$(last_value csrf)
before=$(state)
counter() { http POST "/staff/proposals/$pid5" -H "$ck" -d decision=counter -d "csrf=$sc5" \
	-d "counter_freq=$1" -d "counter_count=$2" -d "counter_first=$3" --data-urlencode "reason=${4:-}"; }
counter yearly 6 "$(day 10)"; expect_status 400 "a counter-offer with an unknown frequency is 400"
expect_body "Please choose how often the debtor pays" "the message is next to the field"
counter monthly 1 "$(day 10)"; expect_status 400 "one payment is no counter-offer (400)"
expect_body "Please enter a number of payments from 2 to 60" "it asks for 2 to 60"
counter monthly 61 "$(day 10)"; expect_status 400 "61 payments is 400"
counter monthly "-3" "$(day 10)"; expect_status 400 "a negative count is 400"
counter monthly 6 "$(day 0)"; expect_status 400 "a first date of today is 400"
expect_body "Please choose a first payment date from tomorrow" "the message is next to the date"
counter monthly 6 "$(day -3)"; expect_status 400 "a first date in the past is 400"
counter monthly 6 "$(day 61)"; expect_status 400 "a first date beyond 60 days is 400"
counter monthly 6 "2026-02-30"; expect_status 400 "an impossible date is 400"
expect_body 'value="6"' "what was typed is kept"
counter monthly 6 "$(day 10)" "$(head -c 2001 /dev/zero | tr '\0' x)"; expect_status 400 "a note over 2000 characters is 400"
http POST "/staff/proposals/$pid5" -H "$ck" -d decision=counter -d csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	-d counter_freq=monthly -d counter_count=6 -d "counter_first=$(day 10)"
expect_status 403 "a counter-offer with a forged CSRF token is 403"
expect_eq "no bad counter-offer wrote anything" "$before" "$(state)"
counter monthly 6 "$(day 10)" "We can spread it over six months."
expect_status 303 "a counter-offer answers 303"
expect_eq "the proposal is countered with the clerk's schedule, its task done" "countered|monthly|6|$(day 10)|t|done" \
	"$(sql "SELECT pp.status, pp.counter_frequency, pp.counter_installments, pp.counter_first_due, pp.counter_token_hash IS NOT NULL, t.status
	FROM plan_proposals pp JOIN tasks t ON t.ref_id = pp.id AND t.kind = 'proposal' WHERE pp.id = $pid5")"
expect_eq "it is audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'proposal.countered'")"
expect_eq "the hold lasts until the offer's first payment date" "$(day 11)" \
	"$(sql "SELECT h.until::date FROM reminder_holds h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'INV-2026-0160' AND h.released_at IS NULL")"
http GET "/staff/proposals/$pid5" -H "$ck"
expect_body "Counter-offer sent by Eve Clerk" "the staff page says a counter-offer is out"
counter monthly 4 "$(day 10)"; expect_status 409 "countering again is 409"
m=$(wait_mail "we can offer you this plan instead")
check "the counter-offer is mailed to the debtor" grep -q "owner@harbourcafe.example" "$m"
check "with the schedule" grep -q "6 monthly payments" "$m"
check "and the clerk's note" grep -q "We can spread it over six months." "$m"
check "with an HTML part whose button posts to the offer" grep -q '<form method="post" action="http[^"]*/o/' "$m"
url=$(grep -o 'http[^ "<]*/o/[A-Za-z0-9_-]*' "$m" | head -n 1)
o=${url#http*://*/}; o=/$o
http GET "$p5/plan"
expect_body "We have offered you another plan" "the debtor's plan page shows the counter-offer"
expect_no_body 'name="option"' "instead of the options"
before=$(state)
http GET "$o"
expect_status 200 "the offer page opens from the mail's link"
expect_body "A payment plan we can offer you" "it shows the offer"
expect_body "6 monthly payments" "with its schedule"
expect_body 'name="accept" value="yes"' "and one button"
expect_eq "opening it changes nothing" "$before" "$(state)"
http GET "/o/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_status 404 "an unknown offer token is 404"
http GET "/o/short"
expect_status 404 "a malformed one is 404"
http POST "$o" -d accept=no
expect_status 400 "accept=no is 400"
http POST "$o"
expect_status 400 "an empty post is 400"
expect_eq "bad posts change nothing" "$before" "$(state)"
# Clicks at the same moment (one curl opens them all at once): one plan,
# and every click is told it is agreed.
curl -s --no-progress-meter -Z --parallel-immediate -w '%{http_code}\n' -d accept=yes \
	-o /dev/null "$BASE$o" -o /dev/null "$BASE$o" -o /dev/null "$BASE$o" -o /dev/null "$BASE$o" > "$T/codes" 2>/dev/null
expect_eq "four concurrent accepts each answer 303" "303 303 303 303" "$(sort "$T/codes" | tr '\n' ' ' | sed 's/ $//')"
row=$(sql "SELECT p.frequency, p.installments, p.total_cents, (SELECT count(*) FROM plan_installments WHERE plan_id = p.id),
	(SELECT min(due_on) FROM plan_installments WHERE plan_id = p.id)
	FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0160'")
expect_eq "the counter-offer became the plan exactly once" "monthly|6|$total5|6|$(day 10)" "$row"
expect_eq "the proposal is accepted and points at it" "accepted|t" \
	"$(sql "SELECT status, plan_id IS NOT NULL FROM plan_proposals WHERE id = $pid5")"
expect_eq "and the hold is released" 0 "$(sql "SELECT count(*) FROM reminder_holds h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'INV-2026-0160' AND h.released_at IS NULL")"
expect_eq "one audit event, one confirmation mail" "1|1" \
	"$(sql "SELECT (SELECT count(*) FROM audit_events WHERE action = 'plan.accepted' AND detail LIKE 'counter-offer%'), (SELECT count(*) FROM outbox o JOIN invoices i ON i.id = o.invoice_id WHERE i.number = 'INV-2026-0160' AND o.kind = 'plan.confirm')")"
m=$(wait_mail "Thank you for accepting the payment plan we offered")
check "the confirmation reached the mail dir" grep -q "owner@harbourcafe.example" "$m"
http GET "$o"
expect_status 200 "the offer page afterwards"
expect_body "Your payment plan is agreed" "says the plan is agreed"
expect_no_body 'name="accept"' "with no button"
before=$(state)
http POST "$o" -d accept=yes
expect_status 303 "a later click answers 303 too"
expect_eq "and writes nothing" "$before" "$(state)"
http GET "$p5"
expect_body "Your next payment:" "the invoice page shows the plan's next payment"

# A lapsed counter-offer: after its first payment date it cannot be
# accepted, and the debtor may propose again.
p6=$(link_path INV-2026-0185)
propose_weekly "$p6" 40
pid6=$(sql "SELECT id FROM plan_proposals WHERE status = 'open'")
http GET "/staff/proposals/$pid6" -H "$ck"
sc6=$(last_value csrf)
http POST "/staff/proposals/$pid6" -H "$ck" -d decision=counter -d "csrf=$sc6" -d counter_freq=fortnightly \
	-d counter_count=5 -d "counter_first=$(day 3)" -d reason=
expect_status 303 "a second counter-offer, without a note"
m=$(wait_mail "/o/" "lighthousebooks")
url6=$(grep -o 'http[^ "<]*/o/[A-Za-z0-9_-]*' "$m" | head -n 1)
o6=/${url6#http*://*/}
sql "UPDATE plan_proposals SET counter_first_due = current_date - 1 WHERE id = $pid6" > /dev/null
before=$(state)
http GET "$o6"
expect_status 410 "a lapsed offer's page is 410"
expect_body "This offer is no longer open" "and says so"
http POST "$o6" -d accept=yes
expect_status 410 "accepting a lapsed offer is 410"
expect_eq "and writes nothing" "$before" "$(state)"
http GET "$p6/plan"
expect_body 'name="option"' "the plan page offers the plans again"
propose_weekly "$p6" 40
expect_status 303 "and the debtor may propose again"
expect_eq "the lapsed offer is withdrawn, the new proposal open" "withdrawn open" \
	"$(sql "SELECT status FROM plan_proposals WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'INV-2026-0185') ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"

finish
