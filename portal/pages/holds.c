/*
 * Three ways a debtor stops the reminders for a reason (issue 15), each a
 * short form of its own page linked from the invoice:
 *
 *   /i/{token}/dispute  "Something is wrong with this invoice": a dispute
 *                       row and a hold (kind 'dispute') until staff decide.
 *   /i/{token}/paid     "I've already paid": a payment claim and a hold
 *                       that ends by itself 7 days later.
 *   /i/{token}/promise  "I will pay the balance on DATE": a promises row
 *                       and a hold until the day after that date.
 *
 * A POST checks every field first (a problem: the form again, 400, the
 * message next to its field, nothing written), then in the invoice's
 * transaction stores the request with its hold and its tasks row (one
 * statement), the audit event, the confirmation to the debtor in their
 * language and the staff mail, and answers 303 to the invoice page.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
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
#include "log.h"
#include "pages/debtor.h"
#include "pages/holds.h"
#include "routes.h"
#include "token.h"
#include "utf8.h"
#include "view.h"

const char *const dispute_reasons[] = {
	"not_received", "wrong_amount", "not_as_agreed", "already_paid",
	"other", NULL
};
const char *const claim_methods[] = {
	"bank_transfer", "card", "cash", "cheque", "other", NULL
};

#define HOLDS_MAX_FIELDS	6
#define DETAILS_MAX_CHARS	4000
#define REFERENCE_MAX_CHARS	100

/* One of the three forms: its fields, its page, and how it is stored. */
struct hold_form;

/* What was typed, and what is wrong with it (flags named for the view). */
struct typed {
	const char	*f[HOLDS_MAX_FIELDS];
	enum form_result each[HOLDS_MAX_FIELDS];
	const char	*errors[HOLDS_MAX_FIELDS];
	int		 nerrors;
	struct date	 day;		/* paid_on, pay_on */
	int64_t		 cents;		/* the claim's amount, the promise's */
	int		 limit;		/* promise: the policy's days */
};

struct hold_form {
	const char		*name;		/* "dispute": page, CSRF purpose, done= */
	const struct form_field	*fields;
	int			 nfields;	/* the last one is csrf */
	void			(*check)(struct ctx *, const struct debtor_invoice *,
				    struct typed *);
	int			(*store)(struct ctx *, const struct debtor_invoice *,
				    const struct typed *, char *, size_t);
	const char		*audit_action;
	const char		*ack_template, *ack_kind;
	const char		*staff_template;
	const char		*staff_path;	/* "/staff/disputes/" */
};

static void
problem(struct typed *t, int f, const char *flag)
{
	if (t->errors[f] == NULL) {
		t->errors[f] = flag;
		t->nerrors++;
	}
}

/* Values form_check() found too long or unreadable. */
static void
value_problems(const struct hold_form *hf, struct typed *t)
{
	int	i;

	for (i = 0; i < hf->nfields - 1; i++)
		if (t->each[i] == FORM_BAD_TEXT || t->each[i] == FORM_TOO_LONG)
			problem(t, i, "error_text");
}

/* Text that is nothing but blanks. */
static bool
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* The first field: nothing more can be asked of a settled invoice. */
static bool
settled(const struct debtor_invoice *d, struct typed *t, int field)
{
	if (d->totals.balance > 0)
		return false;
	problem(t, field, "error_paid");
	return true;
}

/* A request of table sql's kind already open on the invoice: a message. */
static int
already_open(struct ctx *c, const struct debtor_invoice *d, enum sql_query q,
    bool *open)
{
	const char	*p[1] = { d->invoice_id };
	struct db_res	*r;

	if ((r = db_query(c->db, q, p, 1)) == NULL)
		return -1;
	*open = db_rows(r) > 0;
	db_res_free(r);
	return 0;
}

/* -------- the dispute -------- */

enum { DI_REASON, DI_DETAILS, DI_REFERENCE, DI_CSRF, DI__MAX };

static const struct form_field dispute_fields[DI__MAX] = {
	[DI_REASON] = { "reason", 16, false },
	[DI_DETAILS] = { "details", 4 * DETAILS_MAX_CHARS, false },
	[DI_REFERENCE] = { "reference", 4 * REFERENCE_MAX_CHARS, false },
	[DI_CSRF] = { "csrf", TOKEN_LEN, false },
};

