#ifndef PORTAL_CREDIT_H
#define PORTAL_CREDIT_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

/*
 * Bookings read from a bank statement (camt.c for ISO 20022 camt.053,
 * bankcsv.c for our CSV): what `portal-admin payments` matches to
 * invoices. Both readers fill the same list, and everything in it lives in
 * the arena the caller passed them.
 *
 * id is the idempotency key: the same booking read again, from the same
 * file or a later statement that repeats it, has the same id, and no two
 * bookings of one list share one (the readers refuse such a file). Store
 * it unique per account (the pair account, id; account is "" for CSV).
 *
 * Only CREDIT_KIND_CREDIT is money a debtor paid us. The other kinds are
 * read so that the caller can tell staff about them, never to be matched:
 * a return is a credit taken back (a debit with the reversal indicator,
 * e.g. the payer's bank returned it), a reversal is one of our own debits
 * taken back.
 */
struct arena;

#define CREDIT_MAX	50000	/* bookings in one statement */
#define CREDIT_ID_MAX	80	/* bytes of an id */

enum credit_kind {
	CREDIT_KIND_CREDIT,	/* money in: match it */
	CREDIT_KIND_DEBIT,	/* money out */
	CREDIT_KIND_RETURN,	/* a credit taken back */
	CREDIT_KIND_REVERSAL,	/* a debit taken back */
	CREDIT_KIND__MAX
};

struct credit {
	const char	*id;		/* see above */
	enum credit_kind kind;
	struct date	 booked;
	int64_t		 cents;		/* > 0, in the currency's minor units */
	char		 currency[4];	/* ISO 4217, supported by money.c */
	const char	*reference;	/* structured creditor reference(s), "" if none */
	const char	*text;		/* unstructured remittance, "" if none */
	const char	*party;		/* payer of a credit or return, payee of a debit; "" if none */
	const char	*end_to_end;	/* EndToEndId, "" if none */
	const char	*bank_ref;	/* the bank's own reference, "" if none */
	const char	*account;	/* the statement's account (IBAN), "" if not known */
	unsigned	 entry;		/* 1-based: the statement entry (camt) or data row (CSV) */
	unsigned	 tx;		/* 1-based transaction within the entry */
	unsigned	 line;		/* line of the file it was read from */
};

struct credit_list {
	struct credit	*items;		/* n of them, in file order */
	size_t		 n;
	size_t		 cap;
	size_t		 skipped;	/* entries left out: not booked (camt) */
};

/* Empties l (its memory stays with the arena it came from). */
void credit_list_init(struct credit_list *l);
/* A zeroed new last item of l, allocated from a; NULL when l holds CREDIT_MAX or on out of memory. */
struct credit *credit_add(struct arena *a, struct credit_list *l);
/* Index pairs *first < *second of two items with the same account and id: 1 if found, 0 if all unique, -1 on out of memory. */
int credit_duplicate(struct arena *a, const struct credit_list *l, size_t *first, size_t *second);
/*
 * A statement amount s in currency: a plain decimal above zero with no
 * more decimals than the currency has, into *cents. 0, or -1 with why
 * (whysz bytes) completing "<s> ...": "is negative", "has more decimals
 * than EUR allows", "is not an amount in EUR", "is not above zero".
 */
int credit_parse_amount(const char *s, const char *currency, int64_t *cents,
    char *why, size_t whysz);
/* "credit", "debit", "return", "reversal"; "unknown" otherwise. */
const char *credit_kind_name(enum credit_kind k);

#endif
