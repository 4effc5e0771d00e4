#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "bankcsv.h"
#include "bankpay.h"
#include "buf.h"
#include "camt.h"
#include "config.h"
#include "credit.h"
#include "db.h"
#include "i18n.h"
#include "invoice.h"
#include "log.h"
#include "money.h"
#include "outbox.h"
#include "payref.h"
#include "plan.h"
#include "view.h"

/* The invoice's active plan, as far as paying it goes. */
struct plan_state {
	bool		 active;
	char		 id[24];
	struct date	 accepted;
	int		 n;
	int		 seq[PLAN_MAX_INSTALLMENTS];
	struct date	 due[PLAN_MAX_INSTALLMENTS];
	int64_t		 amount[PLAN_MAX_INSTALLMENTS];
};

/* The invoice's items (shape ITEM; caller frees *items) and their totals. */
static int
invoice_state(struct db *db, const char *invoice_id, struct invoice_totals *t,
    struct db_res **items)
{
	const char		*p[1] = { invoice_id };
	enum invoice_kind	 k;
	int			 i;

	if ((*items = db_query(db, SQL_INVOICE_ITEMS, p, 1)) == NULL)
		return -1;
	invoice_totals_init(t);
	for (i = 0; i < db_rows(*items); i++)
		if (invoice_kind_parse(db_str(*items, i, ITEM_KIND), &k) == -1 ||
		    invoice_totals_add(t, k, db_int(*items, i, ITEM_AMOUNT_CENTS)) == -1)
			return -1;
	return 0;
}

static int
read_plan(struct db *db, const char *invoice_id, struct plan_state *ps)
{
	const char	*p[1] = { invoice_id };
	struct db_res	*r;
	int		 i, rc = -1;

	memset(ps, 0, sizeof(*ps));
	if ((r = db_query(db, SQL_PAY_PLAN, p, 1)) == NULL)
		return -1;
	if (db_rows(r) > PLAN_MAX_INSTALLMENTS)
		goto out;
	ps->n = db_rows(r);
	if ((ps->active = ps->n > 0)) {
		(void)snprintf(ps->id, sizeof(ps->id), "%s",
		    db_str(r, 0, SCHEDULE_PLAN_ID));
		if (!date_valid(ps->accepted = db_date(r, 0, SCHEDULE_ACCEPTED_ON)))
			goto out;
	}
	for (i = 0; i < ps->n; i++) {
		ps->seq[i] = (int)db_int(r, i, SCHEDULE_SEQ);
		ps->amount[i] = db_int(r, i, SCHEDULE_AMOUNT_CENTS);
		if (!date_valid(ps->due[i] = db_date(r, i, SCHEDULE_DUE_ON)))
			goto out;
	}
	rc = 0;
out:
	db_res_free(r);
	return rc;
}

/* The payments among items received on or after since, in *paid; 0 or -1. */
static int
paid_since(const struct db_res *items, struct date since, int64_t *paid)
{
	int	i;

	*paid = 0;
	for (i = 0; i < db_rows(items); i++)
		if (strcmp(db_str(items, i, ITEM_KIND), INVOICE_PAYMENT_NAME) == 0 &&
		    date_diff(db_date(items, i, ITEM_DAY), since) >= 0 &&
		    money_add(*paid, db_int(items, i, ITEM_AMOUNT_CENTS), paid) == -1)
			return -1;
	return 0;
}

/* cents in currency, written for language lang, arena-owned; "" on failure. */
static const char *
money_in(const struct bankpay_env *e, int64_t cents, const char *currency,
    const char *lang)
{
	char	out[MONEY_FORMAT_MAX];

	if (money_format(out, sizeof(out), cents, currency, lang) == -1)
		return "";
	return arena_strdup(e->arena, out);
}

static const char *
date_in(const struct bankpay_env *e, struct date d, const char *lang)
{
	char	out[DATE_LONG_MAX];

	if (date_format_long(out, sizeof(out), d, lang) == -1)
		return "";
	return arena_strdup(e->arena, out);
}

/*
 * The thank-you: what arrived, and what comes next (the plan's next
 * payment, the balance, or nothing: settled), in the customer's language.
 */
