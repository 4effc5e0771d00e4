#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tz.h"

static void
test_tz_valid(void **state)
{
	(void)state;
	assert_true(tz_valid("Europe/Madrid"));
	assert_true(tz_valid("America/Argentina/Buenos_Aires"));
	assert_true(tz_valid("UTC"));
	assert_false(tz_valid("Mars/Olympus_Mons"));
	assert_false(tz_valid("Europe"));		/* a directory */
	assert_false(tz_valid("../../etc/passwd"));
	assert_false(tz_valid("Europe/../../../etc/passwd"));
	assert_false(tz_valid("/etc/localtime"));
	assert_false(tz_valid("Europe/Madrid "));
	assert_false(tz_valid("Europe//Madrid"));
	assert_false(tz_valid("zone.tab"));		/* not a TZif file */
	assert_false(tz_valid(""));
	assert_false(tz_valid(NULL));
}

static void
test_tz_city(void **state)
{
	char	out[TZ_NAME_MAX];

	(void)state;
	assert_int_equal(tz_city("Europe/Madrid", out, sizeof(out)), 0);
	assert_string_equal(out, "Madrid");
	assert_int_equal(tz_city("America/New_York", out, sizeof(out)), 0);
	assert_string_equal(out, "New York");
	assert_int_equal(tz_city("UTC", out, sizeof(out)), 0);
	assert_string_equal(out, "UTC");
	assert_int_equal(tz_city("Europe/Madrid", out, 4), -1);
}

/* 9:00 in Madrid is 8:00 UTC in winter, 7:00 UTC in summer; TZ is kept. */
static void
test_tz_time(void **state)
{
	struct date	winter = { 2026, 12, 1 }, summer = { 2026, 7, 1 };

	(void)state;
	assert_int_equal(setenv("TZ", "Europe/London", 1), 0);
	assert_int_equal(tz_time("Europe/Madrid", winter, 9), 1796112000);
	assert_int_equal(tz_time("Europe/Madrid", summer, 9), 1782889200);
	assert_string_equal(getenv("TZ"), "Europe/London");
	assert_int_equal(tz_time(NULL, winter, 9), 1796115600);
	assert_int_equal(tz_time("America/New_York", winter, 9), 1796133600);
	assert_int_equal(tz_time("../x", winter, 9), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tz_valid),
		cmocka_unit_test(test_tz_city),
		cmocka_unit_test(test_tz_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
