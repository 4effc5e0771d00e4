/* Unit tests for portal/request.c: FastCGI parameters and body to a request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "http.h"
#include "request.h"

#define MAX_BODY	1000

static struct arena	*A;
static char		*P[16];
static size_t		 NP;
static const char	*BODY;
static size_t		 BODYLEN, OFF, CHUNK;
static struct request	 R;

/* Forgets the parameters and body of the last case. */
static void
reset(void)
{
	memset(P, 0, sizeof(P));
	NP = 0;
	BODY = "";
	BODYLEN = OFF = 0;
	CHUNK = 1000000;
}

static int
setup(void **state)
{
	(void)state;
	if ((A = arena_new()) == NULL)
		return -1;
	reset();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(A);
	return 0;
}

static void
param(const char *nv)
{
	P[NP++] = arena_strdup(A, nv);
}

/* Hands out the body CHUNK bytes at a time, as a socket might. */
static int
reader(void *arg, char *buf, int n)
{
	size_t	k = BODYLEN - OFF;

	(void)arg;
	if (k > (size_t)n)
		k = (size_t)n;
	if (k > CHUNK)
		k = CHUNK;
	memcpy(buf, BODY + OFF, k);
	OFF += k;
	return (int)k;
}

static int
parse(bool trust)
{
	struct request_source	src = { P, reader, NULL };

	return request_parse(A, &src, MAX_BODY, trust, &R);
}

static void
post(const char *type, const char *body, const char *length)
{
	param("REQUEST_METHOD=POST");
	param("REQUEST_URI=/i/x/hardship");
	if (type != NULL)
		P[NP++] = arena_printf(A, "CONTENT_TYPE=%s", type);
	if (length != NULL)
		P[NP++] = arena_printf(A, "CONTENT_LENGTH=%s", length);
	BODY = body;
	BODYLEN = strlen(body);
}

static void
test_request_param(void **state)
{
	struct request_source	src = { P, reader, NULL };

	(void)state;
	param("REQUEST_URI=/a");
	param("REQUEST_URIX=/b");
	param("EMPTY=");
	assert_string_equal(request_param(&src, "REQUEST_URI"), "/a");
	assert_string_equal(request_param(&src, "REQUEST_URIX"), "/b");
	assert_string_equal(request_param(&src, "EMPTY"), "");
	assert_null(request_param(&src, "REQUEST"));
	assert_null(request_param(&src, "MISSING"));
	src.params = NULL;
	assert_null(request_param(&src, "REQUEST_URI"));
}

static void
test_request_get(void **state)
{
	(void)state;
	param("REQUEST_METHOD=GET");
	param("REQUEST_URI=/staff%2Fx?status=new&page=2");
	param("REMOTE_ADDR=192.0.2.7");
	param("HTTP_X_FORWARDED_FOR=198.51.100.1");
	param("HTTP_USER_AGENT=curl/8");
	param("HTTP_ACCEPT_LANGUAGE=es-ES,es;q=0.9");
	param("HTTP_COOKIE=a=1; __Host-settle=tok");
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.method, HTTP_GET);
	assert_string_equal(R.path, "/staff/x");
	assert_int_equal(R.nquery, 2);
	assert_string_equal(R.query[1].name, "page");
	assert_string_equal(R.query[1].value, "2");
	assert_int_equal(R.ncookies, 2);
	assert_string_equal(R.cookies[1].value, "tok");
	assert_string_equal(R.remote_addr, "192.0.2.7");	/* not trusted */
	assert_string_equal(R.user_agent, "curl/8");
	assert_string_equal(R.accept_language, "es-ES,es;q=0.9");
	assert_int_equal(R.nform, 0);
}

static void
test_request_forwarded(void **state)
{
	(void)state;
	param("REQUEST_METHOD=HEAD");
	param("REQUEST_URI=/");
	param("REMOTE_ADDR=127.0.0.1");
	param("HTTP_X_FORWARDED_FOR=198.51.100.1");
	assert_int_equal(parse(true), 0);
	assert_int_equal(R.method, HTTP_HEAD);
	assert_string_equal(R.remote_addr, "198.51.100.1");
}

