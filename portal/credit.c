#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "credit.h"
#include "money.h"

static const char *const kind_names[CREDIT_KIND__MAX] = {
	[CREDIT_KIND_CREDIT] = "credit",
	[CREDIT_KIND_DEBIT] = "debit",
	[CREDIT_KIND_RETURN] = "return",
	[CREDIT_KIND_REVERSAL] = "reversal",
};

const char *
credit_kind_name(enum credit_kind k)
{
	if ((unsigned)k >= CREDIT_KIND__MAX)
		return "unknown";
	return kind_names[k];
}

void
credit_list_init(struct credit_list *l)
{
	memset(l, 0, sizeof(*l));
}

struct credit *
credit_add(struct arena *a, struct credit_list *l)
{
	struct credit	*items;
	size_t		 cap;

	if (l->n >= CREDIT_MAX)
		return NULL;
	if (l->n == l->cap) {
		/* The arena cannot grow in place: copy into twice the room. */
		cap = l->cap == 0 ? 64 : l->cap * 2;
		if (cap > CREDIT_MAX)
			cap = CREDIT_MAX;
		if ((items = arena_alloc(a, cap * sizeof(*items))) == NULL)
			return NULL;
		if (l->n > 0)
			memcpy(items, l->items, l->n * sizeof(*items));
		l->items = items;
		l->cap = cap;
	}
	memset(&l->items[l->n], 0, sizeof(l->items[0]));
	return &l->items[l->n++];
}

/* By account, then id, then place in the list (items are one array). */
static int
by_key(const void *pa, const void *pb)
{
	const struct credit	*a = *(const struct credit *const *)pa;
	const struct credit	*b = *(const struct credit *const *)pb;
	int			 c;

	if ((c = strcmp(a->account, b->account)) != 0)
		return c;
	if ((c = strcmp(a->id, b->id)) != 0)
		return c;
	return a < b ? -1 : a > b;
}

int
credit_duplicate(struct arena *a, const struct credit_list *l, size_t *first,
    size_t *second)
{
	const struct credit	**v;
	size_t			 i;
	int			 found = 0;

	if (l->n < 2)
		return 0;
	if ((v = arena_alloc(a, l->n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < l->n; i++)
		v[i] = &l->items[i];
	qsort(v, l->n, sizeof(*v), by_key);
	for (i = 1; i < l->n; i++) {
		if (strcmp(v[i - 1]->account, v[i]->account) != 0 ||
		    strcmp(v[i - 1]->id, v[i]->id) != 0)
			continue;
		/* Report the pair that comes first in the file. */
		if (!found || (size_t)(v[i - 1] - l->items) < *first) {
			*first = (size_t)(v[i - 1] - l->items);
			*second = (size_t)(v[i] - l->items);
		}
		found = 1;
	}
	return found;
}

/* Digits after the decimal point of s; 0 without one or when others follow. */
static size_t
decimals(const char *s)
{
	const char	*dot = strchr(s, '.');
	size_t		 n;

	if (dot == NULL)
		return 0;
	n = strspn(dot + 1, "0123456789");
	return dot[1 + n] == '\0' ? n : 0;
}

int
credit_parse_amount(const char *s, const char *currency, int64_t *cents,
    char *why, size_t whysz)
{
	int64_t	 v;
	int	 exp = money_exponent(currency);

	if (whysz > 0)
		why[0] = '\0';
	if (*s == '-')
		(void)snprintf(why, whysz, "is negative");
	else if (exp >= 0 && money_parse(s, currency, &v) == -1 &&
	    decimals(s) > (size_t)exp)
		(void)snprintf(why, whysz, "has more decimals than %s allows",
		    currency);
	else if (exp < 0 || money_parse(s, currency, &v) == -1)
		(void)snprintf(why, whysz, "is not an amount in %s", currency);
	else if (v <= 0)
		(void)snprintf(why, whysz, "is not above zero");
	else {
		*cents = v;
		return 0;
	}
	return -1;
}
