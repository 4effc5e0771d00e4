#!/usr/bin/env bash
# Settle's benchmarks (bench/README.md explains what they measure and how to
# read them). `make bench` runs this after building and installing wrk.
#
#   bench/run.sh
#
# 1. bench/render.c: the invoice page's view build and template render, in
#    process (no nginx, FastCGI or PostgreSQL).
# 2. HTTP through nginx with wrk against a complete stack started in a
#    temporary directory on a free port (scripts/stack.sh --fast --no-demo
#    --exempt): a static file (the baseline), /healthz, the invoice page and
#    the unknown-token 404, interleaved and repeated; medians and ratios.
# 3. Database round trips per request, from PostgreSQL's own statement log.
#
# Results go to stdout and bench/results/latest.md. Knobs (environment):
#   BENCH_DURATION=10s BENCH_THREADS=2 BENCH_CONNECTIONS=16 BENCH_REPS=3
#   BENCH_RENDER_ROUNDS=5 BENCH_RENDER_SECONDS=0.4
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-16}
REPS=${BENCH_REPS:-3}
RENDER_ROUNDS=${BENCH_RENDER_ROUNDS:-5}
RENDER_SECONDS=${BENCH_RENDER_SECONDS:-0.4}
WARMUP=2s
NINVOICES=16		# for the round-robin variant of the invoice page
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
RESULTS=$ROOT/bench/results
OUT=$RESULTS/latest.md

say() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed (make bench installs it: scripts/deps.sh bench)"
[ -n "$PGBIN" ] || die "PostgreSQL server binaries not found"

