#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "arena.h"
#include "payref.h"

/* A token: len bytes at start of the text. */
struct token {
	const char	*start;
	size_t		 len;
};

static bool
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char
upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int
payref_key(const char *number, char key[PAYREF_KEY_SIZE])
{
	size_t	 n = 0;

	key[0] = '\0';
	if (number == NULL)
		return -1;
	for (; *number != '\0'; number++) {
		if (strchr(" -_./", *number) != NULL)
			continue;
		if (!is_alpha(*number) && !is_digit(*number))
			goto bad;
		if (n == PAYREF_KEY_MAX)
			goto bad;
		key[n++] = upper(*number);
	}
	if (n == 0)
		goto bad;
	key[n] = '\0';
	return 0;
bad:
	key[0] = '\0';
	return -1;
}

/* Cuts text into runs of letters and runs of digits; returns how many (at most max). */
static size_t
tokens(const char *text, struct token *t, size_t max)
{
	const char	*p = text, *start;
	size_t		 n = 0;
	bool		 alpha;

	while (*p != '\0' && n < max) {
		if (!is_alpha(*p) && !is_digit(*p)) {
			p++;
			continue;
		}
		start = p;
		alpha = is_alpha(*p);
		while (*p != '\0' && (alpha ? is_alpha(*p) : is_digit(*p)))
			p++;
		t[n].start = start;
		t[n].len = (size_t)(p - start);
		n++;
	}
	return n;
}

/* Tokens first..last joined and upper-cased, in the arena; NULL when too long or out of memory. */
static char *
join(struct arena *a, const struct token *t, size_t first, size_t last)
{
	size_t	 len = 0, i, j;
	char	*key;

	for (i = first; i <= last; i++)
		len += t[i].len;
	if (len > PAYREF_KEY_MAX || (key = arena_alloc(a, len + 1)) == NULL)
		return NULL;
	len = 0;
	for (i = first; i <= last; i++)
		for (j = 0; j < t[i].len; j++)
			key[len++] = upper(t[i].start[j]);
	key[len] = '\0';
	return key;
}

int
payref_scan(struct arena *a, const char *text, struct payref_scan *out)
{
	struct token	*t;
	size_t		 nt, i, j, n = 0, len;
	char		*key;

	out->v = NULL;
	out->n = 0;
	if (text == NULL || *text == '\0')
		return 0;
	if ((len = strlen(text)) > PAYREF_MAX_TEXT)
		return -1;
	if ((t = arena_alloc(a, (len + 1) * sizeof(*t))) == NULL)
		return -1;
	nt = tokens(text, t, len + 1);
	if (nt == 0)
		return 0;
	if ((out->v = arena_alloc(a, nt * PAYREF_MAX_TOKENS *
	    sizeof(*out->v))) == NULL)
		return -1;
	for (i = 0; i < nt; i++) {
		for (j = i; j < nt && j < i + PAYREF_MAX_TOKENS; j++) {
			if ((key = join(a, t, i, j)) == NULL) {
				if (arena_failed(a))
					return -1;
				break;		/* longer than any key */
			}
			out->v[n].key = key;
			out->v[n].first = (unsigned)i;
			out->v[n].last = (unsigned)j;
			out->v[n].found = out->v[n].picked = false;
			n++;
		}
	}
	out->n = n;
	return 0;
}

size_t
payref_mark(struct payref_scan *s, const char *key)
{
	size_t	 i, n = 0;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, key) == 0) {
			s->v[i].found = true;
			n++;
		}
	return n;
}

/* True when found candidate c lies inside a longer found one. */
static bool
inside_longer(const struct payref_scan *s, const struct payref_cand *c)
{
	const struct payref_cand	*o;
	size_t				 i;

	for (i = 0; i < s->n; i++) {
		o = &s->v[i];
		if (o->found && o->first <= c->first && c->last <= o->last &&
		    o->last - o->first > c->last - c->first)
			return true;
	}
	return false;
}

size_t
payref_pick(struct payref_scan *s, const char **keys, size_t max)
{
	size_t	 i, j, n = 0;

	for (i = 0; i < s->n; i++)
		s->v[i].picked = s->v[i].found && !inside_longer(s, &s->v[i]);
	for (i = 0; i < s->n; i++) {
		if (!s->v[i].picked)
			continue;
		/* Only the first candidate of each key stays picked. */
		for (j = 0; j < i; j++)
			if (s->v[j].picked && strcmp(s->v[j].key, s->v[i].key) == 0)
				break;
		if (j < i) {
			s->v[i].picked = false;
			continue;
		}
		if (n < max)
			keys[n] = s->v[i].key;
		n++;
	}
	return n;
}

/* True when payref_pick() picked key. */
static bool
picked(const struct payref_scan *s, const char *key)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].picked && strcmp(s->v[i].key, key) == 0)
			return true;
	return false;
}

int
payref_match(struct arena *a, const char *text, const char *const *numbers,
    size_t n, size_t *idx, size_t max, size_t *nmatch)
{
	struct payref_scan	 s;
	char			 key[PAYREF_KEY_SIZE];
	size_t			 i;

	*nmatch = 0;
	if (payref_scan(a, text, &s) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (payref_key(numbers[i], key) == 0)
			(void)payref_mark(&s, key);
	(void)payref_pick(&s, NULL, 0);
	for (i = 0; i < n; i++) {
		if (payref_key(numbers[i], key) == -1 || !picked(&s, key))
			continue;
		if (*nmatch < max)
			idx[*nmatch] = i;
		(*nmatch)++;
	}
	return 0;
}
