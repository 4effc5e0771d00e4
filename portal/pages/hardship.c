/*
 * Hardship notes: GET /i/{token}/hardship is a short form (what happened,
 * how and when to reach the debtor); POST stores the note, a hold that
 * pauses reminders, the audit event and two messages (staff, and an
 * acknowledgement to the debtor) in one transaction, then 303 to the
 * invoice. A form with problems comes back with the text kept and each
 * problem named next to its field; nothing is stored until all is well.
 *
 * Floods (issue 17): an invoice has at most one open request (the unique
 * index hardship_one_open). A note sent while one is open is stored whole
 * as a follow-up on it, and staff hear of follow-ups in a digest mail, at
 * most one an hour per request: the pending digest is rewritten with each
 * new follow-up until portal-notify takes it. Each form carries a one-time
 * id, so the same form posted twice adds nothing and shows the request;
 * and one link may send hardship_notes_per_hour notes an hour, then 429
 * with the text kept.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "hardship.h"
#include "i18n.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "routes.h"
#include "token.h"
#include "utf8.h"
#include "view.h"

enum hardship_field {
	H_CATEGORY, H_MESSAGE, H_CONTACT, H_PHONE, H_DATE, H_WINDOW, H_CSRF,
	H_FORM_ID, H__MAX
};

static const struct form_field hardship_fields[H__MAX] = {
	[H_CATEGORY] = { "category", 16, false },
	[H_MESSAGE] = { "message", 4 * HARDSHIP_MESSAGE_MAX_CHARS, false },
	[H_CONTACT] = { "contact", 8, false },
	[H_PHONE] = { "phone", 40, false },
	[H_DATE] = { "callback_date", 10, false },
	[H_WINDOW] = { "callback_window", 12, false },
	[H_CSRF] = { "csrf", TOKEN_LEN, false },
	[H_FORM_ID] = { "form_id", TOKEN_LEN, false },
};

/* What was typed, and what is wrong with it (flags named for the view). */
struct note {
	const char	*f[H__MAX];
	enum form_result each[H__MAX];	/* form_check()'s per field */
	struct date	 date;
	int		 window;	/* enum hardship_window, or -1 */
	const char	*errors[H__MAX];	/* view flag of each problem */
	int		 nerrors;
};

static void
problem(struct note *n, enum hardship_field f, const char *flag)
{
	if (n->errors[f] == NULL) {
		n->errors[f] = flag;
		n->nerrors++;
	}
}

/*
 * The callback: a weekday, its window opening more than 24 hours from now,
 * where the debtor is (their time zone, zone; NULL: the business's).
 */
static void
check_callback(struct ctx *c, const char *zone, struct note *n)
{
	static const char *const flags[HARDSHIP_CALLBACK__MAX] = {
		[HARDSHIP_CALLBACK_WEEKEND] = "error_date_weekend",
		[HARDSHIP_CALLBACK_FAR] = "error_date_far",
		[HARDSHIP_CALLBACK_SOON] = "error_date_soon",
	};
	enum hardship_callback	why;

	n->window = form_choice(n->f[H_WINDOW], hardship_windows);
	if (n->window < 0)
		problem(n, H_WINDOW, "error_window");
	if (date_parse(n->f[H_DATE], &n->date) == -1) {
		problem(n, H_DATE, n->f[H_DATE][0] ? "error_date_format" :
		    "error_date_missing");
		return;
	}
	why = hardship_callback_check(n->date, n->window, page_today(c), c->now,
	    zone);
	if (why != HARDSHIP_CALLBACK_OK)
		problem(n, H_DATE, flags[why]);
}

