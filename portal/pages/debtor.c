#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "hardship.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "mustache.h"
#include "payqr.h"
#include "page.h"
#include "pages/debtor.h"
#include "token.h"
#include "tz.h"
#include "view.h"

/* A copy of a text column in the request's arena. */
static const char *
str_at(struct ctx *c, const struct db_res *r, int row, int col)
{
	return arena_strdup(c->arena, db_str(r, row, col));
}

/* Nothing open on the invoice: no request, no escalation. */
static void
state_none(struct debtor_state *st)
{
	memset(st, 0, sizeof(*st));
	st->escalation = "";
	st->agency = "";
}

/* Copies the invoice row of debtor_open (shape OPENED) into d. */
static int
read_invoice(struct ctx *c, const struct db_res *r, struct debtor_invoice *d)
{
	(void)snprintf(d->link_id, sizeof(d->link_id), "%s",
	    db_str(r, 0, OPENED_LINK_ID));
	(void)snprintf(d->invoice_id, sizeof(d->invoice_id), "%s",
	    db_str(r, 0, OPENED_INVOICE_ID));
	(void)snprintf(d->customer_id, sizeof(d->customer_id), "%s",
	    db_str(r, 0, OPENED_CUSTOMER_ID));
	d->number = str_at(c, r, 0, OPENED_NUMBER);
	d->currency = str_at(c, r, 0, OPENED_CURRENCY);
	d->name = str_at(c, r, 0, OPENED_NAME);
	d->email = str_at(c, r, 0, OPENED_EMAIL);
	d->phone = str_at(c, r, 0, OPENED_PHONE);
	d->language = str_at(c, r, 0, OPENED_LANGUAGE);
	d->timezone = db_str(r, 0, OPENED_TIMEZONE)[0] != '\0' ?
	    str_at(c, r, 0, OPENED_TIMEZONE) : c->cfg->timezone;
	d->issued = db_date(r, 0, OPENED_ISSUED);
	d->due = db_date(r, 0, OPENED_DUE);
	d->reminders_off = db_bool(r, 0, OPENED_REMINDERS_OFF);
	d->held = db_bool(r, 0, OPENED_HELD);
	d->pay_by = db_null(r, 0, OPENED_PAY_BY) ? DATE_INVALID :
	    db_date(r, 0, OPENED_PAY_BY);
	d->has_plan = db_bool(r, 0, OPENED_HAS_PLAN);
	d->has_note = db_bool(r, 0, OPENED_HAS_NOTE);
	d->has_state = db_bool(r, 0, OPENED_HAS_STATE);
	d->open_invoices = (int)db_int(r, 0, OPENED_OPEN_INVOICES);
	state_none(&d->state);
	if (!date_valid(d->issued) || !date_valid(d->due))
		return -1;
	return arena_failed(c->arena) ? -1 : 0;
}

int
debtor_totals(const struct db_res *r, struct invoice_totals *t)
{
	enum invoice_kind	k;
	int			i;

	invoice_totals_init(t);
	for (i = 0; i < db_rows(r); i++)
		if (invoice_kind_parse(db_str(r, i, ITEM_KIND), &k) == -1 ||
		    invoice_totals_add(t, k, db_int(r, i, ITEM_AMOUNT_CENTS)) == -1)
			return -1;
	return 0;
}

/* Copies lines, fees and payments (shape ITEM), and their totals. */
static int
read_items(struct ctx *c, const struct db_res *r, struct debtor_invoice *d)
{
	struct debtor_item	*it;
	int			 i;

	d->nitems = db_rows(r);
	d->items = arena_alloc(c->arena, sizeof(*d->items) * (size_t)(d->nitems + 1));
	if (d->items == NULL)
		return -1;
	for (i = 0; i < d->nitems; i++) {
		it = &d->items[i];
		if (invoice_kind_parse(db_str(r, i, ITEM_KIND), &it->kind) == -1)
			return -1;
		it->description = str_at(c, r, i, ITEM_DESCRIPTION);
		it->qty_milli = db_int(r, i, ITEM_QUANTITY_MILLI);
		it->unit = db_int(r, i, ITEM_UNIT_CENTS);
		it->amount = db_int(r, i, ITEM_AMOUNT_CENTS);
		if (it->kind != INVOICE_LINE &&
		    !date_valid(it->date = db_date(r, i, ITEM_DAY)))
			return -1;
	}
	if (debtor_totals(r, &d->totals) == -1)
		return -1;
	return arena_failed(c->arena) ? -1 : 0;
}

