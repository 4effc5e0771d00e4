/*
 * A hardship request's fees and outcome (issue 15, and issue 14's "resolving
 * a request tells the debtor"). The request page (staff.c) shows the
 * invoice's late fees: those dated inside a hardship or dispute hold are
 * frozen by the import and stay out of the balance; a manager may waive
 * fees from here, POST /staff/hardship/{id}/waive (amount, note, csrf,
 * version), never more than the fees not yet waived, and a form drawn
 * before another waiver or a new fee is stale (409). Resolving a request
 * records what was decided (a plan offered, fees waived, reminders paused
 * until a day, no change) with a note for the debtor, ends the hold (at
 * once, or on the pause's last day), marks the request's worklist task
 * done and mails the debtor the outcome in their language.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "hardship.h"
#include "i18n.h"
#include "invoice.h"
#include "money.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "pages/staff.h"
#include "pages/staff_hardship.h"
#include "role.h"
#include "routes.h"
#include "token.h"
#include "utf8.h"
#include "view.h"

/* The fee totals a waiver is checked against, and the form's version. */
struct fee_state {
	int64_t	fees;		/* fees in the balance (not frozen) */
	int64_t	waived;
	int64_t	frozen;
	char	version[48];	/* "fees:waived": changes with either */
};

static void
fee_version(struct fee_state *f)
{
	(void)snprintf(f->version, sizeof(f->version), "%lld:%lld",
	    (long long)f->fees, (long long)f->waived);
}

/* "EUR 12.00", for audit details; arena-owned, "" on failure. */
static const char *
plain_money(struct ctx *c, int64_t cents, const char *currency)
{
	char	amount[MONEY_FORMAT_MAX];

	if (money_format_plain(amount, sizeof(amount), cents, currency) == -1)
		return "";
	return arena_printf(c->arena, "%s %s", currency, amount);
}

/* The invoice's fees one by one into list, their totals into f. */
static int
fee_rows(struct ctx *c, const char *invoice, const char *currency,
    struct view *m, struct fee_state *f)
{
	const char	*p[1] = { invoice };
	struct view	*list = view_set_list(m, "items"), *row;
	struct db_res	*r;
	int		 i;
	bool		 frozen;

	if ((r = db_query(c->db, SQL_FEE_LIST, p, 1)) == NULL)
		return -1;
	view_set_bool(m, "has_fees", db_rows(r) > 0);
	for (i = 0; i < db_rows(r); i++) {
		row = view_push_map(list);
		frozen = db_bool(r, i, STAFF_FEE_FROZEN);
		view_set_str(row, "date", page_date(c, db_date(r, i,
		    STAFF_FEE_CHARGED_ON)));
		view_set_str(row, "description", db_str(r, i,
		    STAFF_FEE_DESCRIPTION));
		view_set_str(row, "amount", page_money(c, db_int(r, i,
		    STAFF_FEE_AMOUNT_CENTS), currency));
		view_set_bool(row, "frozen", frozen);
		if (frozen)
			f->frozen += db_int(r, i, STAFF_FEE_AMOUNT_CENTS);
		else
			f->fees += db_int(r, i, STAFF_FEE_AMOUNT_CENTS);
	}
	db_res_free(r);
	return 0;
}

/* The waivers so far into list, their total into f. */
static int
waiver_rows(struct ctx *c, const char *invoice, const char *currency,
    struct view *m, struct fee_state *f)
{
	const char	*p[1] = { invoice };
	struct view	*list = view_set_list(m, "waivers"), *row;
	struct db_res	*r;
	int		 i;

	if ((r = db_query(c->db, SQL_WAIVER_LIST, p, 1)) == NULL)
		return -1;
	view_set_bool(m, "has_waivers", db_rows(r) > 0);
	for (i = 0; i < db_rows(r); i++) {
		row = view_push_map(list);
		view_set_str(row, "amount", page_money(c, db_int(r, i,
		    WAIVER_AMOUNT_CENTS), currency));
		view_set_str(row, "note", db_str(r, i, WAIVER_NOTE));
		view_set_str(row, "staff", db_str(r, i, WAIVER_STAFF));
		view_set_str(row, "at", db_str(r, i, WAIVER_AT));
		f->waived += db_int(r, i, WAIVER_AMOUNT_CENTS);
	}
	db_res_free(r);
	return 0;
}

