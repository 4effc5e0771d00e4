#ifndef PORTAL_OUTBOX_H
#define PORTAL_OUTBOX_H

/*
 * Queuing email from a request: a mail template (templates/mail/NAME.mustache,
 * first line "Subject: ...") is rendered as plain text with a view, in the
 * response's language (page_lang: the customer's for their mails, English
 * for staff; it is also the mail's Content-Language), composed
 * into an RFC 5322 message, sealed (seal.h: it may hold the debtor's link)
 * and inserted into the outbox, inside the caller's
 * transaction. portal-notify delivers it once the transaction commits.
 */
struct ctx;
struct view;

/*
 * Renders template for v and queues it to address to (display name
 * to_name, may be NULL), as kind ("plan.confirm", ...) for invoice_id (may
 * be NULL). 0, or -1 on any failure (logged).
 */
int outbox_queue(struct ctx *c, const char *template, const struct view *v,
    const char *to, const char *to_name, const char *kind,
    const char *invoice_id);

#endif
