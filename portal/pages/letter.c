/*
 * The formal letter of a `letter` task (issue 14): GET
 * /staff/tasks/{id}/letter is a printable A4 letter on the letterhead
 * (company, address and registration from the config), in the customer's
 * language: the invoice's facts, the reminders already sent, one request
 * with a pay-by date, how to pay and whom to contact. POST (csrf,
 * version) marks it posted: a letters row, the task done, an audit event,
 * in one transaction, then 303 back. Posted already or changed meanwhile:
 * 409, nothing written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "http.h"
#include "i18n.h"
#include "invoice.h"
#include "page.h"
#include "pages/debtor.h"
#include "pages/letter.h"
#include "pages/staff.h"
#include "remind.h"
#include "routes.h"
#include "view.h"

#define LETTER_PAY_DAYS	14	/* the letter asks for payment within */

const struct i18n_lang *
letter_use_lang(struct ctx *c, const char *tag)
{
	const struct i18n_lang	*lang = i18n_find(c->i18n, tag);

	if (lang == NULL)	/* staff pages may have none yet: the source's */
		lang = c->lang != NULL ? c->lang : i18n_source(c->i18n);
	return debtor_use_lang(c, lang);
}

/* Copies row 0 of shape TASK_PAGE into t. */
static void
task_copy(const struct db_res *r, struct letter_task *t)
{
	(void)snprintf(t->id, sizeof(t->id), "%s", db_str(r, 0, TASK_PAGE_ID));
	(void)snprintf(t->kind, sizeof(t->kind), "%s", db_str(r, 0, TASK_PAGE_KIND));
	(void)snprintf(t->status, sizeof(t->status), "%s",
	    db_str(r, 0, TASK_PAGE_STATUS));
	t->version = (long)db_int(r, 0, TASK_PAGE_VERSION);
	(void)snprintf(t->invoice_id, sizeof(t->invoice_id), "%s",
	    db_str(r, 0, TASK_PAGE_INVOICE_ID));
	(void)snprintf(t->number, sizeof(t->number), "%s",
	    db_str(r, 0, TASK_PAGE_NUMBER));
	(void)snprintf(t->currency, sizeof(t->currency), "%s",
	    db_str(r, 0, TASK_PAGE_CURRENCY));
	(void)snprintf(t->name, sizeof(t->name), "%s",
	    db_str(r, 0, TASK_PAGE_CUSTOMER));
	(void)snprintf(t->email, sizeof(t->email), "%s",
	    db_str(r, 0, TASK_PAGE_EMAIL));
	(void)snprintf(t->language, sizeof(t->language), "%s",
	    db_str(r, 0, TASK_PAGE_LANGUAGE));
	(void)snprintf(t->escalation, sizeof(t->escalation), "%s",
	    db_str(r, 0, TASK_PAGE_ESCALATION));
}

/* The task's own values as the pages show them. */
static void
task_values(struct ctx *c, const struct db_res *r, struct view *v)
{
	struct view	*m = view_set_map(v, "task");
	struct date	 on = db_date(r, 0, TASK_PAGE_ON_DATE);
	struct date	 pay_by = db_date(r, 0, TASK_PAGE_LETTER_PAY_BY);

	view_set_str(m, "id", db_str(r, 0, TASK_PAGE_ID));
	view_set_str(m, "version", db_str(r, 0, TASK_PAGE_VERSION));
	view_set_str(m, "note", db_str(r, 0, TASK_PAGE_NOTE));
	view_set_bool(m, "open", strcmp(db_str(r, 0, TASK_PAGE_STATUS), "open") == 0);
	view_set_str(m, "posted", db_str(r, 0, TASK_PAGE_POSTED));
	view_set_str(m, "posted_by", db_str(r, 0, TASK_PAGE_POSTED_BY));
	view_set_bool(m, "is_posted", db_str(r, 0, TASK_PAGE_POSTED)[0] != '\0');
	view_set_str(m, "escalation", db_str(r, 0, TASK_PAGE_ESCALATION));
	view_set_bool(m, "pending", strcmp(db_str(r, 0, TASK_PAGE_ESCALATION),
	    "pending") == 0);
	view_set_str(m, "on_date", date_valid(on) ? page_date(c, on) : "");
	view_set_str(m, "agency", db_str(r, 0, TASK_PAGE_AGENCY));
	view_set_bool(v, "escalated", db_bool(r, 0, TASK_PAGE_ESCALATED));
	view_set_str(v, "pay_by", page_date(c, date_valid(pay_by) ? pay_by :
	    date_add_days(page_today(c), LETTER_PAY_DAYS)));
}

