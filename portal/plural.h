#ifndef PORTAL_PLURAL_H
#define PORTAL_PLURAL_H

#include <stdint.h>

/*
 * GNU gettext plural rules, as a PO header's Plural-Forms value gives them:
 * "nplurals=2; plural=(n != 1);" (English, Spanish), "nplurals=2;
 * plural=(n > 1);" (French: 0 and 1 are singular). The expression is the
 * C subset gettext accepts: n, decimal numbers, ( ), ! * / % + - < > <= >=
 * == != && || and ?:, with C's precedence. It is parsed once into a small
 * tree; evaluating it allocates nothing.
 */
#define PLURAL_MAX_FORMS	6	/* nplurals 1..6 */
#define PLURAL_MAX_NODES	64	/* operators and operands of one rule */
#define PLURAL_MAX_DEPTH	24	/* nesting of parentheses and operators */
#define PLURAL_MAX_TEXT		256	/* bytes of a Plural-Forms value */

struct plural_node {
	uint8_t		 op;
	uint8_t		 a, b, c;	/* operand nodes */
	uint64_t	 value;		/* a number */
};

struct plural {
	unsigned		 nplurals;
	struct plural_node	 nodes[PLURAL_MAX_NODES];
	unsigned		 nnodes;
	unsigned		 root;
};

/* The rule of English and of the source text: n != 1. */
void plural_english(struct plural *p);
/*
 * Parses a Plural-Forms value into p; 0, or -1 with a message in err
 * (what is wrong and at which byte).
 */
int plural_parse(struct plural *p, const char *forms, char *err, size_t errsz);
/* The form (0 .. nplurals-1) for the number n; out-of-range results give 0. */
unsigned plural_form(const struct plural *p, uint64_t n);

#endif
