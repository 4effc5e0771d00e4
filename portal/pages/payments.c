/*
 * /staff/payments: the bank credits that `portal-admin payments` could not
 * match (no invoice named, two named, another currency, an invoice already
 * paid) and returns, oldest first. A clerk assigns a credit to an invoice
 * by its number (it becomes a payment of it, exactly as a matched one:
 * bankpay_apply) or dismisses it as not an invoice payment. Both are
 * audited with who and when, under the credit's row lock, so two clerks
 * cannot decide one credit twice.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "bankpay.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "page.h"
#include "pages/staff.h"
#include "payref.h"
#include "routes.h"
#include "view.h"

#define PAYMENTS_PURPOSE	"payments"
#define INVOICE_NUMBER_MAX	64

/* What went wrong with one credit's form, to show beside it. */
struct problem {
	const char	*id;		/* the credit's */
	const char	*flag;		/* error_unknown, error_currency, ... */
	const char	*typed;		/* the invoice number as typed */
};

static void
credit_row(struct ctx *c, const struct db_res *r, int i, struct view *m,
    const struct problem *pb)
{
	static const char *const reasons[] = { "unmatched", "ambiguous",
	    "currency", "paid", "return", NULL };
	const char	*id = db_str(r, i, CREDIT_ID);
	bool		 mine = pb != NULL && strcmp(pb->id, id) == 0;

	view_set_str(m, "id", id);
	view_set_str(m, "entry", db_str(r, i, CREDIT_ENTRY_REF));
	view_set_str(m, "booked", page_date(c, db_date(r, i, CREDIT_BOOKED_ON)));
	view_set_str(m, "amount", page_money(c, db_int(r, i, CREDIT_AMOUNT_CENTS),
	    db_str(r, i, CREDIT_CURRENCY)));
	view_set_str(m, "party", db_str(r, i, CREDIT_PARTY));
	view_set_str(m, "reference", db_str(r, i, CREDIT_REFERENCE));
	view_set_str(m, "remittance", db_str(r, i, CREDIT_REMITTANCE));
	view_set_str(m, "file", db_str(r, i, CREDIT_SOURCE_FILE));
	(void)view_set_choice(m, "reason_", reasons, db_str(r, i, CREDIT_REASON));
	view_set_bool(m, "is_credit", strcmp(db_str(r, i, CREDIT_KIND), "credit") == 0);
	view_set_str(m, "typed", mine ? pb->typed : "");
	view_set_bool(m, "error_unknown", mine && strcmp(pb->flag, "error_unknown") == 0);
	view_set_bool(m, "error_currency", mine && strcmp(pb->flag, "error_currency") == 0);
	view_set_bool(m, "error_missing", mine && strcmp(pb->flag, "error_missing") == 0);
	view_set_bool(m, "invalid", mine);
}

/* The list, with pb's problem shown beside its credit (NULL: none). */
static void
render(struct ctx *c, const struct staff_session *s, int status,
    const struct problem *pb, bool csrf_failed)
{
	struct view	*v, *list;
	struct db_res	*r;
	int		 i;

	if ((v = staff_view_or_reply(c, s, PAYMENTS_PURPOSE)) == NULL)
		return;
	if ((r = db_query(c->db, SQL_CREDITS_REVIEW, NULL, 0)) == NULL) {
		page_db_error(c);
		return;
	}
	list = view_set_list(v, "credits");
	for (i = 0; i < db_rows(r); i++)
		credit_row(c, r, i, view_push_map(list), pb);
	view_set_int(v, "count", db_rows(r));
	view_set_bool(v, "has_credits", db_rows(r) > 0);
	view_set_bool(v, "error_csrf", csrf_failed);
	view_set_bool(v, "has_error", pb != NULL);
	db_res_free(r);
	page_render(c, status, "staff_payments", v);
}

/* GET /staff/payments */
void
staff_payments_get(struct ctx *c)
{
	struct staff_session	s;

	if (!staff_session_or_redirect(c, &s))
		return;
	render(c, &s, 200, NULL, false);
}

/* A copy of s without the white space around it, arena-owned. */
static const char *
trim(struct ctx *c, const char *s)
{
	size_t	n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(c->arena, s, n);
}

/*
 * Decides the locked credit (CREDIT shape row r): assigned to the invoice
 * numbered number, or dismissed when number is NULL. Returns 0 done, 1
 * with pb->flag set (nothing written), -1 on a database failure.
 */