/* The invoice and customer, as the letter names them. */
static void
invoice_values(struct ctx *c, const struct db_res *r, struct view *v)
{
	int32_t	late;

	view_set_str(v, "number", db_str(r, 0, TASK_PAGE_NUMBER));
	view_set_str(v, "issued", page_date(c, db_date(r, 0, TASK_PAGE_ISSUED)));
	view_set_str(v, "due", page_date(c, db_date(r, 0, TASK_PAGE_DUE)));
	view_set_str(v, "name", db_str(r, 0, TASK_PAGE_CUSTOMER));
	view_set_str(v, "address", db_str(r, 0, TASK_PAGE_ADDRESS));
	view_set_bool(v, "has_address", db_str(r, 0, TASK_PAGE_ADDRESS)[0] != '\0');
	view_set_str(v, "email", db_str(r, 0, TASK_PAGE_EMAIL));
	view_set_str(v, "customer_ref", db_str(r, 0, TASK_PAGE_CUSTOMER_REF));
	view_set_str(v, "today", page_date(c, page_today(c)));
	late = date_diff(page_today(c), db_date(r, 0, TASK_PAGE_DUE));
	view_set_int(v, "days_overdue", late > 0 && late != DATE_DAYS_INVALID ?
	    late : 0);
	view_set_fmt(v, "link_url", "%s/link", c->cfg->base_url);
}

/* The balance (t->balance) and its parts, from the invoice's items. */
static int
totals(struct ctx *c, struct letter_task *t, struct view *v)
{
	const char		*p[1] = { t->invoice_id };
	struct invoice_totals	 tot;
	struct db_res		*r;
	int			 rc;

	if ((r = db_query(c->db, SQL_INVOICE_ITEMS, p, 1)) == NULL)
		return -1;
	rc = debtor_totals(r, &tot);
	db_res_free(r);
	if (rc == -1)
		return -1;
	t->balance = tot.balance;
	debtor_totals_view(c, &tot, t->currency, v);
	return 0;
}

/* The reminders sent for the invoice, oldest first, as "history". */
static int
history(struct ctx *c, const char *invoice, struct view *v)
{
	const char	*p[1] = { invoice };
	struct view	*list = view_set_list(v, "history"), *m;
	struct db_res	*r;
	int		 i, n = 0;

	if ((r = db_query(c->db, SQL_STAFF_REMINDERS, p, 1)) == NULL)
		return -1;
	for (i = db_rows(r) - 1; i >= 0; i--) {
		if (strcmp(db_str(r, i, HISTORY_REMINDER_OUTCOME), "sent") != 0)
			continue;
		m = view_push_map(list);
		view_set_str(m, "on", page_date(c, db_date(r, i,
		    HISTORY_REMINDER_SCHEDULED_ON)));
		view_set_choice(m, "k_", remind_step_names,
		    db_str(r, i, HISTORY_REMINDER_KIND));
		n++;
	}
	view_set_bool(v, "has_history", n > 0);
	db_res_free(r);
	return 0;
}

int
letter_task_view(struct ctx *c, const char *id, struct letter_task *t,
    struct view *v)
{
	const char	*p[1] = { id };
	struct db_res	*r;

	memset(t, 0, sizeof(*t));
	if ((r = db_query(c->db, SQL_TASK_PAGE, p, 1)) == NULL)
		return -1;
	if (db_rows(r) != 1) {
		db_res_free(r);
		return 0;
	}
	task_copy(r, t);
	task_values(c, r, v);
	invoice_values(c, r, v);
	db_res_free(r);
	if (totals(c, t, v) == -1 || history(c, t->invoice_id, v) == -1)
		return -1;
	return 1;
}

