#!/usr/bin/env bash
# Starts and stops a complete Settle stack in one state directory: a
# PostgreSQL cluster, portal (FastCGI workers), portal-notify and nginx.
# `make run/start/stop/psql` use it with var/; the integration tests use it
# with a temporary directory and a free port, so runs never collide.
#
#   scripts/stack.sh start DIR [--port N] [--fast] [--no-demo] [--exempt]
#                             [--instances N]        (portal masters, one socket each)
#                             [--set KEY=VALUE]...   (override a config key)
#   scripts/stack.sh run DIR      start, print the demo links, stop on Ctrl-C
#   scripts/stack.sh stop DIR     stop what DIR's pid files name
#   scripts/stack.sh pg-stop DIR | pg-start DIR   only the database
#   scripts/stack.sh psql DIR [psql args]
#   scripts/stack.sh links DIR    print fresh demo links
#   scripts/stack.sh where DIR    print the state, socket and share directories
#
# As root, everything runs as the system user "settle" (created if needed):
# PostgreSQL refuses to run as root, and nginx and the portal need no
# privileges. As another user, everything runs as that user.
#
# Where things live (README.md, "Where the stack keeps its files"):
# - state (database, logs, mail, config, secret): DIR, unless the run user
#   cannot reach it (a checkout in /root, mode 0700): then DIR becomes a
#   symbolic link to /var/lib/settle-dev/HASH.
# - sockets and pid files: DIR/run, unless that path is too long for a unix
#   socket or not plain (spaces): then DIR/run is a symbolic link to a short
#   directory, /run/settle-dev/HASH as root, /tmp/settle-UID-HASH otherwise.
# - what the run user reads from the checkout (programs, templates): read in
#   place when it can, else copied to DIR/share at every start. Static files
#   are always copied to DIR/static, with their versioned names.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SETTLE_BUILD:-$ROOT/build}
cmd=${1:-}; shift || true
VAR=${1:-}; shift || true
[ -n "$cmd" ] && [ -n "$VAR" ] || { sed -n '2,18p' "$0" >&2; exit 2; }

PORT=8080
FAST=0
DEMO=1
EXEMPT=
INSTANCES=1
SETS=()
while [ $# -gt 0 ] && [ "$cmd" != psql ]; do
	case "$1" in
	--port) PORT=$2; shift 2 ;;
	--fast) FAST=1; shift ;;
	--no-demo) DEMO=0; shift ;;
	--exempt) EXEMPT='127.0.0.1/32 1;'; shift ;;
	--set) SETS+=("$2"); shift 2 ;;
	--instances) INSTANCES=$2; shift 2 ;;
	*) echo "stack.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
RUNUSER=

say() { printf '%s\n' "$*"; }
die() { printf 'stack.sh: %s\n' "$*" >&2; exit 1; }

