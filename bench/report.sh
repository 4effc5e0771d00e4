# Sourced by bench/run.sh: the Markdown report from the runs in $T.
#
# parse_run (measure.sh) gives one line per run, fields:
#   1 req/s  2 p50 ms  3 p99 ms  4 requests  5 non-2xx/3xx  6 socket errors
#   7 wrk CPU s  8 wall ms  9 writing transactions  10 nginx statuses
#   11 pool reuses  12.. CPU ticks of each of COMPONENTS, then the machine's
declare -A AG	# AG[NAME.KEY]: the aggregates of NAME's rounds (aggregate)
F_COMP=12

# aggregate NAME...: for each, one awk over its rounds: medians (rps, p50,
# p99), sums (requests, transactions, wrk CPU, wall, reuses, socket errors,
# ticks of each component and of the machine), the statuses, and each
# round's req/s (rps.1, rps.2...).
aggregate() {
	local name key value rep
	for name in "$@"; do
		while read -r key value; do AG[$name.$key]=$value; done < <(
			for ((rep = 1; rep <= REPS; rep++)); do parse_run "$T/wrk.$name.$rep"; done |
			awk -v comps="${COMPONENTS[*]}" -v fc="$F_COMP" '
			function med(a, n,   i, j, t) {
				for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			{
				n++; rps[n] = $1; p50[n] = $2; p99[n] = $3; r[n] = $1
				reqs += $4; err += $6; wcpu += $7; wall += $8; xids += $9; wrapped += $11
				m = split($10, st, ",")
				for (i = 1; i <= m; i++) if (split(st[i], kv, "=") == 2) status[kv[1]] += kv[2]
				nc = split(comps, c, " ")
				for (i = 1; i <= nc + 1; i++) ticks[i] += $(fc + i - 1)
			}
			END {
				for (i = 1; i <= n; i++) printf "rps.%d %s\n", i, r[i]
				printf "rps %s\np50 %s\np99 %s\n", med(rps, n), med(p50, n), med(p99, n)
				printf "reqs %d\nerr %d\nwcpu %s\nwall %d\nxids %d\nwrapped %d\n", reqs, err, wcpu, wall, xids, wrapped
				for (i = 1; i <= nc; i++) printf "c_%s %d\n", c[i], ticks[i]
				printf "machine %d\n", ticks[nc + 1]
				s = ""; for (k in status) if (k != "-") s = s k "×" status[k] " "
				sub(/ $/, "", s); printf "statuses %s\n", (s == "" ? "-" : s)
			}')
	done
}
ag() { echo "${AG[$1.$2]:-0}"; }
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { printf f, v }'; }
med_ratio() {	# med_ratio NAME BASE: median over the rounds of req/s(NAME) / req/s(BASE)
	local rep pairs=()
	for ((rep = 1; rep <= REPS; rep++)); do pairs+=("$(ag "$1" "rps.$rep") $(ag "$2" "rps.$rep")"); done
	printf '%s\n' "${pairs[@]}" | awk '{ v[++n] = ($2 > 0 ? $1 / $2 : 0) }
		END {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			printf "%.4f\n", (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
		}'
}
per_request() {	# per_request NAME TICKS: µs per request of a tick count over all rounds
	awk -v t="$2" -v r="$(ag "$1" reqs)" -v hz="$HZ" 'BEGIN { if (r > 0) printf "%.0f", t * 1e6 / hz / r; else print "-" }'
}
cpu() {	# cpu NAME COMPONENT: µs of CPU per request ("-" for no component)
	[ "$2" != none ] || { echo -; return; }
	per_request "$1" "$(ag "$1" "c_$2")"
}
wrk_us() { awk -v s="$(ag "$1" wcpu)" -v r="$(ag "$1" reqs)" 'BEGIN { printf "%.0f", r ? s * 1e6 / r : 0 }'; }
busy_share() {	# the machine's busy time as a share of all cores during the runs
	awk -v b="$(ag "$1" machine)" -v w="$(ag "$1" wall)" -v hz="$HZ" -v n="$(nproc)" \
		'BEGIN { if (w > 0) printf "%.0f%%", 100 * b / hz / (w / 1000 * n); else print "-" }'
}
other_us() {	# machine busy time none of the components nor wrk account for
	local comp t
	t=$(ag "$1" machine)
	for comp in "${COMPONENTS[@]}"; do t=$(( t - $(ag "$1" "c_$comp") )); done
	awk -v o="$(per_request "$1" "$t")" -v w="$(wrk_us "$1")" 'BEGIN { v = o - w; printf "%.0f", v < 0 ? 0 : v }'
}
settings_of() { sed -n 's/^SETTINGS //p' "$T/wrk.$1.1" | sed 's/synchronous_commit/sync_commit/'; }

# check_statuses NAME: every status nginx logged is WANT (or 499: wrk closed
# connections still waiting when its time was up).
check_statuses() {
	local name=$1 other
	other=$(tr ' ' '\n' <<<"$(ag "$name" statuses)" | grep -Ev "^(${WANT[$name]}|499)×" | grep -v '^-$' | tr '\n' ' ' || true)
	[ -z "$other" ] || { VERDICT=FAILED; PROBLEMS+=("$name: nginx logged $other(expected ${WANT[$name]})"); }
	[ "$(ag "$name" wrapped)" -eq 0 ] || PROBLEMS+=("$name: the pool of fresh links ran out; $(ag "$name" wrapped) requests reused a link (and got 409)")
	[ "$(ag "$name" err)" -eq 0 ] || PROBLEMS+=("$name: $(ag "$name" err) socket errors")
}

# The main table: as issue 18's, every page against hello of the same round.
table_pages() {	# table_pages BASE NAME...
	local base=$1 name
	shift
	echo "| page | req/s | p50 ms | p99 ms | vs hello | CPU µs per request: nginx / app / PostgreSQL | PostgreSQL |"
	echo "|---|---:|---:|---:|---:|---|---|"
	for name in "$@"; do
		echo "| ${LABEL[$name]} | $(fmt "$(ag "$name" rps)" '%.0f') | $(fmt "$(ag "$name" p50)" '%.2f') | $(fmt "$(ag "$name" p99)" '%.1f') | $(fmt "$(med_ratio "$name" "$base")" '%.3f') | $(cpu "$name" nginx) / $(cpu "$name" "${APP[$name]}") / $(cpu "$name" postgres) | $(settings_of "$name") |"
	done
}

table_db() {	# statements, transactions, round trips, writes, memory, statuses
	local name s
	echo "| page | statements | transactions | DB round trips | writing transactions (under load) | worker RSS max / mean MB | nginx statuses over the rounds |"
	echo "|---|---:|---:|---:|---:|---|---|"
	for name in "$@"; do
		s=${SAMPLED[$name]:-"- - - - -"}
		read -r st tx rt _ _ <<<"$s"
		echo "| $name | $st | $tx | $rt | $(awk -v x="$(ag "$name" xids)" -v r="$(ag "$name" reqs)" 'BEGIN { printf "%.2f", r ? x / r : 0 }') | $(tr ' ' '/' <<<"${RSS[${APP[$name]}]:-- -}" | sed 's|/| / |') | $(ag "$name" statuses) |"
	done
}

table_cpu() {	# every component, wrk and the rest of the machine
	local name
	echo "| page | nginx | app | PostgreSQL | wrk | other | total | machine busy |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	for name in "$@"; do
		echo "| $name | $(cpu "$name" nginx) | $(cpu "$name" "${APP[$name]}") | $(cpu "$name" postgres) | $(wrk_us "$name") | $(other_us "$name") | $(per_request "$name" "$(ag "$name" machine)") | $(busy_share "$name") |"
	done
}

table_rounds() {
	local name rep
	echo "| page |$(for ((rep = 1; rep <= REPS; rep++)); do printf ' round %d |' "$rep"; done)"
	echo "|---|$(for ((rep = 1; rep <= REPS; rep++)); do printf -- '---:|'; done)"
	for name in "$@"; do
		printf '| %s |' "$name"
		for ((rep = 1; rep <= REPS; rep++)); do
			printf ' %s (%s / %s) |' $(parse_run "$T/wrk.$name.$rep" | awk '{ printf "%.0f %.2f %.1f", $1, $2, $3 }')
		done
		echo
	done
}

stack_cpu() {	# nginx + app + PostgreSQL, µs per request
	echo $(( $(cpu "$1" nginx) + $(cpu "$1" "${APP[$1]}") + $(cpu "$1" postgres) ))
}

scale_section() {
	local r_raw r_norm c_small c_large
	r_raw=$(awk -v a="$(ag cold_large rps)" -v b="$(ag cold rps)" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
	r_norm=$(awk -v a="$(med_ratio cold_large hello_large)" -v b="$(med_ratio cold hello)" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
	c_small=$(stack_cpu cold); c_large=$(stack_cpu cold_large)
	echo "The invoice page over $ROTATION distinct links (each thread starts at a random one and goes on in order, so a link is seldom requested twice in a run), first with $N_SMALL invoices in the database (the rounds above), then after growing it to $N_LARGE invoices (rounds of their own, with hello and the 16 hot links, below). The database grows between the two, so they are not interleaved: compare the ratios to hello of each phase, and the CPU per request."
	echo
	echo "| | $N_SMALL invoices | $N_LARGE invoices | $N_LARGE / $N_SMALL |"
	echo "|---|---:|---:|---:|"
	echo "| cold links, req/s (median) | $(fmt "$(ag cold rps)" '%.0f') | $(fmt "$(ag cold_large rps)" '%.0f') | **$r_raw** |"
	echo "| cold links, req/s vs hello of the same round | $(fmt "$(med_ratio cold hello)" '%.3f') | $(fmt "$(med_ratio cold_large hello_large)" '%.3f') | **$r_norm** |"
	echo "| cold links, CPU µs per view (nginx + portal + PostgreSQL) | $c_small | $c_large | $(awk -v a="$c_large" -v b="$c_small" 'BEGIN { printf "%.3f", b ? a / b : 0 }') |"
	echo "| cold links, PostgreSQL µs per view | $(cpu cold postgres) | $(cpu cold_large postgres) | |"
	echo "| 16 hot links, req/s vs hello | $(fmt "$(med_ratio invoice16 hello)" '%.3f') | $(fmt "$(med_ratio invoice16_large hello_large)" '%.3f') | $(awk -v a="$(med_ratio invoice16_large hello_large)" -v b="$(med_ratio invoice16 hello)" 'BEGIN { printf "%.3f", b ? a / b : 0 }') |"
	echo
	table_pages hello_large "${NAMES_B[@]}"
	echo
	table_cpu "${NAMES_B[@]}"
}

profile_section() {
	if [ ! -s "$T/perf.sym" ]; then
		echo "Not taken (BENCH_PERF=0, quick mode, or perf missing)."
		return
	fi
	echo "\`perf record -e cpu-clock -F 999 -g\` of the 4 portal workers and every PostgreSQL process during one extra ${DURATION}s run of invoice16 (not one of the rounds; $(awk '/^Requests\/sec:/ { printf "%.0f req/s", $2 }' "$T/wrk.perf") under the profiler), ${PERF_SAMPLES:-?} samples. Self time, flat (\`perf report --no-children -g none\`); \`[kernel.kallsyms]\` is system time."
	echo
	echo "By program and library (entries of 1% or more):"
	echo
	echo '```'
	cat "$T/perf.dso"
	echo '```'
	echo
	echo "Top functions (0.5% or more, first 50):"
	echo
	echo '```'
	cat "$T/perf.sym"
	echo '```'
}

report() {
	local name commit dirty
	VERDICT=ok
	aggregate "${NAMES_A[@]}" "${NAMES_B[@]}"
	for name in "${NAMES_A[@]}" "${NAMES_B[@]}"; do check_statuses "$name"; done
	commit=$(git -C "$TREE" rev-parse --short HEAD 2>/dev/null || echo unknown)
	dirty=$(git -C "$TREE" status --porcelain -- portal templates sql 2>/dev/null | head -n 1)
	echo "# Settle benchmark results"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit${dirty:+ (portal/, templates/ or sql/ modified)}$([ "$TREE" = "$ROOT" ] || echo " of $TREE, harness $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"), $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(uname -sr); load average at the start $LOAD_START, at the end $(cut -d' ' -f1-3 /proc/loadavg)$([ "$QUICK" = 0 ] || echo "; **quick mode** (BENCH_QUICK=1: short runs, one round, a smaller database)")."
	echo "Stack: \`scripts/stack.sh start --no-demo --exempt\` (PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }') as it writes the cluster: $PG_SETTINGS), 4 portal workers, nginx $(nginx -v 2>&1 | sed 's|.*nginx/||'); portal-notify stopped after the set-up; wrk $({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }') on the same machine: \`wrk -t$THREADS -c$CONNS -d${DURATION}s --latency\`, $REPS rounds, the runs of a round interleaved and their order rotated from round to round, after a ${WARMUP}s warm-up of each. Medians of the rounds; a ratio is taken within a round, then its median reported."
	echo
	echo "## The pages against the stack's ceiling"
	echo
	table_pages hello "${NAMES_A[@]}"
	echo
	echo "An expired token answers at $(fmt "$(med_ratio expired unknown)" '%.3f') and a revoked one at $(fmt "$(med_ratio revoked unknown)" '%.3f') of an unknown token's rate (medians of the per-round ratios; 1 means the same cost)."
	echo
	echo "## Database work, memory and statuses per page"
	echo
	echo "Statements (extended-protocol executions plus simple-protocol statements such as BEGIN) and transactions (distinct virtual transaction ids) per request, from PostgreSQL's log with log_min_duration_statement = 0 over 10 requests made one at a time after the warm-up; DB round trips: the app workers' sendto() calls over the same requests (perf stat; libpq sends a request, or a whole pipeline, in one call). Writing transactions: how far the next transaction id moved during the timed runs, per request. RSS of the app's worker processes after the rounds."
	echo
	table_db "${NAMES_A[@]}"
	echo
	echo "## Where the CPU goes"
	echo
	echo "µs of CPU per request of each process tree (utime + stime from /proc, children included) summed over the rounds and divided by the requests wrk completed; wrk's own CPU; \"other\": the machine's busy time that none of these account for (other work on the machine, kernel threads, softirqs of loopback traffic); \"machine busy\": the machine's busy time as a share of its $(nproc) cores. On a quiet machine req/s ≈ cores / total."
	echo
	table_cpu "${NAMES_A[@]}"
	echo
	echo "## Scale: $N_SMALL and $N_LARGE invoices"
	echo
	scale_section
	echo
	echo "## EXPLAIN (ANALYZE, BUFFERS) of the invoice page's statements, $N_LARGE invoices"
	echo
	if [ -s "$T/explain.md" ]; then cat "$T/explain.md"; else echo "Not available."; fi
	echo
	echo "## Profile of an invoice view"
	echo
	profile_section
	echo
	if [ "$HAVE_RENDER" = 1 ]; then
		echo "## Rendering the invoice page in process (bench/render.c)"
		echo
		echo "20 lines, 1 fee, 2 payments; medians of ${R[rounds]} rounds: building the view ${R[view_us]} µs, rendering it (${R[bytes]} bytes) ${R[render_us]} µs; render / view ${R[ratio]}."
		echo
	fi
	echo "## Every round"
	echo
	echo "req/s (p50 / p99 ms)"
	echo
	table_rounds "${NAMES_A[@]}" "${NAMES_B[@]}"
	echo
	echo "## Stages"
	echo
	local s t
	for s in "${STAGES[@]}"; do
		t=${s%% *}
		echo "- ${t}s: ${s#* }"
	done
	echo "- ${SECONDS}s: done"
	echo
	echo "Checks: $VERDICT"
	for s in "${PROBLEMS[@]}"; do echo "- $s"; done
}
