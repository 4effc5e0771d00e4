/* Unit tests for portal/buf.c: appends, the size cap, sticky errors, HTML escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

/* Length of a literal that may contain NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

static void
assert_buf(const struct buf *b, const char *want, size_t n)
{
	assert_int_equal(b->len, n);
	assert_memory_equal(buf_str(b), want, n);
	assert_int_equal(buf_str(b)[n], '\0');
}

static void
test_buf_init_empty(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 0);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, BUF_DEFAULT_MAX);
	assert_false(buf_failed(&b));
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
	buf_free(&b);		/* twice is harmless */
	buf_init(&b, 100);
	assert_int_equal(b.max, 100);
	buf_free(&b);
}

static void
test_buf_append(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_append(&b, "", 0), 0);
	assert_non_null(b.data);
	assert_buf(&b, "", 0);
	assert_int_equal(buf_append(&b, "abcdef", 3), 0);
	assert_int_equal(buf_puts(&b, "-"), 0);
	assert_int_equal(buf_putc(&b, 'x'), 0);
	assert_int_equal(buf_putc(&b, '\0'), 0);
	assert_int_equal(buf_append(&b, LIT("y\0z")), 0);
	assert_int_equal(buf_printf(&b, "[%d|%s|%5.2f]", -7, "s", 1.5), 0);
	assert_buf(&b, LIT("abc-x\0y\0z[-7|s| 1.50]"));
	assert_false(buf_failed(&b));
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

/* A zeroed struct behaves like buf_init(&b, 0). */
static void
test_buf_zeroed_struct(void **state)
{
	struct buf	b;

	(void)state;
	memset(&b, 0, sizeof(b));
	assert_int_equal(buf_puts(&b, "ok"), 0);
	assert_buf(&b, "ok", 2);
	assert_int_equal(b.max, BUF_DEFAULT_MAX);
	buf_free(&b);
}

static void
test_buf_growth(void **state)
{
	struct buf	b;
	char		chunk[1000];
	size_t		i, j;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < 300; i++) {
		memset(chunk, 'a' + (int)(i % 26), sizeof(chunk));
		assert_int_equal(buf_append(&b, chunk, sizeof(chunk)), 0);
	}
	assert_int_equal(b.len, 300000);
	assert_true(b.cap > b.len);
	for (i = 0; i < 300; i++)
		for (j = 0; j < sizeof(chunk); j++)
			assert_int_equal(b.data[i * 1000 + j], 'a' + (int)(i % 26));
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
}

static void
test_buf_printf_long(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "<"), 0);
	assert_int_equal(buf_printf(&b, "%*d", 5000, 42), 0);
	assert_int_equal(b.len, 5001);
	assert_string_equal(b.data + 4999, "42");
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 5001);
	buf_free(&b);
}

/* Up to the cap is fine; one byte more fails and the contents stay. */
static void
test_buf_cap_exact(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "0123456789"), 0);
	assert_buf(&b, "0123456789", 10);
	assert_int_equal(buf_putc(&b, 'x'), -1);
	assert_true(buf_failed(&b));
	assert_buf(&b, "0123456789", 10);
	buf_free(&b);

	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "01234"), 0);
	assert_int_equal(buf_puts(&b, "567890"), -1);
	assert_buf(&b, "01234", 5);
	buf_free(&b);

	buf_init(&b, 10);
	assert_int_equal(buf_printf(&b, "%s", "0123456789"), 0);
	assert_buf(&b, "0123456789", 10);
	buf_free(&b);

	buf_init(&b, 10);
	assert_int_equal(buf_printf(&b, "%d", 12345678), 0);
	assert_int_equal(buf_printf(&b, "%d", 123), -1);
	assert_buf(&b, "12345678", 8);
	assert_true(buf_failed(&b));
	buf_free(&b);
}

/* After one failure every append fails, even those that would fit. */
static void
test_buf_sticky(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(buf_puts(&b, "ab"), 0);
	assert_int_equal(buf_puts(&b, "cdefgh"), -1);
	assert_true(buf_failed(&b));
	assert_int_equal(buf_putc(&b, 'c'), -1);
	assert_int_equal(buf_puts(&b, ""), -1);
	assert_int_equal(buf_append(&b, "c", 1), -1);
	assert_int_equal(buf_printf(&b, "c"), -1);
	assert_int_equal(buf_append_html(&b, "c", 1), -1);
	assert_int_equal(buf_reserve(&b, 0), -1);
	assert_buf(&b, "ab", 2);
	assert_true(buf_failed(&b));
	buf_free(&b);
	assert_false(buf_failed(&b));
}