/* The active or broken plan: one row per installment (shape SCHEDULE). */
static int
read_plan(struct ctx *c, const struct db_res *r, struct debtor_plan *p)
{
	int	i, n = db_rows(r);

	if (n == 0)
		return 0;
	p->active = strcmp(db_str(r, 0, SCHEDULE_STATUS), "active") == 0;
	p->broken = strcmp(db_str(r, 0, SCHEDULE_STATUS), "broken") == 0;
	p->id = str_at(c, r, 0, SCHEDULE_PLAN_ID);
	if (plan_freq_parse(db_str(r, 0, SCHEDULE_FREQUENCY), &p->frequency) == -1)
		return -1;
	p->count = (int)db_int(r, 0, SCHEDULE_INSTALLMENTS);
	p->total = db_int(r, 0, SCHEDULE_TOTAL_CENTS);
	p->terms = str_at(c, r, 0, SCHEDULE_TERMS_VERSION);
	p->stamp = str_at(c, r, 0, SCHEDULE_STAMP);
	p->accepted = db_date(r, 0, SCHEDULE_ACCEPTED_ON);
	if (!date_valid(p->accepted) ||
	    (p->items = arena_alloc(c->arena, sizeof(*p->items) * (size_t)n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		p->items[i].seq = (int)db_int(r, i, SCHEDULE_SEQ);
		p->items[i].amount = db_int(r, i, SCHEDULE_AMOUNT_CENTS);
		p->items[i].paid = db_int(r, i, SCHEDULE_PAID_CENTS);
		if (!date_valid(p->items[i].due = db_date(r, i, SCHEDULE_DUE_ON)))
			return -1;
	}
	p->nitems = n;
	return arena_failed(c->arena) ? -1 : 0;
}

/* The latest hardship note (shape DEBTOR_NOTE), with staff's outcome. */
static int
read_hardship(struct ctx *c, const struct db_res *r, struct debtor_hardship *h)
{
	if ((h->exists = db_rows(r) == 1) == false)
		return 0;
	h->morning = strcmp(db_str(r, 0, DEBTOR_NOTE_CALLBACK_WINDOW),
	    hardship_windows[HARDSHIP_MORNING]) == 0;
	h->by_phone = strcmp(db_str(r, 0, DEBTOR_NOTE_CONTACT_METHOD), "phone") == 0;
	h->resolved = strcmp(db_str(r, 0, DEBTOR_NOTE_STATUS), "resolved") == 0;
	h->paused = db_bool(r, 0, DEBTOR_NOTE_PAUSED);
	h->received = db_date(r, 0, DEBTOR_NOTE_RECEIVED_ON);
	h->callback = db_date(r, 0, DEBTOR_NOTE_CALLBACK_DATE);
	h->outcome = str_at(c, r, 0, DEBTOR_NOTE_OUTCOME);
	h->outcome_note = str_at(c, r, 0, DEBTOR_NOTE_OUTCOME_NOTE);
	h->paused_until = db_date(r, 0, DEBTOR_NOTE_PAUSED_UNTIL);
	if (h->outcome == NULL || h->outcome_note == NULL)
		return -1;
	return date_valid(h->received) && date_valid(h->callback) ? 0 : -1;
}

/* Copies the row of SQL_DEBTOR_STATE (none: nothing open) into st. 0 or -1. */
static int
read_state(struct ctx *c, const struct db_res *r, struct debtor_state *st)
{
	state_none(st);
	if (db_rows(r) != 1)
		return 0;
	st->dispute = db_bool(r, 0, DEBTOR_STATE_DISPUTE);
	st->claim = db_bool(r, 0, DEBTOR_STATE_CLAIM);
	st->promise = !db_null(r, 0, DEBTOR_STATE_PROMISE_ON);
	if (st->dispute)
		st->dispute_on = db_date(r, 0, DEBTOR_STATE_DISPUTE_ON);
	if (st->claim)
		st->claim_on = db_date(r, 0, DEBTOR_STATE_CLAIM_ON);
	if (st->promise) {
		st->promise_on = db_date(r, 0, DEBTOR_STATE_PROMISE_ON);
		st->promise_cents = db_int(r, 0, DEBTOR_STATE_PROMISE_CENTS);
	}
	st->escalation = arena_strdup(c->arena, db_str(r, 0,
	    DEBTOR_STATE_ESCALATION_STATUS));
	st->agency = arena_strdup(c->arena, db_str(r, 0,
	    DEBTOR_STATE_ESCALATION_AGENCY));
	if (st->escalation == NULL || st->agency == NULL)
		return -1;
	if (st->escalation[0] != '\0')
		st->escalation_on = db_date(r, 0, DEBTOR_STATE_ESCALATION_ON);
	return 0;
}

/*
 * Lock the invoice row until the transaction ends. Only for
 * debtor_begin_or_reply(): the caller must have begun the transaction,
 * or the lock would end with the statement (open_link() refuses it then).
 */
#define DEBTOR_LOCK	0x100

/*
 * The link's one statement: it finds the live link whose token hashes to
 * one of hash, reads its invoice into d and, for a view, writes the view
 * record (SQL_DEBTOR_OPEN, action; HEAD requests are no view and peek).
 * With DEBTOR_LOCK it locks the invoice row in the caller's transaction,
 * before anything else is read. Without it the statement is a transaction
 * of its own, which commits without waiting for the WAL flush (debtor_open
 * sets synchronous_commit off for it): so it must not run inside a
 * transaction that writes anything else. Unknown, revoked and expired
 * links take this path alike and end here. 1 opened, 0 not, -1 on a
 * database failure.
 */
static int
open_link(struct ctx *c, const char *hash, const char *action, unsigned flags,
    struct debtor_invoice *d)
{
	const char	*p[3] = { hash, c->req.method == HTTP_HEAD ? NULL :
	    action, c->req.remote_addr };
	enum sql_query	 q = SQL_DEBTOR_OPEN;
	struct db_res	*r;
	int		 rc;

	if ((flags & DEBTOR_LOCK) && !db_in_transaction(c->db)) {
		log_error("%s: a lock outside a transaction", __func__);
		return -1;
	}
	if (!(flags & DEBTOR_LOCK) && db_in_transaction(c->db)) {
		log_error("%s: a view inside a transaction", __func__);
		return -1;
	}
	if (flags & DEBTOR_LOCK)
		q = SQL_DEBTOR_OPEN_LOCK;
	else if (c->req.method == HTTP_HEAD)
		q = SQL_DEBTOR_PEEK;
	if ((r = db_query(c->db, q, p, 3)) == NULL)
		return -1;
	rc = db_rows(r) != 1 ? 0 : read_invoice(c, r, d) == 0 ? 1 : -1;
	db_res_free(r);
	return rc;
}

void
debtor_reads_free(struct debtor_read *more, int nmore)
{
	int	i;

	for (i = 0; i < nmore; i++) {
		db_res_free(more[i].res);
		more[i].res = NULL;
	}
}

/*
 * Opens the link (open_link()), then reads what the page shows of its
 * invoice in one pipeline: the items, what flags ask for (a view: where
 * the link's statement saw there is some) and the page's own reads. Two
 * round trips for a page, one for a link that does not open; the link is
 * looked up once. Returns 1 when the link opened, 0 when it did not, -1 on a
 * database failure.
 */
static int
load(struct ctx *c, const char *hash, const char *action, unsigned flags,
    struct debtor_read *more, int nmore, struct debtor_invoice *d)
{
	const char	*by_id[1] = { d->invoice_id };	/* open_link() fills it */
	const char	*pairs[DEBTOR_READS_MAX][2];
	struct db_call	 calls[4 + DEBTOR_READS_MAX];
	int		 n = 0, i, rc, first_more;
	bool		 all;

	if (nmore < 0 || nmore > DEBTOR_READS_MAX) {
		log_error("%s: %d reads of the page's own", __func__, nmore);
		return -1;
	}
	if ((rc = open_link(c, hash, action, flags, d)) != 1)
		return rc;
	all = (flags & DEBTOR_LOCK) != 0;
	calls[n++] = (struct db_call){ SQL_INVOICE_ITEMS, by_id, 1, NULL };
	if ((flags & DEBTOR_PLAN) && (all || d->has_plan))
		calls[n++] = (struct db_call){ SQL_DEBTOR_PLAN, by_id, 1, NULL };
	if ((flags & DEBTOR_HARDSHIP) && (all || d->has_note))
		calls[n++] = (struct db_call){ SQL_DEBTOR_HARDSHIP, by_id, 1, NULL };
	if ((flags & DEBTOR_STATE) && (all || d->has_state))
		calls[n++] = (struct db_call){ SQL_DEBTOR_STATE, by_id, 1, NULL };
	first_more = n;
	for (i = 0; i < nmore; i++) {
		pairs[i][0] = d->invoice_id;
		pairs[i][1] = more[i].arg;
		calls[n++] = (struct db_call){ more[i].q, pairs[i],
		    more[i].arg != NULL ? 2 : 1, NULL };
	}
	if (db_pipeline(c->db, calls, n) == -1)
		return -1;
	for (i = 0; i < nmore; i++) {		/* the page's now */
		more[i].res = calls[first_more + i].res;
		calls[first_more + i].res = NULL;
	}
	rc = read_items(c, calls[0].res, d) == -1 ? -1 : 1;
	for (i = 1; i < first_more && rc == 1; i++)
		if ((calls[i].q == SQL_DEBTOR_PLAN &&
		    read_plan(c, calls[i].res, &d->plan) == -1) ||
		    (calls[i].q == SQL_DEBTOR_HARDSHIP &&
		    read_hardship(c, calls[i].res, &d->hardship) == -1) ||
		    (calls[i].q == SQL_DEBTOR_STATE &&
		    read_state(c, calls[i].res, &d->state) == -1))
			rc = -1;
	for (i = 0; i < n; i++)
		db_res_free(calls[i].res);
	if (rc == -1)
		debtor_reads_free(more, nmore);
	return rc;
}

/*
 * The token of the route's first capture in d, and its hashes under
 * every key in hash (a bytea[] literal, token.h);
 * false after answering 404 when it cannot be a token (the same page as
 * an unknown one).
 */
static bool
link_token_or_reply(struct ctx *c, struct debtor_invoice *d,
    char hash[TOKEN_HASH_LIST])
{
	memset(d, 0, sizeof(*d));
	d->token = c->match.captures[0];
	if (token_well_formed(d->token) &&
	    token_lookup(&c->cfg->keys, TOKEN_LINK, d->token, hash) == 0)
		return true;
	page_error(c, 404, "link");
	return false;
}

/* The page speaks the customer's language, or the one ?lang= asks for. */
static void
speak(struct ctx *c, struct debtor_invoice *d)
{
	d->lang = page_speak(c, d->language);
}

bool
debtor_open_or_reply(struct ctx *c, const char *action, unsigned flags,
    struct debtor_invoice *d)
{
	return debtor_open_reads_or_reply(c, action, flags, d, NULL, 0);
}

bool
debtor_open_reads_or_reply(struct ctx *c, const char *action, unsigned flags,
    struct debtor_invoice *d, struct debtor_read *more, int nmore)
{
	char	hash[TOKEN_HASH_LIST];
	int	r;

	if (!link_token_or_reply(c, d, hash) || !page_db_or_reply(c))
		return false;
	if ((r = load(c, hash, action, flags & ~DEBTOR_LOCK, more, nmore,
	    d)) == 1) {
		speak(c, d);
		return true;
	}
	if (r == 0)
		page_error(c, 404, "link");
	else
		page_db_error(c);
	return false;
}

void
debtor_fail(struct ctx *c, const struct debtor_form *f)
{
	db_rollback(c->db);
	if (f->again != NULL)
		f->again(c, page_db_status(c), NULL, f->arg);
	else
		page_db_error(c);
}

bool
debtor_begin_or_reply(struct ctx *c, const struct debtor_form *f,
    struct debtor_invoice *d)
{
	char	hash[TOKEN_HASH_LIST];
	int	r;

	if (!link_token_or_reply(c, d, hash))
		return false;
	if (db_ensure(c->db) == -1 || db_begin(c->db) == -1) {
		debtor_fail(c, f);
		return false;
	}
	if ((r = load(c, hash, NULL, DEBTOR_LOCK | f->flags, f->more, f->nmore,
	    d)) != 1) {
		if (r == 0)
			page_error(c, 404, "link");	/* rolls back */
		else
			debtor_fail(c, f);
		return false;
	}
	speak(c, d);
	if (!token_csrf_valid(&c->cfg->keys, f->purpose, d->link_id, f->csrf)) {
		debtor_reads_free(f->more, f->nmore);
		db_rollback(c->db);
		if (f->again != NULL)
			f->again(c, 403, d, f->arg);
		else
			page_error(c, 403, "csrf");
		return false;
	}
	return true;
}

const char *
debtor_zone(struct ctx *c, const char *zone)
{
	char	city[TZ_NAME_MAX];

	if (tz_city(zone != NULL && zone[0] != '\0' ? zone : c->cfg->timezone,
	    city, sizeof(city)) == -1 || city[0] == '\0')
		return "UTC";
	return arena_strdup(c->arena, city);
}

const struct i18n_lang *
debtor_use_lang(struct ctx *c, const struct i18n_lang *lang)
{
	const struct i18n_lang	*was = c->lang;

	page_lang(c, lang);
	return was;
}

/* "1", "2.5", "0,125": a quantity in thousandths, without trailing zeros. */
static const char *
quantity_text(struct ctx *c, int64_t milli)
{
	char	frac[8];
	int	n;

	if (milli % 1000 == 0)
		return arena_printf(c->arena, "%lld", (long long)(milli / 1000));
	n = snprintf(frac, sizeof(frac), "%03lld", (long long)(milli % 1000));
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	return arena_printf(c->arena, "%lld%c%s", (long long)(milli / 1000),
	    money_decimal_point(page_lang_tag(c)), frac);
}

static void
items_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	static const char *const lists[INVOICE_KIND__MAX] = {
		[INVOICE_LINE] = "lines",
		[INVOICE_FEE] = "fees",
		[INVOICE_PAYMENT] = "payments",
		[INVOICE_WAIVER] = "waivers",
	};
	struct view	*list[INVOICE_KIND__MAX], *m;
	int		 i, k;

	for (k = 0; k < INVOICE_KIND__MAX; k++)
		list[k] = view_set_list(v, lists[k]);
	for (i = 0; i < d->nitems; i++) {
		const struct debtor_item *it = &d->items[i];

		m = view_push_map(list[it->kind]);
		view_set_str(m, "description", it->description);
		view_set_str(m, "amount", page_money(c, it->amount, d->currency));
		if (it->kind == INVOICE_LINE) {
			view_set_str(m, "quantity", quantity_text(c, it->qty_milli));
			view_set_str(m, "unit_price", page_money(c, it->unit, d->currency));
		} else
			view_set_str(m, "date", page_date(c, it->date));
		/* A payment read from a bank statement has no description of its own. */
		view_set_bool(m, "by_bank", it->kind == INVOICE_PAYMENT &&
		    it->description[0] == '\0');
	}
	view_set_bool(v, "has_fees", d->totals.sum[INVOICE_FEE] != 0);
	view_set_bool(v, "has_payments", d->totals.sum[INVOICE_PAYMENT] != 0);
	view_set_bool(v, "has_waivers", d->totals.sum[INVOICE_WAIVER] != 0);
	debtor_totals_view(c, &d->totals, d->currency, v);
}

/*
 * The language switch: every language named in itself, each a link to this
 * page in it; and while the page is not in the customer's language, a form
 * to keep that language for their pages and mails.
 */
static void
languages_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	const struct i18n_lang	*l;
	struct view		*list, *m;
	char			 csrf[TOKEN_LEN + 1];
	size_t			 i;

	if (i18n_count(c->i18n) < 2)
		return;
	view_set_bool(v, "has_languages", true);
	list = view_set_list(v, "languages");
	for (i = 0; i < i18n_count(c->i18n); i++) {
		l = i18n_at(c->i18n, i);
		m = view_push_map(list);
		view_set_str(m, "tag", l->tag);
		view_set_str(m, "name", l->name);
		view_set_bool(m, "current", l == c->lang);
		view_set_fmt(m, "url", "%s?lang=%s", c->req.path, l->tag);
	}
	if (c->lang == d->lang ||
	    token_csrf(&c->cfg->keys, "language", d->link_id, csrf) == -1)
		return;
	m = view_set_map(v, "remember");
	view_set_str(m, "csrf", csrf);
	view_set_str(m, "tag", c->lang->tag);
	view_set_str(m, "action", debtor_url(c, d, "/language"));
}

