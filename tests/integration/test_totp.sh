#!/usr/bin/env bash
# Issue 17: a second factor for staff. portal-admin staff-totp enrols a user
# (an otpauth:// URI, its QR code in the terminal, ten recovery codes); once
# enrolled, sign-in needs a code after the password. Codes are computed here
# with oathtool (Debian oathtool), independently of our totp.c.
. "$(dirname "$0")/lib.sh"
stack_up --exempt

echo "tina totp password" | admin staff-add tina@example.com "Tina Totp" > /dev/null
echo "paul plain password" | admin staff-add paul@example.com "Paul Plain" > /dev/null

# Enrolment.
out=$(admin staff-totp tina@example.com 2>&1)
check "staff-totp enrols the user" test $? -eq 0
uri=$(grep '^otpauth://' <<<"$out")
secret=$(sed -n 's/.*[?&]secret=\([A-Z2-7]*\)&.*/\1/p' <<<"$uri")
expect_eq "it prints an otpauth:// URI for the issuer and the account" \
	"otpauth://totp/Northwind%20Supplies%20Ltd:tina%40example.com?secret=$secret&issuer=Northwind%20Supplies%20Ltd&algorithm=SHA1&digits=6&period=30" "$uri"
expect_eq "with a 160-bit secret (32 base32 characters)" 32 "${#secret}"
mapfile -t codes < <(grep -E '^[A-Z2-7]{5}-[A-Z2-7]{5}$' <<<"$out")
expect_eq "and ten recovery codes" 10 "${#codes[@]}"
expect_eq "all different" 10 "$(printf '%s\n' "${codes[@]}" | sort -u | wc -l)"
python3 "$ROOT/tests/integration/qr-text-to-pgm.py" <<<"$out" > "$T/qr.pgm"
expect_eq "its QR code, drawn for a dark terminal, decodes to the same URI" "$uri" \
	"$(zbarimg --raw -q "$T/qr.pgm" 2>/dev/null)"

sealed=$(sql "SELECT secret_sealed FROM staff_totp t JOIN staff_users u ON u.id = t.staff_id WHERE u.email = 'tina@example.com'")
check "the secret is stored sealed, naming its key" grep -q '^k1:' <<<"$sealed"
check "never in plain (base32)" test "$(grep -c "$secret" <<<"$sealed")" = 0
hex=$(python3 -c "import base64,sys; print(base64.b32decode(sys.argv[1]).hex())" "$secret")
check "nor as raw bytes anywhere in the table" test "$(sql "SELECT count(*) FROM staff_totp WHERE position(decode('$hex', 'hex') IN convert_to(secret_sealed, 'UTF8')) > 0 OR secret_sealed LIKE '%$hex%'")" = 0
expect_eq "the recovery codes are stored as ten hashes of a key id and 32 bytes" "10|10" \
	"$(sql "SELECT count(*), count(*) FILTER (WHERE octet_length(code_hash) = 33 AND get_byte(code_hash, 0) = 1) FROM staff_recovery_codes")"
in_plain=0
for c in "${codes[@]}"; do
	in_plain=$((in_plain + $(sql "SELECT count(*) FROM staff_recovery_codes WHERE position(convert_to('${c/-/}', 'UTF8') IN code_hash) > 0 OR position(convert_to('$c', 'UTF8') IN code_hash) > 0")))
done
expect_eq "and no code in plain" 0 "$in_plain"
out2=$(admin staff-totp tina@example.com 2>&1)
check "enrolling twice is refused" test $? -ne 0
check "naming staff-totp-reset" grep -q "staff-totp-reset tina@example.com first" <<<"$out2"
expect_eq "and changes nothing" "$sealed" \
	"$(sql "SELECT secret_sealed FROM staff_totp t JOIN staff_users u ON u.id = t.staff_id WHERE u.email = 'tina@example.com'")"
out2=$(admin staff-totp nobody@example.com 2>&1)
check "an unknown user is refused" grep -q "no staff user has the email nobody@example.com" <<<"$out2"
check "enrolment is audited" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'staff.totp_enrolled'")" = 1

