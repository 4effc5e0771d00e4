/*
 * The staff area: the hardship queue (/staff, with counts, pages and a
 * search), one request in full with its status and notes
 * (/staff/hardship/{id}), and an invoice's whole history from the audit
 * trail (/staff/invoices/{number}) with what the reminder engine did, and
 * the open tasks (/staff/tasks). Every change is audited with the
 * signed-in user; resolving a request lifts its reminder hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "page.h"
#include "invoice.h"
#include "pages/debtor.h"
#include "pages/desk.h"
#include "hardship.h"
#include "pages/staff.h"
#include "pages/staff_hardship.h"
#include "remind.h"
#include "routes.h"
#include "utf8.h"
#include "view.h"

#define QUEUE_PAGE	20
#define MAX_PAGE	10000
#define NOTE_MAX	4000

/* "3 hours ago" as parts: the number and which unit, for the template. */
static void
age_view(struct view *v, long long seconds)
{
	long long	n;
	const char	*unit;

	if (seconds < 60) {
		view_set_bool(v, "age_now", true);
		return;
	}
	if (seconds < 3600) {
		n = seconds / 60;
		unit = "age_minutes";
	} else if (seconds < 86400) {
		n = seconds / 3600;
		unit = "age_hours";
	} else {
		n = seconds / 86400;
		unit = "age_days";
	}
	view_set_int(v, "age_n", n);
	view_set_bool(v, unit, true);
	view_set_bool(v, "age_one", n == 1);
}

/* A date with its weekday, or "" when it is NULL. */
static const char *
long_date(struct ctx *c, struct date d)
{
	return date_valid(d) ? page_weekday_date(c, d) : "";
}

/* One queue row (shape QUEUE) as a view. */
static void
queue_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	const char	*window = db_str(r, i, QUEUE_CALLBACK_WINDOW);
	const char	*status = db_str(r, i, QUEUE_STATUS);

	view_set_str(m, "id", db_str(r, i, QUEUE_ID));
	view_set_str(m, "number", db_str(r, i, QUEUE_NUMBER));
	view_set_str(m, "customer", db_str(r, i, QUEUE_CUSTOMER));
	view_set_choice(m, "is_", hardship_categories, db_str(r, i, QUEUE_CATEGORY));
	age_view(m, db_int(r, i, QUEUE_AGE));
	view_set_str(m, "callback_date", long_date(c, db_date(r, i,
	    QUEUE_CALLBACK_DATE)));
	view_set_choice(m, "", hardship_windows, window);
	view_set_str(m, "status", status);
	view_set_choice(m, "status_", hardship_statuses, status);
	view_set_bool(m, "by_phone", strcmp(db_str(r, i, QUEUE_CONTACT_METHOD),
	    "phone") == 0);
	view_set_str(m, "received", db_str(r, i, QUEUE_RECEIVED));
}

static int
queue_counts(struct db *db, struct view *v)
{
	struct view	*counts = view_set_map(v, "counts");
	struct db_res	*r;
	long long	 total = 0;
	int		 i, k;

	if ((r = db_query(db, SQL_QUEUE_COUNTS, NULL, 0)) == NULL)
		return -1;
	for (k = 0; hardship_statuses[k] != NULL; k++)
		view_set_int(counts, hardship_statuses[k], 0);
	for (i = 0; i < db_rows(r); i++) {
		view_set_int(counts, db_str(r, i, TALLY_STATUS),
		    db_int(r, i, TALLY_COUNT));
		total += db_int(r, i, TALLY_COUNT);
	}
	view_set_int(counts, "all", total);
	db_res_free(r);
	return 0;
}

static int
queue_rows(struct ctx *c, struct db *db, struct view *v, const char *status,
    long page)
{
	char		 limit[16], offset[24];
	const char	*p[3] = { limit, offset, status };
	struct view	*list = view_set_list(v, "requests");
	struct db_res	*r;
	int		 i, n;

	(void)snprintf(limit, sizeof(limit), "%d", QUEUE_PAGE + 1);
	(void)snprintf(offset, sizeof(offset), "%ld", (page - 1) * QUEUE_PAGE);
	r = db_query(db, status[0] ? SQL_QUEUE_STATUS : SQL_QUEUE_ALL, p,
	    status[0] ? 3 : 2);
	if (r == NULL)
		return -1;
	n = db_rows(r);
	for (i = 0; i < n && i < QUEUE_PAGE; i++)
		queue_row(c, r, i, view_push_map(list));
	db_res_free(r);
	view_set_bool(v, "empty", n == 0);
	if (page > 1)
		view_set_fmt(v, "prev_url", "/staff/hardship?status=%s&page=%ld", status, page - 1);
	if (n > QUEUE_PAGE)
		view_set_fmt(v, "next_url", "/staff/hardship?status=%s&page=%ld", status, page + 1);
	view_set_int(v, "page", page);
	return 0;
}

