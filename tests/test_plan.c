#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "plan.h"

#define ALL_FREQS	((1u << PLAN_FREQ_WEEKLY) | (1u << PLAN_FREQ_FORTNIGHTLY) | \
			 (1u << PLAN_FREQ_MONTHLY))

static const int cand_weekly[] = { 2, 4, 6, 8 };
static const int cand_fortnightly[] = { 2, 4, 6, 8, 12 };
static const int cand_monthly[] = { 2, 3, 4, 6, 9, 12, 18, 24 };

static const struct {
	const int	*c;
	int		 n;
} cands[PLAN_FREQ__MAX] = {
	[PLAN_FREQ_WEEKLY] = { cand_weekly, 4 },
	[PLAN_FREQ_FORTNIGHTLY] = { cand_fortnightly, 5 },
	[PLAN_FREQ_MONTHLY] = { cand_monthly, 8 },
};

static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static struct date
D(int y, int m, int d)
{
	return (struct date){ y, m, d };
}

static struct plan_policy
policy(void)
{
	struct plan_policy p = {
		.min_installment = 2500,
		.max_installments = 24,
		.freq_mask = ALL_FREQS,
		.first_due_days = 14,
		.min_balance = 5000,
	};

	return p;
}

static void
date_is(struct date got, int y, int m, int d)
{
	if (got.year != y || got.month != m || got.day != d)
		fail_msg("got %d-%d-%d, want %d-%d-%d", got.year, got.month,
		    got.day, y, m, d);
}

static bool
date_eq(struct date a, struct date b)
{
	return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* Asserts plan_schedule fails and leaves its output alone. */
static void
sched_bad(int64_t balance, const struct plan_policy *p, enum plan_freq f,
    int count, struct date first)
{
	struct plan_schedule s, orig;

	memset(&s, 0xa5, sizeof(s));
	orig = s;
	if (plan_schedule(balance, p, f, count, first, &s) != -1)
		fail_msg("accepted balance %lld count %d freq %d",
		    (long long)balance, count, (int)f);
	assert_memory_equal(&s, &orig, sizeof(s));
}

static void
test_plan_policy_valid(void **state)
{
	struct plan_policy p = policy();

	(void)state;
	assert_true(plan_policy_valid(&p));
	p.max_installments = 2;
	p.freq_mask = 1u << PLAN_FREQ_WEEKLY;
	p.first_due_days = 0;
	p.min_balance = 0;
	p.min_installment = 1;
	assert_true(plan_policy_valid(&p));
	p.max_installments = PLAN_MAX_INSTALLMENTS;
	p.first_due_days = 60;
	assert_true(plan_policy_valid(&p));
}

static void
test_plan_policy_invalid(void **state)
{
	struct plan_policy p;

	(void)state;
	assert_false(plan_policy_valid(NULL));
	p = policy(); p.min_installment = 0;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.min_installment = -1;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.max_installments = 1;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.max_installments = 0;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.max_installments = PLAN_MAX_INSTALLMENTS + 1;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.freq_mask = 0;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.freq_mask = 1u << PLAN_FREQ__MAX;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.freq_mask = ALL_FREQS | 0x80000000u;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.first_due_days = -1;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.first_due_days = 61;
	assert_false(plan_policy_valid(&p));
	p = policy(); p.min_balance = -1;
	assert_false(plan_policy_valid(&p));
}

static void
test_plan_freq_names(void **state)
{
	enum plan_freq f = PLAN_FREQ__MAX;

	(void)state;
	assert_string_equal(plan_freq_name(PLAN_FREQ_WEEKLY), "weekly");
	assert_string_equal(plan_freq_name(PLAN_FREQ_FORTNIGHTLY),
	    "fortnightly");
	assert_string_equal(plan_freq_name(PLAN_FREQ_MONTHLY), "monthly");
	assert_null(plan_freq_name(PLAN_FREQ__MAX));
	assert_null(plan_freq_name((enum plan_freq)-1));
	assert_int_equal(plan_freq_parse("weekly", &f), 0);
	assert_int_equal(f, PLAN_FREQ_WEEKLY);
	assert_int_equal(plan_freq_parse("fortnightly", &f), 0);
	assert_int_equal(f, PLAN_FREQ_FORTNIGHTLY);
	assert_int_equal(plan_freq_parse("monthly", &f), 0);
	assert_int_equal(f, PLAN_FREQ_MONTHLY);
}

static void
test_plan_freq_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "Weekly", "MONTHLY", "monthly ", " monthly", "month",
		"biweekly", "fortnight", "weekly\n", "daily", "yearly",
	};
	enum plan_freq f = PLAN_FREQ__MAX;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(plan_freq_parse(bad[i], &f), -1);
	assert_int_equal(plan_freq_parse(NULL, &f), -1);
	assert_int_equal(plan_freq_parse("weekly", NULL), -1);
	assert_int_equal(f, PLAN_FREQ__MAX);
}