static void
dispute_check(struct ctx *c, const struct debtor_invoice *d, struct typed *t)
{
	(void)c;
	if (settled(d, t, DI_REASON))
		return;
	if (form_choice(t->f[DI_REASON], dispute_reasons) < 0)
		problem(t, DI_REASON, "error_reason");
	if (blank(t->f[DI_DETAILS]))
		problem(t, DI_DETAILS, "error_details_missing");
	else if (utf8_count(t->f[DI_DETAILS], strlen(t->f[DI_DETAILS])) >
	    DETAILS_MAX_CHARS)
		problem(t, DI_DETAILS, "error_details_long");
	if (utf8_count(t->f[DI_REFERENCE], strlen(t->f[DI_REFERENCE])) >
	    REFERENCE_MAX_CHARS)
		problem(t, DI_REFERENCE, "error_text");
}

static int
dispute_store(struct ctx *c, const struct debtor_invoice *d,
    const struct typed *t, char *id, size_t idsz)
{
	const char	*p[6] = { d->invoice_id, d->link_id, t->f[DI_REASON],
	    t->f[DI_DETAILS], t->f[DI_REFERENCE], c->req.remote_addr };
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_DISPUTE_INSERT, p, 6)) == NULL)
		return -1;
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return 0;
}

/* -------- "I've already paid" -------- */

enum { PC_PAID_ON, PC_AMOUNT, PC_METHOD, PC_REFERENCE, PC_CSRF, PC__MAX };

static const struct form_field claim_fields[PC__MAX] = {
	[PC_PAID_ON] = { "paid_on", 10, false },
	[PC_AMOUNT] = { "amount", 32, false },
	[PC_METHOD] = { "method", 16, false },
	[PC_REFERENCE] = { "reference", 4 * REFERENCE_MAX_CHARS, false },
	[PC_CSRF] = { "csrf", TOKEN_LEN, false },
};

/* An amount in the invoice's currency, more than zero. */
static void
check_amount(const struct debtor_invoice *d, const char *s, struct typed *t,
    int field)
{
	if (s[0] == '\0')
		problem(t, field, "error_amount_missing");
	else if (money_parse(s, d->currency, &t->cents) == -1)
		problem(t, field, "error_amount_format");
	else if (t->cents <= 0)
		problem(t, field, "error_amount_zero");
}

static void
claim_check(struct ctx *c, const struct debtor_invoice *d, struct typed *t)
{
	const char	*day = t->f[PC_PAID_ON];

	if (settled(d, t, PC_PAID_ON))
		return;
	if (date_parse(day, &t->day) == -1)
		problem(t, PC_PAID_ON, day[0] ? "error_date_format" :
		    "error_date_missing");
	else if (date_diff(t->day, page_today(c)) > 0)
		problem(t, PC_PAID_ON, "error_date_future");
	else if (date_diff(t->day, d->issued) < 0)
		problem(t, PC_PAID_ON, "error_date_before");
	check_amount(d, t->f[PC_AMOUNT], t, PC_AMOUNT);
	if (form_choice(t->f[PC_METHOD], claim_methods) < 0)
		problem(t, PC_METHOD, "error_method");
	if (utf8_count(t->f[PC_REFERENCE], strlen(t->f[PC_REFERENCE])) >
	    REFERENCE_MAX_CHARS)
		problem(t, PC_REFERENCE, "error_text");
}

static int
claim_store(struct ctx *c, const struct debtor_invoice *d,
    const struct typed *t, char *id, size_t idsz)
{
	char		 cents[24];
	const char	*p[7] = { d->invoice_id, d->link_id, t->f[PC_PAID_ON],
	    cents, t->f[PC_METHOD], t->f[PC_REFERENCE], c->req.remote_addr };
	struct db_res	*r;

	(void)snprintf(cents, sizeof(cents), "%lld", (long long)t->cents);
	if ((r = db_query(c->db, SQL_CLAIM_INSERT, p, 7)) == NULL)
		return -1;
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return 0;
}

/* -------- the promise to pay -------- */

enum { PR_PAY_ON, PR_CSRF, PR__MAX };

static const struct form_field promise_fields[PR__MAX] = {
	[PR_PAY_ON] = { "pay_on", 10, false },
	[PR_CSRF] = { "csrf", TOKEN_LEN, false },
};

/* How many days ahead the currency's policy lets a debtor promise. */
static int
promise_limit(struct ctx *c, const struct debtor_invoice *d)
{
	const char	*p[1] = { d->currency };
	struct db_res	*r;
	int		 days = HOLDS_PROMISE_MAX_DAYS;

	if ((r = db_query(c->db, SQL_PROMISE_LIMIT, p, 1)) == NULL)
		return -1;
	if (db_rows(r) == 1)
		days = (int)db_int(r, 0, COUNT_VALUE);
	db_res_free(r);
	return days;
}

