/*
 * The credit-control desk (issue 14): the worklist for the clerk's day at
 * /staff, one task with its actions at /staff/tasks/{id} (assign, done,
 * snooze, each under a version check), and the call log on a task or an
 * invoice with what was agreed (a promise to pay with its hold, a plan in
 * words, a callback at a slot in the debtor's zone, mailed with an .ics),
 * and the written confirmation of an agreement (/staff/calls/{id}/confirm).
 * Every change is audited with the signed-in user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "hardship.h"
#include "i18n.h"
#include "ics.h"
#include "mail.h"
#include "money.h"
#include "mustache.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "pages/desk.h"
#include "pages/staff.h"
#include "remind.h"
#include "routes.h"
#include "tz.h"
#include "utf8.h"
#include "view.h"

#define DESK_ROWS	200	/* worklist rows on one page */
#define DESK_NOTE_MAX	4000
#define DESK_PLAN_MAX	1000
#define DESK_PURPOSE	"desk"	/* the CSRF purpose of every desk form */
#define SLOT_DAYS	5	/* working days of callback slots offered */
#define SLOT_NOTICE	(24 * 3600)	/* a callback needs this much notice */
#define PROMISE_DAYS	90	/* a promise is for a day within this many */

static const char *const desk_statuses[] = { "open", "done", NULL };
static const char *const desk_actions[] = { "assign", "done", "snooze", NULL };
static const char *const call_outcomes[] = { "reached", "no_answer", "message",
	"wrong_number", "call_back", NULL };
static const char *const call_agreements[] = { "none", "promise", "plan",
	"callback", NULL };
/* Callback slots, minutes after local midnight: weekday mid-morning. */
static const int slot_minutes[] = { 9 * 60 + 30, 10 * 60, 10 * 60 + 30, 11 * 60 };
#define NSLOTS	(sizeof(slot_minutes) / sizeof(slot_minutes[0]))

/* The clerk's today and zone (shape DESK_DAY); 0 or -1. */
static int
desk_day(struct ctx *c, struct db *db, const struct staff_session *s,
    struct date *today, char *zone, size_t zonesz)
{
	char		 now[24];
	const char	*p[3] = { now, s->id, c->cfg->timezone };
	struct db_res	*r;

	(void)snprintf(now, sizeof(now), "%lld", (long long)c->now);
	if ((r = db_query(db, SQL_DESK_DAY, p, 3)) == NULL)
		return -1;
	if (db_rows(r) != 1) {
		db_res_free(r);
		return -1;
	}
	*today = db_date(r, 0, DESK_DAY_TODAY);
	(void)snprintf(zone, zonesz, "%s", db_str(r, 0, DESK_DAY_ZONE));
	db_res_free(r);
	return 0;
}

/*
 * The page where a task's request is handled (common.md's map), or the
 * task's own page; arena-owned.
 */
static const char *
task_target(struct ctx *c, const char *kind, const char *ref, const char *id)
{
	static const struct { const char *kind, *base; } pages[] = {
		{ "hardship", "/staff/hardship/" }, { "dispute", "/staff/disputes/" },
		{ "paid_claim", "/staff/claims/" }, { "proposal", "/staff/proposals/" },
	};
	size_t	i;

	for (i = 0; ref[0] != '\0' && i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(kind, pages[i].kind) == 0)
			return arena_printf(c->arena, "%s%s", pages[i].base, ref);
	/* A letter is printed, an escalation decided, on pages of their own. */
	if (strcmp(kind, "letter") == 0)
		return arena_printf(c->arena, "/staff/tasks/%s/letter", id);
	if (strcmp(kind, "escalate") == 0)
		return arena_printf(c->arena, "/staff/tasks/%s/escalation", id);
	return arena_printf(c->arena, "/staff/tasks/%s", id);
}

/* A phone number as a tel: URI: the + and digits only. */
static const char *
tel_uri(struct ctx *c, const char *phone)
{
	char	out[48];
	size_t	n = 0;

	for (; *phone != '\0' && n + 1 < sizeof(out); phone++)
		if ((*phone >= '0' && *phone <= '9') || (*phone == '+' && n == 0))
			out[n++] = *phone;
	out[n] = '\0';
	return n > 0 ? arena_printf(c->arena, "tel:%s", out) : "";
}

/* A date with its weekday, or "" when it is NULL. */
static const char *
long_date(struct ctx *c, struct date d)
{
	return date_valid(d) ? page_weekday_date(c, d) : "";
}

/* One worklist row (shape DESK_ROW). */
static void
desk_row(struct ctx *c, const struct db_res *r, int i, struct date today,
    struct view *m)
{
	const char	*id = db_str(r, i, DESK_ROW_ID);
	const char	*kind = db_str(r, i, DESK_ROW_KIND);
	const char	*phone = db_str(r, i, DESK_ROW_PHONE);
	struct date	 due = db_date(r, i, DESK_ROW_DUE_ON);
	int64_t		 late = db_int(r, i, DESK_ROW_DAYS_OVERDUE);

	view_set_str(m, "id", id);
	view_set_choice(m, "t_", remind_task_names, kind);
	view_set_choice(m, "r_", remind_reason_names, db_str(r, i, DESK_ROW_REASON));
	view_set_str(m, "target", task_target(c, kind, db_str(r, i,
	    DESK_ROW_REF_ID), id));
	view_set_str(m, "due_on", long_date(c, due));
	view_set_bool(m, "late", date_valid(due) && date_diff(today, due) > 0);
	view_set_str(m, "due_time", db_str(r, i, DESK_ROW_DUE_TIME));
	view_set_str(m, "assignee", db_str(r, i, DESK_ROW_ASSIGNEE));
	view_set_str(m, "number", db_str(r, i, DESK_ROW_NUMBER));
	view_set_str(m, "customer", db_str(r, i, DESK_ROW_CUSTOMER));
	view_set_str(m, "balance", page_money(c, db_int(r, i,
	    DESK_ROW_BALANCE_CENTS), db_str(r, i, DESK_ROW_CURRENCY)));
	view_set_int(m, "days_overdue", late > 0 ? late : 0);
	view_set_str(m, "phone", phone);
	view_set_str(m, "tel", tel_uri(c, phone));
	view_set_str(m, "language", db_str(r, i, DESK_ROW_LANGUAGE));
}