void
debtor_totals_view(struct ctx *c, const struct invoice_totals *t,
    const char *currency, struct view *v)
{
	view_set_str(v, "lines_total", page_money(c, t->sum[INVOICE_LINE], currency));
	view_set_str(v, "fees_total", page_money(c, t->sum[INVOICE_FEE], currency));
	view_set_str(v, "payments_total", page_money(c, t->sum[INVOICE_PAYMENT],
	    currency));
	view_set_str(v, "waived_total", page_money(c, t->sum[INVOICE_WAIVER],
	    currency));
	view_set_bool(v, "has_waivers", t->sum[INVOICE_WAIVER] != 0);
	view_set_str(v, "fees_after_waiver", page_money(c, t->sum[INVOICE_FEE] -
	    t->sum[INVOICE_WAIVER], currency));
	view_set_str(v, "balance", page_money(c, t->balance, currency));
	view_set_bool(v, "paid", t->balance <= 0);
}

void
debtor_frequency_view(struct view *m, enum plan_freq f)
{
	view_set_str(m, "frequency", plan_freq_name(f));
	view_set_bool(m, "weekly", f == PLAN_FREQ_WEEKLY);
	view_set_bool(m, "fortnightly", f == PLAN_FREQ_FORTNIGHTLY);
	view_set_bool(m, "monthly", f == PLAN_FREQ_MONTHLY);
}

