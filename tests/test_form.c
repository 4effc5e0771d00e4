/* Unit tests for portal/form.c: field tables and whole numbers. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "form.h"
#include "http.h"

static const struct form_field fields[] = {
	{ "amount", 10, true },
	{ "note", 20, false },
	{ "email", 30, true },
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

static struct http_param P[8];
static size_t N;
static const char *V[NFIELDS];
static const char *B;

static void
add(const char *name, const char *value, bool bad)
{
	P[N].name = name;
	P[N].value = value;
	P[N].len = strlen(value);
	P[N].bad = bad;
	N++;
}

static int
setup(void **state)
{
	(void)state;
	memset(P, 0, sizeof(P));
	N = 0;
	memset(V, 0, sizeof(V));
	B = "untouched";
	return 0;
}

static enum form_result
check(void)
{
	return form_check(P, N, fields, NFIELDS, V, &B, NULL);
}

static void
values_are(const char *amount, const char *note, const char *email)
{
	assert_string_equal(V[0], amount);
	assert_string_equal(V[1], note);
	assert_string_equal(V[2], email);
}

static void
test_form_ok(void **state)
{
	(void)state;
	add("email", "a@example.com", false);
	add("amount", "12.50", false);
	add("note", "hello", false);
	assert_int_equal(check(), FORM_OK);
	assert_null(B);
	values_are("12.50", "hello", "a@example.com");
	/* The values are the params' own strings. */
	assert_ptr_equal(V[0], P[1].value);
}

static void
test_form_optional_absent(void **state)
{
	(void)state;
	add("amount", "1", false);
	add("email", "e", false);
	assert_int_equal(check(), FORM_OK);
	assert_null(B);
	values_are("1", "", "e");
	/* An optional field may be present and empty. */
	add("note", "", false);
	assert_int_equal(check(), FORM_OK);
	values_are("1", "", "e");
}

static void
test_form_no_fields(void **state)
{
	static const struct form_field opt[] = { { "q", 5, false } };
	const char *v[1];

	(void)state;
	assert_int_equal(form_check(P, 0, opt, 1, v, &B, NULL), FORM_OK);
	assert_null(B);
	assert_string_equal(v[0], "");
	assert_int_equal(form_check(P, 0, NULL, 0, v, &B, NULL), FORM_OK);
	add("q", "x", false);
	assert_int_equal(form_check(P, N, NULL, 0, v, &B, NULL), FORM_UNKNOWN);
	assert_string_equal(B, "q");
}

static void
test_form_unknown(void **state)
{
	(void)state;
	add("amount", "1", false);
	add("Amount", "2", false);
	add("email", "e", false);
	assert_int_equal(check(), FORM_UNKNOWN);
	assert_ptr_equal(B, P[1].name);
}

static void
test_form_unknown_variants(void **state)
{
	static const char *const names[] = { "amoun", "amounts", " amount",
	    "amount ", "", "AMOUNT", "csrf", "amount[]" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		N = 0;
		add("amount", "1", false);
		add(names[i], "1", false);
		add("email", "e", false);
		if (check() != FORM_UNKNOWN)
			fail_msg("accepted field \"%s\"", names[i]);
		assert_string_equal(B, names[i]);
	}
}

static void
test_form_repeated(void **state)
{
	(void)state;
	add("amount", "1", false);
	add("email", "e", false);
	add("amount", "1", false);
	assert_int_equal(check(), FORM_REPEATED);
	assert_ptr_equal(B, P[2].name);
	assert_string_equal(B, "amount");
}

/* A repeated empty optional field is still a repeat. */
static void
test_form_repeated_empty(void **state)
{
	(void)state;
	add("note", "", false);
	add("note", "", false);
	assert_int_equal(check(), FORM_REPEATED);
	assert_string_equal(B, "note");
}

