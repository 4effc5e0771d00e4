/*
 * Staff decide on a plan of one's own that was outside policy (issue 15):
 * GET /staff/proposals/{id} shows it; POST accepts it (it becomes the plan)
 * or declines it with a reason. Either mails the debtor in their language,
 * is audited and marks the proposal's task done, all in one transaction
 * under the proposal's row lock, so two clerks deciding at once make one
 * decision.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "outbox.h"
#include "page.h"
#include "pages/proposal.h"
#include "pages/staff.h"
#include "plan.h"
#include "routes.h"
#include "utf8.h"
#include "view.h"

#define REASON_MAX	2000

/* What the page shows and the decision needs, from the locked row. */
struct proposal {
	char			 id[24], invoice_id[24], link_id[24];
	char			 status[16], currency[4], number[64];
	const char		*customer, *email, *language, *reason, *decider;
	struct date		 received;
	struct plan_schedule	 s;
	bool			 found, schedule_ok;
};

/* Loads (and locks, inside a transaction) proposal id. 0 or -1. */
static int
load_proposal(struct ctx *c, const char *id, struct proposal *pp)
{
	const struct plan_policy any = { .min_installment = 1,
	    .max_installments = PLAN_MAX_INSTALLMENTS,
	    .freq_mask = (1u << PLAN_FREQ__MAX) - 1 };
	const char	*p[1] = { id };
	struct db_res	*r;
	enum plan_freq	 f;

	memset(pp, 0, sizeof(*pp));
	if ((r = db_query(c->db, SQL_PROPOSAL_GET, p, 1)) == NULL)
		return -1;
	if ((pp->found = db_rows(r) == 1)) {
		(void)snprintf(pp->id, sizeof(pp->id), "%s", id);
		(void)snprintf(pp->invoice_id, sizeof(pp->invoice_id), "%s",
		    db_str(r, 0, STAFF_PROPOSAL_INVOICE_ID));
		(void)snprintf(pp->link_id, sizeof(pp->link_id), "%s",
		    db_str(r, 0, STAFF_PROPOSAL_LINK_ID));
		(void)snprintf(pp->status, sizeof(pp->status), "%s",
		    db_str(r, 0, STAFF_PROPOSAL_STATUS));
		(void)snprintf(pp->currency, sizeof(pp->currency), "%s",
		    db_str(r, 0, STAFF_PROPOSAL_CURRENCY));
		(void)snprintf(pp->number, sizeof(pp->number), "%s",
		    db_str(r, 0, STAFF_PROPOSAL_NUMBER));
		pp->customer = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_CUSTOMER));
		pp->email = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_EMAIL));
		pp->language = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_LANGUAGE));
		pp->reason = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_REASON));
		pp->decider = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_DECIDER));
		pp->received = db_date(r, 0, STAFF_PROPOSAL_RECEIVED_ON);
		pp->schedule_ok = plan_freq_parse(db_str(r, 0, STAFF_PROPOSAL_FREQUENCY),
		    &f) == 0 && plan_schedule(db_int(r, 0, STAFF_PROPOSAL_TOTAL_CENTS),
		    &any, f, (int)db_int(r, 0, STAFF_PROPOSAL_INSTALLMENTS),
		    db_date(r, 0, STAFF_PROPOSAL_FIRST_DUE), &pp->s) == 0;
	}
	db_res_free(r);
	if (pp->found && (pp->customer == NULL || pp->email == NULL ||
	    pp->language == NULL || pp->reason == NULL || pp->decider == NULL))
		return -1;
	return 0;
}

/* The schedule as the mails and the page show it. */
static void
schedule_view(struct ctx *c, const struct proposal *pp, struct view *m)
{
	const struct plan_schedule	*s = &pp->s;
	struct view			*list, *row;
	int				 k;

	if (!pp->schedule_ok)
		return;
	view_set_bool(m, "weekly", s->freq == PLAN_FREQ_WEEKLY);
	view_set_bool(m, "fortnightly", s->freq == PLAN_FREQ_FORTNIGHTLY);
	view_set_bool(m, "monthly", s->freq == PLAN_FREQ_MONTHLY);
	view_set_int(m, "count", s->count);
	view_set_str(m, "total", page_money(c, s->total, pp->currency));
	view_set_str(m, "first_date", page_date(c, s->first_due));
	list = view_set_list(m, "installments");
	for (k = 0; k < s->count; k++) {
		row = view_push_map(list);
		view_set_int(row, "seq", k + 1);
		view_set_str(row, "date", page_date(c, s->items[k].due));
		view_set_str(row, "amount", page_money(c, s->items[k].amount,
		    pp->currency));
	}
}