/* The worklist's query: kind, status, mine; false when one is not valid. */
static bool
desk_query(struct ctx *c, const char **kind, const char **status, bool *mine)
{
	static const struct form_field fields[] = {
		{ "kind", 24, false }, { "status", 8, false }, { "mine", 2, false },
	};
	const char	*f[3], *bad;

	if (c->req.query_bad || form_check(c->req.query, c->req.nquery, fields,
	    3, f, &bad, NULL) != FORM_OK)
		return false;
	if ((f[0][0] != '\0' && form_choice(f[0], remind_task_names) < 0) ||
	    (f[1][0] != '\0' && form_choice(f[1], desk_statuses) < 0) ||
	    (f[2][0] != '\0' && strcmp(f[2], "1") != 0))
		return false;
	*kind = f[0];
	*status = f[1][0] ? f[1] : "open";
	*mine = f[2][0] != '\0';
	return true;
}

/* The filter form's choices, each kind with whether it is chosen. */
static void
filter_view(struct view *v, const char *kind, const char *status, bool mine)
{
	struct view	*list = view_set_list(v, "kinds"), *m;
	size_t		 k;

	for (k = 0; remind_task_names[k] != NULL; k++) {
		m = view_push_map(list);
		view_set_str(m, "value", remind_task_names[k]);
		view_set_choice(m, "t_", remind_task_names, remind_task_names[k]);
		view_set_bool(m, "selected", strcmp(kind, remind_task_names[k]) == 0);
	}
	view_set_bool(v, "kind_all", kind[0] == '\0');
	view_set_bool(v, "status_open", strcmp(status, "open") == 0);
	view_set_bool(v, "status_done", strcmp(status, "done") == 0);
	view_set_bool(v, "mine", mine);
}

/* True when the query asks for the hardship queue (its search, pages, statuses). */
static bool
wants_queue(const struct ctx *c)
{
	size_t	i;

	for (i = 0; i < c->req.nquery; i++) {
		const char	*k = c->req.query[i].name, *val = c->req.query[i].value;

		if (strcmp(k, "q") == 0 || strcmp(k, "page") == 0 ||
		    (strcmp(k, "status") == 0 && form_choice(val, desk_statuses) < 0))
			return true;
	}
	return false;
}

/*
 * GET /staff: the worklist for the clerk's day. The hardship queue's own
 * queries (q, page, a request status) still answer here, as the queue.
 */
void
desk_get(struct ctx *c)
{
	struct staff_session	 s;
	struct view		*v, *list;
	struct db_res		*r;
	struct date		 today;
	const char		*kind, *status, *p[5];
	char			 day[16], zone[TZ_NAME_MAX], limit[8];
	bool			 mine;
	int			 i;

	if (!c->req.query_bad && wants_queue(c)) {
		staff_queue_get(c);
		return;
	}
	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	if (!desk_query(c, &kind, &status, &mine)) {
		page_error(c, 400, NULL);
		return;
	}
	if ((v = staff_view_or_reply(c, &s, NULL)) == NULL || !page_db_or_reply(c))
		return;
	if (desk_day(c, c->db, &s, &today, zone, sizeof(zone)) == -1)
		goto fail;
	(void)date_format_iso(day, sizeof(day), today);
	(void)snprintf(limit, sizeof(limit), "%d", DESK_ROWS);
	p[0] = day; p[1] = kind; p[2] = mine ? s.id : ""; p[3] = limit; p[4] = zone;
	if ((r = db_query(c->db, strcmp(status, "done") == 0 ? SQL_DESK_DONE :
	    SQL_DESK_OPEN, p, 5)) == NULL)
		goto fail;
	list = view_set_list(v, "rows");
	for (i = 0; i < db_rows(r); i++)
		desk_row(c, r, i, today, view_push_map(list));
	view_set_int(v, "count", db_rows(r));
	view_set_bool(v, "has_rows", db_rows(r) > 0);
	view_set_bool(v, "more", db_rows(r) == DESK_ROWS);
	db_res_free(r);
	view_set_str(v, "today", page_weekday_date(c, today));
	view_set_str(v, "zone", debtor_zone(c, zone));
	filter_view(v, kind, status, mine);
	page_render(c, 200, "staff_desk", v);
	return;
fail:
	page_db_error(c);
}

/* The invoice a call is about (shape DESK_INVOICE) into v.invoice. */
static void
invoice_view(struct ctx *c, const struct db_res *r, struct view *v)
{
	struct view	*m = view_set_map(v, "invoice");
	const char	*phone = db_str(r, 0, DESK_INVOICE_PHONE);
	int64_t		 late = db_int(r, 0, DESK_INVOICE_DAYS_OVERDUE);

	view_set_str(m, "number", db_str(r, 0, DESK_INVOICE_NUMBER));
	view_set_str(m, "customer", db_str(r, 0, DESK_INVOICE_CUSTOMER));
	view_set_str(m, "email", db_str(r, 0, DESK_INVOICE_EMAIL));
	view_set_str(m, "phone", phone);
	view_set_str(m, "tel", tel_uri(c, phone));
	view_set_str(m, "language", db_str(r, 0, DESK_INVOICE_LANGUAGE));
	view_set_str(m, "zone", debtor_zone(c, db_str(r, 0, DESK_INVOICE_ZONE)));
	view_set_str(m, "balance", page_money(c, db_int(r, 0,
	    DESK_INVOICE_BALANCE_CENTS), db_str(r, 0, DESK_INVOICE_CURRENCY)));
	view_set_int(m, "days_overdue", late > 0 ? late : 0);
}

/*
 * The callback slots offered: weekday mid-morning times in the debtor's
 * zone over the next SLOT_DAYS working days, none under 24 hours ahead.
 * Each slot's value is "YYYY-MM-DDTHH:MM", local to the debtor.
 */
