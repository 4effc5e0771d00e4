#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "mustache.h"
#include "view.h"

/*
 * How it works. mustache_set_add() compiles a template in four passes over
 * a token list (lex, match open/close tags, apply the standalone-line and
 * block-indentation rules, emit ops) into a flat array of ops whose strings
 * are offsets into the template's own copy of the text. A section's op
 * records where its body ends, so rendering is a loop over ops that recurses
 * only for bodies, partials, parents and blocks, each bounded by a limit.
 *
 * Indentation follows the spec's reference implementation: a standalone
 * partial, parent or block site indents every line of what it expands (the
 * expanded text's own lines, not interpolated data); an inline site does not
 * indent at all. Block content with "intrinsic" indentation (the open tag
 * alone on its line) loses the first line's indentation at the site of
 * definition and gains the site's at expansion (mustache/spec #130).
 */

#define NONE		UINT32_MAX
#define SUFFIX		".mustache"

enum op_type {
	OP_TEXT,	/* off/len: literal text, at most one line */
	OP_INDENT,	/* a line starts: write the indentation */
	OP_LEAD,	/* content starts: indentation when the site is standalone */
	OP_VAR,		/* off/len: name; escaped */
	OP_RAW,		/* off/len: name; not escaped */
	OP_SECTION,	/* off/len: name; body up to end */
	OP_INVERTED,
	OP_PARTIAL,	/* off/len: name; ioff/ilen: indentation */
	OP_PARENT,	/* body: the overriding OP_BLOCKs only */
	OP_BLOCK,	/* body: default (or overriding) content */
	OP_PLURAL,	/* {{#name|K}}: body when name's plural form is K (ioff) */
	OP__MAX
};

#define OPF_DYNAMIC	0x01	/* the name is looked up in the data */
#define OPF_ALONE	0x02	/* a standalone site: indents its content */

struct op {
	uint8_t		 type;
	uint8_t		 flags;
	uint32_t	 off, len;
	uint32_t	 ioff, ilen;
	uint32_t	 end;
	uint32_t	 pos;		/* offset of the tag, for errors */
};

struct tpl {
	char		*name;
	size_t		 nlen;
	char		*text;
	size_t		 len;
	struct op	*ops;
	size_t		 nops;
};

struct mustache_set {
	struct tpl	**tpls;		/* sorted by name */
	size_t		  n, cap;
	mustache_plural_fn plural;	/* NULL: n != 1 */
	const void	 *plural_arg;
};

/* What load_dir does with each file's text before compiling it. */
struct loader {
	mustache_filter_fn	 filter;	/* NULL: compile as it is */
	void			*arg;
};

enum tok_type {
	TOK_TEXT,
	TOK_VAR,
	TOK_RAW,
	TOK_SECTION,
	TOK_INVERTED,
	TOK_CLOSE,
	TOK_COMMENT,
	TOK_DELIM,
	TOK_PARTIAL,
	TOK_PARENT,
	TOK_BLOCK,
	TOK__MAX
};

#define TF_BOL		0x01	/* starts at the beginning of a line */
#define TF_NL		0x02	/* text ending with a line break */
#define TF_BLANK	0x04	/* text of spaces and tabs (before any line break) */
#define TF_DROP		0x08	/* text removed by a standalone rule */
#define TF_ALONE	0x10	/* standalone tag or pair */
#define TF_DYNAMIC	0x20	/* {{>*name}} */
#define TF_EATNL	0x40	/* block open that ate its line break */

struct token {
	uint8_t		 type;
	uint8_t		 flags;
	uint32_t	 start, end;	/* whole token; text start moves when stripped */
	uint32_t	 name, nlen;	/* tag name */
	uint32_t	 match;		/* the matching open or close tag */
	uint32_t	 up;		/* the enclosing open tag */
	uint32_t	 ioff, ilen;	/* indentation of a partial, parent, block */
};

struct compiler {
	const char		*tname;
	const char		*text;
	size_t			 len;
	const char		*otag, *ctag;	/* current delimiters */
	size_t			 olen, clen;
	struct token		*toks;
	size_t			 ntok, tokcap;
	struct op		*ops;
	size_t			 nops, opcap;
	struct mustache_error	*err;
};

struct indent {
	const char	*s;
	size_t		 n;
	bool		 reset;		/* an inline site: outer indentation stops */
};

struct parent {
	const struct tpl	*tpl;
	size_t			 op;	/* its OP_PARENT */
};

struct render {
	const struct mustache_set	*set;
	enum mustache_escape		 esc;
	struct buf			*out;
	struct mustache_error		*err;
	const struct view		*ctx[MUSTACHE_MAX_CONTEXT];
	size_t				 nctx;
	struct indent			 ind[MUSTACHE_MAX_PARTIAL_DEPTH];
	size_t				 nind;
	struct parent			 par[MUSTACHE_MAX_PARTIAL_DEPTH];
	size_t				 npar;
	size_t				 steps;		/* ops executed */
};

static const char *const messages[MUSTACHE__MAX] = {
	[MUSTACHE_OK] = "no error",
	[MUSTACHE_ENOMEM] = "out of memory",
	[MUSTACHE_EIO] = "cannot read",
	[MUSTACHE_ENAME] = "bad template name",
	[MUSTACHE_EDUPLICATE] = "duplicate template",
	[MUSTACHE_ETOO_MANY] = "too many templates",
	[MUSTACHE_ESIZE] = "template too large",
	[MUSTACHE_EUNCLOSED_TAG] = "unclosed tag",
	[MUSTACHE_ETAG_TOO_LONG] = "tag too long",
	[MUSTACHE_EEMPTY_NAME] = "empty tag name",
	[MUSTACHE_EBAD_NAME] = "whitespace in tag name",
	[MUSTACHE_EBAD_DELIM] = "bad set-delimiter tag",
	[MUSTACHE_EUNCLOSED_SECTION] = "unclosed section",
	[MUSTACHE_EMISMATCH] = "mismatched close tag",
	[MUSTACHE_ECLOSE_WITHOUT_OPEN] = "close tag without open section",
	[MUSTACHE_EDEPTH] = "nesting too deep",
	[MUSTACHE_EUNKNOWN_PARTIAL] = "unknown partial",
	[MUSTACHE_EUNKNOWN_TEMPLATE] = "unknown template",
	[MUSTACHE_EPARTIAL_DEPTH] = "partial nesting too deep",
	[MUSTACHE_ECONTEXT] = "context stack too deep",
	[MUSTACHE_EOUTPUT] = "output too large",
	[MUSTACHE_ESTEPS] = "render too long",
};

const char *
mustache_strerror(enum mustache_code code)
{
	if ((unsigned)code >= MUSTACHE__MAX || messages[code] == NULL)
		return "unknown error";
	return messages[code];
}

/* Shortens a name to print in a message. */
static int
plen(size_t n)
{
	return n > 64 ? 64 : (int)n;
}

/*
 * Fills err: the template name (tnlen bytes), the 1-based line and column of
 * pos in text (0 and 0 when text is NULL) and a formatted message. Returns
 * -1 so callers can `return set_error(...)`.
 */