static void
promise_check(struct ctx *c, const struct debtor_invoice *d, struct typed *t)
{
	const char	*day = t->f[PR_PAY_ON];
	enum holds_promise why;

	if (settled(d, t, PR_PAY_ON))
		return;
	if (date_parse(day, &t->day) == -1) {
		problem(t, PR_PAY_ON, day[0] ? "error_date_format" :
		    "error_date_missing");
		return;
	}
	why = holds_promise_check(t->day, page_today(c), t->limit);
	if (why == HOLDS_PROMISE_PAST)
		problem(t, PR_PAY_ON, "error_date_past");
	else if (why == HOLDS_PROMISE_FAR)
		problem(t, PR_PAY_ON, "error_date_far");
	t->cents = d->totals.balance;
}

static int
promise_store(struct ctx *c, const struct debtor_invoice *d,
    const struct typed *t, char *id, size_t idsz)
{
	char		 cents[24];
	const char	*p[4] = { d->invoice_id, d->link_id, t->f[PR_PAY_ON],
	    cents };
	struct db_res	*r;

	(void)snprintf(cents, sizeof(cents), "%lld", (long long)t->cents);
	if ((r = db_query(c->db, SQL_PROMISE_INSERT, p, 4)) == NULL)
		return -1;
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return 0;
}

static const struct hold_form dispute_form = {
	"dispute", dispute_fields, DI__MAX, dispute_check, dispute_store,
	"dispute.received", "mail/dispute_ack", "dispute_ack",
	"mail/dispute_staff", "/staff/disputes/",
};
static const struct hold_form claim_form = {
	"paid", claim_fields, PC__MAX, claim_check, claim_store,
	"claim.received", "mail/claim_ack", "claim_ack",
	"mail/claim_staff", "/staff/claims/",
};
static const struct hold_form promise_form = {
	"promise", promise_fields, PR__MAX, promise_check, promise_store,
	"promise.made", "mail/promise_confirm", "promise_confirm",
	"mail/promise_staff", "/staff/invoices/",
};

/* -------- shared: the form, the mails, the POST -------- */

/* What was typed (and the choices' flags) as the form shows it again. */
static void
typed_view(struct ctx *c, const struct hold_form *hf,
    const struct debtor_invoice *d, const struct typed *t, struct view *v)
{
	struct view	*val = view_set_map(v, "form");
	char		 iso[DATE_ISO_SIZE];
	int		 i;

	for (i = 0; i < hf->nfields - 1; i++)
		if (t->f[i] != NULL)
			view_set_str(val, hf->fields[i].name, t->f[i]);
	if (hf == &dispute_form)
		view_set_choice(val, "is_", dispute_reasons, t->f[DI_REASON]);
	else if (hf == &claim_form)
		view_set_choice(val, "is_", claim_methods, t->f[PC_METHOD]);
	for (i = 0; i < hf->nfields; i++)
		if (t->errors[i] != NULL) {
			view_set_bool(v, t->errors[i], true);
			view_set_bool(v, arena_printf(c->arena, "invalid_%s",
			    hf->fields[i].name), true);
		}
	view_set_bool(v, "errors", t->nerrors > 0);
	if (date_format_iso(iso, sizeof(iso), page_today(c)) == 0)
		view_set_str(v, "today", iso);
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c), 1)) == 0)
		view_set_str(v, "tomorrow", iso);
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c),
	    t->limit)) == 0)
		view_set_str(v, "last_day", iso);
	view_set_str(v, "last_day_long", page_date(c, date_add_days(page_today(c),
	    t->limit)));
	view_set_int(v, "limit", t->limit);
	view_set_int(v, "max_chars", DETAILS_MAX_CHARS);
	if (d != NULL)
		view_set_str(v, "example_amount", page_money(c, d->totals.balance,
		    d->currency));
}

static void
render_form(struct ctx *c, const struct hold_form *hf, int status,
    const struct debtor_invoice *d, const struct typed *t, struct view *v)
{
	if (d != NULL) {
		if (!page_csrf_or_reply(c, v, "csrf", hf->name, d->link_id))
			return;
	} else
		view_set_str(v, "csrf", t->f[hf->nfields - 1] ?
		    t->f[hf->nfields - 1] : "");
	view_set_str(v, "action", debtor_url(c, d, arena_printf(c->arena, "/%s",
	    hf->name)));
	view_set_str(v, "invoice_url", debtor_url(c, d, ""));
	typed_view(c, hf, d, t, v);
	page_render(c, status, hf->name, v);
}

