#!/usr/bin/env bash
# make scale-test: Settle on more than one process, proved on one machine.
# 1. Two portal instances (two sockets) behind one nginx upstream; under wrk
#    load on an invoice page, one instance is killed (SIGKILL, master and
#    workers): failed requests with fastcgi_next_upstream (target 0), and
#    the same without it, for comparison.
# 2. PgBouncer between instance 2 and PostgreSQL: session pooling (our named
#    prepared statements live per server connection), then transaction
#    pooling to show what breaks.
# 3. A streaming replica made with pg_basebackup: its lag under the same
#    load, and the portal reading the staff queue and invoice history from
#    it (db_read): a row it has not replayed yet is not on the page, its
#    lag on /healthz for staff, and the fallback to the primary.
# Bounded: each load phase lasts SCALE_SECONDS (15) on loopback only.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_LOAD=${SCALE_SECONDS:-15}
KILL_AFTER=$(( SECONDS_LOAD / 3 ))
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PASS=0
FAIL=0
say() { printf '%s\n' "$*"; }
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [ -z "${2:-}" ] || echo "#   $2"; }
check() { local n=$1; shift; if "$@"; then ok "$n"; else not_ok "$n" "failed: $*"; fi; }
command -v wrk > /dev/null || { echo "wrk is missing: scripts/deps.sh scale"; exit 1; }
command -v pgbouncer > /dev/null || PGB_MISSING=1

