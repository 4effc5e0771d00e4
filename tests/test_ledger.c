/* Unit tests for portal/ledger.c: buckets, DSO, the week, bars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "date.h"
#include "ledger.h"

static void
test_ledger_bucket_edges(void **state)
{
	(void)state;
	assert_int_equal(ledger_bucket(-400), LEDGER_NOT_DUE);
	assert_int_equal(ledger_bucket(0), LEDGER_NOT_DUE);	/* due today */
	assert_int_equal(ledger_bucket(1), LEDGER_DAYS_30);
	assert_int_equal(ledger_bucket(30), LEDGER_DAYS_30);
	assert_int_equal(ledger_bucket(31), LEDGER_DAYS_60);
	assert_int_equal(ledger_bucket(60), LEDGER_DAYS_60);
	assert_int_equal(ledger_bucket(61), LEDGER_DAYS_90);
	assert_int_equal(ledger_bucket(90), LEDGER_DAYS_90);
	assert_int_equal(ledger_bucket(91), LEDGER_DAYS_MORE);
	assert_int_equal(ledger_bucket(INT64_MAX), LEDGER_DAYS_MORE);
	assert_int_equal(ledger_bucket(INT64_MIN), LEDGER_NOT_DUE);
	assert_string_equal(ledger_bucket_csv[LEDGER_DAYS_MORE], "90+");
	assert_string_equal(ledger_bucket_keys[LEDGER_NOT_DUE], "not_due");
	assert_null(ledger_bucket_keys[LEDGER_BUCKET__MAX]);
	assert_null(ledger_bucket_csv[LEDGER_BUCKET__MAX]);
}

static void
test_ledger_dso(void **state)
{
	(void)state;
	/* 30,000.00 open on 90,000.00 of sales in 90 days: 30.0 days. */
	assert_int_equal(ledger_dso_tenths(3000000, 9000000, 90), 300);
	/* 1/3 of a day rounds down to 0.3, 2/3 up to 0.7. */
	assert_int_equal(ledger_dso_tenths(1, 270, 90), 3);
	assert_int_equal(ledger_dso_tenths(2, 270, 90), 7);
	/* Half a tenth rounds up: 0.05 days -> 0.1. */
	assert_int_equal(ledger_dso_tenths(1, 1800, 90), 1);
	assert_int_equal(ledger_dso_tenths(0, 100, 90), 0);
	/* More open than sold: more days than the window. */
	assert_int_equal(ledger_dso_tenths(200, 100, 90), 1800);
	/* No figure without sales, with a negative total, or on overflow. */
	assert_int_equal(ledger_dso_tenths(100, 0, 90), -1);
	assert_int_equal(ledger_dso_tenths(100, -5, 90), -1);
	assert_int_equal(ledger_dso_tenths(-1, 100, 90), -1);
	assert_int_equal(ledger_dso_tenths(100, 100, 0), -1);
	assert_int_equal(ledger_dso_tenths(INT64_MAX / 10, 1, 90), -1);
}

static void
test_ledger_week_start(void **state)
{
	const struct date	wed = { 2026, 12, 2 }, mon = { 2026, 11, 30 };
	const struct date	sun = { 2026, 12, 6 }, jan = { 2027, 1, 1 };
	struct date		d;

	(void)state;
	d = ledger_week_start(wed);
	assert_true(d.year == 2026 && d.month == 11 && d.day == 30);
	d = ledger_week_start(mon);
	assert_true(d.year == 2026 && d.month == 11 && d.day == 30);
	d = ledger_week_start(sun);
	assert_true(d.year == 2026 && d.month == 11 && d.day == 30);
	/* Across a year: Friday 1 January 2027 is in the week of 28 December. */
	d = ledger_week_start(jan);
	assert_true(d.year == 2026 && d.month == 12 && d.day == 28);
	assert_false(date_valid(ledger_week_start(DATE_INVALID)));
}

static void
test_ledger_bar(void **state)
{
	(void)state;
	assert_int_equal(ledger_bar(50, 100, 200), 100);
	assert_int_equal(ledger_bar(100, 100, 200), 200);
	assert_int_equal(ledger_bar(0, 100, 200), 0);
	assert_int_equal(ledger_bar(-5, 100, 200), 0);
	/* A tiny amount is still drawn. */
	assert_int_equal(ledger_bar(1, 1000000000, 200), 1);
	/* Rounded: 1/3 of 200 is 66.7. */
	assert_int_equal(ledger_bar(1, 3, 200), 67);
	assert_int_equal(ledger_bar(5, 0, 200), 200);
	assert_int_equal(ledger_bar(INT64_MAX - 1, INT64_MAX, 200), 200);
	assert_int_equal(ledger_bar(5, 10, 0), 0);
}

static void
test_ledger_tenths_format(void **state)
{
	char	out[32], tiny[3];

	(void)state;
	assert_int_equal(ledger_tenths_format(out, sizeof(out), 423, '.'), 0);
	assert_string_equal(out, "42.3");
	assert_int_equal(ledger_tenths_format(out, sizeof(out), 5, ','), 0);
	assert_string_equal(out, "0,5");
	assert_int_equal(ledger_tenths_format(out, sizeof(out), -1, '.'), -1);
	assert_string_equal(out, "");
	assert_int_equal(ledger_tenths_format(tiny, sizeof(tiny), 423, '.'), -1);
	assert_string_equal(tiny, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ledger_bucket_edges),
		cmocka_unit_test(test_ledger_dso),
		cmocka_unit_test(test_ledger_week_start),
		cmocka_unit_test(test_ledger_bar),
		cmocka_unit_test(test_ledger_tenths_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
