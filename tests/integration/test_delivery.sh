#!/usr/bin/env bash
# Issue 17: delivery at least once. A notifier killed while a message is
# 'sending' leaves a lease that expires; another notifier then sends the
# message again, as the same sealed text with the same Message-ID. Marking
# the outcome checks that the claim is still the marker's, and a message
# whose notifier died on every attempt is given up with a reason.
. "$(dirname "$0")/lib.sh"
SETS=(--set sendmail_timeout=3 --set notify_lease=5 --set notify_poll=1)
stack_up "${SETS[@]}"

MAIL=$VAR/mail
notify_pid() { cat "$VAR/run/notify.pid"; }
stop_notify() {	# stop_notify SIGNAL
	local pid
	pid=$(notify_pid)
	kill "-$1" "$pid"
	while [ -d "/proc/$pid" ]; do sleep 0.1; done
}
start_notify() {
	"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo "${SETS[@]}" \
		> /dev/null 2>&1
}
# queue N TAG: N sealed messages ("TAG 1"...), each with its own Message-ID.
queue() {
	"$ROOT/build/outbox-fill" "$CONF" "$1" "$2" > "$T/fill.tsv" &&
	"$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -q -v ON_ERROR_STOP=1 \
		-c "\\copy outbox (kind, recipient, subject, message) FROM '$T/fill.tsv'"
}
status_of() { sql "SELECT status FROM outbox WHERE subject = '$1 1'"; }
# wait_until SECONDS COMMAND...
wait_until() {
	local n=$(( $1 * 10 )); shift
	while [ "$n" -gt 0 ]; do "$@" && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
is_status() { [ "$(status_of "$1")" = "$2" ]; }
files_with() { grep -l "^Subject: $1 1\$" "$MAIL"/*.eml 2>/dev/null | wc -l; }
has_files() { [ "$(files_with "$1")" = "$2" ]; }	# has_files TAG N

# 1. Killed between sendmail and marking it sent: sent again, same id.
sed 's/^notify_lease = .*/notify_lease = 3/' "$CONF" > "$T/short.conf"
out=$(timeout 10 "$BUILD/portal-notify" -c "$T/short.conf" 2>&1)
expect_eq "portal-notify refuses a lease not longer than sendmail_timeout" 1 "$?"
check "and says why" grep -q "must be longer than sendmail_timeout" <<< "$out"
stop_notify TERM
queue 1 "Lease one"
echo 1 > "$MAIL/SLOW"
start_notify
check "the notifier claims the message" wait_until 10 is_status "Lease one" sending
stop_notify KILL	# inside sendmail, which finishes without it
check "the sendmail it started still delivers it once" wait_until 5 has_files "Lease one" 1
rm -f "$MAIL/SLOW"
expect_eq "the dead notifier's message stays 'sending' with a lease" "sending|t" \
	"$(sql "SELECT status, claimed_until IS NOT NULL FROM outbox WHERE subject = 'Lease one 1'")"
start_notify
check "after the lease expires another notifier sends it" wait_until 15 is_status "Lease one" sent
expect_eq "it was claimed twice" 2 "$(sql "SELECT attempts FROM outbox WHERE subject = 'Lease one 1'")"
expect_eq "so it arrived twice" 2 "$(files_with "Lease one")"
expect_eq "both copies carry the same Message-ID" 1 \
	"$(grep -h '^Message-ID:' $(grep -l '^Subject: Lease one 1$' "$MAIL"/*.eml) | sort -u | wc -l)"
check "the notifier logs the resend" grep -q "its last claim expired" "$VAR/log/notify.log"

# 2. Killed before sendmail finished: sent once, by the next notifier.
stop_notify TERM
queue 1 "Lease two"
echo 3 > "$MAIL/SLOW"
start_notify
check "a second message is claimed" wait_until 10 is_status "Lease two" sending
stop_notify KILL
rm -f "$MAIL/SLOW"
start_notify
check "and sent by the next notifier" wait_until 15 is_status "Lease two" sent
# The killed notifier's sendmail may or may not have finished (3 s): at
# least one copy, never a copy with another Message-ID.
check "it arrived at least once" test "$(files_with "Lease two")" -ge 1
expect_eq "every copy with one Message-ID" 1 \
	"$(grep -h '^Message-ID:' $(grep -l '^Subject: Lease two 1$' "$MAIL"/*.eml) | sort -u | wc -l)"

# 3. A claim taken over while sendmail runs: the first notifier does not
# mark the message sent under the other's claim.
echo 2 > "$MAIL/SLOW"
queue 1 "Lease three"
check "a third message is claimed" wait_until 10 is_status "Lease three" sending
sql "UPDATE outbox SET claimed_by = 'portal-notify[other]', attempts = attempts + 1, claimed_until = now() + interval '1 hour' WHERE subject = 'Lease three 1'"
check "sendmail finishes" wait_until 10 has_files "Lease three" 1
sleep 0.5
rm -f "$MAIL/SLOW"
expect_eq "the message stays with the claim that holds it" "sending|portal-notify[other]" \
	"$(sql "SELECT status, claimed_by FROM outbox WHERE subject = 'Lease three 1'")"
check "the notifier logs that its claim was gone" grep -q "the claim expired before its outcome was recorded" "$VAR/log/notify.log"
sql "UPDATE outbox SET status = 'sent', claimed_until = NULL WHERE subject = 'Lease three 1'" > /dev/null

# 4. A notifier that died on every attempt: given up, with the reason.
stop_notify TERM
queue 1 "Lease four"
sql "UPDATE outbox SET status = 'sending', attempts = 50, claimed_by = 'portal-notify[gone]', claimed_until = now() - interval '1 second' WHERE subject = 'Lease four 1'"
start_notify
check "an expired claim with no attempt left is marked failed" wait_until 10 is_status "Lease four" failed
expect_eq "and not sent" 0 "$(files_with "Lease four")"
check "the reason is recorded" test -n "$(sql "SELECT 1 FROM outbox WHERE subject = 'Lease four 1' AND last_error LIKE 'the notifier stopped during each of 50 attempts%'")"
expect_eq "nothing is left 'sending'" 0 "$(sql "SELECT count(*) FROM outbox WHERE status = 'sending'")"
finish
