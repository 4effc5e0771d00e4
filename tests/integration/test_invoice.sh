#!/usr/bin/env bash
# Issue 5: import, links, and the debtor's invoice page.
. "$(dirname "$0")/lib.sh"
stack_up

today=$(date -u +%Y-%m-%d)
d() { date -u -d "$1 days" +%Y-%m-%d; }
long() { date -u -d "$1 days" '+%-d %B %Y'; }

# A hand-written file: three invoices, three currencies, a fee, payments,
# a quoted description with a comma, and one paid in full.
cat > "$T/three.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
T-100,K-1,Erin Walsh,erin@example.com,+353 1 555 0100,en,EUR,$(d -40),$(d -12),line,"Consulting, two days",2,600.00,
T-100,K-1,Erin Walsh,erin@example.com,+353 1 555 0100,en,EUR,$(d -40),$(d -12),line,Travel expenses,1,87.35,
T-100,K-1,Erin Walsh,erin@example.com,+353 1 555 0100,en,EUR,$(d -40),$(d -12),fee,"Late fee EUR 40 (Directive 2011/7/EU)",,40.00,$(d -11)
T-100,K-1,Erin Walsh,erin@example.com,+353 1 555 0100,en,EUR,$(d -40),$(d -12),payment,Bank transfer,,250.10,$(d -3)
T-200,K-2,Sam Lee & Co,sam@example.org,,en,USD,$(d -20),$(d 10),line,Widgets <blue>,3,19.99,
T-300,K-3,Priya Natarajan,priya@example.net,+44 20 7946 0999,en,GBP,$(d -60),$(d -30),line,Annual licence,1,1200.00,
T-300,K-3,Priya Natarajan,priya@example.net,+44 20 7946 0999,en,GBP,$(d -60),$(d -30),payment,Card,,1200.00,$(d -29)
CSV
out=$(admin import "$T/three.csv" 2>&1)
expect_eq "import reports what it did" "$T/three.csv: 3 invoices created, 0 updated, 0 unchanged" "$out"