int
letter_task_lock(struct ctx *c, const char *id, const char *kind,
    const char *version, char *invoice, size_t invsz)
{
	const char	*p[1] = { id };
	struct db_res	*r;
	int		 rc;

	if ((r = db_query(c->db, SQL_TASK_LOCK, p, 1)) == NULL)
		return -1;
	if (db_rows(r) != 1 || strcmp(db_str(r, 0, TASK_LOCK_KIND), kind) != 0)
		rc = 404;
	else if (strcmp(db_str(r, 0, TASK_LOCK_STATUS), "open") != 0 ||
	    strcmp(db_str(r, 0, TASK_LOCK_VERSION), version) != 0)
		rc = 409;
	else
		rc = 0;
	if (rc == 0)
		(void)snprintf(invoice, invsz, "%s", db_str(r, 0, TASK_LOCK_INVOICE_ID));
	db_res_free(r);
	return rc;
}

/* The letter page; status 200, or 4xx with the problem named (may be NULL). */
static void
render_letter(struct ctx *c, const struct staff_session *s, const char *id,
    int status, const char *problem)
{
	struct letter_task	 t;
	struct view		*v;
	char			 purpose[48];
	int			 found;

	(void)snprintf(purpose, sizeof(purpose), "letter:%s", id);
	if ((v = staff_view_or_reply(c, s, purpose)) == NULL)
		return;
	if ((found = letter_task_view(c, id, &t, v)) == -1) {
		page_db_error(c);
		return;
	}
	if (found == 0 || strcmp(t.kind, "letter") != 0) {
		page_error(c, 404, NULL);
		return;
	}
	/* The letter speaks the customer's language: read it again in theirs. */
	if (status == 200 && problem == NULL && c->lang != i18n_find(c->i18n,
	    t.language) && i18n_find(c->i18n, t.language) != NULL) {
		(void)letter_use_lang(c, t.language);
		if ((v = staff_view_or_reply(c, s, purpose)) == NULL)
			return;
		if (letter_task_view(c, id, &t, v) != 1) {
			page_db_error(c);
			return;
		}
	}
	if (problem != NULL)
		view_set_bool(v, problem, true);
	page_render(c, status, "staff_letter", v);
}

/* GET /staff/tasks/{id}/letter */
void
letter_get(struct ctx *c)
{
	struct staff_session	s;
	char			id[24];

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	render_letter(c, &s, id, 200, NULL);
}

/* Posts the letter of task id (locked, open, at version); 0, 4xx or -1. */
static int
post_letter(struct ctx *c, const struct staff_session *s, const char *id,
    const char *version)
{
	char		 invoice[24], iso[DATE_ISO_SIZE];
	const char	*p[4];
	int		 rc;

	if ((rc = letter_task_lock(c, id, "letter", version, invoice,
	    sizeof(invoice))) != 0)
		return rc;
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c),
	    LETTER_PAY_DAYS)) == -1)
		return -1;
	p[0] = id; p[1] = invoice; p[2] = iso; p[3] = s->id;
	if (db_do(c->db, SQL_LETTER_POST, p, 4) == -1)
		return -1;
	return staff_audit(c, s, "letter.posted", invoice, arena_printf(c->arena,
	    "task %s: formal letter posted, pay by %s", id, iso));
}

/* POST /staff/tasks/{id}/letter (csrf, version): marks the letter posted. */
void
letter_post(struct ctx *c)
{
	static const struct form_field fields[] = {
		{ "csrf", TOKEN_LEN, false }, { "version", 12, false },
	};
	struct staff_session	 s;
	const char		*f[2], *bad;
	enum form_result	 each[2], r;
	char			 id[24], purpose[48];
	long			 n;
	int			 rc;

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	r = form_check(c->req.form, c->req.nform, fields, 2, f, &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	(void)snprintf(purpose, sizeof(purpose), "letter:%s", id);
	if (!staff_csrf_valid(c, &s, purpose, each[0] == FORM_OK ? f[0] : "")) {
		render_letter(c, &s, id, 403, "error_csrf");
		return;
	}
	if (each[1] != FORM_OK || form_int(f[1], 1, 2000000000L, &n) == -1) {
		render_letter(c, &s, id, 400, "error_version");
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	if ((rc = post_letter(c, &s, id, f[1])) == -1)
		goto fail;
	if (rc != 0) {
		db_rollback(c->db);
		if (rc == 404)
			page_error(c, 404, NULL);
		else
			render_letter(c, &s, id, 409, "error_stale");
		return;
	}
	if (db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, arena_printf(c->arena,
	    "/staff/tasks/%s/letter", id)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	page_db_error(c);
}