static void
test_plan_schedule_monthly(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule s;

	(void)state;
	assert_int_equal(plan_schedule(10000, &p, PLAN_FREQ_MONTHLY, 3,
	    D(2026, 12, 4), &s), 0);
	assert_int_equal(s.freq, PLAN_FREQ_MONTHLY);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.total, 10000);
	assert_int_equal(s.items[0].amount, 3334);
	assert_int_equal(s.items[1].amount, 3333);
	assert_int_equal(s.items[2].amount, 3333);
	date_is(s.items[0].due, 2026, 12, 4);
	date_is(s.items[1].due, 2027, 1, 4);
	date_is(s.items[2].due, 2027, 2, 4);
	date_is(s.first_due, 2026, 12, 4);
	date_is(s.last_due, 2027, 2, 4);
	assert_int_equal(s.items[3].amount, 0);
	date_is(s.items[3].due, 0, 0, 0);
}

static void
test_plan_schedule_weekly_fortnightly(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule s;

	(void)state;
	assert_int_equal(plan_schedule(100001, &p, PLAN_FREQ_WEEKLY, 4,
	    D(2026, 12, 24), &s), 0);
	assert_int_equal(s.items[0].amount, 25001);
	assert_int_equal(s.items[3].amount, 25000);
	date_is(s.items[1].due, 2026, 12, 31);
	date_is(s.items[2].due, 2027, 1, 7);
	date_is(s.last_due, 2027, 1, 14);
	assert_int_equal(plan_schedule(100000, &p, PLAN_FREQ_FORTNIGHTLY, 2,
	    D(2028, 2, 20), &s), 0);
	assert_int_equal(s.items[0].amount, 50000);
	assert_int_equal(s.items[1].amount, 50000);
	date_is(s.last_due, 2028, 3, 5);
}

static void
test_plan_schedule_month_end_31(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule s;

	(void)state;
	assert_int_equal(plan_schedule(40000, &p, PLAN_FREQ_MONTHLY, 4,
	    D(2028, 1, 31), &s), 0);
	date_is(s.items[0].due, 2028, 1, 31);
	date_is(s.items[1].due, 2028, 2, 29);
	date_is(s.items[2].due, 2028, 3, 31);
	date_is(s.items[3].due, 2028, 4, 30);
}

static void
test_plan_schedule_month_end_30(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule s;

	(void)state;
	assert_int_equal(plan_schedule(50000, &p, PLAN_FREQ_MONTHLY, 5,
	    D(2026, 11, 30), &s), 0);
	date_is(s.items[0].due, 2026, 11, 30);
	date_is(s.items[1].due, 2026, 12, 30);
	date_is(s.items[2].due, 2027, 1, 30);
	date_is(s.items[3].due, 2027, 2, 28);
	date_is(s.items[4].due, 2027, 3, 30);
}

