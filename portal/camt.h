#ifndef PORTAL_CAMT_H
#define PORTAL_CAMT_H

#include <stddef.h>

/*
 * ISO 20022 camt.053 (BankToCustomerStatement), versions 001.02 to 001.08
 * told apart by the document's namespace, read with libxml2 into the
 * bookings of credit.h. What European banks export as the end-of-day
 * statement.
 *
 * Per Ntry (entry): the entry reference (AcctSvcrRef, else NtryRef), the
 * booking date (BookgDt/Dt or the date of BookgDt/DtTm), Amt with its Ccy,
 * CdtDbtInd, Sts (BOOK is read; PDNG, INFO and FUTR entries are skipped
 * and counted in the list's skipped) and RvslInd. Per TxDtls (a batch
 * booking has several; an entry without any is one transaction of the
 * entry's amount): the amount (Amt, else AmtDtls/TxAmt/Amt; required when
 * there are several, and then they must add up to the entry), EndToEndId
 * (NOTPROVIDED counts as none), AcctSvcrRef, RmtInf/Ustrd (several joined
 * by a space) and RmtInf/Strd/CdtrRefInf/Ref, and the other party's name
 * (RltdPties/Dbtr or Cdtr, with or without the Pty level of 001.08).
 * A booking's id is "ENTRYREF/N", N the transaction's 1-based place in
 * its entry. Text is trimmed and runs of white space become one space.
 *
 * Refused, nothing returned, with a message naming the entry (its place,
 * reference and line): see enum camt_err. The XML parser never touches the
 * network, and a document type declaration stops it at once, so neither
 * external entities (XXE) nor entity expansion (billion laughs) can
 * happen; libxml2's own limits bound depth and text sizes.
 */
struct arena;
struct credit_list;

#define CAMT_MAX_FILE		(32 * 1024 * 1024)
#define CAMT_MAX_ENTRIES	20000
#define CAMT_MAX_TX		1000	/* transactions in one entry */
#define CAMT_MAX_ID		35	/* ISO Max35Text: references */
#define CAMT_MAX_NAME		140	/* ISO Max140Text: names */
#define CAMT_MAX_TEXT		1024	/* bytes of remittance, joined */

enum camt_err {
	CAMT_OK,
	CAMT_ERR_ARGS,		/* NULL arguments */
	CAMT_ERR_SIZE,		/* empty, or over CAMT_MAX_FILE */
	CAMT_ERR_XML,		/* not well-formed XML */
	CAMT_ERR_DTD,		/* a document type declaration */
	CAMT_ERR_NOT_CAMT,	/* not camt.053.001.02 .. .08, or no statement */
	CAMT_ERR_LIMIT,		/* more entries or transactions than allowed */
	CAMT_ERR_REFERENCE,	/* no entry reference, or one used twice */
	CAMT_ERR_STATUS,	/* no status, or an unknown one */
	CAMT_ERR_AMOUNT,	/* missing, malformed, not above zero, too many decimals */
	CAMT_ERR_CURRENCY,	/* missing, unsupported, or not the entry's */
	CAMT_ERR_INDICATOR,	/* CdtDbtInd or RvslInd not an allowed value */
	CAMT_ERR_DATE,		/* booking date missing or invalid */
	CAMT_ERR_SUM,		/* transactions do not add up to their entry */
	CAMT_ERR_TEXT,		/* a reference, name or text over its limit */
	CAMT_ERR_MEMORY,	/* out of memory */
	CAMT_ERR__MAX
};

/*
 * Reads the statement of len bytes at data into out (initialised here;
 * everything allocated from a). CAMT_OK, or the fault with err (errsz
 * bytes, may be 0) saying where and what; out is then empty.
 */
enum camt_err camt_parse(struct arena *a, const char *data, size_t len,
    struct credit_list *out, char *err, size_t errsz);
/* A static English message for err. */
const char *camt_strerror(enum camt_err err);

#endif
