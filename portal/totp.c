#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "buf.h"
#include "keyring.h"
#include "seal.h"
#include "totp.h"
#include "utf8.h"

/* The last second of 9999-12-31: no step computation overflows below it. */
#define TOTP_TIME_MAX		INT64_C(253402300799)
#define TOTP_SECRET_MAX		64
#define RECOVERY_CHARS		10

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/* crypto_kdf contexts are exactly 8 bytes. */
static const char recovery_context[] = "totprcvr";
static const char seal_context[] = "totpseal";

void
totp_secret_new(unsigned char secret[TOTP_SECRET_BYTES])
{
	randombytes_buf(secret, TOTP_SECRET_BYTES);
}

int
totp_base32(const unsigned char *secret, size_t len, char *out, size_t outsz)
{
	char	*enc = NULL;
	size_t	 n = 0;
	int	 rc = -1;

	if (out == NULL || outsz == 0)
		return -1;
	out[0] = '\0';
	if (secret == NULL || len == 0 || len > TOTP_SECRET_MAX ||
	    oath_init() != OATH_OK ||
	    oath_base32_encode((const char *)secret, len, &enc, &n) != OATH_OK)
		goto out;
	/* liboath pads to a multiple of eight; otpauth URIs carry no padding. */
	while (n > 0 && enc[n - 1] == '=')
		n--;
	if (n >= outsz)
		goto out;
	memcpy(out, enc, n);
	out[n] = '\0';
	rc = 0;
out:
	free(enc);
	return rc;
}

int
totp_code(const unsigned char *secret, size_t len, int64_t t, int digits,
    char out[TOTP_CODE_SIZE])
{
	out[0] = '\0';
	if (secret == NULL || len == 0 || len > TOTP_SECRET_MAX || t < 0 ||
	    t > TOTP_TIME_MAX || digits < 6 || digits > 8)
		return -1;
	if (oath_init() != OATH_OK ||
	    oath_totp_generate((const char *)secret, len, (time_t)t, TOTP_STEP,
	    0, (unsigned)digits, out) != OATH_OK) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* The six digits of code, spaces between them dropped; 0 or -1. */
static int
code_digits(const char *code, char out[TOTP_DIGITS + 1])
{
	size_t	 n = 0;

	if (code == NULL)
		return -1;
	for (; *code != '\0'; code++) {
		if (*code == ' ' && n > 0 && code[1] != '\0')
			continue;
		if (*code < '0' || *code > '9' || n == TOTP_DIGITS)
			return -1;
		out[n++] = *code;
	}
	out[n] = '\0';
	return n == TOTP_DIGITS ? 0 : -1;
}

bool
totp_is_code(const char *given)
{
	char	 d[TOTP_DIGITS + 1];
	bool	 yes = code_digits(given, d) == 0;

	sodium_memzero(d, sizeof(d));
	return yes;
}

int
totp_verify(const unsigned char *secret, size_t len, int64_t now,
    const char *code, int64_t last_step, int64_t *step)
{
	char	 given[TOTP_DIGITS + 1], want[TOTP_CODE_SIZE];
	int64_t	 t, s, best = -1;
	int	 rc = -1;

	if (now < 0 || now > TOTP_TIME_MAX || step == NULL ||
	    code_digits(code, given) == -1)
		goto out;
	t = now / TOTP_STEP;
	/* Every step of the window is computed and compared, match or not. */
	for (s = t - TOTP_WINDOW; s <= t + TOTP_WINDOW; s++) {
		if (s < 0)
			continue;
		if (totp_code(secret, len, s * TOTP_STEP, TOTP_DIGITS, want) == -1)
			goto out;
		if (sodium_memcmp(want, given, TOTP_DIGITS) == 0 && s > last_step)
			best = s;
	}
	if (best < 0)
		goto out;
	*step = best;
	rc = 0;
out:
	sodium_memzero(want, sizeof(want));
	return rc;
}

/* True for valid UTF-8 of 1..max bytes without control characters (and without c when c is not 0). */
static bool
label_ok(const char *s, size_t max, char c)
{
	size_t	 n, i;

	if (s == NULL || (n = strlen(s)) == 0 || n > max || !utf8_valid(s, n))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    (c != '\0' && s[i] == c))
			return false;
	return true;
}

/* Appends s percent-encoded: RFC 3986 unreserved characters as they are. */
static void
put_encoded(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			(void)buf_putc(b, (char)c);
			continue;
		}
		(void)buf_putc(b, '%');
		(void)buf_putc(b, hex[c >> 4]);
		(void)buf_putc(b, hex[c & 0x0f]);
	}
}

int
totp_uri(char *out, size_t outsz, const char *issuer, const char *account,
    const unsigned char *secret, size_t len)
{
	char		 b32[2 * TOTP_SECRET_MAX];
	struct buf	 b;
	int		 rc = -1;

	if (out == NULL || outsz == 0)
		return -1;
	out[0] = '\0';
	buf_init(&b, outsz);
	if (!label_ok(issuer, TOTP_ISSUER_MAX, ':') ||
	    !label_ok(account, TOTP_ACCOUNT_MAX, '\0') ||
	    totp_base32(secret, len, b32, sizeof(b32)) == -1)
		goto out;
	(void)buf_puts(&b, "otpauth://totp/");
	put_encoded(&b, issuer);
	(void)buf_putc(&b, ':');
	put_encoded(&b, account);
	(void)buf_printf(&b, "?secret=%s&issuer=", b32);
	put_encoded(&b, issuer);
	(void)buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS,
	    TOTP_STEP);
	if (buf_failed(&b) || b.len >= outsz)
		goto out;
	memcpy(out, buf_str(&b), b.len + 1);
	rc = 0;