static void
test_plan_schedule_edges(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule s;

	(void)state;
	/* Exactly the minimum installment and exactly the minimum balance. */
	assert_int_equal(plan_schedule(5000, &p, PLAN_FREQ_MONTHLY, 2,
	    D(2026, 1, 1), &s), 0);
	assert_int_equal(s.items[0].amount, 2500);
	/* The remainder may lift the first above the rest, never the others. */
	assert_int_equal(plan_schedule(5001, &p, PLAN_FREQ_MONTHLY, 2,
	    D(2026, 1, 1), &s), 0);
	assert_int_equal(s.items[0].amount, 2501);
	assert_int_equal(s.items[1].amount, 2500);
	/* The most installments allowed, and the last date of the range. */
	p.max_installments = PLAN_MAX_INSTALLMENTS;
	p.min_installment = 1;
	assert_int_equal(plan_schedule(INT64_MAX, &p, PLAN_FREQ_MONTHLY, 60,
	    D(2995, 1, 31), &s), 0);
	assert_int_equal(s.items[0].amount, INT64_MAX / 60 + INT64_MAX % 60);
	date_is(s.last_due, 2999, 12, 31);
}

static void
test_plan_schedule_bad_amounts(void **state)
{
	struct plan_policy p = policy();
	struct date d = D(2026, 12, 4);

	(void)state;
	sched_bad(0, &p, PLAN_FREQ_MONTHLY, 2, d);
	sched_bad(-10000, &p, PLAN_FREQ_MONTHLY, 2, d);
	sched_bad(INT64_MIN, &p, PLAN_FREQ_MONTHLY, 2, d);
	sched_bad(4999, &p, PLAN_FREQ_MONTHLY, 2, d);	/* < min_balance */
	sched_bad(7499, &p, PLAN_FREQ_MONTHLY, 3, d);	/* 2499 < 2500 */
	sched_bad(10000, &p, PLAN_FREQ_MONTHLY, 5, d);
	p.min_balance = 0;
	sched_bad(1, &p, PLAN_FREQ_MONTHLY, 2, d);
}

static void
test_plan_schedule_bad_counts(void **state)
{
	struct plan_policy p = policy();
	struct date d = D(2026, 12, 4);

	(void)state;
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 1, d);
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 0, d);
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, -1, d);
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 25, d);
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 61, d);
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, INT32_MAX, d);
	p.max_installments = PLAN_MAX_INSTALLMENTS;
	p.min_installment = 1;
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, PLAN_MAX_INSTALLMENTS + 1, d);
}

static void
test_plan_schedule_bad_freq(void **state)
{
	struct plan_policy p = policy();
	struct date d = D(2026, 12, 4);

	(void)state;
	sched_bad(100000, &p, PLAN_FREQ__MAX, 2, d);
	sched_bad(100000, &p, (enum plan_freq)-1, 2, d);
	sched_bad(100000, &p, (enum plan_freq)31, 2, d);
	p.freq_mask = 1u << PLAN_FREQ_MONTHLY;
	sched_bad(100000, &p, PLAN_FREQ_WEEKLY, 2, d);
	sched_bad(100000, &p, PLAN_FREQ_FORTNIGHTLY, 2, d);
}

static void
test_plan_schedule_bad_policy_and_dates(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule s;

	(void)state;
	sched_bad(100000, NULL, PLAN_FREQ_MONTHLY, 2, D(2026, 12, 4));
	p.min_installment = 0;
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 2, D(2026, 12, 4));
	p = policy();
	p.first_due_days = 61;
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 2, D(2026, 12, 4));
	p = policy();
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 2, D(2026, 2, 29));
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 2, DATE_INVALID);
	sched_bad(100000, &p, PLAN_FREQ_MONTHLY, 2, D(2999, 12, 1));
	sched_bad(100000, &p, PLAN_FREQ_WEEKLY, 2, D(2999, 12, 25));
	sched_bad(100000, &p, PLAN_FREQ_FORTNIGHTLY, 2, D(2999, 12, 18));
	assert_int_equal(plan_schedule(100000, &p, PLAN_FREQ_MONTHLY, 2,
	    D(2026, 12, 4), NULL), -1);
	assert_int_equal(plan_schedule(100000, &p, PLAN_FREQ_WEEKLY, 2,
	    D(2999, 12, 24), &s), 0);
	date_is(s.last_due, 2999, 12, 31);
}

/* Checks one option list entry by entry against an expected (freq, count, last_due). */
struct expect {
	enum plan_freq	 f;
	int		 count;
	struct date	 last;
};

