#ifndef PORTAL_MAIL_H
#define PORTAL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Plain-text email as RFC 5322 text for `sendmail -i -t`: From, To,
 * Subject, Date, Message-ID and MIME headers, then a UTF-8 body. Header
 * values with CR, LF or NUL are refused, so no input can add a header;
 * non-ASCII names and subjects are RFC 2047 encoded.
 */
struct buf;

struct mail {
	const char	*from;		/* "Name <addr>" or "addr" */
	const char	*to;		/* one address */
	const char	*to_name;	/* display name, may be NULL or "" */
	const char	*subject;
	const char	*body;		/* LF line ends */
	const char	*language;	/* Content-Language ("es"), may be NULL */
	time_t		 date;
};

#define MAIL_MAX_LINE	990	/* body lines are wrapped below RFC 5322's 998 */

/* True for a plain address: local@domain, no spaces, quotes, CR or LF. */
bool mail_address_valid(const char *addr);
/* Appends the whole message to out; 0, or -1 when a field is refused. */
int mail_compose(const struct mail *m, struct buf *out);
/*
 * Splits a rendered mail template, "Subject: ...\n\n" then the body:
 * *subject gets a NUL-terminated copy (at most subjsz bytes), *body points
 * into text. 0, or -1 when the first line is not a subject.
 */
int mail_split(const char *text, char *subject, size_t subjsz,
    const char **body);

#endif
