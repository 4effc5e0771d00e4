#ifndef PORTAL_PAGES_DEBTOR_H
#define PORTAL_PAGES_DEBTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "invoice.h"
#include "plan.h"
#include "sql.h"

/*
 * What every debtor page (/i/{token}...) starts from: the link opened from
 * its token, the invoice and customer behind it, its lines, fees and
 * payments with their totals, and on request its active plan and latest
 * hardship note. All of it is read in one round trip (db_pipeline), and all
 * strings live in the request's arena.
 */
struct buf;
struct ctx;
struct db_res;
struct i18n_lang;
struct view;

struct debtor_item {
	enum invoice_kind	 kind;
	const char		*description;
	int64_t			 qty_milli;	/* lines */
	int64_t			 unit;		/* lines */
	int64_t			 amount;	/* line total, fee or payment */
	struct date		 date;		/* fees and payments */
};

struct debtor_installment {
	int		 seq;
	struct date	 due;
	int64_t		 amount;
	int64_t		 paid;		/* paid towards it so far */
};

/* The active plan, else the latest broken one (neither: both false). */
struct debtor_plan {
	bool				 active;
	bool				 broken;
	const char			*id;
	enum plan_freq			 frequency;
	int				 count;
	int64_t				 total;
	struct date			 accepted;
	const char			*stamp;		/* accepted, UTC, iCalendar form */
	const char			*terms;
	struct debtor_installment	*items;
	int				 nitems;
};

struct debtor_hardship {
	bool		 exists;		/* the latest note */
	struct date	 received, callback;
	bool		 morning, by_phone, resolved;
	bool		 paused;		/* a reminder hold is active */
	const char	*outcome;		/* hardship_outcomes word, "" before one */
	const char	*outcome_note;		/* staff's note to the debtor */
	struct date	 paused_until;		/* outcome "paused": reminders resume */
};

/* The debtor's open requests and an approved escalation (DEBTOR_STATE). */
struct debtor_state {
	bool		 dispute, claim, promise;	/* open ones */
	struct date	 dispute_on, claim_on;		/* received */
	struct date	 promise_on;			/* the promised day */
	int64_t		 promise_cents;
	const char	*escalation;	/* "pending", "escalated" or "" */
	struct date	 escalation_on;
	const char	*agency;
};

struct debtor_invoice {
	const char		*token;
	char			 link_id[24];
	char			 invoice_id[24];
	const char		*number, *currency;
	const char		*name, *email, *phone, *language;
	const char		*timezone;	/* the customer's, else the config's */
	char			 customer_id[24];
	const struct i18n_lang	*lang;		/* the customer's language, or English */
	struct date		 issued, due;
	bool			 reminders_off;	/* the customer opted out of reminder emails */
	bool			 held;		/* a reminder hold is active (hardship) */
	struct date		 pay_by;	/* the latest reminder's, or DATE_INVALID */
	struct debtor_item	*items;
	int			 nitems;
	struct invoice_totals	 totals;	/* and the balance */
	struct debtor_plan	 plan;		/* with DEBTOR_PLAN */
	struct debtor_hardship	 hardship;	/* with DEBTOR_HARDSHIP */
	int			 open_invoices;	/* the customer's */
	struct debtor_state	 state;		/* with DEBTOR_STATE */
	/*
	 * What the link's statement saw beside the invoice: a plan, a
	 * hardship note, an open request or escalation. A view reads what
	 * flags ask for only where there is something (a POST, after its
	 * lock, reads all it asks for).
	 */
	bool			 has_plan, has_note, has_state;
};

#define DEBTOR_PLAN	0x2	/* also read the active (or broken) plan */
#define DEBTOR_HARDSHIP	0x4	/* also read the latest hardship note */
#define DEBTOR_STATE	0x10	/* also read open requests and the escalation */

/*
 * Opens the link in the route's first capture, writing the view record
 * (audit action; HEAD requests write none) in that statement's own
 * transaction, then loads its invoice and what flags ask for in one more
 * round trip (a link that does not open costs only the first). For GET
 * pages.
 * The page speaks the customer's language, or the one ?lang= asks for (one
 * of ours; anything else is ignored). On failure the 404 (unknown,
 * revoked, expired or malformed token) or 503/500 page has been sent and
 * false is returned.
 */
bool debtor_open_or_reply(struct ctx *c, const char *action, unsigned flags,
    struct debtor_invoice *d);

/*
 * A statement a page adds to the pipeline that reads its invoice: $1 the
 * invoice's id, $2 arg (none when NULL). The page sets res to NULL; when
 * the open (or begin) returns true res is the statement's result and the
 * page frees it; when it returns false res is NULL again.
 */
struct debtor_read {
	enum sql_query	 q;
	const char	*arg;
	struct db_res	*res;
};
#define DEBTOR_READS_MAX	2

/* Frees the results of more and sets them to NULL. */
void debtor_reads_free(struct debtor_read *more, int nmore);

/* debtor_open_or_reply() with nmore statements of the page's own. */
bool debtor_open_reads_or_reply(struct ctx *c, const char *action,
    unsigned flags, struct debtor_invoice *d, struct debtor_read *more,
    int nmore);

