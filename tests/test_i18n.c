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
#include "i18n.h"
#include "mustache.h"
#include "view.h"

/* ------------------------------------------------------------ scanning */

static void
test_i18n_next_messages(void **state)
{
	static const char t[] = "<p>{{!t: a note}}{{#t}}Dear {{name}},{{/t}}</p>\n"
	    "{{#t days}}{{days}} day{{|}}{{days}} days{{/t}} {{other}}";
	struct i18n_msg	m;
	size_t		pos = 0;
	char		err[128];

	(void)state;
	assert_int_equal(i18n_next(t, strlen(t), &pos, &m, err, sizeof(err)), 1);
	assert_int_equal(m.idlen, strlen("Dear {{name}},"));
	assert_memory_equal(m.id, "Dear {{name}},", m.idlen);
	assert_null(m.plural);
	assert_int_equal(m.comlen, strlen("a note"));
	assert_memory_equal(m.comment, "a note", m.comlen);
	assert_int_equal(m.line, 1);
	assert_int_equal(m.column, 18);
	assert_int_equal(i18n_next(t, strlen(t), &pos, &m, err, sizeof(err)), 1);
	assert_memory_equal(m.id, "{{days}} day", m.idlen);
	assert_memory_equal(m.plural, "{{days}} days", m.plen);
	assert_memory_equal(m.count, "days", m.clen);
	assert_null(m.comment);
	assert_int_equal(m.line, 2);
	assert_int_equal(i18n_next(t, strlen(t), &pos, &m, err, sizeof(err)), 0);
}

static void
scan_fails(const char *t, const char *why)
{
	struct i18n_msg	m;
	size_t		pos = 0;
	char		err[128] = "";
	int		r;

	while ((r = i18n_next(t, strlen(t), &pos, &m, err, sizeof(err))) == 1)
		continue;
	if (r != -1)
		fail_msg("accepted %s: %s", why, t);
	assert_true(err[0] != '\0');
}

static void
test_i18n_next_reject(void **state)
{
	(void)state;
	scan_fails("{{#t}}unclosed", "an unclosed mark");
	scan_fails("text{{/t}}", "a stray close");
	scan_fails("a {{|}} b", "a stray split");
	scan_fails("{{#t}}a {{#t}}b{{/t}}{{/t}}", "nesting");
	scan_fails("{{#t}}{{/t}}", "an empty message");
	scan_fails("{{#t n}}one only{{/t}}", "a plural without {{|}}");
	scan_fails("{{#t}}a{{|}}b{{/t}}", "{{|}} in a singular");
	scan_fails("{{#t n}}a{{|}}b{{|}}c{{/t}}", "two {{|}}");
	scan_fails("{{#t n m}}a{{|}}b{{/t}}", "a bad count name");
	scan_fails("{{#t}}{{=<% %>=}}{{/t}}", "set delimiters");
	scan_fails("{{#t x", "an unclosed open tag");
}

/* {{#tag}} and {{#title}} are ordinary sections, not marks. */
static void
test_i18n_next_not_marks(void **state)
{
	static const char t[] = "{{#tag}}x{{/tag}}{{#title}}y{{/title}}{{#tt}}{{/tt}}";
	struct i18n_msg	m;
	size_t		pos = 0;
	char		err[128];

	(void)state;
	assert_int_equal(i18n_next(t, strlen(t), &pos, &m, err, sizeof(err)), 0);
}

#define S(x)	x, strlen(x)

static void
test_i18n_same_tags(void **state)
{
	static const char a[] = "Call {{name}} on <a href=\"tel:{{p}}\">{{p}}</a>.";

	(void)state;
	assert_true(i18n_same_tags(a, strlen(a), a, strlen(a)));
	assert_true(i18n_same_tags(a, strlen(a),
	    S("<a href=\"tel:{{p}}\">{{p}}</a>: llame a {{name}}.")));
	assert_false(i18n_same_tags(a, strlen(a),
	    S("Call {{nme}} on <a href=\"tel:{{p}}\">{{p}}</a>.")));
	assert_false(i18n_same_tags(a, strlen(a), S("Call {{name}} on {{p}}.")));
	assert_false(i18n_same_tags(a, strlen(a),
	    S("Call {{name}} <a href=\"tel:{{p}}\">{{p}}</a> {{p}}")));
	assert_false(i18n_same_tags(a, strlen(a),
	    S("Call {{name}} on <a href=\"tel:{{p}}\" class=\"x\">{{p}}</a>.")));
	assert_false(i18n_same_tags(S("{{{x}}}"), S("{{x}}")));
	assert_true(i18n_same_tags(S("a < b"), S("b > a")));	/* not tags */
}

/* ------------------------------------------------------------ loading */

