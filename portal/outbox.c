#include <stdio.h>

#include "buf.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "mustache.h"
#include "outbox.h"
#include "seal.h"

#define OUTBOX_MAX_MESSAGE	(256 * 1024)

void
outbox_msg_free(struct outbox_msg *om)
{
	buf_free(&om->sealed);
}

int
outbox_prepare(const struct mustache_set *templates, const struct config *cfg,
    time_t now, const struct outbox_mail *om, const struct view *v,
    struct outbox_msg *out)
{
	struct mustache_error	 err;
	struct buf		 text, html, msg;
	struct mail		 m = { 0 };
	int			 rc = -1;

	buf_init(&text, OUTBOX_MAX_MESSAGE);
	buf_init(&html, OUTBOX_MAX_MESSAGE);
	buf_init(&msg, OUTBOX_MAX_MESSAGE);
	buf_init(&out->sealed, 2 * OUTBOX_MAX_MESSAGE);
	out->subject[0] = '\0';
	if (mustache_render(templates, om->template, v, MUSTACHE_TEXT, &text,
	    &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		goto out;
	}
	if (om->html_template != NULL && mustache_render(templates,
	    om->html_template, v, MUSTACHE_HTML, &html, &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		goto out;
	}
	m.html = om->html_template != NULL ? buf_str(&html) : NULL;
	m.unsubscribe_url = om->unsubscribe_url;
	m.unsubscribe_mailto = om->unsubscribe_mailto;
	m.image = om->image;
	m.from = cfg->mail_from;
	m.to = om->to;
	m.to_name = om->to_name;
	m.subject = out->subject;
	m.language = om->language;	/* the language it was rendered in */
	m.date = now;
	if (mail_split(buf_str(&text), out->subject, sizeof(out->subject),
	    &m.body) == -1 || mail_compose(&m, &msg) == -1) {
		log_error("%s: %s: cannot compose a message to %s", __func__,
		    om->template, om->to);
		goto out;
	}
	if (seal_text(cfg->secret, msg.data, msg.len, &out->sealed) == -1) {
		log_error("%s: cannot seal the message", __func__);
		goto out;
	}
	out->params[0] = om->kind;
	out->params[1] = om->invoice_id;
	out->params[2] = om->to;
	out->params[3] = out->subject;
	out->params[4] = buf_str(&out->sealed);
	rc = 0;
out:
	buf_free(&text);
	buf_free(&html);
	buf_free(&msg);
	return rc;
}

int
outbox_queue(struct db *db, const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *om,
    const struct view *v)
{
	struct outbox_msg	msg;
	int			rc = -1;

	if (outbox_prepare(templates, cfg, now, om, v, &msg) == 0 &&
	    db_do(db, SQL_OUTBOX_INSERT, msg.params, 5) == 0)
		rc = 0;
	outbox_msg_free(&msg);
	return rc;
}
