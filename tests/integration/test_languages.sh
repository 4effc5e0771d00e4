#!/usr/bin/env bash
# Issue 12: every page and email in the debtor's language (en, es, fr),
# chosen per request; dates, money and time zones for the language; a
# switch, ?lang= and a remembered choice; Accept-Language for 404s; bad
# input falls back or is refused by name; and a pseudo-language render that
# finds no English word left outside a translation mark.
. "$(dirname "$0")/lib.sh"

# The catalogs plus a pseudo-language "xx" made from the POT, so every page
# can also be rendered in it (README: docs/TRANSLATING.md).
mkdir -p "$T/po"
cp "$ROOT"/po/*.po "$T/po/"
"$ROOT/build/settle-po" pseudo "$ROOT/po/settle.pot" xx > "$T/po/xx.po"
# Neutral site texts: a word of English on a pseudo page is then a template's.
stack_up --exempt --set "po=$T/po" --set "company=Qzw Vyx" \
	--set "contact_name=Zq Xv" --set "contact_hours=9-17" \
	--set "bank_name=Qb Zx" --set "bank_iban=XQ00 0000 0000" --set "bank_bic=QQZZXX00" \
	--set "contact_email=qz@qzw.qz" --set "contact_phone=+34 900 000 000"

d() { date -u -d "$1 days" +%Y-%m-%d; }
H="invoice,customer_ref,customer_name,email,phone,language,timezone,currency,issued,due,kind,description,quantity,amount,date"
cat > "$T/inv.csv" <<CSV
$H
L-ES,LC-ES,Ana Ruiz,ana@example.es,+34 600 000 001,es,Europe/Madrid,EUR,2026-10-17,2026-11-16,line,Mantenimiento web,1,1250.00,
L-ES,LC-ES,Ana Ruiz,ana@example.es,+34 600 000 001,es,Europe/Madrid,EUR,2026-10-17,2026-11-16,fee,Recargo,,40.00,2026-11-20
L-FR,LC-FR,Luc Martin,luc@example.fr,+33 600 000 001,fr,Europe/Paris,EUR,2026-10-17,2026-11-16,line,Maintenance,1,1250.00,
L-EN,LC-EN,Tom Byrne,tom@example.com,,en,,GBP,2026-10-17,2026-11-16,line,Repairs,2.5,500.00,
L-DE,LC-DE,Jonas Weber,jonas@example.de,,de,,EUR,2026-10-17,2026-11-16,line,Buchhaltung,1,1250.00,
L-PT,LC-PT,Rui Sousa,rui@example.pt,,pt-BR,,EUR,2026-10-17,2026-11-16,line,Contabilidade,1,1250.00,
L-XX,LC-XX,Zyx Qwv,zyx@qzw.qz,+34 600 000 002,xx,Europe/Madrid,EUR,$(d -40),$(d -10),line,Zqx-1,1,900.00,
L-XX,LC-XX,Zyx Qwv,zyx@qzw.qz,+34 600 000 002,xx,Europe/Madrid,EUR,$(d -40),$(d -10),fee,Zqx-2,,40.00,$(d -9)
L-XX,LC-XX,Zyx Qwv,zyx@qzw.qz,+34 600 000 002,xx,Europe/Madrid,EUR,$(d -40),$(d -10),payment,Zqx-3,,100.00,$(d -5)
CSV
check "an import with a timezone column and language tags works" admin import "$T/inv.csv"
declare -A P
for inv in ES FR EN DE PT XX; do P[$inv]=$(link_path "L-$inv"); done

# ---------------------------------------------------------------- pages
http GET "${P[ES]}"
expect_status 200 "the Spanish customer's invoice opens"
expect_body '<html lang="es">' "a Spanish customer's page says lang=\"es\""
expect_body "<h1>Factura L-ES</h1>" "its text is Spanish"
expect_body "1.290,00 EUR" "money is written the Spanish way (1.290,00 EUR)"
expect_body "16 de noviembre de 2026" "dates are written the Spanish way"
expect_body "Estimado/a Ana Ruiz:" "the greeting uses the formal register"
expect_no_body "Invoice L-ES" "no English title is left"
expect_body '<title>Factura L-ES – Qzw Vyx</title>' "the title is Spanish"
http GET "${P[FR]}"
expect_body '<html lang="fr">' "a French customer's page says lang=\"fr\""
NNBSP=$(printf '\342\200\257')	# U+202F, between thousands in French
NBSP=$(printf '\302\240')
expect_body "1${NNBSP}250,00 EUR" "money is written the French way (1 250,00 EUR, narrow no-break space)"
expect_body "16 novembre 2026" "dates are written the French way"
expect_body "<h1>Facture L-FR</h1>" "its text is French"
http GET "${P[EN]}"
expect_body '<html lang="en">' "an English customer's page says lang=\"en\""
expect_body "GBP 1,250.00" "English money"
expect_body ">2.5<" "an English quantity has a decimal point"
http GET "${P[ES]}?lang=es"
expect_body ">1<" "a quantity without decimals is just the number"
for inv in DE PT; do
	http GET "${P[$inv]}"
	expect_status 200 "an unsupported language ($inv) opens without error"
	expect_body '<html lang="en">' "and falls back to English"
	expect_body "EUR 1,250.00" "with English money"
done

# The switch names each language in itself; ?lang= switches one view.
http GET "${P[ES]}"
expect_body '<a href="/i/'"${P[ES]#/i/}"'?lang=en" lang="en" hreflang="en">English</a>' "the switch offers English, in English"
expect_body '<span lang="es" aria-current="page">Español</span>' "Español is the current language"
expect_body 'lang="fr" hreflang="fr">Français</a>' "Français is named in French"
expect_no_body 'name="lang"' "no form to remember a language the customer already has"
http GET "${P[ES]}?lang=fr"
expect_body '<html lang="fr">' "?lang=fr shows the Spanish customer's page in French"
expect_body "1${NNBSP}290,00 EUR" "with French money"
expect_body "${P[ES]}/plan?lang=fr" "links keep the language"
expect_body 'action="'"${P[ES]}"'/language?lang=fr"' "and a form offers to remember it"
lcsrf=$(sed -n 's/.*class="remember"><input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p' "$T/body")
for junk in "zz-junk!" "%3Cscript%3E" "" "de" "e" "../../etc" "es-MX-x-1234567890"; do
	http GET "${P[ES]}?lang=$junk"
	if [ "$STATUS" = 200 ] && grep -qF '<html lang="es">' "$T/body"; then
		ok "?lang=$junk is ignored: the customer's language, no error"
	elif [ "$junk" = "es-MX-x-1234567890" ] && [ "$STATUS" = 200 ]; then
		ok "?lang=$junk opens (as es)"
	else
		not_ok "?lang=$junk is ignored: the customer's language, no error" "status $STATUS"
	fi
done
http GET "${P[ES]}?lang=es-MX"
expect_body '<html lang="es">' "?lang=es-MX is Spanish"

# Remembering the language: CSRF, audited, then every page and mail follows.
lang_of() { sql "SELECT language FROM customers WHERE ref = '$1'"; }
audits() { sql "SELECT count(*) FROM audit_events WHERE action = 'language.changed'"; }
http POST "${P[ES]}/language" --data-urlencode "lang=fr" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_status 403 "remembering with a bad CSRF token is 403"
http POST "${P[ES]}/language" --data-urlencode "lang=de" --data-urlencode "csrf=$lcsrf"
expect_status 400 "remembering a language we do not have is 400"
http POST "${P[ES]}/language" --data-urlencode "lang=fr" --data-urlencode "csrf=$lcsrf" --data-urlencode "x=1"
expect_status 400 "an unknown field is 400"
expect_eq "none of these changed the customer" "es/0" "$(lang_of LC-ES)/$(audits)"
http POST "${P[ES]}/language?lang=fr" --data-urlencode "lang=fr" --data-urlencode "csrf=$lcsrf"
expect_status 303 "remembering French answers 303"
expect_header "Location: ${P[ES]}" "back to the invoice"
expect_eq "the customer's language is now fr" fr "$(lang_of LC-ES)"
expect_eq "the change is audited with what it was" "1|es -> fr|t" \
	"$(sql "SELECT count(*), max(detail), bool_and(link_id IS NOT NULL) FROM audit_events WHERE action = 'language.changed'")"
http GET "${P[ES]}"
expect_body '<html lang="fr">' "without ?lang= the page is now French"
http POST "${P[ES]}/language" --data-urlencode "lang=es" --data-urlencode "csrf=$lcsrf"
expect_status 303 "and back to Spanish"
expect_eq "the customer's language is es again" es "$(lang_of LC-ES)"

# Every debtor page exists in every language: a known phrase and <html lang>.
declare -A INV=([en]="Invoice L-FR" [es]="Factura L-FR" [fr]="Facture L-FR")
declare -A PLAN=([en]="Set up a payment plan" [es]="Crear un plan de pagos" [fr]="Mettre en place un échéancier")
declare -A HARD=([en]="Tell us what is going on" [es]="Cuéntenos qué ocurre" [fr]="Dites-nous ce qui se passe")
declare -A ZONE=([en]="Paris time" [es]="hora de Paris" [fr]="heure de Paris")
declare -A NF=([en]="This link is no longer valid" [es]="Este enlace ya no es válido" [fr]="Ce lien n’est plus valable")
declare -A ERR=([en]="Choose what best describes your situation" [es]="Elija lo que mejor describe su situación" [fr]="Choisissez ce qui décrit le mieux votre situation")
for l in en es fr; do
	http GET "${P[FR]}?lang=$l"
	expect_body "<h1>${INV[$l]}</h1>" "$l: the invoice page"
	http GET "${P[FR]}/plan?lang=$l"
	expect_body '<html lang="'$l'">' "$l: the plan page's lang"
	expect_body "${PLAN[$l]}" "$l: the plan page"
	http GET "${P[FR]}/hardship?lang=$l"
	expect_body "${HARD[$l]}" "$l: the hardship form"
	expect_body "${ZONE[$l]}" "$l: its callback windows name the customer's time zone"
	# The form's own token: the language switch's "remember" form comes first.
	hcsrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | tail -n 1)
	http POST "${P[FR]}/hardship?lang=$l" --data-urlencode "csrf=$hcsrf" --data-urlencode "message=x" \
		--data-urlencode "contact=email" --data-urlencode "callback_date=2031-01-01" --data-urlencode "callback_window=morning"
	expect_status 400 "$l: the hardship form with errors"
	expect_body "${ERR[$l]}" "$l: its errors are in the language"
	expect_body '<html lang="'$l'">' "$l: and so is the page"
	http GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H "Accept-Language: $l"
	expect_status 404 "$l: a bad link is 404"
	expect_body "${NF[$l]}" "$l: its 404 page follows Accept-Language"
done
http GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H "Accept-Language: de-DE,de;q=0.9,fr;q=0.5,en;q=0.4"
expect_body '<html lang="fr">' "Accept-Language q-values pick French over English"
http GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H "Accept-Language: de, ;q=x, ***"
expect_body '<html lang="en">' "junk Accept-Language falls back to English"
http GET "/no/such/page" -H "Accept-Language: es"
expect_body "Página no encontrada" "an unknown address is 404 in the browser's language"
http GET "/staff/login" -H "Accept-Language: es"
expect_body "Staff sign-in" "staff pages stay English"

# ---------------------------------------------------------------- mails
mail_to() {	# mail_to ADDRESS SUBJECT-PART: the file of that message, within 10 s
	local f="" n=0
	while [ $n -lt 50 ]; do
		f=$(grep -l "^To: .*<$1>" "$VAR"/mail/*.eml 2>/dev/null | xargs -r grep -l "$2" | head -n 1)
		[ -n "$f" ] && break
		sleep 0.2; n=$((n + 1))
	done
	echo "$f"
}
hardship() {	# hardship INV: a good note by phone, afternoon
	http GET "${P[$1]}/hardship"
	local c day
	c=$(form_value csrf)
	day=$(sed -n 's/.*name="callback_date" value="\([^"]*\)".*/\1/p' "$T/body")
	http POST "${P[$1]}/hardship" --data-urlencode "csrf=$c" --data-urlencode "category=income" \
		--data-urlencode "message=Note $1" --data-urlencode "contact=phone" \
		--data-urlencode "phone=+34 600 000 001" --data-urlencode "callback_date=$day" \
		--data-urlencode "callback_window=afternoon"
}
hardship ES
expect_status 303 "a Spanish customer's note is received"
f=$(mail_to ana@example.es "^Content-Language: es$")
check "the acknowledgement says Content-Language: es" test -n "$f"
f=${f:-/dev/null}
check "its body is Spanish, formal" grep -q "^Estimado/a Ana Ruiz:$" "$f"
check "it names the callback day in Spanish, with the time zone" grep -q "por la tarde (de 12:00 a 17:00, hora de Madrid)" "$f"
check "and the weekday in Spanish" grep -qE "(lunes|martes|miércoles|jueves|viernes), [0-9]+ de" "$f"
expect_eq "its subject is Spanish" "Hemos recibido su mensaje sobre la factura L-ES" \
	"$(sed -n 's/^Subject: //p' "$f" | head -n 1)"
