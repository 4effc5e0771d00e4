#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "pages/debtor.h"
#include "token.h"
#include "tz.h"
#include "view.h"

static int64_t
int_at(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static const char *
str_at(struct ctx *c, const PGresult *res, int row, int col)
{
	return arena_strndup(c->arena, PQgetvalue(res, row, col),
	    (size_t)PQgetlength(res, row, col));
}

/* Copies the invoice row of SQL_DEBTOR_OPEN into d. */
static int
read_invoice(struct ctx *c, const PGresult *res, struct debtor_invoice *d)
{
	(void)snprintf(d->link_id, sizeof(d->link_id), "%s", PQgetvalue(res, 0, 0));
	(void)snprintf(d->invoice_id, sizeof(d->invoice_id), "%s",
	    PQgetvalue(res, 0, 1));
	d->number = str_at(c, res, 0, 2);
	d->currency = str_at(c, res, 0, 3);
	d->name = str_at(c, res, 0, 6);
	d->email = str_at(c, res, 0, 7);
	d->phone = str_at(c, res, 0, 8);
	d->language = str_at(c, res, 0, 9);
	d->timezone = PQgetlength(res, 0, 10) > 0 ? str_at(c, res, 0, 10) :
	    c->cfg->timezone;
	(void)snprintf(d->customer_id, sizeof(d->customer_id), "%s",
	    PQgetvalue(res, 0, 11));
	if (date_parse(PQgetvalue(res, 0, 4), &d->issued) == -1 ||
	    date_parse(PQgetvalue(res, 0, 5), &d->due) == -1)
		return -1;
	return arena_failed(c->arena) ? -1 : 0;
}

static enum debtor_item_kind
item_kind(const char *s)
{
	if (strcmp(s, "line") == 0)
		return DEBTOR_LINE;
	return strcmp(s, "fee") == 0 ? DEBTOR_FEE : DEBTOR_PAYMENT;
}

int
debtor_totals(const PGresult *res, int64_t totals[DEBTOR_ITEM__MAX],
    int64_t *balance)
{
	enum debtor_item_kind	k;
	int			i;

	for (k = 0; k < DEBTOR_ITEM__MAX; k++)
		totals[k] = 0;
	for (i = 0; i < PQntuples(res); i++) {
		k = item_kind(PQgetvalue(res, i, 0));
		if (money_add(totals[k], int_at(res, i, 5), &totals[k]) == -1)
			return -1;
	}
	if (money_add(totals[DEBTOR_LINE], totals[DEBTOR_FEE], balance) == -1 ||
	    money_sub(*balance, totals[DEBTOR_PAYMENT], balance) == -1)
		return -1;
	return 0;
}

/* Copies lines, fees and payments, and their totals. */
static int
read_items(struct ctx *c, const PGresult *res, struct debtor_invoice *d)
{
	struct debtor_item	*it;
	int			 i;

	d->nitems = PQntuples(res);
	d->items = arena_alloc(c->arena, sizeof(*d->items) * (size_t)(d->nitems + 1));
	if (d->items == NULL)
		return -1;
	for (i = 0; i < d->nitems; i++) {
		it = &d->items[i];
		it->kind = item_kind(PQgetvalue(res, i, 0));
		it->description = str_at(c, res, i, 2);
		it->qty_milli = int_at(res, i, 3);
		it->unit = int_at(res, i, 4);
		it->amount = int_at(res, i, 5);
		if (it->kind != DEBTOR_LINE &&
		    date_parse(PQgetvalue(res, i, 6), &it->date) == -1)
			return -1;
	}
	if (debtor_totals(res, d->totals, &d->balance) == -1)
		return -1;
	return arena_failed(c->arena) ? -1 : 0;
}

/* The active plan: one row per installment (SQL_DEBTOR_PLAN). */
static int
read_plan(struct ctx *c, const PGresult *res, struct debtor_plan *p)
{
	int	i, n = PQntuples(res);

	if ((p->active = n > 0) == false)
		return 0;
	p->id = str_at(c, res, 0, 0);
	p->frequency = str_at(c, res, 0, 1);
	p->count = (int)int_at(res, 0, 2);
	p->total = int_at(res, 0, 3);
	p->terms = str_at(c, res, 0, 5);
	p->stamp = str_at(c, res, 0, 6);
	if (date_parse(PQgetvalue(res, 0, 4), &p->accepted) == -1 ||
	    (p->items = arena_alloc(c->arena, sizeof(*p->items) * (size_t)n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		p->items[i].seq = (int)int_at(res, i, 7);
		p->items[i].amount = int_at(res, i, 9);
		if (date_parse(PQgetvalue(res, i, 8), &p->items[i].due) == -1)
			return -1;
	}
	p->nitems = n;
	return arena_failed(c->arena) ? -1 : 0;
}

/* The latest hardship note (SQL_DEBTOR_HARDSHIP). */
static int
read_hardship(const PGresult *res, struct debtor_hardship *h)
{
	if ((h->exists = PQntuples(res) == 1) == false)
		return 0;
	h->morning = strcmp(PQgetvalue(res, 0, 2), "morning") == 0;
	h->by_phone = strcmp(PQgetvalue(res, 0, 3), "phone") == 0;
	h->resolved = strcmp(PQgetvalue(res, 0, 4), "resolved") == 0;
	h->paused = PQgetvalue(res, 0, 5)[0] == 't';
	if (date_parse(PQgetvalue(res, 0, 0), &h->received) == -1 ||
	    date_parse(PQgetvalue(res, 0, 1), &h->callback) == -1)
		return -1;
	return 0;
}

/*
 * Runs the statements of a debtor page in one round trip and reads them.
 * With DEBTOR_LOCK the opening statement goes first, so the invoice row is
 * locked before anything is read; otherwise it goes last, so the link row
 * it updates is locked only from there to the commit, and concurrent views
 * of one link barely wait for each other. Returns 1 when the link opened,
 * 0 when it did not (unknown, revoked, expired), -1 on a database failure.
 */
static int
load(struct ctx *c, const char *hash, const char *action, unsigned flags,
    struct debtor_invoice *d)
{
	const char	*open[3] = { hash, action, c->req.remote_addr };
	const char	*by_hash[1] = { hash };
	struct db_call	 calls[4], *o, *it = NULL;
	int		 n = 0, i, rc = -1;

	if (flags & DEBTOR_LOCK)
		calls[n++] = (struct db_call){ SQL_DEBTOR_OPEN_LOCK, open, 3, NULL };
	calls[n++] = (struct db_call){ SQL_DEBTOR_ITEMS, by_hash, 1, NULL };
	if (flags & DEBTOR_PLAN)
		calls[n++] = (struct db_call){ SQL_DEBTOR_PLAN, by_hash, 1, NULL };
	if (flags & DEBTOR_HARDSHIP)
		calls[n++] = (struct db_call){ SQL_DEBTOR_HARDSHIP, by_hash, 1, NULL };
	if (!(flags & DEBTOR_LOCK))
		calls[n++] = (struct db_call){ SQL_DEBTOR_OPEN, open, 3, NULL };
	if (db_pipeline(c->db, calls, n) == -1)
		return -1;
	o = (flags & DEBTOR_LOCK) ? &calls[0] : &calls[n - 1];
	if (PQntuples(o->res) != 1) {
		rc = 0;
		goto out;
	}
	if (read_invoice(c, o->res, d) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (calls[i].q == SQL_DEBTOR_ITEMS)
			it = &calls[i];
		else if (calls[i].q == SQL_DEBTOR_PLAN &&
		    read_plan(c, calls[i].res, &d->plan) == -1)
			goto out;
		else if (calls[i].q == SQL_DEBTOR_HARDSHIP &&
		    read_hardship(calls[i].res, &d->hardship) == -1)
			goto out;
	}
	if (it == NULL || read_items(c, it->res, d) == -1)
		goto out;
	rc = 1;
out:
	for (i = 0; i < n; i++)
		PQclear(calls[i].res);
	return rc;
}

bool
debtor_open_or_reply(struct ctx *c, const char *action, unsigned flags,
    struct debtor_invoice *d)
{
	char	hash[TOKEN_HASH_HEX];
	int	r;

	memset(d, 0, sizeof(*d));
	d->token = c->match.captures[0];
	if (!token_well_formed(d->token) ||
	    token_hash(c->cfg->secret, TOKEN_LINK, d->token, hash) == -1) {
		page_error(c, 404, "link");
		return false;
	}
	if (!(flags & DEBTOR_LOCK) && !page_db_or_reply(c))
		return false;
	if ((r = load(c, hash, action, flags, d)) == 1) {
		if ((d->lang = i18n_find(c->i18n, d->language)) == NULL)
			d->lang = i18n_source(c->i18n);
		page_lang(c, page_query_lang(c) ? page_query_lang(c) : d->lang);
		return true;
	}
	if (r == 0)
		page_error(c, 404, "link");
	else
		page_error(c, db_is_down(c->db) ? 503 : 500, "database");
	return false;
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
	static const char *const lists[DEBTOR_ITEM__MAX] = { "lines", "fees", "payments" };
	struct view	*list[DEBTOR_ITEM__MAX], *m;
	int		 i, k;

	for (k = 0; k < DEBTOR_ITEM__MAX; k++)
		list[k] = view_set_list(v, lists[k]);
	for (i = 0; i < d->nitems; i++) {
		const struct debtor_item *it = &d->items[i];

		m = view_push_map(list[it->kind]);
		view_set_str(m, "description", it->description);
		view_set_str(m, "amount", page_money(c, it->amount, d->currency));
		if (it->kind == DEBTOR_LINE) {
			view_set_str(m, "quantity", quantity_text(c, it->qty_milli));
			view_set_str(m, "unit_price", page_money(c, it->unit, d->currency));
		} else
			view_set_str(m, "date", page_date(c, it->date));
	}
	view_set_bool(v, "has_fees", d->totals[DEBTOR_FEE] != 0);
	view_set_bool(v, "has_payments", d->totals[DEBTOR_PAYMENT] != 0);
	view_set_str(v, "lines_total", page_money(c, d->totals[DEBTOR_LINE], d->currency));
	view_set_str(v, "fees_total", page_money(c, d->totals[DEBTOR_FEE], d->currency));
	view_set_str(v, "payments_total", page_money(c, d->totals[DEBTOR_PAYMENT], d->currency));
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
	    token_csrf(c->cfg->secret, "language", d->link_id, csrf) == -1)
		return;
	m = view_set_map(v, "remember");
	view_set_str(m, "csrf", csrf);
	view_set_str(m, "tag", c->lang->tag);
	view_set_str(m, "action", debtor_url(c, d, "/language"));
}

void
debtor_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	struct date	 today = page_today(c);
	int32_t		 late = date_diff(today, d->due);

	view_set_str(v, "name", d->name);
	view_set_str(v, "email", d->email);
	view_set_str(v, "number", d->number);
	view_set_str(v, "currency", d->currency);
	view_set_str(v, "issued", page_date(c, d->issued));
	view_set_str(v, "due", page_date(c, d->due));
	view_set_bool(v, "overdue", late > 0);
	view_set_int(v, "days_overdue", late > 0 ? late : 0);
	view_set_bool(v, "days_overdue_one", late == 1);
	view_set_bool(v, "due_today", late == 0);
	view_set_bool(v, "not_yet_due", late < 0);
	view_set_int(v, "days_until_due", late < 0 ? -late : 0);
	view_set_bool(v, "paid", d->balance <= 0);
	view_set_bool(v, "credit", d->balance < 0);
	view_set_str(v, "balance", page_money(c, d->balance, d->currency));
	view_set_str(v, "credit_amount", page_money(c, -d->balance, d->currency));
	/* One clear request with a date: the due date, or ten days from now. */
	view_set_str(v, "pay_by", page_date(c, late < 0 ? d->due :
	    date_add_days(today, 10)));
	items_view(c, d, v);
	languages_view(c, d, v);
	view_set_str(v, "zone", debtor_zone(c, d->timezone));
	view_set_str(v, "invoice_url", debtor_url(c, d, ""));
	view_set_str(v, "plan_url", debtor_url(c, d, "/plan"));
	view_set_str(v, "hardship_url", debtor_url(c, d, "/hardship"));
}

void
debtor_plan_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	const struct debtor_plan	*p = &d->plan;
	struct view			*plan, *list, *m;
	int				 i;

	if (!p->active)
		return;
	plan = view_set_map(v, "plan");
	view_set_str(plan, "frequency", p->frequency);
	view_set_bool(plan, "weekly", strcmp(p->frequency, "weekly") == 0);
	view_set_bool(plan, "fortnightly", strcmp(p->frequency, "fortnightly") == 0);
	view_set_bool(plan, "monthly", strcmp(p->frequency, "monthly") == 0);
	view_set_int(plan, "count", p->count);
	view_set_str(plan, "total", page_money(c, p->total, d->currency));
	view_set_str(plan, "accepted_on", page_date(c, p->accepted));
	view_set_str(plan, "terms_version", p->terms);
	view_set_str(plan, "ics_url", debtor_url(c, d, "/plan.ics"));
	list = view_set_list(plan, "installments");
	for (i = 0; i < p->nitems; i++) {
		m = view_push_map(list);
		view_set_int(m, "seq", p->items[i].seq);
		view_set_str(m, "date", page_date(c, p->items[i].due));
		view_set_str(m, "amount", page_money(c, p->items[i].amount,
		    d->currency));
	}
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
