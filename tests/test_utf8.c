/* Unit tests for portal/utf8.c: validation, sanitising, counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

/* Length of a literal that may contain NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

#define FFFD	"\xef\xbf\xbd"

static void
good(const char *s, size_t n)
{
	if (!utf8_valid(s, n))
		fail_msg("rejected %zu bytes starting %02x", n,
		    n ? (unsigned char)s[0] : 0);
}

static void
bad(const char *s, size_t n)
{
	if (utf8_valid(s, n))
		fail_msg("accepted %zu bytes starting %02x", n,
		    n ? (unsigned char)s[0] : 0);
}

/*
 * An independent reference: decodes the sequence at s by the bit patterns,
 * then applies RFC 3629's rules to the code point.
 */
static bool
ref_valid(const unsigned char *s, size_t n)
{
	size_t		i = 0, len, k;
	uint32_t	cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			if (s[i] == 0)
				return false;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			len = 2; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3; cp = s[i] & 0x0f; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4; cp = s[i] & 0x07; min = 0x10000;
		} else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static void
test_utf8_valid_good(void **state)
{
	(void)state;
	good("", 0);
	good(NULL, 0);
	good(LIT("plain ASCII ~\x7f\x01"));
	good(LIT("\xc2\x80"));			/* U+0080 */
	good(LIT("\xdf\xbf"));			/* U+07FF */
	good(LIT("\xe0\xa0\x80"));		/* U+0800 */
	good(LIT("\xed\x9f\xbf"));		/* U+D7FF */
	good(LIT("\xee\x80\x80"));		/* U+E000 */
	good(LIT("\xef\xbf\xbd"));		/* U+FFFD */
	good(LIT("\xef\xbf\xbe"));		/* U+FFFE, a noncharacter */
	good(LIT("\xef\xbf\xbf"));		/* U+FFFF */
	good(LIT("\xf0\x90\x80\x80"));		/* U+10000 */
	good(LIT("\xf3\xbf\xbf\xbf"));		/* U+FFFFF */
	good(LIT("\xf4\x8f\xbf\xbf"));		/* U+10FFFF */
	good(LIT("caf\xc3\xa9 \xe2\x82\xac 5 \xf0\x9f\x98\x80!"));
	/* Only n bytes are looked at. */
	good("ok\xff", 2);
	good("\xc3\xa9\xc3", 2);
}

static void
test_utf8_valid_overlong(void **state)
{
	(void)state;
	bad(LIT("\xc0\x80"));			/* NUL, "modified UTF-8" */
	bad(LIT("\xc0\xaf"));			/* '/' */
	bad(LIT("\xc1\xbf"));
	bad(LIT("\xe0\x80\x80"));
	bad(LIT("\xe0\x80\xaf"));
	bad(LIT("\xe0\x9f\xbf"));		/* U+07FF in three bytes */
	bad(LIT("\xf0\x80\x80\x80"));
	bad(LIT("\xf0\x80\x80\xaf"));
	bad(LIT("\xf0\x8f\xbf\xbf"));		/* U+FFFF in four bytes */
	bad(LIT("\xf8\x80\x80\x80\xaf"));
	bad(LIT("\xfc\x80\x80\x80\x80\xaf"));
	bad(LIT("a\xc0\xafz"));
}

static void
test_utf8_valid_surrogates(void **state)
{
	(void)state;
	bad(LIT("\xed\xa0\x80"));		/* U+D800 */
	bad(LIT("\xed\xad\xbf"));		/* U+DB7F */
	bad(LIT("\xed\xae\x80"));		/* U+DB80 */
	bad(LIT("\xed\xaf\xbf"));		/* U+DBFF */
	bad(LIT("\xed\xb0\x80"));		/* U+DC00 */
	bad(LIT("\xed\xbf\xbf"));		/* U+DFFF */
	bad(LIT("\xed\xa0\xbd\xed\xb8\x80"));	/* CESU-8 pair */
}

static void
test_utf8_valid_too_high(void **state)
{
	(void)state;
	bad(LIT("\xf4\x90\x80\x80"));		/* U+110000 */
	bad(LIT("\xf4\xbf\xbf\xbf"));
	bad(LIT("\xf5\x80\x80\x80"));
	bad(LIT("\xf7\xbf\xbf\xbf"));		/* U+1FFFFF */
	bad(LIT("\xf8\x88\x80\x80\x80"));
	bad(LIT("\xfb\xbf\xbf\xbf\xbf"));
	bad(LIT("\xfc\x84\x80\x80\x80\x80"));
	bad(LIT("\xfd\xbf\xbf\xbf\xbf\xbf"));
	bad(LIT("\xfe"));
	bad(LIT("\xff"));
	bad(LIT("\xfe\xfe\xff\xff"));
}

