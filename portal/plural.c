#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "plural.h"

enum plural_op {
	P_NUM, P_N, P_NOT, P_MUL, P_DIV, P_MOD, P_ADD, P_SUB, P_LT, P_GT,
	P_LE, P_GE, P_EQ, P_NE, P_AND, P_OR, P_COND, P__MAX
};

/* The binary operators by precedence level, loosest first (after ?:). */
struct binop {
	const char	*tok;
	enum plural_op	 op;
};
static const struct binop level_or[] = { { "||", P_OR }, { NULL, 0 } };
static const struct binop level_and[] = { { "&&", P_AND }, { NULL, 0 } };
static const struct binop level_eq[] = { { "==", P_EQ }, { "!=", P_NE },
    { NULL, 0 } };
static const struct binop level_rel[] = { { "<=", P_LE }, { ">=", P_GE },
    { "<", P_LT }, { ">", P_GT }, { NULL, 0 } };
static const struct binop level_add[] = { { "+", P_ADD }, { "-", P_SUB },
    { NULL, 0 } };
static const struct binop level_mul[] = { { "*", P_MUL }, { "/", P_DIV },
    { "%", P_MOD }, { NULL, 0 } };
static const struct binop *const levels[] = { level_or, level_and, level_eq,
    level_rel, level_add, level_mul };
#define NLEVELS	(sizeof(levels) / sizeof(levels[0]))

struct parser {
	struct plural	*p;
	const char	*s;
	size_t		 pos;
	unsigned	 depth;
	char		*err;
	size_t		 errsz;
	bool		 failed;
};

static int
fail(struct parser *ps, const char *what)
{
	if (!ps->failed)
		(void)snprintf(ps->err, ps->errsz, "%s at byte %zu", what,
		    ps->pos + 1);
	ps->failed = true;
	return -1;
}

static void
skip_space(struct parser *ps)
{
	while (ps->s[ps->pos] == ' ' || ps->s[ps->pos] == '\t' ||
	    ps->s[ps->pos] == '\n' || ps->s[ps->pos] == '\r')
		ps->pos++;
}

/* Consumes tok (after blanks) when it is next; "<" never eats "<=". */
static bool
accept(struct parser *ps, const char *tok)
{
	size_t	n = strlen(tok);

	skip_space(ps);
	if (strncmp(ps->s + ps->pos, tok, n) != 0)
		return false;
	if (n == 1 && (tok[0] == '<' || tok[0] == '>' || tok[0] == '!') &&
	    ps->s[ps->pos + 1] == '=')
		return false;
	ps->pos += n;
	return true;
}

/* A new node; its index, or -1 when the rule is too big. */
static int
node(struct parser *ps, enum plural_op op, int a, int b, int c, uint64_t v)
{
	struct plural_node	*nd;

	if (a < 0 || b < 0 || c < 0)
		return -1;
	if (ps->p->nnodes >= PLURAL_MAX_NODES)
		return fail(ps, "rule too long");
	nd = &ps->p->nodes[ps->p->nnodes];
	nd->op = (uint8_t)op;
	nd->a = (uint8_t)a;
	nd->b = (uint8_t)b;
	nd->c = (uint8_t)c;
	nd->value = v;
	return (int)ps->p->nnodes++;
}

static int ternary(struct parser *);

static int
primary(struct parser *ps)
{
	uint64_t	v = 0;
	int		r;

	skip_space(ps);
	if (accept(ps, "(")) {
		r = ternary(ps);
		if (r >= 0 && !accept(ps, ")"))
			return fail(ps, "')' expected");
		return r;
	}
	if (accept(ps, "n"))
		return node(ps, P_N, 0, 0, 0, 0);
	if (ps->s[ps->pos] < '0' || ps->s[ps->pos] > '9')
		return fail(ps, "n, a number or '(' expected");
	while (ps->s[ps->pos] >= '0' && ps->s[ps->pos] <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return fail(ps, "number too large");
		v = v * 10 + (uint64_t)(ps->s[ps->pos++] - '0');
	}
	return node(ps, P_NUM, 0, 0, 0, v);
}

static int
unary(struct parser *ps)
{
	int	r;

	if (accept(ps, "!")) {
		if (++ps->depth > PLURAL_MAX_DEPTH)
			return fail(ps, "rule nested too deeply");
		r = unary(ps);
		ps->depth--;
		return node(ps, P_NOT, r, 0, 0, 0);
	}
	return primary(ps);
}