out:
	sodium_memzero(b32, sizeof(b32));
	if (b.data != NULL)
		sodium_memzero(b.data, b.cap);
	buf_free(&b);
	return rc;
}

void
totp_recovery_new(char codes[TOTP_RECOVERY_CODES][TOTP_RECOVERY_SIZE])
{
	size_t	 i, j, k;

	for (i = 0; i < TOTP_RECOVERY_CODES; i++) {
		for (j = 0, k = 0; j < RECOVERY_CHARS; j++) {
			if (j == RECOVERY_CHARS / 2)
				codes[i][k++] = '-';
			codes[i][k++] = base32_alphabet[randombytes_uniform(32)];
		}
		codes[i][k] = '\0';
	}
}

/*
 * The ten base32 characters of a typed code: case, spaces and hyphens
 * ignored, and the digits people type for look-alike letters (0 O, 1 I,
 * 8 B) read as those letters. 0 or -1.
 */
static int
recovery_chars(const char *given, char out[RECOVERY_CHARS])
{
	size_t	 n = 0, i;
	char	 c;

	if (given == NULL || strlen(given) > 4 * RECOVERY_CHARS)
		return -1;
	for (i = 0; given[i] != '\0'; i++) {
		c = given[i];
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		c = c == '0' ? 'O' : c == '1' ? 'I' : c == '8' ? 'B' : c;
		if (strchr(base32_alphabet, c) == NULL ||
		    n == RECOVERY_CHARS)
			return -1;
		out[n++] = c;
	}
	return n == RECOVERY_CHARS ? 0 : -1;
}

int
totp_recovery_hash(const struct keyring_key *k, const char *user,
    const char *code, char hash_hex[TOTP_RECOVERY_HASH_HEX])
{
	unsigned char			 key[crypto_generichash_KEYBYTES];
	unsigned char			 h[1 + 32];
	crypto_generichash_state	 st;
	char				 chars[RECOVERY_CHARS];
	int				 rc = -1;

	hash_hex[0] = '\0';
	if (k == NULL || k->id < 1 || k->id > KEYRING_ID_MAX || user == NULL ||
	    recovery_chars(code, chars) == -1)
		goto out;
	h[0] = (unsigned char)k->id;
	if (crypto_kdf_derive_from_key(key, sizeof(key), 1, recovery_context,
	    k->key) != 0 ||
	    crypto_generichash_init(&st, key, sizeof(key), sizeof(h) - 1) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)user,
	    strlen(user) + 1) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)chars,
	    sizeof(chars)) != 0 ||
	    crypto_generichash_final(&st, h + 1, sizeof(h) - 1) != 0)
		goto out;
	hash_hex[0] = '\\';
	hash_hex[1] = 'x';
	(void)sodium_bin2hex(hash_hex + 2, TOTP_RECOVERY_HASH_HEX - 2, h,
	    sizeof(h));
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(chars, sizeof(chars));
	sodium_memzero(&st, sizeof(st));
	return rc;
}

int
totp_recovery_lookup(const struct keyring *keys, const char *user,
    const char *code, char list[TOTP_RECOVERY_HASH_LIST])
{
	char	 h[TOTP_RECOVERY_HASH_HEX];
	size_t	 len = 1;
	int	 i, n;

	if (keys == NULL || keys->n < 1)
		return -1;
	list[0] = '{';
	for (i = 0; i < keys->n; i++) {
		if (totp_recovery_hash(&keys->keys[i], user, code, h) == -1)
			return -1;
		/* In an array literal a backslash is escaped: {"\\x01..."}. */
		n = snprintf(list + len, TOTP_RECOVERY_HASH_LIST - len,
		    "%s\"\\%s\"", len > 1 ? "," : "", h);
		if (n < 0 || (size_t)n >= TOTP_RECOVERY_HASH_LIST - len - 1)
			return -1;
		len += (size_t)n;
	}
	list[len++] = '}';
	list[len] = '\0';
	return 0;
}

int
totp_recovery_find(const struct keyring *keys, const char *user,
    const char *given, const char *const *hashes, size_t n)
{
	char	 want[TOTP_RECOVERY_HASH_HEX];
	size_t	 i;
	int	 found = -1, k;

	if (hashes == NULL || keys == NULL || keys->n < 1)
		return -1;
	for (k = 0; k < keys->n; k++) {
		if (totp_recovery_hash(&keys->keys[k], user, given, want) == -1)
			return -1;
		for (i = 0; i < n; i++)
			if (hashes[i] != NULL &&
			    strlen(hashes[i]) == TOTP_RECOVERY_HASH_HEX - 1 &&
			    sodium_memcmp(hashes[i], want,
			    TOTP_RECOVERY_HASH_HEX - 1) == 0 && found == -1)
				found = (int)i;
	}
	sodium_memzero(want, sizeof(want));
	return found;
}

int
totp_secret_seal(const struct keyring *keys,
    const unsigned char secret[TOTP_SECRET_BYTES], struct buf *out)
{
	if (keys == NULL || secret == NULL || out == NULL)
		return -1;
	return seal_text_as(keys, seal_context, (const char *)secret,
	    TOTP_SECRET_BYTES, out);
}

int
totp_secret_open(const struct keyring *keys, const char *sealed,
    unsigned char secret[TOTP_SECRET_BYTES])
{
	struct buf	 b;
	int		 rc = -1;

	buf_init(&b, 1024);
	if (keys == NULL || sealed == NULL ||
	    seal_open_as(keys, seal_context, sealed, &b) == -1 ||
	    b.len != TOTP_SECRET_BYTES)
		goto out;
	memcpy(secret, b.data, TOTP_SECRET_BYTES);
	rc = 0;
out:
	if (b.data != NULL)
		sodium_memzero(b.data, b.cap);
	buf_free(&b);
	return rc;
}
