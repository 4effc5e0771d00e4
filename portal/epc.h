#ifndef PORTAL_EPC_H
#define PORTAL_EPC_H

#include <stddef.h>
#include <stdint.h>

/*
 * The payload of an EPC QR code (European Payments Council, EPC069-12,
 * "Quick Response Code: Guidelines to Enable Data Capture for the
 * Initiation of a SEPA Credit Transfer"; the GiroCode): a banking app that
 * scans it fills in a transfer. One element per line, LF between lines:
 *
 *   BCD                     service tag
 *   002                     version (001: BIC required; 002: BIC optional)
 *   1                       character set, always 1 (UTF-8) here
 *   SCT                     identification: SEPA credit transfer
 *   BIC                     of the beneficiary's bank, or empty (002 only)
 *   name                    of the beneficiary, 1 to 70 characters
 *   IBAN                    of the beneficiary, electronic form
 *   EUR1234.56              amount, EUR 0.01 to 999999999.99
 *   purpose                 optional: a four-letter ISO 20022 purpose code
 *   reference               optional: an RF creditor reference (ISO 11649)
 *   text                    optional: unstructured remittance, <= 140
 *   information             optional: beneficiary to originator, <= 70
 *
 * The structured reference and the text exclude each other. Empty
 * optional elements at the end are left out with their line ends, so the
 * payload never ends in a line feed. The whole payload is at most 331
 * bytes (QR version 13 at error correction level M).
 *
 * Nothing is shortened or dropped: a field the guideline refuses gives its
 * own error. Lengths count characters (code points); text fields must be
 * valid UTF-8 without control characters (so no line breaks). Only the
 * IBAN and the RF reference are rewritten: spaces between their groups
 * removed, letters upper-cased.
 */
#define EPC_MAX_PAYLOAD		331
#define EPC_PAYLOAD_SIZE	(EPC_MAX_PAYLOAD + 1)
#define EPC_NAME_MAX		70
#define EPC_TEXT_MAX		140
#define EPC_INFO_MAX		70
#define EPC_AMOUNT_MIN		INT64_C(1)		/* EUR 0.01 */
#define EPC_AMOUNT_MAX		INT64_C(99999999999)	/* EUR 999999999.99 */
#define EPC_RF_MAX		25			/* RF, 2 check digits, 21 */
#define EPC_RF_SIZE		(EPC_RF_MAX + 1)

enum epc_err {
	EPC_OK,
	EPC_ERR_ARGS,		/* NULL arguments */
	EPC_ERR_VERSION,	/* version not 1 or 2 */
	EPC_ERR_BIC,		/* not a BIC of 8 or 11 characters */
	EPC_ERR_BIC_MISSING,	/* version 1 without a BIC */
	EPC_ERR_NAME,		/* name empty, over 70 characters or not printable */
	EPC_ERR_IBAN_FORMAT,
	EPC_ERR_IBAN_COUNTRY,
	EPC_ERR_IBAN_LENGTH,
	EPC_ERR_IBAN_CHECK,
	EPC_ERR_AMOUNT,		/* outside EUR 0.01 .. 999999999.99 */
	EPC_ERR_PURPOSE,	/* not four upper-case letters */
	EPC_ERR_REFERENCE,	/* not a valid RF creditor reference */
	EPC_ERR_BOTH,		/* both a reference and a text */
	EPC_ERR_TEXT,		/* text over 140 characters or not printable */
	EPC_ERR_INFO,		/* information over 70 characters or not printable */
	EPC_ERR_TOO_LONG,	/* the payload would exceed 331 bytes */
	EPC_ERR__MAX
};

/* What to pay: every pointer may be NULL or "" for an absent optional field. */
struct epc_transfer {
	int		 version;	/* 1 or 2 */
	const char	*bic;
	const char	*name;		/* required */
	const char	*iban;		/* required; print form accepted */
	int64_t		 cents;		/* required; EUR cents */
	const char	*purpose;
	const char	*reference;	/* RF creditor reference */
	const char	*text;		/* the invoice number goes here */
	const char	*info;
};

/* Builds t's payload into out (NUL-terminated, *len bytes if len is not NULL); EPC_OK or the first field at fault (out is then ""). */
enum epc_err epc_payload(const struct epc_transfer *t, char out[EPC_PAYLOAD_SIZE], size_t *len);
/* Checks the RF creditor reference s ("RF18 5390 0754 7034" or compact) and writes its compact form to out; 0, or -1 (out ""). */
int epc_rf_normalise(const char *s, char out[EPC_RF_SIZE]);
/* A static English message for err, naming the field and its rule. */
const char *epc_strerror(enum epc_err err);

#endif
