#!/usr/bin/env bash
# make stress: faults under load, on a stack of its own (temporary directory,
# free loopback port, stopped by PID at the end). Three parts, each bounded
# in time and each printing requests, errors, rows checked, lost and doubled:
#   a. portal-notify killed with SIGKILL 50 times (restarted each time)
#      while it delivers 2,000 messages: each message is counted in the mail
#      directory by its subject, and copies must share one Message-ID.
#   b. wrk on an invoice page plus a stream of plan and hardship POSTs, one
#      portal worker killed with SIGKILL every second for 30 s: errors under
#      1%, none once the master has replaced the workers, every 303 has its row.
#   c. the same load while PostgreSQL is stopped and started again: 503s
#      while it is down, recovery without restarting the portal, every 303
#      has its row.
# Exits non-zero when anything is lost or a bound is broken.
#   scripts/stress.sh [a|b|c]...      (default: all three)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SETTLE_BUILD:-$ROOT/build}
export SETTLE_BUILD=$BUILD
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PARTS=${*:-a b c}
MESSAGES=${STRESS_MESSAGES:-2000}
KILLS=${STRESS_KILLS:-50}
SECONDS_B=${STRESS_SECONDS:-30}
INVOICES=1200		# a fresh invoice for every POST of parts b and c

T=$(mktemp -d /tmp/settle-stress.XXXXXX)
chmod 755 "$T"
VAR=$T/var
CONF=$VAR/settle.conf
PORT=$("$ROOT/scripts/free-port.sh")
BASE=http://127.0.0.1:$PORT
SETS=(--set sendmail_timeout=8 --set notify_lease=10 --set notify_poll=1)
BAD=0
NOTIFY_PID=
LOOP_PIDS=()