T=$(mktemp -d /tmp/settle-scale.XXXXXX)
chmod 755 "$T"
VAR=$T/var
CONF=$VAR/settle.conf
PORT=$("$ROOT/scripts/free-port.sh")
BASE=http://127.0.0.1:$PORT
RUNUSER=
[ "$(id -u)" -ne 0 ] || RUNUSER=settle
as_user() { if [ -n "$RUNUSER" ]; then setpriv --reuid=$RUNUSER --regid=$RUNUSER --init-groups -- "$@"; else "$@"; fi; }
cleanup() {
	[ ! -f "$RUN/pgbouncer.pid" ] || kill -TERM "$(cat "$RUN/pgbouncer.pid")" 2>/dev/null
	[ ! -f "$VAR/replica/postmaster.pid" ] ||
		as_user "$PGBIN/pg_ctl" -D "$VAR/replica" -m immediate -w stop > /dev/null 2>&1
	"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "== starting a stack with two portal instances on 127.0.0.1:$PORT"
"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --exempt --instances 2 \
	> "$T/stack.log" 2>&1 || { cat "$T/stack.log"; exit 1; }
RUN=$(cd "$VAR/run" && pwd -P)
admin() { "$ROOT/build/portal-admin" -c "$CONF" "$@"; }
psql_at() { local port=$1; shift; "$PGBIN/psql" -X -h "$RUN" -p "$port" -U settle -d settle -Atq "$@"; }
path=$(admin link INV-2026-0171 | sed 's|^http://[^/]*||')
check "nginx's upstream lists both sockets" \
	test "$(grep -c 'server unix:.*portal\(-2\)\?\.sock' "$VAR/nginx/nginx.conf")" -eq 2

# load SECONDS KILL: wrk on the invoice page; after KILL seconds instance 2
# dies (0: nothing is killed). Sets REQS, FAILED (non-2xx + socket errors,
# from wrk) and RETRIED (nginx's log: requests that went to a second server).
load() {
	local secs=$1 kill_after=$2 master log_from out
	log_from=$(wc -l < "$VAR/log/nginx-access.log")
	wrk -t2 -c16 -d"${secs}s" "$BASE$path" > "$T/wrk.out" 2>&1 &
	local wrk_pid=$!
	if [ "$kill_after" -gt 0 ]; then
		sleep "$kill_after"
		master=$(cat "$RUN/portal-2.pid")
		kill -KILL "$master" $(pgrep -P "$master") 2>/dev/null
		say "   killed instance 2 (master $master and its workers) after ${kill_after} s"
	fi
	wait "$wrk_pid"
	out=$(cat "$T/wrk.out")
	REQS=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<< "$out")
	local non2xx sock
	non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' <<< "$out")
	sock=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' <<< "$out")
	FAILED=$(( ${non2xx:-0} + $(tr ' ' '+' <<< "${sock:-0}") ))
	RETRIED=$(tail -n +"$((log_from + 1))" "$VAR/log/nginx-access.log" | grep -c 'upstream=unix:[^ ]*, unix:')
	RPS=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<< "$out")
}
restart_instance2() {
	"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --exempt --instances 2 \
		--no-demo > "$T/stack.log" 2>&1 || cat "$T/stack.log"
}
nginx_reload() { as_user nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/log/nginx-error.log" -s reload; sleep 1; }

say ""
say "== 1. kill one of two instances under load (${SECONDS_LOAD} s of wrk, 2 threads, 16 connections)"
load "$SECONDS_LOAD" "$KILL_AFTER"
say "   with fastcgi_next_upstream: $REQS requests ($RPS/s), $FAILED failed, $RETRIED retried on the other instance"
R1_REQS=$REQS R1_FAILED=$FAILED R1_RETRIED=$RETRIED
check "no failed request after nginx's retry" test "$FAILED" -eq 0
check "nginx did retry some on the other instance" test "$RETRIED" -gt 0
restart_instance2
sed -i 's/^fastcgi_next_upstream error timeout;/fastcgi_next_upstream off;/' "$VAR/nginx/nginx.conf"
nginx_reload
load "$SECONDS_LOAD" "$KILL_AFTER"
say "   without (fastcgi_next_upstream off): $REQS requests, $FAILED failed"
R2_FAILED=$FAILED
restart_instance2	# renders nginx.conf again, with the retry

say ""
say "== 2. PgBouncer $(pgbouncer --version 2>/dev/null | head -n 1 | awk '{print $2}') between instance 2 and PostgreSQL"
if [ -z "${PGB_MISSING:-}" ]; then
	mkdir -p "$VAR/pgbouncer"
	printf '"settle" ""\n"settle_web" ""\n' > "$VAR/pgbouncer/userlist.txt"
	# PgBouncer 1.18 does not pass the startup parameter "options" (our
	# statement_timeout and TimeZone): the role carries them instead.
	psql_at 5432 -c "ALTER ROLE settle_web SET statement_timeout = '10s'" \
		-c "ALTER ROLE settle_web SET TimeZone = '$(sed -n 's/^timezone = //p' "$CONF")'"
	pgb_conf() {
		cat > "$VAR/pgbouncer/pgbouncer.ini" <<INI
[databases]
settle = host=$RUN port=5432 dbname=settle
[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $RUN
auth_type = trust
auth_file = $VAR/pgbouncer/userlist.txt
admin_users = settle
pool_mode = $1
max_client_conn = 200
default_pool_size = 8
ignore_startup_parameters = options
logfile = $VAR/log/pgbouncer.log
pidfile = $RUN/pgbouncer.pid
INI
	}
	pgb_conf session
	touch "$VAR/log/pgbouncer.log"
	chmod 0640 "$VAR/log/pgbouncer.log"
	[ -z "$RUNUSER" ] || chown -R "$RUNUSER:$RUNUSER" "$VAR/pgbouncer" "$VAR/log/pgbouncer.log"
	as_user pgbouncer -d -q "$VAR/pgbouncer/pgbouncer.ini"
	for _ in $(seq 1 50); do [ -S "$RUN/.s.PGSQL.6432" ] && break; sleep 0.1; done
	sed -i "s|^database = .*|database = host=$RUN port=6432 dbname=settle user=settle_web|" "$VAR/settle-2.conf"
	kill -HUP "$(cat "$RUN/portal-2.pid")"	# new workers, new connections
	sleep 2
	pgb_xacts() { "$PGBIN/psql" -X -h "$RUN" -p 6432 -U settle -d pgbouncer -Atq -c "SHOW STATS" 2>/dev/null |
		awk -F'|' '$1 == "settle" { print $2 }'; }
	before=$(pgb_xacts)
	load "$SECONDS_LOAD" 0
	after=$(pgb_xacts)
	say "   session pooling: $REQS requests ($RPS/s), $FAILED failed; $(( ${after:-0} - ${before:-0} )) transactions went through PgBouncer"
	R3_FAILED=$FAILED
	check "session pooling: no failed request" test "$FAILED" -eq 0
	check "session pooling: instance 2's transactions went through PgBouncer" test "$(( ${after:-0} - ${before:-0} ))" -gt 0
	pgb_conf transaction
	"$PGBIN/psql" -X -h "$RUN" -p 6432 -U settle -d pgbouncer -Atq -c RELOAD > /dev/null
	kill -HUP "$(cat "$RUN/portal-2.pid")"
	sleep 2
	errors_from=$(wc -l < "$VAR/log/portal-2.log")
	load "$SECONDS_LOAD" 0
	perr=$(tail -n +"$((errors_from + 1))" "$VAR/log/portal-2.log" | grep -c 'prepared statement')
	say "   transaction pooling: $REQS requests, $FAILED failed, $perr prepared-statement errors in instance 2's log"
	R4_FAILED=$FAILED R4_PERR=$perr
	# back to the database directly for what follows
	sed -i "s|^database = .*|$(grep '^database = ' "$CONF")|" "$VAR/settle-2.conf"
	kill -HUP "$(cat "$RUN/portal-2.pid")"
	sleep 1
else
	say "   pgbouncer is not installed (scripts/deps.sh scale): skipped"
fi

say ""
say "== 3. a streaming replica made with pg_basebackup"
as_user "$PGBIN/pg_basebackup" -h "$RUN" -U settle -D "$VAR/replica" -R -X stream -c fast \
	> "$T/basebackup.log" 2>&1
check "pg_basebackup made the replica" test -f "$VAR/replica/standby.signal"
{
	echo "port = 5433"
	echo "hot_standby = on"
} >> "$VAR/replica/postgresql.conf"
as_user "$PGBIN/pg_ctl" -D "$VAR/replica" -l "$VAR/log/replica.log" -w -t 60 start > /dev/null
check "the replica is in recovery (read-only)" test "$(psql_at 5433 -c 'SELECT pg_is_in_recovery()')" = t
lag_sample() {
	psql_at 5432 -c "SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1)
		|| ' ' || coalesce(extract(epoch FROM replay_lag) * 1000, 0)::int
		FROM pg_stat_replication LIMIT 1"
}
( while :; do lag_sample; sleep 0.5; done > "$T/lag" 2>/dev/null ) &
sampler=$!
load "$SECONDS_LOAD" 0
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
max_bytes=$(awk '{ if ($1 > m) m = $1 } END { print m + 0 }' "$T/lag")
max_ms=$(awk '{ if ($2 > m) m = $2 } END { print m + 0 }' "$T/lag")
samples=$(wc -l < "$T/lag")
sleep 1
after=$(lag_sample)
say "   under load ($REQS requests, each view writes an audit row): replica lag at most $max_bytes bytes of WAL, replay_lag at most $max_ms ms ($samples samples); 1 s after: ${after%% *} bytes"
check "the replica caught up after the load" test "${after%% *}" -eq 0
q_overview="SELECT count(*) || '/' || coalesce(sum(CASE WHEN status = 'new' THEN 1 ELSE 0 END), 0) FROM hardship_requests"
q_views="SELECT count(*) FROM audit_events"
p1=$(psql_at 5432 -c "$q_overview"); r1=$(psql_at 5433 -c "$q_overview")
p2=$(psql_at 5432 -c "$q_views"); r2=$(psql_at 5433 -c "$q_views")
say "   the overview's hardship counts (all/new): primary $p1, replica $r1; audit rows: primary $p2, replica $r2"
check "the replica answers the overview's questions like the primary" test "$p1" = "$r1" -a "$p2" = "$r2"
check "the replica refuses writes" bash -c "! '$PGBIN/psql' -X -h '$RUN' -p 5433 -U settle -d settle -Atqc \"UPDATE invoices SET updated_at = now()\" > /dev/null 2>&1"

# The portal reads the staff pages from it: db_read in both instances.
for conf in "$CONF" "$VAR/settle-2.conf"; do
	echo "db_read = host=$RUN port=5433 dbname=settle user=settle_web" >> "$conf"
done
kill -HUP "$(cat "$RUN/portal.pid")" "$(cat "$RUN/portal-2.pid")"
echo "scale test passphrase" | admin staff-add scale@example.com "Scale Clerk" > /dev/null
jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/login" "$BASE/staff/login"
lcsrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/login" | head -n 1)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$lcsrf" \
	--data-urlencode "email=scale@example.com" --data-urlencode "password=scale test passphrase" "$BASE/staff/login"
staff() { curl -s -b "$jar" -o "$T/page" -w '%{http_code}' "$BASE$1"; }
for i in $(seq 1 50); do staff /healthz > /dev/null; grep -q '^replica: ok' "$T/page" && break; sleep 0.2; done
say "   /healthz for staff: $(grep '^replica:' "$T/page")"
check "the portal sees the replica (db_read, after a reload)" grep -q '^replica: ok' "$T/page"
number=INV-2026-0171
psql_at 5433 -c "SELECT pg_wal_replay_pause()" > /dev/null
admin link "$number" > /dev/null
id=$(psql_at 5432 -c "SELECT max(id) FROM links")
sleep 1
code=$(staff "/staff/invoices/$number")
if [ "$code" = 200 ] && ! grep -qF "Link $id issued" "$T/page"; then
	ok "replay paused: the history page lacks link $id, which the primary has (it reads from the replica)"
else
	not_ok "the history page reads from the replica" "status $code; link $id on the page: $(grep -c "Link $id issued" "$T/page")"
fi
staff /healthz > /dev/null
paused=$(sed -n 's/^replica: ok, lag \([0-9.]*\) s.*/\1/p' "$T/page")
say "   replay paused for 1 s: /healthz says lag ${paused:-?} s"
psql_at 5433 -c "SELECT pg_wal_replay_resume()" > /dev/null
for i in $(seq 1 50); do staff "/staff/invoices/$number" > /dev/null; grep -qF "Link $id issued" "$T/page" && break; sleep 0.1; done
check "replay resumed: the history page shows link $id" grep -qF "Link $id issued" "$T/page"
readers=$(psql_at 5433 -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'portal-read'")
say "   the replica's pg_stat_activity: $readers connection(s) with application_name portal-read"
check "the portal's read connections are on the replica" test "$readers" -ge 1
# Lag under load, as the portal reports it to staff.
( while :; do staff /healthz > /dev/null; sed -n 's/^replica: ok, lag \([0-9.]*\) s.*/\1/p' "$T/page"; sleep 0.5; done > "$T/hlag" 2>/dev/null ) &
sampler=$!
load "$SECONDS_LOAD" 0
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
hmax=$(awk '{ if ($1 > m) m = $1 } END { print m + 0 }' "$T/hlag")
say "   under load again ($REQS requests): /healthz showed staff a lag of at most $hmax s ($(wc -l < "$T/hlag") samples)"
as_user "$PGBIN/pg_ctl" -D "$VAR/replica" -m fast -w stop > /dev/null
code=$(staff "/staff/invoices/$number")
check "replica stopped: the history page still opens, from the primary ($code)" test "$code" = 200
check "and the fallback is logged" grep -q "the read replica (db_read) does not answer" "$VAR/log/portal.log" "$VAR/log/portal-2.log"

say ""
say "Summary"
say "  kill one of two instances: $R1_FAILED failed of $R1_REQS with fastcgi_next_upstream ($R1_RETRIED retried); $R2_FAILED failed without"
[ -n "${PGB_MISSING:-}" ] || say "  PgBouncer: session pooling $R3_FAILED failed; transaction pooling $R4_FAILED failed ($R4_PERR prepared-statement errors)"
say "  replica: lag at most $max_bytes bytes / $max_ms ms under load, 0 after; serving the staff history (db_read), at most $hmax s behind on /healthz under load"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
