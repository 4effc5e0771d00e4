#ifndef PORTAL_MONEY_H
#define PORTAL_MONEY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Money is an int64_t count of minor units ("cents") plus an ISO 4217 code.
 * There is no floating point anywhere: amounts are parsed from and formatted
 * to decimal strings with integer arithmetic only.
 *
 * Currency codes are exactly three upper-case ASCII letters; "eur" is
 * malformed. Supported: EUR USD GBP CHF SEK NOK DKK PLN CZK CAD AUD (two
 * decimals) and JPY (none).
 *
 * Display forms (money_format), the minus sign always leads the whole string:
 *   en and unknown languages: "EUR 1,250.00", "-EUR 5.00", "JPY 1,250"
 *   es de nl it pt:           "1.250,00 EUR", "-5,00 EUR"
 *   fr:                       "1 250,00 EUR" where the thousands separator
 *                             is U+202F NARROW NO-BREAK SPACE (3 bytes)
 * The space between the number and the code is an ASCII space. A language
 * is matched on its primary subtag, so "de-AT" and "pt_BR" work.
 */

/* Integer digits money_parse accepts at most (as written, leading zeros count). */
#define MONEY_MAX_INT_DIGITS	15
/* Largest quantity, in thousandths (1,000,000 units). */
#define MONEY_QTY_MAX_MILLI	INT64_C(1000000000)
/* A buffer this big holds any money_format or money_format_plain output. */
#define MONEY_FORMAT_MAX	64

/* Minor-unit digits of a supported currency (2, or 0 for JPY); -1 if unsupported or malformed. */
int money_exponent(const char *currency);
/* Strict decimal "1250.00", "-0.5", "12" to minor units in *out; 0, or -1 (out untouched). */
int money_parse(const char *s, const char *currency, int64_t *out);
/* Quantity "2", "1.5", "0.125" (up to 3 decimals, > 0, <= 1,000,000) to thousandths; 0 or -1. */
int money_parse_quantity(const char *s, int64_t *milli);
/* unit * qty_milli / 1000 rounded half away from zero; qty in 1..MONEY_QTY_MAX_MILLI; 0 or -1 on overflow. */
int money_line_total(int64_t unit, int64_t qty_milli, int64_t *out);
/* Display form for lang (see above) into out; 0, or -1 on truncation or bad currency (out is then ""). */
int money_format(char *out, size_t outsz, int64_t cents, const char *currency, const char *lang);
/* Canonical form money_parse accepts ("1250.00", "-5.00", "1250" for JPY); 0 or -1 as money_format. */
int money_format_plain(char *out, size_t outsz, int64_t cents, const char *currency);
/* The decimal separator of lang's numbers: '.' (en, unknown) or ','. */
char money_decimal_point(const char *lang);
/* *out = a + b; 0, or -1 on overflow (out untouched). */
int money_add(int64_t a, int64_t b, int64_t *out);
/* *out = a - b; 0, or -1 on overflow (out untouched). */
int money_sub(int64_t a, int64_t b, int64_t *out);

#endif
