#!/usr/bin/env bash
# Issue 17 (nginx) and 19: no working link in any log, logs 0640 at most,
# Referrer-Policy on nginx's own error pages and static files, versioned
# static names cached for a year, limit_conn and a short keepalive_timeout.
. "$(dirname "$0")/lib.sh"
stack_up

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

# Every log file of the stack: no token (not even its first 8 characters),
# no query string, no address searched for.
sleep 0.5
logs=("$VAR"/log/*)
check "the stack has its log files" test ${#logs[@]} -ge 5
leaks=0
for t in "${tokens[@]}"; do
	if grep -rqF -- "${t:0:8}" "$VAR/log/"; then
		leaks=$((leaks + 1))
		grep -rnF -- "${t:0:8}" "$VAR/log/" | head -n 3 | sed 's/^/#   /'
	fi
done
expect_eq "no log holds a live token" 0 "$leaks"
check "no log holds a query string" bash -c "! grep -rq 'utm_source' '$VAR/log/'"
check "no log holds the address searched for" bash -c "! grep -rq 'lena@example.com\|lena%40' '$VAR/log/'"
check "the access log keeps the route and 4 characters" \
	grep -q "\"GET /i/${tokens[0]:0:4}\\.\\.\\. HTTP" "$VAR/log/nginx-access.log"
check "and what follows the token, without the query" \
	grep -q "\"GET /i/${tokens[0]:0:4}\\.\\.\\./plan HTTP" "$VAR/log/nginx-access.log"
check "a query string is shown as ?..." \
	grep -q "\"GET /i/${tokens[0]:0:4}\\.\\.\\.?\\.\\.\\. HTTP" "$VAR/log/nginx-access.log"
check "the access log shows the masked /u/ path" grep -q "\"GET /u/${tokens[1]:0:4}\\.\\.\\. HTTP" "$VAR/log/nginx-access.log"
check "the access log has a request id" grep -Eq 'rid=[0-9a-f]{32}' "$VAR/log/nginx-access.log"
loose=$(find "$VAR/log" -type f -perm /0137 | wc -l)
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