static void
check_note(struct ctx *c, const char *zone, struct note *n)
{
	const char	*msg = n->f[H_MESSAGE];
	size_t		 len = strlen(msg);

	bool		 chosen = form_choice(n->f[H_CATEGORY],
	    hardship_categories) >= 0;

	/* The message is optional once a category says what happened. */
	if (!chosen)
		problem(n, H_CATEGORY, "error_category");
	if (strspn(msg, " \t\r\n") == len) {
		if (!chosen)
			problem(n, H_MESSAGE, "error_message_missing");
	} else if (utf8_count(msg, len) > HARDSHIP_MESSAGE_MAX_CHARS)
		problem(n, H_MESSAGE, "error_message_long");
	if (form_choice(n->f[H_CONTACT], hardship_contacts) < 0)
		problem(n, H_CONTACT, "error_contact");
	if (strcmp(n->f[H_CONTACT], "phone") == 0 && n->f[H_PHONE][0] == '\0')
		problem(n, H_PHONE, "error_phone_missing");
	else if (n->f[H_PHONE][0] != '\0' && !hardship_phone_valid(n->f[H_PHONE]))
		problem(n, H_PHONE, "error_phone");
	check_callback(c, zone, n);
}

/*
 * The values typed so far (or the defaults, the phone number from our
 * records: phone, may be NULL), as the form shows them.
 */
static void
values_view(struct ctx *c, const char *zone, const char *phone,
    const struct note *n, struct view *v)
{
	struct view	*val = view_set_map(v, "form");
	char		 iso[DATE_ISO_SIZE];
	struct date	 first = hardship_earliest_callback(page_today(c), c->now,
	    zone);
	int		 i;

	for (i = 0; i < H__MAX; i++)
		if (i != H_CSRF && i != H_FORM_ID && n->f[i] != NULL)
			view_set_str(val, hardship_fields[i].name, n->f[i]);
	if (n->f[H_PHONE] == NULL && phone != NULL && phone[0] != '\0')
		view_set_str(val, "phone", phone);
	if (date_format_iso(iso, sizeof(iso), first) == 0) {
		view_set_str(v, "min_date", iso);
		if (n->f[H_DATE] == NULL)	/* suggest the earliest day */
			view_set_str(val, "callback_date", iso);
	}
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c),
	    HARDSHIP_CALLBACK_MAX_DAYS)) == 0)
		view_set_str(v, "max_date", iso);
	view_set_str(v, "earliest", page_weekday_date(c, first));
	view_set_choice(val, "is_", hardship_categories, n->f[H_CATEGORY]);
	view_set_choice(val, "is_", hardship_contacts, n->f[H_CONTACT]);
	view_set_choice(val, "is_", hardship_windows, n->f[H_WINDOW] ?
	    n->f[H_WINDOW] : "morning");	/* mid-morning by default */
	for (i = 0; i < H__MAX; i++)
		if (n->errors[i] != NULL)
			view_set_bool(v, n->errors[i], true);
	view_set_bool(v, "errors", n->nerrors > 0);
	view_set_int(v, "max_chars", HARDSHIP_MESSAGE_MAX_CHARS);
	view_set_str(v, "zone", debtor_zone(c, zone));	/* "9:00 to 12:00, Madrid time" */
}

/*
 * The form's one-time id: the one it was posted with when it comes back
 * (nothing was stored with it), else a new one.
 */
static void
form_id_view(const struct note *n, struct view *v)
{
	char	id[TOKEN_LEN + 1];

	if (n->f[H_FORM_ID] != NULL && token_well_formed(n->f[H_FORM_ID]))
		view_set_str(v, "form_id", n->f[H_FORM_ID]);
	else if (token_form_id(id) == 0)
		view_set_str(v, "form_id", id);
}

/*
 * The form, fresh or again with problems; status 200, 400, 429 or 503
 * (then d is NULL: nothing could be read).
 */
static void
render_form(struct ctx *c, int status, const struct debtor_invoice *d,
    const struct note *n, struct view *v)
{
	if (d != NULL) {
		if (!page_csrf_or_reply(c, v, "csrf", "hardship", d->link_id))
			return;
	} else	/* database down: hand back what was posted, to try again */
		view_set_str(v, "csrf", n->f[H_CSRF] ? n->f[H_CSRF] : "");
	view_set_str(v, "action", debtor_url(c, d, "/hardship"));
	view_set_str(v, "invoice_url", debtor_url(c, d, ""));
	form_id_view(n, v);
	values_view(c, d != NULL ? d->timezone : NULL, d != NULL ? d->phone :
	    NULL, n, v);
	page_render(c, status, "hardship", v);
}

