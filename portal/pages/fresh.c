/*
 * A fresh link by email (issue 16). The page of an unknown, expired or
 * revoked link (page_error 404 "link", the same page for all three) has a
 * form: the invoice number and the email address we have on file. POST
 * /link answers the same 303 to /link/sent whether or not they match, and
 * takes the same way through the program to get there: three statements
 * (the limits, the lookup, the record), a new token, a mail rendered and
 * sealed. Only the record differs inside the database: on a match it also
 * inserts the link and queues the mail, to the address on file, never
 * shown on a page. Junk, an over-long value or a line break in a field is
 * a request that matches nothing.
 *
 * Limits per address typed, per invoice number typed and per client, in
 * a window (fresh_link_* in the config), counted for every request and
 * kept as keyed hashes only: a 429 page says when to try again, the same
 * for a match and a miss.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "payref.h"
#include "routes.h"
#include "token.h"
#include "view.h"

#define FRESH_EMAIL_MAX		254
#define FRESH_NUMBER_MAX	64
/* Where a mail that matched nothing would have gone: it is never queued. */
#define FRESH_NOBODY		"nobody@example.invalid"

/* Pages without a customer speak ?lang= or the browser's language. */
static void
speak(struct ctx *c)
{
	if (c->lang == NULL && c->i18n != NULL)
		page_lang(c, page_query_lang(c) ? page_query_lang(c) :
		    i18n_accept(c->i18n, c->req.accept_language));
}

/* The lower-cased address typed, or "" when it cannot be one. */
static const char *
email_of(struct ctx *c, const char *s)
{
	char	*e;
	size_t	 i;

	if (s == NULL || strlen(s) > FRESH_EMAIL_MAX || !mail_address_valid(s))
		return "";
	if ((e = arena_strdup(c->arena, s)) == NULL)
		return "";
	for (i = 0; e[i] != '\0'; i++)
		if (e[i] >= 'A' && e[i] <= 'Z')
			e[i] = (char)(e[i] - 'A' + 'a');
	return e;
}

/*
 * The limit that stops this request (the latest time one frees up, in
 * *free_at), or 0 when none does; -1 on a database failure.
 */
static int
limited(struct ctx *c, const char *const *p, time_t *free_at)
{
	const int	 caps[3] = { c->cfg->fresh_link_per_email,
	    c->cfg->fresh_link_per_invoice, c->cfg->fresh_link_per_client };
	const int	 counts[3] = { FRESH_COUNTS_BY_EMAIL, FRESH_COUNTS_BY_INVOICE,
	    FRESH_COUNTS_BY_CLIENT };
	const int	 frees[3] = { FRESH_COUNTS_EMAIL_FREE,
	    FRESH_COUNTS_INVOICE_FREE, FRESH_COUNTS_CLIENT_FREE };
	struct db_res	*r;
	int		 i, hit = 0;

	if ((r = db_query(c->db, SQL_FRESH_COUNTS, p, 4)) == NULL)
		return -1;
	*free_at = 0;
	for (i = 0; i < 3; i++)
		if (db_int(r, 0, counts[i]) >= caps[i]) {
			hit = 1;
			if ((time_t)db_int(r, 0, frees[i]) > *free_at)
				*free_at = (time_t)db_int(r, 0, frees[i]);
		}
	db_res_free(r);
	return hit;
}

/* The 429 page: when to try again, in the business's time zone. */
static void
too_many(struct ctx *c, time_t free_at)
{
	struct view	*v = page_view(c);
	struct tm	 tm;
	char		 at[16];

	if (localtime_r(&free_at, &tm) == NULL ||
	    strftime(at, sizeof(at), "%H:%M", &tm) == 0)
		(void)snprintf(at, sizeof(at), "--:--");
	view_set_bool(v, "limited", true);
	view_set_bool(v, "sent", false);
	view_set_str(v, "retry_at", at);
	view_set_str(v, "zone", debtor_zone(c, NULL));
	page_render(c, 429, "fresh_link", v);
}

/*
 * The mail of the new link, rendered and sealed in the customer's language
 * (English and a placeholder address when nothing matched: the same work,
 * thrown away).
 */
static int
seal_mail(struct ctx *c, const struct db_res *m, const char *token,
    struct outbox_msg *msg)
{
	const struct i18n_lang	*lang, *was;
	const char		*to = db_str(m, 0, FRESH_FIND_EMAIL);
	struct view		*v;
	int			 rc;

	if ((lang = i18n_find(c->i18n, db_str(m, 0, FRESH_FIND_LANGUAGE))) == NULL)
		lang = i18n_source(c->i18n);
	was = c->lang;
	page_lang(c, lang);
	v = page_view(c);
	view_set_str(v, "name", db_str(m, 0, FRESH_FIND_NAME));
	view_set_str(v, "number", db_str(m, 0, FRESH_FIND_NUMBER));
	view_set_fmt(v, "invoice_link", "%s/i/%s", c->cfg->base_url, token);
	view_set_int(v, "days", c->cfg->link_days);
	rc = outbox_prepare(c->templates, c->cfg, c->now, &(struct outbox_mail){
	    .template = "mail/fresh_link", .language = lang->tag,
	    .to = to[0] != '\0' ? to : FRESH_NOBODY,
	    .to_name = db_str(m, 0, FRESH_FIND_NAME), .kind = "link.fresh" },
	    v, msg);
	if (was != NULL)
		page_lang(c, was);
	return rc;
}

/*
 * What is left to do once the answer has gone: the statement's parameters,
 * copied into the request's arena (the lookup and the sealed mail are
 * freed before then). A match and a miss answer after the same work; only
 * this part, which no client can time, differs.
 */
