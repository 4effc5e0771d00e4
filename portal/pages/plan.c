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
#include "pages/proposal.h"
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
	/* The first payment: chosen in earliest..latest, else latest. */
	struct date		first, earliest, latest;
};

/*
 * A plan of one's own as the debtor asked for it (the preview's query or
 * the accept form) and what we made of it. The err_* flags say which field
 * is wrong; nothing is computed while one is set.
 */
struct own {
	bool			 asked;
	const char		*amount_s, *count_s, *freq_s, *first_s;
	int64_t			 amount;
	long			 count;
	enum plan_freq		 freq;
	bool			 err_amount_format, err_amount_zero, err_no_amount;
	bool			 err_count, err_too_long, err_too_big;
	bool			 err_freq, err_first;
	enum plan_own_result	 result;
	struct plan_schedule	 s;
	char			 quote[QUOTE_HEX];
};

enum plan_field {
	F_OPTION, F_AGREE, F_CSRF, F_QUOTE, F_FIRST, F_MODE, F_AMOUNT,
	F_COUNT, F_FREQ, F__MAX
};

static const struct form_field plan_fields[F__MAX] = {
	[F_OPTION] = { "option", 2, false },
	[F_AGREE] = { "agree", 3, false },
	[F_CSRF] = { "csrf", TOKEN_LEN, false },
	[F_QUOTE] = { "quote", QUOTE_HEX - 1, false },
	[F_FIRST] = { "first", 10, false },
	[F_MODE] = { "mode", 3, false },
	[F_AMOUNT] = { "own_amount", 24, false },
	[F_COUNT] = { "own_count", 4, false },
	[F_FREQ] = { "freq", 16, false },
};

/* The plan page's query: the first payment date, and a plan's preview. */
enum query_field {
	Q_FIRST, Q_AMOUNT, Q_COUNT, Q_FREQ, Q_PREVIEW, Q_LANG, Q__MAX
};

static const struct form_field query_fields[Q__MAX] = {
	[Q_FIRST] = { "first", 10, false },
	[Q_AMOUNT] = { "own_amount", 24, false },
	[Q_COUNT] = { "own_count", 4, false },
	[Q_FREQ] = { "freq", 16, false },
	[Q_PREVIEW] = { "preview", 1, false },
	[Q_LANG] = { "lang", 16, false },	/* read by page_query_lang() */
};

/* Above this many installments, a plan of one's own never settles. */
#define OWN_MAX_COUNT	PLAN_MAX_INSTALLMENTS

/* The policy row of the invoice's currency (SQL_INVOICE_POLICY), if any. */
static void
read_policy(const struct db_res *r, struct offer *o)
{
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
}

/*
 * A fingerprint of every option exactly as shown (frequency, count, each
 * date and amount). The form carries it back, so a plan is only accepted if
 * the schedule the debtor saw is still the one we would store.
 */
