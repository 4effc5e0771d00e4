/*
 * The peer a debtor page is measured against: a plain C page with one
 * indexed, read-only query, no framework, no template engine, behind the
 * same nginx with the portal's process model (prefork.c). Each worker keeps
 * one PostgreSQL connection and one prepared statement.
 *
 *   plain SOCKET WORKERS CONNINFO
 *
 * GET ...?n=NUMBER renders the lines of invoice NUMBER as an HTML table
 * with their total: 200; an unknown number is 404, a malformed one 400,
 * a database failure 503 (the connection is reset for the next request).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <libpq-fe.h>

#include "prefork.h"

#define NUMBER_MAX	32
#define PAGE_MAX	(64 * 1024)

/* One query: the invoice by its unique number, its lines by primary key. */
static const char query[] =
    "SELECT l.description, l.quantity_milli, l.unit_cents, l.total_cents "
    "FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id "
    "WHERE i.number = $1 ORDER BY l.position";

struct page {
	char	data[PAGE_MAX];
	size_t	len;
	bool	over;		/* something did not fit: answer 500 */
};

static void
put(struct page *p, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (p->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->data + p->len, sizeof(p->data) - p->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(p->data) - p->len)
		p->over = true;
	else
		p->len += (size_t)n;
}

static void
put_raw(struct page *p, const char *s, size_t n)
{
	if (p->over || n >= sizeof(p->data) - p->len) {
		p->over = true;
		return;
	}
	memcpy(p->data + p->len, s, n);
	p->len += n;
}

/* s with & < > " ' as character references; plain runs are copied whole. */
static void
put_escaped(struct page *p, const char *s)
{
	static const char special[] = "&<>\"'";
	static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	size_t	n;

	for (;;) {
		n = strcspn(s, special);
		put_raw(p, s, n);
		s += n;
		if (*s == '\0')
			return;
		n = (size_t)(strchr(special, *s) - special);
		put_raw(p, refs[n], strlen(refs[n]));
		s++;
	}
}

static void
put_money(struct page *p, long long cents)
{
	put(p, "%s%lld.%02lld", cents < 0 ? "-" : "", llabs(cents) / 100,
	    llabs(cents) % 100);
}

/* "n=NUMBER" with letters, digits and '-' only; false otherwise. */
static bool
number_from(const char *qs, char out[NUMBER_MAX + 1])
{
	size_t	n;

	if (qs == NULL || strncmp(qs, "n=", 2) != 0)
		return false;
	qs += 2;
	n = strspn(qs, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-");
	if (n == 0 || n > NUMBER_MAX || qs[n] != '\0')
		return false;
	memcpy(out, qs, n);
	out[n] = '\0';
	return true;
}

static void
render(struct page *p, const char *number, const PGresult *res)
{
	long long	total = 0;
	int		i;

	put(p, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>Invoice ");
	put_escaped(p, number);
	put(p, "</title></head>\n<body><h1>Invoice ");
	put_escaped(p, number);
	put(p, "</h1>\n<table><tr><th>Description</th><th>Quantity</th>"
	    "<th>Unit price</th><th>Amount</th></tr>\n");
	for (i = 0; i < PQntuples(res); i++) {
		long long qty = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		long long amount = strtoll(PQgetvalue(res, i, 3), NULL, 10);

		put(p, "<tr><td>");
		put_escaped(p, PQgetvalue(res, i, 0));
		put(p, "</td><td>%lld.%03lld</td><td>", qty / 1000, qty % 1000);
		put_money(p, strtoll(PQgetvalue(res, i, 2), NULL, 10));
		put(p, "</td><td>");
		put_money(p, amount);
		put(p, "</td></tr>\n");
		total += amount;
	}
	put(p, "</table>\n<p>Total: ");
	put_money(p, total);
	put(p, "</p></body></html>\n");
}

static void
answer(FCGX_Request *r, int status, const char *type, const struct page *p)
{
	/* libfcgi's own printf knows no %zu. */
	(void)FCGX_FPrintF(r->out, "Status: %d\r\nContent-Type: %s\r\n"
	    "Content-Length: %lu\r\n\r\n", status, type, (unsigned long)p->len);
	if (p->len > 0)
		(void)FCGX_PutStr(p->data, (int)p->len, r->out);
}

static PGconn *
connect_db(const char *conninfo)
{
	PGconn		*db = PQconnectdb(conninfo);
	PGresult	*res = NULL;

	if (PQstatus(db) == CONNECTION_OK)
		res = PQprepare(db, "plain", query, 1, NULL);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "plain: %s", PQerrorMessage(db));
		PQclear(res);
		PQfinish(db);
		return NULL;
	}
	PQclear(res);
	return db;
}

/* One request; the connection is dropped (and made again) after a failure. */
static void
handle(FCGX_Request *r, PGconn **db, const char *conninfo, struct page *p)
{
	char		 number[NUMBER_MAX + 1];
	const char	*param[1] = { number };
	PGresult	*res = NULL;

	p->len = 0;
	p->over = false;
	if (!number_from(FCGX_GetParam("QUERY_STRING", r->envp), number)) {
		put(p, "bad request\n");
		answer(r, 400, "text/plain", p);
		return;
	}
	if (*db == NULL)
		*db = connect_db(conninfo);
	if (*db != NULL)
		res = PQexecPrepared(*db, "plain", 1, param, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "plain: %s", *db ? PQerrorMessage(*db) : "no connection\n");
		PQfinish(*db);
		*db = NULL;
		put(p, "database unavailable\n");
		answer(r, 503, "text/plain", p);
	} else if (PQntuples(res) == 0) {
		put(p, "no such invoice\n");
		answer(r, 404, "text/plain", p);
	} else {
		render(p, number, res);
		if (p->over) {
			p->len = 0;
			p->over = false;
			put(p, "page too large\n");
			answer(r, 500, "text/plain", p);
		} else
			answer(r, 200, "text/html; charset=utf-8", p);
	}
	PQclear(res);
}

static int
serve(int fd, void *arg)
{
	const char	*conninfo = arg;
	static struct page p;
	FCGX_Request	 r;
	PGconn		*db;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, fd, 0) != 0) {
		fprintf(stderr, "plain: FCGX_InitRequest failed\n");
		return EXIT_FAILURE;
	}
	db = connect_db(conninfo);	/* early; retried per request */
	while (FCGX_Accept_r(&r) >= 0) {
		handle(&r, &db, conninfo, &p);
		FCGX_Finish_r(&r);
	}
	PQfinish(db);
	return EXIT_SUCCESS;
}

int
main(int argc, char *argv[])
{
	int	n;

	if (argc != 4 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: plain SOCKET WORKERS CONNINFO\n");
		return 2;
	}
	return prefork_run(argv[1], n, serve, argv[3]);
}