static int
search(struct ctx *c, struct db *db, struct view *v, const char *q)
{
	const char	*p[1] = { q };
	struct view	*list, *m;
	struct db_res	*r;
	int		 i;

	view_set_str(v, "q", q);
	view_set_bool(v, "searched", true);
	if ((r = db_query(db, SQL_SEARCH, p, 1)) == NULL)
		return -1;
	list = view_set_list(v, "results");
	for (i = 0; i < db_rows(r); i++) {
		m = view_push_map(list);
		view_set_str(m, "number", db_str(r, i, MATCH_NUMBER));
		view_set_str(m, "customer", db_str(r, i, MATCH_CUSTOMER));
		view_set_str(m, "issued", long_date(c, db_date(r, i, MATCH_ISSUED)));
		view_set_str(m, "due", long_date(c, db_date(r, i, MATCH_DUE)));
	}
	view_set_bool(v, "no_results", db_rows(r) == 0);
	db_res_free(r);
	return 0;
}

/* The query (status, page, q), each optional and checked. */
static bool
queue_query(struct ctx *c, const char **status, long *page, const char **q)
{
	static const struct form_field fields[] = {
		{ "status", 16, false }, { "page", 6, false }, { "q", 100, false },
	};
	const char	*f[3], *bad;

	if (c->req.query_bad || form_check(c->req.query, c->req.nquery, fields,
	    3, f, &bad, NULL) != FORM_OK)
		return false;
	if (f[0][0] != '\0' && form_choice(f[0], hardship_statuses) < 0)
		return false;
	*page = 1;
	if (f[1][0] != '\0' && form_int(f[1], 1, MAX_PAGE, page) == -1)
		return false;
	*status = f[0];
	*q = f[2] + strspn(f[2], " ");
	return true;
}

/*
 * GET /staff: the hardship queue, newest first, with counts and search.
 * It only reads, so it reads from the replica when there is one.
 */
void
staff_queue_get(struct ctx *c)
{
	struct staff_session	 s;
	struct view		*v;
	struct db		*db;
	const char		*status, *q;
	long			 page;

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	if (!queue_query(c, &status, &page, &q)) {
		page_error(c, 400, NULL);
		return;
	}
	if ((v = staff_view_or_reply(c, &s, NULL)) == NULL ||
	    (db = page_read_db_or_reply(c)) == NULL)
		return;
	view_set_str(v, "filter", status);
	view_set_choice(v, "filter_", hardship_statuses, status);
	view_set_bool(v, "filter_all", status[0] == '\0');
	if (queue_counts(db, v) == -1 || queue_rows(c, db, v, status, page) == -1 ||
	    (q[0] != '\0' && search(c, db, v, q) == -1)) {
		page_db_error(c);
		return;
	}
	page_render(c, 200, "staff_queue", v);
}

