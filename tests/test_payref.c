#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "arena_fixture.h"
#include "payref.h"


/* The demo invoices' numbers. */
static const char *const demo[] = {
	"INV-2026-0147", "INV-2026-0152", "INV-2026-0158", "INV-2026-0133",
	"INV-2026-0160",
};
#define NDEMO	(sizeof(demo) / sizeof(demo[0]))

/* Matches text against numbers; checks the indices found, -1 ends want. */
static void
matches(const char *text, const char *const *numbers, size_t n, ...)
{
	size_t idx[8], got, i = 0;
	va_list ap;
	int want;

	assert_int_equal(payref_match(A, text, numbers, n, idx, 8, &got), 0);
	va_start(ap, n);
	while ((want = va_arg(ap, int)) != -1) {
		if (i >= got)
			fail_msg("\"%s\": only %zu matches, want index %d too",
			    text ? text : "(null)", got, want);
		if (idx[i] != (size_t)want)
			fail_msg("\"%s\": match %zu is %zu, want %d", text, i,
			    idx[i], want);
		i++;
	}
	va_end(ap);
	if (got != i)
		fail_msg("\"%s\": %zu matches, want %zu (first extra: %s)",
		    text ? text : "(null)", got, i, numbers[idx[i]]);
}

static void
key_is(const char *number, const char *want)
{
	char key[PAYREF_KEY_SIZE];

	if (payref_key(number, key) != 0)
		fail_msg("no key for \"%s\"", number);
	assert_string_equal(key, want);
}

static void
no_key(const char *number)
{
	char key[PAYREF_KEY_SIZE] = "sentinel";

	assert_int_equal(payref_key(number, key), -1);
	assert_string_equal(key, "");
}

static void
test_payref_key(void **state)
{
	char long_number[PAYREF_KEY_MAX + 2];

	(void)state;
	key_is("INV-2026-0147", "INV20260147");
	key_is("inv 2026 0147", "INV20260147");
	key_is("INV2026/0147", "INV20260147");
	key_is("a_b.c-1", "ABC1");
	key_is("2026-0147", "20260147");
	memset(long_number, '7', PAYREF_KEY_MAX);
	long_number[PAYREF_KEY_MAX] = '\0';
	key_is(long_number, long_number);
	long_number[PAYREF_KEY_MAX] = '7';
	long_number[PAYREF_KEY_MAX + 1] = '\0';
	no_key(long_number);
	no_key("");
	no_key("-- /");
	no_key("INV#1");
	no_key("INV\xc3\xa9");
	no_key("INV\t1");
	no_key(NULL);
}

/* The three ways of writing it from the brief, and others payers use. */
static void
test_payref_tolerant(void **state)
{
	(void)state;
	matches("INV-2026-0147", demo, NDEMO, 0, -1);
	matches("inv 2026 0147", demo, NDEMO, 0, -1);
	matches("Invoice INV-2026-0147 thanks", demo, NDEMO, 0, -1);
	matches("INV2026-0147", demo, NDEMO, 0, -1);
	matches("inv20260147", demo, NDEMO, 0, -1);
	matches("I N V 2026 0147", demo, NDEMO, 0, -1);
	matches("Factura n\xc2\xba INV-2026-0147.", demo, NDEMO, 0, -1);
	matches("RF18 INV 2026 0147", demo, NDEMO, 0, -1);
	matches("Rechnung: INV/2026/0158, Kd-Nr C-1077", demo, NDEMO, 2, -1);
	matches("(INV-2026-0160)", demo, NDEMO, 4, -1);
}

/* Nothing is stripped, and numbers inside longer ones are not found. */
static void
test_payref_strict(void **state)
{
	(void)state;
	matches("2026-0147", demo, NDEMO, -1);
	matches("20260147", demo, NDEMO, -1);
	matches("Rent October flat 3", demo, NDEMO, -1);
	matches("INV-2026-01470", demo, NDEMO, -1);
	matches("XINV-2026-0147", demo, NDEMO, -1);
	matches("INV-2026-014", demo, NDEMO, -1);
	matches("INV-2026-1047", demo, NDEMO, -1);
	matches("", demo, NDEMO, -1);
	matches(NULL, demo, NDEMO, -1);
	matches("---", demo, NDEMO, -1);
	matches("INV-2026-0147", demo, 0, -1);
}

static void
test_payref_ambiguous(void **state)
{
	static const char *const nested[] = { "INV-2026-0147", "2026-0147" };
	static const char *const overlap[] = { "INV-2026", "2026-0147" };
	static const char *const shared[] = { "INV-2026-0147", "INV2026-0147" };
	static const char *const suffix[] = { "INV-2026-0147", "INV-2026-0147A" };

	(void)state;
	/* Two invoices named: both, so the caller sends it to staff. */
	matches("INV-2026-0147 and INV-2026-0152", demo, NDEMO, 0, 1, -1);
	matches("INV-2026-0147INV-2026-0152", demo, NDEMO, 0, 1, -1);
	matches("inv 2026 0158 + inv 2026 0147", demo, NDEMO, 0, 2, -1);
	/* The same invoice twice is one match. */
	matches("INV-2026-0147, inv 2026 0147", demo, NDEMO, 0, -1);
	/* A number found only inside a longer one yields to it... */
	matches("INV-2026-0147", nested, 2, 0, -1);
	matches("INV-2026-0147A", suffix, 2, 1, -1);
	matches("INV-2026-0147 A", suffix, 2, 1, -1);
	matches("INV-2026-0147", suffix, 2, 0, -1);
	/* ...but not when it also stands alone. */
	matches("2026-0147", nested, 2, 1, -1);
	matches("INV-2026-0147 and 2026/0147", nested, 2, 0, 1, -1);
	/* Overlapping, neither inside the other: both. */
	matches("INV 2026 0147", overlap, 2, 0, 1, -1);
	/* Two invoice numbers with one key: both. */
	matches("INV-2026-0147", shared, 2, 0, 1, -1);
}

