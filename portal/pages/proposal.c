/*
 * Staff decide on a plan of one's own that was outside policy (issue 15):
 * GET /staff/proposals/{id} shows it; POST accepts it (it becomes the plan),
 * counters it with a schedule of their own (the debtor accepts that from
 * the email or the plan page, pages/counter.c) or declines it with a
 * reason. Each mails the debtor in their language, is audited and marks the
 * proposal's task done, all in one transaction under the proposal's row
 * lock, so two clerks deciding at once make one decision.
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
#include "pages/debtor.h"
#include "pages/proposal.h"
#include "pages/staff.h"
#include "plan.h"
#include "routes.h"
#include "token.h"
#include "utf8.h"
#include "view.h"

#define REASON_MAX	2000

/* Staff may offer from tomorrow up to this many days ahead. */
#define COUNTER_MAX_DAYS	PLAN_MAX_FIRST_DUE_DAYS

/* Any schedule of 2 to 60 payments: staff and debtors' proposals may leave the policy. */
static const struct plan_policy any_policy = { .min_installment = 1,
    .max_installments = PLAN_MAX_INSTALLMENTS,
    .freq_mask = (1u << PLAN_FREQ__MAX) - 1 };

bool
proposal_schedule(int64_t total, const char *freq, int64_t count, struct date first,
    struct plan_schedule *s)
{
	enum plan_freq	f;

	return plan_freq_parse(freq, &f) == 0 && count >= 2 &&
	    count <= PLAN_MAX_INSTALLMENTS &&
	    plan_schedule(total, &any_policy, f, (int)count, first, s) == 0;
}

static void
copy_text(char *dst, size_t n, const struct db_res *r, int col)
{
	(void)snprintf(dst, n, "%s", db_str(r, 0, col));
}

int
proposal_load(struct ctx *c, enum sql_query q, const char *param,
    struct proposal *pp)
{
	const char	*p[1] = { param };
	struct db_res	*r;
	int64_t		 total;

	memset(pp, 0, sizeof(*pp));
	if ((r = db_query(c->db, q, p, 1)) == NULL)
		return -1;
	if ((pp->found = db_rows(r) == 1)) {
		copy_text(pp->id, sizeof(pp->id), r, STAFF_PROPOSAL_ID);
		copy_text(pp->invoice_id, sizeof(pp->invoice_id), r,
		    STAFF_PROPOSAL_INVOICE_ID);
		copy_text(pp->link_id, sizeof(pp->link_id), r,
		    STAFF_PROPOSAL_LINK_ID);
		copy_text(pp->status, sizeof(pp->status), r, STAFF_PROPOSAL_STATUS);
		copy_text(pp->currency, sizeof(pp->currency), r,
		    STAFF_PROPOSAL_CURRENCY);
		copy_text(pp->number, sizeof(pp->number), r, STAFF_PROPOSAL_NUMBER);
		pp->customer = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_CUSTOMER));
		pp->email = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_EMAIL));
		pp->language = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_LANGUAGE));
		pp->reason = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_REASON));
		pp->decider = arena_strdup(c->arena, db_str(r, 0, STAFF_PROPOSAL_DECIDER));
		pp->received = db_date(r, 0, STAFF_PROPOSAL_RECEIVED_ON);
		pp->decided = db_date(r, 0, STAFF_PROPOSAL_DECIDED_ON);
		total = db_int(r, 0, STAFF_PROPOSAL_TOTAL_CENTS);
		pp->schedule_ok = proposal_schedule(total,
		    db_str(r, 0, STAFF_PROPOSAL_FREQUENCY),
		    db_int(r, 0, STAFF_PROPOSAL_INSTALLMENTS),
		    db_date(r, 0, STAFF_PROPOSAL_FIRST_DUE), &pp->s);
		pp->counter_ok = proposal_schedule(total,
		    db_str(r, 0, STAFF_PROPOSAL_COUNTER_FREQUENCY),
		    db_int(r, 0, STAFF_PROPOSAL_COUNTER_INSTALLMENTS),
		    db_date(r, 0, STAFF_PROPOSAL_COUNTER_FIRST_DUE), &pp->counter);
	}
	db_res_free(r);
	if (pp->found && (pp->customer == NULL || pp->email == NULL ||
	    pp->language == NULL || pp->reason == NULL || pp->decider == NULL))
		return -1;
	return 0;
}