static void
options_are(const struct plan_schedule *o, int n, const struct expect *e,
    int ne)
{
	int i;

	assert_int_equal(n, ne);
	for (i = 0; i < n; i++) {
		if (o[i].freq != e[i].f || o[i].count != e[i].count)
			fail_msg("option %d: %s x%d, want %s x%d", i,
			    plan_freq_name(o[i].freq), o[i].count,
			    plan_freq_name(e[i].f), e[i].count);
		date_is(o[i].last_due, e[i].last.year, e[i].last.month,
		    e[i].last.day);
	}
}

static void
test_plan_options_full_spread(void **state)
{
	static const struct expect want[] = {
		{ PLAN_FREQ_WEEKLY, 2, { 2026, 12, 25 } },
		{ PLAN_FREQ_FORTNIGHTLY, 2, { 2027, 1, 1 } },
		{ PLAN_FREQ_WEEKLY, 4, { 2027, 1, 8 } },
		{ PLAN_FREQ_MONTHLY, 2, { 2027, 1, 18 } },
		{ PLAN_FREQ_FORTNIGHTLY, 4, { 2027, 1, 29 } },
		{ PLAN_FREQ_WEEKLY, 8, { 2027, 2, 5 } },
		{ PLAN_FREQ_MONTHLY, 6, { 2027, 5, 18 } },
		{ PLAN_FREQ_FORTNIGHTLY, 12, { 2027, 5, 21 } },
		{ PLAN_FREQ_MONTHLY, 24, { 2028, 11, 18 } },
	};
	struct plan_policy p = policy();
	struct plan_schedule o[PLAN_MAX_OPTIONS];
	int n;

	(void)state;
	n = plan_options(120000, &p, D(2026, 12, 4), o, PLAN_MAX_OPTIONS);
	options_are(o, n, want, 9);
	date_is(o[0].first_due, 2026, 12, 18);
	assert_int_equal(o[8].items[0].amount, 5000);
}

static void
test_plan_options_small_balance(void **state)
{
	static const struct expect want[] = {
		{ PLAN_FREQ_WEEKLY, 2, { 2026, 12, 11 } },
		{ PLAN_FREQ_FORTNIGHTLY, 2, { 2026, 12, 18 } },
		{ PLAN_FREQ_MONTHLY, 2, { 2027, 1, 4 } },
	};
	struct plan_policy p = policy();
	struct plan_schedule o[PLAN_MAX_OPTIONS];

	(void)state;
	p.first_due_days = 0;
	options_are(o, plan_options(6000, &p, D(2026, 12, 4), o,
	    PLAN_MAX_OPTIONS), want, 3);
}

static void
test_plan_options_policy_limits(void **state)
{
	static const struct expect want[] = {
		{ PLAN_FREQ_MONTHLY, 2, { 2027, 2, 28 } },
		{ PLAN_FREQ_MONTHLY, 3, { 2027, 3, 31 } },
		{ PLAN_FREQ_MONTHLY, 6, { 2027, 6, 30 } },
	};
	struct plan_policy p = policy();
	struct plan_schedule o[PLAN_MAX_OPTIONS];

	(void)state;
	p.freq_mask = 1u << PLAN_FREQ_MONTHLY;
	p.max_installments = 6;
	p.first_due_days = 0;
	/* Starts on 31 Jan: the month-end clamp shows in every option. */
	options_are(o, plan_options(1000000, &p, D(2027, 1, 31), o,
	    PLAN_MAX_OPTIONS), want, 3);
	date_is(o[2].items[1].due, 2027, 2, 28);
	date_is(o[2].items[2].due, 2027, 3, 31);
}

static void
test_plan_options_max_out(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule all[PLAN_MAX_OPTIONS], two[2];

	(void)state;
	assert_int_equal(plan_options(120000, &p, D(2026, 12, 4), all,
	    PLAN_MAX_OPTIONS), 9);
	assert_int_equal(plan_options(120000, &p, D(2026, 12, 4), two, 2), 2);
	assert_memory_equal(two, all, sizeof(two));
	assert_int_equal(plan_options(120000, &p, D(2026, 12, 4), NULL, 0),
	    0);
}

