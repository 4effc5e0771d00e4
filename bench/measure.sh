# Sourced by bench/run.sh: what one measurement is. Uses the globals of
# run.sh (T, VAR, BASE, PGBIN, HZ, THREADS, CONNS, COMPONENTS and the
# endpoint tables KIND, URL, FILE, MODE, HDR, APP, OFFSET).

# --- CPU time of process trees ------------------------------------------------

# root_pid COMPONENT: the pid of the component's master process, or "-".
root_pid() {
	local f
	case "$1" in
	nginx)		f=$VAR/run/nginx.pid ;;
	portal)		f=$VAR/run/portal.pid ;;
	notify)		f=$VAR/run/notify.pid ;;
	postgres)	f=$VAR/pg/postmaster.pid ;;
	*)		f=$T/peers/$1.pid ;;
	esac
	local pid
	pid=$( [ -s "$f" ] && head -n 1 "$f" | tr -dc 0-9 || true)
	if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then echo "$pid"; else echo -; fi
}

# tree_ticks: CPU clock ticks so far of each component's process tree, in
# the order of COMPONENTS. A tree is its master and every descendant alive
# now, each with utime + stime + cutime + cstime: a child that ended and was
# reaped inside the tree (a PostgreSQL backend, an nginx worker after a
# reload) still counts, through its parent's cutime.
tree_ticks() {
	local roots=() comp
	for comp in "${COMPONENTS[@]}"; do roots+=("$(root_pid "$comp")"); done
	# A process may end between the glob and cat: not an error.
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v roots="${roots[*]}" '
	{
		pid = $1; rest = $0
		sub(/^.*\) /, "", rest)		# the name may hold spaces
		split(rest, f, " ")		# f[1] state, f[2] ppid, f[12..15] times
		ppid[pid] = f[2]; ticks[pid] = f[12] + f[13] + f[14] + f[15]
	}
	END {
		n = split(roots, r, " ")
		for (i = 1; i <= n; i++) {
			s = 0
			if (r[i] != "-")
				for (p in ticks)
					for (q = p + 0; q > 1; q = ppid[q] + 0)
						if (q == r[i] + 0) { s += ticks[p]; break }
			printf "%s%d", (i > 1 ? " " : ""), s
		}
		print ""
	}'
}

# machine_ticks: busy ticks of the whole machine (all but idle and iowait).
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# workers COMPONENT: the pids of the master's children (its workers).
workers() {
	local root
	root=$(root_pid "$1")
	[ "$root" != - ] || return 0
	ps -o pid= --ppid "$root" 2>/dev/null | tr -d ' '
}

