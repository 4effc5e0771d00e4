/* Unit tests for portal/invoice.c: item kinds, totals and the balance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "invoice.h"

static void
test_invoice_kind_names(void **state)
{
	(void)state;
	assert_string_equal(invoice_kind_name(INVOICE_LINE), "line");
	assert_string_equal(invoice_kind_name(INVOICE_FEE), "fee");
	assert_string_equal(invoice_kind_name(INVOICE_PAYMENT), "payment");
	assert_string_equal(invoice_kind_name(INVOICE_WAIVER), "waiver");
	assert_null(invoice_kind_name(INVOICE_KIND__MAX));
	assert_null(invoice_kind_name((enum invoice_kind)-1));
}

static void
test_invoice_kind_parse(void **state)
{
	enum invoice_kind	k;
	int			i;

	(void)state;
	for (i = 0; i < INVOICE_KIND__MAX; i++) {
		k = INVOICE_KIND__MAX;
		assert_int_equal(invoice_kind_parse(invoice_kind_name(
		    (enum invoice_kind)i), &k), 0);
		assert_int_equal(k, i);
	}
}

static void
test_invoice_kind_parse_bad(void **state)
{
	static const char *const bad[] = { "", "Line", "line ", " fee",
	    "payments", "refund", "fe", "paymentx" };
	enum invoice_kind	k = INVOICE_FEE;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(invoice_kind_parse(bad[i], &k), -1);
		assert_int_equal(k, INVOICE_FEE);	/* untouched */
	}
	assert_int_equal(invoice_kind_parse(NULL, &k), -1);
}

/* 1,287.35 of lines + 40.00 fee - 250.10 paid = 1,077.25 (test_invoice.sh). */
static void
test_invoice_totals_balance(void **state)
{
	struct invoice_totals	t;

	(void)state;
	invoice_totals_init(&t);
	assert_int_equal(t.balance, 0);
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, 120000), 0);
	assert_int_equal(invoice_totals_add(&t, INVOICE_PAYMENT, 25010), 0);
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, 8735), 0);
	assert_int_equal(invoice_totals_add(&t, INVOICE_FEE, 4000), 0);
	assert_int_equal(t.sum[INVOICE_LINE], 128735);
	assert_int_equal(t.sum[INVOICE_FEE], 4000);
	assert_int_equal(t.sum[INVOICE_PAYMENT], 25010);
	assert_int_equal(t.balance, 107725);
}

/* Paid more than owed: a credit is a negative balance. */
static void
test_invoice_totals_credit(void **state)
{
	struct invoice_totals	t;

	(void)state;
	invoice_totals_init(&t);
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, 1000), 0);
	assert_int_equal(invoice_totals_add(&t, INVOICE_PAYMENT, 1500), 0);
	assert_int_equal(t.balance, -500);
	assert_int_equal(invoice_totals_add(&t, INVOICE_PAYMENT, 0), 0);
	assert_int_equal(t.balance, -500);
}

/* An overflowing sum or balance is refused and changes nothing. */
static void
test_invoice_totals_overflow(void **state)
{
	struct invoice_totals	t, before;

	(void)state;
	invoice_totals_init(&t);
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, INT64_MAX), 0);
	before = t;
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, 1), -1);
	assert_memory_equal(&t, &before, sizeof(t));
	/* The fee's own sum fits; lines + fees does not. */
	assert_int_equal(invoice_totals_add(&t, INVOICE_FEE, 1), -1);
	assert_memory_equal(&t, &before, sizeof(t));
	invoice_totals_init(&t);
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, INT64_MIN + 1), 0);
	/* -(2^63 - 1) - 2 does not fit. */
	assert_int_equal(invoice_totals_add(&t, INVOICE_PAYMENT, 2), -1);
	assert_int_equal(t.sum[INVOICE_PAYMENT], 0);
}

static void
test_invoice_totals_bad_kind(void **state)
{
	struct invoice_totals	t, before;

	(void)state;
	invoice_totals_init(&t);
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, 5), 0);
	before = t;
	assert_int_equal(invoice_totals_add(&t, INVOICE_KIND__MAX, 5), -1);
	assert_int_equal(invoice_totals_add(&t, (enum invoice_kind)-1, 5), -1);
	assert_memory_equal(&t, &before, sizeof(t));
}

/* The first match wins: paid, held, plan, broken plan, due. */
static void
test_invoice_state(void **state)
{
	struct invoice_account	a = { .balance = 100 };

	(void)state;
	assert_int_equal(invoice_state(&a), INVOICE_STATE_DUE);
	a.plan_broken = true;
	assert_int_equal(invoice_state(&a), INVOICE_STATE_BROKEN);
	a.plan_active = true;
	assert_int_equal(invoice_state(&a), INVOICE_STATE_PLAN);
	a.held = true;
	assert_int_equal(invoice_state(&a), INVOICE_STATE_HELD);
	a.balance = 0;
	assert_int_equal(invoice_state(&a), INVOICE_STATE_PAID);
	a.balance = -1;		/* a credit is paid too */
	assert_int_equal(invoice_state(&a), INVOICE_STATE_PAID);
	a = (struct invoice_account){ .balance = 1, .held = true };
	assert_int_equal(invoice_state(&a), INVOICE_STATE_HELD);
}

