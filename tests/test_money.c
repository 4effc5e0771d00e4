#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "money.h"

#define SENTINEL	INT64_C(0x5a5a5a5a)

static const char *const all_currencies[] = {
	"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "CAD",
	"AUD", "JPY",
};
#define NCURRENCIES	(sizeof(all_currencies) / sizeof(all_currencies[0]))

static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Asserts that money_parse rejects s for currency and leaves *out alone. */
static void
parse_bad(const char *s, const char *currency)
{
	int64_t v = SENTINEL;

	if (money_parse(s, currency, &v) != -1)
		fail_msg("accepted \"%s\" %s", s ? s : "(null)",
		    currency ? currency : "(null)");
	assert_int_equal(v, SENTINEL);
}

static int64_t
parse_ok(const char *s, const char *currency)
{
	int64_t v = SENTINEL;

	if (money_parse(s, currency, &v) != 0)
		fail_msg("rejected \"%s\" %s", s, currency);
	return v;
}

static void
qty_bad(const char *s)
{
	int64_t v = SENTINEL;

	if (money_parse_quantity(s, &v) != -1)
		fail_msg("accepted quantity \"%s\"", s ? s : "(null)");
	assert_int_equal(v, SENTINEL);
}

static int64_t
qty_ok(const char *s)
{
	int64_t v = SENTINEL;

	if (money_parse_quantity(s, &v) != 0)
		fail_msg("rejected quantity \"%s\"", s);
	return v;
}

static void
fmt_is(int64_t cents, const char *cur, const char *lang, const char *want)
{
	char out[MONEY_FORMAT_MAX];

	assert_int_equal(money_format(out, sizeof(out), cents, cur, lang), 0);
	assert_string_equal(out, want);
}

static void
test_money_exponent_supported(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NCURRENCIES; i++)
		assert_int_equal(money_exponent(all_currencies[i]),
		    strcmp(all_currencies[i], "JPY") == 0 ? 0 : 2);
}

static void
test_money_exponent_bad(void **state)
{
	(void)state;
	assert_int_equal(money_exponent(NULL), -1);
	assert_int_equal(money_exponent(""), -1);
	assert_int_equal(money_exponent("EU"), -1);
	assert_int_equal(money_exponent("EURO"), -1);
	assert_int_equal(money_exponent("eur"), -1);
	assert_int_equal(money_exponent("Eur"), -1);
	assert_int_equal(money_exponent("E1R"), -1);
	assert_int_equal(money_exponent("EUR "), -1);
	assert_int_equal(money_exponent(" EUR"), -1);
	assert_int_equal(money_exponent("XXX"), -1);
	assert_int_equal(money_exponent("BTC"), -1);
	assert_int_equal(money_exponent("EU\xc3\x9c"), -1);
}

static void
test_money_parse_good(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1250.00", "EUR"), 125000);
	assert_int_equal(parse_ok("1250", "EUR"), 125000);
	assert_int_equal(parse_ok("0.5", "EUR"), 50);
	assert_int_equal(parse_ok("12.3", "USD"), 1230);
	assert_int_equal(parse_ok("12.34", "GBP"), 1234);
	assert_int_equal(parse_ok("0", "EUR"), 0);
	assert_int_equal(parse_ok("0.00", "EUR"), 0);
	assert_int_equal(parse_ok("-0", "EUR"), 0);
	assert_int_equal(parse_ok("-5", "EUR"), -500);
	assert_int_equal(parse_ok("-0.01", "EUR"), -1);
	assert_int_equal(parse_ok("007.50", "EUR"), 750);
	assert_int_equal(parse_ok("999999999999999.99", "EUR"),
	    INT64_C(99999999999999999));
	assert_int_equal(parse_ok("-999999999999999.99", "EUR"),
	    -INT64_C(99999999999999999));
	assert_int_equal(parse_ok("1250", "JPY"), 1250);
	assert_int_equal(parse_ok("-3", "JPY"), -3);
	assert_int_equal(parse_ok("999999999999999", "JPY"),
	    INT64_C(999999999999999));
}

