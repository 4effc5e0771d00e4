/*
 * Unit tests for portal/http.c: methods, percent-decoding, URIs,
 * urlencoded data (strict and lenient), cookies and response heads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "http.h"
#include "utf8.h"

/* Length of a literal that may contain NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

#define FFFD	"\xef\xbf\xbd"

/* The security headers README.md promises on every dynamic response. */
static const char security[] =
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Content-Security-Policy: default-src 'none'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'\r\n"
    "X-Frame-Options: DENY\r\n"
    "Cache-Control: no-store\r\n";

static struct http_param P[HTTP_MAX_PARAMS + 8];
static size_t N;

static int
setup(void **state)
{
	struct arena *a = arena_new();

	if (a == NULL)
		return -1;
	*state = a;
	memset(P, 0, sizeof(P));
	N = 999;
	return 0;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* --- methods and status texts ------------------------------------------ */

static void
test_http_method_parse(void **state)
{
	static const char *const other[] = { "get", "Get", "PUT", "DELETE",
	    "OPTIONS", "PATCH", "CONNECT", "TRACE", "", "GET ", " GET",
	    "POSTX", "HEADER", "GE", "G\xc3\x89T" };
	size_t i;

	(void)state;
	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("HEAD"), HTTP_HEAD);
	assert_int_equal(http_method_parse("POST"), HTTP_POST);
	assert_int_equal(http_method_parse(NULL), HTTP_OTHER);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (http_method_parse(other[i]) != HTTP_OTHER)
			fail_msg("\"%s\" is not HTTP_OTHER", other[i]);
}

static void
test_http_status_text(void **state)
{
	(void)state;
	assert_string_equal(http_status_text(200), "OK");
	assert_string_equal(http_status_text(303), "See Other");
	assert_string_equal(http_status_text(400), "Bad Request");
	assert_string_equal(http_status_text(404), "Not Found");
	assert_string_equal(http_status_text(405), "Method Not Allowed");
	assert_string_equal(http_status_text(413), "Content Too Large");
	assert_string_equal(http_status_text(414), "URI Too Long");
	assert_string_equal(http_status_text(500), "Internal Server Error");
	assert_string_equal(http_status_text(0), "Unknown");
	assert_string_equal(http_status_text(299), "Unknown");
	assert_string_equal(http_status_text(-1), "Unknown");
}

/* --- http_decode -------------------------------------------------------- */

static void
decode_is(struct arena *a, const char *s, size_t n, bool form,
    const char *want, size_t wantlen)
{
	char	*out = NULL;
	size_t	 len = 999;

	if (http_decode(a, s, n, form, &out, &len) != 0)
		fail_msg("refused \"%.*s\"", (int)n, s);
	assert_int_equal(len, wantlen);
	assert_memory_equal(out, want, wantlen);
	assert_int_equal(out[len], '\0');
}

static void
decode_bad(struct arena *a, const char *s, size_t n, bool form)
{
	char	*out = NULL;
	size_t	 len = 0;

	if (http_decode(a, s, n, form, &out, &len) != -1)
		fail_msg("accepted \"%.*s\"", (int)n, s);
}

static void
test_http_decode_good(void **state)
{
	struct arena *a = *state;

	decode_is(a, "", 0, false, LIT(""));
	decode_is(a, LIT("plain"), false, LIT("plain"));
	decode_is(a, LIT("%41%62%7e"), false, LIT("Ab~"));
	decode_is(a, LIT("caf%C3%A9"), false, LIT("caf\xc3\xa9"));
	decode_is(a, LIT("caf%c3%a9"), false, LIT("caf\xc3\xa9"));
	decode_is(a, LIT("caf\xc3\xa9"), false, LIT("caf\xc3\xa9"));
	decode_is(a, LIT("%25"), false, LIT("%"));
	decode_is(a, LIT("%2541"), false, LIT("%41"));	/* decoded once */
	decode_is(a, LIT("%F0%9F%98%80"), false, LIT("\xf0\x9f\x98\x80"));
	/* '+' is a space only in form data. */
	decode_is(a, LIT("a+b"), false, LIT("a+b"));
	decode_is(a, LIT("a+b"), true, LIT("a b"));
	decode_is(a, LIT("a%2Bb"), true, LIT("a+b"));
	decode_is(a, LIT("%20+"), true, LIT("  "));
	/* Only n bytes are read. */
	decode_is(a, "ab%41", 2, false, LIT("ab"));
	assert_false(arena_failed(a));
}

