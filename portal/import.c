#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "audit.h"
#include "buf.h"
#include "csv.h"
#include "date.h"
#include "db.h"
#include "import.h"
#include "invoice.h"
#include "mail.h"
#include "money.h"
#include "tz.h"
#include "utf8.h"

enum column {
	COL_INVOICE,
	COL_CUSTOMER_REF,
	COL_CUSTOMER_NAME,
	COL_EMAIL,
	COL_PHONE,
	COL_LANGUAGE,
	COL_TIMEZONE,		/* optional: may be left out of the file */
	COL_CURRENCY,
	COL_ISSUED,
	COL_DUE,		/* the columns above belong to the invoice */
	COL_KIND,
	COL_DESCRIPTION,
	COL_QUANTITY,
	COL_AMOUNT,
	COL_DATE,
	COL__MAX
};
#define COL_INVOICE_LAST	COL_DUE

static const char *const column_names[COL__MAX] = {
	"invoice", "customer_ref", "customer_name", "email", "phone",
	"language", "timezone", "currency", "issued", "due", "kind", "description",
	"quantity", "amount", "date",
};

struct item {
	enum invoice_kind kind;
	const char	*description;
	const char	*quantity;	/* as written, for the hash */
	const char	*amount;
	int64_t		 qty_milli;	/* lines only */
	int64_t		 cents;		/* unit price, fee or payment */
	int64_t		 total;		/* lines: unit price x quantity */
	struct date	 date;		/* fees and payments */
	unsigned	 line;		/* where in the file, for messages */
	struct item	*next;
};

struct invoice {
	const char	*col[COL_INVOICE_LAST + 1];
	struct date	 issued, due;
	unsigned	 line;		/* where it first appeared */
	size_t		 nlines;
	struct invoice_totals totals;	/* so that no balance overflows */
	struct item	*head, *tail;
	struct invoice	*next;
};

struct import {
	struct arena	*arena;
	const char	*name;
	size_t		 map[COL__MAX];	/* CSV field index of each column */
	size_t		 nfields;	/* of the header */
	struct invoice	*head, *tail;
	char		*err;
	size_t		 errsz;
};

/*
 * Limits that keep every later write possible: a staff mail's subject holds
 * the invoice number and the customer's name (outbox.c's subject buffer),
 * and so do the pages.
 */
#define MAX_NUMBER	32	/* invoice numbers and customer references */
#define MAX_TEXT	100	/* characters of a name */
#define MAX_DESCRIPTION	500

/* Records "FILE:LINE: column: message" and returns -1. */
static int
fail(struct import *im, unsigned line, const char *column, const char *msg)
{
	(void)snprintf(im->err, im->errsz, "%s:%u: %s%s%s", im->name, line,
	    column ? column : "", column ? ": " : "", msg);
	return -1;
}