/* The proposal's schedules: the debtor's in m, the counter-offer's in m.counter. */
static void
schedules_view(struct ctx *c, const struct proposal *pp, struct view *m)
{
	if (pp->schedule_ok)
		debtor_schedule_view(c, &pp->s, pp->currency, m);
	if (pp->counter_ok)
		debtor_schedule_view(c, &pp->counter, pp->currency,
		    view_set_map(m, "counter"));
}

/* What a clerk typed into the counter-offer form, kept when it is shown again. */
struct counter_form {
	const char	*freq, *count, *first, *note;
};

static void
render(struct ctx *c, const struct staff_session *s, const struct proposal *pp,
    int status, const char *problem, const char *reason,
    const struct counter_form *cf)
{
	static const char *const freqs[] = { "weekly", "fortnightly", "monthly",
	    NULL };
	struct view	*v, *m, *f;
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
	view_set_bool(m, "countered", strcmp(pp->status, "countered") == 0);
	view_set_bool(m, "declined", strcmp(pp->status, "declined") == 0);
	view_set_str(m, "decider", pp->decider);
	view_set_str(m, "decided_on", page_date(c, pp->decided));
	view_set_str(m, "decided_reason", pp->reason);
	schedules_view(c, pp, m);
	if (problem != NULL)
		view_set_bool(v, problem, true);
	view_set_str(v, "reason", reason ? reason : "");
	f = view_set_map(v, "counter_form");
	view_set_str(f, "count", cf ? cf->count : "");
	view_set_str(f, "first", cf ? cf->first : "");
	view_set_str(f, "note", cf ? cf->note : "");
	view_set_choice(f, "freq_", freqs, cf ? cf->freq : "monthly");
	page_render(c, status, "staff_proposal", v);
}

/* GET /staff/proposals/{id}: the proposal, its schedule, the decision forms. */
void
staff_proposal_get(struct ctx *c)
{
	struct staff_session	s;
	struct proposal		pp;
	char			id[24];

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	if (!page_db_or_reply(c))
		return;
	if (proposal_load(c, SQL_PROPOSAL_GET, id, &pp) == -1) {
		page_db_error(c);
		return;
	}
	if (!pp.found) {
		page_error(c, 404, NULL);
		return;
	}
	render(c, &s, &pp, 200, NULL, NULL, NULL);
}

/*
 * The debtor's mail about the decision (tpl, and html_tpl or NULL; kind),
 * in their language; extra (or NULL) is set on the view as "url".
 */
static int
decision_mail(struct ctx *c, const struct proposal *pp, const char *tpl,
    const char *html_tpl, const char *kind, const char *url)
{
	const struct i18n_lang	*lang = i18n_find(c->i18n, pp->language);
	const struct i18n_lang	*was;
	struct view		*v;
	int			 rc;

	was = debtor_use_lang(c, lang ? lang : i18n_source(c->i18n));
	v = page_view(c);
	view_set_str(v, "name", pp->customer);
	view_set_str(v, "number", pp->number);
	view_set_str(v, "reason", pp->reason);
	if (url != NULL)
		view_set_str(v, "url", url);
	schedules_view(c, pp, view_set_map(v, "plan"));
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = tpl, .html_template = html_tpl,
	    .language = page_lang_tag(c), .to = pp->email,
	    .to_name = pp->customer, .kind = kind,
	    .invoice_id = pp->invoice_id }, v);
	/* A staff page speaks English: the source, when none was set yet. */
	(void)debtor_use_lang(c, was != NULL ? was : i18n_source(c->i18n));
	return rc;
}

/* The policy's terms version for currency, or "staff" without a policy. */
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