/* The fee card: fees, frozen fees, waivers and the waiver form. */
static int
fees_view(struct ctx *c, const struct staff_session *s, const char *invoice,
    const char *currency, const struct hardship_kept *k, struct view *v)
{
	struct view		*m = view_set_map(v, "fees");
	struct fee_state	 f = { 0 };
	char			 plain[MONEY_FORMAT_MAX];
	int64_t			 left;

	if (fee_rows(c, invoice, currency, m, &f) == -1 ||
	    waiver_rows(c, invoice, currency, m, &f) == -1)
		return -1;
	fee_version(&f);
	left = f.fees > f.waived ? f.fees - f.waived : 0;
	view_set_str(m, "total", page_money(c, f.fees, currency));
	view_set_str(m, "frozen_total", page_money(c, f.frozen, currency));
	view_set_bool(m, "has_frozen", f.frozen > 0);
	view_set_str(m, "waived_total", page_money(c, f.waived, currency));
	view_set_str(m, "waivable", page_money(c, left, currency));
	view_set_bool(m, "can_waive", left > 0);
	view_set_bool(m, "manager", s->role == STAFF_MANAGER);
	view_set_str(m, "version", f.version);
	view_set_str(m, "currency", currency);
	if (k != NULL && k->amount != NULL)
		view_set_str(m, "amount", k->amount);
	else if (money_format_plain(plain, sizeof(plain), left, currency) == 0)
		view_set_str(m, "amount", plain);
	view_set_str(m, "note", k != NULL && k->waive_note ? k->waive_note : "");
	return 0;
}

/* The outcome form's values: what was posted, the pause's day range. */
static void
outcome_form_view(struct ctx *c, const struct hardship_kept *k, struct view *v)
{
	struct view	*m = view_set_map(v, "outcome_form");
	char		 iso[DATE_ISO_SIZE];

	view_set_choice(m, "is_", hardship_outcomes, k ? k->outcome : NULL);
	view_set_str(m, "message", k && k->message ? k->message : "");
	view_set_str(m, "until", k && k->until ? k->until : "");
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c), 1)) == 0)
		view_set_str(m, "min_until", iso);
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c),
	    HARDSHIP_PAUSE_MAX_DAYS)) == 0)
		view_set_str(m, "max_until", iso);
	view_set_int(m, "max_days", HARDSHIP_PAUSE_MAX_DAYS);
}

int
staff_hardship_view(struct ctx *c, const struct staff_session *s,
    const char *id, const struct hardship_kept *k, struct view *v)
{
	const char	*p[1] = { id };
	char		 invoice[24], currency[8];
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_OUTCOME_TO, p, 1)) == NULL)
		return -1;
	if (db_rows(r) != 1) {		/* no such request: the page says 404 */
		db_res_free(r);
		return 0;
	}
	(void)snprintf(invoice, sizeof(invoice), "%s",
	    db_str(r, 0, OUTCOME_TO_INVOICE_ID));
	(void)snprintf(currency, sizeof(currency), "%s",
	    db_str(r, 0, OUTCOME_TO_CURRENCY));
	db_res_free(r);
	outcome_form_view(c, k, v);
	return fees_view(c, s, invoice, currency, k, v);
}

const char *
staff_hardship_outcome_problem(struct ctx *c, const char *outcome,
    const char *message, const char *until)
{
	struct date	d;
	int		o = form_choice(outcome, hardship_outcomes);

	if (o < 0)
		return "error_outcome";
	if (utf8_count(message, strlen(message)) > HARDSHIP_OUTCOME_NOTE_MAX)
		return "error_outcome_note";
	if (strcmp(outcome, "paused") != 0)
		return NULL;
	if (date_parse(until, &d) == -1)
		return "error_until";
	if (date_diff(d, page_today(c)) < 1 ||
	    date_diff(d, page_today(c)) > HARDSHIP_PAUSE_MAX_DAYS)
		return "error_until_range";
	return NULL;
}

/*
 * A new link to the invoice for the outcome mail (purpose "outcome"), its
 * token in tok; 0 or -1.
 */
static int
outcome_link(struct ctx *c, const char *invoice, char tok[TOKEN_LEN + 1])
{
	char		 hash[TOKEN_HASH_HEX], days[16];
	const char	*p[4];
	struct db_res	*r;

	if (token_new(&c->cfg->keys, TOKEN_LINK, tok, hash) == -1)
		return -1;
	(void)snprintf(days, sizeof(days), "%d", c->cfg->link_days);
	p[0] = invoice; p[1] = hash; p[2] = "outcome"; p[3] = days;
	if ((r = db_query(c->db, SQL_LINK_INSERT, p, 4)) == NULL)
		return -1;
	db_res_free(r);
	return 0;
}