static int
request_view(struct ctx *c, const char *id, struct view *v, bool *found)
{
	const char	*p[1] = { id };
	const char	*contact, *status;
	struct view	*m;
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_HARDSHIP_GET, p, 1)) == NULL)
		return -1;
	if ((*found = db_rows(r) == 1)) {
		m = view_set_map(v, "request");
		contact = db_str(r, 0, REQUEST_CONTACT_METHOD);
		status = db_str(r, 0, REQUEST_STATUS);
		view_set_str(m, "id", db_str(r, 0, REQUEST_ID));
		view_set_str(m, "number", db_str(r, 0, REQUEST_NUMBER));
		view_set_str(m, "customer", db_str(r, 0, REQUEST_CUSTOMER));
		view_set_str(m, "email", db_str(r, 0, REQUEST_EMAIL));
		view_set_choice(m, "is_", hardship_categories,
		    db_str(r, 0, REQUEST_CATEGORY));
		view_set_str(m, "message", db_str(r, 0, REQUEST_MESSAGE));
		view_set_bool(m, "by_phone", strcmp(contact, "phone") == 0);
		view_set_bool(m, "by_email", strcmp(contact, "email") == 0);
		view_set_str(m, "phone", db_str(r, 0, REQUEST_PHONE));
		view_set_str(m, "callback_date", long_date(c, db_date(r, 0,
		    REQUEST_CALLBACK_DATE)));
		view_set_choice(m, "", hardship_windows,
		    db_str(r, 0, REQUEST_CALLBACK_WINDOW));
		view_set_str(m, "status", status);
		view_set_choice(m, "status_", hardship_statuses, status);
		view_set_str(m, "received", db_str(r, 0, REQUEST_RECEIVED));
		age_view(m, db_int(r, 0, REQUEST_AGE));
		view_set_str(m, "reviewer", db_str(r, 0, REQUEST_REVIEWER));
		view_set_str(m, "client_addr", db_str(r, 0, REQUEST_CLIENT_ADDR));
		/* The debtor's zone: "morning (9:00 to 12:00, Madrid time)". */
		view_set_str(m, "zone", debtor_zone(c, db_str(r, 0, REQUEST_TIMEZONE)));
		view_set_str(v, "version", db_str(r, 0, REQUEST_VERSION));
		/* What was decided on resolving it (issue 14), if anything. */
		view_set_bool(m, "has_outcome", db_str(r, 0, REQUEST_OUTCOME)[0] != '\0');
		view_set_choice(m, "outcome_", hardship_outcomes,
		    db_str(r, 0, REQUEST_OUTCOME));
		view_set_str(m, "outcome_note", db_str(r, 0, REQUEST_OUTCOME_NOTE));
		if (date_valid(db_date(r, 0, REQUEST_PAUSED_UNTIL)))
			view_set_str(m, "paused_until", long_date(c,
			    db_date(r, 0, REQUEST_PAUSED_UNTIL)));
	}
	db_res_free(r);
	return 0;
}

static int
notes_view(struct ctx *c, const char *id, struct view *v)
{
	const char	*p[1] = { id };
	const char	*was, *now;
	struct view	*list = view_set_list(v, "notes"), *m;
	struct db_res	*r;
	int		 i;

	if ((r = db_query(c->db, SQL_HARDSHIP_NOTES, p, 1)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r); i++) {
		m = view_push_map(list);
		was = db_str(r, i, NOTE_OLD_STATUS);
		now = db_str(r, i, NOTE_NEW_STATUS);
		view_set_str(m, "at", db_str(r, i, NOTE_AT));
		view_set_str(m, "staff", db_str(r, i, NOTE_STAFF));
		view_set_choice(m, "old_", hardship_statuses, was);
		view_set_choice(m, "new_", hardship_statuses, now);
		view_set_bool(m, "changed", strcmp(was, now) != 0);
		view_set_str(m, "note", db_str(r, i, NOTE_NOTE));
	}
	db_res_free(r);
	return 0;
}

/* The debtor's follow-up notes on the request, oldest first. */
static int
followups_view(struct ctx *c, const char *id, struct view *v)
{
	const char	*p[1] = { id };
	const char	*contact;
	struct view	*list = view_set_list(v, "followups"), *m;
	struct db_res	*r;
	int		 i;

	if ((r = db_query(c->db, SQL_HARDSHIP_FOLLOWUPS, p, 1)) == NULL)
		return -1;
	view_set_bool(v, "has_followups", db_rows(r) > 0);
	for (i = 0; i < db_rows(r); i++) {
		m = view_push_map(list);
		contact = db_str(r, i, FOLLOWUP_CONTACT_METHOD);
		view_set_str(m, "received", db_str(r, i, FOLLOWUP_RECEIVED));
		view_set_choice(m, "is_", hardship_categories,
		    db_str(r, i, FOLLOWUP_CATEGORY));
		view_set_str(m, "message", db_str(r, i, FOLLOWUP_MESSAGE));
		view_set_bool(m, "by_phone", strcmp(contact, "phone") == 0);
		view_set_bool(m, "by_email", strcmp(contact, "email") == 0);
		view_set_str(m, "phone", db_str(r, i, FOLLOWUP_PHONE));
		view_set_str(m, "callback_date", long_date(c, db_date(r, i,
		    FOLLOWUP_CALLBACK_DATE)));
		view_set_choice(m, "", hardship_windows,
		    db_str(r, i, FOLLOWUP_CALLBACK_WINDOW));
		view_set_str(m, "client_addr", db_str(r, i, FOLLOWUP_CLIENT_ADDR));
	}
	db_res_free(r);
	return 0;
}

/*
 * The form's one-time id: the one posted when the form comes back with a
 * problem (nothing was stored with it), else a new one.
 */
static void
form_id_view(const char *posted, struct view *v)
{
	char	id[TOKEN_LEN + 1];

	if (posted != NULL && token_well_formed(posted))
		view_set_str(v, "form_id", posted);
	else if (token_form_id(id) == 0)
		view_set_str(v, "form_id", id);
}