void
hardship_get(struct ctx *c)
{
	struct debtor_invoice	 d;
	struct note		 n;
	struct view		*v;

	if (!debtor_open_or_reply(c, "hardship.viewed", DEBTOR_HARDSHIP, &d))
		return;
	memset(&n, 0, sizeof(n));
	v = page_view(c);
	debtor_view(c, &d, v);
	debtor_hardship_view(c, &d, v);
	render_form(c, 200, &d, &n, v);
}

/*
 * The form again once the transaction has ended (debtor_form.again): the
 * token had expired (d, 403), or we could not store the note (no d, 503 or
 * 500): say so, and give the text back to send again.
 */
static void
again(struct ctx *c, int status, const struct debtor_invoice *d, void *arg)
{
	struct note	*n = arg;
	struct view	*v;

	if (d == NULL) {
		if (c->lang == NULL)	/* the customer's is unknown: what they asked for */
			page_lang(c, page_query_lang(c) ? page_query_lang(c) :
			    i18n_accept(c->i18n, c->req.accept_language));
		v = page_view(c);
		view_set_bool(v, "unavailable", true);
		render_form(c, status, NULL, n, v);
		return;
	}
	problem(n, H_CSRF, "error_csrf");
	check_note(c, d->timezone, n);
	v = page_view(c);
	debtor_view(c, d, v);
	render_form(c, status, d, n, v);
}

/* Values form_check() found too long or unreadable, named by field. */
static void
value_problems(struct note *n)
{
	static const char *const too_long[H__MAX] = {
		[H_CATEGORY] = "error_category",
		[H_MESSAGE] = "error_message_long",
		[H_CONTACT] = "error_contact",
		[H_PHONE] = "error_phone_long",
		[H_DATE] = "error_date_format",
		[H_WINDOW] = "error_window",
	};
	int	i;

	for (i = 0; i < H__MAX; i++)
		if (n->each[i] == FORM_BAD_TEXT)
			problem(n, (enum hardship_field)i, i == H_MESSAGE ?
			    "error_message_text" : "error_text");
		else if (n->each[i] == FORM_TOO_LONG && too_long[i] != NULL)
			problem(n, (enum hardship_field)i, too_long[i]);
}

/*
 * The nine parameters a note is stored with, as a request or a follow-up:
 * first (the invoice, or the open request), the link, the note's fields
 * and the client's address.
 */
static void
note_params(struct ctx *c, const struct debtor_invoice *d, const struct note *n,
    const char *first, const char *p[9])
{
	p[0] = first;
	p[1] = d->link_id;
	p[2] = n->f[H_CATEGORY];
	p[3] = n->f[H_MESSAGE];
	p[4] = n->f[H_CONTACT];
	p[5] = n->f[H_PHONE];
	p[6] = n->f[H_DATE];
	p[7] = n->f[H_WINDOW];
	p[8] = c->req.remote_addr;
}

static int
insert_note(struct ctx *c, const struct debtor_invoice *d, const struct note *n,
    char *id, size_t idsz)
{
	const char	*p[9];
	struct db_res	*r;

	note_params(c, d, n, d->invoice_id, p);
	if ((r = db_query(c->db, SQL_HARDSHIP_INSERT, p, 9)) == NULL)
		return -1;
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	p[1] = id;
	return db_do(c->db, SQL_HOLD_INSERT, p, 2);
}

