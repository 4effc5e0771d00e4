#!/usr/bin/env bash
# Issue 14: staff roles and the ledger at a glance (/staff/overview and its
# CSV export). The page's figures are checked to the cent against SQL of
# our own that adds up every invoice's lines, fees and payments (not the
# balances and roll-ups the page reads), over the demo data plus 10,000
# generated invoices in three currencies.
. "$(dirname "$0")/lib.sh"
stack_up --exempt
# The demo data (a plan, a hardship hold, a manager) on the same stack.
if ! "$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --exempt > "$T/demo.log" 2>&1; then
	not_ok "the demo data loads" "$(tail -n 5 "$T/demo.log")"
	finish
fi
ZONE=$(sed -n 's/^timezone *= *//p' "$CONF" | tr -d "'\"")
TODAY="(now() AT TIME ZONE '$ZONE')::date"
MONDAY="(date_trunc('week', now() AT TIME ZONE '$ZONE') AT TIME ZONE '$ZONE')"

# --- roles ------------------------------------------------------------------
out=$(echo "clerk pass phrase 1" | admin staff-add clerk@example.com "Carl Clerk")
expect_eq "staff-add without --role adds a user" "staff user clerk@example.com added: Carl Clerk" "$out"
expect_eq "and the user is a clerk" clerk "$(sql "SELECT role FROM staff_users WHERE email = 'clerk@example.com'")"
echo "manager pass phrase 2" | admin staff-add --role manager boss@example.com "Mia Manager" > /dev/null
expect_eq "staff-add --role manager stores a manager" manager "$(sql "SELECT role FROM staff_users WHERE email = 'boss@example.com'")"
expect_eq "the audit event names the user and the role" "boss@example.com (manager)" \
	"$(sql "SELECT a.detail FROM audit_events a JOIN staff_users s ON s.id = a.staff_id WHERE a.action = 'staff.added' AND s.email = 'boss@example.com'")"
out=$(echo "some pass phrase 3" | admin staff-add --role boss x@example.com "X" 2>&1)
check "an unknown role is refused" grep -q "clerk or manager" <<<"$out"
expect_eq "and nothing is stored" 0 "$(sql "SELECT count(*) FROM staff_users WHERE email = 'x@example.com'")"
expect_eq "the demo user is a manager" manager "$(sql "SELECT role FROM staff_users WHERE email = 'demo@northwind.example'")"
refused() { ! sql "$1" > /dev/null 2>&1; }
check "the database refuses a role that is not one" refused "UPDATE staff_users SET role = 'admin'"

# --- data: 10,000 invoices beside the demo's --------------------------------
# Due from 150 days ago to 40 days ahead; 1 to 3 lines; a fee on 1 in 7;
# part-payments on 1 in 4, paid in full on 1 in 10, overpaid on 1 in 23;
# plans on 1 in 97 (three installments, two past, some paid), holds on 1 in
# 89 (one released); reminders this week and just before it.
sql "
BEGIN;
INSERT INTO customers (ref, name, email, language)
SELECT 'OV-C' || c, CASE c WHEN 1 THEN '=HYPERLINK(\"http://x.example\",\"pay\")'
	WHEN 2 THEN 'Ruiz, \"Ana\" & Co' WHEN 3 THEN '-Minus Ltd' ELSE 'Overview Customer ' || c END,
	'ov' || c || '@example.com', 'en'
FROM generate_series(1, 2000) AS c;
CREATE TEMP TABLE g AS SELECT n, abs(hashint4(n)) AS h FROM generate_series(1, 10000) AS n;
INSERT INTO invoices (number, customer_id, currency, issued, due)
SELECT 'OV-' || lpad(n::text, 5, '0'), cu.id, (ARRAY['EUR', 'GBP', 'USD'])[1 + h % 3],
	$TODAY + 40 - (h % 191) - 30, $TODAY + 40 - (h % 191)