static int
thank(const struct bankpay_env *e, const struct db_res *inv, int64_t cents,
    struct date booked, const struct invoice_totals *t,
    const struct plan_state *ps, int next, int64_t next_left)
{
	const struct i18n_lang	*lang;
	const char		*cur = db_str(inv, 0, PAYEE_CURRENCY), *tag;
	struct view		*v;
	bool			 settled = t->balance <= 0;
	bool			 has_next = !settled && ps->active && next < ps->n;

	if ((lang = i18n_find(e->i18n, db_str(inv, 0, PAYEE_LANGUAGE))) == NULL)
		lang = i18n_source(e->i18n);
	tag = lang->tag;
	if ((v = e->root(e->arena, e->cfg, tag)) == NULL)
		return -1;
	view_set_str(v, "name", db_str(inv, 0, PAYEE_NAME));
	view_set_str(v, "number", db_str(inv, 0, PAYEE_NUMBER));
	view_set_str(v, "amount", money_in(e, cents, cur, tag));
	view_set_str(v, "received_on", date_in(e, booked, tag));
	view_set_bool(v, "settled", settled);
	view_set_bool(v, "credit", t->balance < 0);
	view_set_str(v, "credit_amount", money_in(e, -t->balance, cur, tag));
	view_set_bool(v, "has_next", has_next);
	view_set_str(v, "next_amount", has_next ? money_in(e, next_left, cur, tag) : "");
	view_set_str(v, "next_date", has_next ? date_in(e, ps->due[next], tag) : "");
	view_set_bool(v, "has_balance", !settled && !has_next);
	view_set_str(v, "balance", money_in(e, t->balance, cur, tag));
	if (arena_failed(e->arena))
		return -1;
	return outbox_queue(e->db, lang->templates, e->cfg, e->now,
	    &(struct outbox_mail){ .template = "mail/payment_thanks",
	    .language = tag, .to = db_str(inv, 0, PAYEE_EMAIL),
	    .to_name = db_str(inv, 0, PAYEE_NAME), .kind = "payment.thanks",
	    .invoice_id = db_str(inv, 0, PAYEE_ID) }, v);
}

int
bankpay_apply(const struct bankpay_env *e, const char *credit_id,
    int64_t cents, struct date booked, const char *entry,
    const char *invoice_id, const struct bankpay_actor *who)
{
	const char		*p[4];
	char			 iso[DATE_ISO_SIZE], amount[24], seq[16], money[MONEY_FORMAT_MAX];
	char			 left[MONEY_FORMAT_MAX];
	struct db_res		*inv = NULL, *items = NULL;
	struct invoice_totals	 t;
	struct plan_state	 ps;
	int64_t			 each[PLAN_MAX_INSTALLMENTS], paid = 0, before;
	int			 pays = -1, next = 0, rc = -1;
	const char		*detail;

	p[0] = invoice_id;
	if ((inv = db_query(e->db, SQL_PAY_INVOICE, p, 1)) == NULL)
		goto out;
	if (db_rows(inv) != 1 || date_format_iso(iso, sizeof(iso), booked) == -1) {
		log_error("%s: no invoice %s", __func__, invoice_id);
		goto out;
	}
	(void)snprintf(amount, sizeof(amount), "%lld", (long long)cents);
	p[0] = invoice_id; p[1] = amount; p[2] = iso; p[3] = credit_id;
	if (db_do(e->db, SQL_PAYMENT_BANK, p, 4) == -1 ||
	    invoice_state(e->db, invoice_id, &t, &items) == -1 ||
	    read_plan(e->db, invoice_id, &ps) == -1)
		goto out;
	if (ps.active) {
		if (paid_since(items, ps.accepted, &paid) == -1)
			goto out;
		before = date_diff(booked, ps.accepted) >= 0 ? paid - cents : paid;
		if ((pays = plan_paid(ps.amount, ps.n, before, each)) == -1 ||
		    (next = plan_paid(ps.amount, ps.n, paid, each)) == -1)
			goto out;
		(void)snprintf(seq, sizeof(seq), "%d", pays < ps.n ? ps.seq[pays] : 0);
		p[0] = credit_id; p[1] = ps.id; p[2] = seq;
		if (pays < ps.n && db_do(e->db, SQL_CREDIT_INSTALLMENT, p, 3) == -1)
			goto out;
		p[0] = ps.id;
		if (t.balance <= 0 && db_do(e->db, SQL_PLAN_COMPLETE, p, 1) == -1)
			goto out;
	}
	if (money_format_plain(money, sizeof(money), cents,
	    db_str(inv, 0, PAYEE_CURRENCY)) == -1 ||
	    money_format_plain(left, sizeof(left), t.balance,
	    db_str(inv, 0, PAYEE_CURRENCY)) == -1)
		goto out;
	detail = arena_printf(e->arena, "%s %s received %s, entry %s%s%s%s; "
	    "balance %s %s%s", db_str(inv, 0, PAYEE_CURRENCY), money, iso, entry,
	    pays >= 0 && pays < ps.n ? ", installment " : "",
	    pays >= 0 && pays < ps.n ? arena_printf(e->arena, "%d", ps.seq[pays]) : "",
	    pays >= 0 && pays < ps.n ? arena_printf(e->arena, " of plan %s", ps.id) : "",
	    db_str(inv, 0, PAYEE_CURRENCY), left,
	    ps.active && t.balance <= 0 ? ", plan completed" : "");
	if (detail == NULL || audit_write(e->db, &(struct audit_event){
	    .actor = who->actor, .staff_id = who->staff_id,
	    .action = "payment.received", .invoice_id = invoice_id,
	    .detail = detail, .client_addr = who->client_addr }) == -1)
		goto out;
	if (thank(e, inv, cents, booked, &t, &ps, next,
	    ps.active && next < ps.n ? ps.amount[next] - each[next] : 0) == -1)
		goto out;
	rc = 0;
out:
	db_res_free(inv);
	db_res_free(items);
	return rc;
}

