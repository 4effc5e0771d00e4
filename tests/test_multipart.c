/* Unit tests for portal/multipart.c: RFC 7578 text fields, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "http.h"
#include "multipart.h"
#include "arena_fixture.h"

#define B	"----settle42"

static struct http_param	p[HTTP_MAX_PARAMS];
static size_t			n;

static int
parse(const char *body)
{
	return multipart_parse(A, body, strlen(body), B, p, 4, &n);
}

static void
test_multipart_boundary(void **state)
{
	char	b[MULTIPART_BOUNDARY_MAX + 1];
	char	type[128];

	(void)state;
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=" B, b), 0);
	assert_string_equal(b, B);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"a b\"; x=y", b), 0);
	assert_string_equal(b, "a b");
	assert_int_equal(multipart_boundary("multipart/form-data; BOUNDARY=xy; charset=utf-8", b), 0);
	assert_string_equal(b, "xy");
	assert_int_equal(multipart_boundary("multipart/form-data", b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=", b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"open", b), -1);
	assert_int_equal(multipart_boundary(NULL, b), -1);
	memset(type, 'x', sizeof(type));
	memcpy(type, "boundary=", 9);
	type[9 + MULTIPART_BOUNDARY_MAX] = '\0';	/* exactly 70: fine */
	assert_int_equal(multipart_boundary(type, b), 0);
	type[9 + MULTIPART_BOUNDARY_MAX] = 'x';
	type[9 + MULTIPART_BOUNDARY_MAX + 1] = '\0';	/* 71: refused */
	assert_int_equal(multipart_boundary(type, b), -1);
}

/* What curl -F 'List-Unsubscribe=One-Click' sends. */
static void
test_multipart_one_click(void **state)
{
	(void)state;
	assert_int_equal(parse("--" B "\r\n"
	    "Content-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
	    "One-Click\r\n--" B "--\r\n"), 0);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].name, "List-Unsubscribe");
	assert_string_equal(p[0].value, "One-Click");
	assert_int_equal(p[0].len, 9);
	assert_false(p[0].bad);
}

static void
test_multipart_fields(void **state)
{
	(void)state;
	/* A preamble, a content type, an unquoted name, an empty value, a
	 * value with CRLF and UTF-8 inside, and an epilogue. */
	assert_int_equal(parse("preamble\r\n--" B "\r\n"
	    "content-disposition: form-data; name=a\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "caf\xc3\xa9\r\nline 2\r\n--" B "\r\n"
	    "Content-Disposition: form-data; name=\"b\"\r\n\r\n"
	    "\r\n--" B "--\r\nepilogue"), 0);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].name, "a");
	assert_string_equal(p[0].value, "caf\xc3\xa9\r\nline 2");
	assert_string_equal(p[1].name, "b");
	assert_string_equal(p[1].value, "");
}

static const char nul[] = "--" B "\r\nContent-Disposition: form-data; "
    "name=a\r\n\r\nx\0y\r\n--" B "--";
static const char nul_free[] = "--" B "\r\nContent-Disposition: form-data; "
    "name=a\r\n\r\nx-y\r\n--" B "--";

static void
test_multipart_bad(void **state)
{
	static const char *const bad[] = {
		"",						/* no delimiter */
		"--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",	/* unclosed */
		"--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--" B,	/* no -- and no part */
		"--" B "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" B "--",	/* no name */
		"--" B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nx\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc3\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n"
		    "Content-Disposition: form-data; name=\"b\"\r\n\r\nx\r\n--" B "--",
		"--" B "junk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--" B "--",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i]), 400);
	/* A NUL in a value (strlen would stop there: the length is given). */
	assert_int_equal(multipart_parse(A, nul, sizeof(nul) - 1, B, p, 4, &n), 400);
	assert_int_equal(multipart_parse(A, nul_free, sizeof(nul_free) - 1, B, p, 4,
	    &n), 0);
	assert_string_equal(p[0].value, "x-y");
}

static void
test_multipart_file_and_count(void **state)
{
	(void)state;
	assert_int_equal(parse("--" B "\r\nContent-Disposition: form-data; "
	    "name=\"f\"; filename=\"a.txt\"\r\n\r\nx\r\n--" B "--"), 415);
	assert_int_equal(parse("--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
	    "--" B "\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
	    "--" B "\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n"
	    "--" B "\r\nContent-Disposition: form-data; name=d\r\n\r\n4\r\n"
	    "--" B "\r\nContent-Disposition: form-data; name=e\r\n\r\n5\r\n"
	    "--" B "--"), 413);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multipart_boundary),
		cmocka_unit_test(test_multipart_one_click),
		cmocka_unit_test(test_multipart_fields),
		cmocka_unit_test(test_multipart_bad),
		cmocka_unit_test(test_multipart_file_and_count),
	};

	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