static void
test_money_parse_bad_syntax(void **state)
{
	static const char *const bad[] = {
		"", "-", "--1", "1-", "+1", "-+1", " 1", "1 ", "1 000",
		"\t1", "1\n", "1,250.00", "1,5", "1e3", "1E3", "1e-2", ".",
		"-.", "1.", "-1.", ".5", "-.5", "1.2.3", "1..2", "1.-5",
		"0x10", "NaN", "inf", "-inf", "\xef\xbc\x91",
		"\xd9\xa1", "1\xc2\xa0", "12a", "a12", "1'000", "1_000",
		"\xe2\x88\x92" "1", "(5.00)", "5.00-", "EUR 5", "5 EUR",
		"1234567890123456", "0000000000000001", "-1234567890123456",
		"9999999999999999999999", "12.345", "0.001", "1.000",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i], "EUR");
}

static void
test_money_parse_bad_jpy_fraction(void **state)
{
	(void)state;
	parse_bad("1.0", "JPY");
	parse_bad("1.", "JPY");
	parse_bad("0.5", "JPY");
	parse_bad("1234567890123456", "JPY");
}

static void
test_money_parse_bad_arguments(void **state)
{
	int64_t v = SENTINEL;

	(void)state;
	parse_bad(NULL, "EUR");
	parse_bad("1.00", NULL);
	parse_bad("1.00", "XXX");
	parse_bad("1.00", "eur");
	parse_bad("1.00", "");
	assert_int_equal(money_parse("1.00", "EUR", NULL), -1);
	assert_int_equal(v, SENTINEL);
}

static void
test_money_parse_all_currencies(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NCURRENCIES; i++) {
		const char *c = all_currencies[i];

		if (money_exponent(c) == 2) {
			assert_int_equal(parse_ok("1.23", c), 123);
			parse_bad("1.234", c);
		} else {
			assert_int_equal(parse_ok("123", c), 123);
			parse_bad("1.2", c);
		}
	}
}

static void
test_money_quantity_good(void **state)
{
	(void)state;
	assert_int_equal(qty_ok("1"), 1000);
	assert_int_equal(qty_ok("2.5"), 2500);
	assert_int_equal(qty_ok("10.10"), 10100);
	assert_int_equal(qty_ok("0.001"), 1);
	assert_int_equal(qty_ok("0.125"), 125);
	assert_int_equal(qty_ok("01"), 1000);
	assert_int_equal(qty_ok("1000000"), 1000000000);
	assert_int_equal(qty_ok("1000000.000"), 1000000000);
	assert_int_equal(qty_ok("999999.999"), 999999999);
}

static void
test_money_quantity_bad(void **state)
{
	static const char *const bad[] = {
		"", "0", "0.0", "0.000", "-1", "-0.5", "+1", "1000000.001",
		"1000001", "10000000", "01000000", "0.0001", "1.2345", ".",
		"1.", ".5", "1e2", " 1", "1 ", "1,5", "1.5.0", "x", "1x",
		"\xef\xbc\x91",
	};
	int64_t v = SENTINEL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		qty_bad(bad[i]);
	qty_bad(NULL);
	assert_int_equal(money_parse_quantity("1", NULL), -1);
	assert_int_equal(v, SENTINEL);
}

static int64_t
line_ok(int64_t unit, int64_t qty)
{
	int64_t v = SENTINEL;

	assert_int_equal(money_line_total(unit, qty, &v), 0);
	return v;
}