# worker_rss COMPONENT: "max mean" resident set of its workers, in MB.
worker_rss() {
	local pid files=()
	for pid in $(workers "$1"); do files+=("/proc/$pid/status"); done
	[ ${#files[@]} -gt 0 ] || { echo "- -"; return 0; }
	awk '/^VmRSS:/ { s += $2; n++; if ($2 > m) m = $2 }
		END { if (n) printf "%.1f %.1f\n", m / 1024, s / n / 1024; else print "- -" }' \
		"${files[@]}" 2>/dev/null
}

# --- PostgreSQL ----------------------------------------------------------------

sql() { "$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }
# The next transaction id: it moves once per transaction that writes, at
# once (pg_stat_database's counters are flushed lazily, seconds later).
next_xid() { sql "SELECT pg_snapshot_xmax(pg_current_snapshot())"; }
# xid_and_settings: the next transaction id, then "fsync=on synchronous_commit=on"
# as a new session sees them, in one psql.
xid_and_settings() {
	sql "SELECT pg_snapshot_xmax(pg_current_snapshot()) || ' ' ||
		string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
		WHERE name IN ('fsync', 'synchronous_commit')"
}
# pg_set NAME=VALUE...: ALTER SYSTEM for each (VALUE "default" resets it),
# then a reload; every session, the portal's included, applies it before
# its next statement.
pg_set() {
	local kv
	for kv in "$@"; do
		if [ "${kv#*=}" = default ]; then
			sql "ALTER SYSTEM RESET ${kv%%=*}" > /dev/null
		else
			sql "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'" > /dev/null
		fi
	done
	sql "SELECT pg_reload_conf()" > /dev/null
	sleep 0.3
}

# --- one wrk run -----------------------------------------------------------------

# wrk_args NAME: the wrk arguments (after the options) for endpoint NAME.
wrk_args() {
	local name=$1
	[ -z "${HDR[$name]:-}" ] || printf '%s\n' -H "${HDR[$name]}"
	if [ "${KIND[$name]}" = file ]; then
		printf '%s\n' -s "$ROOT/bench/requests.lua" "$BASE/" -- "${FILE[$name]}" \
			"${MODE[$name]}" "$THREADS" "${OFFSET[$name]:-0}"
	else
		printf '%s\n' "$BASE${URL[$name]}"
	fi
}

# run_wrk NAME OUT SECONDS: one wrk run; OUT gets wrk's output and our
# counters: CPU ticks of each component and of the machine, wall time,
# writing transactions, the statuses nginx logged, PostgreSQL's settings.
run_wrk() {
	local name=$1 out=$2 secs=$3 args p0 p1 m0 m1 t0 t1 x0 x1 off settings
	mapfile -t args < <(wrk_args "$name")
	off=$(stat -c %s "$ACCESS")
	read -r x0 settings <<<"$(xid_and_settings)"
	sleep 0.1	# the psql backend above ends and is reaped first
	p0=$(tree_ticks); m0=$(machine_ticks); t0=$(date +%s%3N)
	times > "$T/times.0"
	bg_wait wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency "${args[@]}" > "$out"
	times > "$T/times.1"
	m1=$(machine_ticks); t1=$(date +%s%3N); p1=$(tree_ticks)
	x1=$(next_xid)
	{
		echo "WRKCPU $(cpu_seconds "$T/times.0") $(cpu_seconds "$T/times.1")"
		echo "TICKS0 $p0 $m0"
		echo "TICKS1 $p1 $m1"
		echo "WALL $(( t1 - t0 ))"
		echo "XIDS $(( x1 - x0 ))"
		echo "SETTINGS $settings"
		# "GET /path HTTP/1.1" STATUS: the first word after the request's
		# closing quote (nginx/http.conf, log_format settle_masked).
		echo "STATUS $(tail -c +$((off + 1)) "$ACCESS" | awk -F'"' '{ split($3, w, " "); n[w[1]]++ }
			END { for (s in n) printf "%s=%d,", s, n[s] }' | sed 's/,$//')"
	} >> "$out"
	if [ "${MODE[$name]:-}" = once ]; then
		OFFSET[$name]=$(awk '/^NEXT_OFFSET/ { print $2 }' "$out")
	fi
}

# Children's CPU seconds (user + system) so far: `times` must run in this
# shell (a subshell counts only its own children), so it goes to a file.
cpu_seconds() {	# cpu_seconds FILE: the children's line of a `times` output
	awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] }
		printf "%.3f\n", s }' "$1"
}

# parse_run FILE: one line of fields (see FIELDS in report.sh).
parse_run() {
	awk -v ncomp="${#COMPONENTS[@]}" '
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
	/^TICKS0/ { for (i = 1; i <= ncomp + 1; i++) a[i] = $(i + 1) }
	/^TICKS1/ { for (i = 1; i <= ncomp + 1; i++) b[i] = $(i + 1) }
	/^WALL/ { wall = $2 } /^XIDS/ { xids = $2 }
	/^STATUS/ { st = $2 }
	/^WRAPPED/ { wrapped = $2 }
	END {
		printf "%s %s %s %d %d %d %s %d %d %s %d", rps + 0, p50 + 0, p99 + 0, reqs, bad, err,
			wcpu + 0, wall, xids, (st == "" ? "-" : st), wrapped
		for (i = 1; i <= ncomp + 1; i++) printf " %d", b[i] - a[i]
		printf "\n"
	}' "$1"
}

# --- statements, transactions and round trips, one request at a time --------------

# request_lines NAME N: N request lines (METHOD<TAB>PATH[<TAB>BODY]) of NAME,
# from its sample file (or its wrk file) after the SKIP[NAME] lines already
# sent, going round a short file. The caller adds N to SKIP[NAME].
request_lines() {
	local name=$1 n=$2 src
	if [ "${KIND[$name]}" = url ]; then
		{ yes "$(printf 'GET\t%s' "${URL[$name]}")" | head -n "$n"; } || true
		return 0
	fi
	src=${SAMPLE[$name]:-${FILE[$name]}}
	# cat ends with SIGPIPE once head has had enough, and so does the loop.
	{ while cat "$src"; do :; done | tail -n +$(( ${SKIP[$name]:-0} + 1 )) | head -n "$n"; } || true
}

