/* Unit tests for portal/mustache.c: compile errors, check, load_dir, render. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "buf.h"
#include "mustache.h"
#include "view.h"

/* Renders template text (as "t") with data in mode esc; returns 0 or -1. */
static int
render_text(const char *text, const struct view *data,
    enum mustache_escape esc, struct buf *out, struct mustache_error *err)
{
	struct mustache_set	*set;
	int			 rc;

	set = mustache_set_new();
	assert_non_null(set);
	rc = mustache_set_add(set, "t", text, strlen(text), err);
	if (rc == 0)
		rc = mustache_render(set, "t", data, esc, out, err);
	mustache_set_free(set);
	return rc;
}

/* Asserts that text renders to want in HTML mode. */
static void
assert_renders(const char *text, const struct view *data, const char *want)
{
	struct mustache_error	 err;
	struct buf		 out;

	buf_init(&out, 0);
	if (render_text(text, data, MUSTACHE_HTML, &out, &err) == -1)
		fail_msg("%s:%u:%u: %s", err.template, err.line, err.column,
		    err.message);
	assert_string_equal(buf_str(&out), want);
	buf_free(&out);
}

/*
 * Asserts that compiling text (len bytes, 0 for strlen) fails with code at
 * line:column with message.
 */
static void
assert_compile_error(const char *text, size_t len, enum mustache_code code,
    unsigned line, unsigned column, const char *message)
{
	struct mustache_set	*set;
	struct mustache_error	 err;

	set = mustache_set_new();
	assert_non_null(set);
	memset(&err, 0, sizeof(err));
	if (len == 0)
		len = strlen(text);
	assert_int_equal(mustache_set_add(set, "page/x", text, len, &err), -1);
	assert_int_equal(err.code, code);
	assert_string_equal(err.template, "page/x");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	assert_string_equal(err.message, message);
	assert_false(mustache_set_has(set, "page/x"));
	mustache_set_free(set);
}

static void
test_mustache_escape_html(void **state)
{
	struct arena	*a = arena_new();
	struct view	*d = view_map(a);

	(void)state;
	view_set_str(d, "x", "<a href=\"x\">Tom & 'Jerry'</a>");
	assert_renders("[{{x}}]", d,
	    "[&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;]");
	assert_renders("[{{{x}}}|{{&x}}]", d,
	    "[<a href=\"x\">Tom & 'Jerry'</a>|<a href=\"x\">Tom & 'Jerry'</a>]");
	arena_free(a);
}

static void
test_mustache_escape_text(void **state)
{
	struct arena		*a = arena_new();
	struct view		*d = view_map(a);
	struct mustache_error	 err;
	struct buf		 out;

	(void)state;
	view_set_str(d, "x", "<b>&\"'");
	buf_init(&out, 0);
	assert_int_equal(render_text("{{x}} {{{x}}}", d, MUSTACHE_TEXT, &out,
	    &err), 0);
	assert_string_equal(buf_str(&out), "<b>&\"' <b>&\"'");
	buf_reset(&out);
	assert_int_equal(render_text("{{x}} {{{x}}}", d, MUSTACHE_HTML, &out,
	    &err), 0);
	assert_string_equal(buf_str(&out), "&lt;b&gt;&amp;&quot;&#39; <b>&\"'");
	buf_free(&out);
	arena_free(a);
}

static void
test_mustache_scalars(void **state)
{
	struct arena	*a = arena_new();
	struct view	*d = view_map(a);

	(void)state;
	view_set_int(d, "i", -9223372036854775807LL - 1);
	view_set_int(d, "z", 0);
	view_set_bool(d, "t", true);
	view_set_bool(d, "f", false);
	view_set(d, "n", view_null(a));
	view_set_list(d, "l");
	view_set_map(d, "m");
	assert_renders("{{i}}|{{z}}|{{t}}|{{f}}|{{n}}|{{missing}}|{{l}}|{{m}}",
	    d, "-9223372036854775808|0|true|false||||");
	assert_renders("{{#z}}z{{/z}}{{^z}}!z{{/z}}{{#n}}n{{/n}}{{^n}}!n{{/n}}"
	    "{{#l}}l{{/l}}{{^l}}!l{{/l}}{{#m}}m{{/m}}", d, "!z!n!lm");
	assert_renders("", d, "");
	assert_renders("{{x}}", NULL, "");
	arena_free(a);
}

