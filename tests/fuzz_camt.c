/*
 * libFuzzer target for the camt.053 reader. A statement it accepts must
 * hold only well-formed bookings (an id within bounds and unique per
 * account, an amount above zero in a supported currency, a real date, a
 * known kind, texts within their limits and without line breaks); one it
 * refuses must leave the list empty and say why. Reading the same bytes
 * twice must give the same bookings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "camt.h"
#include "credit.h"
#include "date.h"
#include "money.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static void
check_text(const char *s, size_t max)
{
	size_t	 n;

	CHECK(s != NULL);
	n = strlen(s);
	CHECK(n <= max && utf8_valid(s, n));
	CHECK(strpbrk(s, "\t\r\n") == NULL);
	CHECK(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
	CHECK(strstr(s, "  ") == NULL);
}

static void
check_credit(const struct credit *c)
{
	CHECK(c->id != NULL && *c->id != '\0' && strlen(c->id) < CREDIT_ID_MAX);
	CHECK((unsigned)c->kind < CREDIT_KIND__MAX);
	CHECK(date_valid(c->booked));
	CHECK(c->cents > 0);
	CHECK(money_exponent(c->currency) >= 0);
	check_text(c->reference, CAMT_MAX_TEXT);
	check_text(c->text, CAMT_MAX_TEXT);
	check_text(c->party, CAMT_MAX_NAME);
	check_text(c->end_to_end, CAMT_MAX_ID);
	check_text(c->bank_ref, CAMT_MAX_ID);
	check_text(c->account, CAMT_MAX_ID);
	CHECK(strcmp(c->end_to_end, "NOTPROVIDED") != 0);
	CHECK(c->entry >= 1 && c->entry <= CAMT_MAX_ENTRIES);
	CHECK(c->tx >= 1 && c->tx <= CAMT_MAX_TX);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = arena_new();
	struct credit_list	 l1, l2;
	char			 err[256];
	enum camt_err		 e1, e2;
	size_t			 i, x, y;

	CHECK(a != NULL);
	e1 = camt_parse(a, (const char *)data, size, &l1, err, sizeof(err));
	CHECK((unsigned)e1 < CAMT_ERR__MAX && e1 != CAMT_ERR_ARGS);
	if (e1 != CAMT_OK) {
		CHECK(l1.n == 0 && err[0] != '\0' && strlen(err) < sizeof(err));
	} else {
		CHECK(l1.n <= CREDIT_MAX);
		for (i = 0; i < l1.n; i++)
			check_credit(&l1.items[i]);
		CHECK(credit_duplicate(a, &l1, &x, &y) == 0);
	}
	e2 = camt_parse(a, (const char *)data, size, &l2, err, sizeof(err));
	CHECK(e2 == e1 && l2.n == l1.n && l2.skipped == l1.skipped);
	for (i = 0; i < l1.n; i++) {
		CHECK(strcmp(l1.items[i].id, l2.items[i].id) == 0);
		CHECK(l1.items[i].cents == l2.items[i].cents);
	}
	arena_free(a);
	return 0;
}