/* The request page; status 200, or 4xx with the form's problem named. */
void
staff_hardship_render(struct ctx *c, const struct staff_session *s,
    const char *id, int status, const struct hardship_kept *k)
{
	struct view	*v;
	bool		 found;
	char		 purpose[48];

	(void)snprintf(purpose, sizeof(purpose), "hardship:%s", id);
	if ((v = staff_view_or_reply(c, s, purpose)) == NULL)
		return;
	if (request_view(c, id, v, &found) == -1 || notes_view(c, id, v) == -1 ||
	    followups_view(c, id, v) == -1 ||
	    staff_hardship_view(c, s, id, k, v) == -1) {
		page_db_error(c);
		return;
	}
	if (!found) {
		page_error(c, 404, NULL);
		return;
	}
	if (k != NULL && k->problem != NULL)
		view_set_bool(v, k->problem, true);
	view_set_str(v, "note", k != NULL && k->note ? k->note : "");
	form_id_view(k != NULL ? k->form_id : NULL, v);
	page_render(c, status, "staff_hardship", v);
}

/* GET /staff/hardship/{id}: the whole request, its notes, the form. */
void
staff_hardship_get(struct ctx *c)
{
	struct staff_session	s;
	char			id[24];

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	staff_hardship_render(c, &s, id, 200, NULL);
}

enum status_field {
	S_STATUS, S_NOTE, S_CSRF, S_FORM_ID, S_VERSION, S_OUTCOME, S_MESSAGE,
	S_UNTIL, S__MAX
};

/*
 * Writes a status change or note under the request's row lock. A form
 * drawn from an older version of the request sets k->problem (409), and
 * so does an outcome with a problem when the change resolves the request
 * (400); then nothing is written.
 */
static int
update_request(struct ctx *c, const struct staff_session *s, const char *id,
    const char **f, bool *found, struct hardship_kept *k, int *status_out)
{
	const char	*p[5], *status = f[S_STATUS], *note = f[S_NOTE];
	char		 old[16], invoice[24], version[32];
	struct db_res	*r;
	bool		 resolving;

	p[0] = id;
	if ((r = db_query(c->db, SQL_HARDSHIP_LOCK, p, 1)) == NULL)
		return -1;
	*found = db_rows(r) == 1;
	(void)snprintf(old, sizeof(old), "%s", *found ?
	    db_str(r, 0, LOCKED_STATUS) : "");
	(void)snprintf(invoice, sizeof(invoice), "%s", *found ?
	    db_str(r, 0, LOCKED_INVOICE_ID) : "");
	(void)snprintf(version, sizeof(version), "%s", *found ?
	    db_str(r, 0, LOCKED_VERSION) : "");
	db_res_free(r);
	if (!*found)
		return 0;
	/* A form without a version (older pages, scripts) is not checked. */
	if (f[S_VERSION][0] != '\0' && strcmp(f[S_VERSION], version) != 0) {
		k->problem = "error_stale";
		*status_out = 409;
		return 0;
	}
	resolving = strcmp(status, "resolved") == 0 && strcmp(old, "resolved") != 0;
	if (resolving && (k->problem = staff_hardship_outcome_problem(c,
	    f[S_OUTCOME], f[S_MESSAGE], f[S_UNTIL])) != NULL) {
		*status_out = 400;
		return 0;
	}
	p[1] = s->id; p[2] = old; p[3] = status; p[4] = note;
	if (db_do(c->db, SQL_HARDSHIP_NOTE_ADD, p, 5) == -1)
		return -1;
	p[1] = status; p[2] = s->id;
	if (db_do(c->db, SQL_HARDSHIP_SET_STATUS, p, 3) == -1)
		return -1;
	if (resolving && staff_hardship_resolve(c, s, id, invoice, f[S_OUTCOME],
	    f[S_MESSAGE], f[S_UNTIL]) == -1)
		return -1;
	return staff_audit(c, s, strcmp(old, status) != 0 ? "hardship.status" :
	    "hardship.note", invoice, arena_printf(c->arena, "request %s: %s -> %s%s%s",
	    id, old, status, note[0] ? ": " : "", note));
}

/*
 * Uses the form's one-time id (none: always fresh): *fresh is false when
 * it was posted before, and then nothing is written again. 0 or -1.
 */
static int
form_used(struct ctx *c, const char *form_id, bool *fresh)
{
	const char	*p[2] = { form_id, "staff.hardship" };
	struct db_res	*r;

	*fresh = true;
	if (!token_well_formed(form_id))
		return 0;
	if ((r = db_query(c->db, SQL_FORM_USE, p, 2)) == NULL)
		return -1;
	*fresh = db_rows(r) == 1;
	db_res_free(r);
	return 0;
}

