#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "keyring.h"
#include "token.h"

/* crypto_kdf contexts are exactly 8 bytes; one subkey per use. */
static const char *const contexts[TOKEN_KIND__MAX] = {
	[TOKEN_LINK] = "linkhash",
	[TOKEN_SESSION] = "sesshash",
	[TOKEN_UNSUBSCRIBE] = "unsbhash",
	[TOKEN_COUNTER] = "cntrhash",
};
static const char csrf_context[] = "csrfauth";

static int
subkey(const unsigned char *secret, const char *context, unsigned char *key,
    size_t keylen)
{
	return crypto_kdf_derive_from_key(key, keylen, 1, context, secret);
}

/* "\\x", the key id and the hash in hex. */
static void
to_hex(unsigned id, const unsigned char *h, char out[TOKEN_HASH_HEX])
{
	unsigned char	stored[TOKEN_STORED_BYTES];

	stored[0] = (unsigned char)id;
	memcpy(stored + 1, h, TOKEN_HASH_BYTES);
	out[0] = '\\';
	out[1] = 'x';
	(void)sodium_bin2hex(out + 2, TOKEN_HASH_HEX - 2, stored, sizeof(stored));
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
token_hash(const struct keyring_key *k, enum token_kind kind, const char *token,
    char hash_hex[TOKEN_HASH_HEX])
{
	unsigned char	key[crypto_generichash_KEYBYTES];
	unsigned char	h[TOKEN_HASH_BYTES];
	int		rc = -1;

	if (k == NULL || kind >= TOKEN_KIND__MAX || !token_well_formed(token))
		goto out;
	if (subkey(k->key, contexts[kind], key, sizeof(key)) != 0)
		goto out;
	if (crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	    TOKEN_LEN, key, sizeof(key)) != 0)
		goto out;
	to_hex(k->id, h, hash_hex);
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}

int
token_lookup(const struct keyring *keys, enum token_kind kind,
    const char *token, char list[TOKEN_HASH_LIST])
{
	const struct keyring_key	*signer = keyring_signer(keys, time(NULL));
	char				 h[TOKEN_HASH_HEX];
	size_t				 len = 1;
	int				 i, n;

	list[0] = '{';
	for (i = -1; i < keys->n; i++) {
		const struct keyring_key *k = i < 0 ? signer : &keys->keys[i];

		if (k == NULL || (i >= 0 && k == signer))
			continue;
		if (token_hash(k, kind, token, h) == -1)
			return -1;
		/* In an array literal a backslash is escaped: {"\\x01..."}. */
		n = snprintf(list + len, TOKEN_HASH_LIST - len, "%s\"\\%s\"",
		    len > 1 ? "," : "", h);
		if (n < 0 || (size_t)n >= TOKEN_HASH_LIST - len - 1)
			return -1;
		len += (size_t)n;
	}
	if (len == 1)
		return -1;
	list[len++] = '}';
	list[len] = '\0';
	return 0;
}

int
token_new(const struct keyring *keys, enum token_kind kind,
    char token[TOKEN_LEN + 1], char hash_hex[TOKEN_HASH_HEX])
{
	unsigned char	raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	(void)sodium_bin2base64(token, TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return token_hash(keyring_signer(keys, time(NULL)), kind, token, hash_hex);
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

/* The CSRF token for purpose and subject under one key; 0 or -1. */
static int
csrf_under(const struct keyring_key *k, const char *purpose,
    const char *subject, char out[TOKEN_LEN + 1])
{
	unsigned char	mac[crypto_auth_BYTES];

	if (k == NULL || purpose == NULL || subject == NULL ||
	    csrf_mac(k->key, purpose, subject, mac) != 0)
		return -1;
	(void)sodium_bin2base64(out, TOKEN_LEN + 1, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int
token_csrf(const struct keyring *keys, const char *purpose,
    const char *subject, char out[TOKEN_LEN + 1])
{
	return csrf_under(keyring_signer(keys, time(NULL)), purpose, subject, out);
}

bool
token_csrf_valid(const struct keyring *keys, const char *purpose,
    const char *subject, const char *given)
{
	char	want[TOKEN_LEN + 1];
	bool	ok = false;
	int	i;

	if (!token_well_formed(given))
		return false;
	for (i = 0; i < keys->n; i++)
		if (csrf_under(&keys->keys[i], purpose, subject, want) == 0 &&
		    sodium_memcmp(want, given, TOKEN_LEN) == 0)
			ok = true;
	return ok;
}