/* The note as its mails tell it, in the response's language. */
static void
note_view(struct ctx *c, const struct debtor_invoice *d, const struct note *n,
    const char *id, struct view *v)
{
	struct view	*note = view_set_map(v, "note");

	view_set_choice(note, "is_", hardship_categories, n->f[H_CATEGORY]);
	view_set_bool(note, "by_phone", strcmp(n->f[H_CONTACT], "phone") == 0);
	view_set_bool(note, "by_email", strcmp(n->f[H_CONTACT], "email") == 0);
	view_set_bool(note, "morning", n->window == HARDSHIP_MORNING);
	view_set_bool(note, "afternoon", n->window == HARDSHIP_AFTERNOON);
	view_set_str(note, "message", n->f[H_MESSAGE]);
	view_set_str(note, "phone", n->f[H_PHONE]);
	view_set_str(note, "callback_date", page_weekday_date(c, n->date));
	view_set_str(note, "received_on", page_date(c, page_today(c)));
	view_set_fmt(note, "staff_url", "%s/staff/hardship/%s", c->cfg->base_url, id);
	view_set_fmt(v, "invoice_link", "%s%s", c->cfg->base_url,
	    debtor_url(c, d, ""));
}

/* Queues mail template tpl about the note to to, written in lang. */
static int
note_mail(struct ctx *c, const struct debtor_invoice *d, const struct note *n,
    const char *id, const struct i18n_lang *lang, const char *tpl,
    const char *to, const char *to_name, const char *kind)
{
	const struct i18n_lang	*was = debtor_use_lang(c, lang);
	struct view		*v = page_view(c);
	int			 rc;

	debtor_view(c, d, v);
	note_view(c, d, n, id, v);
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = tpl, .language = page_lang_tag(c),
	    .to = to, .to_name = to_name, .kind = kind,
	    .invoice_id = d->invoice_id, .hardship_id = id }, v);
	(void)debtor_use_lang(c, was);
	return rc;
}

/* The follow-ups of rows r (shape FOLLOWUP) as the digest lists them. */
static void
followups_view(struct ctx *c, const char *zone, const struct db_res *r,
    struct view *v)
{
	struct view	*list = view_set_list(v, "followups"), *m;
	const char	*contact, *window;
	int		 i;

	view_set_int(v, "count", db_rows(r));
	for (i = 0; i < db_rows(r); i++) {
		m = view_push_map(list);
		contact = db_str(r, i, FOLLOWUP_CONTACT_METHOD);
		window = db_str(r, i, FOLLOWUP_CALLBACK_WINDOW);
		view_set_str(m, "received", db_str(r, i, FOLLOWUP_RECEIVED));
		view_set_choice(m, "is_", hardship_categories,
		    db_str(r, i, FOLLOWUP_CATEGORY));
		view_set_str(m, "message", db_str(r, i, FOLLOWUP_MESSAGE));
		view_set_bool(m, "by_phone", strcmp(contact, "phone") == 0);
		view_set_bool(m, "by_email", strcmp(contact, "email") == 0);
		view_set_str(m, "phone", db_str(r, i, FOLLOWUP_PHONE));
		view_set_str(m, "callback_date", page_weekday_date(c,
		    db_date(r, i, FOLLOWUP_CALLBACK_DATE)));
		view_set_bool(m, "morning", strcmp(window, "morning") == 0);
		view_set_bool(m, "afternoon", strcmp(window, "afternoon") == 0);
		view_set_str(m, "zone", zone);
	}
}

/*
 * Tells staff of request req's new follow-ups: rewrites the digest mail
 * still waiting for portal-notify, or queues one for next_mail (an hour
 * after the last mail about the request, or now), listing every follow-up
 * no mail has carried yet. In English, like every staff mail.
 */
