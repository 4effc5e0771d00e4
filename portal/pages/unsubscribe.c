/*
 * Reminder emails on and off (issue 13), from two places:
 *
 * - /u/{token}: the List-Unsubscribe address of every reminder email
 *   (RFC 8058). GET shows one button and changes nothing, because mail
 *   scanners and link previews follow links. POST turns reminder emails
 *   off for the link's customer: a mail client's one-click POST (body
 *   List-Unsubscribe=One-Click, no cookie, no CSRF token: the unguessable
 *   token is the authority) or the page's own button (reminders=off), and
 *   the page's "turn them back on" button (reminders=on). It answers the
 *   page itself, 200, rather than a redirect: a mail client's POST does
 *   not follow one, and the POST is idempotent, so a reload repeats
 *   nothing (a second POST changes nothing and writes no audit event).
 *   Unknown and malformed tokens get the 404 of unknown links.
 * - POST /i/{token}/reminders (reminders=off|on, csrf): the switch on the
 *   invoice page, a debtor form like the others, then 303 to the invoice
 *   with ?done=reminders_off or reminders_on.
 *
 * Either way the customer's reminders_off_at is set or cleared, with an
 * audit event; the reminder engine turns the email steps of a customer
 * who opted out into staff tasks.
 */
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "page.h"
#include "pages/debtor.h"
#include "routes.h"
#include "token.h"
#include "view.h"

static const char *const switch_names[] = { "off", "on", NULL };

/*
 * The page for the link's customer (row 0 of r, shape UNSUBSCRIBE), in
 * their language or the one ?lang= asks for: a question (GET while
 * reminder emails are on) or what is now the case.
 */
static void
render(struct ctx *c, const struct db_res *r, bool posted)
{
	struct view		*v;
	bool			 off = db_bool(r, 0, UNSUBSCRIBE_REMINDERS_OFF);

	(void)page_speak(c, db_str(r, 0, UNSUBSCRIBE_LANGUAGE));
	v = page_view(c);
	view_set_str(v, "name", db_str(r, 0, UNSUBSCRIBE_NAME));
	view_set_bool(v, "ask", !posted && !off);
	view_set_bool(v, "is_off", off);
	view_set_bool(v, "is_on", !off);
	view_set_bool(v, "posted", posted);
	view_set_bool(v, "changed", db_bool(r, 0, UNSUBSCRIBE_CHANGED));
	view_set_str(v, "action", page_self_url(c));
	page_render(c, 200, "unsubscribe", v);
}

void
unsubscribe_get(struct ctx *c)
{
	char		 hash[TOKEN_HASH_LIST];
	const char	*p[1] = { hash };
	struct db_res	*r;

	if (!page_token_or_reply(c, TOKEN_UNSUBSCRIBE, hash) || !page_db_or_reply(c))
		return;
	if ((r = db_query(c->db, SQL_UNSUBSCRIBE_OPEN, p, 1)) == NULL) {
		page_db_error(c);
		return;
	}
	if (db_rows(r) == 1)
		render(c, r, false);
	else
		page_error(c, 404, "link");
	db_res_free(r);
}

enum unsubscribe_field { U_ONE_CLICK, U_REMINDERS, U__MAX };

static const struct form_field unsubscribe_fields[U__MAX] = {
	[U_ONE_CLICK] = { "List-Unsubscribe", 16, false },
	[U_REMINDERS] = { "reminders", 3, false },
};

/*
 * POST /u/{token}: off by one-click or the page's button, on by the
 * page's other button; anything else is the 400 page and changes nothing.
 */
void
unsubscribe_post(struct ctx *c)
{
	char		 hash[TOKEN_HASH_LIST];
	const char	*f[U__MAX], *bad, *p[3];
	struct db_res	*r;
	bool		 one_click, off;
	int		 choice;

	if (form_check(c->req.form, c->req.nform, unsubscribe_fields, U__MAX,
	    f, &bad, NULL) != FORM_OK) {
		page_error(c, 400, NULL);
		return;
	}
	one_click = strcmp(f[U_ONE_CLICK], "One-Click") == 0;
	choice = form_choice(f[U_REMINDERS], switch_names);
	/* Exactly one of the two: the header's body, or a button. */
	if (one_click == (f[U_REMINDERS][0] != '\0') ||
	    (!one_click && (f[U_ONE_CLICK][0] != '\0' || choice < 0))) {
		page_error(c, 400, NULL);
		return;
	}
	off = one_click || choice == 0;
	if (!page_token_or_reply(c, TOKEN_UNSUBSCRIBE, hash) || !page_db_or_reply(c))
		return;
	p[0] = hash;
	p[1] = c->req.remote_addr;
	p[2] = one_click ? "one-click" : "page";
	if ((r = db_query(c->db, off ? SQL_UNSUBSCRIBE_OFF : SQL_UNSUBSCRIBE_ON,
	    p, 3)) == NULL) {
		page_db_error(c);
		return;
	}
	if (db_rows(r) == 1)
		render(c, r, true);
	else
		page_error(c, 404, "link");
	db_res_free(r);
}

enum reminders_field { R_REMINDERS, R_CSRF, R__MAX };

static const struct form_field reminders_fields[R__MAX] = {
	[R_REMINDERS] = { "reminders", 3, true },
	[R_CSRF] = { "csrf", TOKEN_LEN, false },
};

/* Sets the customer's reminder emails off or on, audited if it changed. */
static int
set_reminders(struct ctx *c, const struct debtor_invoice *d, bool off)
{
	const char	*p[2] = { d->customer_id, off ? "true" : "false" };
	struct db_res	*r;
	int64_t		 changed;

	if ((r = db_query(c->db, SQL_REMINDERS_SET, p, 2)) == NULL)
		return -1;
	changed = db_int(r, 0, COUNT_VALUE);
	db_res_free(r);
	if (changed == 0)	/* already so: nothing to record */
		return 0;
	return audit_write(c->db, &(struct audit_event){ .actor = "debtor",
	    .action = off ? "reminders.off" : "reminders.on",
	    .invoice_id = d->invoice_id, .link_id = d->link_id,
	    .detail = "invoice page", .client_addr = c->req.remote_addr });
}

/* POST /i/{token}/reminders: a button, nothing typed (form.h's policy). */
void
reminders_post(struct ctx *c)
{
	const char		*f[R__MAX], *bad;
	struct debtor_invoice	 d;
	struct debtor_form	 form = { .purpose = "reminders" };
	int			 choice;

	if (form_check(c->req.form, c->req.nform, reminders_fields, R__MAX, f,
	    &bad, NULL) != FORM_OK ||
	    (choice = form_choice(f[R_REMINDERS], switch_names)) < 0) {
		page_error(c, 400, NULL);
		return;
	}
	form.csrf = f[R_CSRF];
	if (!debtor_begin_or_reply(c, &form, &d))
		return;
	if (set_reminders(c, &d, choice == 0) == -1 || db_commit(c->db) == -1) {
		debtor_fail(c, &form);
		return;
	}
	if (response_redirect(&c->res, debtor_done_url(c, &d,
	    choice == 0 ? "reminders_off" : "reminders_on")) == -1)
		page_error(c, 500, NULL);
}