int
proposal_plan_store(struct ctx *c, const struct proposal *pp,
    const struct plan_schedule *s, char *plan_id, size_t idsz)
{
	char	terms[64];

	if (policy_terms(c, pp->currency, terms, sizeof(terms)) == -1)
		return -1;
	if (plan_store(c, pp->invoice_id, pp->link_id, pp->currency, terms, s,
	    plan_id, idsz) == -1)
		return strcmp(db_sqlstate(c->db), "23505") == 0 ? 1 : -1;
	return 0;
}

/* Accept: the proposal's schedule becomes the plan. 0, 1 (a plan exists), -1. */
static int
accept(struct ctx *c, const struct staff_session *s, struct proposal *pp)
{
	const char	*p[5];
	char		 plan_id[24];
	int		 rc;

	if ((rc = proposal_plan_store(c, pp, &pp->s, plan_id,
	    sizeof(plan_id))) != 0)
		return rc;
	p[0] = pp->id; p[1] = "accepted"; p[2] = s->id; p[3] = ""; p[4] = plan_id;
	if (db_do(c->db, SQL_PROPOSAL_DECIDE, p, 5) == -1)
		return -1;
	if (staff_audit(c, s, "proposal.accepted", pp->invoice_id,
	    arena_printf(c->arena, "proposal %s: plan %s, %s x %d", pp->id,
	    plan_id, plan_freq_name(pp->s.freq), pp->s.count)) == -1)
		return -1;
	return decision_mail(c, pp, "mail/proposal_accepted", NULL,
	    "proposal.accepted", NULL);
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
	return decision_mail(c, pp, "mail/proposal_declined", NULL,
	    "proposal.declined", NULL);
}

/*
 * The counter-offer form's schedule into pp->counter; NULL, or the
 * problem's flag for the page.
 */
static const char *
counter_parse(struct ctx *c, const struct counter_form *cf, struct proposal *pp)
{
	struct date	first, today = page_today(c);
	long		count;
	enum plan_freq	f;

	if (plan_freq_parse(cf->freq, &f) == -1)
		return "error_counter_freq";
	if (form_int(cf->count, 2, PLAN_MAX_INSTALLMENTS, &count) == -1)
		return "error_counter_count";
	if (date_parse(cf->first, &first) == -1 ||
	    date_diff(first, today) < 1 ||
	    date_diff(first, today) > COUNTER_MAX_DAYS)
		return "error_counter_first";
	if (plan_schedule(pp->s.total, &any_policy, f, (int)count, first,
	    &pp->counter) == -1)
		return "error_counter_count";
	pp->counter_ok = true;
	return NULL;
}

/*
 * Counter: the clerk's schedule is stored with a fresh one-click token and
 * mailed to the debtor, who accepts it from the mail (pages/counter.c).
 */
static int
counter(struct ctx *c, const struct staff_session *s, struct proposal *pp,
    const char *note)
{
	const char	*p[7];
	char		 token[TOKEN_LEN + 1], hash[TOKEN_HASH_HEX];
	char		 count[16], first[DATE_ISO_SIZE];

	if (token_new(&c->cfg->keys, TOKEN_COUNTER, token, hash) == -1)
		return -1;
	(void)snprintf(count, sizeof(count), "%d", pp->counter.count);
	if (date_format_iso(first, sizeof(first), pp->counter.first_due) == -1)
		return -1;
	p[0] = pp->id; p[1] = s->id; p[2] = note;
	p[3] = plan_freq_name(pp->counter.freq); p[4] = count; p[5] = first;
	p[6] = hash;
	if (db_do(c->db, SQL_PROPOSAL_COUNTER, p, 7) == -1)
		return -1;
	pp->reason = note;
	if (staff_audit(c, s, "proposal.countered", pp->invoice_id,
	    arena_printf(c->arena, "proposal %s: offered %s x %d from %s",
	    pp->id, p[3], pp->counter.count, first)) == -1)
		return -1;
	return decision_mail(c, pp, "mail/proposal_countered",
	    "mail/proposal_countered_html", "proposal.countered",
	    arena_printf(c->arena, "%s/o/%s", c->cfg->base_url, token));
}

