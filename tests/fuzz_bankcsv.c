/*
 * libFuzzer target for the bank CSV reader. Accepted rows must be
 * well-formed credits with unique ids; writing them back out as CSV with
 * an id column must read back to the same values. A refusal must leave
 * the list empty and name a line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bankcsv.h"
#include "buf.h"
#include "credit.h"
#include "date.h"
#include "money.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static void
check_credit(const struct credit *c)
{
	CHECK(c->id != NULL && *c->id != '\0' && strlen(c->id) < CREDIT_ID_MAX);
	CHECK(c->kind == CREDIT_KIND_CREDIT);
	CHECK(date_valid(c->booked));
	CHECK(c->cents > 0 && money_exponent(c->currency) >= 0);
	CHECK(strlen(c->text) <= BANKCSV_MAX_TEXT);
	CHECK(strlen(c->party) <= BANKCSV_MAX_NAME);
	CHECK(utf8_valid(c->text, strlen(c->text)));
	CHECK(utf8_valid(c->party, strlen(c->party)));
	CHECK(strpbrk(c->text, "\r\n") == NULL && strpbrk(c->party, "\r\n") == NULL);
	CHECK(*c->account == '\0' && *c->reference == '\0');
}

/* Appends s as a quoted CSV field. */
static void
field(struct buf *b, const char *s, char sep)
{
	(void)buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			(void)buf_putc(b, '"');
		(void)buf_putc(b, *s);
	}
	(void)buf_putc(b, '"');
	(void)buf_putc(b, sep);
}

/* Writes l back as CSV with ids ("x" + id: ours start with "h:") and reads it again. */
static void
check_rewrite(struct arena *a, const struct credit_list *l)
{
	struct credit_list	 r;
	struct buf		 b;
	char			 date[DATE_ISO_SIZE], amount[MONEY_FORMAT_MAX];
	char			 err[256], id[CREDIT_ID_MAX + 2];
	size_t			 i;

	buf_init(&b, 0);
	(void)buf_puts(&b, "id,date,amount,currency,reference,payer\n");
	for (i = 0; i < l->n; i++) {
		CHECK(date_format_iso(date, sizeof(date), l->items[i].booked) == 0);
		CHECK(money_format_plain(amount, sizeof(amount), l->items[i].cents,
		    l->items[i].currency) == 0);
		(void)snprintf(id, sizeof(id), "x%.*s", BANKCSV_MAX_ID - 1,
		    l->items[i].id);
		for (char *p = id; *p != '\0'; p++)
			if (*p <= ' ' || *p >= 0x7f || *p == '"')
				*p = '_';
		field(&b, id, ',');
		field(&b, date, ',');
		field(&b, amount, ',');
		field(&b, l->items[i].currency, ',');
		field(&b, l->items[i].text, ',');
		field(&b, l->items[i].party, '\n');
	}
	CHECK(!buf_failed(&b));
	if (bankcsv_parse(a, b.data, b.len, &r, err, sizeof(err)) == BANKCSV_OK) {
		CHECK(r.n == l->n);
		for (i = 0; i < l->n; i++) {
			CHECK(r.items[i].cents == l->items[i].cents);
			CHECK(strcmp(r.items[i].text, l->items[i].text) == 0);
			CHECK(strcmp(r.items[i].party, l->items[i].party) == 0);
		}
	} else {
		/* Only ids made equal by the cut or the replacement may clash. */
		CHECK(strstr(err, "was already used") != NULL);
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = arena_new();
	struct credit_list	 l;
	char			 err[256];
	enum bankcsv_err	 e;
	size_t			 i, x, y;

	CHECK(a != NULL);
	e = bankcsv_parse(a, (const char *)data, size, &l, err, sizeof(err));
	CHECK((unsigned)e < BANKCSV_ERR__MAX && e != BANKCSV_ERR_ARGS);
	if (e != BANKCSV_OK) {
		CHECK(l.n == 0 && strncmp(err, "line ", 5) == 0);
	} else {
		for (i = 0; i < l.n; i++)
			check_credit(&l.items[i]);
		CHECK(credit_duplicate(a, &l, &x, &y) == 0);
		check_rewrite(a, &l);
	}
	arena_free(a);
	return 0;
}
