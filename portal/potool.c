/*
 * settle-po: the catalog workflow around templates/ and po/ (README.md,
 * docs/TRANSLATING.md).
 *   settle-po extract TEMPLATES          the messages as a PO template (stdout)
 *   settle-po check TEMPLATES PO_DIR     PO_DIR/settle.pot is current, and every catalog
 *                                        (PO_DIR, name.po) translates every message
 *   settle-po pseudo POT TAG             a pseudo-language catalog (stdout)
 * Exit status 0 when all is well, 1 with each problem on stderr.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "mustache.h"
#include "po.h"
#include "utf8.h"

#define MAX_MESSAGES	5000

struct message {
	char		*id, *plural, *comment;
	char		 where[192];	/* "templates/x.mustache:12" */
	const char	*name;
	unsigned	 line;
	struct buf	 refs;		/* every "#: ..." line */
};

struct extract {
	const char	*dir;
	struct message	 m[MAX_MESSAGES];
	size_t		 n;
	int		 problems;
};

static char *
dup(const char *s, size_t n)
{
	char	*p = s != NULL ? strndup(s, n) : NULL;

	if (s != NULL && p == NULL) {
		fprintf(stderr, "settle-po: out of memory\n");
		exit(1);
	}
	return p;
}

static struct message *
find(struct extract *x, const struct i18n_msg *im)
{
	size_t	i;

	for (i = 0; i < x->n; i++)
		if (strlen(x->m[i].id) == im->idlen &&
		    memcmp(x->m[i].id, im->id, im->idlen) == 0)
			return &x->m[i];
	return NULL;
}

/* Records one message of template name (a repeat adds a reference). */
static int
record(struct extract *x, const char *name, const struct i18n_msg *im,
    struct mustache_error *err)
{
	struct message	*m = find(x, im);
	char		 ref[192], file[192], line[200];

	/*
	 * References name the project's directory, wherever it was read. The
	 * catalogs' "#:" lines carry the file only: with line numbers every
	 * edit of a template would rewrite the references of every message
	 * below it in the POT and in each PO file, and two branches touching
	 * one template would conflict on lines nobody translated. Messages
	 * still name their line in errors (where).
	 */
	(void)snprintf(ref, sizeof(ref), "templates/%s.mustache:%u", name,
	    im->line);
	(void)snprintf(file, sizeof(file), "templates/%s.mustache", name);
	(void)snprintf(line, sizeof(line), "#: %s\n", file);
	if (m != NULL) {
		if ((m->plural == NULL) != (im->plural == NULL) || (m->plural &&
		    (strlen(m->plural) != im->plen ||
		    memcmp(m->plural, im->plural, im->plen) != 0))) {
			fprintf(stderr, "%s: the same message with a different "
			    "plural at %s\n", ref, m->where);
			x->problems++;
		}
		if (strstr(buf_str(&m->refs), line) == NULL)
			(void)buf_puts(&m->refs, line);
		return 0;
	}
	if (x->n == MAX_MESSAGES) {
		(void)snprintf(err->message, sizeof(err->message), "more than "
		    "%d messages", MAX_MESSAGES);
		return -1;
	}
	m = &x->m[x->n++];
	m->id = dup(im->id, im->idlen);
	m->plural = dup(im->plural, im->plen);
	m->comment = dup(im->comment, im->comlen);
	(void)snprintf(m->where, sizeof(m->where), "%s", ref);
	buf_init(&m->refs, 0);
	(void)buf_puts(&m->refs, line);
	if (im->plural != NULL && !i18n_same_tags(im->id, im->idlen, im->plural,
	    im->plen)) {
		fprintf(stderr, "%s: the singular and plural have different "
		    "{{tags}} or <tags>\n", ref);
		x->problems++;
	}
	return 0;
}

/* The load_dir filter of extraction: records, then compiles the source. */
static int
collect(void *arg, const char *name, const char *text, size_t len,
    struct buf *out, struct mustache_error *err)
{
	struct extract	*x = arg;
	struct i18n_msg	 im;
	size_t		 pos = 0;
	int		 r;

	while ((r = i18n_next(text, len, &pos, &im, err->message,
	    sizeof(err->message))) == 1)
		if (record(x, name, &im, err) == -1)
			return -1;
	if (r == -1) {
		(void)snprintf(err->template, sizeof(err->template), "%s", name);
		return -1;
	}
	return i18n_translate(NULL, name, text, len, out, err);
}

