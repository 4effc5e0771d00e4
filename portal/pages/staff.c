/*
 * The staff area: the hardship queue (/staff, with counts, pages and a
 * search), one request in full with its status and notes
 * (/staff/hardship/{id}), and an invoice's whole history from the audit
 * trail (/staff/invoices/{number}). Every change is audited with the
 * signed-in user; resolving a request lifts its reminder hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "page.h"
#include "pages/debtor.h"
#include "hardship.h"
#include "pages/staff.h"
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

static const char *
long_date(struct ctx *c, const char *iso)
{
	struct date	d;

	return date_parse(iso, &d) == 0 ? page_weekday_date(c, d) : iso;
}

/* One queue row (columns of QUEUE_COLUMNS in sql.c) as a view. */
static void
queue_row(struct ctx *c, const PGresult *res, int i, struct view *m)
{
	view_set_str(m, "id", PQgetvalue(res, i, 0));
	view_set_str(m, "number", PQgetvalue(res, i, 1));
	view_set_str(m, "customer", PQgetvalue(res, i, 2));
	view_set_choice(m, "is_", hardship_categories, PQgetvalue(res, i, 3));
	age_view(m, strtoll(PQgetvalue(res, i, 4), NULL, 10));
	view_set_str(m, "callback_date", long_date(c, PQgetvalue(res, i, 5)));
	view_set_bool(m, "morning", strcmp(PQgetvalue(res, i, 6), "morning") == 0);
	view_set_bool(m, "afternoon", strcmp(PQgetvalue(res, i, 6), "afternoon") == 0);
	view_set_str(m, "status", PQgetvalue(res, i, 7));
	view_set_choice(m, "status_", hardship_statuses, PQgetvalue(res, i, 7));
	view_set_bool(m, "by_phone", strcmp(PQgetvalue(res, i, 8), "phone") == 0);
	view_set_str(m, "received", PQgetvalue(res, i, 9));
}

static int
queue_counts(struct ctx *c, struct view *v)
{
	struct view	*counts = view_set_map(v, "counts");
	PGresult	*res;
	long long	 total = 0;
	int		 i, k;

	if ((res = db_run(c->db, SQL_QUEUE_COUNTS, NULL, 0)) == NULL)
		return -1;
	for (k = 0; hardship_statuses[k] != NULL; k++)
		view_set_int(counts, hardship_statuses[k], 0);
	for (i = 0; i < PQntuples(res); i++) {
		view_set_int(counts, PQgetvalue(res, i, 0),
		    strtoll(PQgetvalue(res, i, 1), NULL, 10));
		total += strtoll(PQgetvalue(res, i, 1), NULL, 10);
	}
	view_set_int(counts, "all", total);
	PQclear(res);
	return 0;
}

static int
queue_rows(struct ctx *c, struct view *v, const char *status, long page)
{
	char		 limit[16], offset[24];
	const char	*p[3] = { limit, offset, status };
	struct view	*list = view_set_list(v, "requests");
	PGresult	*res;
	int		 i, n;

	(void)snprintf(limit, sizeof(limit), "%d", QUEUE_PAGE + 1);
	(void)snprintf(offset, sizeof(offset), "%ld", (page - 1) * QUEUE_PAGE);
	res = db_run(c->db, status[0] ? SQL_QUEUE_STATUS : SQL_QUEUE_ALL, p,
	    status[0] ? 3 : 2);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n && i < QUEUE_PAGE; i++)
		queue_row(c, res, i, view_push_map(list));
	PQclear(res);
	view_set_bool(v, "empty", n == 0);
	if (page > 1)
		view_set_fmt(v, "prev_url", "/staff?status=%s&page=%ld", status, page - 1);
	if (n > QUEUE_PAGE)
		view_set_fmt(v, "next_url", "/staff?status=%s&page=%ld", status, page + 1);
	view_set_int(v, "page", page);
	return 0;
}

