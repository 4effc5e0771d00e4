/* Unit tests for portal/token.c: link and session tokens, their hashes, CSRF tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "config.h"
#include "token.h"

/* One key each, id 1: the secret 0..31, and the same with one bit flipped. */
static struct keyring secret, other;
#define KEY1	(&secret.keys[0])

/* A fixed, well-formed token: base64url of the bytes 0..31. */
static const char tok[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

/*
 * Its hashes under the secret 0..31 as key 1: the key id, then the hash
 * stored before keys had ids (migration 0011 prefixes those with 01).
 */
#define LINK_GOLDEN \
    "\\x01cc5c548021d6cd043bddc50d50f3a43253707da57a17c63208cd753fbbff0ab7"
#define SESSION_GOLDEN \
    "\\x0114331ad668956bd142016958d2bccfd47b2d8b0854afbb56dd729774f7030192"

static int
group_setup(void **state)
{
	size_t i;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	secret.n = other.n = 1;
	secret.keys[0].id = other.keys[0].id = 1;
	for (i = 0; i < KEYRING_KEY_BYTES; i++) {
		secret.keys[0].key[i] = (unsigned char)i;
		other.keys[0].key[i] = (unsigned char)i;
	}
	other.keys[0].key[31] ^= 1;
	return 0;
}

static bool
is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void
assert_hash_shape(const char *h)
{
	size_t i;

	assert_int_equal(strlen(h), TOKEN_HASH_HEX - 1);
	assert_int_equal(h[0], '\\');
	assert_int_equal(h[1], 'x');
	for (i = 2; i < TOKEN_HASH_HEX - 1; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			fail_msg("hash byte %zu is '%c'", i, h[i]);
}

/* Recomputes the documented scheme: keyed BLAKE2b with a per-kind subkey. */
static void
reference_hash(const unsigned char *sec, const char *ctx8, const char *t,
    char out[TOKEN_HASH_HEX])
{
	unsigned char key[crypto_generichash_KEYBYTES], h[TOKEN_HASH_BYTES];

	assert_int_equal(crypto_kdf_derive_from_key(key, sizeof(key), 1, ctx8,
	    sec), 0);
	assert_int_equal(crypto_generichash(h, sizeof(h),
	    (const unsigned char *)t, strlen(t), key, sizeof(key)), 0);
	out[0] = '\\';
	out[1] = 'x';
	out[2] = '0';
	out[3] = '1';
	(void)sodium_bin2hex(out + 4, TOKEN_HASH_HEX - 4, h, sizeof(h));
}

static void
test_token_new_shape(void **state)
{
	char	t1[TOKEN_LEN + 1], t2[TOKEN_LEN + 1];
	char	h1[TOKEN_HASH_HEX], h2[TOKEN_HASH_HEX], again[TOKEN_HASH_HEX];
	size_t	i;
	int	k;

	(void)state;
	for (k = 0; k < TOKEN_KIND__MAX; k++) {
		assert_int_equal(token_new(&secret, k, t1, h1), 0);
		assert_int_equal(strlen(t1), TOKEN_LEN);
		for (i = 0; i < TOKEN_LEN; i++)
			assert_true(is_b64url(t1[i]));
		assert_true(token_well_formed(t1));
		assert_hash_shape(h1);
		/* The hash handed out is the one token_hash gives later. */
		assert_int_equal(token_hash(KEY1, k, t1, again), 0);
		assert_string_equal(again, h1);
		/* Fresh randomness every time. */
		assert_int_equal(token_new(&secret, k, t2, h2), 0);
		assert_string_not_equal(t1, t2);
		assert_string_not_equal(h1, h2);
	}
}

/* The last character carries 4 bits: 32 random bytes never end in other letters. */
static void
test_token_new_canonical(void **state)
{
	char	t[TOKEN_LEN + 1], h[TOKEN_HASH_HEX];
	int	i;

	(void)state;
	for (i = 0; i < 200; i++) {
		assert_int_equal(token_new(&secret, TOKEN_LINK, t, h), 0);
		assert_non_null(strchr("AEIMQUYcgkosw048", t[TOKEN_LEN - 1]));
	}
}

/* One-time form ids: the shape of a token, and never the same twice. */
static void
test_token_form_id(void **state)
{
	char	a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(token_form_id(a), 0);
	assert_int_equal(token_form_id(b), 0);
	assert_true(token_well_formed(a));
	assert_true(token_well_formed(b));
	assert_string_not_equal(a, b);
}

static void
test_token_well_formed_good(void **state)
{
	(void)state;
	assert_true(token_well_formed(tok));
	assert_true(token_well_formed(
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"));
	assert_true(token_well_formed(
	    "0123456789-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-"));
	assert_true(token_well_formed(
	    "___________________________________________"));
}

static void
test_token_well_formed_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"A",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",	/* 42 */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A",	/* 44 */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",	/* padded */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+",	/* base64 */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh/",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH.8",
		" AECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh ",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd%68",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH\xc3\xa9",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw\xc3\xa9h8",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8AAECAwQFBgcICQoLDA0OD",
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (token_well_formed(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	/* A NUL inside the first 43 bytes ends it early. */
	memcpy(buf, tok, sizeof(tok));
	buf[20] = '\0';
	assert_false(token_well_formed(buf));
	/* Every single non-alphabet byte, at the first and the last place. */
	for (i = 1; i < 256; i++) {
		if (is_b64url((char)i))
			continue;
		memcpy(buf, tok, sizeof(tok));
		buf[0] = (char)i;
		assert_false(token_well_formed(buf));
		memcpy(buf, tok, sizeof(tok));
		buf[TOKEN_LEN - 1] = (char)i;
		assert_false(token_well_formed(buf));
	}
}

static void
test_token_hash_reference(void **state)
{
	char	h[TOKEN_HASH_HEX], want[TOKEN_HASH_HEX];

	(void)state;
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, tok, h), 0);
	reference_hash(KEY1->key, "linkhash", tok, want);
	assert_string_equal(h, want);
	assert_int_equal(token_hash(KEY1, TOKEN_SESSION, tok, h), 0);
	reference_hash(KEY1->key, "sesshash", tok, want);
	assert_string_equal(h, want);
}

/*
 * Stored hashes must never change: a different derivation would break every
 * link and session in the database. These values were computed once.
 */
static void
test_token_hash_stable(void **state)
{
	char	h[TOKEN_HASH_HEX];

	(void)state;
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, tok, h), 0);
	assert_string_equal(h, LINK_GOLDEN);
	assert_int_equal(token_hash(KEY1, TOKEN_SESSION, tok, h), 0);
	assert_string_equal(h, SESSION_GOLDEN);
}

static void
test_token_hash_differs(void **state)
{
	char	link[TOKEN_HASH_HEX], sess[TOKEN_HASH_HEX], h[TOKEN_HASH_HEX];
	char	unsub[TOKEN_HASH_HEX], t2[TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, tok, link), 0);
	assert_int_equal(token_hash(KEY1, TOKEN_SESSION, tok, sess), 0);
	assert_int_equal(token_hash(KEY1, TOKEN_UNSUBSCRIBE, tok, unsub), 0);
	assert_hash_shape(link);
	assert_hash_shape(sess);
	assert_hash_shape(unsub);
	/* Per kind: a session id or unsubscribe token never works as a link. */
	assert_string_not_equal(link, sess);
	assert_string_not_equal(link, unsub);
	assert_string_not_equal(sess, unsub);
	/* Per secret. */
	assert_int_equal(token_hash(&other.keys[0], TOKEN_LINK, tok, h), 0);
	assert_string_not_equal(h, link);
	assert_int_equal(token_hash(&other.keys[0], TOKEN_SESSION, tok, h), 0);
	assert_string_not_equal(h, sess);
	/* Per token, even one character apart. */
	memcpy(t2, tok, sizeof(tok));
	t2[0] = 'B';
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, t2, h), 0);
	assert_string_not_equal(h, link);
	/* Deterministic. */
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, tok, h), 0);
	assert_string_equal(h, link);
}

