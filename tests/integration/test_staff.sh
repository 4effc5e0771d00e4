#!/usr/bin/env bash
# Issue 8: staff sign-in, the hardship queue, each invoice's history.
. "$(dirname "$0")/lib.sh"
stack_up --exempt

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
S-1,SC-1,Grace Okafor,grace@example.com,+44 7700 900123,en,GBP,$(d -40),$(d -10),line,Website,1,640.00,
S-2,SC-2,Liam Walsh,liam@example.com,,en,EUR,$(d -40),$(d -10),line,Audit,1,900.00,
CSV
admin import "$T/inv.csv" > /dev/null

# staff-add: password from stdin, at least 12 characters.
out=$(echo "short pass" | admin staff-add eve@example.com "Eve Clerk" 2>&1)
check "a password under 12 characters is refused" grep -q "at least 12" <<<"$out"
out=$(echo "a long enough passphrase" | admin staff-add eve@example.com "Eve Clerk")
expect_eq "staff-add creates the user" "staff user eve@example.com added: Eve Clerk" "$out"
out=$(echo "another long passphrase" | admin staff-add EVE@example.com "Eve Again" 2>&1)
check "the same email twice is refused" grep -q "exists already" <<<"$out"
check "only an Argon2id hash is stored" test "$(sql "SELECT password_hash LIKE '\$argon2id\$%' FROM staff_users WHERE email = 'eve@example.com'")" = t
echo "victim password 12" | admin staff-add victim@example.com "Victim Clerk" > /dev/null

# Without a session every staff page sends the browser to sign in.
for path in /staff /staff/hardship/1 /staff/invoices/S-1 "/staff?q=Grace"; do
	http GET "$path"
	expect_status 303 "GET $path without a session is 303"
	expect_header "Location: /staff/login" "to the sign-in page"
done
http POST /staff/hardship/1 -d "status=resolved&note=x&csrf=x"
expect_status 303 "a POST without a session is 303 to sign in, nothing written"