struct fresh_send {
	const char	*invoice_id;	/* "" when nothing matched */
	const char	*hash;
	const char	*email;
	const char	*subject;
	const char	*message;
	const char	*client;
	char		 days[16];
};

static struct fresh_send *
send_later(struct ctx *c, const struct db_res *m, const char *hash,
    const struct outbox_msg *msg)
{
	struct fresh_send	*s;

	if ((s = arena_alloc(c->arena, sizeof(*s))) == NULL)
		return NULL;
	s->invoice_id = arena_strdup(c->arena, db_str(m, 0, FRESH_FIND_INVOICE_ID));
	s->hash = arena_strdup(c->arena, hash);
	s->email = arena_strdup(c->arena, db_str(m, 0, FRESH_FIND_EMAIL));
	s->subject = arena_strdup(c->arena, msg->subject);
	s->message = arena_strndup(c->arena, msg->sealed.data, msg->sealed.len);
	s->client = arena_strdup(c->arena, c->req.remote_addr);
	(void)snprintf(s->days, sizeof(s->days), "%d", c->cfg->link_days);
	if (arena_failed(c->arena))
		return NULL;
	return s;
}

/* After the answer (ctx.after): the link and its mail on a match, the audit either way. */
static void
fresh_send(struct ctx *c, void *arg)
{
	const struct fresh_send	*s = arg;
	const char		*p[7];

	p[0] = s->invoice_id; p[1] = s->hash; p[2] = s->days; p[3] = s->email;
	p[4] = s->subject; p[5] = s->message; p[6] = s->client;
	if (db_begin(c->db) == -1 || db_do(c->db, SQL_FRESH_SEND, p, 7) == -1 ||
	    db_commit(c->db) == -1) {
		if (db_in_transaction(c->db))
			db_rollback(c->db);
		log_error("%s: the fresh link request was answered but its link "
		    "and mail were not recorded", __func__);
	}
}

/* POST /link (invoice, email, csrf): 303 to /link/sent, or 429. */
void
fresh_link_post(struct ctx *c)
{
	static const struct form_field fields[] = {
		{ "invoice", 4096, false }, { "email", 16384, false },
		{ "csrf", 4096, false },
	};
	const char		*f[3], *bad, *email, *p[9];
	enum form_result	 each[3], r;
	char			 key[PAYREF_KEY_SIZE], eh[TOKEN_LEN + 1], ih[TOKEN_LEN + 1];
	char			 tok[TOKEN_LEN + 1], hash[TOKEN_HASH_HEX], minutes[16];
	struct db_res		*m = NULL;
	struct fresh_send	*s;
	struct outbox_msg	 msg;
	time_t			 free_at;
	int			 lim;

	buf_init(&msg.sealed, 0);	/* outbox_prepare() fills it */
	speak(c);
	r = form_check(c->req.form, c->req.nform, fields, 3, f, &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		goto out;
	}
	if (each[2] != FORM_OK || !token_csrf_valid(&c->cfg->keys, "fresh",
	    c->req.remote_addr, f[2])) {
		page_error(c, 403, NULL);
		goto out;
	}
	/* Anything that cannot be a number or an address matches nothing. */
	email = email_of(c, each[1] == FORM_OK ? f[1] : NULL);
	if (each[0] != FORM_OK || strlen(f[0]) > FRESH_NUMBER_MAX ||
	    payref_key(f[0], key) == -1)
		key[0] = '\0';
	if (token_csrf(&c->cfg->keys, "fresh-email", email, eh) == -1 ||
	    token_csrf(&c->cfg->keys, "fresh-invoice", key, ih) == -1 ||
	    token_new(&c->cfg->keys, TOKEN_LINK, tok, hash) == -1) {
		page_error(c, 500, NULL);
		goto out;
	}
	(void)snprintf(minutes, sizeof(minutes), "%d", c->cfg->fresh_link_minutes);
	p[0] = eh; p[1] = ih; p[2] = c->req.remote_addr; p[3] = minutes;
	if (!page_begin_or_reply(c))
		goto out;
	if ((lim = limited(c, p, &free_at)) == -1) {
		page_db_error(c);
		goto out;
	}
	if (lim == 1) {
		too_many(c, free_at);	/* rolls back: nothing counted */
		goto out;
	}
	p[0] = key; p[1] = email;
	if ((m = db_query(c->db, SQL_FRESH_FIND, p, 2)) == NULL || db_rows(m) != 1) {
		page_db_error(c);
		goto out;
	}
	if (seal_mail(c, m, tok, &msg) == -1) {
		page_error(c, 500, NULL);
		goto out;
	}
	if ((s = send_later(c, m, hash, &msg)) == NULL) {
		page_error(c, 500, NULL);
		goto out;
	}
	p[0] = eh; p[1] = ih; p[2] = c->req.remote_addr;
	if (db_do(c->db, SQL_FRESH_RECORD, p, 3) == -1 || db_commit(c->db) == -1) {
		page_db_error(c);
		goto out;
	}
	if (response_redirect(&c->res, "/link/sent") == -1) {
		page_error(c, 500, NULL);
		goto out;
	}
	c->after = fresh_send;
	c->after_arg = s;
out:
	db_res_free(m);
	outbox_msg_free(&msg);
	sodium_memzero(tok, sizeof(tok));
}

/* GET /link/sent: the one answer, whatever was asked. */
void
fresh_link_sent_get(struct ctx *c)
{
	struct view	*v;

	speak(c);
	v = page_view(c);
	view_set_bool(v, "sent", true);
	view_set_bool(v, "limited", false);
	page_render(c, 200, "fresh_link", v);
}