static void
test_money_line_total_good(void **state)
{
	(void)state;
	assert_int_equal(line_ok(1999, 3000), 5997);
	assert_int_equal(line_ok(1999, 1500), 2999);	/* 2998.5 */
	assert_int_equal(line_ok(-1999, 1500), -2999);
	assert_int_equal(line_ok(1, 500), 1);		/* 0.5 up */
	assert_int_equal(line_ok(-1, 500), -1);		/* -0.5 away */
	assert_int_equal(line_ok(1, 499), 0);
	assert_int_equal(line_ok(-1, 499), 0);
	assert_int_equal(line_ok(3, 333), 1);		/* 0.999 */
	assert_int_equal(line_ok(100, 1), 0);		/* 0.1 */
	assert_int_equal(line_ok(500, 1), 1);		/* 0.5 */
	assert_int_equal(line_ok(0, 1000000000), 0);
	assert_int_equal(line_ok(125000, 1000), 125000);
	assert_int_equal(line_ok(1001, 2500), 2503);	/* 2502.5 */
	assert_int_equal(line_ok(-1001, 2500), -2503);
	assert_int_equal(line_ok(INT64_MAX, 1000), INT64_MAX);
	assert_int_equal(line_ok(INT64_MIN, 1000), INT64_MIN);
	assert_int_equal(line_ok(INT64_C(99999999999999999), 1),
	    INT64_C(100000000000000));
}

static void
test_money_line_total_bad(void **state)
{
	int64_t v = SENTINEL;

	(void)state;
	assert_int_equal(money_line_total(100, 0, &v), -1);
	assert_int_equal(money_line_total(100, -1000, &v), -1);
	assert_int_equal(money_line_total(100, MONEY_QTY_MAX_MILLI + 1, &v),
	    -1);
	assert_int_equal(money_line_total(INT64_MAX, 2000, &v), -1);
	assert_int_equal(money_line_total(INT64_MIN, 2000, &v), -1);
	assert_int_equal(money_line_total(INT64_MAX / 100,
	    MONEY_QTY_MAX_MILLI, &v), -1);
	assert_int_equal(money_line_total(INT64_C(99999999999999999),
	    MONEY_QTY_MAX_MILLI, &v), -1);
	assert_int_equal(v, SENTINEL);
	assert_int_equal(money_line_total(1, 1000, NULL), -1);
}

/* Reference: round(unit * qty / 1000) half away from zero in 128 bits. */
static void
test_money_line_total_reference(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		int64_t unit = (int64_t)xorshift64(&seed);
		int64_t qty = (int64_t)(xorshift64(&seed) %
		    (uint64_t)MONEY_QTY_MAX_MILLI) + 1;
		__int128 p, q;
		int64_t got = SENTINEL;
		int rc;

		if (i % 3 == 0)
			unit >>= 30;
		else if (i % 3 == 1)
			unit >>= 45;
		p = (__int128)unit * qty;
		q = p >= 0 ? (p + 500) / 1000 : (p - 500) / 1000;
		rc = money_line_total(unit, qty, &got);
		if (q > INT64_MAX || q < INT64_MIN) {
			assert_int_equal(rc, -1);
			assert_int_equal(got, SENTINEL);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(got, (int64_t)q);
		}
	}
}

static void
test_money_format_en(void **state)
{
	(void)state;
	fmt_is(125000, "EUR", "en", "EUR 1,250.00");
	fmt_is(0, "EUR", "en", "EUR 0.00");
	fmt_is(5, "EUR", "en", "EUR 0.05");
	fmt_is(50, "USD", "en", "USD 0.50");
	fmt_is(-500, "EUR", "en", "-EUR 5.00");
	fmt_is(-1, "GBP", "en", "-GBP 0.01");
	fmt_is(99999, "EUR", "en", "EUR 999.99");
	fmt_is(100000, "EUR", "en", "EUR 1,000.00");
	fmt_is(100000000, "CHF", "en", "CHF 1,000,000.00");
	fmt_is(12345678901, "SEK", "en", "SEK 123,456,789.01");
	fmt_is(1250, "JPY", "en", "JPY 1,250");
	fmt_is(0, "JPY", "en", "JPY 0");
	fmt_is(-1, "JPY", "en", "-JPY 1");
	fmt_is(999, "JPY", "en", "JPY 999");
	fmt_is(INT64_MAX, "EUR", "en", "EUR 92,233,720,368,547,758.07");
	fmt_is(INT64_MIN, "EUR", "en", "-EUR 92,233,720,368,547,758.08");
	fmt_is(INT64_MIN, "JPY", "en", "-JPY 9,223,372,036,854,775,808");
}