/* The rightmost X-Forwarded-For entry, if it is an address; else the peer's. */
static void
test_request_forwarded_rightmost(void **state)
{
	static const struct {
		const char	*xff, *want;
	} cases[] = {
		{ "203.0.113.9, 198.51.100.1", "198.51.100.1" },
		{ "203.0.113.9,198.51.100.2 ", "198.51.100.2" },
		{ "2001:DB8:0:0::1", "2001:db8::1" },
		{ "unknown, 2001:db8::7", "2001:db8::7" },
		{ "198.51.100.1, evil", "127.0.0.1" },
		{ "198.51.100.1,", "127.0.0.1" },
		{ "", "127.0.0.1" },
		{ "198.51.100.1:8080", "127.0.0.1" },
		{ "[2001:db8::1]", "127.0.0.1" },
		{ "fe80::1%eth0", "127.0.0.1" },
		{ "198.51.100.300", "127.0.0.1" },
		{ "1.2.3.4 5.6.7.8", "127.0.0.1" },
		{ "::ffff:198.51.100.1111111111111111111111111111111111111111111111",
		    "127.0.0.1" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset();
		param("REQUEST_METHOD=GET");
		param("REQUEST_URI=/");
		param("REMOTE_ADDR=127.0.0.1");
		P[NP++] = arena_printf(A, "HTTP_X_FORWARDED_FOR=%s", cases[i].xff);
		assert_int_equal(parse(true), 0);
		if (strcmp(R.remote_addr, cases[i].want) != 0)
			fail_msg("X-Forwarded-For \"%s\": got \"%s\", want \"%s\"",
			    cases[i].xff, R.remote_addr, cases[i].want);
	}
	reset();	/* trusted but not sent: the peer */
	param("REQUEST_URI=/");
	param("REMOTE_ADDR=192.0.2.1");
	assert_int_equal(parse(true), 0);
	assert_string_equal(R.remote_addr, "192.0.2.1");
}

/* Header values we store are valid UTF-8, cut on a character boundary. */
static void
test_request_header_text(void **state)
{
	char	ua[514];

	(void)state;
	param("REQUEST_URI=/");
	param("HTTP_USER_AGENT=Mozilla \xff\xfe");
	param("HTTP_ACCEPT_LANGUAGE=es\xc3");
	assert_int_equal(parse(false), 0);
	assert_string_equal(R.user_agent, "Mozilla \xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(R.accept_language, "es\xef\xbf\xbd");
	reset();	/* 513 bytes, "é" at 511 and 512: cut before it */
	memset(ua, 'u', 511);
	memcpy(ua + 511, "\xc3\xa9", 2);
	ua[513] = '\0';
	param("REQUEST_URI=/");
	P[NP++] = arena_printf(A, "HTTP_USER_AGENT=%s", ua);
	assert_int_equal(parse(false), 0);
	assert_int_equal(strlen(R.user_agent), 511);
	reset();	/* invalid and long: replaced, then cut whole */
	memset(ua, 0xff, 513);
	ua[513] = '\0';
	param("REQUEST_URI=/");
	P[NP++] = arena_printf(A, "HTTP_USER_AGENT=%s", ua);
	assert_int_equal(parse(false), 0);
	assert_int_equal(strlen(R.user_agent), 510);	/* 170 x U+FFFD */
	assert_int_equal(memcmp(R.user_agent + 507, "\xef\xbf\xbd", 3), 0);
}

/* A query that does not parse is ignored, and marked for pages that read one. */
static void
test_request_query_ignored(void **state)
{
	(void)state;
	param("REQUEST_METHOD=GET");
	param("REQUEST_URI=/i/x?utm_source=x&p=50%");
	assert_int_equal(parse(false), 0);
	assert_string_equal(R.path, "/i/x");
	assert_int_equal(R.nquery, 0);
	assert_true(R.query_bad);
	reset();
	param("REQUEST_URI=/i/x?lang=es&x=%FF");
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.nquery, 0);
	assert_true(R.query_bad);
	reset();
	param("REQUEST_URI=/i/x?utm_source=x&lang=es");
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.nquery, 2);
	assert_false(R.query_bad);
}

/* An address too long to be one is kept as nothing; a long agent is cut. */
static void
test_request_limits(void **state)
{
	char	addr[HTTP_MAX_ADDR + 20], ua[700];

	(void)state;
	memset(addr, '1', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	memset(ua, 'u', sizeof(ua) - 1);
	ua[sizeof(ua) - 1] = '\0';
	param("REQUEST_URI=/");
	P[NP++] = arena_printf(A, "REMOTE_ADDR=%s", addr);
	P[NP++] = arena_printf(A, "HTTP_USER_AGENT=%s", ua);
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.method, HTTP_OTHER);		/* no REQUEST_METHOD */
	assert_null(R.accept_language);			/* not sent */
	assert_string_equal(R.remote_addr, "");
	assert_int_equal(strlen(R.user_agent), 512);
	assert_string_equal(R.user_agent + 511, "u");
}

