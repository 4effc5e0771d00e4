/*
 * The escalation decision of an `escalate` task (issue 14): GET
 * /staff/tasks/{id}/escalation shows the invoice and, to a manager, the
 * form; POST (decision approve|decline, on_date, note, csrf, version) is
 * for managers only (a clerk gets 403, nothing written). Approving stores
 * the escalation (pending until on_date), marks the task done with a note,
 * audits it and queues the debtor's notice naming the date and the agency,
 * in their language, text and HTML, all in one transaction. After that
 * date `portal-admin remind` hands the invoice over (remind_run.c), unless
 * the debtor paid, set up a plan or told us of a hardship first. Declining
 * marks the task done with the note. A date not after today: 400 with the
 * values kept; a stale form or a task decided already: 409.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "form.h"
#include "http.h"
#include "i18n.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "pages/letter.h"
#include "pages/staff.h"
#include "routes.h"
#include "utf8.h"
#include "view.h"

#define ESCALATION_NOTE_MAX	2000	/* characters */

enum esc_field { E_DECISION, E_DATE, E_NOTE, E_CSRF, E_VERSION, E__MAX };

static const struct form_field esc_fields[E__MAX] = {
	[E_DECISION] = { "decision", 8, false },
	[E_DATE] = { "on_date", 10, false },
	[E_NOTE] = { "note", 4 * ESCALATION_NOTE_MAX, false },
	[E_CSRF] = { "csrf", TOKEN_LEN, false },
	[E_VERSION] = { "version", 12, false },
};

/* The page; f (may be NULL) the values posted, problem a flag or NULL. */
static void
render_escalation(struct ctx *c, const struct staff_session *s,
    const char *id, int status, const char *problem, const char *const *f)
{
	struct letter_task	 t;
	struct view		*v, *form;
	char			 purpose[48], iso[DATE_ISO_SIZE];
	int			 found;

	(void)snprintf(purpose, sizeof(purpose), "escalation:%s", id);
	if ((v = staff_view_or_reply(c, s, purpose)) == NULL)
		return;
	if ((found = letter_task_view(c, id, &t, v)) == -1) {
		page_db_error(c);
		return;
	}
	if (found == 0 || strcmp(t.kind, "escalate") != 0) {
		page_error(c, 404, NULL);
		return;
	}
	form = view_set_map(v, "form");
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c),
	    c->cfg->escalation_days)) == 0)
		view_set_str(form, "on_date", f != NULL ? f[E_DATE] : iso);
	if (date_format_iso(iso, sizeof(iso), date_add_days(page_today(c), 1)) == 0)
		view_set_str(v, "min_date", iso);
	view_set_str(form, "note", f != NULL ? f[E_NOTE] : "");
	view_set_str(v, "agency", c->cfg->escalation_agency);
	view_set_bool(v, "is_manager", s->role >= STAFF_MANAGER);
	if (problem != NULL)
		view_set_bool(v, problem, true);
	page_render(c, status, "staff_escalation", v);
}

/* GET /staff/tasks/{id}/escalation */
void
escalation_get(struct ctx *c)
{
	struct staff_session	s;
	char			id[24];

	if (!staff_require_id(c, &s, STAFF_CLERK, id, sizeof(id)))
		return;
	render_escalation(c, &s, id, 200, NULL, NULL);
}

/*
 * Queues the debtor's notice of task t's escalation on day on, in their
 * language (text and HTML); no email on file: nothing to send (the letter
 * and the call carry it). 0 or -1.
 */
static int
notice_mail(struct ctx *c, const char *id, struct date on)
{
	const struct i18n_lang	*was;
	struct letter_task	 t;
	struct view		*v;
	int			 rc = -1;

	was = letter_use_lang(c, NULL);	/* the page's, to switch back */
	v = page_view(c);
	if (letter_task_view(c, id, &t, v) != 1)
		goto out;
	(void)letter_use_lang(c, t.language);
	v = page_view(c);	/* again, in the customer's language */
	if (letter_task_view(c, id, &t, v) != 1)
		goto out;
	if (t.email[0] == '\0') {
		rc = 0;
		goto out;
	}
	view_set_str(v, "on_date", page_date(c, on));
	view_set_str(v, "agency", c->cfg->escalation_agency);
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/escalation_notice",
	    .html_template = "mail/escalation_notice_html",
	    .language = page_lang_tag(c), .to = t.email, .to_name = t.name,
	    .kind = "escalation.notice", .invoice_id = t.invoice_id }, v);
out:
	(void)debtor_use_lang(c, was != NULL ? was : i18n_source(c->i18n));
	return rc;
}

