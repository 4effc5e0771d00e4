#!/usr/bin/env bash
# Issue 19: rotating the server secret without breaking live links, staff
# sessions, open forms or queued mail (portal-admin rotate-secret).
. "$(dirname "$0")/lib.sh"
stack_up --exempt

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
R-1,RC-1,Nora Quinn,nora@example.com,+44 7700 900456,en,GBP,$(d -40),$(d -10),line,Website,1,640.00,
R-2,RC-2,Omar Haddad,omar@example.com,,en,EUR,$(d -40),$(d -10),line,Audit,1,900.00,
CSV
admin import "$T/inv.csv" > /dev/null
echo "a long enough passphrase" | admin staff-add rita@example.com "Rita Clerk" > /dev/null

first_byte() { sql "SELECT get_byte($1, 0) FROM $2 ORDER BY $3 DESC LIMIT 1"; }
# reload: SIGHUP to the portal's master, then wait until path opens (200).
reload() {
	kill -HUP "$(cat "$VAR/run/portal.pid")"
	local i
	for i in $(seq 1 100); do
		http GET "$1"
		[ "$STATUS" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}
jar=$T/jar
login() {
	rm -f "$jar"
	curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
	local csrf; csrf=$(form_value csrf)
	STATUS=$(curl -s -c "$jar" -b "$jar" -o "$T/body" -D "$T/headers" -w '%{http_code}' \
		--data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
		--data-urlencode "password=$2" "$BASE/staff/login")
}
staff_get() { STATUS=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$BASE$1"); }
stop_notify() {
	local pid; pid=$(cat "$VAR/run/notify.pid")
	kill -TERM "$pid"
	while [ -d "/proc/$pid" ]; do sleep 0.1; done
}
restart_notify() {
	"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo --exempt > /dev/null 2>&1
}
wait_sent() {	# wait_sent TEXT: until a mail file holds TEXT (10 s at most)
	local i
	for i in $(seq 1 100); do
		grep -lq -- "$1" "$VAR"/mail/*.eml 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Before: one key, the file as the package makes it (64 hex digits).
expect_eq "the secret file starts as one key without an id" 64 "$(tr -d '\n' < "$VAR/secret" | wc -c)"
old=$(link_path R-1)
expect_eq "a link's stored hash starts with key id 1" 1 "$(first_byte token_hash links id)"
http GET "$old"
expect_status 200 "the link opens before the rotation"
http GET "$old/hardship"
hcsrf=$(form_value csrf)
first_day=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
# The "use this language" form shows when ?lang= is another language.
remember_csrf() { sed -n 's/.*class="remember"><input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p' "$T/body"; }
http GET "$old?lang=fr"
lcsrf=$(remember_csrf)
login rita@example.com "a long enough passphrase"
expect_status 303 "staff sign in before the rotation"
expect_eq "the session's stored hash starts with key id 1" 1 "$(first_byte id_hash staff_sessions created_at)"

# Mail queued before the rotation, with the notifier stopped: sealed with key 1.
stop_notify
http POST "$old/hardship" --data-urlencode "csrf=$hcsrf" --data-urlencode "category=income" \
	--data-urlencode "message=Queued before the rotation" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
expect_status 303 "a hardship note before the rotation"
expect_eq "its staff mail waits, sealed with key 1" "queued k1:" \
	"$(sql "SELECT status || ' ' || left(message, 3) FROM outbox ORDER BY id DESC LIMIT 1")"

# The rotation.
out=$(admin rotate-secret 2>&1)
check "rotate-secret says key 2 was added" grep -q "^key 2 added to $VAR/secret" <<<"$out"
check "and what key 1 still protects, and when it may go" \
	grep -q "^key 1 protects 1 live link (the last expires .*), 1 staff session and 2 queued messages" <<<"$out"
check "with the retire command and its date" grep -q "retire it after .*: portal-admin rotate-secret --retire 1" <<<"$out"
expect_eq "the file now holds keys 1 and 2" "1 2" "$(grep -v '^#' "$VAR/secret" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "key 1 is the key from before" "$(grep '^1 ' "$VAR/secret" | cut -d' ' -f2)" "$(grep '^1 ' "$VAR/secret" | cut -d' ' -f2)"
expect_eq "it keeps its owner and mode 0600" "$(stat -c '%U' "$VAR") 600" "$(stat -c '%U %a' "$VAR/secret")"
check "no temporary file is left" test ! -e "$VAR/secret.new"
new=$(link_path R-2)
expect_eq "a link issued after the rotation is hashed with key 2" 2 "$(first_byte token_hash links id)"
check "the portal reloads and opens the new link" reload "$new"

http GET "$old"
expect_status 200 "the link issued before the rotation still opens"
expect_body "R-1" "and shows its invoice"
http GET "$new"
expect_status 200 "the link issued after it opens"
expect_body "R-2" "and shows its invoice"
staff_get /staff
expect_status 200 "the staff session from before the rotation still works"
expect_body "Rita Clerk" "signed in as before"
http POST "$old/language" --data-urlencode "lang=fr" --data-urlencode "csrf=$lcsrf"
expect_status 303 "a form shown before the rotation still posts (its CSRF token verifies under key 1)"
http GET "$old?lang=es"	# fr is now the customer's own
again=$(remember_csrf)
check "the same form shown after it carries a token made with key 2" test -n "$again" -a "$again" != "$lcsrf"
http GET "$new?lang=fr"
ncsrf=$(remember_csrf)

# The mail queued before the rotation is delivered by a notifier started after it.
restart_notify
check "the mail sealed with key 1 is delivered after the rotation" wait_sent "Queued before the rotation"
# The file is written before its row is marked sent: wait for the marks too.
k1_status() { sql "SELECT string_agg(DISTINCT status, ',') || ' ' || count(*) FROM outbox WHERE left(message, 3) = 'k1:'"; }
for _ in $(seq 1 100); do [ "$(k1_status)" = "sent 2" ] && break; sleep 0.1; done
expect_eq "both messages sealed with key 1 are marked sent" "sent 2" "$(k1_status)"

# Retiring key 1: refused while its link and session live.
out=$(admin rotate-secret --retire 1 2>&1); rc=$?
check "retiring key 1 is refused while its link and session live" test "$rc" -ne 0
check "saying what it still protects and after when to retry" grep -q "refusing to retire key 1: .*; retire it after 20" <<<"$out"
out=$(admin rotate-secret --retire 2 2>&1); rc=$?
check "the signing key cannot be retired" bash -c "[ $rc -ne 0 ] && grep -q 'key 2 signs now' <<<'$out'"
out=$(admin rotate-secret --retire 9 2>&1); rc=$?
check "an unknown key cannot be retired" bash -c "[ $rc -ne 0 ] && grep -q 'has no key 9' <<<'$out'"
expect_eq "the refusals left both keys" 2 "$(grep -vc '^#' "$VAR/secret")"

# A second rotation while the notifier runs: it learns key 3 by itself.
out=$(admin rotate-secret 2>&1)
check "a third key" grep -q "^key 3 added" <<<"$out"
three=$(link_path R-2)
check "the portal reloads (key 3)" reload "$three"
http GET "$three/hardship"
tcsrf=$(form_value csrf)
http POST "$three/hardship" --data-urlencode "csrf=$tcsrf" --data-urlencode "category=illness" \
	--data-urlencode "message=Queued after the second rotation" --data-urlencode "contact=email" \
	--data-urlencode "callback_date=$first_day" --data-urlencode "callback_window=morning"
expect_status 303 "a hardship note after the second rotation"
check "a notifier started before key 3 existed delivers mail sealed with it" wait_sent "Queued after the second rotation"
check "it says it read the new key" grep -q "read key 3 from" "$VAR/log/notify.log"

# Once nothing made with key 1 lives, it is retired; its links and forms stop.
admin revoke R-1 > /dev/null
sql "DELETE FROM staff_sessions WHERE get_byte(id_hash, 0) = 1" > /dev/null
out=$(admin rotate-secret --retire 1 2>&1); rc=$?
check "key 1 is retired once nothing it made lives" bash -c "[ $rc -eq 0 ] && grep -q '^key 1 retired' <<<'$out'"
expect_eq "the file holds keys 2 and 3" "2 3" "$(grep -v '^#' "$VAR/secret" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
check "the portal reloads" reload "$three"
http GET "$new"
expect_status 200 "a key-2 link still opens"
http GET "$old"
expect_status 404 "the revoked key-1 link is gone"
http POST "$new/language" --data-urlencode "lang=es" --data-urlencode "csrf=$ncsrf"
expect_status 303 "a form shown under key 2 still posts after key 3 came"

finish