/* What is wrong with the status and note posted; NULL when nothing. */
static const char *
update_problem(const char **f, const enum form_result *each)
{
	if (each[0] != FORM_OK || form_choice(f[0], hardship_statuses) < 0)
		return "error_status";
	if (each[1] == FORM_BAD_TEXT)
		return "error_note_text";
	if (each[1] != FORM_OK || utf8_count(f[1], strlen(f[1])) > NOTE_MAX)
		return "error_note";
	if (each[S_MESSAGE] != FORM_OK)
		return "error_outcome_note";
	if (each[S_UNTIL] != FORM_OK)
		return "error_until";
	if (each[S_OUTCOME] != FORM_OK)
		return "error_outcome";
	return NULL;
}

/*
 * POST /staff/hardship/{id} (status, note, csrf): records who changed what
 * and when; resolving lifts the reminder hold. Form failures follow
 * form.h: 403 without a valid CSRF token and 400 for a bad status or note,
 * each with the form again and the note kept; nothing is written.
 */
void
staff_hardship_post(struct ctx *c)
{
	static const struct form_field fields[S__MAX] = {
		[S_STATUS] = { "status", 16, false },
		[S_NOTE] = { "note", 4 * NOTE_MAX, false },
		[S_CSRF] = { "csrf", TOKEN_LEN, false },
		[S_FORM_ID] = { "form_id", TOKEN_LEN, false },
		[S_VERSION] = { "version", 32, false },
		[S_OUTCOME] = { "outcome", 16, false },
		[S_MESSAGE] = { "message", 4 * HARDSHIP_OUTCOME_NOTE_MAX, false },
		[S_UNTIL] = { "paused_until", 10, false },
	};
	struct staff_session	 s;
	struct hardship_kept	 k = { 0 };
	const char		*f[S__MAX], *bad;
	enum form_result	 each[S__MAX], r;
	char			 id[24], purpose[48];
	bool			 found, fresh;
	int			 problem_status = 0;

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	r = form_check(c->req.form, c->req.nform, fields, S__MAX, f, &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	k = (struct hardship_kept){ .note = f[S_NOTE], .form_id = f[S_FORM_ID],
	    .outcome = f[S_OUTCOME], .message = f[S_MESSAGE], .until = f[S_UNTIL] };
	(void)snprintf(purpose, sizeof(purpose), "hardship:%s", id);
	if (!staff_csrf_valid(c, &s, purpose, each[S_CSRF] == FORM_OK ?
	    f[S_CSRF] : "")) {
		k.problem = "error_csrf";
		staff_hardship_render(c, &s, id, 403, &k);
		return;
	}
	if ((k.problem = update_problem(f, each)) != NULL) {
		staff_hardship_render(c, &s, id, 400, &k);
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	if (form_used(c, f[S_FORM_ID], &fresh) == -1)
		goto fail;
	found = true;
	if (fresh && update_request(c, &s, id, f, &found, &k,
	    &problem_status) == -1) {
		if (strcmp(db_sqlstate(c->db), "23505") == 0) {
			/*
			 * Reopened while the invoice has another open request
			 * (hardship_one_open). The page reads the request
			 * again, so the failed transaction ends first.
			 */
			db_rollback(c->db);
			k.problem = "error_open";
			k.form_id = NULL;
			staff_hardship_render(c, &s, id, 409, &k);
			return;
		}
		goto fail;
	}
	if (problem_status != 0) {	/* stale, or a bad outcome: nothing written */
		db_rollback(c->db);
		if (strcmp(k.problem, "error_stale") == 0)
			k.form_id = NULL;
		staff_hardship_render(c, &s, id, problem_status, &k);
		return;
	}
	if (found && db_commit(c->db) == -1)
		goto fail;
	if (!found) {
		page_error(c, 404, NULL);
		return;
	}
	if (response_redirect(&c->res, arena_printf(c->arena,
	    "/staff/hardship/%s", id)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	page_db_error(c);
}

/* Fees frozen by a hold (issue 15): not in the balance, said so to staff. */
static int
frozen_view(struct ctx *c, struct db *db, const char *id, const char *currency,
    struct view *v)
{
	const char	*p[1] = { id };
	struct db_res	*r;
	int64_t		 frozen = 0;
	int		 i;

	if ((r = db_query(db, SQL_FEE_LIST, p, 1)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r); i++)
		if (db_bool(r, i, STAFF_FEE_FROZEN))
			frozen += db_int(r, i, STAFF_FEE_AMOUNT_CENTS);
	db_res_free(r);
	view_set_bool(v, "has_frozen", frozen > 0);
	view_set_str(v, "frozen_total", page_money(c, frozen, currency));
	return 0;
}

/* The invoice's facts and balance, from the same queries as the debtor's. */
static int
invoice_facts(struct ctx *c, struct db *db, const char *number, struct view *v,
    char *id, size_t idsz, bool *found)
{
	const char		*p[1] = { number };
	char			 currency[8];
	struct invoice_totals	 t;
	struct db_res		*r;
	int			 rc;

	if ((r = db_query(db, SQL_STAFF_INVOICE, p, 1)) == NULL)
		return -1;
	if (!(*found = db_rows(r) == 1)) {
		db_res_free(r);
		return 0;
	}
	(void)snprintf(id, idsz, "%s", db_str(r, 0, STAFF_INVOICE_ID));
	(void)snprintf(currency, sizeof(currency), "%s",
	    db_str(r, 0, STAFF_INVOICE_CURRENCY));
	view_set_str(v, "number", db_str(r, 0, STAFF_INVOICE_NUMBER));
	view_set_str(v, "issued", long_date(c, db_date(r, 0, STAFF_INVOICE_ISSUED)));
	view_set_str(v, "due", long_date(c, db_date(r, 0, STAFF_INVOICE_DUE)));
	view_set_str(v, "customer", db_str(r, 0, STAFF_INVOICE_CUSTOMER));
	view_set_str(v, "email", db_str(r, 0, STAFF_INVOICE_EMAIL));
	view_set_str(v, "phone", db_str(r, 0, STAFF_INVOICE_PHONE));
	view_set_str(v, "language", db_str(r, 0, STAFF_INVOICE_LANGUAGE));
	view_set_str(v, "customer_ref", db_str(r, 0, STAFF_INVOICE_CUSTOMER_REF));
	view_set_str(v, "timezone", db_str(r, 0, STAFF_INVOICE_TIMEZONE));
	db_res_free(r);
	p[0] = id;
	if ((r = db_query(db, SQL_INVOICE_ITEMS, p, 1)) == NULL)
		return -1;
	rc = debtor_totals(r, &t);
	db_res_free(r);
	if (rc == -1)
		return -1;
	debtor_totals_view(c, &t, currency, v);
	view_set_str(v, "currency", currency);
	return frozen_view(c, db, id, currency, v);
}

/*
 * Runs q for the invoice; rows become maps of list key in v via fill(),
 * and has_<key> says whether there are any (a list alone cannot say it
 * without also becoming the context).
 */
static int
invoice_list(struct ctx *c, struct db *db, enum sql_query q, const char *id,
    struct view *v, const char *key, void (*fill)(struct ctx *, const struct db_res *, int,
    struct view *))
{
	const char	*p[1] = { id };
	struct view	*list = view_set_list(v, key);
	struct db_res	*r;
	int		 i;

	if ((r = db_query(db, q, p, 1)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r); i++)
		fill(c, r, i, view_push_map(list));
	view_set_bool(v, arena_printf(c->arena, "has_%s", key), db_rows(r) > 0);
	db_res_free(r);
	return 0;
}

/* A view key and the column it is read from. */
struct column_key {
	const char	*key;
	int		 col;
};

/* Copies row i's columns into m under their keys, as text. */
static void
row_strings(const struct db_res *r, int i, const struct column_key *keys,
    size_t n, struct view *m)
{
	size_t	k;

	for (k = 0; k < n; k++)
		view_set_str(m, keys[k].key, db_str(r, i, keys[k].col));
}

static void
link_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	static const struct column_key keys[] = {
		{ "id", HISTORY_LINK_ID }, { "purpose", HISTORY_LINK_PURPOSE },
		{ "issued", HISTORY_LINK_ISSUED }, { "expires", HISTORY_LINK_EXPIRES },
		{ "revoked", HISTORY_LINK_REVOKED },
		{ "last_used", HISTORY_LINK_LAST_USED },
	};

	(void)c;
	row_strings(r, i, keys, sizeof(keys) / sizeof(keys[0]), m);
	view_set_bool(m, "active", db_bool(r, i, HISTORY_LINK_ACTIVE));
}

static void
plan_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	static const struct column_key keys[] = {
		{ "id", HISTORY_PLAN_ID }, { "status", HISTORY_PLAN_STATUS },
		{ "frequency", HISTORY_PLAN_FREQUENCY },
		{ "accepted", HISTORY_PLAN_ACCEPTED },
		{ "terms_version", HISTORY_PLAN_TERMS_VERSION },
		{ "client_addr", HISTORY_PLAN_CLIENT_ADDR },
	};
	enum plan_freq	f;

	row_strings(r, i, keys, sizeof(keys) / sizeof(keys[0]), m);
	view_set_bool(m, "active", strcmp(db_str(r, i, HISTORY_PLAN_STATUS),
	    "active") == 0);
	if (plan_freq_parse(db_str(r, i, HISTORY_PLAN_FREQUENCY), &f) == 0)
		debtor_frequency_view(m, f);
	view_set_int(m, "count", db_int(r, i, HISTORY_PLAN_INSTALLMENTS));
	view_set_str(m, "total", page_money(c, db_int(r, i,
	    HISTORY_PLAN_TOTAL_CENTS), db_str(r, i, HISTORY_PLAN_CURRENCY)));
}

static void
hardship_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	(void)c;
	view_set_str(m, "id", db_str(r, i, HISTORY_REQUEST_ID));
	view_set_choice(m, "is_", hardship_categories,
	    db_str(r, i, HISTORY_REQUEST_CATEGORY));
	view_set_choice(m, "status_", hardship_statuses,
	    db_str(r, i, HISTORY_REQUEST_STATUS));
	view_set_str(m, "received", db_str(r, i, HISTORY_REQUEST_RECEIVED));
	view_set_int(m, "followups", db_int(r, i, HISTORY_REQUEST_FOLLOWUPS));
}

static void
message_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	static const struct column_key keys[] = {
		{ "kind", HISTORY_MESSAGE_KIND },
		{ "recipient", HISTORY_MESSAGE_RECIPIENT },
		{ "subject", HISTORY_MESSAGE_SUBJECT },
		{ "status", HISTORY_MESSAGE_STATUS },
		{ "queued", HISTORY_MESSAGE_QUEUED },
		{ "sent", HISTORY_MESSAGE_SENT },
		{ "last_error", HISTORY_MESSAGE_LAST_ERROR },
	};

	(void)c;
	row_strings(r, i, keys, sizeof(keys) / sizeof(keys[0]), m);
	view_set_int(m, "attempts", db_int(r, i, HISTORY_MESSAGE_ATTEMPTS));
	view_set_bool(m, "failed", strcmp(db_str(r, i, HISTORY_MESSAGE_STATUS),
	    "failed") == 0);
}

