#!/usr/bin/env bash
# Issue 16: the whole account. From any link of a customer, the statement
# of every open invoice of that customer (state, days overdue, balance),
# the total per currency with an EPC QR code for the EUR total, each
# invoice openable from there; and nothing of another customer reachable
# through any route, number guessing or case and space variants: the same
# 404 as an unknown link. Printable.
. "$(dirname "$0")/lib.sh"
stack_up --no-demo

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
INV-A-1,C-A,Acme Tools GmbH,ap@acme.example,,en,EUR,$(d -60),$(d -30),line,Consulting,1,100.00,
INV-A-2,C-A,Acme Tools GmbH,ap@acme.example,,en,EUR,$(d -40),$(d -10),line,Hosting,1,250.50,
INV-A-3,C-A,Acme Tools GmbH,ap@acme.example,,en,EUR,$(d -20),$(d 10),line,Support,1,49.50,
INV-A-4,C-A,Acme Tools GmbH,ap@acme.example,,en,GBP,$(d -40),$(d -5),line,Licence,1,80.00,
INV-A-5,C-A,Acme Tools GmbH,ap@acme.example,,en,EUR,$(d -90),$(d -60),line,Old work,1,70.00,
INV-A-5,C-A,Acme Tools GmbH,ap@acme.example,,en,EUR,$(d -90),$(d -60),payment,Transfer,1,70.00,$(d -50)
INV-B-1,C-B,Bolt Ltd,pay@bolt.example,,en,EUR,$(d -40),$(d -10),line,Secret work,1,999.00,
INV-S-1,C-S,Solo Shop,solo@example.com,,en,EUR,$(d -40),$(d -10),line,Only one,1,10.00,
CSV
admin import "$T/inv.csv" > /dev/null
# States: a plan on A-2, a dispute hold on A-3.
sql "INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version)
	SELECT id, 'monthly', 2, 25050, 'EUR', '2026-11' FROM invoices WHERE number = 'INV-A-2';
	INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents)
	SELECT p.id, s, current_date + (s * 30), CASE s WHEN 1 THEN 12525 ELSE 12525 END FROM plans p, generate_series(1, 2) s;
	INSERT INTO reminder_holds (invoice_id, kind, reason)
	SELECT id, 'dispute', 'dispute' FROM invoices WHERE number = 'INV-A-3'"

p=$(link_path INV-A-1)
pb=$(link_path INV-B-1)
ps=$(link_path INV-S-1)

# The invoice page links the statement only when there is more than one.
http GET "$p"
expect_status 200 "the invoice page opens"
expect_body "href=\"$p/account\"" "the invoice page links the whole account"
expect_body "Your account has 4 open invoices" "and says how many are open (the paid one is not)"
http GET "$ps"
expect_no_body "/account\"" "a customer with one open invoice gets no account link"

http GET "$p/account"
expect_status 200 "the account page opens"
expect_header "Cache-Control: no-store" "it is not cached"
text=$(page_text)
for n in INV-A-1 INV-A-2 INV-A-3 INV-A-4; do
	check "the statement lists $n" grep -qF "$n" <<< "$text"
done
expect_no_body "INV-A-5" "a paid invoice is not listed"
expect_no_body "INV-B-1" "another customer's invoice is not listed"
expect_no_body "Secret work" "nor anything of it"
expect_body "4 open invoices" "it counts the open invoices"
row() { python3 - "$T/body" "$1" <<'PY'
import re, sys, html
b = open(sys.argv[1]).read()
for tr in re.findall(r'<tr[^>]*>.*?</tr>', b, re.S):
    if sys.argv[2] in tr:
        t = re.sub(r'<[^>]+>', '|', tr)
        print(re.sub(r'\|+', '|', html.unescape(t)).strip('|'))
        break
PY
}
r1=$(row INV-A-1); r2=$(row INV-A-2); r3=$(row INV-A-3); r4=$(row INV-A-4)
check "INV-A-1: 30 days overdue, EUR 100.00, overdue" grep -qE '\|30\|EUR 100\.00\|Overdue$' <<< "$r1"
check "INV-A-2: 10 days overdue, EUR 250.50, on a payment plan" grep -qE '\|10\|EUR 250\.50\|Payment plan$' <<< "$r2"
check "INV-A-3: not yet due (0), EUR 49.50, paused for a dispute" grep -qE '\|0\|EUR 49\.50\| ?Paused: in dispute$' <<< "$r3"
check "INV-A-4: in GBP" grep -qE '\|5\|GBP 80\.00\|Overdue$' <<< "$r4"
check "the due date is shown" grep -qF "$(LC_ALL=C date -u -d '-30 days' '+%-d %B %Y')" <<< "$r1"
check "oldest due first" test "$(grep -o 'INV-A-[1-4]</a>' "$T/body" | head -n 4 | tr -d '\n')" = "INV-A-1</a>INV-A-2</a>INV-A-4</a>INV-A-3</a>"
check "the EUR total is the sum of the EUR balances" grep -qE '^Total in EUR\|EUR 400\.00$' <<< "$(row 'Total in EUR')"
check "the GBP total stands on its own" grep -qE '^Total in GBP\|GBP 80\.00$' <<< "$(row 'Total in GBP')"
expect_body "EUR 400.00" "EUR 400.00 in total"
expect_body "GBP 80.00" "GBP 80.00 in total, on its own"
check "one QR code, for the EUR total only" test "$(grep -o '<svg [^>]*class="qr"' "$T/body" | wc -l)" -eq 1
expect_body '<span class="copy list">INV-A-1 INV-A-2 INV-A-3</span>' "the EUR reference lists the EUR invoice numbers"
expect_body '<span class="copy">INV-A-4</span>' "the GBP transfer names its invoice"
expect_body 'reference INV-A-1 INV-A-2 INV-A-3"' "the QR code's text alternative names the reference"
# Printable: the stylesheet has print rules for the statement, links and forms go.
css=$(sed -n 's/.*<link rel="stylesheet" href="\([^"]*\)".*/\1/p' "$T/body")
curl -s "$BASE$css" -o "$T/css"
check "the stylesheet has print rules" grep -q '@media print' "$T/css"
check "the statement's print rules" grep -q 'table.statement a { color: #000' "$T/css"
check "the page has no form or script to print" test "$(grep -c '<script\|<form method="post"' "$T/body")" -le 1