static void
test_plan_options_none(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule o[PLAN_MAX_OPTIONS];

	(void)state;
	assert_int_equal(plan_options(0, &p, D(2026, 12, 4), o, 12), 0);
	assert_int_equal(plan_options(-500, &p, D(2026, 12, 4), o, 12), 0);
	assert_int_equal(plan_options(4999, &p, D(2026, 12, 4), o, 12), 0);
	p.min_balance = 0;
	assert_int_equal(plan_options(4999, &p, D(2026, 12, 4), o, 12), 0);
	/* The first payment would fall after the end of the date range. */
	assert_int_equal(plan_options(100000, &p, D(2999, 12, 20), o, 12), 0);
}

static void
test_plan_options_bad_arguments(void **state)
{
	struct plan_policy p = policy();
	struct plan_schedule o[PLAN_MAX_OPTIONS];

	(void)state;
	assert_int_equal(plan_options(100000, NULL, D(2026, 12, 4), o, 12),
	    -1);
	p.max_installments = 1;
	assert_int_equal(plan_options(100000, &p, D(2026, 12, 4), o, 12), -1);
	p = policy();
	assert_int_equal(plan_options(100000, &p, D(2026, 2, 29), o, 12), -1);
	assert_int_equal(plan_options(100000, &p, DATE_INVALID, o, 12), -1);
	assert_int_equal(plan_options(100000, &p, D(2026, 12, 4), o, -1), -1);
	assert_int_equal(plan_options(100000, &p, D(2026, 12, 4), NULL, 1),
	    -1);
}

/* A random valid-or-not policy; valid about nine times in ten. */
static struct plan_policy
random_policy(uint64_t *seed)
{
	struct plan_policy p;
	uint64_t r = xorshift64(seed);

	p.min_installment = (int64_t)(r % 50000) + 1;
	p.max_installments = (int)((r >> 16) % 59) + 2;
	p.freq_mask = (unsigned)((r >> 24) % 7) + 1;
	p.first_due_days = (int)((r >> 32) % 61);
	p.min_balance = (r >> 40) % 4 == 0 ? (int64_t)((r >> 42) % 100000) : 0;
	switch ((r >> 50) % 40) {
	case 0: p.min_installment = 0; break;
	case 1: p.max_installments = (int)((r >> 52) % 2); break;
	case 2: p.freq_mask |= 8; break;
	case 3: p.first_due_days = 61; break;
	default: break;
	}
	return p;
}

static int64_t
random_balance(uint64_t *seed)
{
	uint64_t r = xorshift64(seed);

	switch (r % 8) {
	case 0: return (int64_t)(r >> 3) >> ((r >> 58) % 63);
	case 1: return -(int64_t)((r >> 3) % 100000);
	case 2: return (int64_t)((r >> 3) % 20000);
	default: return (int64_t)((r >> 3) % 100000000) + 1;
	}
}

static struct date
random_date(uint64_t *seed)
{
	uint64_t r = xorshift64(seed);

	if (r % 100 == 0)
		return D(2026, 2, 29);
	return date_from_days((int32_t)((r >> 8) % 401767) - 25567);
}

/* Independent statement of when plan_schedule must succeed. */
static bool
should_fit(int64_t balance, const struct plan_policy *p, enum plan_freq f,
    int count, struct date first)
{
	int step = f == PLAN_FREQ_WEEKLY ? 7 : 14;
	struct date last;

	if (!plan_policy_valid(p) || (unsigned)f >= PLAN_FREQ__MAX ||
	    !(p->freq_mask & (1u << f)) || balance <= 0 ||
	    balance < p->min_balance || count < 2 ||
	    count > p->max_installments || balance / count <
	    p->min_installment || !date_valid(first))
		return false;
	if (f == PLAN_FREQ_MONTHLY)
		last = date_add_months(first, count - 1, first.day);
	else
		last = date_add_days(first, step * (count - 1));
	return date_valid(last);
}

/* Every property a schedule must have, given the arguments that made it. */
static void
check_schedule(const struct plan_schedule *s, int64_t balance,
    const struct plan_policy *p, enum plan_freq f, int count,
    struct date first)
{
	int64_t sum = 0;
	int i, dim;

