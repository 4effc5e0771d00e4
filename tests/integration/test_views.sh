#!/usr/bin/env bash
# Issue 18: a debtor's view writes its record and nothing else (no UPDATE
# of the link, no row locks on the link or the invoice); the staff page
# shows a link's last use from those records; unknown, expired and revoked
# tokens answer the same 404 in the same time and write nothing.
. "$(dirname "$0")/lib.sh"
stack_up

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
V-1,VC-1,Vera Quinn,vera@example.com,,en,EUR,$(d -40),$(d -10),line,Survey,2,300.00,
V-1,VC-1,Vera Quinn,vera@example.com,,en,EUR,$(d -40),$(d -10),fee,Late fee,,40.00,$(d -9)
V-1,VC-1,Vera Quinn,vera@example.com,,en,EUR,$(d -40),$(d -10),payment,Transfer,,100.00,$(d -2)
V-2,VC-2,Will Ortiz,will@example.com,,en,EUR,$(d -30),$(d -5),line,Audit,1,90.00,
V-3,VC-3,Xia Long,xia@example.com,,en,EUR,$(d -30),$(d -5),line,Audit,1,95.00,
CSV
admin import "$T/inv.csv" > /dev/null
echo "a long enough passphrase" | admin staff-add una@example.com "Una Clerk" > /dev/null
jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
csrf=$(form_value csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=una@example.com" --data-urlencode "password=a long enough passphrase" "$BASE/staff/login"
staff() { STATUS=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$BASE$1"); }
# The "last used" cell of link $1 on V-1's staff page.
last_used() {
	staff /staff/invoices/V-1
	sed -n "s|.*<tr><td>$1 ([a-z_]*)</td><td>[^<]*</td><td>[^<]*</td><td>\([^<]*\)</td>.*|\1|p" "$T/body"
}

p1=$(link_path V-1)
link=$(sql "SELECT max(l.id) FROM links l JOIN invoices i ON i.id = l.invoice_id WHERE i.number = 'V-1'")
expect_eq "a link never opened is 'never' on the staff page" "never" "$(last_used "$link")"

rows() { sql "SELECT (SELECT xmin || ':' || xmax FROM links WHERE id = $link) || ' ' ||
	(SELECT i.xmin || ':' || i.xmax FROM invoices i WHERE i.number = 'V-1')"; }
stat() { sql "SELECT $1 FROM pg_stat_user_tables WHERE relname = '$2'"; }
sql "SELECT pg_stat_clear_snapshot()" > /dev/null
rows_before=$(rows)
upd_before=$(stat n_tup_upd links)
ins_before=$(stat n_tup_ins audit_events)
views() { sql "SELECT count(*) FROM audit_events WHERE link_id = $link AND actor = 'debtor' AND action LIKE '%.viewed' AND client_addr = '127.0.0.1'"; }
views_before=$(views)

n=8
for i in $(seq 1 $n); do
	http GET "$p1"
	[ "$STATUS" = 200 ] || break
done
expect_status 200 "$n views of the invoice page"
expect_body "Survey" "the page shows the invoice"
http GET "$p1/plan"
expect_status 200 "the plan page"
http GET "$p1/hardship"
expect_status 200 "the hardship page"
expect_eq "each view wrote its record (link, address)" "$((views_before + n + 2))" \
	"$(views)"
expect_eq "the link and the invoice rows are untouched: no UPDATE, no foreign-key row locks" \
	"$rows_before" "$(rows)"

# The statistics collector: once it has counted the views' inserts, the
# links table's count of updates must not have moved.
counted() { [ "$(stat n_tup_ins audit_events)" -ge "$((ins_before + n + 2))" ]; }
for i in $(seq 1 30); do counted && break; sleep 1; done
check "the statistics counted the view records" counted
expect_eq "no UPDATE of links for $n views (pg_stat_user_tables)" "$upd_before" "$(stat n_tup_upd links)"

# Last use: the latest view record, as the staff page shows it.
latest=$(sql "SELECT to_char(max(at), 'YYYY-MM-DD HH24:MI') FROM audit_events WHERE link_id = $link")
expect_eq "the staff page shows the last use from the view records" "$latest" "$(last_used "$link")"
http HEAD "$p1" -I
expect_status 200 "a HEAD is answered"
expect_eq "a HEAD is no view: no record" "$((views_before + n + 2))" "$(views)"

# Unknown, expired and revoked: one page, no writes, one time.
p2=$(link_path V-2)
sql "UPDATE links l SET expires_at = now() - interval '1 second' FROM invoices i WHERE i.id = l.invoice_id AND i.number = 'V-2'" > /dev/null
p3=$(link_path V-3)
admin revoke V-3 > /dev/null
p0=/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
page() { sed 's/[0-9a-zA-Z_-]\{43\}//g' "$T/body"; }
http GET "$p0"
expect_status 404 "an unknown token is 404"
unknown=$(page)
http GET "$p2"
expect_status 404 "an expired token is 404"
expect_eq "the same page as an unknown one" "$unknown" "$(page)"
http GET "$p3"
expect_status 404 "a revoked token is 404"
expect_eq "the same page as an unknown one" "$unknown" "$(page)"
audit_before=$(sql "SELECT count(*) FROM audit_events")
: > "$T/times"
order=("unknown:$p0" "expired:$p2" "revoked:$p3")
for i in $(seq 1 40); do	# the order rotates: no kind always goes first
	for j in 0 1 2; do
		k=${order[$(((i + j) % 3))]}
		t=$(curl -s -o /dev/null -w '%{time_total}' "$BASE${k#*:}")
		echo "${k%%:*} $t" >> "$T/times"
	done
done
expect_eq "the 404s wrote nothing" "$audit_before" "$(sql "SELECT count(*) FROM audit_events")"
same() {	# same A B: are A's and B's times indistinguishable?
	python3 - "$T/times" "$1" "$2" <<'PY'
import statistics, sys
m = [float(l.split()[1]) for l in open(sys.argv[1]) if l.split()[0] == sys.argv[2]]
n = [float(l.split()[1]) for l in open(sys.argv[1]) if l.split()[0] == sys.argv[3]]
a, b = statistics.median(m), statistics.median(n)
# Mann-Whitney U, normal approximation: is one side systematically slower?
pairs = sorted([(x, 0) for x in m] + [(x, 1) for x in n])
ranks = {}
for i, (x, g) in enumerate(pairs):
    ranks.setdefault(x, []).append(i + 1)
u = sum(statistics.mean(ranks[x]) for x in m) - len(m) * (len(m) + 1) / 2
mu, sd = len(m) * len(n) / 2, (len(m) * len(n) * (len(m) + len(n) + 1) / 12) ** 0.5
z = (u - mu) / sd
ok = abs(a - b) < max(0.002, 0.25 * min(a, b)) and abs(z) < 3.3
print(("same" if ok else "differ") + f" median {sys.argv[2]} {a*1000:.2f} ms, {sys.argv[3]} {b*1000:.2f} ms, z {z:.2f}")
PY
}
for k in expired revoked; do
	verdict=$(same unknown $k)
	echo "# timing: $verdict"
	check "unknown and $k tokens take the same time ($verdict)" test "${verdict%% *}" = same
done

finish
