#ifndef PORTAL_PO_H
#define PORTAL_PO_H

#include <stdbool.h>
#include <stddef.h>

#include "plural.h"

/*
 * GNU gettext PO files (message catalogs): entries of msgctxt, msgid,
 * msgid_plural and msgstr or msgstr[N], each a sequence of quoted strings
 * with C escapes (\n \t \r \" \\), and comment lines (#, flags such as
 * "fuzzy"; #~ obsolete entries are skipped). The header is the entry whose
 * msgid is "". Text must be UTF-8 without NUL bytes. A parsed catalog is
 * read-only; lookups are a binary search.
 */
#define PO_MAX_FILE	(4u * 1024 * 1024)	/* bytes of one catalog */
#define PO_MAX_ENTRIES	20000u
#define PO_MAX_STRING	(64u * 1024)		/* bytes of one message */

struct po_entry {
	const char	*ctxt;			/* NULL when none */
	const char	*id;
	const char	*id_plural;		/* NULL when none */
	const char	*str[PLURAL_MAX_FORMS];	/* msgstr, or msgstr[0..] */
	unsigned	 nstr;
	bool		 fuzzy;
	unsigned	 line;			/* of its msgid */
};

struct po;

/*
 * Parses len bytes of text into a new catalog (*out, free with po_free);
 * 0, or -1 with err "line N: what is wrong" (duplicates included).
 */
int po_parse(const char *text, size_t len, struct po **out, char *err,
    size_t errsz);
/* Frees a catalog; NULL is a no-op. */
void po_free(struct po *po);
/* The entry for ctxt (may be NULL) and id, or NULL; the header is not found. */
const struct po_entry *po_find(const struct po *po, const char *ctxt,
    const char *id);
/* Number of entries (header excluded) and entry i in sorted order. */
size_t po_count(const struct po *po);
const struct po_entry *po_at(const struct po *po, size_t i);
/*
 * Copies the value of header field name ("Plural-Forms") into out; 0, or
 * -1 when there is no such field or it does not fit.
 */
int po_header(const struct po *po, const char *name, char *out, size_t n);

#endif