FROM g JOIN customers cu ON cu.ref = 'OV-C' || (1 + n % 2000);
CREATE TEMP TABLE gi AS SELECT g.n, g.h, i.id FROM g JOIN invoices i ON i.number = 'OV-' || lpad(g.n::text, 5, '0');
INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_cents, total_cents)
SELECT id, p, 'Work ' || p, 1000, 500 + (h / 7 + p * 131) % 90000, 500 + (h / 7 + p * 131) % 90000
FROM gi CROSS JOIN LATERAL generate_series(1, 1 + h % 3) AS p;
INSERT INTO fees (invoice_id, position, description, amount_cents, charged_on)
SELECT id, 1, 'Late fee', 4000, $TODAY FROM gi WHERE h % 7 = 0;
INSERT INTO payments (invoice_id, position, description, amount_cents, received_on)
SELECT id, 1, 'Part', 1 + h % 30000, $TODAY FROM gi WHERE h % 4 = 0 AND h % 10 <> 1;
INSERT INTO payments (invoice_id, position, description, amount_cents, received_on)
SELECT gi.id, 1, 'In full', (SELECT sum(total_cents) FROM invoice_lines WHERE invoice_id = gi.id)
	+ coalesce((SELECT sum(amount_cents) FROM fees WHERE invoice_id = gi.id), 0)
	+ CASE WHEN h % 23 = 0 THEN 777 ELSE 0 END, $TODAY
FROM gi WHERE h % 10 = 1 OR (h % 23 = 0 AND h % 4 <> 0);
INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version, status)
SELECT gi.id, 'monthly', 3, i.balance_cents, i.currency, '2026-11',
	CASE WHEN n % 970 = 0 THEN 'cancelled' ELSE 'active' END
FROM gi JOIN invoices i ON i.id = gi.id WHERE n % 97 = 0 AND i.balance_cents > 3;
INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents)
SELECT p.id, s, $TODAY + (30 * s - 70), CASE WHEN s < 3 THEN p.total_cents / 3
	ELSE p.total_cents - 2 * (p.total_cents / 3) END
FROM plans p JOIN gi ON gi.id = p.invoice_id CROSS JOIN generate_series(1, 3) AS s;
INSERT INTO payments (invoice_id, position, description, amount_cents, received_on)
SELECT p.invoice_id, 5, 'Installment', CASE WHEN gi.n % 2 = 0 THEN p.total_cents / 3
	ELSE greatest(1, p.total_cents / 5) END, $TODAY
FROM plans p JOIN gi ON gi.id = p.invoice_id WHERE gi.n % 3 <> 0;
INSERT INTO reminder_holds (invoice_id, kind, reason, released_at)
SELECT id, 'dispute', 'dispute', CASE WHEN n = 89 THEN now() END FROM gi WHERE n % 89 = 0;
INSERT INTO reminders (invoice_id, step_key, kind, outcome, scheduled_on, done_at)
SELECT id, 'ov:' || n, 'overdue_1', CASE WHEN n % 5 = 0 THEN 'task' ELSE 'sent' END, $TODAY,
	$MONDAY + (now() - $MONDAY) * (n / 40.0)
FROM gi WHERE n <= 40;
INSERT INTO reminders (invoice_id, step_key, kind, outcome, scheduled_on, done_at)
SELECT id, 'ov:last-week', 'overdue_1', 'sent', $TODAY, $MONDAY - interval '30 minutes'
FROM gi WHERE n <= 3;
COMMIT;" > /dev/null || not_ok "the generated invoices load"
sql "ANALYZE" > /dev/null

# --- who may see what --------------------------------------------------------
for path in /staff/overview /staff/overview.csv; do
	http GET "$path"
	expect_status 303 "GET $path without a session is 303"
	expect_header "Location: /staff/login" "to the sign-in page"
