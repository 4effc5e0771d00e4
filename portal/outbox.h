#ifndef PORTAL_OUTBOX_H
#define PORTAL_OUTBOX_H

#include <stddef.h>
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
struct buf;
struct mail_image;
struct mustache_set;
struct view;

/*
 * Room for the longest subject: the templates' words in any language, an
 * invoice number (32 characters) and a name (100 characters, import.c).
 */
#define OUTBOX_MAX_SUBJECT	512

/* One message: from which template, to whom, and what it is about. */
struct outbox_mail {
	const char	*template;	/* "mail/plan_confirm" */
	const char	*language;	/* the templates' language ("es"); may be NULL */
	const char	*to;		/* one address */
	const char	*to_name;	/* display name; may be NULL */
	const char	*kind;		/* "plan.confirm", ... */
	const char	*invoice_id;	/* may be NULL */
	const char	*hardship_id;	/* the request it is about; may be NULL */
	const char	*not_before;	/* a timestamptz; NULL: send now */
	const char	*replace_id;	/* rewrite this pending message instead */
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
 * cfg's secret; with m->replace_id the pending message of that id (locked
 * by the caller) is rewritten instead. A message that cannot be rendered or
 * composed (an address or subject mail.h refuses) is still recorded, as
 * 'failed' with the reason in last_error for staff to see, so that what
 * the mail was about (a note, a plan) is never lost with it. The row's id
 * goes to id (idsz bytes; id may be NULL). 0, or -1 when the database
 * failed (logged).
 */
int outbox_queue_id(struct db *db, const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *m,
    const struct view *v, char *id, size_t idsz);
/* outbox_queue_id() without the id. */
int outbox_queue(struct db *db, const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *m,
    const struct view *v);

/*
 * A message rendered, composed and sealed but not yet queued: params are
 * its kind, invoice id, recipient, subject and sealed text, for a caller
 * that inserts it in a statement of its own with other rows (the reminder
 * engine; the fresh-link form, which queues it only on a match). Owns
 * sealed.
 */
struct outbox_msg {
	char		 subject[OUTBOX_MAX_SUBJECT];
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
