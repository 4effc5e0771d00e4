/*
 * Installment plans for the debtor: GET /i/{token}/plan shows the options
 * that fit the policy, each with its full schedule; POST accepts one in a
 * single transaction; GET /i/{token}/plan.ics is the accepted schedule as a
 * calendar. The invoice row is locked while a plan is accepted and a unique
 * index allows one active plan per invoice, so a double click, two tabs or a
 * replay never make two plans.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "ics.h"
#include "log.h"
#include "money.h"
#include "mustache.h"
#include "outbox.h"
#include "page.h"
#include "pages/debtor.h"
#include "plan.h"
#include "routes.h"
#include "token.h"
#include "view.h"

#define QUOTE_BYTES	16
#define QUOTE_HEX	(2 * QUOTE_BYTES + 1)

/* What the debtor is offered: the policy and the options that fit it. */
struct offer {
	struct plan_policy	policy;
	bool			offered;	/* a policy exists and is enabled */
	char			terms[64];
	struct plan_schedule	options[PLAN_MAX_OPTIONS];
	int			n;
	char			quote[QUOTE_HEX];	/* fingerprint of the options */
};

enum plan_field { F_OPTION, F_AGREE, F_CSRF, F_QUOTE, F__MAX };

static const struct form_field plan_fields[F__MAX] = {
	[F_OPTION] = { "option", 2, false },
	[F_AGREE] = { "agree", 3, false },
	[F_CSRF] = { "csrf", TOKEN_LEN, false },
	[F_QUOTE] = { "quote", QUOTE_HEX - 1, false },
};

static int
load_policy(struct ctx *c, const char *currency, struct offer *o)
{
	const char	*p[1] = { currency };
	struct db_res	*r;

	if ((r = db_query(c->db, SQL_PLAN_POLICY, p, 1)) == NULL)
		return -1;
	if (db_rows(r) == 1 && db_bool(r, 0, POLICY_ENABLED)) {
		o->offered = true;
		o->policy.min_balance = db_int(r, 0, POLICY_MIN_BALANCE_CENTS);
		o->policy.min_installment = db_int(r, 0, POLICY_MIN_INSTALLMENT_CENTS);
		o->policy.max_installments = (int)db_int(r, 0, POLICY_MAX_INSTALLMENTS);
		o->policy.freq_mask =
		    (db_bool(r, 0, POLICY_WEEKLY) ? 1u << PLAN_FREQ_WEEKLY : 0) |
		    (db_bool(r, 0, POLICY_FORTNIGHTLY) ? 1u << PLAN_FREQ_FORTNIGHTLY : 0) |
		    (db_bool(r, 0, POLICY_MONTHLY) ? 1u << PLAN_FREQ_MONTHLY : 0);
		o->policy.first_due_days = (int)db_int(r, 0, POLICY_FIRST_DUE_DAYS);
		(void)snprintf(o->terms, sizeof(o->terms), "%s",
		    db_str(r, 0, POLICY_TERMS_VERSION));
	}
	db_res_free(r);
	return 0;
}

/*
 * A fingerprint of every option exactly as shown (frequency, count, each
 * date and amount). The form carries it back, so a plan is only accepted if
 * the schedule the debtor saw is still the one we would store.
 */
static void
quote_options(struct offer *o)
{
	crypto_generichash_state	 st;
	unsigned char			 h[QUOTE_BYTES];
	const struct plan_schedule	*s;
	char				 item[64];
	int				 i, k, n;

	(void)crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (i = 0; i < o->n; i++) {
		s = &o->options[i];
		n = snprintf(item, sizeof(item), "%d/%d;", (int)s->freq, s->count);
		(void)crypto_generichash_update(&st, (unsigned char *)item, (size_t)n);
		for (k = 0; k < s->count; k++) {
			n = snprintf(item, sizeof(item), "%d-%d-%d:%lld;",
			    s->items[k].due.year, s->items[k].due.month,
			    s->items[k].due.day, (long long)s->items[k].amount);
			(void)crypto_generichash_update(&st, (unsigned char *)item,
			    (size_t)n);
		}
	}
	(void)crypto_generichash_final(&st, h, sizeof(h));
	(void)sodium_bin2hex(o->quote, sizeof(o->quote), h, sizeof(h));
}

static int
make_offer(struct ctx *c, const struct debtor_invoice *d, struct offer *o)
{
	memset(o, 0, sizeof(*o));
	if (load_policy(c, d->currency, o) == -1)
		return -1;
	if (o->offered && d->totals.balance > 0) {
		o->n = plan_options(d->totals.balance, &o->policy, page_today(c),
		    o->options, PLAN_MAX_OPTIONS);
		if (o->n < 0)
			o->n = 0;	/* an invalid policy row offers nothing */
	}
	quote_options(o);
	return 0;
}

