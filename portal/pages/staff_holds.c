/*
 * Staff decide what a debtor asked with pages/holds.c (issue 15):
 *
 *   /staff/disputes/{id}  upheld (optionally with a credit and with some
 *                         lines cancelled: each a negative line of its own
 *                         on the invoice, source 'dispute', which a
 *                         re-import keeps) or rejected with an explanation;
 *   /staff/claims/{id}    confirmed (the payment is recorded, source
 *                         'claim') or replied to with a message.
 *
 * Either decision releases the request's hold, marks its task done, is
 * audited and mails the debtor in their language; a rejected dispute
 * resumes the cadence with a fresh 7-day pay-by (the REMIND query). The
 * request row is locked while it is decided; one already decided is a 409.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "holdrules.h"
#include "i18n.h"
#include "money.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "pages/staff.h"
#include "routes.h"
#include "token.h"
#include "utf8.h"
#include "view.h"

#define RESPONSE_MAX_CHARS	4000

/* The two kinds of request and what differs between them. */
struct desk {
	const char	*name;		/* "dispute": page, template, audit */
	const char	*path;		/* "/staff/disputes/" */
	enum sql_query	 get, decide;
	const char	*const *decisions;	/* the first one "gives in" */
	const char	*const *words;		/* reasons or methods */
	const char	*mail_kind;
};

static const char *const dispute_decisions[] = { "upheld", "rejected", NULL };
static const char *const claim_decisions[] = { "confirmed", "replied", NULL };

static const struct desk dispute_desk = {
	"dispute", "/staff/disputes/", SQL_DISPUTE_GET, SQL_DISPUTE_DECIDE,
	dispute_decisions, dispute_reasons, "dispute_decided",
};
static const struct desk claim_desk = {
	"claim", "/staff/claims/", SQL_CLAIM_GET, SQL_CLAIM_DECIDE,
	claim_decisions, claim_methods, "claim_decided",
};

enum { F_DECISION, F_RESPONSE, F_CREDIT, F_CSRF, F__MAX };

static const struct form_field fields[F__MAX] = {
	[F_DECISION] = { "decision", 16, false },
	[F_RESPONSE] = { "response", 4 * RESPONSE_MAX_CHARS, false },
	[F_CREDIT] = { "credit", 32, false },
	[F_CSRF] = { "csrf", TOKEN_LEN, false },
};

/*
 * The form as posted: the fields above, then a checkbox cancel_{position}
 * (value "yes") for each line of the invoice the clerk cancels; which
 * lines may be cancelled is known only once the dispute is loaded.
 */
#define CANCEL_PREFIX	"cancel_"
#define CANCEL_MAX	(HTTP_MAX_PARAMS - F__MAX)

struct posted {
	struct form_field	 fields[F__MAX + CANCEL_MAX];
	const char		*f[F__MAX + CANCEL_MAX];
	enum form_result	 each[F__MAX + CANCEL_MAX];
	long			 cancel[CANCEL_MAX];	/* positions */
	const char		*cancel_text[CANCEL_MAX];	/* their lines' */
	int64_t			 cancel_cents[CANCEL_MAX];
	int			 ncancel;
};

/* The lines a clerk may cancel: the invoice's, not cancelled yet. */
struct lines {
	struct db_res	*r;
	int		 n;
};

/* The request's facts as the page and the mails show them. */
static void
request_view(struct ctx *c, const struct desk *k, const struct db_res *r,
    struct view *v)
{
	struct view	*m = view_set_map(v, "request");
	const char	*cur = db_str(r, 0, STAFF_REQUEST_CURRENCY);