static int
digest_mail(struct ctx *c, const struct debtor_invoice *d, const char *req,
    const char *next_mail)
{
	const struct i18n_lang	*was = debtor_use_lang(c, i18n_source(c->i18n));
	const char		*p[2] = { req, NULL };
	struct db_res		*pending = NULL, *list = NULL;
	struct view		*v;
	char			 pid[24] = "", mail_id[24];
	int			 rc = -1;

	if ((pending = db_query(c->db, SQL_DIGEST_PENDING, p, 1)) == NULL)
		goto out;
	if (db_rows(pending) == 1)
		(void)snprintf(pid, sizeof(pid), "%s", db_str(pending, 0, KEY_ID));
	p[1] = pid[0] ? pid : NULL;
	if ((list = db_query(c->db, SQL_DIGEST_FOLLOWUPS, p, 2)) == NULL)
		goto out;
	v = page_view(c);
	debtor_view(c, d, v);
	view_set_str(v, "request_id", req);
	view_set_fmt(v, "staff_url", "%s/staff/hardship/%s", c->cfg->base_url, req);
	followups_view(c, debtor_zone(c, d->timezone), list, v);
	if (outbox_queue_id(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/hardship_digest",
	    .language = page_lang_tag(c), .to = c->cfg->staff_email,
	    .kind = "hardship.digest", .invoice_id = d->invoice_id,
	    .hardship_id = req, .not_before = pid[0] ? NULL : next_mail,
	    .replace_id = pid[0] ? pid : NULL }, v, mail_id,
	    sizeof(mail_id)) == -1)
		goto out;
	p[1] = mail_id;
	if (db_do(c->db, SQL_DIGEST_MARK, p, 2) == -1)
		goto out;
	p[1] = next_mail;
	if (pid[0] == '\0' && db_do(c->db, SQL_HARDSHIP_MAILED, p, 2) == -1)
		goto out;
	rc = 0;
out:
	db_res_free(pending);
	db_res_free(list);
	(void)debtor_use_lang(c, was);
	return rc;
}

/*
 * A note while request req is open: stored whole as its follow-up, audited,
 * and told to staff in the request's digest mail.
 */
static int
record_followup(struct ctx *c, const struct debtor_invoice *d,
    const struct note *n, const char *req, const char *next_mail)
{
	const char	*p[9], *detail;
	struct db_res	*r;
	char		 fid[24];

	note_params(c, d, n, req, p);
	if ((r = db_query(c->db, SQL_FOLLOWUP_INSERT, p, 9)) == NULL)
		return -1;
	(void)snprintf(fid, sizeof(fid), "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	detail = arena_printf(c->arena, "request %s, follow-up %s, %s", req, fid,
	    n->f[H_CATEGORY]);
	if (detail == NULL || audit_write(c->db, &(struct audit_event){
	    .actor = "debtor", .action = "hardship.followup",
	    .invoice_id = d->invoice_id, .link_id = d->link_id, .detail = detail,
	    .client_addr = c->req.remote_addr }) == -1)
		return -1;
	if (c->cfg->staff_email[0] == '\0')
		return 0;
	return digest_mail(c, d, req, next_mail);
}

/*
 * The audit event and the two messages of a received note: to staff in
 * English, to the debtor in the customer's language.
 */
static int
record_note(struct ctx *c, const struct debtor_invoice *d, const struct note *n,
    const char *id)
{
	const char	*detail;

	detail = arena_printf(c->arena, "request %s, %s", id, n->f[H_CATEGORY]);
	if (detail == NULL || audit_write(c->db, &(struct audit_event){
	    .actor = "debtor", .action = "hardship.received",
	    .invoice_id = d->invoice_id, .link_id = d->link_id, .detail = detail,
	    .client_addr = c->req.remote_addr }) == -1)
		return -1;
	if (c->cfg->staff_email[0] != '\0' &&
	    note_mail(c, d, n, id, i18n_source(c->i18n), "mail/hardship_staff",
	    c->cfg->staff_email, NULL, "hardship.staff") == -1)
		return -1;
	return note_mail(c, d, n, id, d->lang, "mail/hardship_ack", d->email,
	    d->name, "hardship.ack");
}

enum store { STORE_DONE, STORE_REPLIED, STORE_FAILED };

