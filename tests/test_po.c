#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "po.h"

static const char sample[] =
    "# A catalog.\n"
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Language: fr\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n"
    "\n"
    "#: templates/invoice.mustache:4\n"
    "msgid \"Invoice {{number}}\"\n"
    "msgstr \"Facture {{number}}\"\n"
    "\n"
    "msgid \"\"\n"
    "\"Two \"\n"
    "\"lines\\n\"\n"
    "msgstr \"Deux \\\"lignes\\\"\\n\"\n"
    "\"\\tet \\\\ plus\"\n"
    "\n"
    "msgctxt \"month\"\n"
    "msgid \"May\"\n"
    "msgstr \"mai\"\n"
    "\n"
    "#, fuzzy\n"
    "msgid \"{{n}} day\"\n"
    "msgid_plural \"{{n}} days\"\n"
    "msgstr[0] \"{{n}} jour\"\n"
    "msgstr[1] \"{{n}} jours\"\n"
    "\n"
    "#~ msgid \"Old\"\n"
    "#~ msgstr \"Vieux\"\n";

static struct po *
parse(const char *text)
{
	struct po	*po = NULL;
	char		 err[160];

	if (po_parse(text, strlen(text), &po, err, sizeof(err)) == -1)
		fail_msg("refused: %s", err);
	return po;
}

/* Refused with a message naming line. */
static void
refused(const char *text, unsigned line)
{
	struct po	*po = (struct po *)1;
	char		 err[160] = "", want[32];

	if (po_parse(text, strlen(text), &po, err, sizeof(err)) != -1)
		fail_msg("accepted:\n%s", text);
	assert_null(po);
	(void)snprintf(want, sizeof(want), "line %u:", line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", err, want);
}

static void
test_po_entries(void **state)
{
	struct po		*po = parse(sample);
	const struct po_entry	*e;

	(void)state;
	assert_int_equal(po_count(po), 4);
	e = po_find(po, NULL, "Invoice {{number}}");
	assert_non_null(e);
	assert_string_equal(e->str[0], "Facture {{number}}");
	assert_int_equal(e->nstr, 1);
	assert_int_equal(e->line, 8);
	assert_false(e->fuzzy);
	e = po_find(po, NULL, "Two lines\n");
	assert_non_null(e);
	assert_string_equal(e->str[0], "Deux \"lignes\"\n\tet \\ plus");
	assert_null(po_find(po, NULL, "May"));
	e = po_find(po, "month", "May");
	assert_non_null(e);
	assert_string_equal(e->str[0], "mai");
	e = po_find(po, NULL, "{{n}} day");
	assert_non_null(e);
	assert_true(e->fuzzy);
	assert_string_equal(e->id_plural, "{{n}} days");
	assert_int_equal(e->nstr, 2);
	assert_string_equal(e->str[1], "{{n}} jours");
	assert_null(po_find(po, NULL, "Old"));		/* obsolete */
	assert_null(po_find(po, NULL, ""));		/* the header */
	po_free(po);
}

static void
test_po_header(void **state)
{
	struct po	*po = parse(sample);
	char		 v[64];

	(void)state;
	assert_int_equal(po_header(po, "Language", v, sizeof(v)), 0);
	assert_string_equal(v, "fr");
	assert_int_equal(po_header(po, "Plural-Forms", v, sizeof(v)), 0);
	assert_string_equal(v, "nplurals=2; plural=(n > 1);");
	assert_int_equal(po_header(po, "Plural", v, sizeof(v)), -1);
	assert_int_equal(po_header(po, "Language", v, 2), -1);	/* too small */
	po_free(po);
}

static void
test_po_reject(void **state)
{
	(void)state;
	refused("msgid \"a\"\n", 1);				/* no msgstr */
	refused("msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n", 3);
	refused("msgid \"a\"\nmsgstr b\n", 2);			/* unquoted */
	refused("msgid \"a\\q\"\nmsgstr \"b\"\n", 1);		/* bad escape */
	refused("msgid \"a\"\nmsgstr \"b\" \"c\"\n", 2);	/* two strings */
	refused("msgid \"a\"\nmsgstr \"b\\\"\n", 2);		/* ends in \ */
	refused("\"a\"\n", 1);					/* no keyword */
	refused("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr \"b\"\n", 3);
	refused("msgid \"a\"\nmsgstr[0] \"b\"\n", 2);		/* no plural */
	refused("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[1] \"b\"\n", 3);
	refused("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"\nmsgstr[2] \"c\"\n", 4);
	refused("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[7] \"b\"\n", 3);
	refused("msgstr \"b\"\n", 1);
	refused("msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n", 4);
	refused("msgid \"\"\nmsgstr \"h\"\n\nmsgid \"\"\nmsgstr \"h\"\n", 4);
	refused("msgfoo \"a\"\n", 1);
	refused("msgid \"\xff\"\nmsgstr \"b\"\n", 1);		/* not UTF-8 */
}

/* A NUL byte is refused even where a C string would stop. */
static void
test_po_nul(void **state)
{
	static const char text[] = "msgid \"a\"\nmsgstr \"b\0c\"\n";
	struct po	*po = NULL;
	char		 err[160];

	(void)state;
	assert_int_equal(po_parse(text, sizeof(text) - 1, &po, err, sizeof(err)), -1);
	assert_null(po);
}

/* CRLF files (a translator's editor) read like LF ones. */
static void
test_po_crlf(void **state)
{
	struct po	*po = parse("msgid \"a\"\r\nmsgstr \"b\"\r\n\r\nmsgid \"c\"\r\nmsgstr \"d\"\r\n");

	(void)state;
	assert_int_equal(po_count(po), 2);
	assert_string_equal(po_find(po, NULL, "c")->str[0], "d");
	po_free(po);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_po_entries),
		cmocka_unit_test(test_po_header),
		cmocka_unit_test(test_po_reject),
		cmocka_unit_test(test_po_nul),
		cmocka_unit_test(test_po_crlf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