static void
hold_get(struct ctx *c, const struct hold_form *hf)
{
	struct debtor_invoice	 d;
	struct typed		 t;
	struct view		*v;
	const char		*action;

	action = arena_printf(c->arena, "%s.viewed", hf->name);
	if (!debtor_open_or_reply(c, action, 0, &d))
		return;
	memset(&t, 0, sizeof(t));
	if ((t.limit = promise_limit(c, &d)) < 0) {
		page_db_error(c);
		return;
	}
	v = page_view(c);
	debtor_view(c, &d, v);
	if (d.totals.balance <= 0)
		view_set_bool(v, "settled", true);
	render_form(c, hf, 200, &d, &t, v);
}

void dispute_get(struct ctx *c) { hold_get(c, &dispute_form); }
void claim_get(struct ctx *c) { hold_get(c, &claim_form); }
void promise_get(struct ctx *c) { hold_get(c, &promise_form); }

/* What the mails say of the request, whatever its kind. */
static void
request_view(struct ctx *c, const struct hold_form *hf,
    const struct debtor_invoice *d, const struct typed *t, const char *id,
    struct view *v)
{
	struct view	*m = view_set_map(v, "request");
	int		 i;

	for (i = 0; i < hf->nfields - 1; i++)
		view_set_str(m, hf->fields[i].name, t->f[i]);
	if (hf == &dispute_form)
		view_set_choice(m, "is_", dispute_reasons, t->f[DI_REASON]);
	else if (hf == &claim_form)
		view_set_choice(m, "is_", claim_methods, t->f[PC_METHOD]);
	view_set_str(m, "id", id);
	view_set_str(m, "received_on", page_date(c, page_today(c)));
	if (date_valid(t->day)) {
		view_set_str(m, "day", page_date(c, t->day));
		view_set_str(m, "day_before", page_date(c, date_add_days(t->day, -1)));
		view_set_str(m, "resume_on", page_date(c, date_add_days(t->day, 1)));
	}
	view_set_str(m, "resume_claim", page_date(c, date_add_days(page_today(c),
	    HOLDS_CLAIM_DAYS)));
	if (t->cents > 0)
		view_set_str(m, "amount", page_money(c, t->cents, d->currency));
	view_set_fmt(m, "staff_url", "%s%s%s", c->cfg->base_url, hf->staff_path,
	    hf == &promise_form ? d->invoice_id : id);
	view_set_fmt(v, "invoice_link", "%s%s", c->cfg->base_url,
	    debtor_url(c, d, ""));
}

static int
request_mail(struct ctx *c, const struct hold_form *hf,
    const struct debtor_invoice *d, const struct typed *t, const char *id,
    const struct i18n_lang *lang, const char *tpl, const char *to,
    const char *to_name, const char *kind)
{
	const struct i18n_lang	*was = debtor_use_lang(c, lang);
	struct view		*v = page_view(c);
	int			 rc;

	debtor_view(c, d, v);
	request_view(c, hf, d, t, id, v);
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = tpl, .language = page_lang_tag(c),
	    .to = to, .to_name = to_name, .kind = kind,
	    .invoice_id = d->invoice_id }, v);
	(void)debtor_use_lang(c, was);
	return rc;
}

/* The audit event and the two mails of a stored request. */
static int
record(struct ctx *c, const struct hold_form *hf, const struct debtor_invoice *d,
    const struct typed *t, const char *id)
{
	const char	*detail;

	detail = arena_printf(c->arena, "%s %s%s%s", hf->name, id,
	    hf == &dispute_form ? ", " : "", hf == &dispute_form ?
	    t->f[DI_REASON] : "");
	if (detail == NULL || audit_write(c->db, &(struct audit_event){
	    .actor = "debtor", .action = hf->audit_action,
	    .invoice_id = d->invoice_id, .link_id = d->link_id, .detail = detail,
	    .client_addr = c->req.remote_addr }) == -1)
		return -1;
	if (c->cfg->staff_email[0] != '\0' && request_mail(c, hf, d, t, id,
	    i18n_source(c->i18n), hf->staff_template, c->cfg->staff_email, NULL,
	    arena_printf(c->arena, "%s.staff", hf->name)) == -1)
		return -1;
	return request_mail(c, hf, d, t, id, d->lang, hf->ack_template, d->email,
	    d->name, hf->ack_kind);
}

