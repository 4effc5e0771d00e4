#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "po.h"
#include "utf8.h"

/*
 * How it works: the text is read line by line. A keyword line (msgctxt,
 * msgid, msgid_plural, msgstr, msgstr[N]) starts a field whose value is its
 * quoted string plus any following lines that are only a quoted string; a
 * msgctxt or msgid after a msgstr starts the next entry. Strings are
 * unescaped into the catalog's arena, then the entries are sorted.
 */

struct po {
	struct arena		*arena;
	struct po_entry		*e;
	size_t			 n, cap;
	const char		*header;	/* msgstr of msgid "" */
};

enum field { F_NONE, F_CTXT, F_ID, F_PLURAL, F_STR };

struct reader {
	struct po	*po;
	struct po_entry	 cur;		/* being read */
	bool		 open;		/* cur has a msgid */
	bool		 fuzzy;		/* a "#, fuzzy" line came before it */
	enum field	 field;
	unsigned	 form;		/* of F_STR */
	struct buf	 val;		/* the field being read, unescaped */
	unsigned	 line;
	char		*err;
	size_t		 errsz;
};

static int
fail(struct reader *r, const char *msg)
{
	(void)snprintf(r->err, r->errsz, "line %u: %s", r->line, msg);
	return -1;
}

/* Appends the quoted string at s (ending at e) to r->val, unescaped. */
static int
quoted(struct reader *r, const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - s < 2 || *s != '"' || e[-1] != '"')
		return fail(r, "a quoted string expected");
	for (s++, e--; s < e; s++) {
		if (*s == '"')
			return fail(r, "an unescaped '\"' inside a string");
		if (*s != '\\') {
			(void)buf_putc(&r->val, *s);
			continue;
		}
		if (++s == e)
			return fail(r, "a string ends in a backslash");
		switch (*s) {
		case 'n': (void)buf_putc(&r->val, '\n'); break;
		case 't': (void)buf_putc(&r->val, '\t'); break;
		case 'r': (void)buf_putc(&r->val, '\r'); break;
		case '"': (void)buf_putc(&r->val, '"'); break;
		case '\\': (void)buf_putc(&r->val, '\\'); break;
		default: return fail(r, "an unknown escape (\\n \\t \\r \\\" \\\\ only)");
		}
	}
	if (buf_failed(&r->val))
		return fail(r, "a message longer than 64 KiB");
	return 0;
}

/* Stores the finished field's value in cur. */
static int
end_field(struct reader *r)
{
	char	*s;

	if (r->field == F_NONE)
		return 0;
	if ((s = arena_strndup(r->po->arena, buf_str(&r->val), r->val.len)) == NULL)
		return fail(r, "out of memory");
	switch (r->field) {
	case F_CTXT: r->cur.ctxt = s; break;
	case F_ID: r->cur.id = s; break;
	case F_PLURAL: r->cur.id_plural = s; break;
	case F_STR: r->cur.str[r->form] = s; break;
	case F_NONE: break;
	}
	r->field = F_NONE;
	buf_reset(&r->val);
	return 0;
}

/* Checks the entry read so far and adds it to the catalog. */
static int
end_entry(struct reader *r)
{
	struct po_entry	*e = &r->cur;
	struct po_entry	*p;
	unsigned	 i, here = r->line;

	if (end_field(r) == -1)
		return -1;
	if (!r->open)
		return 0;
	r->line = e->line;	/* problems are the entry's; its msgid's line */
	if (e->nstr == 0)
		return fail(r, "a message without msgstr");
	for (i = 0; i < e->nstr; i++)
		if (e->str[i] == NULL)
			return fail(r, "msgstr[N] not numbered 0, 1, 2...");
	if (e->id[0] == '\0' && e->ctxt == NULL) {
		if (r->po->header != NULL)
			return fail(r, "a second header");
		r->po->header = e->str[0];
	} else {
		if (r->po->n >= PO_MAX_ENTRIES)
			return fail(r, "too many messages");
		if (r->po->n == r->po->cap) {
			p = reallocarray(r->po->e, r->po->cap ? r->po->cap * 2 : 64,
			    sizeof(*p));
			if (p == NULL)
				return fail(r, "out of memory");
			r->po->e = p;
			r->po->cap = r->po->cap ? r->po->cap * 2 : 64;
		}
		r->po->e[r->po->n++] = *e;
	}
	memset(e, 0, sizeof(*e));
	r->open = false;
	r->line = here;
	return 0;
}