s=$(grep -l "^To: <credit-team@northwind.example>" "$VAR"/mail/*.eml | xargs -r grep -l "L-ES" | head -n 1)
check "staff get theirs in English (Content-Language: en)" grep -q "^Content-Language: en$" "${s:-/dev/null}"
check "with the debtor's time zone" grep -q "afternoon (12:00 to 17:00, Madrid time)" "${s:-/dev/null}"
hardship FR
f=$(mail_to luc@example.fr "Content-Language: fr")
check "a French customer's acknowledgement is French (Content-Language: fr)" test -n "$f"
check "its body is French" grep -q "^Bonjour Luc Martin,$" "${f:-/dev/null}"
check "with the time zone in French" grep -q "l’après-midi (de 12${NBSP}h à 17${NBSP}h, heure de Paris)" "${f:-/dev/null}"
http GET "${P[FR]}"
expect_body "Nous avons bien reçu votre message" "the invoice page shows the note in French"
expect_body "heure de Paris" "with the time zone"

# A plan in French: the page, the agreement, the calendar and the mail.
http GET "${P[FR]}/plan"
pc=$(form_value csrf)
pq=$(form_value quote)
http POST "${P[FR]}/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" \
	--data-urlencode "csrf=$pc" --data-urlencode "quote=$pq"
expect_status 303 "a French customer accepts a plan"
http GET "${P[FR]}/plan"
expect_body "<h1>Accord d’échéancier de paiement</h1>" "the agreement is French"
expect_body "Les conditions, en termes simples" "with the plan terms in French"
http GET "${P[FR]}/plan.ics"
expect_status 200 "the calendar downloads"
check "its summary is French" grep -q "^SUMMARY:Payer " "$T/body"
check "its description is French" grep -q "^DESCRIPTION:Paiement 1 sur " "$T/body"
f=$(mail_to luc@example.fr "au total")
check "the plan confirmation mail is French" grep -q "^Content-Language: fr$" "${f:-/dev/null}"
check "its schedule is in French" grep -q "Paiement 1${NBSP}: .* d’ici le " "${f:-/dev/null}"
for l in en es fr; do
	http GET "${P[FR]}/plan?lang=$l"
	expect_body '<html lang="'$l'">' "$l: the plan agreement"
	http GET "${P[FR]}/plan.ics?lang=$l"
	expect_status 200 "$l: the calendar"
done
http GET "${P[FR]}/plan.ics?lang=es"
check "es: the calendar's summary is Spanish" grep -q "^SUMMARY:Pagar " "$T/body"

# ---------------------------------------------------------------- import
count() { sql "SELECT count(*) FROM invoices"; }
n0=$(count)
bad() {	# bad NAME LANGUAGE TIMEZONE WANT
	printf '%s\nB-1,BC-1,X,x@example.com,,%s,%s,EUR,2026-10-17,2026-11-16,line,Y,1,10.00,\n' "$H" "$2" "$3" > "$T/bad.csv"
	local out
	out=$(admin import "$T/bad.csv" 2>&1)
	if [ $? -ne 0 ] && grep -qF -- "$4" <<< "$out"; then ok "$1"; else not_ok "$1" "$out"; fi
}
bad "a language that is not a tag is refused, naming the line and column" "Spanish" "" "bad.csv:2: language: must be a language tag"
bad "es_ES is not a tag" "es_ES" "" "bad.csv:2: language:"
bad "an unknown time zone is refused, naming the line and column" "es" "Mars/Olympus" "bad.csv:2: timezone: is not a time zone"
bad "a path is not a time zone" "es" "../../etc/passwd" "bad.csv:2: timezone:"
expect_eq "nothing was imported" "$n0" "$(count)"

# ---------------------------------------------------------------- pseudo
# Every debtor page and mail rendered in the pseudo-language: any English
# word of the templates left in it escaped its translation mark.
words=$(sed -n 's/^msgid\(_plural\)\? "\(.*\)"$/\2/p' "$ROOT/po/settle.pot" |
	sed -e 's/{{[^}]*}}/ /g' -e 's/<[^>]*>/ /g' | tr -c 'A-Za-z' '\n' |
	awk 'length($0) >= 3' | tr 'A-Z' 'a-z' | sort -u)
# Data, not template text: the customer's and site's own words, the
# languages' own names (the switch names English in English), and dates,
# which the pseudo-language has no rules for (C falls back to English).
data="eur zyx qwv zqx qzw vyx qbzx qzwvyx english january february march april may june
july august september october november december monday tuesday wednesday thursday friday"
english() {	# english FILE: English template words in its visible text
	sed -e 's/<[^>]*\(aria-label\|title\)="\([^"]*\)"[^>]*>/ \2 /g' -e 's/<[^>]*>/ /g' \
		-e 's/&[a-z]*;/ /g' "$1" | tr -c 'A-Za-z' '\n' | awk 'length($0) >= 3' |
		tr 'A-Z' 'a-z' | sort -u | comm -12 - <(printf '%s\n' $words) |
		grep -vxF -f <(printf '%s\n' $data) | tr '\n' ' '
}
pseudo() {	# pseudo NAME: the last body has no English word
	local e
	e=$(english "$T/body")
	if [ -z "$e" ]; then ok "pseudo-language: $1 has no English word"; else not_ok "pseudo-language: $1 has no English word" "found: $e"; fi
}
http GET "${P[XX]}"
expect_body '<html lang="xx">' "the pseudo-language customer's page says lang=\"xx\""
pseudo "the invoice (fees, payments)"
http GET "${P[XX]}/plan"
pseudo "the plan options"
xc=$(form_value csrf)
xq=$(form_value quote)
http POST "${P[XX]}/plan" --data-urlencode "option=1" --data-urlencode "csrf=$xc" --data-urlencode "quote=$xq"
expect_status 400 "pseudo-language: the plan form with an error"
pseudo "the plan form with errors"
http POST "${P[XX]}/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=$xc" --data-urlencode "quote=$xq"
http GET "${P[XX]}/plan"
pseudo "the plan agreement"
http GET "${P[XX]}?done=plan"
expect_body 'role="status"' "pseudo-language: the banner after the plan is there"
pseudo "the invoice with a plan, its next payment and the banner"
http GET "${P[XX]}/plan.ics"
sed -n 's/^\(SUMMARY\|DESCRIPTION\|X-WR-CALNAME\):\(.*\)/\2/p' "$T/body" > "$T/ics"
cp "$T/ics" "$T/body"
pseudo "the calendar's texts"
http GET "${P[XX]}/hardship"
pseudo "the hardship form"
http POST "${P[XX]}/hardship" --data-urlencode "csrf=x" --data-urlencode "message=" \
	--data-urlencode "contact=phone" --data-urlencode "phone=ab" --data-urlencode "callback_date=x"
pseudo "the hardship form with every error"
hardship XX
http GET "${P[XX]}?done=hardship"
pseudo "the invoice with a note received (a hold) and the banner"
xu=$(admin unsubscribe-link L-XX | sed 's|^http://[^/]*||')
http GET "$xu"
expect_body '<html lang="xx">' "the /u/ page speaks the customer's language"
pseudo "the /u/ question"
http POST "$xu" -d 'List-Unsubscribe=One-Click'
pseudo "the /u/ page: reminder emails off"
http GET "${P[XX]}?done=reminders_off"
pseudo "the invoice with reminder emails off and the banner"
http POST "$xu" -d 'reminders=on'
pseudo "the /u/ page: reminder emails on again"
http GET "/i/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H "Accept-Language: xx"
pseudo "the 404 page"
http POST "${P[XX]}/plan" --data-urlencode "option=1" --data-urlencode "agree=yes" --data-urlencode "csrf=bad" --data-urlencode "quote=$xq"
pseudo "the 403 page"
http POST "${P[XX]}/plan" --data-urlencode "nonsense=1" -H "Accept-Language: xx"
pseudo "the 400 page (before the link is read: Accept-Language)"
http POST "${P[ES]}/plan?lang=xx" --data-urlencode "nonsense=1"
pseudo "the 400 page (before the link is read: ?lang=)"
for m in $(grep -l "^To: .*<zyx@qzw.qz>" "$VAR"/mail/*.eml); do
	sed '1,/^$/d' "$m" > "$T/body"
	pseudo "the mail $(grep -m1 '^Content-Language' "$m") $(basename "$m")"
done
check "two mails reached the pseudo-language customer" test "$(grep -l "^To: .*<zyx@qzw.qz>" "$VAR"/mail/*.eml | wc -l)" -eq 2
finish
