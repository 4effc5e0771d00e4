#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

static struct date
D(int y, int m, int d)
{
	return (struct date){ y, m, d };
}

static void
date_is(struct date got, int y, int m, int d)
{
	if (got.year != y || got.month != m || got.day != d)
		fail_msg("got %d-%d-%d, want %d-%d-%d", got.year, got.month,
		    got.day, y, m, d);
}

static void
is_invalid(struct date got)
{
	date_is(got, 0, 0, 0);
}

static void
parse_bad(const char *s)
{
	struct date d = D(1, 2, 3);

	if (date_parse(s, &d) != -1)
		fail_msg("accepted \"%s\"", s ? s : "(null)");
	date_is(d, 1, 2, 3);
}

static void
long_is(struct date d, const char *lang, const char *want)
{
	char out[DATE_LONG_MAX];

	assert_int_equal(date_format_long(out, sizeof(out), d, lang), 0);
	assert_string_equal(out, want);
}

static void
test_date_valid_good(void **state)
{
	(void)state;
	assert_true(date_valid(D(1900, 1, 1)));
	assert_true(date_valid(D(2999, 12, 31)));
	assert_true(date_valid(D(2000, 2, 29)));
	assert_true(date_valid(D(2024, 2, 29)));
	assert_true(date_valid(D(2026, 4, 30)));
	assert_true(date_valid(D(2026, 12, 31)));
}

static void
test_date_valid_bad(void **state)
{
	(void)state;
	assert_false(date_valid(D(1899, 12, 31)));
	assert_false(date_valid(D(3000, 1, 1)));
	assert_false(date_valid(D(2026, 0, 1)));
	assert_false(date_valid(D(2026, 13, 1)));
	assert_false(date_valid(D(2026, 1, 0)));
	assert_false(date_valid(D(2026, 1, 32)));
	assert_false(date_valid(D(2026, 4, 31)));
	assert_false(date_valid(D(2026, 6, 31)));
	assert_false(date_valid(D(2026, 9, 31)));
	assert_false(date_valid(D(2026, 11, 31)));
	assert_false(date_valid(D(2023, 2, 29)));
	assert_false(date_valid(D(1900, 2, 29)));	/* not a leap year */
	assert_false(date_valid(D(2100, 2, 29)));
	assert_false(date_valid(D(2024, 2, 30)));
	assert_false(date_valid(D(2026, -1, 1)));
	assert_false(date_valid(D(2026, 1, -1)));
	assert_false(date_valid(D(INT_MIN, INT_MIN, INT_MIN)));
	assert_false(date_valid(D(INT_MAX, INT_MAX, INT_MAX)));
	assert_false(date_valid(DATE_INVALID));
}

static void
test_date_days_in_month(void **state)
{
	(void)state;
	assert_int_equal(date_days_in_month(2026, 1), 31);
	assert_int_equal(date_days_in_month(2026, 2), 28);
	assert_int_equal(date_days_in_month(2028, 2), 29);
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2026, 4), 30);
	assert_int_equal(date_days_in_month(2026, 0), 0);
	assert_int_equal(date_days_in_month(2026, 13), 0);
}

static void
test_date_parse_good(void **state)
{
	struct date d;

	(void)state;
	assert_int_equal(date_parse("2026-12-04", &d), 0);
	date_is(d, 2026, 12, 4);
	assert_int_equal(date_parse("1900-01-01", &d), 0);
	date_is(d, 1900, 1, 1);
	assert_int_equal(date_parse("2999-12-31", &d), 0);
	date_is(d, 2999, 12, 31);
	assert_int_equal(date_parse("2000-02-29", &d), 0);
	date_is(d, 2000, 2, 29);
	assert_int_equal(date_parse("2024-02-29", &d), 0);
	date_is(d, 2024, 2, 29);
}

