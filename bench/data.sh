# Sourced by bench/run.sh: the data the endpoints read and the request files
# wrk sends. Uses run.sh's globals (T, VAR, CONF, BUILD, BIN, BASE, PGBIN,
# REQ, and the sizes SMALL, LARGE, ROTATION, PLAN_POOL).
#
# Request files ($REQ/NAME.tsv) have one request per line:
# METHOD<TAB>PATH[<TAB>urlencoded form body] (bench/requests.lua).

admin() { "$BUILD/portal-admin" -c "$CONF" "$@"; }
psql_file() { "$PGBIN/psql" -X -h "$VAR/run" -U settle -d settle -q -v ON_ERROR_STOP=1 "$@"; }
# path_of URL: the path of a URL printed by portal-admin link.
path_of() { sed 's|^http://[^/]*||'; }

# Bulk loading: no flush, no full-page images, checkpoints far apart; back
# to the stack's own settings (production ones) with load_done.
load_begin() { pg_set fsync=off synchronous_commit=off full_page_writes=off max_wal_size=16GB; }
load_done() {
	sql "VACUUM (ANALYZE)" > /dev/null
	sql "CHECKPOINT" > /dev/null
	pg_set fsync=default synchronous_commit=default full_page_writes=default max_wal_size=default
}

# --- the hot set: imported through portal-admin, as an operator would ------------

# Invoices BENCH-001..016: 20 lines, one late fee, two payments each; issued
# 45 days ago, due 15 days ago, so the page shows everything (overdue, fees,
# payments, balance, how to pay, plan and hardship buttons). One link each,
# plus an expired link of BENCH-002 and a revoked one of BENCH-003.
hot_data() {
	local n inv head i p
	d() { date -u -d "$1 days" +%Y-%m-%d; }
	{
		echo "invoice,customer_ref,customer_name,email,phone,language,currency,issued,due,kind,description,quantity,amount,date"
		for n in $(seq 1 16); do
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
	: > "$REQ/hot16.tsv"
	: > "$REQ/plan16.tsv"
	for n in $(seq 1 16); do
		p=$(admin link "$(printf 'BENCH-%03d' "$n")" | path_of)
		printf 'GET\t%s\n' "$p" >> "$REQ/hot16.tsv"
		printf 'GET\t%s/plan\n' "$p" >> "$REQ/plan16.tsv"
	done
	INVOICE=$(head -n 1 "$REQ/hot16.tsv" | cut -f2)
	UNKNOWN=/i/$(printf 'A%.0s' $(seq 43))
	# The same page and the same timing as an unknown token (README.md, Routes).
	EXPIRED=$(admin link BENCH-002 | path_of)
	sql "UPDATE links SET expires_at = now() - interval '1 day' WHERE id = (SELECT max(id) FROM links)" > /dev/null
	REVOKED=$(admin link BENCH-003 | path_of)
	sql "UPDATE links SET revoked_at = now() WHERE id = (SELECT max(id) FROM links)" > /dev/null
}

# --- generated invoices -------------------------------------------------------------

# generate PREFIX FIRST LAST SHAPE: invoices PREFIX<FIRST..LAST> (bench/cold.sql);
# a large range is loaded in two halves at once (both cores).
generate() {
	local prefix=$1 first=$2 last=$3 shape=$4 mid
	if [ $(( last - first )) -lt 200000 ]; then
		psql_file -v prefix="$prefix" -v first="$first" -v last="$last" -v shape="$shape" \
			-f "$ROOT/bench/cold.sql"
		return
	fi
	mid=$(( (first + last) / 2 / 5 * 5 ))	# first of a customer's five, less one
	psql_file -v prefix="$prefix" -v first="$first" -v last="$mid" -v shape="$shape" \
		-f "$ROOT/bench/cold.sql" &
	local a=$!
	psql_file -v prefix="$prefix" -v first=$(( mid + 1 )) -v last="$last" -v shape="$shape" \
		-f "$ROOT/bench/cold.sql" &
	local b=$!
	wait "$a" && wait "$b"
}

# known_links NAME N INVOICES_SQL: N new links with tokens we know, spread
# round-robin over the invoices INVOICES_SQL selects (a query of ids);
# writes $T/links.NAME: "token<TAB>link id", in random order.
known_links() {
	local name=$1 n=$2 select=$3
	"$BIN/helper" tokens "$VAR/secret" "$n" > "$T/tokens.$name"
	psql_file <<-SQL
	CREATE TEMP TABLE tok (token text, hash text);
	\copy tok FROM '$T/tokens.$name'
	CREATE TEMP TABLE inv AS SELECT row_number() OVER (ORDER BY id) - 1 AS j, id FROM ($select) AS s;
	ANALYZE tok, inv;
	SELECT count(*) AS ninv FROM inv \gset
	INSERT INTO links (invoice_id, token_hash, expires_at)
	SELECT inv.id, decode(t.hash, 'hex'), now() + interval '30 days'
	FROM (SELECT (row_number() OVER () - 1) % :ninv AS j, hash FROM tok) AS t
	JOIN inv USING (j)
	ORDER BY t.hash;
	\copy (SELECT t.token, l.id FROM tok t JOIN links l ON l.token_hash = decode(t.hash, 'hex')) TO '$T/links.$name'
	SQL
	[ "$(wc -l < "$T/links.$name")" -eq "$n" ] || die "known_links $name: $(wc -l < "$T/links.$name") of $n links made"
	shuf -o "$T/links.$name" "$T/links.$name"
}

# numbers_sql PREFIX FIRST LAST [STEP]: a query of the ids of those invoices.
numbers_sql() {
	local step=${4:-1}
	echo "SELECT i.id FROM generate_series($2, $3, $step) AS g
		JOIN invoices i ON i.number = '$1' || lpad(g::text, 7, '0')"
}

# rotation NAME N INVOICES_SQL: a request file of N distinct links.
rotation() {
	known_links "$1" "$2" "$3"
	awk -F'\t' '{ printf "GET\t/i/%s\n", $1 }' "$T/links.$1" > "$REQ/$1.tsv"
}

# --- the POSTs --------------------------------------------------------------------

# form_value NAME FILE: the value of the hidden input NAME in an HTML page.
form_value() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1; }