static int
where_cmp(const void *a, const void *b)
{
	const struct message	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Reads every template of dir into x, in file and line order. */
static int
extract(struct extract *x, const char *dir)
{
	struct mustache_set	*set;
	struct mustache_error	 err;
	size_t			 i;
	char			*colon;

	memset(&err, 0, sizeof(err));
	x->dir = dir;
	if ((set = mustache_set_new()) == NULL)
		return -1;
	if (mustache_set_load_dir_filtered(set, dir, collect, x, &err) == -1) {
		fprintf(stderr, "%s/%s.mustache: %s\n", dir, err.template,
		    err.message);
		mustache_set_free(set);
		return -1;
	}
	mustache_set_free(set);
	for (i = 0; i < x->n; i++) {
		colon = strrchr(x->m[i].where, ':');
		x->m[i].line = (unsigned)atoi(colon + 1);
		*colon = '\0';
		x->m[i].name = x->m[i].where;
	}
	qsort(x->m, x->n, sizeof(x->m[0]), where_cmp);
	return x->problems > 0 ? -1 : 0;
}

/* A PO string: quoted and escaped, split after each line break. */
static void
put_string(struct buf *o, const char *kw, const char *s)
{
	const char	*nl = strchr(s, '\n');

	(void)buf_printf(o, "%s ", kw);
	if (nl != NULL && nl[1] != '\0')
		(void)buf_puts(o, "\"\"\n");
	(void)buf_putc(o, '"');
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"': (void)buf_puts(o, "\\\""); break;
		case '\\': (void)buf_puts(o, "\\\\"); break;
		case '\t': (void)buf_puts(o, "\\t"); break;
		case '\n':
			(void)buf_puts(o, "\\n");
			if (s[1] != '\0')
				(void)buf_puts(o, "\"\n\"");
			break;
		default: (void)buf_putc(o, *s); break;
		}
	}
	(void)buf_puts(o, "\"\n");
}

static const char pot_header[] =
    "# The messages of Settle's templates, for translators.\n"
    "# Made by `build/settle-po extract templates`: do not edit, run `make po`.\n"
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Project-Id-Version: settle\\n\"\n"
    "\"Language: \\n\"\n"
    "\"MIME-Version: 1.0\\n\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Content-Transfer-Encoding: 8bit\\n\"\n"
    "\"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n\"\n";

/* The template of every message, as `make po` writes po/settle.pot. */
static void
write_pot(const struct extract *x, struct buf *o)
{
	size_t	i;

	(void)buf_puts(o, pot_header);
	for (i = 0; i < x->n; i++) {
		(void)buf_putc(o, '\n');
		if (x->m[i].comment != NULL && x->m[i].comment[0] != '\0')
			(void)buf_printf(o, "#. %s\n", x->m[i].comment);
		(void)buf_puts(o, buf_str(&x->m[i].refs));
		put_string(o, "msgid", x->m[i].id);
		if (x->m[i].plural != NULL) {
			put_string(o, "msgid_plural", x->m[i].plural);
			(void)buf_puts(o, "msgstr[0] \"\"\nmsgstr[1] \"\"\n");
		} else
			(void)buf_puts(o, "msgstr \"\"\n");
	}
}

static char *
slurp(const char *path, size_t *len)
{
	FILE		*f = fopen(path, "re");
	struct buf	 b;
	char		 chunk[8192], *p;
	size_t		 n;

	if (f == NULL)
		return NULL;
	buf_init(&b, PO_MAX_FILE);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		(void)buf_append(&b, chunk, n);
	if (ferror(f) || buf_failed(&b)) {
		(void)fclose(f);
		buf_free(&b);
		return NULL;
	}
	(void)fclose(f);
	*len = b.len;
	p = dup(buf_str(&b), b.len);
	buf_free(&b);
	return p;
}

static int
problem(const char *file, unsigned line, const char *what, const char *id)
{
	fprintf(stderr, "%s:%u: %s: \"%.60s\"\n", file, line, what, id);
	return 1;
}