static void
test_mustache_error_unclosed_section(void **state)
{
	(void)state;
	assert_compile_error("a\n  {{#outer}}\n{{#inner}}x{{/inner}}\n", 0,
	    MUSTACHE_EUNCLOSED_SECTION, 2, 3, "unclosed section 'outer'");
	assert_compile_error("{{#a}}{{^b}}", 0, MUSTACHE_EUNCLOSED_SECTION,
	    1, 7, "unclosed section 'b'");
	assert_compile_error("x{{<layout}}{{$body}}", 0,
	    MUSTACHE_EUNCLOSED_SECTION, 1, 13, "unclosed section 'body'");
}

static void
test_mustache_error_mismatch(void **state)
{
	(void)state;
	assert_compile_error("{{#a}}\n{{#b}}\n  {{/a}}", 0,
	    MUSTACHE_EMISMATCH, 3, 3, "close tag 'a' does not match 'b'");
	assert_compile_error("{{<p}}{{/ *p}}", 0, MUSTACHE_EMISMATCH, 1, 7,
	    "close tag '*p' does not match 'p'");
	assert_compile_error("{{<*p}}{{/q}}", 0, MUSTACHE_EMISMATCH, 1, 8,
	    "close tag 'q' does not match '*p'");
}

static void
test_mustache_error_close_without_open(void **state)
{
	(void)state;
	assert_compile_error("ok\nok {{/a}}", 0,
	    MUSTACHE_ECLOSE_WITHOUT_OPEN, 2, 4,
	    "close tag 'a' without open section");
}

static void
test_mustache_error_unclosed_tag(void **state)
{
	(void)state;
	assert_compile_error("x\n\ny {{name", 0, MUSTACHE_EUNCLOSED_TAG, 3,
	    3, "unclosed tag: no '}}' after '{{'");
	assert_compile_error("{{{name}}", 0, MUSTACHE_EUNCLOSED_TAG, 1, 1,
	    "unclosed tag: no '}}}' after '{{'");
	assert_compile_error("{{=<% %>=}}\n<%a}}", 0, MUSTACHE_EUNCLOSED_TAG,
	    2, 1, "unclosed tag: no '%>' after '<%'");
	assert_compile_error("{{", 0, MUSTACHE_EUNCLOSED_TAG, 1, 1,
	    "unclosed tag: no '}}' after '{{'");
}

static void
test_mustache_error_empty_name(void **state)
{
	(void)state;
	assert_compile_error("a {{}}", 0, MUSTACHE_EEMPTY_NAME, 1, 3,
	    "empty tag name");
	assert_compile_error("{{# }}{{/ }}", 0, MUSTACHE_EEMPTY_NAME, 1, 1,
	    "empty tag name");
	assert_compile_error("\n{{{ }}}", 0, MUSTACHE_EEMPTY_NAME, 2, 1,
	    "empty tag name");
	assert_compile_error("{{>*}}", 0, MUSTACHE_EEMPTY_NAME, 1, 1,
	    "empty tag name");
	assert_compile_error("{{a b}}", 0, MUSTACHE_EBAD_NAME, 1, 1,
	    "whitespace in tag name 'a b'");
}

static void
test_mustache_error_bad_delimiters(void **state)
{
	static const char	*bad[] = {
		"{{=a=}}", "{{==}}", "{{=}}", "{{=a b c=}}", "{{=a= b=}}",
		"{{=a b}}", "{{=0123456789abcdefg x=}}", "{{=<% =%>=}}",
	};
	char			 msg[192];
	size_t			 i;

	(void)state;
	snprintf(msg, sizeof(msg), "bad set-delimiter tag: want {{=open "
	    "close=}} with two delimiters of 1 to %u bytes without whitespace "
	    "or '='", MUSTACHE_MAX_DELIM);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_compile_error(bad[i], strlen(bad[i]),
		    MUSTACHE_EBAD_DELIM, 1, 1, msg);
	assert_compile_error("x\n {{=[ ]=}} [=a=]", 0, MUSTACHE_EBAD_DELIM,
	    2, 12, msg);
	assert_renders("{{=[ ]=}}[#b][x][/b]{{x}}[={{ }}=]{{x}}", NULL, "{{x}}");
}

