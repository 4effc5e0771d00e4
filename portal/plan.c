#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "date.h"
#include "plan.h"

#define MAX_CANDIDATES	8

/* Per frequency: its name, its step in days (0: monthly) and its candidate counts. */
struct plan_freq_info {
	const char	*name;
	int		 step_days;
	int		 ncand;
	int		 cand[MAX_CANDIDATES];
};

static const struct plan_freq_info freqs[PLAN_FREQ__MAX] = {
	[PLAN_FREQ_WEEKLY] = { "weekly", 7, 4, { 2, 4, 6, 8 } },
	[PLAN_FREQ_FORTNIGHTLY] = { "fortnightly", 14, 5,
	    { 2, 4, 6, 8, 12 } },
	[PLAN_FREQ_MONTHLY] = { "monthly", 0, 8,
	    { 2, 3, 4, 6, 9, 12, 18, 24 } },
};

#define FREQ_MASK_ALL	((1u << PLAN_FREQ__MAX) - 1)

bool
plan_policy_valid(const struct plan_policy *p)
{
	return p != NULL &&
	    p->min_installment > 0 &&
	    p->max_installments >= 2 &&
	    p->max_installments <= PLAN_MAX_INSTALLMENTS &&
	    p->freq_mask != 0 && (p->freq_mask & ~FREQ_MASK_ALL) == 0 &&
	    p->first_due_days >= 0 &&
	    p->first_due_days <= PLAN_MAX_FIRST_DUE_DAYS &&
	    p->min_balance >= 0;
}

static bool
freq_offered(const struct plan_policy *p, enum plan_freq f)
{
	return (unsigned)f < PLAN_FREQ__MAX && (p->freq_mask & (1u << f)) != 0;
}

/* Due date of installment i (0-based) of a series starting on first. */
static struct date
due_date(enum plan_freq f, struct date first, int i)
{
	if (freqs[f].step_days == 0)
		return date_add_months(first, i, first.day);
	return date_add_days(first, freqs[f].step_days * i);
}

int
plan_schedule(int64_t balance, const struct plan_policy *p,
    enum plan_freq f, int count, struct date first_due,
    struct plan_schedule *out)
{
	struct plan_schedule	 s;
	int64_t			 base;
	int			 i;

	if (out == NULL || !plan_policy_valid(p) || !freq_offered(p, f))
		return -1;
	if (balance <= 0 || balance < p->min_balance)
		return -1;
	if (count < 2 || count > p->max_installments ||
	    count > PLAN_MAX_INSTALLMENTS)
		return -1;
	if (!date_valid(first_due))
		return -1;
	base = balance / count;
	if (base < p->min_installment)
		return -1;
	memset(&s, 0, sizeof(s));
	s.freq = f;
	s.count = count;
	s.total = balance;
	for (i = 0; i < count; i++) {
		s.items[i].amount = base;
		s.items[i].due = due_date(f, first_due, i);
		if (!date_valid(s.items[i].due))
			return -1;
	}
	s.items[0].amount += balance % count;
	s.first_due = s.items[0].due;
	s.last_due = s.items[count - 1].due;
	*out = s;
	return 0;
}

/*
 * Picks at most PLAN_OPTIONS_PER_FREQ of the n ascending counts in fit[]:
 * all of them when there are that few, else the shortest, the longest and
 * the one whose square is nearest to shortest * longest (the geometric
 * mean, so the installment amounts are evenly spread by ratio; ties go to
 * the shorter plan). Writes the picks to pick[] ascending; returns their
 * number.
 */
static int
pick_spread(const int *fit, int n, int *pick)
{
	int64_t	 target, best = -1, diff;
	int	 i, mid = 1;

	if (n <= PLAN_OPTIONS_PER_FREQ) {
		for (i = 0; i < n; i++)
			pick[i] = fit[i];
		return n;
	}
	target = (int64_t)fit[0] * fit[n - 1];
	for (i = 1; i < n - 1; i++) {
		diff = (int64_t)fit[i] * fit[i] - target;
		if (diff < 0)
			diff = -diff;
		if (best < 0 || diff < best) {
			best = diff;
			mid = i;
		}
	}
	pick[0] = fit[0];
	pick[1] = fit[mid];
	pick[2] = fit[n - 1];
	return 3;
}

/* Orders schedules by last_due, then count, then frequency. */
static bool
sched_before(const struct plan_schedule *a, const struct plan_schedule *b)
{
	int32_t	 d = date_diff(a->last_due, b->last_due);

	if (d != 0)
		return d < 0;
	if (a->count != b->count)
		return a->count < b->count;
	return a->freq < b->freq;
}

/*
 * Appends to found[] (which has *n entries) the picked schedules of
 * frequency f. found has room for PLAN_MAX_OPTIONS; PLAN_FREQ__MAX *
 * PLAN_OPTIONS_PER_FREQ fits in that.
 */
static void
add_freq(int64_t balance, const struct plan_policy *p, enum plan_freq f,
    struct date first, struct plan_schedule *found, int *n)
{
	struct plan_schedule	 scratch;
	int			 fit[MAX_CANDIDATES], pick[PLAN_OPTIONS_PER_FREQ];
	int			 nfit = 0, npick, i;

