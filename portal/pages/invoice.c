#include "ctx.h"
#include "log.h"
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

	if (!debtor_open_or_reply(c, "invoice.viewed",
	    DEBTOR_PLAN | DEBTOR_HARDSHIP, &d))
		return;
	v = page_view(c);
	debtor_view(c, &d, v);
	debtor_plan_view(c, &d, v);
	debtor_hardship_view(c, &d, v);
	if (debtor_payqr_view(c, &d, d.totals.balance, v) == -1)
		log_error("%s: %s: no payment QR code", __func__, d.number);
	page_render(c, 200, "invoice", v);
}