static int
set_error(struct mustache_error *err, enum mustache_code code,
    const char *tname, size_t tnlen, const char *text, size_t pos,
    const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static int
set_error(struct mustache_error *err, enum mustache_code code,
    const char *tname, size_t tnlen, const char *text, size_t pos,
    const char *fmt, ...)
{
	va_list	 ap;
	size_t	 i, bol = 0;
	unsigned line = 1;

	err->code = code;
	if (tnlen > sizeof(err->template) - 1)
		tnlen = sizeof(err->template) - 1;
	memcpy(err->template, tname != NULL ? tname : "", tname ? tnlen : 0);
	err->template[tname ? tnlen : 0] = '\0';
	err->line = err->column = 0;
	if (text != NULL) {
		for (i = 0; i < pos; i++)
			if (text[i] == '\n') {
				line++;
				bol = i + 1;
			}
		err->line = line;
		err->column = (unsigned)(pos - bol + 1);
	}
	va_start(ap, fmt);
	if (vsnprintf(err->message, sizeof(err->message), fmt, ap) < 0)
		err->message[0] = '\0';
	va_end(ap);
	return -1;
}

/* A compile error at offset pos of the template being compiled. */
static int
cerror(struct compiler *c, size_t pos, enum mustache_code code,
    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
cerror(struct compiler *c, size_t pos, enum mustache_code code,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[160];

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	return set_error(c->err, code, c->tname, strlen(c->tname), c->text,
	    pos, "%s", msg);
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Appends a zeroed token; NULL (err filled) on out of memory. */
static struct token *
push_token(struct compiler *c, enum tok_type type, size_t start, size_t end)
{
	struct token	*t;
	size_t		 ncap;

	if (c->ntok == c->tokcap) {
		ncap = c->tokcap ? c->tokcap * 2 : 64;
		t = reallocarray(c->toks, ncap, sizeof(*t));
		if (t == NULL) {
			(void)cerror(c, start, MUSTACHE_ENOMEM, "out of memory");
			return NULL;
		}
		c->toks = t;
		c->tokcap = ncap;
	}
	t = &c->toks[c->ntok++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->start = (uint32_t)start;
	t->end = (uint32_t)end;
	t->match = t->up = NONE;
	if (start == 0 || c->text[start - 1] == '\n')
		t->flags |= TF_BOL;
	return t;
}

/* Adds the text from..to as one token per line, marking blank lines. */
static int
lex_text(struct compiler *c, size_t from, size_t to)
{
	struct token	*t;
	const char	*nl;
	size_t		 end, i, stop;

	while (from < to) {
		nl = memchr(c->text + from, '\n', to - from);
		end = nl != NULL ? (size_t)(nl - c->text) + 1 : to;
		if ((t = push_token(c, TOK_TEXT, from, end)) == NULL)
			return -1;
		stop = end;
		if (nl != NULL) {
			t->flags |= TF_NL;
			stop = end - 1;
			if (stop > from && c->text[stop - 1] == '\r')
				stop--;
		}
		for (i = from; i < stop && is_blank(c->text[i]); i++)
			continue;
		if (i == stop)
			t->flags |= TF_BLANK;
		from = end;
	}
	return 0;
}

/* Narrows [*s, *e) to exclude surrounding whitespace. */
static void
trim(const char *text, size_t *s, size_t *e)
{
	while (*s < *e && is_space(text[*s]))
		(*s)++;
	while (*e > *s && is_space(text[*e - 1]))
		(*e)--;
}

/*
 * Parses the body of a set-delimiter tag, [s, e) after the '=' sigil, and
 * switches the delimiters. The body must end with '=' and hold two
 * delimiters without whitespace or '=' separated by whitespace.
 */
static int
lex_delims(struct compiler *c, size_t at, size_t s, size_t e)
{
	size_t	 a, alen, b, blen, i;

	trim(c->text, &s, &e);
	if (e <= s || c->text[e - 1] != '=')
		goto bad;
	e--;
	trim(c->text, &s, &e);
	for (i = s; i < e && !is_space(c->text[i]); i++)
		continue;
	a = s;
	alen = i - s;
	while (i < e && is_space(c->text[i]))
		i++;
	b = i;
	while (i < e && !is_space(c->text[i]))
		i++;
	blen = i - b;
	if (alen == 0 || blen == 0 || i != e)
		goto bad;
	if (alen > MUSTACHE_MAX_DELIM || blen > MUSTACHE_MAX_DELIM)
		goto bad;
	if (memchr(c->text + a, '=', alen) || memchr(c->text + b, '=', blen))
		goto bad;
	c->otag = c->text + a;
	c->olen = alen;
	c->ctag = c->text + b;
	c->clen = blen;
	return 0;
bad:
	return cerror(c, at, MUSTACHE_EBAD_DELIM, "bad set-delimiter tag: "
	    "want {{=open close=}} with two delimiters of 1 to %u bytes "
	    "without whitespace or '='", MUSTACHE_MAX_DELIM);
}

/* The token type for the byte after an opening delimiter. */
static enum tok_type
sigil_type(char ch)
{
	switch (ch) {
	case '{': case '&': return TOK_RAW;
	case '#': return TOK_SECTION;
	case '^': return TOK_INVERTED;
	case '/': return TOK_CLOSE;
	case '!': return TOK_COMMENT;
	case '=': return TOK_DELIM;
	case '>': return TOK_PARTIAL;
	case '<': return TOK_PARENT;
	case '$': return TOK_BLOCK;
	default: return TOK_VAR;
	}
}

/* Checks and records the name [s, e) of tag t at offset at. */
static int
lex_name(struct compiler *c, struct token *t, size_t at, size_t s, size_t e)
{
	size_t	 i;

	trim(c->text, &s, &e);
	if ((t->type == TOK_PARTIAL || t->type == TOK_PARENT ||
	    t->type == TOK_CLOSE) && s < e && c->text[s] == '*') {
		t->flags |= TF_DYNAMIC;
		s++;
		trim(c->text, &s, &e);
	}
	if (s == e)
		return cerror(c, at, MUSTACHE_EEMPTY_NAME, "empty tag name");
	for (i = s; i < e; i++)
		if (is_space(c->text[i]))
			return cerror(c, at, MUSTACHE_EBAD_NAME,
			    "whitespace in tag name '%.*s'", plen(e - s),
			    c->text + s);
	t->name = (uint32_t)s;
	t->nlen = (uint32_t)(e - s);
	return 0;
}

/*
 * Lexes the tag whose opening delimiter is at offset at; *next is set past
 * it. Blanks may precede the sigil. Triple mustaches close with '}' and the
 * closing delimiter.
 */
static int
lex_tag(struct compiler *c, size_t at, size_t *next)
{
	char		 needle[MUSTACHE_MAX_DELIM + 2];
	const char	*close;
	struct token	*t;
	size_t		 p = at + c->olen, nlen = c->clen, s, e;
	enum tok_type	 type;

	while (p < c->len && is_blank(c->text[p]))
		p++;	/* "{{ #a }}" is a section, as in mustache.js */
	type = p < c->len ? sigil_type(c->text[p]) : TOK_VAR;
	if (type == TOK_VAR)
		p = at + c->olen;
	needle[0] = '}';
	memcpy(needle + 1, c->ctag, c->clen);
	if (p < c->len && c->text[p] == '{')
		nlen++;
	close = memmem(c->text + p, c->len - p,
	    nlen > c->clen ? needle : needle + 1, nlen);
	if (close == NULL)
		return cerror(c, at, MUSTACHE_EUNCLOSED_TAG,
		    "unclosed tag: no '%.*s' after '%.*s'", (int)nlen,
		    nlen > c->clen ? needle : needle + 1, (int)c->olen, c->otag);
	e = (size_t)(close - c->text);
	if (e - p > MUSTACHE_MAX_TAG)
		return cerror(c, at, MUSTACHE_ETAG_TOO_LONG,
		    "tag longer than %u bytes", MUSTACHE_MAX_TAG);
	*next = e + nlen;
	s = type == TOK_VAR ? p : p + 1;
	if ((t = push_token(c, type, at, *next)) == NULL)
		return -1;
	if (type == TOK_COMMENT)
		return 0;
	if (type == TOK_DELIM)
		return lex_delims(c, at, s, e);
	return lex_name(c, t, at, s, e);
}

/* Splits the template into text and tag tokens. */
static int
lex(struct compiler *c)
{
	const char	*o;
	size_t		 pos = 0, at;

	c->otag = "{{";
	c->ctag = "}}";
	c->olen = c->clen = 2;
	while (pos < c->len) {
		o = memmem(c->text + pos, c->len - pos, c->otag, c->olen);
		at = o != NULL ? (size_t)(o - c->text) : c->len;
		if (lex_text(c, pos, at) == -1)
			return -1;
		if (o == NULL)
			break;
		if (lex_tag(c, at, &pos) == -1)
			return -1;
	}
	return 0;
}

static bool
is_open(const struct token *t)
{
	return t->type == TOK_SECTION || t->type == TOK_INVERTED ||
	    t->type == TOK_PARENT || t->type == TOK_BLOCK;
}

/*
 * True when close tag cl closes op. A dynamic parent ({{<*x}}) may be
 * closed by {{/x}} or by {{/ *x}}; a section named "*x" only by the latter.
 */
static bool
closes(const struct compiler *c, const struct token *op,
    const struct token *cl)
{
	const char	*a = c->text + op->name, *b = c->text + cl->name;

	if (!(cl->flags & TF_DYNAMIC) || (op->flags & TF_DYNAMIC))
		return cl->nlen == op->nlen && memcmp(a, b, op->nlen) == 0;
	return op->nlen == cl->nlen + 1 && a[0] == '*' &&
	    memcmp(a + 1, b, cl->nlen) == 0;
}

/* Reports close tag cl not closing op; a '*' shows a dynamic name. */
static int
mismatch(struct compiler *c, const struct token *op, const struct token *cl)
{
	return cerror(c, cl->start, MUSTACHE_EMISMATCH,
	    "close tag '%s%.*s' does not match '%s%.*s'",
	    (cl->flags & TF_DYNAMIC) ? "*" : "", plen(cl->nlen),
	    c->text + cl->name, (op->flags & TF_DYNAMIC) ? "*" : "",
	    plen(op->nlen), c->text + op->name);
}

/* Pairs open and close tags and records each token's enclosing tag. */
static int
match_tokens(struct compiler *c)
{
	uint32_t	 stack[MUSTACHE_MAX_DEPTH], o;
	size_t		 depth = 0, i;
	struct token	*t;

	for (i = 0; i < c->ntok; i++) {
		t = &c->toks[i];
		t->up = depth > 0 ? stack[depth - 1] : NONE;
		if (is_open(t)) {
			if (depth == MUSTACHE_MAX_DEPTH)
				return cerror(c, t->start, MUSTACHE_EDEPTH,
				    "sections nested deeper than %u",
				    MUSTACHE_MAX_DEPTH);
			stack[depth++] = (uint32_t)i;
		} else if (t->type == TOK_CLOSE) {
			if (depth == 0)
				return cerror(c, t->start,
				    MUSTACHE_ECLOSE_WITHOUT_OPEN, "close tag "
				    "'%.*s' without open section",
				    plen(t->nlen), c->text + t->name);
			o = stack[--depth];
			if (!closes(c, &c->toks[o], t))
				return mismatch(c, &c->toks[o], t);
			c->toks[o].match = (uint32_t)i;
			t->match = o;
			t->up = c->toks[o].up;
		}
	}
	if (depth > 0) {
		t = &c->toks[stack[depth - 1]];
		return cerror(c, t->start, MUSTACHE_EUNCLOSED_SECTION,
		    "unclosed section '%.*s'", plen(t->nlen),
		    c->text + t->name);
	}
	return 0;
}

static bool
is_nl_text(const struct token *t)
{
	return t->type == TOK_TEXT && (t->flags & TF_NL);
}

/* Only blanks between the start of the line and tag k. */
static bool
left_clear(const struct compiler *c, size_t k)
{
	const struct token	*p;

	if (k == 0)
		return true;
	p = &c->toks[k - 1];
	if (p->type != TOK_TEXT)
		return false;
	if (p->flags & TF_NL)
		return true;
	if (!(p->flags & TF_BLANK))
		return false;
	return k == 1 || is_nl_text(&c->toks[k - 2]);
}

/* Only blanks between tag k and the end of its line (or of the text). */
static bool
right_clear(const struct compiler *c, size_t k)
{
	const struct token	*n;

	if (k + 1 == c->ntok)
		return true;
	n = &c->toks[k + 1];
	if (n->type != TOK_TEXT || !(n->flags & TF_BLANK))
		return false;
	return (n->flags & TF_NL) || k + 2 == c->ntok;
}

/* Removes the blanks before tag k on its line. */
static void
drop_left(struct compiler *c, size_t k)
{
	if (k > 0 && c->toks[k - 1].type == TOK_TEXT &&
	    !(c->toks[k - 1].flags & TF_NL))
		c->toks[k - 1].flags |= TF_DROP;
}

/* Removes the blanks and line break after tag k. */
static void
drop_right(struct compiler *c, size_t k)
{
	if (k + 1 < c->ntok && c->toks[k + 1].type == TOK_TEXT)
		c->toks[k + 1].flags |= TF_DROP;
}

/* No line break between tokens a and b. */
static bool
same_line(const struct compiler *c, size_t a, size_t b)
{
	size_t	 i;

	for (i = a + 1; i < b; i++)
		if (is_nl_text(&c->toks[i]))
			return false;
	return true;
}

/* Makes tag k standalone: its line's blanks and line break go. */
static void
make_alone(struct compiler *c, size_t k)
{
	drop_left(c, k);
	drop_right(c, k);
	c->toks[k].flags |= TF_ALONE;
}

/*
 * Blocks. Inside a parent (an override) the text around the tags is the
 * parent's, so only the inner side counts: an open tag followed by a line
 * break eats it, a close tag preceded by blanks eats them. Elsewhere (a
 * definition) the tag is standalone as usual, or the open and close tags
 * are a standalone pair on one line: the blanks before it become the
 * site's indentation and the line break stays.
 */
static void
standalone_block(struct compiler *c, size_t k)
{
	struct token	*t = &c->toks[k];
	size_t		 m = t->match;

	if (t->up != NONE && c->toks[t->up].type == TOK_PARENT) {
		if (right_clear(c, k)) {
			drop_right(c, k);
			t->flags |= TF_ALONE | TF_EATNL;
		}
		if (left_clear(c, m)) {
			drop_left(c, m);
			c->toks[m].flags |= TF_ALONE;
		}
		return;
	}
	if (left_clear(c, k) && right_clear(c, k)) {
		make_alone(c, k);
		t->flags |= TF_EATNL;
	} else if (left_clear(c, k) && right_clear(c, m) &&
	    same_line(c, k, m)) {
		drop_left(c, k);
		t->flags |= TF_ALONE;
	}
	if (left_clear(c, m) && right_clear(c, m))
		make_alone(c, m);
}

/* Applies the standalone-line rules to every tag. */
static void
standalone(struct compiler *c)
{
	struct token	*t;
	size_t		 k;

	for (k = 0; k < c->ntok; k++) {
		t = &c->toks[k];
		switch (t->type) {
		case TOK_TEXT:
		case TOK_VAR:
		case TOK_RAW:
			break;
		case TOK_PARENT:
			/* A pair: clear before the open, after the close. */
			if (left_clear(c, k) && right_clear(c, t->match)) {
				drop_left(c, k);
				drop_right(c, t->match);
				t->flags |= TF_ALONE;
				c->toks[t->match].flags |= TF_ALONE;
			}
			break;
		case TOK_BLOCK:
			standalone_block(c, k);
			break;
		case TOK_CLOSE:
			if (c->toks[t->match].type == TOK_PARENT ||
			    c->toks[t->match].type == TOK_BLOCK)
				break;	/* done with the open tag */
			/* FALLTHROUGH */
		default:
			if (left_clear(c, k) && right_clear(c, k))
				make_alone(c, k);
			break;
		}
	}
}

/* Number of blanks at the start of text token t. */
static size_t
blank_prefix(const struct compiler *c, const struct token *t)
{
	size_t	 i;

	for (i = t->start; i < t->end && is_blank(c->text[i]); i++)
		continue;
	return i - t->start;
}

/* The blanks before tag k on its line, as an indentation. */
static void
left_indent(const struct compiler *c, size_t k, uint32_t *off, uint32_t *len)
{
	const struct token	*p;

	*off = *len = 0;
	if (k == 0)
		return;
	p = &c->toks[k - 1];
	if (p->type == TOK_TEXT && !(p->flags & TF_NL) &&
	    (p->flags & TF_BLANK)) {
		*off = p->start;
		*len = p->end - p->start;
	}
}

/*
 * A block whose open tag ate its line break has intrinsic indentation: the
 * blanks starting its first line. They are stripped from every line of the
 * content here and become the site's indentation. Outer blocks come first,
 * so a nested block measures its indentation relative to the outer one.
 */
static void
strip_block(struct compiler *c, size_t k)
{
	struct token	*t = &c->toks[k], *u;
	uint32_t	 woff = 0, wlen = 0;
	size_t		 j, i;

	if (k + 2 < t->match && c->toks[k + 2].type == TOK_TEXT) {
		woff = c->toks[k + 2].start;
		wlen = (uint32_t)blank_prefix(c, &c->toks[k + 2]);
	}
	if (wlen > 0) {
		t->ioff = woff;
		t->ilen = wlen;
	} else
		left_indent(c, k, &t->ioff, &t->ilen);
	for (j = k + 2; j < t->match; j++) {
		u = &c->toks[j];
		if (u->type != TOK_TEXT || !(u->flags & TF_BOL))
			continue;
		for (i = 0; i < wlen && u->start < u->end &&
		    c->text[u->start] == c->text[woff + i]; i++)
			u->start++;
	}
}

/* Strips intrinsic indentation and records every site's indentation. */
static void
indentation(struct compiler *c)
{
	struct token	*t;
	size_t		 k;

	for (k = 0; k < c->ntok; k++) {
		t = &c->toks[k];
		if (t->type == TOK_BLOCK && (t->flags & TF_EATNL))
			strip_block(c, k);
	}
	for (k = 0; k < c->ntok; k++) {
		t = &c->toks[k];
		if ((t->type == TOK_PARTIAL || t->type == TOK_PARENT ||
		    t->type == TOK_BLOCK) && (t->flags & TF_ALONE) &&
		    !(t->flags & TF_EATNL))
			left_indent(c, k, &t->ioff, &t->ilen);
	}
}

/* Appends an op; its index, or -1 (err filled) on out of memory. */
static long
emit(struct compiler *c, enum op_type type, uint32_t off, uint32_t len,
    uint32_t pos)
{
	struct op	*o;
	size_t		 ncap;

	if (c->nops == c->opcap) {
		ncap = c->opcap ? c->opcap * 2 : 32;
		o = reallocarray(c->ops, ncap, sizeof(*o));
		if (o == NULL)
			return cerror(c, pos, MUSTACHE_ENOMEM, "out of memory");
		c->ops = o;
		c->opcap = ncap;
	}
	o = &c->ops[c->nops];
	memset(o, 0, sizeof(*o));
	o->type = (uint8_t)type;
	o->off = off;
	o->len = len;
	o->pos = pos;
	return (long)c->nops++;
}

/* Token t starts a line that is kept, so the line gets indented. */
static bool
wants_indent(const struct token *t)
{
	return (t->flags & TF_BOL) && !(t->flags & (TF_DROP | TF_ALONE));
}

/*
 * The first token of content [from, to) (a template or a block body): the
 * line break an open tag ate does not count.
 */
static size_t
content_start(const struct compiler *c, size_t from, size_t to)
{
	while (from < to && (c->toks[from].flags & TF_DROP) &&
	    !(c->toks[from].flags & TF_BOL))
		from++;
	return from;
}

/*
 * Emits OP_LEAD for content whose first token is first, unless its first
 * line is a standalone line that vanished.
 */
static int
emit_lead(struct compiler *c, size_t first, size_t to)
{
	const struct token	*t;

	if (first >= to)
		return 0;
	t = &c->toks[first];
	if ((t->flags & TF_BOL) && !wants_indent(t))
		return 0;
	return emit(c, OP_LEAD, 0, 0, t->start) == -1 ? -1 : 0;
}

static int emit_range(struct compiler *, size_t, size_t, bool, size_t);

/*
 * A section named "name|K" (K one digit) is a plural section: it renders
 * when the set's plural rule gives form K for the integer name. The name
 * looked up loses its suffix; K is kept in ioff.
 */
static void
plural_op(const struct compiler *c, struct op *o)
{
	const char	*nm = c->text + o->off;

	if (o->type != OP_SECTION || o->len < 3 || nm[o->len - 2] != '|' ||
	    nm[o->len - 1] < '0' || nm[o->len - 1] > '9')
		return;
	o->type = OP_PLURAL;
	o->ioff = (uint32_t)(nm[o->len - 1] - '0');
	o->len -= 2;
}

/* Emits the open tag k, its body and what its close tag needs. */
static int
emit_open(struct compiler *c, size_t k)
{
	static const uint8_t	 optype[TOK__MAX] = {
		[TOK_SECTION] = OP_SECTION, [TOK_INVERTED] = OP_INVERTED,
		[TOK_PARENT] = OP_PARENT, [TOK_BLOCK] = OP_BLOCK,
	};
	const struct token	*t = &c->toks[k], *cl = &c->toks[t->match];
	size_t			 first = SIZE_MAX;
	long			 i;

	i = emit(c, optype[t->type], t->name, t->nlen, t->start);
	if (i == -1)
		return -1;
	c->ops[i].ioff = t->ioff;
	c->ops[i].ilen = t->ilen;
	if (t->flags & TF_DYNAMIC)
		c->ops[i].flags |= OPF_DYNAMIC;
	if (t->flags & TF_ALONE)
		c->ops[i].flags |= OPF_ALONE;
	plural_op(c, &c->ops[i]);
	if (t->type == TOK_BLOCK) {
		first = content_start(c, k + 1, t->match);
		if (emit_lead(c, first, t->match) == -1)
			return -1;
	}
	if (emit_range(c, k + 1, t->match, t->type == TOK_PARENT, first) == -1)
		return -1;
	c->ops[i].end = (uint32_t)c->nops;
	if (wants_indent(cl) && emit(c, OP_INDENT, 0, 0, cl->start) == -1)
		return -1;
	return 0;
}

/* Emits the op of the non-section token k. */
static int
emit_tag(struct compiler *c, size_t k)
{
	const struct token	*t = &c->toks[k];
	long			 i = 0;

	switch (t->type) {
	case TOK_TEXT:
		if (!(t->flags & TF_DROP) && t->end > t->start)
			i = emit(c, OP_TEXT, t->start, t->end - t->start,
			    t->start);
		break;
	case TOK_VAR:
	case TOK_RAW:
		i = emit(c, t->type == TOK_VAR ? OP_VAR : OP_RAW, t->name,
		    t->nlen, t->start);
		break;
	case TOK_PARTIAL:
		if ((i = emit(c, OP_PARTIAL, t->name, t->nlen, t->start)) < 0)
			break;
		c->ops[i].ioff = t->ioff;
		c->ops[i].ilen = t->ilen;
		c->ops[i].flags = (uint8_t)(((t->flags & TF_DYNAMIC) ?
		    OPF_DYNAMIC : 0) | ((t->flags & TF_ALONE) ? OPF_ALONE : 0));
		break;
	default:	/* comments, delimiters */
		break;
	}
	return i == -1 ? -1 : 0;
}

/*
 * Emits ops for tokens [from, to); token lead_at got an OP_LEAD instead of
 * an OP_INDENT. Directly inside a parent only blocks count (they override
 * the parent's); other text and tags are ignored.
 */
static int
emit_range(struct compiler *c, size_t from, size_t to, bool parent_body,
    size_t lead_at)
{
	const struct token	*t;
	size_t			 k;

	for (k = from; k < to; k++) {
		t = &c->toks[k];
		if (parent_body) {
			if (t->type == TOK_BLOCK && emit_open(c, k) == -1)
				return -1;
			if (is_open(t))
				k = t->match;
			continue;
		}
		if (k != lead_at && wants_indent(t) &&
		    emit(c, OP_INDENT, 0, 0, t->start) == -1)
			return -1;
		if (is_open(t)) {
			if (emit_open(c, k) == -1)
				return -1;
			k = t->match;
		} else if (emit_tag(c, k) == -1)
			return -1;
	}
	return 0;
}

/* Compiles c->text into c->ops. */
static int
compile(struct compiler *c)
{
	if (lex(c) == -1 || match_tokens(c) == -1)
		return -1;
	standalone(c);
	indentation(c);
	if (emit_lead(c, 0, c->ntok) == -1)
		return -1;
	return emit_range(c, 0, c->ntok, false, 0);
}

/* Frees a template; NULL is a no-op. */
static void
tpl_free(struct tpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->text);
	free(t->ops);
	free(t);
}

struct mustache_set *
mustache_set_new(void)
{
	return calloc(1, sizeof(struct mustache_set));
}

void
mustache_set_free(struct mustache_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tpl_free(set->tpls[i]);
	free(set->tpls);
	free(set);
}

/* Compares a name of n bytes with template t's, for sorting. */
static int
name_cmp(const char *name, size_t n, const struct tpl *t)
{
	int	 rc;

	rc = memcmp(name, t->name, n < t->nlen ? n : t->nlen);
	if (rc != 0)
		return rc;
	return n < t->nlen ? -1 : n > t->nlen;
}

/*
 * Binary search for a name of n bytes; returns the template or NULL, and
 * in *at the index where it is or would be inserted.
 */
static const struct tpl *
find(const struct mustache_set *set, const char *name, size_t n, size_t *at)
{
	size_t	 lo = 0, hi = set->n, mid;
	int	 rc;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		rc = name_cmp(name, n, set->tpls[mid]);
		if (rc == 0) {
			lo = mid;
			break;
		}
		if (rc < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (at != NULL)
		*at = lo;
	if (lo < set->n && name_cmp(name, n, set->tpls[lo]) == 0)
		return set->tpls[lo];
	return NULL;
}

bool
mustache_set_has(const struct mustache_set *set, const char *name)
{
	return set != NULL && name != NULL &&
	    find(set, name, strlen(name), NULL) != NULL;
}

/* Copies name and text into a new template; NULL on out of memory. */
static struct tpl *
tpl_new(const char *name, size_t nlen, const char *text, size_t len)
{
	struct tpl	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->name = strndup(name, nlen);
	t->text = malloc(len + 1);
	if (t->name == NULL || t->text == NULL) {
		tpl_free(t);
		return NULL;
	}
	t->nlen = nlen;
	if (len > 0)
		memcpy(t->text, text, len);
	t->text[len] = '\0';
	t->len = len;
	return t;
}

/* Makes room for one more template in set; 0 or -1. */
static int
set_grow(struct mustache_set *set)
{
	struct tpl	**p;
	size_t		  ncap;

	if (set->n < set->cap)
		return 0;
	ncap = set->cap ? set->cap * 2 : 16;
	if ((p = reallocarray(set->tpls, ncap, sizeof(*p))) == NULL)
		return -1;
	set->tpls = p;
	set->cap = ncap;
	return 0;
}

/* Checks that name can be added to set; 0, or -1 with err filled. */
static int
check_name(const struct mustache_set *set, const char *name, size_t len,
    size_t *at, struct mustache_error *err)
{
	size_t	 n = strnlen(name, MUSTACHE_MAX_NAME + 1);

	if (n == 0 || n > MUSTACHE_MAX_NAME)
		return set_error(err, MUSTACHE_ENAME, name, n, NULL, 0,
		    "template name must be 1 to %u bytes", MUSTACHE_MAX_NAME);
	if (find(set, name, n, at) != NULL)
		return set_error(err, MUSTACHE_EDUPLICATE, name, n, NULL, 0,
		    "template '%s' already defined", name);
	if (set->n >= MUSTACHE_MAX_TEMPLATES)
		return set_error(err, MUSTACHE_ETOO_MANY, name, n, NULL, 0,
		    "more than %u templates", MUSTACHE_MAX_TEMPLATES);
	if (len > MUSTACHE_MAX_SIZE)
		return set_error(err, MUSTACHE_ESIZE, name, n, NULL, 0,
		    "template of %zu bytes exceeds %u", len,
		    MUSTACHE_MAX_SIZE);
	return 0;
}

int
mustache_set_add(struct mustache_set *set, const char *name,
    const char *text, size_t len, struct mustache_error *err)
{
	struct mustache_error	 dummy;
	struct compiler		 c;
	struct tpl		*t = NULL;
	size_t			 at;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	if (err == NULL)
		err = &dummy;
	if (set == NULL || name == NULL || (text == NULL && len > 0))
		return set_error(err, MUSTACHE_ENAME, "", 0, NULL, 0,
		    "no set, name or text");
	if (check_name(set, name, len, &at, err) == -1)
		return -1;
	if ((t = tpl_new(name, strlen(name), text, len)) == NULL ||
	    set_grow(set) == -1) {
		(void)set_error(err, MUSTACHE_ENOMEM, name, strlen(name),
		    NULL, 0, "out of memory");
		goto out;
	}
	c.tname = t->name;
	c.text = t->text;
	c.len = t->len;
	c.err = err;
	if (compile(&c) == -1)
		goto out;
	t->ops = c.ops;
	t->nops = c.nops;
	c.ops = NULL;
	memmove(set->tpls + at + 1, set->tpls + at,
	    (set->n - at) * sizeof(*set->tpls));
	set->tpls[at] = t;
	set->n++;
	t = NULL;
	rc = 0;
out:
	free(c.toks);
	free(c.ops);
	tpl_free(t);
	return rc;
}

/* Reads the whole file at path (at most MUSTACHE_MAX_SIZE bytes). */
static int
read_file(const char *path, const char *name, char **text, size_t *len,
    struct mustache_error *err)
{
	struct stat	 st;
	char		*p = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		(void)set_error(err, MUSTACHE_EIO, name, strlen(name), NULL,
		    0, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > MUSTACHE_MAX_SIZE) {
		(void)set_error(err, MUSTACHE_ESIZE, name, strlen(name), NULL,
		    0, "%s: larger than %u bytes", path, MUSTACHE_MAX_SIZE);
		goto out;
	}
	if ((p = malloc((size_t)st.st_size + 1)) == NULL) {
		(void)set_error(err, MUSTACHE_ENOMEM, name, strlen(name),
		    NULL, 0, "out of memory");
		goto out;
	}
	while (n < (size_t)st.st_size) {
		r = read(fd, p + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			(void)set_error(err, MUSTACHE_EIO, name, strlen(name),
			    NULL, 0, "%s: %s", path,
			    r == 0 ? "file shrank" : strerror(errno));
			goto out;
		}
		n += (size_t)r;
	}
	*text = p;
	*len = n;
	p = NULL;
	rc = 0;
out:
	free(p);
	if (fd != -1)
		close(fd);
	return rc;
}

/* Adds the template file path under the name rel less its suffix. */
static int
load_file(struct mustache_set *set, const char *path, const char *rel,
    const struct loader *ld, struct mustache_error *err)
{
	char		 name[MUSTACHE_MAX_NAME + 1];
	char		*text = NULL;
	size_t		 len = 0, n = strlen(rel) - strlen(SUFFIX);
	struct buf	 out;
	int		 rc = -1;

	buf_init(&out, MUSTACHE_MAX_SIZE);

	if (n > MUSTACHE_MAX_NAME) {
		(void)set_error(err, MUSTACHE_ENAME, rel, strlen(rel), NULL, 0,
		    "template name longer than %u bytes", MUSTACHE_MAX_NAME);
		goto out;
	}
	memcpy(name, rel, n);
	name[n] = '\0';
	if (read_file(path, name, &text, &len, err) == -1)
		goto out;
	if (ld->filter != NULL) {
		if (ld->filter(ld->arg, name, text, len, &out, err) == -1)
			goto out;
		if (buf_failed(&out)) {
			(void)set_error(err, MUSTACHE_ESIZE, name, strlen(name),
			    NULL, 0, "larger than %u bytes once filtered",
			    MUSTACHE_MAX_SIZE);
			goto out;
		}
		if (mustache_set_add(set, name, buf_str(&out), out.len, err) == -1)
			goto out;
	} else if (mustache_set_add(set, name, text, len, err) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&out);
	free(text);
	return rc;
}

/* True when name ends in ".mustache" and has something before it. */
static bool
is_template_file(const char *name)
{
	size_t	 n = strlen(name), s = strlen(SUFFIX);

	return n > s && strcmp(name + n - s, SUFFIX) == 0;
}

static int load_tree(struct mustache_set *, const char *, const char *,
    unsigned, const struct loader *, struct mustache_error *);

/* Handles directory entry ent of dir (whose name relative to the root is rel). */
static int
load_entry(struct mustache_set *set, const char *dir, const char *rel,
    const char *ent, unsigned depth, const struct loader *ld,
    struct mustache_error *err)
{
	char		 path[PATH_MAX], sub[PATH_MAX];
	struct stat	 st;
	int		 n, m;

	n = snprintf(path, sizeof(path), "%s/%s", dir, ent);
	m = rel[0] == '\0' ? snprintf(sub, sizeof(sub), "%s", ent) :
	    snprintf(sub, sizeof(sub), "%s/%s", rel, ent);
	if (n < 0 || (size_t)n >= sizeof(path) || m < 0 ||
	    (size_t)m >= sizeof(sub))
		return set_error(err, MUSTACHE_ENAME, ent, strlen(ent), NULL,
		    0, "%s/%s: path too long", dir, ent);
	if (stat(path, &st) == -1)
		return set_error(err, MUSTACHE_EIO, sub, strlen(sub), NULL, 0,
		    "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		if (depth >= MUSTACHE_MAX_DIR_DEPTH)
			return set_error(err, MUSTACHE_EDEPTH, sub,
			    strlen(sub), NULL, 0, "%s: more than %u levels "
			    "of directories", path, MUSTACHE_MAX_DIR_DEPTH);
		return load_tree(set, path, sub, depth + 1, ld, err);
	}
	if (S_ISREG(st.st_mode) && is_template_file(ent))
		return load_file(set, path, sub, ld, err);
	return 0;
}

/* Loads every template below dir, whose name relative to the root is rel. */
static int
load_tree(struct mustache_set *set, const char *dir, const char *rel,
    unsigned depth, const struct loader *ld, struct mustache_error *err)
{
	DIR		*d = NULL;
	struct dirent	*de;
	int		 rc = -1;

	if ((d = opendir(dir)) == NULL) {
		(void)set_error(err, MUSTACHE_EIO, rel, strlen(rel), NULL, 0,
		    "%s: %s", dir, strerror(errno));
		goto out;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (de->d_name[0] == '.')
			continue;
		if (load_entry(set, dir, rel, de->d_name, depth, ld, err) == -1)
			goto out;
	}
	if (errno != 0) {
		(void)set_error(err, MUSTACHE_EIO, rel, strlen(rel), NULL, 0,
		    "%s: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (d != NULL)
		closedir(d);
	return rc;
}

int
mustache_set_load_dir(struct mustache_set *set, const char *dir,
    struct mustache_error *err)
{
	return mustache_set_load_dir_filtered(set, dir, NULL, NULL, err);
}

int
mustache_set_load_dir_filtered(struct mustache_set *set, const char *dir,
    mustache_filter_fn filter, void *arg, struct mustache_error *err)
{
	struct mustache_error	 dummy;
	struct loader		 ld = { filter, arg };

	if (err == NULL)
		err = &dummy;
	if (set == NULL || dir == NULL)
		return set_error(err, MUSTACHE_EIO, "", 0, NULL, 0,
		    "no set or directory");
	return load_tree(set, dir, "", 0, &ld, err);
}

void
mustache_set_plural(struct mustache_set *set, mustache_plural_fn rule,
    const void *arg)
{
	set->plural = rule;
	set->plural_arg = arg;
}

int
mustache_set_check(const struct mustache_set *set, struct mustache_error *err)
{
	struct mustache_error	 dummy;
	const struct tpl	*t;
	const struct op		*o;
	size_t			 i, j;

	if (err == NULL)
		err = &dummy;
	if (set == NULL)
		return set_error(err, MUSTACHE_EUNKNOWN_TEMPLATE, "", 0, NULL,
		    0, "no set");
	for (i = 0; i < set->n; i++) {
		t = set->tpls[i];
		for (j = 0; j < t->nops; j++) {
			o = &t->ops[j];
			if ((o->type != OP_PARTIAL && o->type != OP_PARENT) ||
			    (o->flags & OPF_DYNAMIC) ||
			    find(set, t->text + o->off, o->len, NULL) != NULL)
				continue;
			return set_error(err, MUSTACHE_EUNKNOWN_PARTIAL,
			    t->name, t->nlen, t->text, o->pos,
			    "unknown %s '%.*s'", o->type == OP_PARTIAL ?
			    "partial" : "parent", plen(o->len),
			    t->text + o->off);
		}
	}
	return 0;
}

/* A render error at op o of template t (o may be NULL). */
static int
rerror(struct render *r, const struct tpl *t, const struct op *o,
    enum mustache_code code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
rerror(struct render *r, const struct tpl *t, const struct op *o,
    enum mustache_code code, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[160];

	if (r->err->code != MUSTACHE_OK)
		return -1;	/* keep the first error */
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	return set_error(r->err, code, t->name, t->nlen,
	    o != NULL ? t->text : NULL, o != NULL ? o->pos : 0, "%s", msg);
}

/* Checks the output buffer after an append that returned rc. */
static int
out_check(struct render *r, const struct tpl *t, const struct op *o, int rc)
{
	if (rc == 0 && !buf_failed(r->out))
		return 0;
	return rerror(r, t, o, MUSTACHE_EOUTPUT,
	    "output over %zu bytes or out of memory", r->out->max);
}

/*
 * Resolves a (dotted) name in the context stack: "." is the top; the first
 * part is looked up from the top down, the others in the value found.
 */
static const struct view *
lookup(const struct render *r, const char *name, size_t n)
{
	const struct view	*v = NULL;
	const char		*dot;
	size_t			 i, seg;

	if (n == 1 && name[0] == '.')
		return r->ctx[r->nctx - 1];
	dot = memchr(name, '.', n);
	seg = dot != NULL ? (size_t)(dot - name) : n;
	for (i = r->nctx; i-- > 0; )
		if ((v = view_get(r->ctx[i], name, seg)) != NULL)
			break;
	while (v != NULL && seg < n) {
		name += seg + 1;
		n -= seg + 1;
		dot = memchr(name, '.', n);
		seg = dot != NULL ? (size_t)(dot - name) : n;
		v = view_get(v, name, seg);
	}
	return v;
}

/* Writes the indentation of the innermost standalone sites. */
static int
put_indent(struct render *r, const struct tpl *t, const struct op *o)
{
	size_t	 i = r->nind, j;
	int	 rc = 0;

	while (i > 0 && !r->ind[i - 1].reset)
		i--;
	for (j = i; j < r->nind && rc == 0; j++)
		rc = buf_append(r->out, r->ind[j].s, r->ind[j].n);
	return out_check(r, t, o, rc);
}

/* Writes the value of a variable, HTML-escaped when esc says so. */
static int
put_var(struct render *r, const struct tpl *t, const struct op *o)
{
	const struct view	*v = lookup(r, t->text + o->off, o->len);
	const char		*s;
	char			 num[32];
	size_t			 n = 0;
	int			 rc = 0, len;

	switch (view_type(v)) {
	case VIEW_BOOL:
		rc = buf_puts(r->out, view_integer(v) ? "true" : "false");
		break;
	case VIEW_INT:
		len = snprintf(num, sizeof(num), "%" PRId64, view_integer(v));
		rc = len < 0 || (size_t)len >= sizeof(num) ? -1 :
		    buf_append(r->out, num, (size_t)len);
		break;
	case VIEW_STR:
		s = view_string(v, &n);
		if (o->type == OP_VAR && r->esc == MUSTACHE_HTML)
			rc = buf_append_html(r->out, s, n);
		else
			rc = buf_append(r->out, s, n);
		break;
	default:	/* null, missing, lists and maps print nothing */
		break;
	}
	return out_check(r, t, o, rc);
}

static int render_ops(struct render *, const struct tpl *, size_t, size_t,
    bool);

/* Counts one op or loop iteration against MUSTACHE_MAX_STEPS. */
static int
step(struct render *r, const struct tpl *t, const struct op *o)
{
	if (++r->steps <= MUSTACHE_MAX_STEPS)
		return 0;
	return rerror(r, t, o, MUSTACHE_ESTEPS, "more than %u steps (nested "
	    "loops over big lists?)", MUSTACHE_MAX_STEPS);
}

/* Renders the body of section op i with v on top of the context stack. */
static int
section_with(struct render *r, const struct tpl *t, size_t i,
    const struct view *v)
{
	int	 rc;

	if (step(r, t, &t->ops[i]) == -1)
		return -1;
	if (r->nctx == MUSTACHE_MAX_CONTEXT)
		return rerror(r, t, &t->ops[i], MUSTACHE_ECONTEXT,
		    "sections nested deeper than %u", MUSTACHE_MAX_CONTEXT);
	r->ctx[r->nctx++] = v;
	rc = render_ops(r, t, i + 1, t->ops[i].end, false);
	r->nctx--;
	return rc;
}

/* A section repeats over a list, or renders once for a true value. */
static int
section(struct render *r, const struct tpl *t, size_t i)
{
	const struct op		*o = &t->ops[i];
	const struct view	*v = lookup(r, t->text + o->off, o->len);
	size_t			 k, n;

	if (o->type == OP_INVERTED)
		return view_truthy(v) ? 0 :
		    render_ops(r, t, i + 1, o->end, false);
	if (view_type(v) == VIEW_LIST) {
		n = view_len(v);
		for (k = 0; k < n; k++)
			if (section_with(r, t, i, view_at(v, k)) == -1)
				return -1;
		return 0;
	}
	return view_truthy(v) ? section_with(r, t, i, v) : 0;
}

/* A plural section renders when its variable's plural form is the op's. */
static int
plural_section(struct render *r, const struct tpl *t, size_t i)
{
	const struct op		*o = &t->ops[i];
	const struct view	*v = lookup(r, t->text + o->off, o->len);
	int64_t			 n = view_type(v) == VIEW_INT ? view_integer(v) : 0;
	unsigned		 form;

	if (n < 0)
		n = -n;
	form = r->set->plural != NULL ? r->set->plural(n, r->set->plural_arg) :
	    n != 1;
	return form == o->ioff ? render_ops(r, t, i + 1, o->end, false) : 0;
}

/* The template a partial or parent op names, or NULL. */
static const struct tpl *
target(const struct render *r, const struct tpl *t, const struct op *o)
{
	const char	*name;
	size_t		 n;

	if (!(o->flags & OPF_DYNAMIC))
		return find(r->set, t->text + o->off, o->len, NULL);
	name = view_string(lookup(r, t->text + o->off, o->len), &n);
	return name != NULL ? find(r->set, name, n, NULL) : NULL;
}

/*
 * Enters an expansion site (partial, parent or block) of template t: a
 * standalone site adds its indentation to the outer one, an inline site
 * cuts it off.
 */
static int
enter(struct render *r, const struct tpl *t, const struct op *o)
{
	struct indent	*in;

	if (r->nind == MUSTACHE_MAX_PARTIAL_DEPTH)
		return rerror(r, t, o, MUSTACHE_EPARTIAL_DEPTH,
		    "partials nested deeper than %u",
		    MUSTACHE_MAX_PARTIAL_DEPTH);
	in = &r->ind[r->nind++];
	in->reset = !(o->flags & OPF_ALONE);
	in->s = t->text + o->ioff;
	in->n = in->reset ? 0 : o->ilen;
	return 0;
}

/* Renders the partial op o of template t. */
static int
partial(struct render *r, const struct tpl *t, const struct op *o)
{
	const struct tpl	*p;
	int			 rc;

	if ((p = target(r, t, o)) == NULL)
		return 0;	/* the spec wants nothing; see set_check */
	if (enter(r, t, o) == -1)
		return -1;
	rc = render_ops(r, p, 0, p->nops, (o->flags & OPF_ALONE) != 0);
	r->nind--;
	return rc;
}

/* Renders the parent op i of t, its blocks overriding the parent's. */
static int
parent(struct render *r, const struct tpl *t, size_t i)
{
	const struct op		*o = &t->ops[i];
	const struct tpl	*p;
	int			 rc;

	if ((p = target(r, t, o)) == NULL)
		return 0;
	if (enter(r, t, o) == -1)
		return -1;
	r->par[r->npar].tpl = t;
	r->par[r->npar++].op = i;
	rc = render_ops(r, p, 0, p->nops, (o->flags & OPF_ALONE) != 0);
	r->npar--;
	r->nind--;
	return rc;
}

/*
 * Renders the block op i of t: the outermost override of its name passed
 * down by the parent tags being rendered, else its own content.
 */
static int
block(struct render *r, const struct tpl *t, size_t i)
{
	const struct op		*o = &t->ops[i], *po, *b;
	const struct tpl	*ct = t, *pt;
	size_t			 k, j, ci = i;
	int			 rc;

	for (k = 0; k < r->npar && ct == t && ci == i; k++) {
		pt = r->par[k].tpl;
		po = &pt->ops[r->par[k].op];
		for (j = r->par[k].op + 1; j < po->end; j = b->end) {
			b = &pt->ops[j];
			if (b->len == o->len && memcmp(pt->text + b->off,
			    t->text + o->off, o->len) == 0) {
				ct = pt;
				ci = j;
				break;
			}
		}
	}
	if (enter(r, t, o) == -1)
		return -1;
	rc = render_ops(r, ct, ci + 1, ct->ops[ci].end,
	    (o->flags & OPF_ALONE) != 0);
	r->nind--;
	return rc;
}

/* Renders ops [from, to) of t; lead: the site indents an OP_LEAD. */
static int
render_ops(struct render *r, const struct tpl *t, size_t from, size_t to,
    bool lead)
{
	const struct op	*o;
	size_t		 i;
	int		 rc = 0;

	for (i = from; i < to && rc == 0; i++) {
		o = &t->ops[i];
		if (step(r, t, o) == -1)
			return -1;
		switch (o->type) {
		case OP_TEXT:
			rc = out_check(r, t, o,
			    buf_append(r->out, t->text + o->off, o->len));
			break;
		case OP_LEAD:
			rc = lead ? put_indent(r, t, o) : 0;
			break;
		case OP_INDENT:
			rc = put_indent(r, t, o);
			break;
		case OP_VAR:
		case OP_RAW:
			rc = put_var(r, t, o);
			break;
		case OP_PARTIAL:
			rc = partial(r, t, o);
			break;
		case OP_SECTION:
		case OP_INVERTED:
			rc = section(r, t, i);
			i = o->end - 1;
			break;
		case OP_PLURAL:
			rc = plural_section(r, t, i);
			i = o->end - 1;
			break;
		case OP_PARENT:
			rc = parent(r, t, i);
			i = o->end - 1;
			break;
		case OP_BLOCK:
			rc = block(r, t, i);
			i = o->end - 1;
			break;
		}
	}
	return rc;
}

int
mustache_render(const struct mustache_set *set, const char *name,
    const struct view *data, enum mustache_escape esc, struct buf *out,
    struct mustache_error *err)
{
	struct mustache_error	 dummy;
	struct render		 r;
	const struct tpl	*t;

	if (err == NULL)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	if (set == NULL || name == NULL || out == NULL)
		return set_error(err, MUSTACHE_EUNKNOWN_TEMPLATE, "", 0, NULL,
		    0, "no set, name or output");
	if ((t = find(set, name, strlen(name), NULL)) == NULL)
		return set_error(err, MUSTACHE_EUNKNOWN_TEMPLATE, name,
		    strlen(name), NULL, 0, "unknown template '%.*s'",
		    plen(strlen(name)), name);
	r.set = set;
	r.esc = esc;
	r.out = out;
	r.err = err;
	r.ctx[0] = data;
	r.nctx = 1;
	r.nind = r.npar = r.steps = 0;
	if (buf_failed(out))
		return out_check(&r, t, NULL, -1);
	return render_ops(&r, t, 0, t->nops, false);
}