static void
render(struct ctx *c, const struct staff_session *s, const struct proposal *pp,
    int status, const char *problem, const char *reason)
{
	struct view	*v, *m;
	char		 purpose[48];

	(void)snprintf(purpose, sizeof(purpose), "proposal:%s", pp->id);
	if ((v = staff_view_or_reply(c, s, purpose)) == NULL)
		return;
	m = view_set_map(v, "proposal");
	view_set_str(m, "id", pp->id);
	view_set_str(m, "number", pp->number);
	view_set_str(m, "customer", pp->customer);
	view_set_str(m, "received", page_date(c, pp->received));
	view_set_bool(m, "open", strcmp(pp->status, "open") == 0);
	view_set_bool(m, "accepted", strcmp(pp->status, "accepted") == 0);
	view_set_bool(m, "declined", strcmp(pp->status, "declined") == 0);
	view_set_str(m, "decider", pp->decider);
	view_set_str(m, "decided_reason", pp->reason);
	schedule_view(c, pp, m);
	if (problem != NULL)
		view_set_bool(v, problem, true);
	view_set_str(v, "reason", reason ? reason : "");
	page_render(c, status, "staff_proposal", v);
}

/* GET /staff/proposals/{id}: the proposal, its schedule, the decision forms. */
void
staff_proposal_get(struct ctx *c)
{
	struct staff_session	s;
	struct proposal		pp;
	char			id[24];

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	if (!page_capture_id(c, id, sizeof(id))) {
		page_error(c, 404, NULL);
		return;
	}
	if (!page_db_or_reply(c))
		return;
	if (load_proposal(c, id, &pp) == -1) {
		page_db_error(c);
		return;
	}
	if (!pp.found) {
		page_error(c, 404, NULL);
		return;
	}
	render(c, &s, &pp, 200, NULL, NULL);
}

/* The debtor's mail about the decision (tpl, kind), in their language. */
static int
decision_mail(struct ctx *c, const struct proposal *pp, const char *tpl,
    const char *kind)
{
	const struct i18n_lang	*lang = i18n_find(c->i18n, pp->language);
	const struct i18n_lang	*was = c->lang;
	const struct mustache_set *was_templates = c->templates;
	struct view		*v, *m;
	int			 rc;

	page_lang(c, lang ? lang : i18n_source(c->i18n));
	v = page_view(c);
	view_set_str(v, "name", pp->customer);
	view_set_str(v, "number", pp->number);
	view_set_str(v, "reason", pp->reason);
	m = view_set_map(v, "plan");
	schedule_view(c, pp, m);
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = tpl, .language = page_lang_tag(c),
	    .to = pp->email, .to_name = pp->customer, .kind = kind,
	    .invoice_id = pp->invoice_id }, v);
	/* Staff pages may have no language set: restore exactly what was. */
	c->lang = was;
	c->templates = was_templates;
	return rc;
}

static int
policy_terms(struct ctx *c, const char *currency, char *terms, size_t n)
{
	const char	*p[1] = { currency };
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_PLAN_POLICY, p, 1)) == NULL)
		return -1;
	(void)snprintf(terms, n, "%s", db_rows(r) == 1 ?
	    db_str(r, 0, POLICY_TERMS_VERSION) : "staff");
	db_res_free(r);
	return 0;
}