static void
test_http_decode_bad_escapes(void **state)
{
	struct arena *a = *state;

	decode_bad(a, LIT("%"), false);
	decode_bad(a, LIT("%4"), false);
	decode_bad(a, LIT("abc%"), false);
	decode_bad(a, LIT("abc%4"), true);
	decode_bad(a, LIT("%G1"), false);
	decode_bad(a, LIT("%1G"), false);
	decode_bad(a, LIT("%%41"), false);
	decode_bad(a, LIT("% 41"), false);
	decode_bad(a, LIT("%+1"), true);
	decode_bad(a, LIT("%-1"), false);
	decode_bad(a, LIT("%x41"), false);
	decode_bad(a, LIT("%\xc3\xa9"), false);
	/* An escape cut by n. */
	decode_bad(a, "%41", 2, false);
}

static void
test_http_decode_bad_text(void **state)
{
	struct arena *a = *state;

	decode_bad(a, LIT("%00"), false);
	decode_bad(a, LIT("a%00b"), true);
	decode_bad(a, LIT("a\0b"), false);
	decode_bad(a, LIT("%FF"), false);
	decode_bad(a, LIT("caf%E9"), true);		/* Latin-1 */
	decode_bad(a, LIT("%C3"), false);		/* truncated */
	decode_bad(a, LIT("%C3%28"), false);
	decode_bad(a, LIT("%C0%AF"), false);		/* overlong '/' */
	decode_bad(a, LIT("%C0%80"), false);		/* overlong NUL */
	decode_bad(a, LIT("%ED%A0%80"), false);	/* surrogate */
	decode_bad(a, LIT("%F4%90%80%80"), false);	/* > U+10FFFF */
	decode_bad(a, LIT("\xff"), false);
	decode_bad(a, LIT("\xc3"), true);
	decode_bad(a, LIT("%C3\xa9x%A9"), false);	/* mixed, stray byte */
}

/* --- http_parse_uri ----------------------------------------------------- */

static void
uri_is(struct arena *a, const char *uri, const char *path, const char *query)
{
	const char	*p = NULL, *q = NULL;
	int		 rc;

	if ((rc = http_parse_uri(a, uri, &p, &q)) != 0)
		fail_msg("\"%s\": %d", uri, rc);
	assert_string_equal(p, path);
	assert_string_equal(q, query);
}

static void
uri_bad(struct arena *a, const char *uri, int status)
{
	const char	*p = NULL, *q = NULL;
	int		 rc;

	if ((rc = http_parse_uri(a, uri, &p, &q)) != status)
		fail_msg("\"%.60s\": got %d, want %d", uri ? uri : "(null)", rc,
		    status);
}

static void
test_http_parse_uri_good(void **state)
{
	struct arena *a = *state;

	uri_is(a, "/", "/", "");
	uri_is(a, "/healthz", "/healthz", "");
	uri_is(a, "/i/abc/plan?x=1&y=2", "/i/abc/plan", "x=1&y=2");
	uri_is(a, "/a?", "/a", "");
	uri_is(a, "/a?b?c", "/a", "b?c");
	uri_is(a, "/caf%C3%A9", "/caf\xc3\xa9", "");
	uri_is(a, "/a+b", "/a+b", "");		/* not form data */
	uri_is(a, "/a%20b", "/a b", "");
	uri_is(a, "/%3F?x", "/?", "x");
	uri_is(a, "/a%2Fb", "/a/b", "");
	uri_is(a, "//", "//", "");
	/* The query stays raw: it is parsed (and checked) later. */
	uri_is(a, "/?a=%41+b", "/", "a=%41+b");
	uri_is(a, "/?%zz%00", "/", "%zz%00");
	assert_false(arena_failed(a));
}