done
jar=$T/jar
signin() {	# signin EMAIL PASSWORD: a fresh session in $jar.$1
	rm -f "$jar.$1"
	curl -s -c "$jar.$1" -b "$jar.$1" -o "$T/body" "$BASE/staff/login"
	local csrf; csrf=$(form_value csrf)
	STATUS=$(curl -s -c "$jar.$1" -b "$jar.$1" -o "$T/body" -w '%{http_code}' \
		--data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
		--data-urlencode "password=$2" "$BASE/staff/login")
	expect_status 303 "$1 signs in"
}
as() { local who=$1 path=$2; shift 2; http GET "$path" -b "$jar.$who" "$@"; }
signin clerk@example.com "clerk pass phrase 1"
signin demo@northwind.example "$(cat "$VAR/staff-password")"

as clerk@example.com /staff/overview
expect_status 200 "a clerk sees the overview"
expect_body 'href="/staff/overview"' "the staff menu links to it"
expect_body "The CSV export of every open invoice is for managers" "and is told the export is for managers"
expect_no_body 'href="/staff/overview.csv"' "with no link to it"
as clerk@example.com /staff/overview.csv
expect_status 403 "a clerk asking for the CSV gets 403"
expect_body "This page is for managers" "a page that says why"
expect_no_body "invoice,customer" "and no CSV"
expect_eq "nothing is audited for a refused export" 0 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'overview.csv'")"
as clerk@example.com /staff
expect_status 200 "a clerk still has the hardship queue"

as demo@northwind.example /staff/overview
expect_status 200 "a manager sees the overview"
expect_body 'href="/staff/overview.csv"' "with the export link"
cp "$T/body" "$T/overview.html"

# --- the figures, to the cent ----------------------------------------------------
# The page's cells (data-cell="EUR-d30" ...), money as cents, one per line.
python3 - "$T/overview.html" > "$T/page.txt" <<'PY'
import html, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for key, val in re.findall(r'data-cell="([^"]+)"[^>]*>(.*?)</(?:td|dd|p)>', text, re.S):
    val = html.unescape(re.sub(r"<[^>]+>", "", val)).strip()
    m = re.match(r"^[A-Z]{3} (-?[\d,]+)\.(\d\d)$", val)
    if m:
        val = str(int(m.group(1).replace(",", "") + m.group(2)))
    print(f"{key}={val}")
PY
cell() { sed -n "s/^$1=//p" "$T/page.txt" | head -n 1; }

# The same figures from the items themselves.
sql "
WITH b AS (SELECT i.currency, i.issued, $TODAY - i.due AS late,
	coalesce((SELECT sum(total_cents) FROM invoice_lines WHERE invoice_id = i.id), 0) AS lines,
	coalesce((SELECT sum(total_cents) FROM invoice_lines WHERE invoice_id = i.id), 0)
	+ coalesce((SELECT sum(amount_cents) FROM fees WHERE invoice_id = i.id), 0)
	- coalesce((SELECT sum(amount_cents) FROM payments WHERE invoice_id = i.id), 0) AS bal,
	EXISTS (SELECT 1 FROM plans p WHERE p.invoice_id = i.id AND p.status = 'active') AS planned,
	EXISTS (SELECT 1 FROM reminder_holds h WHERE h.invoice_id = i.id AND h.released_at IS NULL) AS held
	FROM invoices i)
SELECT currency, count(*) FILTER (WHERE bal > 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0), 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0 AND late <= 0), 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0 AND late BETWEEN 1 AND 30), 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0 AND late BETWEEN 31 AND 60), 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0 AND late BETWEEN 61 AND 90), 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0 AND late > 90), 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0 AND planned), 0),
	coalesce(sum(bal) FILTER (WHERE bal > 0 AND held), 0),
	coalesce(sum(lines) FILTER (WHERE issued > $TODAY - 90 AND issued <= $TODAY), 0)
