#!/usr/bin/env bash
# Issue 7: hardship notes that reach a person, and portal-notify.
. "$(dirname "$0")/lib.sh"
stack_up --exempt	# many notes from one address: no rate limit here

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
H-1,HC-1,Rosa Díaz,rosa@example.com,+34 600 000 001,es,EUR,$(d -40),$(d -10),line,Catering,1,820.00,
H-2,HC-2,Tom Byrne,tom@example.com,,en,GBP,$(d -40),$(d -10),line,Repairs,1,300.00,
H-3,HC-3,Flo Dunne,flo@example.com,,en,EUR,$(d -40),$(d -10),line,Rent,1,900.00,
CSV
admin import "$T/inv.csv" > /dev/null
# The wording is checked in English here (languages: test_languages.sh).
sql "UPDATE customers SET language = 'en'"
p=$(link_path H-1)
http GET "$p/hardship"
expect_status 200 "the hardship form opens"
expect_body "up to 4000 characters" "the form states the length limit in text"
expect_body 'type="date"' "a date field for the callback"
expect_body 'value="morning" checked' "mid-morning is the default window"
csrf=$(form_value csrf)
first_day=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
check "the suggested callback day is a weekday more than 24 hours away" \
	bash -c "[ \$(date -d '$first_day 09:00' +%s) -gt \$(( \$(date +%s) + 86400 )) ] && [ \$(date -d '$first_day' +%u) -le 5 ]"

