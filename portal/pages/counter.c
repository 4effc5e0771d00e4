/*
 * A counter-offer, as the debtor accepts it (issue 15). When staff answer a
 * plan of one's own with a schedule of their own (pages/proposal.c), the
 * debtor's mail carries /o/{token}:
 *
 * - GET shows the offered schedule and one button, and changes nothing:
 *   mail scanners and link previews follow links.
 * - POST (accept=yes) makes the schedule the invoice's plan: the HTML
 *   mail's own button posts here directly, so it is one click from the
 *   mail, and the page's button does the same. No CSRF token: the
 *   unguessable token in the address is the authority, as for /u/{token}.
 *   The proposal's row is locked first, so two clicks at the same moment
 *   queue: the first makes the plan, the second finds it accepted and
 *   writes nothing. Either answers 303 back to the page, which then says
 *   the plan is agreed.
 *
 * An offer can be accepted until its first payment date; after that, or
 * when the invoice got a plan another way, the page says so (410, 409).
 * Unknown and malformed tokens get the 404 of unknown links.
 */
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "pages/proposal.h"
#include "routes.h"
#include "token.h"
#include "view.h"

/* What the page says about the offer. */
enum offer_state { OFFER_OPEN, OFFER_AGREED, OFFER_LAPSED, OFFER_HAS_PLAN };

static enum offer_state
offer_state(struct ctx *c, const struct proposal *pp)
{
	if (strcmp(pp->status, "accepted") == 0)
		return OFFER_AGREED;
	if (strcmp(pp->status, "countered") != 0 || !pp->counter_ok ||
	    date_diff(pp->counter.first_due, page_today(c)) < 0)
		return OFFER_LAPSED;
	return OFFER_OPEN;
}

static void
render(struct ctx *c, const struct proposal *pp, enum offer_state st)
{
	static const int status[] = { [OFFER_OPEN] = 200, [OFFER_AGREED] = 200,
	    [OFFER_LAPSED] = 410, [OFFER_HAS_PLAN] = 409 };
	struct view	*v, *m;

	(void)page_speak(c, pp->language);
	v = page_view(c);
	view_set_str(v, "name", pp->customer);
	view_set_str(v, "number", pp->number);
	view_set_str(v, "offered_on", page_date(c, pp->decided));
	view_set_str(v, "note", pp->reason);
	view_set_bool(v, "open", st == OFFER_OPEN);
	view_set_bool(v, "agreed", st == OFFER_AGREED);
	view_set_bool(v, "lapsed", st == OFFER_LAPSED);
	view_set_bool(v, "has_plan", st == OFFER_HAS_PLAN);
	if (pp->counter_ok) {
		m = view_set_map(v, "plan");
		debtor_schedule_view(c, &pp->counter, pp->currency, m);
	}
	view_set_str(v, "action", page_self_url(c));
	page_render(c, status[st], "counter", v);
}

/* GET /o/{token}: the offer, or what became of it. */
void
counter_get(struct ctx *c)
{
	char		hash[TOKEN_HASH_LIST];
	struct proposal	pp;

	if (!page_token_or_reply(c, TOKEN_COUNTER, hash) || !page_db_or_reply(c))
		return;
	if (proposal_load(c, SQL_COUNTER_GET, hash, &pp) == -1) {
		page_db_error(c);
		return;
	}
	if (!pp.found) {
		page_error(c, 404, "link");
		return;
	}
	render(c, &pp, offer_state(c, &pp));
}

/* The audit event and the debtor's confirmation of the agreed plan. */
static int
record_accept(struct ctx *c, const struct proposal *pp, const char *plan_id)
{
	struct view	*v;

	if (audit_write(c->db, &(struct audit_event){ .actor = "debtor",
	    .action = "plan.accepted", .invoice_id = pp->invoice_id,
	    .link_id = pp->link_id[0] != '\0' ? pp->link_id : NULL,
	    .detail = arena_printf(c->arena, "counter-offer of proposal %s: "
	    "plan %s, %s x %d", pp->id, plan_id, plan_freq_name(pp->counter.freq),
	    pp->counter.count), .client_addr = c->req.remote_addr }) == -1)
		return -1;
	(void)page_speak(c, pp->language);
	v = page_view(c);
	view_set_str(v, "name", pp->customer);
	view_set_str(v, "number", pp->number);
	debtor_schedule_view(c, &pp->counter, pp->currency,
	    view_set_map(v, "plan"));
	return outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/counter_accepted",
	    .language = page_lang_tag(c), .to = pp->email,
	    .to_name = pp->customer, .kind = "plan.confirm",
	    .invoice_id = pp->invoice_id }, v);
}

/*
 * Makes the locked, open offer the plan: 0, 1 when the invoice already has
 * a plan (nothing written), or -1.
 */
static int
accept(struct ctx *c, const struct proposal *pp)
{
	const char	*p[2];
	char		 plan_id[24];
	int		 rc;

	if ((rc = proposal_plan_store(c, pp, &pp->counter, plan_id,
	    sizeof(plan_id))) != 0)
		return rc;
	p[0] = pp->id;
	p[1] = plan_id;
	if (db_do(c->db, SQL_COUNTER_ACCEPT, p, 2) == -1)
		return -1;
	return record_accept(c, pp, plan_id);
}

static const struct form_field accept_fields[] = {
	{ "accept", 3, true },
};

/* POST /o/{token} (accept=yes): the offer becomes the plan, once. */
void
counter_post(struct ctx *c)
{
	char			 hash[TOKEN_HASH_LIST];
	const char		*f[1], *bad;
	struct proposal		 pp;
	enum offer_state	 st;
	int			 rc;

	if (form_check(c->req.form, c->req.nform, accept_fields, 1, f, &bad,
	    NULL) != FORM_OK || strcmp(f[0], "yes") != 0) {
		page_error(c, 400, NULL);
		return;
	}
	if (!page_token_or_reply(c, TOKEN_COUNTER, hash) || !page_begin_or_reply(c))
		return;
	if (proposal_load(c, SQL_COUNTER_LOCK, hash, &pp) == -1)
		goto fail;
	if (!pp.found) {
		db_rollback(c->db);
		page_error(c, 404, "link");
		return;
	}
	st = offer_state(c, &pp);
	if (st == OFFER_OPEN) {
		if ((rc = accept(c, &pp)) == -1)
			goto fail;
		if (rc == 1)
			st = OFFER_HAS_PLAN;
	}
	if (st == OFFER_LAPSED || st == OFFER_HAS_PLAN) {
		db_rollback(c->db);
		render(c, &pp, st);
		return;
	}
	/* Accepted now, or by the click before this one: nothing more to write. */
	if (db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, page_self_url(c)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	page_db_error(c);
}
