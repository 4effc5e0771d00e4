/*
 * GET /i/{token}: the invoice as the debtor sees it: what is owed and why,
 * late fees, payments, the balance, and what is asked of them now, which
 * depends on the account (invoice_state(): paid, held, a plan, a broken
 * plan, or the balance by a date); how to pay, the ways forward, reminder
 * emails on or off, any plan or hardship note already on file, and after a
 * submission a banner saying what was done. Each view is audited.
 */
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "ctx.h"
#include "db.h"
#include "log.h"
#include "form.h"
#include "invoice.h"
#include "page.h"
#include "pages/debtor.h"
#include "pages/holds.h"
#include "routes.h"
#include "view.h"

/* What ?done= may name: the submissions that come back here (a 303). */
static const char *const done_names[] = {
	"plan", "hardship", "reminders_off", "reminders_on", "copy", "dispute",
	"paid", "promise", NULL
};

/*
 * The banner after a submission, as done_names' flags under "done". Shown
 * only when the page's data agrees (a plan is there, reminders are off...),
 * so an edited or stale address never claims what did not happen; an
 * unknown value is ignored.
 */
static void
done_view(struct ctx *c, const struct debtor_invoice *d,
    const struct holds_open *open, struct view *v)
{
	const char	*done = NULL;
	struct view	*m;
	size_t		 i;
	bool		 holds;

	for (i = 0; i < c->req.nquery; i++)
		if (strcmp(c->req.query[i].name, "done") == 0)
			done = c->req.query[i].value;
	switch (form_choice(done, done_names)) {
	case 0:
		holds = d->plan.active;
		break;
	case 1:
		holds = d->hardship.exists;
		break;
	case 2:
		holds = d->reminders_off;
		break;
	case 3:
		holds = !d->reminders_off;
		break;
	case 4:		/* a copy was queued (pages/copy.c) */
		holds = true;
		break;
	case 5:
		holds = open->dispute;
		break;
	case 6:
		holds = open->claim;
		break;
	case 7:
		holds = open->promise;
		break;
	default:
		holds = false;
		break;
	}
	if (!holds)
		return;
	m = view_set_map(v, "done");
	view_set_choice(m, "is_", done_names, done);
	view_set_str(m, "email", d->email);
}

/* What an active plan asks for next: the first installment not paid in full. */
static void
next_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	struct invoice_installment	*it;
	const struct debtor_plan	*p = &d->plan;
	struct view			*m;
	int				 i, next, paid;

	if ((it = arena_alloc(c->arena, sizeof(*it) * (size_t)(p->nitems + 1))) == NULL)
		return;
	for (i = 0; i < p->nitems; i++)
		it[i] = (struct invoice_installment){ p->items[i].due,
		    p->items[i].amount, p->items[i].paid };
	next = invoice_next_installment(it, p->nitems, &paid);
	view_set_int(v, "plan_paid_count", paid);
	view_set_int(v, "plan_count", p->nitems);
	view_set_bool(v, "plan_all_paid", next < 0);
	if (next < 0)
		return;
	m = view_set_map(v, "next_payment");
	view_set_int(m, "seq", p->items[next].seq);
	view_set_str(m, "amount", page_money(c, it[next].amount - it[next].paid,
	    d->currency));
	view_set_str(m, "date", page_date(c, it[next].due));
	view_set_bool(m, "late", date_diff(it[next].due, page_today(c)) < 0);
	view_set_bool(m, "part_paid", it[next].paid > 0);
	view_set_str(m, "paid", page_money(c, it[next].paid, d->currency));
}

/* The account's state as flags, and what it asks of the debtor. */
static void
state_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	static const char *const flags[INVOICE_STATE__MAX] = {
		[INVOICE_STATE_PAID] = "state_paid",
		[INVOICE_STATE_HELD] = "state_held",
		[INVOICE_STATE_PLAN] = "state_plan",
		[INVOICE_STATE_BROKEN] = "state_broken",
		[INVOICE_STATE_DUE] = "state_due",
	};
	struct invoice_account	a = {
		.balance = d->totals.balance,
		.held = d->held,
		.plan_active = d->plan.active,
		.plan_broken = d->plan.broken,
	};
	enum invoice_state	st = invoice_state(&a);
	int			i;

	for (i = 0; i < INVOICE_STATE__MAX; i++)
		view_set_bool(v, flags[i], i == (int)st);
	view_set_bool(v, "demand", st == INVOICE_STATE_DUE ||
	    st == INVOICE_STATE_BROKEN);
	if (st == INVOICE_STATE_PLAN)
		next_view(c, d, v);
}

/*
 * "Email me a copy" beside each confirmation the page states: the plan's
 * and the hardship note's (pages/copy.c answers).
 */
static void
copies_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	if (d->plan.active && debtor_copy_view(c, d, "plan_confirm",
	    view_set_map(v, "plan_copy")) == -1)
		log_error("%s: no copy form", __func__);
	if (d->hardship.exists && debtor_copy_view(c, d, "hardship_ack",
	    view_set_map(v, "hardship_copy")) == -1)
		log_error("%s: no copy form", __func__);
}

/*
 * An escalation a manager approved (issue 14): announced (pending, with
 * its date) or done (handed over), as v.escalation.
 */
static void
escalation_view(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	const struct debtor_state	*st = &d->state;
	struct view			*m;

	if (st->escalation[0] == '\0')
		return;
	m = view_set_map(v, "escalation");
	view_set_bool(m, "pending", strcmp(st->escalation, "pending") == 0);
	view_set_bool(m, "done", strcmp(st->escalation, "escalated") == 0);
	view_set_str(m, "on_date", page_date(c, st->escalation_on));
	view_set_str(m, "agency", st->agency);
}

void
invoice_get(struct ctx *c)
{
	struct debtor_invoice	 d;
	struct holds_open	 open;
	struct view		*v;

	if (!debtor_open_or_reply(c, "invoice.viewed",
	    DEBTOR_PLAN | DEBTOR_HARDSHIP | DEBTOR_STATE, &d))
		return;
	v = page_view(c);
	debtor_view(c, &d, v);
	debtor_plan_view(c, &d, v);
	debtor_hardship_view(c, &d, v);
	if (debtor_payqr_view(c, &d, d.totals.balance, v) == -1)
		log_error("%s: %s: no payment QR code", __func__, d.number);
	state_view(c, &d, v);
	escalation_view(c, &d, v);
	holds_invoice_view(c, &d, v, &open);
	done_view(c, &d, &open, v);
	copies_view(c, &d, v);
	if (d.open_invoices > 1) {
		view_set_str(v, "account_url", debtor_url(c, &d, "/account"));
		view_set_int(v, "open_invoices", d.open_invoices);
	}
	view_set_str(v, "reminders_url", debtor_url(c, &d, "/reminders"));
	if (!page_csrf_or_reply(c, v, "reminders_csrf", "reminders", d.link_id))
		return;
	page_render(c, 200, "invoice", v);
}