enum decision_field { D_DECISION, D_REASON, D_CSRF, D_FREQ, D_COUNT, D_FIRST,
    D__MAX };

static const struct form_field decision_fields[D__MAX] = {
	[D_DECISION] = { "decision", 8, false },
	[D_REASON] = { "reason", 4 * REASON_MAX, false },
	[D_CSRF] = { "csrf", TOKEN_LEN, false },
	[D_FREQ] = { "counter_freq", 16, false },
	[D_COUNT] = { "counter_count", 8, false },
	[D_FIRST] = { "counter_first", 16, false },
};

static const char *const decisions[] = { "accept", "decline", "counter", NULL };

/* The decision's problem before anything is written: NULL, or the page's flag. */
static const char *
decision_problem(struct ctx *c, const struct staff_session *s,
    struct proposal *pp, const char **f, const enum form_result *each,
    const struct counter_form *cf)
{
	char	purpose[48];
	int	d = form_choice(f[D_DECISION], decisions);
	bool	reason_ok = each[D_REASON] == FORM_OK &&
	    utf8_count(f[D_REASON], strlen(f[D_REASON])) <= REASON_MAX;

	(void)snprintf(purpose, sizeof(purpose), "proposal:%s", pp->id);
	if (!staff_csrf_valid(c, s, purpose, each[D_CSRF] == FORM_OK ?
	    f[D_CSRF] : ""))
		return "error_csrf";
	if (d < 0)
		return "error_decision";
	if (d == 1 && (!reason_ok || f[D_REASON][0] == '\0'))
		return "error_reason";
	if (strcmp(pp->status, "open") != 0 || !pp->schedule_ok)
		return "error_decided";
	if (d == 2 && !reason_ok)
		return "error_note";
	if (d == 2)
		return counter_parse(c, cf, pp);
	return NULL;
}

static int
problem_status(const char *problem)
{
	if (strcmp(problem, "error_csrf") == 0)
		return 403;
	if (strcmp(problem, "error_decided") == 0)
		return 409;
	return 400;
}

/*
 * POST /staff/proposals/{id} (decision=accept|decline|counter, reason,
 * counter_freq, counter_count, counter_first, csrf): 303 back to the page.
 * A decline needs a reason, a counter-offer a schedule (400, the form
 * again with what was typed, nothing written); a proposal already decided
 * is 409 with the page as it is now.
 */
void
staff_proposal_post(struct ctx *c)
{
	struct staff_session	 s;
	struct proposal		 pp;
	struct counter_form	 cf;
	const char		*f[D__MAX], *bad, *problem;
	enum form_result	 each[D__MAX], r;
	char			 id[24];
	int			 rc;

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	r = form_check(c->req.form, c->req.nform, decision_fields, D__MAX, f,
	    &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	cf = (struct counter_form){ f[D_FREQ], f[D_COUNT], f[D_FIRST],
	    f[D_REASON] };
	if (!page_begin_or_reply(c))
		return;
	if (proposal_load(c, SQL_PROPOSAL_GET, id, &pp) == -1)
		goto fail;
	if (!pp.found) {
		db_rollback(c->db);
		page_error(c, 404, NULL);
		return;
	}
	if ((problem = decision_problem(c, &s, &pp, f, each, &cf)) != NULL) {
		db_rollback(c->db);
		render(c, &s, &pp, problem_status(problem), problem,
		    strcmp(f[D_DECISION], "decline") == 0 ? f[D_REASON] : NULL,
		    strcmp(f[D_DECISION], "counter") == 0 ? &cf : NULL);
		return;
	}
	switch (form_choice(f[D_DECISION], decisions)) {
	case 0:
		rc = accept(c, &s, &pp);
		break;
	case 1:
		rc = decline(c, &s, &pp, f[D_REASON]);
		break;
	default:
		rc = counter(c, &s, &pp, f[D_REASON]);
		break;
	}
	if (rc == 1) {
		db_rollback(c->db);
		render(c, &s, &pp, 409, "error_has_plan", NULL, NULL);
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