	for (i = 0; i < freqs[f].ncand; i++)
		if (plan_schedule(balance, p, f, freqs[f].cand[i], first,
		    &scratch) == 0)
			fit[nfit++] = freqs[f].cand[i];
	npick = pick_spread(fit, nfit, pick);
	for (i = 0; i < npick && *n < PLAN_MAX_OPTIONS; i++)
		if (plan_schedule(balance, p, f, pick[i], first,
		    &found[*n]) == 0)
			(*n)++;
}

int
plan_options(int64_t balance, const struct plan_policy *p,
    struct date today, struct plan_schedule *out, int max_out)
{
	struct date		 first;

	if (!plan_policy_valid(p) || !date_valid(today) || max_out < 0 ||
	    (out == NULL && max_out > 0))
		return -1;
	first = date_add_days(today, p->first_due_days);
	return plan_options_from(balance, p, first, out, max_out);
}

bool
plan_same(const struct plan_schedule *a, const struct plan_schedule *b)
{
	int	i;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++)
		if (date_diff(a->items[i].due, b->items[i].due) != 0 ||
		    a->items[i].amount != b->items[i].amount)
			return false;
	return true;
}

int
plan_options_from(int64_t balance, const struct plan_policy *p,
    struct date first, struct plan_schedule *out, int max_out)
{
	struct plan_schedule	 found[PLAN_MAX_OPTIONS];
	int			 order[PLAN_MAX_OPTIONS];
	int			 n = 0, i, j, k, kept;
	enum plan_freq		 f;

	_Static_assert(PLAN_FREQ__MAX * PLAN_OPTIONS_PER_FREQ <=
	    PLAN_MAX_OPTIONS, "options per frequency do not fit");
	if (!plan_policy_valid(p) || max_out < 0 ||
	    (out == NULL && max_out > 0))
		return -1;
	if (balance <= 0 || !date_valid(first))
		return 0;
	for (f = 0; f < PLAN_FREQ__MAX; f++)
		if (freq_offered(p, f))
			add_freq(balance, p, f, first, found, &n);
	/* Insertion sort of indices: n is at most PLAN_MAX_OPTIONS. */
	for (i = 0; i < n; i++) {
		k = i;
		for (j = i; j > 0 && sched_before(&found[k],
		    &found[order[j - 1]]); j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
	kept = 0;
	for (i = 0; i < n && kept < max_out; i++) {
		for (j = 0; j < kept; j++)
			if (plan_same(&out[j], &found[order[i]]))
				break;
		if (j == kept)
			out[kept++] = found[order[i]];
	}
	return kept;
}

enum plan_own_result
plan_own(int64_t balance, const struct plan_policy *p, enum plan_freq f,
    int count, int64_t amount, struct date first, struct plan_schedule *out)
{
	struct plan_policy	 hard = { .min_installment = 1,
	    .max_installments = PLAN_MAX_INSTALLMENTS,
	    .freq_mask = FREQ_MASK_ALL, .first_due_days = 0, .min_balance = 0 };
	int64_t			 n;

	if (out == NULL || !plan_policy_valid(p) || balance <= 0 ||
	    (unsigned)f >= PLAN_FREQ__MAX || !date_valid(first) ||
	    count < 0 || (count == 0 && amount <= 0))
		return PLAN_OWN_BAD;
	n = count > 0 ? count : (balance + amount - 1) / amount;
	if (n < 2)
		return PLAN_OWN_TOO_BIG;
	if (n > PLAN_MAX_INSTALLMENTS || balance / n < 1)
		return PLAN_OWN_TOO_LONG;
	if (plan_schedule(balance, p, f, (int)n, first, out) == 0)
		return PLAN_OWN_OK;
	if (plan_schedule(balance, &hard, f, (int)n, first, out) == 0)
		return PLAN_OWN_OUTSIDE;
	return PLAN_OWN_BAD;
}

const char *
plan_freq_name(enum plan_freq f)
{
	if ((unsigned)f >= PLAN_FREQ__MAX)
		return NULL;
	return freqs[f].name;
}

int
plan_freq_parse(const char *s, enum plan_freq *out)
{
	enum plan_freq	 f;

	if (s == NULL || out == NULL)
		return -1;
	for (f = 0; f < PLAN_FREQ__MAX; f++)
		if (strcmp(s, freqs[f].name) == 0) {
			*out = f;
			return 0;
		}
	return -1;
}

int
plan_paid(const int64_t *amounts, int n, int64_t paid, int64_t *paid_each)
{
	int	i, first = -1;

	if (n < 0 || n > PLAN_MAX_INSTALLMENTS || (n > 0 &&
	    (amounts == NULL || paid_each == NULL)))
		return -1;
	if (paid < 0)
		paid = 0;
	for (i = 0; i < n; i++) {
		paid_each[i] = paid < amounts[i] ? paid : amounts[i];
		paid -= paid_each[i];
		if (first == -1 && paid_each[i] < amounts[i])
			first = i;
	}
	return first == -1 ? n : first;
}
