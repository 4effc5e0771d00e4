#ifndef PORTAL_FORM_H
#define PORTAL_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/*
 * Form field tables: each form lists its fields with a maximum length and
 * whether they are required. form_check() refuses unknown and repeated
 * fields and over-long values before a handler looks at them (the HTTP layer
 * has already refused bad encoding, NUL bytes and invalid UTF-8).
 */
struct form_field {
	const char	*name;
	size_t		 maxlen;	/* in bytes */
	bool		 required;
};

enum form_result {
	FORM_OK,
	FORM_UNKNOWN,		/* a field the form does not have */
	FORM_REPEATED,
	FORM_TOO_LONG,
	FORM_MISSING,		/* a required field is absent or empty */
	FORM_BAD_TEXT,		/* NUL or invalid UTF-8 (http_param.bad) */
	FORM_RESULT__MAX
};

/*
 * Checks params against the n fields; values[i] is field i's value or ""
 * when absent. On failure *bad names the offending field; after
 * FORM_BAD_TEXT, FORM_TOO_LONG and FORM_MISSING every known value is still
 * filled in, so a form can be shown again with what was typed.
 */
enum form_result form_check(const struct http_param *params, size_t nparams,
    const struct form_field *fields, size_t n, const char **values,
    const char **bad);
/* The index of s in the NULL-terminated set, or -1 when it is not there. */
int form_choice(const char *s, const char *const *set);
/* Parses digits only (no sign) as a number in [min, max]; 0, or -1. */
int form_int(const char *s, long min, long max, long *out);

#endif