# with_csrf NAME PURPOSE: $T/links.NAME with a third column, the CSRF token
# of PURPOSE for each link (the portal binds it to the link id).
with_csrf() { "$BIN/helper" csrf "$VAR/secret" "$2" < "$T/links.$1" > "$T/csrf.$1"; }

# check_csrf NAME PAGE_SUFFIX: the portal's own form carries the token we
# computed, for two of the links (else the helper and the portal disagree).
check_csrf() {
	local name=$1 suffix=$2 token id csrf got
	while IFS=$'\t' read -r token id csrf; do
		curl -s -o "$T/form" --max-time 20 "$BASE/i/$token$suffix"
		got=$(form_value csrf "$T/form")
		[ "$got" = "$csrf" ] || die "$name: the form of /i/$token$suffix has csrf [$got], the helper computed [$csrf]"
	done < <(head -n 2 "$T/csrf.$name")
}

# A weekday at least three days ahead (the callback needs > 24 h notice).
callback_day() {
	local k=3 day
	while :; do
		day=$(TZ=Europe/London date -d "+$k days" +%u)
		[ "$day" -ge 6 ] || { TZ=Europe/London date -d "+$k days" +%Y-%m-%d; return; }
		k=$((k + 1))
	done
}

# Plan POSTs. A plan is accepted once per invoice: "plan_post" sends each of
# PLAN_POOL fresh links once (303, a plan stored); "plan_again" posts to 16
# invoices that have their plan already (409, the existing plan shown, the
# double-click path). All pool invoices have the same items (cold.sql shape
# 3), so the same options and the same quote, read from one plan page.
plan_pools() {
	local quote
	generate POOL- 1 $(( PLAN_POOL + 100 )) 3 > /dev/null
	known_links plan_post $(( PLAN_POOL + 100 )) "$(numbers_sql POOL- 1 $(( PLAN_POOL + 100 )))"
	with_csrf plan_post plan
	check_csrf plan_post /plan
	curl -s -o "$T/form" --max-time 20 "$BASE/i/$(head -n 1 "$T/links.plan_post" | cut -f1)/plan"
	quote=$(form_value quote "$T/form")
	[ -n "$quote" ] || die "the plan page shows no quote: $(head -c 300 "$T/form")"
	awk -F'\t' -v q="$quote" '{ printf "POST\t/i/%s/plan\toption=1&agree=yes&csrf=%s&quote=%s\n", $1, $3, q }' \
		"$T/csrf.plan_post" > "$T/plan_post.all"
	# The last 100 for the one-at-a-time sample and the checks, the rest for wrk.
	head -n "$PLAN_POOL" "$T/plan_post.all" > "$REQ/plan_post.tsv"
	tail -n 100 "$T/plan_post.all" > "$REQ/plan_post.sample.tsv"
	# 16 invoices with a plan each, accepted here through the real form.
	head -n 16 "$REQ/plan_post.sample.tsv" > "$REQ/plan_again.tsv"
	sed -i '1,16d' "$REQ/plan_post.sample.tsv"
	local line status
	while IFS= read -r line; do
		status=$(send "$line")
		[ "$status" = 303 ] || die "accepting a plan answered $status: $(head -c 300 "$T/body")"
	done < "$REQ/plan_again.tsv"
}

