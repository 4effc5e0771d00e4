#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lang.h"
#include "money.h"

/* Number formatting families; a language maps to one of them. */
enum money_style {
	MONEY_STYLE_EN,		/* EUR 1,250.00 */
	MONEY_STYLE_EU,		/* 1.250,00 EUR */
	MONEY_STYLE_FR,		/* 1<U+202F>250,00 EUR */
	MONEY_STYLE__MAX
};

struct money_currency {
	char	 code[4];
	int	 exponent;
};

static const struct money_currency currencies[] = {
	{ "AUD", 2 }, { "CAD", 2 }, { "CHF", 2 }, { "CZK", 2 },
	{ "DKK", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "JPY", 0 },
	{ "NOK", 2 }, { "PLN", 2 }, { "SEK", 2 }, { "USD", 2 },
};

struct money_lang {
	char			 tag[3];
	enum money_style	 style;
};

static const struct money_lang langs[] = {
	{ "en", MONEY_STYLE_EN }, { "es", MONEY_STYLE_EU },
	{ "de", MONEY_STYLE_EU }, { "nl", MONEY_STYLE_EU },
	{ "it", MONEY_STYLE_EU }, { "pt", MONEY_STYLE_EU },
	{ "fr", MONEY_STYLE_FR },
};

/* Thousands and decimal separators, indexed by style. */
static const char *const style_thousands[MONEY_STYLE__MAX] = {
	",", ".", "\xe2\x80\xaf"
};
static const char style_decimal[MONEY_STYLE__MAX] = { '.', ',', ',' };

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
money_exponent(const char *currency)
{
	size_t	 i;

	if (currency == NULL)
		return -1;
	for (i = 0; i < 3; i++)
		if (currency[i] < 'A' || currency[i] > 'Z')
			return -1;
	if (currency[3] != '\0')
		return -1;
	for (i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (memcmp(currencies[i].code, currency, 4) == 0)
			return currencies[i].exponent;
	return -1;
}

/*
 * Parses the strict decimal s ("-"? digits ("." digits)?) into an integer
 * scaled by 10^exp: at most max_int integer digits (at least one), at most
 * exp fraction digits (at least one when a "." is present). Everything else,
 * including a trailing byte, fails. *out is written only on success.
 */
static int
parse_decimal(const char *s, int max_int, int exp, bool neg_ok, int64_t *out)
{
	const char	*p = s;
	int64_t		 v = 0, f = 0;
	int		 nint = 0, nfrac = 0;
	bool		 neg = false;

	if (s == NULL || out == NULL)
		return -1;
	if (*p == '-') {
		if (!neg_ok)
			return -1;
		neg = true;
		p++;
	}
	for (; is_digit(*p); p++) {
		if (++nint > max_int)
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, *p - '0', &v))
			return -1;
	}
	if (nint == 0)
		return -1;
	if (*p == '.') {
		for (p++; is_digit(*p); p++) {
			if (++nfrac > exp)
				return -1;
			f = f * 10 + (*p - '0');
		}
		if (nfrac == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	for (; nfrac < exp; nfrac++)
		f *= 10;
	for (nint = 0; nint < exp; nint++)
		if (__builtin_mul_overflow(v, 10, &v))
			return -1;
	if (__builtin_add_overflow(v, f, &v))
		return -1;
	*out = neg ? -v : v;
	return 0;
}

int
money_parse(const char *s, const char *currency, int64_t *out)
{
	int	 exp;

	if ((exp = money_exponent(currency)) < 0)
		return -1;
	return parse_decimal(s, MONEY_MAX_INT_DIGITS, exp, true, out);
}

int
money_parse_quantity(const char *s, int64_t *milli)
{
	int64_t	 v;

	if (milli == NULL || parse_decimal(s, 7, 3, false, &v) == -1)
		return -1;
	if (v <= 0 || v > MONEY_QTY_MAX_MILLI)
		return -1;
	*milli = v;
	return 0;
}

/*
 * unit = hi * 1000 + lo with C's truncating division, so hi and lo share
 * unit's sign and unit * qty / 1000 = hi * qty + lo * qty / 1000 exactly.
 * Only the second term needs rounding, and its sign is the sign of the
 * whole product, so rounding it half away from zero rounds the total the
 * same way. With qty <= 10^9, |lo * qty| < 10^12 cannot overflow.
 */
int
money_line_total(int64_t unit, int64_t qty_milli, int64_t *out)
{
	int64_t	 hi, lo, whole, part, total;

	if (out == NULL || qty_milli <= 0 || qty_milli > MONEY_QTY_MAX_MILLI)
		return -1;
	hi = unit / 1000;
	lo = unit % 1000;
	if (__builtin_mul_overflow(hi, qty_milli, &whole))
		return -1;
	part = lo * qty_milli;
	if (part >= 0)
		part = (part + 500) / 1000;
	else
		part = (part - 500) / 1000;
	if (__builtin_add_overflow(whole, part, &total))
		return -1;
	*out = total;
	return 0;
}

/* The style of lang's primary subtag ("de" in "de-AT"); English when unknown. */
static enum money_style
lang_style(const char *lang)
{
	char	 tag[LANG_TAG_SIZE];
	size_t	 i;

	if (lang_primary(lang, tag) == -1)
		return MONEY_STYLE_EN;
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (strcmp(langs[i].tag, tag) == 0)
			return langs[i].style;
	return MONEY_STYLE_EN;
}

/* Appends n bytes to dst (capacity cap, length *len); -1 when they do not fit with a NUL. */
static int
put(char *dst, size_t cap, size_t *len, const char *s, size_t n)
{
	if (n >= cap - *len)
		return -1;
	memcpy(dst + *len, s, n);
	*len += n;
	dst[*len] = '\0';
	return 0;
}

/*
 * Appends the magnitude mag with exp fraction digits, the integer part
 * grouped by thou every three digits (thou NULL: no grouping) and dec
 * before the fraction. mag is at least one digit longer than exp after
 * zero padding, so 5 cents print as 0.05.
 */
static int
put_number(char *dst, size_t cap, size_t *len, uint64_t mag, int exp,
    const char *thou, char dec)
{
	char	 d[32];
	size_t	 nd = 0, nint, i;

	do {
		d[sizeof(d) - 1 - nd++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag > 0);
	while (nd <= (size_t)exp)
		d[sizeof(d) - 1 - nd++] = '0';
	nint = nd - (size_t)exp;
	for (i = 0; i < nint; i++) {
		if (thou != NULL && i > 0 && (nint - i) % 3 == 0 &&
		    put(dst, cap, len, thou, strlen(thou)) == -1)
			return -1;
		if (put(dst, cap, len, &d[sizeof(d) - nd + i], 1) == -1)
			return -1;
	}
	if (exp == 0)
		return 0;
	if (put(dst, cap, len, &dec, 1) == -1)
		return -1;
	return put(dst, cap, len, &d[sizeof(d) - (size_t)exp], (size_t)exp);
}

/* Copies the finished tmp into out; -1 (out "") when it does not fit. */
static int
finish(char *out, size_t outsz, const char *tmp, size_t len)
{
	if (out == NULL || outsz == 0)
		return -1;
	if (len >= outsz) {
		out[0] = '\0';
		return -1;
	}
	memcpy(out, tmp, len + 1);
	return 0;
}

/* |cents| as unsigned, correct for INT64_MIN. */
static uint64_t
magnitude(int64_t cents)
{
	return cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
}

int
money_format(char *out, size_t outsz, int64_t cents, const char *currency,
    const char *lang)
{
	char			 tmp[MONEY_FORMAT_MAX];
	size_t			 len = 0;
	int			 exp, rc = -1;
	enum money_style	 st = lang_style(lang);

	tmp[0] = '\0';
	if ((exp = money_exponent(currency)) < 0)
		goto out;
	if (cents < 0 && put(tmp, sizeof(tmp), &len, "-", 1) == -1)
		goto out;
	if (st == MONEY_STYLE_EN &&
	    put(tmp, sizeof(tmp), &len, currency, 3) == -1)
		goto out;
	if (st == MONEY_STYLE_EN && put(tmp, sizeof(tmp), &len, " ", 1) == -1)
		goto out;
	if (put_number(tmp, sizeof(tmp), &len, magnitude(cents), exp,
	    style_thousands[st], style_decimal[st]) == -1)
		goto out;
	if (st != MONEY_STYLE_EN && put(tmp, sizeof(tmp), &len, " ", 1) == -1)
		goto out;
	if (st != MONEY_STYLE_EN &&
	    put(tmp, sizeof(tmp), &len, currency, 3) == -1)
		goto out;
	rc = finish(out, outsz, tmp, len);
out:
	if (rc == -1 && out != NULL && outsz > 0)
		out[0] = '\0';
	return rc;
}

int
money_format_plain(char *out, size_t outsz, int64_t cents,
    const char *currency)
{
	char	 tmp[MONEY_FORMAT_MAX];
	size_t	 len = 0;
	int	 exp;

	tmp[0] = '\0';
	if ((exp = money_exponent(currency)) < 0 ||
	    (cents < 0 && put(tmp, sizeof(tmp), &len, "-", 1) == -1) ||
	    put_number(tmp, sizeof(tmp), &len, magnitude(cents), exp,
	    NULL, '.') == -1) {
		if (out != NULL && outsz > 0)
			out[0] = '\0';
		return -1;
	}
	return finish(out, outsz, tmp, len);
}

int
money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t	 r;

	if (out == NULL || __builtin_add_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

int
money_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t	 r;

	if (out == NULL || __builtin_sub_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

char
money_decimal_point(const char *lang)
{
	return style_decimal[lang_style(lang)];
}