cleanup() {
	local p
	for p in "${LOOP_PIDS[@]}" $NOTIFY_PID; do kill "$p" 2>/dev/null; done
	"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }
sql() { "$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }
admin() { "$BUILD/portal-admin" -c "$CONF" "$@"; }
# report PART REQUESTS ERRORS ROWS LOST DOUBLED [NOTE]
report() {
	printf '%s: requests %s, errors %s, rows checked %s, lost %s, doubled %s%s\n' \
		"$1" "$2" "$3" "$4" "$5" "$6" "${7:+ ($7)}"
	[ "$5" -eq 0 ] || BAD=1
}
fail() { say "  FAILED: $*"; BAD=1; }

start_stack() {
	if ! "$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo --exempt \
		"${SETS[@]}" > "$T/stack.log" 2>&1; then
		say "the stack did not start:"; cat "$T/stack.log"; exit 1
	fi
}

# --- a. portal-notify killed while delivering ------------------------------
# NOTIFY_PID is the notifier itself (setpriv execs it): a function or
# subshell in between would be what gets killed.
AS_SETTLE=()
[ "$(id -u)" -ne 0 ] || AS_SETTLE=(setpriv --reuid=settle --regid=settle --init-groups --)
start_notifier() {
	"${AS_SETTLE[@]}" "$BUILD/portal-notify" -c "$CONF" >> "$VAR/log/notify-stress.log" 2>&1 &
	NOTIFY_PID=$!
}
part_a() {
	local pending i kills=0 start el
	say "a. $MESSAGES messages, portal-notify killed with SIGKILL $KILLS times"
	kill "$(cat "$VAR/run/notify.pid")"
	while [ -d "/proc/$(cat "$VAR/run/notify.pid")" ]; do sleep 0.1; done
	rm -f "$VAR"/mail/*.eml
	"$ROOT/build/outbox-fill" "$CONF" "$MESSAGES" stress-a > "$T/fill.tsv" || exit 1
	"$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -q -v ON_ERROR_STOP=1 \
		-c "\\copy outbox (kind, recipient, subject, message) FROM '$T/fill.tsv'" || exit 1
	start=$(date +%s)
	start_notifier
	# Each kill lands mid-delivery: once this notifier holds a claim (a
	# message 'sending' in its name), after 0 to 90 ms more.
	while [ "$kills" -lt "$KILLS" ]; do
		pending=$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")
		[ "$pending" -gt 0 ] || break
		for i in $(seq 1 100); do
			[ -n "$(sql "SELECT 1 FROM outbox WHERE status = 'sending' AND claimed_by = 'portal-notify[$NOTIFY_PID]' LIMIT 1")" ] && break
			sleep 0.05
		done
		sleep "0.0$(( RANDOM % 10 ))"
		kill -KILL "$NOTIFY_PID" 2>/dev/null && kills=$((kills + 1))
		wait "$NOTIFY_PID" 2>/dev/null
		start_notifier
	done
	# Then until every message is sent, or nothing moved for 60 s.
	local last=-1 still=0
	while :; do
		pending=$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")
		[ "$pending" -gt 0 ] || break
		if [ "$pending" = "$last" ]; then still=$((still + 1)); else still=0; last=$pending; fi
		[ "$still" -lt 60 ] || break
		sleep 1
	done
	el=$(( $(date +%s) - start ))
	kill "$NOTIFY_PID"; wait "$NOTIFY_PID" 2>/dev/null; NOTIFY_PID=
	sleep 2	# a killed notifier's sendmail may still be writing
	# One line per mail file: subject, Message-ID.
	for f in "$VAR"/mail/*.eml; do
		awk '/^Subject: /{ s = substr($0, 10) } /^Message-ID: /{ m = $2 }
			/^$/{ print s "\t" m; exit }' "$f"
	done > "$T/a.mails"
	local rows files lost doubled mixed failed mid
	rows=$(sql "SELECT count(*) FROM outbox WHERE subject LIKE 'stress-a %'")
	failed=$(sql "SELECT count(*) FROM outbox WHERE subject LIKE 'stress-a %' AND status <> 'sent'")
	files=$(wc -l < "$T/a.mails")
	lost=$(sql "SELECT subject FROM outbox WHERE subject LIKE 'stress-a %'" | sort > "$T/a.want";
		cut -f1 "$T/a.mails" | sort -u | comm -23 "$T/a.want" - | wc -l)
	doubled=$(( files - $(cut -f1 "$T/a.mails" | sort -u | wc -l) ))
	mixed=$(sort -u "$T/a.mails" | cut -f1 | uniq -d | wc -l)	# a subject with two ids
	mid=$(sql "SELECT count(*) FROM outbox WHERE subject LIKE 'stress-a %' AND attempts > 1")
	report "a. notifier SIGKILL x$kills" "$MESSAGES messages" "$failed not sent" "$rows" "$lost" \
		"$doubled" "$files mail files in ${el} s; copies with another Message-ID: $mixed; $mid claimed again after their notifier was killed holding them"
	[ "$kills" -eq "$KILLS" ] || fail "only $kills kills happened before the queue was empty"
	[ "$mid" -ge $((KILLS / 2)) ] || fail "only $mid kills hit a message being delivered"
	[ "$mixed" -eq 0 ] || fail "$mixed messages arrived with different Message-IDs"
	[ "$failed" -eq 0 ] || fail "$failed messages were not sent"
}

# --- b and c: load on pages and forms --------------------------------------
setup_invoices() {
	local d1 d2 i
	d1=$(date -u -d '-40 days' +%Y-%m-%d)
	d2=$(date -u -d '-10 days' +%Y-%m-%d)
	{
		echo "invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date"
		for i in $(seq 1 "$INVOICES"); do
			echo "ST-$i,SC-$i,Stress Customer $i,st$i@example.com,,en,GBP,$d1,$d2,line,Services,1,900.00,"
		done
	} > "$T/inv.csv"
	admin import "$T/inv.csv" > /dev/null || exit 1
	export BUILD CONF
	seq 1 "$INVOICES" | xargs -P 4 -I{} sh -c \
		'echo "ST-{} $("$BUILD/portal-admin" -c "$CONF" link ST-{} | sed "s|^http://[^/]*||")"' \
		| sort -t- -k2 -n > "$T/links"
	[ "$(grep -c ' /i/' "$T/links")" = "$INVOICES" ] || { say "could not issue the links"; exit 1; }
	say "  $INVOICES invoices and links for the POST stream"
}

field() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1; }

# post_loop KIND FIRST LAST OUT SECONDS: GET the form, POST it, one invoice
# after another; each line of OUT: invoice, status of the POST.
post_loop() {
	local kind=$1 first=$2 last=$3 out=$4 until=$(( $(date +%s) + $5 ))
	local i inv path page=$T/page.$kind.$BASHPID csrf quote code day
	day=$(date -d '+3 days' +%Y-%m-%d)
	while [ "$(date +%u -d "$day")" -gt 5 ]; do day=$(date -d "$day + 1 day" +%Y-%m-%d); done
	for i in $(seq "$first" "$last"); do
		[ "$(date +%s)" -lt "$until" ] || break
		read -r inv path < <(sed -n "${i}p" "$T/links")
		code=$(curl -s -o "$page" -w '%{http_code}' --max-time 10 "$BASE$path/$kind")
		if [ "$code" != 200 ]; then echo "$inv GET$code" >> "$out"; continue; fi
		csrf=$(field csrf "$page")
		if [ "$kind" = plan ]; then
			quote=$(field quote "$page")
			code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
				--data-urlencode option=1 --data-urlencode agree=yes \
				--data-urlencode "csrf=$csrf" --data-urlencode "quote=$quote" \
				"$BASE$path/plan")
		else
			code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
				--data-urlencode "csrf=$csrf" --data-urlencode category=income \
				--data-urlencode "message=stress note for $inv" --data-urlencode contact=email \
				--data-urlencode "callback_date=$day" --data-urlencode callback_window=morning \
				"$BASE$path/hardship")
		fi
		echo "$inv $code" >> "$out"
	done
}

# wrk_run SECONDS OUT: wrk on one invoice page, 2 threads, 16 connections.
wrk_run() {
	local path
	path=$(sed -n '1p' "$T/links" | cut -d' ' -f2)
	wrk -t2 -c16 -d"$1s" --timeout 5s "$BASE$path" > "$2" 2>&1
}
# wrk_counts FILE: "requests errors" (non-2xx/3xx answers and socket errors).
wrk_counts() {
	local req non sock
	req=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$1")
	non=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1")
	sock=$(sed -n 's/^ *Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$1" |
		awk '{ print $1 + $2 + $3 + $4 }')
	echo "${req:-0} $(( ${non:-0} + ${sock:-0} ))"
}

# check_rows OUT...: every 303 has its row; prints "acked checked lost doubled".
check_rows() {
	local acked=0 lost=0 doubled=0 inv code kind n f
	for f in "$@"; do
		kind=plan
		case $f in *hardship*) kind=hardship ;; esac
		while read -r inv code; do
			[ "$code" = 303 ] || continue
			acked=$((acked + 1))
			if [ "$kind" = plan ]; then
				n=$(sql "SELECT count(*) FROM plans p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = '$inv'")
			else
				n=$(sql "SELECT count(*) FROM hardship_requests h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = '$inv' AND h.message = 'stress note for $inv'")
			fi
			[ "$n" -ge 1 ] || lost=$((lost + 1))
			[ "$n" -le 1 ] || doubled=$((doubled + 1))
		done < "$f"
	done
	echo "$acked $acked $lost $doubled"
}
post_errors() { cat "$@" | awk '$2 != 303 && $2 != 409 { n++ } END { print n + 0 }'; }
post_count() { cat "$@" | wc -l; }

part_b() {
	local master kills=0 victim t0 workers req err preq perr acked rows lost doubled pct
	say "b. wrk and a stream of plan and hardship POSTs; a worker killed with SIGKILL every second for ${SECONDS_B} s"
	master=$(cat "$VAR/run/portal.pid")
	workers=$(pgrep -P "$master" | wc -l)
	: > "$T/b.plan"; : > "$T/b.hardship"
	post_loop plan 1 300 "$T/b.plan" "$SECONDS_B" & LOOP_PIDS+=($!)
	post_loop hardship 301 600 "$T/b.hardship" "$SECONDS_B" & LOOP_PIDS+=($!)
	wrk_run "$SECONDS_B" "$T/b.wrk" & LOOP_PIDS+=($!)
	t0=$(date +%s.%N)
	while [ "$kills" -lt "$SECONDS_B" ]; do
		# Kill number k at t0 + k seconds, however long the last one took.
		sleep "$(awk -v t="$t0" -v k=$((kills + 1)) -v now="$(date +%s.%N)" \
			'BEGIN { d = t + k - now; if (d < 0) d = 0; printf "%.3f", d }')"
		victim=$(pgrep -P "$master" | shuf -n 1)
		[ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null && kills=$((kills + 1))
	done
	wait "${LOOP_PIDS[@]}" 2>/dev/null; LOOP_PIDS=()
	read -r req err < <(wrk_counts "$T/b.wrk")
	preq=$(post_count "$T/b.plan" "$T/b.hardship")
	perr=$(post_errors "$T/b.plan" "$T/b.hardship")
	read -r acked rows lost doubled < <(check_rows "$T/b.plan" "$T/b.hardship")
	pct=$(awk -v e=$((err + perr)) -v r=$((req + preq * 2)) 'BEGIN { printf "%.3f", r ? 100 * e / r : 0 }')
	report "b. worker SIGKILL x$kills" "$((req + preq * 2)) ($req wrk, $preq GET+POST pairs)" \
		"$((err + perr)) (${pct}%: $err wrk, $perr POST)" "$rows" "$lost" "$doubled" \
		"$acked POSTs acknowledged with 303"
	awk -v p="$pct" 'BEGIN { exit !(p < 1) }' || fail "errors ${pct}% (bound: under 1%)"
	# Once the master has replaced the workers: no error at all.
	for i in $(seq 1 50); do
		[ "$(pgrep -P "$master" | wc -l)" -ge "$workers" ] && break
		sleep 0.1
	done
	wrk_run 5 "$T/b.after"
	read -r req err < <(wrk_counts "$T/b.after")
	say "   after the workers were replaced: $req requests in 5 s, $err errors"
	[ "$err" -eq 0 ] || fail "$err errors after the master replaced the workers"
	[ "$(cat "$VAR/run/portal.pid")" = "$master" ] || fail "the portal master changed"
}

part_c() {
	local master t0 req err preq perr acked rows lost doubled down503 downtime after
	say "c. the same load; PostgreSQL stopped 5 s into a 20 s run, started 5 s later"
	master=$(cat "$VAR/run/portal.pid")
	: > "$T/c.plan"; : > "$T/c.hardship"; : > "$T/c.health"
	post_loop plan 601 900 "$T/c.plan" 20 & LOOP_PIDS+=($!)
	post_loop hardship 901 1200 "$T/c.hardship" 20 & LOOP_PIDS+=($!)
	wrk_run 20 "$T/c.wrk" & LOOP_PIDS+=($!)
	( while :; do echo "$(date +%s.%N) $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz")"; sleep 0.2; done >> "$T/c.health" ) &
	local hpid=$!
	sleep 5
	t0=$(date +%s.%N)
	"$ROOT/scripts/stack.sh" pg-stop "$VAR" > /dev/null
	sleep 5
	"$ROOT/scripts/stack.sh" pg-start "$VAR" > /dev/null
	downtime=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	wait "${LOOP_PIDS[@]}" 2>/dev/null; LOOP_PIDS=()
	kill "$hpid"; wait "$hpid" 2>/dev/null
	read -r req err < <(wrk_counts "$T/c.wrk")
	preq=$(post_count "$T/c.plan" "$T/c.hardship")
	perr=$(post_errors "$T/c.plan" "$T/c.hardship")
	down503=$(awk '$2 == 503' "$T/c.health" | wc -l)
	read -r acked rows lost doubled < <(check_rows "$T/c.plan" "$T/c.hardship")
	report "c. PostgreSQL restart" "$((req + preq * 2)) ($req wrk, $preq GET+POST pairs)" \
		"$((err + perr)) ($err wrk, $perr POST; down ${downtime} s)" "$rows" "$lost" "$doubled" \
		"$acked POSTs acknowledged with 303; healthz 503 $down503 times while down, codes seen: $(cut -d' ' -f2 "$T/c.health" | sort | uniq -c | awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')"
	[ "$down503" -gt 0 ] || fail "healthz never answered 503 while PostgreSQL was down"
	[ "$(cat "$VAR/run/portal.pid")" = "$master" ] || fail "the portal master changed"
	after=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz")
	[ "$after" = 200 ] || fail "healthz is $after after PostgreSQL came back"
	wrk_run 5 "$T/c.after"
	read -r req err < <(wrk_counts "$T/c.after")
	say "   after recovery, same portal processes: $req requests in 5 s, $err errors"
	[ "$err" -eq 0 ] || fail "$err errors after recovery"
	awk '$2 != 303 && $2 != 409 && $2 != 503 && $2 != "GET503"' "$T/c.plan" "$T/c.hardship" > "$T/c.other"
	[ ! -s "$T/c.other" ] || fail "POST answers other than 303, 409 or 503: $(cut -d' ' -f2 "$T/c.other" | sort | uniq -c | tr '\n' ' ')"
}

command -v wrk > /dev/null || { say "wrk is not installed (scripts/deps.sh bench)"; exit 1; }
[ -x "$ROOT/build/outbox-fill" ] || { say "build/outbox-fill is missing (make all)"; exit 1; }
say "make stress: stack in $T on $BASE (programs from $BUILD)"
start_stack
for part in $PARTS; do
	case $part in
	a) part_a ;;
	b|c) [ -s "$T/links" ] || setup_invoices; "part_$part" ;;
	*) say "unknown part $part (a, b or c)"; exit 2 ;;
	esac
done
if [ "$BAD" -eq 0 ]; then say "stress: every part passed (lost = 0)"; else say "stress: FAILED"; fi
exit "$BAD"
