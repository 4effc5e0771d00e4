#ifndef PORTAL_BANKCSV_H
#define PORTAL_BANKCSV_H

#include <stddef.h>

/*
 * A bank statement as CSV (RFC 4180, UTF-8, read with csv.c), for banks
 * without camt.053: a header row naming the columns, in any order,
 *
 *   date,amount,currency,reference,payer[,id]
 *
 * then one row per credit received: date YYYY-MM-DD, amount a decimal in
 * the currency's units above zero ("113.67"; no sign, no more decimals
 * than the currency has), currency a code money.c supports, reference
 * what the payer wrote (it becomes the booking's text), payer the payer's
 * name, id the bank's own id of the booking. Reference and payer may be
 * empty. Every column but id is required; unknown or repeated columns are
 * refused.
 *
 * Idempotency (the booking's id): with an id column, its value, which
 * must be unique in the file. Without one, "h:" + a BLAKE2b hash of the
 * row's values (date, amount, currency, reference, payer; amount in its
 * canonical form) + "/" + the row's ordinal among identical rows of the
 * file: reading an export again, or a later one that repeats its rows,
 * gives the same ids, and two identical payments on one day stay two.
 * (A later export that holds only some of one day's identical rows would
 * count them again from 1: export whole days.)
 *
 * Any fault refuses the whole file, naming the line and the column.
 */
struct arena;
struct credit_list;

#define BANKCSV_MAX_FILE	(16 * 1024 * 1024)
#define BANKCSV_MAX_TEXT	1024	/* bytes of a reference */
#define BANKCSV_MAX_NAME	140	/* bytes of a payer */
#define BANKCSV_MAX_ID		64	/* bytes of an id */

enum bankcsv_err {
	BANKCSV_OK,
	BANKCSV_ERR_ARGS,	/* NULL arguments */
	BANKCSV_ERR_SIZE,	/* over BANKCSV_MAX_FILE */
	BANKCSV_ERR_CSV,	/* not readable as CSV (csv.c's error) */
	BANKCSV_ERR_HEADER,	/* no header, or a column missing, unknown or repeated */
	BANKCSV_ERR_FIELDS,	/* a row with more or fewer fields than the header */
	BANKCSV_ERR_DATE,
	BANKCSV_ERR_AMOUNT,	/* malformed, not above zero, too many decimals */
	BANKCSV_ERR_CURRENCY,
	BANKCSV_ERR_TEXT,	/* reference or payer too long, or with control characters */
	BANKCSV_ERR_ID,		/* an id empty, too long, odd, or used twice */
	BANKCSV_ERR_LIMIT,	/* more than CREDIT_MAX rows */
	BANKCSV_ERR_MEMORY,
	BANKCSV_ERR__MAX
};

/*
 * Reads len bytes of CSV into out (initialised here; everything from a).
 * BANKCSV_OK, or the fault with err (errsz bytes, may be 0) naming line
 * and column; out is then empty.
 */
enum bankcsv_err bankcsv_parse(struct arena *a, const char *data, size_t len,
    struct credit_list *out, char *err, size_t errsz);
/* A static English message for err. */
const char *bankcsv_strerror(enum bankcsv_err err);

#endif