/* Approves (on, agency) or declines task id, locked at version; 0, 4xx or -1. */
static int
decide(struct ctx *c, const struct staff_session *s, const char *id,
    const char *const *f, bool approve, struct date on)
{
	char		 invoice[24], iso[DATE_ISO_SIZE];
	const char	*p[5], *note;
	int		 rc;

	if ((rc = letter_task_lock(c, id, "escalate", f[E_VERSION], invoice,
	    sizeof(invoice))) != 0)
		return rc;
	if (!approve) {
		p[0] = id; p[1] = s->id;
		p[2] = arena_printf(c->arena, "declined%s%s", f[E_NOTE][0] ?
		    ": " : "", f[E_NOTE]);
		if (db_do(c->db, SQL_TASK_DONE, p, 3) == -1)
			return -1;
		return staff_audit(c, s, "escalation.declined", invoice, p[2]);
	}
	if (date_format_iso(iso, sizeof(iso), on) == -1)
		return -1;
	p[0] = invoice; p[1] = id; p[2] = iso; p[3] = c->cfg->escalation_agency;
	p[4] = s->id;
	if (db_do(c->db, SQL_ESCALATION_INSERT, p, 5) == -1)
		return -1;
	note = arena_printf(c->arena, "approved: to %s after %s%s%s",
	    c->cfg->escalation_agency, iso, f[E_NOTE][0] ? "; " : "", f[E_NOTE]);
	p[0] = id; p[1] = s->id; p[2] = note;
	if (db_do(c->db, SQL_TASK_DONE, p, 3) == -1 ||
	    staff_audit(c, s, "escalation.approved", invoice, note) == -1)
		return -1;
	return notice_mail(c, id, on);
}

/* What is wrong with the form; NULL when nothing. on gets the date. */
static const char *
esc_problem(struct ctx *c, const char *const *f, const enum form_result *each,
    bool *approve, struct date *on)
{
	long	n;

	if (each[E_DECISION] != FORM_OK || (strcmp(f[E_DECISION], "approve") != 0 &&
	    strcmp(f[E_DECISION], "decline") != 0))
		return "error_decision";
	*approve = strcmp(f[E_DECISION], "approve") == 0;
	if (each[E_NOTE] != FORM_OK ||
	    utf8_count(f[E_NOTE], strlen(f[E_NOTE])) > ESCALATION_NOTE_MAX)
		return "error_note";
	if (each[E_VERSION] != FORM_OK || form_int(f[E_VERSION], 1, 2000000000L,
	    &n) == -1)
		return "error_version";
	if (!*approve)
		return NULL;
	if (each[E_DATE] != FORM_OK || date_parse(f[E_DATE], on) == -1)
		return "error_date_format";
	if (date_diff(*on, page_today(c)) < 1)
		return "error_date_past";
	if (date_diff(*on, page_today(c)) > 365)
		return "error_date_far";
	return NULL;
}

/* POST /staff/tasks/{id}/escalation: a manager's decision. */
void
escalation_post(struct ctx *c)
{
	struct staff_session	 s;
	const char		*f[E__MAX], *bad, *problem;
	enum form_result	 each[E__MAX], r;
	char			 id[24], purpose[48];
	struct date		 on = { 0, 0, 0 };
	bool			 approve = false;
	int			 rc;

	if (!staff_require_id(c, &s, STAFF_MANAGER, id, sizeof(id)))
		return;
	r = form_check(c->req.form, c->req.nform, esc_fields, E__MAX, f, &bad, each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	(void)snprintf(purpose, sizeof(purpose), "escalation:%s", id);
	if (!staff_csrf_valid(c, &s, purpose, each[E_CSRF] == FORM_OK ?
	    f[E_CSRF] : "")) {
		render_escalation(c, &s, id, 403, "error_csrf", f);
		return;
	}
	if ((problem = esc_problem(c, f, each, &approve, &on)) != NULL) {
		render_escalation(c, &s, id, 400, problem, f);
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	if ((rc = decide(c, &s, id, f, approve, on)) == -1) {
		if (strcmp(db_sqlstate(c->db), "23505") == 0) {
			/* another escalation of the invoice is pending */
			db_rollback(c->db);
			render_escalation(c, &s, id, 409, "error_pending", f);
			return;
		}
		goto fail;
	}
	if (rc != 0) {
		db_rollback(c->db);
		if (rc == 404)
			page_error(c, 404, NULL);
		else
			render_escalation(c, &s, id, 409, "error_stale", f);
		return;
	}
	if (db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, arena_printf(c->arena,
	    "/staff/tasks/%s/escalation", id)) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	page_db_error(c);
}