# --- 1. build ---------------------------------------------------------------
# The programs and the library with the Makefile's own rules, then the render
# benchmark with exactly the Makefile's ALL_CFLAGS, ALL_LDFLAGS and PKG_LIBS
# (asked from make itself, so they never drift apart).
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$ROOT" "$@"; }
say "== building"
mk build/libsettle.a build/portal build/portal-notify build/portal-admin
mapfile -t FLAGS < <(mk --eval='bench-flags: ; @printf "%s\n" "$(ALL_CFLAGS)" "$(ALL_LDFLAGS)" "$(PKG_LIBS)"' bench-flags)
[ ${#FLAGS[@]} -eq 3 ] || die "cannot read the compiler flags from the Makefile"
mkdir -p build/bench
# shellcheck disable=SC2086  # the flags are word lists
gcc ${FLAGS[0]} ${FLAGS[1]} -o build/bench/render bench/render.c build/libsettle.a ${FLAGS[2]}

# --- 2. the render benchmark ------------------------------------------------
say "== render benchmark (bench/render.c, $RENDER_ROUNDS rounds)"
render_out=$(build/bench/render -r "$RENDER_ROUNDS" -s "$RENDER_SECONDS" "$ROOT/templates") ||
	die "the render benchmark failed"
printf '%s\n' "$render_out" | grep -v '^RESULT' >&2
declare -A R
for kv in $(printf '%s\n' "$render_out" | sed -n 's/^RESULT //p'); do R[${kv%%=*}]=${kv#*=}; done

# --- 3. the stack -------------------------------------------------------------
T=$(mktemp -d /tmp/settle-bench.XXXXXX)
chmod 755 "$T"
VAR=$T/var
CONF=$VAR/settle.conf
CHILD=
cleanup() {
	local rc=$?
	[ -z "$CHILD" ] || kill -TERM "$CHILD" 2>/dev/null || true
	"$ROOT/scripts/stack.sh" stop "$VAR" > /dev/null 2>&1 || true
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Runs a command in the background and waits for it: a signal then reaches
# our trap at once (wrk catches SIGINT itself, and a foreground command that
# does so keeps bash from acting on it), and cleanup can stop it by PID.
bg_wait() {
	"$@" &
	CHILD=$!
	wait "$CHILD"
	local rc=$?
	CHILD=
	return $rc
}
# Children's CPU seconds (user + system) so far: `times` must run in this
# shell (a subshell counts only its own children), so it goes to a file.
cpu_seconds() {	# cpu_seconds FILE: the children's line of a `times` output
	awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] }
		printf "%.3f\n", s }' "$1"
}

free_port() { "$ROOT/scripts/free-port.sh"; }
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
say "== starting a stack in $VAR on port $PORT"
"$ROOT/scripts/stack.sh" start "$VAR" --port "$PORT" --fast --no-demo --exempt \
	> "$T/stack.log" 2>&1 || { cat "$T/stack.log" >&2; die "the stack did not start"; }

admin() { "$ROOT/build/portal-admin" -c "$CONF" "$@"; }
sql() { "$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }

# Invoices BENCH-001..016: 20 lines, one late fee, two payments each; issued
# 45 days ago, due 15 days ago, so the page shows everything (overdue, fees,
# payments, balance, how to pay, plan and hardship buttons).
d() { date -u -d "$1 days" +%Y-%m-%d; }
{
	echo "invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date"
	for n in $(seq 1 $NINVOICES); do
		inv=$(printf 'BENCH-%03d' "$n")
		head="$inv,C-$n,Harbour & Sons Engineering $n,ap$n@harbour.example,+44 1632 960 $((100 + n)),en,GBP,$(d -45),$(d -15)"
		for i in $(seq 1 20); do
			echo "$head,line,\"Hydraulic fitting HX-$((1400 + i)), 1/2\"\" BSP\",$((i % 7 + 1)),$((i * 7 + 10)).50,"
		done
		echo "$head,fee,Late payment fee GBP 40 (Late Payment of Commercial Debts Act 1998),,40.00,$(d -14)"
		echo "$head,payment,Bank transfer,,250.00,$(d -10)"
		echo "$head,payment,Card payment by phone,,75.50,$(d -3)"
	done
} > "$T/bench.csv"
admin import "$T/bench.csv" > /dev/null
paths=()
for n in $(seq 1 $NINVOICES); do
	paths+=("$(admin link "$(printf 'BENCH-%03d' "$n")" | sed 's|^http://[^/]*||')")
done
INVOICE=${paths[0]}
UNKNOWN=/i/$(printf 'A%.0s' $(seq 43))
# An expired and a revoked link, on invoices of their own: they must cost
# the same as an unknown token (DESIGN.md: same page, same timing).
EXPIRED=$(admin link BENCH-002 | sed 's|^http://[^/]*||')
sql "UPDATE links SET expires_at = now() - interval '1 day' WHERE id = (SELECT max(id) FROM links)" > /dev/null
REVOKED=$(admin link BENCH-003 | sed 's|^http://[^/]*||')
sql "UPDATE links SET revoked_at = now() WHERE id = (SELECT max(id) FROM links)" > /dev/null
# wrk script: the 16 links in turn (each thread starts at a random one).
{
	echo "local paths = {"
	printf '  "%s",\n' "${paths[@]}"
	cat <<'LUA'
}
local reqs, i = {}, 0
function init(args)
  for k, p in ipairs(paths) do reqs[k] = wrk.format("GET", p) end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  i = math.random(#reqs)
end
function request()
  i = i % #reqs + 1
  return reqs[i]
end
LUA
} > "$T/links.lua"

# Each endpoint is checked once before it is timed: a broken page must not look fast.
expect() {	# expect PATH STATUS TEXT...
	local path=$1 status=$2 got
	shift 2
	got=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 "$BASE$path")
	[ "$got" = "$status" ] || die "$path answered $got, expected $status"
	for text in "$@"; do
		grep -qF -- "$text" "$T/body" || die "$path lacks: $text"
	done
}
expect /static/settle.css 200 "body"
expect /healthz 200 "ok"
expect "$INVOICE" 200 "<h1>Invoice BENCH-001</h1>" "Harbour &amp; Sons Engineering 1" \
	"Hydraulic fitting HX-1420, 1/2&quot; BSP" "Late Payment of Commercial Debts Act 1998" \
	"Card payment by phone" "Balance due"
[ "$(grep -c '^<tr><td' "$T/body")" -eq 23 ] || die "the invoice page does not have 23 item rows"
expect "${paths[$((NINVOICES - 1))]}" 200 "<h1>Invoice BENCH-016</h1>"
expect "$UNKNOWN" 404
expect "$EXPIRED" 404
expect "$REVOKED" 404

# --- 4. load ------------------------------------------------------------------
NAMES=(static healthz invoice invoice16 unknown expired revoked)
declare -A URL LABEL SCRIPT
URL[static]=/static/settle.css;	LABEL[static]="a) static file /static/settle.css (baseline)"
URL[healthz]=/healthz;		LABEL[healthz]="b) GET /healthz"
URL[invoice]=$INVOICE;		LABEL[invoice]="c) GET /i/{token}, one link"
URL[invoice16]=/;		LABEL[invoice16]="c2) GET /i/{token}, 16 invoices in turn"
URL[unknown]=$UNKNOWN;		LABEL[unknown]="d) GET /i/{unknown token} (404)"
URL[expired]=$EXPIRED;		LABEL[expired]="e) GET /i/{expired token} (404)"
URL[revoked]=$REVOKED;		LABEL[revoked]="f) GET /i/{revoked token} (404)"
SCRIPT[invoice16]=$T/links.lua
WRK=(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency)

# Process trees of the stack, for CPU time per component.
pids_below() {	# pids_below PID: PID and its descendants
	local p=$1 c
	[ -n "$p" ] && [ -d "/proc/$p" ] || return 0
	echo "$p"
	for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do pids_below "$c"; done
}
first_line() { [ -s "$1" ] && head -n 1 "$1" | tr -dc 0-9 || true; }
declare -A TREE	# component -> its pids, listed once after the warm-up
list_trees() {
	TREE[nginx]=$(pids_below "$(first_line "$VAR/run/nginx.pid")")
	TREE[portal]=$(pids_below "$(first_line "$VAR/run/portal.pid")")
	TREE[postgres]=$(pids_below "$(first_line "$VAR/pg/postmaster.pid")")
	TREE[notify]=$(pids_below "$(first_line "$VAR/run/notify.pid")")
}
# proc_ticks: "nginx portal postgres notify" CPU clock ticks (utime + stime) so far.
proc_ticks() {
	local comp files pid out=()
	for comp in nginx portal postgres notify; do
		files=()
		for pid in ${TREE[$comp]}; do files+=("/proc/$pid/stat"); done
		out+=("$(awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }' \
			"${files[@]}" 2>/dev/null || echo 0)")
	done
	echo "${out[*]}"
}
# machine_ticks: busy ticks of the whole machine (all but idle and iowait).
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
now_ms() { date +%s%3N; }
# The next transaction id: it moves once per transaction that writes, at
# once (pg_stat_database's counters are flushed lazily, seconds later).
next_xid() { sql "SELECT pg_snapshot_xmax(pg_current_snapshot())"; }
HZ=$(getconf CLK_TCK)
ACCESS=$VAR/log/nginx-access.log

# run_wrk NAME FILE: one wrk run; FILE gets wrk's output plus our counters:
# CPU ticks of each component and of the whole machine, wall time, and the
# status codes nginx logged during the run.
run_wrk() {
	local name=$1 file=$2 url script=() p0 p1 m0 m1 t0 t1 x0 off
	url=$BASE${URL[$name]}
	[ -z "${SCRIPT[$name]:-}" ] || script=(-s "${SCRIPT[$name]}")
	off=$(stat -c %s "$ACCESS")
	x0=$(next_xid)
	p0=$(proc_ticks)
	t0=$(now_ms); m0=$(machine_ticks)
	times > "$T/times.0"
	bg_wait "${WRK[@]}" "${script[@]}" "$url" > "$file"
	times > "$T/times.1"
	m1=$(machine_ticks); t1=$(now_ms)
	p1=$(proc_ticks)
	echo "WRKCPU $(cpu_seconds "$T/times.0") $(cpu_seconds "$T/times.1")" >> "$file"
	echo "TICKS $p0 $m0 $p1 $m1 $(( t1 - t0 )) $(( $(next_xid) - x0 ))" >> "$file"
	# Status codes as nginx logged them ("GET ... HTTP/1.1" STATUS BYTES).
	echo "STATUS $(tail -c +$((off + 1)) "$ACCESS" | awk '{ n[$9]++ }
		END { for (s in n) printf "%s=%d,", s, n[s] }' | sed 's/,$//')" >> "$file"
}

say "== warm-up ($WARMUP each: every worker connects and prepares its statements)"
for name in "${NAMES[@]}"; do
	script=()
	[ -z "${SCRIPT[$name]:-}" ] || script=(-s "${SCRIPT[$name]}")
	bg_wait wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${script[@]}" "$BASE${URL[$name]}" > "$T/warm.$name"
done
list_trees

# --- 5. round trips, from PostgreSQL's statement log ---------------------------
# log_min_duration_statement = 0 logs every bind and execute with its server
# time; sequential requests (one at a time, after the warm-up) so nothing else
# is in the log but portal-notify's polls, which the application name filters.
say "== counting database round trips per request"
sql "ALTER SYSTEM SET log_min_duration_statement = 0" > /dev/null
sql "ALTER SYSTEM SET log_line_prefix = '%m [%p] vx=%v app=%a '" > /dev/null
sql "SELECT pg_reload_conf()" > /dev/null
sleep 0.5
PGLOG=$VAR/log/postgres.log
declare -A RT
declare -A TX
trips() {	# trips NAME N PATH...: N sequential requests over the paths
	local name=$1 n=$2 off i
	shift 2
	local list=("$@")
	off=$(stat -c %s "$PGLOG")
	for ((i = 0; i < n; i++)); do
		curl -s -o /dev/null --max-time 10 "$BASE${list[$((i % ${#list[@]}))]}"
	done
	sleep 0.5
	tail -c +$((off + 1)) "$PGLOG" | grep ' app=portal LOG:  duration: ' > "$T/trips.$name" || true
	RT[$name]=$(awk -v n="$n" '
		/ execute / { e++ } / parse / { p++ } / statement: / { s++ }
		END { printf "%.2f %.2f %.2f", e / n, p / n, s / n }' "$T/trips.$name")
	# Transactions: statements of one transaction share its virtual id (%v).
	TX[$name]=$(awk -v n="$n" '{ for (i = 1; i <= NF; i++) if ($i ~ /^vx=/) v[$i] = 1 }
		END { c = 0; for (k in v) c++; printf "%.2f", c / n }' "$T/trips.$name")
}
trips invoice 20 "${paths[@]}"
trips healthz 10 /healthz
trips unknown 10 "$UNKNOWN"
trips expired 10 "$EXPIRED"
trips revoked 10 "$REVOKED"
# Server time per statement of the invoice page: bind + execute, mean of 20.
stmt_table=$(awk '
	{ for (i = 1; i <= NF; i++) if ($i == "duration:") { ms = $(i + 1); kind = $(i + 3); st = $(i + 4) } }
	kind == "bind" || kind == "execute" { sub(/:$/, "", st); t[st] += ms; if (kind == "execute") c[st]++ }
	END { for (s in c) printf "%s %d %.3f\n", s, c[s], t[s] / c[s] }' "$T/trips.invoice" |
	sort -k3,3nr)
sql "ALTER SYSTEM RESET log_min_duration_statement" > /dev/null
sql "ALTER SYSTEM RESET log_line_prefix" > /dev/null
sql "SELECT pg_reload_conf()" > /dev/null

# --- 6. the measured runs: interleaved, the order rotated each round -----------
nn=${#NAMES[@]}
say "== $REPS rounds of ${NAMES[*]}: ${WRK[*]} (about $(( REPS * nn * (${DURATION%s} + 2) )) s)"
for ((rep = 1; rep <= REPS; rep++)); do
	for ((k = 0; k < nn; k++)); do
		name=${NAMES[$(( (k + rep - 1) % nn ))]}
		run_wrk "$name" "$T/wrk.$name.$rep"
		printf '  round %d %-10s %10s req/s\n' "$rep" "$name" \
			"$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk.$name.$rep")" >&2
	done
done

# --- 7. results ---------------------------------------------------------------
# Per run, one line: 1 req/s, 2 p50 ms, 3 p99 ms, 4 requests, 5 non-2xx,
# 6 socket errors, 7 wrk CPU s, 8 wall ms, 9-12 CPU ticks before (nginx
# portal postgres notify), 13 machine busy ticks before, 14-18 the same after,
# 19 nginx statuses (200=N,...), 20 transactions that wrote (XIDs assigned).
parse() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v
	}
	/^Requests\/sec:/ { rps = $2 }
	/^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
	/requests in/ { reqs = $1 }
	/Non-2xx or 3xx responses:/ { bad = $NF }
	/Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
	/^WRKCPU/ { wcpu = $3 - $2 }
	/^TICKS/ { for (i = 2; i <= 11; i++) t[i] = $i; wall = $12; xids = $13 }
	/^STATUS/ { st = $2 }
	END {
		printf "%s %s %s %s %d %d %s %s", rps, p50, p99, reqs, bad, err, wcpu, wall
		for (i = 2; i <= 11; i++) printf " %s", t[i]
		printf " %s %d\n", (st == "" ? "-" : st), xids
	}' "$1"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A P
for name in "${NAMES[@]}"; do
	for ((rep = 1; rep <= REPS; rep++)); do P[$name.$rep]=$(parse "$T/wrk.$name.$rep"); done
done
field() { local f; f=$(cut -d' ' -f"$2" <<<"${P[$1]}"); echo "${f:-0}"; }
med() {	# med NAME FIELD
	local rep
	for ((rep = 1; rep <= REPS; rep++)); do field "$1.$rep" "$2"; done | median
}
med_ratio() {	# med_ratio NAME BASE: median over rounds of rps(NAME) / rps(BASE)
	local rep
	for ((rep = 1; rep <= REPS; rep++)); do
		awk -v a="$(field "$1.$rep" 1)" -v b="$(field "$2.$rep" 1)" 'BEGIN { printf "%.4f\n", (b > 0 ? a / b : 0) }'
	done | median
}
sum() {	# sum NAME FIELD
	local rep s=0
	for ((rep = 1; rep <= REPS; rep++)); do s=$(( s + $(field "$1.$rep" "$2") )); done
	echo "$s"
}
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { printf f, v }'; }

verdict=ok
problems=()
# c must answer 200 only; d must answer 404 only; no socket errors anywhere.
for name in invoice invoice16; do
	[ "$(sum "$name" 5)" -eq 0 ] || { verdict=FAILED; problems+=("$name: $(sum "$name" 5) non-2xx responses"); }
done
for name in unknown expired revoked; do
	[ "$(sum $name 5)" -eq "$(sum $name 4)" ] || { verdict=FAILED; problems+=("$name: only $(sum $name 5) of $(sum $name 4) responses were non-2xx"); }
done
for name in "${NAMES[@]}"; do
	case "$name" in
	unknown|expired|revoked) want=404 ;;
	*) want=200 ;;
	esac
	for ((rep = 1; rep <= REPS; rep++)); do
		# 499: wrk closed connections still waiting at its deadline.
		other=$(field "$name.$rep" 19 | tr ',' '\n' | grep -Ev "^($want|499)=" | tr '\n' ' ' || true)
		[ -z "$other" ] || { verdict=FAILED; problems+=("$name round $rep: nginx logged $other"); }
	done
	[ "$(sum "$name" 6)" -eq 0 ] || problems+=("$name: $(sum "$name" 6) socket errors")
