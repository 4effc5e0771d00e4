#!/usr/bin/env bash
# Issue 19: the systemd side. portal and portal-notify tell systemd when they
# are ready, reloading and stopping (sd_notify, Type=notify), checked with a
# notification socket of our own; the unit files pass `systemd-analyze
# verify` against an installed tree, and the portal's sandbox exposure is
# below 3.0. Booting the units for real: make deb-boot-test (README.md).
. "$(dirname "$0")/lib.sh"
stack_up

RUN=$(cd "$VAR/run" && pwd -P)
# as_settle PROGRAM...: execs it as the stack's user (so $! is its pid).
as_settle() {
	if [ "$(id -u)" -eq 0 ]; then
		exec setpriv --reuid=settle --regid=settle --init-groups -- "$@"
	else
		exec "$@"
	fi
}

# A datagram socket like systemd's: each message, then a line "--".
listen_notify() {	# listen_notify SOCKET OUT
	perl -MIO::Socket::UNIX -MSocket -e '
		my ($path, $out) = @ARGV;
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path)
			or die "socket: $!";
		chmod 0777, $path;
		open(my $f, ">>", $out) or die;
		$f->autoflush(1);
		while (defined $s->recv(my $m, 4096)) { print $f "$m\n--\n"; }
	' "$1" "$2" &
	LISTENER=$!
	for _ in $(seq 1 50); do [ -S "$1" ] && return 0; sleep 0.1; done
	return 1
}
# wait_msg FILE TEXT: a line of FILE starts with TEXT within 10 s.
wait_msg() {
	for _ in $(seq 1 100); do grep -q -- "^$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# A second portal on its own socket, with NOTIFY_SOCKET set.
sed -e "s|^socket = .*|socket = $RUN/portal-2.sock|" \
    -e "s|^pidfile = .*|pidfile = $RUN/portal-2.pid|" "$CONF" > "$T/portal-2.conf"
chmod 644 "$T/portal-2.conf"
check "a notification socket listens" listen_notify "$T/notify.sock" "$T/notify.msgs"
(NOTIFY_SOCKET=$T/notify.sock as_settle "$BUILD/portal" -c "$T/portal-2.conf" \
	>> "$T/portal-2.log" 2>&1) &
portal2=$!
check "portal says READY=1 once its workers listen" wait_msg "$T/notify.msgs" "READY=1"
check "with a status line naming its socket" wait_msg "$T/notify.msgs" "STATUS=listening on $RUN/portal-2.sock"
check "and by then the socket accepts" test -S "$RUN/portal-2.sock"
: > "$T/notify.msgs"
kill -HUP "$portal2"
check "SIGHUP: RELOADING=1" wait_msg "$T/notify.msgs" "RELOADING=1"
check "then READY=1 again" wait_msg "$T/notify.msgs" "STATUS=reloaded"
: > "$T/notify.msgs"
kill -TERM "$portal2"
check "SIGTERM: STOPPING=1" wait_msg "$T/notify.msgs" "STOPPING=1"
wait "$portal2"
expect_eq "and it exits cleanly" 0 "$?"

: > "$T/notify.msgs"
(NOTIFY_SOCKET=$T/notify.sock as_settle "$BUILD/portal-notify" -c "$T/portal-2.conf" \
	>> "$T/notify-2.log" 2>&1) &
notify2=$!
check "portal-notify says READY=1" wait_msg "$T/notify.msgs" "READY=1"
kill -TERM "$notify2"
check "and STOPPING=1 when told to stop" wait_msg "$T/notify.msgs" "STOPPING=1"
wait "$notify2"
kill "$LISTENER" 2>/dev/null

# The unit files, checked offline against an installed tree (the host's own
# units beside ours, so targets and /bin/kill resolve).
if command -v systemd-analyze > /dev/null; then
	R=$T/root
	make -s -C "$ROOT" install DESTDIR="$R" PREFIX=/usr > "$T/install.log" 2>&1
	mkdir -p "$R/usr/lib/systemd/system" "$R/bin"
	cp -a /usr/lib/systemd/system/. "$R/usr/lib/systemd/system/"
	cp "$ROOT"/systemd/settle-* "$R/usr/lib/systemd/system/"
	cp /bin/kill "$R/bin/"
	for u in "$ROOT"/systemd/settle-*; do
		name=${u##*/}
		out=$(systemd-analyze verify --man=no --root="$R" "$R/usr/lib/systemd/system/$name" 2>&1)
		expect_eq "systemd-analyze verify $name: no complaint" "" "$out"
	done
	for name in settle-portal settle-remind; do
		level=$(systemd-analyze security --offline=yes --root="$R" \
			"$R/usr/lib/systemd/system/$name.service" 2>/dev/null |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		check "$name exposure below 3.0 (${level:-none})" \
			awk -v l="${level:-99}" 'BEGIN { exit !(l < 3.0) }'
	done
	check "the portal runs as settle, with unix sockets only" \
		grep -qx 'RestrictAddressFamilies=AF_UNIX' "$ROOT/systemd/settle-portal.service"
	check "the timer fires every 15 minutes" \
		grep -qx 'OnCalendar=\*:0/15' "$ROOT/systemd/settle-remind.timer"
else
	not_ok "systemd-analyze is installed (scripts/deps.sh test)"
fi
finish