dump_rows() { sql "SELECT i.number, c.name, i.currency, i.issued, i.due,
	(SELECT string_agg(description || ':' || quantity_milli || ':' || unit_cents || ':' || total_cents, '|' ORDER BY position) FROM invoice_lines WHERE invoice_id = i.id),
	(SELECT string_agg(description || ':' || amount_cents || ':' || charged_on, '|') FROM fees WHERE invoice_id = i.id),
	(SELECT string_agg(description || ':' || amount_cents || ':' || received_on, '|') FROM payments WHERE invoice_id = i.id)
	FROM invoices i JOIN customers c ON c.id = i.customer_id ORDER BY 1"; }
before=$(dump_rows)
audit_before=$(sql "SELECT count(*) FROM audit_events")
out=$(admin import "$T/three.csv" 2>&1)
expect_eq "importing the same file again changes nothing (report)" \
	"$T/three.csv: 0 invoices created, 0 updated, 3 unchanged" "$out"
expect_eq "importing the same file again changes nothing (rows)" "$before" "$(dump_rows)"
expect_eq "importing the same file again writes no audit rows" "$audit_before" \
	"$(sql "SELECT count(*) FROM audit_events")"
expect_eq "line totals are unit price times quantity, in cents" \
	"Consulting, two days:2000:60000:120000|Travel expenses:1000:8735:8735" \
	"$(sql "SELECT string_agg(description || ':' || quantity_milli || ':' || unit_cents || ':' || total_cents, '|' ORDER BY position) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE number = 'T-100'")"

# Each of the three links shows exactly its own invoice.
p100=$(link_path T-100)
p200=$(link_path T-200)
p300=$(link_path T-300)
check "link prints a URL with a 43-character token" \
	grep -Eq '^/i/[A-Za-z0-9_-]{43}$' <<<"$p100"
http GET "$p100"
expect_status 200 "T-100 opens"
expect_body "Dear Erin Walsh," "greeting by name"
expect_body "Invoice T-100" "invoice number"
expect_body "$(long -40)" "issue date in words"
expect_body "$(long -12)" "due date in words"
expect_body "12 days past its due date" "days overdue"
expect_body "Consulting, two days" "first line"
expect_body "EUR 600.00" "unit price"
expect_body "EUR 1,200.00" "line total with thousands separator"
expect_body "EUR 87.35" "second line"
expect_body "EUR 1,287.35" "invoice amount"
expect_body "Late fee EUR 40 (Directive 2011/7/EU)" "fee with the rule it comes from"
expect_body "$(long -11)" "fee date"
expect_body "EUR 250.10" "payment received"
expect_body "$(long -3)" "payment date"
# 1,287.35 + 40.00 - 250.10 = 1,077.25
expect_body "EUR 1,077.25" "balance = lines + fees - payments, to the cent"
expect_body "Please pay EUR 1,077.25 as soon as possible" "one clear request: overdue and no reminder named a date yet (test_states.sh has the dates)"
expect_body "GB33 BUKB 2020 1555 5555 55" "bank details to pay"
expect_body "Reference</dt><dd><span class=\"copy\">T-100</span>" "invoice number as payment reference, in one piece to copy"
expect_body "Set up a payment plan" "plan button"
expect_body "I'm having difficulty paying" "hardship button"
expect_body "+44 20 7946 0321" "contact phone"
expect_no_body "Sam Lee" "no other customer's data on the page"
expect_header "Cache-Control: no-store" "token page: no-store"
expect_header "Referrer-Policy: no-referrer" "token page: no-referrer"
expect_header "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" "token page: strict CSP"
expect_header "X-Content-Type-Options: nosniff" "token page: nosniff"
check "no script on the page" bash -c "! grep -qi '<script' '$T/body'"

http GET "$p200"
expect_status 200 "T-200 opens"
expect_body "Dear Sam Lee &amp; Co," "names are HTML-escaped"
expect_body "Widgets &lt;blue&gt;" "descriptions are HTML-escaped"
expect_body "USD 59.97" "USD balance"
expect_body "is due on $(long 10)" "not yet due: a friendly reminder"
expect_no_body "Days overdue" "no days overdue before the due date"

http GET "$p300"
expect_status 200 "T-300 opens"
expect_body "This invoice is paid in full" "a paid invoice says so"
expect_body "Thank you for your payment" "and thanks them"
expect_body "GBP 0.00" "balance zero"
expect_no_body "Set up a payment plan" "no plan offer on a paid invoice"

# Every view is audited with the link and address: that record is the
# link's last use (test_views.sh: nothing else is written).
views=$(sql "SELECT count(*) FROM audit_events a JOIN invoices i ON i.id = a.invoice_id WHERE i.number = 'T-100' AND a.action = 'invoice.viewed' AND a.link_id IS NOT NULL AND a.client_addr = '127.0.0.1'")
expect_eq "the view was audited with link and address" 1 "$views"

# Issue 17: decorated links open the page; a HEAD (a link scanner) is no view.
http GET "$p100?utm_source=x&p=50%"
expect_status 200 "an undecodable query on the invoice page is ignored (200, not 400)"
expect_body "Invoice T-100" "and the page is the invoice"
http GET "$p100?utm_source=newsletter&utm_medium=email"
expect_status 200 "an unknown query on the invoice page is ignored"
http GET "$p100/plan?x=%FF"
expect_status 200 "an undecodable query on the plan page is ignored"
views_before=$(sql "SELECT count(*) FROM audit_events WHERE action LIKE '%.viewed'")
links_before=$(sql "SELECT string_agg(id || ':' || xmin || ':' || xmax, ' ' ORDER BY id) FROM links")
http HEAD "$p200" -I
expect_status 200 "a HEAD on a link is answered"
http HEAD "$p200/hardship" -I
expect_eq "a HEAD writes no audit row" "$views_before" "$(sql "SELECT count(*) FROM audit_events WHERE action LIKE '%.viewed'")"
expect_eq "and does not touch the link" "$links_before" "$(sql "SELECT string_agg(id || ':' || xmin || ':' || xmax, ' ' ORDER BY id) FROM links")"
http GET "$p200"
expect_eq "a GET after it is a view" "$((views_before + 1))" "$(sql "SELECT count(*) FROM audit_events WHERE action LIKE '%.viewed'")"

# Revoked, expired and unknown tokens: the same 404 page.
http GET /i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect_status 404 "an unknown token is 404"
unknown_body=$(sed 's/[0-9a-zA-Z_-]\{43\}//g' "$T/body")
expect_body "This link is no longer valid" "the 404 says the link is not valid"
expect_body "credit@northwind.example" "the 404 has the contact details"
pexp=$(link_path T-200)
sql "UPDATE links SET expires_at = now() - interval '1 second' WHERE token_hash IS NOT NULL AND id = (SELECT max(id) FROM links)"
http GET "$pexp"
expect_status 404 "an expired token is 404"
expect_eq "an expired token gets the same page as an unknown one" "$unknown_body" "$(sed 's/[0-9a-zA-Z_-]\{43\}//g' "$T/body")"
out=$(admin revoke T-100)
expect_eq "revoke reports the count" "T-100: 1 link revoked" "$out"
http GET "$p100"
expect_status 404 "a revoked token is 404"
expect_eq "a revoked token gets the same page as an unknown one" "$unknown_body" "$(sed 's/[0-9a-zA-Z_-]\{43\}//g' "$T/body")"
http GET /i/short
expect_status 404 "a token of the wrong length is 404"
expect_eq "a malformed token gets the same page" "$unknown_body" "$(sed 's/[0-9a-zA-Z_-]\{43\}//g' "$T/body")"
http GET '/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$'
expect_status 404 "a token with a character outside base64url is 404"
new100=$(link_path T-100)
http GET "$new100"
expect_status 200 "a new link after a revoke works"

# The database holds only hashes: no working token in a dump.
"$PGBIN/pg_dump" -h "$VAR/run" -U settle settle > "$T/dump.sql"
token=${new100#/i/}
check "pg_dump holds no token in clear" bash -c "! grep -qF -- '$token' '$T/dump.sql'"
found=0
for t in $(grep -oE '[A-Za-z0-9_-]{43}' "$T/dump.sql" | sort -u | head -n 200); do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/i/$t")
	[ "$code" = 200 ] && found=$((found + 1))
done
expect_eq "no 43-character string in the dump opens an invoice" 0 "$found"

# Bad files import nothing and name the line and field.
count=$(sql "SELECT count(*) FROM invoices")
bad() {	# bad NAME EXPECTED-MESSAGE-PART: the file is $T/bad.csv
	local out status
	out=$(admin import "$T/bad.csv" 2>&1)
	status=$?
	if [ $status -ne 0 ] && grep -qF -- "$2" <<<"$out"; then ok "$1"; else not_ok "$1" "status $status: $out"; fi
}
header=$(head -n 1 "$T/three.csv")
row_ok="N-1,K-9,New Person,new@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,1,10.00,"
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-1,K-9,New Person,new@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,1,12.345," > "$T/bad.csv"
bad "a bad amount names line 3 and the amount" "bad.csv:3: amount"
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-1,K-9,New Person,new@example.com,,en,EUR,2026-02-30,$(d 5),line,Thing,1,10.00," > "$T/bad.csv"
bad "a bad date names line 3" "bad.csv:3: issued"
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-2,K-8,Other,o@example.com,,en,XYZ,$(d -5),$(d 5),line,Thing,1,10.00," > "$T/bad.csv"
bad "an unknown currency names the field" "bad.csv:3: currency"
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-1,K-9,New Person,new@example.com,,en,EUR,$(d -5),$(d 5),refund,Thing,1,10.00," > "$T/bad.csv"
bad "an unknown kind names the field" "bad.csv:3: kind"
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-1,K-9,Someone Else,new@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,1,10.00," > "$T/bad.csv"
bad "disagreeing invoice columns name the line and field" "bad.csv:3: customer_name: differs from line 2"
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-1,K-9,New Person,new@example.com,,en,USD,$(d -5),$(d 5),line,Thing,1,10.00," > "$T/bad.csv"
bad "a currency that disagrees is refused" "bad.csv:3: currency"
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-1,K-9,New Person,new@example.com,,en,EUR,$(d -5),$(d 5),fee,Fee,,5.00," > "$T/bad.csv"
bad "a fee without a date is refused" "bad.csv:3: date"
printf '%s\n%s\n' "$header" "N-1,K-9,New Person,new@example.com,,en,EUR,$(d -5),$(d 5),line,\"Thing,1,10.00," > "$T/bad.csv"
bad "an unterminated quote is refused with its line" "bad.csv:2"
big="N-1,K-9,New Person,new@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,10000,5000000000000.00,"
printf '%s\n%s\n%s\n' "$header" "$big" "$big" > "$T/bad.csv"
bad "an invoice whose total would overflow is refused" "bad.csv:3: amount: makes the invoice's total too large"
printf 'invoice,customer\n' > "$T/bad.csv"
bad "a wrong header names the column" "bad.csv:1: customer: unknown column"
# Issue 17: what would break a later mail is refused at import.
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-3,K-7,Colon,a:b@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,1,10.00," > "$T/bad.csv"
bad "an address like a:b@example.com is refused, naming line 3" "bad.csv:3: email: is not an email address"
n33=$(head -c 33 /dev/zero | tr '\0' '7')
printf '%s\n%s\n%s\n' "$header" "$row_ok" "$n33,K-7,Long Number,l@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,1,10.00," > "$T/bad.csv"
bad "a 33-character invoice number is refused, naming line 3" "bad.csv:3: invoice: must be 1 to 32 characters"
name101=$(head -c 101 /dev/zero | tr '\0' 'n')
printf '%s\n%s\n%s\n' "$header" "$row_ok" "N-4,K-6,$name101,l@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,1,10.00," > "$T/bad.csv"
bad "a 101-character customer name is refused, naming line 3" "bad.csv:3: customer_name: must be 1 to 100 characters"
name100=$(printf 'é%.0s' $(seq 1 100))
printf '%s\n%s\n' "$header" "N-5,K-5,$name100,l@example.com,,en,EUR,$(d -5),$(d 5),line,Thing,1,10.00," > "$T/long.csv"
out=$(admin import "$T/long.csv" 2>&1)
expect_eq "100 characters (200 bytes) of name are within the limit" "$T/long.csv: 1 invoice created, 0 updated, 0 unchanged" "$out"
count=$(sql "SELECT count(*) FROM invoices")
expect_eq "no bad file imported anything" "$count" "$(sql "SELECT count(*) FROM invoices")"
expect_eq "N-1 from the good first rows was not imported either" "0" \
	"$(sql "SELECT count(*) FROM invoices WHERE number = 'N-1'")"

# A changed file updates the invoice and says so in the audit trail.
sed 's/Travel expenses,1,87.35/Travel expenses,1,97.35/' "$T/three.csv" > "$T/changed.csv"
out=$(admin import "$T/changed.csv" 2>&1)
expect_eq "a changed invoice is updated" "$T/changed.csv: 0 invoices created, 1 updated, 2 unchanged" "$out"
expect_eq "the update is in the audit trail" 1 \
	"$(sql "SELECT count(*) FROM audit_events a JOIN invoices i ON i.id = a.invoice_id WHERE i.number = 'T-100' AND a.action = 'invoice.updated'")"
http GET "$new100"
expect_body "EUR 1,087.25" "the page shows the updated balance"
finish