/* What a credit's reference names: one invoice, none, several. */
struct match {
	const char	*status;	/* "matched" or "review" */
	const char	*reason;	/* bank_credits.reason */
	char		 invoice_id[24];
};

/* The candidate keys of s as a PostgreSQL array literal (keys are [A-Z0-9]). */
static const char *
key_array(struct arena *a, const struct payref_scan *s)
{
	struct buf	b;
	const char	*out;
	size_t		i;

	buf_init(&b, 256 * 1024);
	(void)buf_putc(&b, '{');
	for (i = 0; i < s->n; i++)
		(void)buf_printf(&b, "%s%s", i ? "," : "", s->v[i].key);
	(void)buf_putc(&b, '}');
	out = buf_failed(&b) ? NULL : arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return out;
}

/* True when key is one of the n picked keys. */
static bool
picked(const char *key, const char **keys, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/*
 * Finds the invoice cr's reference and text name, and whether it can take
 * the payment: m says matched (with the invoice) or why staff must look.
 */
static int
match(const struct bankpay_env *e, const struct credit *cr, struct match *m)
{
	struct payref_scan	 scan;
	struct invoice_totals	 t;
	struct db_res		*r = NULL, *items = NULL;
	const char		*text, *arr, *keys[4], *p[1];
	size_t			 nkeys;
	int			 i, found = 0, at = -1, rc = -1;

	memset(m, 0, sizeof(*m));
	m->status = "review";
	m->reason = "unmatched";
	text = arena_printf(e->arena, "%s %s", cr->reference, cr->text);
	if (text == NULL)
		return -1;
	if (payref_scan(e->arena, text, &scan) == -1 || scan.n == 0)
		return 0;	/* too long to be a reference, or nothing in it */
	if ((arr = key_array(e->arena, &scan)) == NULL)
		return -1;
	p[0] = arr;
	if ((r = db_query(e->db, SQL_PAYREF_INVOICES, p, 1)) == NULL)
		return -1;
	for (i = 0; i < db_rows(r); i++)
		(void)payref_mark(&scan, db_str(r, i, PAYREF_KEY));
	nkeys = payref_pick(&scan, keys, 4);
	for (i = 0; nkeys <= 4 && i < db_rows(r); i++)
		if (picked(db_str(r, i, PAYREF_KEY), keys, nkeys)) {
			found++;
			at = i;
		}
	if (nkeys > 4 || found > 1)
		m->reason = "ambiguous";
	else if (found == 1 && strcmp(db_str(r, at, PAYREF_CURRENCY), cr->currency) != 0)
		m->reason = "currency";
	else if (found == 1) {
		(void)snprintf(m->invoice_id, sizeof(m->invoice_id), "%s",
		    db_str(r, at, PAYREF_ID));
		if (invoice_state(e->db, m->invoice_id, &t, &items) == -1)
			goto out;
		if (t.balance <= 0) {
			m->reason = "paid";
			m->invoice_id[0] = '\0';
		} else {
			m->status = "matched";
			m->reason = "";
		}
	}
	rc = 0;
out:
	db_res_free(r);
	db_res_free(items);
	return rc;
}

/* One booking: recorded once, matched or left for staff. */
static int
import_one(const struct bankpay_env *e, const char *file, const struct credit *cr,
    struct bankpay_stats *st)
{
	static const char *const kinds[CREDIT_KIND__MAX] = {
		[CREDIT_KIND_CREDIT] = "credit", [CREDIT_KIND_DEBIT] = "debit",
		[CREDIT_KIND_RETURN] = "return", [CREDIT_KIND_REVERSAL] = "reversal",
	};
	struct match	 m;
	const char	*p[14];
	char		 iso[DATE_ISO_SIZE], amount[24], id[24];
	struct db_res	*r;
	bool		 inserted;

	memset(&m, 0, sizeof(m));
	if (cr->kind == CREDIT_KIND_CREDIT) {
		if (match(e, cr, &m) == -1)
			return -1;
	} else if (cr->kind == CREDIT_KIND_RETURN) {
		m.status = "review";
		m.reason = "return";
	} else {
		m.status = "ignored";
		m.reason = "";
	}
	if (date_format_iso(iso, sizeof(iso), cr->booked) == -1)
		return -1;
	(void)snprintf(amount, sizeof(amount), "%lld", (long long)cr->cents);
	p[0] = cr->account; p[1] = cr->id; p[2] = kinds[cr->kind]; p[3] = iso;
	p[4] = amount; p[5] = cr->currency; p[6] = cr->reference; p[7] = cr->text;
	p[8] = cr->party; p[9] = cr->end_to_end; p[10] = m.status; p[11] = m.reason;
	p[12] = m.invoice_id[0] != '\0' ? m.invoice_id : NULL; p[13] = file;
	if ((r = db_query(e->db, SQL_CREDIT_INSERT, p, 14)) == NULL)
		return -1;
	inserted = db_rows(r) == 1;
	(void)snprintf(id, sizeof(id), "%s", inserted ? db_str(r, 0, KEY_ID) : "");
	db_res_free(r);
	if (!inserted) {
		st->repeated++;
		return 0;
	}
	if (strcmp(m.status, "matched") == 0) {
		st->matched++;
		return bankpay_apply(e, id, cr->cents, cr->booked, cr->id,
		    m.invoice_id, &(struct bankpay_actor){ .actor = "admin" });
	}
	if (strcmp(m.status, "review") == 0)
		st->review++;
	else
		st->other++;
	return 0;
}

/* True when data looks like XML (after a BOM and white space). */
static bool
is_xml(const char *data, size_t len)
{
	size_t	i = 0;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
	    data[i] == '\n'))
		i++;
	return i < len && data[i] == '<';
}

int
bankpay_import(const struct bankpay_env *e, const char *file,
    const char *data, size_t len, struct bankpay_stats *st, char *err,
    size_t errsz)
{
	struct credit_list	 l;
	char			 why[512];
	size_t			 i;

	memset(st, 0, sizeof(*st));
	why[0] = '\0';
	if (is_xml(data, len)) {
		if (camt_parse(e->arena, data, len, &l, why, sizeof(why)) != CAMT_OK) {
			(void)snprintf(err, errsz, "%s: %s", file, why);
			return -1;
		}
	} else if (bankcsv_parse(e->arena, data, len, &l, why, sizeof(why)) !=
	    BANKCSV_OK) {
		(void)snprintf(err, errsz, "%s: %s", file, why);
		return -1;
	}
	st->bookings = (int)l.n;
	st->pending = (int)l.skipped;
	for (i = 0; i < l.n; i++)
		if (import_one(e, file, &l.items[i], st) == -1) {
			(void)snprintf(err, errsz, "%s:%u: entry %u (%s): could not "
			    "be recorded (see the log above); nothing was imported",
			    file, l.items[i].line, l.items[i].entry, l.items[i].id);
			return -1;
		}
	return 0;
}