/* Unknown and repeated fields are refused even after a softer error. */
static void
test_form_hard_after_soft(void **state)
{
	(void)state;
	add("amount", "12345678901", false);	/* too long */
	add("evil", "1", false);
	assert_int_equal(check(), FORM_UNKNOWN);
	assert_string_equal(B, "evil");
	N = 0;
	add("note", "x", true);			/* bad text */
	add("note", "y", false);
	assert_int_equal(check(), FORM_REPEATED);
	assert_string_equal(B, "note");
}

static void
test_form_too_long(void **state)
{
	(void)state;
	add("amount", "12345678901", false);	/* 11 > 10 */
	add("note", "kept", false);
	add("email", "e@x", false);
	assert_int_equal(check(), FORM_TOO_LONG);
	assert_string_equal(B, "amount");
	values_are("12345678901", "kept", "e@x");
}

/* maxlen is in bytes, and exactly maxlen is fine. */
static void
test_form_too_long_bytes(void **state)
{
	(void)state;
	add("amount", "1234567890", false);
	add("email", "e", false);
	assert_int_equal(check(), FORM_OK);
	N = 0;
	add("amount", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", false);
	add("email", "e", false);
	assert_int_equal(check(), FORM_OK);
	N = 0;
	add("amount", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", false);
	add("email", "e", false);
	assert_int_equal(check(), FORM_TOO_LONG);
	assert_string_equal(B, "amount");
}

static void
test_form_missing(void **state)
{
	(void)state;
	add("amount", "5", false);
	add("note", "n", false);
	assert_int_equal(check(), FORM_MISSING);
	assert_string_equal(B, "email");
	values_are("5", "n", "");
}

static void
test_form_missing_empty(void **state)
{
	(void)state;
	add("email", "e", false);
	add("amount", "", false);
	add("note", "n", false);
	assert_int_equal(check(), FORM_MISSING);
	assert_string_equal(B, "amount");
	values_are("", "n", "e");
}

/* With no params, the first required field is named. */
static void
test_form_missing_all(void **state)
{
	(void)state;
	assert_int_equal(check(), FORM_MISSING);
	assert_string_equal(B, "amount");
	values_are("", "", "");
}

static void
test_form_bad_text(void **state)
{
	(void)state;
	add("amount", "1", false);
	add("note", "caf\xef\xbf\xbd", true);
	add("email", "e", false);
	assert_int_equal(check(), FORM_BAD_TEXT);
	assert_string_equal(B, "note");
	values_are("1", "caf\xef\xbf\xbd", "e");
}

/* The first soft error in param order wins; the rest are still filled in. */
static void
test_form_first_soft_error(void **state)
{
	(void)state;
	add("note", "x", true);
	add("amount", "12345678901", false);
	assert_int_equal(check(), FORM_BAD_TEXT);
	assert_string_equal(B, "note");
	values_are("12345678901", "x", "");

	N = 0;
	add("amount", "12345678901", false);
	add("note", "x", true);
	assert_int_equal(check(), FORM_TOO_LONG);
	assert_string_equal(B, "amount");
	values_are("12345678901", "x", "");

	/* Bad text wins over too long on the same field. */
	N = 0;
	add("amount", "123456789\xef\xbf\xbd", true);
	add("email", "e", false);
	assert_int_equal(check(), FORM_BAD_TEXT);
	assert_string_equal(B, "amount");
}

/* --- form_int ----------------------------------------------------------- */

static void
int_is(const char *s, long min, long max, long want)
{
	long v = -12345;

	if (form_int(s, min, max, &v) != 0)
		fail_msg("refused \"%s\" in [%ld, %ld]", s, min, max);
	assert_int_equal(v, want);
}

static void
int_bad(const char *s, long min, long max)
{
	long v = -12345;

	if (form_int(s, min, max, &v) != -1)
		fail_msg("accepted \"%s\" in [%ld, %ld]", s ? s : "(null)", min,
		    max);
	assert_int_equal(v, -12345);
}

static void
test_form_int_good(void **state)
{
	(void)state;
	int_is("0", 0, 10, 0);
	int_is("7", 0, 10, 7);
	int_is("10", 0, 10, 10);
	int_is("007", 0, 10, 7);
	int_is("5", 5, 5, 5);
	int_is("999999999999999999", 0, LONG_MAX, 999999999999999999L);
	int_is("3", -10, 10, 3);
}

static void
test_form_int_range(void **state)
{
	(void)state;
	int_bad("11", 0, 10);
	int_bad("4", 5, 10);
	int_bad("0", 1, 10);
	int_bad("1000", 1, 999);
	int_bad("999999999999999999", 0, 999999999999999998L);
	/* Negative numbers are never accepted. */
	int_bad("-1", -10, 10);
	int_bad("-0", -10, 10);
}

static void
test_form_int_junk(void **state)
{
	static const char *const junk[] = {
		"", " ", " 1", "1 ", "+1", "1a", "a1", "0x10", "1.0", "1,0", "1e3",
		"1_000", "1 000", "\t1", "1\n", "--1", "\xd9\xa1", "\xef\xbc\x91",
		"1\xc2\xa0", "one", "0b1", "1-",
		"0000000000000000001",		/* 19 digits */
		"1234567890123456789",
		"99999999999999999999999999",
	};
	size_t i;

	(void)state;
	int_bad(NULL, 0, 10);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		int_bad(junk[i], 0, LONG_MAX);
}

#define T(f)	cmocka_unit_test_setup(f, setup)

/* Each field's own result, whatever the first problem was. */
static void
test_form_each(void **state)
{
	enum form_result	each[NFIELDS];

	(void)state;
	add("note", "x", true);
	add("amount", "12345678901", false);
	assert_int_equal(form_check(P, N, fields, NFIELDS, V, &B, each),
	    FORM_BAD_TEXT);
	assert_int_equal(each[0], FORM_TOO_LONG);	/* amount */
	assert_int_equal(each[1], FORM_BAD_TEXT);	/* note */
	assert_int_equal(each[2], FORM_MISSING);	/* email, required */
	values_are("12345678901", "x", "");

	N = 0;
	add("amount", "1", false);
	add("email", "e", false);
	assert_int_equal(form_check(P, N, fields, NFIELDS, V, &B, each), FORM_OK);
	assert_int_equal(each[0], FORM_OK);
	assert_int_equal(each[1], FORM_OK);	/* absent and optional */
	assert_int_equal(each[2], FORM_OK);

	/* A required field sent empty is missing; too long wins over that. */
	N = 0;
	add("amount", "", false);
	add("email", "0123456789012345678901234567890", false);
	assert_int_equal(form_check(P, N, fields, NFIELDS, V, &B, each),
	    FORM_TOO_LONG);
	assert_string_equal(B, "email");
	assert_int_equal(each[0], FORM_MISSING);
	assert_int_equal(each[2], FORM_TOO_LONG);
}

static void
test_form_choice(void **state)
{
	static const char *const set[] = { "new", "in_review", "resolved", NULL };

	(void)state;
	assert_int_equal(form_choice("new", set), 0);
	assert_int_equal(form_choice("resolved", set), 2);
	assert_int_equal(form_choice("", set), -1);
	assert_int_equal(form_choice("New", set), -1);
	assert_int_equal(form_choice("new ", set), -1);
	assert_int_equal(form_choice("in_revie", set), -1);
	assert_int_equal(form_choice(NULL, set), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_form_ok),
		T(test_form_optional_absent),
		T(test_form_no_fields),
		T(test_form_unknown),
		T(test_form_unknown_variants),
		T(test_form_repeated),
		T(test_form_repeated_empty),
		T(test_form_hard_after_soft),
		T(test_form_too_long),
		T(test_form_too_long_bytes),
		T(test_form_missing),
		T(test_form_missing_empty),
		T(test_form_missing_all),
		T(test_form_bad_text),
		T(test_form_first_soft_error),
		T(test_form_each),
		T(test_form_choice),
		T(test_form_int_good),
		T(test_form_int_range),
		T(test_form_int_junk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
