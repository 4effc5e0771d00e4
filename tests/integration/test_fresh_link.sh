#!/usr/bin/env bash
# Issue 16: a fresh link by email from the page of a bad link. Only a
# match gets a (working) link, mailed to the address on file; a match and
# a miss get byte-identical answers in indistinguishable time; junk gets
# the same neutral answer; limits per address, invoice and client.
. "$(dirname "$0")/lib.sh"
stack_up --exempt --set fresh_link_per_email=3 --set fresh_link_per_invoice=3 \
	--set fresh_link_per_client=100000

d() { date -u -d "$1 days" +%Y-%m-%d; }
{
	echo "invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date"
	echo "INV-2026-0700,C-700,Ana Ruiz,Ana.Ruiz@example.com,,es,EUR,$(d -40),$(d -10),line,Consulting,1,113.67,"
	for i in $(seq 1 40); do
		echo "T-$i,CT-$i,Timing $i,t$i@example.com,,en,EUR,$(d -40),$(d -10),line,Work,1,10.00,"
	done
} > "$T/inv.csv"
admin import "$T/inv.csv" > /dev/null

# The bad link's page has the form, the same for every kind of bad link.
http GET /i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect_status 404 "an unknown link is 404"
expect_body 'action="/link"' "its page offers a fresh link by email"
cp "$T/body" "$T/unknown.html"
p=$(link_path INV-2026-0700)
admin revoke INV-2026-0700 > /dev/null
http GET "$p"
check "a revoked link's page is byte for byte the unknown one's" cmp -s "$T/body" "$T/unknown.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/unknown.html" | head -n 1)

outbox() { sql "SELECT count(*) FROM outbox"; }
# ask INVOICE EMAIL: posts the form; status, head and body as http() keeps them.
ask() { http POST /link --data-urlencode "csrf=$csrf" --data-urlencode "invoice=$1" --data-urlencode "email=$2"; }
head_of() { grep -v -i '^date:' "$T/headers"; }

ask INV-2026-0700 wrong@example.com
expect_status 303 "a miss is answered 303"
head_of > "$T/miss.head"; cp "$T/body" "$T/miss.body"
expect_eq "a miss queues nothing" 0 "$(outbox)"
ask " inv 2026 0700 " "ana.ruiz@EXAMPLE.com"
expect_status 303 "a match (number and address in any case and spacing) is answered 303"
head_of > "$T/match.head"; cp "$T/body" "$T/match.body"
check "match and miss: the same head, byte for byte (Date aside)" cmp -s "$T/miss.head" "$T/match.head"
check "match and miss: the same body, byte for byte" cmp -s "$T/miss.body" "$T/match.body"
expect_header "Location: /link/sent" "both go to the same page"
expect_eq "the match queued one mail" 1 "$(outbox)"
http GET /link/sent
expect_status 200 "the answer page"
expect_body "If the invoice number and the email address match our records" "says the same neutral thing to everyone"
expect_no_body "/i/" "and never shows a link"

