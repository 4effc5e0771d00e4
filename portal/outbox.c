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

int
outbox_queue(struct db *db, const struct mustache_set *templates,
    const struct config *cfg, time_t now, const struct outbox_mail *om,
    const struct view *v)
{
	struct mustache_error	 err;
	struct buf		 text, msg, sealed;
	struct mail		 m;
	char			 subject[256];
	const char		*p[5];
	int			 rc = -1;

	buf_init(&text, OUTBOX_MAX_MESSAGE);
	buf_init(&msg, OUTBOX_MAX_MESSAGE);
	buf_init(&sealed, 2 * OUTBOX_MAX_MESSAGE);
	if (mustache_render(templates, om->template, v, MUSTACHE_TEXT, &text,
	    &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		goto out;
	}
	m.from = cfg->mail_from;
	m.to = om->to;
	m.to_name = om->to_name;
	m.subject = subject;
	m.language = om->language;	/* the language it was rendered in */
	m.date = now;
	if (mail_split(buf_str(&text), subject, sizeof(subject), &m.body) == -1 ||
	    mail_compose(&m, &msg) == -1) {
		/* Never the address: logs hold no email address (issue 19). */
		log_error("%s: %s: cannot compose the message (a header or "
		    "the address is not valid)", __func__, om->template);
		goto out;
	}
	p[0] = om->kind;
	p[1] = om->invoice_id;
	p[2] = om->to;
	p[3] = subject;
	if (seal_text(&cfg->keys, msg.data, msg.len, &sealed) == -1) {
		log_error("%s: cannot seal the message", __func__);
		goto out;
	}
	p[4] = buf_str(&sealed);
	if (db_do(db, SQL_OUTBOX_INSERT, p, 5) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&text);
	buf_free(&msg);
	buf_free(&sealed);
	return rc;
}
