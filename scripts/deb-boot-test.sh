#!/usr/bin/env bash
# Boots the Debian package for real: a Debian 12 system (debootstrap, made
# once and kept under $SETTLE_BOOT_BASE) started with `systemd-nspawn -b`
# and a private network, the .deb installed with dpkg, the database set up
# with /usr/share/settle/setup-local-db, the units started, the nginx site
# enabled with a throwaway certificate, and then checked as an operator
# would: systemctl, /healthz and an invoice page over HTTPS, a reload, the
# sandbox exposure, the log modes. Needs root. `make deb-boot-test`.
#   scripts/deb-boot-test.sh build/deb/settle_VERSION_amd64.deb
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEB=${1:?usage: $0 PACKAGE.deb}
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
BASE=${SETTLE_BOOT_BASE:-/var/tmp/settle-boot/bookworm}
MIRROR=${SETTLE_BOOT_MIRROR:-http://deb.debian.org/debian}
PKGS=systemd,systemd-sysv,dbus,nginx-light,postgresql,curl,ca-certificates,procps,adduser,libfcgi0ldbl,libpq5,libsodium23
PASS=0
FAIL=0
say() { printf '# %s\n' "$*"; }
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [ -z "${2:-}" ] || printf '#   %s\n' "$2"; }
check() { local n=$1; shift; if "$@"; then ok "$n"; else not_ok "$n" "failed: $*"; fi; }
die() { echo "# $*"; echo "$PASS passed, $((FAIL + 1)) failed"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, systemd-nspawn)"
for t in debootstrap systemd-nspawn nsenter openssl; do
	command -v "$t" > /dev/null || die "$t is missing: scripts/deps.sh deb-boot"
done
[ -f "$DEB" ] || die "$DEB not found: make deb"

if [ ! -x "$BASE/usr/lib/systemd/systemd" ]; then
	say "debootstrap bookworm into $BASE (once; a few minutes)"
	rm -rf "$BASE"
	mkdir -p "$(dirname "$BASE")"
	debootstrap --variant=minbase --include="$PKGS" bookworm "$BASE" "$MIRROR" \
		> "$BASE.log" 2>&1 || die "debootstrap failed, see $BASE.log"
fi

# The package's run-time libraries (its Depends), into the base system: the
# booted copy has no network, so dpkg -i must find them there.
deps=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' | grep -v '^$')
missing=()
for p in $deps; do
	chroot "$BASE" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing into the base system: ${missing[*]}"
	cp /etc/resolv.conf "$BASE/etc/resolv.conf" 2>/dev/null
	chroot "$BASE" apt-get update -qq > "$BASE.apt.log" 2>&1 &&
	DEBIAN_FRONTEND=noninteractive chroot "$BASE" apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >> "$BASE.apt.log" 2>&1 || die "apt-get in the base failed, see $BASE.apt.log"
fi

T=$(mktemp -d /var/tmp/settle-boot/run.XXXXXX)
M=$T/root
NSPAWN=
LEADER=
cleanup() {
	if [ -n "$LEADER" ] && [ -d "/proc/$LEADER" ]; then
		nsenter -t "$LEADER" -a -- systemctl poweroff > /dev/null 2>&1
		for _ in $(seq 1 100); do [ -d "/proc/$NSPAWN" ] || break; sleep 0.1; done
	fi
	[ -z "$NSPAWN" ] || ! [ -d "/proc/$NSPAWN" ] || kill -TERM "$NSPAWN" 2>/dev/null
	sleep 0.5
	rm -rf "$T"
}
trap cleanup EXIT
say "copying the base system to $M"
cp -a "$BASE" "$M"
mkdir -p "$M/root/in" "$M/etc/ssl/settle"
cp "$DEB" "$M/root/in/"
sed 's/@-\{0,1\}[0-9]*@/2026-01-15/g' "$ROOT/sql/demo.csv.in" > "$M/root/in/demo.csv"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=pay.example.com \
	-addext subjectAltName=DNS:pay.example.com -days 2 \
	-keyout "$M/etc/ssl/settle/privkey.pem" -out "$M/etc/ssl/settle/fullchain.pem" 2>/dev/null
chmod 600 "$M/etc/ssl/settle/privkey.pem"

say "booting it: systemd-nspawn -b --private-network"
setsid systemd-nspawn -q -D "$M" --register=no --keep-unit --private-network -b \
	--console=passive > "$T/boot.log" 2>&1 &
NSPAWN=$!
for _ in $(seq 1 300); do
	LEADER=$(pgrep -P "$NSPAWN" -x systemd | head -n 1)
	[ -n "$LEADER" ] && break
	sleep 0.1
done
[ -n "$LEADER" ] || die "systemd did not start in the container: $(tail -n 5 "$T/boot.log")"
inside() { nsenter -t "$LEADER" -a -- "$@"; }
state=
for _ in $(seq 1 120); do	# its bus may not be up yet
	state=$(inside systemctl is-system-running 2>/dev/null)
	case "$state" in running|degraded) break ;; esac
	sleep 0.5
done
check "the container boots with systemd as PID 1 ($state)" test "$state" = running -o "$state" = degraded

https() {	# https PATH [curl args]: over TLS to the container's nginx
	local p=$1; shift
	inside curl -s --max-time 10 --cacert /etc/ssl/settle/fullchain.pem \
		--resolve pay.example.com:443:127.0.0.1 "$@" "https://pay.example.com$p"
}