/* A debtor form being posted: see debtor_begin_or_reply(). */
struct debtor_form {
	const char	*purpose;	/* of its CSRF token: "plan", "hardship" */
	const char	*csrf;		/* the token it sent ("" if none or unreadable) */
	unsigned	 flags;		/* DEBTOR_PLAN, DEBTOR_HARDSHIP */
	struct debtor_read *more;	/* the page's own reads, as above */
	int		 nmore;
	/*
	 * Shows the form again with what was typed (form.h's policy), called
	 * after the rollback: with the invoice and 403 when the token was
	 * wrong, with NULL and 503 or 500 when the database failed. NULL for
	 * the error pages instead.
	 */
	void		(*again)(struct ctx *c, int status,
			    const struct debtor_invoice *d, void *arg);
	void		*arg;
};

/*
 * Starts a debtor POST and owns its transaction: makes sure the database
 * is up, begins, opens the link and locks its invoice row (changes to one
 * invoice queue up), reads what f->flags ask for and checks f's CSRF token.
 * True with the transaction open: the handler commits, or answers (every
 * reply rolls back, page.h), or calls debtor_fail(). False after rolling
 * back and answering: 404 for the link, 403 (or f->again) for the token,
 * 503/500 (or f->again) for the database.
 */
bool debtor_begin_or_reply(struct ctx *c, const struct debtor_form *f,
    struct debtor_invoice *d);
/*
 * The one failure path of a debtor POST once the database failed: rolls
 * back and shows the form again (f->again) or the 503/500 page.
 */
void debtor_fail(struct ctx *c, const struct debtor_form *f);
/*
 * Sums the rows of an items query (shape ITEM: SQL_INVOICE_ITEMS) into
 * t, overflow-checked; 0 or -1.
 */
int debtor_totals(const struct db_res *items, struct invoice_totals *t);
/* Adds the totals per kind, the balance and "paid" to v, in currency. */
void debtor_totals_view(struct ctx *c, const struct invoice_totals *t,
    const char *currency, struct view *v);
/* Adds the frequency's name and its flag (weekly, fortnightly, monthly). */
void debtor_frequency_view(struct view *m, enum plan_freq f);
/*
 * Schedule s in currency on m: the frequency flags, count, total, first
 * and other amounts, first and last dates, and each installment.
 */
void debtor_schedule_view(struct ctx *c, const struct plan_schedule *s,
    const char *currency, struct view *m);
/* Adds the invoice facts, lines, fees, payments and balance to v. */
void debtor_view(struct ctx *c, const struct debtor_invoice *d, struct view *v);
/* Adds the active plan, if any, as v.plan. */
void debtor_plan_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v);
/*
 * Sets m's "qr" to the inline SVG of the payment QR code for cents of d's
 * invoice (reference: its number), labelled by templates/qr_label; leaves
 * it unset when there is none (not EUR, no valid bank details, cents <= 0).
 * 0, or -1 on a failure (logged).
 */
int debtor_payqr_view(struct ctx *c, const struct debtor_invoice *d,
    int64_t cents, struct view *m);
/*
 * Fills m (a map of its own, such as v.plan_copy) with the "email me a
 * copy" form of templates/copy_form for the confirmation mail of kind
 * ("plan_confirm", "hardship_ack", ...; pages/copy.c): its action
 * (/i/{token}/copy), csrf and kind. 0, or -1 (no CSRF token).
 */
int debtor_copy_view(struct ctx *c, const struct debtor_invoice *d,
    const char *kind, struct view *m);
/*
 * Appends the iCalendar file of d's active plan (read with DEBTOR_PLAN)
 * to out, as GET /i/{token}/plan.ics serves it (pages/plan.c); 0 or -1.
 */
int debtor_plan_ics(struct ctx *c, const struct debtor_invoice *d,
    struct buf *out);
/* Adds the latest hardship note, if any, as v.hardship. */
void debtor_hardship_view(struct ctx *c, const struct debtor_invoice *d,
    struct view *v);
/*
 * The page's own address with suffix ("", "/plan", ...), arena-owned; with
 * "?lang=xx" while the page is shown in a language other than the
 * customer's. d may be NULL (nothing loaded): the token of the route, and
 * ?lang= kept as the request had it.
 */
const char *debtor_url(struct ctx *c, const struct debtor_invoice *d,
    const char *suffix);
/*
 * The invoice's address after a submission: debtor_url(d, "") with
 * "done=WHAT", so the invoice page shows what was done (arena-owned).
 */
const char *debtor_done_url(struct ctx *c, const struct debtor_invoice *d,
    const char *done);
/* The city naming time zone zone ("" or NULL: the config's), arena-owned. */
const char *debtor_zone(struct ctx *c, const char *zone);
/*
 * Switches the response to lang (the customer's for their mails, English
 * for staff mails) and returns the one it replaces, to switch back.
 */
const struct i18n_lang *debtor_use_lang(struct ctx *c,
    const struct i18n_lang *lang);

#endif
