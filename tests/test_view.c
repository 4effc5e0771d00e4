/* Unit tests for portal/view.c: values, maps, lists, truthiness, failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "view.h"

static int
setup(void **state)
{
	struct arena *a = arena_new();

	if (a == NULL)
		return -1;
	*state = a;
	return 0;
}

static int
teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* The value stored under the NUL-terminated key. */
static const struct view *
get(const struct view *map, const char *key)
{
	return view_get(map, key, strlen(key));
}

static void
assert_str(const struct view *v, const char *want, size_t n)
{
	size_t		 len = 99;
	const char	*s;

	assert_int_equal(view_type(v), VIEW_STR);
	s = view_string(v, &len);
	assert_non_null(s);
	assert_int_equal(len, n);
	assert_memory_equal(s, want, n);
	assert_int_equal(s[n], '\0');
}

static void
test_view_scalars(void **state)
{
	struct arena	*a = *state;
	struct view	*v;

	v = view_null(a);
	assert_non_null(v);
	assert_int_equal(view_type(v), VIEW_NULL);
	v = view_bool(a, true);
	assert_int_equal(view_type(v), VIEW_BOOL);
	assert_int_equal(view_integer(v), 1);
	assert_int_equal(view_integer(view_bool(a, false)), 0);
	v = view_int(a, INT64_MIN);
	assert_int_equal(view_type(v), VIEW_INT);
	assert_int_equal(view_integer(v), INT64_MIN);
	assert_int_equal(view_integer(view_int(a, INT64_MAX)), INT64_MAX);
	assert_str(view_str(a, "caf\xc3\xa9"), "caf\xc3\xa9", 5);
	assert_str(view_str(a, ""), "", 0);
	assert_int_equal(view_type(view_list(a)), VIEW_LIST);
	assert_int_equal(view_type(view_map(a)), VIEW_MAP);
	assert_false(arena_failed(a));
}

/* Strings are copied: n bytes, NUL-terminated, independent of the source. */
static void
test_view_strings_copied(void **state)
{
	struct arena	*a = *state;
	struct view	*v, *w;
	char		 src[] = "hello world";

	v = view_strn(a, src, 5);
	w = view_str(a, src);
	src[0] = 'J';
	assert_str(v, "hello", 5);
	assert_str(w, "hello world", 11);
	v = view_strn(a, "a\0b", 3);
	assert_str(v, "a\0b", 3);
	assert_str(view_strn(a, "xyz", 0), "", 0);
	assert_false(arena_failed(a));
}

static void
test_view_map_set_get(void **state)
{
	struct arena	*a = *state;
	struct view	*m = view_map(a);
	char		 key[] = "name";

	assert_int_equal(view_set_str(m, key, "Ada"), 0);
	assert_int_equal(view_set_int(m, "n", 42), 0);
	assert_int_equal(view_set_bool(m, "yes", true), 0);
	assert_int_equal(view_set_fmt(m, "f", "%s-%03d", "x", 7), 0);
	assert_int_equal(view_set(m, "nil", view_null(a)), 0);
	key[0] = 'N';			/* keys are copied */
	assert_str(get(m, "name"), "Ada", 3);
	assert_null(get(m, "Name"));
	assert_int_equal(view_integer(get(m, "n")), 42);
	assert_int_equal(view_type(get(m, "yes")), VIEW_BOOL);
	assert_str(get(m, "f"), "x-007", 5);
	assert_int_equal(view_type(get(m, "nil")), VIEW_NULL);
	assert_non_null(get(m, "nil"));
	/* Lookups take a length: prefixes and longer keys do not match. */
	assert_str(view_get(m, "names", 4), "Ada", 3);
	assert_null(view_get(m, "nam", 3));
	assert_null(view_get(m, "name", 5));
	assert_null(get(m, ""));
	assert_null(get(m, "absent"));
	/* The empty key is a key like any other. */
	assert_int_equal(view_set_int(m, "", 5), 0);
	assert_int_equal(view_integer(get(m, "")), 5);
	assert_false(arena_failed(a));
}