	view_set_str(m, "id", db_str(r, 0, STAFF_REQUEST_ID));
	view_set_str(m, "number", db_str(r, 0, STAFF_REQUEST_NUMBER));
	view_set_str(m, "customer", db_str(r, 0, STAFF_REQUEST_CUSTOMER));
	view_set_str(m, "email", db_str(r, 0, STAFF_REQUEST_EMAIL));
	view_set_choice(m, "is_", k->words, db_str(r, 0, STAFF_REQUEST_WORD));
	view_set_str(m, "details", db_str(r, 0, STAFF_REQUEST_DETAILS));
	view_set_str(m, "reference", db_str(r, 0, STAFF_REQUEST_REFERENCE));
	view_set_str(m, "received", db_str(r, 0, STAFF_REQUEST_RECEIVED));
	view_set_str(m, "response", db_str(r, 0, STAFF_REQUEST_RESPONSE));
	view_set_bool(m, "open", strcmp(db_str(r, 0, STAFF_REQUEST_STATUS),
	    "open") == 0);
	view_set_str(m, "status", db_str(r, 0, STAFF_REQUEST_STATUS));
	view_set_bool(m, arena_printf(c->arena, "status_%s",
	    db_str(r, 0, STAFF_REQUEST_STATUS)), true);
	view_set_str(m, "balance", page_money(c, db_int(r, 0,
	    STAFF_REQUEST_BALANCE), cur));
	view_set_str(m, "currency", cur);
	if (!db_null(r, 0, STAFF_REQUEST_PAID_ON))
		view_set_str(m, "paid_on", page_date(c, db_date(r, 0,
		    STAFF_REQUEST_PAID_ON)));
	if (!db_null(r, 0, STAFF_REQUEST_AMOUNT_CENTS))
		view_set_str(m, "amount", page_money(c, db_int(r, 0,
		    STAFF_REQUEST_AMOUNT_CENTS), cur));
}

static bool
posted_cancels(const struct posted *pf, long position)
{
	int	i;

	for (i = 0; pf != NULL && i < pf->ncancel; i++)
		if (pf->cancel[i] == position)
			return true;
	return false;
}

static int
lines_load(struct ctx *c, const char *invoice_id, struct lines *ls)
{
	const char	*p[1] = { invoice_id };

	if ((ls->r = db_query(c->db, SQL_DISPUTE_LINES, p, 1)) == NULL)
		return -1;
	ls->n = db_rows(ls->r);
	return 0;
}

/* The lines the clerk may cancel, as checkboxes (ticked as posted). */
static int
lines_view(struct ctx *c, const char *invoice_id, const char *currency,
    const struct posted *pf, struct view *v)
{
	struct lines	 ls;
	struct view	*list, *m;
	long		 pos;
	int		 i;

	if (lines_load(c, invoice_id, &ls) == -1)
		return -1;
	view_set_bool(v, "has_lines", ls.n > 0);
	list = view_set_list(v, "lines");
	for (i = 0; i < ls.n; i++) {
		pos = (long)db_int(ls.r, i, DISPUTE_LINE_POSITION);
		m = view_push_map(list);
		view_set_int(m, "position", (int)pos);
		view_set_str(m, "description", db_str(ls.r, i,
		    DISPUTE_LINE_DESCRIPTION));
		view_set_str(m, "amount", page_money(c, db_int(ls.r, i,
		    DISPUTE_LINE_TOTAL_CENTS), currency));
		view_set_bool(m, "checked", posted_cancels(pf, pos));
	}
	db_res_free(ls.r);
	return 0;
}

/* The page: 200, or the form again with its problem (400, 403, 409). */
static void
render(struct ctx *c, const struct staff_session *s, const struct desk *k,
    const char *id, int status, const char *problem, const struct posted *pf)
{
	const char	*p[2] = { id, NULL };
	const char	*const *f = pf != NULL ? pf->f : NULL;
	struct db_res	*r;
	struct view	*v, *val;

	if ((v = staff_view_or_reply(c, s, arena_printf(c->arena, "%s:%s",
	    k->name, id))) == NULL)
		return;
	if ((r = db_query(c->db, k->get, p, 2)) == NULL) {
		page_db_error(c);
		return;
	}
	if (db_rows(r) != 1) {
		db_res_free(r);
		page_error(c, 404, NULL);
		return;
	}
	request_view(c, k, r, v);
	if (k == &dispute_desk && lines_view(c, db_str(r, 0,
	    STAFF_REQUEST_INVOICE_ID), db_str(r, 0, STAFF_REQUEST_CURRENCY),
	    pf, v) == -1) {
		db_res_free(r);
		page_db_error(c);
		return;
	}
	db_res_free(r);
	val = view_set_map(v, "form");
	if (f != NULL) {
		view_set_str(val, "response", f[F_RESPONSE]);
		view_set_str(val, "credit", f[F_CREDIT]);
		view_set_choice(val, "is_", k->decisions, f[F_DECISION]);
	}
	if (problem != NULL) {
		view_set_bool(v, problem, true);
		view_set_bool(v, "errors", true);
	}
	view_set_int(v, "max_chars", RESPONSE_MAX_CHARS);
	page_render(c, status, arena_printf(c->arena, "staff_%s", k->name), v);
}