FROM b GROUP BY currency ORDER BY currency" > "$T/expected.txt"
check "the generated data spans three currencies" test "$(wc -l < "$T/expected.txt")" -ge 3
check "every bucket has money in it somewhere" test "$(awk -F'|' '$4 > 0 && $5 > 0 && $6 > 0 && $7 > 0 && $8 > 0' "$T/expected.txt" | wc -l)" -ge 3
check "some of it is under plans and holds" test "$(awk -F'|' '$9 > 0 && $10 > 0' "$T/expected.txt" | wc -l)" -ge 1
while IFS='|' read -r cur count open nd d30 d60 d90 more plans holds sales; do
	expect_eq "$cur: open balance" "$open" "$(cell "$cur-open")"
	check "$cur: $count open invoices" grep -q "on $count open invoice" <<<"$(cell "$cur-count")"
	expect_eq "$cur: not yet due" "$nd" "$(cell "$cur-not_due")"
	expect_eq "$cur: 1 to 30 days" "$d30" "$(cell "$cur-d30")"
	expect_eq "$cur: 31 to 60 days" "$d60" "$(cell "$cur-d60")"
	expect_eq "$cur: 61 to 90 days" "$d90" "$(cell "$cur-d90")"
	expect_eq "$cur: more than 90 days" "$more" "$(cell "$cur-more")"
	expect_eq "$cur: under an active plan" "$plans" "$(cell "$cur-plans")"
	expect_eq "$cur: on hold" "$holds" "$(cell "$cur-holds")"
	expect_eq "$cur: invoiced in the last 90 days" "$sales" "$(cell "$cur-sales")"
	dso=$(( (open * 900 + sales / 2) / sales ))
	expect_eq "$cur: days sales outstanding (open / sales of 90 days x 90)" \
		"$((dso / 10)).$((dso % 10)) days" "$(cell "$cur-dso")"
done < "$T/expected.txt"

# Installments past their date: paid in full or not, per currency.
sql "SELECT p.currency, count(*) FILTER (WHERE s.paid_cents >= s.amount_cents),
	count(*) FILTER (WHERE s.paid_cents < s.amount_cents),
	coalesce(sum(s.amount_cents - s.paid_cents), 0)
	FROM plan_installment_status s JOIN plans p ON p.id = s.plan_id
	WHERE s.due_on < $TODAY AND p.status <> 'cancelled' GROUP BY p.currency ORDER BY 1" > "$T/plans.txt"
check "some installments were kept and some missed" test "$(awk -F'|' '$2 > 0 && $3 > 0' "$T/plans.txt" | wc -l)" -ge 1
while IFS='|' read -r cur kept missed owed; do
	expect_eq "$cur: installments kept" "$kept" "$(cell "$cur-kept")"
	expect_eq "$cur: installments missed" "$missed" "$(cell "$cur-missed")"
	expect_eq "$cur: still owed on missed installments" "$owed" "$(cell "$cur-missed_amount")"
done < "$T/plans.txt"

sent=$(sql "SELECT count(*) FROM reminders WHERE outcome = 'sent' AND done_at >= $MONDAY")
check "reminders were sent this week" test "$sent" -ge 30
check "the page counts the reminders sent since Monday, $ZONE time ($sent)" \
	grep -q "^$sent reminder emails since Monday" <<<"$(cell week-total)"
expect_eq "the days of the week add up to it" "$sent" \
	"$(sed -n 's/^week-[^=]*[0-9]\{4\}=//p' "$T/page.txt" | awk '{ s += $1 } END { print s + 0 }')"
check "the charts are SVG images with a title and a description" \
	test "$(grep -c '<svg class="chart" role="img" aria-labelledby="[^"]*-title" aria-describedby="[^"]*-desc"' "$T/overview.html")" -ge 5
check "each chart has a table beside it" test "$(grep -c '<caption' "$T/overview.html")" -ge 5
expect_no_body "<script" "no script on the page"