static void
slots_view(struct ctx *c, const char *zone, const char *chosen, struct view *v)
{
	struct view	*days = view_set_list(v, "slot_days"), *d, *times, *m;
	struct date	 day = page_today(c);
	char		 iso[16], value[48];
	int		 found = 0, tries;
	size_t		 k;
	time_t		 at;

	for (tries = 0; found < SLOT_DAYS && tries < 14; tries++) {
		day = date_add_days(day, 1);
		if (date_weekday(day) > 5)
			continue;
		found++;
		d = view_push_map(days);
		view_set_str(d, "day", page_weekday_date(c, day));
		times = view_set_list(d, "times");
		(void)date_format_iso(iso, sizeof(iso), day);
		for (k = 0; k < NSLOTS; k++) {
			at = tz_time(zone, day, 0);
			if (at == (time_t)-1 || at + slot_minutes[k] * 60 - c->now <
			    SLOT_NOTICE)
				continue;
			(void)snprintf(value, sizeof(value), "%sT%02d:%02d", iso,
			    slot_minutes[k] / 60, slot_minutes[k] % 60);
			m = view_push_map(times);
			view_set_str(m, "value", value);
			view_set_fmt(m, "time", "%d:%02d", slot_minutes[k] / 60,
			    slot_minutes[k] % 60);
			view_set_bool(m, "checked", chosen != NULL &&
			    strcmp(chosen, value) == 0);
		}
	}
}

/* Every value a form posted, kept for the page drawn again. */
struct call_form {
	const char	*outcome, *note, *agreed, *pay_on, *plan_text, *slot;
};

/* The call form's values and the callback slots, into v. */
static void
call_form_view(struct ctx *c, const char *zone, const struct call_form *f,
    struct view *v)
{
	struct view	*m = view_set_map(v, "call");

	view_set_choice(m, "o_", call_outcomes, f && f->outcome ? f->outcome : "");
	view_set_choice(m, "a_", call_agreements, f && f->agreed ? f->agreed :
	    "none");
	view_set_str(m, "note", f && f->note ? f->note : "");
	view_set_str(m, "pay_on", f && f->pay_on ? f->pay_on : "");
	view_set_str(m, "plan_text", f && f->plan_text ? f->plan_text : "");
	slots_view(c, zone, f ? f->slot : NULL, m);
}

/* One logged call (shape DESK_CALL) for the lists. */
static void
call_row(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	const char	*agreed = db_str(r, i, DESK_CALL_AGREED);
	struct date	 pay_on = db_date(r, i, DESK_CALL_PAY_ON);

	view_set_str(m, "id", db_str(r, i, DESK_CALL_ID));
	view_set_str(m, "at", db_str(r, i, DESK_CALL_AT));
	view_set_str(m, "staff", db_str(r, i, DESK_CALL_STAFF));
	view_set_choice(m, "o_", call_outcomes, db_str(r, i, DESK_CALL_OUTCOME));
	view_set_choice(m, "a_", call_agreements, agreed);
	view_set_bool(m, "agreement", strcmp(agreed, "none") != 0);
	view_set_str(m, "note", db_str(r, i, DESK_CALL_NOTE));
	view_set_str(m, "pay_on", long_date(c, pay_on));
	if (date_valid(pay_on))
		view_set_str(m, "amount", page_money(c, db_int(r, i,
		    DESK_CALL_AMOUNT_CENTS), db_str(r, i, DESK_CALL_CURRENCY)));
	view_set_str(m, "plan_text", db_str(r, i, DESK_CALL_PLAN_TEXT));
	view_set_str(m, "callback_at", db_str(r, i, DESK_CALL_CALLBACK_AT));
	view_set_str(m, "confirmed", db_str(r, i, DESK_CALL_CONFIRMED));
}

/* The invoice's calls into v.calls (has_calls); 0 or -1. */
int
desk_calls_view(struct ctx *c, struct db *db, const char *invoice_id,
    struct view *v)
{
	const char	*p[2] = { invoice_id, c->cfg->timezone };
	struct view	*list = view_set_list(v, "calls");
	struct db_res	*r;
	int		 i;

	if ((r = db_query(db, SQL_DESK_CALLS, p, 2)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r); i++)
		call_row(c, r, i, view_push_map(list));
	view_set_bool(v, "has_calls", db_rows(r) > 0);
	db_res_free(r);
	return 0;
}

/* The invoice's debtor zone, for an invoice page's call form; 0 or -1. */
int
desk_call_form_view(struct ctx *c, struct db *db, const char *invoice_id,
    struct view *v)
{
	const char	*p[3] = { invoice_id, "", c->cfg->timezone };
	struct db_res	*r;

	if ((r = db_query(db, SQL_DESK_INVOICE, p, 3)) == NULL)
		return -1;
	if (db_rows(r) == 1)
		call_form_view(c, db_str(r, 0, DESK_INVOICE_ZONE), NULL, v);
	db_res_free(r);
	return 0;
}

/* The task (shape DESK_TASK) into v.task; *found says whether there is one. */
static int
task_view(struct ctx *c, const char *id, const char *zone, struct view *v,
    char *invoice, size_t invsz, bool *found)
{
	const char	*p[2] = { id, zone };
	const char	*kind, *status;
	struct view	*m;
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_DESK_TASK, p, 2)) == NULL)
		return -1;
	if ((*found = db_rows(r) == 1)) {
		m = view_set_map(v, "task");
		kind = db_str(r, 0, DESK_TASK_KIND);
		status = db_str(r, 0, DESK_TASK_STATUS);
		view_set_str(m, "id", id);
		view_set_choice(m, "t_", remind_task_names, kind);
		view_set_choice(m, "r_", remind_reason_names,
		    db_str(r, 0, DESK_TASK_REASON));
		if (db_str(r, 0, DESK_TASK_REF_ID)[0] != '\0')
			view_set_str(m, "request", task_target(c, kind,
			    db_str(r, 0, DESK_TASK_REF_ID), id));
		view_set_str(m, "due_on", long_date(c, db_date(r, 0, DESK_TASK_DUE_ON)));
		view_set_str(m, "due_time", db_str(r, 0, DESK_TASK_DUE_TIME));
		view_set_bool(m, "open", strcmp(status, "open") == 0);
		view_set_choice(m, "s_", desk_statuses, status);
		view_set_str(m, "version", db_str(r, 0, DESK_TASK_VERSION));
		view_set_str(m, "assigned_to", db_str(r, 0, DESK_TASK_ASSIGNED_TO));
		view_set_str(m, "assignee", db_str(r, 0, DESK_TASK_ASSIGNEE));
		view_set_str(m, "snoozed_until", long_date(c, db_date(r, 0,
		    DESK_TASK_SNOOZED_UNTIL)));
		view_set_str(m, "done_at", db_str(r, 0, DESK_TASK_DONE_AT));
		view_set_str(m, "done_by", db_str(r, 0, DESK_TASK_DONE_BY));
		view_set_str(m, "note", db_str(r, 0, DESK_TASK_NOTE));
		view_set_str(m, "created", db_str(r, 0, DESK_TASK_CREATED));
		(void)snprintf(invoice, invsz, "%s", db_str(r, 0,
		    DESK_TASK_INVOICE_ID));
	}
	db_res_free(r);
	return 0;
}