# Sign-in: the password, then the code.
jar=$T/jar
password() {	# password EMAIL PASSWORD: a fresh sign-in page, then the password form
	rm -f "$jar"
	curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
	local csrf; csrf=$(form_value csrf)
	STATUS=$(curl -s -c "$jar" -b "$jar" -o "$T/body" -D "$T/headers" -w '%{http_code}' \
		--data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
		--data-urlencode "password=$2" "$BASE/staff/login")
	code_csrf=$(form_value csrf)
}
code() {	# code CODE: the code form of the last password step
	STATUS=$(curl -s -c "$jar" -b "$jar" -o "$T/body" -D "$T/headers" -w '%{http_code}' \
		--data-urlencode "csrf=$code_csrf" --data-urlencode "code=$1" "$BASE/staff/login")
}
totp() {	# totp [OFFSET]: the code now, or at "now OFFSET" ("+30 seconds")
	if [ $# -eq 0 ]; then oathtool --totp -b "$secret"; else oathtool --totp -b -N "now $1" "$secret"; fi
}
sessions() { sql "SELECT count(*) FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id WHERE u.email = '$1'"; }

password tina@example.com "tina totp password"
expect_status 200 "a right password of an enrolled user asks for the code"
expect_body "Enter your sign-in code" "on the code form"
expect_body 'autocomplete="one-time-code"' "whose field phones can fill"
expect_no_body 'name="password"' "without the password field"
check "no session cookie yet" test "$(grep -ci '^Set-Cookie: __Host-settle=' "$T/headers")" = 0
expect_eq "and no session row" 0 "$(sessions tina@example.com)"
expect_eq "the waiting sign-in keeps only a hash" 1 "$(sql "SELECT count(*) FROM staff_login_challenges")"

STATUS=$(curl -s -o "$T/body" -w '%{http_code}' --data-urlencode "csrf=$code_csrf" \
	--data-urlencode "code=$(totp)" "$BASE/staff/login")
expect_status 403 "the code without the sign-in cookie is refused (CSRF)"
code "$(totp '+10 minutes')"
expect_status 403 "a wrong code (one of ten minutes from now) is refused"
expect_body "The code is not right" "saying so"
expect_eq "and signs no one in" 0 "$(sessions tina@example.com)"
now_code=$(totp)
code "$now_code"
expect_status 303 "the right code signs in"
expect_header "Location: /staff" "to the queue"
session=$(sed -n 's/^Set-Cookie: __Host-settle=\([^;]*\);.*/\1/ip' "$T/headers" | tr -d '\r')
http GET /staff -H "Cookie: __Host-settle=$session"
expect_status 200 "and the session opens the staff pages"
expect_eq "the waiting sign-in is gone" 0 "$(sql "SELECT count(*) FROM staff_login_challenges")"

password tina@example.com "tina totp password"
code "$now_code"
expect_status 403 "the same code a second time is refused"
code "$(totp '-30 seconds')"
expect_status 403 "so is the code of the step before it"
code "$(totp '+30 seconds')"
expect_status 303 "the next step's code (clock drift) signs in"

# The same fresh code sent twice at once, from two waiting sign-ins: the
# step is marked used by a statement that finds it unused, so one wins.
declare -A cc
for j in a b; do
	rm -f "$T/jar$j"
	curl -s -c "$T/jar$j" -b "$T/jar$j" -o "$T/body" "$BASE/staff/login"
	c=$(form_value csrf)
	curl -s -c "$T/jar$j" -b "$T/jar$j" -o "$T/body" --data-urlencode "csrf=$c" \
		--data-urlencode "email=tina@example.com" --data-urlencode "password=tina totp password" \
		"$BASE/staff/login"
	cc[$j]=$(form_value csrf)
done
sql "UPDATE staff_totp SET last_step = -1" > /dev/null	# so that the current code is fresh again
twice=$(totp)
for j in a b; do
	curl -s -c "$T/jar$j" -b "$T/jar$j" -o /dev/null -w '%{http_code}\n' --data-urlencode "csrf=${cc[$j]}" \
		--data-urlencode "code=$twice" "$BASE/staff/login" > "$T/twice$j" &
done
wait
expect_eq "one code sent twice in parallel signs in once" "303 403" "$(cat "$T/twicea" "$T/twiceb" | sort | paste -sd' ')"

# Recovery codes: any case and spacing, once each.
password tina@example.com "tina totp password"
code "$(tr 'A-Z' 'a-z' <<<"${codes[3]}" | tr -d -)"
expect_status 303 "a recovery code signs in (lower case, without its hyphen)"
check "its use is audited" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'staff.recovery_code_used'")" = 1
expect_eq "it is marked used" 1 "$(sql "SELECT count(*) FROM staff_recovery_codes WHERE used_at IS NOT NULL")"
password tina@example.com "tina totp password"
code "${codes[3]}"
expect_status 403 "the same recovery code a second time is refused"
code "AAAAA-BBBBB"
expect_status 403 "so is one that was never issued"

# Codes are throttled per account: 2 wrong so far on this form, 3 more make 5.
for c in 111111 222222 333333; do code "$c"; done
expect_status 403 "the fifth wrong code is still checked"
code "$(totp '+30 seconds')"
expect_status 429 "the sixth attempt waits, even with a right code"
expect_body "too many codes" "and says so"
sql "DELETE FROM login_throttle WHERE kind = 'code'" > /dev/null

# The waiting sign-in expires after a few minutes.
password tina@example.com "tina totp password"
sql "UPDATE staff_login_challenges SET expires_at = now() - interval '1 second'" > /dev/null
code "$(totp)"
expect_status 403 "a code after the form expired is refused"
expect_body "Please sign in again" "asking for the password again"

# Staff without TOTP sign in with the password alone.
password paul@example.com "paul plain password"
expect_status 303 "a user without TOTP signs in with the password"

# Issue 19: after a rotation of the server secret, the TOTP secret sealed
# with key 1 still opens and the recovery codes hashed with it still work;
# key 1 cannot be retired while they exist.
out=$(admin rotate-secret 2>&1)
check "rotate-secret adds key 2" grep -q "^key 2 added to" <<<"$out"
kill -HUP "$(cat "$VAR/run/portal.pid")"
for i in $(seq 1 100); do
	http GET /staff/login
	[ "$STATUS" = 200 ] && grep -q '^2 ' "$VAR/secret" && break
	sleep 0.1
done
sleep 1
password tina@example.com "tina totp password"
expect_eq "the waiting sign-in is hashed with key 2" 2 \
	"$(sql "SELECT get_byte(id_hash, 0) FROM staff_login_challenges ORDER BY created_at DESC LIMIT 1")"
code "$(totp '+30 seconds')"
expect_status 303 "a code signs in after the rotation (the secret sealed with key 1 opens)"
password tina@example.com "tina totp password"
code "${codes[5]}"
expect_status 303 "a recovery code hashed with key 1 signs in after the rotation"
out=$(admin rotate-secret --retire 1 2>&1); rc=$?
check "retiring key 1 is refused while TOTP secrets and codes use it" test "$rc" -ne 0
check "naming the staff second factors" grep -q "1 staff TOTP secret and hashes the recovery codes of 1 staff user" <<<"$out"

# A lost phone: staff-totp-reset, then the password alone until re-enrolled.
out=$(admin staff-totp-reset tina@example.com 2>&1)
check "staff-totp-reset resets" grep -q "two-step sign-in reset for tina@example.com" <<<"$out"
expect_eq "it forgets the secret and the recovery codes" "0|0" \
	"$(sql "SELECT (SELECT count(*) FROM staff_totp), (SELECT count(*) FROM staff_recovery_codes)")"
check "and is audited" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'staff.totp_reset'")" = 1
out=$(admin staff-totp-reset tina@example.com 2>&1)
check "a second reset says there is nothing to reset" grep -q "not enrolled" <<<"$out"
password tina@example.com "tina totp password"
expect_status 303 "after the reset the password alone signs in"
out=$(admin staff-totp --light tina@example.com 2>&1)
uri=$(grep '^otpauth://' <<<"$out")
secret=$(sed -n 's/.*[?&]secret=\([A-Z2-7]*\)&.*/\1/p' <<<"$uri")
check "enrolled again after the rotation: sealed with key 2" grep -q '^k2:' \
	<<<"$(sql "SELECT secret_sealed FROM staff_totp t JOIN staff_users u ON u.id = t.staff_id WHERE u.email = 'tina@example.com'")"
python3 "$ROOT/tests/integration/qr-text-to-pgm.py" --light <<<"$out" > "$T/qr.pgm"
expect_eq "re-enrolled, the QR drawn for a light terminal decodes to the new URI" "$uri" \
	"$(zbarimg --raw -q "$T/qr.pgm" 2>/dev/null)"
password tina@example.com "tina totp password"
code "$(totp)"
expect_status 303 "and the new phone's code signs in"

# staff_totp_required = yes: staff without TOTP cannot sign in.
pidfile=$(sed -n 's/^pidfile = //p' "$CONF")
echo "staff_totp_required = yes" >> "$CONF"
kill -HUP "$(cat "$pidfile")"
for i in $(seq 1 50); do
	password paul@example.com "paul plain password"
	[ "$STATUS" = 303 ] || break
	sleep 0.2
done
expect_status 403 "with staff_totp_required, a user without TOTP is refused"
expect_body "Two-step sign-in is not set up" "and told to ask for it"
password tina@example.com "tina totp password"
code "$(totp '+30 seconds')"
expect_status 303 "an enrolled user still signs in"
finish