static void
quote_schedules(const struct plan_schedule *list, int count, char *quote,
    size_t quotesz)
{
	crypto_generichash_state	 st;
	unsigned char			 h[QUOTE_BYTES];
	const struct plan_schedule	*s;
	char				 item[64];
	int				 i, k, n;

	(void)crypto_generichash_init(&st, NULL, 0, sizeof(h));
	for (i = 0; i < count; i++) {
		s = &list[i];
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
	(void)sodium_bin2hex(quote, quotesz, h, sizeof(h));
}

/*
 * The first payment date the debtor typed (ISO, as <input type=date> sends
 * it) in *out; -1 when it is not a date or outside the policy's window
 * (today .. today + first_due_days). "" is the policy's default.
 */
static int
parse_first(const struct offer *o, const char *s, struct date *out)
{
	if (s == NULL || s[0] == '\0') {
		*out = o->latest;
		return 0;
	}
	if (date_parse(s, out) == -1 || date_diff(*out, o->earliest) < 0 ||
	    date_diff(*out, o->latest) > 0)
		return -1;
	return 0;
}

/*
 * The offer of policy (the SQL_INVOICE_POLICY result) with the first
 * payment on first (DATE_INVALID: the default).
 */
static void
make_offer(struct ctx *c, const struct debtor_invoice *d,
    const struct db_res *policy, struct offer *o, struct date first)
{
	memset(o, 0, sizeof(*o));
	read_policy(policy, o);
	o->earliest = page_today(c);
	o->latest = date_add_days(o->earliest, o->offered ?
	    o->policy.first_due_days : 0);
	o->first = date_valid(first) ? first : o->latest;
	if (o->offered && d->totals.balance > 0) {
		o->n = plan_options_from(d->totals.balance, &o->policy, o->first,
		    o->options, PLAN_MAX_OPTIONS);
		if (o->n < 0)
			o->n = 0;	/* an invalid policy row offers nothing */
	}
	quote_schedules(o->options, o->n, o->quote, sizeof(o->quote));
}

/*
 * An amount as the debtor typed it: digits, at most the currency's
 * decimals, a comma taken for the decimal point. 0, or -1.
 */
static int
parse_amount(const char *s, const char *currency, int64_t *out)
{
	char	buf[32];
	size_t	i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		buf[i] = s[i] == ',' ? '.' : s[i];
	buf[i] = '\0';
	return money_parse(buf, currency, out);
}

/*
 * Reads and checks the debtor's own plan (raw strings in o) and computes
 * its schedule. Sets the err_* flags of what is wrong.
 */
static void
make_own(const struct debtor_invoice *d, const struct offer *o,
    struct own *w)
{
	struct date	first;

	w->asked = true;
	if (w->amount_s[0] != '\0') {
		if (parse_amount(w->amount_s, d->currency, &w->amount) == -1)
			w->err_amount_format = true;
		else if (w->amount <= 0)
			w->err_amount_zero = true;
	}
	if (w->count_s[0] != '\0' &&
	    form_int(w->count_s, 0, 9999, &w->count) == -1)
		w->err_count = true;
	else if (w->count_s[0] != '\0' && w->count < 2)
		w->err_count = true;
	if (w->amount_s[0] == '\0' && w->count_s[0] == '\0')
		w->err_no_amount = true;
	if (plan_freq_parse(w->freq_s, &w->freq) == -1)
		w->err_freq = true;
	if (parse_first(o, w->first_s, &first) == -1)
		w->err_first = true;
	if (w->err_amount_format || w->err_amount_zero || w->err_no_amount ||
	    w->err_count || w->err_freq || w->err_first)
		return;
	/* A count, when given, wins over the amount. */
	if (w->count_s[0] != '\0' && w->count > OWN_MAX_COUNT) {
		w->err_too_long = true;
		return;
	}
	w->result = plan_own(d->totals.balance, &o->policy, w->freq,
	    w->count_s[0] != '\0' ? (int)w->count : 0, w->amount, first, &w->s);
	if (w->result == PLAN_OWN_TOO_LONG)
		w->err_too_long = true;
	else if (w->result == PLAN_OWN_TOO_BIG)
		w->err_too_big = true;
	else if (w->result == PLAN_OWN_BAD)
		w->err_amount_format = true;
	else
		quote_schedules(&w->s, 1, w->quote, sizeof(w->quote));
}

static bool
own_failed(const struct own *w)
{
	return w->err_amount_format || w->err_amount_zero || w->err_no_amount ||
	    w->err_count || w->err_too_long || w->err_too_big || w->err_freq ||
	    w->err_first;
}

static const char *
iso(struct ctx *c, struct date d)
{
	char	buf[DATE_ISO_SIZE];

	if (date_format_iso(buf, sizeof(buf), d) == -1)
		return "";
	return arena_strndup(c->arena, buf, strlen(buf));
}

/* What the policy allows, said once on the page, and the date window. */
static void
policy_view(struct ctx *c, const struct debtor_invoice *d,
    const struct offer *o, struct view *v)
{
	view_set_str(v, "min_installment", page_money(c,
	    o->policy.min_installment, d->currency));
	view_set_int(v, "max_installments", o->policy.max_installments);
	view_set_str(v, "first_iso", iso(c, o->first));
	view_set_str(v, "earliest_iso", iso(c, o->earliest));
	view_set_str(v, "latest_iso", iso(c, o->latest));
	view_set_str(v, "earliest_date", page_date(c, o->earliest));
	view_set_str(v, "latest_date", page_date(c, o->latest));
	view_set_str(v, "first_date", page_date(c, o->first));
}

/* The debtor's own plan: the values typed, the errors, the preview. */
static void
own_view(struct ctx *c, const struct debtor_invoice *d,
    const struct offer *o, const struct own *w, struct view *v)
{
	struct view	*m, *list;
	enum plan_freq	 f;

	view_set_str(v, "own_amount", w->amount_s);
	view_set_str(v, "own_count", w->count_s);
	view_set_str(v, "own_first_iso", w->first_s[0] != '\0' ?
	    w->first_s : iso(c, o->latest));
	list = view_set_list(v, "frequencies");
	for (f = 0; f < PLAN_FREQ__MAX; f++) {
		m = view_push_map(list);
		view_set_str(m, "value", plan_freq_name(f));
		debtor_frequency_view(m, f);
		view_set_bool(m, "checked", w->freq_s[0] != '\0' ?
		    strcmp(w->freq_s, plan_freq_name(f)) == 0 :
		    f == PLAN_FREQ_MONTHLY);
	}
	if (!w->asked)
		return;
	view_set_bool(v, "own_errors", own_failed(w));
	view_set_bool(v, "error_own_amount", w->err_amount_format ||
	    w->err_amount_zero || w->err_no_amount || w->err_too_long ||
	    w->err_too_big || w->err_count);
	view_set_bool(v, "error_amount_format", w->err_amount_format);
	view_set_int(v, "decimals", money_exponent(d->currency));
	view_set_bool(v, "error_amount_zero", w->err_amount_zero);
	view_set_bool(v, "error_no_amount", w->err_no_amount);
	view_set_bool(v, "error_count", w->err_count);
	view_set_bool(v, "error_too_long", w->err_too_long);
	view_set_int(v, "own_max", OWN_MAX_COUNT);
	view_set_str(v, "own_least", page_money(c, (d->totals.balance +
	    OWN_MAX_COUNT - 1) / OWN_MAX_COUNT, d->currency));
	view_set_bool(v, "error_too_big", w->err_too_big);
	view_set_bool(v, "error_freq", w->err_freq);
	view_set_bool(v, "error_own_first", w->err_first);
	if (own_failed(w))
		return;
	m = view_set_map(v, "own");
	debtor_schedule_view(c, &w->s, d->currency, m);
	view_set_str(m, "quote", w->quote);
	view_set_bool(m, "within", w->result == PLAN_OWN_OK);
	view_set_bool(m, "below_min", w->s.items[w->s.count - 1].amount <
	    o->policy.min_installment);
	view_set_bool(m, "too_many", w->s.count > o->policy.max_installments);
	view_set_bool(m, "freq_not_offered",
	    (o->policy.freq_mask & (1u << w->s.freq)) == 0);
	view_set_bool(m, "small_balance", d->totals.balance <
	    o->policy.min_balance);
}

/* The options page (also the form again, with errors, after a bad POST). */
static void
render_options(struct ctx *c, int status, const struct debtor_invoice *d,
    const struct offer *o, const struct own *w, struct view *v, long chosen)
{
	struct view	*list, *m;
	int		 i;

	if (!page_csrf_or_reply(c, v, "csrf", "plan", d->link_id))
		return;
	view_set_str(v, "quote", o->quote);
	view_set_str(v, "terms_version", o->terms);
	view_set_str(v, "action", debtor_url(c, d, "/plan"));
	view_set_bool(v, "no_options", o->n == 0);
	view_set_bool(v, "offered", o->offered && d->totals.balance > 0);
	policy_view(c, d, o, v);
	own_view(c, d, o, w, v);
	list = view_set_list(v, "options");
	for (i = 0; i < o->n; i++) {
		m = view_push_map(list);
		view_set_int(m, "value", i + 1);
		view_set_bool(m, "soonest", i == 0);
		view_set_bool(m, "checked", chosen == i + 1);
		debtor_schedule_view(c, &o->options[i], d->currency, m);
	}
	page_render(c, status, "plan", v);
}

/*
 * The invoice's proposal under review (the SQL_PROPOSAL_OPEN result r):
 * when there is one the page says "waiting for review" instead of the
 * options. true with it shown, false when there is none.
 */
static bool
show_review(struct ctx *c, int status, const struct debtor_invoice *d,
    const struct db_res *r, struct view *v)
{
	struct plan_schedule s;
	struct view	*m;
	enum plan_freq	 f;

	if (db_rows(r) != 1)
		return false;
	m = view_set_map(v, "review");
	if (plan_freq_parse(db_str(r, 0, PROPOSAL_FREQUENCY), &f) == 0)
		debtor_frequency_view(m, f);
	view_set_int(m, "count", (int)db_int(r, 0, PROPOSAL_INSTALLMENTS));
	view_set_str(m, "first_date", page_date(c,
	    db_date(r, 0, PROPOSAL_FIRST_DUE)));
	view_set_str(m, "total", page_money(c, db_int(r, 0,
	    PROPOSAL_TOTAL_CENTS), d->currency));
	view_set_str(m, "received_on", page_date(c,
	    db_date(r, 0, PROPOSAL_RECEIVED_ON)));
	/* Staff answered with a schedule of their own: the page shows it. */
	if (strcmp(db_str(r, 0, PROPOSAL_STATUS), "countered") == 0 &&
	    proposal_schedule(db_int(r, 0, PROPOSAL_TOTAL_CENTS),
	    db_str(r, 0, PROPOSAL_COUNTER_FREQUENCY),
	    db_int(r, 0, PROPOSAL_COUNTER_INSTALLMENTS),
	    db_date(r, 0, PROPOSAL_COUNTER_FIRST_DUE), &s)) {
		view_set_str(v, "offered_on", page_date(c,
		    db_date(r, 0, PROPOSAL_DECIDED_ON)));
		debtor_schedule_view(c, &s, d->currency,
		    view_set_map(v, "counter"));
	}
	page_render(c, status, "plan", v);
	return true;
}

/* The plan pages' own reads, in the pipeline of the invoice's (debtor.h). */
enum plan_read { READ_POLICY, READ_PROPOSAL, READ__MAX };

/* Sets more up for the policy and the proposal under review on today. */
static void
plan_reads(struct ctx *c, char today[DATE_ISO_SIZE],
    struct debtor_read more[READ__MAX])
{
	(void)date_format_iso(today, DATE_ISO_SIZE, page_today(c)); /* valid */
	more[READ_POLICY] = (struct debtor_read){ SQL_INVOICE_POLICY, NULL, NULL };
	more[READ_PROPOSAL] = (struct debtor_read){ SQL_PROPOSAL_OPEN, today,
	    NULL };
}

/*
 * GET /i/{token}/plan[?first=DATE][&own_amount=&own_count=&freq=&preview=1]:
 * the options with the first payment on DATE, and the preview of a plan of
 * one's own. A query that does not parse is the options with the default
 * date; a bad date or plan is the page again (400) with the message next to
 * the field.
 */
static void
plan_page(struct ctx *c, struct debtor_invoice *d,
    const struct debtor_read more[READ__MAX])
{
	struct offer		 o;
	struct own		 w = { .amount_s = "", .count_s = "",
	    .freq_s = "", .first_s = "" };
	struct view		*v;
	const char		*q[Q__MAX], *bad;
	struct date		 first = DATE_INVALID;
	bool			 bad_first = false, query_ok;

	v = page_view(c);
	debtor_view(c, d, v);
	if (d->plan.active) {
		debtor_plan_view(c, d, v);
		page_render(c, 200, "plan_agreement", v);
		return;
	}
	if (show_review(c, 200, d, more[READ_PROPOSAL].res, v))
		return;
	query_ok = !c->req.query_bad && form_check(c->req.query, c->req.nquery,
	    query_fields, Q__MAX, q, &bad, NULL) == FORM_OK;
	make_offer(c, d, more[READ_POLICY].res, &o, DATE_INVALID);
	if (query_ok && q[Q_PREVIEW][0] != '\0') {
		w.amount_s = q[Q_AMOUNT];
		w.count_s = q[Q_COUNT];
		w.freq_s = q[Q_FREQ];
		w.first_s = q[Q_FIRST];
		make_own(d, &o, &w);
	} else if (query_ok && q[Q_FIRST][0] != '\0') {
		if (parse_first(&o, q[Q_FIRST], &first) == -1)
			bad_first = true;
		else
			make_offer(c, d, more[READ_POLICY].res, &o, first);
	}
	view_set_bool(v, "error_first", bad_first);
	if (bad_first)
		view_set_str(v, "typed_first", q[Q_FIRST]);
	render_options(c, bad_first || own_failed(&w) ? 400 : 200, d, &o, &w,
	    v, 0);
}

void
plan_get(struct ctx *c)
{
	struct debtor_invoice	 d;
	struct debtor_read	 more[READ__MAX];
	char			 today[DATE_ISO_SIZE];

	plan_reads(c, today, more);
	if (!debtor_open_reads_or_reply(c, "plan.viewed", DEBTOR_PLAN, &d,
	    more, READ__MAX))
		return;
	plan_page(c, &d, more);
	debtor_reads_free(more, READ__MAX);
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

static int insert_installments(struct ctx *c, const char *plan_id,
    const struct plan_schedule *s);

int
plan_store(struct ctx *c, const char *invoice_id, const char *link_id,
    const char *currency, const char *terms, const struct plan_schedule *s,
    char *plan_id, size_t idsz)
{
	const char	*p[9];
	char		 count[16], total[24];
	struct db_res	*r;

	(void)snprintf(count, sizeof(count), "%d", s->count);
	(void)snprintf(total, sizeof(total), "%lld", (long long)s->total);
	p[0] = invoice_id;
	p[1] = link_id != NULL && link_id[0] != '\0' ? link_id : NULL;
	p[2] = plan_freq_name(s->freq);
	p[3] = count;
	p[4] = total;
	p[5] = currency;
	p[6] = terms;
	p[7] = c->req.remote_addr;
	p[8] = c->req.user_agent;
	if ((r = db_query(c->db, SQL_PLAN_INSERT, p, 9)) == NULL)
		return -1;
	(void)snprintf(plan_id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return insert_installments(c, plan_id, s);
}

static int
insert_plan(struct ctx *c, const struct debtor_invoice *d, const struct offer *o,
    const struct plan_schedule *s, char *plan_id, size_t idsz)
{
	return plan_store(c, d->invoice_id, d->link_id, d->currency, o->terms, s,
	    plan_id, idsz);
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
	debtor_schedule_view(c, s, d->currency, plan);
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
	struct own	 no_own = { .amount_s = "", .count_s = "", .freq_s = "",
	    .first_s = "" };
	long		 option = 0;
	int		 bad_option, bad_agree;

	bad_option = each[F_OPTION] != FORM_OK ||
	    form_int(f[F_OPTION], 1, o->n, &option) == -1;
	bad_agree = each[F_AGREE] != FORM_OK || strcmp(f[F_AGREE], "yes") != 0;
	if (bad_option || bad_agree) {
		view_set_bool(v, "error_option", bad_option);
		view_set_bool(v, "error_agree", bad_agree);
		view_set_bool(v, "errors", true);
		render_options(c, 400, d, o, &no_own, v, bad_option ? 0 : option);
		return NULL;
	}
	if (each[F_QUOTE] != FORM_OK || strcmp(f[F_QUOTE], o->quote) != 0) {
		view_set_bool(v, "changed", true);
		render_options(c, 409, d, o, &no_own, v, 0);
		return NULL;
	}
	return &o->options[option - 1];
}

/*
 * The debtor's own plan from the accept form: 1 with w computed and
 * checked (a plan within policy needs agree=yes), 0 after answering with
 * the page again (400 with the message next to the field, 409 when the
 * schedule changed since the preview), -1 on a database error.
 */
static int
own_or_reply(struct ctx *c, const struct debtor_invoice *d,
    const struct offer *o, const char **f, struct own *w, struct view *v)
{
	w->amount_s = f[F_AMOUNT];
	w->count_s = f[F_COUNT];
	w->freq_s = f[F_FREQ];
	w->first_s = f[F_FIRST];
	make_own(d, o, w);
	if (own_failed(w)) {
		render_options(c, 400, d, o, w, v, 0);
		return 0;
	}
	if (strcmp(f[F_QUOTE], w->quote) != 0) {
		view_set_bool(v, "changed", true);
		w->asked = false;
		render_options(c, 409, d, o, w, v, 0);
		return 0;
	}
	if (w->result == PLAN_OWN_OK && strcmp(f[F_AGREE], "yes") != 0) {
		view_set_bool(v, "error_own_agree", true);
		view_set_bool(v, "own_errors", true);
		render_options(c, 400, d, o, w, v, 0);
		return 0;
	}
	return 1;
}

/*
 * A plan of one's own outside policy goes to staff: the proposal and its
 * 'proposal' task (one statement), the audit event, the debtor's
 * acknowledgement (kind proposal.ack) and the staff mail. A second
 * proposal loses to the unique index: the caller's transaction fails.
 */
static int
propose(struct ctx *c, const struct debtor_invoice *d,
    const struct plan_schedule *s)
{
	const char	*p[11];
	char		 count[16], firstc[24], amount[24], total[24], pid[24];
	char		 first[DATE_ISO_SIZE], today[DATE_ISO_SIZE];
	struct db_res	*r;
	struct view	*v, *m;
	const struct i18n_lang	*was;
	int		 rc;

	if (date_format_iso(first, sizeof(first), s->first_due) == -1 ||
	    date_format_iso(today, sizeof(today), page_today(c)) == -1)
		return -1;
	(void)snprintf(count, sizeof(count), "%d", s->count);
	(void)snprintf(firstc, sizeof(firstc), "%lld", (long long)s->items[0].amount);
	(void)snprintf(amount, sizeof(amount), "%lld",
	    (long long)s->items[s->count - 1].amount);
	(void)snprintf(total, sizeof(total), "%lld", (long long)s->total);
	p[0] = d->invoice_id;
	p[1] = d->link_id;
	p[2] = plan_freq_name(s->freq);
	p[3] = count;
	p[4] = first;
	p[5] = firstc;
	p[6] = amount;
	p[7] = total;
	p[8] = d->currency;
	p[9] = c->req.remote_addr;
	p[10] = today;
	if (db_do(c->db, SQL_PROPOSAL_LAPSE, (const char *[]){ d->invoice_id,
	    today }, 2) == -1)
		return -1;
	if ((r = db_query(c->db, SQL_PROPOSAL_INSERT, p, 11)) == NULL)
		return -1;
	(void)snprintf(pid, sizeof(pid), "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	if (audit_write(c->db, &(struct audit_event){ .actor = "debtor",
	    .action = "plan.proposed", .invoice_id = d->invoice_id,
	    .link_id = d->link_id, .detail = arena_printf(c->arena,
	    "proposal %s: %s x %d from %s, total %s", pid, p[2], s->count,
	    first, total), .client_addr = c->req.remote_addr }) == -1)
		return -1;
	was = debtor_use_lang(c, d->lang);
	v = page_view(c);
	debtor_view(c, d, v);
	m = view_set_map(v, "plan");
	debtor_schedule_view(c, s, d->currency, m);
	view_set_str(m, "received_on", page_date(c, page_today(c)));
	view_set_fmt(v, "invoice_link", "%s%s", c->cfg->base_url,
	    debtor_url(c, d, "/plan"));
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/proposal_ack",
	    .language = page_lang_tag(c), .to = d->email, .to_name = d->name,
	    .kind = "proposal.ack", .invoice_id = d->invoice_id }, v);
	(void)debtor_use_lang(c, was);
	if (rc == -1)
		return -1;
	if (c->cfg->staff_email[0] == '\0')
		return 0;
	was = debtor_use_lang(c, i18n_source(c->i18n));
	v = page_view(c);
	debtor_view(c, d, v);
	m = view_set_map(v, "plan");
	debtor_schedule_view(c, s, d->currency, m);
	view_set_str(m, "received_on", page_date(c, page_today(c)));
	view_set_fmt(v, "staff_link", "%s/staff/proposals/%s", c->cfg->base_url,
	    pid);
	rc = outbox_queue(c->db, c->templates, c->cfg, c->now,
	    &(struct outbox_mail){ .template = "mail/proposal_staff",
	    .language = page_lang_tag(c), .to = c->cfg->staff_email,
	    .kind = "proposal.staff", .invoice_id = d->invoice_id }, v);
	(void)debtor_use_lang(c, was);
	return rc;
}