/* The facts of the outcome mail in v, in the language now in use. */
static int
outcome_mail_view(struct ctx *c, const struct db_res *to, const char *outcome,
    const char *message, const char *until, struct view *v)
{
	const char		*p[1] = { db_str(to, 0, OUTCOME_TO_INVOICE_ID) };
	const char		*currency = db_str(to, 0, OUTCOME_TO_CURRENCY);
	struct invoice_totals	 t;
	struct db_res		*r;
	struct date		 d;
	int			 rc;

	if ((r = db_query(c->db, SQL_INVOICE_ITEMS, p, 1)) == NULL)
		return -1;
	rc = debtor_totals(r, &t);
	db_res_free(r);
	if (rc == -1)
		return -1;
	view_set_str(v, "name", db_str(to, 0, OUTCOME_TO_NAME));
	view_set_str(v, "number", db_str(to, 0, OUTCOME_TO_NUMBER));
	view_set_str(v, "balance", page_money(c, t.balance, currency));
	view_set_str(v, "waived_total", page_money(c, t.sum[INVOICE_WAIVER],
	    currency));
	view_set_choice(v, "outcome_", hardship_outcomes, outcome);
	view_set_str(v, "outcome_note", message);
	if (strcmp(outcome, "paused") == 0 && date_parse(until, &d) == 0)
		view_set_str(v, "paused_until", page_date(c, d));
	return 0;
}

/* Queues the outcome mail of request id to its debtor, in their language. */
static int
outcome_mail(struct ctx *c, const char *id, const char *outcome,
    const char *message, const char *until)
{
	const char		*p[1] = { id };
	const struct i18n_lang	*lang, *was = NULL;
	struct db_res		*to = NULL;
	struct view		*v;
	char			 tok[TOKEN_LEN + 1] = "";
	int			 rc = -1;

	if ((to = db_query(c->db, SQL_OUTCOME_TO, p, 1)) == NULL ||
	    db_rows(to) != 1)
		goto out;
	if ((lang = i18n_find(c->i18n, db_str(to, 0, OUTCOME_TO_LANGUAGE))) == NULL)
		lang = i18n_source(c->i18n);
	was = debtor_use_lang(c, lang);
	v = page_view(c);
	if (outcome_link(c, db_str(to, 0, OUTCOME_TO_INVOICE_ID), tok) == -1 ||
	    outcome_mail_view(c, to, outcome, message, until, v) == -1)
		goto out;
	view_set_fmt(v, "invoice_link", "%s/i/%s", c->cfg->base_url, tok);
	if (outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/hardship_outcome",
	    .language = page_lang_tag(c), .to = db_str(to, 0, OUTCOME_TO_EMAIL),
	    .to_name = db_str(to, 0, OUTCOME_TO_NAME), .kind = "hardship.outcome",
	    .invoice_id = db_str(to, 0, OUTCOME_TO_INVOICE_ID),
	    .hardship_id = id }, v) == -1)
		goto out;
	rc = 0;
out:
	if (was != NULL)
		(void)debtor_use_lang(c, was);
	db_res_free(to);
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

int
staff_hardship_resolve(struct ctx *c, const struct staff_session *s,
    const char *id, const char *invoice, const char *outcome,
    const char *message, const char *until)
{
	const bool	 paused = strcmp(outcome, "paused") == 0;
	const char	*p[4] = { id, outcome, message, paused ? until : "" };
	const char	*detail;

	if (db_do(c->db, SQL_HARDSHIP_RESOLVE, p, 4) == -1)
		return -1;
	p[1] = paused ? until : s->id;
	if (db_do(c->db, paused ? SQL_HOLD_PAUSE : SQL_HOLD_RELEASE, p, 2) == -1)
		return -1;
	p[1] = s->id;
	if (db_do(c->db, SQL_HARDSHIP_TASK_DONE, p, 2) == -1)
		return -1;
	detail = arena_printf(c->arena, "request %s: %s%s%s%s%s", id, outcome,
	    paused ? " until " : "", paused ? until : "", message[0] ? ": " : "",
	    message);
	if (detail == NULL || staff_audit(c, s, "hardship.outcome", invoice,
	    detail) == -1)
		return -1;
	return outcome_mail(c, id, outcome, message, until);
}

enum waive_field { W_AMOUNT, W_NOTE, W_CSRF, W_VERSION, W__MAX };

/*
 * Checks and writes a waiver inside the open transaction. Returns 0 when
 * written, -1 on a database failure, or the HTTP status of a problem
 * (k->problem set; the transaction is rolled back and nothing written).
 */
