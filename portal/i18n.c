#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "i18n.h"
#include "lang.h"
#include "mustache.h"
#include "po.h"

#define MARK_OPEN	"{{#t"
#define MARK_CLOSE	"{{/t}}"
#define MARK_SPLIT	"{{|}}"
#define MARK_NOTE	"{{!t:"
#define MAX_TAGS	64	/* {{tags}} and <tags> compared in one message */
#define ACCEPT_MAX	1024	/* bytes of Accept-Language looked at */

struct i18n {
	struct i18n_lang	 lang[I18N_MAX_LANGS];
	size_t			 n;
};

/* Line and column (1-based, bytes) of offset pos in text. */
static void
position(const char *text, size_t pos, unsigned *line, unsigned *col)
{
	size_t	i, bol = 0;

	*line = 1;
	for (i = 0; i < pos; i++)
		if (text[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (unsigned)(pos - bol + 1);
}

static int
scan_fail(const char *text, size_t pos, char *err, size_t errsz,
    const char *msg)
{
	unsigned	line, col;

	position(text, pos, &line, &col);
	(void)snprintf(err, errsz, "%u:%u: %s", line, col, msg);
	return -1;
}

static bool
at(const char *text, size_t len, size_t pos, const char *s)
{
	size_t	n = strlen(s);

	return pos + n <= len && memcmp(text + pos, s, n) == 0;
}

/* The name of a plural's count: letters, digits, _ and dots. */
static bool
count_name(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/* Reads "{{#t}}" or "{{#t NAME}}" at pos into m; -1 when it is neither. */
static int
open_tag(const char *text, size_t len, size_t pos, struct i18n_msg *m,
    size_t *body, char *err, size_t errsz)
{
	const char	*close;
	size_t		 p = pos + strlen(MARK_OPEN);

	close = memmem(text + p, len - p, "}}", 2);
	if (close == NULL)
		return scan_fail(text, pos, err, errsz, "unclosed {{#t");
	*body = (size_t)(close - text) + 2;
	if ((size_t)(close - text) == p)
		return 0;
	if (text[p] != ' ' || !count_name(text + p + 1,
	    (size_t)(close - text) - p - 1))
		return scan_fail(text, pos, err, errsz, "a mark is {{#t}} or "
		    "{{#t count}} (count: the plural's integer)");
	m->count = text + p + 1;
	m->clen = (size_t)(close - text) - p - 1;
	return 0;
}

/* Reads the body of the mark opened at pos, up to its {{/t}}. */
static int
body(const char *text, size_t len, size_t pos, size_t b, struct i18n_msg *m,
    char *err, size_t errsz)
{
	size_t	 p = b, split = 0;
	const char *o;

	for (;;) {
		o = memmem(text + p, len - p, "{{", 2);
		if (o == NULL)
			return scan_fail(text, pos, err, errsz, "{{#t without {{/t}}");
		p = (size_t)(o - text);
		if (at(text, len, p, MARK_CLOSE))
			break;
		if (at(text, len, p, MARK_OPEN))
			return scan_fail(text, p, err, errsz, "a {{#t}} inside a {{#t}}");
		if (at(text, len, p, "{{="))
			return scan_fail(text, p, err, errsz, "set-delimiter tags "
			    "cannot be used inside {{#t}}");
		if (at(text, len, p, MARK_SPLIT)) {
			if (m->count == NULL || split != 0)
				return scan_fail(text, p, err, errsz, "{{|}} belongs "
				    "once in a plural mark {{#t count}}");
			split = p;
		}
		p += 2;
	}
	if (m->count != NULL && split == 0)
		return scan_fail(text, pos, err, errsz, "a plural mark needs "
		    "{{|}} between the singular and the plural");
	m->id = text + b;
	m->idlen = (split ? split : p) - b;
	if (split) {
		m->plural = text + split + strlen(MARK_SPLIT);
		m->plen = p - split - strlen(MARK_SPLIT);
	}
	if (m->idlen == 0 || (split && m->plen == 0))
		return scan_fail(text, pos, err, errsz, "an empty message");
	m->end = p + strlen(MARK_CLOSE);
	return 0;
}

int
i18n_next(const char *text, size_t len, size_t *pos, struct i18n_msg *m,
    char *err, size_t errsz)
{
	const char	*o, *note = NULL, *e;
	size_t		 p = *pos, b = 0, nlen = 0;

	for (;;) {
		memset(m, 0, sizeof(*m));
		if (p >= len || (o = memmem(text + p, len - p, "{{", 2)) == NULL)
			return 0;
		p = (size_t)(o - text);
		if (at(text, len, p, MARK_NOTE) &&
		    (e = memmem(text + p, len - p, "}}", 2)) != NULL) {
			note = text + p + strlen(MARK_NOTE);
			nlen = (size_t)(e - note);
			p = (size_t)(e - text) + 2;
			continue;
		}
		if (at(text, len, p, MARK_CLOSE) || at(text, len, p, MARK_SPLIT))
			return scan_fail(text, p, err, errsz, "{{/t}} or {{|}} "
			    "without {{#t}}");
		if (at(text, len, p, MARK_OPEN) && (at(text, len, p + 4, "}}") ||
		    at(text, len, p + 4, " ")))
			break;
		p += 2;
	}
	m->start = p;
	position(text, p, &m->line, &m->column);
	if (open_tag(text, len, p, m, &b, err, errsz) == -1 ||
	    body(text, len, p, b, m, err, errsz) == -1)
		return -1;
	while (note != NULL && nlen > 0 && note[0] == ' ') {
		note++;
		nlen--;
	}
	m->comment = note;
	m->comlen = nlen;
	*pos = m->end;
	return 1;
}

/* Collects the {{...}} and <...> tags of s; their number, or -1 if too many. */
static int
tags(const char *s, size_t n, const char **t, size_t *tl)
{
	size_t	 i = 0, k = 0;
	const char *e;

	while (i < n) {
		e = NULL;
		if (s[i] == '{' && i + 1 < n && s[i + 1] == '{')
			e = memmem(s + i, n - i, "}}", 2);
		else if (s[i] == '<' && i + 1 < n && (s[i + 1] == '/' ||
		    (s[i + 1] >= 'a' && s[i + 1] <= 'z')))
			e = memchr(s + i, '>', n - i);
		if (e == NULL) {
			i++;
			continue;
		}
		if (k == MAX_TAGS)
			return -1;
		t[k] = s + i;
		tl[k] = (size_t)(e - (s + i)) + (s[i] == '{' ? 2 : 1);
		i += tl[k++];
	}
	return (int)k;
}

bool
i18n_same_tags(const char *a, size_t alen, const char *b, size_t blen)
{
	const char	*ta[MAX_TAGS], *tb[MAX_TAGS];
	size_t		 la[MAX_TAGS], lb[MAX_TAGS];
	bool		 used[MAX_TAGS] = { false };
	int		 na, nb, i, j;

	na = tags(a, alen, ta, la);
	nb = tags(b, blen, tb, lb);
	if (na < 0 || nb < 0 || na != nb)
		return false;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (!used[j] && la[i] == lb[j] &&
			    memcmp(ta[i], tb[j], la[i]) == 0)
				break;
		if (j == nb)
			return false;
		used[j] = true;
	}
	return true;
}

static int
terr(struct mustache_error *err, const char *name, const struct i18n_msg *m,
    const char *lang, const char *what)
{
	memset(err, 0, sizeof(*err));
	err->code = MUSTACHE_EBAD_NAME;
	(void)snprintf(err->template, sizeof(err->template), "%s", name);
	err->line = m->line;
	err->column = m->column;
	(void)snprintf(err->message, sizeof(err->message), "%s: %s: \"%.*s\"",
	    lang, what, m->idlen > 60 ? 60 : (int)m->idlen, m->id);
	return -1;
}

/*
 * The translations of m in lang's catalog, checked: forms[] point into the
 * catalog. Returns the number of forms, or -1 with err filled.
 */
static int
lookup(const struct i18n_lang *lang, const char *name, const struct i18n_msg *m,
    const char **forms, size_t *flen, struct mustache_error *err)
{
	const struct po_entry	*e;
	char			*id;
	unsigned		 i;

	if ((id = strndup(m->id, m->idlen)) == NULL)
		return terr(err, name, m, lang->tag, "out of memory");
	e = po_find(lang->po, NULL, id);
	free(id);
	if (e == NULL)
		return terr(err, name, m, lang->tag, "no translation");
	if (e->fuzzy)
		return terr(err, name, m, lang->tag, "the translation is fuzzy");
	if ((m->plural != NULL) != (e->id_plural != NULL) || (m->plural &&
	    (strlen(e->id_plural) != m->plen ||
	    memcmp(e->id_plural, m->plural, m->plen) != 0)))
		return terr(err, name, m, lang->tag, "the catalog's plural "
		    "differs from the template's");
	if (e->nstr != (m->plural ? lang->plural.nplurals : 1))
		return terr(err, name, m, lang->tag, "not one msgstr per "
		    "plural form");
	for (i = 0; i < e->nstr; i++) {
		forms[i] = e->str[i];
		flen[i] = strlen(e->str[i]);
		if (flen[i] == 0)
			return terr(err, name, m, lang->tag, "an empty translation");
		if (!i18n_same_tags(m->id, m->idlen, forms[i], flen[i]))
			return terr(err, name, m, lang->tag, "the translation's "
			    "{{tags}} or <tags> differ from the source");
	}
	return (int)e->nstr;
}

/* Appends the translation of m: its text, or one plural section per form. */
static int
put_message(const struct i18n_lang *lang, const char *name,
    const struct i18n_msg *m, struct buf *out, struct mustache_error *err)
{
	const char	*forms[PLURAL_MAX_FORMS];
	size_t		 flen[PLURAL_MAX_FORMS];
	int		 n, k;

	forms[0] = m->id;
	flen[0] = m->idlen;
	forms[1] = m->plural;
	flen[1] = m->plen;
	n = m->plural ? 2 : 1;
	if (lang != NULL && lang->po != NULL &&
	    (n = lookup(lang, name, m, forms, flen, err)) == -1)
		return -1;
	if (m->plural == NULL)
		return buf_append(out, forms[0], flen[0]);
	for (k = 0; k < n; k++)
		(void)buf_printf(out, "{{#%.*s|%d}}%.*s{{/%.*s|%d}}", (int)m->clen,
		    m->count, k, (int)flen[k], forms[k], (int)m->clen, m->count, k);
	return 0;
}

int
i18n_translate(const struct i18n_lang *lang, const char *name,
    const char *text, size_t len, struct buf *out, struct mustache_error *err)
{
	struct i18n_msg	 m;
	size_t		 pos = 0, done = 0;
	char		 msg[160];
	int		 r;

	while ((r = i18n_next(text, len, &pos, &m, msg, sizeof(msg))) == 1) {
		(void)buf_append(out, text + done, m.start - done);
		if (put_message(lang, name, &m, out, err) == -1)
			return -1;
		done = m.end;
	}
	if (r == -1) {	/* msg is "LINE:COLUMN: what" */
		memset(err, 0, sizeof(*err));
		err->code = MUSTACHE_EBAD_NAME;
		(void)snprintf(err->template, sizeof(err->template), "%s", name);
		if (sscanf(msg, "%u:%u: %n", &err->line, &err->column, &r) < 2)
			r = 0;
		(void)snprintf(err->message, sizeof(err->message), "%s", msg + r);
		return -1;
	}
	(void)buf_append(out, text + done, len - done);
	return 0;
}

/* The load_dir filter: translates each template for the language in arg. */
static int
filter(void *arg, const char *name, const char *text, size_t len,
    struct buf *out, struct mustache_error *err)
{
	return i18n_translate(arg, name, text, len, out, err);
}

static unsigned
rule(int64_t n, const void *arg)
{
	return plural_form(arg, (uint64_t)n);
}

static int
lerr(struct mustache_error *err, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
lerr(struct mustache_error *err, const char *where, const char *fmt, ...)
{
	va_list	ap;

	memset(err, 0, sizeof(*err));
	err->code = MUSTACHE_EIO;
	(void)snprintf(err->template, sizeof(err->template), "%s", where);
	va_start(ap, fmt);
	(void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* Compiles lang's template set; its name is what "lang_name" renders. */
static int
compile_lang(struct i18n_lang *lang, const char *dir, struct mustache_error *err)
{
	struct buf	name;
	int		rc = -1;

	buf_init(&name, sizeof(lang->name) - 1);
	if ((lang->templates = mustache_set_new()) == NULL)
		return lerr(err, lang->tag, "out of memory");
	mustache_set_plural(lang->templates, rule, &lang->plural);
	if (mustache_set_load_dir_filtered(lang->templates, dir, filter, lang,
	    err) == -1 || mustache_set_check(lang->templates, err) == -1)
		goto out;
	(void)snprintf(lang->name, sizeof(lang->name), "%s", lang->tag);
	if (mustache_set_has(lang->templates, "lang_name")) {
		if (mustache_render(lang->templates, "lang_name", NULL,
		    MUSTACHE_TEXT, &name, err) == -1)
			goto out;
		(void)snprintf(lang->name, sizeof(lang->name), "%s",
		    buf_str(&name));
	}
	rc = 0;
out:
	buf_free(&name);
	return rc;
}

/* Reads the whole catalog at path (at most PO_MAX_FILE bytes). */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p = NULL;
	long	 n;

	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    (size_t)n <= PO_MAX_FILE && fseek(f, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)n + 1)) != NULL) {
		*len = fread(p, 1, (size_t)n, f);
		if (*len != (size_t)n || ferror(f)) {
			free(p);
			p = NULL;
		} else
			p[n] = '\0';
	}
	(void)fclose(f);
	return p;
}

/* A tag we can take from a file name: letters, digits and '-', a letter first. */
static bool
tag_ok(const char *s, size_t n)
{
	size_t	i;

	if (n < 2 || n >= I18N_TAG_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* Reads po_dir/file into lang: catalog, plural rule, checked headers. */
static int
read_catalog(struct i18n_lang *lang, const char *po_dir, const char *file,
    struct mustache_error *err)
{
	char	 path[4096], msg[160], value[PLURAL_MAX_TEXT + 1];
	char	*text;
	size_t	 len = 0;
	int	 rc;

	(void)snprintf(path, sizeof(path), "%s/%s", po_dir, file);
	if ((text = slurp(path, &len)) == NULL)
		return lerr(err, path, "cannot read: %s", strerror(errno));
	rc = po_parse(text, len, &lang->po, msg, sizeof(msg));
	free(text);
	if (rc == -1)
		return lerr(err, path, "%s", msg);
	if (po_header(lang->po, "Language", value, sizeof(value)) == -1 ||
	    strcmp(value, lang->tag) != 0)
		return lerr(err, path, "the header must say \"Language: %s\"",
		    lang->tag);
	if (po_header(lang->po, "Plural-Forms", value, sizeof(value)) == -1)
		return lerr(err, path, "no Plural-Forms header");
	if (plural_parse(&lang->plural, value, msg, sizeof(msg)) == -1)
		return lerr(err, path, "Plural-Forms: %s", msg);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.po files of po_dir, sorted, into names (free each and the array). */
static int
list_catalogs(const char *po_dir, char ***names, size_t *n,
    struct mustache_error *err)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 len;
	char		**p;

	*names = NULL;
	*n = 0;
	if (po_dir == NULL || (d = opendir(po_dir)) == NULL)
		return po_dir == NULL || errno == ENOENT ? 0 :
		    lerr(err, po_dir, "%s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 ||
		    strcmp(de->d_name + len - 3, ".po") != 0)
			continue;
		if (*n + 1 >= I18N_MAX_LANGS ||
		    (p = reallocarray(*names, *n + 1, sizeof(*p))) == NULL) {
			(void)closedir(d);
			return lerr(err, po_dir, "more than %d catalogs, or out "
			    "of memory", I18N_MAX_LANGS - 1);
		}
		*names = p;
		if ((p[*n] = strdup(de->d_name)) == NULL) {
			(void)closedir(d);
			return lerr(err, po_dir, "out of memory");
		}
		(*n)++;
	}
	(void)closedir(d);
	if (*n > 0)
		qsort(*names, *n, sizeof(**names), name_cmp);
	return 0;
}

/* Adds the language of catalog file (its name less ".po") to i18n. */
static int
add_lang(struct i18n *i18n, const char *dir, const char *po_dir,
    const char *file, struct mustache_error *err)
{
	struct i18n_lang	*lang = &i18n->lang[i18n->n];
	size_t			 n = strlen(file) - 3;

	if (!tag_ok(file, n))
		return lerr(err, file, "a catalog is named for its language "
		    "tag: es.po, pt-BR.po");
	memcpy(lang->tag, file, n);
	lang->tag[n] = '\0';
	if (strcmp(lang->tag, I18N_SOURCE) == 0)
		return lerr(err, file, "%s is the templates' own language; it "
		    "has no catalog", I18N_SOURCE);
	i18n->n++;
	if (read_catalog(lang, po_dir, file, err) == -1)
		return -1;
	return compile_lang(lang, dir, err);
}

int
i18n_load(const char *dir, const char *po_dir, struct i18n **out,
    struct mustache_error *err)
{
	struct i18n	*i18n;
	char		**files = NULL;
	size_t		 nfiles = 0, i;
	int		 rc = -1;

	*out = NULL;
	if ((i18n = calloc(1, sizeof(*i18n))) == NULL)
		return lerr(err, dir, "out of memory");
	(void)snprintf(i18n->lang[0].tag, I18N_TAG_MAX, "%s", I18N_SOURCE);
	plural_english(&i18n->lang[0].plural);
	i18n->n = 1;
	if (compile_lang(&i18n->lang[0], dir, err) == -1 ||
	    list_catalogs(po_dir, &files, &nfiles, err) == -1)
		goto out;
	for (i = 0; i < nfiles; i++)
		if (add_lang(i18n, dir, po_dir, files[i], err) == -1)
			goto out;
	*out = i18n;
	i18n = NULL;
	rc = 0;
out:
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	i18n_free(i18n);
	return rc;
}

void
i18n_free(struct i18n *i18n)
{
	size_t	i;

	if (i18n == NULL)
		return;
	for (i = 0; i < i18n->n; i++) {
		mustache_set_free(i18n->lang[i].templates);
		po_free(i18n->lang[i].po);
	}
	free(i18n);
}

size_t
i18n_count(const struct i18n *i18n)
{
	return i18n != NULL ? i18n->n : 0;
}

const struct i18n_lang *
i18n_at(const struct i18n *i18n, size_t i)
{
	return i18n != NULL && i < i18n->n ? &i18n->lang[i] : NULL;
}

const struct i18n_lang *
i18n_source(const struct i18n *i18n)
{
	return &i18n->lang[0];
}

const struct i18n_lang *
i18n_find(const struct i18n *i18n, const char *tag)
{
	char	primary[LANG_TAG_SIZE];
	size_t	i;

	if (tag == NULL || i18n == NULL)
		return NULL;
	for (i = 0; i < i18n->n; i++)
		if (strcasecmp(i18n->lang[i].tag, tag) == 0)
			return &i18n->lang[i];
	if (lang_primary(tag, primary) == -1)
		return NULL;
	for (i = 0; i < i18n->n; i++)
		if (strcmp(i18n->lang[i].tag, primary) == 0)
			return &i18n->lang[i];
	return NULL;
}

/*
 * The q-value at s ("q=0.8", spaces allowed around '='), in thousandths;
 * -1 when malformed.
 */
static int
qvalue(const char *s, size_t n)
{
	size_t	i = 0, digits = 0;
	int	q;

	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != 'q' && s[i] != 'Q'))
		return -1;
	for (i++; i < n && s[i] == ' '; i++)
		continue;
	if (i >= n || s[i++] != '=')
		return -1;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '0' && s[i] != '1'))
		return -1;
	q = (s[i++] - '0') * 1000;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9' && digits < 3; i++)
			q += (s[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1),
			    digits++;
	while (i < n && s[i] == ' ')
		i++;
	return i == n && q <= 1000 ? q : -1;
}

