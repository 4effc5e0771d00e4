/* Unit tests for portal/seal.c: sealing outbox text and detecting tampering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "seal.h"

/* Length of a literal that may contain NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

#define OVERHEAD	(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)

/* Key 1 of each ring: 0xa0.., and the same with one bit flipped. */
static struct keyring secret, other;

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
		secret.keys[0].key[i] = (unsigned char)(0xa0 + i);
		other.keys[0].key[i] = (unsigned char)(0xa0 + i);
	}
	other.keys[0].key[0] ^= 0x80;
	return 0;
}

/* Seals n bytes of in; the caller frees the result. */
static char *
sealed(const char *in, size_t n)
{
	struct buf	b;

	buf_init(&b, 0);
	assert_int_equal(seal_text(&secret, in, n, &b), 0);
	assert_int_equal(strlen(b.data), b.len);
	return b.data;
}

/* Asserts that s does not open, and that out is left as it was. */
static void
open_bad(const struct keyring *key, const char *s)
{
	struct buf	b;

	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "keep"), 0);
	if (seal_open(key, s, &b) != -1)
		fail_msg("opened \"%.60s\"", s);
	assert_int_equal(b.len, 4);
	assert_string_equal(buf_str(&b), "keep");
	buf_free(&b);
}

static void
round_trip(const char *in, size_t n)
{
	struct buf	 b;
	char		*s = sealed(in, n);

	assert_true(strncmp(s, "k1:", 3) == 0);
	/* "k1:" (key 1) then standard base64 with padding of nonce, MAC and text. */
	assert_int_equal(strlen(s), 3 + 4 * ((OVERHEAD + n + 2) / 3));
	assert_int_equal(strspn(s + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/="), strlen(s) - 3);
	buf_init(&b, 0);
	assert_int_equal(seal_open(&secret, s, &b), 0);
	assert_int_equal(b.len, n);
	if (n > 0)
		assert_memory_equal(b.data, in, n);
	assert_int_equal(buf_str(&b)[n], '\0');
	buf_free(&b);
	free(s);
}

static void
test_seal_round_trip(void **state)
{
	char	*big;
	size_t	 n;

	(void)state;
	round_trip("", 0);
	round_trip("x", 1);
	round_trip(LIT("From: a@b\nTo: <c@d>\n\nhttps://pay.example.com/i/tok\n"));
	round_trip(LIT("binary\0bytes\xff\xfe\0"));
	for (n = 0; n < 10; n++)
		round_trip("abcdefghij", n);
	big = malloc(300000);
	assert_non_null(big);
	for (n = 0; n < 300000; n++)
		big[n] = (char)(n * 7);
	round_trip(big, 300000);
	free(big);
}

/* Sealing and opening append to what the buffer already holds. */
static void
test_seal_appends(void **state)
{
	struct buf	b;
	const char	*p;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "prefix:"), 0);
	assert_int_equal(seal_text(&secret, LIT("hello"), &b), 0);
	p = buf_str(&b);
	assert_true(strncmp(p, "prefix:k1:", 10) == 0);
	assert_int_equal(strlen(p), b.len);
	{
		struct buf out;

		buf_init(&out, 0);
		assert_int_equal(buf_puts(&out, "["), 0);
		assert_int_equal(seal_open(&secret, p + 7, &out), 0);
		assert_string_equal(buf_str(&out), "[hello");
		buf_free(&out);
	}
	buf_free(&b);
}

/* A random nonce per message: the same text seals differently. */
static void
test_seal_nonce(void **state)
{
	char	*a, *b;

	(void)state;
	a = sealed(LIT("same text"));
	b = sealed(LIT("same text"));
	assert_string_not_equal(a, b);
	assert_true(memcmp(a + 3, b + 3, 32) != 0);	/* the nonce differs */
	free(a);
	free(b);
}

static void
test_seal_wrong_secret(void **state)
{
	char	*s;

	(void)state;
	s = sealed(LIT("text"));
	open_bad(&other, s);
	free(s);
	s = sealed("", 0);
	open_bad(&other, s);
	free(s);
}

