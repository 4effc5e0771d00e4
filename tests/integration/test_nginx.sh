#!/usr/bin/env bash
# Issue 17 (nginx) and 19: no working link in any log, logs 0640 at most,
# Referrer-Policy on nginx's own error pages and static files, versioned
# static names cached for a year, limit_conn and a short keepalive_timeout.
# The portal here trusts X-Forwarded-For, as behind a load balancer.
. "$(dirname "$0")/lib.sh"
stack_up --set trust_forwarded_for=yes

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
N-1,NC-1,Lena Vogel,lena@example.com,+49 30 000 001,en,EUR,$(d -40),$(d -10),line,Desks,2,300.00,
N-2,NC-2,Omar Haddad,omar@example.com,,en,GBP,$(d -30),$(d -5),line,Chairs,4,80.00,
CSV
admin import "$T/inv.csv" > /dev/null

# keepalive_timeout: a kept connection is closed by nginx after about 10 s.
# Measured in the background while the rest runs.
(
	exec 3<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' >&3
	start=$(date +%s)
	timeout 30 cat <&3 > /dev/null
	echo $(( $(date +%s) - start )) > "$T/keepalive"
) &
keepalive_pid=$!

# Live links, opened the ways a debtor and a mail client would.
tokens=()
for inv in N-1 N-2 N-1; do
	p=$(link_path "$inv")
	tokens+=("${p#/i/}")
	http GET "$p"
	expect_status 200 "a link of $inv opens"
	http GET "$p?utm_source=mail&utm_campaign=reminder"
	http HEAD "$p" -I
	http GET "$p/plan"
	http GET "$p/hardship"
done
p=/i/${tokens[2]}	# the form last shown
csrf=$(form_value csrf)
when=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
http POST "$p/hardship" --data-urlencode "csrf=$csrf" -d category=other \
	-d contact=email --data-urlencode "message=Logged nowhere, please." \
	-d "callback_date=$when" -d callback_window=morning
expect_status 303 "a hardship note through a live link is received"
# nginx answers these itself: a body over the cap, an unknown static file.
head -c 100000 /dev/zero | tr '\0' a > "$T/big"
http POST "$p/hardship" --data-binary @"$T/big"
expect_status 413 "an oversized POST on a live link is 413 from nginx"
expect_header "Referrer-Policy: no-referrer" "nginx's 413 page sends Referrer-Policy"
expect_header "Content-Security-Policy: default-src 'none'" "nginx's 413 page sends the CSP"
http GET /static/no-such-file.css
expect_status 404 "an unknown static file is 404 from nginx"
expect_header "Referrer-Policy: no-referrer" "nginx's 404 page sends Referrer-Policy"
expect_body "Page not found" "nginx's 404 is Settle's page"
# A token path that does not exist yet, and a staff search for an address.
http GET "/u/${tokens[1]}"
http GET "/staff?q=lena%40example.com"

# Logs are rotated: moved away, nginx reopens (SIGUSR1) and writes a new
# file, which must be 0640 at most too (issue 17).
mv "$VAR/log/nginx-access.log" "$VAR/log/nginx-access.log.1"
kill -USR1 "$(cat "$VAR/run/nginx.pid")"
for i in $(seq 1 50); do [ -f "$VAR/log/nginx-access.log" ] && break; sleep 0.1; done
for inv in N-1 N-2; do
	p=$(link_path "$inv")
	tokens+=("${p#/i/}")
	http GET "$p"
	http GET "$p/plan?p=50%"
done
expect_status 200 "after the rotation links still open"
check "nginx reopened its access log" test -s "$VAR/log/nginx-access.log"
expect_eq "the reopened log is 0640 at most" "" \
	"$(find "$VAR/log/nginx-access.log" -perm /0137)"

# X-Forwarded-For, trusted: its rightmost entry, when it is an address.
p=$(link_path N-2)
xff_addr() {	# xff_addr HEADER-VALUE: the address the view was audited with
	http GET "$p" -H "X-Forwarded-For: $1"
	sql "SELECT client_addr FROM audit_events WHERE action = 'invoice.viewed' ORDER BY id DESC LIMIT 1"
}
expect_eq "the rightmost X-Forwarded-For entry is the client's address" "198.51.100.23" \
	"$(xff_addr "203.0.113.7, 198.51.100.23")"
