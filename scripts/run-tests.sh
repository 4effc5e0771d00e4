#!/usr/bin/env bash
# Runs the test suites and sums them. Each suite ends with a line
# "N passed, N failed"; a suite that crashes counts as one more failure.
#   scripts/run-tests.sh [unit|spec|layers|integration|valgrind|all]
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
what=${1:-all}
SPEC_DIR=${MUSTACHE_SPEC:-$ROOT/../shared/mustache-spec}
total_pass=0
total_fail=0
log=$(mktemp -d /tmp/settle-tests.XXXXXX)
trap 'rm -rf "$log"' EXIT

# add_counts NAME OUTPUT_FILE STATUS: reads the suite's last summary line.
add_counts() {
	local name=$1 out=$2 status=$3 line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		p=0; f=1
		echo "  $name: no summary (exit status $status): counted as 1 failure"
		tail -n 20 "$out" | sed 's/^/    | /'
	else
		p=${line%% passed*}
		f=${line#*passed, }; f=${f%% failed*}
		if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			echo "  $name: exit status $status despite no failures: counted as 1 failure"
			tail -n 20 "$out" | sed 's/^/    | /'
		fi
	fi
	printf '  %-28s %4d passed, %d failed\n' "$name" "$p" "$f"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

# cmocka suites report in TAP; count ok / not ok lines.
run_cmocka() {
	local name out status p f
	name=$(basename "${@: -1}")	# the test program, also under valgrind
	out=$log/$name.out
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" > "$out" 2>&1
	status=$?
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	echo "$p passed, $f failed" >> "$out"
	if [ "$f" -gt 0 ]; then grep -A3 '^not ok ' "$out" | sed 's/^/    | /'; fi
	add_counts "$name" "$out" "$status"
}

unit() {
	echo "Unit tests (ASan + UBSan):"
	local t
	for t in build/asan/tests/test_*; do
		[ -x "$t" ] || continue
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_cmocka "$t"
	done
}

valgrind_unit() {
	echo "Unit tests under valgrind:"
	local t
	for t in build/tests/test_*; do
		[ -x "$t" ] || continue
		run_cmocka valgrind -q --leak-check=full --errors-for-leak-kinds=all \
			--error-exitcode=99 "$t"
	done
}

spec() {
	echo "Mustache specification:"
	local out=$log/spec.out status
	if [ ! -d "$SPEC_DIR" ]; then
		echo "  $SPEC_DIR not found (shared/ must sit beside the checkout)"
		total_fail=$((total_fail + 1))
		return
	fi
	build/asan/mustache-spec "$SPEC_DIR" > "$out" 2>&1
	status=$?
	grep -E '\.json: ' "$out" | sed 's/^/    /'
	add_counts "mustache-spec (official)" "$out" "$status"
	build/asan/mustache-spec tests/mustache > "$out" 2>&1
	status=$?
	add_counts "mustache-spec (ours)" "$out" "$status"
}

layers() {
	echo "Layers (scripts/check-layers.sh):"
	local out=$log/layers.out status
	scripts/check-layers.sh > "$out" 2>&1
	status=$?
	grep -E '^(not ok|#)' "$out" | sed 's/^/    | /'
	add_counts "check-layers" "$out" "$status"
}

# The integration suite runs the ASan+UBSan programs (make asan) unless
# SETTLE_BUILD names others; lib.sh fails a test on any sanitizer report.
integration() {
	local t out status
	if [ -z "${SETTLE_BUILD:-}" ] && [ -x build/asan/bin/portal ]; then
		export SETTLE_BUILD=$ROOT/build/asan/bin
	fi
	echo "Integration tests (nginx + portal + PostgreSQL; programs from ${SETTLE_BUILD:-$ROOT/build}):"
	for t in tests/integration/test_*.sh; do
		[ -f "$t" ] || continue
		out=$log/$(basename "$t").out
		bash "$t" > "$out" 2>&1
		status=$?
		grep -E '^(not ok|# )' "$out" | sed 's/^/    | /'
		add_counts "$(basename "$t" .sh)" "$out" "$status"
	done
}

case "$what" in
unit) unit ;;
spec) spec ;;
layers) layers ;;
integration) integration ;;
valgrind) valgrind_unit ;;
all) unit; spec; layers; integration ;;
*) echo "usage: $0 [unit|spec|layers|integration|valgrind|all]" >&2; exit 2 ;;
esac
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