/* Each context has its own key: text sealed for one opens for no other. */
static void
test_seal_context(void **state)
{
	struct buf	 a, b;

	(void)state;
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(seal_text_as(&secret, "totpseal", LIT("twenty secret bytes!"), &a), 0);
	assert_int_equal(seal_open_as(&secret, "totpseal", buf_str(&a), &b), 0);
	assert_string_equal(buf_str(&b), "twenty secret bytes!");
	buf_reset(&b);
	assert_int_equal(seal_open(&secret, buf_str(&a), &b), -1);
	assert_int_equal(seal_open_as(&secret, "outboxky", buf_str(&a), &b), -1);
	assert_int_equal(seal_open_as(&other, "totpseal", buf_str(&a), &b), -1);
	buf_reset(&a);
	assert_int_equal(seal_text(&secret, LIT("outbox text"), &a), 0);
	assert_int_equal(seal_open_as(&secret, "totpseal", buf_str(&a), &b), -1);
	assert_int_equal(seal_open_as(&secret, "outboxky", buf_str(&a), &b), 0);
	assert_string_equal(buf_str(&b), "outbox text");
	/* A context is exactly 8 characters. */
	buf_reset(&a);
	assert_int_equal(seal_text_as(&secret, "short", LIT("x"), &a), -1);
	assert_int_equal(seal_text_as(&secret, "ninechars", LIT("x"), &a), -1);
	assert_int_equal(seal_text_as(&secret, NULL, LIT("x"), &a), -1);
	buf_free(&a);
	buf_free(&b);
}

/* Any change to any character of the base64 is detected. */
static void
test_seal_tamper(void **state)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char	*s, *t;
	size_t	 i, j, len;

	(void)state;
	s = sealed(LIT("pay 100 EUR to GB00 EXAM"));
	len = strlen(s);
	t = malloc(len + 1);
	assert_non_null(t);
	for (i = 3; i < len; i++) {
		if (s[i] == '=')
			continue;
		for (j = i % 5; j < sizeof(alphabet) - 1; j += 9) {
			if (alphabet[j] == s[i])
				continue;
			memcpy(t, s, len + 1);
			t[i] = alphabet[j];
			open_bad(&secret, t);
		}
	}
	free(t);
	free(s);
}

