#ifndef PORTAL_PLAN_H
#define PORTAL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"

/*
 * Installment plans: a balance in minor units split into equal installments
 * on a weekly, fortnightly or monthly schedule.
 *
 * Amounts: every installment is balance / count (integer division) and the
 * remainder cents (fewer than count) go on the FIRST installment, so the
 * amounts add up to the balance exactly, the debtor pays the odd cents up
 * front and every later installment is the same.
 *
 * Dates: the first installment is due on first_due; weekly adds 7 days,
 * fortnightly 14 days, monthly one calendar month anchored on first_due's
 * day and clamped to the month's end (31 Jan, 29 Feb, 31 Mar, 30 Apr).
 */
enum plan_freq {
	PLAN_FREQ_WEEKLY,
	PLAN_FREQ_FORTNIGHTLY,
	PLAN_FREQ_MONTHLY,
	PLAN_FREQ__MAX
};

#define PLAN_MAX_INSTALLMENTS	60
#define PLAN_MAX_OPTIONS	12
/* Most options plan_options offers per frequency. */
#define PLAN_OPTIONS_PER_FREQ	3
/* Latest first payment, in days after today. */
#define PLAN_MAX_FIRST_DUE_DAYS	60

struct plan_policy {
	int64_t	 min_installment;	/* cents, > 0 */
	int	 max_installments;	/* 2..PLAN_MAX_INSTALLMENTS */
	unsigned freq_mask;		/* 1u << PLAN_FREQ_x for each frequency offered */
	int	 first_due_days;	/* first payment is due this many days after today (0..60) */
	int64_t	 min_balance;		/* no plan is offered below this balance (>= 0) */
};

struct plan_installment {
	struct date	 due;
	int64_t		 amount;
};

struct plan_schedule {
	enum plan_freq		 freq;
	int			 count;
	int64_t			 total;
	struct date		 first_due;
	struct date		 last_due;
	struct plan_installment	 items[PLAN_MAX_INSTALLMENTS];	/* count used, rest zero */
};

/* True when every field of p is in range and at least one known frequency is offered. */
bool plan_policy_valid(const struct plan_policy *p);
/*
 * Fills *out with count equal installments of balance (remainder on the
 * first) from first_due at frequency f. 0, or -1 with *out untouched when p
 * is invalid, f is not offered, balance <= 0 or < p->min_balance, count is
 * outside 2..p->max_installments, an installment would be below
 * p->min_installment, or a due date would fall outside the date range.
 */
int plan_schedule(int64_t balance, const struct plan_policy *p,
    enum plan_freq f, int count, struct date first_due,
    struct plan_schedule *out);
/*
 * The plans to offer for balance, first payment due today + first_due_days.
 * Candidate counts: monthly 2 3 4 6 9 12 18 24, fortnightly 2 4 6 8 12,
 * weekly 2 4 6 8; of those plan_schedule accepts, at most three per
 * frequency: the shortest, the longest and the one nearest their geometric
 * mean. Sorted by last_due, then count, then frequency, so out[0] settles
 * soonest. Writes at most max_out and returns how many it wrote (0 when
 * none fit or balance <= 0); -1 on an invalid policy or today, max_out < 0,
 * or out NULL with max_out > 0.
 */
int plan_options(int64_t balance, const struct plan_policy *p,
    struct date today, struct plan_schedule *out, int max_out);
/*
 * plan_options() with the first payment on first instead of today +
 * p->first_due_days; schedules identical to one already kept (the same
 * dates and amounts) are dropped.
 */
int plan_options_from(int64_t balance, const struct plan_policy *p,
    struct date first, struct plan_schedule *out, int max_out);

/* What plan_own() made of the debtor's own numbers. */
enum plan_own_result {
	PLAN_OWN_OK,		/* within policy: accept it like an offered plan */
	PLAN_OWN_OUTSIDE,	/* a real plan, but outside policy: staff decide */
	PLAN_OWN_TOO_LONG,	/* more than PLAN_MAX_INSTALLMENTS: never settles */
	PLAN_OWN_TOO_BIG,	/* one payment or less: no plan needed */
	PLAN_OWN_BAD		/* bad arguments */
};
/*
 * The debtor's own plan: count installments, or (count 0) as many of
 * amount as it takes to pay balance (rounded up), at frequency f from
 * first. The schedule is plan_schedule()'s (equal amounts, the odd cents on
 * the first); for PLAN_OWN_OK and PLAN_OWN_OUTSIDE it is in *out, checked
 * against p for OK and against only the hard limits for OUTSIDE (2 to
 * PLAN_MAX_INSTALLMENTS installments of at least one minor unit).
 */
enum plan_own_result plan_own(int64_t balance, const struct plan_policy *p,
    enum plan_freq f, int count, int64_t amount, struct date first,
    struct plan_schedule *out);
/* True when a and b have the same installments (dates and amounts). */
bool plan_same(const struct plan_schedule *a, const struct plan_schedule *b);
/*
 * What of a plan is paid: paid cents (what was received since the plan was
 * accepted) applied to the n installment amounts oldest first; paid_each[i]
 * is the part of amounts[i] covered (0..amounts[i]). Returns the index of
 * the first installment not fully paid, n when every one is, -1 on bad
 * arguments (n outside 0..PLAN_MAX_INSTALLMENTS, a NULL array).
 */
int plan_paid(const int64_t *amounts, int n, int64_t paid, int64_t *paid_each);
/* "weekly", "fortnightly" or "monthly" (static storage); NULL for an unknown value. */
const char *plan_freq_name(enum plan_freq f);
/* The frequency named exactly s (as plan_freq_name spells it) in *out; 0, or -1. */
int plan_freq_parse(const char *s, enum plan_freq *out);

#endif
