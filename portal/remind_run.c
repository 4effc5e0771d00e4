/*
 * The reminder engine (remind_run.h). It runs inside portal-admin, with no
 * request: a struct ctx holds the config, the templates of the mail's
 * language and an arena, so the mail's view is built with the same
 * helpers as the pages (page_view, page_money, page_date).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "i18n.h"
#include "invoice.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "page.h"
#include "payqr.h"
#include "remind.h"
#include "remind_run.h"
#include "sql.h"
#include "token.h"
#include "view.h"

#define URL_MAX		1024

struct run {
	struct db			*db;
	const struct config		*cfg;
	const struct i18n		*i18n;
	const struct remind_options	*o;
	struct remind_stats		*st;
	struct ctx			 c;	/* no request: config, templates, arena */
	char				 now[32];	/* o->now as timestamptz text */
};

/* One row of SQL_REMIND_DUE, read by name; strings are owned by the result. */
struct due {
	const char		*invoice_id, *number, *currency, *customer_id;
	const char		*name, *email, *language, *zone, *step_key, *kind;
	const char		*plan_id, *seq, *local_time, *skip_reason;
	struct date		 issued, due, scheduled_on, pay_by, recovery_on;
	struct date		 local_today;
	struct remind_facts	 f;
};

static const char *
nullable(const struct db_res *r, int row, int col)
{
	return db_null(r, row, col) ? NULL : db_str(r, row, col);
}

/* Reads row of r into d; -1 when its kind is not one we know (logged). */
static int
read_due(const struct run *run, const struct db_res *r, int row, struct due *d)
{
	memset(d, 0, sizeof(*d));
	d->invoice_id = db_str(r, row, REMIND_DUE_INVOICE_ID);
	d->number = db_str(r, row, REMIND_DUE_NUMBER);
	d->currency = db_str(r, row, REMIND_DUE_CURRENCY);
	d->customer_id = db_str(r, row, REMIND_DUE_CUSTOMER_ID);
	d->name = db_str(r, row, REMIND_DUE_NAME);
	d->email = db_str(r, row, REMIND_DUE_EMAIL);
	d->language = db_str(r, row, REMIND_DUE_LANGUAGE);
	d->zone = db_str(r, row, REMIND_DUE_ZONE);
	d->step_key = db_str(r, row, REMIND_DUE_STEP_KEY);
	d->kind = db_str(r, row, REMIND_DUE_KIND);
	d->plan_id = nullable(r, row, REMIND_DUE_PLAN_ID);
	d->seq = nullable(r, row, REMIND_DUE_SEQ);
	d->local_time = db_str(r, row, REMIND_DUE_LOCAL_TIME);
	d->skip_reason = db_str(r, row, REMIND_DUE_SKIP_REASON);
	d->issued = db_date(r, row, REMIND_DUE_ISSUED);
	d->due = db_date(r, row, REMIND_DUE_DUE);
	d->scheduled_on = db_date(r, row, REMIND_DUE_SCHEDULED_ON);
	d->pay_by = db_date(r, row, REMIND_DUE_PAY_BY);
	d->recovery_on = db_date(r, row, REMIND_DUE_RECOVERY_ON);
	d->local_today = db_date(r, row, REMIND_DUE_LOCAL_TODAY);
	if (remind_step_parse(d->kind, &d->f.step) == -1) {
		log_error("%s: invoice %s: unknown step kind %s", __func__,
		    d->number, d->kind);
		return -1;
	}
	d->f.balance = db_int(r, row, REMIND_DUE_BALANCE);
	if (remind_hold_parse(db_str(r, row, REMIND_DUE_HOLD), &d->f.hold) == -1) {
		log_error("%s: invoice %s: unknown hold kind %s", __func__,
		    d->number, db_str(r, row, REMIND_DUE_HOLD));
		return -1;
	}
	d->f.plan_active = db_bool(r, row, REMIND_DUE_PLAN_ACTIVE);
	d->f.opted_out = db_bool(r, row, REMIND_DUE_OPTED_OUT);
	d->f.escalated = db_bool(r, row, REMIND_DUE_ESCALATED);
	d->f.has_email = d->email[0] != '\0';
	d->f.now = run->o->now;
	d->f.last_sent = (time_t)db_int(r, row, REMIND_DUE_LAST_SENT);
	d->f.local_hour = (int)db_int(r, row, REMIND_DUE_LOCAL_HOUR);
	d->f.today_first = (time_t)db_int(r, row, REMIND_DUE_TODAY_FIRST);
	d->f.tomorrow_first = (time_t)db_int(r, row, REMIND_DUE_TOMORROW_FIRST);
	d->f.local_today = date_to_days(d->local_today);
	d->f.final_pay_by = db_null(r, row, REMIND_DUE_FINAL_PAY_BY) ? INT32_MIN :
	    date_to_days(db_date(r, row, REMIND_DUE_FINAL_PAY_BY));
	return 0;
}