	assert_int_equal(s->freq, f);
	assert_int_equal(s->count, count);
	assert_int_equal(s->total, balance);
	assert_true(date_eq(s->first_due, first));
	assert_true(date_eq(s->items[0].due, first));
	assert_true(date_eq(s->last_due, s->items[count - 1].due));
	assert_int_equal(s->items[0].amount,
	    balance / count + balance % count);
	for (i = 0; i < count; i++) {
		assert_true(s->items[i].amount >= p->min_installment);
		assert_true(date_valid(s->items[i].due));
		if (i > 0) {
			assert_int_equal(s->items[i].amount, balance / count);
			assert_true(date_diff(s->items[i].due,
			    s->items[i - 1].due) > 0);
		}
		if (f == PLAN_FREQ_MONTHLY) {
			int m = first.month - 1 + i;

			assert_int_equal(s->items[i].due.year,
			    first.year + m / 12);
			assert_int_equal(s->items[i].due.month, m % 12 + 1);
			dim = date_days_in_month(s->items[i].due.year,
			    s->items[i].due.month);
			assert_int_equal(s->items[i].due.day,
			    first.day < dim ? first.day : dim);
		} else if (i > 0)
			assert_int_equal(date_diff(s->items[i].due,
			    s->items[i - 1].due),
			    f == PLAN_FREQ_WEEKLY ? 7 : 14);
		assert_false(__builtin_add_overflow(sum, s->items[i].amount,
		    &sum));
	}
	assert_int_equal(sum, balance);
	for (; i < PLAN_MAX_INSTALLMENTS; i++) {
		assert_int_equal(s->items[i].amount, 0);
		assert_int_equal(s->items[i].due.year, 0);
	}
}

static void
test_plan_schedule_properties(void **state)
{
	uint64_t seed = 0x2545f4914f6cdd1du;
	struct plan_schedule s, orig;
	int i, ok = 0;

	(void)state;
	memset(&orig, 0xa5, sizeof(orig));
	for (i = 0; i < 150000; i++) {
		struct plan_policy p = random_policy(&seed);
		int64_t balance = random_balance(&seed);
		uint64_t r = xorshift64(&seed);
		enum plan_freq f = (enum plan_freq)(r % 16 == 0 ? 3 : r % 3);
		int count = (int)((r >> 8) % 66) - 2;
		struct date first = random_date(&seed);
		bool want = should_fit(balance, &p, f, count, first);
		int rc;

		if (i % 2 == 0) {
			/* Bias towards plans that fit. */
			p = policy();
			p.max_installments = PLAN_MAX_INSTALLMENTS;
			p.min_installment = (int64_t)(r >> 20) % 3000 + 1;
			count = (int)((r >> 40) % 59) + 2;
			want = should_fit(balance, &p, f, count, first);
		}
		s = orig;
		rc = plan_schedule(balance, &p, f, count, first, &s);
		if (rc != (want ? 0 : -1))
			fail_msg("case %d: rc %d for balance %lld count %d "
			    "freq %d", i, rc, (long long)balance, count,
			    (int)f);
		if (rc == 0) {
			check_schedule(&s, balance, &p, f, count, first);
			ok++;
		} else
			assert_memory_equal(&s, &orig, sizeof(s));
	}
	/* The generator must exercise both outcomes substantially. */
	assert_true(ok > 30000);
	assert_true(ok < 120000);
}

/* The counts of frequency f that plan_schedule accepts, ascending. */
static int
fitting(int64_t balance, const struct plan_policy *p, enum plan_freq f,
    struct date first, int *fit)
{
	struct plan_schedule s;
	int i, n = 0;

	for (i = 0; i < cands[f].n; i++)
		if (plan_schedule(balance, p, f, cands[f].c[i], first, &s) == 0)
			fit[n++] = cands[f].c[i];
	return n;
}