/* Checks one translation of message m in entry e (lang has nplurals). */
static int
check_entry(const char *file, const struct message *m,
    const struct po_entry *e, unsigned nplurals)
{
	unsigned	i;
	int		bad = 0;

	if (e->fuzzy)
		return problem(file, e->line, "fuzzy (review it, then remove "
		    "the fuzzy flag)", m->id);
	if ((m->plural != NULL) != (e->id_plural != NULL) ||
	    (m->plural && strcmp(m->plural, e->id_plural) != 0))
		return problem(file, e->line, "its plural differs from the "
		    "template's (run make po)", m->id);
	if (e->nstr != (m->plural ? nplurals : 1))
		return problem(file, e->line, "not one msgstr per plural form",
		    m->id);
	for (i = 0; i < e->nstr; i++) {
		if (e->str[i][0] == '\0')
			bad |= problem(file, e->line, "untranslated (empty msgstr)",
			    m->id);
		else if (!i18n_same_tags(m->id, strlen(m->id), e->str[i],
		    strlen(e->str[i])))
			bad |= problem(file, e->line, "the translation's {{tags}} "
			    "or <tags> differ from the source", m->id);
	}
	return bad;
}

/* Checks the catalog po_dir/file against the extracted messages. */
static int
check_catalog(const struct extract *x, const char *po_dir, const char *file)
{
	char			 path[4096], err[160], forms[300];
	const struct po_entry	*e;
	struct plural		 pl;
	struct po		*po = NULL;
	char			*text;
	size_t			 len = 0, i, k;
	int			 bad = 0;

	(void)snprintf(path, sizeof(path), "%s/%s", po_dir, file);
	if ((text = slurp(path, &len)) == NULL)
		return problem(path, 0, "cannot read", "");
	if (po_parse(text, len, &po, err, sizeof(err)) == -1) {
		free(text);
		return problem(path, 0, err, "");
	}
	free(text);
	if (po_header(po, "Plural-Forms", forms, sizeof(forms)) == -1 ||
	    plural_parse(&pl, forms, err, sizeof(err)) == -1)
		bad = problem(path, 1, "no valid Plural-Forms header", forms);
	for (i = 0; i < x->n && !bad; i++) {
		if ((e = po_find(po, NULL, x->m[i].id)) == NULL)
			bad |= problem(path, 0, "missing (run make po)", x->m[i].id);
		else
			bad |= check_entry(path, &x->m[i], e, pl.nplurals);
	}
	for (k = 0; k < po_count(po); k++) {
		e = po_at(po, k);
		for (i = 0; i < x->n && strcmp(x->m[i].id, e->id) != 0; i++)
			continue;
		if (i == x->n)
			bad |= problem(path, e->line, "not in the templates "
			    "(run make po)", e->id);
	}
	po_free(po);
	if (!bad)
		printf("%s: %zu messages, all translated\n", path, x->n);
	return bad;
}

/* Checks every *.po of po_dir. */
static int
check_dir(const struct extract *x, const char *po_dir)
{
	DIR		*d = opendir(po_dir);
	struct dirent	*de;
	size_t		 n;
	int		 bad = 0, seen = 0;

	if (d == NULL)
		return problem(po_dir, 0, "cannot open", "");
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 4 || strcmp(de->d_name + n - 3, ".po"))
			continue;
		seen++;
		bad |= check_catalog(x, po_dir, de->d_name);
	}
	(void)closedir(d);
	return bad || seen == 0 ? 1 : 0;
}

/* check: the POT is what extraction makes, each catalog complete, all load. */
static int
cmd_check(const char *dir, const char *po_dir)
{
	struct extract		*x = calloc(1, sizeof(*x));
	struct mustache_error	 err;
	struct i18n		*i18n = NULL;
	struct buf		 pot;
	char			 path[4096], *have;
	size_t			 len = 0, i;
	int			 bad = 0;

	if (x == NULL || extract(x, dir) == -1)
		return 1;
	buf_init(&pot, 0);
	write_pot(x, &pot);
	(void)snprintf(path, sizeof(path), "%s/settle.pot", po_dir);
	if ((have = slurp(path, &len)) == NULL || len != pot.len ||
	    memcmp(have, pot.data, len) != 0)
		bad |= problem(path, 0, "out of date with the templates (run "
		    "make po)", "");
	free(have);
	buf_free(&pot);
	bad |= check_dir(x, po_dir);
	if (!bad && i18n_load(dir, po_dir, &i18n, &err) == -1)
		bad |= problem(err.template, err.line, err.message, "");
	for (i = 0; i18n != NULL && i < i18n_count(i18n); i++)
		printf("%s (%s): every template compiles\n",
		    i18n_at(i18n, i)->tag, i18n_at(i18n, i)->name);
	i18n_free(i18n);
	return bad;
}

