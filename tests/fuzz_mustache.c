/*
 * libFuzzer target for the mustache compiler and renderer. The first two
 * bytes (big-endian) say where the rest splits into the template "t" and
 * the partial "p"; both are compiled, and when the template compiles the
 * set is checked and "t" rendered in both escape modes against a fixed
 * nested data tree.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "mustache.h"
#include "view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small tree with every value type, nesting, lists and names to reuse. */
static struct view *
fixture(struct arena *a)
{
	struct view	*root, *list, *item, *m, *deep;

	root = view_map(a);
	view_set_str(root, "a", "<b>&\"'</b>");
	view_set_bool(root, "b", true);
	view_set_bool(root, "c", false);
	view_set_int(root, "n", -42);
	view_set_int(root, "z", 0);
	view_set_str(root, "e", "");
	view_set_str(root, "p", "p");
	view_set_str(root, "t", "t");
	view_set(root, "x", view_null(a));
	list = view_set_list(root, "list");
	item = view_push_map(list);
	view_set_str(item, "a", "one\ntwo");
	view_set_list(item, "list");
	item = view_push_map(list);
	view_set_int(item, "n", 7);
	view_push(list, view_str(a, "s"));
	view_push(list, view_int(a, 3));
	m = view_set_map(root, "m");
	view_set_str(m, "p", "t");
	deep = view_set_map(m, "m");
	view_set_str(deep, "a", "deep");
	view_set(deep, "list", view_list(a));
	return root;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mustache_set	*set = NULL;
	struct mustache_error	 err;
	struct arena		*a = NULL;
	struct view		*root;
	struct buf		 out;
	const char		*text;
	size_t			 split, len;

	if (size < 2)
		return 0;
	text = (const char *)data + 2;
	len = size - 2;
	split = ((size_t)data[0] << 8 | data[1]) % (len + 1);
	buf_init(&out, 1u << 16);	/* small: keeps executions fast */
	if ((set = mustache_set_new()) == NULL || (a = arena_new()) == NULL)
		goto out;
	(void)mustache_set_add(set, "p", text + split, len - split, &err);
	if (mustache_set_add(set, "t", text, split, &err) == -1)
		goto out;
	(void)mustache_set_check(set, &err);
	if ((root = fixture(a)) == NULL || arena_failed(a))
		goto out;
	(void)mustache_render(set, "t", root, MUSTACHE_HTML, &out, &err);
	buf_reset(&out);
	(void)mustache_render(set, "t", root, MUSTACHE_TEXT, &out, &err);
out:
	buf_free(&out);
	arena_free(a);
	mustache_set_free(set);
	return 0;
}
