#ifndef TESTS_ARENA_FIXTURE_H
#define TESTS_ARENA_FIXTURE_H

/*
 * For the unit tests of modules that allocate from an arena: one arena A
 * for the whole group (pass arena_setup and arena_teardown to
 * cmocka_run_group_tests) and slurp() to read a file of tests/data into
 * it. Include after cmocka.h and arena.h, from one test program each: A
 * is that program's own.
 */
#include <stdio.h>

static struct arena *A;

static inline int
arena_setup(void **state)
{
	(void)state;
	A = arena_new();
	return A == NULL ? -1 : 0;
}

static inline int
arena_teardown(void **state)
{
	(void)state;
	arena_free(A);
	return 0;
}

/* The file at path (relative to the checkout), NUL-terminated, in A; its length in *len. */
static inline char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s (run from the checkout)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	s = arena_alloc(A, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	(void)fclose(f);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

#endif