/* A left-associative chain of the operators of level lv and tighter ones. */
static int
binary(struct parser *ps, size_t lv)
{
	const struct binop	*b;
	int			 l, r;

	if (lv == NLEVELS)
		return unary(ps);
	if ((l = binary(ps, lv + 1)) < 0)
		return -1;
	for (;;) {
		for (b = levels[lv]; b->tok != NULL; b++)
			if (accept(ps, b->tok))
				break;
		if (b->tok == NULL)
			return l;
		if ((r = binary(ps, lv + 1)) < 0)
			return -1;
		if ((l = node(ps, b->op, l, r, 0, 0)) < 0)
			return -1;
	}
}

static int
ternary(struct parser *ps)
{
	int	c, a, b;

	if (++ps->depth > PLURAL_MAX_DEPTH)
		return fail(ps, "rule nested too deeply");
	c = binary(ps, 0);
	if (c >= 0 && accept(ps, "?")) {
		a = ternary(ps);
		if (a >= 0 && !accept(ps, ":"))
			return fail(ps, "':' expected");
		b = a >= 0 ? ternary(ps) : -1;
		c = node(ps, P_COND, c, a, b, 0);
	}
	ps->depth--;
	return c;
}

/* Reads "nplurals=N;" at the start of s; the position after it, or -1. */
static int
read_nplurals(struct parser *ps)
{
	skip_space(ps);
	if (!accept(ps, "nplurals") || !accept(ps, "="))
		return fail(ps, "'nplurals=' expected");
	skip_space(ps);
	if (ps->s[ps->pos] < '1' || ps->s[ps->pos] > '0' + PLURAL_MAX_FORMS ||
	    (ps->s[ps->pos + 1] >= '0' && ps->s[ps->pos + 1] <= '9'))
		return fail(ps, "nplurals must be 1 to 6");
	ps->p->nplurals = (unsigned)(ps->s[ps->pos++] - '0');
	if (!accept(ps, ";"))
		return fail(ps, "';' expected after nplurals");
	return 0;
}

int
plural_parse(struct plural *p, const char *forms, char *err, size_t errsz)
{
	struct parser	 ps;
	int		 root;

	memset(p, 0, sizeof(*p));
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.s = forms;
	ps.err = err;
	ps.errsz = errsz;
	if (forms == NULL || strnlen(forms, PLURAL_MAX_TEXT + 1) > PLURAL_MAX_TEXT) {
		(void)snprintf(err, errsz, "no Plural-Forms, or longer than %u bytes",
		    PLURAL_MAX_TEXT);
		return -1;
	}
	if (read_nplurals(&ps) == -1)
		goto bad;
	if (!accept(&ps, "plural") || !accept(&ps, "=")) {
		(void)fail(&ps, "'plural=' expected");
		goto bad;
	}
	if ((root = ternary(&ps)) < 0)
		goto bad;
	(void)accept(&ps, ";");
	skip_space(&ps);
	if (ps.s[ps.pos] != '\0') {
		(void)fail(&ps, "unexpected text after the rule");
		goto bad;
	}
	p->root = (unsigned)root;
	return 0;
bad:
	memset(p, 0, sizeof(*p));
	return -1;
}

void
plural_english(struct plural *p)
{
	char	err[8];

	(void)plural_parse(p, "nplurals=2; plural=(n != 1);", err, sizeof(err));
}

/* Evaluates node i; division by zero gives 0, as it cannot be a form. */
static uint64_t
eval(const struct plural *p, unsigned i, uint64_t n)
{
	const struct plural_node	*nd = &p->nodes[i];
	uint64_t			 a, b;

	switch (nd->op) {
	case P_NUM: return nd->value;
	case P_N: return n;
	case P_NOT: return !eval(p, nd->a, n);
	case P_COND:
		return eval(p, nd->a, n) ? eval(p, nd->b, n) : eval(p, nd->c, n);
	case P_AND: return eval(p, nd->a, n) && eval(p, nd->b, n);
	case P_OR: return eval(p, nd->a, n) || eval(p, nd->b, n);
	default:
		break;
	}
	a = eval(p, nd->a, n);
	b = eval(p, nd->b, n);
	switch (nd->op) {
	case P_MUL: return a * b;
	case P_DIV: return b == 0 ? 0 : a / b;
	case P_MOD: return b == 0 ? 0 : a % b;
	case P_ADD: return a + b;
	case P_SUB: return a - b;
	case P_LT: return a < b;
	case P_GT: return a > b;
	case P_LE: return a <= b;
	case P_GE: return a >= b;
	case P_EQ: return a == b;
	case P_NE: return a != b;
	default: return 0;
	}
}

unsigned
plural_form(const struct plural *p, uint64_t n)
{
	uint64_t	f;

	if (p == NULL || p->nnodes == 0)
		return n != 1;
	f = eval(p, p->root, n);
	return f < p->nplurals ? (unsigned)f : 0;
}
