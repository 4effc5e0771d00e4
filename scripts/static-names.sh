#!/bin/sh
# Copies the static files SRC to DST and adds, beside each, a copy under its
# versioned name: settle.css -> settle.0123456789ab.css, the first 12 hex
# digits of the file's SHA-256. Pages link to the versioned name (the portal
# computes it the same way, portal/asset.c) and nginx lets browsers cache it
# for a year: a changed file gets a new name. Used by stack.sh (DIR/static),
# `make install` and `make deb`.
#   scripts/static-names.sh SRC DST
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SRC DST" >&2; exit 2; }
src=$1
dst=$2
rm -rf "$dst"
mkdir -p "$dst"
for f in "$src"/*; do
	[ -f "$f" ] || continue
	name=${f##*/}
	case "$name" in
	*.*) base=${name%.*}; ext=.${name##*.} ;;
	*) base=$name; ext= ;;
	esac
	hash=$(sha256sum "$f" | cut -c1-12)
	cp "$f" "$dst/$name"
	cp "$f" "$dst/$base.$hash$ext"
done
chmod -R a+rX "$dst"