static bool
all_chars(const char *s, const char *allowed)
{
	return strspn(s, allowed) == strlen(s);
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Field validators: NULL when fine, else what is wrong. */
static const char *
check_code(const char *s)
{
	if (*s == '\0' || strlen(s) > MAX_NUMBER)
		return "must be 1 to 32 characters";
	if (!all_chars(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_./"))
		return "may hold only letters, digits and - _ . /";
	return NULL;
}

static const char *
check_text(const char *s)
{
	if (*s == '\0' || utf8_count(s, strlen(s)) > MAX_TEXT)
		return "must be 1 to 100 characters";
	if (has_control(s))
		return "may not contain line breaks or control characters";
	return NULL;
}

static const char *
check_email(const char *s)
{
	const char	*at = strchr(s, '@');

	/* The mails' own rule (mail.h), and a domain with a dot. */
	if (!mail_address_valid(s) || at == NULL || strchr(at + 1, '.') == NULL ||
	    has_control(s))
		return "is not an email address";
	return NULL;
}

static const char *
check_phone(const char *s)
{
	if (strlen(s) > 32 || !all_chars(s, "0123456789 +-()/."))
		return "may hold only digits, spaces and + - ( ) / .";
	return NULL;
}

/* A language tag: 2 or 3 lower-case letters, then -subtags ("pt-BR"). */
static const char *
check_language(const char *s)
{
	size_t	n = strspn(s, "abcdefghijklmnopqrstuvwxyz"), part;
	const char *p = s + n;

	if (n < 2 || n > 3 || strlen(s) > 15)
		goto bad;
	while (*p == '-') {
		part = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789");
		if (part == 0 || part > 8)
			goto bad;
		p += 1 + part;
	}
	if (*p == '\0')
		return NULL;
bad:
	return "must be a language tag such as en, es or pt-BR";
}

static const char *
check_timezone(const char *s)
{
	if (!tz_valid(s))
		return "is not a time zone of the system's zoneinfo (an IANA "
		    "name such as Europe/Madrid), or leave it empty";
	return NULL;
}

static const char *
check_currency(const char *s)
{
	if (money_exponent(s) < 0)
		return "is not a supported currency code (EUR, USD, GBP, ...)";
	return NULL;
}

static const char *
check_date(const char *s)
{
	struct date	d;

	if (date_parse(s, &d) == -1)
		return "is not a date (YYYY-MM-DD)";
	return NULL;
}

typedef const char *(*validator)(const char *);

static const validator invoice_checks[COL_INVOICE_LAST + 1] = {
	[COL_INVOICE] = check_code,
	[COL_CUSTOMER_REF] = check_code,
	[COL_CUSTOMER_NAME] = check_text,
	[COL_EMAIL] = check_email,
	[COL_PHONE] = check_phone,
	[COL_LANGUAGE] = check_language,
	[COL_TIMEZONE] = check_timezone,
	[COL_CURRENCY] = check_currency,
	[COL_ISSUED] = check_date,
	[COL_DUE] = check_date,
};

/* Maps the header row's names to columns: all required, none unknown. */
static int
read_header(struct import *im, const struct csv_record *r)
{
	bool	seen[COL__MAX] = { false };
	size_t	i, c;

	for (i = 0; i < r->nfields; i++) {
		for (c = 0; c < COL__MAX; c++)
			if (strcmp(r->fields[i], column_names[c]) == 0)
				break;
		if (c == COL__MAX)
			return fail(im, r->line, r->fields[i], "unknown column");
		if (seen[c])
			return fail(im, r->line, r->fields[i], "column given twice");
		seen[c] = true;
		im->map[c] = i;
	}
	for (c = 0; c < COL__MAX; c++)
		if (!seen[c] && c != COL_TIMEZONE)
			return fail(im, r->line, column_names[c], "column missing");
	if (!seen[COL_TIMEZONE])
		im->map[COL_TIMEZONE] = SIZE_MAX;	/* every row: "" */
	im->nfields = r->nfields;
	return 0;
}

static struct invoice *
find_invoice(struct import *im, const char *number)
{
	struct invoice	*inv;

	/* XXX linear; fine for the few thousand invoices of one import. */
	for (inv = im->head; inv != NULL; inv = inv->next)
		if (strcmp(inv->col[COL_INVOICE], number) == 0)
			return inv;
	return NULL;
}

/* The customer columns must agree wherever the same customer_ref appears. */
static int
check_customer(struct import *im, const char *const *f, unsigned line)
{
	struct invoice	*inv;
	int		 c;

	for (inv = im->head; inv != NULL; inv = inv->next) {
		if (strcmp(inv->col[COL_CUSTOMER_REF], f[COL_CUSTOMER_REF]) != 0)
			continue;
		for (c = COL_CUSTOMER_NAME; c <= COL_TIMEZONE; c++)
			if (strcmp(inv->col[c], f[c]) != 0)
				return fail(im, line, column_names[c],
				    "differs from an earlier row of the same customer_ref");
	}
	return 0;
}

/* Finds or creates the invoice of a row whose invoice columns are valid. */
static struct invoice *
invoice_for_row(struct import *im, const char *const *f, unsigned line)
{
	struct invoice	*inv;
	char		 msg[128];
	int		 c;

	if ((inv = find_invoice(im, f[COL_INVOICE])) != NULL) {
		for (c = COL_CUSTOMER_REF; c <= COL_INVOICE_LAST; c++)
			if (strcmp(inv->col[c], f[c]) != 0) {
				(void)snprintf(msg, sizeof(msg), "differs from line "
				    "%u of invoice %s", inv->line, f[COL_INVOICE]);
				(void)fail(im, line, column_names[c], msg);
				return NULL;
			}
		return inv;
	}
	if (check_customer(im, f, line) == -1)
		return NULL;
	if ((inv = arena_alloc(im->arena, sizeof(*inv))) == NULL) {
		(void)fail(im, line, NULL, "out of memory");
		return NULL;
	}
	for (c = 0; c <= COL_INVOICE_LAST; c++)
		if ((inv->col[c] = arena_strdup(im->arena, f[c])) == NULL) {
			(void)fail(im, line, NULL, "out of memory");
			return NULL;
		}
	(void)date_parse(f[COL_ISSUED], &inv->issued);
	(void)date_parse(f[COL_DUE], &inv->due);
	if (date_diff(inv->due, inv->issued) < 0) {
		(void)fail(im, line, "due", "is before the issue date");
		return NULL;
	}
	inv->line = line;
	invoice_totals_init(&inv->totals);
	if (im->tail != NULL)
		im->tail->next = inv;
	else
		im->head = inv;
	im->tail = inv;
	return inv;
}

/* Checks a line row's quantity and unit price, and works out its total. */
static int
parse_line_item(struct import *im, const char *const *f, unsigned line,
    const char *currency, struct item *it)
{
	if (money_parse_quantity(f[COL_QUANTITY], &it->qty_milli) == -1)
		return fail(im, line, "quantity", "is not a quantity "
		    "(a positive number with up to 3 decimals)");
	if (money_parse(f[COL_AMOUNT], currency, &it->cents) == -1)
		return fail(im, line, "amount", "is not an amount in the "
		    "invoice's currency (digits and a dot, like 1250.00)");
	if (money_line_total(it->cents, it->qty_milli, &it->total) == -1)
		return fail(im, line, "amount", "quantity times amount is too large");
	if (*f[COL_DATE] != '\0' && check_date(f[COL_DATE]) != NULL)
		return fail(im, line, "date", check_date(f[COL_DATE]));
	return 0;
}

/* Fees and payments: a positive amount on a date, quantity empty or 1. */
static int
parse_dated_item(struct import *im, const char *const *f, unsigned line,
    const char *currency, struct item *it)
{
	if (*f[COL_QUANTITY] != '\0' && strcmp(f[COL_QUANTITY], "1") != 0)
		return fail(im, line, "quantity", "must be empty or 1 for a fee or payment");
	if (money_parse(f[COL_AMOUNT], currency, &it->cents) == -1 ||
	    it->cents <= 0)
		return fail(im, line, "amount", "is not a positive amount in the "
		    "invoice's currency (digits and a dot, like 40.00)");
	if (date_parse(f[COL_DATE], &it->date) == -1)
		return fail(im, line, "date", "is not a date (YYYY-MM-DD); fees "
		    "and payments need one");
	return 0;
}

static int
parse_item(struct import *im, const char *const *f, unsigned line,
    const char *currency, struct item *it)
{
	size_t	n = strlen(f[COL_DESCRIPTION]);

	if (invoice_kind_parse(f[COL_KIND], &it->kind) == -1 ||
	    it->kind == INVOICE_WAIVER)	/* waivers are made by staff, not imported */
		return fail(im, line, "kind", "must be line, fee or payment");
	it->line = line;
	if (n > MAX_DESCRIPTION || (n == 0 && it->kind != INVOICE_PAYMENT))
		return fail(im, line, "description", "must be 1 to 500 characters");
	if (has_control(f[COL_DESCRIPTION]))
		return fail(im, line, "description",
		    "may not contain line breaks or control characters");
	if ((it->description = arena_strdup(im->arena, f[COL_DESCRIPTION])) == NULL ||
	    (it->quantity = arena_strdup(im->arena, f[COL_QUANTITY])) == NULL ||
	    (it->amount = arena_strdup(im->arena, f[COL_AMOUNT])) == NULL)
		return fail(im, line, NULL, "out of memory");
	if (it->kind == INVOICE_LINE)
		return parse_line_item(im, f, line, currency, it);
	return parse_dated_item(im, f, line, currency, it);
}

/* Validates one data row and adds it to its invoice. */
static int
add_row(struct import *im, const struct csv_record *r)
{
	const char	*f[COL__MAX], *why, *v;
	struct invoice	*inv;
	struct item	*it;
	char		 msg[64];
	int		 c;

	if (r->nfields != im->nfields) {
		(void)snprintf(msg, sizeof(msg), "expected %zu fields, found %zu",
		    im->nfields, r->nfields);
		return fail(im, r->line, NULL, msg);
	}
	for (c = 0; c < COL__MAX; c++)
		f[c] = (v = csv_field(r, im->map[c])) != NULL ? v : "";	/* no column: "" */
	for (c = 0; c <= COL_INVOICE_LAST; c++) {
		if ((c == COL_PHONE || c == COL_TIMEZONE) && *f[c] == '\0')
			continue;	/* optional */
		if ((why = invoice_checks[c](f[c])) != NULL)
			return fail(im, r->line, column_names[c], why);
	}
	if ((inv = invoice_for_row(im, f, r->line)) == NULL)
		return -1;
	if ((it = arena_alloc(im->arena, sizeof(*it))) == NULL)
		return fail(im, r->line, NULL, "out of memory");
	if (parse_item(im, f, r->line, f[COL_CURRENCY], it) == -1)
		return -1;
	if (invoice_totals_add(&inv->totals, it->kind, it->kind == INVOICE_LINE ?
	    it->total : it->cents) == -1)
		return fail(im, r->line, "amount", "makes the invoice's total "
		    "too large");
	if (it->kind == INVOICE_LINE)
		inv->nlines++;
	if (inv->tail != NULL)
		inv->tail->next = it;
	else
		inv->head = it;
	inv->tail = it;
	return 0;
}

/* Reads every record; on success the invoices are in im, all valid. */
static int
parse_file(struct import *im, const char *text, size_t len)
{
	struct csv		 csv;
	struct csv_record	 rec;
	struct invoice		*inv;
	char			 msg[192];
	int			 r, header = 1;

	if (csv_init(&csv, text, len) == -1)
		return fail(im, 1, NULL, "cannot read the file as CSV");
	while ((r = csv_next(&csv, &rec)) == 1) {
		if (header) {
			if (read_header(im, &rec) == -1)
				return -1;
			header = 0;
		} else if (add_row(im, &rec) == -1)
			return -1;
	}
	if (r == -1) {
		(void)snprintf(msg, sizeof(msg), "column %u: %s", csv.column,
		    csv.error);
		return fail(im, csv.line, NULL, msg);
	}
	if (im->head == NULL)
		return fail(im, 1, NULL, "no invoice rows (a header row, then "
		    "one row per line, fee or payment)");
	for (inv = im->head; inv != NULL; inv = inv->next)
		if (inv->nlines == 0)
			return fail(im, inv->line, "kind", "the invoice has no "
			    "row of kind line");
	return 0;
}

/*
 * A fingerprint of everything the file says about an invoice, to tell an
 * unchanged re-import from a changed one. Fields are length-prefixed so no
 * two different invoices can serialise alike.
 */
static int
invoice_hash(const struct invoice *inv, char hex[65])
{
	unsigned char	 h[32];
	struct buf	 b;
	struct item	*it;
	int		 c, rc = -1;

	buf_init(&b, 0);
	for (c = 0; c <= COL_INVOICE_LAST; c++)
		if (c != COL_TIMEZONE || inv->col[c][0] != '\0')	/* as before 0004 */
			(void)buf_printf(&b, "%zu:%s;", strlen(inv->col[c]),
			    inv->col[c]);
	for (it = inv->head; it != NULL; it = it->next) {
		(void)buf_printf(&b, "|%s;%zu:%s;%s;%s;", invoice_kind_name(it->kind),
		    strlen(it->description), it->description, it->quantity,
		    it->amount);
		if (it->kind != INVOICE_LINE)
			(void)buf_printf(&b, "%04d-%02d-%02d;", it->date.year,
			    it->date.month, it->date.day);
	}
	if (buf_failed(&b) || crypto_generichash(h, sizeof(h),
	    (const unsigned char *)buf_str(&b), b.len, NULL, 0) != 0)
		goto out;
	(void)sodium_bin2hex(hex, 65, h, sizeof(h));
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

/* Finds the customer by reference, creating or updating it; id or -1. */
static long long
upsert_customer(struct db *db, const struct invoice *inv)
{
	static const int cols[6] = { CUSTOMER_ID, CUSTOMER_NAME,
	    CUSTOMER_EMAIL, CUSTOMER_PHONE, CUSTOMER_LANGUAGE, CUSTOMER_TIMEZONE };
	const char	*p[6] = { inv->col[COL_CUSTOMER_REF],
	    inv->col[COL_CUSTOMER_NAME], inv->col[COL_EMAIL], inv->col[COL_PHONE],
	    inv->col[COL_LANGUAGE], inv->col[COL_TIMEZONE] };
	struct db_res	*r;
	char		 idbuf[24];
	long long	 id = -1;
	int		 i, same = 1;

	if ((r = db_query(db, SQL_CUSTOMER_GET, p, 1)) == NULL)
		return -1;
	if (db_rows(r) == 0) {
		db_res_free(r);
		if ((r = db_query(db, SQL_CUSTOMER_INSERT, p, 6)) == NULL)
			return -1;
		id = db_int(r, 0, KEY_ID);
		db_res_free(r);
		return id;
	}
	id = db_int(r, 0, CUSTOMER_ID);
	for (i = 1; i < 6; i++)		/* name, email, phone, language, zone */
		same = same && strcmp(db_str(r, 0, cols[i]), p[i]) == 0;
	db_res_free(r);
	if (!same) {
		(void)snprintf(idbuf, sizeof(idbuf), "%lld", id);
		p[0] = idbuf;
		if (db_do(db, SQL_CUSTOMER_UPDATE, p, 6) == -1)
			return -1;
	}
	return id;
}

/* Notes in st that the fee on line of invoice number was frozen. */
static void
note_frozen(struct import_stats *st, unsigned line, const char *number)
{
	size_t	used = strlen(st->frozen_rows);
	int	n;

	st->frozen++;
	if (used >= sizeof(st->frozen_rows) - 4)
		return;		/* already cut */
	n = snprintf(st->frozen_rows + used, sizeof(st->frozen_rows) - used,
	    "%sline %u (%s)", used > 0 ? ", " : "", line, number);
	if (n < 0 || (size_t)n >= sizeof(st->frozen_rows) - used - 4)
		(void)snprintf(st->frozen_rows + used,
		    sizeof(st->frozen_rows) - used, "%s...", used > 0 ? ", " : "");
}

/* Inserts a fee; frozen (and noted in st) when dated inside a hold. */
static int
insert_fee(struct db *db, const char *const *p, const struct item *it,
    const struct invoice *inv, struct import_stats *st)
{
	struct db_res	*r;

	if ((r = db_query(db, SQL_IMPORT_FEE, p, 5)) == NULL)
		return -1;
	if (db_bool(r, 0, FLAG_VALUE))
		note_frozen(st, it->line, inv->col[COL_INVOICE]);
	db_res_free(r);
	return 0;
}

/* Inserts the lines, fees and payments of an invoice, numbered per kind. */
static int
insert_items(struct db *db, const char *invoice_id, const struct invoice *inv,
    struct import_stats *st)
{
	static const enum sql_query q[INVOICE_KIND__MAX] = {
		[INVOICE_LINE] = SQL_IMPORT_LINE,
		[INVOICE_FEE] = SQL_IMPORT_FEE,
		[INVOICE_PAYMENT] = SQL_IMPORT_PAYMENT,
	};
	const struct item	*it;
	const char		*p[6];
	char			 pos[16], a[24], b[24], c[24], d[16];
	int			 n[INVOICE_KIND__MAX] = { 0 };

	for (it = inv->head; it != NULL; it = it->next) {
		(void)snprintf(pos, sizeof(pos), "%d", ++n[it->kind]);
		p[0] = invoice_id;
		p[1] = pos;
		p[2] = *it->description ? it->description : "Payment received";
		if (it->kind == INVOICE_LINE) {
			(void)snprintf(a, sizeof(a), "%lld", (long long)it->qty_milli);
			(void)snprintf(b, sizeof(b), "%lld", (long long)it->cents);
			(void)snprintf(c, sizeof(c), "%lld", (long long)it->total);
			p[3] = a;
			p[4] = b;
			p[5] = c;
		} else {
			(void)snprintf(a, sizeof(a), "%lld", (long long)it->cents);
			if (date_format_iso(d, sizeof(d), it->date) == -1)
				return -1;
			p[3] = a;
			p[4] = d;
		}
		if (it->kind == INVOICE_FEE) {
			if (insert_fee(db, p, it, inv, st) == -1)
				return -1;
		} else if (db_do(db, q[it->kind], p, it->kind == INVOICE_LINE ?
		    6 : 5) == -1)
			return -1;
	}
	return 0;
}


/* Creates, replaces or leaves alone one invoice; -1 on database errors. */
static int
write_invoice(struct import *im, struct db *db, const struct invoice *inv,
    struct import_stats *st)
{
	const char	*p[6];
	char		 hash[65], cust[24], id[24];
	struct db_res	*r;
	long long	 cid;
	int		 exists, same;

	if ((cid = upsert_customer(db, inv)) == -1 || invoice_hash(inv, hash) == -1)
		return -1;
	(void)snprintf(cust, sizeof(cust), "%lld", cid);
	p[0] = inv->col[COL_INVOICE];
	if ((r = db_query(db, SQL_IMPORT_INVOICE_GET, p, 1)) == NULL)
		return -1;
	exists = db_rows(r) == 1;
	same = exists && strcmp(db_str(r, 0, IMPORTED_IMPORT_HASH), hash) == 0;
	(void)snprintf(id, sizeof(id), "%s", exists ? db_str(r, 0, IMPORTED_ID) : "");
	db_res_free(r);
	if (same) {
		st->unchanged++;
		return 0;
	}
	p[1] = cust;
	p[2] = inv->col[COL_CURRENCY];
	p[3] = inv->col[COL_ISSUED];
	p[4] = inv->col[COL_DUE];
	p[5] = hash;
	if (!exists) {
		if ((r = db_query(db, SQL_IMPORT_INVOICE_INSERT, p, 6)) == NULL)
			return -1;
		(void)snprintf(id, sizeof(id), "%s", db_str(r, 0, KEY_ID));
		db_res_free(r);
		st->created++;
	} else {
		p[0] = id;
		if (db_do(db, SQL_IMPORT_INVOICE_UPDATE, p, 6) == -1 ||
		    db_do(db, SQL_IMPORT_CLEAR_ITEMS, p, 1) == -1)
			return -1;
		st->updated++;
	}
	if (insert_items(db, id, inv, st) == -1)
		return -1;
	return audit_write(db, &(struct audit_event){ .actor = "admin",
	    .action = exists ? "invoice.updated" : "invoice.imported",
	    .invoice_id = id, .detail = im->name });
}

/* Writes every invoice in one transaction; 0, or -1 after a rollback. */
static int
write_all(struct import *im, struct db *db, struct import_stats *st)
{
	struct invoice	*inv;

	if (db_begin(db) == -1)
		return -1;
	for (inv = im->head; inv != NULL; inv = inv->next)
		if (write_invoice(im, db, inv, st) == -1) {
			db_rollback(db);
			return -1;
		}
	return db_commit(db);
}

int
import_csv(struct db *db, const char *name, const char *text, size_t len,
    struct import_stats *st, char *err, size_t errsz)
{
	struct import	 im;
	int		 rc = -1;

	memset(&im, 0, sizeof(im));
	memset(st, 0, sizeof(*st));
	im.name = name;
	im.err = err;
	im.errsz = errsz;
	if ((im.arena = arena_new()) == NULL) {
		(void)snprintf(err, errsz, "%s: out of memory", name);
		goto out;
	}
	if (parse_file(&im, text, len) == -1)
		goto out;
	if (write_all(&im, db, st) == -1) {
		memset(st, 0, sizeof(*st));
		(void)snprintf(err, errsz, "%s: the database refused the import "
		    "(see the message above); nothing was imported", name);
		goto out;
	}
	rc = 0;
out:
	arena_free(im.arena);
	return rc;
}