static void
test_token_hash_bad(void **state)
{
	char	h[TOKEN_HASH_HEX];

	(void)state;
	assert_int_equal(token_hash(KEY1, TOKEN_KIND__MAX, tok, h), -1);
	assert_int_equal(token_hash(KEY1, (enum token_kind)99, tok, h), -1);
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, "", h), -1);
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, "short", h), -1);
	assert_int_equal(token_hash(KEY1, TOKEN_LINK,
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", h), -1);
	assert_int_equal(token_hash(KEY1, TOKEN_LINK,
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+", h), -1);
}

/* --- CSRF --------------------------------------------------------------- */

static void
reference_csrf(const unsigned char *sec, const char *purpose,
    const char *subject, char out[TOKEN_LEN + 1])
{
	unsigned char	key[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES];
	unsigned char	msg[256];
	size_t		pl = strlen(purpose) + 1, sl = strlen(subject);

	assert_true(pl + sl <= sizeof(msg));
	memcpy(msg, purpose, pl);
	memcpy(msg + pl, subject, sl);
	assert_int_equal(crypto_kdf_derive_from_key(key, sizeof(key), 1,
	    "csrfauth", sec), 0);
	assert_int_equal(crypto_auth_hmacsha512256(mac, msg, pl + sl, key), 0);
	(void)sodium_bin2base64(out, TOKEN_LEN + 1, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void
test_token_csrf_shape(void **state)
{
	char	c[TOKEN_LEN + 1], again[TOKEN_LEN + 1], want[TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(token_csrf(&secret, "plan", "42", c), 0);
	assert_int_equal(strlen(c), TOKEN_LEN);
	assert_true(token_well_formed(c));
	assert_int_equal(token_csrf(&secret, "plan", "42", again), 0);
	assert_string_equal(c, again);
	reference_csrf(KEY1->key, "plan", "42", want);
	assert_string_equal(c, want);
	assert_int_equal(token_csrf(&secret, "", "", c), 0);
	reference_csrf(KEY1->key, "", "", want);
	assert_string_equal(c, want);
}

static void
test_token_csrf_valid(void **state)
{
	char	c[TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(token_csrf(&secret, "plan", "link-7", c), 0);
	assert_true(token_csrf_valid(&secret, "plan", "link-7", c));
	/* Bound to purpose, subject and secret. */
	assert_false(token_csrf_valid(&secret, "hardship", "link-7", c));
	assert_false(token_csrf_valid(&secret, "login", "link-7", c));
	assert_false(token_csrf_valid(&secret, "Plan", "link-7", c));
	assert_false(token_csrf_valid(&secret, "plan", "link-8", c));
	assert_false(token_csrf_valid(&secret, "plan", "link-7 ", c));
	assert_false(token_csrf_valid(&secret, "plan", "", c));
	assert_false(token_csrf_valid(&other, "plan", "link-7", c));
	/* The separator keeps purpose and subject apart. */
	assert_int_equal(token_csrf(&secret, "ab", "c", c), 0);
	assert_false(token_csrf_valid(&secret, "a", "bc", c));
	assert_false(token_csrf_valid(&secret, "abc", "", c));
	assert_true(token_csrf_valid(&secret, "ab", "c", c));
}

/* Changing any one character of a CSRF token makes it invalid. */
static void
test_token_csrf_tampered(void **state)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char	c[TOKEN_LEN + 1], t[TOKEN_LEN + 1];
	size_t	i, j;

	(void)state;
	assert_int_equal(token_csrf(&secret, "hardship", "99", c), 0);
	for (i = 0; i < TOKEN_LEN; i++)
		for (j = 0; j < sizeof(alphabet) - 1; j += 7) {
			if (alphabet[j] == c[i])
				continue;
			memcpy(t, c, sizeof(t));
			t[i] = alphabet[j];
			if (token_csrf_valid(&secret, "hardship", "99", t))
				fail_msg("accepted %s", t);
		}
}

static void
test_token_csrf_bad_length(void **state)
{
	char	c[TOKEN_LEN + 1], t[TOKEN_LEN + 8];

	(void)state;
	assert_int_equal(token_csrf(&secret, "plan", "1", c), 0);
	assert_false(token_csrf_valid(&secret, "plan", "1", NULL));
	assert_false(token_csrf_valid(&secret, "plan", "1", ""));
	memcpy(t, c, TOKEN_LEN);
	t[TOKEN_LEN - 1] = '\0';
	assert_false(token_csrf_valid(&secret, "plan", "1", t));
	memcpy(t, c, TOKEN_LEN);
	t[TOKEN_LEN] = 'A';
	t[TOKEN_LEN + 1] = '\0';
	assert_false(token_csrf_valid(&secret, "plan", "1", t));
	t[TOKEN_LEN] = '=';
	assert_false(token_csrf_valid(&secret, "plan", "1", t));
	t[TOKEN_LEN] = '\n';
	assert_false(token_csrf_valid(&secret, "plan", "1", t));
	/* The standard base64 alphabet is not accepted. */
	memcpy(t, c, sizeof(c));
	for (size_t i = 0; i < TOKEN_LEN; i++)
		if (t[i] == '-')
			t[i] = '+';
		else if (t[i] == '_')
			t[i] = '/';
	if (strcmp(t, c) != 0)
		assert_false(token_csrf_valid(&secret, "plan", "1", t));
}

/* --- Rotation: several keys ----------------------------------------------- */

/* secret's key 1 and a second key (id 2) signing from start. */
static void
two_keys(struct keyring *r, long long start)
{
	size_t	i;

	*r = secret;
	r->n = 2;
	r->keys[1].id = 2;
	r->keys[1].start = start;
	for (i = 0; i < KEYRING_KEY_BYTES; i++)
		r->keys[1].key[i] = (unsigned char)(0x40 + i);
}

/* A link made before the rotation is found after it; new ones use key 2. */
static void
test_token_rotation_lookup(void **state)
{
	struct keyring	ring;
	char		old[TOKEN_HASH_HEX], h2[TOKEN_HASH_HEX], want[TOKEN_HASH_LIST];
	char		list[TOKEN_HASH_LIST], t[TOKEN_LEN + 1], h[TOKEN_HASH_HEX];

	(void)state;
	/* One key: one hash, the stored one, in the array. */
	assert_int_equal(token_lookup(&secret, TOKEN_LINK, tok, list), 0);
	assert_string_equal(list, "{\"\\" LINK_GOLDEN "\"}");
	two_keys(&ring, 0);
	assert_int_equal(token_hash(KEY1, TOKEN_LINK, tok, old), 0);
	assert_int_equal(token_hash(&ring.keys[1], TOKEN_LINK, tok, h2), 0);
	assert_memory_equal(h2, "\\x02", 4);
	assert_string_not_equal(old + 4, h2 + 4);
	/* Signing key first, then the old one: both probed, in one statement. */
	(void)snprintf(want, sizeof(want), "{\"\\%s\",\"\\%s\"}", h2, old);
	assert_int_equal(token_lookup(&ring, TOKEN_LINK, tok, list), 0);
	assert_string_equal(list, want);
	/* New tokens are hashed with key 2. */
	assert_int_equal(token_new(&ring, TOKEN_SESSION, t, h), 0);
	assert_memory_equal(h, "\\x02", 4);
	/* A key that starts later does not sign yet, but is looked up. */
	two_keys(&ring, (long long)time(NULL) + 3600);
	assert_int_equal(token_new(&ring, TOKEN_LINK, t, h), 0);
	assert_memory_equal(h, "\\x01", 4);
	assert_int_equal(token_lookup(&ring, TOKEN_LINK, tok, list), 0);
	(void)snprintf(want, sizeof(want), "{\"\\%s\",\"\\%s\"}", old, h2);
	assert_string_equal(list, want);
	/* Every key of a full ring fits the list. */
	ring.n = KEYRING_MAX;
	for (int i = 2; i < KEYRING_MAX; i++) {
		ring.keys[i] = ring.keys[1];
		ring.keys[i].id = (unsigned)i + 1;
	}
	assert_int_equal(token_lookup(&ring, TOKEN_LINK, tok, list), 0);
	assert_int_equal(strlen(list), 2 + KEYRING_MAX * (TOKEN_HASH_HEX + 3) - 1);
	assert_int_equal(token_lookup(&ring, TOKEN_LINK, "short", list), -1);
}

/* A form shown before the rotation still posts; new forms use key 2. */
static void
test_token_rotation_csrf(void **state)
{
	struct keyring	ring;
	char		before[TOKEN_LEN + 1], after[TOKEN_LEN + 1];

	(void)state;
	two_keys(&ring, 0);
	assert_int_equal(token_csrf(&secret, "plan", "7", before), 0);
	assert_true(token_csrf_valid(&ring, "plan", "7", before));
	assert_int_equal(token_csrf(&ring, "plan", "7", after), 0);
	assert_string_not_equal(before, after);
	assert_true(token_csrf_valid(&ring, "plan", "7", after));
	/* A host that has not learnt key 2 refuses what it signed. */
	assert_false(token_csrf_valid(&secret, "plan", "7", after));
	/* Once key 1 is retired, its forms are refused. */
	ring.keys[0] = ring.keys[1];
	ring.n = 1;
	assert_false(token_csrf_valid(&ring, "plan", "7", before));
	assert_false(token_csrf_valid(&ring, "hardship", "7", after));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_new_shape),
		cmocka_unit_test(test_token_new_canonical),
		cmocka_unit_test(test_token_form_id),
		cmocka_unit_test(test_token_well_formed_good),
		cmocka_unit_test(test_token_well_formed_bad),
		cmocka_unit_test(test_token_hash_reference),
		cmocka_unit_test(test_token_hash_stable),
		cmocka_unit_test(test_token_hash_differs),
		cmocka_unit_test(test_token_hash_bad),
		cmocka_unit_test(test_token_csrf_shape),
		cmocka_unit_test(test_token_csrf_valid),
		cmocka_unit_test(test_token_csrf_tampered),
		cmocka_unit_test(test_token_csrf_bad_length),
		cmocka_unit_test(test_token_rotation_lookup),
		cmocka_unit_test(test_token_rotation_csrf),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
