#ifndef PORTAL_MAIL_H
#define PORTAL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Email as RFC 5322 text for `sendmail -i -t`: From, To, Subject, Date,
 * Message-ID and MIME headers, then a UTF-8 body: plain text alone, or
 * plain text with an HTML alternative (multipart/alternative), and an
 * optional inline image (multipart/related around the alternative, or
 * multipart/mixed after plain text alone). Header values with CR, LF or
 * NUL are refused, so no input can add a header; non-ASCII names and
 * subjects are RFC 2047 encoded. With an unsubscribe URL the message
 * carries List-Unsubscribe (the URL, and a mailto: when given) and
 * List-Unsubscribe-Post for one-click opt-out (RFC 8058).
 */
struct buf;

/*
 * An image shown in the HTML part as <img src="cid:CID">; without a cid, a
 * file attached to the message (an .ics appointment, "text/calendar").
 */
struct mail_image {
	const char		*cid;		/* "qr@settle", no <>; NULL: attached */
	const char		*filename;	/* "payment-qr.png" */
	const char		*type;		/* "image/png" */
	const unsigned char	*data;
	size_t			 len;
};

struct mail {
	const char	*from;		/* "Name <addr>" or "addr" */
	const char	*to;		/* one address */
	const char	*to_name;	/* display name, may be NULL or "" */
	const char	*subject;
	const char	*body;		/* LF line ends */
	const char	*language;	/* Content-Language ("es"), may be NULL */
	time_t		 date;
	const char	*html;		/* HTML alternative, may be NULL */
	const char	*unsubscribe_url;	/* https URL, may be NULL */
	const char	*unsubscribe_mailto;	/* "mailto:...", may be NULL */
	const struct mail_image *image;	/* may be NULL */
};

/* A file attached to a copied message (mail_recopy). */
struct mail_attachment {
	const char		*filename;	/* "payment-plan-INV-1.ics" */
	const char		*type;		/* "text/calendar" (text/: UTF-8) */
	const char		*method;	/* iCalendar METHOD ("PUBLISH"), may be NULL */
	const unsigned char	*data;
	size_t			 len;
};

#define MAIL_MAX_LINE	990	/* body lines are wrapped below RFC 5322's 998 */

/* True for a plain address: local@domain, no spaces, quotes, CR or LF. */
bool mail_address_valid(const char *addr);
/* Appends the whole message to out; 0, or -1 when a field is refused. */
int mail_compose(const struct mail *m, struct buf *out);
/*
 * Appends a copy of orig, a whole message as mail_compose() made it, to
 * out: its headers in their order and its content as they were, but a new
 * Date (date) and Message-ID, To set to to (and to_name, may be NULL),
 * and with att (may be NULL) after the original content in a
 * multipart/mixed. 0, or -1 when orig is not such a message (no From, no
 * end of headers, not UTF-8) or a field is refused (out may then hold
 * part of it: the caller discards it).
 */
int mail_recopy(const char *orig, time_t date, const char *to,
    const char *to_name, const struct mail_attachment *att, struct buf *out);
/*
 * Splits a rendered mail template, "Subject: ...\n\n" then the body:
 * *subject gets a NUL-terminated copy (at most subjsz bytes), *body points
 * into text. 0, or -1 when the first line is not a subject.
 */
int mail_split(const char *text, char *subject, size_t subjsz,
    const char **body);

#endif
