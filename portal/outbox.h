#ifndef PORTAL_OUTBOX_H
#define PORTAL_OUTBOX_H

#include <time.h>

/*
 * Queuing email: a mail template (templates/mail/NAME.mustache, first line
 * "Subject: ...") is rendered as plain text with a view, from the template
 * set of the mail's language (the customer's for their mails, English for
 * staff), composed into an RFC 5322 message with that language as its
 * Content-Language, sealed (seal.h: it may hold the debtor's link) and
 * inserted into the outbox, inside the caller's transaction. portal-notify
 * delivers it once the transaction commits. No request is needed: pages
 * and portal-admin (reminders) queue mail the same way.
 */
struct buf;
struct config;
struct db;
struct mustache_set;
struct view;

/* One message: from which template, to whom, and what it is about. */
struct outbox_mail {
	const char	*template;	/* "mail/plan_confirm" */
	const char	*language;	/* the templates' language ("es"); may be NULL */
	const char	*to;		/* one address */
	const char	*to_name;	/* display name; may be NULL */
	const char	*kind;		/* "plan.confirm", ... */
	const char	*invoice_id;	/* may be NULL */
};

/*
 * Renders m->template from templates (the set of m->language) with v and
 * queues it in db's outbox, from cfg's mail_from, dated now, sealed with
 * cfg's secret. 0, or -1 on any failure (logged).
 */
int outbox_queue(struct db *db, const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *m,
    const struct view *v);
/*
 * The same message rendered, composed and sealed but not queued: its
 * subject (subjectsz bytes) and the sealed text appended to sealed, for a
 * caller that inserts it in a statement of its own (the fresh-link form
 * queues it only when the request matched). 0, or -1 (logged).
 */
int outbox_seal(const struct mustache_set *templates, const struct config *cfg,
    time_t now, const struct outbox_mail *m, const struct view *v,
    char *subject, size_t subjectsz, struct buf *sealed);

#endif