/* The staff users to assign to, the signed-in one first as "me". */
static int
staff_list_view(struct ctx *c, const struct staff_session *s, struct view *v)
{
	struct view	*list = view_set_list(v, "staff_users"), *m;
	struct db_res	*r;
	int		 i;

	if ((r = db_query(c->db, SQL_DESK_STAFF, NULL, 0)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r); i++) {
		if (strcmp(db_str(r, i, DESK_STAFF_ID), s->id) == 0)
			continue;
		m = view_push_map(list);
		view_set_str(m, "id", db_str(r, i, DESK_STAFF_ID));
		view_set_str(m, "name", db_str(r, i, DESK_STAFF_NAME));
	}
	db_res_free(r);
	return 0;
}

/* What a page drawn again keeps: the problem and the values posted. */
struct redraw {
	int			 status;
	const char		*problem;	/* "error_until", ...; NULL */
	const char		*note, *until;
	const struct call_form	*call;
};

/* The task page: the task, its invoice, the actions, the call form. */
static void
render_task(struct ctx *c, const struct staff_session *s, const char *id,
    const struct redraw *rd)
{
	struct view	*v;
	struct db_res	*r = NULL;
	struct date	 today;
	char		 zone[TZ_NAME_MAX], invoice[24];
	const char	*p[3];
	bool		 found;

	if ((v = staff_view_or_reply(c, s, DESK_PURPOSE)) == NULL ||
	    !page_db_or_reply(c))
		return;
	if (desk_day(c, c->db, s, &today, zone, sizeof(zone)) == -1 ||
	    task_view(c, id, zone, v, invoice, sizeof(invoice), &found) == -1)
		goto fail;
	if (!found) {
		page_error(c, 404, NULL);
		return;
	}
	p[0] = invoice; p[1] = ""; p[2] = c->cfg->timezone;
	if ((r = db_query(c->db, SQL_DESK_INVOICE, p, 3)) == NULL || db_rows(r) != 1)
		goto fail;
	invoice_view(c, r, v);
	view_set_fmt(v, "call_action", "/staff/tasks/%s/call", id);
	call_form_view(c, db_str(r, 0, DESK_INVOICE_ZONE), rd->call, v);
	db_res_free(r);
	r = NULL;
	if (staff_list_view(c, s, v) == -1 || desk_calls_view(c, c->db, invoice, v) == -1)
		goto fail;
	if (rd->problem != NULL) {
		view_set_bool(v, rd->problem, true);
		view_set_bool(v, "has_error", true);
	}
	view_set_str(v, "note", rd->note ? rd->note : "");
	view_set_str(v, "until", rd->until ? rd->until : "");
	page_render(c, rd->status, "staff_task", v);
	return;
fail:
	db_res_free(r);
	page_db_error(c);
}

/* GET /staff/tasks/{id}. */
void
desk_task_get(struct ctx *c)
{
	struct staff_session	s;
	char			id[24];

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	render_task(c, &s, id, &(struct redraw){ .status = 200 });
}

/* The posted task action: what is wrong with it, or NULL. */
static const char *
action_problem(const char **f, const enum form_result *each,
    struct date today, struct date *until, long *version)
{
	int	a = form_choice(f[0], desk_actions);

	if (each[0] != FORM_OK || a < 0 || each[1] != FORM_OK ||
	    form_int(f[1], 1, 2000000000L, version) == -1)
		return "error_action";
	if (a == 0 && strcmp(f[2], "me") != 0 && form_int(f[2], 1,
	    999999999999L, &(long){ 0 }) == -1)
		return "error_assignee";
	if (a == 1 && (each[3] != FORM_OK ||
	    utf8_count(f[3], strlen(f[3])) > DESK_NOTE_MAX))
		return "error_note";
	if (a == 2 && (each[4] != FORM_OK || date_parse(f[4], until) == -1))
		return "error_until";
	if (a == 2 && date_diff(*until, today) <= 0)
		return "error_until_past";
	return NULL;
}

/*
 * Applies action f[0] to task id under its row lock: *conflict names why
 * it cannot (changed meanwhile, done already) and nothing is written.
 */
static int
apply_action(struct ctx *c, const struct staff_session *s, const char *id,
    const char **f, long version, const char **conflict, bool *found)
{
	const char	*p[3] = { id, NULL, NULL };
	char		 invoice[24], status[16], until[16];
	long		 have;
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_DESK_LOCK, p, 1)) == NULL)
		return -1;
	*found = db_rows(r) == 1;
	have = *found ? (long)db_int(r, 0, DESK_LOCK_VERSION) : 0;
	(void)snprintf(status, sizeof(status), "%s", *found ?
	    db_str(r, 0, DESK_LOCK_STATUS) : "");
	(void)snprintf(invoice, sizeof(invoice), "%s", *found ?
	    db_str(r, 0, DESK_LOCK_INVOICE_ID) : "");
	db_res_free(r);
	if (!*found)
		return 0;
	if (strcmp(f[0], "done") == 0 && strcmp(status, "open") != 0)
		*conflict = "error_done_twice";
	else if (have != version)
		*conflict = "error_stale";
	else if (strcmp(status, "open") != 0)
		*conflict = "error_closed";
	if (*conflict != NULL)
		return 0;
	if (strcmp(f[0], "assign") == 0) {
		p[1] = strcmp(f[2], "me") == 0 ? s->id : f[2];
		if (db_do(c->db, SQL_DESK_ASSIGN, p, 2) == -1)
			return -1;
		return staff_audit(c, s, "task.assigned", invoice, arena_printf(
		    c->arena, "task %s: assigned to staff user %s", id, p[1]));
	}
	if (strcmp(f[0], "done") == 0) {
		p[1] = s->id; p[2] = f[3];
		if (db_do(c->db, SQL_DESK_FINISH, p, 3) == -1)
			return -1;
		return staff_audit(c, s, "task.done", invoice, arena_printf(c->arena,
		    "task %s: done%s%s", id, f[3][0] ? ": " : "", f[3]));
	}
	(void)snprintf(until, sizeof(until), "%s", f[4]);
	p[1] = until;
	if (db_do(c->db, SQL_DESK_SNOOZE, p, 2) == -1)
		return -1;
	return staff_audit(c, s, "task.snoozed", invoice, arena_printf(c->arena,
	    "task %s: snoozed until %s", id, until));
}

