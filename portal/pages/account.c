/*
 * The whole account (issue 16). GET /i/{token}/account: every open invoice
 * of the customer whose link this is (number, due date, days overdue,
 * balance, state), the total per currency, and for the EUR total one
 * payment QR code. GET /i/{token}/account/{number} opens one of them: it
 * must be the same customer's, matched exactly, or the page is the 404 of
 * a bad link; it is shown as its own invoice page, under a link of its own
 * (SQL_ACCOUNT_LINK) that lasts no longer than the one it was opened from,
 * so its plan, hardship and copy forms act on that invoice and on nothing
 * else. Nothing under /i/{token}/account/{number}/ exists: every such
 * path is the same 404 (account_none).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "epc.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "pages/debtor.h"
#include "router.h"
#include "routes.h"
#include "token.h"
#include "view.h"

#define ACCOUNT_MAX_CURRENCIES	16

/* The total owed in one currency. */
struct account_total {
	char	currency[4];
	int64_t	cents;
};

struct account_sums {
	struct account_total	t[ACCOUNT_MAX_CURRENCIES];
	int			n;
};

/* Adds cents to the currency's total; -1 on overflow or too many. */
static int
sums_add(struct account_sums *s, const char *currency, int64_t cents)
{
	int	i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->t[i].currency, currency) == 0)
			break;
	if (i == s->n) {
		if (s->n == ACCOUNT_MAX_CURRENCIES)
			return -1;
		(void)snprintf(s->t[i].currency, sizeof(s->t[i].currency), "%s",
		    currency);
		s->n++;
	}
	if (money_add(s->t[i].cents, cents, &s->t[i].cents) == -1)
		return -1;
	return 0;
}

