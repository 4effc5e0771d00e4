#!/usr/bin/env bash
# Issue 19: the stack starts wherever a checkout is. Sockets never depend on
# the checkout's length, paths may hold spaces, and as root a checkout the
# service user cannot reach (root's 0700 home) still works. The slow
# end-to-end variant (real clones in /root and a user's home): make try-paths.
. "$(dirname "$0")/lib.sh"

SUN_PATH_MAX=107
d() { date -u -d "$1 days" +%Y-%m-%d; }
cat > "$T/paths.csv" <<CSV
invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date
P-1,PC-1,Ana Ruiz,ana@example.com,+34 600 000 002,en,EUR,$(d -40),$(d -10),line,Shelving,1,410.00,
CSV
# socket_paths DIR: every unix socket under DIR (the run directory).
socket_paths() { find "$1" -maxdepth 1 -type s; }
# check_sockets NAME RUN: each socket path fits a sockaddr_un.
check_sockets() {
	local s n=0 long=0
	while IFS= read -r s; do
		n=$((n + 1))
		[ ${#s} -le $SUN_PATH_MAX ] || long=$((long + 1))
	done < <(socket_paths "$2")
	expect_eq "$1: the portal's and PostgreSQL's sockets are there" 2 "$n"
	expect_eq "$1: every socket path fits in 107 bytes" 0 "$long"
}
# where DIR KEY: one line of `stack.sh where`.
where() { "$ROOT/scripts/stack.sh" where "$1" | sed -n "s/^$2 //p"; }
# serves NAME: the stack of $BASE/$CONF answers like a user would see it.
serves() {
	local name=$1 path css
	http GET /healthz
	expect_status 200 "$name: /healthz answers"
	path=$(link_path P-1)
	http GET "$path"
	expect_status 200 "$name: an invoice page opens"
	expect_body "P-1" "$name: it is the invoice"
	css=$(sed -n 's/.*rel="stylesheet" href="\([^"]*\)".*/\1/p' "$T/body")
	check "$name: the page links a versioned stylesheet" \
		grep -Eq '^/static/settle\.[0-9a-f]{12}\.css$' <<< "$css"
	http GET "$css"
	expect_status 200 "$name: the versioned stylesheet is served"
	expect_body "font" "$name: and it is CSS"
}

# Stacks other than lib.sh's are stopped too if a check dies halfway.
OTHERS=()
stop_others() {
	local v
	for v in "${OTHERS[@]}"; do "$ROOT/scripts/stack.sh" stop "$v" > /dev/null 2>&1; done
	stack_down
}
trap stop_others EXIT

# 1. The usual short temporary directory: sockets stay in DIR/run.
stack_up
admin import "$T/paths.csv" > /dev/null
serves "short path"
expect_eq "short path: sockets stay in DIR/run" "$VAR/run" "$(where "$VAR" run)"
check "short path: DIR/run is a directory, not a link" test ! -L "$VAR/run"
check_sockets "short path" "$VAR/run"
"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null

# 2. Spaces and more than 80 characters: DIR/run leads to a short directory.
VAR="$T/a folder with spaces/and a name long enough to push every socket path well past eighty/var"
CONF=$VAR/settle.conf
OTHERS+=("$VAR")
stack_up
admin import "$T/paths.csv" > /dev/null
serves "long path with spaces"
run=$(where "$VAR" run)
check "long path: the path of DIR is over 80 characters" test ${#VAR} -gt 80
check "long path: the socket directory is short" test ${#run} -le 86
check "long path: DIR/run leads to it" test "$(cd "$VAR/run" && pwd -P)" = "$run"
check_sockets "long path" "$run"
# The sendmail wrapper: a message reaches DIR/mail despite the spaces.
p=$(link_path P-1)
http GET "$p/hardship"
csrf=$(form_value csrf)
when=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
http POST "$p/hardship" \
	--data-urlencode "csrf=$csrf" -d category=illness -d contact=email \
	--data-urlencode "message=Mail through a path with spaces." \
	-d "callback_date=$when" -d callback_window=morning
n=0
for _ in $(seq 1 50); do
	n=$(grep -l "Mail through a path with spaces" "$VAR"/mail/*.eml 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && break
	sleep 0.2
done
expect_status 303 "long path: the hardship note is received"
check "long path: mail arrives in DIR/mail" test "$n" -gt 0
expect_eq "long path: stack.sh psql reaches the database" 1 \
	"$("$ROOT/scripts/stack.sh" psql "$VAR" -Atqc "SELECT count(*) FROM invoices WHERE number = 'P-1'")"
"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null
check "long path: everything stopped" test ! -S "$run/portal.sock"

# 3. As root, a checkout the service user cannot reach (like /root, 0700):
# a copy of what the stack needs, in a directory only root may enter.
if [ "$(id -u)" -eq 0 ]; then
	LOCKED=$T/locked/checkout
	mkdir -p "$LOCKED/build"
	chmod 700 "$T/locked"
	cp -R "$ROOT/scripts" "$ROOT/templates" "$ROOT/static" "$ROOT/sql" "$ROOT/nginx" "$LOCKED/"
	[ ! -d "$ROOT/po" ] || cp -R "$ROOT/po" "$LOCKED/"
	cp "$BUILD/portal" "$BUILD/portal-notify" "$BUILD/portal-admin" "$LOCKED/build/"
	check "locked: user settle cannot reach the checkout" \
		bash -c "! setpriv --reuid=settle --regid=settle --init-groups test -e '$LOCKED/templates'"
	VAR=$LOCKED/var
	CONF=$VAR/settle.conf
	OTHERS+=("$VAR")
	PORT=$(free_port)
	BASE=http://127.0.0.1:$PORT
	if SETTLE_BUILD=$LOCKED/build "$LOCKED/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo > "$T/locked.log" 2>&1; then
		ok "locked: the stack starts"
	else
		not_ok "locked: the stack starts" "$(tail -n 3 "$T/locked.log")"
	fi
	state=$(cd "$VAR" && pwd -P)
	check "locked: DIR is a link to a state directory outside the checkout" \
		test -L "$VAR" -a "${state#/var/lib/settle-dev/}" != "$state"
	admin() { "$LOCKED/build/portal-admin" -c "$CONF" "$@"; }
	admin import "$T/paths.csv" > /dev/null
	serves "locked"
	check "locked: templates, catalogs and programs were copied for the service user" \
		test -f "$state/share/templates/layout.mustache" -a -x "$state/share/bin/portal" \
		-a -d "$state/share/po"
	SETTLE_BUILD=$LOCKED/build "$LOCKED/scripts/stack.sh" stop "$VAR" > /dev/null
	run=$(cd "$state/run" && pwd -P)
	rm -rf "$state" "$run"
fi
VAR=$T/var
finish
