#include <string.h>

#include <sodium.h>

#include "token.h"

/* crypto_kdf contexts are exactly 8 bytes; one subkey per use. */
static const char *const contexts[TOKEN_KIND__MAX] = {
	[TOKEN_LINK] = "linkhash",
	[TOKEN_SESSION] = "sesshash",
	[TOKEN_UNSUBSCRIBE] = "unsbhash",
};
static const char csrf_context[] = "csrfauth";

static int
subkey(const unsigned char *secret, const char *context, unsigned char *key,
    size_t keylen)
{
	return crypto_kdf_derive_from_key(key, keylen, 1, context, secret);
}

static void
to_hex(const unsigned char *h, char out[TOKEN_HASH_HEX])
{
	out[0] = '\\';
	out[1] = 'x';
	(void)sodium_bin2hex(out + 2, TOKEN_HASH_HEX - 2, h, TOKEN_HASH_BYTES);
}

int
token_form_id(char out[TOKEN_LEN + 1])
{
	unsigned char	raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	(void)sodium_bin2base64(out, TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

bool
token_well_formed(const char *s)
{
	size_t	i;

	if (s == NULL)
		return false;
	for (i = 0; i < TOKEN_LEN; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return s[TOKEN_LEN] == '\0';
}

int
token_hash(const unsigned char *secret, enum token_kind kind, const char *token,
    char hash_hex[TOKEN_HASH_HEX])
{
	unsigned char	key[crypto_generichash_KEYBYTES];
	unsigned char	h[TOKEN_HASH_BYTES];
	int		rc = -1;

	if (kind >= TOKEN_KIND__MAX || !token_well_formed(token))
		goto out;
	if (subkey(secret, contexts[kind], key, sizeof(key)) != 0)
		goto out;
	if (crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	    TOKEN_LEN, key, sizeof(key)) != 0)
		goto out;
	to_hex(h, hash_hex);
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}

int
token_new(const unsigned char *secret, enum token_kind kind,
    char token[TOKEN_LEN + 1], char hash_hex[TOKEN_HASH_HEX])
{
	unsigned char	raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	(void)sodium_bin2base64(token, TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return token_hash(secret, kind, token, hash_hex);
}

/* The MAC of purpose, a NUL separator and subject. */
static int
csrf_mac(const unsigned char *secret, const char *purpose, const char *subject,
    unsigned char mac[crypto_auth_BYTES])
{
	unsigned char			key[crypto_auth_KEYBYTES];
	crypto_auth_hmacsha512256_state	st;
	int				rc = -1;

	if (subkey(secret, csrf_context, key, sizeof(key)) != 0)
		goto out;
	if (crypto_auth_hmacsha512256_init(&st, key, sizeof(key)) != 0 ||
	    crypto_auth_hmacsha512256_update(&st, (const unsigned char *)purpose,
	    strlen(purpose) + 1) != 0 ||
	    crypto_auth_hmacsha512256_update(&st, (const unsigned char *)subject,
	    strlen(subject)) != 0 ||
	    crypto_auth_hmacsha512256_final(&st, mac) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&st, sizeof(st));
	return rc;
}

int
token_csrf(const unsigned char *secret, const char *purpose,
    const char *subject, char out[TOKEN_LEN + 1])
{
	unsigned char	mac[crypto_auth_BYTES];

	if (purpose == NULL || subject == NULL ||
	    csrf_mac(secret, purpose, subject, mac) != 0)
		return -1;
	(void)sodium_bin2base64(out, TOKEN_LEN + 1, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

bool
token_csrf_valid(const unsigned char *secret, const char *purpose,
    const char *subject, const char *given)
{
	char	want[TOKEN_LEN + 1];

	if (purpose == NULL || subject == NULL || !token_well_formed(given) ||
	    token_csrf(secret, purpose, subject, want) != 0)
		return false;
	return sodium_memcmp(want, given, TOKEN_LEN) == 0;
}