/* A date as "YYYY-MM-DD" in the arena, or NULL for an invalid one. */
static const char *
iso(struct run *run, struct date d)
{
	char	buf[DATE_ISO_SIZE];

	if (date_format_iso(buf, sizeof(buf), d) == -1)
		return NULL;
	return arena_strdup(run->c.arena, buf);
}

/*
 * Notes for staff why the step was not done, when the reason changed since
 * the last run (so a run that finds nothing new writes nothing).
 */
static int
record_skip(struct run *run, const struct due *d, struct remind_decision dec)
{
	const char	*reason = remind_reason_name(dec.reason);
	const char	*p[7];
	char		 until[24];

	if (strcmp(d->skip_reason, reason) == 0 || run->o->dry_run)
		return 0;
	(void)snprintf(until, sizeof(until), "%lld", (long long)dec.until);
	p[0] = d->invoice_id; p[1] = d->step_key; p[2] = d->kind; p[3] = reason;
	p[4] = iso(run, d->scheduled_on);
	p[5] = dec.action == REMIND_WAIT ? until : NULL;
	p[6] = run->now;
	return db_do(run->db, SQL_REMIND_SKIP, p, 7);
}

/* Adds one fee or payment to list: what, when, how much. */
static void
item_view(struct run *run, struct view *list, const char *description,
    struct date day, int64_t amount, const char *currency)
{
	struct view	*m = view_push_map(list);

	view_set_str(m, "description", description);
	view_set_str(m, "date", page_date(&run->c, day));
	view_set_str(m, "amount", page_money(&run->c, amount, currency));
}

/* The invoice's lines, fees, waivers and payments (shape ITEM) into v; -1 on a bad row. */
static int
items_view(struct run *run, const struct due *d, const struct db_res *items,
    struct view *v)
{
	struct invoice_totals	 t;
	struct view		*fees = view_set_list(v, "fees");
	struct view		*payments = view_set_list(v, "payments");
	struct view		*waivers = view_set_list(v, "waivers");
	enum invoice_kind	 k;
	int			 i;

	invoice_totals_init(&t);
	for (i = 0; i < db_rows(items); i++) {
		if (invoice_kind_parse(db_str(items, i, ITEM_KIND), &k) == -1 ||
		    invoice_totals_add(&t, k, db_int(items, i, ITEM_AMOUNT_CENTS)) == -1)
			return -1;
		if (k == INVOICE_FEE || k == INVOICE_PAYMENT || k == INVOICE_WAIVER)
			item_view(run, k == INVOICE_FEE ? fees : k == INVOICE_WAIVER ?
			    waivers : payments,
			    db_str(items, i, ITEM_DESCRIPTION),
			    db_date(items, i, ITEM_DAY),
			    db_int(items, i, ITEM_AMOUNT_CENTS), d->currency);
	}
	view_set_str(v, "amount", page_money(&run->c, t.sum[INVOICE_LINE], d->currency));
	view_set_bool(v, "has_fees", t.sum[INVOICE_FEE] > 0);
	view_set_str(v, "fees_total", page_money(&run->c, t.sum[INVOICE_FEE], d->currency));
	view_set_bool(v, "has_payments", t.sum[INVOICE_PAYMENT] > 0);
	view_set_str(v, "paid_total", page_money(&run->c, t.sum[INVOICE_PAYMENT],
	    d->currency));
	view_set_str(v, "balance", page_money(&run->c, t.balance, d->currency));
	return 0;
}

