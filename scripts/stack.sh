#!/usr/bin/env bash
# Starts and stops a complete Settle stack in one state directory: a
# PostgreSQL cluster, portal (FastCGI workers), portal-notify and nginx.
# `make run/start/stop/psql` use it with var/; the integration tests use it
# with a temporary directory and a free port, so runs never collide.
#
#   scripts/stack.sh start DIR [--port N] [--fast] [--no-demo] [--exempt]
#                             [--set KEY=VALUE]...   (override a config key)
#   scripts/stack.sh run DIR      start, print the demo links, stop on Ctrl-C
#   scripts/stack.sh stop DIR     stop what DIR's pid files name
#   scripts/stack.sh pg-stop DIR | pg-start DIR   only the database
#   scripts/stack.sh psql DIR [psql args]
#   scripts/stack.sh links DIR    print fresh demo links
#
# As root, everything runs as the system user "settle" (created if needed):
# PostgreSQL refuses to run as root, and nginx and the portal need no
# privileges. As another user, everything runs as that user.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SETTLE_BUILD:-$ROOT/build}
cmd=${1:-}; shift || true
VAR=${1:-}; shift || true
[ -n "$cmd" ] && [ -n "$VAR" ] || { sed -n '2,16p' "$0" >&2; exit 2; }
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)

PORT=8080
FAST=0
DEMO=1
EXEMPT=
SETS=()
while [ $# -gt 0 ] && [ "$cmd" != psql ]; do
	case "$1" in
	--port) PORT=$2; shift 2 ;;
	--fast) FAST=1; shift ;;
	--no-demo) DEMO=0; shift ;;
	--exempt) EXEMPT='127.0.0.1/32 1;'; shift ;;
	--set) SETS+=("$2"); shift 2 ;;
	*) echo "stack.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
CONF=$VAR/settle.conf
RUNUSER=

say() { printf '%s\n' "$*"; }
die() { printf 'stack.sh: %s\n' "$*" >&2; exit 1; }

# Starts a program in the background as the unprivileged user, appending its
# output to log file $1; BG_PID is the program's own pid (setpriv execs it).
start_bg() {
	local log=$1; shift
	if [ -n "$RUNUSER" ]; then
		setpriv --reuid="$RUNUSER" --regid="$RUNUSER" --init-groups -- "$@" >> "$log" 2>&1 &
	else
		"$@" >> "$log" 2>&1 &
	fi
	BG_PID=$!
}

# Runs a command as the unprivileged user.
as_user() {
	if [ -n "$RUNUSER" ]; then
		setpriv --reuid="$RUNUSER" --regid="$RUNUSER" --init-groups -- "$@"
	else
		"$@"
	fi
}

setup_user() {
	if [ "$(id -u)" -eq 0 ]; then
		RUNUSER=settle
		if ! getent passwd settle >/dev/null; then
			useradd --system --user-group --no-create-home \
				--home-dir /nonexistent --shell /usr/sbin/nologin settle
		fi
	fi
}

# Every directory on the way to the checkout must be searchable by the user.
check_access() {
	as_user test -r "$ROOT/templates/layout.mustache" ||
		die "user ${RUNUSER:-$(id -un)} cannot read $ROOT/templates; move the checkout or chmod o+x its parent directories"
}

