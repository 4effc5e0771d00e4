#!/usr/bin/env bash
# Issue 16: "email me a copy". Each confirmation the invoice page states
# (here a plan and a hardship note) has a small form that resends the
# stored confirmation to the address on file: a new Message-ID and Date,
# the plan's copy with the plan's .ics attached (one VEVENT per
# installment), audited, at most copies_per_day a day (the page says when
# to try again). A wrong token, a kind never sent and the limit send
# nothing.
. "$(dirname "$0")/lib.sh"
stack_up --no-demo

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
INV-C-1,C-1,Ana Ruiz,ana@example.com,,en,EUR,$(d -40),$(d -10),line,Consulting,1,300.00,
INV-C-2,C-2,Rosa Diaz,rosa@example.com,,es,EUR,$(d -40),$(d -10),line,Hosting,1,120.00,
CSV
admin import "$T/inv.csv" > /dev/null
p=$(link_path INV-C-1)

# wait_mails N GLOB: until N mail files match the grep pattern (20 s).
count_mails() { grep -l -- "$1" "$VAR"/mail/*.eml 2>/dev/null | wc -l; }
wait_mails() {
	local i
	for i in $(seq 1 40); do
		[ "$(count_mails "$2")" -ge "$1" ] && return 0
		sleep 0.5
	done
	return 1
}
# copy_csrf KIND: the token of that confirmation's copy form on the page.
copy_csrf() {
	python3 - "$T/body" "$1" <<'PY'
import re, sys
b = open(sys.argv[1]).read()
for f in re.findall(r'<form method="post" action="[^"]*/copy"[^>]*>.*?</form>', b, re.S):
    if 'name="kind" value="%s"' % sys.argv[2] in f:
        print(re.search(r'name="csrf" value="([^"]*)"', f).group(1))
PY
}
queued() { sql "SELECT count(*) FROM outbox"; }

# A plan, accepted on the web: its confirmation is mailed.
http GET "$p"
expect_no_body 'value="plan_confirm"' "no copy form before there is a plan"
http GET "$p/plan"
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" \
	--data-urlencode "csrf=$(form_value csrf)" --data-urlencode "quote=$(form_value quote)"