/* Checks the options for one (balance, policy, today) against their definition. */
static void
check_options(const struct plan_schedule *o, int n, int64_t balance,
    const struct plan_policy *p, struct date today)
{
	struct date first = date_add_days(today, p->first_due_days);
	struct plan_schedule again;
	int per[PLAN_FREQ__MAX] = { 0 }, fit[8], nfit, i, j, expect = 0;
	enum plan_freq f;

	for (i = 0; i < n; i++) {
		f = o[i].freq;
		assert_true((unsigned)f < PLAN_FREQ__MAX);
		assert_true(p->freq_mask & (1u << f));
		assert_int_equal(plan_schedule(balance, p, f, o[i].count,
		    first, &again), 0);
		assert_memory_equal(&again, &o[i], sizeof(again));
		per[f]++;
		if (i > 0) {
			int32_t d = date_diff(o[i].last_due, o[i - 1].last_due);

			assert_true(d > 0 || (d == 0 &&
			    o[i].count >= o[i - 1].count));
		}
		for (j = 0; j < i; j++)
			assert_false(o[j].freq == f &&
			    o[j].count == o[i].count);
	}
	for (f = 0; f < PLAN_FREQ__MAX; f++) {
		if (!(p->freq_mask & (1u << f)) || !date_valid(first))
			nfit = 0;
		else
			nfit = fitting(balance, p, f, first, fit);
		expect += nfit < 3 ? nfit : 3;
		assert_int_equal(per[f], nfit < 3 ? nfit : 3);
		if (nfit == 0)
			continue;
		/* The shortest and the longest that fit are always offered. */
		for (i = 0, j = 0; i < n; i++)
			if (o[i].freq == f && (o[i].count == fit[0] ||
			    o[i].count == fit[nfit - 1]))
				j++;
		assert_int_equal(j, nfit == 1 ? 1 : 2);
	}
	assert_int_equal(n, expect);
}

static void
test_plan_options_properties(void **state)
{
	uint64_t seed = 0x0123456789abcdefu;
	struct plan_schedule o[PLAN_MAX_OPTIONS];
	int i, n, some = 0;

	(void)state;
	for (i = 0; i < 20000; i++) {
		struct plan_policy p = random_policy(&seed);
		int64_t balance = random_balance(&seed);
		struct date today = random_date(&seed);

		n = plan_options(balance, &p, today, o, PLAN_MAX_OPTIONS);
		if (!plan_policy_valid(&p) || !date_valid(today)) {
			assert_int_equal(n, -1);
			continue;
		}
		assert_true(n >= 0 && n <= 9);
		check_options(o, n, balance, &p, today);
		if (n > 0)
			some++;
	}
	assert_true(some > 5000);
}

/* Payments cover installments oldest first; a part payment stays on its installment. */
/* A plan of one's own: the count from an amount, within or outside policy. */
static void
test_plan_own(void **state)
{
	struct plan_policy	p = policy();
	struct plan_schedule	s;

	(void)state;
	/* 454.70 at 100.00 a payment: 5 equal payments, odd cents first. */
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_FORTNIGHTLY, 0, 10000,
	    D(2026, 12, 7), &s), PLAN_OWN_OK);
	assert_int_equal(s.count, 5);
	assert_int_equal(s.items[0].amount, 9094);
	assert_int_equal(s.items[4].amount, 9094);
	date_is(s.items[1].due, 2026, 12, 21);
	/* A count wins; 3 of 113.69/113.68 adds up. */
	assert_int_equal(plan_own(34106, &p, PLAN_FREQ_MONTHLY, 3, 0,
	    D(2026, 12, 7), &s), PLAN_OWN_OK);
	assert_int_equal(s.items[0].amount + 2 * s.items[1].amount, 34106);
	/* Below the smallest installment or too many: outside, still a schedule. */
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_MONTHLY, 0, 1000,
	    D(2026, 12, 7), &s), PLAN_OWN_OUTSIDE);
	assert_int_equal(s.count, 46);
	p.freq_mask = 1u << PLAN_FREQ_MONTHLY;
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_WEEKLY, 4, 0,
	    D(2026, 12, 7), &s), PLAN_OWN_OUTSIDE);
	/* Never settles within 60, or no plan needed, or bad. */
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_MONTHLY, 0, 50,
	    D(2026, 12, 7), &s), PLAN_OWN_TOO_LONG);
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_MONTHLY, 61, 0,
	    D(2026, 12, 7), &s), PLAN_OWN_TOO_LONG);
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_MONTHLY, 0, 45470,
	    D(2026, 12, 7), &s), PLAN_OWN_TOO_BIG);
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_MONTHLY, 0, 0,
	    D(2026, 12, 7), &s), PLAN_OWN_BAD);
	assert_int_equal(plan_own(0, &p, PLAN_FREQ_MONTHLY, 3, 0,
	    D(2026, 12, 7), &s), PLAN_OWN_BAD);
	assert_int_equal(plan_own(45470, &p, PLAN_FREQ_MONTHLY, 3, 0,
	    D(2026, 2, 30), &s), PLAN_OWN_BAD);
}

