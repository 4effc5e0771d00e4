#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "totp.h"

/* RFC 6238 appendix B: the SHA-1 key is the ASCII of "12345678901234567890". */
static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEY_LEN	20

/* The server keys: key 1 only, every byte 0x5a. */
static struct keyring ring;
#define KEY1	(&ring.keys[0])

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() == -1)
		return -1;
	memset(&ring, 0, sizeof(ring));
	ring.n = 1;
	ring.keys[0].id = 1;
	memset(ring.keys[0].key, 0x5a, sizeof(ring.keys[0].key));
	return 0;
}

static void
test_totp_rfc6238_vectors(void **state)
{
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {
		{ 59, "94287082" },
		{ 1111111109, "07081804" },
		{ 1111111111, "14050471" },
		{ 1234567890, "89005924" },
		{ 2000000000, "69279037" },
		{ INT64_C(20000000000), "65353130" },
	};
	char out[TOTP_CODE_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, v[i].t, 8, out), 0);
		assert_string_equal(out, v[i].code);
		/* Six digits are the last six of eight (the same truncation mod 10^d). */
		assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, v[i].t, 6, out), 0);
		assert_string_equal(out, v[i].code + 2);
	}
	/* One step lasts 30 seconds: 30..59 share a code, 60 does not. */
	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, 30, 8, out), 0);
	assert_string_equal(out, "94287082");
	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, 60, 8, out), 0);
	assert_string_not_equal(out, "94287082");
}

static void
test_totp_code_bad(void **state)
{
	char out[TOTP_CODE_SIZE];

	(void)state;
	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, 59, 5, out), -1);
	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, 59, 9, out), -1);
	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, -1, 6, out), -1);
	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, INT64_MAX, 6, out), -1);
	assert_int_equal(totp_code(NULL, RFC_KEY_LEN, 59, 6, out), -1);
	assert_int_equal(totp_code(rfc_key, 0, 59, 6, out), -1);
	assert_string_equal(out, "");
}

/* The code of step s for the RFC key. */
static const char *
code_at(int64_t s)
{
	static char out[TOTP_CODE_SIZE];

	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, s * TOTP_STEP, 6, out), 0);
	return out;
}

static void
verify_ok(int64_t now, const char *code, int64_t last, int64_t want)
{
	int64_t step = -42;

	if (totp_verify(rfc_key, RFC_KEY_LEN, now, code, last, &step) != 0)
		fail_msg("refused %s at %lld (last step %lld)", code,
		    (long long)now, (long long)last);
	assert_int_equal(step, want);
}

static void
verify_bad(int64_t now, const char *code, int64_t last)
{
	int64_t step = -42;

	if (totp_verify(rfc_key, RFC_KEY_LEN, now, code, last, &step) != -1)
		fail_msg("accepted %s at %lld (last step %lld)",
		    code ? code : "(null)", (long long)now, (long long)last);
	assert_int_equal(step, -42);
}

static void
test_totp_verify_window(void **state)
{
	int64_t now = INT64_C(1111111111), t = now / TOTP_STEP;

	(void)state;
	verify_ok(59, "287082", -1, 1);
	verify_ok(now, "050471", -1, t);
	/* One step either side, for clocks that drift. */
	verify_ok(now, code_at(t - 1), -1, t - 1);
	verify_ok(now, code_at(t + 1), -1, t + 1);
	/* Two steps away: refused. */
	verify_bad(now, code_at(t - 2), -1);
	verify_bad(now, code_at(t + 2), -1);
	/* At the epoch there is no step before. */
	verify_ok(0, code_at(0), -1, 0);
	verify_ok(0, code_at(1), -1, 1);
	verify_bad(-1, code_at(0), -1);
	verify_bad(INT64_MAX, code_at(0), -1);
}

