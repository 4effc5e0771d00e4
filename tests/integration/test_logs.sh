#!/usr/bin/env bash
# Issue 19: one line per request from the worker, errors with their context,
# joined to nginx's access log by the request id; and no token, password,
# note text or email address in any log of the portal, the notifier or nginx.
. "$(dirname "$0")/lib.sh"
stack_up --exempt

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
L-1,LC-1,Ines Duarte,ines.duarte@example.com,+351 21 555 0100,en,EUR,$(d -40),$(d -10),line,Website,1,640.00,
L-2,LC-2,Jon Berg,jon.berg@example.org,,es,EUR,$(d -40),$(d 20),line,Audit,3,300.00,
CSV
admin import "$T/inv.csv" > /dev/null
PASSWORD="correct horse battery staple 19"
echo "$PASSWORD" | admin staff-add kim.clerk@example.net "Kim Clerk" > /dev/null
NOTE="Lost my job in October, can pay from March"
STAFF_NOTE="Phoned Ines, agreed to wait"
PLOG=$VAR/log/portal.log
NLOG=$VAR/log/nginx-access.log

# The flows: a debtor's pages, a plan, a hardship note, a bad form, the
# 404 page, staff sign-in, search by email, a note, sign-out.
p1=$(link_path L-1)
p2=$(link_path L-2)
: > "$PLOG"
: > "$NLOG"
http GET "$p1" -H "User-Agent: settle-log-test"
expect_status 200 "the invoice page opens"
http GET "$p1/hardship"
hcsrf=$(form_value csrf)
first_day=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
http POST "$p1/hardship" --data-urlencode "csrf=$hcsrf" --data-urlencode "category=income" \
	--data-urlencode "message=$NOTE" --data-urlencode "contact=phone" --data-urlencode "phone=+351 21 555 0100" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
expect_status 303 "a hardship note is received"
http POST "$p1/hardship" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" --data-urlencode "category=income" \
	--data-urlencode "message=$NOTE" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
expect_status 403 "a forged note is refused"
http GET "$p2/plan"
pcsrf=$(form_value csrf)
quote=$(form_value quote)
option=$(sed -n 's/.*name="option" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1)
http POST "$p2/plan" --data-urlencode "csrf=$pcsrf" --data-urlencode "option=$option" \
	--data-urlencode "agree=yes" --data-urlencode "quote=$quote"
expect_status 303 "a plan is accepted"
http GET "$p2/plan.ics"
http GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0"
expect_status 404 "an unknown link is 404"
http POST "$p1" -d x=1
expect_status 405 "a POST to the invoice page is 405"
jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
lcsrf=$(form_value csrf)
STATUS=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$lcsrf" \
	--data-urlencode "email=kim.clerk@example.net" --data-urlencode "password=wrong $PASSWORD" "$BASE/staff/login")
expect_status 403 "a wrong password is refused"
STATUS=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$lcsrf" \
	--data-urlencode "email=kim.clerk@example.net" --data-urlencode "password=$PASSWORD" "$BASE/staff/login")
expect_status 303 "staff sign in"
STATUS=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$BASE/staff?q=ines.duarte%40example.com")
expect_status 200 "a staff search by email address"
id=$(sql "SELECT max(id) FROM hardship_requests")
STATUS=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$BASE/staff/hardship/$id")
scsrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | tail -n 1)	# not sign-out's
STATUS=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$scsrf" \
	--data-urlencode "status=in_review" --data-urlencode "note=$STAFF_NOTE" "$BASE/staff/hardship/$id")
expect_status 303 "a staff note is added"
STATUS=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' "$BASE/staff/invoices/L-1")
expect_status 200 "an invoice's history"
session=$(sed -n 's/.*__Host-settle\t\([A-Za-z0-9_-]*\)$/\1/p' "$jar")