# Starts a program in the background as the unprivileged user, appending its
# output to log file $1; BG_PID is the program's own pid (setpriv execs it).
# Programs run with umask 027, so any log they open or reopen later (nginx's
# after a rotation, SIGUSR1) is 0640 at most, like the ones made here.
start_bg() {
	local log=$1; shift
	if [ -n "$RUNUSER" ]; then
		( umask 027; exec setpriv --reuid="$RUNUSER" --regid="$RUNUSER" \
			--init-groups -- "$@" ) >> "$log" 2>&1 &
	else
		( umask 027; exec "$@" ) >> "$log" 2>&1 &
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

# --- where things live (see the header) -------------------------------------
SUN_PATH_MAX=107	# sockaddr_un.sun_path: 108 bytes with the final NUL
SOCK_NAME_MAX=20	# our longest socket name: .s.PGSQL.NNNN, portal-2.sock
STATE_HOME=/var/lib/settle-dev

path_hash() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# plain_path PATH: only characters that every config syntax takes unquoted.
plain_path() { [[ $1 =~ ^[A-Za-z0-9/._+-]+$ ]]; }

# socket_dir_fits DIR: DIR/NAME fits a unix socket address for every NAME we
# use, and DIR needs no quoting in a libpq conninfo or postgresql.conf.
socket_dir_fits() {
	[ $(( ${#1} + 1 + SOCK_NAME_MAX )) -le $SUN_PATH_MAX ] && plain_path "$1"
}

# short_run_dir STATE: the socket directory when STATE/run does not fit.
short_run_dir() {
	if [ "$(id -u)" -eq 0 ]; then
		echo "/run/settle-dev/$(path_hash "$1")"
	else
		echo "/tmp/settle-$(id -u)-$(path_hash "$1")"
	fi
}

# Paths go into nginx.conf (quoted), settle.conf and sed: refuse the few
# characters that would need escaping there. Spaces are fine.
check_path_chars() {
	case "$1" in
	*[\"\'\$\\\|\&\;]*|*$'\n'*|*$'\t'*)
		die "the path $1 contains a quote, \$, \\, |, &, ; or a tab or newline; please move it" ;;
	esac
}

# reachable PATH: the run user can get to PATH (every directory above it
# searchable).
reachable() { (cd / && as_user test -e "$1"); }

# Sets VAR to the physical state directory, creating it; when the run user
# cannot reach DIR (root's 0700 home), DIR becomes a symbolic link to a
# directory under /var/lib/settle-dev.
resolve_state() {
	local want=$1 abs target
	if [ -L "$want" ]; then
		target=$(readlink "$want")
		mkdir -p "$target"
	else
		mkdir -p "$want"
	fi
	VAR=$(cd "$want" && pwd -P)
	check_path_chars "$VAR"
	reachable "$VAR" && return 0
	[ -n "$RUNUSER" ] || die "$VAR is not reachable by $(id -un)"
	[ -z "$(ls -A "$VAR")" ] ||
		die "user $RUNUSER cannot reach $VAR and it is not empty: move it away (or chmod o+x its parent directories)"
	abs=$VAR
	target=$STATE_HOME/$(basename "$(dirname "$abs")")-$(path_hash "$abs")
	mkdir -p "$target"
	chmod 755 "$STATE_HOME"
	rmdir "$VAR"
	ln -s "$target" "$abs"
	VAR=$target
	say "State for $abs is kept in $target (user $RUNUSER cannot reach the checkout)"
}

# Sets RUN, the socket directory, and makes VAR/run lead to it.
resolve_run() {
	local short
	if socket_dir_fits "$VAR/run"; then
		[ ! -L "$VAR/run" ] || rm -f "$VAR/run"
		mkdir -p "$VAR/run"
		RUN=$VAR/run
		return 0
	fi
	short=$(short_run_dir "$VAR")
	mkdir -p "$(dirname "$short")"
	[ -d "$short" ] || mkdir -m 700 "$short"
	if [ -L "$short" ] || ! case "$(stat -c %U "$short")" in
	    "$(id -un)"|"${RUNUSER:-$(id -un)}") true ;; *) false ;; esac; then
		die "$short exists and is not ours; remove it"
	fi
	if [ -d "$VAR/run" ] && [ ! -L "$VAR/run" ]; then
		rmdir "$VAR/run" 2>/dev/null ||
			die "$VAR/run is a directory, but sockets must go to $short; stop the stack and remove it"
	fi
	ln -sfn "$short" "$VAR/run"
	RUN=$short
}

# For the commands that only look (stop, psql...): nothing is created.
lookup_paths() {
	[ -d "$VAR" ] || die "$VAR does not exist"
	VAR=$(cd "$VAR" && pwd -P)
	RUN=$VAR/run
	[ ! -d "$VAR/run" ] || RUN=$(cd "$VAR/run" && pwd -P)
	CONF=$VAR/settle.conf
}

# What the run user reads from the checkout: in place when it can, else a
# copy under VAR/share (templates, catalogs, programs, the dev sendmail).
resolve_share() {
	TEMPLATES=$ROOT/templates
	BIN=$BUILD
	SENDMAIL_PROG=$ROOT/scripts/dev-sendmail
	if (cd / && as_user test -r "$ROOT/templates/layout.mustache" &&
	    as_user test -x "$BUILD/portal"); then
		return 0
	fi
	rm -rf "$VAR/share"
	mkdir -p "$VAR/share/bin"
	cp -R "$ROOT/templates" "$VAR/share/templates"
	[ ! -d "$ROOT/po" ] || cp -R "$ROOT/po" "$VAR/share/po"	# beside templates/
	cp "$BUILD/portal" "$BUILD/portal-notify" "$BUILD/portal-admin" "$VAR/share/bin/"
	cp "$ROOT/scripts/dev-sendmail" "$VAR/share/"
	TEMPLATES=$VAR/share/templates
	BIN=$VAR/share/bin
	SENDMAIL_PROG=$VAR/share/dev-sendmail
}

# Every start: static files with their versioned names, the sendmail
# wrapper (its path has no spaces: portal-notify splits the command at them).
prepare_share() {
	"$ROOT/scripts/static-names.sh" "$ROOT/static" "$VAR/static"
	cat > "$RUN/sendmail" <<SH
#!/bin/sh
# Written by scripts/stack.sh: the development sendmail for this stack.
exec /bin/sh "$SENDMAIL_PROG" --dir "$VAR/mail" "\$@"
SH
}

prepare_dirs() {
	mkdir -p "$VAR"/{log,mail,nginx,errors}
	if [ ! -s "$VAR/secret" ]; then
		(umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$VAR/secret")
	fi
	prepare_share
	# Logs may hold addresses and user agents: owner and group only.
	touch "$VAR"/log/{portal,notify,nginx-access,nginx-error}.log
	chmod 0640 "$VAR"/log/*.log
	if [ -n "$RUNUSER" ]; then
		chown -R "$RUNUSER:$RUNUSER" "$VAR" "$RUN"
	fi
	chmod 700 "$RUN"
}

paths() {
	check_path_chars "$ROOT"
	resolve_state "$VAR"
	resolve_run
	resolve_share
	CONF=$VAR/settle.conf
}

write_config() {
	cat > "$CONF.tmp" <<CONF
# Written by scripts/stack.sh for the development stack; see settle.conf.example.
database = host=$RUN dbname=settle user=settle_web
admin_database = host=$RUN dbname=settle user=settle
socket = $RUN/portal.sock
pidfile = $RUN/portal.pid
workers = 4
templates = $TEMPLATES
static = $VAR/static
sql = $ROOT/sql
secret_file = $VAR/secret
base_url = http://127.0.0.1:$PORT
link_days = 30
sendmail = /bin/sh $RUN/sendmail -i -t
sendmail_timeout = 10
notify_poll = 2
retry_base = 2
retry_max = 10
mail_from = Northwind Supplies Credit Control <credit@northwind.example>
staff_email = credit-team@northwind.example
plan_mail_staff = yes
company = Northwind Supplies Ltd
company_address = 12 Harbour Road, Bristol BS1 4AB
company_registration = Registered in England and Wales, no. 09876543
escalation_days = 14
escalation_agency = our collection agency, Example Recovery Ltd
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
		chmod 0640 "$VAR/log/initdb.log"
		{
			echo "listen_addresses = ''"
			echo "unix_socket_directories = '$RUN'"
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
		( umask 027; as_user "$PGBIN/pg_ctl" -D "$VAR/pg" -l "$VAR/log/postgres.log" \
			-w -t 60 start > /dev/null ) ||
			die "PostgreSQL did not start, see $VAR/log/postgres.log"
	fi
	if ! "$PGBIN/psql" -h "$RUN" -U settle -d postgres -Atqc \
		"SELECT 1 FROM pg_database WHERE datname = 'settle'" | grep -q 1; then
		"$PGBIN/createdb" -h "$RUN" -U settle settle
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
		tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -qF -- "$2"
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

# Instance 1 is settle.conf and portal.sock; instance K > 1 (--instances,
# the scale test) is settle-K.conf and portal-K.sock, on the same database.
instance_conf() { if [ "$1" -eq 1 ]; then echo "$CONF"; else echo "$VAR/settle-$1.conf"; fi; }
instance_name() { if [ "$1" -eq 1 ]; then echo portal; else echo "portal-$1"; fi; }

start_portal() {
	local k pid conf name
	for k in $(seq 1 "$INSTANCES"); do
		conf=$(instance_conf "$k")
		name=$(instance_name "$k")
		if [ "$k" -gt 1 ]; then
			sed -e "s|^socket = .*|socket = $RUN/$name.sock|" \
			    -e "s|^pidfile = .*|pidfile = $RUN/$name.pid|" "$CONF" > "$conf"
			[ -z "$RUNUSER" ] || chown "$RUNUSER:$RUNUSER" "$conf"
		fi
		pid=$(pidof_file "$RUN/$name.pid")
		if alive "$pid" "portal -c $conf"; then continue; fi
		touch "$VAR/log/$name.log"
		chmod 0640 "$VAR/log/$name.log"
		[ -z "$RUNUSER" ] || chown "$RUNUSER:$RUNUSER" "$VAR/log/$name.log"
		start_bg "$VAR/log/$name.log" "$BIN/portal" -c "$conf"
		wait_for 20 test -S "$RUN/$name.sock" ||
			die "portal did not start, see $VAR/log/$name.log"
	done
}

start_notify() {
	local pid
	pid=$(pidof_file "$RUN/notify.pid")
	if alive "$pid" "portal-notify -c $CONF"; then return 0; fi
	start_bg "$VAR/log/notify.log" "$BIN/portal-notify" -c "$CONF"
	echo "$BG_PID" > "$RUN/notify.pid"
}

# One upstream server line per portal instance; a failed one is skipped for
# 5 s (as in nginx/site.conf).
upstream_servers() {
	local k
	for k in $(seq 1 "$INSTANCES"); do
		[ "$k" -eq 1 ] || printf '\n\t\t'
		printf 'server unix:%s/%s.sock max_fails=1 fail_timeout=5s;' "$RUN" "$(instance_name "$k")"
	done
}

start_nginx() {
	local pid
	"$ROOT/scripts/nginx-conf.sh" dev STATE="$VAR" RUN="$RUN" SHARE="$VAR" \
		LISTEN="127.0.0.1:$PORT" UPSTREAM="$(upstream_servers)" \
		ACCESS_LOG="\"$VAR/log/nginx-access.log\"" HSTS= EXEMPT="$EXEMPT" \
		ERROR_LOG="\"$VAR/log/nginx-error.log\"" \
		> "$VAR/nginx/nginx.conf"
	pid=$(pidof_file "$RUN/nginx.pid")
	if alive "$pid" nginx; then
		as_user nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/log/nginx-error.log" -s reload
		return 0
	fi
	# In the foreground (daemon off), started like the portal: a daemonizing
	# nginx sets its umask to 0, and a log it reopens after a rotation
	# (SIGUSR1) would be 0644. It still writes its pid file.
	rm -f "$RUN/nginx.pid"
	start_bg "$VAR/log/nginx-error.log" nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" \
		-e "$VAR/log/nginx-error.log" -g 'daemon off;'
	pid=$BG_PID
	wait_for 20 bash -c "[ -s '$RUN/nginx.pid' ] || ! kill -0 $pid" &&
		alive "$(pidof_file "$RUN/nginx.pid")" nginx ||
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
		admin staff-add --role manager demo@northwind.example "Demo Manager" < "$VAR/staff-password" > /dev/null
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
	say "Send the demo reminders that are due now (see README, \"Reminders\"):"
	say "  $BUILD/portal-admin -c $CONF remind        (--dry-run to see them first)"
}

start() {
	setup_user
	paths
	cd /	# the run user may not be allowed into the checkout
	prepare_dirs
	write_config
	pg_start
	admin migrate > "$VAR/log/migrate.log" || die "migration failed, see above"
	chmod 0640 "$VAR/log/migrate.log"
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
	[ -e "$VAR" ] || return 0
	lookup_paths
	stop_pid "$RUN/nginx.pid" nginx
	stop_pid "$RUN/notify.pid" "portal-notify -c $CONF"
	stop_pid "$RUN/portal.pid" "portal -c $CONF"
	local f
	for f in "$RUN"/portal-*.pid; do
		[ -e "$f" ] || continue
		f=${f##*/portal-}
		stop_pid "$RUN/portal-${f%.pid}.pid" "portal -c $VAR/settle-${f%.pid}.conf"
	done
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
	lookup_paths
	pg_stop
	;;
pg-start)
	setup_user
	lookup_paths
	pg_start
	;;
links)
	lookup_paths
	print_links
	;;
where)
	lookup_paths
	say "state $VAR"
	say "run $RUN"
	if [ -d "$VAR/share" ]; then say "share $VAR/share"; else say "share $ROOT"; fi
	;;
psql)
	lookup_paths
	exec "$PGBIN/psql" -h "$RUN" -U settle settle "$@"
	;;
*)
	sed -n '2,16p' "$0" >&2
	exit 2
	;;
esac