static void
test_money_format_languages(void **state)
{
	(void)state;
	fmt_is(125000, "EUR", "es", "1.250,00 EUR");
	fmt_is(125000, "EUR", "de", "1.250,00 EUR");
	fmt_is(125000, "EUR", "nl", "1.250,00 EUR");
	fmt_is(125000, "EUR", "it", "1.250,00 EUR");
	fmt_is(125000, "EUR", "pt", "1.250,00 EUR");
	fmt_is(125000, "EUR", "fr", "1\xe2\x80\xaf" "250,00 EUR");
	fmt_is(123456789, "EUR", "fr",
	    "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567,89 EUR");
	fmt_is(-500, "EUR", "de", "-5,00 EUR");
	fmt_is(-123456, "EUR", "fr", "-1\xe2\x80\xaf" "234,56 EUR");
	fmt_is(7, "EUR", "es", "0,07 EUR");
	fmt_is(1250, "JPY", "de", "1.250 JPY");
	fmt_is(100000000, "DKK", "es", "1.000.000,00 DKK");
	fmt_is(INT64_MIN, "JPY", "fr", "-9\xe2\x80\xaf" "223\xe2\x80\xaf"
	    "372\xe2\x80\xaf" "036\xe2\x80\xaf" "854\xe2\x80\xaf" "775\xe2\x80\xaf"
	    "808 JPY");
}

static void
test_money_format_lang_matching(void **state)
{
	(void)state;
	fmt_is(125000, "EUR", "de-AT", "1.250,00 EUR");
	fmt_is(125000, "EUR", "pt_BR", "1.250,00 EUR");
	fmt_is(125000, "EUR", "FR", "1\xe2\x80\xaf" "250,00 EUR");
	fmt_is(125000, "EUR", "Es", "1.250,00 EUR");
	fmt_is(125000, "EUR", NULL, "EUR 1,250.00");
	fmt_is(125000, "EUR", "", "EUR 1,250.00");
	fmt_is(125000, "EUR", "xx", "EUR 1,250.00");
	fmt_is(125000, "EUR", "d", "EUR 1,250.00");
	fmt_is(125000, "EUR", "deu", "EUR 1,250.00");
	fmt_is(125000, "EUR", "german", "EUR 1,250.00");
	fmt_is(125000, "EUR", "d\xc3\xa9", "EUR 1,250.00");
}

static void
test_money_format_truncation(void **state)
{
	char out[MONEY_FORMAT_MAX];
	size_t need = strlen("EUR 1,250.00") + 1;

	(void)state;
	assert_int_equal(money_format(out, need, 125000, "EUR", "en"), 0);
	assert_string_equal(out, "EUR 1,250.00");
	memset(out, 'x', sizeof(out));
	assert_int_equal(money_format(out, need - 1, 125000, "EUR", "en"),
	    -1);
	assert_string_equal(out, "");
	memset(out, 'x', sizeof(out));
	assert_int_equal(money_format(out, 1, 0, "EUR", "en"), -1);
	assert_string_equal(out, "");
	/* fr: the 3-byte separator counts. */
	need = strlen("1\xe2\x80\xaf" "250,00 EUR") + 1;
	assert_int_equal(money_format(out, need, 125000, "EUR", "fr"), 0);
	assert_int_equal(money_format(out, need - 1, 125000, "EUR", "fr"),
	    -1);
	assert_string_equal(out, "");
	assert_int_equal(money_format(out, 0, 0, "EUR", "en"), -1);
	assert_int_equal(money_format(NULL, 10, 0, "EUR", "en"), -1);
}