static void
test_mustache_error_tag_too_long(void **state)
{
	char	*s;
	size_t	 n = MUSTACHE_MAX_TAG + 8;	/* a name of MAX_TAG + 1 bytes */
	char	 msg[64];

	(void)state;
	s = malloc(n + 1);
	assert_non_null(s);
	memset(s, 'x', n);
	memcpy(s, "ab\n{{", 5);
	memcpy(s + n - 2, "}}", 2);
	s[n] = '\0';
	snprintf(msg, sizeof(msg), "tag longer than %u bytes", MUSTACHE_MAX_TAG);
	assert_compile_error(s, n, MUSTACHE_ETAG_TOO_LONG, 2, 1, msg);
	free(s);
}

static void
test_mustache_tag_at_limit(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	char			 s[MUSTACHE_MAX_TAG + 5];

	(void)state;
	memset(s, 'y', sizeof(s));
	memcpy(s, "{{", 2);
	memcpy(s + MUSTACHE_MAX_TAG + 2, "}}", 2);
	s[MUSTACHE_MAX_TAG + 4] = '\0';
	assert_int_equal(mustache_set_add(set, "t", s, strlen(s), &err), 0);
	mustache_set_free(set);
}

/* Writes depth nested "{{#s}}" and their closes around "x" into a buf. */
static void
nested(struct buf *b, unsigned depth)
{
	unsigned	 i;

	for (i = 0; i < depth; i++)
		assert_int_equal(buf_puts(b, "{{#s}}"), 0);
	assert_int_equal(buf_puts(b, "x"), 0);
	for (i = 0; i < depth; i++)
		assert_int_equal(buf_puts(b, "{{/s}}"), 0);
}

static void
test_mustache_error_depth(void **state)
{
	struct buf	 b;
	char		 msg[64];

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "\n"), 0);
	nested(&b, MUSTACHE_MAX_DEPTH + 1);
	snprintf(msg, sizeof(msg), "sections nested deeper than %u",
	    MUSTACHE_MAX_DEPTH);
	assert_compile_error(b.data, b.len, MUSTACHE_EDEPTH, 2,
	    1 + 6 * MUSTACHE_MAX_DEPTH, msg);
	buf_reset(&b);
	nested(&b, MUSTACHE_MAX_DEPTH);
	assert_renders(buf_str(&b), NULL, "");
	buf_free(&b);
}

static void
test_mustache_error_size(void **state)
{
	char	*s;
	char	 msg[64];

	(void)state;
	s = calloc(1, MUSTACHE_MAX_SIZE + 1);
	assert_non_null(s);
	memset(s, 'a', MUSTACHE_MAX_SIZE + 1);
	snprintf(msg, sizeof(msg), "template of %u bytes exceeds %u",
	    MUSTACHE_MAX_SIZE + 1, MUSTACHE_MAX_SIZE);
	assert_compile_error(s, MUSTACHE_MAX_SIZE + 1, MUSTACHE_ESIZE, 0, 0,
	    msg);
	free(s);
}

