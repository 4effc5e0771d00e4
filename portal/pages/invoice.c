#include "ctx.h"
#include "db.h"
#include "page.h"
#include "pages/debtor.h"
#include "routes.h"
#include "view.h"

/*
 * GET /i/{token}: the invoice as the debtor sees it: what is owed and why,
 * late fees, payments, the balance, how to pay, the ways forward, and any
 * plan or hardship note already on file. Each view is audited.
 */
void
invoice_get(struct ctx *c)
{
	struct debtor_invoice	 d;
	struct view		*v;
	bool			 has_plan;

	if (!debtor_open_or_reply(c, "invoice.viewed", false, &d))
		return;
	v = page_view(c);
	debtor_view(c, &d, v);
	if (debtor_plan_view(c, &d, v, &has_plan) == -1 ||
	    debtor_hardship_view(c, &d, v) == -1) {
		page_error(c, db_is_down(c->db) ? 503 : 500, "database");
		return;
	}
	page_render(c, 200, "invoice", v);
}