static void
test_view_map_replace(void **state)
{
	struct arena	*a = *state;
	struct view	*m = view_map(a);

	assert_int_equal(view_set_str(m, "k", "first"), 0);
	assert_int_equal(view_set_str(m, "other", "o"), 0);
	assert_int_equal(view_set_int(m, "k", 2), 0);
	assert_int_equal(view_type(get(m, "k")), VIEW_INT);
	assert_int_equal(view_integer(get(m, "k")), 2);
	assert_int_equal(view_set_str(m, "k", "third"), 0);
	assert_str(get(m, "k"), "third", 5);
	assert_str(get(m, "other"), "o", 1);
	assert_false(arena_failed(a));
}

/* Enough keys to grow the table several times; all stay reachable. */
static void
test_view_map_many(void **state)
{
	struct arena	*a = *state;
	struct view	*m = view_map(a);
	char		 key[16];
	int		 i;

	for (i = 0; i < 200; i++) {
		(void)snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(view_set_int(m, key, i), 0);
	}
	for (i = 199; i >= 0; i--) {
		(void)snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(view_integer(get(m, key)), i);
	}
	assert_int_equal(view_len(m), 0);	/* not a list */
	assert_false(arena_failed(a));
}

static void
test_view_lists(void **state)
{
	struct arena	*a = *state;
	struct view	*l = view_list(a), *m;
	size_t		 i;

	assert_int_equal(view_len(l), 0);
	assert_null(view_at(l, 0));
	for (i = 0; i < 100; i++)
		assert_int_equal(view_push(l, view_int(a, (int64_t)i)), 0);
	m = view_push_map(l);
	assert_non_null(m);
	assert_int_equal(view_set_str(m, "x", "y"), 0);
	assert_int_equal(view_len(l), 101);
	for (i = 0; i < 100; i++)
		assert_int_equal(view_integer(view_at(l, i)), i);
	assert_ptr_equal(view_at(l, 100), m);
	assert_str(get(view_at(l, 100), "x"), "y", 1);
	assert_null(view_at(l, 101));
	assert_null(view_at(l, SIZE_MAX));
	/* The same value may be pushed twice. */
	assert_int_equal(view_push(l, m), 0);
	assert_ptr_equal(view_at(l, 101), m);
	assert_false(arena_failed(a));
}

static void
test_view_nested(void **state)
{
	struct arena	*a = *state;
	struct view	*root = view_map(a), *m, *l, *item;

	m = view_set_map(root, "site");
	l = view_set_list(root, "rows");
	assert_non_null(m);
	assert_non_null(l);
	assert_int_equal(view_set_str(m, "company", "Acme"), 0);
	item = view_push_map(l);
	assert_int_equal(view_set_int(item, "seq", 1), 0);
	assert_ptr_equal(get(root, "site"), m);
	assert_ptr_equal(get(root, "rows"), l);
	assert_str(get(get(root, "site"), "company"), "Acme", 4);
	assert_int_equal(view_integer(get(view_at(get(root, "rows"), 0), "seq")),
	    1);
	/* Replacing a nested value by a new map. */
	m = view_set_map(root, "site");
	assert_ptr_equal(get(root, "site"), m);
	assert_null(get(m, "company"));
	assert_false(arena_failed(a));
}

static void
test_view_truthy(void **state)
{
	struct arena	*a = *state;
	struct view	*l;

	assert_false(view_truthy(NULL));
	assert_false(view_truthy(view_null(a)));
	assert_false(view_truthy(view_bool(a, false)));
	assert_true(view_truthy(view_bool(a, true)));
	assert_false(view_truthy(view_int(a, 0)));
	assert_true(view_truthy(view_int(a, 1)));
	assert_true(view_truthy(view_int(a, -1)));
	assert_true(view_truthy(view_int(a, INT64_MIN)));
	assert_false(view_truthy(view_str(a, "")));
	assert_false(view_truthy(view_strn(a, "abc", 0)));
	assert_true(view_truthy(view_str(a, "0")));
	assert_true(view_truthy(view_str(a, "false")));
	assert_true(view_truthy(view_str(a, " ")));
	assert_true(view_truthy(view_strn(a, "\0", 1)));
	l = view_list(a);
	assert_false(view_truthy(l));
	assert_int_equal(view_push(l, view_bool(a, false)), 0);
	assert_true(view_truthy(l));
	assert_true(view_truthy(view_map(a)));	/* even when empty */
	assert_false(arena_failed(a));
}