/* The plan's installment the event is about (shape INSTALLMENT) into v. */
static void
installment_view(struct run *run, const struct due *d,
    const struct db_res *inst, struct view *v)
{
	struct view	*m = view_set_map(v, "installment");
	int64_t		 seq = d->seq != NULL ? strtoll(d->seq, NULL, 10) : 0;
	int		 i, missed = 0;

	for (i = 0; i < db_rows(inst); i++) {
		int64_t	amount = db_int(inst, i, INSTALLMENT_AMOUNT_CENTS);
		int64_t	paid = db_int(inst, i, INSTALLMENT_PAID_CENTS);

		if (paid < amount && date_diff(d->local_today,
		    db_date(inst, i, INSTALLMENT_DUE_ON)) > 0)
			missed++;
		if (db_int(inst, i, INSTALLMENT_SEQ) != seq)
			continue;
		view_set_int(m, "seq", seq);
		view_set_str(m, "date", page_date(&run->c,
		    db_date(inst, i, INSTALLMENT_DUE_ON)));
		view_set_str(m, "amount", page_money(&run->c, amount, d->currency));
		view_set_bool(m, "part_paid", paid > 0);
		view_set_str(m, "paid", page_money(&run->c, paid, d->currency));
		view_set_str(m, "missing", page_money(&run->c, amount - paid,
		    d->currency));
	}
	view_set_int(v, "missed_count", missed);
}

/* The view of a reminder email: the invoice, the request, links, the site. */
static struct view *
mail_view(struct run *run, const struct due *d, const struct db_res *items,
    const struct db_res *inst, const char *url)
{
	struct view	*v = page_view(&run->c);
	int32_t		 late = date_diff(d->local_today, d->due);

	view_set_str(v, "name", d->name);
	view_set_str(v, "number", d->number);
	view_set_str(v, "issued", page_date(&run->c, d->issued));
	view_set_str(v, "due", page_date(&run->c, d->due));
	view_set_bool(v, "overdue", late > 0);
	view_set_int(v, "days_overdue", late > 0 ? late : 0);
	view_set_int(v, "days_until_due", late < 0 ? -late : 0);
	view_set_str(v, "pay_by", page_date(&run->c, d->pay_by));
	view_set_bool(v, "has_recovery", date_valid(d->recovery_on));
	view_set_str(v, "recovery_on", date_valid(d->recovery_on) ?
	    page_date(&run->c, d->pay_by) : "");
	view_set_str(v, "invoice_url", url);
	view_set_fmt(v, "plan_url", "%s/plan", url);
	view_set_fmt(v, "hardship_url", "%s/hardship", url);
	if (items_view(run, d, items, v) == -1)
		return NULL;
	if (inst != NULL)
		installment_view(run, d, inst, v);
	return v;
}

/*
 * The List-Unsubscribe URL must be https (RFC 8058); with the development
 * set-up's http base_url on loopback it is the https form of the same
 * address. The page itself (13b) is /u/{token}.
 */
static const char *
unsubscribe_url(struct run *run, const char *token)
{
	const char	*base = run->cfg->base_url;

	if (strncmp(base, "http://", 7) == 0)
		return arena_printf(run->c.arena, "https://%s/u/%s", base + 7, token);
	return arena_printf(run->c.arena, "%s/u/%s", base, token);
}

/* The tokens and the rendered email of one reminder, until it is queued. */
struct mail_out {
	char			 tok[TOKEN_LEN + 1], hash[TOKEN_HASH_HEX];
	char			 utok[TOKEN_LEN + 1], uhash[TOKEN_HASH_HEX];
	char			 days[16];
	struct outbox_msg	 msg;
	bool			 ready;		/* msg holds a message to free */
};

/*
 * Makes the link and unsubscribe tokens and renders the email (reading
 * the invoice's items and the plan's installments in one round trip), in
 * the customer's language. 0 or -1.
 */