static void
test_payref_match_counts(void **state)
{
	size_t idx[1] = { 99 }, n;

	(void)state;
	assert_int_equal(payref_match(A, "INV-2026-0147 INV-2026-0152 "
	    "INV-2026-0158", demo, NDEMO, idx, 1, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(idx[0], 0);
	assert_int_equal(payref_match(A, "INV-2026-0152", demo, NDEMO, NULL, 0,
	    &n), 0);
	assert_int_equal(n, 1);
}

static bool
has(const struct payref_scan *s, const char *key, unsigned first,
    unsigned last)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, key) == 0 && s->v[i].first == first &&
		    s->v[i].last == last)
			return true;
	return false;
}

static void
test_payref_scan(void **state)
{
	struct payref_scan s;
	const char *keys[4];

	(void)state;
	assert_int_equal(payref_scan(A, "Invoice INV-2026-0147 thanks", &s), 0);
	/* Five tokens; runs of up to five: 5 + 4 + 3 + 2 + 1. */
	assert_int_equal(s.n, 15);
	assert_true(has(&s, "INVOICE", 0, 0));
	assert_true(has(&s, "INV20260147", 1, 3));
	assert_true(has(&s, "20260147", 2, 3));
	assert_true(has(&s, "INVOICEINV20260147THANKS", 0, 4));
	assert_false(has(&s, "INVOICEINV", 0, 0));
	/* Letters and digits are separate tokens. */
	assert_int_equal(payref_scan(A, "INV2026", &s), 0);
	assert_int_equal(s.n, 3);
	assert_true(has(&s, "INV", 0, 0));
	assert_true(has(&s, "2026", 1, 1));
	assert_true(has(&s, "INV2026", 0, 1));
	/* Mark and pick by hand, as a caller with a database does. */
	assert_int_equal(payref_scan(A, "INV-2026-0147 / inv 2026 0147 / 2026-0147",
	    &s), 0);
	assert_int_equal(payref_mark(&s, "INV20260147"), 2);
	assert_int_equal(payref_mark(&s, "20260147"), 3);
	assert_int_equal(payref_mark(&s, "NOPE"), 0);
	assert_int_equal(payref_pick(&s, keys, 4), 2);
	assert_string_equal(keys[0], "INV20260147");
	assert_string_equal(keys[1], "20260147");
	assert_int_equal(payref_pick(&s, keys, 1), 2);
	assert_int_equal(payref_scan(A, "", &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(payref_pick(&s, keys, 4), 0);
	assert_int_equal(payref_scan(A, " .,;-- ", &s), 0);
	assert_int_equal(s.n, 0);
}

static void
test_payref_limits(void **state)
{
	struct payref_scan s;
	char *text = arena_alloc(A, PAYREF_MAX_TEXT + 2);
	char big[PAYREF_KEY_MAX + 2];

	(void)state;
	assert_non_null(text);
	/* A run of up to PAYREF_MAX_TOKENS tokens: "1 2 ... 9". */
	assert_int_equal(payref_scan(A, "1 2 3 4 5 6 7 8 9", &s), 0);
	assert_true(has(&s, "12345678", 0, 7));
	assert_false(has(&s, "123456789", 0, 8));
	assert_true(has(&s, "23456789", 1, 8));
	/* A key is at most PAYREF_KEY_MAX bytes. */
	memset(big, 'A', PAYREF_KEY_MAX);
	big[PAYREF_KEY_MAX] = '\0';
	assert_int_equal(payref_scan(A, big, &s), 0);
	assert_int_equal(s.n, 1);
	big[PAYREF_KEY_MAX] = 'A';
	big[PAYREF_KEY_MAX + 1] = '\0';
	assert_int_equal(payref_scan(A, big, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(payref_scan(A, arena_printf(A, "%s 1", big), &s), 0);
	assert_int_equal(s.n, 1);
	assert_true(has(&s, "1", 1, 1));
	/* The text: refused past PAYREF_MAX_TEXT, never cut. */
	memset(text, 'x', PAYREF_MAX_TEXT + 1);
	text[PAYREF_MAX_TEXT + 1] = '\0';
	assert_int_equal(payref_scan(A, text, &s), -1);
	assert_int_equal(s.n, 0);
	text[PAYREF_MAX_TEXT] = '\0';
	for (size_t i = 1; i < PAYREF_MAX_TEXT; i += 2)
		text[i] = ' ';
	assert_int_equal(payref_scan(A, text, &s), 0);
	assert_int_equal(s.n, (PAYREF_MAX_TEXT / 2) * PAYREF_MAX_TOKENS -
	    PAYREF_MAX_TOKENS * (PAYREF_MAX_TOKENS - 1) / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payref_key),
		cmocka_unit_test(test_payref_tolerant),
		cmocka_unit_test(test_payref_strict),
		cmocka_unit_test(test_payref_ambiguous),
		cmocka_unit_test(test_payref_match_counts),
		cmocka_unit_test(test_payref_scan),
		cmocka_unit_test(test_payref_limits),
	};

	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