/* A second request while one is open: the message next to the first field. */
static int
check_open(struct ctx *c, const struct hold_form *hf,
    const struct debtor_invoice *d, struct typed *t)
{
	enum sql_query	 q = hf == &dispute_form ? SQL_DISPUTE_OPEN :
	    hf == &claim_form ? SQL_CLAIM_OPEN : SQL_PROMISE_OPEN;
	bool		 open;

	if (already_open(c, d, q, &open) == -1)
		return -1;
	if (open)
		problem(t, 0, "error_open");
	return 0;
}

/* What again() needs: which form, and what was typed. */
struct posting {
	const struct hold_form	*hf;
	struct typed		*t;
};

static void
again(struct ctx *c, int status, const struct debtor_invoice *d, void *arg)
{
	const struct hold_form	*hf = ((struct posting *)arg)->hf;
	struct typed		*t = ((struct posting *)arg)->t;
	struct view		*v = page_view(c);

	if (d == NULL) {
		view_set_bool(v, "unavailable", true);
		render_form(c, hf, status, NULL, t, v);
		return;
	}
	problem(t, hf->nfields - 1, "error_csrf");
	debtor_view(c, d, v);
	render_form(c, hf, status, d, t, v);
}

static void
hold_post(struct ctx *c, const struct hold_form *hf)
{
	struct debtor_invoice	 d;
	struct typed		 t;
	struct posting		 arg = { hf, &t };
	struct debtor_form	 form = { .purpose = hf->name, .again = again,
	    .arg = &arg };
	struct view		*v;
	const char		*bad;
	char			 id[24];
	enum form_result	 r;

	memset(&t, 0, sizeof(t));
	r = form_check(c->req.form, c->req.nform, hf->fields,
	    (size_t)hf->nfields, t.f, &bad, t.each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	value_problems(hf, &t);
	form.csrf = t.each[hf->nfields - 1] == FORM_OK ? t.f[hf->nfields - 1] : "";
	if (!debtor_begin_or_reply(c, &form, &d))
		return;
	if ((t.limit = promise_limit(c, &d)) < 0 || check_open(c, hf, &d, &t) == -1) {
		debtor_fail(c, &form);
		return;
	}
	hf->check(c, &d, &t);
	if (t.nerrors > 0) {
		v = page_view(c);
		debtor_view(c, &d, v);
		render_form(c, hf, 400, &d, &t, v);
		return;
	}
	if (hf->store(c, &d, &t, id, sizeof(id)) == -1 ||
	    record(c, hf, &d, &t, id) == -1 || db_commit(c->db) == -1) {
		debtor_fail(c, &form);
		return;
	}
	if (response_redirect(&c->res, debtor_done_url(c, &d, hf->name)) == -1)
		page_error(c, 500, NULL);
}

void dispute_post(struct ctx *c) { hold_post(c, &dispute_form); }
void claim_post(struct ctx *c) { hold_post(c, &claim_form); }
void promise_post(struct ctx *c) { hold_post(c, &promise_form); }

/* -------- the invoice page: what is open -------- */

/*
 * An open request as the page shows it: the day it arrived and the form
 * that mails its acknowledgement again (copy kind ack).
 */
static void
open_request_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *m, struct date received, const char *ack)
{
	view_set_str(m, "received_on", page_date(c, received));
	if (debtor_copy_view(c, d, ack, view_set_map(m, "copy")) == -1)
		log_error("%s: no copy form", __func__);
}

void
holds_invoice_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v, struct holds_open *open)
{
	const struct debtor_state	*st = &d->state;
	struct view			*m;

	view_set_str(v, "dispute_url", debtor_url(c, d, "/dispute"));
	view_set_str(v, "paid_url", debtor_url(c, d, "/paid"));
	view_set_str(v, "promise_url", debtor_url(c, d, "/promise"));
	open->dispute = st->dispute;
	open->claim = st->claim;
	open->promise = st->promise;
	if (st->dispute)
		open_request_view(c, d, view_set_map(v, "open_dispute"),
		    st->dispute_on, "dispute_ack");
	if (st->claim)
		open_request_view(c, d, view_set_map(v, "open_claim"),
		    st->claim_on, "claim_ack");
	if (st->promise) {
		m = view_set_map(v, "open_promise");
		view_set_str(m, "day", page_date(c, st->promise_on));
		view_set_str(m, "amount", page_money(c, st->promise_cents,
		    d->currency));
	}
	view_set_bool(v, "held_other", st->dispute || st->claim || st->promise);
}
