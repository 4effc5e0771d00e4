/* Unit tests for portal/arena.c: zeroed aligned blocks, copies, sticky failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

#define ALIGN	(_Alignof(max_align_t))

static struct arena *
arena_ok(void)
{
	struct arena *a = arena_new();

	assert_non_null(a);
	assert_false(arena_failed(a));
	return a;
}

static void
assert_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			fail_msg("byte %zu of %zu is %#x", i, n, p[i]);
}

static void
test_arena_new_free(void **state)
{
	struct arena *a = arena_ok();

	(void)state;
	arena_free(a);
	arena_free(NULL);
}

static void
test_arena_alloc_zeroed_aligned(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 8, 15, 16, 17, 31, 100, 1000 };
	struct arena	*a = arena_ok();
	unsigned char	*p[sizeof(sizes) / sizeof(sizes[0])];
	size_t		 i, j;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = arena_alloc(a, sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % ALIGN, 0);
		assert_zero(p[i], sizes[i]);
		memset(p[i], (int)i + 1, sizes[i]);
	}
	/* No block overlaps another: each still holds its own pattern. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (j = 0; j < sizes[i]; j++)
			assert_int_equal(p[i][j], i + 1);
	assert_false(arena_failed(a));
	arena_free(a);
}

static void
test_arena_alloc_zero_size(void **state)
{
	struct arena	*a = arena_ok();
	void		*p, *q;

	(void)state;
	p = arena_alloc(a, 0);
	q = arena_alloc(a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	assert_false(arena_failed(a));
	arena_free(a);
}

/* Blocks bigger than a chunk get their own; small ones keep working after. */
static void
test_arena_alloc_large(void **state)
{
	static const size_t sizes[] = { 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1,
	    100 * 1000, 1024 * 1024 };
	struct arena	*a = arena_ok();
	unsigned char	*big, *small;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		big = arena_alloc(a, sizes[i]);
		assert_non_null(big);
		assert_int_equal((uintptr_t)big % ALIGN, 0);
		assert_zero(big, sizes[i]);
		memset(big, 0xff, sizes[i]);
		small = arena_alloc(a, 10);
		assert_non_null(small);
		assert_zero(small, 10);
		memset(small, 0xee, 10);
	}
	assert_false(arena_failed(a));
	arena_free(a);
}

/* Thousands of blocks over many chunks, each intact at the end. */
static void
test_arena_alloc_many(void **state)
{
	enum { N = 5000 };
	struct arena	*a = arena_ok();
	unsigned char	**p;
	size_t		 i, j;

	(void)state;
	p = calloc(N, sizeof(*p));
	assert_non_null(p);
	for (i = 0; i < N; i++) {
		p[i] = arena_alloc(a, i % 97 + 1);
		assert_non_null(p[i]);
		memset(p[i], (int)(i & 0xff), i % 97 + 1);
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < i % 97 + 1; j++)
			assert_int_equal(p[i][j], i & 0xff);
	free(p);
	arena_free(a);
}

static void
test_arena_alloc_too_big(void **state)
{
	struct arena	*a = arena_ok();

	(void)state;
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_true(arena_failed(a));
	/* Sticky: a later success does not clear the failure. */
	assert_non_null(arena_alloc(a, 8));
	assert_true(arena_failed(a));
	arena_free(a);

	a = arena_ok();
	assert_null(arena_alloc(a, SIZE_MAX - ALIGN + 1));
	assert_true(arena_failed(a));
	arena_free(a);

}

static void
test_arena_null_arena(void **state)
{
	(void)state;
	assert_true(arena_failed(NULL));
	assert_null(arena_alloc(NULL, 1));
	assert_null(arena_strdup(NULL, "x"));
	assert_null(arena_strdup(NULL, NULL));
	assert_null(arena_strndup(NULL, "x", 1));
	assert_null(arena_strndup(NULL, NULL, 1));
	assert_null(arena_printf(NULL, "%d", 1));
}

