/* Unit tests for portal/hardship.c: the words, phone numbers, callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "date.h"
#include "form.h"
#include "hardship.h"

/* Monday 23 November 2026, 10:00 UTC. */
#define MONDAY_10H	((time_t)1795428000)
static const struct date monday = { 2026, 11, 23 };

static int
utc(void **state)
{
	(void)state;
	if (setenv("TZ", "UTC", 1) != 0)
		return -1;
	tzset();
	return 0;
}

static struct date
day(int d)
{
	return date_add_days(monday, d);
}

/* The words are the ones the schema's CHECK constraints allow. */
static void
test_hardship_words(void **state)
{
	(void)state;
	assert_int_equal(form_choice("income", hardship_categories), 0);
	assert_int_equal(form_choice("customer_unpaid", hardship_categories), 4);
	assert_int_equal(form_choice("cash_flow", hardship_categories), 5);
	assert_int_equal(form_choice("supplier_delay", hardship_categories), 6);
	assert_int_equal(form_choice("other", hardship_categories), 7);
	assert_null(hardship_categories[8]);
	assert_int_equal(form_choice("fees_waived", hardship_outcomes), 1);
	assert_int_equal(form_choice("paused", hardship_outcomes), 2);
	assert_int_equal(form_choice("waived", hardship_outcomes), -1);
	assert_null(hardship_outcomes[4]);
	assert_int_equal(form_choice("in_review", hardship_statuses), 1);
	assert_null(hardship_statuses[3]);
	assert_int_equal(form_choice("phone", hardship_contacts), 1);
	assert_null(hardship_contacts[2]);
	assert_int_equal(form_choice("morning", hardship_windows), HARDSHIP_MORNING);
	assert_int_equal(form_choice("afternoon", hardship_windows), HARDSHIP_AFTERNOON);
	assert_null(hardship_windows[HARDSHIP_WINDOW__MAX]);
	assert_int_equal(form_choice("evening", hardship_windows), -1);
}

static void
test_hardship_window_opens(void **state)
{
	(void)state;
	assert_int_equal(hardship_window_opens(HARDSHIP_MORNING), 9);
	assert_int_equal(hardship_window_opens(HARDSHIP_AFTERNOON), 12);
	assert_int_equal(hardship_window_opens(-1), 9);
	assert_int_equal(hardship_window_opens(HARDSHIP_WINDOW__MAX), 9);
}

static void
test_hardship_phone(void **state)
{
	(void)state;
	assert_true(hardship_phone_valid("+34 600 000 001"));
	assert_true(hardship_phone_valid("(030) 123-456.7"));
	assert_true(hardship_phone_valid("123456"));
	assert_true(hardship_phone_valid("12345678901234567890"));
	assert_false(hardship_phone_valid("12345"));		/* too few digits */
	assert_false(hardship_phone_valid("123456789012345678901"));
	assert_false(hardship_phone_valid("030 CALL ME"));
	assert_false(hardship_phone_valid("+34 600 000 001 ext"));
	assert_false(hardship_phone_valid(""));
	assert_false(hardship_phone_valid("123456\n"));
	assert_false(hardship_phone_valid("\xef\xbf\xbd" "123456"));	/* U+FFFD */
}