static int
render_mail(struct run *run, const struct due *d, struct mail_out *mo)
{
	const char		*ip[1], *pp[1];
	struct db_call		 calls[2];
	const struct i18n_lang	*lang;
	struct view		*v;
	const char		*url;
	struct buf		 png;
	struct mail_image	 qr = { 0 };
	int			 n = 1, i, rc = -1;

	buf_init(&png, 256 * 1024);
	memset(calls, 0, sizeof(calls));
	if (token_new(&run->cfg->keys, TOKEN_LINK, mo->tok, mo->hash) == -1 ||
	    token_new(&run->cfg->keys, TOKEN_UNSUBSCRIBE, mo->utok, mo->uhash) == -1)
		goto out;
	(void)snprintf(mo->days, sizeof(mo->days), "%d", run->cfg->link_days);
	ip[0] = d->invoice_id;
	pp[0] = d->plan_id;
	calls[0] = (struct db_call){ SQL_INVOICE_ITEMS, ip, 1, NULL };
	if (d->plan_id != NULL)
		calls[n++] = (struct db_call){ SQL_REMIND_INSTALLMENTS, pp, 1, NULL };
	if (db_pipeline(run->db, calls, n) == -1)
		goto out;
	if ((lang = i18n_find(run->i18n, d->language)) == NULL)
		lang = i18n_source(run->i18n);
	page_lang(&run->c, lang);
	url = arena_printf(run->c.arena, "%s/i/%s", run->cfg->base_url, mo->tok);
	v = mail_view(run, d, calls[0].res, n > 1 ? calls[1].res : NULL, url);
	if (v != NULL)
		view_set_str(v, "unsubscribe_url", arena_printf(run->c.arena,
		    "%s/u/%s", run->cfg->base_url, mo->utok));
	if (v == NULL || arena_failed(run->c.arena)) {
		log_error("%s: invoice %s: cannot build the mail's view", __func__,
		    d->number);
		goto out;
	}
	/*
	 * The EPC payment QR for the balance (EUR, bank details configured),
	 * shown inline by the HTML part; not in an installment's mails,
	 * whose amount is the installment's, not the balance.
	 */
	if (strncmp(d->kind, "installment_", 12) != 0 && d->f.balance > 0 &&
	    payqr_png(run->cfg, d->currency, d->f.balance, d->number, &png) == 0) {
		qr = (struct mail_image){ "payqr@settle", "payment-qr.png",
		    "image/png", (const unsigned char *)png.data, png.len };
		view_set_bool(v, "payqr", true);
	}
	mo->ready = true;
	if (outbox_prepare(lang->templates, run->cfg, run->o->now,
	    &(struct outbox_mail){
	    .template = arena_printf(run->c.arena, "mail/reminder_%s", d->kind),
	    .html_template = arena_printf(run->c.arena, "mail/reminder_%s_html",
	    d->kind),
	    .language = lang->tag, .to = d->email, .to_name = d->name,
	    .kind = arena_printf(run->c.arena, "reminder.%s", d->kind),
	    .invoice_id = d->invoice_id,
	    .unsubscribe_url = unsubscribe_url(run, mo->utok),
	    .unsubscribe_mailto = arena_printf(run->c.arena,
	    "mailto:%s?subject=unsubscribe", run->cfg->contact_email),
	    .image = qr.data != NULL ? &qr : NULL }, v, &mo->msg) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&png);
	for (i = 0; i < n; i++)
		db_res_free(calls[i].res);
	return rc;
}

/* The line --dry-run and a run print per email or task. */
static void
print_line(struct run *run, const struct due *d, struct remind_decision dec)
{
	if (run->o->out == NULL || run->o->quiet)
		return;
	fprintf(run->o->out, "%s%s\t%s\t%s%s\t%s %s\n",
	    run->o->prefix != NULL ? run->o->prefix : "", d->number, d->kind,
	    dec.action == REMIND_SEND ? d->email : "task:",
	    dec.action == REMIND_SEND ? "" : remind_reason_name(dec.reason),
	    d->local_time, d->zone);
}

