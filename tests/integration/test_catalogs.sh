#!/usr/bin/env bash
# Issue 12: the catalogs. Every catalog translates every message of the
# templates (no empty msgstr, no fuzzy entry, msgfmt --check passes, the
# same {{tags}} and <tags> as the source), po/settle.pot is what the
# templates say, and the portal refuses to start on a catalog that is not
# complete. Proved on broken copies: each break must be caught.
. "$(dirname "$0")/lib.sh"

PO=$ROOT/build/settle-po
check "settle-po check passes on templates/ and po/" "$PO" check "$ROOT/templates" "$ROOT/po"
for f in "$ROOT"/po/*.po; do
	check "msgfmt --check accepts $(basename "$f")" msgfmt --check -o /dev/null "$f"
	n=$(msgfmt --statistics -o /dev/null "$f" 2>&1)
	case $n in
	*fuzzy*|*untranslated*) not_ok "$(basename "$f") has no fuzzy or untranslated message" "$n" ;;
	*) ok "$(basename "$f") has no fuzzy or untranslated message ($n)" ;;
	esac
done
langs=$(ls "$ROOT"/po/*.po | wc -l)
check "there are Spanish and French catalogs" test -f "$ROOT/po/es.po" -a -f "$ROOT/po/fr.po"

# The portal's own check (portal -t) loads every language.
printf '%064d\n' 0 > "$T/secret"
conf() {	# conf TEMPLATES PO: a config for portal -t
	printf 'templates = %s\npo = %s\nsecret_file = %s\n' "$1" "$2" "$T/secret" > "$T/settle.conf"
}
conf "$ROOT/templates" "$ROOT/po"
out=$("$BUILD/portal" -t -c "$T/settle.conf" 2>&1)
expect_eq "portal -t loads English and every catalog" \
	"$T/settle.conf: configuration and templates are fine ($((langs + 1)) languages)" "$out"

# Broken copies: each must be refused, naming what is wrong.
fresh() {
	rm -rf "$T/tpl" "$T/po"
	cp -R "$ROOT/templates" "$T/tpl"
	cp -R "$ROOT/po" "$T/po"
}
# refused NAME WHAT-THE-MESSAGE-SAYS: settle-po check and portal -t both fail.
refused() {
	local name=$1 want=$2 out
	out=$("$PO" check "$T/tpl" "$T/po" 2>&1)
	if [ $? -ne 0 ] && grep -qF -- "$want" <<< "$out"; then
		ok "the check refuses $name"
	else
		not_ok "the check refuses $name" "wanted \"$want\" in: $(tail -n 3 <<< "$out")"
	fi
}
# swap FILE OLD NEW: replaces the first OLD (literal text, may span lines).
swap() {
	python3 -c 'import sys; p, a, b = sys.argv[1:4]; s = open(p, encoding="utf-8").read()
assert a in s, a; open(p, "w", encoding="utf-8").write(s.replace(a, b, 1))' "$@" ||
		not_ok "the test could change $1" "no: $2"
}
# no_start NAME WANT: portal -t on the broken copy fails, saying WANT.
no_start() {
	local out
	conf "$T/tpl" "$T/po"
	out=$("$BUILD/portal" -t -c "$T/settle.conf" 2>&1)
	if [ $? -ne 0 ] && grep -qF -- "$2" <<< "$out"; then ok "$1"; else not_ok "$1" "$out"; fi
}
NL=$'\n'
# An untranslated message: the msgstr of "Invoice {{number}}" emptied.
fresh
swap "$T/po/es.po" "msgid \"Invoice {{number}}\"${NL}msgstr \"Factura {{number}}\"" \
	"msgid \"Invoice {{number}}\"${NL}msgstr \"\""
refused "a message left untranslated" 'untranslated (empty msgstr): "Invoice {{number}}"'
if msgfmt --statistics -o /dev/null "$T/po/es.po" 2>&1 | grep -q untranslated; then
	ok "msgfmt counts it untranslated too"
else
	not_ok "msgfmt counts it untranslated too"
fi
no_start "portal -t refuses to start with it, naming the template and message" \
	'es: an empty translation: "Invoice {{number}}"'

# A fuzzy translation (msgmerge's guess) is not a translation.
fresh
swap "$T/po/fr.po" "${NL}msgid \"Cancel\"${NL}" "${NL}#, fuzzy${NL}msgid \"Cancel\"${NL}"
refused "a fuzzy translation" 'fuzzy (review it, then remove the fuzzy flag): "Cancel"'

# A translation that renames a placeholder or drops a link.
fresh
sed -i 's/msgstr "Facture {{number}}"/msgstr "Facture {{numero}}"/' "$T/po/fr.po"
refused "a renamed placeholder" "differ from the source: \"Invoice {{number}}\""
fresh
swap "$T/po/es.po" 'msgstr[1] "<strong>{{new}}</strong> nuevas"' 'msgstr[1] "{{new}} nuevas"'
refused "a dropped <strong> in a plural form" 'differ from the source: "<strong>{{new}}</strong> new"'
fresh
swap "$T/po/es.po" '"{{customer}}, factura <a href=\"/staff/invoices/{{number}}\">{{number}}</a>"' \
	'"{{customer}}, factura {{number}}"'
refused "a dropped link" "differ from the source"

# A missing entry, and a catalog entry no template uses.
fresh
swap "$T/po/es.po" "msgid \"Cancel\"${NL}msgstr \"Cancelar\"" "msgid \"Cancelled\"${NL}msgstr \"Cancelado\""
refused "a message missing from a catalog" 'missing (run make po): "Cancel"'
refused "a message no template uses" 'not in the templates (run make po): "Cancelled"'

# A template changed without `make po`: the POT is stale. After the
# update (extract, msgmerge) the new message is untranslated until done.
fresh
sed -i 's|<h1>{{#t}}Set up a payment plan{{/t}}</h1>|<h1>{{#t}}Set up a payment plan today{{/t}}</h1>|' "$T/tpl/plan.mustache"
refused "a template newer than po/settle.pot" "out of date with the templates (run make po)"
"$PO" extract "$T/tpl" > "$T/po/settle.pot"
for f in "$T"/po/*.po; do msgmerge --quiet --update --backup=none "$f" "$T/po/settle.pot"; done
refused "the new message after msgmerge, until it is translated" '"Set up a payment plan today"'
check "msgmerge kept the other translations" grep -qF 'msgstr "Cancelar"' "$T/po/es.po"

# A catalog with no plural rule, and one for the source language.
fresh
sed -i '/^"Plural-Forms: /d' "$T/po/fr.po"
refused "a catalog without Plural-Forms" "no valid Plural-Forms header"
fresh
cp "$T/po/es.po" "$T/po/en.po"
no_start "portal -t refuses a catalog for English, the source" "the templates' own language"

# A stray mark in a template stops start-up with its place.
fresh
printf '<p>{{#t}}Never closed</p>\n' > "$T/tpl/stray.mustache"
no_start "portal -t refuses an unclosed {{#t}}, naming the template" "template stray:1:4: {{#t without {{/t}}"
finish