static void
test_request_bad_uri(void **state)
{
	(void)state;
	param("REQUEST_METHOD=GET");
	assert_int_equal(parse(false), 400);		/* no REQUEST_URI */
	param("REQUEST_URI=/%zz");
	assert_int_equal(parse(false), 400);
	P[NP - 1] = arena_strdup(A, "REQUEST_URI=/%00?x=1");
	assert_int_equal(parse(false), 400);
	P[NP - 1] = arena_strdup(A, "REQUEST_URI=relative");
	assert_int_equal(parse(false), 400);
}

static void
test_request_long_uri(void **state)
{
	char	*uri;

	(void)state;
	uri = arena_alloc(A, HTTP_MAX_URI + 32);
	memset(uri, 'a', HTTP_MAX_URI + 20);
	memcpy(uri, "REQUEST_URI=/", 13);
	param("REQUEST_METHOD=GET");
	P[NP++] = uri;
	assert_int_equal(parse(false), 414);
}

/* A form in several reads, with a charset parameter on its type. */
static void
test_request_post_form(void **state)
{
	(void)state;
	post("application/x-www-form-urlencoded; charset=UTF-8",
	    "message=caf%C3%A9+ok&csrf=abc", "29");
	CHUNK = 4;
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.method, HTTP_POST);
	assert_int_equal(R.nform, 2);
	assert_string_equal(R.form[0].name, "message");
	assert_string_equal(R.form[0].value, "caf\xc3\xa9 ok");
	assert_false(R.form[0].bad);
	assert_string_equal(R.form[1].value, "abc");
}

/* Form values that are not text are kept, marked, for the form to name. */
static void
test_request_post_lenient(void **state)
{
	(void)state;
	post("application/x-www-form-urlencoded", "message=a%00b", "13");
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.nform, 1);
	assert_true(R.form[0].bad);
}

static void
test_request_post_empty(void **state)
{
	(void)state;
	post(NULL, "", NULL);		/* no length, no type: no form */
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.nform, 0);
	reset();
	post(NULL, "", "0");
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.nform, 0);
}

static void
test_request_post_refused(void **state)
{
	(void)state;
	post("text/plain", "a=1", "3");
	assert_int_equal(parse(false), 415);
	reset();
	post(NULL, "a=1", "3");
	assert_int_equal(parse(false), 415);
	reset();
	post("application/x-www-form-urlencoded", "a=1", "1001");
	assert_int_equal(parse(false), 413);
	reset();
	post("application/x-www-form-urlencoded", "a=1", "-1");
	assert_int_equal(parse(false), 400);
	reset();
	post("application/x-www-form-urlencoded", "a=1", "3x");
	assert_int_equal(parse(false), 400);
	reset();
	post("application/x-www-form-urlencoded", "a=1", "99999999999999999999");
	assert_int_equal(parse(false), 400);
	reset();	/* the body ends before its length */
	post("application/x-www-form-urlencoded", "a=1", "10");
	assert_int_equal(parse(false), 400);
	reset();
	post("application/x-www-form-urlencoded", "a=%zz", "5");
	assert_int_equal(parse(false), 400);
}

/* A GET's body is not read. */
static void
test_request_get_body_ignored(void **state)
{
	(void)state;
	param("REQUEST_METHOD=GET");
	param("REQUEST_URI=/");
	param("CONTENT_TYPE=text/plain");
	param("CONTENT_LENGTH=5000");
	assert_int_equal(parse(false), 0);
	assert_int_equal(R.nform, 0);
	assert_int_equal(OFF, 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_request_param),
		T(test_request_get),
		T(test_request_forwarded),
		T(test_request_forwarded_rightmost),
		T(test_request_header_text),
		T(test_request_query_ignored),
		T(test_request_limits),
		T(test_request_bad_uri),
		T(test_request_long_uri),
		T(test_request_post_form),
		T(test_request_post_lenient),
		T(test_request_post_empty),
		T(test_request_post_refused),
		T(test_request_get_body_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