static void
test_mustache_error_names(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	char			 name[MUSTACHE_MAX_NAME + 2];

	(void)state;
	assert_int_equal(mustache_set_add(set, "a", "1", 1, &err), 0);
	assert_int_equal(mustache_set_add(set, "a", "2", 1, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EDUPLICATE);
	assert_string_equal(err.message, "template 'a' already defined");
	assert_int_equal(mustache_set_add(set, "", "2", 1, &err), -1);
	assert_int_equal(err.code, MUSTACHE_ENAME);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(mustache_set_add(set, name, "2", 1, &err), -1);
	assert_int_equal(err.code, MUSTACHE_ENAME);
	name[sizeof(name) - 2] = '\0';
	assert_int_equal(mustache_set_add(set, name, "2", 1, NULL), 0);
	assert_true(mustache_set_has(set, name));
	assert_string_equal(mustache_strerror(MUSTACHE_EOUTPUT),
	    "output too large");
	assert_string_equal(mustache_strerror(MUSTACHE__MAX), "unknown error");
	mustache_set_free(set);
}

static void
test_mustache_check_unknown_partial(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	const char		*page = "<p>\n  {{#x}}{{> row }}{{/x}}\n";

	(void)state;
	assert_int_equal(mustache_set_add(set, "page", page, strlen(page),
	    &err), 0);
	assert_int_equal(mustache_set_add(set, "dyn", "{{>*name}}", 10, &err),
	    0);
	assert_int_equal(mustache_set_check(set, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EUNKNOWN_PARTIAL);
	assert_string_equal(err.template, "page");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 9);
	assert_string_equal(err.message, "unknown partial 'row'");
	assert_int_equal(mustache_set_add(set, "row", "r", 1, &err), 0);
	assert_int_equal(mustache_set_check(set, &err), 0);
	mustache_set_free(set);
}

static void
test_mustache_check_unknown_parent(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	const char		*page = "{{!c}}\n\n{{<layout}}{{$a}}{{>ok}}{{/a}}"
	    "{{/layout}}";

	(void)state;
	assert_int_equal(mustache_set_add(set, "mail/x", page, strlen(page),
	    &err), 0);
	assert_int_equal(mustache_set_add(set, "ok", "", 0, &err), 0);
	assert_int_equal(mustache_set_check(set, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EUNKNOWN_PARTIAL);
	assert_string_equal(err.template, "mail/x");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 1);
	assert_string_equal(err.message, "unknown parent 'layout'");
	assert_int_equal(mustache_set_add(set, "layout", "[{{$a}}{{/a}}]", 14,
	    &err), 0);
	assert_int_equal(mustache_set_check(set, &err), 0);
	mustache_set_free(set);
}

/* Writes text to dir/rel, creating it. */
static void
write_file(const char *dir, const char *rel, const char *text)
{
	char	 path[512];
	FILE	*f;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, rel) <
	    (int)sizeof(path));
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Removes the test directory tree. */
static void
rm_rf(const char *dir)
{
	char	 cmd[512];

	assert_true(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) <
	    (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

static void
test_mustache_load_dir(void **state)
{
	char			 dir[] = "/tmp/test_mustache.XXXXXX", sub[600];
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct buf		 out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/mail", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/mail/plan", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(dir, "layout.mustache", "<{{$b}}{{/b}}>");
	write_file(dir, "mail/plan_confirm.mustache", "{{<layout}}{{$b}}"
	    "{{>mail/plan/row}}{{/b}}{{/layout}}");
	write_file(dir, "mail/plan/row.mustache", "row {{n}}");
	write_file(dir, "notes.txt", "{{#bad");
	write_file(dir, ".hidden.mustache", "{{#bad");
	write_file(dir, "mail/x.mustache.orig", "{{#bad");
	write_file(dir, "mail/.mustache", "{{#bad");
	assert_int_equal(mustache_set_load_dir(set, dir, &err), 0);
	assert_true(mustache_set_has(set, "layout"));
	assert_true(mustache_set_has(set, "mail/plan_confirm"));
	assert_true(mustache_set_has(set, "mail/plan/row"));
	assert_false(mustache_set_has(set, "notes"));
	assert_false(mustache_set_has(set, ".hidden"));
	assert_false(mustache_set_has(set, "mail/plan_confirm.mustache"));
	assert_int_equal(mustache_set_check(set, &err), 0);
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "mail/plan_confirm", NULL,
	    MUSTACHE_TEXT, &out, &err), 0);
	assert_string_equal(buf_str(&out), "<row >");
	buf_free(&out);
	mustache_set_free(set);

	write_file(dir, "mail/plan/broken.mustache", "ok\n{{#a}}\n");
	set = mustache_set_new();
	assert_int_equal(mustache_set_load_dir(set, dir, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EUNCLOSED_SECTION);
	assert_string_equal(err.template, "mail/plan/broken");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 1);
	mustache_set_free(set);

	set = mustache_set_new();
	snprintf(sub, sizeof(sub), "%s/none", dir);
	assert_int_equal(mustache_set_load_dir(set, sub, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EIO);
	mustache_set_free(set);
	rm_rf(dir);
}

static void
test_mustache_partial_depth(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct buf		 out;
	char			 msg[64];

	(void)state;
	assert_int_equal(mustache_set_add(set, "loop", "x\n{{>loop}}", 11,
	    &err), 0);
	assert_int_equal(mustache_set_add(set, "p", "{{<p}}{{/p}}", 12,
	    &err), 0);
	assert_int_equal(mustache_set_add(set, "b", "{{<bp}}{{$a}}{{$a}}"
	    "{{/a}}{{/a}}{{/bp}}", 38, &err), 0);
	assert_int_equal(mustache_set_add(set, "bp", "{{$a}}{{/a}}", 12,
	    &err), 0);
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "loop", NULL, MUSTACHE_HTML,
	    &out, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EPARTIAL_DEPTH);
	assert_string_equal(err.template, "loop");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 1);
	snprintf(msg, sizeof(msg), "partials nested deeper than %u",
	    MUSTACHE_MAX_PARTIAL_DEPTH);
	assert_string_equal(err.message, msg);
	assert_int_equal(out.len, 2 * (MUSTACHE_MAX_PARTIAL_DEPTH + 1));
	buf_reset(&out);
	assert_int_equal(mustache_render(set, "p", NULL, MUSTACHE_HTML, &out,
	    &err), -1);
	assert_int_equal(err.code, MUSTACHE_EPARTIAL_DEPTH);
	assert_int_equal(mustache_render(set, "b", NULL, MUSTACHE_HTML, &out,
	    &err), -1);
	assert_int_equal(err.code, MUSTACHE_EPARTIAL_DEPTH);
	buf_free(&out);
	mustache_set_free(set);
}