/* A path segment: everything but unreserved characters percent-encoded. */
static const char *
segment(struct ctx *c, const char *s)
{
	struct buf	b;
	const char	*r;

	buf_init(&b, 4 * ROUTER_MAX_SEGMENT);
	for (; *s != '\0'; s++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-._~", *s) != NULL)
			(void)buf_putc(&b, *s);
		else
			(void)buf_printf(&b, "%%%02X", (unsigned char)*s);
	r = buf_failed(&b) ? NULL : arena_strdup(c->arena, buf_str(&b));
	buf_free(&b);
	return r;
}

/* The invoice's state, each a flag (every one set: see debtor.c). */
static void
state_view(const struct db_res *r, int i, struct view *m)
{
	const char	*plan = db_str(r, i, ACCOUNT_PLAN);
	const char	*hold = db_str(r, i, ACCOUNT_HOLD);

	view_set_bool(m, "plan_active", strcmp(plan, "active") == 0);
	view_set_bool(m, "plan_broken", strcmp(plan, "broken") == 0);
	view_set_bool(m, "hold_hardship", strcmp(hold, "hardship") == 0);
	view_set_bool(m, "hold_dispute", strcmp(hold, "dispute") == 0);
	view_set_bool(m, "hold_promise", strcmp(hold, "promise") == 0);
	view_set_bool(m, "hold_paid_claim", strcmp(hold, "paid_claim") == 0);
	view_set_bool(m, "hold_proposal", strcmp(hold, "proposal") == 0);
	view_set_bool(m, "escalated", db_bool(r, i, ACCOUNT_ESCALATED));
	view_set_bool(m, "due_only", plan[0] == '\0' && hold[0] == '\0' &&
	    !db_bool(r, i, ACCOUNT_ESCALATED));
}

/* One row of the statement; its balance added to sums. */
static int
invoice_view(struct ctx *c, const struct debtor_invoice *d,
    const struct db_res *r, int i, struct account_sums *sums, struct view *m)
{
	const char	*number = db_str(r, i, ACCOUNT_NUMBER);
	const char	*currency = db_str(r, i, ACCOUNT_CURRENCY);
	const char	*seg = segment(c, number);
	struct date	 due = db_date(r, i, ACCOUNT_DUE);
	int64_t		 cents = db_int(r, i, ACCOUNT_BALANCE_CENTS);
	int32_t		 late;

	if (seg == NULL || !date_valid(due) || sums_add(sums, currency, cents) == -1)
		return -1;
	late = date_diff(page_today(c), due);
	view_set_str(m, "number", number);
	view_set_str(m, "url", strcmp(number, d->number) == 0 ?
	    debtor_url(c, d, "") : debtor_url(c, d,
	    arena_printf(c->arena, "/account/%s", seg)));
	view_set_bool(m, "current", strcmp(number, d->number) == 0);
	view_set_str(m, "due", page_date(c, due));
	view_set_int(m, "days_overdue", late > 0 ? late : 0);
	view_set_bool(m, "overdue", late > 0);
	view_set_str(m, "balance", page_money(c, cents, currency));
	state_view(r, i, m);
	return 0;
}

/*
 * The remittance reference of a currency's total: the numbers of its
 * invoices, space-separated, while they fit EPC's 140 characters (so the
 * bank statement names each invoice); else the customer's reference,
 * which staff match by hand. Arena-owned, NULL when neither fits.
 */
static const char *
total_reference(struct ctx *c, const struct db_res *r, const char *currency)
{
	char	ref[EPC_TEXT_MAX + 1] = "";
	size_t	n = 0, k;
	int	i;

	for (i = 0; i < db_rows(r); i++) {
		if (strcmp(db_str(r, i, ACCOUNT_CURRENCY), currency) != 0)
			continue;
		k = strlen(db_str(r, i, ACCOUNT_NUMBER));
		if (n + (n > 0) + k > EPC_TEXT_MAX) {
			k = strlen(db_str(r, 0, ACCOUNT_CUSTOMER_REF));
			return k > 0 && k <= EPC_TEXT_MAX ?
			    db_str(r, 0, ACCOUNT_CUSTOMER_REF) : NULL;
		}
		(void)snprintf(ref + n, sizeof(ref) - n, "%s%s", n > 0 ? " " : "",
		    db_str(r, i, ACCOUNT_NUMBER));
		n = strlen(ref);
	}
	return arena_strdup(c->arena, ref);
}

/* The totals per currency, the EUR one with its QR code. */
static void
totals_view(struct ctx *c, const struct debtor_invoice *d,
    const struct db_res *r, const struct account_sums *s, struct view *v)
{
	struct debtor_invoice	 eur = *d;
	struct view		*list = view_set_list(v, "totals"), *m;
	int			 i;

	for (i = 0; i < s->n; i++) {
		m = view_push_map(list);
		view_set_str(m, "currency", s->t[i].currency);
		view_set_str(m, "amount", page_money(c, s->t[i].cents,
		    s->t[i].currency));
		view_set_str(m, "qr", "");
		eur.number = total_reference(c, r, s->t[i].currency);
		/* bank_details shows "number" as the reference */
		view_set_str(m, "number", eur.number != NULL ? eur.number : "");
		view_set_bool(m, "reference_list", eur.number != NULL &&
		    strchr(eur.number, ' ') != NULL);
		if (eur.number == NULL || strcmp(s->t[i].currency, "EUR") != 0)
			continue;
		eur.currency = "EUR";
		if (debtor_payqr_view(c, &eur, s->t[i].cents, m) == -1)
			log_error("%s: no QR code for the account's total", __func__);
	}
	view_set_bool(v, "many_currencies", s->n > 1);
}

void
account_get(struct ctx *c)
{
	struct debtor_invoice	 d;
	struct account_sums	 sums = { .n = 0 };
	struct db_res		*r = NULL;
	struct view		*v, *list;
	const char		*p[1];
	int			 i;

	if (!debtor_open_or_reply(c, "account.viewed", 0, &d))
		return;
	p[0] = d.customer_id;
	if ((r = db_query(c->db, SQL_ACCOUNT_INVOICES, p, 1)) == NULL) {
		page_db_error(c);
		return;
	}
	v = page_view(c);
	view_set_str(v, "name", d.name);
	view_set_str(v, "number", d.number);
	view_set_str(v, "invoice_url", debtor_url(c, &d, ""));
	view_set_str(v, "today", page_date(c, page_today(c)));
	view_set_int(v, "count", db_rows(r));
	list = view_set_list(v, "invoices");
	for (i = 0; i < db_rows(r); i++)
		if (invoice_view(c, &d, r, i, &sums, view_push_map(list)) == -1) {
			log_error("%s: invoice %s", __func__,
			    db_str(r, i, ACCOUNT_NUMBER));
			db_res_free(r);
			page_error(c, 500, NULL);
			return;
		}
	totals_view(c, &d, r, &sums, v);
	db_res_free(r);
	page_render(c, 200, "account", v);
}

void
account_invoice_get(struct ctx *c)
{
	char		 hash[TOKEN_HASH_LIST], tok[TOKEN_LEN + 1];
	char		 fresh[TOKEN_HASH_HEX];
	const char	*p[4];
	struct db_res	*r;
	int		 rows;

	if (!token_well_formed(c->match.captures[0]) ||
	    token_lookup(&c->cfg->keys, TOKEN_LINK, c->match.captures[0],
	    hash) == -1) {
		page_error(c, 404, "link");
		return;
	}
	if (!page_db_or_reply(c))
		return;
	if (token_new(&c->cfg->keys, TOKEN_LINK, tok, fresh) == -1) {
		page_error(c, 500, NULL);
		return;
	}
	p[0] = hash;
	p[1] = c->match.captures[1];
	p[2] = fresh;
	p[3] = c->req.remote_addr;
	if ((r = db_query(c->db, SQL_ACCOUNT_LINK, p, 4)) == NULL) {
		sodium_memzero(tok, sizeof(tok));
		page_db_error(c);
		return;
	}
	rows = db_rows(r);
	db_res_free(r);
	if (rows != 1) {
		sodium_memzero(tok, sizeof(tok));
		page_error(c, 404, "link");
		return;
	}
	/* The invoice page, as the new link opens it. */
	(void)snprintf(c->match.captures[0], sizeof(c->match.captures[0]), "%s",
	    tok);
	sodium_memzero(tok, sizeof(tok));
	invoice_get(c);
}

void
account_none(struct ctx *c)
{
	page_error(c, 404, "link");
}