prepare_dirs() {
	mkdir -p "$VAR"/{run,log,mail,nginx,errors}
	[ ${#VAR} -lt 80 ] || die "$VAR is too long for a unix socket path"
	if [ ! -s "$VAR/secret" ]; then
		(umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/secret")
	fi
	if [ -n "$RUNUSER" ]; then
		chown -R "$RUNUSER:$RUNUSER" "$VAR"
	fi
	chmod 700 "$VAR/run"
}

write_config() {
	cat > "$CONF.tmp" <<CONF
# Written by scripts/stack.sh for the development stack; see settle.conf.example.
database = host=$VAR/run dbname=settle user=settle_web
admin_database = host=$VAR/run dbname=settle user=settle
socket = $VAR/run/portal.sock
pidfile = $VAR/run/portal.pid
workers = 4
templates = $ROOT/templates
sql = $ROOT/sql
secret_file = $VAR/secret
base_url = http://127.0.0.1:$PORT
link_days = 30
sendmail = $ROOT/scripts/dev-sendmail --dir $VAR/mail -i -t
sendmail_timeout = 10
notify_poll = 2
retry_base = 2
retry_max = 10
mail_from = Northwind Supplies Credit Control <credit@northwind.example>
staff_email = credit-team@northwind.example
plan_mail_staff = yes
company = Northwind Supplies Ltd
contact_name = Maria Lopez, Credit Control
contact_phone = +44 20 7946 0321
contact_email = credit@northwind.example
contact_hours = Monday to Friday, 9:00 to 17:00
contact_hours.es = de lunes a viernes, de 9:00 a 17:00
contact_hours.fr = du lundi au vendredi, de 9 h à 17 h
contact_name.es = Maria Lopez, gestión de cobros
contact_name.fr = Maria Lopez, service recouvrement
bank_name = Example Bank plc
bank_iban = GB33 BUKB 2020 1555 5555 55
bank_bic = BUKBGB22
timezone = Europe/London
cookie_secure = yes
CONF
	local kv
	for kv in "${SETS[@]}"; do
		grep -v "^${kv%%=*} = " "$CONF.tmp" > "$CONF.tmp2"
		echo "${kv%%=*} = ${kv#*=}" >> "$CONF.tmp2"
		mv "$CONF.tmp2" "$CONF.tmp"
	done
	mv "$CONF.tmp" "$CONF"
	[ -z "$RUNUSER" ] || chown "$RUNUSER:$RUNUSER" "$CONF"
}

pg_running() {
	[ -f "$VAR/pg/postmaster.pid" ] && alive "$(head -n 1 "$VAR/pg/postmaster.pid")" postgres
}

pg_start() {
	[ -n "$PGBIN" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
	if [ ! -f "$VAR/pg/PG_VERSION" ]; then
		rm -rf "$VAR/pg"
		mkdir -p "$VAR/pg"
		[ -z "$RUNUSER" ] || chown "$RUNUSER:$RUNUSER" "$VAR/pg"
		as_user "$PGBIN/initdb" -D "$VAR/pg" -U settle -A trust -E UTF8 \
			--locale=C.UTF-8 > "$VAR/log/initdb.log" 2>&1 ||
			die "initdb failed, see $VAR/log/initdb.log"
		{
			echo "listen_addresses = ''"
			echo "unix_socket_directories = '$VAR/run'"
			echo "unix_socket_permissions = 0770"
			echo "max_connections = 100"
			echo "timezone = 'UTC'"
			if [ $FAST -eq 1 ]; then
				echo "fsync = off"
				echo "synchronous_commit = off"
				echo "full_page_writes = off"
			fi
		} >> "$VAR/pg/postgresql.conf"
	fi
	if ! pg_running; then
		as_user "$PGBIN/pg_ctl" -D "$VAR/pg" -l "$VAR/log/postgres.log" \
			-w -t 60 start > /dev/null ||
			die "PostgreSQL did not start, see $VAR/log/postgres.log"
	fi
	if ! "$PGBIN/psql" -h "$VAR/run" -U settle -d postgres -Atqc \
		"SELECT 1 FROM pg_database WHERE datname = 'settle'" | grep -q 1; then
		"$PGBIN/createdb" -h "$VAR/run" -U settle settle
	fi
}

pg_stop() {
	if pg_running; then
		as_user "$PGBIN/pg_ctl" -D "$VAR/pg" -m fast -w -t 60 stop > /dev/null
	fi
}

# alive PID NAME: the process exists and is the program we started.
alive() {
	[ -n "${1:-}" ] && [ -r "/proc/$1/cmdline" ] &&
		tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -q -- "$2"
}

pidof_file() { [ -s "$1" ] && head -n 1 "$1" | tr -dc 0-9 || true; }

wait_for() {	# wait_for SECONDS COMMAND...
	local n=$(( $1 * 10 )); shift
	while [ $n -gt 0 ]; do
		if "$@" 2>/dev/null; then return 0; fi
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

start_portal() {
	local pid
	pid=$(pidof_file "$VAR/run/portal.pid")
	if alive "$pid" "$BUILD/portal -c"; then return 0; fi
	start_bg "$VAR/log/portal.log" "$BUILD/portal" -c "$CONF"
	wait_for 20 test -S "$VAR/run/portal.sock" ||
		die "portal did not start, see $VAR/log/portal.log"
}

start_notify() {
	local pid
	pid=$(pidof_file "$VAR/run/notify.pid")
	if alive "$pid" "$BUILD/portal-notify"; then return 0; fi
	start_bg "$VAR/log/notify.log" "$BUILD/portal-notify" -c "$CONF"
	echo "$BG_PID" > "$VAR/run/notify.pid"
}

start_nginx() {
	local pid
	pid=$(pidof_file "$VAR/run/nginx.pid")
	if alive "$pid" nginx; then
		as_user nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/log/nginx-error.log" -s reload
		return 0
	fi
	sed -e "s|@VAR@|$VAR|g" -e "s|@STATIC@|$ROOT/static|g" \
	    -e "s|@SOCKET@|$VAR/run/portal.sock|g" -e "s|@LISTEN@|127.0.0.1:$PORT|g" \
	    -e "s|@EXEMPT@|$EXEMPT|g" "$ROOT/nginx.conf" > "$VAR/nginx/nginx.conf"
	as_user nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" \
		-e "$VAR/log/nginx-error.log" ||
		die "nginx did not start, see $VAR/log/nginx-error.log"
}

admin() { "$BUILD/portal-admin" -c "$CONF" "$@"; }

# The demo CSV has dates relative to the day it was first made (@-45@ is 45
# days ago), written once to DIR/demo.csv so re-imports change nothing.
load_demo() {
	if [ ! -f "$VAR/demo.csv" ]; then
		awk '{
			while (match($0, /@-?[0-9]+@/)) {
				n = substr($0, RSTART + 1, RLENGTH - 2)
				cmd = "date -u -d \"" n " days\" +%Y-%m-%d"
				cmd | getline d; close(cmd)
				$0 = substr($0, 1, RSTART - 1) d substr($0, RSTART + RLENGTH)
			}
			print
		}' "$ROOT/sql/demo.csv.in" > "$VAR/demo.csv.tmp"
		mv "$VAR/demo.csv.tmp" "$VAR/demo.csv"
	fi
	admin import "$VAR/demo.csv" > /dev/null
	if [ ! -s "$VAR/staff-password" ]; then
		(umask 077; od -An -N9 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/staff-password")
		admin staff-add demo@northwind.example "Demo Clerk" < "$VAR/staff-password" > /dev/null
	fi
	if [ -x "$ROOT/scripts/demo-actions.sh" ]; then
		"$ROOT/scripts/demo-actions.sh" "$VAR" "http://127.0.0.1:$PORT"
	fi
}

print_links() {
	local inv url
	say ""
	say "Settle is running on http://127.0.0.1:$PORT/"
	say ""
	say "Demo links (each opens one invoice as its debtor would):"
	while IFS=, read -r inv _; do
		url=$(admin link "$inv")
		say "  $inv  $url"
	done < <(sed -n 's/^\(INV-[^,]*\),.*/\1/p' "$VAR/demo.csv" | uniq)
	if [ -s "$VAR/staff-password" ]; then
		say ""
		say "Staff sign-in: http://127.0.0.1:$PORT/staff/login"
		say "  email: demo@northwind.example   password: $(cat "$VAR/staff-password")"
	fi
	say ""
	say "Mail sent by portal-notify lands in $VAR/mail/"
}

start() {
	setup_user
	check_access
	prepare_dirs
	write_config
	pg_start
	admin migrate > "$VAR/log/migrate.log" || die "migration failed, see above"
	admin error-pages "$VAR/errors" > /dev/null
	start_portal
	start_notify
	start_nginx
	wait_for 20 sh -c "curl -sf http://127.0.0.1:$PORT/healthz | grep -q ok" ||
		die "the portal does not answer on http://127.0.0.1:$PORT/healthz"
	if [ $DEMO -eq 1 ]; then
		load_demo
	fi
}

# stop_pid FILE NAME: TERM, wait up to 15 s, then KILL; only our own process.
stop_pid() {
	local pid n=150
	pid=$(pidof_file "$1")
	if ! alive "$pid" "$2"; then rm -f "$1"; return 0; fi
	kill -TERM "$pid" 2>/dev/null || true
	while alive "$pid" "$2" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	if alive "$pid" "$2"; then kill -KILL "$pid" 2>/dev/null || true; fi
	rm -f "$1"
}

stop() {
	setup_user
	stop_pid "$VAR/run/nginx.pid" nginx
	stop_pid "$VAR/run/notify.pid" portal-notify
	stop_pid "$VAR/run/portal.pid" "$BUILD/portal -c"
	pg_stop
}

case "$cmd" in
start)
	start
	[ $DEMO -eq 0 ] || print_links
	;;
run)
	trap 'echo; echo "Stopping..."; stop; exit 0' INT TERM
	start
	[ $DEMO -eq 0 ] || print_links
	say ""
	say "Press Ctrl-C to stop everything."
	while :; do sleep 1; done
	;;
stop)
	stop
	;;
pg-stop)
	setup_user
	pg_stop
	;;
pg-start)
	setup_user
	pg_start
	;;
links)
	print_links
	;;
psql)
	exec "$PGBIN/psql" -h "$VAR/run" -U settle settle "$@"
	;;
*)
	sed -n '2,16p' "$0" >&2
	exit 2
	;;
esac