static void
test_date_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "2026", "2026-01", "2026-1-04", "2026-01-4", "26-01-04",
		"2026/01/04", "2026.01.04", "2026-01-04 ", " 2026-01-04",
		"2026-01-04T00:00", "2026-01-04\n", "20260104", "2026-13-01",
		"2026-00-10", "2026-01-00", "2026-01-32", "2026-02-29",
		"2026-04-31", "1900-02-29", "2100-02-29", "1899-12-31",
		"3000-01-01", "0000-00-00", "+026-01-01", "-026-01-01",
		"2026--1-04", "2026-0a-01", "2026-01-0\xd9", "2026-1-004",
		"2026 -01-04", "04-12-2026", "12/04/2026", "2026-12-04Z",
		"\xef\xbc\x92" "026-01-01", "2026-01-01\xc2\xa0", "99999-01-01",
		"2026-W49-5", "2026-338",
	};
	size_t i;
	struct date d = D(1, 2, 3);

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i]);
	parse_bad(NULL);
	assert_int_equal(date_parse("2026-12-04", NULL), -1);
	date_is(d, 1, 2, 3);
}

static void
test_date_format_iso(void **state)
{
	char out[DATE_ISO_SIZE + 4];

	(void)state;
	assert_int_equal(date_format_iso(out, sizeof(out), D(2026, 12, 4)), 0);
	assert_string_equal(out, "2026-12-04");
	assert_int_equal(date_format_iso(out, DATE_ISO_SIZE, D(1900, 1, 1)),
	    0);
	assert_string_equal(out, "1900-01-01");
	memset(out, 'x', sizeof(out));
	assert_int_equal(date_format_iso(out, DATE_ISO_SIZE - 1,
	    D(2026, 12, 4)), -1);
	assert_string_equal(out, "");
	memset(out, 'x', sizeof(out));
	assert_int_equal(date_format_iso(out, sizeof(out), D(2026, 2, 30)),
	    -1);
	assert_string_equal(out, "");
	assert_int_equal(date_format_iso(out, sizeof(out), DATE_INVALID), -1);
	assert_int_equal(date_format_iso(out, 0, D(2026, 12, 4)), -1);
	assert_int_equal(date_format_iso(NULL, 11, D(2026, 12, 4)), -1);
}

static void
test_date_to_days_known(void **state)
{
	(void)state;
	assert_int_equal(date_to_days(D(1970, 1, 1)), 0);
	assert_int_equal(date_to_days(D(1970, 1, 2)), 1);
	assert_int_equal(date_to_days(D(1969, 12, 31)), -1);
	assert_int_equal(date_to_days(D(2000, 3, 1)), 11017);
	assert_int_equal(date_to_days(D(2026, 12, 4)), 20791);
	assert_int_equal(date_to_days(D(1900, 1, 1)), -25567);
	assert_int_equal(date_to_days(D(2999, 12, 31)), 376199);
	assert_int_equal(date_to_days(D(2026, 2, 29)), DATE_DAYS_INVALID);
	assert_int_equal(date_to_days(D(1899, 12, 31)), DATE_DAYS_INVALID);
	assert_int_equal(date_to_days(DATE_INVALID), DATE_DAYS_INVALID);
}

static void
test_date_from_days_bad(void **state)
{
	(void)state;
	is_invalid(date_from_days(-25568));
	is_invalid(date_from_days(376200));
	is_invalid(date_from_days(INT32_MAX));
	is_invalid(date_from_days(INT32_MIN));
	date_is(date_from_days(-25567), 1900, 1, 1);
	date_is(date_from_days(376199), 2999, 12, 31);
}