static void
test_utf8_valid_truncated(void **state)
{
	(void)state;
	bad(LIT("\xc2"));
	bad(LIT("\xdf"));
	bad(LIT("\xe0\xa0"));
	bad(LIT("\xe2\x82"));
	bad(LIT("\xe2"));
	bad(LIT("\xf0\x90\x80"));
	bad(LIT("\xf0\x90"));
	bad(LIT("\xf4"));
	bad(LIT("abc\xc3"));
	/* Cut short by the next character, not the end. */
	bad(LIT("\xc2" "A"));
	bad(LIT("\xe2\x82" "A"));
	bad(LIT("\xf0\x9f\x98" "A"));
	bad(LIT("\xe2" "\xc3\xa9"));
	bad(LIT("\xf0\x9f" "\xf0\x9f\x98\x80"));
	/* A valid character cut by n. */
	bad("\xe2\x82\xac", 2);
	bad("\xf0\x9f\x98\x80", 3);
}

static void
test_utf8_valid_stray_continuation(void **state)
{
	(void)state;
	bad(LIT("\x80"));
	bad(LIT("\xbf"));
	bad(LIT("a\x80"));
	bad(LIT("\xc3\xa9\xa9"));		/* one too many */
	bad(LIT("\xe2\x82\xac\x80"));
	bad(LIT("\x80\x81\x82\x83"));
}

static void
test_utf8_valid_nul(void **state)
{
	(void)state;
	bad(LIT("\0"));
	bad(LIT("a\0"));
	bad(LIT("\0a"));
	bad(LIT("abc\0def"));
	bad(LIT("\xc3\xa9\0"));
	good("a\0", 1);
}

/* Every two-byte string, every three-byte string with a three-byte lead. */
static void
test_utf8_valid_exhaustive(void **state)
{
	unsigned char	s[4];
	unsigned	a, b, c;
	static const unsigned char tails[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f,
	    0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff };

	(void)state;
	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		if (utf8_valid((char *)s, 1) != ref_valid(s, 1))
			fail_msg("%02x", a);
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			if (utf8_valid((char *)s, 2) != ref_valid(s, 2))
				fail_msg("%02x %02x", a, b);
		}
	}
	for (a = 0xe0; a <= 0xef; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < 256; c++) {
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				s[2] = (unsigned char)c;
				if (utf8_valid((char *)s, 3) != ref_valid(s, 3))
					fail_msg("%02x %02x %02x", a, b, c);
			}
	for (a = 0xf0; a <= 0xff; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < sizeof(tails) * sizeof(tails); c++) {
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				s[2] = tails[c % sizeof(tails)];
				s[3] = tails[c / sizeof(tails)];
				if (utf8_valid((char *)s, 4) != ref_valid(s, 4))
					fail_msg("%02x %02x %02x %02x", a, b,
					    s[2], s[3]);
			}
}

/* Sanitises s into a buffer of exactly 3n + 1 bytes and checks the result. */
static void
sanitize_is(const char *s, size_t n, const char *want, size_t wantlen)
{
	char	*out = malloc(3 * n + 1);
	size_t	 len;

	assert_non_null(out);
	len = utf8_sanitize(s, n, out);
	assert_int_equal(len, wantlen);
	assert_memory_equal(out, want, wantlen);
	assert_int_equal(out[len], '\0');
	assert_true(utf8_valid(out, len));
	free(out);
}