/* An audit event: the action becomes a flag ("a_plan_accepted") so the
 * template can say it in words. */
static void
event_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	static const struct column_key keys[] = {
		{ "at", HISTORY_EVENT_AT }, { "actor", HISTORY_EVENT_ACTOR },
		{ "staff", HISTORY_EVENT_STAFF }, { "action", HISTORY_EVENT_ACTION },
		{ "detail", HISTORY_EVENT_DETAIL },
		{ "client_addr", HISTORY_EVENT_CLIENT_ADDR },
		{ "link", HISTORY_EVENT_LINK },
	};
	char	*flag;
	size_t	 k;

	row_strings(r, i, keys, sizeof(keys) / sizeof(keys[0]), m);
	view_set_bool(m, "by_debtor", strcmp(db_str(r, i, HISTORY_EVENT_ACTOR),
	    "debtor") == 0);
	if ((flag = arena_printf(c->arena, "a_%s",
	    db_str(r, i, HISTORY_EVENT_ACTION))) != NULL) {
		for (k = 0; flag[k] != '\0'; k++)
			if (flag[k] == '.')
				flag[k] = '_';
		view_set_bool(m, flag, true);
	}
}

/* A step the engine did, or did not do and why (shape HISTORY_REMINDER). */
static void
reminder_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	static const char *const outcomes[] = { "sent", "task", "waiting",
		"skipped", NULL };
	struct date	pay_by = db_date(r, i, HISTORY_REMINDER_PAY_BY);

	view_set_str(m, "at", db_str(r, i, HISTORY_REMINDER_AT));
	view_set_str(m, "step_key", db_str(r, i, HISTORY_REMINDER_STEP_KEY));
	view_set_choice(m, "k_", remind_step_names,
	    db_str(r, i, HISTORY_REMINDER_KIND));
	view_set_choice(m, "o_", outcomes, db_str(r, i, HISTORY_REMINDER_OUTCOME));
	view_set_choice(m, "r_", remind_reason_names,
	    db_str(r, i, HISTORY_REMINDER_REASON));
	view_set_str(m, "scheduled_on", long_date(c, db_date(r, i,
	    HISTORY_REMINDER_SCHEDULED_ON)));
	view_set_str(m, "pay_by", date_valid(pay_by) ? page_date(c, pay_by) : "");
}