# A database failure: the error line names the route and the request id.
"$ROOT/scripts/stack.sh" pg-stop "$VAR" > /dev/null 2>&1
http GET "$p1" -H "User-Agent: settle-log-test-down"
expect_status 503 "with the database down the page is 503"
"$ROOT/scripts/stack.sh" pg-start "$VAR" > /dev/null 2>&1
for i in $(seq 1 50); do http GET /healthz; [ "$STATUS" = 200 ] && break; sleep 0.2; done
wait_mail() {
	for i in $(seq 1 50); do
		[ "$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}
check "the queued mail is delivered" wait_mail

# One line per request, with method, route pattern, status, time and nginx's id.
req_lines=$(grep -c ' info: request method=' "$PLOG")
ngx_lines=$(grep -vc '/healthz\|/staff/login' "$NLOG")
check "one request line per request that reached a worker ($req_lines)" test "$req_lines" -ge 18
check "the invoice page's line: method, status, time, route pattern, request id" \
	grep -qE '^20[0-9-]+T[0-9:]+Z portal\[[0-9]+\] info: request method=GET status=200 ms=[0-9]+\.[0-9] route=/i/\{\} rid=[0-9a-f]{32}$' "$PLOG"
check "the plan POST's line" grep -qE 'request method=POST status=303 ms=[0-9.]+ route=/i/\{\}/plan rid=' "$PLOG"
check "the unknown link's line names its route, not its token" grep -qE 'request method=GET status=404 ms=[0-9.]+ route=/i/\{\} rid=[0-9a-f]{32}$' "$PLOG"
check "the 405's line has no route" grep -qE 'request method=POST status=405 ms=[0-9.]+ route=- rid=' "$PLOG"
check "staff pages by pattern" grep -qE 'request method=GET status=200 ms=[0-9.]+ route=/staff/invoices/\{\} rid=' "$PLOG"
rid=$(grep 'settle-log-test"' "$NLOG" | sed -n 's/.* rid=\([0-9a-f]*\) .*/\1/p' | head -n 1)
check "nginx's access line carries a request id" test -n "$rid"
check "the same id is on the worker's line for that request (the logs join)" \
	grep -qE "request method=GET status=200 .* rid=$rid\$" "$PLOG"
down_rid=$(grep 'settle-log-test-down"' "$NLOG" | sed -n 's/.* rid=\([0-9a-f]*\) .*/\1/p' | head -n 1)
check "the database error is logged on one line with its route and request id" \
	grep -qE "^20.* error: connect_db: .* route=/i/\{\} rid=$down_rid\$" "$PLOG"
check "every line of the portal's log is an event (no continuation lines)" \
	bash -c "! grep -qvE '^20[0-9-]+T[0-9:]+Z ' '$PLOG'"
check "and the 503 request line with the same id" grep -qE "status=503 .* rid=$down_rid\$" "$PLOG"

check "no worker died on the way (logging included)" bash -c "! grep -qE 'worker [0-9]+ (killed by signal|exited with)' '$PLOG'"

# Nothing secret or personal in any log.
tokens=("${p1#/i/}" "${p2#/i/}" "$session" "$hcsrf" "$pcsrf" "$lcsrf" "$scsrf")
check "the test found the tokens it looks for" test "${#p1}" -gt 40 -a "${#session}" -eq 43
leak=0
for f in "$VAR"/log/portal.log "$VAR"/log/notify.log "$VAR"/log/nginx-access.log "$VAR"/log/nginx-error.log; do
	for s in "${tokens[@]}" "$PASSWORD" "$NOTE" "$STAFF_NOTE" ines.duarte@example.com jon.berg@example.org \
		kim.clerk@example.net "Ines Duarte" "+351 21 555 0100"; do
		if grep -qF -- "$s" "$f"; then
			leak=1
			echo "# $(basename "$f") holds: ${s:0:12}..."
		fi
	done
done
check "no token, password, note, name, phone or email address in the portal's, notifier's or nginx's logs" test "$leak" = 0
check "the link's token shows in nginx's log only as its first 4 characters" \
	grep -qF "/i/${p1:3:4}..." "$NLOG"

finish
