#!/usr/bin/env bash
# Settle's benchmark (bench/README.md explains every number). `make bench`
# runs it after building and installing wrk.
#
#   bench/run.sh
#
# Measures a checkout (this one, or BENCH_TREE=DIR: the harness of this
# checkout against the programs, SQL, templates and stack script of another,
# for before/after figures on old commits) on a stack of its own in a
# temporary directory: PostgreSQL with production settings, portal workers,
# nginx; beside the portal, behind the same nginx, a libfcgi hello (the
# ceiling), a plain C page and, when installed, the same page in PHP-FPM.
# wrk through nginx, rounds interleaved; CPU per request of each process
# tree from /proc; statements, transactions and round trips per page; then
# the same pages on 1,000,000 invoices, EXPLAIN (ANALYZE, BUFFERS) of the
# debtor page's statements and a perf profile. The report goes to stdout and
# bench/results/latest.md; the exit status is non-zero when a check failed.
#
# Knobs (environment): BENCH_QUICK=1 (a smoke run of about 2 minutes),
# BENCH_TREE=DIR, BENCH_DURATION=4 (seconds per run), BENCH_REPS=3,
# BENCH_THREADS=2, BENCH_CONNECTIONS=32, BENCH_INVOICES=1000000,
# BENCH_PERF=1, BENCH_PHP=1, BENCH_RENDER=1, BENCH_KEEP=1 (keep the
# temporary directory, logs included, for a look afterwards).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TREE=$(cd "${BENCH_TREE:-$ROOT}" && pwd)
BUILD=$TREE/build
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 1 ] || QUICK=0
if [ "$QUICK" = 1 ]; then
	DURATION=${BENCH_DURATION:-1}; REPS=${BENCH_REPS:-1}
	LARGE=${BENCH_INVOICES:-100000}; ROTATION=20000; PLAN_POOL=3000
	PERF=${BENCH_PERF:-0}
else
	DURATION=${BENCH_DURATION:-4}; REPS=${BENCH_REPS:-3}
	LARGE=${BENCH_INVOICES:-1000000}; ROTATION=100000; PLAN_POOL=24000
	PERF=${BENCH_PERF:-1}
fi
DURATION=${DURATION%s}
SMALL=10000
WARMUP=1
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
RESULTS=$ROOT/bench/results
OUT=$RESULTS/latest.md
HZ=$(getconf CLK_TCK)
COMPONENTS=(nginx portal hello plain php postgres notify)
PROBLEMS=()
STAGES=()
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

say() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }
stage() { STAGES+=("$SECONDS $*"); say "== $*"; }
command -v wrk >/dev/null || die "wrk is not installed (make bench installs it: scripts/deps.sh bench)"
[ -n "$PGBIN" ] || die "PostgreSQL server binaries not found"
[ -x "$TREE/scripts/stack.sh" ] || die "$TREE has no scripts/stack.sh"

T=$(mktemp -d /tmp/settle-bench.XXXXXX)
chmod 755 "$T"
VAR=$T/var
CONF=$VAR/settle.conf
REQ=$T/req
mkdir -p "$REQ"
if [ "$TREE" = "$ROOT" ]; then BIN=$ROOT/build/bench; else BIN=$T/bin; fi

declare -A KIND URL FILE MODE HDR APP LABEL WANT OFFSET SKIP SAMPLE SAMPLED PRE POST_HOOK R RSS
source "$ROOT/bench/measure.sh"
source "$ROOT/bench/data.sh"
source "$ROOT/bench/peers.sh"
source "$ROOT/bench/report.sh"

