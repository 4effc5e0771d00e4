#ifndef PORTAL_PAGES_STAFF_H
#define PORTAL_PAGES_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "role.h"
#include "token.h"

/*
 * The staff area's session: a random id in the session cookie, of which the
 * database keeps only a keyed hash. Pages call staff_session_or_redirect()
 * first; without a live session the browser is sent to the sign-in page.
 */
struct ctx;
struct view;

struct staff_session {
	char		 id[24];			/* staff user id */
	const char	*name;
	const char	*email;
	char		 hash[TOKEN_HASH_HEX];		/* of the session id, as stored */
	int		 role;				/* enum staff_role; -1 unknown */
};

/* Checks the session cookie; false after answering 303 to /staff/login. */
bool staff_session_or_redirect(struct ctx *c, struct staff_session *s);
/* True when the request carries a live session (filled in s); answers nothing. */
bool staff_session_peek(struct ctx *c, struct staff_session *s);
/*
 * The check every staff page and action starts with (issue 14): a live
 * session whose user has role need or a higher one (role.h). False after
 * answering: 303 to /staff/login without a session, 403 (the error page
 * saying it is for another role) when the role does not allow it.
 */
bool staff_require(struct ctx *c, struct staff_session *s,
    enum staff_role need);
/*
 * staff_require(), then the page's {id} (page_capture_id) into id; false
 * after answering, 404 when the id is not a number.
 */
bool staff_require_id(struct ctx *c, struct staff_session *s,
    enum staff_role need, char *id, size_t idsz);
/*
 * A new root view for staff pages: the site values, the signed-in user
 * and the CSRF tokens of their forms (sign out, and purpose's unless it
 * is NULL). NULL after answering 500 when a token cannot be made.
 */
struct view *staff_view_or_reply(struct ctx *c, const struct staff_session *s,
    const char *purpose);
/* True when the form's csrf field is valid for this session and purpose. */
bool staff_csrf_valid(struct ctx *c, const struct staff_session *s,
    const char *purpose, const char *given);
/* Writes an audit event by the signed-in user; 0 or -1. */
int staff_audit(struct ctx *c, const struct staff_session *s,
    const char *action, const char *invoice_id, const char *detail);

#endif