/* A step that was used cannot be used again, nor one before it. */
static void
test_totp_verify_replay(void **state)
{
	int64_t now = INT64_C(1700000000), t = now / TOTP_STEP, step = -1;
	char code[TOTP_CODE_SIZE];

	(void)state;
	strcpy(code, code_at(t));
	assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, now, code, -1, &step),
	    0);
	assert_int_equal(step, t);
	verify_bad(now, code, step);
	verify_bad(now + 10, code, step);
	verify_bad(now, code_at(t - 1), step);
	/* The next step's code is still good. */
	verify_ok(now + TOTP_STEP, code_at(t + 1), step, t + 1);
	verify_ok(now, code_at(t + 1), step, t + 1);
}

static void
test_totp_verify_format(void **state)
{
	int64_t now = 59;

	(void)state;
	verify_ok(now, "287 082", -1, 1);
	verify_ok(now, "2 8 7 0 8 2", -1, 1);
	verify_bad(now, " 287082", -1);
	verify_bad(now, "287082 ", -1);
	verify_bad(now, "28708", -1);
	verify_bad(now, "2870822", -1);
	verify_bad(now, "94287082", -1);
	verify_bad(now, "28708a", -1);
	verify_bad(now, "287-082", -1);
	verify_bad(now, "", -1);
	verify_bad(now, NULL, -1);
	verify_bad(now, "287083", -1);
	assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, now, "287082", -1,
	    NULL), -1);
	assert_int_equal(totp_verify(NULL, RFC_KEY_LEN, now, "287082", -1,
	    &now), -1);
}

static void
test_totp_base32(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {	/* RFC 4648 section 10, without the padding */
		{ "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" },
		{ "foob", "MZXW6YQ" }, { "fooba", "MZXW6YTB" },
		{ "foobar", "MZXW6YTBOI" },
	};
	char out[TOTP_SECRET_B32_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_base32((const unsigned char *)v[i].in,
		    strlen(v[i].in), out, sizeof(out)), 0);
		assert_string_equal(out, v[i].out);
	}
	assert_int_equal(totp_base32(rfc_key, RFC_KEY_LEN, out, sizeof(out)), 0);
	assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(totp_base32(rfc_key, RFC_KEY_LEN, out, 32), -1);
	assert_string_equal(out, "");
	assert_int_equal(totp_base32(rfc_key, 0, out, sizeof(out)), -1);
	assert_int_equal(totp_base32(NULL, 4, out, sizeof(out)), -1);
	assert_int_equal(totp_base32(rfc_key, 4, NULL, 8), -1);
}