struct dirs {
	char	tpl[64], po[80];
};

static void
put(const char *dir, const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static const char page[] =
    "<p>{{#t}}Dear {{name}},{{/t}} {{#t days}}{{days}} day late{{|}}"
    "{{days}} days late{{/t}}</p>";

static const char es_po[] =
    "msgid \"\"\nmsgstr \"\"\n\"Language: es\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
    "msgid \"English\"\nmsgstr \"Español\"\n\n"
    "msgid \"Dear {{name}},\"\nmsgstr \"Estimado/a {{name}}:\"\n\n"
    "msgid \"{{days}} day late\"\nmsgid_plural \"{{days}} days late\"\n"
    "msgstr[0] \"{{days}} día de retraso\"\nmsgstr[1] \"{{days}} días de retraso\"\n";

static const char fr_po[] =
    "msgid \"\"\nmsgstr \"\"\n\"Language: fr\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\n"
    "msgid \"English\"\nmsgstr \"Français\"\n\n"
    "msgid \"Dear {{name}},\"\nmsgstr \"Bonjour {{name}},\"\n\n"
    "msgid \"{{days}} day late\"\nmsgid_plural \"{{days}} days late\"\n"
    "msgstr[0] \"{{days}} jour de retard\"\nmsgstr[1] \"{{days}} jours de retard\"\n";

static int
setup(void **state)
{
	struct dirs	*d = calloc(1, sizeof(*d));

	assert_non_null(d);
	(void)snprintf(d->tpl, sizeof(d->tpl), "/tmp/test_i18n.XXXXXX");
	assert_non_null(mkdtemp(d->tpl));
	(void)snprintf(d->po, sizeof(d->po), "%s/po", d->tpl);
	assert_int_equal(mkdir(d->po, 0700), 0);
	put(d->tpl, "page.mustache", page);
	put(d->tpl, "lang_name.mustache", "{{#t}}English{{/t}}");
	put(d->po, "es.po", es_po);
	put(d->po, "fr.po", fr_po);
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dirs	*d = *state;
	char		 path[256];

	(void)snprintf(path, sizeof(path), "%s/es.po", d->po); (void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/fr.po", d->po); (void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/xx.po", d->po); (void)unlink(path);
	(void)rmdir(d->po);
	(void)snprintf(path, sizeof(path), "%s/page.mustache", d->tpl); (void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/lang_name.mustache", d->tpl); (void)unlink(path);
	(void)rmdir(d->tpl);
	free(d);
	return 0;
}

/* Renders page in lang for name and days. */
static void
render_is(const struct i18n_lang *lang, long days, const char *want)
{
	struct arena		*a = arena_new();
	struct view		*v = view_map(a);
	struct mustache_error	 err;
	struct buf		 out;

	buf_init(&out, 0);
	view_set_str(v, "name", "Ana");
	view_set_int(v, "days", days);
	if (mustache_render(lang->templates, "page", v, MUSTACHE_HTML, &out, &err) == -1)
		fail_msg("%s: %s", lang->tag, err.message);
	assert_string_equal(buf_str(&out), want);
	buf_free(&out);
	arena_free(a);
}

static void
test_i18n_load_languages(void **state)
{
	struct dirs		*d = *state;
	struct i18n		*i18n = NULL;
	struct mustache_error	 err;
	const struct i18n_lang	*en, *es, *fr;

	if (i18n_load(d->tpl, d->po, &i18n, &err) == -1)
		fail_msg("%s:%u: %s", err.template, err.line, err.message);
	assert_int_equal(i18n_count(i18n), 3);
	en = i18n_source(i18n);
	es = i18n_find(i18n, "es");
	fr = i18n_find(i18n, "fr");
	assert_non_null(es);
	assert_non_null(fr);
	assert_string_equal(en->name, "English");
	assert_string_equal(es->name, "Español");
	assert_string_equal(fr->name, "Français");
	render_is(en, 1, "<p>Dear Ana, 1 day late</p>");
	render_is(en, 0, "<p>Dear Ana, 0 days late</p>");
	render_is(es, 2, "<p>Estimado/a Ana: 2 días de retraso</p>");
	render_is(es, 0, "<p>Estimado/a Ana: 0 días de retraso</p>");
	render_is(fr, 0, "<p>Bonjour Ana, 0 jour de retard</p>");
	render_is(fr, 1, "<p>Bonjour Ana, 1 jour de retard</p>");
	render_is(fr, 2, "<p>Bonjour Ana, 2 jours de retard</p>");
	i18n_free(i18n);
}

static void
test_i18n_find_and_accept(void **state)
{
	struct dirs		*d = *state;
	struct i18n		*i18n = NULL;
	struct mustache_error	 err;
	const struct i18n_lang	*en, *es, *fr;

	assert_int_equal(i18n_load(d->tpl, d->po, &i18n, &err), 0);
	en = i18n_source(i18n);
	es = i18n_find(i18n, "es");
	fr = i18n_find(i18n, "fr");
	assert_ptr_equal(i18n_find(i18n, "es-MX"), es);
	assert_ptr_equal(i18n_find(i18n, "FR"), fr);
	assert_ptr_equal(i18n_find(i18n, "fr_CA"), fr);
	assert_null(i18n_find(i18n, "de"));
	assert_null(i18n_find(i18n, "e"));
	assert_null(i18n_find(i18n, "<script>"));
	assert_null(i18n_find(i18n, ""));
	assert_null(i18n_find(i18n, NULL));
	assert_ptr_equal(i18n_accept(i18n, NULL), en);
	assert_ptr_equal(i18n_accept(i18n, ""), en);
	assert_ptr_equal(i18n_accept(i18n, "es"), es);
	assert_ptr_equal(i18n_accept(i18n, "de-DE,de;q=0.9,fr;q=0.8,es;q=0.7"), fr);
	assert_ptr_equal(i18n_accept(i18n, "en;q=0.5, es-ES;q=0.9"), es);
	assert_ptr_equal(i18n_accept(i18n, "fr;q=0, es;q=0.1"), es);
	assert_ptr_equal(i18n_accept(i18n, "fr;q=0"), en);
	assert_ptr_equal(i18n_accept(i18n, "fr;q=2, es;q=abc"), en);	/* junk q */
	assert_ptr_equal(i18n_accept(i18n, "*"), en);
	assert_ptr_equal(i18n_accept(i18n, ",,;;==,es"), es);
	assert_ptr_equal(i18n_accept(i18n, "es;q=0.500, fr;q=0.5"), es);	/* tie */
	i18n_free(i18n);
}

/* Loading fails, naming the template and what is wrong, for catalog cat. */
static void
load_fails(struct dirs *d, const char *cat, const char *why)
{
	struct i18n		*i18n = (struct i18n *)1;
	struct mustache_error	 err;

	put(d->po, "xx.po", cat);
	if (i18n_load(d->tpl, d->po, &i18n, &err) != -1)
		fail_msg("loaded a catalog with %s", why);
	assert_null(i18n);
	if (strstr(err.message, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.message, why);
}

#define XX_HEAD "msgid \"\"\nmsgstr \"\"\n\"Language: xx\\n\"\n" \
    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n\n"
#define XX_NAME "msgid \"English\"\nmsgstr \"Xx\"\n\n"
#define XX_PLURAL "msgid \"{{days}} day late\"\nmsgid_plural \"{{days}} days late\"\n" \
    "msgstr[0] \"{{days}} x\"\nmsgstr[1] \"{{days}} xs\"\n\n"

static void
test_i18n_load_incomplete(void **state)
{
	struct dirs	*d = *state;

	load_fails(d, XX_HEAD XX_NAME XX_PLURAL, "no translation");
	load_fails(d, XX_HEAD XX_NAME XX_PLURAL "msgid \"Dear {{name}},\"\nmsgstr \"\"\n",
	    "an empty translation");
	load_fails(d, XX_HEAD XX_NAME XX_PLURAL "#, fuzzy\nmsgid \"Dear {{name}},\"\n"
	    "msgstr \"X {{name}}\"\n", "fuzzy");
	load_fails(d, XX_HEAD XX_NAME XX_PLURAL "msgid \"Dear {{name}},\"\n"
	    "msgstr \"X {{nom}}\"\n", "differ from the source");
	load_fails(d, XX_HEAD XX_NAME "msgid \"Dear {{name}},\"\nmsgstr \"X {{name}}\"\n\n"
	    "msgid \"{{days}} day late\"\nmsgid_plural \"{{days}} days late\"\n"
	    "msgstr[0] \"{{days}} x\"\n", "one msgstr per");
	load_fails(d, "msgid \"\"\nmsgstr \"\"\n\"Language: xx\\n\"\n\n" XX_NAME,
	    "Plural-Forms");
	load_fails(d, "msgid \"\"\nmsgstr \"\"\n\"Language: es\\n\"\n"
	    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n", "Language: xx");
	load_fails(d, XX_HEAD "msgid \"a\"\nmsgstr", "quoted string");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i18n_next_messages),
		cmocka_unit_test(test_i18n_next_reject),
		cmocka_unit_test(test_i18n_next_not_marks),
		cmocka_unit_test(test_i18n_same_tags),
		cmocka_unit_test_setup_teardown(test_i18n_load_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_i18n_find_and_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_i18n_load_incomplete, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