static void
test_mustache_recursive_data(void **state)
{
	struct arena		*a = arena_new();
	struct view		*root = view_map(a), *node = root;
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct buf		 out;
	const char		*tree = "{{#kids}}({{name}}{{>tree}}){{/kids}}";
	int			 i;

	(void)state;
	for (i = 0; i < 100; i++) {
		node = view_push_map(view_set_list(node, "kids"));
		view_set_int(node, "name", i);
	}
	assert_false(arena_failed(a));
	assert_int_equal(mustache_set_add(set, "tree", tree, strlen(tree),
	    &err), 0);
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "tree", root, MUSTACHE_HTML,
	    &out, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EPARTIAL_DEPTH);
	assert_int_equal(strncmp(buf_str(&out), "(0(1(2(3", 8), 0);
	buf_free(&out);
	mustache_set_free(set);
	arena_free(a);
}

static void
test_mustache_context_limit(void **state)
{
	struct arena		*a = arena_new();
	struct view		*root = view_map(a);
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct buf		 b, out;
	unsigned		 i;

	(void)state;
	view_set_bool(root, "s", true);
	buf_init(&b, 0);
	for (i = 0; i < MUSTACHE_MAX_DEPTH - 1; i++)
		assert_int_equal(buf_puts(&b, "{{#s}}"), 0);
	assert_int_equal(buf_puts(&b, "{{>r}}"), 0);
	for (i = 0; i < MUSTACHE_MAX_DEPTH - 1; i++)
		assert_int_equal(buf_puts(&b, "{{/s}}"), 0);
	assert_int_equal(mustache_set_add(set, "r", b.data, b.len, &err), 0);
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "r", root, MUSTACHE_HTML, &out,
	    &err), -1);
	assert_int_equal(err.code, MUSTACHE_ECONTEXT);
	buf_free(&out);
	buf_free(&b);
	mustache_set_free(set);
	arena_free(a);
}