# Hardship POSTs: 64 invoices of the plan pool's shape, each note stored
# (303: a request, then follow-ups; the stack lets a link send 1000 an hour,
# run.sh); bench_cleanup_hardship removes what the runs added (the requests
# and follow-ups, their holds and queued mails), so the staff queue and the
# hourly count each POST makes stay the same size from run to run.
hardship_pool() {
	local day
	generate POOLH- 1 64 3 > /dev/null
	known_links hardship 64 "$(numbers_sql POOLH- 1 64)"
	with_csrf hardship hardship
	check_csrf hardship /hardship
	day=$(callback_day)
	awk -F'\t' -v d="$day" '{ printf "POST\t/i/%s/hardship\tcategory=income&message=I+lost+my+job+last+month%%3B+can+we+talk+about+a+plan%%3F&contact=email&phone=&callback_date=%s&callback_window=morning&csrf=%s\n", $1, d, $3 }' \
		"$T/csrf.hardship" > "$REQ/hardship_post.tsv"
	HARDSHIP_MAX=$(sql "SELECT coalesce(max(id), 0) FROM hardship_requests")
}
bench_cleanup_hardship() {
	sql "BEGIN; DELETE FROM hardship_followups WHERE request_id > $HARDSHIP_MAX;
		DELETE FROM outbox WHERE hardship_id > $HARDSHIP_MAX;
		DELETE FROM reminder_holds WHERE hardship_id > $HARDSHIP_MAX;
		DELETE FROM hardship_requests WHERE id > $HARDSHIP_MAX; COMMIT" > /dev/null 2> "$T/cleanup.err" ||
		PROBLEMS+=("could not remove the hardship notes of the runs (the staff queue grew from run to run): $(tail -n 1 "$T/cleanup.err")")
}

# --- staff ---------------------------------------------------------------------------

# A staff queue with 300 hardship requests on generated invoices, and a
# signed-in session: HDR[staff] becomes its cookie.
staff_session() {
	local password="bench password $$" csrf cookie
	sql "INSERT INTO hardship_requests (invoice_id, category, message, contact_method,
		phone, callback_date, callback_window, status, created_at)
		SELECT i.id, (ARRAY['income','illness','bereavement','disaster','other'])[1 + g % 5],
			'Generated note ' || g || ': short of cash this month & next', 'phone',
			'+44 1632 960 ' || (100 + g % 900), current_date + 3, 'morning',
			(ARRAY['new','in_review','resolved'])[1 + g % 3], now() - g * interval '7 minutes'
		FROM generate_series(1, 300) AS g
		JOIN invoices i ON i.number = 'GEN-' || lpad((g * 31)::text, 7, '0')" > /dev/null
	printf '%s\n' "$password" | admin staff-add bench@example.com "Bench Clerk" > /dev/null
	rm -f "$T/jar"
	curl -s -c "$T/jar" -b "$T/jar" -o "$T/form" --max-time 20 "$BASE/staff/login"
	csrf=$(form_value csrf "$T/form")
	curl -s -c "$T/jar" -b "$T/jar" -o /dev/null -D "$T/login.head" --max-time 20 \
		--data-urlencode "csrf=$csrf" --data-urlencode "email=bench@example.com" \
		--data-urlencode "password=$password" "$BASE/staff/login"
	# The session cookie: the one set with a value that is not the pre-session's.
	cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \([^=;]*=[^;]\+\);.*/\1/p' "$T/login.head" |
		grep -v -- '-login=' | head -n 1 || true)
	[ -n "$cookie" ] || die "staff sign-in failed: $(cat "$T/login.head")"
	HDR[staff]="Cookie: $cookie"
}