/* msgstr or msgstr[N]: which form, after checking it fits the entry. */
static int
str_form(struct reader *r, const char *kw, size_t n, unsigned *form)
{
	if (n == 6) {
		if (r->cur.id_plural != NULL)
			return fail(r, "a plural message needs msgstr[N]");
		*form = 0;
		return 0;
	}
	if (n != 9 || kw[6] != '[' || kw[7] < '0' || kw[7] > '9' || kw[8] != ']')
		return fail(r, "an unknown keyword");
	if (r->cur.id_plural == NULL)
		return fail(r, "msgstr[N] without msgid_plural");
	*form = (unsigned)(kw[7] - '0');
	if (*form >= PLURAL_MAX_FORMS)
		return fail(r, "more than 6 plural forms");
	if (*form != r->cur.nstr)
		return fail(r, "msgstr[N] out of order");
	return 0;
}

/* A keyword line: which field starts, and where its string begins. */
static int
keyword(struct reader *r, const char *s, const char *e)
{
	const char	*sp = s;
	size_t		 n;

	while (sp < e && *sp != ' ' && *sp != '\t')
		sp++;
	n = (size_t)(sp - s);
	if (end_field(r) == -1)
		return -1;
	if ((n == 7 && memcmp(s, "msgctxt", 7) == 0) ||
	    (n == 5 && memcmp(s, "msgid", 5) == 0)) {
		if (r->open && r->cur.nstr > 0 && end_entry(r) == -1)
			return -1;
		if (r->open && (n == 7 || r->cur.id != NULL))
			return fail(r, "msgctxt or msgid out of place");
		if (!r->open) {
			r->open = true;
			r->cur.fuzzy = r->fuzzy;
			r->fuzzy = false;
		}
		r->field = n == 7 ? F_CTXT : F_ID;
		r->cur.line = r->line;
	} else if (n == 12 && memcmp(s, "msgid_plural", 12) == 0) {
		if (!r->open || r->cur.id == NULL || r->cur.id_plural != NULL ||
		    r->cur.nstr > 0)
			return fail(r, "msgid_plural out of place");
		r->field = F_PLURAL;
	} else if (n >= 6 && memcmp(s, "msgstr", 6) == 0) {
		if (!r->open || r->cur.id == NULL)
			return fail(r, "msgstr without msgid");
		if (r->cur.nstr > 0 && r->cur.id_plural == NULL)
			return fail(r, "a second msgstr");
		if (str_form(r, s, n, &r->form) == -1)
			return -1;
		r->cur.nstr++;
		r->field = F_STR;
	} else
		return fail(r, "an unknown keyword");
	return quoted(r, sp, e);
}

/* One line, without its line break. */
static int
line(struct reader *r, const char *s, const char *e)
{
	const char	*t = s;

	while (t < e && (*t == ' ' || *t == '\t' || *t == '\r'))
		t++;
	if (t == e)
		return end_field(r);
	if (*t == '#') {
		if (end_field(r) == -1)
			return -1;
		if (e - t >= 2 && t[1] == ',' && memmem(t, (size_t)(e - t),
		    "fuzzy", 5) != NULL) {
			if (r->open && r->cur.nstr > 0 && end_entry(r) == -1)
				return -1;
			r->fuzzy = true;
		}
		return 0;
	}
	if (*t == '"') {
		if (r->field == F_NONE)
			return fail(r, "a string without a keyword");
		return quoted(r, t, e);
	}
	return keyword(r, t, e);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct po_entry	*x = a, *y = b;
	int			 c;

	c = strcmp(x->ctxt ? x->ctxt : "", y->ctxt ? y->ctxt : "");
	if (c == 0 && (x->ctxt == NULL) != (y->ctxt == NULL))
		c = x->ctxt == NULL ? -1 : 1;
	return c != 0 ? c : strcmp(x->id, y->id);
}