# The QR code decodes (zbar) to the EPC fields of the EUR total.
python3 - "$T/body" "$T/qr.html" <<'PY'
import re, sys
svg = re.search(r'<svg [^>]*class="qr".*?</svg>', open(sys.argv[1]).read(), re.S).group(0)
open(sys.argv[2], "w").write('<!doctype html><body style="margin:0;background:#fff">'
    '<div style="width:13rem;height:13rem">' + svg.replace('class="qr"', 'width="208" height="208"', 1) + '</div>')
PY
timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--force-device-scale-factor=1 --window-size=360,360 \
	--screenshot="$T/qr.png" "file://$T/qr.html" > /dev/null 2>&1
expect_eq "the EUR total's code decodes to the EPC fields" \
	"$(printf 'BCD\n002\n1\nSCT\nBUKBGB22\nNorthwind Supplies Ltd\nGB33BUKB20201555555555\nEUR400.00\n\n\nINV-A-1 INV-A-2 INV-A-3')" \
	"$(zbarimg --quiet --raw -Sbinary "$T/qr.png" 2>/dev/null)"

# Each invoice opens from the statement, as its own page.
href=$(grep -o 'href="[^"]*/account/INV-A-2"' "$T/body" | head -n 1 | sed 's/href="//; s/"$//')
expect_eq "the statement links INV-A-2 under this link" "$p/account/INV-A-2" "$href"
http GET "$href"
expect_status 200 "INV-A-2 opens from the statement"
expect_body "<h1>Invoice INV-A-2</h1>" "it is INV-A-2's invoice page"
expect_body "Your payment plan" "with its own plan"
plan_url=$(grep -o 'href="/i/[^"/]*/plan"' "$T/body" | head -n 1 | sed 's/href="//; s/"$//')
check "its forms act on its own link, not the statement's" test -n "$plan_url" -a "${plan_url%/plan}" != "$p"
check "INV-A-2 has a link of its own, no longer than the one it came from" test "$(sql "SELECT count(*) FROM links l, links o
	WHERE l.purpose = 'account' AND l.invoice_id = (SELECT id FROM invoices WHERE number = 'INV-A-2')
	AND o.invoice_id = (SELECT id FROM invoices WHERE number = 'INV-A-1') AND l.expires_at <= o.expires_at")" -ge 1
check "audited: the account viewed and the invoice opened from it" test "$(sql "SELECT count(*) FROM audit_events
	WHERE action IN ('account.viewed', 'account.opened')")" -ge 2
http GET "$p/account/INV-A-5"
expect_status 200 "a paid invoice of the same customer opens too"

# Nothing of another customer, through any route: the page of a bad link.
http GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
unknown_status=$STATUS
sed 's/name="csrf" value="[^"]*"/csrf/' "$T/body" > "$T/unknown"
links_before=$(sql "SELECT count(*) FROM links")
same_404() {
	local what=$1 method=$2 path=$3
	shift 3
	http "$method" "$path" "$@"
	sed 's/name="csrf" value="[^"]*"/csrf/' "$T/body" > "$T/got"
	if [ "$STATUS" = 404 ] && [ "$unknown_status" = 404 ] && cmp -s "$T/unknown" "$T/got"; then
		ok "$what: the unknown link's 404"
	else
		not_ok "$what: the unknown link's 404" "status $STATUS"
	fi
}
same_404 "another customer's invoice" GET "$p/account/INV-B-1"
for v in inv-b-1 INV-B-1%20 %20INV-B-1 INVB1 INV-B-01 INV-B-2 INV-A-1%20 inv-a-2 INV-A-9 '%2e%2e'; do
	same_404 "a guessed number ($v)" GET "$p/account/$v"
done
for s in plan plan.ics hardship language reminders copy account promise dispute claim proposal; do
	same_404 "GET another customer's $s under the statement" GET "$p/account/INV-B-1/$s"
	same_404 "POST another customer's $s under the statement" POST "$p/account/INV-B-1/$s" -d "csrf=x&option=1&agree=yes"
	same_404 "GET the customer's own $s under the statement" GET "$p/account/INV-A-2/$s"
done
same_404 "an unknown link's statement" GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/account"
same_404 "an unknown link's invoice" GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/account/INV-A-1"
sql "UPDATE links SET revoked_at = now() WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'INV-S-1')"
same_404 "a revoked link's statement" GET "$ps/account"
same_404 "a revoked link's invoice" GET "$ps/account/INV-S-1"
expect_eq "no link was issued for any refused attempt" "$links_before" "$(sql "SELECT count(*) FROM links")"
# The other customer's own link sees only its own account.
http GET "$pb/account"
expect_status 200 "the other customer's statement opens"
expect_no_body "INV-A-" "and shows none of the first customer's invoices"
same_404 "the other way round" GET "$pb/account/INV-A-1"

finish