/*
 * Does the step in one statement, one transaction (SQL_REMIND_DONE, or
 * inside the caller's transaction): the link, the unsubscribe token and
 * the email (if dec says send), the reminders row, the task, a plan's
 * break, the audit event. Two round trips for an email (its reads, then
 * the write), one for a task. 1 done, 0 done already (the unique key
 * refused it: nothing was written), -1 failed.
 */
static int
do_step(struct run *run, const struct due *d, struct remind_decision dec)
{
	bool		 email = dec.action == REMIND_SEND;
	struct mail_out	 mo;
	const char	*p[23], *pay_by;
	struct db_res	*r = NULL;
	int		 rc = -1;

	if (run->o->dry_run) {
		print_line(run, d, dec);
		return 1;
	}
	memset(&mo, 0, sizeof(mo));
	memset(p, 0, sizeof(p));
	pay_by = iso(run, d->pay_by);
	if (email && render_mail(run, d, &mo) == -1)
		goto out;
	p[0] = d->invoice_id; p[1] = d->step_key; p[2] = d->kind;
	p[3] = email ? "sent" : "task";
	p[4] = email ? "" : remind_reason_name(dec.reason);
	p[5] = iso(run, d->scheduled_on);
	p[6] = email ? pay_by : NULL;
	p[7] = run->now;
	p[8] = d->plan_id; p[9] = d->seq;
	if (email) {
		p[10] = mo.hash; p[11] = mo.days;
		p[12] = d->customer_id; p[13] = mo.uhash;
		p[14] = mo.msg.params[0]; p[15] = mo.msg.params[2];
		p[16] = mo.msg.params[3]; p[17] = mo.msg.params[4];
	}
	p[18] = dec.task;
	p[19] = iso(run, d->local_today);
	p[20] = d->f.step == REMIND_PLAN_BROKEN ? "true" : "false";
	p[21] = email ? "reminder.sent" : "reminder.task";
	p[22] = email ? arena_printf(run->c.arena, "%s, pay by %s", d->step_key,
	    pay_by) : arena_printf(run->c.arena, "%s, task %s (%s)", d->step_key,
	    dec.task != NULL ? dec.task : "", remind_reason_name(dec.reason));
	if (arena_failed(run->c.arena))
		goto out;
	if ((r = db_query(run->db, SQL_REMIND_DONE, p, 23)) == NULL) {
		if (strcmp(db_sqlstate(run->db), "23505") == 0)
			rc = 0;		/* another run did it: nothing twice */
		goto out;
	}
	print_line(run, d, dec);
	rc = 1;
out:
	db_res_free(r);
	if (mo.ready)
		outbox_msg_free(&mo.msg);
	sodium_memzero(&mo, sizeof(mo));
	return rc;
}

/* One candidate: decide, then do, record or count it. 0 or -1. */
static int
handle(struct run *run, const struct db_res *r, int row)
{
	struct remind_decision	 dec;
	struct due		 d;
	int			 done;

	if (read_due(run, r, row, &d) == -1)
		return -1;
	dec = remind_decide(&d.f);
	switch (dec.action) {
	case REMIND_SEND:
	case REMIND_TASK:
		if ((done = do_step(run, &d, dec)) == -1) {
			log_error("%s: invoice %s, step %s: not done", __func__,
			    d.number, d.step_key);
			return -1;
		}
		if (done == 1 && dec.action == REMIND_SEND)
			run->st->sent++;
		else if (done == 1)
			run->st->tasks++;
		return 0;
	case REMIND_WAIT:
		run->st->waiting++;
		return record_skip(run, &d, dec);
	default:
		run->st->skipped++;
		return record_skip(run, &d, dec);
	}
}

/*
 * Approved escalations (issue 14), before the cadence: those the debtor
 * stopped (paid, a plan, a hardship request) are cancelled, then those
 * whose date has passed hand the invoice over, so remind_decide() sees it
 * escalated in the same run. One line each; nothing in a dry run.
 */