static void
test_buf_too_big(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_append(&b, "x", SIZE_MAX), -1);
	assert_true(buf_failed(&b));
	assert_int_equal(b.len, 0);
	buf_free(&b);

	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "x"), 0);
	assert_int_equal(buf_reserve(&b, BUF_DEFAULT_MAX), -1);
	assert_true(buf_failed(&b));
	buf_free(&b);

	buf_init(&b, 0);
	assert_int_equal(buf_reserve(&b, SIZE_MAX), -1);
	assert_true(buf_failed(&b));
	buf_free(&b);
}

/* Reset empties and clears the error but keeps the allocation. */
static void
test_buf_reset(void **state)
{
	struct buf	 b;
	char		*data;

	(void)state;
	buf_init(&b, 8);
	buf_reset(&b);			/* before any append */
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_puts(&b, "abcdefgh"), 0);
	assert_int_equal(buf_putc(&b, 'i'), -1);
	data = b.data;
	buf_reset(&b);
	assert_false(buf_failed(&b));
	assert_buf(&b, "", 0);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.max, 8);
	assert_int_equal(buf_puts(&b, "xyz"), 0);
	assert_buf(&b, "xyz", 3);
	buf_free(&b);

	/* Reusable after free and init. */
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "again"), 0);
	assert_buf(&b, "again", 5);
	buf_free(&b);
}

static void
test_buf_reserve(void **state)
{
	struct buf	 b;
	char		*data;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "abc"), 0);
	assert_int_equal(buf_reserve(&b, 10000), 0);
	assert_true(b.cap >= b.len + 10000 + 1);
	data = b.data;
	memset(b.data + b.len, 'z', 10000);
	assert_int_equal(buf_puts(&b, "def"), 0);
	assert_ptr_equal(b.data, data);
	assert_buf(&b, "abcdef", 6);
	buf_free(&b);

	/* Reserving past the cap fails and sticks. */
	buf_init(&b, 16);
	assert_int_equal(buf_reserve(&b, 16), 0);
	assert_int_equal(buf_puts(&b, "a"), 0);
	assert_int_equal(buf_reserve(&b, 16), -1);
	assert_true(buf_failed(&b));
	buf_free(&b);
}

static void
html_is(const char *in, size_t n, const char *want)
{
	struct buf	b;

	buf_init(&b, 0);
	assert_int_equal(buf_append_html(&b, in, n), 0);
	assert_buf(&b, want, strlen(want));
	buf_free(&b);
}

static void
test_buf_html(void **state)
{
	(void)state;
	html_is("", 0, "");
	html_is("plain text 123", 14, "plain text 123");
	html_is("&", 1, "&amp;");
	html_is("<", 1, "&lt;");
	html_is(">", 1, "&gt;");
	html_is("\"", 1, "&quot;");
	html_is("'", 1, "&#39;");
	html_is("a&b<c>d\"e'f", 11, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	html_is("&&<<", 4, "&amp;&amp;&lt;&lt;");
	html_is("<script>alert('x')</script>", 27,
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	html_is("&amp;", 5, "&amp;amp;");
	/* Other punctuation and UTF-8 pass through untouched. */
	html_is("`=/\\#%;", 7, "`=/\\#%;");
	html_is("caf\xc3\xa9 \xe2\x82\xac", 9, "caf\xc3\xa9 \xe2\x82\xac");
	/* Only n bytes are read. */
	html_is("a<b>c", 2, "a&lt;");
}

static void
test_buf_html_nul(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_append_html(&b, LIT("a\0<")), 0);
	assert_buf(&b, LIT("a\0&lt;"));
	buf_free(&b);
}

/* An entity that does not fit fails as a whole, and the error sticks. */
static void
test_buf_html_cap(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_append_html(&b, "ab<", 3), 0);
	assert_buf(&b, "ab&lt;", 6);
	assert_int_equal(buf_append_html(&b, "&", 1), -1);
	assert_true(buf_failed(&b));
	assert_buf(&b, "ab&lt;", 6);
	buf_free(&b);

	buf_init(&b, 8);
	assert_int_equal(buf_append_html(&b, "'''", 3), -1);
	assert_true(buf_failed(&b));
	assert_true(b.len <= 8);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_init_empty),
		cmocka_unit_test(test_buf_append),
		cmocka_unit_test(test_buf_zeroed_struct),
		cmocka_unit_test(test_buf_growth),
		cmocka_unit_test(test_buf_printf_long),
		cmocka_unit_test(test_buf_cap_exact),
		cmocka_unit_test(test_buf_sticky),
		cmocka_unit_test(test_buf_too_big),
		cmocka_unit_test(test_buf_reset),
		cmocka_unit_test(test_buf_reserve),
		cmocka_unit_test(test_buf_html),
		cmocka_unit_test(test_buf_html_nul),
		cmocka_unit_test(test_buf_html_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
