#!/usr/bin/env bash
# Issue 18: the invoice page's statements in the shapes tried, measured with
# pgbench against a running stack's PostgreSQL, without nginx or the portal:
# how much CPU the database spends on one page view in each shape.
#
#   bench/shapes.sh [DIR] [SECONDS]    DIR: a stack's state directory
#                                      (default var/, as `make start` makes it)
#
# The shapes, each one page view of a live link (its view record written):
#   five   the pipeline of commit 6d52f2a: five statements, each finding the
#          link by its token's hash again (bench/shapes/five.sql)
#   one    one statement for the whole page: a head row and the items in one
#          UNION (bench/shapes/one.sql), tried and not taken
#   items  the link's statement reading the items too (a head row and the
#          items in one UNION: one statement, one round trip for most
#          views; commit e13f076, reverted), bench/shapes/open_items.sql
#   now    what the portal runs for an invoice with a plan, a hardship note
#          and an open request (its own SQL, build/bench/helper sql): the
#          link's statement, then the items, the plan, the note and
#          debtor_state by invoice id in a pipeline
#   short  the same for an invoice with none of them (most): the link's
#          statement, then the items
#   404    an unknown token: the link's statement, which finds nothing
# pgbench runs 2 clients with prepared, generic plans (as the portal's
# statements settle after five runs); the figure is the machine's busy time
# per page less pgbench's own CPU, so run it on a quiet machine. Rows are
# added to audit_events (one per view) in that database.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$ROOT/var}
SECS=${2:-6}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
RUN=$("$ROOT/scripts/stack.sh" where "$DIR" | awk '$1 == "run" { print $2 }')
HELPER=$ROOT/build/bench/helper
[ -x "$HELPER" ] || { echo "shapes.sh: build the helper first (make bench, or make build/bench/helper)" >&2; exit 1; }
T=$(mktemp -d)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
psql_() { "$PGBIN/psql" -X -h "$RUN" -U settle -d settle -Atq -v ON_ERROR_STOP=1 -c "$1"; }

# A live link of the invoice with the most lines, as pgbench variables.
read -r hash inv <<<"$(psql_ "SELECT encode(l.token_hash, 'hex'), l.invoice_id
	FROM links l WHERE l.revoked_at IS NULL AND l.expires_at > now()
	ORDER BY (SELECT count(*) FROM invoice_lines WHERE invoice_id = l.invoice_id) DESC, l.id
	LIMIT 1" | tr '|' ' ')"
[ -n "$inv" ] || { echo "shapes.sh: no live link in $DIR" >&2; exit 1; }
printf '{"\\\\x%s"}\n' "$hash" > "$T/h"
printf '{"\\\\x%s"}\n' "$(printf '%064d' 0)" > "$T/h404"

# stmt NAME: the portal's statement NAME, one line, $1 $2 $3 as variables.
stmt() { "$HELPER" sql "$1" | tr '\n' ' ' | sed -e "s/\\\$1/:$2/g; s/\\\$2/:act/g; s/\\\$3/:addr/g"; echo ';'; }
{ echo '\startpipeline'; stmt debtor_open h; echo '\endpipeline'; echo '\startpipeline'
  for q in invoice_items debtor_plan debtor_hardship debtor_state; do stmt "$q" inv; done
  echo '\endpipeline'; } > "$T/now.sql"
{ echo '\startpipeline'; stmt debtor_open h; echo '\endpipeline'
  echo '\startpipeline'; stmt invoice_items inv; echo '\endpipeline'; } > "$T/short.sql"
{ echo '\startpipeline'; stmt debtor_open h; echo '\endpipeline'; } > "$T/404.sql"
cp "$ROOT"/bench/shapes/*.sql "$T/"
chmod 644 "$T"/*

busy() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
measure() {	# measure NAME FILE HASHFILE
	local a b out n own
	a=$(busy)
	out=$( { /usr/bin/time -f 'OWN %U %S' env PGOPTIONS='-c plan_cache_mode=force_generic_plan' \
		"$PGBIN/pgbench" -n -M prepared -c 2 -j 2 -T "$SECS" -h "$RUN" -U settle \
		-D "h=$(cat "$3")" -D "inv=$inv" -D act=shapes.viewed -D addr=127.0.0.1 -f "$2" settle; } 2>&1)
	b=$(busy)
	n=$(awk '/actually processed/ { print $NF }' <<<"$out")
	own=$(awk '/^OWN/ { printf "%d", ($2 + $3) * 1000000 }' <<<"$out")
	[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "shapes.sh: $1 failed: $(grep -i error <<<"$out" | head -n 2)" >&2; return 1; }
	printf '| %s | %s | %d |\n' "$1" "$(awk '/^tps/ { printf "%d", $3 }' <<<"$out")" \
		$(( ((b - a) * 10000 - own) / n ))
}

echo "Invoice $inv, ${SECS}s per shape, 2 clients, $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| shape | pages/s | µs of CPU per page (PostgreSQL; the machine less pgbench) |"
echo "|---|---:|---:|"
for round in 1 2; do
	measure five "$T/five.sql" "$T/h"
	measure one "$T/one.sql" "$T/h"
	measure items "$T/open_items.sql" "$T/h"
	measure now "$T/now.sql" "$T/h"
	measure short "$T/short.sql" "$T/h"
	measure 404 "$T/404.sql" "$T/h404"
done