static void
test_utf8_sanitize(void **state)
{
	(void)state;
	sanitize_is("", 0, LIT(""));
	sanitize_is(LIT("plain"), LIT("plain"));
	sanitize_is(LIT("caf\xc3\xa9 \xf0\x9f\x98\x80"),
	    LIT("caf\xc3\xa9 \xf0\x9f\x98\x80"));
	sanitize_is(LIT("\0"), LIT(FFFD));
	sanitize_is(LIT("a\0b"), LIT("a" FFFD "b"));
	sanitize_is(LIT("caf\xe9"), LIT("caf" FFFD));		/* Latin-1 */
	sanitize_is(LIT("\xff\xfe"), LIT(FFFD FFFD));
	/* One replacement per byte of a malformed sequence. */
	sanitize_is(LIT("\xc0\x80"), LIT(FFFD FFFD));
	sanitize_is(LIT("\xed\xa0\x80"), LIT(FFFD FFFD FFFD));
	sanitize_is(LIT("\xf4\x90\x80\x80"), LIT(FFFD FFFD FFFD FFFD));
	sanitize_is(LIT("a\xe2\x82"), LIT("a" FFFD FFFD));
	sanitize_is(LIT("\xe2\x82" "A"), LIT(FFFD FFFD "A"));
	/* A good character right after a bad lead byte survives. */
	sanitize_is(LIT("\xe2\xc3\xa9"), LIT(FFFD "\xc3\xa9"));
	sanitize_is(LIT("\x80\xc3\xa9\x80"), LIT(FFFD "\xc3\xa9" FFFD));
	/* The worst case fills the whole 3n + 1 buffer. */
	sanitize_is(LIT("\xff\xff\xff\xff\xff"),
	    LIT(FFFD FFFD FFFD FFFD FFFD));
	sanitize_is(LIT("\0\0\0"), LIT(FFFD FFFD FFFD));
	/* Only n bytes are read. */
	sanitize_is("ab\xff", 2, LIT("ab"));
}

/* Sanitised output is always valid and valid input comes back unchanged. */
static void
test_utf8_sanitize_random(void **state)
{
	unsigned char	in[64];
	char		out[3 * sizeof(in) + 1];
	uint32_t	x = 2463534242u;
	size_t		i, round, n;

	(void)state;
	for (round = 0; round < 20000; round++) {
		n = round % sizeof(in);
		for (i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			/* Bias towards bytes that make sequences. */
			in[i] = (unsigned char)(x & 1 ? 0x80 | (x >> 8 & 0x7f) :
			    x >> 8);
		}
		i = utf8_sanitize((char *)in, n, out);
		assert_true(i <= 3 * n);
		assert_true(utf8_valid(out, i));
		if (utf8_valid((char *)in, n)) {
			assert_int_equal(i, n);
			assert_memory_equal(out, in, n);
		} else
			assert_non_null(memmem(out, i, FFFD, 3));
	}
}

static void
test_utf8_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count(LIT("abc")), 3);
	assert_int_equal(utf8_count(LIT("caf\xc3\xa9")), 4);
	assert_int_equal(utf8_count(LIT("\xe2\x82\xac")), 1);
	assert_int_equal(utf8_count(LIT("\xf0\x9f\x98\x80")), 1);
	assert_int_equal(utf8_count(LIT("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z")),
	    5);
	assert_int_equal(utf8_count(LIT("\xef\xbf\xbd\xef\xbf\xbd")), 2);
	assert_int_equal(utf8_count("caf\xc3\xa9", 3), 3);
}

/* Prefixes end on a character boundary, never inside a sequence. */
static void
test_utf8_prefix(void **state)
{
	const char	*s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";	/* a é € 😀 */
	size_t		 n = strlen(s), max, k;

	(void)state;
	assert_int_equal(utf8_prefix(s, n, 0), 0);
	assert_int_equal(utf8_prefix(s, n, 1), 1);
	assert_int_equal(utf8_prefix(s, n, 2), 1);	/* inside é */
	assert_int_equal(utf8_prefix(s, n, 3), 3);
	assert_int_equal(utf8_prefix(s, n, 5), 3);	/* inside € */
	assert_int_equal(utf8_prefix(s, n, 6), 6);
	assert_int_equal(utf8_prefix(s, n, 9), 6);	/* inside 😀 */
	assert_int_equal(utf8_prefix(s, n, 10), 10);
	assert_int_equal(utf8_prefix(s, n, 512), 10);	/* shorter than max */
	for (max = 0; max <= n + 1; max++) {
		k = utf8_prefix(s, n, max);
		assert_true(k <= max && utf8_valid(s, k));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid_good),
		cmocka_unit_test(test_utf8_valid_overlong),
		cmocka_unit_test(test_utf8_valid_surrogates),
		cmocka_unit_test(test_utf8_valid_too_high),
		cmocka_unit_test(test_utf8_valid_truncated),
		cmocka_unit_test(test_utf8_valid_stray_continuation),
		cmocka_unit_test(test_utf8_valid_nul),
		cmocka_unit_test(test_utf8_valid_exhaustive),
		cmocka_unit_test(test_utf8_sanitize),
		cmocka_unit_test(test_utf8_sanitize_random),
		cmocka_unit_test(test_utf8_count),
		cmocka_unit_test(test_utf8_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
