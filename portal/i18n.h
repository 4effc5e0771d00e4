#ifndef PORTAL_I18N_H
#define PORTAL_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "plural.h"

/*
 * Languages. Templates mark translatable text once, shared by every
 * language:
 *
 *   {{#t}}Invoice {{number}}{{/t}}                      a message
 *   {{#t days}}{{days}} day late{{|}}{{days}} days late{{/t}}
 *                                 a message with a plural, chosen by the
 *                                 integer days (singular, then plural)
 *   {{!t: a note for translators}}  travels to the catalog (#.) with the
 *                                 next message
 *
 * At start-up i18n_load() compiles one template set per language: English
 * (the source text, as written) and one per po/LANG.po, made by replacing
 * every marked message with its translation before compiling. A plural
 * becomes one plural section per form ({{#days|0}}...{{/days|0}}...), which
 * the set's rule (the catalog's Plural-Forms) selects at render time. A
 * missing, fuzzy or empty translation, or one whose {{tags}} or <html>
 * tags differ from the source, stops loading with the template, line and
 * message at fault. Rendering looks nothing up.
 */
struct buf;
struct mustache_error;
struct mustache_set;
struct po;

#define I18N_MAX_LANGS	16
#define I18N_TAG_MAX	16	/* bytes of a language tag with its NUL */
#define I18N_SOURCE	"en"	/* the language templates are written in */

struct i18n_lang {
	char			 tag[I18N_TAG_MAX];	/* "es" */
	char			 name[64];	/* in itself: "Español" */
	struct po		*po;		/* NULL for the source */
	struct plural		 plural;
	struct mustache_set	*templates;
};

struct i18n;

/* One marked message found in a template text. */
struct i18n_msg {
	const char	*id;		/* the singular (or only) text */
	size_t		 idlen;
	const char	*plural;	/* NULL, or the plural text */
	size_t		 plen;
	const char	*count;		/* the plural's integer variable */
	size_t		 clen;
	const char	*comment;	/* NULL, or the {{!t: ...}} before it */
	size_t		 comlen;
	size_t		 start, end;	/* the whole mark, tags included */
	unsigned	 line, column;	/* of its {{#t */
};

/*
 * The next message of text at or after *pos: 1 (and *pos moved past it), 0
 * at the end, -1 with a message in err (a stray {{/t}} or {{|}}, a nested
 * or unclosed mark, an empty message, a plural without {{|}}...).
 */
int i18n_next(const char *text, size_t len, size_t *pos, struct i18n_msg *m,
    char *err, size_t errsz);
/*
 * True when a and b hold the same {{mustache}} tags and <html> tags, each
 * as often, in any order: a translation may move them, never change them.
 */
bool i18n_same_tags(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Loads the templates of dir in English and in every language of po_dir
 * (po_dir may be NULL or missing: English only); 0 and *out (free with
 * i18n_free), or -1 with err filled.
 */
int i18n_load(const char *dir, const char *po_dir, struct i18n **out,
    struct mustache_error *err);
/* Frees everything i18n_load made; NULL is a no-op. */
void i18n_free(struct i18n *i18n);
/* Number of languages (the source first) and language i. */
size_t i18n_count(const struct i18n *i18n);
const struct i18n_lang *i18n_at(const struct i18n *i18n, size_t i);
/* The source language (English). */
const struct i18n_lang *i18n_source(const struct i18n *i18n);
/*
 * The language for tag ("es", "es-MX", "ES"): an exact match, else its
 * primary subtag; NULL for NULL, junk or an unsupported language.
 */
const struct i18n_lang *i18n_find(const struct i18n *i18n, const char *tag);
/*
 * The language an Accept-Language header prefers among ours (highest q,
 * then the earlier one; q=0 refuses); the source for NULL, junk or none.
 */
const struct i18n_lang *i18n_accept(const struct i18n *i18n,
    const char *header);
/*
 * The template text translated for lang (NULL or a language without a
 * catalog: the source text)
 * appended to out; 0, or -1 with err naming template name, line, column.
 */
int i18n_translate(const struct i18n_lang *lang, const char *name,
    const char *text, size_t len, struct buf *out, struct mustache_error *err);

#endif