out=$(inside dpkg -i /root/in/"$(basename "$DEB")" 2>&1)
check "dpkg -i installs the package" \
	test "$(inside dpkg-query -W -f='${Status}' settle)" = "install ok installed"
check "the system user settle exists" bash -c "nsenter -t $LEADER -a -- id -u settle > /dev/null"
check "www-data may use the portal's socket (group settle)" \
	bash -c "nsenter -t $LEADER -a -- id -nG www-data | grep -qw settle"
check "the secret was made once, 0600, owned by settle" \
	test "$(inside stat -c '%a %U' /etc/settle/secret)" = "600 settle"
check "/etc/settle/settle.conf is a conffile" \
	bash -c "nsenter -t $LEADER -a -- dpkg-query -W -f='\${Conffiles}' settle | grep -q /etc/settle/settle.conf"
check "the nginx site is in sites-available" inside test -f /etc/nginx/sites-available/settle
check "the error pages were rendered" inside test -f /var/lib/settle/errors/503.html
for u in settle-portal.service settle-notify.service settle-remind.timer; do
	check "$u is enabled" inside systemctl -q is-enabled "$u"
done

out=$(inside /usr/share/settle/setup-local-db 2>&1)
check "setup-local-db makes the database and migrates it" grep -q "The database is ready" <<< "$out"
inside systemctl start settle-portal settle-notify settle-remind.timer
for u in settle-portal settle-notify; do
	check "$u is active" inside systemctl -q is-active "$u"
done
check "the portal reported READY with its status (Type=notify)" \
	bash -c "nsenter -t $LEADER -a -- systemctl show -p StatusText settle-portal | grep -q 'listening on /run/settle/portal.sock'"
check "the remind timer is waiting" \
	bash -c "nsenter -t $LEADER -a -- systemctl list-timers --no-pager | grep -q settle-remind.timer"

inside ln -sf /etc/nginx/sites-available/settle /etc/nginx/sites-enabled/settle
check "nginx accepts the site" inside nginx -t -q
inside systemctl reload nginx
sleep 1
check "plain HTTP redirects to HTTPS" test "$(inside curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
	--resolve pay.example.com:80:127.0.0.1 http://pay.example.com/healthz)" = "301 https://pay.example.com/healthz"
check "/healthz through nginx over TLS says ok" test "$(https /healthz)" = ok
check "with HSTS" bash -c "nsenter -t $LEADER -a -- curl -sI --cacert /etc/ssl/settle/fullchain.pem \
	--resolve pay.example.com:443:127.0.0.1 https://pay.example.com/healthz | grep -qi '^strict-transport-security: max-age='"

inside cp /root/in/demo.csv /var/lib/settle/demo.csv
inside chown settle /var/lib/settle/demo.csv
inside runuser -u settle -- portal-admin -c /etc/settle/settle.conf import /var/lib/settle/demo.csv > /dev/null
url=$(inside runuser -u settle -- portal-admin -c /etc/settle/settle.conf link INV-2026-0171)
page=$(https "${url#https://pay.example.com}")
check "an invoice link opens over TLS" grep -q "INV-2026-0171" <<< "$page"
css=$(sed -n 's/.*rel="stylesheet" href="\([^"]*\)".*/\1/p' <<< "$page")
check "its versioned stylesheet is served for a year" bash -c "nsenter -t $LEADER -a -- curl -sI \
	--cacert /etc/ssl/settle/fullchain.pem --resolve pay.example.com:443:127.0.0.1 \
	https://pay.example.com$css | grep -qi 'max-age=31536000, immutable'"

inside systemctl reload settle-portal
sleep 1
check "systemctl reload settle-portal reloads (SIGHUP, READY again)" \
	bash -c "nsenter -t $LEADER -a -- systemctl show -p StatusText settle-portal | grep -q reloaded"
check "and it still serves" test "$(https /healthz)" = ok
level=$(inside systemd-analyze security settle-portal.service 2>/dev/null |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
say "systemd-analyze security, booted: portal $level, notify $(inside systemd-analyze security settle-notify.service 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
check "the portal's exposure is below 3.0 ($level)" awk -v l="${level:-99}" 'BEGIN { exit !(l < 3.0) }'
check "no token in nginx's access log" bash -c "! nsenter -t $LEADER -a -- grep -qF '${url##*/}' /var/log/nginx/settle-access.log"
check "nginx's Settle logs are 0640" \
	test "$(inside stat -c %a /var/log/nginx/settle-access.log /var/log/nginx/settle-error.log | sort -u)" = 640

inside systemctl stop settle-portal
check "stopping the portal removes its socket" bash -c "! nsenter -t $LEADER -a -- test -e /run/settle/portal.sock"
code=$(inside curl -s -o /root/in/down.html -w '%{http_code}' --cacert /etc/ssl/settle/fullchain.pem \
	--resolve pay.example.com:443:127.0.0.1 https://pay.example.com/healthz)
check "and nginx then answers 502 ($code) with Settle's own page" \
	bash -c "[ '$code' = 502 ] && grep -q 'Example Ltd' '$M/root/in/down.html'"
out=$(inside dpkg --purge settle 2>&1)
check "dpkg --purge removes the secret and the state" \
	bash -c "! nsenter -t $LEADER -a -- test -e /etc/settle/secret -o -e /var/lib/settle"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