# login FORM: a pre-session cookie binds the CSRF token.
jar=$T/jar
login_page() { rm -f "$jar"; curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"; }
login() {	# login EMAIL PASSWORD: posts the form with a fresh pre-session cookie
	login_page
	local csrf; csrf=$(form_value csrf)
	STATUS=$(curl -s -c "$jar" -b "$jar" -o "$T/body" -D "$T/headers" -w '%{http_code}' \
		--data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
		--data-urlencode "password=$2" "$BASE/staff/login")
}
http GET /staff/login
expect_header "Set-Cookie: __Host-settle-login=" "the sign-in page sets a pre-session cookie"
csrf=$(form_value csrf)
http POST /staff/login --data-urlencode "csrf=$csrf" --data-urlencode "email=eve@example.com" --data-urlencode "password=a long enough passphrase"
expect_status 403 "signing in without the pre-session cookie is 403 (login CSRF)"
login eve@example.com "wrong password here"
expect_status 403 "a wrong password is refused"
expect_body "The email address or the password is not right" "with a message that names neither"
wrong_body=$(grep -o 'The email address or the password is not right' "$T/body")
login nobody@example.com "a long enough passphrase"
expect_status 403 "an unknown user is refused the same way"
expect_eq "the same message for an unknown user" "$wrong_body" "$(grep -o 'The email address or the password is not right' "$T/body")"

# Throttling per account: after 5 failures even the right password waits.
for i in 1 2 3 4 5; do login victim@example.com "guess number $i"; done
login victim@example.com "victim password 12"
expect_status 429 "after 5 failures the account is throttled"
expect_body "Too many attempts" "the page says to wait"
expect_eq "no session was created for the throttled account" 0 \
	"$(sql "SELECT count(*) FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id WHERE u.email = 'victim@example.com'")"
check "failed sign-ins are audited" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'staff.login_failed'")" -ge 7

login eve@example.com "a long enough passphrase"
expect_status 303 "the right password signs in"
expect_header "Location: /staff" "and goes to the queue"
expect_header "Set-Cookie: __Host-settle=" "with a __Host- session cookie"
cookie_line=$(grep -i '^Set-Cookie: __Host-settle=' "$T/headers")
for attr in "HttpOnly" "Secure" "SameSite=Strict" "Path=/"; do
	check "the session cookie is $attr" grep -q "$attr" <<<"$cookie_line"
done
session=$(sed -n 's/^Set-Cookie: __Host-settle=\([^;]*\);.*/\1/ip' "$T/headers" | tr -d '\r')
cookie() { echo "__Host-settle=$session"; }
check "the database keeps only a hash of the session id" \
	test "$(sql "SELECT count(*) FROM staff_sessions WHERE encode(id_hash, 'escape') LIKE '%$session%'")" = 0

# A debtor submits a note: it is at the top of the queue.
p=$(link_path S-1)
http GET "$p/hardship"
c1=$(form_value csrf)
first=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
http POST "$p/hardship" --data-urlencode "csrf=$c1" --data-urlencode "category=income" \
	--data-urlencode "message=I was made redundant last week." --data-urlencode "contact=phone" \
	--data-urlencode "phone=+44 7700 900123" --data-urlencode "callback_date=$first" \
	--data-urlencode "callback_window=morning"
expect_status 303 "the debtor's note is accepted"
id=$(sql "SELECT max(id) FROM hardship_requests")
# Issue 14: /staff is the worklist; the hardship queue is /staff/hardship.
http GET /staff/hardship -H "Cookie: $(cookie)"
expect_status 200 "the queue opens with the session"
expect_header "Cache-Control: no-store" "staff pages are not stored (back after sign-out shows nothing)"
expect_body "<strong>1</strong> new" "counts at the top"
first_row=$(grep -o 'href="/staff/hardship/[0-9]*"' "$T/body" | head -n 1)
expect_eq "the new note is at the top of the queue" "href=\"/staff/hardship/$id\"" "$first_row"
expect_body "Grace Okafor" "with the customer"
expect_body "Lost job or income" "the category"
expect_body "just now" "its age"
expect_body "9:00–12:00" "and the callback window"

# The request in full; in review with a note; resolved; all on the timeline.
http GET "/staff/hardship/$id" -H "Cookie: $(cookie)"
expect_status 200 "the request opens"
expect_body "I was made redundant last week." "with the debtor's words"
expect_body "+44 7700 900123" "and the phone number"
hc=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | tail -n 1)	# the form's, not sign-out's
http POST "/staff/hardship/$id" -H "Cookie: $(cookie)" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" --data-urlencode "status=resolved" --data-urlencode "note=forged"
expect_status 403 "a status change with a bad CSRF token is 403"
expect_body "this form expired" "with the form again, saying it expired"
expect_body ">forged</textarea>" "and the note kept"
other_id=$(sql "SELECT max(id) FROM hardship_requests")
expect_eq "and nothing was written" "new|0" "$(sql "SELECT status, (SELECT count(*) FROM hardship_notes) FROM hardship_requests WHERE id = $id")"
http POST "/staff/hardship/$id" -H "Cookie: $(cookie)" --data-urlencode "csrf=$hc" --data-urlencode "status=in_review" --data-urlencode "note=Called; will call back Friday."
expect_status 303 "marking it in review answers 303"
http POST "/staff/hardship/$id" -H "Cookie: $(cookie)" --data-urlencode "csrf=$hc" --data-urlencode "status=closed" --data-urlencode "note=x"
expect_status 400 "an unknown status is 400"
expect_eq "the note and status are recorded with who did it" "new|in_review|Called; will call back Friday.|Eve Clerk" \
	"$(sql "SELECT n.old_status, n.new_status, n.note, s.name FROM hardship_notes n JOIN staff_users s ON s.id = n.staff_id WHERE n.request_id = $id")"
expect_eq "reminders are still paused while in review" 1 "$(sql "SELECT count(*) FROM reminder_holds WHERE hardship_id = $id AND released_at IS NULL")"
http POST "/staff/hardship/$id" -H "Cookie: $(cookie)" --data-urlencode "csrf=$hc" --data-urlencode "status=resolved" --data-urlencode "note=Plan agreed by phone." --data-urlencode "outcome=plan_offered"
expect_status 303 "resolving answers 303"
expect_eq "resolving lifts the reminder hold, recording who" "1|Eve Clerk" \
	"$(sql "SELECT count(*), max(s.name) FROM reminder_holds h JOIN staff_users s ON s.id = h.released_by WHERE h.hardship_id = $id AND h.released_at IS NOT NULL")"