# send LINE [CURL ARGS]: one request; prints the status code.
send() {
	local method path body
	IFS=$'\t' read -r method path body <<<"$1"
	shift
	local extra=()
	[ -z "$body" ] || extra=(-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$body")
	curl -s -o "$T/body" -w '%{http_code}' --max-time 20 -X "$method" "${extra[@]}" "$@" "$BASE$path"
}

# round_trips_start COMPONENT: counts the sendto() calls of the workers of
# COMPONENT (libpq sends each request, or each pipeline, in one call; the
# FastCGI answer goes out with write()), until round_trips_stop.
RT_PID=
round_trips_start() {
	local pids
	RT_PID=
	[ "$HAVE_TRACE" = 1 ] || return 0
	pids=$(workers "$1" | paste -sd, -)
	[ -n "$pids" ] || return 0
	perf stat -x, -e syscalls:sys_enter_sendto -p "$pids" -o "$T/perf-stat" 2>/dev/null &
	RT_PID=$!
	sleep 0.5
}
round_trips_stop() {	# sets RT_COUNT to the count, or "-"
	RT_COUNT=-
	[ -n "$RT_PID" ] || return 0
	kill -INT "$RT_PID" 2>/dev/null || true
	wait "$RT_PID" 2>/dev/null || true	# perf writes its file as it ends
	RT_PID=
	RT_COUNT=$(awk -F, '/sys_enter_sendto/ { print $1 + 0; found = 1 } END { if (!found) print "-" }' "$T/perf-stat")
}

# sample NAME N APPNAME: N requests of NAME one after the other, with every
# statement logged (the caller turned log_min_duration_statement to 0);
# sets SAMPLED[NAME] to "statements transactions round_trips parses simple".
# Only log lines of the application name APPNAME count (portal, bench-plain,
# bench-php).
sample() {
	local name=$1 n=$2 app=$3 off line rt status bad=0 hdr=()
	[ -z "${HDR[$name]:-}" ] || hdr=(-H "${HDR[$name]}")
	off=$(stat -c %s "$PGLOG")
	round_trips_start "${APP[$name]}"
	while IFS= read -r line; do
		status=$(send "$line" "${hdr[@]}")
		[[ $status =~ ^(${WANT[$name]})$ ]] || bad=$((bad + 1))
	done < <(request_lines "$name" "$n")
	SKIP[$name]=$(( ${SKIP[$name]:-0} + n ))
	round_trips_stop
	rt=$RT_COUNT
	sleep 0.5
	tail -c +$((off + 1)) "$PGLOG" | grep -F " app=$app " > "$T/sample.$name" || true
	# Transactions: the distinct virtual transaction ids (%v). A simple-
	# protocol statement is logged after its transaction ended (vx=N/0):
	# each one but COMMIT and ROLLBACK is a transaction of its own.
	SAMPLED[$name]=$(awk -v n="$n" -v rt="$rt" '
		/ LOG:  duration: .* execute / { e++ }
		/ LOG:  duration: .* parse / { p++ }
		/ LOG:  duration: .* statement: / {
			s++
			if ($0 ~ / vx=[0-9]+\/0 / && $0 !~ /statement: (COMMIT|ROLLBACK|END)/) single++
		}
		{ for (i = 1; i <= NF; i++) if ($i ~ /^vx=[0-9]+\/[1-9]/) v[$i] = 1 }
		END {
			c = single; for (k in v) c++
			printf "%.2f %.2f %s %.2f %.2f", (e + s) / n, c / n,
				(rt == "-" ? "-" : sprintf("%.2f", rt / n)), p / n, s / n
		}' "$T/sample.$name")
	[ "$bad" -eq 0 ] || PROBLEMS+=("$name: $bad of $n sampled requests had an unexpected status")
}

# --- where the time goes: perf and EXPLAIN ---------------------------------------------

# perf_profile NAME: perf record -g (cpu-clock) of the portal workers and every
# PostgreSQL process during one extra run of NAME (not one of the rounds);
# the flat top entries go to $T/perf.dso and $T/perf.sym.
perf_profile() {
	local name=$1 pids pm perf_pid
	pm=$(root_pid postgres)
	pids=$( { workers portal; echo "$pm"; ps -o pid= --ppid "$pm"; } | tr -d ' ' | grep -v '^-*$' | paste -sd, -)
	perf record -e cpu-clock -F 999 -g -o "$T/perf.data" -p "$pids" -- sleep "$DURATION" \
		> "$T/perf.record" 2>&1 &
	perf_pid=$!
	sleep 0.3
	run_wrk "$name" "$T/wrk.perf" "$DURATION"
	wait "$perf_pid" || return 1
	perf report -i "$T/perf.data" --stdio --no-children -g none --sort comm,dso \
		--percent-limit 1 2> /dev/null | grep -v '^#' | grep -v '^$' > "$T/perf.dso"
	perf report -i "$T/perf.data" --stdio --no-children -g none --sort comm,dso,sym \
		--percent-limit 0.5 2> /dev/null | grep -v '^#' | grep -v '^$' | head -n 50 > "$T/perf.sym"
	PERF_SAMPLES=$(perf report -i "$T/perf.data" --stdio --no-children -g none --sort comm 2> /dev/null |
		sed -n 's/^# Samples: \([^ ]*\).*/\1/p' | head -n 1)
}

# explain_page NAME: for each statement the portal ran in the sample of NAME
# (from PostgreSQL's log), its text from sql_text() (bench/helper), then
# EXPLAIN (ANALYZE, BUFFERS) with the parameters it was run with, the link's
# hash swapped for one of a link never viewed ($T/tokens.explain). Five
# executions first, unshown, so the plan is the one a worker uses after
# many (custom or generic). Writes run as the web role and are rolled back.
explain_page() {
	local name=$1 cold stmt params warm coldp text i
	cold=$(cut -f2 "$T/tokens.explain" | head -n 1)
	awk '
		function pid_of(line) { match(line, /\[[0-9]+\]/); return substr(line, RSTART, RLENGTH) }
		/ LOG:  duration: / {
			pid = pid_of($0); last[pid] = ""
			if (match($0, / execute [^:]+:/)) {
				s = substr($0, RSTART + 9, RLENGTH - 10)
				last[pid] = s
				if (!(s in seen)) { seen[s] = 1; order[++n] = s }
			}
		}
		/ DETAIL:  parameters: / && last[pid_of($0)] != "" {
			pid = pid_of($0)
			p = $0; sub(/^.* DETAIL:  parameters: /, "", p); params[last[pid]] = p; last[pid] = ""
		}
		END { for (i = 1; i <= n; i++) printf "%s\t%s\n", order[i], params[order[i]] }
	' "$T/sample.$name" > "$T/explain.params"
	[ -s "$T/explain.params" ] || { echo "no statements in the sample" > "$T/explain.err"; return 1; }
	while IFS=$'\t' read -r stmt params; do
		text=$("$BIN/helper" sql "$stmt" 2>> "$T/explain.err") || continue
		warm=$(sed -E 's/(^|, )\$[0-9]+ = /\1/g' <<<"$params")
		coldp=$(sed -E "s/'\\\\x[0-9a-f]{64}'/'\\\\x$cold'/g" <<<"$warm")
		{
			echo "BEGIN;"
			echo "SET LOCAL ROLE settle_web;"
			echo "PREPARE bench_stmt AS $text;"
			echo "\\o /dev/null"
			for i in 1 2 3 4 5; do echo "EXPLAIN (ANALYZE) EXECUTE bench_stmt($warm);"; done
			echo "\\o"
			echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_stmt($coldp);"
			echo "ROLLBACK;"
		} > "$T/explain.sql"
		echo "### $stmt"
		echo
		echo '```sql'
		echo "$text"
		echo '```'
		echo
		echo "Run with ($coldp):"
		echo
		echo '```'
		"$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -Atq -v ON_ERROR_STOP=1 \
			-f "$T/explain.sql" 2>> "$T/explain.err" || echo "(EXPLAIN failed: $(tail -n 1 "$T/explain.err"))"
		echo '```'
		echo
	done < "$T/explain.params"
}