/* A task (shape TASK), for the invoice's history and the task list. */
static void
task_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	view_set_str(m, "id", db_str(r, i, TASK_ID));
	view_set_choice(m, "t_", remind_task_names, db_str(r, i, TASK_KIND));
	view_set_choice(m, "r_", remind_reason_names, db_str(r, i, TASK_REASON));
	view_set_str(m, "due_on", long_date(c, db_date(r, i, TASK_DUE_ON)));
	view_set_str(m, "status", db_str(r, i, TASK_STATUS));
	view_set_str(m, "number", db_str(r, i, TASK_NUMBER));
	view_set_str(m, "customer", db_str(r, i, TASK_CUSTOMER));
	view_set_str(m, "created", db_str(r, i, TASK_CREATED));
}

/* The cadence's next step not done yet, with its day, as v.next. */
static int
next_step(struct ctx *c, struct db *db, const char *id, struct view *v)
{
	const char	*p[2] = { id, c->cfg->timezone };
	struct view	*m;
	struct db_res	*r;

	if ((r = db_query(db, SQL_STAFF_NEXT_STEP, p, 2)) == NULL)
		return -1;
	view_set_bool(v, "has_next", db_rows(r) == 1);
	if (db_rows(r) == 1) {
		m = view_set_map(v, "next");
		view_set_choice(m, "k_", remind_step_names,
		    db_str(r, 0, NEXT_STEP_KIND));
		view_set_str(m, "on_day", long_date(c, db_date(r, 0, NEXT_STEP_ON_DAY)));
	}
	db_res_free(r);
	return 0;
}

