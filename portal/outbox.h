#ifndef PORTAL_OUTBOX_H
#define PORTAL_OUTBOX_H

#include <time.h>

#include "buf.h"

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
struct config;
struct db;
struct mail_image;
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
	/* Optional: an HTML alternative rendered with HTML escaping from its
	 * own template ("mail/reminder_html"), the List-Unsubscribe URIs and
	 * an inline image (mail.h). NULL when unused. */
	const char	*html_template;
	const char	*unsubscribe_url;
	const char	*unsubscribe_mailto;
	const struct mail_image *image;
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
 * A message rendered, composed and sealed but not yet queued: params are
 * the five parameters of SQL_OUTBOX_INSERT, for a caller that sends it in
 * a pipeline with other statements (the reminder engine). Owns sealed.
 */
struct outbox_msg {
	char		 subject[256];
	struct buf	 sealed;
	const char	*params[5];
};

/* Renders and seals m with v into out, as outbox_queue does; 0 or -1
 * (logged). Free out with outbox_msg_free() either way. */
int outbox_prepare(const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *m,
    const struct view *v, struct outbox_msg *out);
/* Frees what outbox_prepare() allocated. */
void outbox_msg_free(struct outbox_msg *msg);

#endif