static void
test_totp_secret_new(void **state)
{
	unsigned char a[TOTP_SECRET_BYTES], b[TOTP_SECRET_BYTES];
	char b32[TOTP_SECRET_B32_SIZE];

	(void)state;
	totp_secret_new(a);
	totp_secret_new(b);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(totp_base32(a, sizeof(a), b32, sizeof(b32)), 0);
	assert_int_equal(strlen(b32), 32);
	assert_int_equal(strspn(b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
}

static void
test_totp_uri(void **state)
{
	char out[TOTP_URI_MAX];
	char long_issuer[TOTP_ISSUER_MAX + 2];

	(void)state;
	assert_int_equal(totp_uri(out, sizeof(out), "Settle",
	    "ana@northwind.example", rfc_key, RFC_KEY_LEN), 0);
	assert_string_equal(out, "otpauth://totp/Settle:ana%40northwind.example"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Settle"
	    "&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(totp_uri(out, sizeof(out), "Northwind Caf\xc3\xa9",
	    "o'brien+staff@x.example", rfc_key, RFC_KEY_LEN), 0);
	assert_string_equal(out, "otpauth://totp/Northwind%20Caf%C3%A9:"
	    "o%27brien%2Bstaff%40x.example?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Northwind%20Caf%C3%A9"
	    "&algorithm=SHA1&digits=6&period=30");
	/* Characters that would break the URI are encoded, never passed. */
	assert_int_equal(totp_uri(out, sizeof(out), "A&B?C#D/E",
	    "x%y", rfc_key, RFC_KEY_LEN), 0);
	assert_non_null(strstr(out, "/A%26B%3FC%23D%2FE:x%25y?"));
	/* Refused. */
	assert_int_equal(totp_uri(out, sizeof(out), "Set:tle", "a@b.example",
	    rfc_key, RFC_KEY_LEN), -1);
	assert_string_equal(out, "");
	assert_int_equal(totp_uri(out, sizeof(out), "", "a@b.example", rfc_key,
	    RFC_KEY_LEN), -1);
	assert_int_equal(totp_uri(out, sizeof(out), "Settle", "", rfc_key,
	    RFC_KEY_LEN), -1);
	assert_int_equal(totp_uri(out, sizeof(out), NULL, "a@b.example",
	    rfc_key, RFC_KEY_LEN), -1);
	assert_int_equal(totp_uri(out, sizeof(out), "Settle", "a\r\nb@x.example",
	    rfc_key, RFC_KEY_LEN), -1);
	assert_int_equal(totp_uri(out, sizeof(out), "Settle", "a\xff@x.example",
	    rfc_key, RFC_KEY_LEN), -1);
	memset(long_issuer, 'S', TOTP_ISSUER_MAX + 1);
	long_issuer[TOTP_ISSUER_MAX + 1] = '\0';
	assert_int_equal(totp_uri(out, sizeof(out), long_issuer, "a@b.example",
	    rfc_key, RFC_KEY_LEN), -1);
	long_issuer[TOTP_ISSUER_MAX] = '\0';
	assert_int_equal(totp_uri(out, sizeof(out), long_issuer, "a@b.example",
	    rfc_key, RFC_KEY_LEN), 0);
	assert_int_equal(totp_uri(out, sizeof(out), "Settle", "a@b.example",
	    NULL, RFC_KEY_LEN), -1);
	/* Too small a buffer: refused, not cut. */
	assert_int_equal(totp_uri(out, 60, "Settle", "a@b.example", rfc_key,
	    RFC_KEY_LEN), -1);
	assert_string_equal(out, "");
}

static void
test_totp_recovery_new(void **state)
{
	char c[TOTP_RECOVERY_CODES][TOTP_RECOVERY_SIZE];
	size_t i, j;

	(void)state;
	totp_recovery_new(c);
	for (i = 0; i < TOTP_RECOVERY_CODES; i++) {
		assert_int_equal(strlen(c[i]), 11);
		assert_int_equal(c[i][5], '-');
		assert_int_equal(strspn(c[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 5);
		assert_int_equal(strspn(c[i] + 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		    5);
		for (j = 0; j < i; j++)
			assert_string_not_equal(c[i], c[j]);
	}
}

static void
hash_of(const char *user, const char *code, char out[TOTP_RECOVERY_HASH_HEX])
{
	if (totp_recovery_hash(KEY1, user, code, out) != 0)
		fail_msg("no hash for \"%s\"", code);
	assert_int_equal(strlen(out), TOTP_RECOVERY_HASH_HEX - 1);
	assert_true(strncmp(out, "\\x", 2) == 0);
}

static void
test_totp_recovery_hash(void **state)
{
	char a[TOTP_RECOVERY_HASH_HEX], b[TOTP_RECOVERY_HASH_HEX];
	struct keyring_key other = { .id = 1 };

	(void)state;
	hash_of("17", "ABCDE-FGH2J", a);
	/* The id of the key that made it first, like a token's hash. */
	assert_true(strncmp(a, "\\x01", 4) == 0);
	/* What a person might type for the same code. */
	hash_of("17", "abcde-fgh2j", b);
	assert_string_equal(a, b);
	hash_of("17", "ABCDEFGH2J", b);
	assert_string_equal(a, b);
	hash_of("17", " abcde fgh2j ", b);
	assert_string_equal(a, b);
	hash_of("17", "IOBAA-AAAAA", a);
	hash_of("17", "108aa-aaaaa", b);
	assert_string_equal(a, b);
	/* Bound to the user and to the server secret. */
	hash_of("17", "ABCDE-FGH2J", a);
	hash_of("18", "ABCDE-FGH2J", b);
	assert_string_not_equal(a, b);
	memset(other.key, 0xa5, sizeof(other.key));
	assert_int_equal(totp_recovery_hash(&other, "17", "ABCDE-FGH2J", b), 0);
	assert_string_not_equal(a, b);
	/* Not a code. */
	assert_int_equal(totp_recovery_hash(KEY1, "17", "ABCDE-FGH2", a),
	    -1);
	assert_string_equal(a, "");
	assert_int_equal(totp_recovery_hash(KEY1, "17", "ABCDE-FGH2JK",
	    a), -1);
	assert_int_equal(totp_recovery_hash(KEY1, "17", "ABCDE-FGH9J",
	    a), -1);
	assert_int_equal(totp_recovery_hash(KEY1, "17", "ABCDE_FGH2J",
	    a), -1);
	assert_int_equal(totp_recovery_hash(KEY1, "17", "", a), -1);
	assert_int_equal(totp_recovery_hash(KEY1, "17", NULL, a), -1);
	assert_int_equal(totp_recovery_hash(KEY1, NULL, "ABCDE-FGH2J",
	    a), -1);
	assert_int_equal(totp_recovery_hash(NULL, "17", "ABCDE-FGH2J", a), -1);
}

static void
test_totp_recovery_find(void **state)
{
	char c[TOTP_RECOVERY_CODES][TOTP_RECOVERY_SIZE];
	char h[TOTP_RECOVERY_CODES][TOTP_RECOVERY_HASH_HEX];
	const char *stored[TOTP_RECOVERY_CODES + 2];
	char typed[TOTP_RECOVERY_SIZE];
	size_t i;

	(void)state;
	totp_recovery_new(c);
	stored[0] = NULL;			/* a used code, deleted */
	stored[1] = "\\x00";			/* not ours: ignored */
	for (i = 0; i < TOTP_RECOVERY_CODES; i++) {
		hash_of("17", c[i], h[i]);
		stored[i + 2] = h[i];
	}
	for (i = 0; i < TOTP_RECOVERY_CODES; i++)
		assert_int_equal(totp_recovery_find(&ring, "17", c[i],
		    stored, TOTP_RECOVERY_CODES + 2), (int)i + 2);
	/* Lower case works; another user's or a changed code does not. */
	for (i = 0; i < sizeof(typed) - 1; i++)
		typed[i] = (char)(c[3][i] >= 'A' ? c[3][i] - 'A' + 'a' : c[3][i]);
	typed[sizeof(typed) - 1] = '\0';
	assert_int_equal(totp_recovery_find(&ring, "17", typed, stored,
	    TOTP_RECOVERY_CODES + 2), 5);
	assert_int_equal(totp_recovery_find(&ring, "18", c[3], stored,
	    TOTP_RECOVERY_CODES + 2), -1);
	strcpy(typed, c[3]);
	typed[0] = typed[0] == 'A' ? 'B' : 'A';
	assert_int_equal(totp_recovery_find(&ring, "17", typed, stored,
	    TOTP_RECOVERY_CODES + 2), -1);
	assert_int_equal(totp_recovery_find(&ring, "17", "nonsense",
	    stored, TOTP_RECOVERY_CODES + 2), -1);
	assert_int_equal(totp_recovery_find(&ring, "17", c[3], stored, 0),
	    -1);
	assert_int_equal(totp_recovery_find(&ring, "17", c[3], NULL, 3),
	    -1);
}

/* A code hashed under key 1 is still found after a rotation to key 2. */
static void
test_totp_recovery_rotated(void **state)
{
	struct keyring	 rotated = ring;
	char		 h1[TOTP_RECOVERY_HASH_HEX], h2[TOTP_RECOVERY_HASH_HEX];
	char		 list[TOTP_RECOVERY_HASH_LIST];
	const char	*stored[1] = { h1 };

	(void)state;
	rotated.n = 2;
	rotated.keys[1].id = 2;
	rotated.keys[1].start = 0;
	memset(rotated.keys[1].key, 0x22, sizeof(rotated.keys[1].key));
	hash_of("17", "ABCDE-FGH2J", h1);
	assert_int_equal(totp_recovery_hash(&rotated.keys[1], "17",
	    "ABCDE-FGH2J", h2), 0);
	assert_true(strncmp(h2, "\\x02", 4) == 0);
	assert_string_not_equal(h1 + 4, h2 + 4);
	assert_int_equal(totp_recovery_find(&rotated, "17", "abcde fgh2j",
	    stored, 1), 0);
	/* The SQL lookup names both hashes. */
	assert_int_equal(totp_recovery_lookup(&rotated, "17", "ABCDE-FGH2J",
	    list), 0);
	assert_non_null(strstr(list, h1 + 1));
	assert_non_null(strstr(list, h2 + 1));
	assert_int_equal(list[0], '{');
	/* With key 1 gone it is not found. */
	rotated.keys[0] = rotated.keys[1];
	rotated.n = 1;
	assert_int_equal(totp_recovery_find(&rotated, "17", "ABCDE-FGH2J",
	    stored, 1), -1);
}

/* The secret is stored sealed: not in plain, and only this server opens it. */
static void
test_totp_secret_seal(void **state)
{
	unsigned char	 secret[TOTP_SECRET_BYTES], back[TOTP_SECRET_BYTES];
	struct keyring	 other, rotated;
	char		 b32[TOTP_SECRET_B32_SIZE];
	struct buf	 b;

	(void)state;
	buf_init(&b, 0);
	totp_secret_new(secret);
	assert_int_equal(totp_base32(secret, sizeof(secret), b32, sizeof(b32)), 0);
	assert_int_equal(totp_secret_seal(&ring, secret, &b), 0);
	assert_true(strncmp(buf_str(&b), "k1:", 3) == 0);
	assert_null(strstr(buf_str(&b), b32));
	assert_null(memmem(b.data, b.len, secret, sizeof(secret)));
	memset(back, 0, sizeof(back));
	assert_int_equal(totp_secret_open(&ring, buf_str(&b), back), 0);
	assert_memory_equal(back, secret, sizeof(secret));
	other = ring;
	memset(other.keys[0].key, 0x11, sizeof(other.keys[0].key));
	assert_int_equal(totp_secret_open(&other, buf_str(&b), back), -1);
	/* After a rotation the secret sealed with key 1 still opens... */
	rotated = ring;
	rotated.n = 2;
	rotated.keys[1].id = 2;
	rotated.keys[1].start = 0;
	memset(rotated.keys[1].key, 0x22, sizeof(rotated.keys[1].key));
	memset(back, 0, sizeof(back));
	assert_int_equal(totp_secret_open(&rotated, buf_str(&b), back), 0);
	assert_memory_equal(back, secret, sizeof(secret));
	/* ...but not once key 1 is retired. */
	rotated.keys[0] = rotated.keys[1];
	rotated.n = 1;
	assert_int_equal(totp_secret_open(&rotated, buf_str(&b), back), -1);
	assert_int_equal(totp_secret_open(&ring, "s1:AAAA", back), -1);
	assert_int_equal(totp_secret_open(&ring, buf_str(&b) + 1, back), -1);
	assert_int_equal(totp_secret_open(&ring, NULL, back), -1);
	assert_int_equal(totp_secret_seal(NULL, secret, &b), -1);
	buf_free(&b);
}

static void
test_totp_is_code(void **state)
{
	(void)state;
	assert_true(totp_is_code("123456"));
	assert_true(totp_is_code("123 456"));
	assert_false(totp_is_code("12345"));
	assert_false(totp_is_code("1234567"));
	assert_false(totp_is_code("ABCDE-FGHIJ"));
	assert_false(totp_is_code(" 123456"));
	assert_false(totp_is_code(""));
	assert_false(totp_is_code(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totp_rfc6238_vectors),
		cmocka_unit_test(test_totp_code_bad),
		cmocka_unit_test(test_totp_verify_window),
		cmocka_unit_test(test_totp_verify_replay),
		cmocka_unit_test(test_totp_verify_format),
		cmocka_unit_test(test_totp_base32),
		cmocka_unit_test(test_totp_secret_new),
		cmocka_unit_test(test_totp_uri),
		cmocka_unit_test(test_totp_recovery_new),
		cmocka_unit_test(test_totp_recovery_hash),
		cmocka_unit_test(test_totp_recovery_find),
		cmocka_unit_test(test_totp_recovery_rotated),
		cmocka_unit_test(test_totp_secret_seal),
		cmocka_unit_test(test_totp_is_code),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
