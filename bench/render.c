/*
 * bench/render: how fast the invoice page's view is built and rendered,
 * without nginx, FastCGI or PostgreSQL.
 *
 *   build/bench/render [-r ROUNDS] [-s SECONDS] TEMPLATES_DIR [PO_DIR]
 *
 * Loads the real templates directory the way portal does at start-up, then
 * builds the invoice page's view with the portal's own code (page_view() +
 * debtor_view() from portal/pages/debtor.c, fed a debtor_invoice like the
 * one read_items() produces): a 20-line invoice with one late fee and two
 * payments, no plan and no hardship note (the same view invoice_get() renders
 * for such an invoice). Then, in each of ROUNDS rounds, it times
 *   view:   arena_reset + page_view + debtor_view, repeated (the baseline)
 *   render: buf_reset + mustache_render("invoice") into one reused buffer
 * for about SECONDS each, and prints per-round rates and their medians, and
 * the median of the per-round ratios render time / view time. The output is
 * checked once before timing, so a broken template cannot look fast.
 *
 * The last line is machine-readable for bench/run.sh:
 *   RESULT render_per_s=... view_per_s=... render_us=... view_us=...
 *          ratio=... bytes=... rounds=...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "ctx.h"
#include "date.h"
#include "money.h"
#include "mustache.h"
#include "page.h"
#include "pages/debtor.h"
#include "view.h"
/* Since issue 12 the portal compiles its templates per language (i18n.h);
 * older trees load one set. Either way the source language is measured. */
#if __has_include("i18n.h")
#include "i18n.h"
#define HAVE_I18N 1
#endif

#define NLINES		20
#define NFEES		1
#define NPAYMENTS	2
#define NITEMS		(NLINES + NFEES + NPAYMENTS)
#define MAX_ROUNDS	31

/* The site values of the development stack (scripts/stack.sh). */
static const char site_conf[] =
    "company = Northwind Supplies Ltd\n"
    "contact_name = Maria Lopez, Credit Control\n"
    "contact_phone = +44 20 7946 0321\n"
    "contact_email = credit@northwind.example\n"
    "contact_hours = Monday to Friday, 9:00 to 17:00\n"
    "bank_name = Example Bank plc\n"
    "bank_iban = GB33 BUKB 2020 1555 5555 55\n"
    "bank_bic = BUKBGB22\n"
    "base_url = http://127.0.0.1:8080\n"
    "timezone = Europe/London\n";

/* Twenty lines as an industrial supplier would bill them. */
static const struct {
	const char	*description;
	int64_t		 qty_milli, unit;
} lines[NLINES] = {
	{ "Hydraulic hose 1/2\" x 2 m (HX-1402)", 12000, 1895 },
	{ "Hose clamps, stainless, pack of 50", 4000, 1240 },
	{ "Pressure gauge 0-250 bar, glycerine filled", 3000, 4750 },
	{ "Ball valve DN25, brass", 8000, 2160 },
	{ "O-ring assortment, NBR (386 pieces)", 2000, 3399 },
	{ "Quick coupling, male, 3/8\"", 25000, 615 },
	{ "Quick coupling, female, 3/8\"", 25000, 780 },
	{ "Hydraulic oil HLP 46, 20 l", 6000, 8990 },
	{ "Filter element 10 micron (FE-10)", 10000, 2725 },
	{ "Cable ties & mounts, mixed box", 3000, 1450 },
	{ "Threadlocker, medium strength, 50 ml", 5000, 1180 },
	{ "Safety gloves, size L (pair)", 40000, 395 },
	{ "Steel pipe 28 mm, per metre", 37500, 1120 },
	{ "Pipe bending, labour (hours)", 2500, 6500 },
	{ "Pump seal kit for HP-300", 1000, 14500 },
	{ "Solenoid valve 24 V DC, NC", 2000, 11875 },
	{ "Manifold block, 4 stations, machined", 1000, 32000 },
	{ "Delivery, pallet, next-day", 1000, 7500 },
	{ "Site visit and pressure test", 1000, 19500 },
	{ "Documentation & test certificates", 1000, 4500 },
};