/* Accept: the proposal's schedule becomes the plan. 0, 1 (a plan exists), -1. */
static int
accept(struct ctx *c, const struct staff_session *s, struct proposal *pp)
{
	const char	*p[5];
	char		 terms[64], plan_id[24];

	if (policy_terms(c, pp->currency, terms, sizeof(terms)) == -1)
		return -1;
	if (plan_store(c, pp->invoice_id, pp->link_id, pp->currency, terms,
	    &pp->s, plan_id, sizeof(plan_id)) == -1)
		return strcmp(db_sqlstate(c->db), "23505") == 0 ? 1 : -1;
	p[0] = pp->id; p[1] = "accepted"; p[2] = s->id; p[3] = ""; p[4] = plan_id;
	if (db_do(c->db, SQL_PROPOSAL_DECIDE, p, 5) == -1)
		return -1;
	if (staff_audit(c, s, "proposal.accepted", pp->invoice_id,
	    arena_printf(c->arena, "proposal %s: plan %s, %s x %d", pp->id,
	    plan_id, plan_freq_name(pp->s.freq), pp->s.count)) == -1)
		return -1;
	return decision_mail(c, pp, "mail/proposal_accepted",
	    "proposal.accepted");
}

static int
decline(struct ctx *c, const struct staff_session *s, struct proposal *pp,
    const char *reason)
{
	const char	*p[5];

	p[0] = pp->id; p[1] = "declined"; p[2] = s->id; p[3] = reason; p[4] = NULL;
	if (db_do(c->db, SQL_PROPOSAL_DECIDE, p, 5) == -1)
		return -1;
	pp->reason = reason;
	if (staff_audit(c, s, "proposal.declined", pp->invoice_id,
	    arena_printf(c->arena, "proposal %s: %s", pp->id, reason)) == -1)
		return -1;
	return decision_mail(c, pp, "mail/proposal_declined",
	    "proposal.declined");
}

/*
 * POST /staff/proposals/{id} (decision=accept|decline, reason, csrf): 303
 * back to the page. A decline needs a reason (400, the form again, nothing
 * written); a proposal already decided is 409 with the page as it is now.
 */
void
staff_proposal_post(struct ctx *c)
{
	static const struct form_field fields[] = {
		{ "decision", 8, false }, { "reason", 4 * REASON_MAX, false },
		{ "csrf", TOKEN_LEN, false },
	};
	struct staff_session	 s;
	struct proposal		 pp;
	const char		*f[3], *bad, *problem = NULL;
	enum form_result	 each[3], r;
	char			 id[24], purpose[48];
	int			 rc;

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	if (!page_capture_id(c, id, sizeof(id))) {
		page_error(c, 404, NULL);
		return;
	}
	r = form_check(c->req.form, c->req.nform, fields, 3, f, &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	(void)snprintf(purpose, sizeof(purpose), "proposal:%s", id);
	if (!page_begin_or_reply(c))
		return;
	if (load_proposal(c, id, &pp) == -1)
		goto fail;
	if (!pp.found) {
		db_rollback(c->db);
		page_error(c, 404, NULL);
		return;
	}
	if (!staff_csrf_valid(c, &s, purpose, each[2] == FORM_OK ? f[2] : ""))
		problem = "error_csrf";
	else if (strcmp(f[0], "accept") != 0 && strcmp(f[0], "decline") != 0)
		problem = "error_decision";
	else if (strcmp(f[0], "decline") == 0 && (each[1] != FORM_OK ||
	    f[1][0] == '\0' || utf8_count(f[1], strlen(f[1])) > REASON_MAX))
		problem = "error_reason";
	else if (strcmp(pp.status, "open") != 0 || !pp.schedule_ok)
		problem = "error_decided";
	if (problem != NULL) {
		db_rollback(c->db);
		render(c, &s, &pp, strcmp(problem, "error_csrf") == 0 ? 403 :
		    strcmp(problem, "error_decided") == 0 ? 409 : 400, problem,
		    f[1]);
		return;
	}
	rc = strcmp(f[0], "accept") == 0 ? accept(c, &s, &pp) :
	    decline(c, &s, &pp, f[1]);
	if (rc == 1) {
		db_rollback(c->db);
		render(c, &s, &pp, 409, "error_has_plan", NULL);
		return;
	}
	if (rc == -1 || db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, arena_printf(c->arena,
	    "/staff/proposals/%s", id)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	page_db_error(c);
}
