#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "bankcsv.h"
#include "credit.h"
#include "csv.h"
#include "date.h"
#include "money.h"

enum column {
	COL_DATE,
	COL_AMOUNT,
	COL_CURRENCY,
	COL_REFERENCE,
	COL_PAYER,
	COL_ID,			/* optional */
	COL__MAX
};

static const char *const column_names[COL__MAX] = {
	"date", "amount", "currency", "reference", "payer", "id",
};

static const char *const messages[BANKCSV_ERR__MAX] = {
	[BANKCSV_OK] = "no error",
	[BANKCSV_ERR_ARGS] = "invalid arguments",
	[BANKCSV_ERR_SIZE] = "the file is too large",
	[BANKCSV_ERR_CSV] = "the file is not readable as CSV",
	[BANKCSV_ERR_HEADER] = "the header row lacks a column, or has an "
	    "unknown or repeated one",
	[BANKCSV_ERR_FIELDS] = "a row has more or fewer fields than the header",
	[BANKCSV_ERR_DATE] = "a date is not a date (YYYY-MM-DD)",
	[BANKCSV_ERR_AMOUNT] = "an amount is malformed, not above zero or has "
	    "too many decimals",
	[BANKCSV_ERR_CURRENCY] = "a currency is not supported",
	[BANKCSV_ERR_TEXT] = "a reference or payer is too long or has control "
	    "characters",
	[BANKCSV_ERR_ID] = "an id is empty, too long, malformed or used twice",
	[BANKCSV_ERR_LIMIT] = "too many rows",
	[BANKCSV_ERR_MEMORY] = "out of memory",
};

const char *
bankcsv_strerror(enum bankcsv_err err)
{
	if ((unsigned)err >= BANKCSV_ERR__MAX)
		return "unknown error";
	return messages[err];
}

struct bankcsv {
	struct arena		*a;
	struct credit_list	*out;
	struct csv		*csv;		/* 64 KiB: from the arena */
	size_t			 map[COL__MAX];	/* field index of each column */
	bool			 has[COL__MAX];
	size_t			 nfields;	/* in the header */
	char			*err;
	size_t			 errsz;
};