CHILD=
cleanup() {
	local rc=$?
	[ -z "$CHILD" ] || kill -TERM "$CHILD" 2>/dev/null || true
	[ -z "${RT_PID:-}" ] || kill -INT "$RT_PID" 2>/dev/null || true
	stop_peers > /dev/null 2>&1 || true
	"$TREE/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1 || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
set -E	# a failing command says where it was, even inside a function
trap 'say "failed (status $?) in ${FUNCNAME[0]:-main}, line $LINENO: $BASH_COMMAND"' ERR
# Runs a command in the background and waits for it: a signal then reaches
# our trap at once (wrk catches SIGINT itself), and cleanup can stop it.
bg_wait() {
	"$@" &
	CHILD=$!
	local rc=0
	wait "$CHILD" || rc=$?
	CHILD=
	return $rc
}

# --- 1. build ------------------------------------------------------------------
# The programs with the tree's own Makefile; the peers and the helper with
# exactly its ALL_CFLAGS, ALL_LDFLAGS and PKG_LIBS (asked from make itself).
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$TREE" "$@"; }
stage "building $TREE"
mk build/libsettle.a build/portal build/portal-notify build/portal-admin
mapfile -t FLAGS < <(mk --eval='bench-flags: ; @printf "%s\n" "$(ALL_CFLAGS)" "$(ALL_LDFLAGS)" "$(PKG_LIBS)"' bench-flags)
[ ${#FLAGS[@]} -eq 3 ] || die "cannot read the compiler flags from $TREE/Makefile"
mkdir -p "$BIN"
cc_bench() {	# cc_bench OUT SOURCES...: -I the tree's portal/ (in its flags)
	local out=$1
	shift
	# shellcheck disable=SC2086  # the flags are word lists
	(cd "$TREE" && gcc ${FLAGS[0]} ${FLAGS[1]} -o "$BIN/$out" "$@" ${FLAGS[2]})
}
cc_bench hello "$ROOT/bench/hello.c" "$ROOT/bench/prefork.c"
cc_bench plain "$ROOT/bench/plain.c" "$ROOT/bench/prefork.c"
cc_bench helper "$ROOT/bench/helper.c" build/libsettle.a
HAVE_RENDER=0
if [ "${BENCH_RENDER:-1}" != 0 ]; then
	if cc_bench render "$ROOT/bench/render.c" build/libsettle.a 2> "$T/render.cc"; then
		HAVE_RENDER=1
	else
		PROBLEMS+=("note: bench/render.c does not build against this tree; the render benchmark was skipped")
	fi
fi
HAVE_TRACE=0
if command -v perf > /dev/null && perf stat -e syscalls:sys_enter_sendto true > /dev/null 2>&1; then
	HAVE_TRACE=1
fi

# --- 2. the render benchmark, in process -----------------------------------------
if [ "$HAVE_RENDER" = 1 ]; then
	stage "render benchmark (bench/render.c)"
	po=(); [ ! -d "$TREE/po" ] || po=("$TREE/po")	# catalogs, since issue 12
	if render_out=$("$BIN/render" -r 5 -s 0.4 "$TREE/templates" "${po[@]}" 2> "$T/render.err"); then
		for kv in $(printf '%s\n' "$render_out" | sed -n 's/^RESULT //p'); do R[${kv%%=*}]=${kv#*=}; done
	else
		PROBLEMS+=("the render benchmark failed: $(tail -n 3 "$T/render.err")")
		HAVE_RENDER=0
	fi
fi

# --- 3. the stack, with production PostgreSQL settings ------------------------------
PORT=$("$ROOT/scripts/free-port.sh")
BASE=http://127.0.0.1:$PORT
ACCESS=$VAR/log/nginx-access.log
PGLOG=$VAR/log/postgres.log
stage "starting a stack in $VAR on port $PORT"
# A link may send 10 hardship notes an hour (then 429, nothing stored): the
# hardship POST is measured storing its note, so its runs may send more.
"$TREE/scripts/stack.sh" start "$VAR" --port "$PORT" --no-demo --exempt \
	--set hardship_notes_per_hour=1000 > "$T/stack.log" 2>&1 || { cat "$T/stack.log" >&2; die "the stack did not start"; }
PG_SETTINGS=$(sql "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
	FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes',
	'shared_buffers', 'wal_level', 'max_wal_size', 'checkpoint_timeout')")
start_peers

# --- 4. data -------------------------------------------------------------------
stage "data: the hot invoices (portal-admin import), $SMALL generated ones, pools"
hot_data
load_begin
generate GEN- 1 "$SMALL" -1 > /dev/null
rotation cold "$ROTATION" "$(numbers_sql GEN- 1 "$SMALL")"
say "   $SMALL invoices, $ROTATION links in the rotation"
staff_session
plan_pools
hardship_pool
say "   the POST pools, the staff session"
load_done
say "   vacuumed, analysed, checkpointed"
# Mail delivery is not part of a request: portal-notify stops here (the
# POSTs still queue their messages and notify in their transactions).
stop_pid_file() { local p; p=$(root_pid "$1"); [ "$p" = - ] || { kill -TERM "$p"; sleep 0.5; }; }
stop_pid_file notify
N_SMALL=$(sql "SELECT count(*) FROM invoices")

# --- 5. the endpoints -----------------------------------------------------------
# endpoint NAME APP WANT LABEL url PATH | file FILE MODE
endpoint() {
	local name=$1
	APP[$name]=$2; WANT[$name]=$3; LABEL[$name]=$4; KIND[$name]=$5
	if [ "$5" = url ]; then URL[$name]=$6; else FILE[$name]=$6; MODE[$name]=$7; fi
}
endpoint static none 200 "static file (nginx alone)" url /static/settle.css
endpoint hello hello 200 "libfcgi hello (the stack's ceiling)" url /bench/hello
endpoint plain plain 200 "a plain C page, one indexed query, read-only" url "/bench/plain?n=BENCH-001"
[ "$HAVE_PHP" = 0 ] || endpoint php php 200 "the same page in PHP-FPM" url "/bench/php?n=BENCH-001"
endpoint healthz portal 200 "GET /healthz" url /healthz
endpoint invoice portal 200 "invoice page, one link" url "$INVOICE"
endpoint invoice16 portal 200 "invoice page, 16 links (fsync on, as deployed)" file "$REQ/hot16.tsv" rotate
endpoint nofsync portal 200 "invoice page, 16 links, fsync off" file "$REQ/hot16.tsv" rotate
PRE[nofsync]="pg_set fsync=off"; POST_HOOK[nofsync]="pg_set fsync=default"
endpoint cold portal 200 "invoice page, $ROTATION cold links, $N_SMALL invoices" file "$REQ/cold.tsv" rotate
endpoint unknown portal 404 "404: unknown token" url "$UNKNOWN"
endpoint expired portal 404 "404: expired token" url "$EXPIRED"
endpoint revoked portal 404 "404: revoked token" url "$REVOKED"
endpoint plan portal 200 "plan page (GET), 16 links" file "$REQ/plan16.tsv" rotate
endpoint plan_post portal 303 "plan POST, accepted (303; each link once)" file "$REQ/plan_post.tsv" once
SAMPLE[plan_post]=$REQ/plan_post.sample.tsv
endpoint plan_again portal 409 "plan POST, plan already accepted (409)" file "$REQ/plan_again.tsv" rotate
endpoint hardship_post portal 303 "hardship POST (303)" file "$REQ/hardship_post.tsv" rotate
POST_HOOK[hardship_post]=bench_cleanup_hardship
endpoint staff portal 200 "staff worklist /staff, signed in" url /staff
NAMES_A=(static hello plain $([ "$HAVE_PHP" = 0 ] || echo php) healthz invoice invoice16 nofsync cold
	unknown expired revoked plan plan_post plan_again hardship_post staff)

# Each endpoint is checked once before it is timed: a broken page must not look fast.
expect() {	# expect NAME TEXT...: the first request of NAME answers WANT with every TEXT
	local name=$1 line status text
	shift
	line=$(request_lines "$name" 1)
	SKIP[$name]=$(( ${SKIP[$name]:-0} + 1 ))
	local hdr=()
	[ -z "${HDR[$name]:-}" ] || hdr=(-H "${HDR[$name]}")
	status=$(send "$line" "${hdr[@]}")
	[[ $status =~ ^(${WANT[$name]})$ ]] || die "$name: $line answered $status, expected ${WANT[$name]}: $(head -c 400 "$T/body")"
	for text in "$@"; do
		grep -qF -- "$text" "$T/body" || die "$name: $line lacks: $text"
	done
}
stage "checking every endpoint"
expect static "body"
expect hello "hello"
expect plain "<h1>Invoice BENCH-001</h1>" "Hydraulic fitting HX-1420, 1/2&quot; BSP"
[ "$(grep -c '^<tr><td' "$T/body")" -eq 20 ] || die "the plain page does not have 20 rows"
if [ "$HAVE_PHP" = 1 ]; then
	expect php "<h1>Invoice BENCH-001</h1>" "Hydraulic fitting HX-1420, 1/2&quot; BSP"
	[ "$(grep -c '^<tr><td' "$T/body")" -eq 20 ] || die "the PHP page does not have 20 rows"
fi
expect healthz ok
expect invoice "<h1>Invoice BENCH-001</h1>" "Harbour &amp; Sons Engineering 1" \
	"Hydraulic fitting HX-1420, 1/2&quot; BSP" "Late Payment of Commercial Debts Act 1998" \
	"Card payment by phone"
[ "$(grep -c '<td' "$T/body")" -gt 23 ] || die "the invoice page shows fewer items than it has"
expect invoice16 "<h1>Invoice BENCH-0"
expect cold "<h1>Invoice GEN-"
expect unknown; expect expired; expect revoked
expect plan 'name="quote"'
expect plan_post; expect plan_again; expect hardship_post
bench_cleanup_hardship
expect staff "<h1>Today"

# --- 6. warm-up, then one request at a time with every statement logged -----------
stage "warm-up (${WARMUP}s each: every worker connects and prepares its statements)"
for name in "${NAMES_A[@]}"; do
	[ -z "${PRE[$name]:-}" ] || ${PRE[$name]}
	run_wrk "$name" "$T/warm.$name" "$WARMUP"
	[ -z "${POST_HOOK[$name]:-}" ] || ${POST_HOOK[$name]}
done

stage "statements, transactions and round trips per request"
pg_set log_min_duration_statement=0 "log_line_prefix=%m [%p] vx=%v app=%a "
app_name() { case "${APP[$1]}" in portal) echo portal ;; plain) echo bench-plain ;; php) echo bench-php ;; *) echo - ;; esac; }
for name in "${NAMES_A[@]}"; do
	case "$name" in static|nofsync) continue ;; esac
	sample "$name" 10 "$(app_name "$name")"
	[ -z "${POST_HOOK[$name]:-}" ] || ${POST_HOOK[$name]}