/* Readers on the wrong type answer "nothing" rather than crash. */
static void
test_view_readers_wrong_type(void **state)
{
	struct arena	*a = *state;
	struct view	*i = view_int(a, 7), *l = view_list(a), *s = view_str(a, "5");
	size_t		 n = 99;

	assert_int_equal(view_type(NULL), VIEW_NULL);
	assert_null(view_get(l, "x", 1));
	assert_null(view_get(i, "x", 1));
	assert_null(view_get(NULL, "x", 1));
	assert_null(view_at(view_map(a), 0));
	assert_null(view_at(i, 0));
	assert_null(view_at(NULL, 0));
	assert_int_equal(view_len(NULL), 0);
	assert_int_equal(view_len(i), 0);
	assert_int_equal(view_len(s), 0);
	assert_null(view_string(i, &n));
	assert_int_equal(n, 0);
	n = 99;
	assert_null(view_string(NULL, &n));
	assert_int_equal(n, 0);
	assert_null(view_string(l, NULL));
	assert_non_null(view_string(s, NULL));
	assert_int_equal(view_integer(s), 0);
	assert_int_equal(view_integer(l), 0);
	assert_int_equal(view_integer(view_null(a)), 0);
	assert_int_equal(view_integer(NULL), 0);
	assert_false(arena_failed(a));
}

/* NULL arguments from failed builders are refused, never dereferenced. */
static void
test_view_null_tolerance(void **state)
{
	struct arena	*a = *state;

	(void)a;
	assert_null(view_null(NULL));
	assert_null(view_bool(NULL, true));
	assert_null(view_int(NULL, 1));
	assert_null(view_str(NULL, "x"));
	assert_null(view_str(NULL, NULL));
	assert_null(view_strn(NULL, "x", 1));
	assert_null(view_list(NULL));
	assert_null(view_map(NULL));
	assert_int_equal(view_set(NULL, "k", NULL), -1);
	assert_int_equal(view_set_str(NULL, "k", "v"), -1);
	assert_int_equal(view_set_int(NULL, "k", 1), -1);
	assert_int_equal(view_set_bool(NULL, "k", true), -1);
	assert_int_equal(view_set_fmt(NULL, "k", "%d", 1), -1);
	assert_null(view_set_map(NULL, "k"));
	assert_null(view_set_list(NULL, "k"));
	assert_int_equal(view_push(NULL, NULL), -1);
	assert_null(view_push_map(NULL));
	assert_false(view_truthy(NULL));
}

/* Each refused call marks the arena failed, so one check at the end sees it. */
static void
check_fails(void (*f)(struct arena *, struct view *, struct view *))
{
	struct arena	*a = arena_new();
	struct view	*m, *l;

	assert_non_null(a);
	m = view_map(a);
	l = view_list(a);
	assert_false(arena_failed(a));
	f(a, m, l);
	assert_true(arena_failed(a));
	/* Later successes do not clear it. */
	assert_int_equal(view_set_str(m, "after", "ok"), 0);
	assert_int_equal(view_push(l, view_int(a, 1)), 0);
	assert_true(arena_failed(a));
	arena_free(a);
}

static void
f_str_null(struct arena *a, struct view *m, struct view *l)
{
	(void)m; (void)l;
	assert_null(view_str(a, NULL));
}

