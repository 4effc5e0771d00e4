#!/usr/bin/env bash
# Renders one of Settle's nginx configurations (nginx/dev.conf for the
# development stack, nginx/site.conf for production) to stdout: a line
# "#include NAME" is replaced by nginx/NAME, and each @KEY@ by the value given
# as KEY=VALUE (a value may hold newlines); comment lines that list the
# placeholders are left out. Placeholders left over are an
# error, so a new one cannot go unnoticed.
#   scripts/nginx-conf.sh dev|site [KEY=VALUE]...
set -euo pipefail
DIR=$(cd "$(dirname "$0")/../nginx" && pwd)
name=${1:-}; shift || true
[ -f "$DIR/$name.conf" ] || { echo "usage: $0 dev|site [KEY=VALUE]..." >&2; exit 2; }
SETTLE_NGX_KEYS=
for kv in "$@"; do
	case "$kv" in
	[A-Z]*=*) export "SETTLE_NGX_${kv%%=*}=${kv#*=}"
		SETTLE_NGX_KEYS="$SETTLE_NGX_KEYS ${kv%%=*}" ;;
	*) echo "nginx-conf.sh: expected KEY=VALUE, got $kv" >&2; exit 2 ;;
	esac
done
export SETTLE_NGX_KEYS
out=$(awk -v dir="$DIR" '
	function emit(line,    k, v, n, i, keys) {
		n = split(ENVIRON["SETTLE_NGX_KEYS"], keys, " ")
		for (i = 1; i <= n; i++) {
			k = keys[i]
			v = ENVIRON["SETTLE_NGX_" k]
			gsub(/[\\&]/, "\\\\&", v)
			gsub("@" k "@", v, line)
		}
		print line
	}
	function paste(file,    line) {
		while ((getline line < file) > 0) {
			if (line ~ /^#[ \t]+@[A-Z_]+@/)
				continue	# the list of placeholders
			if (line ~ /^#include [a-z.]+$/)
				paste(dir "/" substr(line, 10))
			else
				emit(line)
		}
		close(file)
	}
	BEGIN { paste(dir "/" ARGV[1]); exit }
' "$name.conf")
if left=$(printf '%s\n' "$out" | grep -o '@[A-Z_]*@' | sort -u | tr '\n' ' ') && [ -n "$left" ]; then
	echo "nginx-conf.sh: $name.conf: no value for $left" >&2
	exit 1
fi
printf '%s\n' "$out"