static void
test_money_format_bad_currency(void **state)
{
	char out[MONEY_FORMAT_MAX];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(money_format(out, sizeof(out), 1, "XXX", "en"), -1);
	assert_string_equal(out, "");
	memset(out, 'x', sizeof(out));
	assert_int_equal(money_format(out, sizeof(out), 1, NULL, "en"), -1);
	assert_string_equal(out, "");
	memset(out, 'x', sizeof(out));
	assert_int_equal(money_format(out, sizeof(out), 1, "eur", "de"), -1);
	assert_string_equal(out, "");
	memset(out, 'x', sizeof(out));
	assert_int_equal(money_format_plain(out, sizeof(out), 1, "EURO"), -1);
	assert_string_equal(out, "");
}

static void
test_money_format_plain(void **state)
{
	char out[MONEY_FORMAT_MAX];

	(void)state;
	assert_int_equal(money_format_plain(out, sizeof(out), 125000, "EUR"),
	    0);
	assert_string_equal(out, "1250.00");
	assert_int_equal(money_format_plain(out, sizeof(out), -1, "EUR"), 0);
	assert_string_equal(out, "-0.01");
	assert_int_equal(money_format_plain(out, sizeof(out), 0, "USD"), 0);
	assert_string_equal(out, "0.00");
	assert_int_equal(money_format_plain(out, sizeof(out), 1250, "JPY"), 0);
	assert_string_equal(out, "1250");
	assert_int_equal(money_format_plain(out, sizeof(out), INT64_MIN,
	    "EUR"), 0);
	assert_string_equal(out, "-92233720368547758.08");
	assert_int_equal(money_format_plain(out, 8, 125000, "EUR"), 0);
	assert_int_equal(money_format_plain(out, 7, 125000, "EUR"), -1);
	assert_string_equal(out, "");
	assert_int_equal(money_format_plain(NULL, 0, 1, "EUR"), -1);
}

/*
 * Turns a display string back into the plain form: drops the code and its
 * space, drops thousands separators and makes the decimal mark a '.'.
 */
static void
unformat(const char *in, const char *cur, const char *lang, char *out)
{
	bool eu = strcmp(lang, "en") != 0;
	const char *p = in;
	size_t n = 0;

	if (*p == '-') {
		out[n++] = '-';
		p++;
	}
	if (!eu) {
		assert_memory_equal(p, cur, 3);
		assert_int_equal(p[3], ' ');
		p += 4;
	}
	for (; *p != '\0' && *p != ' '; p++) {
		if (strncmp(p, "\xe2\x80\xaf", 3) == 0)
			p += 2;
		else if (*p == (eu ? '.' : ','))
			continue;
		else if (*p == (eu ? ',' : '.'))
			out[n++] = '.';
		else
			out[n++] = *p;
	}
	if (eu) {
		assert_int_equal(*p, ' ');
		assert_string_equal(p + 1, cur);
	}
	out[n] = '\0';
}

static void
test_money_round_trip(void **state)
{
	static const char *const lang[] = { "en", "de", "fr", "es" };
	uint64_t seed = 0x1234567887654321u;
	char plain[MONEY_FORMAT_MAX], disp[MONEY_FORMAT_MAX];
	char back[MONEY_FORMAT_MAX];
	size_t c, l;
	int i;

	(void)state;
	for (c = 0; c < NCURRENCIES; c++) {
		const char *cur = all_currencies[c];
		int64_t lim = money_exponent(cur) == 2 ?
		    INT64_C(99999999999999999) : INT64_C(999999999999999);

		for (i = 0; i < 20000; i++) {
			uint64_t r = xorshift64(&seed);
			int64_t v = (int64_t)(r % (uint64_t)lim);

			v >>= (r >> 58);	/* spread over magnitudes */
			if (r & 1)
				v = -v;
			assert_int_equal(money_format_plain(plain,
			    sizeof(plain), v, cur), 0);
			assert_int_equal(parse_ok(plain, cur), v);
			for (l = 0; l < 4; l++) {
				assert_int_equal(money_format(disp,
				    sizeof(disp), v, cur, lang[l]), 0);
				unformat(disp, cur, lang[l], back);
				assert_string_equal(back, plain);
			}
		}
	}
}