done
SAMPLED[static]="0 0 0 0 0"	# nginx alone
SAMPLED[nofsync]=${SAMPLED[invoice16]}	# the same requests
pg_set log_min_duration_statement=default log_line_prefix=default

# --- 7. the rounds: interleaved, the order rotated from round to round ------------
# rounds PHASE NAME...: REPS rounds of the named endpoints.
rounds() {
	local phase=$1 rep k name n
	shift
	local names=("$@")
	n=${#names[@]}
	for ((rep = 1; rep <= REPS; rep++)); do
		for ((k = 0; k < n; k++)); do
			name=${names[$(( (k + rep - 1) % n ))]}
			[ -z "${PRE[$name]:-}" ] || ${PRE[$name]}
			run_wrk "$name" "$T/wrk.$name.$rep" "$DURATION"
			[ -z "${POST_HOOK[$name]:-}" ] || ${POST_HOOK[$name]}
			printf '  %s round %d %-14s %10s req/s\n' "$phase" "$rep" "$name" \
				"$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk.$name.$rep")" >&2
		done
	done
}
stage "$REPS rounds of ${#NAMES_A[@]} endpoints, ${DURATION}s each: wrk -t$THREADS -c$CONNS"
rounds A "${NAMES_A[@]}"
for app in portal hello plain php; do RSS[$app]=$(worker_rss "$app"); done