static double
now_s(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
die(const char *what)
{
	fprintf(stderr, "render: %s\n", what);
	exit(1);
}

static void
add_total(struct debtor_invoice *d, enum invoice_kind k, int64_t amount)
{
	if (invoice_totals_add(&d->totals, k, amount) == -1)
		die("total overflows");
}

/*
 * The invoice as read_items() leaves it, in the query's order (kind, then
 * position: fee, lines, payments). Issued 45 days ago, due 15 days ago.
 */
static void
make_invoice(struct debtor_invoice *d, struct debtor_item *items,
    struct date today)
{
	struct debtor_item	*it = items;
	int			 i;

	memset(d, 0, sizeof(*d));
	d->token = "q8Xv3bN0cT7kYw2LmPz5RfHs9JdUe4Ga1VnKo6BiC_E";
	(void)snprintf(d->link_id, sizeof(d->link_id), "17");
	(void)snprintf(d->invoice_id, sizeof(d->invoice_id), "42");
	d->number = "INV-2024-00417";
	d->currency = "GBP";
	d->name = "Harbour & Sons Engineering Ltd";
	d->email = "accounts@harbour-sons.example";
	d->phone = "+44 1632 960 123";
	d->language = "en";
	d->issued = date_add_days(today, -45);
	d->due = date_add_days(today, -15);

	*it = (struct debtor_item){ .kind = INVOICE_FEE, .amount = 4000,
	    .description = "Late payment fee GBP 40 (Late Payment of Commercial "
	    "Debts Act 1998, s. 5A)", .date = date_add_days(today, -14) };
	add_total(d, INVOICE_FEE, it->amount);
	it++;
	for (i = 0; i < NLINES; i++, it++) {
		it->kind = INVOICE_LINE;
		it->description = lines[i].description;
		it->qty_milli = lines[i].qty_milli;
		it->unit = lines[i].unit;
		if (money_line_total(it->unit, it->qty_milli, &it->amount) == -1)
			die("line total overflows");
		add_total(d, INVOICE_LINE, it->amount);
	}
	*it = (struct debtor_item){ .kind = INVOICE_PAYMENT, .amount = 150000,
	    .description = "Bank transfer, ref. HSE 0417", .date =
	    date_add_days(today, -10) };
	add_total(d, INVOICE_PAYMENT, it->amount);
	it++;
	*it = (struct debtor_item){ .kind = INVOICE_PAYMENT, .amount = 75050,
	    .description = "Card payment by phone", .date =
	    date_add_days(today, -3) };
	add_total(d, INVOICE_PAYMENT, it->amount);
	d->items = items;
	d->nitems = NITEMS;
	if (d->totals.balance <= 0)
		die("the invoice must leave a balance to pay");
}

/* What invoice_get() builds before page_render(), for an invoice without plan or hardship note. */
static struct view *
build_view(struct ctx *c, const struct debtor_invoice *d)
{
	struct view	*v;

	v = page_view(c);
	debtor_view(c, d, v);
	/* invoice.c's state_view() for an unpaid invoice without a plan. */
	view_set_bool(v, "state_due", true);
	view_set_bool(v, "demand", true);
	return arena_failed(c->arena) ? NULL : v;
}

static void
render_once(struct ctx *c, const struct view *v, struct buf *out)
{
	struct mustache_error	err;

	buf_reset(out);
	if (mustache_render(c->templates, "invoice", v, MUSTACHE_HTML, out,
	    &err) == -1) {
		fprintf(stderr, "render: %s:%u:%u: %s\n", err.template, err.line,
		    err.column, err.message);
		exit(1);
	}
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A broken template or view must not look fast: check what a debtor would read. */
static void
check_output(const struct debtor_invoice *d, const struct buf *out)
{
	char		 balance[64], want[256];
	const char	*html = buf_str(out);
	const char	*must[] = {
		"<!doctype html>",
		"<title>Invoice INV-2024-00417 – Northwind Supplies Ltd</title>",
		"<h1>Invoice INV-2024-00417</h1>",
		"Dear Harbour &amp; Sons Engineering Ltd,",
		"15 days past its due date",
		"<td>Hydraulic hose 1/2&quot; x 2 m (HX-1402)",
		"<td>Documentation &amp; test certificates",
		">37.5</td>",				/* quantity 37.5 m */
		"Late Payment of Commercial Debts Act 1998",
		"Card payment by phone",
		"href=\"/i/q8Xv3bN0cT7kYw2LmPz5RfHs9JdUe4Ga1VnKo6BiC_E/plan\"",
		"GB33 BUKB 2020 1555 5555 55",
		"</html>",
	};
	size_t		 i, rows;

	for (i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (strstr(html, must[i]) == NULL) {
			fprintf(stderr, "render: the page lacks: %s\n", must[i]);
			exit(1);
		}
	if (money_format(balance, sizeof(balance), d->totals.balance, d->currency, "en") == -1)
		die("cannot format the balance");
	(void)snprintf(want, sizeof(want),
	    "<dt>Balance due</dt><dd class=\"amount big\">%s</dd>", balance);
	if (strstr(html, want) == NULL) {
		fprintf(stderr, "render: the page lacks: %s\n", want);
		exit(1);
	}
	/* One table row per line, fee and payment (body rows start with a td). */
	if ((rows = count(html, "<tr><td")) != NITEMS) {
		fprintf(stderr, "render: %zu item rows, expected %d\n", rows, NITEMS);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	static struct config	 cfg;
#ifdef HAVE_I18N
	struct i18n		*i18n = NULL;
#else
	struct mustache_set	*set;
#endif
	struct mustache_error	 err;
	struct debtor_invoice	 d;
	struct debtor_item	 items[NITEMS];
	struct ctx		 c;
	struct arena		*render_arena, *build_arena;
	struct view		*v;
	struct buf		 out;
	char			 errbuf[256];
	double			 seconds = 0.4, t0, t_view, t_render;
	double			 view_us[MAX_ROUNDS], render_us[MAX_ROUNDS], ratio[MAX_ROUNDS];
	double			 tmp[MAX_ROUNDS];
	long			 n_view, n_render, i;
	int			 rounds = 5, r, ch;
	volatile size_t		 sink = 0;

	while ((ch = getopt(argc, argv, "r:s:")) != -1) {
		switch (ch) {
		case 'r': rounds = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		default: goto usage;
		}
	}
	if (optind < argc - 2 || optind > argc - 1 || rounds < 1 || rounds > MAX_ROUNDS ||
	    !(seconds > 0.0 && seconds <= 60.0))
		goto usage;

	if (config_parse(&cfg, site_conf, sizeof(site_conf) - 1, errbuf,
	    sizeof(errbuf)) == -1)
		die(errbuf);
	if (config_apply_timezone(&cfg) == -1)
		die("cannot apply the timezone");
#ifdef HAVE_I18N
	if (optind != argc - 2)
		goto usage;
	if (i18n_load(argv[optind], argv[optind + 1], &i18n, &err) == -1) {
#else
	if ((set = mustache_set_new()) == NULL)
		die("out of memory");
	if (mustache_set_load_dir(set, argv[optind], &err) == -1 ||
	    mustache_set_check(set, &err) == -1) {
#endif
		fprintf(stderr, "render: %s:%u:%u: %s\n", err.template, err.line,
		    err.column, err.message);
		return 1;
	}
	if ((render_arena = arena_new()) == NULL ||
	    (build_arena = arena_new()) == NULL)
		die("out of memory");

	memset(&c, 0, sizeof(c));
	c.cfg = &cfg;
#ifdef HAVE_I18N
	c.i18n = i18n;
	c.lang = i18n_source(i18n);
	c.templates = c.lang->templates;
#else
	c.templates = set;
#endif
	c.now = time(NULL);
	make_invoice(&d, items, page_today(&c));
#ifdef HAVE_I18N
	d.lang = c.lang;	/* the page's own language: links carry no ?lang= */
#endif
	buf_init(&out, 0);

	/* The view the render loop uses, built once in its own arena. */
	c.arena = render_arena;
	if ((v = build_view(&c, &d)) == NULL)
		die("out of memory building the view");
	render_once(&c, v, &out);
	check_output(&d, &out);
	c.arena = build_arena;

	/* Calibrate: iterations that take about `seconds` each. */
	t0 = now_s();
	for (i = 0; i < 200; i++) {
		arena_reset(build_arena);
		if (build_view(&c, &d) == NULL)
			die("out of memory building the view");
	}
	n_view = (long)(seconds / ((now_s() - t0) / 200)) + 1;
	t0 = now_s();
	for (i = 0; i < 200; i++)
		render_once(&c, v, &out);
	n_render = (long)(seconds / ((now_s() - t0) / 200)) + 1;

	printf("invoice page: %d lines, %d fee, %d payments; %zu bytes per render\n",
	    NLINES, NFEES, NPAYMENTS, out.len);
	printf("%d rounds of %ld view builds and %ld renders (~%.2f s each)\n",
	    rounds, n_view, n_render, seconds);
	printf("%-6s %12s %10s %12s %10s %8s\n", "round", "views/s", "us/view",
	    "renders/s", "us/render", "ratio");
	for (r = 0; r < rounds; r++) {
		t0 = now_s();
		for (i = 0; i < n_view; i++) {
			arena_reset(build_arena);
			if (build_view(&c, &d) == NULL)
				die("out of memory building the view");
		}
		t_view = now_s() - t0;
		t0 = now_s();
		for (i = 0; i < n_render; i++) {
			render_once(&c, v, &out);
			sink += out.len;
		}
		t_render = now_s() - t0;
		view_us[r] = t_view / (double)n_view * 1e6;
		render_us[r] = t_render / (double)n_render * 1e6;
		ratio[r] = render_us[r] / view_us[r];
		printf("%-6d %12.0f %10.2f %12.0f %10.2f %8.2f\n", r + 1,
		    1e6 / view_us[r], view_us[r], 1e6 / render_us[r],
		    render_us[r], ratio[r]);
	}
	/* The page is still right after all that. */
	check_output(&d, &out);
	if (sink == 0)
		die("nothing rendered");

	memcpy(tmp, view_us, sizeof(double) * (size_t)rounds);
	t_view = median(tmp, rounds);
	memcpy(tmp, render_us, sizeof(double) * (size_t)rounds);
	t_render = median(tmp, rounds);
	printf("median: view %.2f us (%.0f/s), render %.2f us (%.0f/s), "
	    "render/view %.2f\n", t_view, 1e6 / t_view, t_render,
	    1e6 / t_render, median(ratio, rounds));
	printf("RESULT render_per_s=%.0f view_per_s=%.0f render_us=%.2f "
	    "view_us=%.2f ratio=%.2f bytes=%zu rounds=%d\n", 1e6 / t_render,
	    1e6 / t_view, t_render, t_view, median(ratio, rounds), out.len,
	    rounds);

	buf_free(&out);
	arena_free(render_arena);
	arena_free(build_arena);
#ifdef HAVE_I18N
	i18n_free(i18n);
#else
	mustache_set_free(set);
#endif
	return 0;
usage:
	fprintf(stderr, "usage: render [-r ROUNDS] [-s SECONDS] TEMPLATES_DIR [PO_DIR]\n"
	    "(PO_DIR, the catalogs, on trees with i18n.h)\n");
	return 2;
}