static void
test_mustache_step_limit(void **state)
{
	struct arena		*a = arena_new();
	struct view		*root = view_map(a), *l;
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct buf		 out;
	const char		*t = "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}"
	    "{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";
	char			 msg[96];
	int			 i;

	(void)state;
	l = view_set_list(root, "l");
	for (i = 0; i < 10; i++)
		view_push(l, view_int(a, i));
	assert_int_equal(mustache_set_add(set, "t", t, strlen(t), &err), 0);
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "t", root, MUSTACHE_HTML, &out,
	    &err), -1);
	assert_int_equal(err.code, MUSTACHE_ESTEPS);
	snprintf(msg, sizeof(msg), "more than %u steps (nested loops over big "
	    "lists?)", MUSTACHE_MAX_STEPS);
	assert_string_equal(err.message, msg);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	mustache_set_free(set);
	arena_free(a);
}

static void
test_mustache_big_list(void **state)
{
	struct arena		*a = arena_new();
	struct view		*root = view_map(a), *list, *item;
	struct buf		 want;
	int			 i;

	(void)state;
	list = view_set_list(root, "rows");
	buf_init(&want, 0);
	assert_int_equal(buf_puts(&want, "<ul>\n"), 0);
	for (i = 0; i < 20000; i++) {
		item = view_push_map(list);
		view_set_int(item, "id", i);
		view_set_fmt(item, "name", "n<%d>", i);
		assert_int_equal(buf_printf(&want, "  <li id=\"%d\">n&lt;%d&gt;"
		    "</li>\n", i, i), 0);
	}
	assert_int_equal(buf_puts(&want, "</ul>\n"), 0);
	assert_false(arena_failed(a));
	assert_renders("<ul>\n{{#rows}}\n  <li id=\"{{id}}\">{{name}}</li>\n"
	    "{{/rows}}\n</ul>\n", root, buf_str(&want));
	buf_free(&want);
	arena_free(a);
}

static void
test_mustache_deep_data(void **state)
{
	struct arena	*a = arena_new();
	struct view	*root = view_map(a), *m = root;
	struct buf	 t;
	int		 i;

	(void)state;
	buf_init(&t, 0);
	for (i = 0; i < 60; i++) {
		m = view_set_map(m, "k");
		view_set_int(m, "d", i);
		assert_int_equal(buf_puts(&t, "{{#k}}"), 0);
	}
	view_set_str(m, "leaf", "<end>");
	assert_int_equal(buf_puts(&t, "{{d}}:{{leaf}}"), 0);
	for (i = 0; i < 60; i++)
		assert_int_equal(buf_puts(&t, "{{/k}}"), 0);
	assert_renders(buf_str(&t), root, "59:&lt;end&gt;");
	buf_reset(&t);
	assert_int_equal(buf_puts(&t, "{{"), 0);
	for (i = 0; i < 60; i++)
		assert_int_equal(buf_puts(&t, "k."), 0);
	assert_int_equal(buf_puts(&t, "leaf}}|{{k.k.d}}|{{k.x.d}}"), 0);
	assert_renders(buf_str(&t), root, "&lt;end&gt;|1|");
	buf_free(&t);
	arena_free(a);
}

static void
test_mustache_unknown_template(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct buf		 out;

	(void)state;
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "nope", NULL, MUSTACHE_HTML,
	    &out, &err), -1);
	assert_int_equal(err.code, MUSTACHE_EUNKNOWN_TEMPLATE);
	assert_string_equal(err.template, "nope");
	assert_string_equal(err.message, "unknown template 'nope'");
	assert_int_equal(out.len, 0);
	assert_int_equal(mustache_set_add(set, "t", "[{{>nope}}]", 11, &err),
	    0);
	assert_int_equal(mustache_render(set, "t", NULL, MUSTACHE_HTML, &out,
	    &err), 0);
	assert_string_equal(buf_str(&out), "[]");
	buf_free(&out);
	mustache_set_free(set);
}