/* One schedule as a view: amounts, dates, each installment. */
static void
schedule_view(struct ctx *c, const struct debtor_invoice *d,
    const struct plan_schedule *s, struct view *m)
{
	struct view	*list, *row;
	int		 k;

	debtor_frequency_view(m, s->freq);
	view_set_int(m, "count", s->count);
	view_set_str(m, "total", page_money(c, s->total, d->currency));
	view_set_str(m, "first_amount", page_money(c, s->items[0].amount, d->currency));
	view_set_str(m, "amount", page_money(c, s->items[s->count - 1].amount,
	    d->currency));
	view_set_bool(m, "equal", s->items[0].amount == s->items[s->count - 1].amount);
	view_set_int(m, "others", s->count - 1);
	view_set_str(m, "first_date", page_date(c, s->first_due));
	view_set_str(m, "last_date", page_date(c, s->last_due));
	list = view_set_list(m, "installments");
	for (k = 0; k < s->count; k++) {
		row = view_push_map(list);
		view_set_int(row, "seq", k + 1);
		view_set_str(row, "date", page_date(c, s->items[k].due));
		view_set_str(row, "amount", page_money(c, s->items[k].amount,
		    d->currency));
	}
}

/* The options page (also the form again, with errors, after a bad POST). */
static void
render_options(struct ctx *c, int status, const struct debtor_invoice *d,
    const struct offer *o, struct view *v, long chosen)
{
	struct view	*list, *m;
	int		 i;

	if (!page_csrf_or_reply(c, v, "csrf", "plan", d->link_id))
		return;
	view_set_str(v, "quote", o->quote);
	view_set_str(v, "terms_version", o->terms);
	view_set_str(v, "action", debtor_url(c, d, "/plan"));
	view_set_bool(v, "no_options", o->n == 0);
	list = view_set_list(v, "options");
	for (i = 0; i < o->n; i++) {
		m = view_push_map(list);
		view_set_int(m, "value", i + 1);
		view_set_bool(m, "soonest", i == 0);
		view_set_bool(m, "checked", chosen == i + 1);
		schedule_view(c, d, &o->options[i], m);
	}
	page_render(c, status, "plan", v);
}

void
plan_get(struct ctx *c)
{
	struct debtor_invoice	 d;
	struct offer		 o;
	struct view		*v;

	if (!debtor_open_or_reply(c, "plan.viewed", DEBTOR_PLAN, &d))
		return;
	v = page_view(c);
	debtor_view(c, &d, v);
	if (d.plan.active) {
		debtor_plan_view(c, &d, v);
		page_render(c, 200, "plan_agreement", v);
		return;
	}
	if (make_offer(c, &d, &o) == -1) {
		page_db_error(c);
		return;
	}
	render_options(c, 200, &d, &o, v, 0);
}

/* Appends "{a,b,c}" array literals of the schedule's numbers and dates. */
static int
schedule_arrays(const struct plan_schedule *s, struct buf *seq, struct buf *due,
    struct buf *amount)
{
	char	iso[DATE_ISO_SIZE];
	int	k;

	(void)buf_putc(seq, '{');
	(void)buf_putc(due, '{');
	(void)buf_putc(amount, '{');
	for (k = 0; k < s->count; k++) {
		if (date_format_iso(iso, sizeof(iso), s->items[k].due) == -1)
			return -1;
		(void)buf_printf(seq, "%s%d", k ? "," : "", k + 1);
		(void)buf_printf(due, "%s%s", k ? "," : "", iso);
		(void)buf_printf(amount, "%s%lld", k ? "," : "",
		    (long long)s->items[k].amount);
	}
	(void)buf_putc(seq, '}');
	(void)buf_putc(due, '}');
	(void)buf_putc(amount, '}');
	return buf_failed(seq) || buf_failed(due) || buf_failed(amount) ? -1 : 0;
}