expect_status 303 "the plan is accepted"
check "the plan confirmation is mailed" wait_mails 1 "^To: .*<ana@example.com>"
orig=$(grep -l "^To: .*<ana@example.com>" "$VAR"/mail/*.eml | head -n 1)
subject=$(grep -m 1 '^Subject:' "$orig")

http GET "$p"
csrf=$(copy_csrf plan_confirm)
check "the plan section has an 'Email me a copy' form" test ${#csrf} -eq 43
expect_body "Email me a copy" "its button says so"
expect_no_body 'value="hardship_ack"' "no copy form for a note never sent"

# Bad input first: nothing is sent.
before=$(queued)
http POST "$p/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_status 403 "a wrong CSRF token is refused"
http POST "$p/copy" --data-urlencode "kind=plan_confirm"
expect_status 403 "no CSRF token is refused"
http POST "$p/copy" --data-urlencode "kind=hardship_ack" --data-urlencode "csrf=$csrf"
expect_status 404 "a confirmation never sent: 404"
expect_body "There is no confirmation to copy" "the page says there is nothing to copy"
http POST "$p/copy" --data-urlencode "kind=../../etc" --data-urlencode "csrf=$csrf"
expect_status 404 "a kind we do not know: 404"
http POST "$p/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=$csrf" --data-urlencode "to=evil@example.net"
expect_status 400 "an address typed in is no field of this form"
http POST "$p/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=$csrf"
expect_status 400 "a repeated field is refused"
expect_eq "nothing was queued by any of them" "$before" "$(queued)"

# The copy.
http POST "$p/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=$csrf"
expect_status 303 "the copy is queued"
loc=$(sed -n 's/^Location: *//Ip' "$T/headers" | tr -d '\r')
expect_eq "back to the invoice page, saying so" "$p?done=copy" "$loc"
http GET "$loc"
expect_body "A copy is on its way" "the page says a copy is on its way"
expect_body "ana@example.com, the address we have on file" "to the address on file"
check "the copy arrives" wait_mails 2 "^To: .*<ana@example.com>"
copy=$(grep -l "^To: .*<ana@example.com>" "$VAR"/mail/*.eml | grep -v "$orig" | head -n 1)
expect_eq "with the same subject" "$subject" "$(grep -m 1 '^Subject:' "$copy")"
check "a new Message-ID" test "$(grep -m 1 '^Message-ID:' "$orig")" != "$(grep -m 1 '^Message-ID:' "$copy")"
check "and a Date" grep -q '^Date: ' "$copy"
check "no mail went anywhere but to her and to the staff" test "$(grep -L -e "^To: .*<ana@example.com>" -e "^To: .*credit-team@" "$VAR"/mail/*.eml | wc -l)" -eq 0
installments=$(sql "SELECT installments FROM plans")
python3 - "$copy" "$installments" > "$T/parts" <<'PY'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
print("type", m.get_content_type())
for part in m.walk():
    if part.get_content_disposition() == 'attachment':
        print("attachment", part.get_content_type(), part.get_param('method'), part.get_filename())
        ics = part.get_content()
        if isinstance(ics, bytes): ics = ics.decode()
        lines = ics.replace('\r\n', '\n').split('\n')
        print("calendar", lines[0], lines[-2] if lines[-1] == '' else lines[-1])
        print("events", sum(1 for l in lines if l == 'BEGIN:VEVENT'), sys.argv[2])
        print("method", 'METHOD:PUBLISH' in lines)
    elif part.get_content_type() == 'text/plain':
        print("text", 'INV-C-1' in part.get_content())
PY
expect_eq "the copy is multipart/mixed" "type multipart/mixed" "$(grep '^type' "$T/parts")"
expect_eq "it attaches the plan's calendar" "attachment text/calendar PUBLISH payment-plan-INV-C-1.ics" "$(grep '^attachment' "$T/parts")"
expect_eq "the .ics parses: BEGIN:VCALENDAR ... END:VCALENDAR" "calendar BEGIN:VCALENDAR END:VCALENDAR" "$(grep '^calendar' "$T/parts")"
expect_eq "one VEVENT per installment" "events $installments $installments" "$(grep '^events' "$T/parts")"
expect_eq "METHOD:PUBLISH" "method True" "$(grep '^method' "$T/parts")"
expect_eq "the confirmation's text is there" "text True" "$(grep '^text' "$T/parts")"
check "the copy's row points at the original" test "$(sql "SELECT count(*) FROM outbox c JOIN outbox o ON o.id = c.copy_of
	WHERE c.recipient = 'ana@example.com' AND o.kind = c.kind")" -eq 1
expect_eq "audited" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'confirmation.copied'")"

# The limit: 3 a day, then the page says when to try again.
http GET "$p"
csrf=$(copy_csrf plan_confirm)
for i in 2 3; do
	http POST "$p/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=$csrf"
	expect_status 303 "copy $i is queued"
done
before=$(queued)
http POST "$p/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=$csrf"
expect_status 429 "a fourth copy the same day: 429"
expect_body "We send at most 3 copies of a confirmation a day" "the page says the limit"
again=$(sql "SELECT to_char((min(created_at) + interval '1 day') AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') FROM outbox WHERE copy_of IS NOT NULL")
expect_body "You can ask for another copy after $again" "and when to try again"
expect_eq "nothing was queued over the limit" "$before" "$(queued)"
expect_eq "three copies audited" 3 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'confirmation.copied'")"
# A day later the limit is free again.
sql "UPDATE outbox SET created_at = created_at - interval '25 hours' WHERE copy_of IS NOT NULL"
http POST "$p/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=$csrf"
expect_status 303 "a day later a copy can be asked for again"

# A hardship note's confirmation, in the customer's language (es).
p2=$(link_path INV-C-2)
http GET "$p2/hardship"
cb=$(date -u -d '+3 days' +%Y-%m-%d)
[ "$(date -u -d "$cb" +%u)" -ge 6 ] && cb=$(date -u -d "$cb + 2 days" +%Y-%m-%d)
http POST "$p2/hardship" --data-urlencode "category=illness" --data-urlencode "message=I was ill" \
	--data-urlencode "contact=email" --data-urlencode "callback_date=$cb" \
	--data-urlencode "callback_window=morning" --data-urlencode "csrf=$(form_value csrf)"
expect_status 303 "a hardship note is received"
check "its confirmation is mailed" wait_mails 1 "^To: .*<rosa@example.com>"
http GET "$p2"
csrf2=$(copy_csrf hardship_ack)
check "the note's section has a copy form" test ${#csrf2} -eq 43
expect_body "Enviarme una copia" "in the customer's language"
http POST "$p2/copy" --data-urlencode "kind=hardship_ack" --data-urlencode "csrf=$csrf"
expect_status 403 "another link's token is refused"
http POST "$p2/copy" --data-urlencode "kind=plan_confirm" --data-urlencode "csrf=$csrf2"
expect_status 404 "no plan confirmation on this invoice: 404"
http POST "$p2/copy" --data-urlencode "kind=hardship_ack" --data-urlencode "csrf=$csrf2"
expect_status 303 "the note's confirmation is copied"
check "the copy arrives" wait_mails 2 "^To: .*<rosa@example.com>"
check "without an attachment" test "$(grep -l "^To: .*<rosa@example.com>" "$VAR"/mail/*.eml | xargs grep -l 'Content-Disposition: attachment' | wc -l)" -eq 0

finish
