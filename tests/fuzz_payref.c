/*
 * libFuzzer target for reference matching. The input is a remittance
 * text; its first line, split at '|', also gives invoice numbers to match
 * against (besides a few fixed ones). Every candidate key must be
 * upper-case letters and digits within bounds; every match must be a
 * number whose key is a candidate; and a number whose key is a candidate
 * must match when it is the only number.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "payref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define MAXNUM	12

static bool
is_candidate(const struct payref_scan *s, const char *key)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, key) == 0)
			return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = arena_new();
	struct payref_scan	 s;
	const char		*num[MAXNUM] = { "INV-2026-0147", "2026-0147",
	    "INV2026-0147", "A1" };
	char			*text, *line, *p, key[PAYREF_KEY_SIZE];
	size_t			 n = 4, i, idx[MAXNUM], nm;

	CHECK(a != NULL);
	text = arena_strndup(a, (const char *)data, size);
	line = arena_strndup(a, (const char *)data, size);
	CHECK(text != NULL && line != NULL);
	if ((p = strchr(line, '\n')) != NULL)
		*p = '\0';
	for (p = strtok(line, "|"); p != NULL && n < MAXNUM; p = strtok(NULL, "|"))
		num[n++] = p;
	if (payref_scan(a, text, &s) == -1) {
		CHECK(strlen(text) > PAYREF_MAX_TEXT);
		CHECK(payref_match(a, text, num, n, idx, MAXNUM, &nm) == -1);
		goto out;
	}
	for (i = 0; i < s.n; i++) {
		CHECK(strlen(s.v[i].key) >= 1 && strlen(s.v[i].key) <= PAYREF_KEY_MAX);
		CHECK(strspn(s.v[i].key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") ==
		    strlen(s.v[i].key));
		CHECK(s.v[i].first <= s.v[i].last &&
		    s.v[i].last - s.v[i].first < PAYREF_MAX_TOKENS);
	}
	CHECK(payref_match(a, text, num, n, idx, MAXNUM, &nm) == 0);
	CHECK(nm <= n);
	for (i = 0; i < nm; i++) {
		CHECK(idx[i] < n && payref_key(num[idx[i]], key) == 0);
		CHECK(is_candidate(&s, key));
	}
	/* A number whose key is a candidate matches when it is the only one. */
	for (i = 0; i < n; i++) {
		if (payref_key(num[i], key) != 0 || !is_candidate(&s, key))
			continue;
		CHECK(payref_match(a, text, &num[i], 1, idx, 1, &nm) == 0 && nm == 1);
	}
out:
	arena_free(a);
	return 0;
}