static int
insert_plan(struct ctx *c, const struct debtor_invoice *d, const struct offer *o,
    const struct plan_schedule *s, char *plan_id, size_t idsz)
{
	const char	*p[9];
	char		 count[16], total[24];
	struct db_res	*r;

	(void)snprintf(count, sizeof(count), "%d", s->count);
	(void)snprintf(total, sizeof(total), "%lld", (long long)s->total);
	p[0] = d->invoice_id;
	p[1] = d->link_id;
	p[2] = plan_freq_name(s->freq);
	p[3] = count;
	p[4] = total;
	p[5] = d->currency;
	p[6] = o->terms;
	p[7] = c->req.remote_addr;
	p[8] = c->req.user_agent;
	if ((r = db_query(c->db, SQL_PLAN_INSERT, p, 9)) == NULL)
		return -1;
	(void)snprintf(plan_id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return 0;
}

static int
insert_installments(struct ctx *c, const char *plan_id,
    const struct plan_schedule *s)
{
	struct buf	 seq, due, amount;
	const char	*p[4];
	int		 rc = -1;

	buf_init(&seq, 0);
	buf_init(&due, 0);
	buf_init(&amount, 0);
	if (schedule_arrays(s, &seq, &due, &amount) == -1)
		goto out;
	p[0] = plan_id;
	p[1] = buf_str(&seq);
	p[2] = buf_str(&due);
	p[3] = buf_str(&amount);
	rc = db_do(c->db, SQL_PLAN_INSTALLMENTS, p, 4);
out:
	buf_free(&seq);
	buf_free(&due);
	buf_free(&amount);
	return rc;
}

/* Queues mail template tpl about the accepted plan to to, written in lang. */
static int
plan_mail(struct ctx *c, const struct debtor_invoice *d, const struct offer *o,
    const struct plan_schedule *s, const struct i18n_lang *lang,
    const char *tpl, const char *to, const char *to_name, const char *kind)
{
	const struct i18n_lang	*was = debtor_use_lang(c, lang);
	struct view		*v = page_view(c), *plan;
	int			 rc;

	debtor_view(c, d, v);
	plan = view_set_map(v, "plan");
	schedule_view(c, d, s, plan);
	view_set_str(plan, "accepted_on", page_date(c, page_today(c)));
	view_set_str(plan, "terms_version", o->terms);
	view_set_fmt(v, "invoice_link", "%s%s", c->cfg->base_url,
	    debtor_url(c, d, ""));
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = tpl, .language = page_lang_tag(c),
	    .to = to, .to_name = to_name, .kind = kind,
	    .invoice_id = d->invoice_id }, v);
	(void)debtor_use_lang(c, was);
	return rc;
}

/*
 * The audit event and the confirmation mails of an accepted plan: to the
 * debtor in the customer's language, to staff in English.
 */
static int
record_plan(struct ctx *c, const struct debtor_invoice *d, const struct offer *o,
    const struct plan_schedule *s)
{
	char	total[MONEY_FORMAT_MAX], *detail;

	if (money_format_plain(total, sizeof(total), s->total, d->currency) == -1)
		return -1;
	detail = arena_printf(c->arena, "%s x %d, %s %s total, terms %s",
	    plan_freq_name(s->freq), s->count, d->currency, total, o->terms);
	if (audit_write(c->db, &(struct audit_event){ .actor = "debtor",
	    .action = "plan.accepted", .invoice_id = d->invoice_id,
	    .link_id = d->link_id, .detail = detail,
	    .client_addr = c->req.remote_addr }) == -1)
		return -1;
	if (plan_mail(c, d, o, s, d->lang, "mail/plan_confirm", d->email,
	    d->name, "plan.confirm") == -1)
		return -1;
	if (c->cfg->plan_mail_staff && c->cfg->staff_email[0] != '\0' &&
	    plan_mail(c, d, o, s, i18n_source(c->i18n), "mail/plan_staff",
	    c->cfg->staff_email, NULL, "plan.staff") == -1)
		return -1;
	return 0;
}

/*
 * The invoice already has an active plan: nothing is written, and the
 * existing plan is shown (a double click or a second tab lands here).
 */
static void
show_existing(struct ctx *c, const struct debtor_invoice *d, struct view *v)
{
	debtor_plan_view(c, d, v);
	view_set_bool(v, "already", true);
	page_render(c, 409, "plan_agreement", v);
}

/*
 * Checks the submitted choice against what we offer now. Returns the
 * schedule, or NULL after answering: 400 with the form again for a missing
 * choice or consent, 409 when the options changed since the page was shown.
 */
static const struct plan_schedule *
chosen_or_reply(struct ctx *c, const struct debtor_invoice *d,
    const struct offer *o, const char **f, const enum form_result *each,
    struct view *v)
{
	long	 option = 0;
	int	 bad_option, bad_agree;

	bad_option = each[F_OPTION] != FORM_OK ||
	    form_int(f[F_OPTION], 1, o->n, &option) == -1;
	bad_agree = each[F_AGREE] != FORM_OK || strcmp(f[F_AGREE], "yes") != 0;
	if (bad_option || bad_agree) {
		view_set_bool(v, "error_option", bad_option);
		view_set_bool(v, "error_agree", bad_agree);
		view_set_bool(v, "errors", true);
		render_options(c, 400, d, o, v, bad_option ? 0 : option);
		return NULL;
	}
	if (each[F_QUOTE] != FORM_OK || strcmp(f[F_QUOTE], o->quote) != 0) {
		view_set_bool(v, "changed", true);
		render_options(c, 409, d, o, v, 0);
		return NULL;
	}
	return &o->options[option - 1];
}