/* One "tag;q=0.5" item: its language (NULL if none of ours) and q. */
static const struct i18n_lang *
accept_item(const struct i18n *i18n, const char *s, size_t n, int *q)
{
	char		 tag[I18N_TAG_MAX];
	const char	*semi = memchr(s, ';', n);
	size_t		 tl = semi ? (size_t)(semi - s) : n;

	*q = 1000;
	while (tl > 0 && s[0] == ' ') {
		s++;
		tl--;
		n--;
		semi = memchr(s, ';', n);
	}
	while (tl > 0 && s[tl - 1] == ' ')
		tl--;
	if (tl == 0 || tl >= sizeof(tag))
		return NULL;
	memcpy(tag, s, tl);
	tag[tl] = '\0';
	if (semi != NULL && (*q = qvalue(semi + 1, n - (size_t)(semi - s) - 1)) < 0)
		return NULL;
	return i18n_find(i18n, tag);
}

const struct i18n_lang *
i18n_accept(const struct i18n *i18n, const char *header)
{
	const struct i18n_lang	*best = i18n_source(i18n), *l;
	const char		*s = header, *comma;
	size_t			 left, n;
	int			 q, bestq = 0;

	if (header == NULL)
		return best;
	left = strnlen(header, ACCEPT_MAX);
	while (left > 0) {
		comma = memchr(s, ',', left);
		n = comma ? (size_t)(comma - s) : left;
		l = accept_item(i18n, s, n, &q);
		if (l != NULL && q > bestq) {
			best = l;
			bestq = q;
		}
		if (comma == NULL)
			break;
		left -= n + 1;
		s = comma + 1;
	}
	return best;
}