/*
 * POST /i/{token}/plan (option, agree=yes, csrf, quote[, first]), or a
 * plan of one's own (mode=own, own_amount or own_count, freq, first, quote
 * of the preview, agree=yes within policy): re-checks balance
 * and policy under the invoice lock, stores the plan exactly as shown with
 * its installments, terms version, time and address, the audit event and
 * the confirmation mails, all in one transaction; then 303 to the invoice.
 * Form failures follow form.h (a bad token is the 403 page: nothing typed
 * would be lost).
 */
static void
plan_submit(struct ctx *c, const struct debtor_form *form,
    struct debtor_invoice *d, const char *f[F__MAX],
    const enum form_result each[F__MAX])
{
	const struct db_res		*policy = form->more[READ_POLICY].res;
	const struct plan_schedule	*s;
	struct offer			 o;
	struct own			 w = { .amount_s = "", .count_s = "",
	    .freq_s = "", .first_s = "" };
	struct view			*v;
	struct date			 first;
	char				 plan_id[24];
	int				 rc;

	v = page_view(c);
	debtor_view(c, d, v);
	if (d->plan.active) {
		show_existing(c, d, v);
		return;
	}
	if (d->totals.balance <= 0) {
		page_error(c, 409, "paid");
		return;
	}
	if (show_review(c, 409, d, form->more[READ_PROPOSAL].res, v))
		return;
	make_offer(c, d, policy, &o, DATE_INVALID);
	if (strcmp(f[F_MODE], "own") == 0) {
		if ((rc = own_or_reply(c, d, &o, f, &w, v)) == -1)
			goto fail;
		if (rc == 0)
			return;
		if (w.result == PLAN_OWN_OUTSIDE) {
			if (propose(c, d, &w.s) == -1)
				goto fail;
			if (db_commit(c->db) == -1)
				goto fail;
			if (response_redirect(&c->res, debtor_url(c, d,
			    "/plan")) == -1)
				page_error(c, 500, NULL);
			return;
		}
		s = &w.s;
	} else {
		if (parse_first(&o, f[F_FIRST], &first) == -1) {
			view_set_bool(v, "error_first", true);
			view_set_str(v, "typed_first", f[F_FIRST]);
			render_options(c, 400, d, &o, &w, v, 0);
			return;
		}
		make_offer(c, d, policy, &o, first);
		if ((s = chosen_or_reply(c, d, &o, f, each, v)) == NULL)
			return;
	}
	if (insert_plan(c, d, &o, s, plan_id, sizeof(plan_id)) == -1) {
		if (strcmp(db_sqlstate(c->db), "23505") == 0) {
			show_existing(c, d, v);	/* lost a race */
			return;
		}
		goto fail;
	}
	if (record_plan(c, d, &o, s) == -1 || db_commit(c->db) == -1)
		goto fail;
	if (response_redirect(&c->res, debtor_done_url(c, d, "plan")) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	debtor_fail(c, form);
}

void
plan_post(struct ctx *c)
{
	const char			*f[F__MAX], *bad;
	enum form_result		 each[F__MAX], r;
	struct debtor_invoice		 d;
	struct debtor_read		 more[READ__MAX];
	struct debtor_form		 form = { .purpose = "plan",
	    .flags = DEBTOR_PLAN, .more = more, .nmore = READ__MAX };
	char				 today[DATE_ISO_SIZE];

	r = form_check(c->req.form, c->req.nform, plan_fields, F__MAX, f, &bad,
	    each);
	if (r == FORM_UNKNOWN || r == FORM_REPEATED) {
		page_error(c, 400, NULL);
		return;
	}
	form.csrf = each[F_CSRF] == FORM_OK ? f[F_CSRF] : "";
	plan_reads(c, today, more);
	if (!debtor_begin_or_reply(c, &form, &d))
		return;
	plan_submit(c, &form, &d, f, each);
	debtor_reads_free(more, READ__MAX);
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
