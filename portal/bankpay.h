#ifndef PORTAL_BANKPAY_H
#define PORTAL_BANKPAY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "date.h"

/*
 * Payments that arrive by themselves (issue 16): a bank statement (camt.053
 * or the CSV of bankcsv.h, told apart by their content) read into
 * bank_credits, each credit matched to an invoice by its reference
 * (payref.h: the invoice number, tolerant of spaces and case) and recorded
 * as a payment of it, which pays the oldest unpaid installment of its active
 * plan. What cannot be matched goes to staff (/staff/payments): no invoice
 * named, two named, another currency than the invoice's, an invoice already
 * paid, and returns (a credit taken back). Debits and reversals of our own
 * debits are kept but need nobody.
 *
 * Idempotent by the bank's entry reference (unique per account): a booking
 * read again changes nothing. All or nothing per file: the caller's
 * transaction is the file's. A recorded payment writes an audit event and
 * queues a thank-you mail to the debtor in their language.
 */
struct arena;
struct config;
struct db;
struct i18n;
struct view;

/* What the import and staff share: the transaction's connection and the mail machinery. */
struct bankpay_env {
	struct db		*db;
	const struct config	*cfg;
	const struct i18n	*i18n;		/* the mail templates of every language */
	struct arena		*arena;		/* for views and texts */
	time_t			 now;
	/* A mail's root view with the site's values in language lang (page.h). */
	struct view		*(*root)(struct arena *a, const struct config *cfg,
				    const char *lang);
};

/* Who records a payment, for its audit event. */
struct bankpay_actor {
	const char	*actor;		/* "admin", "staff" */
	const char	*staff_id;	/* NULL unless staff */
	const char	*client_addr;	/* NULL is "" */
};

struct bankpay_stats {
	int	bookings;	/* read from the file */
	int	matched;	/* recorded as payments */
	int	review;		/* left for staff */
	int	repeated;	/* imported before: nothing done */
	int	other;		/* debits and reversals, kept */
	int	pending;	/* not booked yet: skipped by the reader */
};

#define BANKPAY_MAX_FILE	(32 * 1024 * 1024)

/*
 * Imports the statement of len bytes at data (file names it in messages)
 * inside the caller's transaction (begun; the caller commits). 0, or -1
 * with err saying what and which entry; the caller then rolls back.
 */
int bankpay_import(const struct bankpay_env *e, const char *file,
    const char *data, size_t len, struct bankpay_stats *st, char *err,
    size_t errsz);
/*
 * Records credit credit_id (cents received on booked, entry names it in the
 * audit) as a payment of invoice invoice_id: the payment, the installment
 * it pays, the plan completed when the invoice is settled, the audit event
 * by who and the thank-you mail. Inside the caller's transaction; 0 or -1.
 */
int bankpay_apply(const struct bankpay_env *e, const char *credit_id,
    int64_t cents, struct date booked, const char *entry,
    const char *invoice_id, const struct bankpay_actor *who);

#endif