static void
test_mustache_output_cap(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct arena		*a = arena_new();
	struct view		*d = view_map(a);
	struct buf		 out;

	(void)state;
	view_set_str(d, "x", "&&&");
	assert_int_equal(mustache_set_add(set, "t", "12345{{x}}", 10, &err),
	    0);
	buf_init(&out, 20);
	assert_int_equal(mustache_render(set, "t", d, MUSTACHE_HTML, &out,
	    &err), 0);
	assert_string_equal(buf_str(&out), "12345&amp;&amp;&amp;");
	buf_reset(&out);
	assert_int_equal(buf_puts(&out, "x"), 0);
	assert_int_equal(mustache_render(set, "t", d, MUSTACHE_HTML, &out,
	    &err), -1);
	assert_int_equal(err.code, MUSTACHE_EOUTPUT);
	assert_string_equal(err.template, "t");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 6);
	assert_true(buf_failed(&out));
	assert_int_equal(mustache_render(set, "t", d, MUSTACHE_HTML, &out,
	    &err), -1);
	assert_int_equal(err.code, MUSTACHE_EOUTPUT);
	buf_free(&out);
	mustache_set_free(set);
	arena_free(a);
}

/* A rule with three forms: 0 for 1, 1 for 2..4, 2 otherwise. */
static unsigned
three_forms(int64_t n, const void *arg)
{
	assert_ptr_equal(arg, &three_forms);
	return n == 1 ? 0 : n >= 2 && n <= 4 ? 1 : 2;
}

/* Plural sections pick the form the set's rule gives for the integer. */
static void
test_mustache_plural_sections(void **state)
{
	static const char t[] = "{{#n|0}}one{{/n|0}}{{#n|1}}few {{n}}{{/n|1}}"
	    "{{#n|2}}many {{n}}{{/n|2}}";
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct arena		*a = arena_new();
	struct view		*v = view_map(a);
	struct buf		 out;
	static const struct { int64_t n; const char *en, *three; } cases[] = {
		{ 1, "one", "one" }, { 0, "few 0", "many 0" },
		{ 3, "few 3", "few 3" }, { 7, "few 7", "many 7" },
		{ -1, "one", "one" },
	};
	size_t			 i;

	(void)state;
	assert_int_equal(mustache_set_add(set, "t", t, strlen(t), &err), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		view_set_int(v, "n", cases[i].n);
		buf_init(&out, 0);
		mustache_set_plural(set, NULL, NULL);	/* English: n != 1 */
		assert_int_equal(mustache_render(set, "t", v, MUSTACHE_TEXT, &out,
		    &err), 0);
		assert_string_equal(buf_str(&out), cases[i].en);
		buf_reset(&out);
		mustache_set_plural(set, three_forms, &three_forms);
		assert_int_equal(mustache_render(set, "t", v, MUSTACHE_TEXT, &out,
		    &err), 0);
		assert_string_equal(buf_str(&out), cases[i].three);
		buf_free(&out);
	}
	/* A missing or non-integer variable counts as 0; the context stays. */
	assert_renders("{{#x|1}}{{y}}{{/x|1}}{{#x|0}}no{{/x|0}}", NULL, "");
	view_set_str(v, "y", "kept");
	view_set_str(v, "x", "3");
	assert_renders("{{#x|1}}{{y}}{{/x|1}}", v, "kept");
	/* Only a digit after '|' makes a plural section. */
	assert_renders("{{#n|a}}x{{/n|a}}", v, "");
	mustache_set_free(set);
	arena_free(a);
}

static int
upper_filter(void *arg, const char *name, const char *text, size_t len,
    struct buf *out, struct mustache_error *err)
{
	size_t	i;

	(void)arg;
	(void)err;
	(void)name;
	for (i = 0; i < len; i++)
		(void)buf_putc(out, text[i] >= 'a' && text[i] <= 'z' ?
		    (char)(text[i] - 32) : text[i]);
	return 0;
}

