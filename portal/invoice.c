#include <stddef.h>
#include <string.h>

#include "invoice.h"
#include "money.h"

static const char *const kind_names[INVOICE_KIND__MAX] = {
	[INVOICE_LINE] = INVOICE_LINE_NAME,
	[INVOICE_FEE] = INVOICE_FEE_NAME,
	[INVOICE_PAYMENT] = INVOICE_PAYMENT_NAME,
	[INVOICE_WAIVER] = INVOICE_WAIVER_NAME,
};

const char *
invoice_kind_name(enum invoice_kind k)
{
	if ((unsigned)k >= INVOICE_KIND__MAX)
		return NULL;
	return kind_names[k];
}

int
invoice_kind_parse(const char *s, enum invoice_kind *out)
{
	int	k;

	for (k = 0; s != NULL && k < INVOICE_KIND__MAX; k++)
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum invoice_kind)k;
			return 0;
		}
	return -1;
}

void
invoice_totals_init(struct invoice_totals *t)
{
	memset(t, 0, sizeof(*t));
}

int
invoice_totals_add(struct invoice_totals *t, enum invoice_kind k,
    int64_t amount)
{
	struct invoice_totals	n = *t;
	int64_t			owed, paid;

	if ((unsigned)k >= INVOICE_KIND__MAX ||
	    money_add(n.sum[k], amount, &n.sum[k]) == -1 ||
	    money_add(n.sum[INVOICE_LINE], n.sum[INVOICE_FEE], &owed) == -1 ||
	    money_add(n.sum[INVOICE_PAYMENT], n.sum[INVOICE_WAIVER], &paid) == -1 ||
	    money_sub(owed, paid, &n.balance) == -1)
		return -1;
	*t = n;
	return 0;
}

enum invoice_state
invoice_state(const struct invoice_account *a)
{
	if (a->balance <= 0)
		return INVOICE_STATE_PAID;
	if (a->held)
		return INVOICE_STATE_HELD;
	if (a->plan_active)
		return INVOICE_STATE_PLAN;
	if (a->plan_broken)
		return INVOICE_STATE_BROKEN;
	return INVOICE_STATE_DUE;
}

enum invoice_pay_by
invoice_pay_by(struct date today, struct date due, struct date reminded,
    struct date *out)
{
	if (date_valid(reminded) && date_diff(reminded, today) >= 0) {
		*out = reminded;
		return INVOICE_PAY_BY_DATE;
	}
	if (!date_valid(reminded) && date_valid(due) &&
	    date_diff(due, today) >= 0) {
		*out = due;
		return INVOICE_PAY_BY_DATE;
	}
	*out = DATE_INVALID;
	return INVOICE_PAY_BY_NOW;
}

int
invoice_next_installment(const struct invoice_installment *v, int n,
    int *npaid)
{
	int	i, next = -1, paid = 0;

	for (i = 0; i < n; i++) {
		if (v[i].paid >= v[i].amount)
			paid++;
		else if (next == -1)
			next = i;
	}
	if (npaid != NULL)
		*npaid = paid;
	return next;
}
