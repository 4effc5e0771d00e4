#ifndef PORTAL_PAGES_DEBTOR_H
#define PORTAL_PAGES_DEBTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"

/*
 * What every debtor page (/i/{token}...) starts from: the link opened from
 * its token, the invoice and customer behind it, and the invoice's lines,
 * fees and payments with their totals. All strings live in the request's
 * arena.
 */
struct ctx;
struct view;

enum debtor_item_kind {
	DEBTOR_LINE,
	DEBTOR_FEE,
	DEBTOR_PAYMENT,
	DEBTOR_ITEM__MAX
};

struct debtor_item {
	enum debtor_item_kind	 kind;
	const char		*description;
	int64_t			 qty_milli;	/* lines */
	int64_t			 unit;		/* lines */
	int64_t			 amount;	/* line total, fee or payment */
	struct date		 date;		/* fees and payments */
};

struct debtor_invoice {
	const char		*token;
	char			 link_id[24];
	char			 invoice_id[24];
	const char		*number, *currency;
	const char		*name, *email, *phone, *language;
	struct date		 issued, due;
	struct debtor_item	*items;
	int			 nitems;
	int64_t			 totals[DEBTOR_ITEM__MAX];
	int64_t			 balance;	/* lines + fees - payments */
};

/*
 * Opens the link in the route's first capture and loads its invoice; writes
 * audit action (NULL: none) and the link's last use in the same statement.
 * With lock, the invoice row stays locked until the caller's transaction
 * ends. On failure the 404 (unknown, revoked, expired or malformed token)
 * or 503 page has been sent and false is returned.
 */
bool debtor_open_or_reply(struct ctx *c, const char *action, bool lock,
    struct debtor_invoice *d);
/* Adds the invoice facts, lines, fees, payments and balance to v. */
void debtor_view(struct ctx *c, const struct debtor_invoice *d, struct view *v);
/* Adds the active plan, if any, as v.plan; -1 on database errors. */
int debtor_plan_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v, bool *has_plan);
/* Adds the latest hardship request, if any, as v.hardship; -1 on errors. */
int debtor_hardship_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v);
/* The page's own address with suffix ("", "/plan", ...), arena-owned. */
const char *debtor_url(struct ctx *c, const struct debtor_invoice *d,
    const char *suffix);

#endif