static void
test_mustache_load_filtered(void **state)
{
	char			 dir[] = "/tmp/test_mustache.XXXXXX", path[64];
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct buf		 out;
	FILE			*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/a.mustache", dir);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs("hello {{! x }}world", f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(mustache_set_load_dir_filtered(set, dir, upper_filter,
	    NULL, &err), 0);
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "a", NULL, MUSTACHE_TEXT, &out, &err), 0);
	assert_string_equal(buf_str(&out), "HELLO WORLD");
	buf_free(&out);
	mustache_set_free(set);
	(void)unlink(path);
	(void)rmdir(dir);
}

static void
test_mustache_render_many(void **state)
{
	struct mustache_set	*set = mustache_set_new();
	struct mustache_error	 err;
	struct arena		*a = arena_new();
	struct view		*d = view_map(a);
	struct buf		 out;
	const char		*layout = "<title>{{$title}}Settle{{/title}}"
	    "</title>\n<main>\n  {{$main}}\n  {{/main}}\n</main>\n";
	const char		*page = "{{<layout}}\n{{$title}}{{name}} - "
	    "Settle{{/title}}\n{{$main}}\n<p>\n  Hi {{name}}\n</p>\n{{/main}}\n"
	    "{{/layout}}\n";
	int			 i;

	(void)state;
	view_set_str(d, "name", "Ann & Bo");
	assert_int_equal(mustache_set_add(set, "layout", layout,
	    strlen(layout), &err), 0);
	assert_int_equal(mustache_set_add(set, "page", page, strlen(page),
	    &err), 0);
	assert_int_equal(mustache_set_check(set, &err), 0);
	buf_init(&out, 0);
	for (i = 0; i < 3; i++) {
		buf_reset(&out);
		assert_int_equal(mustache_render(set, "page", d,
		    MUSTACHE_HTML, &out, &err), 0);
		assert_string_equal(buf_str(&out), "<title>Ann &amp; Bo - "
		    "Settle</title>\n<main>\n  <p>\n    Hi Ann &amp; Bo\n  "
		    "</p>\n</main>\n");
	}
	buf_reset(&out);
	assert_int_equal(mustache_render(set, "layout", d, MUSTACHE_TEXT,
	    &out, &err), 0);
	assert_string_equal(buf_str(&out),
	    "<title>Settle</title>\n<main>\n</main>\n");
	buf_free(&out);
	mustache_set_free(set);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mustache_escape_html),
		cmocka_unit_test(test_mustache_escape_text),
		cmocka_unit_test(test_mustache_scalars),
		cmocka_unit_test(test_mustache_error_unclosed_section),
		cmocka_unit_test(test_mustache_error_mismatch),
		cmocka_unit_test(test_mustache_error_close_without_open),
		cmocka_unit_test(test_mustache_error_unclosed_tag),
		cmocka_unit_test(test_mustache_error_empty_name),
		cmocka_unit_test(test_mustache_error_bad_delimiters),
		cmocka_unit_test(test_mustache_error_tag_too_long),
		cmocka_unit_test(test_mustache_tag_at_limit),
		cmocka_unit_test(test_mustache_error_depth),
		cmocka_unit_test(test_mustache_error_size),
		cmocka_unit_test(test_mustache_error_names),
		cmocka_unit_test(test_mustache_check_unknown_partial),
		cmocka_unit_test(test_mustache_check_unknown_parent),
		cmocka_unit_test(test_mustache_load_dir),
		cmocka_unit_test(test_mustache_partial_depth),
		cmocka_unit_test(test_mustache_recursive_data),
		cmocka_unit_test(test_mustache_context_limit),
		cmocka_unit_test(test_mustache_step_limit),
		cmocka_unit_test(test_mustache_big_list),
		cmocka_unit_test(test_mustache_deep_data),
		cmocka_unit_test(test_mustache_unknown_template),
		cmocka_unit_test(test_mustache_output_cap),
		cmocka_unit_test(test_mustache_render_many),
		cmocka_unit_test(test_mustache_plural_sections),
		cmocka_unit_test(test_mustache_load_filtered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