/* Sorts the entries and refuses a message given twice. */
static int
sort_entries(struct reader *r)
{
	size_t	i;
	char	msg[96];

	if (r->po->n > 0)
		qsort(r->po->e, r->po->n, sizeof(*r->po->e), entry_cmp);
	for (i = 1; i < r->po->n; i++)
		if (entry_cmp(&r->po->e[i - 1], &r->po->e[i]) == 0) {
			r->line = r->po->e[i].line > r->po->e[i - 1].line ?
			    r->po->e[i].line : r->po->e[i - 1].line;
			(void)snprintf(msg, sizeof(msg), "a message given twice "
			    "(also on line %u)", r->po->e[i].line < r->po->e[i - 1].line ?
			    r->po->e[i].line : r->po->e[i - 1].line);
			return fail(r, msg);
		}
	return 0;
}

/* Reads every line of text into r's catalog. */
static int
read_all(struct reader *r, const char *text, size_t len)
{
	const char	*s = text, *end = text + len, *nl;

	while (s < end) {
		r->line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		if (!utf8_valid(s, (size_t)(nl - s)))
			return fail(r, "not UTF-8, or a NUL byte");
		if (!(nl - s >= 2 && s[0] == '#' && s[1] == '~') &&
		    line(r, s, nl) == -1)
			return -1;
		s = nl + 1;
	}
	return end_entry(r) == -1 ? -1 : sort_entries(r);
}

int
po_parse(const char *text, size_t len, struct po **out, char *err, size_t errsz)
{
	struct reader	 r;
	int		 rc = -1;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.err = err;
	r.errsz = errsz;
	buf_init(&r.val, PO_MAX_STRING);
	if (len > PO_MAX_FILE)
		return fail(&r, "the catalog is larger than 4 MiB");
	if ((r.po = calloc(1, sizeof(*r.po))) == NULL ||
	    (r.po->arena = arena_new()) == NULL) {
		(void)fail(&r, "out of memory");
		goto out;
	}
	if (read_all(&r, text, len) == -1)
		goto out;
	*out = r.po;
	r.po = NULL;
	rc = 0;
out:
	buf_free(&r.val);
	po_free(r.po);
	return rc;
}

void
po_free(struct po *po)
{
	if (po == NULL)
		return;
	arena_free(po->arena);
	free(po->e);
	free(po);
}

const struct po_entry *
po_find(const struct po *po, const char *ctxt, const char *id)
{
	struct po_entry	 key;

	if (po == NULL || id == NULL || po->n == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.ctxt = ctxt;
	key.id = id;
	return bsearch(&key, po->e, po->n, sizeof(*po->e), entry_cmp);
}

size_t
po_count(const struct po *po)
{
	return po != NULL ? po->n : 0;
}

const struct po_entry *
po_at(const struct po *po, size_t i)
{
	return po != NULL && i < po->n ? &po->e[i] : NULL;
}

int
po_header(const struct po *po, const char *name, char *out, size_t n)
{
	const char	*h, *nl;
	size_t		 k = strlen(name), v;

	if (po == NULL || po->header == NULL || n == 0)
		return -1;
	for (h = po->header; *h != '\0'; h = nl + 1) {
		nl = strchr(h, '\n');
		if (nl == NULL)
			nl = h + strlen(h);
		if ((size_t)(nl - h) > k && strncmp(h, name, k) == 0 &&
		    h[k] == ':') {
			h += k + 1;
			while (*h == ' ')
				h++;
			v = (size_t)(nl - h);
			if (v >= n)
				return -1;
			memcpy(out, h, v);
			out[v] = '\0';
			return 0;
		}
		if (*nl == '\0')
			break;
	}
	return -1;
}