/* Every day of the range, walked by hand: numbers are consecutive and invert. */
static void
test_date_round_trip_all_days(void **state)
{
	int32_t expect = -25567;
	int wd = 1;	/* 1900-01-01 was a Monday */
	int y, m, d, n = 0;

	(void)state;
	for (y = DATE_YEAR_MIN; y <= DATE_YEAR_MAX; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= date_days_in_month(y, m); d++) {
				struct date x = D(y, m, d), back;

				assert_true(date_valid(x));
				assert_int_equal(date_to_days(x), expect);
				back = date_from_days(expect);
				date_is(back, y, m, d);
				assert_int_equal(date_weekday(x), wd);
				expect++;
				wd = wd % 7 + 1;
				n++;
			}
	assert_int_equal(n, 376199 + 25567 + 1);
}

static void
test_date_weekday_known(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(D(1970, 1, 1)), 4);
	assert_int_equal(date_weekday(D(1969, 12, 31)), 3);
	assert_int_equal(date_weekday(D(1900, 1, 1)), 1);
	assert_int_equal(date_weekday(D(2000, 1, 1)), 6);
	assert_int_equal(date_weekday(D(2024, 2, 29)), 4);
	assert_int_equal(date_weekday(D(2026, 1, 1)), 4);
	assert_int_equal(date_weekday(D(2026, 12, 4)), 5);
	assert_int_equal(date_weekday(D(2026, 12, 6)), 7);
	assert_int_equal(date_weekday(D(2026, 12, 7)), 1);
	assert_int_equal(date_weekday(D(2999, 12, 31)), 2);
	assert_int_equal(date_weekday(D(2026, 2, 29)), 0);
	assert_int_equal(date_weekday(DATE_INVALID), 0);
}

static void
test_date_add_days(void **state)
{
	(void)state;
	date_is(date_add_days(D(2024, 2, 28), 1), 2024, 2, 29);
	date_is(date_add_days(D(2024, 2, 28), 2), 2024, 3, 1);
	date_is(date_add_days(D(2023, 2, 28), 1), 2023, 3, 1);
	date_is(date_add_days(D(2023, 12, 31), 1), 2024, 1, 1);
	date_is(date_add_days(D(2024, 1, 1), -1), 2023, 12, 31);
	date_is(date_add_days(D(2026, 12, 4), 0), 2026, 12, 4);
	date_is(date_add_days(D(2026, 12, 4), 365), 2027, 12, 4);
	date_is(date_add_days(D(1900, 1, 1), 401766), 2999, 12, 31);
	date_is(date_add_days(D(2999, 12, 31), -401766), 1900, 1, 1);
}

static void
test_date_add_days_bad(void **state)
{
	(void)state;
	is_invalid(date_add_days(D(1900, 1, 1), -1));
	is_invalid(date_add_days(D(2999, 12, 31), 1));
	is_invalid(date_add_days(D(2026, 1, 1), INT32_MAX));
	is_invalid(date_add_days(D(2026, 1, 1), INT32_MIN));
	is_invalid(date_add_days(D(2026, 2, 30), 1));
	is_invalid(date_add_days(DATE_INVALID, 0));
}

static void
test_date_diff(void **state)
{
	(void)state;
	assert_int_equal(date_diff(D(2024, 3, 1), D(2024, 2, 1)), 29);
	assert_int_equal(date_diff(D(2023, 3, 1), D(2023, 2, 1)), 28);
	assert_int_equal(date_diff(D(2024, 2, 1), D(2024, 3, 1)), -29);
	assert_int_equal(date_diff(D(2026, 12, 4), D(2026, 12, 4)), 0);
	assert_int_equal(date_diff(D(2999, 12, 31), D(1900, 1, 1)), 401766);
	assert_int_equal(date_diff(D(2026, 2, 29), D(2026, 1, 1)),
	    DATE_DAYS_INVALID);
	assert_int_equal(date_diff(D(2026, 1, 1), D(3000, 1, 1)),
	    DATE_DAYS_INVALID);
}