for _ in $(seq 1 50); do
	m=$(grep -l "^To: .*<Ana.Ruiz@example.com>" "$VAR"/mail/*.eml 2>/dev/null | head -n 1)
	[ -n "$m" ] && break
	sleep 0.2
done
check "the new link is mailed to the address on file, in Spanish" grep -q "Nos ha pedido un enlace nuevo para la factura INV-2026-0700" "${m:-/dev/null}"
url=$(grep -o 'http://[^ ]*/i/[A-Za-z0-9_-]\{43\}' "${m:-/dev/null}" | head -n 1)
http GET "${url#http://*/}" 2>/dev/null
http GET "/${url#http://*/}"
expect_status 200 "the mailed link opens the invoice"
expect_body "INV-2026-0700" "its own invoice"
expect_eq "audited: a link requested and issued" 1 "$(sql "SELECT count(*) FROM audit_events WHERE action = 'link.requested' AND link_id IS NOT NULL")"
expect_eq "the miss is audited with nothing typed in it" "1||" \
	"$(sql "SELECT count(*) || '|' || coalesce(max(invoice_id)::text, '') || '|' || max(detail) FROM audit_events WHERE action = 'link.request.unmatched'")"
check "what was typed on a miss is nowhere in the database" \
	bash -c "! '$PGBIN/pg_dump' -h '$VAR/run' -U settle settle | grep -qi 'wrong@example.com'"

# Junk: the same neutral answer, nothing sent.
before=$(outbox)
big=$(head -c 10240 /dev/zero | tr '\0' 'a')@example.com
# (Each on its own invoice number, so that no limit is reached.)
for pair in "INV-2026-0701|$big" "INV-2026-0702|$(printf 'ana.ruiz@example.com\r\nBcc: x@evil.example')" \
	"'; DROP TABLE invoices; --|ana.ruiz@example.com" "$(printf 'INV\x01-2026-0700')|ana.ruiz@example.com"; do
	ask "${pair%%|*}" "${pair#*|}"
	head_of > "$T/junk.head"
	if [ "$STATUS" = 303 ] && cmp -s "$T/junk.head" "$T/miss.head" && cmp -s "$T/body" "$T/miss.body"; then
		ok "junk ($(printf '%s' "${pair:0:24}" | tr -c '[:print:]' '?')...) gets the same neutral answer"
	else
		not_ok "junk gets the same neutral answer" "status $STATUS"
	fi
done
expect_eq "and nothing was sent for it" "$before" "$(outbox)"
http POST /link --data-urlencode "invoice=INV-2026-0700" --data-urlencode "email=ana.ruiz@example.com"
expect_status 403 "without the form's token: 403"
http POST /link --data-urlencode "csrf=$csrf" --data-urlencode "invoice=x" --data-urlencode "email=y" --data-urlencode "extra=1"
expect_status 400 "an unknown field: 400"

# Timing: matches and misses interleaved, each on its own invoice and
# address (no limit reached), compared by their medians.
: > "$T/times"
for i in $(seq 1 40); do
	t=$(curl -s -o /dev/null -w '%{time_total}' --data-urlencode "csrf=$csrf" \
		--data-urlencode "invoice=T-$i" --data-urlencode "email=t$i@example.com" "$BASE/link")
	echo "match $t" >> "$T/times"
	t=$(curl -s -o /dev/null -w '%{time_total}' --data-urlencode "csrf=$csrf" \
		--data-urlencode "invoice=T-$i" --data-urlencode "email=x$i@example.com" "$BASE/link")
	echo "miss $t" >> "$T/times"
done
verdict=$(python3 - "$T/times" <<'PY'
import statistics, sys
m = [float(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("match")]
n = [float(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("miss")]
a, b = statistics.median(m), statistics.median(n)
# Mann-Whitney U, normal approximation: is one side systematically slower?
pairs = [(x, 0) for x in m] + [(x, 1) for x in n]
pairs.sort()
ranks = {}
for i, (x, g) in enumerate(pairs):
    ranks.setdefault(x, []).append(i + 1)
r = sum(statistics.mean(ranks[x]) for x in m)
u = r - len(m) * (len(m) + 1) / 2
mu, sd = len(m) * len(n) / 2, (len(m) * len(n) * (len(m) + len(n) + 1) / 12) ** 0.5
z = (u - mu) / sd
ok = abs(a - b) < max(0.002, 0.25 * min(a, b)) and abs(z) < 3.3
print(("same" if ok else "differ") + f" median match {a*1000:.2f} ms, miss {b*1000:.2f} ms, z {z:.2f}")
PY
)
echo "# timing: $verdict"
check "match and miss times are indistinguishable ($verdict)" test "${verdict%% *}" = same
expect_eq "the 40 matches queued 40 mails, the misses none" "$((before + 40))" "$(outbox)"

# Limits (3 in the window here): a fourth request for one address is
# refused, whatever the invoice; the same for one invoice number.
for i in 1 2 3; do ask "L-$i" "limit@example.com"; done
expect_status 303 "three requests for one address are answered"
ask L-4 "limit@example.com"
expect_status 429 "the fourth is refused"
expect_body "Please try again after" "and the page says when to try again"
ask L-5 "LIMIT@example.com"
expect_status 429 "an address counts in any case"
ask T-1 "other@example.com"
expect_status 303 "a third request for invoice T-1 (a match and a miss before) is answered"
ask T-1 "another@example.com"
expect_status 429 "a fourth for T-1 is refused"
expect_eq "refused requests queue nothing" "$((before + 40))" "$(outbox)"
# Per client: this test's one address has sent about 95 requests; with a
# limit of 50 (the portal re-reads its config on SIGHUP) it is refused.
sed -i 's/^fresh_link_per_client = .*/fresh_link_per_client = 50/' "$CONF"
kill -HUP "$(cat "$VAR/run/portal.pid")"
for _ in $(seq 1 25); do
	ask "Z-$_" "z$_@example.com"
	[ "$STATUS" = 429 ] && break
	sleep 0.2
done
expect_status 429 "past the limit per client, any request is refused"

finish