static void
test_http_parse_uri_bad(void **state)
{
	struct arena *a = *state;

	uri_bad(a, NULL, 400);
	uri_bad(a, "", 400);
	uri_bad(a, "a/b", 400);
	uri_bad(a, "*", 400);
	uri_bad(a, "?x=1", 400);
	uri_bad(a, "http://example.com/", 400);
	uri_bad(a, " /", 400);
	uri_bad(a, "/%", 400);
	uri_bad(a, "/%4", 400);
	uri_bad(a, "/%zz", 400);
	uri_bad(a, "/a%?x=1", 400);
	uri_bad(a, "/%00", 400);
	uri_bad(a, "/a%00b?c", 400);
	uri_bad(a, "/%FF", 400);
	uri_bad(a, "/%C3", 400);
	uri_bad(a, "/%C0%AF", 400);
	uri_bad(a, "/%ED%A0%80", 400);
	uri_bad(a, "/\xff", 400);
	uri_bad(a, "/caf\xe9", 400);
}

static void
test_http_parse_uri_long(void **state)
{
	struct arena	*a = *state;
	char		*uri;
	const char	*p, *q;

	uri = malloc(3 * HTTP_MAX_URI);
	assert_non_null(uri);
	/* Exactly the limit. */
	memset(uri, 'a', HTTP_MAX_URI);
	uri[0] = '/';
	uri[HTTP_MAX_URI] = '\0';
	assert_int_equal(http_parse_uri(a, uri, &p, &q), 0);
	assert_int_equal(strlen(p), HTTP_MAX_URI);
	/* One more byte. */
	uri[HTTP_MAX_URI] = 'a';
	uri[HTTP_MAX_URI + 1] = '\0';
	uri_bad(a, uri, 414);
	/* The query counts too. */
	memcpy(uri, "/x?", 3);
	uri_bad(a, uri, 414);
	/* Far over, and over with bad escapes (the length is checked first). */
	memset(uri, '%', 3 * HTTP_MAX_URI - 1);
	uri[0] = '/';
	uri[3 * HTTP_MAX_URI - 1] = '\0';
	uri_bad(a, uri, 414);
	free(uri);
}

/* --- http_parse_urlencoded ---------------------------------------------- */

static int
parse(struct arena *a, const char *s, size_t n, bool lenient, size_t max)
{
	return http_parse_urlencoded(a, s, n, lenient, P, max, &N);
}

static void
param_is(size_t i, const char *name, const char *value, size_t len, bool bad)
{
	assert_true(i < N);
	assert_string_equal(P[i].name, name);
	assert_int_equal(P[i].len, len);
	assert_memory_equal(P[i].value, value, len);
	assert_int_equal(P[i].value[len], '\0');
	if (P[i].bad != bad)
		fail_msg("param %zu (%s): bad is %d", i, name, P[i].bad);
}

/* Both modes refuse s with status. */
static void
form_bad(struct arena *a, const char *s, size_t n, int status)
{
	int rc;

	if ((rc = parse(a, s, n, false, HTTP_MAX_PARAMS)) != status)
		fail_msg("strict \"%.*s\": got %d, want %d", (int)n, s, rc, status);
	if ((rc = parse(a, s, n, true, HTTP_MAX_PARAMS)) != status)
		fail_msg("lenient \"%.*s\": got %d, want %d", (int)n, s, rc,
		    status);
}