notes() { sql "SELECT count(*) FROM hardship_requests"; }
state() { echo "$(notes)/$(sql "SELECT count(*) FROM outbox")/$(sql "SELECT count(*) FROM reminder_holds")/$(sql "SELECT count(*) FROM audit_events WHERE action = 'hardship.received'")"; }
before=$(state)
post() {	# post EXPECTED-STATUS NAME [field=value ...]: other fields are valid
	local want=$1 name=$2
	shift 2
	local -A f=([csrf]="$csrf" [category]=illness [message]="I was in hospital for three weeks." \
		[contact]=phone [phone]="+34 600 000 001" [callback_date]="$first_day" [callback_window]=morning)
	local kv args=()
	for kv in "$@"; do f[${kv%%=*}]=${kv#*=}; done
	for kv in "${!f[@]}"; do
		[ "${f[$kv]}" = "-" ] || args+=(--data-urlencode "$kv=${f[$kv]}")
	done
	http POST "$p/hardship" "${args[@]}"
	expect_status "$want" "$name"
}
weekend=$first_day
while [ "$(date -d "$weekend" +%u)" -lt 6 ]; do weekend=$(date -d "$weekend + 1 day" +%Y-%m-%d); done
today=$(date +%Y-%m-%d)
post 400 "a missing category is 400" category=-
expect_body "Choose what best describes your situation" "the problem is named"
expect_body "I was in hospital for three weeks." "the debtor's text is kept"
post 400 "an empty message without a category is 400" category=- "message=   "
expect_body "Tell us briefly what happened" "the empty message is named"
long=$(head -c 4001 /dev/zero | tr '\0' 'x')
post 400 "a message over 4000 characters is 400" "message=$long"
expect_body "Shorten your message to 4000 characters" "the length problem is named"
expect_body "$long" "the long text is kept to be shortened"
ok4000=$(head -c 3999 /dev/zero | tr '\0' 'x')é
post 400 "4000 characters with a wrong phone: only the phone is wrong" "message=$ok4000" "phone=030 CALL ME"
expect_body "Enter the phone number using digits only" "a phone with letters is named"
expect_no_body "Shorten your message" "4000 characters (one of them two bytes) is within the limit"
post 400 "phone contact without a number is 400" phone=
expect_body "Enter a phone number we can call" "the missing number is named"
post 400 "a callback date in the past is 400" "callback_date=$(d -3)"
post 400 "a callback at a weekend is 400" "callback_date=$weekend"
expect_body "Choose a weekday: we do not call at weekends" "the weekend is named"
if [ "$(date -d "$today" +%u)" -le 5 ]; then
	post 400 "a callback later today (under 24 hours) is 400" "callback_date=$today" callback_window=afternoon
	expect_body "more than 24 hours from now" "the notice period is named"
else
	post 400 "a callback today (a weekend) is 400" "callback_date=$today"
fi
# The day before the first allowed one is always too soon or a weekend.
post 400 "the day before the earliest allowed callback is refused" "callback_date=$(date -d "$first_day - 1 day" +%Y-%m-%d)"
post 400 "a malformed date is 400" "callback_date=30/11/2026"
post 400 "a bad window is 400" callback_window=night
post 403 "a bad CSRF token is 403 with the form again" "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_body "this form expired" "the expired form is explained"
expect_body "I was in hospital for three weeks." "and the text is kept"
post 403 "a missing CSRF token is 403 with the form again" csrf=-
expect_body "this form expired" "the missing token is explained the same way"
expect_body "I was in hospital for three weeks." "and the text is kept too"
padded="+34 600 000 001$(printf '%30s' '')."
post 400 "a phone field longer than 40 characters is 400" "phone=$padded"
expect_body "Enter just the phone number, in 40 characters or fewer" "the long phone field is named"
expect_body 'This is longer than a phone number can be' "the long phone is named at the field"
check "the phone field is marked invalid" grep -q 'id="phone" name="phone" [^>]*aria-invalid="true"' "$T/body"
check "and the summary links to it" grep -q '<a href="#phone">Enter just the phone number' "$T/body"
post 400 "a 41-character phone with email contact is 400 too" contact=email "phone=+34 600 000 001 222 333 444 555 666 77778"
expect_body 'This is longer than a phone number can be' "and named at the field"
expect_body "I was in hospital for three weeks." "and the message is kept"
http POST "$p/hardship" -d "csrf=$csrf&category=illness&message=abc%00def%FF&contact=email&callback_date=$first_day&callback_window=morning"
expect_status 400 "NUL and invalid UTF-8 in the message are 400"
expect_body "could not be read" "the unreadable characters are named"
expect_body "abc�def�" "the readable text is kept"
http POST "$p/hardship" -d "csrf=$csrf&category=illness&message=x&extra=1"
expect_status 400 "an unknown field is 400"
expect_eq "no bad note wrote anything" "$before" "$(state)"

# A good note: stored, held, audited, and two mails within 5 seconds.
msg="Our café flooded on Monday; the insurer says four weeks. Can we talk about a plan?"
post 303 "a good note answers 303" "message=$msg" contact=phone callback_window=afternoon
expect_header "Location: $p" "back to the invoice"
start=$(date +%s)
n=0
while [ $(( $(date +%s) - start )) -lt 5 ] && [ "$n" -lt 2 ]; do
	n=$(grep -l "flooded on Monday" "$VAR"/mail/*.eml 2>/dev/null | wc -l)
	sleep 0.2
done
staff_mail=$(grep -l "^To: <credit-team@northwind.example>" "$VAR"/mail/*.eml 2>/dev/null | head -n 1)
debtor_mail=$(grep -l "^To: .*<rosa@example.com>" "$VAR"/mail/*.eml 2>/dev/null | head -n 1)
check "within 5 seconds a mail for staff holds the note's text" grep -q "flooded on Monday" "${staff_mail:-/dev/null}"
check "the staff mail names the invoice, category and callback" \
	bash -c "grep -q 'H-1' '$staff_mail' && grep -q 'Illness' '$staff_mail' && grep -q 'afternoon' '$staff_mail'"
check "and one for the debtor acknowledges it" grep -q "We received your note" "${debtor_mail:-/dev/null}"
check "the debtor's name is encoded in the To header" grep -q '^To: =?UTF-8?B?' "${debtor_mail:-/dev/null}"
check "mails have Date, Message-ID and MIME headers" \
	bash -c "grep -q '^Date: ' '$staff_mail' && grep -q '^Message-ID: <' '$staff_mail' && grep -q '^Content-Type: text/plain; charset=utf-8' '$staff_mail'"
http GET "$p"
expect_body "We received your note on" "the invoice page shows the note was received"
expect_body "paused reminders on this invoice" "and that reminders are paused"
row=$(sql "SELECT category, contact_method, phone, callback_window, status, client_addr FROM hardship_requests")
expect_eq "the request is stored as sent" "illness|phone|+34 600 000 001|afternoon|new|127.0.0.1" "$row"
expect_eq "the stored text is exactly what was typed" "$msg" "$(sql "SELECT message FROM hardship_requests")"
expect_eq "a hold pauses reminders on the invoice" 1 "$(sql "SELECT count(*) FROM reminder_holds WHERE released_at IS NULL AND hardship_id IS NOT NULL")"
expect_eq "the note is in the audit trail" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'hardship.received' AND link_id IS NOT NULL")"

# Notifier stopped: notes still submit; started later, all delivered once.
notify_pid=$(cat "$VAR/run/notify.pid")
kill -TERM "$notify_pid"
while [ -d "/proc/$notify_pid" ]; do sleep 0.1; done
mails_before=$(ls "$VAR"/mail/*.eml | wc -l)
p2=$(link_path H-2)
http GET "$p2/hardship"
c2=$(form_value csrf)
# Each note here starts a request of its own: the one before is resolved.
resolve_all() { sql "UPDATE hardship_requests SET status = 'resolved'; UPDATE reminder_holds SET released_at = now() WHERE released_at IS NULL" > /dev/null; }
for i in 1 2 3; do
	resolve_all
	http POST "$p2/hardship" --data-urlencode "csrf=$c2" --data-urlencode "category=income" \
		--data-urlencode "message=Note $i while the notifier is stopped" --data-urlencode "contact=email" \
		--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
	[ "$STATUS" = 303 ] || not_ok "note $i with the notifier stopped" "status $STATUS"
done
sleep 1
expect_eq "with the notifier stopped nothing is sent" "$mails_before" "$(ls "$VAR"/mail/*.eml | wc -l)"
expect_eq "six messages wait in the outbox" 6 "$(sql "SELECT count(*) FROM outbox WHERE status = 'queued'")"
"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo --exempt > /dev/null 2>&1
for i in $(seq 1 50); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")" = 0 ] && break
	sleep 0.2
done
expect_eq "once started, every message is delivered" 0 "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")"
expect_eq "exactly once each" $((mails_before + 6)) "$(ls "$VAR"/mail/*.eml | wc -l)"

# sendmail failing: retried with the error recorded, delivered once it works.
touch "$VAR/mail/FAIL"
resolve_all
http POST "$p2/hardship" --data-urlencode "csrf=$c2" --data-urlencode "category=other" \
	--data-urlencode "message=Sent while sendmail fails" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
for i in $(seq 1 50); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE attempts >= 2 AND status = 'queued'")" = 2 ] && break
	sleep 0.2
done
expect_eq "failed deliveries are retried" 2 "$(sql "SELECT count(*) FROM outbox WHERE attempts >= 2 AND status = 'queued'")"
check "the last error is recorded" test "$(sql "SELECT count(*) FROM outbox WHERE last_error LIKE '%exited with status 75%'")" = 2
rm -f "$VAR/mail/FAIL"
for i in $(seq 1 100); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")" = 0 ] && break
	sleep 0.2
done
expect_eq "delivered once sendmail works again" 0 "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")"
expect_eq "the staff mail arrived exactly once" 1 "$(grep -l 'Sent while sendmail fails' "$VAR"/mail/*.eml | wc -l)"

# A note while PostgreSQL is down: 503, the text handed back, nothing claimed.
"$ROOT/scripts/stack.sh" pg-stop "$VAR" > /dev/null
http POST "$p2/hardship" --data-urlencode "csrf=$c2" --data-urlencode "category=other" \
	--data-urlencode "message=Written while the database is down" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
expect_status 503 "a note while PostgreSQL is down is 503"
expect_body "We could not save your note" "the page says it was not saved"
expect_body "Written while the database is down" "and gives the text back"
expect_no_body "We received your note" "nothing is claimed received"
"$ROOT/scripts/stack.sh" pg-start "$VAR" > /dev/null
expect_eq "the note was not stored" 0 "$(sql "SELECT count(*) FROM hardship_requests WHERE message LIKE 'Written while%'")"
resolve_all
http POST "$p2/hardship" --data-urlencode "csrf=$c2" --data-urlencode "category=other" \
	--data-urlencode "message=Written while the database is down" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
expect_status 303 "sent again once the database is back, it is received"

# A sendmail that hangs is killed after the timeout and retried.
restart_notify() {	# restart_notify [--set KEY=VALUE]...
	local pid
	pid=$(cat "$VAR/run/notify.pid")
	kill -TERM "$pid"
	while [ -d "/proc/$pid" ]; do sleep 0.1; done
	"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo --exempt "$@" > /dev/null 2>&1
}
restart_notify --set sendmail_timeout=1
touch "$VAR/mail/HANG"
resolve_all
http POST "$p2/hardship" --data-urlencode "csrf=$c2" --data-urlencode "category=other" \
	--data-urlencode "message=Sent while sendmail hangs" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
for i in $(seq 1 60); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE last_error LIKE 'timed out%'")" -ge 1 ] && break
	sleep 0.2
done
check "a hanging sendmail is killed after the timeout" \
	test "$(sql "SELECT count(*) FROM outbox WHERE last_error LIKE 'timed out%'")" -ge 1
rm -f "$VAR/mail/HANG"
for i in $(seq 1 100); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")" = 0 ] && break
	sleep 0.2
done
expect_eq "and the message goes out once sendmail answers" 1 "$(grep -l 'Sent while sendmail hangs' "$VAR"/mail/*.eml | wc -l)"
check "no sendmail is left hanging" bash -c "! pgrep -f '[d]ev-sendmail --dir $VAR/mail' > /dev/null && ! pgrep -x -f 'sleep 3600' > /dev/null"

# Two notifiers side by side deliver 1000 queued messages exactly once each.
pid=$(cat "$VAR/run/notify.pid")
kill -TERM "$pid"
while [ -d "/proc/$pid" ]; do sleep 0.1; done
rm -f "$VAR"/mail/*.eml
sql "UPDATE outbox SET status = 'sent'" > /dev/null
last=$(sql "SELECT coalesce(max(id), 0) FROM outbox")
# 500 notes on 500 invoices (one open request per invoice, issue 17).
{ head -n 1 "$T/inv.csv"; for i in $(seq 1 500); do
	echo "L-$i,LC-$i,Load $i,load$i@example.com,,en,EUR,$(d -40),$(d -10),line,Goods,1,100.00,"
done; } > "$T/load.csv"
admin import "$T/load.csv" > /dev/null
seq 1 500 | xargs -P 4 -I{} "$ROOT/build/portal-admin" -c "$CONF" link L-{} | sed 's|^http://[^/]*||' > "$T/load-links"
note_on() {	# note_on PATH N: opens the form and sends one note
	local csrf
	csrf=$(curl -s "$BASE$1/hardship" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -s -o /dev/null -w '%{http_code}\n' --data-urlencode "csrf=$csrf" --data-urlencode "category=other" \
		--data-urlencode "message=Load note $2" --data-urlencode "contact=email" \
		--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning" "$BASE$1/hardship"
}
export -f note_on
export BASE first_day
nl -ba "$T/load-links" | xargs -P 8 -L 1 bash -c 'note_on "$1" "$0"' > "$T/codes"
expect_eq "500 notes accepted" 500 "$(grep -c '^303$' "$T/codes")"
expect_eq "1000 messages queued" 1000 "$(sql "SELECT count(*) FROM outbox WHERE status = 'queued'")"
"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo --exempt > /dev/null 2>&1
first=$(cat "$VAR/run/notify.pid")
user=()
[ "$(id -u)" -eq 0 ] && user=(setpriv --reuid=settle --regid=settle --init-groups --)
"${user[@]}" "$BUILD/portal-notify" -c "$CONF" >> "$VAR/log/notify2.log" 2>&1 &
second=$!
for i in $(seq 1 300); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")" = 0 ] && break
	sleep 0.2
done
kill -TERM "$second"
wait "$second" 2>/dev/null
expect_eq "all 1000 delivered" 0 "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")"
expect_eq "1000 mail files" 1000 "$(ls "$VAR"/mail/*.eml | wc -l)"
expect_eq "1000 distinct messages (no duplicates)" 1000 "$(grep -h '^Message-ID:' "$VAR"/mail/*.eml | sort -u | wc -l)"
expect_eq "each of the 1000 was claimed once" 1000 "$(sql "SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 1 AND message LIKE 'k1:%' AND created_at > now() - interval '10 minutes' AND id > (SELECT max(id) - 1000 FROM outbox)")"
# Only this run's 1000 messages, and only the two notifiers started here.
claimers=$(sql "SELECT string_agg(DISTINCT claimed_by, ' ' ORDER BY claimed_by) FROM outbox WHERE id > $last")
expect_eq "both notifiers took part, and only they" \
	"$(printf '%s\n' "portal-notify[$first]" "portal-notify[$second]" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "$claimers"
# Issue 17: a flood of notes on one link. 30 at once, each its own text:
# one request, one hold; each note accepted is stored whole (the first as
# the request, the rest as its follow-ups), the others get 429 with their
# text; staff get at most two mails (the note, then one digest an hour).
p3=$(link_path H-3)
http GET "$p3/hardship"
c3=$(form_value csrf)
mkdir -p "$T/flood"
flood_one() {	# flood_one N
	curl -s -o "$T/flood/$1.html" -w '%{http_code}' --data-urlencode "csrf=$c3" \
		--data-urlencode "category=income" --data-urlencode "message=Flood note $1, lost my shifts" \
		--data-urlencode "contact=email" --data-urlencode "callback_date=$first_day" \
		--data-urlencode "callback_window=morning" "$BASE$p3/hardship" > "$T/flood/$1.code"
}
export -f flood_one
export T c3 p3
seq 1 30 | xargs -P 30 -I{} bash -c 'flood_one {}'
accepted=$(grep -l '^303$' "$T"/flood/*.code | wc -l)
refused=$(grep -l '^429$' "$T"/flood/*.code | wc -l)
expect_eq "30 parallel notes: 10 accepted (the hourly limit), 20 refused with 429" "10/20" "$accepted/$refused"
inv3="(SELECT id FROM invoices WHERE number = 'H-3')"
expect_eq "one request for the invoice" 1 "$(sql "SELECT count(*) FROM hardship_requests WHERE invoice_id = $inv3")"
expect_eq "one hold" 1 "$(sql "SELECT count(*) FROM reminder_holds WHERE invoice_id = $inv3")"
expect_eq "the other accepted notes are its follow-ups" 9 \
	"$(sql "SELECT count(*) FROM hardship_followups f JOIN hardship_requests h ON h.id = f.request_id WHERE h.invoice_id = $inv3")"
lost=0
for f in $(grep -l '^303$' "$T"/flood/*.code); do
	n=$(basename "$f" .code)
	[ "$(sql "SELECT (SELECT count(*) FROM hardship_requests WHERE message = 'Flood note $n, lost my shifts') + (SELECT count(*) FROM hardship_followups WHERE message = 'Flood note $n, lost my shifts')")" = 1 ] || lost=$((lost + 1))
done
expect_eq "every accepted text is stored exactly once" 0 "$lost"
kept=0
for f in $(grep -l '^429$' "$T"/flood/*.code); do
	n=$(basename "$f" .code)
	grep -q "Flood note $n, lost my shifts" "$T/flood/$n.html" && grep -q "You have sent us several notes in the last hour" "$T/flood/$n.html" && kept=$((kept + 1))
done
expect_eq "every 429 page says why and keeps its text" "$refused" "$kept"
staff3() { sql "SELECT count(*) FROM outbox WHERE invoice_id = $inv3 AND recipient = 'credit-team@northwind.example'"; }
expect_eq "staff mails: the note and one digest" 2 "$(staff3)"
expect_eq "one acknowledgement to the debtor" 1 "$(sql "SELECT count(*) FROM outbox WHERE invoice_id = $inv3 AND kind = 'hardship.ack'")"
expect_eq "the digest waits an hour after the first mail" t \
	"$(sql "SELECT next_attempt_at > now() + interval '50 minutes' FROM outbox WHERE invoice_id = $inv3 AND kind = 'hardship.digest'")"
expect_eq "and carries every follow-up" 9 \
	"$(sql "SELECT count(*) FROM hardship_followups f JOIN outbox o ON o.id = f.digest_id WHERE o.kind = 'hardship.digest' AND o.invoice_id = $inv3")"
sql "UPDATE outbox SET next_attempt_at = now() WHERE kind = 'hardship.digest'" > /dev/null
for i in $(seq 1 50); do
	[ "$(sql "SELECT count(*) FROM outbox WHERE kind = 'hardship.digest' AND status = 'sent'")" = 1 ] && break
	sleep 0.2
done
digest=$(grep -l '^Subject: Follow-up on hardship request' "$VAR"/mail/*.eml 2>/dev/null | head -n 1)
missing=0
while read -r text; do
	grep -qF "$text" "${digest:-/dev/null}" || missing=$((missing + 1))
done < <(sql "SELECT f.message FROM hardship_followups f JOIN hardship_requests h ON h.id = f.request_id WHERE h.invoice_id = $inv3")
expect_eq "the digest mail, once sent, holds every follow-up's text" 0 "$missing"
# Another follow-up now: within the hour of that digest, so a new digest waits.
p3b=$(link_path H-3)
http GET "$p3b/hardship"
fid=$(form_value form_id)
check "the form carries a one-time id" test ${#fid} -eq 43
for try in 1 2; do
	http POST "$p3b/hardship" --data-urlencode "csrf=$(form_value csrf)" --data-urlencode "form_id=$fid" \
		--data-urlencode "category=income" --data-urlencode "message=Sent twice, try $try" \
		--data-urlencode "contact=email" --data-urlencode "callback_date=$first_day" \
		--data-urlencode "callback_window=morning"
	expect_status 303 "the same form sent twice: answer $try is 303"
	[ "$try" = 1 ] && http GET "$p3b/hardship"
done
expect_eq "the same form sent twice adds one follow-up" "1|0" \
	"$(sql "SELECT (SELECT count(*) FROM hardship_followups WHERE message = 'Sent twice, try 1'), (SELECT count(*) FROM hardship_followups WHERE message = 'Sent twice, try 2')")"
http GET "$p3b"
expect_body "We received your note on" "and the debtor sees the existing request"
expect_eq "the next digest waits for the hour after the last one" "3|t" \
	"$(sql "SELECT count(*), bool_and(next_attempt_at > now() + interval '50 minutes' OR status = 'sent') FROM outbox WHERE invoice_id = $inv3 AND recipient = 'credit-team@northwind.example'")"
check "the database allows one open request per invoice" \
	bash -c "$PGBIN/psql -X -h '$VAR/run' -U settle -d settle -qc \"INSERT INTO hardship_requests (invoice_id, category, message, contact_method, callback_date, callback_window) SELECT invoice_id, 'other', 'x', 'email', callback_date, callback_window FROM hardship_requests WHERE invoice_id = $inv3\" 2>&1 | grep -q hardship_one_open"
# Resolved: the hold lifts, and the next note is a new request with its own hold.
sql "UPDATE hardship_requests SET status = 'resolved' WHERE invoice_id = $inv3; UPDATE reminder_holds SET released_at = now() WHERE invoice_id = $inv3" > /dev/null
p3c=$(link_path H-3)
http GET "$p3c/hardship"
post_on_c() { http POST "$p3c/hardship" --data-urlencode "csrf=$(form_value csrf)" --data-urlencode "form_id=$(form_value form_id)" \
	--data-urlencode "category=other" --data-urlencode "message=$1" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"; }
post_on_c "A new matter after the first was resolved"
expect_status 303 "a note after the request was resolved is accepted"
expect_eq "and is a new request with a new hold" "2|1" \
	"$(sql "SELECT (SELECT count(*) FROM hardship_requests WHERE invoice_id = $inv3), (SELECT count(*) FROM reminder_holds WHERE invoice_id = $inv3 AND released_at IS NULL)")"

# Limits the form states are also the database's (CHECK constraints).
long4001=$(head -c 4001 /dev/zero | tr '\0' 'x')
check "a 4001-character message is refused by the database" \
	bash -c "$PGBIN/psql -X -h '$VAR/run' -U settle -d settle -qc \"UPDATE hardship_requests SET message = '$long4001' WHERE id = (SELECT max(id) FROM hardship_requests)\" 2>&1 | grep -q hardship_requests_message_length"
check "a 41-byte phone is refused by the database" \
	bash -c "$PGBIN/psql -X -h '$VAR/run' -U settle -d settle -qc \"UPDATE hardship_requests SET phone = '$(head -c 41 /dev/zero | tr '\0' '1')' WHERE id = (SELECT max(id) FROM hardship_requests)\" 2>&1 | grep -q hardship_requests_phone_length"
check "a 16-character language tag is refused by the database" \
	bash -c "$PGBIN/psql -X -h '$VAR/run' -U settle -d settle -qc \"UPDATE customers SET language = 'abcdefghijklmnop' WHERE ref = 'HC-3'\" 2>&1 | grep -q customers_language_length"
check "a 4001-character follow-up is refused by the database" \
	bash -c "$PGBIN/psql -X -h '$VAR/run' -U settle -d settle -qc \"INSERT INTO hardship_followups (request_id, category, message, contact_method, callback_date, callback_window) SELECT id, 'other', '$long4001', 'email', callback_date, callback_window FROM hardship_requests LIMIT 1\" 2>&1 | grep -q hardship_followups_message_check"
finish
