#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "mustache.h"
#include "outbox.h"
#include "seal.h"
#include "utf8.h"

#define OUTBOX_MAX_MESSAGE	(256 * 1024)

/*
 * Renders and composes the message into sealed; 0, or -1 with why set (a
 * static string) and, when it got that far, subject filled in.
 */
static int
compose(const struct mustache_set *templates, const struct config *cfg,
    time_t now, const struct outbox_mail *om, const struct view *v,
    char *subject, size_t subjectsz, struct buf *sealed, const char **why)
{
	struct mustache_error	 err;
	struct buf		 text, html, msg;
	struct mail		 m = { 0 };
	int			 rc = -1;

	buf_init(&text, OUTBOX_MAX_MESSAGE);
	buf_init(&html, OUTBOX_MAX_MESSAGE);
	buf_init(&msg, OUTBOX_MAX_MESSAGE);
	if (mustache_render(templates, om->template, v, MUSTACHE_TEXT, &text,
	    &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		*why = "the mail template could not be rendered";
		goto out;
	}
	if (mail_split(buf_str(&text), subject, subjectsz, &m.body) == -1) {
		*why = "the mail's subject is missing or too long";
		goto out;
	}
	if (om->html_template != NULL && mustache_render(templates,
	    om->html_template, v, MUSTACHE_HTML, &html, &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		*why = "the mail's HTML template could not be rendered";
		goto out;
	}
	m.html = om->html_template != NULL ? buf_str(&html) : NULL;
	m.unsubscribe_url = om->unsubscribe_url;
	m.unsubscribe_mailto = om->unsubscribe_mailto;
	m.image = om->image;
	m.from = cfg->mail_from;
	m.to = om->to;
	m.to_name = om->to_name;
	m.subject = subject;
	m.language = om->language;	/* the language it was rendered in */
	m.date = now;
	if (mail_compose(&m, &msg) == -1) {
		*why = mail_address_valid(om->to) ? "cannot compose a message "
		    "(a header is refused)" : "cannot compose a message: the "
		    "recipient's address is not valid";
		goto out;
	}
	if (seal_text(&cfg->keys, msg.data, msg.len, sealed) == -1) {
		*why = "cannot seal the message";
		goto out;
	}
	rc = 0;
out:
	buf_free(&text);
	buf_free(&html);
	buf_free(&msg);
	return rc;
}

int
outbox_queue_id(struct db *db, const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *om,
    const struct view *v, char *id, size_t idsz)
{
	struct buf	 sealed;
	struct db_res	*r = NULL;
	char		 subject[OUTBOX_MAX_SUBJECT] = "";
	const char	*p[9], *why = "";
	bool		 ok;
	int		 rc = -1;

	buf_init(&sealed, 2 * OUTBOX_MAX_MESSAGE);
	ok = compose(templates, cfg, now, om, v, subject, sizeof(subject),
	    &sealed, &why) == 0;
	if (!ok) {
		/* Never the address: logs hold no email address (issue 19). */
		log_error("%s: %s: %s; recorded as failed", __func__,
		    om->template, why);
		if (subject[0] == '\0' || !utf8_valid(subject, strlen(subject)))
			(void)snprintf(subject, sizeof(subject), "(%s)", om->template);
	}
	if (om->replace_id != NULL) {
		p[0] = om->replace_id;
		p[1] = subject;
		p[2] = ok ? buf_str(&sealed) : "";
		p[3] = ok ? "queued" : "failed";
		p[4] = why;
		if (db_do(db, SQL_OUTBOX_REPLACE, p, 5) == -1)
			goto out;
		if (id != NULL)
			(void)snprintf(id, idsz, "%s", om->replace_id);
		rc = 0;
		goto out;
	}
	p[0] = om->kind;
	p[1] = om->invoice_id;
	p[2] = om->to;
	p[3] = subject;
	p[4] = ok ? buf_str(&sealed) : "";
	p[5] = om->hardship_id;
	p[6] = om->not_before;
	p[7] = ok ? "queued" : "failed";
	p[8] = why;
	if ((r = db_query(db, SQL_OUTBOX_INSERT, p, 9)) == NULL)
		goto out;
	if (id != NULL)
		(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	rc = 0;
out:
	db_res_free(r);
	buf_free(&sealed);
	return rc;
}

int
outbox_queue(struct db *db, const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *om,
    const struct view *v)
{
	return outbox_queue_id(db, templates, cfg, now, om, v, NULL, 0);
}

int
outbox_prepare(const struct mustache_set *templates, const struct config *cfg,
    time_t now, const struct outbox_mail *om, const struct view *v,
    struct outbox_msg *out)
{
	const char	*why = "";

	buf_init(&out->sealed, 2 * OUTBOX_MAX_MESSAGE);
	out->subject[0] = '\0';
	if (compose(templates, cfg, now, om, v, out->subject,
	    sizeof(out->subject), &out->sealed, &why) == -1) {
		log_error("%s: %s: %s", __func__, om->template, why);
		return -1;
	}
	out->params[0] = om->kind;
	out->params[1] = om->invoice_id;
	out->params[2] = om->to;
	out->params[3] = out->subject;
	out->params[4] = buf_str(&out->sealed);
	return 0;
}

void
outbox_msg_free(struct outbox_msg *msg)
{
	buf_free(&msg->sealed);
}