static void
test_http_urlencoded_good(void **state)
{
	struct arena	*a = *state;
	int		 lenient;

	for (lenient = 0; lenient < 2; lenient++) {
		assert_int_equal(parse(a, LIT("a=1&b=two"), lenient, 32), 0);
		assert_int_equal(N, 2);
		param_is(0, "a", LIT("1"), false);
		param_is(1, "b", LIT("two"), false);

		assert_int_equal(parse(a, LIT("first+name=J+Doe&x=%2B1%26%3D"),
		    lenient, 32), 0);
		assert_int_equal(N, 2);
		param_is(0, "first name", LIT("J Doe"), false);
		param_is(1, "x", LIT("+1&="), false);

		assert_int_equal(parse(a, LIT("n=caf%C3%A9&caf%C3%A9=\xe2\x82\xac"),
		    lenient, 32), 0);
		param_is(0, "n", LIT("caf\xc3\xa9"), false);
		param_is(1, "caf\xc3\xa9", LIT("\xe2\x82\xac"), false);

		/* No '=', empty values, '=' inside a value. */
		assert_int_equal(parse(a, LIT("flag&e=&v=a=b=c"), lenient, 32),
		    0);
		assert_int_equal(N, 3);
		param_is(0, "flag", LIT(""), false);
		param_is(1, "e", LIT(""), false);
		param_is(2, "v", LIT("a=b=c"), false);

		/* Repeated names are all kept, in order (form_check refuses). */
		assert_int_equal(parse(a, LIT("a=1&a=2"), lenient, 32), 0);
		assert_int_equal(N, 2);
		param_is(0, "a", LIT("1"), false);
		param_is(1, "a", LIT("2"), false);
	}
	assert_false(arena_failed(a));
}

static void
test_http_urlencoded_empty_pairs(void **state)
{
	struct arena	*a = *state;

	assert_int_equal(parse(a, "", 0, false, 32), 0);
	assert_int_equal(N, 0);
	assert_int_equal(parse(a, LIT("&"), false, 32), 0);
	assert_int_equal(N, 0);
	assert_int_equal(parse(a, LIT("&&&"), true, 32), 0);
	assert_int_equal(N, 0);
	assert_int_equal(parse(a, LIT("a=1&&b=2"), false, 32), 0);
	assert_int_equal(N, 2);
	param_is(0, "a", LIT("1"), false);
	param_is(1, "b", LIT("2"), false);
	assert_int_equal(parse(a, LIT("&a=1&"), false, 32), 0);
	assert_int_equal(N, 1);
	param_is(0, "a", LIT("1"), false);
}

/* A body is not NUL-terminated: only n bytes count. */
static void
test_http_urlencoded_length(void **state)
{
	struct arena	*a = *state;

	assert_int_equal(parse(a, "a=1&b=2XYZ", 7, false, 32), 0);
	assert_int_equal(N, 2);
	param_is(1, "b", LIT("2"), false);
	assert_int_equal(parse(a, "a=%41%zz", 5, false, 32), 0);
	param_is(0, "a", LIT("A"), false);
	assert_int_equal(parse(a, "a=%4", 4, false, 32), 400);
}

static void
test_http_urlencoded_bad(void **state)
{
	struct arena	*a = *state;

	/* Malformed escapes, in names or values, in both modes. */
	form_bad(a, LIT("a=%"), 400);
	form_bad(a, LIT("a=%4"), 400);
	form_bad(a, LIT("a=%zz"), 400);
	form_bad(a, LIT("a=%G0"), 400);
	form_bad(a, LIT("a=1&b=%"), 400);
	form_bad(a, LIT("%=1"), 400);
	form_bad(a, LIT("a%2=1"), 400);
	form_bad(a, LIT("a=1%&b=2"), 400);
	/* Empty names. */
	form_bad(a, LIT("=1"), 400);
	form_bad(a, LIT("="), 400);
	form_bad(a, LIT("a=1&=2"), 400);
	/* Names are always strict about their text. */
	form_bad(a, LIT("%00=1"), 400);
	form_bad(a, LIT("a%00=1"), 400);
	form_bad(a, LIT("%FF=1"), 400);
	form_bad(a, LIT("caf%E9=1"), 400);
	form_bad(a, LIT("%C0%AF=1"), 400);
	form_bad(a, LIT("%ED%A0%80=1"), 400);
	form_bad(a, LIT("\xff=1"), 400);
	form_bad(a, LIT("a\0b=1"), 400);
	form_bad(a, LIT("ok=1&\xc3=2"), 400);
}

/* Strict mode (query strings) refuses bad text in values too. */
static void
test_http_urlencoded_strict_values(void **state)
{
	static const char *const bad[] = {
		"a=%00", "a=x%00y", "a=%FF", "a=caf%E9", "a=%C3", "a=%C0%80",
		"a=%ED%B0%80", "a=%F4%90%80%80", "a=\xff", "a=\xc3", "ok=1&a=%FE",
	};
	struct arena	*a = *state;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(a, bad[i], strlen(bad[i]), false, 32) != 400)
			fail_msg("strict accepted \"%s\"", bad[i]);
	assert_int_equal(parse(a, LIT("a=\0"), false, 32), 400);
}

