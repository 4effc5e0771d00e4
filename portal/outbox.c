#include <stdio.h>

#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "mustache.h"
#include "outbox.h"
#include "page.h"
#include "seal.h"

#define OUTBOX_MAX_MESSAGE	(256 * 1024)

int
outbox_queue(struct ctx *c, const char *template, const struct view *v,
    const char *to, const char *to_name, const char *kind,
    const char *invoice_id)
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
	if (mustache_render(c->templates, template, v, MUSTACHE_TEXT, &text,
	    &err) == -1) {
		log_error("%s: %s:%u:%u: %s", __func__, err.template, err.line,
		    err.column, err.message);
		goto out;
	}
	m.from = c->cfg->mail_from;
	m.to = to;
	m.to_name = to_name;
	m.subject = subject;
	m.language = page_lang_tag(c);	/* the language it was rendered in */
	m.date = c->now;
	if (mail_split(buf_str(&text), subject, sizeof(subject), &m.body) == -1 ||
	    mail_compose(&m, &msg) == -1) {
		log_error("%s: %s: cannot compose a message to %s", __func__,
		    template, to);
		goto out;
	}
	p[0] = kind;
	p[1] = invoice_id;
	p[2] = to;
	p[3] = subject;
	if (seal_text(c->cfg->secret, msg.data, msg.len, &sealed) == -1) {
		log_error("%s: cannot seal the message", __func__);
		goto out;
	}
	p[4] = buf_str(&sealed);
	if (db_do(c->db, SQL_OUTBOX_INSERT, p, 5) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&text);
	buf_free(&msg);
	buf_free(&sealed);
	return rc;
}
