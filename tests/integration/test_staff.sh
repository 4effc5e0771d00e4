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
http GET /staff -H "Cookie: $(cookie)"
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
http POST "/staff/hardship/$id" -H "Cookie: $(cookie)" --data-urlencode "csrf=$hc" --data-urlencode "status=resolved" --data-urlencode "note=Plan agreed by phone."
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

# Pagination: 25 more requests make a second page.
for i in $(seq 1 25); do
	curl -s -o /dev/null --data-urlencode "csrf=$c1" --data-urlencode "category=other" \
		--data-urlencode "message=Note $i" --data-urlencode "contact=email" \
		--data-urlencode "callback_date=$first" --data-urlencode "callback_window=morning" "$BASE$p/hardship"
done
http GET /staff -H "Cookie: $(cookie)"
expect_body "Older requests" "the queue is paginated"
http GET "/staff?status=&page=2" -H "Cookie: $(cookie)"
expect_status 200 "page 2 opens"
expect_body "Newer requests" "and links back"

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
