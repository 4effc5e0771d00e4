#!/usr/bin/env bash
# Issue 16: the EPC payment QR code on the invoice page (the balance) and
# beside each plan installment (its amount), decoded the way a banking app
# would: the page screenshot in Chromium at 360 px, read with zbarimg.
. "$(dirname "$0")/lib.sh"
stack_up --no-demo

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
INV-2026-0500,C-500,Ana Ruiz,ana@example.com,,en,EUR,$(d -40),$(d -10),line,Consulting,1,113.67,
INV-2026-0501,C-501,Jonas Weber,jonas@example.com,,en,EUR,$(d -40),$(d -10),line,Hosting,1,300.00,
INV-2026-0502,C-502,Olivia Brown,olivia@example.com,,en,GBP,$(d -40),$(d -10),line,Support,1,80.00,
CSV
admin import "$T/inv.csv" > /dev/null
# A plan of three on INV-2026-0501, the first payment already received.
sql "INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version, accepted_at)
	SELECT id, 'monthly', 3, 30000, 'EUR', '2026-11', now() - interval '1 day' FROM invoices WHERE number = 'INV-2026-0501';
	INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents)
	SELECT p.id, s, current_date + (s * 30), 10000 FROM plans p, generate_series(1, 3) s;
	INSERT INTO payments (invoice_id, position, description, amount_cents, received_on)
	SELECT id, 1, 'Transfer', 10000, current_date FROM invoices WHERE number = 'INV-2026-0501'"

# EPC069-12 payload, one field per line: BCD, 002, 1, SCT, BIC, name, IBAN, amount, purpose, reference, text.
epc() { printf 'BCD\n002\n1\nSCT\nBUKBGB22\nNorthwind Supplies Ltd\nGB33BUKB20201555555555\nEUR%s\n\n\n%s' "$1" "$2"; }
# shot URL|FILE OUT: a Chromium screenshot 360 px wide.
shot() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--force-device-scale-factor=1 --window-size=360,"${3:-4000}" \
		--screenshot="$2" "$1" > /dev/null 2>&1
}
decode() { zbarimg --quiet --raw -Sbinary "$1" 2>/dev/null; }

p=$(link_path INV-2026-0500)
http GET "$p"
expect_status 200 "the EUR invoice page opens"
check "the page has one inline SVG QR code" test "$(grep -o '<svg [^>]*class="qr"' "$T/body" | wc -l)" -eq 1
expect_body 'role="img" aria-label="QR code for a bank transfer of EUR 113.67 to Northwind Supplies Ltd, IBAN GB33 BUKB 2020 1555 5555 55, reference INV-2026-0500"' \
	"the code has a text alternative naming amount, payee, IBAN and reference"
expect_body '<span class="copy iban">GB33 BUKB 2020 1555 5555 55</span>' "the IBAN is beside it, one piece to copy"
expect_body '<span class="copy">INV-2026-0500</span>' "the reference is beside it, in one unbreakable piece"

# Camera-style: the whole page as a phone shows it, 360 px wide.
shot "$BASE$p" "$T/page.png"
got=$(decode "$T/page.png")
expect_eq "the page screenshot at 360 px decodes to the EPC fields of the balance" "$(epc 113.67 INV-2026-0500)" "$got"
# Field by field, so a failure says which one is wrong.
mapfile -t f <<< "$got"
expect_eq "service tag" BCD "${f[0]:-}"
expect_eq "version" 002 "${f[1]:-}"
expect_eq "character set UTF-8" 1 "${f[2]:-}"
expect_eq "identification" SCT "${f[3]:-}"
expect_eq "BIC" BUKBGB22 "${f[4]:-}"
expect_eq "beneficiary" "Northwind Supplies Ltd" "${f[5]:-}"
expect_eq "IBAN" GB33BUKB20201555555555 "${f[6]:-}"
expect_eq "amount" EUR113.67 "${f[7]:-}"
expect_eq "no purpose code" "" "${f[8]:-}"
expect_eq "no structured reference" "" "${f[9]:-}"
expect_eq "remittance: the invoice number" INV-2026-0500 "${f[10]:-}"

# The plan: one code per installment still to pay, each with its amount.
p=$(link_path INV-2026-0501)
http GET "$p"
expect_status 200 "the plan's invoice page opens"
check "two codes: installments 2 and 3 (1 is paid)" test "$(grep -o '<svg [^>]*class="qr"' "$T/body" | wc -l)" -eq 2
expect_body "Payment 2: EUR 100.00 by" "the next installment is offered with its amount"
expect_no_body "Payment 1: EUR 100.00 by" "the paid installment has no code"
n=0
python3 - "$T/body" "$T" <<'PY'
import re, sys
html = open(sys.argv[1]).read()
for i, svg in enumerate(re.findall(r'<svg [^>]*class="qr".*?</svg>', html, re.S)):
    open(f"{sys.argv[2]}/qr{i}.html", "w").write(
        '<!doctype html><body style="margin:0;background:#fff">'
        '<div style="width:13rem;height:13rem">' + svg.replace('class="qr"', 'width="208" height="208"', 1) + '</div>')
PY
for i in 0 1; do
	shot "file://$T/qr$i.html" "$T/qr$i.png" 360
	expect_eq "installment code $((i + 2)) decodes to its amount and the reference" \
		"$(epc 100.00 INV-2026-0501)" "$(decode "$T/qr$i.png")"
done
# And the open one (the next payment) on the page itself, at 360 px.
shot "$BASE$p" "$T/plan.png"
expect_eq "the plan page at 360 px shows the next installment's code" "$(epc 100.00 INV-2026-0501)" "$(decode "$T/plan.png")"

# Other currencies: no code, the bank details and reference to copy.
p=$(link_path INV-2026-0502)
http GET "$p"
expect_status 200 "the GBP invoice page opens"
expect_no_body '<svg' "no EPC code for GBP"
expect_body '<span class="copy iban">GB33 BUKB 2020 1555 5555 55</span>' "GBP: the IBAN to copy"
expect_body '<span class="copy">INV-2026-0502</span>' "GBP: the reference to copy"
expect_body '<span class="copy">BUKBGB22</span>' "GBP: the BIC to copy"

finish