static void
request_get(struct ctx *c, const struct desk *k)
{
	struct staff_session	s;
	char			id[24];

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	render(c, &s, k, id, 200, NULL, NULL);
}

void staff_dispute_get(struct ctx *c) { request_get(c, &dispute_desk); }
void staff_claim_get(struct ctx *c) { request_get(c, &claim_desk); }

/*
 * Reads the posted form into pf: the fixed fields and any cancel_{position}
 * checkboxes. The form_check() result.
 */
static enum form_result
posted_read(struct ctx *c, struct posted *pf)
{
	const char	*bad;
	size_t		 i, n = F__MAX;
	long		 pos;

	memset(pf, 0, sizeof(*pf));
	memcpy(pf->fields, fields, sizeof(fields));
	for (i = 0; i < c->req.nform && n < F__MAX + CANCEL_MAX; i++) {
		const char *name = c->req.form[i].name;

		if (strncmp(name, CANCEL_PREFIX, strlen(CANCEL_PREFIX)) != 0 ||
		    form_int(name + strlen(CANCEL_PREFIX), 1, 999999999L,
		    &pos) == -1)
			continue;	/* form_check() calls it unknown */
		pf->fields[n++] = (struct form_field){ name, 3, true };
		pf->cancel[pf->ncancel++] = pos;
	}
	return form_check(c->req.form, c->req.nform, pf->fields, n, pf->f, &bad,
	    pf->each);
}

/*
 * The cancellations' total into *cents, each checked against the lines the
 * dispute's invoice has left; NULL, or the problem.
 */
static const char *
cancels_problem(struct ctx *c, struct posted *pf, const char *invoice_id,
    int64_t *cents)
{
	struct lines	 ls;
	int		 i, j;
	bool		 found;

	*cents = 0;
	if (lines_load(c, invoice_id, &ls) == -1)
		return "";
	for (i = 0; i < pf->ncancel; i++) {
		found = strcmp(pf->f[F__MAX + i], "yes") == 0;
		for (j = 0; found && j < ls.n; j++)
			if (db_int(ls.r, j, DISPUTE_LINE_POSITION) == pf->cancel[i])
				break;
		if (!found || j == ls.n) {
			db_res_free(ls.r);
			return "error_cancel_line";
		}
		pf->cancel_cents[i] = db_int(ls.r, j, DISPUTE_LINE_TOTAL_CENTS);
		pf->cancel_text[i] = arena_strdup(c->arena, db_str(ls.r, j,
		    DISPUTE_LINE_DESCRIPTION));
		*cents += pf->cancel_cents[i];
	}
	db_res_free(ls.r);
	return NULL;
}

/*
 * What is wrong with the form; NULL when nothing, "" after a database
 * error. cents: the credit; cancelled: the lines cancelled, in all.
 */