static int
escalations(struct run *run)
{
	static const enum sql_query q[2] = { SQL_ESCALATION_CANCEL,
		SQL_ESCALATION_DUE };
	const char	*p[2] = { run->now, run->cfg->timezone };
	struct db_res	*r;
	int		 k, i;

	if (run->o->dry_run)
		return 0;
	for (k = 0; k < 2; k++) {
		if ((r = db_query(run->db, q[k], p, k == 0 ? 1 : 2)) == NULL)
			return -1;
		for (i = 0; i < db_rows(r); i++)
			if (run->o->out != NULL && !run->o->quiet)
				fprintf(run->o->out, "%s%s\tescalation\t%s\n",
				    run->o->prefix ? run->o->prefix : "",
				    db_str(r, i, ESCALATION_END_NUMBER),
				    db_str(r, i, ESCALATION_END_WHY));
		db_res_free(r);
	}
	return 0;
}

/*
 * Issue 15: the mail about promise row of r (template tpl: the reminder
 * the day before, or the kind note once the day has passed), queued in
 * the customer's language; its outbox id in id. 0 or -1.
 */
static int
promise_mail(struct run *run, const struct db_res *r, int row, const char *tpl,
    const char *kind, char *id, size_t idsz)
{
	const struct i18n_lang	*lang;
	const char		*cur = db_str(r, row, PROMISE_EVENT_CURRENCY);
	struct view		*v;
	int			 rc;

	if ((lang = i18n_find(run->i18n, db_str(r, row,
	    PROMISE_EVENT_LANGUAGE))) == NULL)
		lang = i18n_source(run->i18n);
	page_lang(&run->c, lang);
	v = page_view(&run->c);
	view_set_str(v, "name", db_str(r, row, PROMISE_EVENT_NAME));
	view_set_str(v, "number", db_str(r, row, PROMISE_EVENT_NUMBER));
	view_set_str(v, "day", page_date(&run->c, db_date(r, row,
	    PROMISE_EVENT_PAY_ON)));
	view_set_str(v, "amount", page_money(&run->c, db_int(r, row,
	    PROMISE_EVENT_AMOUNT_CENTS), cur));
	view_set_str(v, "balance", page_money(&run->c, db_int(r, row,
	    PROMISE_EVENT_BALANCE), cur));
	rc = outbox_queue_id(run->db, run->c.templates, run->cfg, run->o->now,
	    &(struct outbox_mail){ .template = tpl, .language = lang->tag,
	    .to = db_str(r, row, PROMISE_EVENT_EMAIL),
	    .to_name = db_str(r, row, PROMISE_EVENT_NAME), .kind = kind,
	    .invoice_id = db_str(r, row, PROMISE_EVENT_INVOICE_ID) }, v, id, idsz);
	page_lang(&run->c, i18n_source(run->i18n));
	return rc;
}

/* Does what remind_promise_decide() says for promise row of r. 0 or -1. */
static int
promise_event(struct run *run, const struct db_res *r, int row)
{
	struct remind_promise_facts f = {
		.pay_on = date_to_days(db_date(r, row, PROMISE_EVENT_PAY_ON)),
		.local_today = date_to_days(db_date(r, row,
		    PROMISE_EVENT_LOCAL_TODAY)),
		.local_hour = (int)db_int(r, row, PROMISE_EVENT_LOCAL_HOUR),
		.balance = db_int(r, row, PROMISE_EVENT_BALANCE),
		.due_sent = db_bool(r, row, PROMISE_EVENT_DUE_SENT),
	};
	enum remind_promise	 e = remind_promise_decide(&f);
	const char		*p[6];
	char			 mail[24] = "";
	static const char *const names[] = { "", "promise_due", "kept", "broken" };

	if (e == REMIND_PROMISE_NOTHING)
		return 0;
	if (run->o->out != NULL && !run->o->quiet)
		(void)fprintf(run->o->out, "%s%s promise %s: %s\n",
		    run->o->prefix ? run->o->prefix : "",
		    db_str(r, row, PROMISE_EVENT_NUMBER),
		    db_str(r, row, PROMISE_EVENT_ID), names[e]);
	if (run->o->dry_run)
		return 0;
	p[0] = db_str(r, row, PROMISE_EVENT_ID);
	if (e == REMIND_PROMISE_DUE) {
		if (promise_mail(run, r, row, "mail/promise_due", "promise_due",
		    mail, sizeof(mail)) == -1)
			return -1;
		p[1] = db_str(r, row, PROMISE_EVENT_INVOICE_ID);
		p[2] = db_str(r, row, PROMISE_EVENT_LOCAL_TODAY);
		p[3] = run->now;
		p[4] = db_str(r, row, PROMISE_EVENT_PAY_ON);
		p[5] = mail;
		if (db_do(run->db, SQL_PROMISE_DUE_DONE, p, 6) == -1)
			return -1;
		run->st->sent++;
		return 0;
	}
	if (e == REMIND_PROMISE_BROKEN && promise_mail(run, r, row,
	    "mail/promise_broken", "promise_broken", mail, sizeof(mail)) == -1)
		return -1;
	p[1] = e == REMIND_PROMISE_BROKEN ? "broken" : "kept";
	p[2] = db_str(r, row, PROMISE_EVENT_LOCAL_TODAY);
	p[3] = run->now;
	p[4] = mail[0] ? mail : NULL;
	return db_do(run->db, SQL_PROMISE_END, p, 5);
}