# --- 8. the profile ------------------------------------------------------------------
if [ "$PERF" = 1 ] && command -v perf > /dev/null; then
	stage "perf record -g of the portal workers and PostgreSQL during invoice16"
	perf_profile invoice16 || PROBLEMS+=("note: perf record failed; no profile")
fi

# --- 9. the same pages on $LARGE invoices ------------------------------------------
stage "data: growing to $LARGE invoices"
load_begin
generate GEN- $(( SMALL + 1 )) "$LARGE" -1 > /dev/null
say "   generated"
rotation cold_large "$ROTATION" "$(numbers_sql GEN- 1 "$LARGE" $(( LARGE / ROTATION )))"
known_links explain 1 "$(numbers_sql GEN- $(( LARGE / 2 + 3 )) $(( LARGE / 2 + 3 )))"
say "   $ROTATION links in the rotation"
load_done
say "   vacuumed, analysed, checkpointed"
N_LARGE=$(sql "SELECT count(*) FROM invoices")
endpoint hello_large hello 200 "libfcgi hello" url /bench/hello
endpoint invoice16_large portal 200 "invoice page, 16 links" file "$REQ/hot16.tsv" rotate
endpoint cold_large portal 200 "invoice page, $ROTATION cold links, $N_LARGE invoices" file "$REQ/cold_large.tsv" rotate
NAMES_B=(hello_large invoice16_large cold_large)
expect cold_large "<h1>Invoice GEN-"
stage "warm-up and $REPS rounds on $N_LARGE invoices"
for name in "${NAMES_B[@]}"; do run_wrk "$name" "$T/warm.$name" "$WARMUP"; done
rounds B "${NAMES_B[@]}"

stage "EXPLAIN (ANALYZE, BUFFERS) of the invoice page's statements"
pg_set log_min_duration_statement=0 "log_line_prefix=%m [%p] vx=%v app=%a "
sample cold_large 10 portal
pg_set log_min_duration_statement=default log_line_prefix=default
explain_page cold_large > "$T/explain.md" || PROBLEMS+=("EXPLAIN failed: $(tail -n 3 "$T/explain.err" 2>/dev/null)")

# --- 10. the report --------------------------------------------------------------------
stage "report"
report > "$T/results.md"
mkdir -p "$RESULTS"
cp "$T/results.md" "$OUT"
cat "$T/results.md"
say "Written to ${OUT#"$ROOT"/}"
[ "$VERDICT" = ok ]