void
debtor_schedule_view(struct ctx *c, const struct plan_schedule *s,
    const char *currency, struct view *m)
{
	struct view	*list, *row;
	int		 k;

	debtor_frequency_view(m, s->freq);
	view_set_int(m, "count", s->count);
	view_set_str(m, "total", page_money(c, s->total, currency));
	view_set_str(m, "first_amount", page_money(c, s->items[0].amount, currency));
	view_set_str(m, "amount", page_money(c, s->items[s->count - 1].amount,
	    currency));
	view_set_bool(m, "equal", s->items[0].amount == s->items[s->count - 1].amount);
	view_set_int(m, "others", s->count - 1);
	view_set_str(m, "first_date", page_date(c, s->first_due));
	view_set_str(m, "last_date", page_date(c, s->last_due));
	list = view_set_list(m, "installments");
	for (k = 0; k < s->count; k++) {
		row = view_push_map(list);
		view_set_int(row, "seq", k + 1);
		view_set_str(row, "date", page_date(c, s->items[k].due));
		view_set_str(row, "amount", page_money(c, s->items[k].amount,
		    currency));
	}
}

void
debtor_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	struct date	 today = page_today(c), pay_by;
	int32_t		 late = date_diff(today, d->due);
	bool		 owed = d->totals.balance > 0;

	view_set_str(v, "name", d->name);
	view_set_str(v, "email", d->email);
	view_set_str(v, "number", d->number);
	view_set_str(v, "currency", d->currency);
	view_set_str(v, "issued", page_date(c, d->issued));
	view_set_str(v, "due", page_date(c, d->due));
	/* A paid invoice is not overdue, however late it was paid. */
	view_set_bool(v, "overdue", owed && late > 0);
	view_set_int(v, "days_overdue", owed && late > 0 ? late : 0);
	view_set_bool(v, "days_overdue_one", owed && late == 1);
	view_set_bool(v, "due_today", owed && late == 0);
	view_set_bool(v, "not_yet_due", owed && late < 0);
	view_set_int(v, "days_until_due", late < 0 ? -late : 0);
	view_set_bool(v, "credit", d->totals.balance < 0);
	view_set_str(v, "credit_amount", page_money(c, -d->totals.balance,
	    d->currency));
	/*
	 * One clear request with a date: the one the latest reminder named,
	 * else the due date, while they hold; else "as soon as possible".
	 */
	if (invoice_pay_by(today, d->due, d->pay_by, &pay_by) ==
	    INVOICE_PAY_BY_DATE) {
		view_set_str(v, "pay_by", page_date(c, pay_by));
		view_set_bool(v, "pay_soon", false);
	} else {
		view_set_str(v, "pay_by", "");
		view_set_bool(v, "pay_soon", true);
	}
	view_set_bool(v, "reminders_off", d->reminders_off);
	items_view(c, d, v);
	languages_view(c, d, v);
	view_set_str(v, "zone", debtor_zone(c, d->timezone));
	view_set_str(v, "invoice_url", debtor_url(c, d, ""));
	view_set_str(v, "plan_url", debtor_url(c, d, "/plan"));
	view_set_str(v, "hardship_url", debtor_url(c, d, "/hardship"));
}