static void
test_hardship_callback_ok(void **state)
{
	(void)state;
	/* Wednesday morning: two days' notice. */
	assert_int_equal(hardship_callback_check(day(2), HARDSHIP_MORNING,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_OK);
	/* Tuesday afternoon opens 26 hours from now. */
	assert_int_equal(hardship_callback_check(day(1), HARDSHIP_AFTERNOON,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_OK);
	/* The last day allowed: 60 days on, a Friday. */
	assert_int_equal(date_weekday(day(60)), 5);
	assert_int_equal(hardship_callback_check(day(60), HARDSHIP_AFTERNOON,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_OK);
}

static void
test_hardship_callback_soon(void **state)
{
	(void)state;
	/* Tuesday 9:00 is 23 hours away; exactly 24 hours is still too soon. */
	assert_int_equal(hardship_callback_check(day(1), HARDSHIP_MORNING,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_SOON);
	assert_int_equal(hardship_callback_check(day(1), HARDSHIP_MORNING,
	    monday, MONDAY_10H - 3600, NULL), HARDSHIP_CALLBACK_SOON);
	assert_int_equal(hardship_callback_check(day(1), HARDSHIP_MORNING,
	    monday, MONDAY_10H - 3601, NULL), HARDSHIP_CALLBACK_OK);
	/* Today and the past. */
	assert_int_equal(hardship_callback_check(monday, HARDSHIP_AFTERNOON,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_SOON);
	assert_int_equal(hardship_callback_check(day(-3), HARDSHIP_MORNING,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_SOON);
	/* An unknown window is checked as the morning. */
	assert_int_equal(hardship_callback_check(day(1), -1, monday,
	    MONDAY_10H, NULL), HARDSHIP_CALLBACK_SOON);
}

static void
test_hardship_callback_weekend_far(void **state)
{
	(void)state;
	assert_int_equal(hardship_callback_check(day(5), HARDSHIP_MORNING,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_WEEKEND);
	assert_int_equal(hardship_callback_check(day(6), HARDSHIP_AFTERNOON,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_WEEKEND);
	/* Day 63 is the first weekday past the limit; the weekend wins. */
	assert_int_equal(date_weekday(day(63)), 1);
	assert_int_equal(hardship_callback_check(day(63), HARDSHIP_MORNING,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_FAR);
	assert_int_equal(hardship_callback_check(day(61), HARDSHIP_MORNING,
	    monday, MONDAY_10H, NULL), HARDSHIP_CALLBACK_WEEKEND);
}

static void
test_hardship_earliest(void **state)
{
	struct date	d;

	(void)state;
	/* Monday 10:00: Tuesday 9:00 is too soon, Wednesday is the first. */
	d = hardship_earliest_callback(monday, MONDAY_10H, NULL);
	assert_int_equal(date_diff(d, monday), 2);
	/* Monday 8:00: Tuesday 9:00 is 25 hours away. */
	d = hardship_earliest_callback(monday, MONDAY_10H - 2 * 3600, NULL);
	assert_int_equal(date_diff(d, monday), 1);
	/* Friday 10:00: the weekend is skipped, Monday 9:00 is three days on. */
	d = hardship_earliest_callback(day(4), MONDAY_10H + 4 * 86400, NULL);
	assert_int_equal(date_diff(d, monday), 7);
	assert_int_equal(date_weekday(d), 1);
}

/* Hours are the debtor's: Madrid is an hour ahead of UTC in November. */
static void
test_hardship_callback_zone(void **state)
{
	(void)state;
	/* Tuesday 9:00 in Madrid is 8:00 UTC: 24 hours after Monday 8:00 UTC. */
	assert_int_equal(hardship_callback_check(day(1), HARDSHIP_MORNING,
	    monday, MONDAY_10H - 2 * 3600, "Europe/Madrid"), HARDSHIP_CALLBACK_SOON);
	assert_int_equal(hardship_callback_check(day(1), HARDSHIP_MORNING,
	    monday, MONDAY_10H - 2 * 3600 - 1, "Europe/Madrid"),
	    HARDSHIP_CALLBACK_OK);
	/* The same moment is fine for a debtor on UTC (25 hours' notice). */
	assert_int_equal(hardship_callback_check(day(1), HARDSHIP_MORNING,
	    monday, MONDAY_10H - 2 * 3600, "UTC"), HARDSHIP_CALLBACK_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hardship_words),
		cmocka_unit_test(test_hardship_window_opens),
		cmocka_unit_test(test_hardship_phone),
		cmocka_unit_test(test_hardship_callback_ok),
		cmocka_unit_test(test_hardship_callback_soon),
		cmocka_unit_test(test_hardship_callback_weekend_far),
		cmocka_unit_test(test_hardship_earliest),
		cmocka_unit_test(test_hardship_callback_zone),
	};

	return cmocka_run_group_tests(tests, utc, NULL);
}