expect_eq "an IPv6 entry is kept in its canonical form" "2001:db8::5" "$(xff_addr "2001:DB8:0::5")"
expect_eq "an entry that is no address falls back to the peer's" "127.0.0.1" \
	"$(xff_addr "198.51.100.23, 10.0.0.1:80")"
expect_eq "so does junk" "127.0.0.1" "$(xff_addr "$(head -c 100 /dev/zero | tr '\0' x)")"

# Every log file of the stack, wherever it is: no token (not even its
# first 8 characters), no query string, no address searched for.
sleep 0.5
mapfile -t logs < <(find "$VAR" -type f \( -name '*.log' -o -name '*.log.*' \))
check "the stack has its log files" test ${#logs[@]} -ge 5
leaks=0
for t in "${tokens[@]}"; do
	if grep -qF -- "${t:0:8}" "${logs[@]}"; then
		leaks=$((leaks + 1))
		grep -nF -- "${t:0:8}" "${logs[@]}" | head -n 3 | sed 's/^/#   /'
	fi
done
expect_eq "no log holds a live token (${#tokens[@]} tokens, ${#logs[@]} logs)" 0 "$leaks"
check "no log holds a query string" bash -c "! grep -q 'utm_source' ${logs[*]}"
check "no log holds the address searched for" bash -c "! grep -q 'lena@example.com\|lena%40' ${logs[*]}"
check "the access log keeps the route and 4 characters" \
	grep -q "\"GET /i/${tokens[0]:0:4}\\.\\.\\. HTTP" "$VAR"/log/nginx-access.log*
check "and what follows the token, without the query" \
	grep -q "\"GET /i/${tokens[0]:0:4}\\.\\.\\./plan HTTP" "$VAR"/log/nginx-access.log*
check "a query string is shown as ?..." \
	grep -q "\"GET /i/${tokens[0]:0:4}\\.\\.\\.?\\.\\.\\. HTTP" "$VAR"/log/nginx-access.log*
check "the access log shows the masked /u/ path" grep -q "\"GET /u/${tokens[1]:0:4}\\.\\.\\. HTTP" "$VAR"/log/nginx-access.log*
check "the access log has a request id" grep -Eq 'rid=[0-9a-f]{32}' "$VAR"/log/nginx-access.log*
loose=$(find "${logs[@]}" -perm /0137 | wc -l)
expect_eq "every log file is 0640 at most" 0 "$loose"

# Static files: the plain name for an hour, the versioned one for a year.
http GET /static/settle.css
expect_status 200 "the stylesheet is served"
expect_header "Referrer-Policy: no-referrer" "static files send Referrer-Policy"
expect_header "Cache-Control: max-age=3600" "the plain name is cached for an hour"
http GET "$(link_path N-2)"
css=$(sed -n 's/.*rel="stylesheet" href="\([^"]*\)".*/\1/p' "$T/body")
expect_eq "the page links the stylesheet's versioned name" \
	"/static/settle.$(sha256sum "$ROOT/static/settle.css" | cut -c1-12).css" "$css"
http GET "$css"
expect_status 200 "the versioned stylesheet is served"
expect_header "Cache-Control: public, max-age=31536000, immutable" "the versioned name is cached for a year"
expect_eq "with one Cache-Control header" 1 "$(grep -ci '^Cache-Control:' "$T/headers")"
expect_header "Referrer-Policy: no-referrer" "the versioned file sends Referrer-Policy"
cmp -s "$T/body" "$ROOT/static/settle.css"
check "it is the stylesheet itself" test $? -eq 0

# limit_conn: 64 requests in flight from one address; the 65th is refused.
head -c 60000 /dev/zero | tr '\0' a > "$T/slow"
slow=()
for i in $(seq 1 64); do
	curl -s -o /dev/null --max-time 40 --limit-rate 2k -X POST \
		--data-binary @"$T/slow" "$BASE/healthz" &
	slow+=($!)
done
sleep 2
http GET /healthz
expect_status 429 "a 65th connection in flight from one address is refused"
kill "${slow[@]}" 2>/dev/null
wait "${slow[@]}" 2>/dev/null
http GET /healthz
expect_status 200 "once they are done, the address is served again"

wait "$keepalive_pid"
secs=$(cat "$T/keepalive" 2>/dev/null || echo none)
check "an idle kept connection is closed after about 10 s (took ${secs} s)" \
	test "$secs" != none -a "$secs" -ge 8 -a "$secs" -le 13
finish