static const char *
form_problem(struct ctx *c, const struct desk *k, struct posted *pf,
    const struct db_res *r, int64_t *cents, int64_t *cancelled)
{
	const char		*const *f = pf->f;
	const enum form_result	*each = pf->each;
	const char		*currency = db_str(r, 0, STAFF_REQUEST_CURRENCY);
	const char		*problem;
	int64_t			 balance = db_int(r, 0, STAFF_REQUEST_BALANCE);
	int			 d = form_choice(f[F_DECISION], k->decisions);

	*cents = *cancelled = 0;
	if (each[F_DECISION] != FORM_OK || d < 0)
		return "error_decision";
	if (each[F_RESPONSE] != FORM_OK ||
	    utf8_count(f[F_RESPONSE], strlen(f[F_RESPONSE])) > RESPONSE_MAX_CHARS)
		return "error_response_long";
	/* The debtor is told why: a rejection or a reply needs words. */
	if (d == 1 && f[F_RESPONSE][strspn(f[F_RESPONSE], " \t\r\n")] == '\0')
		return "error_response_missing";
	if (f[F_CREDIT][0] == '\0' && pf->ncancel == 0)
		return NULL;
	if (k != &dispute_desk || d != 0)
		return "error_credit_upheld";
	if (f[F_CREDIT][0] != '\0' && (each[F_CREDIT] != FORM_OK ||
	    money_parse(f[F_CREDIT], currency, cents) == -1))
		return "error_credit_format";
	if (*cents < 0 || (f[F_CREDIT][0] != '\0' && *cents == 0))
		return "error_credit_range";
	if ((problem = cancels_problem(c, pf, db_str(r, 0,
	    STAFF_REQUEST_INVOICE_ID), cancelled)) != NULL)
		return problem;
	if (*cents + *cancelled > balance)
		return "error_credit_range";
	return NULL;
}

/* The lines cancelled, as m's "cancelled" list. */
static void
cancelled_view(struct ctx *c, const struct posted *pf, const char *currency,
    struct view *m)
{
	struct view	*list, *row;
	int		 i;

	if (pf->ncancel == 0)
		return;
	view_set_bool(m, "has_cancelled", true);
	list = view_set_list(m, "cancelled");
	for (i = 0; i < pf->ncancel; i++) {
		row = view_push_map(list);
		view_set_str(row, "description", pf->cancel_text[i]);
		view_set_str(row, "amount", page_money(c, pf->cancel_cents[i],
		    currency));
	}
}

/* The debtor's mail about the decision, in their language. */
static int
decision_mail(struct ctx *c, const struct desk *k, const struct db_res *r,
    const struct posted *pf, int64_t cents, int64_t cancelled)
{
	const struct i18n_lang	*lang, *was;
	const char		*const *f = pf->f;
	struct view		*v;
	const char		*cur = db_str(r, 0, STAFF_REQUEST_CURRENCY);
	int64_t			 balance = db_int(r, 0, STAFF_REQUEST_BALANCE);
	int			 rc;

	if ((lang = i18n_find(c->i18n, db_str(r, 0, STAFF_REQUEST_LANGUAGE))) == NULL)
		lang = i18n_source(c->i18n);
	was = debtor_use_lang(c, lang);
	v = page_view(c);
	request_view(c, k, r, v);
	view_set_str(v, "name", db_str(r, 0, STAFF_REQUEST_CUSTOMER));
	view_set_str(v, "number", db_str(r, 0, STAFF_REQUEST_NUMBER));
	view_set_str(v, "message", f[F_RESPONSE]);
	view_set_bool(v, arena_printf(c->arena, "is_%s", f[F_DECISION]), true);
	if (cents > 0)
		view_set_str(v, "credit", page_money(c, cents, cur));
	cancelled_view(c, pf, cur, v);
	cents += cancelled;
	if (k == &claim_desk && strcmp(f[F_DECISION], "confirmed") == 0)
		cents = db_int(r, 0, STAFF_REQUEST_AMOUNT_CENTS);
	view_set_str(v, "new_balance", page_money(c, balance - cents, cur));
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = arena_printf(c->arena,
	    "mail/%s_decided", k->name), .language = page_lang_tag(c),
	    .to = db_str(r, 0, STAFF_REQUEST_EMAIL),
	    .to_name = db_str(r, 0, STAFF_REQUEST_CUSTOMER), .kind = k->mail_kind,
	    .invoice_id = db_str(r, 0, STAFF_REQUEST_INVOICE_ID) }, v);
	/* A staff page speaks English: the source, when none was set yet. */
	(void)debtor_use_lang(c, was != NULL ? was : i18n_source(c->i18n));
	return rc;
}

/* A credit line of dispute id on invoice: cents, text, the line it cancels or NULL. */
static int
credit_add(struct ctx *c, const char *invoice, const char *id, int64_t cents,
    const char *text, const char *cancels)
{
	const char	*p[5];
	char		 amount[24];

	(void)snprintf(amount, sizeof(amount), "%lld", (long long)cents);
	p[0] = invoice; p[1] = text; p[2] = amount; p[3] = id; p[4] = cancels;
	return text == NULL ? -1 : db_do(c->db, SQL_CREDIT_ADD, p, 5);
}