/* Flipping bits in the decoded box, re-encoded properly, is also caught. */
static void
test_seal_tamper_box(void **state)
{
	unsigned char	box[OVERHEAD + 16];
	char		t[3 + sodium_base64_ENCODED_LEN(sizeof(box),
			    sodium_base64_VARIANT_ORIGINAL)];
	char		*s;
	size_t		 boxlen, i;

	(void)state;
	s = sealed(LIT("sixteen bytes!!!"));
	assert_int_equal(sodium_base642bin(box, sizeof(box), s + 3, strlen(s + 3),
	    NULL, &boxlen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(boxlen, sizeof(box));
	for (i = 0; i < sizeof(box); i++) {
		box[i] ^= 0x01;
		memcpy(t, "s1:", 3);
		(void)sodium_bin2base64(t + 3, sizeof(t) - 3, box, sizeof(box),
		    sodium_base64_VARIANT_ORIGINAL);
		open_bad(&secret, t);
		box[i] ^= 0x01;
	}
	/* Untouched, it opens. */
	(void)sodium_bin2base64(t + 3, sizeof(t) - 3, box, sizeof(box),
	    sodium_base64_VARIANT_ORIGINAL);
	{
		struct buf b;

		buf_init(&b, 0);
		assert_int_equal(seal_open(&secret, t, &b), 0);
		assert_string_equal(buf_str(&b), "sixteen bytes!!!");
		buf_free(&b);
	}
	free(s);
}

static void
test_seal_truncated(void **state)
{
	char	*s;
	size_t	 len, cut;

	(void)state;
	s = sealed(LIT("a message long enough to cut in several places"));
	len = strlen(s);
	for (cut = len - 1; cut >= 3; cut--) {
		s[cut] = '\0';
		open_bad(&secret, s);
		if (cut == 3)
			break;
	}
	free(s);
}

static void
test_seal_bad_format(void **state)
{
	char	*s, *t;
	size_t	 len;

	(void)state;
	s = sealed(LIT("text"));
	len = strlen(s);
	t = malloc(len + 8);
	assert_non_null(t);

	open_bad(&secret, s + 3);			/* no prefix */
	open_bad(&secret, "");
	open_bad(&secret, "s1");
	open_bad(&secret, "s1:");
	open_bad(&secret, "s1:====");
	open_bad(&secret, "s1:!!!!");
	open_bad(&secret, "s1:AAAA");

	memcpy(t, s, len + 1);
	t[1] = '2';					/* "k2:" */
	open_bad(&secret, t);
	memcpy(t, s, len + 1);
	t[0] = 's';					/* "s1:", key 1 too */
	{
		struct buf b;

		buf_init(&b, 0);
		assert_int_equal(seal_open(&secret, t, &b), 0);
		assert_string_equal(buf_str(&b), "text");
		buf_free(&b);
	}
	memcpy(t, s, len + 1);
	t[1] = '0';					/* "k0:" */
	open_bad(&secret, t);
	memcpy(t, s, len + 1);
	t[0] = 'S';
	open_bad(&secret, t);
	memcpy(t, s, len + 1);
	t[2] = ';';
	open_bad(&secret, t);

	/* Stray bytes before, inside or after the base64. */
	t[0] = 's'; t[1] = '1'; t[2] = ':'; t[3] = ' ';
	memcpy(t + 4, s + 3, len - 3 + 1);
	open_bad(&secret, t);
	memcpy(t, s, len + 1);
	memcpy(t + len, "\n", 2);
	open_bad(&secret, t);
	memcpy(t, s, len + 1);
	memcpy(t + len, "AAAA", 5);
	open_bad(&secret, t);
	memcpy(t, s, 10);
	t[10] = '\n';
	memcpy(t + 11, s + 10, len - 10 + 1);
	open_bad(&secret, t);
	/* URL-safe base64 is a different encoding. */
	memcpy(t, s, len + 1);
	for (size_t i = 3; i < len; i++)
		if (t[i] == '+')
			t[i] = '-';
		else if (t[i] == '/')
			t[i] = '_';
	if (strcmp(t, s) != 0)
		open_bad(&secret, t);

	free(t);
	free(s);
}

/* Full output buffers fail cleanly. */
static void
test_seal_buffer_cap(void **state)
{
	struct buf	 b;
	char		*s;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(seal_text(&secret, LIT("too long for 16 bytes"), &b), -1);
	assert_true(buf_failed(&b));
	buf_free(&b);

	s = sealed(LIT("twenty bytes of text"));
	buf_init(&b, 19);
	assert_int_equal(seal_open(&secret, s, &b), -1);
	buf_free(&b);
	buf_init(&b, 20);
	assert_int_equal(seal_open(&secret, s, &b), 0);
	assert_string_equal(buf_str(&b), "twenty bytes of text");
	buf_free(&b);
	free(s);
}

/*
 * Rotation: mail queued before it (sealed with key 1, or in the "s1:" form
 * from before key ids) still opens once key 2 signs; new mail uses key 2,
 * which a ring without it cannot open.
 */
static void
test_seal_rotation(void **state)
{
	struct keyring	 ring = secret;
	struct buf	 b;
	char		*before = sealed(LIT("queued before")), *legacy;
	size_t		 i;

	(void)state;
	ring.n = 2;
	ring.keys[1].id = 2;
	for (i = 0; i < KEYRING_KEY_BYTES; i++)
		ring.keys[1].key[i] = (unsigned char)(0x11 * i);
	assert_int_equal(seal_key_id(before), 1);
	buf_init(&b, 0);
	assert_int_equal(seal_open(&ring, before, &b), 0);
	assert_string_equal(buf_str(&b), "queued before");
	legacy = strdup(before);
	assert_non_null(legacy);
	legacy[0] = 's';
	assert_int_equal(seal_key_id(legacy), 1);
	buf_reset(&b);
	assert_int_equal(seal_open(&ring, legacy, &b), 0);
	assert_string_equal(buf_str(&b), "queued before");
	buf_reset(&b);
	assert_int_equal(seal_text(&ring, LIT("queued after"), &b), 0);
	assert_true(strncmp(buf_str(&b), "k2:", 3) == 0);
	assert_int_equal(seal_key_id(buf_str(&b)), 2);
	open_bad(&secret, buf_str(&b));
	{
		struct buf o;

		buf_init(&o, 0);
		assert_int_equal(seal_open(&ring, buf_str(&b), &o), 0);
		assert_string_equal(buf_str(&o), "queued after");
		buf_free(&o);
	}
	/* Once key 1 is retired, what it sealed no longer opens. */
	ring.keys[0] = ring.keys[1];
	ring.n = 1;
	open_bad(&ring, before);
	open_bad(&ring, legacy);
	assert_int_equal(seal_key_id("k254:AAAA"), 254);
	assert_int_equal(seal_key_id("k255:AAAA"), 0);
	assert_int_equal(seal_key_id("k01:AAAA"), 0);
	assert_int_equal(seal_key_id("k1AAAA"), 0);
	assert_int_equal(seal_key_id("plain text"), 0);
	buf_free(&b);
	free(before);
	free(legacy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_round_trip),
		cmocka_unit_test(test_seal_rotation),
		cmocka_unit_test(test_seal_appends),
		cmocka_unit_test(test_seal_nonce),
		cmocka_unit_test(test_seal_wrong_secret),
		cmocka_unit_test(test_seal_context),
		cmocka_unit_test(test_seal_tamper),
		cmocka_unit_test(test_seal_tamper_box),
		cmocka_unit_test(test_seal_truncated),
		cmocka_unit_test(test_seal_bad_format),
		cmocka_unit_test(test_seal_buffer_cap),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
