#ifndef PORTAL_IBAN_H
#define PORTAL_IBAN_H

#include <stddef.h>

/*
 * International Bank Account Numbers (ISO 13616) and the ISO 7064
 * mod 97-10 check they share with RF creditor references (ISO 11649).
 *
 * An IBAN is two upper-case letters (the country), two check digits and
 * the country's BBAN; its length is fixed per country (the SWIFT IBAN
 * registry, copied into iban.c). The electronic form has no spaces; the
 * print form groups it by four ("DE89 3704 0044 0532 0130 00"). Input may
 * be in either form and in lower case: single spaces between groups are
 * accepted, anything else is rejected, never dropped.
 */
#define IBAN_MAX	34			/* characters, electronic form */
#define IBAN_SIZE	(IBAN_MAX + 1)
#define IBAN_PRINT_SIZE	(IBAN_MAX + IBAN_MAX / 4 + 1)	/* groups of four + NUL */

enum iban_err {
	IBAN_OK,
	IBAN_ERR_FORMAT,	/* not letters, letters, digits, then letters or digits */
	IBAN_ERR_COUNTRY,	/* a country without IBANs */
	IBAN_ERR_LENGTH,	/* wrong length for its country */
	IBAN_ERR_CHECK,		/* check digits do not match (a typo) */
	IBAN_ERR__MAX
};

/* Validates s and writes its electronic form (upper case, no spaces) to out; IBAN_OK or why not (out is then ""). */
enum iban_err iban_normalise(const char *s, char out[IBAN_SIZE]);
/* The print form of a normalised IBAN, groups of four split by one ASCII space; 0, or -1 (out "") on a bad IBAN or a short buffer. */
int iban_format(char *out, size_t outsz, const char *iban);
/* ISO 7064 mod 97-10 of the n letters and digits at s with its first four moved to the end (letters count as 10..35); 0..96, or -1 on any other byte or n < 5. */
int iban_mod97(const char *s, size_t n);
/* A static English message for err. */
const char *iban_strerror(enum iban_err err);

#endif
