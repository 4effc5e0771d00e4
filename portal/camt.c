#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "arena.h"
#include "camt.h"
#include "credit.h"
#include "date.h"
#include "money.h"

/* camt.053.001.02 .. .08: this prefix and one digit from 2 to 8. */
#define CAMT_NS_PREFIX	"urn:iso:std:iso:20022:tech:xsd:camt.053.001.0"

/*
 * No network, no messages on stderr (we report the error ourselves), line
 * numbers past 65535 in messages. Not
 * set, on purpose: NOENT (substitute entities), DTDLOAD, DTDATTR,
 * DTDVALID, XINCLUDE and HUGE (lift libxml2's size and depth limits).
 */
#define CAMT_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | \
	XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES)

static const char *const messages[CAMT_ERR__MAX] = {
	[CAMT_OK] = "no error",
	[CAMT_ERR_ARGS] = "invalid arguments",
	[CAMT_ERR_SIZE] = "the file is empty or too large",
	[CAMT_ERR_XML] = "the file is not well-formed XML",
	[CAMT_ERR_DTD] = "document type declarations are not allowed",
	[CAMT_ERR_NOT_CAMT] = "not a camt.053 bank statement (versions "
	    "001.02 to 001.08)",
	[CAMT_ERR_LIMIT] = "too many entries or transactions",
	[CAMT_ERR_REFERENCE] = "an entry has no reference, or the same as "
	    "another",
	[CAMT_ERR_STATUS] = "an entry has no status, or an unknown one",
	[CAMT_ERR_AMOUNT] = "an amount is missing, malformed, not above zero "
	    "or has too many decimals",
	[CAMT_ERR_CURRENCY] = "a currency is missing, not supported or "
	    "differs from its entry's",
	[CAMT_ERR_INDICATOR] = "a credit/debit or reversal indicator is "
	    "invalid",
	[CAMT_ERR_DATE] = "a booking date is missing or invalid",
	[CAMT_ERR_SUM] = "the transactions of an entry do not add up to it",
	[CAMT_ERR_TEXT] = "a reference, name or text is too long",
	[CAMT_ERR_MEMORY] = "out of memory",
};

const char *
camt_strerror(enum camt_err err)
{
	if ((unsigned)err >= CAMT_ERR__MAX)
		return "unknown error";
	return messages[err];
}

struct camt {
	struct arena		*a;
	struct credit_list	*out;
	const xmlChar		*ns;		/* the document's namespace */
	const char		*account;	/* of the statement being read */
	char			*err;
	size_t			 errsz;
	unsigned		 entries;	/* Ntry elements so far */
};

/* What is known of the entry being read. */
struct entry {
	xmlNode		*node;
	unsigned		 pos;		/* 1-based among all entries */
	const char		*ref;		/* NULL until read */
	const char		*bank_ref;	/* the entry's AcctSvcrRef, or "" */
	enum credit_kind	 kind;
	struct date		 booked;
	int64_t			 cents;
	char			 currency[4];
};

static void
vsay(struct camt *c, const char *prefix, const char *fmt, va_list ap)
{
	int	 n;

	if (c->errsz == 0)
		return;
	n = snprintf(c->err, c->errsz, "%s", prefix);
	if (n >= 0 && (size_t)n < c->errsz)
		(void)vsnprintf(c->err + n, c->errsz - (size_t)n, fmt, ap);
}

