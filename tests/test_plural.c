#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plural.h"

static struct plural
rule(const char *forms)
{
	struct plural	p;
	char		err[128];

	if (plural_parse(&p, forms, err, sizeof(err)) == -1)
		fail_msg("refused \"%s\": %s", forms, err);
	return p;
}

static void
refused(const char *forms)
{
	struct plural	p;
	char		err[128] = "";

	if (plural_parse(&p, forms, err, sizeof(err)) != -1)
		fail_msg("accepted \"%s\"", forms);
	assert_true(err[0] != '\0');
}

/* English and Spanish: one is singular, zero and the rest plural. */
static void
test_plural_english_spanish(void **state)
{
	struct plural	p = rule("nplurals=2; plural=(n != 1);"), e;

	(void)state;
	plural_english(&e);
	assert_int_equal(p.nplurals, 2);
	assert_int_equal(plural_form(&p, 0), 1);
	assert_int_equal(plural_form(&p, 1), 0);
	assert_int_equal(plural_form(&p, 2), 1);
	assert_int_equal(plural_form(&p, 1000000), 1);
	assert_int_equal(plural_form(&e, 1), 0);
	assert_int_equal(plural_form(&e, 0), 1);
}

/* French: zero and one are singular. */
static void
test_plural_french(void **state)
{
	struct plural	p = rule("nplurals=2; plural=(n > 1);");

	(void)state;
	assert_int_equal(plural_form(&p, 0), 0);
	assert_int_equal(plural_form(&p, 1), 0);
	assert_int_equal(plural_form(&p, 2), 1);
}

/* Three forms with ?: and %, as gettext writes Polish and Russian. */
static void
test_plural_three_forms(void **state)
{
	struct plural	pl = rule("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && "
	    "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);");
	struct plural	ru = rule("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
	    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);");

	(void)state;
	assert_int_equal(plural_form(&pl, 1), 0);
	assert_int_equal(plural_form(&pl, 3), 1);
	assert_int_equal(plural_form(&pl, 5), 2);
	assert_int_equal(plural_form(&pl, 22), 1);
	assert_int_equal(plural_form(&pl, 12), 2);
	assert_int_equal(plural_form(&ru, 21), 0);
	assert_int_equal(plural_form(&ru, 11), 2);
	assert_int_equal(plural_form(&ru, 104), 1);
}

/* One form only (Japanese); a result out of range falls back to 0. */
static void
test_plural_one_form(void **state)
{
	struct plural	p = rule("nplurals=1; plural=0;");
	struct plural	q = rule("nplurals=2; plural=n;");

	(void)state;
	assert_int_equal(plural_form(&p, 7), 0);
	assert_int_equal(plural_form(&q, 1), 1);
	assert_int_equal(plural_form(&q, 5), 0);	/* 5 is no form */
	assert_int_equal(plural_form(&q, 0), 0);
}

/* Division by zero is not a crash. */
static void
test_plural_division_by_zero(void **state)
{
	struct plural	p = rule("nplurals=2; plural=n/0 + n%0;");

	(void)state;
	assert_int_equal(plural_form(&p, 3), 0);
}

static void
test_plural_reject(void **state)
{
	char	deep[PLURAL_MAX_TEXT];
	size_t	i;

	(void)state;
	refused("");
	refused("plural=(n != 1);");
	refused("nplurals=0; plural=0;");
	refused("nplurals=7; plural=0;");
	refused("nplurals=12; plural=0;");
	refused("nplurals=2;");
	refused("nplurals=2; plural=(n != 1;");
	refused("nplurals=2; plural=n ? 1;");
	refused("nplurals=2; plural=n != 1 junk;");
	refused("nplurals=2; plural=x;");
	refused("nplurals=2; plural=99999999999999999999999;");
	refused(NULL);
	/* Too deep and too long. */
	memcpy(deep, "nplurals=2; plural=", 19);
	for (i = 19; i < 19 + 100; i++)
		deep[i] = '(';
	memcpy(deep + i, "n", 2);
	refused(deep);
	memset(deep, 0, sizeof(deep));
	memcpy(deep, "nplurals=2; plural=n", 20);
	for (i = 20; i + 2 < 200; i += 2)
		memcpy(deep + i, "+n", 2);
	refused(deep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plural_english_spanish),
		cmocka_unit_test(test_plural_french),
		cmocka_unit_test(test_plural_three_forms),
		cmocka_unit_test(test_plural_one_form),
		cmocka_unit_test(test_plural_division_by_zero),
		cmocka_unit_test(test_plural_reject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
