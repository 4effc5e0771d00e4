#ifndef PORTAL_PAYREF_H
#define PORTAL_PAYREF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finding invoice numbers in what payers write in a transfer's reference.
 *
 * An invoice number's key is its ASCII letters and digits, upper-cased:
 * INV-2026-0147, inv 2026 0147 and INV2026/0147 all have the key
 * INV20260147. Nothing else is dropped: no prefix such as "INV" or "RF" is
 * stripped, so 2026-0147 is not INV-2026-0147 (it may be another invoice's
 * number), and a number inside a longer word or number is not found
 * (XINV-2026-0147, INV-2026-01470).
 *
 * A text is cut into tokens: runs of ASCII letters and runs of ASCII
 * digits (so "INV2026" is two tokens); everything else separates them.
 * Every run of 1 to PAYREF_MAX_TOKENS consecutive tokens, joined, is a
 * candidate: "Invoice INV-2026-0147 thanks" has the candidates INVOICE,
 * INVOICEINV, INV, INV2026, INV20260147, 2026, 20260147, ... So noise
 * around the number does not matter, and neither do spaces, hyphens or
 * case inside it.
 *
 * Matching takes two steps so that a caller with a database looks every
 * candidate up at once: payref_scan() lists the candidates, the caller
 * marks those that are some invoice's key (payref_mark), and payref_pick()
 * returns the distinct keys found, without those found only inside a
 * longer one (the text "INV-2026-0147" names INV-2026-0147, not also an
 * invoice numbered 2026-0147). One key: a match. None: unmatched. Several,
 * or one key that two invoices share: ambiguous; both go to staff.
 * payref_match() does all three against a list of invoice numbers.
 */
struct arena;

#define PAYREF_KEY_MAX		64
#define PAYREF_KEY_SIZE		(PAYREF_KEY_MAX + 1)
#define PAYREF_MAX_TEXT		2048	/* bytes of text scanned */
#define PAYREF_MAX_TOKENS	8	/* tokens joined into one candidate */

/* One candidate: a key and the tokens it was joined from. */
struct payref_cand {
	const char	*key;
	unsigned	 first;		/* 0-based token index */
	unsigned	 last;		/* inclusive */
	bool		 found;		/* set by payref_mark() */
	bool		 picked;	/* set by payref_pick() */
};

struct payref_scan {
	struct payref_cand	*v;	/* n of them, from the arena */
	size_t			 n;
};

/* The key of an invoice number (letters, digits, space - _ . /; at least one letter or digit) into key; 0, or -1 (key ""). */
int payref_key(const char *number, char key[PAYREF_KEY_SIZE]);
/* Every candidate of text (NULL or "" has none) into out, allocated from a; 0, or -1 when text is over PAYREF_MAX_TEXT or on out of memory. */
int payref_scan(struct arena *a, const char *text, struct payref_scan *out);
/* Marks the candidates whose key is key as found; returns how many. */
size_t payref_mark(struct payref_scan *s, const char *key);
/* The distinct found keys not only inside a longer found one, into keys (up to max); returns how many there are, which may exceed max. */
size_t payref_pick(struct payref_scan *s, const char **keys, size_t max);
/*
 * Matches text against n invoice numbers: the indices of those whose key
 * payref_pick() returns, into idx (up to max), their count in *nmatch
 * (which may exceed max). A number without a key never matches. 0, or -1
 * as payref_scan().
 */
int payref_match(struct arena *a, const char *text, const char *const *numbers,
    size_t n, size_t *idx, size_t max, size_t *nmatch);

#endif
