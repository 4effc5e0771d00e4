#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keyring.h"

#define FIELDS_MAX	4	/* one more than a line may have */
#define FIELD_MAX	80

/* Splits a line into space- or tab-separated fields; how many, or -1. */
static int
fields(const char *line, size_t n, char f[FIELDS_MAX][FIELD_MAX])
{
	size_t	i = 0, len;
	int	k = 0;

	while (i < n) {
		while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i == n)
			break;
		for (len = 0; i + len < n && line[i + len] != ' ' &&
		    line[i + len] != '\t' && line[i + len] != '\r'; len++)
			;
		if (k == FIELDS_MAX || len >= FIELD_MAX)
			return -1;
		memcpy(f[k], line + i, len);
		f[k][len] = '\0';
		k++;
		i += len;
	}
	return k;
}

/* True when the line of n bytes is a comment: '#' after blanks. */
static bool
comment(const char *line, size_t n)
{
	size_t	i = 0;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < n && line[i] == '#';
}

/* A whole number from min to max; 0 or -1. */
static int
number(const char *s, long long min, long long max, long long *v)
{
	char	*end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || errno != 0 || *end != '\0' ||
	    *v < min || *v > max)
		return -1;
	return 0;
}

static int
hex_key(const char *s, unsigned char key[KEYRING_KEY_BYTES])
{
	size_t		 binlen = 0;
	const char	*end = NULL;

	if (strlen(s) != 2 * KEYRING_KEY_BYTES ||
	    sodium_hex2bin(key, KEYRING_KEY_BYTES, s, strlen(s), NULL, &binlen,
	    &end) != 0 || binlen != KEYRING_KEY_BYTES || *end != '\0')
		return -1;
	return 0;
}

/* One key line of k fields into r; NULL or what is wrong. */
static const char *
key_line(struct keyring *r, char f[FIELDS_MAX][FIELD_MAX], int k)
{
	struct keyring_key	*key;
	long long		 id, start = 0;

	if (r->n == KEYRING_MAX)
		return "too many keys (retire one first)";
	key = &r->keys[r->n];
	if (k == 1) {			/* the file from before rotation */
		if (r->n > 0)
			return "expected: ID HEX [START]";
		id = 1;
		if (hex_key(f[0], key->key) == -1)
			return "expected 64 hex digits";
	} else if (k == 2 || k == 3) {
		if (number(f[0], 1, KEYRING_ID_MAX, &id) == -1)
			return "key id must be a number from 1 to 254";
		if (hex_key(f[1], key->key) == -1)
			return "expected 64 hex digits";
		if (k == 3 && number(f[2], 0, 1LL << 40, &start) == -1)
			return "start must be a Unix time";
	} else
		return "expected: ID HEX [START]";
	if (r->n > 0 && (unsigned)id <= r->keys[r->n - 1].id)
		return "key ids must be unique and ascending";
	key->id = (unsigned)id;
	key->start = start;
	r->n++;
	return NULL;
}

int
keyring_parse(struct keyring *r, const char *text, size_t len, char *err,
    size_t errsz)
{
	char		 f[FIELDS_MAX][FIELD_MAX];
	const char	*p = text, *nl, *msg = NULL;
	size_t		 n;
	unsigned	 lineno = 0;
	int		 k;

	memset(r, 0, sizeof(*r));
	while (p < text + len && msg == NULL) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(text + len - p));
		n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		if (memchr(p, '\0', n) != NULL)
			msg = "NUL byte in line";
		else if (comment(p, n))
			;
		else if ((k = fields(p, n, f)) == -1)
			msg = "expected: ID HEX [START]";
		else if (k > 0)
			msg = key_line(r, f, k);
		p += n + (nl ? 1 : 0);
	}
	sodium_memzero(f, sizeof(f));
	if (msg == NULL && r->n == 0) {
		msg = "no key (expected 64 hex digits)";
		lineno = 0;
	}
	if (msg != NULL) {
		if (lineno > 0)
			(void)snprintf(err, errsz, "line %u: %s", lineno, msg);
		else
			(void)snprintf(err, errsz, "%s", msg);
		keyring_wipe(r);
		return -1;
	}
	return 0;
}

int
keyring_format(const struct keyring *r, char *out, size_t outsz)
{
	char	hex[2 * KEYRING_KEY_BYTES + 1];
	size_t	len;
	int	i, n, rc = -1;

	n = snprintf(out, outsz, "# Settle's server keys (portal-admin "
	    "rotate-secret): ID HEX [START].\n# The newest started key signs; "
	    "every key here verifies. Keep this file secret.\n");
	if (n < 0 || (size_t)n >= outsz)
		goto out;
	len = (size_t)n;
	for (i = 0; i < r->n; i++) {
		(void)sodium_bin2hex(hex, sizeof(hex), r->keys[i].key,
		    KEYRING_KEY_BYTES);
		if (r->keys[i].start > 0)
			n = snprintf(out + len, outsz - len, "%u %s %lld\n",
			    r->keys[i].id, hex, r->keys[i].start);
		else
			n = snprintf(out + len, outsz - len, "%u %s\n",
			    r->keys[i].id, hex);
		if (n < 0 || (size_t)n >= outsz - len)
			goto out;
		len += (size_t)n;
	}
	rc = 0;
out:
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

const struct keyring_key *
keyring_signer(const struct keyring *r, time_t now)
{
	int	i;

	for (i = r->n - 1; i > 0; i--)
		if (r->keys[i].start <= (long long)now)
			return &r->keys[i];
	return r->n > 0 ? &r->keys[0] : NULL;
}

const struct keyring_key *
keyring_find(const struct keyring *r, unsigned id)
{
	int	i;

	for (i = 0; i < r->n; i++)
		if (r->keys[i].id == id)
			return &r->keys[i];
	return NULL;
}

int
keyring_add(struct keyring *r, long long start)
{
	struct keyring_key	*k;
	unsigned		 id = r->n > 0 ? r->keys[r->n - 1].id + 1 : 1;

	if (r->n == KEYRING_MAX || id > KEYRING_ID_MAX || start < 0)
		return -1;
	k = &r->keys[r->n++];
	k->id = id;
	k->start = start;
	randombytes_buf(k->key, sizeof(k->key));
	return (int)id;
}

int
keyring_remove(struct keyring *r, unsigned id)
{
	int	i;

	if (r->n < 2)
		return -1;
	for (i = 0; i < r->n; i++)
		if (r->keys[i].id == id)
			break;
	if (i == r->n)
		return -1;
	memmove(&r->keys[i], &r->keys[i + 1],
	    (size_t)(r->n - i - 1) * sizeof(r->keys[0]));
	r->n--;
	sodium_memzero(&r->keys[r->n], sizeof(r->keys[0]));
	return 0;
}

void
keyring_wipe(struct keyring *r)
{
	sodium_memzero(r, sizeof(*r));
}