/* Records a document-level fault; returns e. */
static enum camt_err
say(struct camt *c, enum camt_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum camt_err
say(struct camt *c, enum camt_err e, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsay(c, "", fmt, ap);
	va_end(ap);
	return e;
}

/* Records a fault of en, prefixed with its place, reference and line; returns e. */
static enum camt_err
entry_fail(struct camt *c, const struct entry *en, enum camt_err e,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum camt_err
entry_fail(struct camt *c, const struct entry *en, enum camt_err e,
    const char *fmt, ...)
{
	char	 prefix[128];
	va_list	 ap;

	(void)snprintf(prefix, sizeof(prefix), "entry %u (%s, line %ld): ",
	    en->pos, en->ref != NULL ? en->ref : "no reference",
	    xmlGetLineNo(en->node));
	va_start(ap, fmt);
	vsay(c, prefix, fmt, ap);
	va_end(ap);
	return e;
}

/* True when n is an element of the document's namespace called name. */
static bool
is_el(const struct camt *c, xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    xmlStrEqual(n->ns->href, c->ns) &&
	    xmlStrEqual(n->name, (const xmlChar *)name);
}

/* The first element called name at or after n among its siblings. */
static xmlNode *
sibling(const struct camt *c, xmlNode *n, const char *name)
{
	for (; n != NULL; n = n->next)
		if (is_el(c, n, name))
			return n;
	return NULL;
}

static xmlNode *
child(const struct camt *c, xmlNode *n, const char *name)
{
	return n == NULL ? NULL : sibling(c, n->children, name);
}

/* The element at path ("A/B/C", first match at each step) under n, or NULL. */
static xmlNode *
find(const struct camt *c, xmlNode *n, const char *path)
{
	char		 step[32];
	const char	*p = path, *slash;
	size_t		 len;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len >= sizeof(step))
			return NULL;
		memcpy(step, p, len);
		step[len] = '\0';
		n = child(c, n, step);
		p += len + (slash != NULL);
	}
	return n;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* s trimmed, runs of white space as one space, into the arena (NULL on out of memory). */
static char *
squeeze(struct arena *a, const char *s)
{
	char	*out, *o;

	if ((out = arena_alloc(a, strlen(s) + 1)) == NULL)
		return NULL;
	o = out;
	for (; *s != '\0'; s++) {
		if (!is_space(*s))
			*o++ = *s;
		else if (o > out && !is_space(s[1]) && s[1] != '\0')
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/*
 * The text of element n (NULL: "") squeezed into *out. CAMT_ERR_TEXT when
 * it is over max bytes, CAMT_ERR_MEMORY.
 */
static enum camt_err
text(struct camt *c, xmlNode *n, size_t max, const char **out)
{
	xmlChar		*raw;
	char		*s;

	*out = "";
	if (n == NULL)
		return CAMT_OK;
	if ((raw = xmlNodeGetContent(n)) == NULL)
		return CAMT_ERR_MEMORY;
	s = squeeze(c->a, (const char *)raw);
	xmlFree(raw);
	if (s == NULL)
		return CAMT_ERR_MEMORY;
	if (strlen(s) > max)
		return CAMT_ERR_TEXT;
	*out = s;
	return CAMT_OK;
}

/* text() of the element at path under n ("": n itself), failing for en. */
static enum camt_err
field(struct camt *c, const struct entry *en, xmlNode *n,
    const char *path, size_t max, const char **out)
{
	xmlNode		*el = find(c, n, path);
	enum camt_err	 e = text(c, el, max, out);

	if (e == CAMT_ERR_TEXT)
		return entry_fail(c, en, e, "%s is longer than %zu bytes",
		    *path != '\0' ? path : (const char *)el->name, max);
	if (e == CAMT_ERR_MEMORY)
		return say(c, e, "out of memory");
	return CAMT_OK;
}

/*
 * An Amt element: its Ccy must be a currency money.c knows, its value a
 * plain decimal above zero with no more decimals than the currency has.
 */
static enum camt_err
amount(struct camt *c, const struct entry *en, xmlNode *amt,
    const char *what, int64_t *cents, char ccy[4])
{
	xmlChar		*ccy_attr;
	const char	*s;
	char		 why[64];
	enum camt_err	 e;

	if (amt == NULL)
		return entry_fail(c, en, CAMT_ERR_AMOUNT, "%s is missing", what);
	if ((ccy_attr = xmlGetNoNsProp(amt, (const xmlChar *)"Ccy")) == NULL)
		return entry_fail(c, en, CAMT_ERR_CURRENCY, "%s has no currency "
		    "(Ccy)", what);
	if (money_exponent((const char *)ccy_attr) < 0) {
		e = entry_fail(c, en, CAMT_ERR_CURRENCY, "%s has the "
		    "unsupported currency \"%s\"", what, (const char *)ccy_attr);
		xmlFree(ccy_attr);
		return e;
	}
	memcpy(ccy, ccy_attr, 4);	/* three letters and a NUL */
	xmlFree(ccy_attr);
	if ((e = field(c, en, amt, "", 40, &s)) != CAMT_OK)
		return e;
	if (credit_parse_amount(s, ccy, cents, why, sizeof(why)) == -1)
		return entry_fail(c, en, CAMT_ERR_AMOUNT, "%s %s %s", what, s,
		    why);
	return CAMT_OK;
}

/* The entry's booking date: BookgDt/Dt, else the date of BookgDt/DtTm. */
static enum camt_err
booking_date(struct camt *c, struct entry *en)
{
	const char	*s;
	char		 day[DATE_ISO_SIZE];
	enum camt_err	 e;
	bool		 with_time = false;

	if ((e = field(c, en, en->node, "BookgDt/Dt", 10, &s)) != CAMT_OK)
		return e;
	if (*s == '\0') {
		with_time = true;
		if ((e = field(c, en, en->node, "BookgDt/DtTm", 40, &s)) !=
		    CAMT_OK)
			return e;
	}
	if (*s == '\0')
		return entry_fail(c, en, CAMT_ERR_DATE, "has no booking date "
		    "(BookgDt)");
	if (with_time && (strlen(s) < 11 || s[10] != 'T'))
		return entry_fail(c, en, CAMT_ERR_DATE, "booking date %s is not "
		    "a date and time", s);
	memcpy(day, s, DATE_ISO_SIZE - 1);
	day[DATE_ISO_SIZE - 1] = '\0';
	if (strlen(s) < DATE_ISO_SIZE - 1 || (!with_time && s[10] != '\0') ||
	    date_parse(day, &en->booked) == -1)
		return entry_fail(c, en, CAMT_ERR_DATE, "booking date %s is not "
		    "a date (YYYY-MM-DD)", s);
	return CAMT_OK;
}

/* 1 when the entry is booked, 0 when it is to be skipped (pending, information). */
static int
status(struct camt *c, struct entry *en, enum camt_err *e)
{
	xmlNode		*sts = child(c, en->node, "Sts");
	const char	*s;

	/* 001.08 wraps the code: <Sts><Cd>BOOK</Cd></Sts>. */
	if (child(c, sts, "Cd") != NULL)
		sts = child(c, sts, "Cd");
	if ((*e = field(c, en, sts, "", 10, &s)) != CAMT_OK)
		return -1;
	if (strcmp(s, "BOOK") == 0)
		return 1;
	if (strcmp(s, "PDNG") == 0 || strcmp(s, "INFO") == 0 ||
	    strcmp(s, "FUTR") == 0)
		return 0;
	if (*s == '\0')
		*e = entry_fail(c, en, CAMT_ERR_STATUS, "has no status (Sts)");
	else
		*e = entry_fail(c, en, CAMT_ERR_STATUS, "has the unknown status "
		    "\"%s\"", s);
	return -1;
}

/*
 * CdtDbtInd and RvslInd into en->kind. XXX Some banks book a returned
 * credit as a plain DBIT with bank transaction code PMNT/RCDT/RRTN and no
 * RvslInd; that reads as a debit here, which staff see but the matcher
 * does not undo.
 */
static enum camt_err
kind(struct camt *c, struct entry *en)
{
	const char	*ind, *rev;
	enum camt_err	 e;
	bool		 credit, reversal;

	if ((e = field(c, en, en->node, "CdtDbtInd", 10, &ind)) != CAMT_OK ||
	    (e = field(c, en, en->node, "RvslInd", 10, &rev)) != CAMT_OK)
		return e;
	if (strcmp(ind, "CRDT") != 0 && strcmp(ind, "DBIT") != 0)
		return entry_fail(c, en, CAMT_ERR_INDICATOR, "CdtDbtInd \"%s\" "
		    "is neither CRDT nor DBIT", ind);
	credit = strcmp(ind, "CRDT") == 0;
	if (strcmp(rev, "true") == 0 || strcmp(rev, "1") == 0)
		reversal = true;
	else if (*rev == '\0' || strcmp(rev, "false") == 0 ||
	    strcmp(rev, "0") == 0)
		reversal = false;
	else
		return entry_fail(c, en, CAMT_ERR_INDICATOR, "RvslInd \"%s\" is "
		    "neither true nor false", rev);
	if (credit)
		en->kind = reversal ? CREDIT_KIND_REVERSAL : CREDIT_KIND_CREDIT;
	else
		en->kind = reversal ? CREDIT_KIND_RETURN : CREDIT_KIND_DEBIT;
	return CAMT_OK;
}

/*
 * The entry's own elements. *booked is false for an entry to skip; such
 * an entry is checked only for its reference and status.
 */
static enum camt_err
entry_head(struct camt *c, struct entry *en, bool *booked)
{
	enum camt_err	 e;
	int		 st;

	*booked = false;
	if ((e = field(c, en, en->node, "AcctSvcrRef", CAMT_MAX_ID,
	    &en->bank_ref)) != CAMT_OK ||
	    (e = field(c, en, en->node, "NtryRef", CAMT_MAX_ID, &en->ref)) !=
	    CAMT_OK)
		return e;
	if (*en->bank_ref != '\0')
		en->ref = en->bank_ref;
	if (*en->ref == '\0') {
		en->ref = NULL;
		return entry_fail(c, en, CAMT_ERR_REFERENCE, "has neither "
		    "AcctSvcrRef nor NtryRef, so it cannot be imported only once");
	}
	if ((st = status(c, en, &e)) == -1)
		return e;
	if (st == 0)
		return CAMT_OK;
	*booked = true;
	if ((e = kind(c, en)) != CAMT_OK || (e = booking_date(c, en)) != CAMT_OK)
		return e;
	return amount(c, en, child(c, en->node, "Amt"), "Amt", &en->cents,
	    en->currency);
}

/* Joins, with one space, the text at path under each child of rmt called name. */
static enum camt_err
join(struct camt *c, const struct entry *en, xmlNode *rmt,
    const char *name, const char *path, const char **out)
{
	xmlNode		*n;
	const char	*s;
	char		*joined;
	size_t		 len = 0, sl;
	enum camt_err	 e;

	*out = "";
	if ((joined = arena_alloc(c->a, CAMT_MAX_TEXT + 1)) == NULL)
		return say(c, CAMT_ERR_MEMORY, "out of memory");
	for (n = child(c, rmt, name); n != NULL;
	    n = sibling(c, n->next, name)) {
		if ((e = field(c, en, n, path, CAMT_MAX_TEXT, &s)) != CAMT_OK)
			return e;
		if ((sl = strlen(s)) == 0)
			continue;
		if (sl + (len > 0) > CAMT_MAX_TEXT - len)
			return entry_fail(c, en, CAMT_ERR_TEXT, "RmtInf/%s is "
			    "longer than %d bytes in all", name, CAMT_MAX_TEXT);
		if (len > 0)
			joined[len++] = ' ';
		memcpy(joined + len, s, sl);
		len += sl;
	}
	joined[len] = '\0';
	*out = joined;
	return CAMT_OK;
}

/* The other party's name: the debtor of money in, the creditor of money out. */
static enum camt_err
party(struct camt *c, const struct entry *en, xmlNode *tx,
    const char **out)
{
	const char	*who = en->kind == CREDIT_KIND_CREDIT ||
	    en->kind == CREDIT_KIND_RETURN ? "Dbtr" : "Cdtr";
	char		 path[40];
	enum camt_err	 e;

	(void)snprintf(path, sizeof(path), "RltdPties/%s/Nm", who);
	if ((e = field(c, en, tx, path, CAMT_MAX_NAME, out)) != CAMT_OK)
		return e;
	if (**out != '\0')
		return CAMT_OK;
	(void)snprintf(path, sizeof(path), "RltdPties/%s/Pty/Nm", who);
	return field(c, en, tx, path, CAMT_MAX_NAME, out);
}

/* References, remittance and party of one TxDtls (NULL: none) into cr. */
static enum camt_err
tx_details(struct camt *c, const struct entry *en, xmlNode *tx,
    struct credit *cr)
{
	xmlNode		*rmt = child(c, tx, "RmtInf");
	enum camt_err	 e;

	if ((e = field(c, en, tx, "Refs/EndToEndId", CAMT_MAX_ID,
	    &cr->end_to_end)) != CAMT_OK ||
	    (e = field(c, en, tx, "Refs/AcctSvcrRef", CAMT_MAX_ID,
	    &cr->bank_ref)) != CAMT_OK ||
	    (e = join(c, en, rmt, "Ustrd", "", &cr->text)) != CAMT_OK ||
	    (e = join(c, en, rmt, "Strd", "CdtrRefInf/Ref", &cr->reference)) !=
	    CAMT_OK ||
	    (e = party(c, en, tx, &cr->party)) != CAMT_OK)
		return e;
	if (strcmp(cr->end_to_end, "NOTPROVIDED") == 0)
		cr->end_to_end = "";
	if (*cr->bank_ref == '\0')
		cr->bank_ref = en->bank_ref;
	return CAMT_OK;
}

/* The amount of transaction i of n: its own, or the entry's when it is the only one. */
static enum camt_err
tx_amount(struct camt *c, const struct entry *en, xmlNode *tx,
    unsigned i, unsigned n, int64_t *cents)
{
	xmlNode		*amt = child(c, tx, "Amt");
	char		 what[40], ccy[4];
	enum camt_err	 e;

	if (amt == NULL)
		amt = find(c, tx, "AmtDtls/TxAmt/Amt");
	if (amt == NULL && n <= 1) {
		*cents = en->cents;
		return CAMT_OK;
	}
	(void)snprintf(what, sizeof(what), "TxDtls %u Amt", i);
	if ((e = amount(c, en, amt, what, cents, ccy)) != CAMT_OK)
		return e;
	if (strcmp(ccy, en->currency) != 0)
		return entry_fail(c, en, CAMT_ERR_CURRENCY, "%s is in %s, the "
		    "entry in %s", what, ccy, en->currency);
	return CAMT_OK;
}

/* Adds the booking of transaction i of n (tx NULL: the entry itself). */
static enum camt_err
add_tx(struct camt *c, const struct entry *en, xmlNode *tx, unsigned i,
    unsigned n, int64_t *sum)
{
	struct credit	*cr;
	char		 id[CREDIT_ID_MAX];
	enum camt_err	 e;

	if ((cr = credit_add(c->a, c->out)) == NULL)
		return c->out->n >= CREDIT_MAX ? entry_fail(c, en,
		    CAMT_ERR_LIMIT, "more than %d bookings in the file",
		    CREDIT_MAX) : say(c, CAMT_ERR_MEMORY, "out of memory");
	if ((e = tx_amount(c, en, tx, i, n, &cr->cents)) != CAMT_OK ||
	    (e = tx_details(c, en, tx, cr)) != CAMT_OK)
		return e;
	(void)snprintf(id, sizeof(id), "%s/%u", en->ref, i);
	if ((cr->id = arena_strdup(c->a, id)) == NULL)
		return say(c, CAMT_ERR_MEMORY, "out of memory");
	cr->kind = en->kind;
	cr->booked = en->booked;
	memcpy(cr->currency, en->currency, sizeof(cr->currency));
	cr->account = c->account;
	cr->entry = en->pos;
	cr->tx = i;
	cr->line = (unsigned)xmlGetLineNo(tx != NULL ? tx : en->node);
	if (__builtin_add_overflow(*sum, cr->cents, sum))
		return entry_fail(c, en, CAMT_ERR_SUM, "its transactions add up "
		    "to more than any amount");
	return CAMT_OK;
}

/* Every TxDtls of every NtryDtls of the entry, or the entry alone. */
static enum camt_err
transactions(struct camt *c, const struct entry *en)
{
	xmlNode		*d, *tx;
	unsigned	 n = 0, i = 0;
	int64_t		 sum = 0;
	enum camt_err	 e;
	char		 want[MONEY_FORMAT_MAX], got[MONEY_FORMAT_MAX];

	for (d = child(c, en->node, "NtryDtls"); d != NULL;
	    d = sibling(c, d->next, "NtryDtls"))
		for (tx = child(c, d, "TxDtls"); tx != NULL;
		    tx = sibling(c, tx->next, "TxDtls"))
			if (++n > CAMT_MAX_TX)
				return entry_fail(c, en, CAMT_ERR_LIMIT, "has "
				    "more than %d transactions", CAMT_MAX_TX);
	if (n == 0)
		return add_tx(c, en, NULL, 1, 1, &sum);
	for (d = child(c, en->node, "NtryDtls"); d != NULL;
	    d = sibling(c, d->next, "NtryDtls"))
		for (tx = child(c, d, "TxDtls"); tx != NULL;
		    tx = sibling(c, tx->next, "TxDtls"))
			if ((e = add_tx(c, en, tx, ++i, n, &sum)) != CAMT_OK)
				return e;
	if (sum == en->cents)
		return CAMT_OK;
	(void)money_format_plain(want, sizeof(want), en->cents, en->currency);
	(void)money_format_plain(got, sizeof(got), sum, en->currency);
	return entry_fail(c, en, CAMT_ERR_SUM, "its %u transactions add up to "
	    "%s %s, the entry says %s %s", n, en->currency, got, en->currency,
	    want);
}

/* One Stmt: its account, then each Ntry. */
static enum camt_err
statement(struct camt *c, xmlNode *stmt)
{
	struct entry	 en;
	xmlNode		*ntry;
	enum camt_err	 e;
	bool		 booked;

	if ((e = text(c, find(c, stmt, "Acct/Id/IBAN"), CAMT_MAX_ID,
	    &c->account)) == CAMT_OK && *c->account == '\0')
		e = text(c, find(c, stmt, "Acct/Id/Othr/Id"), CAMT_MAX_ID,
		    &c->account);
	if (e != CAMT_OK)
		return say(c, e, "line %ld: the statement's account is too "
		    "long", xmlGetLineNo(stmt));
	for (ntry = child(c, stmt, "Ntry"); ntry != NULL;
	    ntry = sibling(c, ntry->next, "Ntry")) {
		if (++c->entries > CAMT_MAX_ENTRIES)
			return say(c, CAMT_ERR_LIMIT, "more than %d entries",
			    CAMT_MAX_ENTRIES);
		memset(&en, 0, sizeof(en));
		en.node = ntry;
		en.pos = c->entries;
		if ((e = entry_head(c, &en, &booked)) != CAMT_OK)
			return e;
		if (!booked)
			c->out->skipped++;
		else if ((e = transactions(c, &en)) != CAMT_OK)
			return e;
	}
	return CAMT_OK;
}

/* The parser's first complaint: later ones are often its consequences. */
struct first_error {
	bool	 set;
	int	 line;
	char	 msg[200];
};

/* SAX hook: a document type declaration stops the parser before its subset. */
static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *public_id,
    const xmlChar *system_id)
{
	(void)name;
	(void)public_id;
	(void)system_id;
	xmlStopParser(ctx);
}

/* Structured error hook (its data is the parser context): keeps the first error. */
static void
keep_first(void *ctx, xmlError *xe)
{
	struct first_error	*fe = ((xmlParserCtxt *)ctx)->_private;
	size_t			 n;

	if (fe == NULL || fe->set || xe == NULL || xe->level < XML_ERR_ERROR)
		return;
	fe->set = true;
	fe->line = xe->line;
	(void)snprintf(fe->msg, sizeof(fe->msg), "%s",
	    xe->message != NULL ? xe->message : "unreadable");
	n = strlen(fe->msg);
	while (n > 0 && is_space(fe->msg[n - 1]))
		fe->msg[--n] = '\0';
}

/* Parses the XML; *doc is NULL on error, with the message written. */
static enum camt_err
read_xml(struct camt *c, const char *data, size_t len, xmlDoc **doc)
{
	struct first_error	 fe;
	xmlParserCtxt		*ctxt;
	enum camt_err		 e = CAMT_ERR_XML;

	*doc = NULL;
	memset(&fe, 0, sizeof(fe));
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return say(c, CAMT_ERR_MEMORY, "out of memory");
	ctxt->_private = &fe;
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->sax->serror = keep_first;
	*doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
	    CAMT_PARSE_OPTIONS);
	if (ctxt->errNo == XML_ERR_USER_STOP || (*doc != NULL &&
	    ((*doc)->intSubset != NULL || (*doc)->extSubset != NULL)))
		e = say(c, CAMT_ERR_DTD, "%s", messages[CAMT_ERR_DTD]);
	else if (*doc != NULL && ctxt->wellFormed && !fe.set)
		e = CAMT_OK;
	else
		e = say(c, CAMT_ERR_XML, "line %d: not well-formed XML: %s",
		    fe.line, fe.set ? fe.msg : "unreadable");
	if (e != CAMT_OK) {
		xmlFreeDoc(*doc);
		*doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return e;
}

/* The BkToCstmrStmt under a Document of a camt.053 namespace we read. */
static xmlNode *
statements(struct camt *c, xmlDoc *doc)
{
	xmlNode		*root = xmlDocGetRootElement(doc);
	const char	*href;
	size_t		 n = strlen(CAMT_NS_PREFIX);

	if (root == NULL || root->ns == NULL ||
	    !xmlStrEqual(root->name, (const xmlChar *)"Document"))
		return NULL;
	href = (const char *)root->ns->href;
	if (strncmp(href, CAMT_NS_PREFIX, n) != 0 || href[n] < '2' ||
	    href[n] > '8' || href[n + 1] != '\0')
		return NULL;
	c->ns = root->ns->href;
	return child(c, root, "BkToCstmrStmt");
}

/* No two bookings with the same id: entries must not share a reference. */
static enum camt_err
unique(struct camt *c)
{
	const struct credit	*a, *b;
	size_t			 i, j;
	int			 rc;

	if ((rc = credit_duplicate(c->a, c->out, &i, &j)) == -1)
		return say(c, CAMT_ERR_MEMORY, "out of memory");
	if (rc == 0)
		return CAMT_OK;
	a = &c->out->items[i];
	b = &c->out->items[j];
	return say(c, CAMT_ERR_REFERENCE, "entry %u (line %u) has the same "
	    "reference as entry %u (line %u): %s", b->entry, b->line, a->entry,
	    a->line, a->id);
}

static enum camt_err
read_statements(struct camt *c, xmlDoc *doc)
{
	xmlNode		*bk, *stmt;
	enum camt_err	 e;

	if ((bk = statements(c, doc)) == NULL)
		return say(c, CAMT_ERR_NOT_CAMT, "%s",
		    messages[CAMT_ERR_NOT_CAMT]);
	if ((stmt = child(c, bk, "Stmt")) == NULL)
		return say(c, CAMT_ERR_NOT_CAMT, "line %ld: the statement has no "
		    "Stmt", xmlGetLineNo(bk));
	for (; stmt != NULL; stmt = sibling(c, stmt->next, "Stmt"))
		if ((e = statement(c, stmt)) != CAMT_OK)
			return e;
	return unique(c);
}

enum camt_err
camt_parse(struct arena *a, const char *data, size_t len,
    struct credit_list *out, char *err, size_t errsz)
{
	struct camt	 c;
	xmlDoc		*doc = NULL;
	enum camt_err	 e;

	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (out != NULL)
		credit_list_init(out);
	if (a == NULL || data == NULL || out == NULL || (err == NULL && errsz))
		return CAMT_ERR_ARGS;
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.out = out;
	c.err = err;
	c.errsz = errsz;
	if (len == 0 || len > CAMT_MAX_FILE) {
		e = say(&c, CAMT_ERR_SIZE, "the file is %s (at most %d bytes)",
		    len == 0 ? "empty" : "too large", CAMT_MAX_FILE);
		goto out;
	}
	xmlInitParser();
	if ((e = read_xml(&c, data, len, &doc)) != CAMT_OK)
		goto out;
	e = read_statements(&c, doc);
out:
	xmlFreeDoc(doc);
	if (e != CAMT_OK)
		credit_list_init(out);
	return e;
}