/* Lenient mode (form bodies) keeps bad values with U+FFFD, flagged. */
static void
test_http_urlencoded_lenient_values(void **state)
{
	struct arena	*a = *state;

	assert_int_equal(parse(a, LIT("a=%00"), true, 32), 0);
	assert_int_equal(N, 1);
	param_is(0, "a", LIT(FFFD), true);

	assert_int_equal(parse(a, LIT("x=ok&a=x%00y&b=caf%E9&c=%FF%FE&d=fine"),
	    true, 32), 0);
	assert_int_equal(N, 5);
	param_is(0, "x", LIT("ok"), false);
	param_is(1, "a", LIT("x" FFFD "y"), true);
	param_is(2, "b", LIT("caf" FFFD), true);
	param_is(3, "c", LIT(FFFD FFFD), true);
	param_is(4, "d", LIT("fine"), false);

	/* Raw bytes, overlongs and surrogates; '+' is still a space. */
	assert_int_equal(parse(a, LIT("r=\xff+z&o=%C0%AF&s=%ED%A0%80&t=%C3"),
	    true, 32), 0);
	assert_int_equal(N, 4);
	param_is(0, "r", LIT(FFFD " z"), true);
	param_is(1, "o", LIT(FFFD FFFD), true);
	param_is(2, "s", LIT(FFFD FFFD FFFD), true);
	param_is(3, "t", LIT(FFFD), true);

	/* A raw NUL inside the value. */
	assert_int_equal(parse(a, LIT("a=1\0002"), true, 32), 0);
	param_is(0, "a", LIT("1" FFFD "2"), true);

	/* Every kept value is valid UTF-8. */
	assert_true(utf8_valid(P[0].value, P[0].len));
	assert_false(arena_failed(a));
}

static void
test_http_urlencoded_too_many(void **state)
{
	struct arena	*a = *state;
	struct buf	 b;
	size_t		 i;

	buf_init(&b, 0);
	for (i = 0; i < HTTP_MAX_PARAMS; i++)
		assert_int_equal(buf_printf(&b, "%sf%zu=%zu", i ? "&" : "", i, i),
		    0);
	assert_int_equal(parse(a, b.data, b.len, false, HTTP_MAX_PARAMS), 0);
	assert_int_equal(N, HTTP_MAX_PARAMS);
	param_is(HTTP_MAX_PARAMS - 1, "f31", LIT("31"), false);
	/* Empty pairs do not count. */
	assert_int_equal(buf_puts(&b, "&&&&"), 0);
	assert_int_equal(parse(a, b.data, b.len, false, HTTP_MAX_PARAMS), 0);
	assert_int_equal(N, HTTP_MAX_PARAMS);
	/* One more field is too many, in both modes, whatever it holds. */
	assert_int_equal(buf_puts(&b, "x=1"), 0);
	form_bad(a, b.data, b.len, 413);
	assert_int_equal(N, HTTP_MAX_PARAMS);
	b.len -= 3;
	assert_int_equal(buf_puts(&b, "%zz"), 0);
	form_bad(a, b.data, b.len, 413);
	buf_free(&b);

	/* A smaller limit. */
	assert_int_equal(parse(a, LIT("a=1&b=2"), false, 2), 0);
	assert_int_equal(parse(a, LIT("a=1&b=2&c=3"), false, 2), 413);
	assert_int_equal(parse(a, LIT("a=1"), true, 0), 413);
	assert_int_equal(parse(a, LIT("&&"), true, 0), 0);
}

/* --- cookies ------------------------------------------------------------ */

static void
cookies(struct arena *a, const char *h, size_t max)
{
	http_parse_cookies(a, h, P, max, &N);
}