/*
 * GET /staff/invoices/{number}: the invoice and everything that happened.
 * It only reads: from the replica when there is one.
 */
void
staff_invoice_get(struct ctx *c)
{
	struct staff_session	 s;
	struct view		*v;
	struct db		*db;
	char			 id[24];
	bool			 found;

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	if ((v = staff_view_or_reply(c, &s, "desk")) == NULL ||
	    (db = page_read_db_or_reply(c)) == NULL)
		return;
	if (invoice_facts(c, db, c->match.captures[0], v, id, sizeof(id),
	    &found) == -1)
		goto fail;
	if (!found) {
		page_error(c, 404, NULL);
		return;
	}
	if (invoice_list(c, db, SQL_STAFF_LINKS, id, v, "links", link_row) == -1 ||
	    invoice_list(c, db, SQL_STAFF_PLANS, id, v, "plans", plan_row) == -1 ||
	    invoice_list(c, db, SQL_STAFF_HARDSHIPS, id, v, "requests",
	    hardship_row) == -1 ||
	    invoice_list(c, db, SQL_STAFF_MESSAGES, id, v, "messages",
	    message_row) == -1 ||
	    invoice_list(c, db, SQL_STAFF_TIMELINE, id, v, "events", event_row) == -1 ||
	    invoice_list(c, db, SQL_STAFF_REMINDERS, id, v, "reminders",
	    reminder_row) == -1 ||
	    invoice_list(c, db, SQL_STAFF_TASKS_OF, id, v, "tasks", task_row) == -1 ||
	    next_step(c, db, id, v) == -1 ||
	    desk_calls_view(c, db, id, v) == -1 ||
	    desk_call_form_view(c, db, id, v) == -1)
		goto fail;
	view_set_fmt(v, "call_action", "/staff/invoices/%s/call",
	    c->match.captures[0]);
	page_render(c, 200, "staff_invoice", v);
	return;
fail:
	page_db_error(c);
}

/* GET /staff/tasks: the open tasks, the earliest due first. */
void
staff_tasks_get(struct ctx *c)
{
	struct staff_session	 s;
	struct view		*v, *list;
	struct db_res		*r;
	int			 i;

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	if ((v = staff_view_or_reply(c, &s, NULL)) == NULL)
		return;
	if ((r = db_query(c->db, SQL_STAFF_TASKS_OPEN, NULL, 0)) == NULL) {
		page_db_error(c);
		return;
	}
	list = view_set_list(v, "tasks");
	for (i = 0; i < db_rows(r); i++)
		task_row(c, r, i, view_push_map(list));
	view_set_bool(v, "has_tasks", db_rows(r) > 0);
	view_set_int(v, "count", db_rows(r));
	db_res_free(r);
	page_render(c, 200, "staff_tasks", v);
}