/* Every open promise, each in a transaction of its own (unless the caller's). */
static int
promise_events(struct run *run, const char *const p[2])
{
	struct db_res	*r;
	int		 i, rc = 0;

	if ((r = db_query(run->db, SQL_PROMISE_EVENTS, p, 2)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r); i++) {
		arena_reset(run->c.arena);
		if (!run->o->in_transaction && db_begin(run->db) == -1) {
			rc = -1;
			break;
		}
		if (promise_event(run, r, i) == -1) {
			log_error("%s: promise %s: not done", __func__,
			    db_str(r, i, PROMISE_EVENT_ID));
			run->st->failed++;
			rc = -1;
			if (run->o->in_transaction)
				break;
			db_rollback(run->db);
			continue;
		}
		if (!run->o->in_transaction && db_commit(run->db) == -1) {
			rc = -1;
			break;
		}
	}
	db_res_free(r);
	return rc;
}

int
remind_run(struct db *db, const struct config *cfg, const struct i18n *i18n,
    const struct remind_options *o, struct remind_stats *st)
{
	struct run	 run;
	struct db_res	*r = NULL;
	struct tm	 tm;
	const char	*p[2];
	int		 i, rc = -1;

	memset(&run, 0, sizeof(run));
	run.db = db; run.cfg = cfg; run.i18n = i18n; run.o = o; run.st = st;
	run.c.cfg = cfg;
	run.c.i18n = i18n;
	run.c.db = db;
	run.c.now = o->now;
	page_lang(&run.c, i18n_source(i18n));
	if ((run.c.arena = arena_new()) == NULL)
		goto out;
	if (gmtime_r(&o->now, &tm) == NULL ||
	    strftime(run.now, sizeof(run.now), "%Y-%m-%d %H:%M:%S+00", &tm) == 0)
		goto out;
	if ((r = db_query(db, SQL_REMIND_SESSION, NULL, 0)) == NULL)
		goto out;
	db_res_free(r);
	r = NULL;
	if (escalations(&run) == -1)
		goto out;
	p[0] = run.now;
	p[1] = cfg->timezone;
	/*
	 * Promises first: a broken one's note is the day's email, so the
	 * cadence it resumes waits its quiet period after it.
	 */
	if (promise_events(&run, p) == -1 && o->in_transaction)
		goto out;
	if ((r = db_query(db, SQL_REMIND_DUE, p, 2)) == NULL)
		goto out;
	rc = 0;
	for (i = 0; i < db_rows(r); i++) {
		arena_reset(run.c.arena);
		if (handle(&run, r, i) == -1) {
			st->failed++;
			rc = -1;
			if (o->in_transaction)	/* the transaction is aborted */
				break;
		}
	}
out:
	db_res_free(r);
	arena_free(run.c.arena);
	return rc;
}
