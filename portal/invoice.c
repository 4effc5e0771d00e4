#include <stddef.h>
#include <string.h>

#include "invoice.h"
#include "money.h"

static const char *const kind_names[INVOICE_KIND__MAX] = {
	[INVOICE_LINE] = INVOICE_LINE_NAME,
	[INVOICE_FEE] = INVOICE_FEE_NAME,
	[INVOICE_PAYMENT] = INVOICE_PAYMENT_NAME,
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
	int64_t			owed;

	if ((unsigned)k >= INVOICE_KIND__MAX ||
	    money_add(n.sum[k], amount, &n.sum[k]) == -1 ||
	    money_add(n.sum[INVOICE_LINE], n.sum[INVOICE_FEE], &owed) == -1 ||
	    money_sub(owed, n.sum[INVOICE_PAYMENT], &n.balance) == -1)
		return -1;
	*t = n;
	return 0;
}
