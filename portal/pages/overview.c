/*
 * The ledger at a glance (issue 14): GET /staff/overview, the aged balance
 * by bucket in each currency, what is under plans and holds, the reminders
 * sent this week, plan installments kept and missed, and days sales
 * outstanding, as SVG bar charts with the numbers in tables beside them;
 * and GET /staff/overview.csv, the aged-balance list for the accounting
 * system, one row per open invoice.
 *
 * The page reads everything in one round trip after the session check:
 * two set-based statements in a pipeline (sql.c, overview_ledger and
 * overview_week). The arithmetic (buckets, DSO, the week, bar lengths) is
 * ledger.c's. Every clerk sees the page; the CSV export is for managers,
 * because it carries every open invoice with its customer's name out of
 * the portal in one file (and it is audited).
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "buf.h"
#include "csv.h"
#include "ctx.h"
#include "date.h"
#include "db.h"
#include "ledger.h"
#include "log.h"
#include "money.h"
#include "page.h"
#include "pages/staff.h"
#include "routes.h"
#include "view.h"

/* The charts' geometry, in SVG user units (the viewBox is CHART_WIDTH wide). */
#define CHART_WIDTH	280
#define CHART_BAR_MAX	160	/* the longest bar; its value is written after it */
#define CHART_ROW	34	/* a label above a bar */
#define CHART_MAX_BARS	8

/* The CSV export holds every open invoice: about 80 bytes a row. */
#define OVERVIEW_CSV_MAX	(32u * 1024 * 1024)

/* The words a bar may be labelled with, each a flag l_NAME for the template. */
static const char *const bar_labels[] = {
	"not_due", "d30", "d60", "d90", "more",
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
	"kept", "missed", NULL
};

/* One bar to draw: its label's name in bar_labels, its value and its text. */
struct bar {
	const char	*label;
	int64_t		 value;
	const char	*text;
	const char	*date;		/* for the week's days; NULL otherwise */
};

/*
 * A chart as a view: its id (for the title and description ids), its
 * height and one map per bar with the label flag, the bar's length (on the
 * scale of the largest value) and where its texts go.
 */