/* Options from a chosen first date: they start on it; none repeat. */
static void
test_plan_options_from(void **state)
{
	struct plan_policy	p = policy();
	struct plan_schedule	out[PLAN_MAX_OPTIONS];
	int			n, i, j;

	(void)state;
	n = plan_options_from(45470, &p, D(2026, 12, 3), out, PLAN_MAX_OPTIONS);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		date_is(out[i].first_due, 2026, 12, 3);
		for (j = 0; j < i; j++)
			assert_false(plan_same(&out[i], &out[j]));
	}
	assert_true(plan_same(&out[0], &out[0]));
	assert_int_equal(plan_options_from(45470, &p, D(2026, 13, 1), out,
	    PLAN_MAX_OPTIONS), 0);
}

static void
test_plan_paid(void **state)
{
	const int64_t	amounts[3] = { 3334, 3333, 3333 };
	int64_t		each[3];

	(void)state;
	assert_int_equal(plan_paid(amounts, 3, 0, each), 0);
	assert_int_equal(each[0], 0);
	assert_int_equal(plan_paid(amounts, 3, 3334, each), 1);
	assert_int_equal(each[0], 3334);
	assert_int_equal(each[1], 0);
	assert_int_equal(plan_paid(amounts, 3, 5000, each), 1);
	assert_int_equal(each[1], 1666);
	assert_int_equal(each[2], 0);
	assert_int_equal(plan_paid(amounts, 3, 10000, each), 3);
	assert_int_equal(each[2], 3333);
	/* More than the plan: every installment paid, nothing beyond its amount. */
	assert_int_equal(plan_paid(amounts, 3, 20000, each), 3);
	assert_int_equal(each[0] + each[1] + each[2], 10000);
	assert_int_equal(plan_paid(amounts, 3, -5, each), 0);
	assert_int_equal(plan_paid(amounts, 0, 100, each), 0);
	assert_int_equal(plan_paid(amounts, PLAN_MAX_INSTALLMENTS + 1, 0, each), -1);
	assert_int_equal(plan_paid(NULL, 3, 0, each), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_policy_valid),
		cmocka_unit_test(test_plan_policy_invalid),
		cmocka_unit_test(test_plan_freq_names),
		cmocka_unit_test(test_plan_freq_parse_bad),
		cmocka_unit_test(test_plan_schedule_monthly),
		cmocka_unit_test(test_plan_schedule_weekly_fortnightly),
		cmocka_unit_test(test_plan_schedule_month_end_31),
		cmocka_unit_test(test_plan_schedule_month_end_30),
		cmocka_unit_test(test_plan_schedule_edges),
		cmocka_unit_test(test_plan_schedule_bad_amounts),
		cmocka_unit_test(test_plan_schedule_bad_counts),
		cmocka_unit_test(test_plan_schedule_bad_freq),
		cmocka_unit_test(test_plan_schedule_bad_policy_and_dates),
		cmocka_unit_test(test_plan_options_full_spread),
		cmocka_unit_test(test_plan_options_small_balance),
		cmocka_unit_test(test_plan_options_policy_limits),
		cmocka_unit_test(test_plan_options_max_out),
		cmocka_unit_test(test_plan_options_none),
		cmocka_unit_test(test_plan_options_bad_arguments),
		cmocka_unit_test(test_plan_schedule_properties),
		cmocka_unit_test(test_plan_options_properties),
		cmocka_unit_test(test_plan_paid),
		cmocka_unit_test(test_plan_own),
		cmocka_unit_test(test_plan_options_from),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
