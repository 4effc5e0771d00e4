#!/usr/bin/env bash
# Issue 6: installment plans offered, previewed and accepted exactly once.
. "$(dirname "$0")/lib.sh"
stack_up --no-demo

# The demo invoices (dates relative to today), imported like `make run` does.
sed -E 's/@(-?[0-9]+)@/\n\1\n/g' "$ROOT/sql/demo.csv.in" > /dev/null
awk '{ while (match($0, /@-?[0-9]+@/)) { n = substr($0, RSTART + 1, RLENGTH - 2);
	cmd = "date -u -d \"" n " days\" +%Y-%m-%d"; cmd | getline d; close(cmd);
	$0 = substr($0, 1, RSTART - 1) d substr($0, RSTART + RLENGTH) } print }' \
	"$ROOT/sql/demo.csv.in" > "$T/demo.csv"
admin import "$T/demo.csv" > /dev/null
# The wording is checked in English here (languages: test_languages.sh).
sql "UPDATE customers SET language = 'en'"

cents() { tr -d ', ' | sed -E 's/^[A-Z]{3}//; s/\.//'; }	# "EUR 1,234.50" -> 123450

# Every option on every demo invoice's plan page adds up to the balance.
bad_sums=0
options_seen=0
for inv in $(cut -d, -f1 "$T/demo.csv" | sed 1d | sort -u); do
	p=$(link_path "$inv")
	http GET "$p/plan"
	[ "$STATUS" = 200 ] || { bad_sums=$((bad_sums + 1)); continue; }
	balance=$(grep -o 'spread the balance of [A-Z]* [0-9,.]*' "$T/body" | sed 's/spread the balance of //' | cents)
	[ -n "$balance" ] || continue	# paid: no options
	# One line per option: the sum of its schedule's amounts in cents.
	sums=$(awk '/class="card option/ { if (n) print s; n = 1; s = 0 }
		/<tr><td class="wide">[0-9]+<\/td><td/ { if (match($0, /class="num">[^<]*/)) {
			a = substr($0, RSTART + 12, RLENGTH - 12); gsub(/[A-Z, ]/, "", a);
			sub(/\./, "", a); s += a + 0 } }
		END { if (n) print s }' "$T/body")
	for s in $sums; do
		options_seen=$((options_seen + 1))
		[ "$s" = "$balance" ] || { bad_sums=$((bad_sums + 1)); echo "# $inv: option sums to $s, balance $balance"; }
	done
done
check "demo invoices offer plan options" test "$options_seen" -gt 10
expect_eq "every schedule shown sums to the balance to the cent ($options_seen options)" 0 "$bad_sums"

# The shortest option comes first and is marked as settling soonest.
p=$(link_path INV-2026-0147)
http GET "$p/plan"
expect_status 200 "the plan page opens"
expect_body "Settles soonest" "the soonest option is highlighted"
first=$(grep -o 'id="option-[0-9]*"' "$T/body" | head -n 1)
expect_eq "the soonest option is listed first" 'id="option-1"' "$first"
expect_body "If a payment is missed" "terms say what happens if a payment is missed"
expect_body "To change the plan, contact" "terms say how to change the plan"
expect_body "Terms version 2026-11" "terms version shown"
csrf=$(form_value csrf)
quote=$(form_value quote)
check "the form carries a CSRF token" test ${#csrf} -eq 43

plans() { sql "SELECT count(*) FROM plans"; }
accepted() { sql "SELECT count(*) FROM audit_events WHERE action = 'plan.accepted'"; }
mails() { sql "SELECT count(*) FROM outbox"; }
before="$(plans)/$(accepted)/$(mails)"

# Bad input: a clear 4xx page, nothing written.
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 400 "missing agree is 400"
expect_body "Tick the box to agree" "the form says what is missing"
http POST "$p/plan" --data-urlencode "option=99" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 400 "an option out of range is 400"
expect_body "Choose one of the plans" "the form asks to choose a plan"
http POST "$p/plan" --data-urlencode "option=0" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 400 "option 0 is 400"
http POST "$p/plan" --data-urlencode "option=001" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 400 "an option longer than the field allows is 400"
expect_body "Choose one of the plans" "with the form again, asking to choose a plan"
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "quote=$quote"
expect_status 403 "a missing CSRF token is 403"
wrong=${csrf%?}A
[ "$wrong" != "$csrf" ] || wrong=${csrf%?}B	# never the real token by chance
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=$wrong" --data-urlencode "quote=$quote"
expect_status 403 "a wrong CSRF token is 403"
other=$(link_path INV-2026-0152)
http GET "$other/plan"
other_csrf=$(form_value csrf)
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=$other_csrf" --data-urlencode "quote=$quote"
expect_status 403 "another link's CSRF token is 403"
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=0000"
expect_status 409 "tampered schedule fingerprint is 409"
expect_body "The options have changed" "it asks to review the options"
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote" --data-urlencode "amount=1.00"
expect_status 400 "an unknown field (a tampered amount) is 400"
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "option=2" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 400 "a repeated field is 400"
http POST "$p/plan" -d "option=1&agree=yes&csrf=$csrf&quote=%ZZ"
expect_status 400 "malformed percent-encoding in the form is 400"
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=y%C3es" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote" -H 'Content-Type: text/plain'
expect_status 415 "a body that is not a form is 415"
paid=$(link_path INV-2026-0133)
http GET "$paid/plan"
expect_body "paid in full" "a paid invoice's plan page says it is paid"
# The balance is paid after the form was shown: the POST re-checks it.
p3=$(link_path INV-2026-0160)
http GET "$p3/plan"
c3=$(form_value csrf)
q3=$(form_value quote)
grep '^INV-2026-0160,' "$T/demo.csv" | head -n 1 | awk -F, -v OFS=, -v d="$(date -u +%Y-%m-%d)" \
	'{ $11 = "payment"; $12 = "Paid in full"; $13 = ""; $14 = "294.00"; $15 = d; print }' > "$T/pay.csv"
{ head -n 1 "$T/demo.csv"; grep '^INV-2026-0160,' "$T/demo.csv"; cat "$T/pay.csv"; } > "$T/paid.csv"
admin import "$T/paid.csv" > /dev/null
http POST "$p3/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=$c3" --data-urlencode "quote=$q3"
expect_status 409 "a plan for an invoice paid since the form was shown is 409"
expect_body "already paid in full" "and the page says it is paid"
expect_eq "nothing was written by any bad request" "$before" "$(plans)/$(accepted)/$(mails)"

# Accept: 303 to the invoice, which shows the plan; reload and resubmit: one plan.
http POST "$p/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 303 "accepting a plan answers 303"
expect_header "Location: $p" "and sends the debtor back to the invoice"
http GET "$p"
expect_body "Your payment plan" "the invoice shows the accepted plan"
expect_body "plan.ics" "with a link to the calendar file"
expect_no_body "Set up a payment plan" "and no longer offers a plan"
http POST "$p/plan" --data-urlencode "option=2" --data-urlencode "agree=yes" --data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote"
expect_status 409 "submitting again is 409"
expect_body "You already have a payment plan" "and shows the existing plan"
http GET "$p/plan"
expect_body "Payment plan agreement" "the plan page becomes the printable agreement"
expect_eq "one plan after accepting twice" 1 "$(sql "SELECT count(*) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0147'")"

# The stored plan is exactly what was shown, with terms, time and address.
row=$(sql "SELECT p.frequency, p.installments, p.total_cents, p.terms_version, p.client_addr, p.accepted_at IS NOT NULL,
	(SELECT sum(amount_cents) FROM plan_installments WHERE plan_id = p.id),
	(SELECT count(*) FROM plan_installments WHERE plan_id = p.id)
	FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0147'")
expect_eq "plan row: frequency, count, total, terms, address, time, installments" \
	"fortnightly|2|45470|2026-11|127.0.0.1|t|45470|2" "$row"
expect_eq "the acceptance is audited with the link" 1 \
	"$(sql "SELECT count(*) FROM audit_events a JOIN invoices i ON i.id = a.invoice_id WHERE i.number = 'INV-2026-0147' AND a.action = 'plan.accepted' AND a.link_id IS NOT NULL")"
expect_eq "a confirmation to the debtor and a copy to staff are queued" \
	"plan.confirm|ana.ruiz@example.com plan.staff|credit-team@northwind.example" \
	"$(sql "SELECT kind || '|' || recipient FROM outbox o JOIN invoices i ON i.id = o.invoice_id WHERE i.number = 'INV-2026-0147' ORDER BY kind" | tr '\n' ' ' | sed 's/ $//')"
check "queued messages are sealed (no link in clear in the database)" \
	test "$(sql "SELECT count(*) FROM outbox WHERE message NOT LIKE 'k1:%'")" = 0

# The calendar file: valid iCalendar structure, one event per installment.
http GET "$p/plan.ics"
expect_status 200 "plan.ics is served"
expect_header "Content-Type: text/calendar" "as text/calendar"
expect_header "attachment; filename=\"payment-plan-INV-2026-0147.ics\"" "as a download"
check "every line ends in CRLF" test "$(grep -c $'\r$' "$T/body")" = "$(wc -l < "$T/body")"
check "no line is longer than 75 octets" awk '{ sub(/\r$/, ""); if (length($0) > 75) exit 1 }' "$T/body"
expect_eq "BEGIN/END balanced and nested" "BEGIN:VCALENDAR BEGIN:VEVENT END:VEVENT BEGIN:VEVENT END:VEVENT END:VCALENDAR" \
	"$(grep -E '^(BEGIN|END):' "$T/body" | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')"
check "VERSION and PRODID are present" bash -c "grep -q '^VERSION:2.0' '$T/body' && grep -q '^PRODID:' '$T/body'"
expect_eq "event dates are the installment dates" \
	"$(sql "SELECT string_agg(to_char(due_on, 'YYYYMMDD'), ' ' ORDER BY seq) FROM plan_installments pi JOIN plans p ON p.id = pi.plan_id JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0147'")" \
	"$(grep '^DTSTART;VALUE=DATE:' "$T/body" | tr -d '\r' | sed 's/.*://' | tr '\n' ' ' | sed 's/ $//')"
check "each event has a UID, DTSTAMP, DTEND and SUMMARY" \
	test "$(grep -cE '^(UID|DTSTAMP|DTEND;VALUE=DATE|SUMMARY):?' "$T/body")" = 8
expect_eq "UIDs are unique" 2 "$(grep '^UID:' "$T/body" | sort -u | wc -l)"
# Unfold and check that escaped text survives: commas are escaped in TEXT.
check "commas in text are escaped" grep -q 'Credit Control\\,' "$T/body"
http GET "$other/plan.ics"
expect_status 404 "plan.ics without a plan is 404"

# 50 concurrent accepts of different options on one link: one plan, no 5xx.
p2=$(link_path INV-2026-0152)
http GET "$p2/plan"
c2=$(form_value csrf)
q2=$(form_value quote)
n2=$(grep -c 'name="option"' "$T/body")
for i in $(seq 1 50); do
	echo "option=$(( (i % n2) + 1 ))&agree=yes&csrf=$c2&quote=$q2"
done > "$T/forms"
xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -d '{}' "$BASE$p2/plan" < "$T/forms" > "$T/codes"
expect_eq "50 concurrent accepts get 50 responses" 50 "$(wc -l < "$T/codes")"
expect_eq "exactly one of them created the plan (303)" 1 "$(grep -c '^303$' "$T/codes")"
expect_eq "the others were told a plan exists (409)" 49 "$(grep -c '^409$' "$T/codes")"
expect_eq "no 5xx" 0 "$(grep -c '^5' "$T/codes")"
expect_eq "exactly one plan for the invoice" 1 \
	"$(sql "SELECT count(*) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0152'")"
expect_eq "exactly one acceptance audited" 1 \
	"$(sql "SELECT count(*) FROM audit_events a JOIN invoices i ON i.id = a.invoice_id WHERE i.number = 'INV-2026-0152' AND a.action = 'plan.accepted'")"
# The insert must fail for the unique index, not for any other reason (a
# typo, a missing column, a refused connection would fail it too).
out=$(sql "INSERT INTO plans (invoice_id, frequency, installments, total_cents, currency, terms_version) SELECT p.invoice_id, 'monthly', 2, 100, p.currency, 'x' FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0152' AND p.status = 'active'" 2>&1)
check "the unique index refuses a second active plan even outside the portal" \
	grep -q 'duplicate key value violates unique constraint "plans_one_active"' <<< "$out"
expect_eq "and the invoice still has one plan" 1 \
	"$(sql "SELECT count(*) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0152'")"
# Issue 17: header bytes that are not UTF-8, or a long agent cut inside a
# character, are stored cleaned and cut; the debtor's choice is never lost.
accept_with_agent() {	# accept_with_agent INVOICE AGENT-FILE: posts option 1
	local path
	path=$(link_path "$1")
	http GET "$path/plan"
	http POST "$path/plan" -H @"$2" --data-urlencode "option=1" --data-urlencode "agree=yes" \
		--data-urlencode "csrf=$(form_value csrf)" --data-urlencode "quote=$(form_value quote)"
}
printf 'User-Agent: Mozilla \xff\xfe\n' > "$T/ua-bad"
accept_with_agent INV-2026-0158 "$T/ua-bad"
expect_status 303 "a plan POST with User-Agent 'Mozilla \\xff\\xfe' is accepted (303)"
expect_eq "and the plan is stored, the agent's bad bytes replaced" "1|Mozilla ��" \
	"$(sql "SELECT count(*), min(p.user_agent) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0158'")"
{ printf 'User-Agent: '; head -c 511 /dev/zero | tr '\0' 'u'; printf '\xc3\xa9\n'; } > "$T/ua-long"
accept_with_agent INV-2026-0171 "$T/ua-long"
expect_status 303 "a plan POST with a 513-byte User-Agent ending inside a character is accepted"
expect_eq "and the plan is stored with the agent cut before that character" "1|511" \
	"$(sql "SELECT count(*), min(octet_length(p.user_agent)) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'INV-2026-0171'")"
finish
