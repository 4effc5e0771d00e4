# Sourced by tests/integration/test_*.sh. Starts a whole Settle stack
# (PostgreSQL, portal workers, portal-notify, nginx) in a temporary
# directory on a free loopback port, stops it by PID on exit, and offers
# small helpers for HTTP requests and TAP-style checks. Each file ends with
# `finish`, which prints "N passed, N failed".
#
# The programs come from SETTLE_BUILD (default build/; scripts/run-tests.sh
# sets build/asan/bin, the ASan+UBSan build). Sanitizer reports of every
# program the test starts go to files under $T/san (log_path); `finish`
# stops the stack and counts each report file as a failure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PASS=0
FAIL=0
T=$(mktemp -d /tmp/settle-it.XXXXXX)
chmod 755 "$T"
BUILD=${SETTLE_BUILD:-$ROOT/build}
export SETTLE_BUILD=$BUILD
SAN=$T/san
mkdir -p "$SAN"
chmod 1777 "$SAN"	# the programs run as the service user
export ASAN_OPTIONS="log_path=$SAN/asan:detect_leaks=1:halt_on_error=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$SAN/ubsan:print_stacktrace=1:halt_on_error=1"
VAR=$T/var
CONF=$VAR/settle.conf
BASE=
PORT=

free_port() { "$ROOT/scripts/free-port.sh"; }

stack_up() {
	PORT=$(free_port)
	BASE=http://127.0.0.1:$PORT
	if ! "$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo "$@" \
		> "$T/stack.log" 2>&1; then
		echo "# the stack did not start:"
		sed 's/^/#   /' "$T/stack.log"
		tail -n 20 "$VAR"/log/*.log 2>/dev/null | sed 's/^/#   /'
		echo "0 passed, 1 failed"
		exit 1
	fi
}

stack_down() {
	"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1
	rm -rf "$T"
}
trap stack_down EXIT

admin() { "$BUILD/portal-admin" -c "$CONF" "$@"; }
# sql QUERY: runs as the schema owner, prints unaligned rows.
sql() { "$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }
# sql_web QUERY: runs as the web role the portal uses.
sql_web() { "$PGBIN/psql" -X -h "$VAR/run" -U settle_web -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }

# http METHOD PATH [curl options]: sets STATUS; body in $T/body, head in $T/headers.
http() {
	local method=$1 path=$2
	shift 2
	STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' \
		--max-time 20 -X "$method" "$@" "$BASE$path")
}

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1"
	[ -z "${2:-}" ] || echo "#   $2"
}
# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}
expect_status() {
	if [ "$STATUS" = "$1" ]; then ok "$2"; else not_ok "$2" "expected status $1, got $STATUS"; fi
}
expect_body() {
	if grep -qF -- "$1" "$T/body"; then ok "$2"; else not_ok "$2" "the body does not contain: $1"; fi
}
expect_no_body() {
	if grep -qF -- "$1" "$T/body"; then not_ok "$2" "the body contains: $1"; else ok "$2"; fi
}
expect_header() {
	if grep -qiF -- "$1" "$T/headers"; then ok "$2"; else not_ok "$2" "no header: $1"; fi
}
# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2], got [$3]"; fi
}
# The text of the page with tags stripped, one line per line of HTML.
page_text() { sed -e 's/<[^>]*>/ /g' -e 's/&minus;/-/g' -e 's/&amp;/\&/g' "$T/body" | tr -s ' '; }
# The value of a hidden input called $1 in the last body.
form_value() {
	sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$T/body" | head -n 1
}
# A fresh link for invoice $1, as a path (/i/TOKEN).
link_path() { admin link "$1" | sed 's|^http://[^/]*||'; }

# sanitizer_reports: one failure per report file under $SAN, with its head.
sanitizer_reports() {
	local f n=0
	for f in "$SAN"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		not_ok "sanitizer report $(basename "$f")" "$(grep -m 3 -E 'ERROR|runtime error|SUMMARY' "$f" | tr '\n' ' ')"
		sed -n '1,30p' "$f" | sed 's/^/#   | /'
	done
	[ "$n" -gt 0 ] || ok "no sanitizer report from any program ($(basename "$BUILD"))"
}

finish() {
	"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1
	sanitizer_reports
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}