static struct date
day(int y, int m, int d)
{
	return (struct date){ y, m, d };
}

/* The latest reminder's date while it holds; else the due date; else now. */
static void
test_invoice_pay_by(void **state)
{
	struct date	today = day(2026, 12, 2), out;

	(void)state;
	/* A reminder named 10 December: that date, not today + anything. */
	assert_int_equal(invoice_pay_by(today, day(2026, 11, 20),
	    day(2026, 12, 10), &out), INVOICE_PAY_BY_DATE);
	assert_int_equal(date_diff(out, day(2026, 12, 10)), 0);
	/* ... even when the due date is later (a reminder before it). */
	assert_int_equal(invoice_pay_by(today, day(2026, 12, 20),
	    day(2026, 12, 10), &out), INVOICE_PAY_BY_DATE);
	assert_int_equal(date_diff(out, day(2026, 12, 10)), 0);
	/* Its date is today: still that date. */
	assert_int_equal(invoice_pay_by(today, day(2026, 11, 20), today, &out),
	    INVOICE_PAY_BY_DATE);
	assert_int_equal(date_diff(out, today), 0);
	/* Its date has passed: as soon as possible, not the due date. */
	assert_int_equal(invoice_pay_by(today, day(2026, 12, 20),
	    day(2026, 12, 1), &out), INVOICE_PAY_BY_NOW);
	assert_false(date_valid(out));
	/* No reminder: the due date while it is today or later. */
	assert_int_equal(invoice_pay_by(today, day(2026, 12, 9), DATE_INVALID,
	    &out), INVOICE_PAY_BY_DATE);
	assert_int_equal(date_diff(out, day(2026, 12, 9)), 0);
	assert_int_equal(invoice_pay_by(today, today, DATE_INVALID, &out),
	    INVOICE_PAY_BY_DATE);
	assert_int_equal(invoice_pay_by(today, day(2026, 12, 1), DATE_INVALID,
	    &out), INVOICE_PAY_BY_NOW);
	assert_int_equal(invoice_pay_by(today, DATE_INVALID, DATE_INVALID,
	    &out), INVOICE_PAY_BY_NOW);
}

static void
test_invoice_next_installment(void **state)
{
	struct invoice_installment	v[3] = {
		{ day(2026, 12, 1), 5000, 5000 },
		{ day(2027, 1, 1), 5000, 1200 },
		{ day(2027, 2, 1), 5000, 0 },
	};
	int				paid = -1;

	(void)state;
	assert_int_equal(invoice_next_installment(v, 3, &paid), 1);
	assert_int_equal(paid, 1);
	v[1].paid = 5000;
	assert_int_equal(invoice_next_installment(v, 3, &paid), 2);
	assert_int_equal(paid, 2);
	v[2].paid = 5000;
	assert_int_equal(invoice_next_installment(v, 3, &paid), -1);
	assert_int_equal(paid, 3);
	v[0].paid = 0;		/* paid out of order still counts in order */
	assert_int_equal(invoice_next_installment(v, 3, NULL), 0);
	assert_int_equal(invoice_next_installment(v, 0, &paid), -1);
	assert_int_equal(paid, 0);
}

/* A waiver takes from the balance like a payment, and is summed apart. */
static void
test_invoice_waiver(void **state)
{
	struct invoice_totals	t;

	(void)state;
	invoice_totals_init(&t);
	assert_int_equal(invoice_totals_add(&t, INVOICE_LINE, 50000), 0);
	assert_int_equal(invoice_totals_add(&t, INVOICE_FEE, 1200), 0);
	assert_int_equal(invoice_totals_add(&t, INVOICE_WAIVER, 1200), 0);
	assert_int_equal(t.sum[INVOICE_WAIVER], 1200);
	assert_int_equal(t.sum[INVOICE_FEE], 1200);
	assert_int_equal(t.balance, 50000);
	assert_int_equal(invoice_totals_add(&t, INVOICE_PAYMENT, 20000), 0);
	assert_int_equal(t.balance, 30000);
	assert_int_equal(invoice_totals_add(&t, INVOICE_WAIVER, INT64_MAX), -1);
	assert_int_equal(t.balance, 30000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invoice_kind_names),
		cmocka_unit_test(test_invoice_kind_parse),
		cmocka_unit_test(test_invoice_kind_parse_bad),
		cmocka_unit_test(test_invoice_totals_balance),
		cmocka_unit_test(test_invoice_totals_credit),
		cmocka_unit_test(test_invoice_totals_overflow),
		cmocka_unit_test(test_invoice_totals_bad_kind),
		cmocka_unit_test(test_invoice_waiver),
		cmocka_unit_test(test_invoice_state),
		cmocka_unit_test(test_invoice_pay_by),
		cmocka_unit_test(test_invoice_next_installment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