/* Canonical strings survive parse then format_plain unchanged. */
static void
test_money_round_trip_strings(void **state)
{
	static const char *const good[] = {
		"0.00", "0.01", "0.10", "1.00", "-1.00", "1250.00",
		"999999999999999.99", "-999999999999999.99", "100000.05",
	};
	char out[MONEY_FORMAT_MAX];
	size_t i, c;

	(void)state;
	for (c = 0; c < NCURRENCIES; c++) {
		if (money_exponent(all_currencies[c]) != 2)
			continue;
		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			int64_t v = parse_ok(good[i], all_currencies[c]);

			assert_int_equal(money_format_plain(out, sizeof(out),
			    v, all_currencies[c]), 0);
			assert_string_equal(out, good[i]);
		}
	}
	assert_int_equal(money_format_plain(out, sizeof(out),
	    parse_ok("-999999999999999", "JPY"), "JPY"), 0);
	assert_string_equal(out, "-999999999999999");
}

static void
test_money_add_sub(void **state)
{
	int64_t v = SENTINEL;

	(void)state;
	assert_int_equal(money_add(125000, -500, &v), 0);
	assert_int_equal(v, 124500);
	assert_int_equal(money_sub(125000, 125001, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(money_add(INT64_MAX, 0, &v), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(money_sub(INT64_MIN, 0, &v), 0);
	assert_int_equal(v, INT64_MIN);
	assert_int_equal(money_add(INT64_MAX, -1, &v), 0);
	assert_int_equal(v, INT64_MAX - 1);
	v = SENTINEL;
	assert_int_equal(money_add(INT64_MAX, 1, &v), -1);
	assert_int_equal(money_add(INT64_MIN, -1, &v), -1);
	assert_int_equal(money_sub(INT64_MIN, 1, &v), -1);
	assert_int_equal(money_sub(INT64_MAX, -1, &v), -1);
	assert_int_equal(money_sub(0, INT64_MIN, &v), -1);
	assert_int_equal(v, SENTINEL);
	assert_int_equal(money_add(1, 1, NULL), -1);
	assert_int_equal(money_sub(1, 1, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_exponent_supported),
		cmocka_unit_test(test_money_exponent_bad),
		cmocka_unit_test(test_money_parse_good),
		cmocka_unit_test(test_money_parse_bad_syntax),
		cmocka_unit_test(test_money_parse_bad_jpy_fraction),
		cmocka_unit_test(test_money_parse_bad_arguments),
		cmocka_unit_test(test_money_parse_all_currencies),
		cmocka_unit_test(test_money_quantity_good),
		cmocka_unit_test(test_money_quantity_bad),
		cmocka_unit_test(test_money_line_total_good),
		cmocka_unit_test(test_money_line_total_bad),
		cmocka_unit_test(test_money_line_total_reference),
		cmocka_unit_test(test_money_format_en),
		cmocka_unit_test(test_money_format_languages),
		cmocka_unit_test(test_money_format_lang_matching),
		cmocka_unit_test(test_money_format_truncation),
		cmocka_unit_test(test_money_format_bad_currency),
		cmocka_unit_test(test_money_format_plain),
		cmocka_unit_test(test_money_round_trip),
		cmocka_unit_test(test_money_round_trip_strings),
		cmocka_unit_test(test_money_add_sub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