http GET "$p"
expect_no_body "paused reminders" "the debtor's page no longer says reminders are paused"
http GET "/staff/hardship/$id" -H "Cookie: $(cookie)"
expect_body "New → In review" "the request shows the first change"
expect_body "In review → Resolved" "and the second"
http GET /staff/invoices/S-1 -H "Cookie: $(cookie)"
expect_status 200 "the invoice history opens"
expect_body "Hardship note received" "the timeline has the note"
expect_body "Eve Clerk changed the hardship request" "the staff changes with the user's name"
expect_body "Plan agreed by phone." "and the notes"
expect_body "Debtor opened the hardship form" "the debtor's visits"
# The row of the link issued above: its id, purpose, expiry and state (the
# heading "Links sent" alone proves nothing).
link_row=$(sql "SELECT l.id || ' (' || l.purpose || ')</td><td>' || to_char(l.issued_at, 'YYYY-MM-DD HH24:MI') || '</td><td>' || to_char(l.expires_at, 'YYYY-MM-DD HH24:MI') FROM links l JOIN invoices i ON i.id = l.invoice_id WHERE i.number = 'S-1' ORDER BY l.id DESC LIMIT 1")
check "the links sent: the issued link's row, active" \
	grep -qF "<tr><td>$link_row</td><td>" "$T/body"
check "that row says active" grep -qE "<tr><td>${link_row%% *} \\(.*>active</td></tr>" "$T/body"
expect_body "We received your note about invoice S-1" "the messages"
expect_body "GBP 640.00" "and the balance"
expect_eq "every staff change is audited with the staff user" 2 \
	"$(sql "SELECT count(*) FROM audit_events a JOIN staff_users s ON s.id = a.staff_id WHERE a.action = 'hardship.status' AND s.email = 'eve@example.com'")"

# Search by invoice number or customer name.
http GET "/staff?q=Walsh" -H "Cookie: $(cookie)"
expect_body 'href="/staff/invoices/S-2"' "search finds a customer by name"
http GET "/staff?q=S-1" -H "Cookie: $(cookie)"
expect_body 'href="/staff/invoices/S-1"' "search finds an invoice by number"
http GET "/staff?q=nobody-has-this" -H "Cookie: $(cookie)"
expect_body "No invoice number or customer name contains" "an empty search says so"
http GET "/staff?status=bogus" -H "Cookie: $(cookie)"
expect_status 400 "an unknown status filter is 400"
# Issue 17: the search text is taken literally.
# (the queue lists invoices too: only the results table counts)
results() { sed -n '/id="results-title"/,/<\/section>/p' "$T/body" | grep -o 'href="/staff/invoices/[^"]*"' | tr '\n' ' '; }
http GET "/staff?q=%25" -H "Cookie: $(cookie)"
expect_body "No invoice number or customer name contains “%”" "a search for % matches nothing (not everything)"
expect_eq "and lists no invoice" "" "$(results)"
http GET "/staff?q=S_1" -H "Cookie: $(cookie)"
expect_body "No invoice number or customer name contains “S_1”" "_ is no wildcard: S_1 does not find S-1"
http GET "/staff?q=S-" -H "Cookie: $(cookie)"
expect_eq "while S- finds both invoices" 'href="/staff/invoices/S-1" href="/staff/invoices/S-2" ' "$(results | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/^ //')"
http GET "/staff?q=S-1&x=%ZZ" -H "Cookie: $(cookie)"
expect_status 400 "a staff query that does not parse is still 400 (it is the search form)"