/*
 * POST /staff/tasks/{id} (action assign|done|snooze, version, assignee,
 * note, until, csrf): 403 without a valid token, 400 with the problem at
 * its field, 409 when the task changed since the form was drawn or is
 * done already; nothing written then. Else 303 back to the task.
 */
void
desk_task_post(struct ctx *c)
{
	static const struct form_field fields[] = {
		{ "action", 8, false }, { "version", 12, false },
		{ "assignee", 16, false }, { "note", 4 * DESK_NOTE_MAX, false },
		{ "until", 10, false }, { "csrf", TOKEN_LEN, false },
	};
	struct staff_session	 s;
	const char		*f[6], *bad, *problem, *conflict = NULL;
	enum form_result	 each[6], fr;
	struct date		 today, until;
	char			 id[24], zone[TZ_NAME_MAX];
	long			 version = 0;
	bool			 found;

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	fr = form_check(c->req.form, c->req.nform, fields, 6, f, &bad, each);
	if (fr == FORM_UNKNOWN || fr == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	if (!staff_csrf_valid(c, &s, DESK_PURPOSE, each[5] == FORM_OK ? f[5] : "")) {
		render_task(c, &s, id, &(struct redraw){ 403, "error_csrf", f[3],
		    f[4], NULL });
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	if (desk_day(c, c->db, &s, &today, zone, sizeof(zone)) == -1)
		goto fail;
	if ((problem = action_problem(f, each, today, &until, &version)) != NULL) {
		db_rollback(c->db);
		render_task(c, &s, id, &(struct redraw){ 400, problem, f[3], f[4],
		    NULL });
		return;
	}
	if (apply_action(c, &s, id, f, version, &conflict, &found) == -1) {
		if (strcmp(db_sqlstate(c->db), "23503") == 0) {
			db_rollback(c->db);
			render_task(c, &s, id, &(struct redraw){ 400,
			    "error_assignee", f[3], f[4], NULL });
			return;
		}
		goto fail;
	}
	if (!found || conflict != NULL) {
		db_rollback(c->db);
		if (!found)
			page_error(c, 404, NULL);
		else
			render_task(c, &s, id, &(struct redraw){ 409, conflict,
			    f[3], f[4], NULL });
		return;
	}
	if (db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, arena_printf(c->arena, "/staff/tasks/%s",
	    id)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	page_db_error(c);
}

/* Where a call was logged from: a task, or an invoice alone. */
struct call_ctx {
	const char	*task_id;		/* "" for an invoice's page */
	char		 invoice_id[24];
	char		 number[40];
	char		 customer[128];
	char		 email[256];
	char		 language[16];
	char		 zone[TZ_NAME_MAX];
	char		 currency[8];
	int64_t		 balance;
};

/* Fills cc from one DESK_INVOICE row. */
static void
call_ctx_fill(struct call_ctx *cc, const struct db_res *r)
{
	(void)snprintf(cc->invoice_id, sizeof(cc->invoice_id), "%s",
	    db_str(r, 0, DESK_INVOICE_ID));
	(void)snprintf(cc->number, sizeof(cc->number), "%s",
	    db_str(r, 0, DESK_INVOICE_NUMBER));
	(void)snprintf(cc->customer, sizeof(cc->customer), "%s",
	    db_str(r, 0, DESK_INVOICE_CUSTOMER));
	(void)snprintf(cc->email, sizeof(cc->email), "%s",
	    db_str(r, 0, DESK_INVOICE_EMAIL));
	(void)snprintf(cc->language, sizeof(cc->language), "%s",
	    db_str(r, 0, DESK_INVOICE_LANGUAGE));
	(void)snprintf(cc->zone, sizeof(cc->zone), "%s",
	    db_str(r, 0, DESK_INVOICE_ZONE));
	(void)snprintf(cc->currency, sizeof(cc->currency), "%s",
	    db_str(r, 0, DESK_INVOICE_CURRENCY));
	cc->balance = db_int(r, 0, DESK_INVOICE_BALANCE_CENTS);
}

/*
 * A slot posted as "YYYY-MM-DDTHH:MM" in the debtor's zone: *at is its
 * moment. What is wrong with it, or NULL: a weekend, under 24 hours ahead,
 * not one of the offered times.
 */
static const char *
slot_problem(struct ctx *c, const char *zone, const char *slot, time_t *at)
{
	char		 day[11];
	struct date	 d;
	int		 h, m;
	size_t		 k;
	time_t		 midnight;

	if (strlen(slot) != 16 || slot[10] != 'T' || slot[13] != ':')
		return "error_slot";
	memcpy(day, slot, 10);
	day[10] = '\0';
	if (date_parse(day, &d) == -1 || sscanf(slot + 11, "%2d:%2d", &h, &m) != 2)
		return "error_slot";
	if (date_weekday(d) > 5)
		return "error_slot_weekend";
	for (k = 0; k < NSLOTS && slot_minutes[k] != h * 60 + m; k++)
		;
	if (k == NSLOTS)
		return "error_slot";
	if ((midnight = tz_time(zone, d, 0)) == (time_t)-1)
		return "error_slot";
	*at = midnight + (time_t)slot_minutes[k] * 60;
	if (*at - c->now < SLOT_NOTICE)
		return "error_slot_soon";
	return NULL;
}

/* What is wrong with a posted call, or NULL; *pay_on and *at are set. */
static const char *
call_problem(struct ctx *c, const struct call_ctx *cc, const struct call_form *f,
    const enum form_result *each, struct date *pay_on, time_t *at)
{
	struct date	today = page_today(c);

	if (each[0] != FORM_OK || form_choice(f->outcome, call_outcomes) < 0)
		return "error_outcome";
	if (each[1] != FORM_OK || utf8_count(f->note, strlen(f->note)) > DESK_NOTE_MAX)
		return "error_call_note";
	if (each[2] != FORM_OK || form_choice(f->agreed, call_agreements) < 0)
		return "error_agreed";
	if (strcmp(f->agreed, "promise") == 0) {
		if (each[3] != FORM_OK || date_parse(f->pay_on, pay_on) == -1 ||
		    date_diff(*pay_on, today) < 0 ||
		    date_diff(*pay_on, today) > PROMISE_DAYS)
			return "error_pay_on";
		if (cc->balance <= 0)
			return "error_promise_paid";
	}
	if (strcmp(f->agreed, "plan") == 0 && (each[4] != FORM_OK ||
	    f->plan_text[0] == '\0' ||
	    utf8_count(f->plan_text, strlen(f->plan_text)) > DESK_PLAN_MAX))
		return "error_plan_text";
	if (strcmp(f->agreed, "callback") == 0)
		return each[5] != FORM_OK ? "error_slot" :
		    slot_problem(c, cc->zone, f->slot, at);
	return NULL;
}

/* Switches to the customer's language for their mail; returns the old one. */
static const struct i18n_lang *
customer_lang(struct ctx *c, const char *tag)
{
	const struct i18n_lang	*l = i18n_find(c->i18n, tag);

	return debtor_use_lang(c, l != NULL ? l : i18n_source(c->i18n));
}

/* Switches back after customer_lang(); a staff page had none chosen yet. */
static void
restore_lang(struct ctx *c, const struct i18n_lang *was)
{
	(void)debtor_use_lang(c, was != NULL ? was : i18n_source(c->i18n));
}

/* The moment's day and time in zone, for the mails: when_day, when_time. */
static void
when_text(struct ctx *c, const char *zone, time_t at, struct view *v)
{
	struct date	 d;
	int		 i;

	for (i = -1; i <= 1; i++) {	/* the local day: UTC's, or one either side */
		d = date_from_days((int32_t)(at / 86400) + i);
		if (tz_time(zone, d, 0) <= at && at < tz_time(zone,
		    date_add_days(d, 1), 0))
			break;
	}
	view_set_str(v, "when_day", page_weekday_date(c, d));
	view_set_fmt(v, "when_time", "%d:%02d",
	    (int)((at - tz_time(zone, d, 0)) / 3600),
	    (int)((at - tz_time(zone, d, 0)) % 3600 / 60));
	view_set_str(v, "zone", debtor_zone(c, zone));
}

/* Renders template name with v as plain text, arena-owned; NULL on failure. */
static const char *
render_text(struct ctx *c, const char *name, struct view *v)
{
	struct mustache_error	 err;
	struct buf		 out;
	const char		*s = NULL;

	buf_init(&out, 4096);
	if (mustache_render(c->templates, name, v, MUSTACHE_TEXT, &out, &err) == 0)
		s = arena_strndup(c->arena, buf_str(&out), out.len);
	buf_free(&out);
	return s;
}

/* The appointment as an .ics file in ics (an event of 30 minutes). */
static int
callback_ics(struct ctx *c, const char *task, time_t at, struct view *v,
    struct buf *ics)
{
	char		 start[20], end[20], stamp[20];
	struct tm	 tm;
	time_t		 until = at + 30 * 60;
	struct ics_event e = { 0 };

	if (gmtime_r(&at, &tm) == NULL ||
	    strftime(start, sizeof(start), "%Y%m%dT%H%M%SZ", &tm) == 0 ||
	    gmtime_r(&until, &tm) == NULL ||
	    strftime(end, sizeof(end), "%Y%m%dT%H%M%SZ", &tm) == 0 ||
	    gmtime_r(&c->now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		return -1;
	e.uid = arena_printf(c->arena, "settle-callback-%s@settle", task);
	e.stamp = stamp;
	e.summary = render_text(c, "ics/callback_summary", v);
	e.description = render_text(c, "ics/callback_description", v);
	if (e.uid == NULL || e.summary == NULL || e.description == NULL)
		return -1;
	if (ics_begin(ics, e.summary) == -1 || ics_appointment(ics, &e, start,
	    end) == -1 || ics_end(ics) == -1)
		return -1;
	return buf_failed(ics) ? -1 : 0;
}

/*
 * Queues the callback's appointment to the debtor, in their language, with
 * the .ics attached; a mail that cannot be composed is kept as 'failed'
 * (outbox_queue). 0 or -1.
 */
static int
callback_mail(struct ctx *c, const struct call_ctx *cc, const char *task,
    time_t at)
{
	const struct i18n_lang	*was = customer_lang(c, cc->language);
	struct view		*v = page_view(c);
	struct buf		 ics;
	struct mail_image	 file = { 0 };
	int			 rc = -1;

	buf_init(&ics, 64 * 1024);
	view_set_str(v, "name", cc->customer);
	view_set_str(v, "number", cc->number);
	(void)when_text(c, cc->zone, at, v);
	if (callback_ics(c, task, at, v, &ics) == 0) {
		file = (struct mail_image){ .filename = "callback.ics",
		    .type = "text/calendar", .data = (const unsigned char *)ics.data,
		    .len = ics.len };
	}
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/callback_confirm",
	    .language = page_lang_tag(c), .to = cc->email, .to_name = cc->customer,
	    .kind = "callback_confirm", .invoice_id = cc->invoice_id,
	    .image = file.data != NULL ? &file : NULL }, v);
	buf_free(&ics);
	restore_lang(c, was);
	return rc;
}

/* A promise to pay the balance by pay_on, with its hold; *id gets its id. */
static int
promise_add(struct ctx *c, const struct staff_session *s,
    const struct call_ctx *cc, const char *pay_on, char *id, size_t idsz,
    bool *taken)
{
	const char	*p[5] = { cc->invoice_id, pay_on, NULL, NULL, NULL };
	char		 hold[24], cents[24];
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_DESK_PROMISE_OPEN, p, 1)) == NULL)
		return -1;
	*taken = db_int(r, 0, COUNT_VALUE) > 0;
	db_res_free(r);
	if (*taken)
		return 0;
	if ((r = db_query(c->db, SQL_DESK_PROMISE_HOLD, p, 2)) == NULL)
		return -1;
	(void)snprintf(hold, sizeof(hold), "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	(void)snprintf(cents, sizeof(cents), "%lld", (long long)cc->balance);
	p[1] = s->id; p[2] = pay_on; p[3] = cents; p[4] = hold;
	if ((r = db_query(c->db, SQL_DESK_PROMISE, p, 5)) == NULL)
		return -1;
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return staff_audit(c, s, "promise.agreed", cc->invoice_id, arena_printf(
	    c->arena, "promise %s: %s by %s (on a call)", id,
	    page_money(c, cc->balance, cc->currency), pay_on));
}

/* The callback task at moment at, assigned to the clerk, and its mail. */
static int
callback_add(struct ctx *c, const struct staff_session *s,
    const struct call_ctx *cc, time_t at, char *id, size_t idsz)
{
	char		 when[32], zone[TZ_NAME_MAX];
	const char	*p[4] = { cc->invoice_id, when, zone, s->id };
	struct date	 today;
	struct tm	 tm;
	struct db_res	*r;

	if (desk_day(c, c->db, s, &today, zone, sizeof(zone)) == -1)
		return -1;
	if (gmtime_r(&at, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S+00", &tm) == 0)
		return -1;
	if ((r = db_query(c->db, SQL_DESK_CALLBACK, p, 4)) == NULL)
		return -1;
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	if (callback_mail(c, cc, id, at) == -1)
		return -1;
	return staff_audit(c, s, "callback.scheduled", cc->invoice_id,
	    arena_printf(c->arena, "task %s: callback at %s UTC", id, when));
}

/* Writes the call and what it agreed; *taken when a promise is open already. */
static int
call_write(struct ctx *c, const struct staff_session *s,
    const struct call_ctx *cc, const struct call_form *f, time_t at,
    bool *taken)
{
	char		 promise[24] = "", callback[24] = "";
	const char	*p[9];
	struct db_res	*r;

	*taken = false;
	if (strcmp(f->agreed, "promise") == 0 && (promise_add(c, s, cc, f->pay_on,
	    promise, sizeof(promise), taken) == -1 || *taken))
		return *taken ? 0 : -1;
	if (strcmp(f->agreed, "callback") == 0 &&
	    callback_add(c, s, cc, at, callback, sizeof(callback)) == -1)
		return -1;
	p[0] = cc->invoice_id; p[1] = cc->task_id; p[2] = s->id; p[3] = f->outcome;
	p[4] = f->note; p[5] = f->agreed; p[6] = promise;
	p[7] = strcmp(f->agreed, "plan") == 0 ? f->plan_text : ""; p[8] = callback;
	if ((r = db_query(c->db, SQL_DESK_CALL_INSERT, p, 9)) == NULL)
		return -1;
	p[0] = arena_printf(c->arena, "call %s: %s, agreed %s%s%s",
	    db_str(r, 0, KEY_ID), f->outcome, f->agreed, f->note[0] ? ": " : "",
	    f->note);
	db_res_free(r);
	return staff_audit(c, s, "call.logged", cc->invoice_id, p[0]);
}

/* Where the page of a call goes back to. */
static const char *
call_back_url(struct ctx *c, const struct call_ctx *cc)
{
	return cc->task_id[0] ? arena_printf(c->arena, "/staff/tasks/%s#calls",
	    cc->task_id) : arena_printf(c->arena, "/staff/invoices/%s#calls",
	    cc->number);
}

/* The page with the call form again, status and problem named. */
static void
call_redraw(struct ctx *c, const struct staff_session *s,
    const struct call_ctx *cc, int status, const char *problem,
    const struct call_form *f)
{
	const char	*p[3] = { cc->invoice_id, "", c->cfg->timezone };
	struct view	*v;
	struct db_res	*r;

	if (cc->task_id[0] != '\0') {
		render_task(c, s, cc->task_id, &(struct redraw){ status, problem,
		    NULL, NULL, f });
		return;
	}
	/* An invoice's call form, alone, with the problem at its field. */
	if ((v = staff_view_or_reply(c, s, DESK_PURPOSE)) == NULL)
		return;
	if ((r = db_query(c->db, SQL_DESK_INVOICE, p, 3)) == NULL || db_rows(r) != 1) {
		db_res_free(r);
		page_db_error(c);
		return;
	}
	invoice_view(c, r, v);
	db_res_free(r);
	call_form_view(c, cc->zone, f, v);
	view_set_fmt(v, "call_action", "/staff/invoices/%s/call", cc->number);
	view_set_bool(v, problem, true);
	view_set_bool(v, "has_error", true);
	page_render(c, status, "staff_call", v);
}

/*
 * POST .../call (outcome, note, agreed none|promise|plan|callback, pay_on,
 * plan_text, slot, csrf): logs the call and makes what it agreed, in one
 * transaction; 403, 400 with the problem at the field, 409 when a promise
 * is open already; nothing written then.
 */
static void
call_post(struct ctx *c, const struct staff_session *s, struct call_ctx *cc)
{
	static const struct form_field fields[] = {
		{ "outcome", 16, false }, { "note", 4 * DESK_NOTE_MAX, false },
		{ "agreed", 10, false }, { "pay_on", 10, false },
		{ "plan_text", 4 * DESK_PLAN_MAX, false }, { "slot", 16, false },
		{ "csrf", TOKEN_LEN, false },
	};
	const char		*v[7], *bad, *problem;
	enum form_result	 each[7], fr;
	struct call_form	 f;
	struct date		 pay_on;
	time_t			 at = 0;
	bool			 taken;

	fr = form_check(c->req.form, c->req.nform, fields, 7, v, &bad, each);
	if (fr == FORM_UNKNOWN || fr == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	f = (struct call_form){ v[0], v[1], v[2], v[3], v[4], v[5] };
	if (!staff_csrf_valid(c, s, DESK_PURPOSE, each[6] == FORM_OK ? v[6] : "")) {
		call_redraw(c, s, cc, 403, "error_csrf", &f);
		return;
	}
	if ((problem = call_problem(c, cc, &f, each, &pay_on, &at)) != NULL) {
		call_redraw(c, s, cc, 400, problem, &f);
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	if (call_write(c, s, cc, &f, at, &taken) == -1)
		goto fail;
	if (taken) {
		db_rollback(c->db);
		call_redraw(c, s, cc, 409, "error_promise_open", &f);
		return;
	}
	if (db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, call_back_url(c, cc)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	page_db_error(c);
}

/* Looks up the invoice (by id or number) into cc; false after answering. */
static bool
call_ctx_or_reply(struct ctx *c, const char *invoice_id, const char *number,
    struct call_ctx *cc)
{
	const char	*p[3] = { invoice_id, number, c->cfg->timezone };
	struct db_res	*r;
	bool		 found;

	if (!page_db_or_reply(c))
		return false;
	if ((r = db_query(c->db, SQL_DESK_INVOICE, p, 3)) == NULL) {
		page_db_error(c);
		return false;
	}
	if ((found = db_rows(r) == 1))
		call_ctx_fill(cc, r);
	db_res_free(r);
	if (!found)
		page_error(c, 404, NULL);
	return found;
}

/* POST /staff/tasks/{id}/call: a call made for a task. */
void
desk_task_call_post(struct ctx *c)
{
	struct staff_session	 s;
	struct call_ctx		 cc = { 0 };
	const char		*p[2];
	char			 id[24], invoice[24] = "";
	struct db_res		*r;

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	if (!page_capture_id(c, id, sizeof(id)) || !page_db_or_reply(c)) {
		if (c->res.status == 0)
			page_error(c, 404, NULL);
		return;
	}
	p[0] = id; p[1] = c->cfg->timezone;
	if ((r = db_query(c->db, SQL_DESK_TASK, p, 2)) == NULL) {
		page_db_error(c);
		return;
	}
	if (db_rows(r) == 1)
		(void)snprintf(invoice, sizeof(invoice), "%s",
		    db_str(r, 0, DESK_TASK_INVOICE_ID));
	db_res_free(r);
	if (invoice[0] == '\0') {
		page_error(c, 404, NULL);
		return;
	}
	cc.task_id = id;
	if (call_ctx_or_reply(c, invoice, "", &cc))
		call_post(c, &s, &cc);
}

/* POST /staff/invoices/{number}/call: a call on the invoice alone. */
void
desk_invoice_call_post(struct ctx *c)
{
	struct staff_session	s;
	struct call_ctx		cc = { 0 };

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	cc.task_id = "";
	if (call_ctx_or_reply(c, "", c->match.captures[0], &cc))
		call_post(c, &s, &cc);
}

/* The confirmation mail of call r's agreement, in the customer's language. */
static int
confirm_mail(struct ctx *c, const struct db_res *r, char *mail_id, size_t idsz)
{
	const struct i18n_lang	*was = customer_lang(c, db_str(r, 0,
	    DESK_CALL_LANGUAGE));
	struct view		*v = page_view(c);
	const char		*agreed = db_str(r, 0, DESK_CALL_AGREED);
	struct date		 pay_on = db_date(r, 0, DESK_CALL_PAY_ON);
	int			 rc;

	view_set_str(v, "name", db_str(r, 0, DESK_CALL_CUSTOMER));
	view_set_str(v, "number", db_str(r, 0, DESK_CALL_NUMBER));
	view_set_choice(v, "a_", call_agreements, agreed);
	if (date_valid(pay_on)) {
		view_set_str(v, "pay_on", page_date(c, pay_on));
		view_set_str(v, "amount", page_money(c, db_int(r, 0,
		    DESK_CALL_AMOUNT_CENTS), db_str(r, 0, DESK_CALL_CURRENCY)));
	}
	view_set_str(v, "plan_text", db_str(r, 0, DESK_CALL_PLAN_TEXT));
	view_set_str(v, "callback_at", db_str(r, 0, DESK_CALL_CALLBACK_AT));
	view_set_str(v, "zone", debtor_zone(c, db_str(r, 0, DESK_CALL_ZONE)));
	rc = outbox_queue_id(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/call_confirm",
	    .language = page_lang_tag(c), .to = db_str(r, 0, DESK_CALL_EMAIL),
	    .to_name = db_str(r, 0, DESK_CALL_CUSTOMER), .kind = "call_confirm",
	    .invoice_id = db_str(r, 0, DESK_CALL_INVOICE_ID) }, v, mail_id, idsz);
	restore_lang(c, was);
	return rc;
}

/*
 * POST /staff/calls/{id}/confirm (csrf): one click sends the debtor what
 * the call agreed, in writing; once only (409 after), audited.
 */
void
desk_confirm_post(struct ctx *c)
{
	static const struct form_field fields[] = { { "csrf", TOKEN_LEN, false } };
	struct staff_session	 s;
	const char		*f[1], *bad, *p[2];
	char			 id[24], mail_id[24], back[96];
	struct db_res		*r = NULL, *done = NULL;
	bool			 agreement, fresh;

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	if (form_check(c->req.form, c->req.nform, fields, 1, f, &bad, NULL) !=
	    FORM_OK || !staff_csrf_valid(c, &s, DESK_PURPOSE, f[0])) {
		page_error(c, 403, NULL);
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	p[0] = id; p[1] = c->cfg->timezone;
	if ((r = db_query(c->db, SQL_DESK_CALL, p, 2)) == NULL)
		goto fail;
	if (db_rows(r) != 1) {
		db_res_free(r);
		db_rollback(c->db);
		page_error(c, 404, NULL);
		return;
	}
	agreement = strcmp(db_str(r, 0, DESK_CALL_AGREED), "none") != 0;
	if (db_str(r, 0, DESK_CALL_TASK_ID)[0] != '\0')
		(void)snprintf(back, sizeof(back), "/staff/tasks/%s#calls",
		    db_str(r, 0, DESK_CALL_TASK_ID));
	else
		(void)snprintf(back, sizeof(back), "/staff/invoices/%s#calls",
		    db_str(r, 0, DESK_CALL_NUMBER));
	if (!agreement) {
		db_res_free(r);
		db_rollback(c->db);
		page_error(c, 400, NULL);
		return;
	}
	if (confirm_mail(c, r, mail_id, sizeof(mail_id)) == -1)
		goto fail;
	p[1] = mail_id;
	if ((done = db_query(c->db, SQL_DESK_CONFIRMED, p, 2)) == NULL)
		goto fail;
	fresh = db_rows(done) == 1;
	if (!fresh) {
		db_res_free(r);
		db_res_free(done);
		db_rollback(c->db);
		page_error(c, 409, NULL);
		return;
	}
	if (staff_audit(c, &s, "call.confirmed", db_str(r, 0, DESK_CALL_INVOICE_ID),
	    arena_printf(c->arena, "call %s: written confirmation, message %s",
	    id, mail_id)) == -1 || db_commit(c->db) == -1)
		goto fail;
	db_res_free(r);
	db_res_free(done);
	if (response_redirect(&c->res, back) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	db_res_free(r);
	db_res_free(done);
	page_db_error(c);
}
