/*
 * libFuzzer target for the staff session's way from a Cookie header to a
 * database key: http_parse_cookies, the lookup of the session cookie by
 * name, token_well_formed, token_hash and the CSRF check bound to it (what
 * pages/staff_auth.c does before any query). The input is the header.
 * Checked: the cookie found is the first of its name; a value is accepted
 * as a session id exactly when it is 43 base64url characters; its hash is
 * "\x" and 64 hex digits, the same each time, and differs from its hash as
 * a link token; a CSRF token is valid for it exactly when it is the one
 * token_csrf makes, and never for another session id.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static const unsigned char secret[32] = "fuzz-session-secret-32-bytes!!!";
static const char *const names[] = { "__Host-settle", "settle",
    "__Host-settle-login", "settle-login" };

static bool
base64url(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static void
check_session(const char *id)
{
	char	h1[TOKEN_HASH_HEX], h2[TOKEN_HASH_HEX], link[TOKEN_HASH_HEX];
	char	csrf[TOKEN_LEN + 1], other[TOKEN_LEN + 1];
	size_t	i;

	CHECK(token_well_formed(id) == (strlen(id) == TOKEN_LEN && base64url(id)));
	if (!token_well_formed(id))
		return;
	CHECK(token_hash(secret, TOKEN_SESSION, id, h1) == 0);
	CHECK(token_hash(secret, TOKEN_SESSION, id, h2) == 0);
	CHECK(token_hash(secret, TOKEN_LINK, id, link) == 0);
	CHECK(strcmp(h1, h2) == 0 && strcmp(h1, link) != 0);
	CHECK(strlen(h1) == TOKEN_HASH_HEX - 1 && h1[0] == '\\' && h1[1] == 'x');
	for (i = 2; h1[i] != '\0'; i++)
		CHECK((h1[i] >= '0' && h1[i] <= '9') || (h1[i] >= 'a' && h1[i] <= 'f'));
	CHECK(token_csrf(secret, "logout", h1, csrf) == 0);
	CHECK(token_csrf_valid(secret, "logout", h1, csrf));
	CHECK(!token_csrf_valid(secret, "login", h1, csrf));
	CHECK(!token_csrf_valid(secret, "logout", h1, id) || strcmp(id, csrf) == 0);
	CHECK(token_csrf(secret, "logout", link, other) == 0);
	CHECK(strcmp(csrf, other) != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_param	 cookies[HTTP_MAX_COOKIES];
	const struct http_param		*p;
	struct arena			*a;
	char				*h;
	size_t				 count, i, k;

	if ((h = malloc(size + 1)) == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	if ((a = arena_new()) == NULL) {
		free(h);
		return 0;
	}
	http_parse_cookies(a, h, cookies, HTTP_MAX_COOKIES, &count);
	CHECK(count <= HTTP_MAX_COOKIES);
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		p = http_param_find(cookies, count, names[k]);
		for (i = 0; i < count; i++)
			if (strcmp(cookies[i].name, names[k]) == 0)
				break;
		CHECK(p == (i < count ? &cookies[i] : NULL));
		if (p != NULL)
			check_session(p->value);
	}
	arena_free(a);
	free(h);
	return 0;
}