static void
chart_view(struct view *chart, const char *id, const struct bar *bars, int n)
{
	struct view	*list, *m;
	int64_t		 max = 0;
	int		 i, len;

	for (i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	view_set_str(chart, "id", id);
	view_set_int(chart, "width", CHART_WIDTH);
	view_set_int(chart, "height", n * CHART_ROW + 4);
	list = view_set_list(chart, "bars");
	for (i = 0; i < n; i++) {
		m = view_push_map(list);
		len = ledger_bar(bars[i].value, max, CHART_BAR_MAX);
		view_set_choice(m, "l_", bar_labels, bars[i].label);
		view_set_str(m, "value", bars[i].text);
		view_set_str(m, "date", bars[i].date ? bars[i].date : "");
		view_set_int(m, "bar", len);
		view_set_int(m, "label_y", i * CHART_ROW + 12);
		view_set_int(m, "bar_y", i * CHART_ROW + 16);
		view_set_int(m, "value_x", len + 6);
		view_set_int(m, "value_y", i * CHART_ROW + 27);
	}
}

/* Days sales outstanding as text ("42.3"), or NULL when there is no figure. */
static const char *
dso_text(struct ctx *c, int64_t open, int64_t sales)
{
	char	out[32];
	int64_t	tenths = ledger_dso_tenths(open, sales, LEDGER_DSO_DAYS);

	if (tenths < 0 || ledger_tenths_format(out, sizeof(out), tenths,
	    money_decimal_point(page_lang_tag(c))) == -1)
		return NULL;
	return arena_strdup(c->arena, out);
}

/* One currency's row of overview_ledger as a view (shape LEDGER). */
static void
currency_view(struct ctx *c, const struct db_res *r, int i, struct view *m)
{
	static const int cols[LEDGER_BUCKET__MAX] = {
		[LEDGER_NOT_DUE] = LEDGER_NOT_DUE_CENTS,
		[LEDGER_DAYS_30] = LEDGER_D30_CENTS,
		[LEDGER_DAYS_60] = LEDGER_D60_CENTS,
		[LEDGER_DAYS_90] = LEDGER_D90_CENTS,
		[LEDGER_DAYS_MORE] = LEDGER_MORE_CENTS,
	};
	const char	*cur = db_str(r, i, LEDGER_CURRENCY), *dso;
	struct bar	 bars[LEDGER_BUCKET__MAX];
	int64_t		 open = db_int(r, i, LEDGER_OPEN_CENTS);
	int64_t		 sales = db_int(r, i, LEDGER_SALES_CENTS);
	int		 b;

	view_set_str(m, "currency", cur);
	view_set_int(m, "open_count", db_int(r, i, LEDGER_OPEN_COUNT));
	view_set_str(m, "open", page_money(c, open, cur));
	for (b = 0; b < LEDGER_BUCKET__MAX; b++) {
		bars[b].label = ledger_bucket_keys[b];
		bars[b].value = db_int(r, i, cols[b]);
		bars[b].text = page_money(c, bars[b].value, cur);
		bars[b].date = NULL;
	}
	chart_view(view_set_map(m, "aged"), arena_printf(c->arena, "aged-%s",
	    cur), bars, LEDGER_BUCKET__MAX);
	view_set_str(m, "plans", page_money(c, db_int(r, i, LEDGER_PLAN_CENTS), cur));
	view_set_str(m, "holds", page_money(c, db_int(r, i, LEDGER_HOLD_CENTS), cur));
	view_set_str(m, "sales", page_money(c, sales, cur));
	dso = dso_text(c, open, sales);
	view_set_bool(m, "has_dso", dso != NULL);
	view_set_str(m, "dso", dso ? dso : "");
	view_set_int(m, "kept", db_int(r, i, LEDGER_KEPT_COUNT));
	view_set_int(m, "missed", db_int(r, i, LEDGER_MISSED_COUNT));
	view_set_str(m, "missed_amount", page_money(c,
	    db_int(r, i, LEDGER_MISSED_CENTS), cur));
}

/* Every currency, and the installments chart over all of them. */
static void
ledger_view(struct ctx *c, const struct db_res *r, struct view *v)
{
	struct view	*list = view_set_list(v, "currencies");
	struct bar	 bars[2];
	int64_t		 kept = 0, missed = 0;
	int		 i;

	for (i = 0; i < db_rows(r); i++) {
		currency_view(c, r, i, view_push_map(list));
		kept += db_int(r, i, LEDGER_KEPT_COUNT);
		missed += db_int(r, i, LEDGER_MISSED_COUNT);
	}
	view_set_bool(v, "has_currencies", db_rows(r) > 0);
	bars[0] = (struct bar){ "kept", kept, arena_printf(c->arena, "%lld",
	    (long long)kept), NULL };
	bars[1] = (struct bar){ "missed", missed, arena_printf(c->arena, "%lld",
	    (long long)missed), NULL };
	chart_view(view_set_map(v, "installments"), "installments", bars, 2);
	view_set_bool(v, "has_installments", kept + missed > 0);
}

/* The week's reminders, Monday to Sunday (shape WEEK, seven rows). */
static void
week_view(struct ctx *c, const struct db_res *r, struct view *v)
{
	struct bar	bars[CHART_MAX_BARS];
	int64_t		total = 0;
	int		i, n = db_rows(r) < 7 ? db_rows(r) : 7;

	for (i = 0; i < n; i++) {
		bars[i].label = bar_labels[LEDGER_BUCKET__MAX + i];
		bars[i].value = db_int(r, i, WEEK_SENT);
		bars[i].text = arena_printf(c->arena, "%lld",
		    (long long)bars[i].value);
		bars[i].date = page_date(c, db_date(r, i, WEEK_DAY));
		total += bars[i].value;
	}
	chart_view(view_set_map(v, "week"), "week", bars, n);
	view_set_int(v, "week_total", total);
}

/* GET /staff/overview: the ledger at a glance, for every staff user. */
void
overview_get(struct ctx *c)
{
	struct staff_session	 s;
	struct view		*v;
	struct date		 today, monday;
	char			 iso_today[DATE_ISO_SIZE], iso_monday[DATE_ISO_SIZE];
	const char		*p_today[1] = { iso_today }, *p_week[1] = { iso_monday };
	struct db_call		 calls[2] = {
		{ SQL_OVERVIEW_LEDGER, p_today, 1, NULL },
		{ SQL_OVERVIEW_WEEK, p_week, 1, NULL },
	};
	struct db		*db;

	if (!staff_require(c, &s, STAFF_CLERK))
		return;
	today = page_today(c);
	monday = ledger_week_start(today);
	if (date_format_iso(iso_today, sizeof(iso_today), today) == -1 ||
	    date_format_iso(iso_monday, sizeof(iso_monday), monday) == -1) {
		page_error(c, 500, NULL);
		return;
	}
	if ((v = staff_view_or_reply(c, &s, NULL)) == NULL)
		return;
	/* It only reads: from the replica when there is one (db_read). */
	if ((db = page_read_db_or_reply(c)) == NULL)
		return;
	if (db_pipeline(db, calls, 2) == -1) {
		page_db_error(c);
		return;
	}
	view_set_str(v, "today", page_weekday_date(c, today));
	view_set_str(v, "week_start", page_date(c, monday));
	view_set_int(v, "dso_days", LEDGER_DSO_DAYS);
	ledger_view(c, calls[0].res, v);
	week_view(c, calls[1].res, v);
	view_set_bool(v, "can_export", role_allows(s.role, STAFF_MANAGER));
	db_res_free(calls[0].res);
	db_res_free(calls[1].res);
	page_render(c, 200, "staff_overview", v);
}

/* One open invoice (shape AGED) as a CSV record, CRLF-terminated. */
static int
csv_row(struct buf *b, const struct db_res *r, int i)
{
	char		 due[DATE_ISO_SIZE], days[24], balance[MONEY_FORMAT_MAX];
	const char	*cur = db_str(r, i, AGED_CURRENCY);
	int64_t		 late = db_int(r, i, AGED_DAYS_OVERDUE);
	const char	*cells[7];
	int		 k;

	if (date_format_iso(due, sizeof(due), db_date(r, i, AGED_DUE)) == -1 ||
	    money_format_plain(balance, sizeof(balance),
	    db_int(r, i, AGED_BALANCE_CENTS), cur) == -1)
		return -1;
	/* Not yet due is 0 days overdue, never a negative number. */
	(void)snprintf(days, sizeof(days), "%lld", (long long)(late > 0 ? late : 0));
	cells[0] = db_str(r, i, AGED_NUMBER);
	cells[1] = db_str(r, i, AGED_CUSTOMER);
	cells[2] = cur;
	cells[3] = due;
	cells[4] = days;
	cells[5] = ledger_bucket_csv[ledger_bucket(late)];
	cells[6] = balance;
	for (k = 0; k < 7; k++)
		if ((k > 0 && buf_putc(b, ',') == -1) || csv_put_field(b, cells[k]) == -1)
			return -1;
	return buf_puts(b, "\r\n");
}

/* The list as CSV into the response body; 0, or -1 when it does not fit. */
static int
csv_body(struct ctx *c, const struct db_res *r)
{
	struct buf	*b = &c->res.body;
	int		 i;

	b->max = OVERVIEW_CSV_MAX;
	if (buf_puts(b, "invoice,customer,currency,due,days_overdue,bucket,"
	    "balance\r\n") == -1)
		return -1;
	for (i = 0; i < db_rows(r); i++)
		if (csv_row(b, r, i) == -1)
			return -1;
	return 0;
}

/*
 * GET /staff/overview.csv: every open invoice, oldest due date first
 * (RFC 4180, UTF-8, CRLF). For managers only; each export is audited with
 * the number of rows.
 */
void
overview_csv(struct ctx *c)
{
	struct staff_session	 s;
	struct date		 today;
	char			 iso[DATE_ISO_SIZE];
	const char		*p[1] = { iso }, *name;
	struct db_res		*r = NULL;
	int			 rows;

	if (!staff_require(c, &s, STAFF_MANAGER))
		return;
	today = page_today(c);
	if (date_format_iso(iso, sizeof(iso), today) == -1) {
		page_error(c, 500, NULL);
		return;
	}
	if (!page_begin_or_reply(c))
		return;
	if ((r = db_query(c->db, SQL_OVERVIEW_LIST, p, 1)) == NULL)
		goto fail;
	rows = db_rows(r);
	if (staff_audit(c, &s, "overview.csv", NULL, arena_printf(c->arena,
	    "%d open invoices", rows)) == -1 || db_commit(c->db) == -1)
		goto fail;
	response_reset(&c->res, 200);
	if (csv_body(c, r) == -1) {
		log_error("%s: %d rows do not fit in %u bytes", __func__, rows,
		    OVERVIEW_CSV_MAX);
		db_res_free(r);
		page_error(c, 500, NULL);
		return;
	}
	db_res_free(r);
	c->res.content_type = "text/csv; charset=utf-8; header=present";
	name = arena_printf(c->arena, "attachment; filename=\"aged-balance-%s.csv\"",
	    iso);
	if (name == NULL || response_header(&c->res, "Content-Disposition", name) == -1)
		page_error(c, 500, NULL);
	return;
fail:
	db_res_free(r);
	page_db_error(c);
}
