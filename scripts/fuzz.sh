#!/usr/bin/env bash
# Runs each libFuzzer target for a while, starting from a copy of its seed
# corpus, and reports one line per target. Any sanitizer report, failed
# check, leak or hang is a crash: its input is kept under build/fuzz/crashes/
# and the script exits non-zero.
#   scripts/fuzz.sh SECONDS build/fuzz/fuzz_a [build/fuzz/fuzz_b ...]
#   scripts/fuzz.sh --total SECONDS FUZZER...   SECONDS shared by the targets
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

total=0
if [ "${1:-}" = --total ]; then
	total=1
	shift
fi
if [ $# -lt 2 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
	echo "usage: $0 [--total] SECONDS FUZZER..." >&2
	exit 2
fi
seconds=$1
shift
if [ $total -eq 1 ]; then
	seconds=$(( seconds / $# ))
	[ "$seconds" -ge 1 ] || seconds=1
	echo "$# targets, $seconds s each"
fi

work=$(mktemp -d /tmp/settle-fuzz.XXXXXX)
pid=
trap 'rm -rf "$work"' EXIT
# The target runs in the background (it ignores SIGINT there): pass it on.
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; exit 130' INT TERM
crashes=$ROOT/build/fuzz/crashes

# Every report is fatal and ends in abort(), which libFuzzer turns into a
# saved crash input.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

# max_len NAME: the longest input worth trying for a target.
max_len() {
	case $1 in
	csv) echo 65536 ;;	# the importer reads whole files
	camt) echo 65536 ;;	# a statement of a few entries is ~10 KB
	*) echo 4096 ;;
	esac
}

failed=0
for bin in "$@"; do
	exe=$(basename "$bin")
	name=${exe#fuzz_}
	if [ ! -x "$bin" ]; then
		echo "$exe: $bin is not an executable (run make fuzz)"
		failed=1
		continue
	fi
	corpus=$work/$name
	mkdir -p "$corpus" "$crashes/$name"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp -R "tests/fuzz/corpus/$name/." "$corpus/"
	else
		echo "$exe: no seed corpus in tests/fuzz/corpus/$name, starting empty"
	fi
	dict=()
	[ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
	log=$work/$name.log
	start=$(date +%s)
	# Waited for in the background: bash says nothing if it is killed.
	"$bin" -max_total_time="$seconds" -max_len="$(max_len "$name")" \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="$crashes/$name/" "${dict[@]}" "$corpus" \
		> "$log" 2>&1 &
	pid=$!
	wait "$pid"
	status=$?
	pid=
	elapsed=$(( $(date +%s) - start ))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ "$status" -eq 0 ] && [ -z "$artifact" ]; then
		echo "$exe: ${runs:-?} executions in ${secs:-$elapsed} s, no crash"
		continue
	fi
	failed=1
	if [ -n "$artifact" ]; then
		echo "$exe: crash after ${runs:-?} executions: $artifact"
	else
		echo "$exe: exited with status $status after $elapsed s, no input saved"
	fi
	grep -E 'ERROR|SUMMARY|runtime error|in .* (tests|portal)/' "$log" | head -n 8 | sed 's/^/    | /'
done
exit "$failed"
