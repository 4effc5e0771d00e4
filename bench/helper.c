/*
 * The benchmark's door into the project: it uses only the stable entry
 * points token.h (link tokens, CSRF tokens) and sql.h (statement names and
 * texts), so it builds against old and new commits alike.
 *
 *   helper sql [NAME]              the SQL text of statement NAME (or every name)
 *   helper tokens SECRET_FILE N    N fresh link tokens: "token<TAB>hash hex"
 *   helper csrf SECRET_FILE PURPOSE
 *                                  for each stdin line "KEY<TAB>SUBJECT", prints
 *                                  "KEY<TAB>SUBJECT<TAB>csrf token"
 *
 * SECRET_FILE is the run's secret_file (64 hex digits), so the hashes are
 * the ones the portal computes; "hash hex" is the keyed hash without the
 * "\x" prefix, ready for decode(..., 'hex'). Where token.h takes the server
 * keys (keyring.h, issue 19) the secret is key 1, as the portal reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sql.h"
#include "token.h"

#define SECRET_BYTES	32
#define LINE_MAX_LEN	512

static int
usage(void)
{
	fprintf(stderr, "usage: helper sql [NAME]\n"
	    "       helper tokens SECRET_FILE N\n"
	    "       helper csrf SECRET_FILE PURPOSE < KEY<TAB>SUBJECT lines\n");
	return 2;
}

/* 64 hex digits and an optional newline, as the portal's config reads it. */
static int
load_secret(const char *path, unsigned char secret[SECRET_BYTES])
{
	char		 hex[2 * SECRET_BYTES + 2];
	const char	*end;
	size_t		 n, binlen;
	FILE		*f;
	int		 rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	n = fread(hex, 1, sizeof(hex), f);
	if (n > 0 && hex[n - 1] == '\n')
		n--;
	if (n != 2 * SECRET_BYTES || sodium_hex2bin(secret, SECRET_BYTES, hex, n,
	    NULL, &binlen, &end) != 0 || binlen != SECRET_BYTES) {
		fprintf(stderr, "%s: not 64 hex digits\n", path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(hex, sizeof(hex));
	(void)fclose(f);
	return rc;
}

/* What token.h's functions take: the secret, or a ring holding it as key 1. */
#ifdef PORTAL_KEYRING_H
static struct keyring	ring;
static const struct keyring *
keys_of(const unsigned char *secret)
{
	ring.n = 1;
	ring.keys[0].id = 1;
	memcpy(ring.keys[0].key, secret, SECRET_BYTES);
	return &ring;
}
#else
static const unsigned char *
keys_of(const unsigned char *secret)
{
	return secret;
}
#endif

static int
sql(const char *name)
{
	int	q;

	for (q = 0; q < SQL__MAX; q++) {
		if (name == NULL)
			printf("%s\n", sql_name((enum sql_query)q));
		else if (strcmp(name, sql_name((enum sql_query)q)) == 0) {
			printf("%s\n", sql_text((enum sql_query)q));
			return 0;
		}
	}
	if (name == NULL)
		return 0;
	fprintf(stderr, "helper: no statement named %s\n", name);
	return 1;
}

static int
tokens(const unsigned char *secret, const char *count)
{
	char	token[TOKEN_LEN + 1], hash[TOKEN_HASH_HEX];
	char	*end;
	long	i, n = strtol(count, &end, 10);

	if (*count == '\0' || *end != '\0' || n < 0 || n > 10000000) {
		fprintf(stderr, "helper: bad count %s\n", count);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (token_new(keys_of(secret), TOKEN_LINK, token, hash) != 0) {
			fprintf(stderr, "helper: token_new failed\n");
			return 1;
		}
		if (printf("%s\t%s\n", token, hash + 2) < 0)
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
csrf(const unsigned char *secret, const char *purpose)
{
	char	line[LINE_MAX_LEN], out[TOKEN_LEN + 1], *tab;
	size_t	n;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = strlen(line);
		if (n == 0 || line[n - 1] != '\n' || (tab = strchr(line, '\t')) == NULL) {
			fprintf(stderr, "helper: expected KEY<TAB>SUBJECT lines\n");
			return 1;
		}
		line[n - 1] = '\0';
		if (token_csrf(keys_of(secret), purpose, tab + 1, out) != 0) {
			fprintf(stderr, "helper: token_csrf failed\n");
			return 1;
		}
		if (printf("%s\t%s\n", line, out) < 0)
			return 1;
	}
	return ferror(stdin) || fflush(stdout) != 0 ? 1 : 0;
}

int
main(int argc, char *argv[])
{
	unsigned char	secret[SECRET_BYTES];
	int		rc;

	if (argc >= 2 && strcmp(argv[1], "sql") == 0 && argc <= 3)
		return sql(argc == 3 ? argv[2] : NULL);
	if (argc != 4 || (strcmp(argv[1], "tokens") != 0 && strcmp(argv[1], "csrf") != 0))
		return usage();
	if (sodium_init() < 0 || load_secret(argv[2], secret) == -1)
		return 1;
	if (strcmp(argv[1], "tokens") == 0)
		rc = tokens(secret, argv[3]);
	else
		rc = csrf(secret, argv[3]);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}