done

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain -- portal templates 2>/dev/null | head -n 1)
{
	echo "# Settle benchmark results"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit${dirty:+ (portal/ or templates/ modified)}, $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr)."
	echo "Stack: scripts/stack.sh --fast --no-demo --exempt, 4 portal workers, nginx $(nginx -v 2>&1 | sed 's|.*nginx/||'), PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'); wrk on the same machine."
	echo
	echo "## Rendering the invoice page in process (bench/render.c)"
	echo
	echo "20 lines, 1 fee, 2 payments; medians of ${R[rounds]} rounds, each timing view builds, then renders, for about ${RENDER_SECONDS} s."
	echo
	echo "| what | per second | µs each | ratio |"
	echo "|---|---:|---:|---:|"
	echo "| build the view (arena reset + page_view + debtor_view), the baseline | ${R[view_per_s]} | ${R[view_us]} | 1 |"
	echo "| render \"invoice\" into a reused buffer (${R[bytes]} bytes) | ${R[render_per_s]} | ${R[render_us]} | ${R[ratio]} |"
	echo
	echo "## HTTP through nginx"
	echo
	echo "\`${WRK[*]}\`, $REPS rounds, the ${#NAMES[@]} runs interleaved in each round (order rotated), after a ${WARMUP} warm-up each."
	echo "Medians of the rounds; a ratio is taken within each round, then its median is reported."
	echo
	echo "| endpoint | req/s | p50 ms | p99 ms | req/s vs static | req/s vs healthz | requests | non-2xx | nginx statuses |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
	for name in "${NAMES[@]}"; do
		statuses=$(for ((rep = 1; rep <= REPS; rep++)); do field "$name.$rep" 19 | tr ',' '\n'; done |
			awk -F= '$1 != "-" { n[$1] += $2 } END { for (s in n) printf "%s×%d ", s, n[s] }')
		vs_h=$(fmt "$(med_ratio "$name" healthz)" '%.3f')
		case "$name" in static|healthz) vs_h="—" ;; esac
		echo "| ${LABEL[$name]} | $(fmt "$(med "$name" 1)" '%.0f') | $(fmt "$(med "$name" 2)" '%.2f') | $(fmt "$(med "$name" 3)" '%.2f') | $(fmt "$(med_ratio "$name" static)" '%.3f') | $vs_h | $(sum "$name" 4) | $(sum "$name" 5) | ${statuses% } |"
	done
	echo
	echo "Same page, same timing: requests/s of an expired token against an unknown one, $(fmt "$(med_ratio expired unknown)" '%.3f'); of a revoked one, $(fmt "$(med_ratio revoked unknown)" '%.3f') (medians of the per-round ratios; 1 means no difference)."
	echo
	echo "Every round: req/s (p50 / p99 ms; CPU µs per request of nginx, portal, PostgreSQL, portal-notify and wrk together):"
	echo
	echo "| endpoint |$(for ((rep = 1; rep <= REPS; rep++)); do printf ' round %d |' "$rep"; done)"
	echo "|---|$(for ((rep = 1; rep <= REPS; rep++)); do printf -- '---:|'; done)"
	for name in "${NAMES[@]}"; do
		printf '| %s |' "$name"
		for ((rep = 1; rep <= REPS; rep++)); do
			printf ' %s (%s / %s; %s) |' "$(fmt "$(field "$name.$rep" 1)" '%.0f')" \
				"$(fmt "$(field "$name.$rep" 2)" '%.2f')" "$(fmt "$(field "$name.$rep" 3)" '%.2f')" \
				"$(awk -v hz="$HZ" '{ printf "%.0f", (($14 - $9) + ($15 - $10) + ($16 - $11) + ($17 - $12)) * 1e6 / hz / $4 + $7 * 1e6 / $4 }' <<<"${P[$name.$rep]}")"
		done
		echo
	done
	echo
	echo "## Where the time goes"
	echo
	echo "Writing transactions: how far PostgreSQL's next transaction id moved during the runs, per request (only a transaction that writes takes one). CPU time per request of each part of the stack, read from /proc (utime + stime of each process tree) around each wrk run, summed over the $REPS rounds and divided by the requests wrk completed. \"other\" is the whole machine's busy time in the same windows minus all of these (anything else running on the machine; the kernel's softirq time for loopback traffic lands here too). \"busy\" is the machine's busy time as a share of its $(nproc) cores."
	echo
	echo "| endpoint | DB statements per request | writing transactions per request | nginx µs | portal µs | postgres µs | wrk µs | other µs | total µs | busy |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for name in "${NAMES[@]}"; do
		reqs=$(sum "$name" 4)
		wtx=$(awk -v x="$(sum "$name" 20)" -v r="$reqs" 'BEGIN { printf "%.3f", x / r }')
		cpu=$(for ((rep = 1; rep <= REPS; rep++)); do echo "${P[$name.$rep]}"; done |
		    awk -v hz="$HZ" -v reqs="$reqs" -v ncpu="$(nproc)" '
			{ ng += $14 - $9; po += $15 - $10; pg += $16 - $11; nt += $17 - $12
			  busy += $18 - $13; wrk += $7; wall += $8 }
			END {
				us = 1e6 / hz / reqs
				w = wrk * 1e6 / reqs
				other = (busy - ng - po - pg - nt) * us - w
				if (other < 0) other = 0
				printf "%.0f %.0f %.0f %.0f %.0f %.0f %.0f%%", ng * us, po * us, pg * us, w, other,
					busy * us, 100 * busy / hz / (wall / 1000 * ncpu)
			}')
		read -r c_ng c_po c_pg c_wrk c_other c_total c_busy <<<"$cpu"
		case "$name" in
		static) stm=0 ;;
		invoice|invoice16) stm=$(cut -d' ' -f1 <<<"${RT[invoice]}") ;;
		*) stm=$(cut -d' ' -f1 <<<"${RT[$name]}") ;;
		esac
		echo "| $name | $stm | $wtx | $c_ng | $c_po | $c_pg | $c_wrk | $c_other | $c_total | $c_busy |"
	done
	echo
	echo "## Database round trips per invoice view"
	echo
	echo "Over 20 sequential views of the 16 invoices, after the warm-up: $(cut -d' ' -f1 <<<"${RT[invoice]}") statements executed per view (PostgreSQL's log, log_min_duration_statement = 0) in ${TX[invoice]} transactions per view (distinct virtual transaction ids, %v, in the same log). invoice_get() sends its statements (debtor_open, debtor_items, debtor_plan, debtor_hardship) with db_pipeline(): libpq pipeline mode with one sync, so they travel in one round trip and run in one implicit transaction. Statement preparation (once per worker connection) seen during these views: $(cut -d' ' -f2 <<<"${RT[invoice]}") per view; simple-protocol statements (BEGIN/COMMIT...): $(cut -d' ' -f3 <<<"${RT[invoice]}") per view. /healthz: $(cut -d' ' -f1 <<<"${RT[healthz]}") statement per request in ${TX[healthz]} transactions; the unknown token: $(cut -d' ' -f1 <<<"${RT[unknown]}") statements in ${TX[unknown]} transactions (the same pipeline; its first result is empty)."
	echo
	echo "| statement | executions in 20 views | server time (bind + execute), mean µs |"
	echo "|---|---:|---:|"
	while read -r st cnt t; do
		[ -n "$st" ] || continue
		echo "| $st | $cnt | $(awk -v t="$t" 'BEGIN { printf "%.0f", t * 1000 }') |"
	done <<<"$stmt_table"
	echo
	echo "Checks: $verdict${problems[*]:+ — ${problems[*]}}"
} > "$T/results.md"

mkdir -p "$RESULTS"
cp "$T/results.md" "$OUT"
cat "$T/results.md"
say ""
say "Written to ${OUT#"$ROOT"/}"
[ "$verdict" = ok ]