/* The decision's rows: the request, hold and task, credits or a payment. */
static int
decide(struct ctx *c, const struct staff_session *s, const struct desk *k,
    const char *id, const struct db_res *r, const struct posted *pf,
    int64_t cents)
{
	const char	*const *f = pf->f;
	const char	*p[4] = { id, f[F_DECISION], f[F_RESPONSE], s->id };
	const char	*invoice = db_str(r, 0, STAFF_REQUEST_INVOICE_ID);
	const char	*detail;
	int		 i;

	if (db_do(c->db, k->decide, p, 4) == -1)
		return -1;
	if (cents > 0 && credit_add(c, invoice, id, cents, arena_printf(c->arena,
	    "Credit (dispute %s)", id), NULL) == -1)
		return -1;
	detail = arena_printf(c->arena, "%s %s", k->name, id);
	if (cents > 0)
		detail = arena_printf(c->arena, "%s, credit %lld", detail,
		    (long long)cents);
	for (i = 0; i < pf->ncancel; i++) {
		if (credit_add(c, invoice, id, pf->cancel_cents[i],
		    arena_printf(c->arena, "Cancelled: %s (dispute %s)",
		    pf->cancel_text[i], id), arena_printf(c->arena, "%ld",
		    pf->cancel[i])) == -1)
			return -1;
		detail = arena_printf(c->arena, "%s, line %ld cancelled (%lld)",
		    detail, pf->cancel[i], (long long)pf->cancel_cents[i]);
	}
	if (k == &claim_desk && strcmp(f[F_DECISION], "confirmed") == 0) {
		p[0] = id;
		p[1] = arena_printf(c->arena, "Payment (claim %s)", id);
		if (p[1] == NULL || db_do(c->db, SQL_CLAIM_PAYMENT, p, 2) == -1)
			return -1;
	}
	return staff_audit(c, s, arena_printf(c->arena, "%s.%s", k->name,
	    f[F_DECISION]), invoice, detail);
}

static void
desk_post(struct ctx *c, const struct desk *k)
{
	struct staff_session	 s;
	struct posted		*pf;
	const char		*problem, *p[2];
	enum form_result	 fr;
	struct db_res		*r = NULL;
	char			 id[24];
	int64_t			 cents, cancelled;

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	if ((pf = arena_alloc(c->arena, sizeof(*pf))) == NULL) {
		page_error(c, 500, NULL);
		return;
	}
	fr = posted_read(c, pf);
	if (fr == FORM_UNKNOWN || fr == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	if (!staff_csrf_valid(c, &s, arena_printf(c->arena, "%s:%s", k->name, id),
	    pf->each[F_CSRF] == FORM_OK ? pf->f[F_CSRF] : "")) {
		render(c, &s, k, id, 403, "error_csrf", pf);
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	p[0] = id;
	p[1] = "true";		/* open ones only, locked */
	if ((r = db_query(c->db, k->get, p, 2)) == NULL)
		goto fail;
	if (db_rows(r) != 1) {	/* unknown, or decided meanwhile */
		db_res_free(r);
		db_rollback(c->db);
		render(c, &s, k, id, 409, "error_decided", pf);
		return;
	}
	if ((problem = form_problem(c, k, pf, r, &cents, &cancelled)) != NULL) {
		db_res_free(r);
		if (problem[0] == '\0') {
			r = NULL;
			goto fail;
		}
		db_rollback(c->db);
		render(c, &s, k, id, 400, problem, pf);
		return;
	}
	if (decide(c, &s, k, id, r, pf, cents) == -1 ||
	    decision_mail(c, k, r, pf, cents, cancelled) == -1 ||
	    db_commit(c->db) == -1)
		goto fail;
	db_res_free(r);
	if (response_redirect(&c->res, arena_printf(c->arena, "%s%s", k->path,
	    id)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	db_res_free(r);
	page_db_error(c);
}

void staff_dispute_post(struct ctx *c) { desk_post(c, &dispute_desk); }
void staff_claim_post(struct ctx *c) { desk_post(c, &claim_desk); }
