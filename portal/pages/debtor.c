#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "pages/debtor.h"
#include "token.h"
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

/* Loads lines, fees and payments, and sums them with overflow checks. */
static int
read_items(struct ctx *c, struct debtor_invoice *d)
{
	const char		*p[1] = { d->invoice_id };
	struct debtor_item	*it;
	PGresult		*res;
	int			 i, rc = -1;

	if ((res = db_run(c->db, SQL_DEBTOR_ITEMS, p, 1)) == NULL)
		return -1;
	d->nitems = PQntuples(res);
	d->items = arena_alloc(c->arena, sizeof(*d->items) * (size_t)(d->nitems + 1));
	if (d->items == NULL)
		goto out;
	for (i = 0; i < d->nitems; i++) {
		it = &d->items[i];
		it->kind = item_kind(PQgetvalue(res, i, 0));
		it->description = str_at(c, res, i, 2);
		it->qty_milli = int_at(res, i, 3);
		it->unit = int_at(res, i, 4);
		it->amount = int_at(res, i, 5);
		if (it->kind != DEBTOR_LINE &&
		    date_parse(PQgetvalue(res, i, 6), &it->date) == -1)
			goto out;
		if (money_add(d->totals[it->kind], it->amount,
		    &d->totals[it->kind]) == -1)
			goto out;
	}
	if (money_add(d->totals[DEBTOR_LINE], d->totals[DEBTOR_FEE], &d->balance) == -1 ||
	    money_sub(d->balance, d->totals[DEBTOR_PAYMENT], &d->balance) == -1)
		goto out;
	rc = arena_failed(c->arena) ? -1 : 0;
out:
	PQclear(res);
	return rc;
}

bool
debtor_open_or_reply(struct ctx *c, const char *action, bool lock,
    struct debtor_invoice *d)
{
	char		 hash[TOKEN_HASH_HEX];
	const char	*p[3];
	PGresult	*res;
	int		 found;

	memset(d, 0, sizeof(*d));
	d->token = c->match.captures[0];
	if (!token_well_formed(d->token) ||
	    token_hash(c->cfg->secret, TOKEN_LINK, d->token, hash) == -1) {
		page_error(c, 404, "link");
		return false;
	}
	if (!lock && !page_db_or_reply(c))
		return false;
	p[0] = hash;
	p[1] = action;
	p[2] = c->req.remote_addr;
	if ((res = db_run(c->db, lock ? SQL_DEBTOR_OPEN_LOCK : SQL_DEBTOR_OPEN,
	    p, 3)) == NULL)
		goto fail;
	found = PQntuples(res) == 1;
	if (found && read_invoice(c, res, d) == -1) {
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (!found) {
		page_error(c, 404, "link");
		return false;
	}
	if (read_items(c, d) == -1)
		goto fail;
	return true;
fail:
	page_error(c, db_is_down(c->db) ? 503 : 500, "database");
	return false;
}

/* "1", "2.5", "0.125": a quantity in thousandths, without trailing zeros. */
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
	return arena_printf(c->arena, "%lld.%s", (long long)(milli / 1000), frac);
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
	view_set_str(v, "invoice_url", debtor_url(c, d, ""));
	view_set_str(v, "plan_url", debtor_url(c, d, "/plan"));
	view_set_str(v, "hardship_url", debtor_url(c, d, "/hardship"));
}

int
debtor_plan_view(struct ctx *c, const struct debtor_invoice *d, struct view *v,
    bool *has_plan)
{
	const char	*p[1] = { d->invoice_id };
	struct view	*plan, *list, *m;
	struct date	 due;
	PGresult	*res;
	int		 i;

	*has_plan = false;
	if ((res = db_run(c->db, SQL_DEBTOR_PLAN, p, 1)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		*has_plan = true;
		plan = view_set_map(v, "plan");
		view_set_str(plan, "frequency", PQgetvalue(res, 0, 1));
		view_set_bool(plan, "weekly", strcmp(PQgetvalue(res, 0, 1), "weekly") == 0);
		view_set_bool(plan, "fortnightly", strcmp(PQgetvalue(res, 0, 1), "fortnightly") == 0);
		view_set_bool(plan, "monthly", strcmp(PQgetvalue(res, 0, 1), "monthly") == 0);
		view_set_int(plan, "count", int_at(res, 0, 2));
		view_set_str(plan, "total", page_money(c, int_at(res, 0, 3), d->currency));
		if (date_parse(PQgetvalue(res, 0, 4), &due) == 0)
			view_set_str(plan, "accepted_on", page_date(c, due));
		view_set_str(plan, "terms_version", PQgetvalue(res, 0, 5));
		view_set_str(plan, "ics_url", debtor_url(c, d, "/plan.ics"));
		list = view_set_list(plan, "installments");
		for (i = 0; i < PQntuples(res); i++) {
			m = view_push_map(list);
			view_set_int(m, "seq", int_at(res, i, 6));
			if (date_parse(PQgetvalue(res, i, 7), &due) == 0)
				view_set_str(m, "date", page_date(c, due));
			view_set_str(m, "amount", page_money(c, int_at(res, i, 8),
			    d->currency));
		}
	}
	PQclear(res);
	return 0;
}

int
debtor_hardship_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v)
{
	const char	*p[1] = { d->invoice_id };
	struct view	*h;
	struct date	 day;
	PGresult	*res;

	if ((res = db_run(c->db, SQL_DEBTOR_HARDSHIP, p, 1)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		h = view_set_map(v, "hardship");
		if (date_parse(PQgetvalue(res, 0, 0), &day) == 0)
			view_set_str(h, "received_on", page_date(c, day));
		if (date_parse(PQgetvalue(res, 0, 1), &day) == 0)
			view_set_str(h, "callback_date", page_weekday_date(c, day));
		/* Every flag is set, true or false: a missing key would be
		 * looked up in the enclosing context instead. */
		view_set_bool(h, "morning", strcmp(PQgetvalue(res, 0, 2), "morning") == 0);
		view_set_bool(h, "afternoon", strcmp(PQgetvalue(res, 0, 2), "afternoon") == 0);
		view_set_bool(h, "by_phone", strcmp(PQgetvalue(res, 0, 3), "phone") == 0);
		view_set_bool(h, "by_email", strcmp(PQgetvalue(res, 0, 3), "email") == 0);
		view_set_bool(h, "resolved", strcmp(PQgetvalue(res, 0, 4), "resolved") == 0);
		view_set_bool(h, "paused", PQgetvalue(res, 0, 5)[0] == 't');
	}
	PQclear(res);
	return 0;
}

const char *
debtor_url(struct ctx *c, const struct debtor_invoice *d, const char *suffix)
{
	return arena_printf(c->arena, "/i/%s%s", d->token, suffix);
}