int
debtor_payqr_view(struct ctx *c, const struct debtor_invoice *d, int64_t cents,
    struct view *m)
{
	struct mustache_error	 err;
	struct view		*lv;
	struct buf		 label, svg;
	size_t			 n;
	int			 rc = -1;

	buf_init(&label, 4096);
	buf_init(&svg, 64 * 1024);
	view_set_str(m, "qr", "");	/* set either way: see ARCHITECTURE.md */
	if (cents <= 0 || !payqr_possible(c->cfg, d->currency)) {
		rc = 0;
		goto out;
	}
	lv = page_view(c);
	view_set_str(lv, "amount", page_money(c, cents, d->currency));
	view_set_str(lv, "number", d->number);
	if (mustache_render(c->templates, "qr_label", lv, MUSTACHE_TEXT, &label,
	    &err) == -1) {
		log_error("%s: qr_label: %s", __func__, err.message);
		goto out;
	}
	n = label.len;
	while (n > 0 && (label.data[n - 1] == '\n' || label.data[n - 1] == ' '))
		label.data[--n] = '\0';
	if (payqr_svg(c->cfg, d->currency, cents, d->number, buf_str(&label),
	    &svg) == -1)
		goto out;
	view_set_str(m, "qr", buf_str(&svg));
	rc = 0;
out:
	buf_free(&label);
	buf_free(&svg);
	return rc;
}

