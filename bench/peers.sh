# Sourced by bench/run.sh: the peers the portal's pages are measured
# against, behind the same nginx, each with 4 workers like the portal:
#   /bench/hello  bench/hello.c, libfcgi, no work at all (the ceiling)
#   /bench/plain  bench/plain.c, one indexed read-only query, libpq
#   /bench/php    bench/plain.php, the same page in PHP-FPM (when installed)
# They run as the stack's user, with sockets and pid files in $T/peers.

PEERS=$T/peers
PEER_WORKERS=4

# AS_USER: the command prefix that runs a program as the user that owns
# the stack (setpriv execs it, so $! of a background start is its pid).
stack_user_prefix() {
	local user
	user=$(stat -c %U "$VAR/run")
	AS_USER=()
	if [ "$(id -u)" -eq 0 ] && [ "$user" != root ]; then
		AS_USER=(setpriv --reuid="$user" --regid="$user" --init-groups --)
	fi
}

php_fpm_binary() { ls /usr/sbin/php-fpm* 2>/dev/null | sort -V | tail -n 1; }

# start_peer NAME COMMAND...: in the background; its pid in $PEERS/NAME.pid.
start_peer() {
	local name=$1
	shift
	"${AS_USER[@]}" "$@" >> "$PEERS/$name.log" 2>&1 &
	echo $! > "$PEERS/$name.pid"
}

# stop_peers: TERM each peer we started (by its pid file), KILL after 5 s.
stop_peers() {
	local f pid n
	for f in "$PEERS"/*.pid; do
		[ -s "$f" ] || continue
		pid=$(tr -dc 0-9 < "$f")
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null || continue
		for n in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
}

php_config() {
	cat > "$PEERS/php-fpm.conf" <<-CONF
	[global]
	pid = $PEERS/php.pid
	error_log = $PEERS/php-fpm.log
	daemonize = no
	[bench]
	listen = $PEERS/php.sock
	listen.mode = 0660
	pm = static
	pm.max_children = $PEER_WORKERS
	env[BENCH_CONNINFO] = "host=$VAR/run dbname=settle user=settle_web application_name=bench-php"
	CONF
	cp "$ROOT/bench/plain.php" "$PEERS/plain.php"
}

# The peers' locations go into the stack's rendered nginx.conf, in its only
# server block, next to the portal's; then nginx reloads.
nginx_locations() {
	local conf=$VAR/nginx/nginx.conf loc
	loc="location = /bench/hello { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$PEERS/hello.sock; }"
	loc+=" location = /bench/plain { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$PEERS/plain.sock; }"
	[ "$HAVE_PHP" = 0 ] || loc+=" location = /bench/php { include /etc/nginx/fastcgi_params; fastcgi_param SCRIPT_FILENAME $PEERS/plain.php; fastcgi_pass unix:$PEERS/php.sock; }"
	grep -q "^[[:space:]]*listen 127.0.0.1:$PORT;" "$conf" || die "no 'listen 127.0.0.1:$PORT;' line in $conf"
	sed -i "s|^\([[:space:]]*listen 127.0.0.1:$PORT;\)|\1 $loc|" "$conf"
	"${AS_USER[@]}" nginx -p "$VAR/nginx" -c "$conf" -e "$VAR/log/nginx-error.log" -t 2>> "$T/nginx-test.log" ||
		die "nginx refuses the peers' locations: $(cat "$T/nginx-test.log")"
	"${AS_USER[@]}" nginx -p "$VAR/nginx" -c "$conf" -e "$VAR/log/nginx-error.log" -s reload
}

start_peers() {
	stack_user_prefix
	mkdir -p "$PEERS"
	chown "$(stat -c %U:%G "$VAR/run")" "$PEERS"
	start_peer hello "$BIN/hello" "$PEERS/hello.sock" "$PEER_WORKERS"
	start_peer plain "$BIN/plain" "$PEERS/plain.sock" "$PEER_WORKERS" \
		"host=$VAR/run dbname=settle user=settle_web application_name=bench-plain"
	HAVE_PHP=0
	if [ "${BENCH_PHP:-1}" != 0 ] && [ -n "$(php_fpm_binary)" ] &&
	    "$(php_fpm_binary)" -m 2>/dev/null | grep -qx pgsql; then
		php_config
		start_peer php "$(php_fpm_binary)" -y "$PEERS/php-fpm.conf"	# it writes php.pid too
		HAVE_PHP=1
	fi
	local s
	for s in hello plain $([ "$HAVE_PHP" = 0 ] || echo php); do
		for _ in $(seq 50); do [ -S "$PEERS/$s.sock" ] && break; sleep 0.1; done
		[ -S "$PEERS/$s.sock" ] || die "the $s peer did not start: $(cat "$PEERS/$s.log" "$PEERS/php-fpm.log" 2>/dev/null)"
	done
	nginx_locations
	sleep 1	# the new nginx workers take over
}
