#ifndef PORTAL_INVOICE_H
#define PORTAL_INVOICE_H

#include <stdint.h>

/*
 * What an invoice is made of: lines (quantity times unit price), late fees
 * and payments received, each an amount in integer minor units. The balance
 * is lines + fees - payments. Pure functions: the debtor pages, the staff
 * pages and the import share this one definition.
 */
enum invoice_kind {
	INVOICE_LINE,
	INVOICE_FEE,
	INVOICE_PAYMENT,
	INVOICE_KIND__MAX
};

/*
 * The kinds as the import format and the database spell them. They are
 * macros so that SQL text (sql.c) can be built from the same words.
 */
#define INVOICE_LINE_NAME	"line"
#define INVOICE_FEE_NAME	"fee"
#define INVOICE_PAYMENT_NAME	"payment"

struct invoice_totals {
	int64_t	sum[INVOICE_KIND__MAX];	/* per kind */
	int64_t	balance;		/* lines + fees - payments */
};

/* The kind's name ("line", "fee", "payment", static); NULL for an unknown value. */
const char *invoice_kind_name(enum invoice_kind k);
/* The kind named exactly s in *out; 0, or -1 (out untouched). */
int invoice_kind_parse(const char *s, enum invoice_kind *out);
/* Sets every sum and the balance to zero. */
void invoice_totals_init(struct invoice_totals *t);
/*
 * Adds amount to the sum of kind k and updates the balance; 0, or -1 when
 * k is unknown or a sum or the balance would overflow (t untouched).
 */
int invoice_totals_add(struct invoice_totals *t, enum invoice_kind k,
    int64_t amount);

#endif