/* Records "line L[, column N (name)]: message" (col COL__MAX: no column); returns e. */
static enum bankcsv_err
fail(struct bankcsv *b, enum bankcsv_err e, unsigned line, enum column col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static enum bankcsv_err
fail(struct bankcsv *b, enum bankcsv_err e, unsigned line, enum column col,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b->errsz == 0)
		return e;
	if (col < COL__MAX)
		n = snprintf(b->err, b->errsz, "line %u, column %zu (%s): ",
		    line, b->map[col] + 1, column_names[col]);
	else
		n = snprintf(b->err, b->errsz, "line %u: ", line);
	if (n >= 0 && (size_t)n < b->errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(b->err + n, b->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return e;
}

/* Maps the header's names to columns: all but id required, none unknown or twice. */
static enum bankcsv_err
header(struct bankcsv *b, const struct csv_record *r)
{
	size_t	 i, c;

	for (i = 0; i < r->nfields; i++) {
		for (c = 0; c < COL__MAX; c++)
			if (strcmp(r->fields[i], column_names[c]) == 0)
				break;
		if (c == COL__MAX)
			return fail(b, BANKCSV_ERR_HEADER, r->line, COL__MAX,
			    "unknown column \"%s\" (the columns are date, "
			    "amount, currency, reference, payer and id)",
			    r->fields[i]);
		if (b->has[c])
			return fail(b, BANKCSV_ERR_HEADER, r->line, COL__MAX,
			    "column \"%s\" is given twice", r->fields[i]);
		b->has[c] = true;
		b->map[c] = i;
	}
	for (c = 0; c < COL_ID; c++)
		if (!b->has[c])
			return fail(b, BANKCSV_ERR_HEADER, r->line, COL__MAX,
			    "column \"%s\" is missing", column_names[c]);
	b->nfields = r->nfields;
	return BANKCSV_OK;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A reference or payer: at most max bytes, one line. */
static enum bankcsv_err
check_text(struct bankcsv *b, const struct csv_record *r, enum column col,
    size_t max)
{
	const char	*s = r->fields[b->map[col]];

	if (strlen(s) > max)
		return fail(b, BANKCSV_ERR_TEXT, r->line, col, "is longer than "
		    "%zu bytes", max);
	if (has_control(s))
		return fail(b, BANKCSV_ERR_TEXT, r->line, col, "may not contain "
		    "line breaks or control characters");
	return BANKCSV_OK;
}

/* The bank's id: 1 to BANKCSV_MAX_ID printable ASCII characters, no "h:" of ours. */
static enum bankcsv_err
check_id(struct bankcsv *b, const struct csv_record *r)
{
	const char	*s = r->fields[b->map[COL_ID]];
	size_t		 i, n = strlen(s);

	if (n == 0 || n > BANKCSV_MAX_ID)
		return fail(b, BANKCSV_ERR_ID, r->line, COL_ID, "must be 1 to %d "
		    "characters", BANKCSV_MAX_ID);
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return fail(b, BANKCSV_ERR_ID, r->line, COL_ID, "may hold "
			    "only printable ASCII without spaces");
	if (strncmp(s, "h:", 2) == 0)
		return fail(b, BANKCSV_ERR_ID, r->line, COL_ID, "may not start "
		    "with \"h:\" (Settle's own ids do)");
	return BANKCSV_OK;
}

/* Date, currency and amount of a row into cr. */
static enum bankcsv_err
values(struct bankcsv *b, const struct csv_record *r, struct credit *cr)
{
	const char	*date = r->fields[b->map[COL_DATE]];
	const char	*ccy = r->fields[b->map[COL_CURRENCY]];
	const char	*amount = r->fields[b->map[COL_AMOUNT]];
	char		 why[64];

	if (date_parse(date, &cr->booked) == -1)
		return fail(b, BANKCSV_ERR_DATE, r->line, COL_DATE, "\"%s\" is "
		    "not a date (YYYY-MM-DD)", date);
	if (money_exponent(ccy) < 0)
		return fail(b, BANKCSV_ERR_CURRENCY, r->line, COL_CURRENCY, "\"%s\" "
		    "is not a supported currency code (EUR, USD, GBP, ...)", ccy);
	memcpy(cr->currency, ccy, sizeof(cr->currency));
	if (credit_parse_amount(amount, ccy, &cr->cents, why, sizeof(why)) == -1)
		return fail(b, BANKCSV_ERR_AMOUNT, r->line, COL_AMOUNT, "\"%s\" %s%s",
		    amount, why, *amount == '-' ? ": the file lists credits "
		    "received only" : "");
	return BANKCSV_OK;
}

/*
 * Without an id column: "h:" and the hex of a BLAKE2b hash of the row's
 * canonical values, each followed by a NUL. The ordinal comes later.
 */
static char *
row_hash(struct bankcsv *b, const struct csv_record *r, const struct credit *cr)
{
	crypto_generichash_state	 st;
	unsigned char			 h[16];
	char				 date[DATE_ISO_SIZE], amount[MONEY_FORMAT_MAX];
	char				 hex[2 * sizeof(h) + 1];
	const char			*parts[5];
	size_t				 i;

	if (date_format_iso(date, sizeof(date), cr->booked) == -1 ||
	    money_format_plain(amount, sizeof(amount), cr->cents,
	    cr->currency) == -1)
		return NULL;
	parts[0] = date;
	parts[1] = amount;
	parts[2] = cr->currency;
	parts[3] = r->fields[b->map[COL_REFERENCE]];
	parts[4] = r->fields[b->map[COL_PAYER]];
	if (crypto_generichash_init(&st, NULL, 0, sizeof(h)) != 0)
		return NULL;
	for (i = 0; i < 5; i++)
		if (crypto_generichash_update(&st, (const unsigned char *)parts[i],
		    strlen(parts[i]) + 1) != 0)
			return NULL;
	if (crypto_generichash_final(&st, h, sizeof(h)) != 0)
		return NULL;
	(void)sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return arena_printf(b->a, "h:%s", hex);
}

/* Checks one data row and adds its credit (id: the bank's, or the bare hash). */
static enum bankcsv_err
row(struct bankcsv *b, const struct csv_record *r)
{
	struct credit		*cr;
	enum bankcsv_err	 e;

	if (r->nfields != b->nfields)
		return fail(b, BANKCSV_ERR_FIELDS, r->line, COL__MAX, "has %zu "
		    "fields, the header %zu", r->nfields, b->nfields);
	if ((cr = credit_add(b->a, b->out)) == NULL)
		return b->out->n >= CREDIT_MAX ? fail(b, BANKCSV_ERR_LIMIT,
		    r->line, COL__MAX, "more than %d rows", CREDIT_MAX) :
		    fail(b, BANKCSV_ERR_MEMORY, r->line, COL__MAX, "out of memory");
	if ((e = values(b, r, cr)) != BANKCSV_OK ||
	    (e = check_text(b, r, COL_REFERENCE, BANKCSV_MAX_TEXT)) != BANKCSV_OK ||
	    (e = check_text(b, r, COL_PAYER, BANKCSV_MAX_NAME)) != BANKCSV_OK ||
	    (b->has[COL_ID] && (e = check_id(b, r)) != BANKCSV_OK))
		return e;
	cr->kind = CREDIT_KIND_CREDIT;
	cr->text = arena_strdup(b->a, r->fields[b->map[COL_REFERENCE]]);
	cr->party = arena_strdup(b->a, r->fields[b->map[COL_PAYER]]);
	cr->id = b->has[COL_ID] ? arena_strdup(b->a, r->fields[b->map[COL_ID]]) :
	    row_hash(b, r, cr);
	cr->reference = cr->end_to_end = cr->bank_ref = cr->account = "";
	cr->entry = (unsigned)b->out->n;
	cr->tx = 1;
	cr->line = r->line;
	if (cr->text == NULL || cr->party == NULL || cr->id == NULL)
		return fail(b, BANKCSV_ERR_MEMORY, r->line, COL__MAX,
		    "out of memory");
	return BANKCSV_OK;
}

/* By id, then place in the list (items are one array). */
static int
by_id(const void *pa, const void *pb)
{
	const struct credit	*a = *(const struct credit *const *)pa;
	const struct credit	*b = *(const struct credit *const *)pb;
	int			 c = strcmp(a->id, b->id);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

/* Appends "/N" to each hash id, N its 1-based place among rows of the same hash. */
static enum bankcsv_err
ordinals(struct bankcsv *b)
{
	struct credit	**v;
	const char	 *prev = "";
	size_t		  i, n = b->out->n;
	unsigned	  k = 0;

	if (n == 0)
		return BANKCSV_OK;
	if ((v = arena_alloc(b->a, n * sizeof(*v))) == NULL)
		return fail(b, BANKCSV_ERR_MEMORY, 0, COL__MAX, "out of memory");
	for (i = 0; i < n; i++)
		v[i] = &b->out->items[i];
	qsort(v, n, sizeof(*v), by_id);
	for (i = 0; i < n; i++) {
		k = strcmp(prev, v[i]->id) == 0 ? k + 1 : 1;
		prev = v[i]->id;
		if ((v[i]->id = arena_printf(b->a, "%s/%u", prev, k)) == NULL)
			return fail(b, BANKCSV_ERR_MEMORY, 0, COL__MAX,
			    "out of memory");
	}
	return BANKCSV_OK;
}

/* The bank's ids must be unique within the file. */
static enum bankcsv_err
unique_ids(struct bankcsv *b)
{
	size_t	 i, j;
	int	 rc;

	if ((rc = credit_duplicate(b->a, b->out, &i, &j)) == -1)
		return fail(b, BANKCSV_ERR_MEMORY, 0, COL__MAX, "out of memory");
	if (rc == 0)
		return BANKCSV_OK;
	return fail(b, BANKCSV_ERR_ID, b->out->items[j].line, COL_ID, "\"%s\" "
	    "was already used on line %u", b->out->items[j].id,
	    b->out->items[i].line);
}

static enum bankcsv_err
read_rows(struct bankcsv *b)
{
	struct csv_record	 r;
	enum bankcsv_err	 e;
	int			 rc;

	if ((rc = csv_next(b->csv, &r)) == 0)
		return fail(b, BANKCSV_ERR_HEADER, 1, COL__MAX, "the file is "
		    "empty; it needs a header row (date,amount,currency,"
		    "reference,payer)");
	if (rc == 1 && (e = header(b, &r)) != BANKCSV_OK)
		return e;
	while (rc == 1 && (rc = csv_next(b->csv, &r)) == 1)
		if ((e = row(b, &r)) != BANKCSV_OK)
			return e;
	if (rc == -1)
		return fail(b, BANKCSV_ERR_CSV, b->csv->line, COL__MAX,
		    "column %u: %s", b->csv->column, b->csv->error);
	return b->has[COL_ID] ? unique_ids(b) : ordinals(b);
}

enum bankcsv_err
bankcsv_parse(struct arena *a, const char *data, size_t len,
    struct credit_list *out, char *err, size_t errsz)
{
	struct bankcsv		 b;
	enum bankcsv_err	 e;

	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (out != NULL)
		credit_list_init(out);
	if (a == NULL || (data == NULL && len > 0) || out == NULL ||
	    (err == NULL && errsz > 0))
		return BANKCSV_ERR_ARGS;
	memset(&b, 0, sizeof(b));
	b.a = a;
	b.out = out;
	b.err = err;
	b.errsz = errsz;
	if (len > BANKCSV_MAX_FILE) {
		e = fail(&b, BANKCSV_ERR_SIZE, 1, COL__MAX, "the file is over %d "
		    "bytes", BANKCSV_MAX_FILE);
		goto out;
	}
	if ((b.csv = arena_alloc(a, sizeof(*b.csv))) == NULL) {
		e = BANKCSV_ERR_MEMORY;
		goto out;
	}
	(void)csv_init(b.csv, data, len);
	e = read_rows(&b);
out:
	if (e != BANKCSV_OK)
		credit_list_init(out);
	return e;
}