/*
 * Stores a checked note inside the POST's transaction: nothing when its
 * form was posted before (the request it made is what the debtor sees
 * next), a 429 form when the link sent too many this hour, a follow-up
 * when the invoice has an open request, else a new request. STORE_DONE
 * (commit and redirect), STORE_REPLIED (answered) or STORE_FAILED.
 */
static enum store
store_or_reply(struct ctx *c, const struct debtor_invoice *d,
    const struct note *n)
{
	const char	*p[2];
	struct db_res	*r;
	struct view	*v;
	char		 id[24], next_mail[64];
	bool		 open;
	long long	 recent;

	if (token_well_formed(n->f[H_FORM_ID])) {
		p[0] = n->f[H_FORM_ID];
		p[1] = "hardship";
		if ((r = db_query(c->db, SQL_FORM_USE, p, 2)) == NULL)
			return STORE_FAILED;
		open = db_rows(r) == 1;
		db_res_free(r);
		if (!open)		/* posted before: nothing to add */
			return STORE_DONE;
	}
	p[0] = d->link_id;
	p[1] = d->invoice_id;
	if ((r = db_query(c->db, SQL_HARDSHIP_RECENT, p, 2)) == NULL)
		return STORE_FAILED;
	recent = (long long)db_int(r, 0, COUNT_VALUE);
	db_res_free(r);
	if (recent >= c->cfg->hardship_notes_per_hour) {
		v = page_view(c);
		debtor_view(c, d, v);
		view_set_bool(v, "busy", true);
		render_form(c, 429, d, n, v);	/* rolls back: nothing used */
		return STORE_REPLIED;
	}
	p[0] = d->invoice_id;
	if ((r = db_query(c->db, SQL_HARDSHIP_OPEN, p, 1)) == NULL)
		return STORE_FAILED;
	if ((open = db_rows(r) == 1)) {
		(void)snprintf(id, sizeof(id), "%s", db_str(r, 0, OPEN_REQUEST_ID));
		(void)snprintf(next_mail, sizeof(next_mail), "%s",
		    db_str(r, 0, OPEN_REQUEST_NEXT_MAIL));
	}
	db_res_free(r);
	if (open)
		return record_followup(c, d, n, id, next_mail) == -1 ?
		    STORE_FAILED : STORE_DONE;
	if (insert_note(c, d, n, id, sizeof(id)) == -1 ||
	    record_note(c, d, n, id) == -1)
		return STORE_FAILED;
	return STORE_DONE;
}

/*
 * POST /i/{token}/hardship: see the top of this file. Until the commit
 * succeeds nothing is claimed received; if the database is unreachable the
 * debtor gets a 503 page with their text, to send again. Form failures
 * follow form.h: the form comes back with the text whenever it can.
 */
void
hardship_post(struct ctx *c)
{
	struct debtor_invoice	 d;
	struct debtor_form	 form = { .purpose = "hardship", .again = again };
	struct note		 n;
	struct view		*v;
	const char		*bad;
	enum form_result	 r;

	memset(&n, 0, sizeof(n));
	r = form_check(c->req.form, c->req.nform, hardship_fields, H__MAX, n.f,
	    &bad, n.each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	value_problems(&n);
	form.csrf = n.each[H_CSRF] == FORM_OK ? n.f[H_CSRF] : "";
	form.arg = &n;
	if (!debtor_begin_or_reply(c, &form, &d))
		return;
	check_note(c, d.timezone, &n);
	if (n.nerrors > 0) {
		v = page_view(c);
		debtor_view(c, &d, v);
		render_form(c, 400, &d, &n, v);
		return;
	}
	switch (store_or_reply(c, &d, &n)) {
	case STORE_REPLIED:
		return;
	case STORE_FAILED:
		debtor_fail(c, &form);
		return;
	case STORE_DONE:
		break;
	}
	if (db_commit(c->db) == -1) {
		debtor_fail(c, &form);
		return;
	}
	if (response_redirect(&c->res, debtor_done_url(c, &d, "hardship")) == -1)
		page_error(c, 500, NULL);
}
