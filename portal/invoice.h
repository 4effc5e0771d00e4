#ifndef PORTAL_INVOICE_H
#define PORTAL_INVOICE_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"

/*
 * What an invoice is made of: lines (quantity times unit price), late fees
 * and payments received, each an amount in integer minor units, and fees
 * staff waived (issue 15). The balance is lines + fees - payments - waived.
 * Fees frozen by a hold are no item at all (the pages never read them). Pure functions: the debtor pages, the staff
 * pages and the import share this one definition.
 */
enum invoice_kind {
	INVOICE_LINE,
	INVOICE_FEE,
	INVOICE_PAYMENT,
	INVOICE_WAIVER,		/* late fees waived by a manager; never imported */
	INVOICE_KIND__MAX
};

/*
 * The kinds as the import format and the database spell them. They are
 * macros so that SQL text (sql.c) can be built from the same words.
 */
#define INVOICE_LINE_NAME	"line"
#define INVOICE_FEE_NAME	"fee"
#define INVOICE_PAYMENT_NAME	"payment"
#define INVOICE_WAIVER_NAME	"waiver"

struct invoice_totals {
	int64_t	sum[INVOICE_KIND__MAX];	/* per kind */
	int64_t	balance;		/* lines + fees - payments - waivers */
};

/* The kind's name ("line", "fee", "payment", "waiver", static); NULL for an unknown value. */
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

/*
 * What the invoice page asks of the debtor, decided from the account
 * (issue 13): the page tells the truth, so a paid invoice makes no demand,
 * a plan asks for its next installment and a hold asks for nothing.
 */
enum invoice_state {
	INVOICE_STATE_PAID,	/* balance <= 0: thanks, nothing owed */
	INVOICE_STATE_HELD,	/* a reminder hold (hardship): no demand, a person calls */
	INVOICE_STATE_PLAN,	/* an active plan: its next installment */
	INVOICE_STATE_BROKEN,	/* the plan broke: said so, and the balance is due */
	INVOICE_STATE_DUE,	/* the balance, by a date */
	INVOICE_STATE__MAX
};

struct invoice_account {
	int64_t	balance;
	bool	held;		/* an active reminder hold */
	bool	plan_active;
	bool	plan_broken;	/* the latest plan broke, and no other is active */
};

/*
 * The state, first match wins: paid, held, an active plan, a broken plan,
 * else the balance is due. Paid comes first: a paid invoice under a plan or
 * a hold owes nothing; a hold comes before a plan: while a person looks at
 * the debtor's difficulty, the page asks for no money at all.
 */
enum invoice_state invoice_state(const struct invoice_account *a);

enum invoice_pay_by {
	INVOICE_PAY_BY_DATE,	/* by the date in *out */
	INVOICE_PAY_BY_NOW,	/* "as soon as possible": no fixed date applies */
	INVOICE_PAY_BY__MAX
};

/*
 * The "please pay by" of the balance demand. reminded is the fixed date
 * named by the latest reminder email (DATE_INVALID when none named one):
 * that date, while it is today or later. Without one, the due date while it
 * is today or later. Otherwise no date was ever promised that still holds,
 * and the page says "as soon as possible" rather than make one up: a date
 * computed when the page is opened (today + N) moves every day and would
 * contradict the emails.
 */
enum invoice_pay_by invoice_pay_by(struct date today, struct date due,
    struct date reminded, struct date *out);

/* An installment of a plan with what has been paid towards it. */
struct invoice_installment {
	struct date	 due;
	int64_t		 amount;
	int64_t		 paid;		/* 0 .. amount */
};

/*
 * The index of the first of n installments (in order) not paid in full, or
 * -1 when every one is; *npaid (may be NULL) is how many are paid in full.
 */
int invoice_next_installment(const struct invoice_installment *v, int n,
    int *npaid);

#endif