static void
test_date_add_months_anchor_31(void **state)
{
	struct date s = D(2028, 1, 31);

	(void)state;
	date_is(date_add_months(s, 1, 31), 2028, 2, 29);
	date_is(date_add_months(s, 2, 31), 2028, 3, 31);
	date_is(date_add_months(s, 3, 31), 2028, 4, 30);
	date_is(date_add_months(s, 13, 31), 2029, 2, 28);
	/* Stepping from the clamped date keeps the anchor. */
	date_is(date_add_months(D(2028, 2, 29), 1, 31), 2028, 3, 31);
}

static void
test_date_add_months_anchor_30(void **state)
{
	struct date s = D(2026, 11, 30);

	(void)state;
	date_is(date_add_months(s, 1, 30), 2026, 12, 30);
	date_is(date_add_months(s, 2, 30), 2027, 1, 30);
	date_is(date_add_months(s, 3, 30), 2027, 2, 28);
	date_is(date_add_months(s, 4, 30), 2027, 3, 30);
}

static void
test_date_add_months_other(void **state)
{
	(void)state;
	date_is(date_add_months(D(2026, 12, 4), 0, 4), 2026, 12, 4);
	date_is(date_add_months(D(2026, 12, 4), 1, 4), 2027, 1, 4);
	date_is(date_add_months(D(2026, 12, 4), 12, 4), 2027, 12, 4);
	date_is(date_add_months(D(2026, 12, 4), 24, 4), 2028, 12, 4);
	date_is(date_add_months(D(2027, 3, 31), -1, 31), 2027, 2, 28);
	date_is(date_add_months(D(2027, 1, 15), -13, 15), 2025, 12, 15);
	date_is(date_add_months(D(2027, 1, 15), 0, 31), 2027, 1, 31);
	date_is(date_add_months(D(2999, 11, 30), 1, 31), 2999, 12, 31);
	date_is(date_add_months(D(1900, 2, 1), -1, 1), 1900, 1, 1);
	date_is(date_add_months(D(2000, 1, 29), 1, 29), 2000, 2, 29);
	date_is(date_add_months(D(1900, 1, 29), 1, 29), 1900, 2, 28);
}

static void
test_date_add_months_bad(void **state)
{
	(void)state;
	is_invalid(date_add_months(D(2026, 1, 1), 1, 0));
	is_invalid(date_add_months(D(2026, 1, 1), 1, 32));
	is_invalid(date_add_months(D(2026, 1, 1), 1, -1));
	is_invalid(date_add_months(D(2999, 12, 1), 1, 1));
	is_invalid(date_add_months(D(1900, 1, 31), -1, 31));
	is_invalid(date_add_months(D(2026, 1, 1), INT_MAX, 1));
	is_invalid(date_add_months(D(2026, 1, 1), INT_MIN, 1));
	is_invalid(date_add_months(D(2026, 2, 29), 1, 1));
	is_invalid(date_add_months(DATE_INVALID, 0, 1));
}

static void
test_date_format_long_languages(void **state)
{
	struct date d = D(2026, 12, 4);

	(void)state;
	long_is(d, "en", "4 December 2026");
	long_is(d, "es", "4 de diciembre de 2026");
	long_is(d, "de", "4. Dezember 2026");
	long_is(d, "fr", "4 d\xc3\xa9" "cembre 2026");
	long_is(d, "nl", "4 december 2026");
	long_is(d, "it", "4 dicembre 2026");
	long_is(d, "pt", "4 de dezembro de 2026");
	long_is(D(2026, 3, 1), "fr", "1er mars 2026");
	long_is(D(2026, 3, 1), "de", "1. M\xc3\xa4rz 2026");
	long_is(D(2026, 8, 21), "fr", "21 ao\xc3\xbbt 2026");
	long_is(D(1900, 1, 31), "en", "31 January 1900");
	long_is(D(2999, 2, 9), "es", "9 de febrero de 2999");
}