static void
test_arena_strndup(void **state)
{
	struct arena	*a = arena_ok();
	char		 src[] = "hello, world";
	char		*s;

	(void)state;
	s = arena_strndup(a, src, 5);
	assert_string_equal(s, "hello");
	s = arena_strndup(a, src, 0);
	assert_string_equal(s, "");
	/* Embedded NUL bytes are copied; the copy has its own terminator. */
	s = arena_strndup(a, "a\0b", 3);
	assert_non_null(s);
	assert_memory_equal(s, "a\0b\0", 4);
	/* A copy, not the source. */
	s = arena_strndup(a, src, sizeof(src) - 1);
	src[0] = 'J';
	assert_string_equal(s, "hello, world");
	assert_false(arena_failed(a));
	arena_free(a);
}

static void
test_arena_strndup_bad(void **state)
{
	struct arena	*a = arena_ok();

	(void)state;
	assert_null(arena_strndup(a, NULL, 0));
	assert_true(arena_failed(a));
	arena_free(a);

	a = arena_ok();
	assert_null(arena_strndup(a, "x", SIZE_MAX));
	assert_true(arena_failed(a));
	arena_free(a);

	a = arena_ok();
	assert_null(arena_strndup(a, "x", SIZE_MAX - 1));
	assert_true(arena_failed(a));
	arena_free(a);
}

static void
test_arena_strdup(void **state)
{
	struct arena	*a = arena_ok();
	char		 src[] = "caf\xc3\xa9";
	char		*s;

	(void)state;
	s = arena_strdup(a, src);
	assert_string_equal(s, "caf\xc3\xa9");
	assert_ptr_not_equal(s, src);
	assert_string_equal(arena_strdup(a, ""), "");
	assert_false(arena_failed(a));
	assert_null(arena_strdup(a, NULL));
	assert_true(arena_failed(a));
	arena_free(a);
}

static void
test_arena_printf(void **state)
{
	struct arena	*a = arena_ok();
	char		*s;
	size_t		 i;

	(void)state;
	assert_string_equal(arena_printf(a, "%s-%d-%05.1f", "x", -42, 2.25),
	    "x--42-002.2");
	assert_string_equal(arena_printf(a, "%s", ""), "");
	/* Longer than a chunk. */
	s = arena_printf(a, "[%*s]", 40000, "end");
	assert_non_null(s);
	assert_int_equal(strlen(s), 40002);
	assert_int_equal(s[0], '[');
	for (i = 1; i < 40000 - 2; i++)
		assert_int_equal(s[i], ' ');
	assert_string_equal(s + 40000 - 2, "end]");
	assert_false(arena_failed(a));
	arena_free(a);
}

/* Reset forgets blocks and the failure flag; the first chunk is reused. */
static void
test_arena_reset(void **state)
{
	struct arena	*a = arena_ok();
	unsigned char	*first, *again;

	(void)state;
	first = arena_alloc(a, 64);
	assert_non_null(first);
	memset(first, 0xaa, 64);
	assert_non_null(arena_alloc(a, 100 * 1000));
	assert_non_null(arena_alloc(a, 20 * 1000));
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_true(arena_failed(a));

	arena_reset(a);
	assert_false(arena_failed(a));
	again = arena_alloc(a, 64);
	assert_ptr_equal(again, first);
	assert_zero(again, 64);
	assert_string_equal(arena_strdup(a, "still works"), "still works");

	/* Resetting an arena that never grew, and twice in a row. */
	arena_reset(a);
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 1), first);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_new_free),
		cmocka_unit_test(test_arena_alloc_zeroed_aligned),
		cmocka_unit_test(test_arena_alloc_zero_size),
		cmocka_unit_test(test_arena_alloc_large),
		cmocka_unit_test(test_arena_alloc_many),
		cmocka_unit_test(test_arena_alloc_too_big),
		cmocka_unit_test(test_arena_null_arena),
		cmocka_unit_test(test_arena_strndup),
		cmocka_unit_test(test_arena_strndup_bad),
		cmocka_unit_test(test_arena_strdup),
		cmocka_unit_test(test_arena_printf),
		cmocka_unit_test(test_arena_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
