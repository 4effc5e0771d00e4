/* Unit tests for portal/role.c: the words and what each role allows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "role.h"

static void
test_role_parse(void **state)
{
	(void)state;
	assert_int_equal(role_parse("clerk"), STAFF_CLERK);
	assert_int_equal(role_parse("manager"), STAFF_MANAGER);
	assert_int_equal(role_parse("Manager"), -1);
	assert_int_equal(role_parse("admin"), -1);
	assert_int_equal(role_parse(""), -1);
	assert_int_equal(role_parse(NULL), -1);
	assert_null(role_names[STAFF_ROLE__MAX]);
}

static void
test_role_name(void **state)
{
	(void)state;
	assert_string_equal(role_name(STAFF_CLERK), "clerk");
	assert_string_equal(role_name(STAFF_MANAGER), "manager");
	assert_null(role_name(-1));
	assert_null(role_name(STAFF_ROLE__MAX));
}

static void
test_role_allows(void **state)
{
	(void)state;
	assert_true(role_allows(STAFF_CLERK, STAFF_CLERK));
	assert_true(role_allows(STAFF_MANAGER, STAFF_CLERK));
	assert_true(role_allows(STAFF_MANAGER, STAFF_MANAGER));
	assert_false(role_allows(STAFF_CLERK, STAFF_MANAGER));
	/* Out of range allows nothing: an unread role is no role. */
	assert_false(role_allows(-1, STAFF_CLERK));
	assert_false(role_allows(STAFF_ROLE__MAX, STAFF_CLERK));
	assert_false(role_allows(STAFF_MANAGER, STAFF_ROLE__MAX));
	assert_false(role_allows(STAFF_MANAGER, -1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_parse),
		cmocka_unit_test(test_role_name),
		cmocka_unit_test(test_role_allows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
