#ifndef PORTAL_MUSTACHE_H
#define PORTAL_MUSTACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Mustache templates (https://mustache.github.io/mustache.5.html): the
 * official spec's interpolation, sections, inverted sections, comments, set
 * delimiters, partials, template inheritance (parents and blocks) and
 * dynamic names; no lambdas.
 *
 * Templates are compiled once into a set (at start-up) and rendered many
 * times. A compiled set is read-only: any number of renders may use it at
 * once. Rendering appends to a struct buf and allocates nothing else.
 */
struct buf;
struct mustache_error;
struct view;

/* Limits; exceeding one is an error with its own code. */
#define MUSTACHE_MAX_SIZE		(512u * 1024)	/* bytes of one template */
#define MUSTACHE_MAX_TAG		256u	/* bytes between the delimiters of a tag */
#define MUSTACHE_MAX_DELIM		16u	/* bytes of a set delimiter */
#define MUSTACHE_MAX_DEPTH		64u	/* nesting of sections, parents, blocks */
#define MUSTACHE_MAX_PARTIAL_DEPTH	32u	/* nesting of partials, parents, blocks at render */
#define MUSTACHE_MAX_CONTEXT		256u	/* context stack entries at render */
#define MUSTACHE_MAX_STEPS		(1u << 24) /* ops executed by one render */
#define MUSTACHE_MAX_NAME		127u	/* bytes of a template name */
#define MUSTACHE_MAX_TEMPLATES		4096u	/* templates in one set */
#define MUSTACHE_MAX_DIR_DEPTH		16u	/* directory levels below load_dir's dir */

/* Why a call failed; err->code. */
enum mustache_code {
	MUSTACHE_OK,
	MUSTACHE_ENOMEM,		/* out of memory */
	MUSTACHE_EIO,			/* load_dir: cannot read a file or directory */
	MUSTACHE_ENAME,			/* bad template name (empty, too long, NUL) */
	MUSTACHE_EDUPLICATE,		/* a template of that name is already in the set */
	MUSTACHE_ETOO_MANY,		/* more than MUSTACHE_MAX_TEMPLATES */
	MUSTACHE_ESIZE,			/* template over MUSTACHE_MAX_SIZE */
	MUSTACHE_EUNCLOSED_TAG,		/* "{{" without its closing delimiter */
	MUSTACHE_ETAG_TOO_LONG,		/* tag over MUSTACHE_MAX_TAG */
	MUSTACHE_EEMPTY_NAME,		/* "{{}}", "{{#}}", ... */
	MUSTACHE_EBAD_NAME,		/* whitespace inside a tag name */
	MUSTACHE_EBAD_DELIM,		/* malformed set-delimiter tag */
	MUSTACHE_EUNCLOSED_SECTION,	/* section, parent or block never closed */
	MUSTACHE_EMISMATCH,		/* close tag names another section */
	MUSTACHE_ECLOSE_WITHOUT_OPEN,	/* close tag with nothing open */
	MUSTACHE_EDEPTH,		/* nesting over MUSTACHE_MAX_DEPTH */
	MUSTACHE_EUNKNOWN_PARTIAL,	/* check: {{>x}} or {{<x}} names no template */
	MUSTACHE_EUNKNOWN_TEMPLATE,	/* render: no template of that name */
	MUSTACHE_EPARTIAL_DEPTH,	/* render: over MUSTACHE_MAX_PARTIAL_DEPTH */
	MUSTACHE_ECONTEXT,		/* render: over MUSTACHE_MAX_CONTEXT */
	MUSTACHE_EOUTPUT,		/* render: the output buffer failed (cap or memory) */
	MUSTACHE_ESTEPS,		/* render: over MUSTACHE_MAX_STEPS (runaway loops) */
	MUSTACHE__MAX
};

struct mustache_set;		/* a set of named, compiled templates */

/*
 * Where and why a call failed. line and column are 1-based (column counts
 * bytes); both are 0 when the error has no position in a template text.
 */
struct mustache_error {
	char		 template[128];
	unsigned	 line, column;
	char		 message[192];
	enum mustache_code code;
};

/*
 * Plural sections: {{#n|K}}...{{/n|K}} (K one digit) renders its body,
 * without changing the context, when the set's plural rule gives form K
 * for the integer n (missing or not an integer: 0). The rule returns the
 * form for |n|; without one, form 1 unless n is 1 (English).
 */
typedef unsigned (*mustache_plural_fn)(int64_t n, const void *arg);
/*
 * A load_dir filter: given a template's name and text, appends the text to
 * compile to out (bounded by MUSTACHE_MAX_SIZE); 0, or -1 with err filled.
 */
typedef int (*mustache_filter_fn)(void *arg, const char *name,
    const char *text, size_t len, struct buf *out, struct mustache_error *err);

/* TEXT: {{x}} is not escaped (plain-text emails). */
enum mustache_escape { MUSTACHE_HTML, MUSTACHE_TEXT };

/* A new empty set; NULL on out of memory; free with mustache_set_free(). */
struct mustache_set *mustache_set_new(void);
/* Frees the set and every template in it; NULL is a no-op. */
void mustache_set_free(struct mustache_set *set);
/*
 * Compiles text (len bytes, copied) under name (e.g. "invoice",
 * "mail/plan_confirm"); 0, or -1 with err filled (template name, 1-based
 * line and column, message). The set is unchanged on failure.
 */
int mustache_set_add(struct mustache_set *set, const char *name,
    const char *text, size_t len, struct mustache_error *err);
/*
 * Compiles every *.mustache file below dir recursively (hidden entries
 * skipped); name = path relative to dir without ".mustache". 0 or -1.
 */
int mustache_set_load_dir(struct mustache_set *set, const char *dir,
    struct mustache_error *err);
/* load_dir, passing each file's text through filter before compiling it. */
int mustache_set_load_dir_filtered(struct mustache_set *set, const char *dir,
    mustache_filter_fn filter, void *arg, struct mustache_error *err);
/* Sets the plural rule (and its argument, borrowed) of the set's renders. */
void mustache_set_plural(struct mustache_set *set, mustache_plural_fn rule,
    const void *arg);
/*
 * 0 when every static partial {{>x}} and parent {{<x}} names a template in
 * the set; -1 with err naming the referring template, line and column.
 */
int mustache_set_check(const struct mustache_set *set,
    struct mustache_error *err);
/* True when the set holds a template called name. */
bool mustache_set_has(const struct mustache_set *set, const char *name);
/*
 * Renders template name with data (may be NULL) appended to out; 0 or -1
 * (err filled: unknown template, depth limit, output cap). On failure out
 * holds partial output; discard it.
 */
int mustache_render(const struct mustache_set *set, const char *name,
    const struct view *data, enum mustache_escape esc, struct buf *out,
    struct mustache_error *err);
/* A static description of code, e.g. "unclosed section". */
const char *mustache_strerror(enum mustache_code code);

#endif