void
debtor_plan_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	const struct debtor_plan	*p = &d->plan;
	struct view			*plan, *list, *m;
	int64_t				 left;
	int				 i, next = -1;

	if (!p->active)
		return;
	plan = view_set_map(v, "plan");
	debtor_frequency_view(plan, p->frequency);
	view_set_int(plan, "count", p->count);
	view_set_str(plan, "total", page_money(c, p->total, d->currency));
	view_set_str(plan, "accepted_on", page_date(c, p->accepted));
	view_set_str(plan, "terms_version", p->terms);
	view_set_str(plan, "ics_url", debtor_url(c, d, "/plan.ics"));
	view_set_bool(plan, "has_qr", payqr_possible(c->cfg, d->currency));
	list = view_set_list(plan, "installments");
	for (i = 0; i < p->nitems; i++) {
		m = view_push_map(list);
		/* What is paid comes from plan_installment_status, like the
		 * page's next installment (invoice_next_installment). */
		left = p->items[i].amount - p->items[i].paid;
		if (left > 0 && next < 0)
			next = i;
		view_set_int(m, "seq", p->items[i].seq);
		view_set_str(m, "date", page_date(c, p->items[i].due));
		view_set_str(m, "amount", page_money(c, p->items[i].amount,
		    d->currency));
		view_set_bool(m, "paid", left <= 0);
		view_set_bool(m, "part_paid", left > 0 && p->items[i].paid > 0);
		view_set_str(m, "left", page_money(c, left, d->currency));
		view_set_bool(m, "next", i == next);
		if (left > 0 && debtor_payqr_view(c, d, left, m) == -1)
			log_error("%s: no QR code for installment %d", __func__,
			    p->items[i].seq);
	}
}