static int
decide(struct ctx *c, const struct staff_session *s, const struct db_res *cr,
    const char *number, struct problem *pb)
{
	const char	*p[4], *id = db_str(cr, 0, CREDIT_ID), *detail;
	struct db_res	*r;
	char		 invoice[24], key[PAYREF_KEY_SIZE];
	int		 i, at = -1, rc = -1;

	detail = arena_printf(c->arena, "credit %s, %s from %s, entry %s", id,
	    page_money(c, db_int(cr, 0, CREDIT_AMOUNT_CENTS),
	    db_str(cr, 0, CREDIT_CURRENCY)), db_str(cr, 0, CREDIT_PARTY),
	    db_str(cr, 0, CREDIT_ENTRY_REF));
	p[0] = id; p[3] = s->id;
	if (number == NULL) {
		p[1] = "dismissed"; p[2] = NULL;
		if (db_do(c->db, SQL_CREDIT_DECIDE, p, 4) == -1)
			return -1;
		return staff_audit(c, s, "payment.dismissed", NULL, detail);
	}
	if (number[0] == '\0' || strcmp(db_str(cr, 0, CREDIT_KIND), "credit") != 0) {
		pb->flag = "error_missing";
		return 1;
	}
	/* The number as typed, or any spelling of it (payref.h's key). */
	if (payref_key(number, key) == -1) {
		pb->flag = "error_unknown";
		return 1;
	}
	p[1] = key;
	if ((r = db_query(c->db, SQL_INVOICE_BY_NUMBER, &p[1], 1)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r) && at == -1; i++)
		if (db_rows(r) == 1 || strcmp(db_str(r, i, PAYREF_NUMBER), number) == 0)
			at = i;
	if (at == -1)
		pb->flag = "error_unknown";
	else if (strcmp(db_str(r, at, PAYREF_CURRENCY),
	    db_str(cr, 0, CREDIT_CURRENCY)) != 0)
		pb->flag = "error_currency";
	if (pb->flag != NULL) {
		db_res_free(r);
		return 1;
	}
	(void)snprintf(invoice, sizeof(invoice), "%s", db_str(r, at, PAYREF_ID));
	db_res_free(r);
	p[1] = "assigned"; p[2] = invoice;
	if (db_do(c->db, SQL_CREDIT_DECIDE, p, 4) == -1 ||
	    staff_audit(c, s, "payment.assigned", invoice, detail) == -1 ||
	    bankpay_apply(&(struct bankpay_env){ .db = c->db, .cfg = c->cfg,
	    .i18n = c->i18n, .arena = c->arena, .now = c->now,
	    .root = page_root_view }, id, db_int(cr, 0, CREDIT_AMOUNT_CENTS),
	    db_date(cr, 0, CREDIT_BOOKED_ON), db_str(cr, 0, CREDIT_ENTRY_REF),
	    invoice, &(struct bankpay_actor){ .actor = "staff",
	    .staff_id = s->id, .client_addr = c->req.remote_addr }) == -1)
		goto out;
	rc = 0;
out:
	return rc;
}

/*
 * POST /staff/payments/{id} (action assign|dismiss, invoice, csrf). Form
 * failures follow form.h: 403 without a valid token, 400 with the list
 * again and the problem beside the credit (the number typed kept); 404
 * for an unknown credit, 409 for one decided meanwhile. Then 303 back.
 */
void
staff_payments_post(struct ctx *c)
{
	static const struct form_field fields[] = {
		{ "action", 16, true }, { "invoice", INVOICE_NUMBER_MAX, false },
		{ "csrf", TOKEN_LEN, false },
	};
	static const char *const actions[] = { "assign", "dismiss", NULL };
	struct staff_session	 s;
	struct problem		 pb = { 0 };
	const char		*f[3], *bad, *number;
	enum form_result	 each[3], r;
	struct db_res		*cr;
	long			 n;
	int			 act, rc;

	if (!staff_session_or_redirect(c, &s))
		return;
	if (form_int(c->match.captures[0], 1, 999999999999L, &n) == -1) {
		page_error(c, 404, NULL);
		return;
	}
	r = form_check(c->req.form, c->req.nform, fields, 3, f, &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	pb.id = arena_printf(c->arena, "%ld", n);
	pb.typed = each[1] == FORM_OK ? f[1] : "";
	if (!staff_csrf_valid(c, &s, PAYMENTS_PURPOSE, each[2] == FORM_OK ? f[2] : "")) {
		render(c, &s, 403, NULL, true);
		return;
	}
	if (each[0] != FORM_OK || (act = form_choice(f[0], actions)) < 0 ||
	    (each[1] != FORM_OK && each[1] != FORM_MISSING)) {
		pb.flag = "error_missing";
		render(c, &s, 400, &pb, false);
		return;
	}
	number = act == 0 ? trim(c, each[1] == FORM_OK ? f[1] : "") : NULL;
	if (!page_begin_or_reply(c))
		return;
	if ((cr = db_query(c->db, SQL_CREDIT_LOCK, &pb.id, 1)) == NULL) {
		page_db_error(c);
		return;
	}
	if (db_rows(cr) != 1 || strcmp(db_str(cr, 0, CREDIT_STATUS), "review") != 0) {
		page_error(c, db_rows(cr) != 1 ? 404 : 409, NULL);
		db_res_free(cr);
		return;
	}
	rc = decide(c, &s, cr, number, &pb);
	db_res_free(cr);
	if (rc == 1) {
		render(c, &s, 400, &pb, false);	/* rolls back */
		return;
	}
	if (rc == -1 || db_commit(c->db) == -1) {
		page_db_error(c);
		return;
	}
	if (response_redirect(&c->res, "/staff/payments") == -1)
		page_error(c, 500, NULL);
}
