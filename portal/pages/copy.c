/*
 * POST /i/{token}/copy (kind, csrf): "email me a copy" of a confirmation
 * the invoice page states (issue 16). Generic over the outbox: the latest
 * confirmation of that kind for the invoice is copied as it was stored,
 * with a new Date and Message-ID, to the address on file (never one typed
 * here); a plan's copy attaches the plan's .ics. At most copies_per_day
 * copies of one confirmation in 24 hours (the invoice row's lock, taken by
 * debtor_begin_or_reply, counts them one at a time); each is audited.
 * A kind we do not know or that was never sent: 404; over the limit: 429
 * with the time to try again; a bad token: 403. Nothing is sent then.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "mail.h"
#include "page.h"
#include "pages/debtor.h"
#include "routes.h"
#include "seal.h"
#include "token.h"
#include "view.h"

#define COPY_MAX_MESSAGE	(2 * 1024 * 1024)

enum copy_field { CP_KIND, CP_CSRF, CP__MAX };

static const struct form_field copy_fields[CP__MAX] = {
	[CP_KIND] = { "kind", 32, false },
	[CP_CSRF] = { "csrf", TOKEN_LEN, false },
};

/* The confirmations a copy can be asked of (outbox kinds, '.' as '_'). */
static const char *const copy_kinds[] = {
	"plan_confirm", "hardship_ack", "promise_confirm", "dispute_ack",
	"claim_ack", "proposal_ack", NULL
};

/* The page that says why nothing was sent (templates/copy). */
static void
refuse(struct ctx *c, const struct debtor_invoice *d, int status,
    const char *again)
{
	struct view	*v = page_view(c);

	db_rollback(c->db);
	view_set_str(v, "number", d->number);
	view_set_str(v, "invoice_url", debtor_url(c, d, ""));
	view_set_bool(v, "missing", status == 404);
	view_set_bool(v, "limit", status == 429);
	view_set_int(v, "copies_per_day", c->cfg->copies_per_day);
	view_set_str(v, "again", again != NULL ? again : "");
	view_set_str(v, "zone", debtor_zone(c, d->timezone));
	page_render(c, status, "copy", v);
}

/*
 * The plan's calendar as an attachment, for a plan confirmation while the
 * plan is active; its bytes in ics. False when there is none to attach.
 */
static bool
plan_attachment(struct ctx *c, const struct debtor_invoice *d,
    const char *kind, struct buf *ics, struct mail_attachment *a)
{
	const char	*name;

	if (strcmp(kind, "plan_confirm") != 0 || !d->plan.active)
		return false;
	if (debtor_plan_ics(c, d, ics) == -1 || buf_failed(ics)) {
		log_error("%s: %s: no calendar to attach", __func__, d->number);
		return false;
	}
	name = arena_printf(c->arena, "payment-plan-%s.ics", d->number);
	/* An invoice number that is no MIME token gets a plain name. */
	if (name == NULL || strspn(d->number, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(d->number))
		name = "payment-plan.ics";
	*a = (struct mail_attachment){ .filename = name, .type = "text/calendar",
	    .method = "PUBLISH", .data = (const unsigned char *)ics->data,
	    .len = ics->len };
	return true;
}

/*
 * The copy of stored (sealed) text for d, sealed into sealed; 0 or -1
 * (logged: the stored message is ours, so this is no bad input).
 */
static int
recopy(struct ctx *c, const struct debtor_invoice *d, const char *kind,
    const char *stored, struct buf *sealed)
{
	struct buf		 plain, copy, ics;
	struct mail_attachment	 a;
	bool			 attach;
	int			 rc = -1;

	buf_init(&plain, COPY_MAX_MESSAGE);
	buf_init(&copy, COPY_MAX_MESSAGE);
	buf_init(&ics, 256 * 1024);
	attach = plan_attachment(c, d, kind, &ics, &a);
	if (seal_open(&c->cfg->keys, stored, &plain) == -1) {
		log_error("%s: %s: the stored message does not open", __func__, kind);
		goto out;
	}
	if (mail_recopy(buf_str(&plain), time(NULL), d->email, d->name,
	    attach ? &a : NULL, &copy) == -1) {
		log_error("%s: %s: the stored message cannot be copied", __func__,
		    kind);
		goto out;
	}
	if (seal_text(&c->cfg->keys, copy.data, copy.len, sealed) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&plain);
	buf_free(&copy);
	buf_free(&ics);
	return rc;
}

/*
 * Queues the copy once the limit allows: 0 done, 404 or 429 refused (the
 * page sent), -1 the database failed.
 */
static int
queue_copy(struct ctx *c, const struct debtor_invoice *d, const char *kind)
{
	const char	*p[5];
	struct db_res	*n = NULL, *src = NULL, *ins = NULL;
	struct buf	 sealed;
	int		 rc = -1;

	buf_init(&sealed, 2 * COPY_MAX_MESSAGE);
	p[0] = d->invoice_id;
	p[1] = kind;
	p[2] = d->timezone;
	if ((n = db_query(c->db, SQL_COPY_COUNT, p, 3)) == NULL ||
	    (src = db_query(c->db, SQL_COPY_SOURCE, p, 2)) == NULL)
		goto out;
	if (db_rows(src) != 1) {
		refuse(c, d, rc = 404, NULL);
		goto out;
	}
	if (db_int(n, 0, COPIES_N) >= c->cfg->copies_per_day) {
		refuse(c, d, rc = 429, db_str(n, 0, COPIES_AGAIN));
		goto out;
	}
	if (recopy(c, d, kind, db_str(src, 0, COPY_SOURCE_MESSAGE), &sealed) == -1) {
		page_error(c, 500, NULL);
		rc = 500;
		goto out;
	}
	p[0] = db_str(src, 0, COPY_SOURCE_ID);
	p[1] = d->email;
	p[2] = buf_str(&sealed);
	p[3] = d->link_id;
	p[4] = c->req.remote_addr;
	if ((ins = db_query(c->db, SQL_COPY_INSERT, p, 5)) == NULL)
		goto out;
	rc = 0;
out:
	db_res_free(n);
	db_res_free(src);
	db_res_free(ins);
	buf_free(&sealed);
	return rc;
}

void
copy_post(struct ctx *c)
{
	const char		*f[CP__MAX], *bad;
	struct debtor_invoice	 d;
	struct debtor_form	 form = { .purpose = "copy", .flags = DEBTOR_PLAN };
	int			 r;

	/* A button, nothing typed: any problem with the form is the 400 page. */
	if (form_check(c->req.form, c->req.nform, copy_fields, CP__MAX, f,
	    &bad, NULL) != FORM_OK) {
		page_error(c, 400, NULL);
		return;
	}
	form.csrf = f[CP_CSRF];
	if (!debtor_begin_or_reply(c, &form, &d))
		return;
	if (form_choice(f[CP_KIND], copy_kinds) < 0) {
		refuse(c, &d, 404, NULL);
		return;
	}
	if ((r = queue_copy(c, &d, f[CP_KIND])) > 0)
		return;
	if (r == -1 || db_commit(c->db) == -1) {
		debtor_fail(c, &form);
		return;
	}
	if (response_redirect(&c->res, debtor_done_url(c, &d, "copy")) == -1)
		page_error(c, 500, NULL);
}