static void
weekday_is(struct date d, const char *lang, const char *want)
{
	char	out[2 * DATE_LONG_MAX];

	if (date_format_weekday_long(out, sizeof(out), d, lang) == -1)
		fail_msg("refused %d-%d-%d in %s", d.year, d.month, d.day, lang);
	assert_string_equal(out, want);
}

static void
test_date_format_weekday_languages(void **state)
{
	char	out[8];

	(void)state;
	weekday_is(D(2026, 11, 25), "en", "Wednesday 25 November 2026");
	weekday_is(D(2026, 11, 25), "es", "mi\xc3\xa9rcoles, 25 de noviembre de 2026");
	weekday_is(D(2026, 11, 25), "fr", "mercredi 25 novembre 2026");
	weekday_is(D(2026, 11, 25), "de", "Mittwoch, 25. November 2026");
	weekday_is(D(2026, 11, 29), "es-MX", "domingo, 29 de noviembre de 2026");
	weekday_is(D(2026, 11, 30), "xx", "Monday 30 November 2026");
	weekday_is(D(2026, 3, 1), "fr", "dimanche 1er mars 2026");
	assert_int_equal(date_format_weekday_long(out, sizeof(out), D(2026, 11, 25),
	    "en"), -1);
	assert_string_equal(out, "");
	assert_int_equal(date_format_weekday_long(out, sizeof(out), D(2026, 2, 30),
	    "en"), -1);
}

static void
test_date_format_long_lang_fallback(void **state)
{
	struct date d = D(2026, 12, 4);

	(void)state;
	long_is(d, NULL, "4 December 2026");
	long_is(d, "", "4 December 2026");
	long_is(d, "xx", "4 December 2026");
	long_is(d, "deu", "4 December 2026");
	long_is(d, "d", "4 December 2026");
	long_is(d, "de-CH", "4. Dezember 2026");
	long_is(d, "ES", "4 de diciembre de 2026");
	long_is(d, "pt_BR", "4 de dezembro de 2026");
}

static void
test_date_format_long_bad(void **state)
{
	char out[DATE_LONG_MAX];
	size_t need = strlen("4 de diciembre de 2026") + 1;

	(void)state;
	assert_int_equal(date_format_long(out, need, D(2026, 12, 4), "es"), 0);
	memset(out, 'x', sizeof(out));
	assert_int_equal(date_format_long(out, need - 1, D(2026, 12, 4),
	    "es"), -1);
	assert_string_equal(out, "");
	memset(out, 'x', sizeof(out));
	assert_int_equal(date_format_long(out, sizeof(out), D(2026, 2, 29),
	    "en"), -1);
	assert_string_equal(out, "");
	assert_int_equal(date_format_long(out, 0, D(2026, 12, 4), "en"), -1);
	assert_int_equal(date_format_long(NULL, 10, D(2026, 12, 4), "en"),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid_good),
		cmocka_unit_test(test_date_valid_bad),
		cmocka_unit_test(test_date_days_in_month),
		cmocka_unit_test(test_date_parse_good),
		cmocka_unit_test(test_date_parse_bad),
		cmocka_unit_test(test_date_format_iso),
		cmocka_unit_test(test_date_to_days_known),
		cmocka_unit_test(test_date_from_days_bad),
		cmocka_unit_test(test_date_round_trip_all_days),
		cmocka_unit_test(test_date_weekday_known),
		cmocka_unit_test(test_date_add_days),
		cmocka_unit_test(test_date_add_days_bad),
		cmocka_unit_test(test_date_diff),
		cmocka_unit_test(test_date_add_months_anchor_31),
		cmocka_unit_test(test_date_add_months_anchor_30),
		cmocka_unit_test(test_date_add_months_other),
		cmocka_unit_test(test_date_add_months_bad),
		cmocka_unit_test(test_date_format_long_languages),
		cmocka_unit_test(test_date_format_long_lang_fallback),
		cmocka_unit_test(test_date_format_long_bad),
		cmocka_unit_test(test_date_format_weekday_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