static int
waive(struct ctx *c, const struct staff_session *s, const char *id,
    const char **f, struct hardship_kept *k)
{
	const char		*p[5];
	char			 invoice[24], currency[8];
	struct fee_state	 st = { 0 };
	struct db_res		*r;
	int64_t			 cents;

	p[0] = id;
	if ((r = db_query(c->db, SQL_HARDSHIP_LOCK, p, 1)) == NULL)
		return -1;
	if (db_rows(r) != 1) {
		db_res_free(r);
		k->problem = NULL;
		return 404;
	}
	(void)snprintf(invoice, sizeof(invoice), "%s",
	    db_str(r, 0, LOCKED_INVOICE_ID));
	db_res_free(r);
	p[0] = invoice;
	if ((r = db_query(c->db, SQL_FEE_STATE, p, 1)) == NULL)
		return -1;
	(void)snprintf(currency, sizeof(currency), "%s",
	    db_str(r, 0, FEE_STATE_CURRENCY));
	st.fees = db_int(r, 0, FEE_STATE_FEES_CENTS);
	st.waived = db_int(r, 0, FEE_STATE_WAIVED_CENTS);
	db_res_free(r);
	fee_version(&st);
	if (strcmp(f[W_VERSION], st.version) != 0) {
		k->problem = "error_waive_stale";
		return 409;
	}
	if (money_parse(f[W_AMOUNT], currency, &cents) == -1 || cents <= 0) {
		k->problem = "error_waive_amount";
		return 400;
	}
	if (cents > st.fees - st.waived) {
		k->problem = "error_waive_over";
		return 400;
	}
	p[1] = id;
	p[2] = arena_printf(c->arena, "%lld", (long long)cents);
	p[3] = s->id;
	p[4] = f[W_NOTE];
	if (p[2] == NULL || (r = db_query(c->db, SQL_WAIVER_INSERT, p, 5)) == NULL)
		return -1;
	db_res_free(r);
	return staff_audit(c, s, "fee.waived", invoice, arena_printf(c->arena,
	    "request %s: %s of late fees waived%s%s", id,
	    plain_money(c, cents, currency), f[W_NOTE][0] ? ": " : "",
	    f[W_NOTE]));
}

/*
 * POST /staff/hardship/{id}/waive: managers only (a clerk gets 403 and
 * nothing is written). 403 with the form again for a bad CSRF token, 400
 * for an amount that is not one or is more than the fees left, 409 when
 * the fees or waivers changed since the form was drawn; else 303 back.
 */
void
staff_hardship_waive_post(struct ctx *c)
{
	static const struct form_field fields[W__MAX] = {
		[W_AMOUNT] = { "amount", 32, false },
		[W_NOTE] = { "note", 4 * HARDSHIP_OUTCOME_NOTE_MAX, false },
		[W_CSRF] = { "csrf", TOKEN_LEN, false },
		[W_VERSION] = { "version", 48, false },
	};
	struct staff_session	 s;
	struct hardship_kept	 k = { 0 };
	const char		*f[W__MAX], *bad;
	enum form_result	 each[W__MAX], r;
	char			 id[24], purpose[48];
	long			 n;
	int			 status;

	if (!staff_require(c, &s, STAFF_MANAGER))
		return;
	if (form_int(c->match.captures[0], 1, 999999999999L, &n) == -1) {
		page_error(c, 404, NULL);
		return;
	}
	(void)snprintf(id, sizeof(id), "%ld", n);
	r = form_check(c->req.form, c->req.nform, fields, W__MAX, f, &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	k.amount = f[W_AMOUNT];
	k.waive_note = f[W_NOTE];
	(void)snprintf(purpose, sizeof(purpose), "hardship:%s", id);
	if (!staff_csrf_valid(c, &s, purpose, each[W_CSRF] == FORM_OK ?
	    f[W_CSRF] : "")) {
		k.problem = "error_waive_csrf";
		staff_hardship_render(c, &s, id, 403, &k);
		return;
	}
	if (each[W_NOTE] != FORM_OK || each[W_AMOUNT] != FORM_OK ||
	    utf8_count(f[W_NOTE], strlen(f[W_NOTE])) > HARDSHIP_OUTCOME_NOTE_MAX) {
		k.problem = each[W_AMOUNT] != FORM_OK ? "error_waive_amount" :
		    "error_waive_note";
		staff_hardship_render(c, &s, id, 400, &k);
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	if ((status = waive(c, &s, id, f, &k)) == -1) {
		page_db_error(c);
		return;
	}
	if (status != 0) {
		db_rollback(c->db);
		if (status == 404)
			page_error(c, 404, NULL);
		else
			staff_hardship_render(c, &s, id, status, &k);
		return;
	}
	if (db_commit(c->db) == -1) {
		page_db_error(c);
		return;
	}
	if (response_redirect(&c->res, arena_printf(c->arena,
	    "/staff/hardship/%s", id)) == -1)
		page_error(c, 500, NULL);
}