# Replaying a staff form (its one-time id) adds no second note.
http GET "/staff/hardship/$id" -H "Cookie: $(cookie)"
fid=$(form_value form_id)
check "the staff form carries a one-time id" test ${#fid} -eq 43
notes_before=$(sql "SELECT count(*) FROM hardship_notes WHERE request_id = $id")
for try in 1 2; do
	http POST "/staff/hardship/$id" -H "Cookie: $(cookie)" --data-urlencode "csrf=$hc" \
		--data-urlencode "form_id=$fid" --data-urlencode "status=resolved" --data-urlencode "note=Sent a letter."
	expect_status 303 "the same staff form posted twice: answer $try is 303"
done
expect_eq "and adds the note once" "$((notes_before + 1))" "$(sql "SELECT count(*) FROM hardship_notes WHERE request_id = $id")"

# Issue 17: an address on file that no mail can be composed to (imported
# before import checked it) loses neither the plan nor the note: both are
# stored, the debtor gets 303, and staff see the message flagged.
sql "UPDATE customers SET email = 'a:b@example.com' WHERE ref = 'SC-2'" > /dev/null
p2=$(link_path S-2)
http GET "$p2/plan"
http POST "$p2/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" \
	--data-urlencode "csrf=$(form_value csrf)" --data-urlencode "quote=$(form_value quote)"
expect_status 303 "a plan for a customer whose address is broken is accepted (303)"
http GET "$p2/hardship"
http POST "$p2/hardship" --data-urlencode "csrf=$(form_value csrf)" --data-urlencode "category=illness" \
	--data-urlencode "message=Please call me, my email is broken." --data-urlencode "contact=phone" \
	--data-urlencode "phone=+353 1 555 0199" --data-urlencode "callback_date=$first" --data-urlencode "callback_window=morning"
expect_status 303 "and so is a hardship note (303, no 5xx)"
expect_eq "the plan and the note are stored" "1|1" \
	"$(sql "SELECT (SELECT count(*) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'S-2'), (SELECT count(*) FROM hardship_requests WHERE message = 'Please call me, my email is broken.')")"
expect_eq "the debtor's two mails are recorded as failed, with the reason" "2|2" \
	"$(sql "SELECT count(*), count(*) FILTER (WHERE last_error LIKE '%address is not valid%') FROM outbox WHERE recipient = 'a:b@example.com' AND status = 'failed'")"
expect_eq "staff mails about them are queued as usual" 2 \
	"$(sql "SELECT count(*) FROM outbox o JOIN invoices i ON i.id = o.invoice_id WHERE i.number = 'S-2' AND o.recipient = 'credit-team@northwind.example' AND o.status <> 'failed'")"
http GET /staff/invoices/S-2 -H "Cookie: $(cookie)"
expect_body "<strong>Not sent:</strong> failed" "staff see the failed messages flagged on the invoice"
expect_body "the recipient&#39;s address is not valid" "with the reason"


# Unknown ids: 404. A debtor token is no key to the staff area.
http GET /staff/hardship/999999 -H "Cookie: $(cookie)"
expect_status 404 "an unknown request id is 404"
http GET /staff/hardship/abc -H "Cookie: $(cookie)"
expect_status 404 "a non-numeric request id is 404"
http GET /staff/invoices/NOPE-1 -H "Cookie: $(cookie)"
expect_status 404 "an unknown invoice is 404"
token=${p#/i/}
http GET /staff -H "Cookie: __Host-settle=$token"
expect_status 303 "a debtor token as the session cookie signs no one in"
http GET "/staff/invoices/$token" -H "Cookie: $(cookie)"
expect_status 404 "a debtor token in a staff URL finds nothing"
hash=$(sql "SELECT encode(id_hash, 'hex') FROM staff_sessions LIMIT 1")
b64=$(sql "SELECT translate(rtrim(encode(id_hash, 'base64'), '='), '+/', '-_') FROM staff_sessions LIMIT 1")
http GET /staff -H "Cookie: __Host-settle=$b64"
expect_status 303 "the stored hash, as a cookie, signs no one in"
http GET /staff -H "Cookie: __Host-settle=\\x$hash"
expect_status 303 "the stored hash in hex, as a cookie, signs no one in"

# Pagination: 25 more requests make a second page. An invoice has one open
# request at a time, and a link sends a few notes an hour: each of these is
# sent on a new link once the one before is resolved.
requests_before=$(sql "SELECT count(*) FROM hardship_requests")
for i in $(seq 1 25); do
	sql "UPDATE hardship_requests SET status = 'resolved'" > /dev/null
	pi=$(link_path S-1)
	ci=$(curl -s "$BASE$pi/hardship" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	curl -s -o /dev/null --data-urlencode "csrf=$ci" --data-urlencode "category=other" \
		--data-urlencode "message=Note $i" --data-urlencode "contact=email" \
		--data-urlencode "callback_date=$first" --data-urlencode "callback_window=morning" "$BASE$pi/hardship"
done
expect_eq "25 more requests" "$((requests_before + 25))" "$(sql "SELECT count(*) FROM hardship_requests")"
http GET /staff/hardship -H "Cookie: $(cookie)"
expect_body "Older requests" "the queue is paginated"
http GET "/staff?status=&page=2" -H "Cookie: $(cookie)"
expect_status 200 "page 2 opens"
expect_body "Newer requests" "and links back"
# One open request per invoice: a resolved one cannot be reopened while
# the invoice has another (the last of those 25 is open).
notes_before=$(sql "SELECT count(*) FROM hardship_notes")
http POST "/staff/hardship/$id" -H "Cookie: $(cookie)" --data-urlencode "csrf=$hc" --data-urlencode "status=in_review" --data-urlencode "note=Reopening."
expect_status 409 "reopening a request while the invoice has another open is 409"
expect_body "This invoice has another open hardship request" "and says why"
expect_body ">Reopening.</textarea>" "with the note kept"
expect_eq "and nothing is written" "resolved|$notes_before" "$(sql "SELECT status, (SELECT count(*) FROM hardship_notes) FROM hardship_requests WHERE id = $id")"
# A further note from the debtor is a follow-up: on the request and in the history.
open_id=$(sql "SELECT id FROM hardship_requests WHERE status <> 'resolved'")
pf=$(link_path S-1)
cf=$(curl -s "$BASE$pf/hardship" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
http POST "$pf/hardship" --data-urlencode "csrf=$cf" --data-urlencode "category=illness" \
	--data-urlencode "message=Also, I am in hospital until Monday." --data-urlencode "contact=phone" \
	--data-urlencode "phone=+44 7700 900456" --data-urlencode "callback_date=$first" --data-urlencode "callback_window=afternoon"
expect_status 303 "a further note while a request is open is accepted"
http GET "/staff/hardship/$open_id" -H "Cookie: $(cookie)"
expect_body "Follow-up notes from the debtor" "the request page lists the follow-ups"
expect_body "Also, I am in hospital until Monday." "with the debtor's words"
expect_body "by phone: +44 7700 900456" "and the new phone number"
http GET /staff/invoices/S-1 -H "Cookie: $(cookie)"
expect_body "1 follow-up note" "the invoice history counts it on the request"
expect_body "Debtor sent a follow-up note (request $open_id" "and the timeline has it"

# Sessions expire when idle and at their end; sign-out deletes the row.
sql "UPDATE staff_sessions SET last_seen_at = now() - interval '31 minutes'" > /dev/null
http GET /staff -H "Cookie: $(cookie)"
expect_status 303 "a session idle for 31 minutes has expired"
login eve@example.com "a long enough passphrase"
session=$(sed -n 's/^Set-Cookie: __Host-settle=\([^;]*\);.*/\1/ip' "$T/headers" | tr -d '\r')
sql "UPDATE staff_sessions SET expires_at = now() - interval '1 second'" > /dev/null
http GET /staff -H "Cookie: $(cookie)"
expect_status 303 "a session past its absolute end has expired"
login eve@example.com "a long enough passphrase"
session=$(sed -n 's/^Set-Cookie: __Host-settle=\([^;]*\);.*/\1/ip' "$T/headers" | tr -d '\r')
http GET /staff -H "Cookie: $(cookie)"
lc=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1)
http POST /staff/logout -H "Cookie: $(cookie)" --data-urlencode "csrf=wrong"
expect_status 403 "sign-out with a bad CSRF token is 403"
http POST /staff/logout -H "Cookie: $(cookie)" --data-urlencode "csrf=$lc" --data-urlencode "extra=1"
expect_status 400 "sign-out with an unknown field is 400"
http POST /staff/logout -H "Cookie: $(cookie)" --data-urlencode "csrf=$lc"
expect_status 303 "signing out answers 303"
expect_header "Location: /staff/login" "to the sign-in page"
check "and clears the cookie" grep -qi '^Set-Cookie: __Host-settle=;.*Max-Age=0' "$T/headers"
expect_eq "the session row is deleted (expired ones went at sign-in)" 0 "$(sql "SELECT count(*) FROM staff_sessions")"
http GET /staff -H "Cookie: $(cookie)"
expect_status 303 "the old cookie no longer works"
check "sign-in and sign-out are audited" test "$(sql "SELECT count(*) FROM audit_events WHERE action IN ('staff.login', 'staff.logout') AND staff_id IS NOT NULL")" -ge 4
finish
