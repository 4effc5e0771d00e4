#!/usr/bin/env bash
# make try-paths: the first command, where people clone. Real clones of this
# checkout's HEAD, each started with `make start PORT=...`, checked through
# nginx (/healthz, an invoice page and its stylesheet) and stopped:
#   1. as root, in root's home (/root is 0700 on Debian);
#   2. as root, in a path with spaces and over 80 characters;
#   3. as a normal user with sudo, in that user's home (a throwaway user
#      settletry with passwordless sudo, removed afterwards).
# TRY_FULL=1 also runs `make test` in each clone (with ../shared beside it).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$ROOT/../shared" 2>/dev/null && pwd || true)
PASS=0
FAIL=0
say() { printf '# %s\n' "$*"; }
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [ -z "${2:-}" ] || printf '#   %s\n' "$2"; }
[ "$(id -u)" -eq 0 ] || { echo "run as root: it makes a user and clones into /root"; exit 1; }

T=$(mktemp -d /tmp/settle-try.XXXXXX)
chmod 755 "$T"
git -C "$ROOT" bundle create -q "$T/settle.bundle" HEAD
chmod 644 "$T/settle.bundle"
HOME_CLONE=$(mktemp -d /root/settle-try.XXXXXX)
LONG="$T/a folder with spaces/and a name that is long enough to push the whole path past eighty"
USER_HOME=
CLONES=()
cleanup() {
	local c
	for c in "${CLONES[@]}"; do
		[ -d "$c" ] || continue
		if [[ $c == /home/settletry/* ]]; then
			runuser -u settletry -- make -s -C "$c" stop > /dev/null 2>&1
		else
			make -s -C "$c" stop > /dev/null 2>&1
			[ ! -L "$c/var" ] || rm -rf "$(readlink "$c/var")"
		fi
	done
	if id settletry > /dev/null 2>&1; then
		pkill_user=$(pgrep -u settletry | tr '\n' ' ')
		[ -z "$pkill_user" ] || kill $pkill_user 2>/dev/null
		sleep 0.5
		userdel -r settletry 2>/dev/null
	fi
	rm -f /etc/sudoers.d/settletry
	rm -rf "$T" "$HOME_CLONE"
}
trap cleanup EXIT

# try NAME DIR [runuser -u USER --]: clone, make start, look, make stop.
try() {
	local name=$1 dir=$2 port out url css
	shift 2
	local as=("$@")
	CLONES+=("$dir")
	"${as[@]}" git -c advice.detachedHead=false clone -q "$T/settle.bundle" "$dir" || { not_ok "$name: git clone"; return; }
	if [ -n "$SHARED" ]; then "${as[@]}" ln -s "$SHARED" "$(dirname "$dir")/shared"; fi
	port=$("$ROOT/scripts/free-port.sh")
	say "$name: make start PORT=$port in $dir"
	if out=$(cd "$dir" && "${as[@]}" make -s -j2 start PORT="$port" 2>&1); then
		ok "$name: make start"
	else
		not_ok "$name: make start" "$(tail -n 5 <<< "$out")"
		return
	fi
	[ "$(curl -s "http://127.0.0.1:$port/healthz")" = ok ] && ok "$name: /healthz through nginx" ||
		not_ok "$name: /healthz through nginx"
	url=$(sed -n 's/^  INV-2026-0171  \(http[^ ]*\)$/\1/p' <<< "$out")
	page=$(curl -s "$url")
	grep -q "INV-2026-0171" <<< "$page" && ok "$name: a demo link opens its invoice" ||
		not_ok "$name: a demo link opens its invoice" "link: ${url:0:40}"
	css=$(sed -n 's/.*rel="stylesheet" href="\([^"]*\)".*/\1/p' <<< "$page")
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$css")" = 200 ] &&
		ok "$name: its stylesheet is served" || not_ok "$name: its stylesheet is served"
	say "$name: $(cd "$dir" && "${as[@]}" scripts/stack.sh where var | tr '\n' ';')"
	if [ -n "${TRY_FULL:-}" ]; then
		if (cd "$dir" && "${as[@]}" make -s test > "$T/test.out" 2>&1); then
			ok "$name: make test ($(tail -n 1 "$T/test.out"))"
		else
			not_ok "$name: make test" "$(tail -n 3 "$T/test.out")"
		fi
	fi
	if (cd "$dir" && "${as[@]}" make -s stop > /dev/null 2>&1); then ok "$name: make stop"; else not_ok "$name: make stop"; fi
	[ -z "$(curl -s --max-time 2 "http://127.0.0.1:$port/healthz")" ] && ok "$name: and nothing answers any more" ||
		not_ok "$name: and nothing answers any more"
}

try "root's home" "$HOME_CLONE/settle"
mkdir -p "$LONG"
try "spaces, $(( ${#LONG} + 11 )) characters" "$LONG/settle"

# A normal user with passwordless sudo (for apt-get in scripts/deps.sh).
if ! command -v sudo > /dev/null; then
	say "installing sudo (a normal user's apt-get goes through it)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo > /dev/null 2>&1
fi
adduser --disabled-password --gecos "" --quiet settletry
echo "settletry ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/settletry
chmod 440 /etc/sudoers.d/settletry
USER_HOME=$(getent passwd settletry | cut -d: -f6)
say "settletry's home is mode $(stat -c %a "$USER_HOME")"
runuser -u settletry -- sudo -n true && ok "settletry may use sudo" || not_ok "settletry may use sudo"
try "a user's home" "$USER_HOME/settle" runuser -u settletry --
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
