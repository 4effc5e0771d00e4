#ifndef PORTAL_FORM_H
#define PORTAL_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/*
 * Form field tables: each form lists its fields with a maximum length and
 * whether they are required. form_check() finds unknown and repeated
 * fields and over-long, unreadable or missing values before a handler
 * looks at them (the HTTP layer has already refused bad percent-encoding
 * and field names that are not text; a value with NUL bytes or invalid
 * UTF-8 arrives marked, http.h).
 *
 * One policy for every form's failures, the forms to come included:
 *
 * - Not a form at all (bad percent-encoding, a name that is not UTF-8, too
 *   many fields, a body too large or not urlencoded): 400, 413 or 415 from
 *   the HTTP layer, before any handler.
 * - FORM_UNKNOWN or FORM_REPEATED: 400, the error page. Our forms never
 *   send either: the request was tampered with or made elsewhere.
 * - A bad CSRF token (missing, wrong, another link's or session's, another
 *   form's): 403, before anything is written. A form that holds text a
 *   person typed (the debtor's hardship note, a staff note) is shown again
 *   with that text, a fresh token and a line saying the form expired; any
 *   other form gets the 403 page.
 * - A problem with a value, on any field, FORM_TOO_LONG and FORM_BAD_TEXT
 *   included (each[] says which): 400 with the form again, the problem
 *   named next to its field and everything typed kept. A query string
 *   (GET /staff?...) is no form to show again: the 400 page.
 * - A CSRF token that cannot be made for a form about to be shown: 500
 *   (page_csrf_or_reply()); no form is shown without one.
 * - The database failing: 503 when it is unreachable, else 500
 *   (page_db_error()); a debtor form with typed text is shown again
 *   with it (debtor_fail()).
 * In every case nothing is written: a reply rolls back (page.h).
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
 * when absent. Returns the first problem and *bad names its field; after
 * FORM_BAD_TEXT, FORM_TOO_LONG and FORM_MISSING every known value is still
 * filled in, so a form can be shown again with what was typed, and each
 * (n entries, may be NULL) holds every field's own result: FORM_OK,
 * FORM_TOO_LONG, FORM_BAD_TEXT or FORM_MISSING.
 */
enum form_result form_check(const struct http_param *params, size_t nparams,
    const struct form_field *fields, size_t n, const char **values,
    const char **bad, enum form_result *each);
/* The index of s in the NULL-terminated set, or -1 when it is not there. */
int form_choice(const char *s, const char *const *set);
/* Parses digits only (no sign) as a number in [min, max]; 0, or -1. */
int form_int(const char *s, long min, long max, long *out);

#endif
