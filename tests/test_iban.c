#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iban.h"

static void
good(const char *in, const char *want)
{
	char out[IBAN_SIZE];
	enum iban_err e = iban_normalise(in, out);

	if (e != IBAN_OK)
		fail_msg("rejected \"%s\": %s", in, iban_strerror(e));
	assert_string_equal(out, want);
}

static void
bad(const char *in, enum iban_err want)
{
	char out[IBAN_SIZE] = "sentinel";
	enum iban_err e = iban_normalise(in, out);

	if (e != want)
		fail_msg("\"%s\": got \"%s\", want \"%s\"", in ? in : "(null)",
		    iban_strerror(e), iban_strerror(want));
	assert_string_equal(out, "");
}

/* Published examples of valid IBANs, one per country we most expect. */
static void
test_iban_valid(void **state)
{
	(void)state;
	good("DE89370400440532013000", "DE89370400440532013000");
	good("GB82WEST12345698765432", "GB82WEST12345698765432");
	good("FR1420041010050500013M02606", "FR1420041010050500013M02606");
	good("NL91ABNA0417164300", "NL91ABNA0417164300");
	good("BE68539007547034", "BE68539007547034");
	good("AT611904300234573201", "AT611904300234573201");
	good("CH9300762011623852957", "CH9300762011623852957");
	good("ES9121000418450200051332", "ES9121000418450200051332");
	good("IT60X0542811101000000123456", "IT60X0542811101000000123456");
	good("NO9386011117947", "NO9386011117947");
	good("MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S");
}

static void
test_iban_print_form_and_case(void **state)
{
	(void)state;
	good("DE89 3704 0044 0532 0130 00", "DE89370400440532013000");
	good("de89 3704 0044 0532 0130 00", "DE89370400440532013000");
	good("fr14 2004 1010 0505 0001 3m02 606", "FR1420041010050500013M02606");
	good("D E89370400440532013000", "DE89370400440532013000");
}

static void
test_iban_bad_format(void **state)
{
	(void)state;
	bad(NULL, IBAN_ERR_FORMAT);
	bad("", IBAN_ERR_FORMAT);
	bad(" DE89370400440532013000", IBAN_ERR_FORMAT);
	bad("DE89370400440532013000 ", IBAN_ERR_FORMAT);
	bad("DE89  370400440532013000", IBAN_ERR_FORMAT);
	bad("DE89-3704-0044-0532-0130-00", IBAN_ERR_FORMAT);
	bad("DE89\t370400440532013000", IBAN_ERR_FORMAT);
	bad("DE89370400440532013000\n", IBAN_ERR_FORMAT);
	bad("D389370400440532013000", IBAN_ERR_FORMAT);
	bad("DEX9370400440532013000", IBAN_ERR_FORMAT);
	bad("89DE370400440532013000", IBAN_ERR_FORMAT);
	bad("DE89", IBAN_ERR_FORMAT);
	bad("DE89\xc3\xa9", IBAN_ERR_FORMAT);
}

static void
test_iban_bad_country(void **state)
{
	(void)state;
	bad("US64SVBKUS6S3300958879", IBAN_ERR_COUNTRY);
	bad("ZZ89370400440532013000", IBAN_ERR_COUNTRY);
}

static void
test_iban_bad_length(void **state)
{
	(void)state;
	bad("DE8937040044053201300", IBAN_ERR_LENGTH);
	bad("DE893704004405320130000", IBAN_ERR_LENGTH);
	bad("BE685390075470340", IBAN_ERR_LENGTH);
	/* More characters than any IBAN has. */
	bad("DE8937040044053201300000000000000000", IBAN_ERR_LENGTH);
}

static void
test_iban_bad_check(void **state)
{
	(void)state;
	bad("DE88370400440532013000", IBAN_ERR_CHECK);	/* check digit */
	bad("DE89370400440532013001", IBAN_ERR_CHECK);	/* last digit */
	bad("DE89370400440523013000", IBAN_ERR_CHECK);	/* swapped digits */
	bad("GB82WEST12345698765433", IBAN_ERR_CHECK);
	bad("GB82TEST12345698765432", IBAN_ERR_CHECK);
}

static void
test_iban_format(void **state)
{
	char out[IBAN_PRINT_SIZE];

	(void)state;
	assert_int_equal(iban_format(out, sizeof(out), "DE89370400440532013000"), 0);
	assert_string_equal(out, "DE89 3704 0044 0532 0130 00");
	assert_int_equal(iban_format(out, sizeof(out), "BE68539007547034"), 0);
	assert_string_equal(out, "BE68 5390 0754 7034");
	assert_int_equal(iban_format(out, sizeof(out),
	    "MT84MALT011000012345MTLCAST001S"), 0);
	assert_string_equal(out, "MT84 MALT 0110 0001 2345 MTLC AST0 01S");
	/* Exactly enough room, then one byte short. */
	assert_int_equal(iban_format(out, 20, "BE68539007547034"), 0);
	assert_int_equal(iban_format(out, 19, "BE68539007547034"), -1);
	assert_string_equal(out, "");
	/* Only the electronic form of a valid IBAN. */
	assert_int_equal(iban_format(out, sizeof(out), "DE89 3704 0044 0532 0130 00"), -1);
	assert_int_equal(iban_format(out, sizeof(out), "de89370400440532013000"), -1);
	assert_int_equal(iban_format(out, sizeof(out), "DE88370400440532013000"), -1);
	assert_int_equal(iban_format(out, sizeof(out), NULL), -1);
	assert_int_equal(iban_format(NULL, 10, "BE68539007547034"), -1);
	assert_int_equal(iban_format(out, 0, "BE68539007547034"), -1);
}

static void
test_iban_mod97(void **state)
{
	(void)state;
	assert_int_equal(iban_mod97("DE89370400440532013000", 22), 1);
	/* With check digits 00 the remainder r gives the check digits 98 - r. */
	assert_int_equal(iban_mod97("DE00370400440532013000", 22), 98 - 89);
	assert_int_equal(iban_mod97("RF18539007547034", 16), 1);
	assert_int_equal(iban_mod97("RF00539007547034", 16), 98 - 18);
	assert_int_equal(iban_mod97("DE8", 3), -1);
	assert_int_equal(iban_mod97("de89370400440532013000", 22), -1);
	assert_int_equal(iban_mod97("DE89 370400440532013000", 23), -1);
	assert_int_equal(iban_mod97(NULL, 5), -1);
}

static void
test_iban_strerror(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < IBAN_ERR__MAX; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(iban_strerror((enum iban_err)i),
			    iban_strerror((enum iban_err)j));
	assert_string_equal(iban_strerror(IBAN_ERR__MAX), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iban_valid),
		cmocka_unit_test(test_iban_print_form_and_case),
		cmocka_unit_test(test_iban_bad_format),
		cmocka_unit_test(test_iban_bad_country),
		cmocka_unit_test(test_iban_bad_length),
		cmocka_unit_test(test_iban_bad_check),
		cmocka_unit_test(test_iban_format),
		cmocka_unit_test(test_iban_mod97),
		cmocka_unit_test(test_iban_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