static void
test_http_cookies_good(void **state)
{
	struct arena	*a = *state;

	cookies(a, "a=1; b=two", 16);
	assert_int_equal(N, 2);
	param_is(0, "a", LIT("1"), false);
	param_is(1, "b", LIT("two"), false);
	cookies(a, "a=1;b=2", 16);
	assert_int_equal(N, 2);
	param_is(1, "b", LIT("2"), false);
	cookies(a, "   __Host-sid=abc-_.~!#$%&'()*+/:<>?@[]^`{|}; e=", 16);
	assert_int_equal(N, 2);
	param_is(0, "__Host-sid", LIT("abc-_.~!#$%&'()*+/:<>?@[]^`{|}"),
	    false);
	param_is(1, "e", LIT(""), false);
	/* Only the first '=' separates; values are not percent-decoded. */
	cookies(a, "k=a=b%41", 16);
	assert_int_equal(N, 1);
	param_is(0, "k", LIT("a=b%41"), false);
	assert_false(arena_failed(a));
}

static void
test_http_cookies_malformed(void **state)
{
	static const char *const skipped[] = {
		"noequals", "=value", "a=x y", "a=\"quoted\"", "a=1,b=2",
		"a=b\\c", "a=\x01", "a=\x7f", "a\t=1", "a=\xc3\xa9", "a =1",
		"a=1 ", "a=\tb", "na me=1", "a\"=1",
	};
	struct arena	*a = *state;
	char		 h[64];
	size_t		 i;

	for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++) {
		cookies(a, skipped[i], 16);
		if (N != 0)
			fail_msg("accepted \"%s\"", skipped[i]);
		/* The good neighbours survive. */
		(void)snprintf(h, sizeof(h), "x=1; %s; y=2", skipped[i]);
		cookies(a, h, 16);
		if (N != 2)
			fail_msg("\"%s\": %zu cookies", h, N);
		param_is(0, "x", LIT("1"), false);
		param_is(1, "y", LIT("2"), false);
	}
}

static void
test_http_cookies_empty(void **state)
{
	struct arena	*a = *state;

	cookies(a, NULL, 16);
	assert_int_equal(N, 0);
	cookies(a, "", 16);
	assert_int_equal(N, 0);
	cookies(a, "   ", 16);
	assert_int_equal(N, 0);
	cookies(a, ";;;", 16);
	assert_int_equal(N, 0);
	cookies(a, "; a=1;", 16);
	assert_int_equal(N, 1);
	param_is(0, "a", LIT("1"), false);
	cookies(a, "a=1; ", 16);
	assert_int_equal(N, 1);
}

static void
test_http_cookies_max(void **state)
{
	struct arena	*a = *state;
	struct buf	 b;
	size_t		 i;

	cookies(a, "a=1; b=2; c=3", 2);
	assert_int_equal(N, 2);
	param_is(0, "a", LIT("1"), false);
	param_is(1, "b", LIT("2"), false);
	cookies(a, "a=1", 0);
	assert_int_equal(N, 0);
	buf_init(&b, 0);
	for (i = 0; i < HTTP_MAX_COOKIES + 5; i++)
		assert_int_equal(buf_printf(&b, "c%zu=%zu; ", i, i), 0);
	cookies(a, b.data, HTTP_MAX_COOKIES);
	assert_int_equal(N, HTTP_MAX_COOKIES);
	param_is(HTTP_MAX_COOKIES - 1, "c15", LIT("15"), false);
	buf_free(&b);
}

static void
test_http_param_find(void **state)
{
	struct arena		*a = *state;
	const struct http_param	*p;

	assert_int_equal(parse(a, LIT("a=1&b=2&a=3"), false, 32), 0);
	p = http_param_find(P, N, "a");
	assert_ptr_equal(p, &P[0]);
	assert_ptr_equal(http_param_find(P, N, "b"), &P[1]);
	assert_null(http_param_find(P, N, "c"));
	assert_null(http_param_find(P, N, "A"));
	assert_null(http_param_find(P, N, ""));
	assert_null(http_param_find(P, 0, "a"));
	assert_null(http_param_find(P, 1, "b"));
}

/* --- responses ---------------------------------------------------------- */