/*
 * POST /i/{token}/plan (option, agree=yes, csrf, quote): re-checks balance
 * and policy under the invoice lock, stores the plan exactly as shown with
 * its installments, terms version, time and address, the audit event and
 * the confirmation mails, all in one transaction; then 303 to the invoice.
 * Form failures follow form.h (a bad token is the 403 page: nothing typed
 * would be lost).
 */
void
plan_post(struct ctx *c)
{
	const char			*f[F__MAX], *bad;
	enum form_result		 each[F__MAX], r;
	const struct plan_schedule	*s;
	struct debtor_invoice		 d;
	struct debtor_form		 form = { .purpose = "plan",
	    .flags = DEBTOR_PLAN };
	struct offer			 o;
	struct view			*v;
	char				 plan_id[24];

	r = form_check(c->req.form, c->req.nform, plan_fields, F__MAX, f, &bad,
	    each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	form.csrf = each[F_CSRF] == FORM_OK ? f[F_CSRF] : "";
	if (!debtor_begin_or_reply(c, &form, &d))
		return;
	v = page_view(c);
	debtor_view(c, &d, v);
	if (d.plan.active) {
		show_existing(c, &d, v);
		return;
	}
	if (d.totals.balance <= 0) {
		page_error(c, 409, "paid");
		return;
	}
	if (make_offer(c, &d, &o) == -1)
		goto fail;
	if ((s = chosen_or_reply(c, &d, &o, f, each, v)) == NULL)
		return;
	if (insert_plan(c, &d, &o, s, plan_id, sizeof(plan_id)) == -1) {
		if (strcmp(db_sqlstate(c->db), "23505") == 0) {
			show_existing(c, &d, v);	/* lost a race */
			return;
		}
		goto fail;
	}
	if (insert_installments(c, plan_id, s) == -1 ||
	    record_plan(c, &d, &o, s) == -1 || db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, debtor_done_url(c, &d, "plan")) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	debtor_fail(c, &form);
}
/* Renders one of the calendar's text templates for an installment. */
static const char *
ics_text(struct ctx *c, const char *name, struct view *v)
{
	struct mustache_error	err;
	struct buf		out;
	const char		*s;

	buf_init(&out, 4096);
	if (mustache_render(c->templates, name, v, MUSTACHE_TEXT, &out, &err) == -1) {
		buf_free(&out);
		return NULL;
	}
	s = arena_strndup(c->arena, buf_str(&out), out.len);
	buf_free(&out);
	return s;
}

static int
ics_events(struct ctx *c, const struct debtor_invoice *d, struct view *v,
    struct buf *out)
{
	const struct debtor_plan	*p = &d->plan;
	struct ics_event		 e;
	const char			*host = strstr(c->cfg->base_url, "://");
	int				 i;

	host = host ? host + 3 : c->cfg->base_url;
	host = arena_strndup(c->arena, host, strcspn(host, "/"));
	if (host == NULL)
		return -1;
	view_set_int(v, "count", p->count);
	for (i = 0; i < p->nitems; i++) {
		view_set_int(v, "seq", p->items[i].seq);
		view_set_str(v, "amount", page_money(c, p->items[i].amount,
		    d->currency));
		e.uid = arena_printf(c->arena, "settle-plan-%s-%d@%s", p->id,
		    p->items[i].seq, host);
		e.stamp = p->stamp;
		e.day = p->items[i].due;
		e.summary = ics_text(c, "ics/summary", v);
		e.description = ics_text(c, "ics/description", v);
		if (e.uid == NULL || e.summary == NULL || e.description == NULL ||
		    ics_event(out, &e) == -1)
			return -1;
	}
	return 0;
}

int
debtor_plan_ics(struct ctx *c, const struct debtor_invoice *d, struct buf *out)
{
	struct view	*v;
	const char	*calname;

	if (!d->plan.active)
		return -1;
	v = page_view(c);
	debtor_view(c, d, v);
	calname = ics_text(c, "ics/calendar", v);
	if (calname == NULL || ics_begin(out, calname) == -1 ||
	    ics_events(c, d, v, out) == -1 || ics_end(out) == -1)
		return -1;
	return 0;
}

/* GET /i/{token}/plan.ics: the accepted plan's schedule for a calendar. */
void
plan_ics(struct ctx *c)
{
	struct debtor_invoice	 d;

	if (!debtor_open_or_reply(c, "plan.calendar", DEBTOR_PLAN, &d))
		return;
	if (!d.plan.active) {
		page_error(c, 404, NULL);
		return;
	}
	buf_reset(&c->res.body);
	if (debtor_plan_ics(c, &d, &c->res.body) == -1) {
		page_error(c, 500, NULL);
		return;
	}
	c->res.content_type = "text/calendar; charset=utf-8";
	(void)response_header(&c->res, "Content-Disposition", arena_printf(c->arena,
	    "attachment; filename=\"payment-plan-%s.ics\"", d.number));
}
