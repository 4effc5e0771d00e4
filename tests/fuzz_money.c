/*
 * libFuzzer target for money parsing and formatting. The low four bits of
 * the first byte pick a currency (some unsupported); the rest is the amount
 * string. Whenever money_parse accepts it, the plain form must parse back
 * to the same value and the display form in every language must succeed
 * and, stripped of its code and separators, equal the plain
 * form. A string accepted as a quantity must be in range, and the line
 * total must match a 128-bit reference.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static const char *const currencies[16] = {
	"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "JPY",
	"PLN", "CZK", "CAD", "AUD", "XXX", "eur", "", "EURO",
};
static const char *const langs[] = {
	"en", "de", "fr", "es", "nl", "it", "pt", "xx", NULL, "de-AT",
};
#define NLANGS	(sizeof(langs) / sizeof(langs[0]))

/* True for languages that put the code after the number. */
static bool
code_after(const char *lang)
{
	return lang != NULL && (strncmp(lang, "de", 2) == 0 ||
	    strcmp(lang, "fr") == 0 || strcmp(lang, "es") == 0 ||
	    strcmp(lang, "nl") == 0 || strcmp(lang, "it") == 0 ||
	    strcmp(lang, "pt") == 0);
}

/* Display form back to the plain form; aborts on any unexpected shape. */
static void
unformat(const char *in, const char *cur, const char *lang, char *out)
{
	bool	 after = code_after(lang);
	char	 dec = after ? ',' : '.', grp = after ? '.' : ',';
	size_t	 n = 0;

	if (*in == '-')
		out[n++] = *in++;
	if (!after) {
		CHECK(strncmp(in, cur, 3) == 0 && in[3] == ' ');
		in += 4;
	}
	for (; *in != '\0' && *in != ' '; in++) {
		if (strncmp(in, "\xe2\x80\xaf", 3) == 0) {
			CHECK(lang != NULL && strcmp(lang, "fr") == 0);
			in += 2;
		} else if (*in == dec)
			out[n++] = '.';
		else if (*in != grp) {
			CHECK(*in >= '0' && *in <= '9');
			out[n++] = *in;
		}
	}
	if (after)
		CHECK(*in == ' ' && strcmp(in + 1, cur) == 0);
	else
		CHECK(*in == '\0');
	out[n] = '\0';
}

static void
check_amount(const char *s, const char *cur)
{
	char	 plain[MONEY_FORMAT_MAX], disp[MONEY_FORMAT_MAX];
	char	 back[MONEY_FORMAT_MAX];
	int64_t	 v, v2;
	size_t	 i;

	if (money_parse(s, cur, &v) != 0)
		return;
	CHECK(money_exponent(cur) >= 0);
	CHECK(money_format_plain(plain, sizeof(plain), v, cur) == 0);
	CHECK(money_parse(plain, cur, &v2) == 0 && v2 == v);
	for (i = 0; i < NLANGS; i++) {
		CHECK(money_format(disp, sizeof(disp), v, cur, langs[i]) == 0);
		unformat(disp, cur, langs[i], back);
		CHECK(strcmp(back, plain) == 0);
		/* One byte short must fail cleanly, never truncate. */
		CHECK(money_format(disp, strlen(disp), v, cur, langs[i]) == -1);
		CHECK(disp[0] == '\0');
	}
}

static void
check_quantity(const char *s)
{
	static const int64_t	 units[] = {
		0, 1, -1, 999, 125000, -125000, INT64_MAX, INT64_MIN,
		INT64_C(99999999999999999),
	};
	int64_t			 q, got;
	__int128		 p, ref;
	size_t			 i;
	int			 rc;

	if (money_parse_quantity(s, &q) != 0)
		return;
	CHECK(q >= 1 && q <= MONEY_QTY_MAX_MILLI);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		p = (__int128)units[i] * q;
		ref = p >= 0 ? (p + 500) / 1000 : (p - 500) / 1000;
		rc = money_line_total(units[i], q, &got);
		if (ref > INT64_MAX || ref < INT64_MIN)
			CHECK(rc == -1);
		else
			CHECK(rc == 0 && got == (int64_t)ref);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 s[64];
	size_t	 n;

	if (size < 1)
		return 0;
	n = size - 1 < sizeof(s) - 1 ? size - 1 : sizeof(s) - 1;
	memcpy(s, data + 1, n);
	s[n] = '\0';
	check_amount(s, currencies[data[0] & 0x0f]);
	check_quantity(s);
	return 0;
}