static void
test_http_response_header(void **state)
{
	struct response	r;

	(void)state;
	response_init(&r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	assert_int_equal(response_header(&r, "X-One", "1"), 0);
	assert_int_equal(response_header(&r, "Location", "http://x/a:b"), 0);
	assert_int_equal(response_header(&r, "X-Empty", ""), 0);
	assert_string_equal(buf_str(&r.headers),
	    "X-One: 1\r\nLocation: http://x/a:b\r\nX-Empty: \r\n");
	response_free(&r);
}

static void
test_http_response_header_refused(void **state)
{
	static const char *const names[] = { "X\r", "X\n", "X\r\nY",
	    "Set-Cookie:", "X:Y", ":", "\n", "X-A\rB" };
	static const char *const values[] = { "\r", "\n", "a\r\nX-Evil: 1",
	    "a\nb", "a\rb", "1\r\n\r\n<html>" };
	struct response	r;
	size_t		i;

	(void)state;
	response_init(&r);
	assert_int_equal(response_header(&r, "X-Ok", "1"), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(response_header(&r, names[i], "v"), -1);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		assert_int_equal(response_header(&r, "X-Bad", values[i]), -1);
	/* Nothing was added, and the response is still usable. */
	assert_string_equal(buf_str(&r.headers), "X-Ok: 1\r\n");
	assert_false(buf_failed(&r.headers));
	response_free(&r);
}

/* The headers buffer has a cap; overflowing it fails and taints the head. */
static void
test_http_response_header_overflow(void **state)
{
	struct response	r;
	struct buf	out;
	char		value[1000];
	int		i, rc = 0;

	(void)state;
	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	response_init(&r);
	for (i = 0; i < 100 && rc == 0; i++)
		rc = response_header(&r, "X-Big", value);
	assert_int_equal(rc, -1);
	assert_true(i < 100);
	assert_true(buf_failed(&r.headers));
	buf_init(&out, 0);
	assert_int_equal(response_head(&r, &out), -1);
	buf_free(&out);
	response_free(&r);
}

static void
test_http_response_redirect(void **state)
{
	struct response	r;

	(void)state;
	response_init(&r);
	assert_int_equal(buf_puts(&r.body, "old body"), 0);
	assert_int_equal(response_redirect(&r, "/i/abc/plan"), 0);
	assert_int_equal(r.status, 303);
	assert_string_equal(r.content_type, "text/plain; charset=utf-8");
	assert_int_equal(r.body.len, 0);
	assert_string_equal(buf_str(&r.headers), "Location: /i/abc/plan\r\n");
	response_free(&r);

	response_init(&r);
	assert_int_equal(response_redirect(&r, "/x\r\nSet-Cookie: a=1"), -1);
	assert_string_equal(buf_str(&r.headers), "");
	response_free(&r);
}

static void
test_http_response_reset(void **state)
{
	struct response	r;

	(void)state;
	response_init(&r);
	r.content_type = "text/calendar";
	assert_int_equal(response_header(&r, "X-A", "1"), 0);
	assert_int_equal(buf_puts(&r.body, "body"), 0);
	response_reset(&r, 404);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	assert_int_equal(r.headers.len, 0);
	assert_int_equal(r.body.len, 0);
	assert_string_equal(buf_str(&r.headers), "");
	response_free(&r);
}

static void
test_http_response_head(void **state)
{
	struct response	 r;
	struct buf	 out, want;

	(void)state;
	response_init(&r);
	buf_init(&out, 0);
	buf_init(&want, 0);
	assert_int_equal(buf_puts(&r.body, "hello"), 0);
	assert_int_equal(response_header(&r, "X-Extra", "yes"), 0);
	assert_int_equal(response_head(&r, &out), 0);
	assert_int_equal(buf_printf(&want, "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: 5\r\n%sX-Extra: yes\r\n\r\n", security), 0);
	assert_string_equal(buf_str(&out), buf_str(&want));
	response_free(&r);

	/* Other statuses, no extra headers, a body with NUL bytes. */
	response_init(&r);
	buf_reset(&out);
	buf_reset(&want);
	r.status = 404;
	r.content_type = "text/plain; charset=utf-8";
	assert_int_equal(buf_append(&r.body, LIT("a\0b")), 0);
	assert_int_equal(response_head(&r, &out), 0);
	assert_int_equal(buf_printf(&want, "Status: 404 Not Found\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 3\r\n%s\r\n", security), 0);
	assert_string_equal(buf_str(&out), buf_str(&want));

	/* Unknown status, empty body; appended after what out held. */
	buf_reset(&out);
	assert_int_equal(buf_puts(&out, "prefix|"), 0);
	response_reset(&r, 299);
	assert_int_equal(response_head(&r, &out), 0);
	assert_true(strncmp(buf_str(&out), "prefix|Status: 299 Unknown\r\n", 28)
	    == 0);
	assert_non_null(strstr(buf_str(&out), "\r\nContent-Length: 0\r\n"));
	response_free(&r);
	buf_free(&out);
	buf_free(&want);
}

/* Every security header is there, once, and the head ends in one blank line. */
static void
test_http_response_head_security(void **state)
{
	static const char *const names[] = { "\r\nX-Content-Type-Options: nosniff\r\n",
	    "\r\nReferrer-Policy: no-referrer\r\n",
	    "\r\nContent-Security-Policy: default-src 'none';",
	    "frame-ancestors 'none'", "\r\nX-Frame-Options: DENY\r\n",
	    "\r\nCache-Control: no-store\r\n" };
	struct response	 r;
	struct buf	 out;
	const char	*s, *hit;
	size_t		 i;

	(void)state;
	response_init(&r);
	buf_init(&out, 0);
	assert_int_equal(response_redirect(&r, "/next"), 0);
	assert_int_equal(response_head(&r, &out), 0);
	s = buf_str(&out);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		hit = strstr(s, names[i]);
		if (hit == NULL)
			fail_msg("missing %s", names[i] + 2);
		assert_null(strstr(hit + 1, names[i]));
	}
	assert_true(strncmp(s, "Status: 303 See Other\r\n", 23) == 0);
	assert_non_null(strstr(s, "\r\nLocation: /next\r\n\r\n"));
	assert_int_equal(strstr(s, "\r\n\r\n") - s + 4, (long)out.len);
	response_free(&r);
	buf_free(&out);
}

static void
test_http_response_head_failed(void **state)
{
	struct response	r;
	struct buf	out;

	(void)state;
	/* A body that overflowed. */
	response_init(&r);
	buf_free(&r.body);
	buf_init(&r.body, 4);
	assert_int_equal(buf_puts(&r.body, "too long"), -1);
	buf_init(&out, 0);
	assert_int_equal(response_head(&r, &out), -1);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	response_free(&r);

	/* An output buffer too small for the head. */
	response_init(&r);
	buf_init(&out, 64);
	assert_int_equal(response_head(&r, &out), -1);
	assert_true(buf_failed(&out));
	buf_free(&out);

	/* An output buffer that had already failed. */
	buf_init(&out, 2);
	assert_int_equal(buf_puts(&out, "xyz"), -1);
	assert_int_equal(response_head(&r, &out), -1);
	buf_free(&out);
	response_free(&r);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_http_method_parse),
		T(test_http_status_text),
		T(test_http_decode_good),
		T(test_http_decode_bad_escapes),
		T(test_http_decode_bad_text),
		T(test_http_parse_uri_good),
		T(test_http_parse_uri_bad),
		T(test_http_parse_uri_long),
		T(test_http_urlencoded_good),
		T(test_http_urlencoded_empty_pairs),
		T(test_http_urlencoded_length),
		T(test_http_urlencoded_bad),
		T(test_http_urlencoded_strict_values),
		T(test_http_urlencoded_lenient_values),
		T(test_http_urlencoded_too_many),
		T(test_http_cookies_good),
		T(test_http_cookies_malformed),
		T(test_http_cookies_empty),
		T(test_http_cookies_max),
		T(test_http_param_find),
		T(test_http_response_header),
		T(test_http_response_header_refused),
		T(test_http_response_header_overflow),
		T(test_http_response_redirect),
		T(test_http_response_reset),
		T(test_http_response_head),
		T(test_http_response_head_security),
		T(test_http_response_head_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
