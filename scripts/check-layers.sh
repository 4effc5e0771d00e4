#!/usr/bin/env bash
# Checks the layers of portal/ (docs/ARCHITECTURE.md, "Layers"): what may
# include what, followed through every header a file includes, and that
# libpq stays inside db.c. One line per rule, TAP style, then
# "N passed, N failed"; exits non-zero when a rule is broken.
#   scripts/check-layers.sh [DIR]	(DIR defaults to the checkout's portal/)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=${1:-$ROOT/portal}
PASS=0
FAIL=0

# The layers, bottom up. A module is NAME.c and NAME.h.
PURE="arena asset bankcsv buf camt config credit csv date epc form hardship holdrules http
	i18n iban ics invoice keyring lang ledger log mail money multipart mustache
	payqr payref plan plural po qr remind request role router seal sendmail token
	totp tz utf8 view"
DB="db sql"
SERVICES="audit bankpay import migrate outbox rotate"
WEB="ctx page routes server"
PROGRAMS="admin main notify potool remind_run"

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1"
	shift
	local l
	for l in "$@"; do echo "#   $l"; done
}

# The quoted includes of one file, as paths below $SRC ("pages/debtor.h").
direct() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$SRC/$1"; }

# Every header file $1 reaches through quoted includes, one per line.
closure() {
	local -A seen=()
	local todo=("$1") f h
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		[ -f "$SRC/$f" ] || continue
		for h in $(direct "$f"); do
			[ -n "${seen[$h]:-}" ] && continue
			seen[$h]=1
			echo "$h"
			todo+=("$h")
		done
	done
}

# The existing files of the modules named in $@.
files_of() {
	local m
	for m in "$@"; do
		[ -f "$SRC/$m.c" ] && echo "$m.c"
		[ -f "$SRC/$m.h" ] && echo "$m.h"
	done
}

# rule NAME FORBIDDEN-REGEX FILE...: no file reaches a header matching it.
rule() {
	local name=$1 forbidden=$2 f bad=()
	shift 2
	for f in "$@"; do
		while read -r h; do
			[ -n "$h" ] && bad+=("$f includes $h (through its headers)")
		done < <(closure "$f" | grep -E "$forbidden")
	done
	if [ ${#bad[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${bad[@]}"; fi
}

# only NAME REGEX ALLOWED-FILE...: only these files match REGEX in their text.
only() {
	local name=$1 regex=$2 f bad=()
	shift 2
	local allowed=" $* "
	while read -r f; do
		f=${f#"$SRC"/}
		[[ $allowed == *" $f "* ]] || bad+=("$f: $(grep -nE "$regex" "$SRC/$f" | head -n 1)")
	done < <(grep -lE "$regex" "$SRC"/*.c "$SRC"/*.h "$SRC"/pages/*.c "$SRC"/pages/*.h 2>/dev/null)
	if [ ${#bad[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${bad[@]}"; fi
}

PAGES=$(cd "$SRC" && ls pages/*.c pages/*.h 2>/dev/null)
UPPER='^(db|sql|ctx|page|routes|server|audit|bankpay|import|migrate|outbox)\.h$|^pages/'

# Every module is in a layer, so a new one cannot slip past the rules.
unknown=()
for f in "$SRC"/*.c "$SRC"/*.h; do
	m=$(basename "$f"); m=${m%.[ch]}
	case " $(echo $PURE $DB $SERVICES $WEB $PROGRAMS) " in
	*" $m "*) ;;
	*) unknown+=("portal/$(basename "$f"): add its module to a layer in scripts/check-layers.sh") ;;
	esac
done
if [ ${#unknown[@]} -eq 0 ]; then ok "every module of portal/ belongs to a layer"
else not_ok "every module of portal/ belongs to a layer" "${unknown[@]}"; fi

# shellcheck disable=SC2086
rule "pure modules include no database, request, page or service header" \
	"$UPPER" $(files_of $PURE)
rule "http.c does not include db.h" '^db\.h$' http.c
# shellcheck disable=SC2086
rule "the database layer includes only pure modules" \
	'^(ctx|page|routes|server|audit|bankpay|import|migrate|outbox)\.h$|^pages/' $(files_of $DB)
# shellcheck disable=SC2086
rule "services (audit, bankpay, import, migrate, outbox) include no request or page header" \
	'^(ctx|page|routes|server)\.h$|^pages/' $(files_of $SERVICES)
# shellcheck disable=SC2086
rule "the web layer includes no page header" '^pages/' $(files_of $WEB)
# shellcheck disable=SC2086
rule "programs include no page header" '^pages/' $(files_of $PROGRAMS)
only "only db.c includes libpq-fe.h" '#[[:space:]]*include[[:space:]]*<libpq-fe\.h>' db.c
only "only db.c calls libpq (PQ...(), PGresult, PGconn)" \
	'\<(PQ[a-z][A-Za-z]*\(|PGresult|PGconn)' db.c
only "only server.c and main.c include fcgiapp.h" \
	'#[[:space:]]*include[[:space:]]*<fcgiapp\.h>' server.c main.c
bad=()
for f in $PAGES; do
	while read -r l; do bad+=("$f:$l"); done < \
	    <(grep -nE '<libpq-fe\.h>|\<PQ[a-z][A-Za-z]*\(|PGresult' "$SRC/$f")
done
if [ ${#bad[@]} -eq 0 ]; then ok "pages neither include libpq-fe.h nor call libpq"
else not_ok "pages neither include libpq-fe.h nor call libpq" "${bad[@]}"; fi
n=$(cat "$SRC"/pages/*.c | grep -c 'PQgetvalue(.*, [0-9]')
if [ "$n" -eq 0 ]; then ok "no positional PQgetvalue in portal/pages"
else not_ok "no positional PQgetvalue in portal/pages" "$n found"; fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