const char *
debtor_done_url(struct ctx *c, const struct debtor_invoice *d,
    const char *done)
{
	const char	*url = debtor_url(c, d, "");

	return arena_printf(c->arena, "%s%cdone=%s", url,
	    strchr(url, '?') != NULL ? '&' : '?', done);
}

void
debtor_hardship_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v)
{
	const struct debtor_hardship	*h = &d->hardship;
	struct view			*m;

	if (!h->exists)
		return;
	/* Every flag is set, true or false: a missing key would be looked up
	 * in the enclosing context instead. */
	m = view_set_map(v, "hardship");
	view_set_str(m, "received_on", page_date(c, h->received));
	view_set_str(m, "callback_date", page_weekday_date(c, h->callback));
	view_set_bool(m, "morning", h->morning);
	view_set_bool(m, "afternoon", !h->morning);
	view_set_bool(m, "by_phone", h->by_phone);
	view_set_bool(m, "by_email", !h->by_phone);
	view_set_bool(m, "resolved", h->resolved);
	view_set_bool(m, "paused", h->paused);
	/* Once resolved with an outcome, the page says what was decided. */
	view_set_bool(m, "has_outcome", h->resolved && h->outcome[0] != '\0');
	view_set_choice(m, "outcome_", hardship_outcomes, h->outcome);
	view_set_str(m, "outcome_note", h->outcome_note);
	if (date_valid(h->paused_until))
		view_set_str(m, "paused_until", page_date(c, h->paused_until));
}

const char *
debtor_url(struct ctx *c, const struct debtor_invoice *d, const char *suffix)
{
	const struct i18n_lang	*q = page_query_lang(c);
	bool			 other = d != NULL ? c->lang != d->lang : q != NULL;

	return arena_printf(c->arena, "/i/%s%s%s%s",
	    d != NULL ? d->token : c->match.captures[0], suffix,
	    other && c->lang != NULL ? "?lang=" : "",
	    other && c->lang != NULL ? c->lang->tag : "");
}

int
debtor_copy_view(struct ctx *c, const struct debtor_invoice *d,
    const char *kind, struct view *m)
{
	char	csrf[TOKEN_LEN + 1];

	if (m == NULL || token_csrf(&c->cfg->keys, "copy", d->link_id, csrf) == -1)
		return -1;
	view_set_str(m, "action", debtor_url(c, d, "/copy"));
	view_set_str(m, "csrf", csrf);
	view_set_str(m, "kind", kind);
	return 0;
}