static void
f_strn_null(struct arena *a, struct view *m, struct view *l)
{
	(void)m; (void)l;
	assert_null(view_strn(a, NULL, 3));
}

static void
f_set_str_null(struct arena *a, struct view *m, struct view *l)
{
	(void)a; (void)l;
	assert_int_equal(view_set_str(m, "k", NULL), -1);
	assert_null(get(m, "k"));
}

static void
f_set_null_value(struct arena *a, struct view *m, struct view *l)
{
	(void)a; (void)l;
	assert_int_equal(view_set(m, "k", NULL), -1);
	assert_null(get(m, "k"));
}

static void
f_set_null_key(struct arena *a, struct view *m, struct view *l)
{
	(void)l;
	assert_int_equal(view_set(m, NULL, view_int(a, 1)), -1);
}

static void
f_set_on_list(struct arena *a, struct view *m, struct view *l)
{
	(void)m;
	assert_int_equal(view_set(l, "k", view_int(a, 1)), -1);
	assert_null(view_set_map(l, "k"));
	assert_int_equal(view_len(l), 0);
}

static void
f_set_on_scalar(struct arena *a, struct view *m, struct view *l)
{
	(void)m; (void)l;
	assert_int_equal(view_set_str(view_int(a, 1), "k", "v"), -1);
}

static void
f_push_on_map(struct arena *a, struct view *m, struct view *l)
{
	(void)l;
	assert_int_equal(view_push(m, view_int(a, 1)), -1);
	assert_null(view_push_map(m));
}

static void
f_push_null(struct arena *a, struct view *m, struct view *l)
{
	(void)a; (void)m;
	assert_int_equal(view_push(l, NULL), -1);
	assert_int_equal(view_len(l), 0);
}

static void
f_alloc_too_big(struct arena *a, struct view *m, struct view *l)
{
	(void)m; (void)l;
	assert_null(arena_alloc(a, SIZE_MAX));
}

static void
test_view_failure_sticks(void **state)
{
	(void)state;
	check_fails(f_str_null);
	check_fails(f_strn_null);
	check_fails(f_set_str_null);
	check_fails(f_set_null_value);
	check_fails(f_set_null_key);
	check_fails(f_set_on_list);
	check_fails(f_set_on_scalar);
	check_fails(f_push_on_map);
	check_fails(f_push_null);
	check_fails(f_alloc_too_big);
}

static const char *const colours[] = { "red", "green", "blue", NULL };

/* One flag per name, true only for the value; all false for an unknown one. */
static void
test_view_choice(void **state)
{
	struct arena	*a = *state;
	struct view	*m = view_map(a);
	char		 longprefix[80];

	assert_int_equal(view_set_choice(m, "is_", colours, "green"), 0);
	assert_int_equal(view_type(get(m, "is_red")), VIEW_BOOL);
	assert_false(view_truthy(get(m, "is_red")));
	assert_true(view_truthy(get(m, "is_green")));
	assert_false(view_truthy(get(m, "is_blue")));
	assert_null(get(m, "green"));
	/* An unknown or missing value: every flag present, every one false. */
	assert_int_equal(view_set_choice(m, "is_", colours, "purple"), 0);
	assert_false(view_truthy(get(m, "is_green")));
	assert_null(get(m, "is_purple"));
	assert_int_equal(view_set_choice(m, "is_", colours, NULL), 0);
	assert_int_equal(view_type(get(m, "is_blue")), VIEW_BOOL);
	assert_false(arena_failed(a));
	/* A key that does not fit is a failure, never a truncated key. */
	memset(longprefix, 'x', sizeof(longprefix) - 1);
	longprefix[sizeof(longprefix) - 1] = '\0';
	assert_int_equal(view_set_choice(m, longprefix, colours, "red"), -1);
	assert_true(arena_failed(a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_view_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_strings_copied, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_view_map_set_get, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_view_map_replace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_view_map_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_truthy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_readers_wrong_type, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_view_null_tolerance, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_view_choice, setup, teardown),
		cmocka_unit_test(test_view_failure_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