static int
cmd_extract(const char *dir)
{
	struct extract	*x = calloc(1, sizeof(*x));
	struct buf	 pot;
	int		 rc;

	if (x == NULL || extract(x, dir) == -1)
		return 1;
	buf_init(&pot, 0);
	write_pot(x, &pot);
	rc = buf_failed(&pot) || fwrite(pot.data, 1, pot.len, stdout) != pot.len;
	buf_free(&pot);
	return rc;
}

/*
 * A pseudo-translation: every letter outside {{tags}}, <tags> and &entities;
 * becomes an accented look-alike, so no English word survives and text
 * that escaped its mark stands out on a page.
 */
static void
pseudo(struct buf *o, const char *s)
{
	static const char *const lower[26] = { "á", "b", "ç", "d", "é", "f",
	    "g", "h", "í", "j", "k", "ł", "m", "ñ", "ó", "p", "q", "ř", "š",
	    "t", "ú", "v", "w", "x", "ý", "ž" };
	static const char *const upper[26] = { "Á", "B", "Ç", "D", "É", "F",
	    "G", "H", "Í", "J", "K", "Ł", "M", "Ñ", "Ó", "P", "Q", "Ř", "Š",
	    "T", "Ú", "V", "W", "X", "Ý", "Ž" };
	const char	*e;

	while (*s != '\0') {
		e = NULL;
		if (s[0] == '{' && s[1] == '{')
			e = strstr(s, "}}");
		else if (s[0] == '<' && (s[1] == '/' || (s[1] >= 'a' && s[1] <= 'z')))
			e = strchr(s, '>');
		else if (s[0] == '&' && strchr(s, ';') != NULL &&
		    strcspn(s, "; ") == (size_t)(strchr(s, ';') - s))
			e = strchr(s, ';');
		if (e != NULL) {
			(void)buf_append(o, s, (size_t)(e - s) + (s[0] == '{' ? 2 : 1));
			s = e + (s[0] == '{' ? 2 : 1);
			continue;
		}
		if (*s >= 'a' && *s <= 'z')
			(void)buf_puts(o, lower[*s - 'a']);
		else if (*s >= 'A' && *s <= 'Z')
			(void)buf_puts(o, upper[*s - 'A']);
		else
			(void)buf_putc(o, *s);
		s++;
	}
}

/* pseudo: a catalog for tag whose every message is pseudo-translated. */
static int
cmd_pseudo(const char *pot_path, const char *tag)
{
	const struct po_entry	*e;
	struct po		*po;
	struct buf		 o, t;
	char			 err[160], *text;
	size_t			 len = 0, i;

	if ((text = slurp(pot_path, &len)) == NULL)
		return problem(pot_path, 0, "cannot read", "");
	if (po_parse(text, len, &po, err, sizeof(err)) == -1) {
		free(text);
		return problem(pot_path, 0, err, "");
	}
	free(text);
	buf_init(&o, 0);
	buf_init(&t, 0);
	(void)buf_printf(&o, "# A pseudo-language for tests: made by settle-po "
	    "pseudo.\nmsgid \"\"\nmsgstr \"\"\n\"Language: %s\\n\"\n"
	    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n", tag);
	for (i = 0; i < po_count(po); i++) {
		e = po_at(po, i);
		(void)buf_putc(&o, '\n');
		put_string(&o, "msgid", e->id);
		buf_reset(&t);
		pseudo(&t, e->id);
		if (e->id_plural == NULL) {
			put_string(&o, "msgstr", buf_str(&t));
			continue;
		}
		put_string(&o, "msgid_plural", e->id_plural);
		put_string(&o, "msgstr[0]", buf_str(&t));
		buf_reset(&t);
		pseudo(&t, e->id_plural);
		put_string(&o, "msgstr[1]", buf_str(&t));
	}
	po_free(po);
	i = fwrite(o.data, 1, o.len, stdout);
	buf_free(&t);
	buf_free(&o);
	return i != o.len;
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "extract") == 0)
		return cmd_extract(argv[2]);
	if (argc == 4 && strcmp(argv[1], "check") == 0)
		return cmd_check(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "pseudo") == 0)
		return cmd_pseudo(argv[2], argv[3]);
	fprintf(stderr, "usage: settle-po extract TEMPLATES\n"
	    "       settle-po check TEMPLATES PO_DIR\n"
	    "       settle-po pseudo POT TAG\n");
	return 2;
}
