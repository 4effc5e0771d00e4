#!/usr/bin/env bash
# Issue 19: a streaming replica (pg_basebackup) serves the staff queue and
# invoice history (config db_read); debtor pages and every write stay on the
# primary; /healthz shows signed-in staff the replica's lag; when the replica
# stops, the staff pages read from the primary (logged).
. "$(dirname "$0")/lib.sh"
stack_up --exempt

RUNUSER=
[ "$(id -u)" -ne 0 ] || RUNUSER=settle
as_user() { if [ -n "$RUNUSER" ]; then setpriv --reuid=$RUNUSER --regid=$RUNUSER --init-groups -- "$@"; else "$@"; fi; }
mkdir -m 0700 "$T/rep"
[ -z "$RUNUSER" ] || chown "$RUNUSER:$RUNUSER" "$T/rep"
REPLICA=$T/rep/data
RPORT=$("$ROOT/scripts/free-port.sh")	# a port number for the socket's name only
stop_replica() {
	[ ! -f "$REPLICA/postmaster.pid" ] ||
		as_user "$PGBIN/pg_ctl" -D "$REPLICA" -m fast -w stop > /dev/null 2>&1
}
trap 'stop_replica; stack_down' EXIT
rsql() { "$PGBIN/psql" -X -h "$VAR/run" -p "$RPORT" -U settle -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }

d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/inv.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
Q-1,QC-1,Tara Singh,tara@example.com,,en,GBP,$(d -40),$(d -10),line,Website,1,640.00,
CSV
admin import "$T/inv.csv" > /dev/null
echo "a long enough passphrase" | admin staff-add una@example.com "Una Clerk" > /dev/null
jar=$T/jar
curl -s -c "$jar" -b "$jar" -o "$T/body" "$BASE/staff/login"
csrf=$(form_value csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
	--data-urlencode "email=una@example.com" --data-urlencode "password=a long enough passphrase" "$BASE/staff/login"
staff() { STATUS=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$BASE$1"); }

http GET /healthz
expect_eq "without a session /healthz is just ok" "ok" "$(cat "$T/body")"
staff /healthz
expect_body "replica: none (db_read is not set)" "staff see that there is no replica"

# The replica: a base backup of the running primary, streaming.
as_user "$PGBIN/pg_basebackup" -h "$VAR/run" -U settle -D "$REPLICA" -R -X stream -c fast \
	> "$T/basebackup.log" 2>&1 || sed "s/^/# /" "$T/basebackup.log"
check "pg_basebackup made a standby" test -f "$REPLICA/standby.signal"
printf 'port = %s\nhot_standby = on\nunix_socket_directories = '"'"'%s'"'"'\n' "$RPORT" "$VAR/run" >> "$REPLICA/postgresql.conf"
as_user "$PGBIN/pg_ctl" -D "$REPLICA" -l "$T/rep/log" -w -t 60 start > /dev/null
check "the replica is in recovery" test "$(rsql 'SELECT pg_is_in_recovery()')" = t

echo "db_read = host=$VAR/run port=$RPORT dbname=settle user=settle_web" >> "$CONF"
kill -HUP "$(cat "$VAR/run/portal.pid")"
replica_ok() { staff /healthz; grep -q '^replica: ok' "$T/body"; }
for i in $(seq 1 50); do replica_ok && break; sleep 0.2; done
check "after a reload, staff see the replica on /healthz" replica_ok
check "with its lag in seconds" grep -qE '^replica: ok, lag [0-9]+\.[0-9]{3} s \(last replayed transaction ' "$T/body"
expect_body "primary: ok" "and the primary"

# The staff pages read from the replica: with its replay paused, a link
# issued on the primary is not in the history yet.
staff /staff/invoices/Q-1
expect_status 200 "the invoice history opens"
rsql "SELECT pg_wal_replay_pause()" > /dev/null
before=$(sql "SELECT count(*) FROM links")
p=$(link_path Q-1)
id=$(sql "SELECT max(id) FROM links")
sleep 1.2
staff /staff/invoices/Q-1
expect_no_body "Link $id issued" "with replay paused, the history (from the replica) lacks the new link"
check "though the primary has it" test "$(sql "SELECT count(*) FROM links")" -gt "$before"
check "the replica's backends are the portal's read connections" \
	test "$(rsql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'portal-read'")" -ge 1
staff /healthz
check "and /healthz shows the replica behind" grep -qE '^replica: ok, lag ([1-9][0-9]*\.[0-9]{3}|0\.[0-9]*[1-9][0-9]*) s' "$T/body"
http GET "$p"
expect_status 200 "the debtor's new link opens: debtor pages use the primary"
check "and its view is audited on the primary" test "$(sql "SELECT count(*) FROM audit_events WHERE action = 'invoice.viewed' AND link_id = $id")" = 1
staff /staff
expect_status 200 "the queue opens from the replica"
rsql "SELECT pg_wal_replay_resume()" > /dev/null
caught_up() { staff /staff/invoices/Q-1; grep -qF "Link $id issued" "$T/body"; }
for i in $(seq 1 50); do caught_up && break; sleep 0.1; done
check "once it replays, the history shows the link" caught_up

# The replica stops: staff pages read from the primary, and the log says so.
stop_replica
staff /staff/invoices/Q-1
expect_status 200 "with the replica down the history still opens (from the primary)"
expect_body "Link $id issued" "with the primary's rows"
staff "/staff?q=Tara"
expect_status 200 "and the queue and search"
expect_body "Tara Singh" "with the search's answer"
check "the fallback is logged" grep -q "warning: the read replica (db_read) does not answer: staff pages read from the primary" "$VAR/log/portal.log"
staff /healthz
expect_body "replica: unavailable; staff pages read from the primary" "staff see the replica is down on /healthz"
http GET "$p"
expect_status 200 "debtor pages do not notice"

finish