# --- the CSV export ----------------------------------------------------------------
as demo@northwind.example /staff/overview.csv
expect_status 200 "a manager downloads the CSV"
expect_header "Content-Type: text/csv; charset=utf-8" "as text/csv"
expect_header "Content-Disposition: attachment; filename=\"aged-balance-" "as a file to save"
check "lines end in CRLF (RFC 4180)" grep -q $'^invoice,customer,currency,due,days_overdue,bucket,balance\r$' "$T/body"
python3 - "$T/body" > "$T/csv.txt" <<'PY'
import csv, sys
from decimal import Decimal
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
head, rows = rows[0], rows[1:]
print("rows=%d" % len(rows))
sums = {}
for r in rows:
    key = "%s-%s" % (r[2], r[5])
    sums[key] = sums.get(key, 0) + int(Decimal(r[6]) * 100)
    if r[1] == 'Ruiz, "Ana" & Co':
        print("ruiz=1")
    if r[1] == "'=HYPERLINK(\"http://x.example\",\"pay\")":
        print("formula=1")
for k, v in sorted(sums.items()):
    print("%s=%d" % (k, v))
print("negative=%d" % sum(1 for r in rows if int(r[4]) < 0))
PY
csvv() { sed -n "s/^$1=//p" "$T/csv.txt" | head -n 1; }
expect_eq "one CSV row per open invoice" \
	"$(awk -F'|' '{ s += $2 } END { print s }' "$T/expected.txt")" "$(csvv rows)"
while IFS='|' read -r cur count open nd d30 d60 d90 more rest; do
	for pair in "not due:$nd" "1-30:$d30" "31-60:$d60" "61-90:$d90" "90+:$more"; do
		expect_eq "CSV: $cur ${pair%%:*} adds up to the page's" "${pair#*:}" "$(csvv "$cur-${pair%%:*}")"
	done
done < "$T/expected.txt"
expect_eq "no negative days overdue" 0 "$(csvv negative)"
check "a customer name that is a formula is defused" \
	grep -qF "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"pay\"\")\"" "$T/body"
check "so is one that starts with a minus" grep -qF ",'-Minus Ltd," "$T/body"
expect_eq "a name with a comma and quotes reads back whole" 1 "$(csvv ruiz)"
expect_eq "and the formula reads back as text, quote first" 1 "$(csvv formula)"
expect_eq "the export is audited with the manager's name" "demo@northwind.example" \
	"$(sql "SELECT s.email FROM audit_events a JOIN staff_users s ON s.id = a.staff_id WHERE a.action = 'overview.csv'")"

# --- the roll-ups follow every change ------------------------------------------------
# Pay one invoice in full, delete a line of another and re-date a third:
# the overview follows at once.
sql "BEGIN;
INSERT INTO payments (invoice_id, position, description, amount_cents, received_on)
	SELECT id, 9, 'Late', balance_cents, $TODAY FROM invoices WHERE number = 'OV-00004' AND balance_cents > 0;
DELETE FROM invoice_lines WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'OV-00005') AND position = 1;
UPDATE invoices SET due = due - 100, issued = issued - 100 WHERE number = 'OV-00006';
COMMIT" > /dev/null
expect_eq "the roll-ups equal the invoices' items after changes" "t|t" \
	"$(sql "SELECT (SELECT coalesce(sum(open_cents), 0) FROM ledger_due) = (SELECT coalesce(sum(b), 0) FROM (SELECT
		coalesce((SELECT sum(total_cents) FROM invoice_lines WHERE invoice_id = i.id), 0)
		+ coalesce((SELECT sum(amount_cents) FROM fees WHERE invoice_id = i.id), 0)
		- coalesce((SELECT sum(amount_cents) FROM payments WHERE invoice_id = i.id), 0) AS b FROM invoices i) x WHERE b > 0),
		(SELECT coalesce(sum(lines_cents), 0) FROM ledger_issued) = (SELECT coalesce(sum(total_cents), 0) FROM invoice_lines)")"
finish