static int
search(struct ctx *c, struct view *v, const char *q)
{
	const char	*p[1] = { q };
	struct view	*list, *m;
	PGresult	*res;
	int		 i;

	view_set_str(v, "q", q);
	view_set_bool(v, "searched", true);
	if ((res = db_run(c->db, SQL_SEARCH, p, 1)) == NULL)
		return -1;
	list = view_set_list(v, "results");
	for (i = 0; i < PQntuples(res); i++) {
		m = view_push_map(list);
		view_set_str(m, "number", PQgetvalue(res, i, 0));
		view_set_str(m, "customer", PQgetvalue(res, i, 1));
		view_set_str(m, "issued", long_date(c, PQgetvalue(res, i, 2)));
		view_set_str(m, "due", long_date(c, PQgetvalue(res, i, 3)));
	}
	view_set_bool(v, "no_results", PQntuples(res) == 0);
	PQclear(res);
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

	if (form_check(c->req.query, c->req.nquery, fields, 3, f, &bad) != FORM_OK)
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

/* GET /staff: the hardship queue, newest first, with counts and search. */
void
staff_queue_get(struct ctx *c)
{
	struct staff_session	 s;
	struct view		*v;
	const char		*status, *q;
	long			 page;

	if (!staff_session_or_redirect(c, &s))
		return;
	if (!queue_query(c, &status, &page, &q)) {
		page_error(c, 400, NULL);
		return;
	}
	v = staff_view(c, &s, NULL);
	view_set_str(v, "filter", status);
	view_set_choice(v, "filter_", hardship_statuses, status);
	view_set_bool(v, "filter_all", status[0] == '\0');
	if (queue_counts(c, v) == -1 || queue_rows(c, v, status, page) == -1 ||
	    (q[0] != '\0' && search(c, v, q) == -1)) {
		page_error(c, db_is_down(c->db) ? 503 : 500, "database");
		return;
	}
	page_render(c, 200, "staff_queue", v);
}

/* Parses the {id} capture of /staff/hardship/{id}; false when not a number. */
static bool
request_id(struct ctx *c, char *id, size_t idsz)
{
	long	n;

	if (form_int(c->match.captures[0], 1, 999999999999L, &n) == -1)
		return false;
	(void)snprintf(id, idsz, "%ld", n);
	return true;
}

static int
request_view(struct ctx *c, const char *id, struct view *v, bool *found)
{
	const char	*p[1] = { id };
	struct view	*r;
	PGresult	*res;

	if ((res = db_run(c->db, SQL_HARDSHIP_GET, p, 1)) == NULL)
		return -1;
	*found = PQntuples(res) == 1;
	if (*found) {
		r = view_set_map(v, "request");
		view_set_str(r, "id", PQgetvalue(res, 0, 0));
		view_set_str(r, "number", PQgetvalue(res, 0, 1));
		view_set_str(r, "customer", PQgetvalue(res, 0, 2));
		view_set_str(r, "email", PQgetvalue(res, 0, 3));
		view_set_choice(r, "is_", hardship_categories, PQgetvalue(res, 0, 4));
		view_set_str(r, "message", PQgetvalue(res, 0, 5));
		view_set_bool(r, "by_phone", strcmp(PQgetvalue(res, 0, 6), "phone") == 0);
		view_set_bool(r, "by_email", strcmp(PQgetvalue(res, 0, 6), "email") == 0);
		view_set_str(r, "phone", PQgetvalue(res, 0, 7));
		view_set_str(r, "callback_date", long_date(c, PQgetvalue(res, 0, 8)));
		view_set_bool(r, "morning", strcmp(PQgetvalue(res, 0, 9), "morning") == 0);
		view_set_bool(r, "afternoon", strcmp(PQgetvalue(res, 0, 9), "afternoon") == 0);
		view_set_str(r, "status", PQgetvalue(res, 0, 10));
		view_set_choice(r, "status_", hardship_statuses, PQgetvalue(res, 0, 10));
		view_set_str(r, "received", PQgetvalue(res, 0, 11));
		age_view(r, strtoll(PQgetvalue(res, 0, 12), NULL, 10));
		view_set_str(r, "reviewer", PQgetvalue(res, 0, 13));
		view_set_str(r, "client_addr", PQgetvalue(res, 0, 14));
		/* The debtor's zone: "morning (9:00 to 12:00, Madrid time)". */
		view_set_str(r, "zone", debtor_zone(c, PQgetvalue(res, 0, 15)));
	}
	PQclear(res);
	return 0;
}

static int
notes_view(struct ctx *c, const char *id, struct view *v)
{
	const char	*p[1] = { id };
	struct view	*list = view_set_list(v, "notes"), *m;
	PGresult	*res;
	int		 i;

	if ((res = db_run(c->db, SQL_HARDSHIP_NOTES, p, 1)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		m = view_push_map(list);
		view_set_str(m, "at", PQgetvalue(res, i, 0));
		view_set_str(m, "staff", PQgetvalue(res, i, 1));
		view_set_choice(m, "old_", hardship_statuses, PQgetvalue(res, i, 2));
		view_set_choice(m, "new_", hardship_statuses, PQgetvalue(res, i, 3));
		view_set_bool(m, "changed", strcmp(PQgetvalue(res, i, 2),
		    PQgetvalue(res, i, 3)) != 0);
		view_set_str(m, "note", PQgetvalue(res, i, 4));
	}
	PQclear(res);
	return 0;
}

/* The request page; status 200, or 400 with the form's problem named. */
static void
render_request(struct ctx *c, const struct staff_session *s, const char *id,
    int status, const char *problem, const char *note)
{
	struct view	*v;
	bool		 found;
	char		 purpose[48];

	(void)snprintf(purpose, sizeof(purpose), "hardship:%s", id);
	v = staff_view(c, s, purpose);
	if (request_view(c, id, v, &found) == -1 || notes_view(c, id, v) == -1) {
		page_error(c, db_is_down(c->db) ? 503 : 500, "database");
		return;
	}
	if (!found) {
		page_error(c, 404, NULL);
		return;
	}
	if (problem != NULL)
		view_set_bool(v, problem, true);
	view_set_str(v, "note", note ? note : "");
	page_render(c, status, "staff_hardship", v);
}

/* GET /staff/hardship/{id}: the whole request, its notes, the form. */
void
staff_hardship_get(struct ctx *c)
{
	struct staff_session	s;
	char			id[24];

	if (!staff_session_or_redirect(c, &s))
		return;
	if (!request_id(c, id, sizeof(id))) {
		page_error(c, 404, NULL);
		return;
	}
	render_request(c, &s, id, 200, NULL, NULL);
}

/* Writes a status change or note under the request's row lock. */
static int
update_request(struct ctx *c, const struct staff_session *s, const char *id,
    const char *status, const char *note, bool *found)
{
	const char	*p[5];
	char		 old[16], invoice[24];
	PGresult	*res;

	p[0] = id;
	if ((res = db_run(c->db, SQL_HARDSHIP_LOCK, p, 1)) == NULL)
		return -1;
	*found = PQntuples(res) == 1;
	(void)snprintf(old, sizeof(old), "%s", *found ? PQgetvalue(res, 0, 0) : "");
	(void)snprintf(invoice, sizeof(invoice), "%s", *found ? PQgetvalue(res, 0, 1) : "");
	PQclear(res);
	if (!*found)
		return 0;
	p[1] = s->id; p[2] = old; p[3] = status; p[4] = note;
	if (db_do(c->db, SQL_HARDSHIP_NOTE_ADD, p, 5) == -1)
		return -1;
	p[1] = status; p[2] = s->id;
	if (db_do(c->db, SQL_HARDSHIP_SET_STATUS, p, 3) == -1)
		return -1;
	p[1] = s->id;
	if (strcmp(status, "resolved") == 0 &&
	    db_do(c->db, SQL_HOLD_RELEASE, p, 2) == -1)
		return -1;
	return staff_audit(c, s, strcmp(old, status) != 0 ? "hardship.status" :
	    "hardship.note", invoice, arena_printf(c->arena, "request %s: %s -> %s%s%s",
	    id, old, status, note[0] ? ": " : "", note));
}

/*
 * POST /staff/hardship/{id} (status, note, csrf): records who changed what
 * and when; resolving lifts the reminder hold. 403 without a valid CSRF
 * token, and nothing is written.
 */
void
staff_hardship_post(struct ctx *c)
{
	static const struct form_field fields[] = {
		{ "status", 16, false }, { "note", 4 * NOTE_MAX, false },
		{ "csrf", TOKEN_LEN, false },
	};
	struct staff_session	 s;
	const char		*f[3], *bad;
	char			 id[24], purpose[48];
	bool			 found;

	if (!staff_session_or_redirect(c, &s))
		return;
	if (!request_id(c, id, sizeof(id))) {
		page_error(c, 404, NULL);
		return;
	}
	if (form_check(c->req.form, c->req.nform, fields, 3, f, &bad) != FORM_OK) {
		page_error(c, 400, NULL);
		return;
	}
	(void)snprintf(purpose, sizeof(purpose), "hardship:%s", id);
	if (!staff_csrf_valid(c, &s, purpose, f[2])) {
		page_error(c, 403, "csrf");
		return;
	}
	if (form_choice(f[0], hardship_statuses) < 0 || utf8_count(f[1], strlen(f[1])) > NOTE_MAX) {
		render_request(c, &s, id, 400, form_choice(f[0], hardship_statuses) < 0 ?
		    "error_status" : "error_note", f[1]);
		return;
	}
	if (db_begin(c->db) == -1 ||
	    update_request(c, &s, id, f[0], f[1], &found) == -1 ||
	    (found && db_commit(c->db) == -1)) {
		db_rollback(c->db);
		page_error(c, db_is_down(c->db) ? 503 : 500, "database");
		return;
	}
	if (!found) {
		db_rollback(c->db);
		page_error(c, 404, NULL);
		return;
	}
	if (response_redirect(&c->res, arena_printf(c->arena,
	    "/staff/hardship/%s", id)) == -1)
		page_error(c, 500, NULL);
}

/* The invoice's facts and balance, from the same queries as the debtor's. */
static int
invoice_facts(struct ctx *c, const char *number, struct view *v, char *id,
    size_t idsz, bool *found)
{
	const char	*p[1] = { number };
	char		 currency[8];
	int64_t		 sum[DEBTOR_ITEM__MAX], balance;
	PGresult	*res;
	int		 r;

	if ((res = db_run(c->db, SQL_STAFF_INVOICE, p, 1)) == NULL)
		return -1;
	if (!(*found = PQntuples(res) == 1)) {
		PQclear(res);
		return 0;
	}
	(void)snprintf(id, idsz, "%s", PQgetvalue(res, 0, 0));
	(void)snprintf(currency, sizeof(currency), "%s", PQgetvalue(res, 0, 2));
	view_set_str(v, "number", PQgetvalue(res, 0, 1));
	view_set_str(v, "issued", long_date(c, PQgetvalue(res, 0, 3)));
	view_set_str(v, "due", long_date(c, PQgetvalue(res, 0, 4)));
	view_set_str(v, "customer", PQgetvalue(res, 0, 5));
	view_set_str(v, "email", PQgetvalue(res, 0, 6));
	view_set_str(v, "phone", PQgetvalue(res, 0, 7));
	view_set_str(v, "language", PQgetvalue(res, 0, 8));
	view_set_str(v, "customer_ref", PQgetvalue(res, 0, 9));
	view_set_str(v, "timezone", PQgetvalue(res, 0, 10));
	PQclear(res);
	p[0] = id;
	if ((res = db_run(c->db, SQL_INVOICE_ITEMS, p, 1)) == NULL)
		return -1;
	r = debtor_totals(res, sum, &balance);
	PQclear(res);
	if (r == -1)
		return -1;
	view_set_str(v, "lines_total", page_money(c, sum[DEBTOR_LINE], currency));
	view_set_str(v, "fees_total", page_money(c, sum[DEBTOR_FEE], currency));
	view_set_str(v, "payments_total", page_money(c, sum[DEBTOR_PAYMENT],
	    currency));
	view_set_str(v, "balance", page_money(c, balance, currency));
	view_set_str(v, "currency", currency);
	view_set_bool(v, "paid", balance <= 0);
	return 0;
}

/*
 * Runs q for the invoice; rows become maps of list key in v via fill(),
 * and has_<key> says whether there are any (a list alone cannot say it
 * without also becoming the context).
 */
static int
invoice_list(struct ctx *c, enum sql_query q, const char *id, struct view *v,
    const char *key, void (*fill)(struct ctx *, const PGresult *, int,
    struct view *))
{
	const char	*p[1] = { id };
	struct view	*list = view_set_list(v, key);
	PGresult	*res;
	int		 i;

	if ((res = db_run(c->db, q, p, 1)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++)
		fill(c, res, i, view_push_map(list));
	view_set_bool(v, arena_printf(c->arena, "has_%s", key), PQntuples(res) > 0);
	PQclear(res);
	return 0;
}

/* Copies row i's first columns into m under the keys given, in order. */
static void
row_strings(const PGresult *res, int i, const char *const *keys, struct view *m)
{
	int	col;

	for (col = 0; keys[col] != NULL; col++)
		view_set_str(m, keys[col], PQgetvalue(res, i, col));
}

static void
link_row(struct ctx *c, const PGresult *res, int i, struct view *m)
{
	static const char *const keys[] = { "id", "purpose", "issued",
	    "expires", "revoked", "last_used", NULL };

	(void)c;
	row_strings(res, i, keys, m);
	view_set_bool(m, "active", PQgetvalue(res, i, 6)[0] == 't');
}

static void
plan_row(struct ctx *c, const PGresult *res, int i, struct view *m)
{
	view_set_str(m, "id", PQgetvalue(res, i, 0));
	view_set_str(m, "status", PQgetvalue(res, i, 1));
	view_set_bool(m, "active", strcmp(PQgetvalue(res, i, 1), "active") == 0);
	view_set_str(m, "frequency", PQgetvalue(res, i, 2));
	view_set_bool(m, "weekly", strcmp(PQgetvalue(res, i, 2), "weekly") == 0);
	view_set_bool(m, "fortnightly", strcmp(PQgetvalue(res, i, 2), "fortnightly") == 0);
	view_set_bool(m, "monthly", strcmp(PQgetvalue(res, i, 2), "monthly") == 0);
	view_set_int(m, "count", strtoll(PQgetvalue(res, i, 3), NULL, 10));
	view_set_str(m, "total", page_money(c, strtoll(PQgetvalue(res, i, 4), NULL,
	    10), PQgetvalue(res, i, 8)));
	view_set_str(m, "accepted", PQgetvalue(res, i, 5));
	view_set_str(m, "terms_version", PQgetvalue(res, i, 6));
	view_set_str(m, "client_addr", PQgetvalue(res, i, 7));
}

static void
hardship_row(struct ctx *c, const PGresult *res, int i, struct view *m)
{
	(void)c;
	view_set_str(m, "id", PQgetvalue(res, i, 0));
	view_set_choice(m, "is_", hardship_categories, PQgetvalue(res, i, 1));
	view_set_choice(m, "status_", hardship_statuses, PQgetvalue(res, i, 2));
	view_set_str(m, "received", PQgetvalue(res, i, 3));
}

static void
message_row(struct ctx *c, const PGresult *res, int i, struct view *m)
{
	static const char *const keys[] = { "kind", "recipient", "subject",
	    "status", "attempts", "queued", "sent", "last_error", NULL };

	(void)c;
	row_strings(res, i, keys, m);
	view_set_int(m, "attempts", strtoll(PQgetvalue(res, i, 4), NULL, 10));
}

/* An audit event: the action becomes a flag ("a_plan_accepted") so the
 * template can say it in words. */
static void
event_row(struct ctx *c, const PGresult *res, int i, struct view *m)
{
	char	*flag;
	size_t	 k;

	view_set_str(m, "at", PQgetvalue(res, i, 0));
	view_set_str(m, "actor", PQgetvalue(res, i, 1));
	view_set_bool(m, "by_debtor", strcmp(PQgetvalue(res, i, 1), "debtor") == 0);
	view_set_str(m, "staff", PQgetvalue(res, i, 2));
	view_set_str(m, "action", PQgetvalue(res, i, 3));
	view_set_str(m, "detail", PQgetvalue(res, i, 4));
	view_set_str(m, "client_addr", PQgetvalue(res, i, 5));
	view_set_str(m, "link", PQgetvalue(res, i, 6));
	if ((flag = arena_printf(c->arena, "a_%s", PQgetvalue(res, i, 3))) != NULL) {
		for (k = 0; flag[k] != '\0'; k++)
			if (flag[k] == '.')
				flag[k] = '_';
		view_set_bool(m, flag, true);
	}
}

/* GET /staff/invoices/{number}: the invoice and everything that happened. */
void
staff_invoice_get(struct ctx *c)
{
	struct staff_session	 s;
	struct view		*v;
	char			 id[24];
	bool			 found;

	if (!staff_session_or_redirect(c, &s))
		return;
	v = staff_view(c, &s, NULL);
	if (invoice_facts(c, c->match.captures[0], v, id, sizeof(id), &found) == -1)
		goto fail;
	if (!found) {
		page_error(c, 404, NULL);
		return;
	}
	if (invoice_list(c, SQL_STAFF_LINKS, id, v, "links", link_row) == -1 ||
	    invoice_list(c, SQL_STAFF_PLANS, id, v, "plans", plan_row) == -1 ||
	    invoice_list(c, SQL_STAFF_HARDSHIPS, id, v, "requests", hardship_row) == -1 ||
	    invoice_list(c, SQL_STAFF_MESSAGES, id, v, "messages", message_row) == -1 ||
	    invoice_list(c, SQL_STAFF_TIMELINE, id, v, "events", event_row) == -1)
		goto fail;
	page_render(c, 200, "staff_invoice", v);
	return;
fail:
	page_error(c, db_is_down(c->db) ? 503 : 500, "database");
}
