#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "arena.h"
#include "config.h"
#include "ctx.h"
#include "db.h"
#include "i18n.h"
#include "log.h"
#include "page.h"
#include "request.h"
#include "routes.h"
#include "server.h"

/* Reads body bytes for request_parse(). */
static int
read_fcgi(void *arg, char *buf, int n)
{
	FCGX_Request	*f = arg;

	return FCGX_GetStr(buf, n, f->in);
}

static void
set_allow(struct ctx *c)
{
	unsigned	 m = c->match.allowed;
	char		 allow[64];

	(void)snprintf(allow, sizeof(allow), "%s%s",
	    (m & ROUTE_GET) ? "GET, HEAD" : "",
	    (m & ROUTE_POST) ? ((m & ROUTE_GET) ? ", POST" : "POST") : "");
	if (response_header(&c->res, "Allow", allow) == -1)
		log_error("%s: response_header", __func__);
}

/*
 * The request's method for its log line, from the FastCGI parameter (a
 * request refused before parsing has no struct request yet): one of ours,
 * or OTHER, never the client's text.
 */
static const char *
method_name(FCGX_Request *f)
{
	static const char *const known[] = { "GET", "HEAD", "POST", NULL };
	const char	*m = FCGX_GetParam("REQUEST_METHOD", f->envp);
	int		 i;

	for (i = 0; m != NULL && known[i] != NULL; i++)
		if (strcmp(m, known[i]) == 0)
			return known[i];
	return "OTHER";
}

/*
 * The log context of a request: its route's pattern (never the path, which
 * holds tokens), "-" until routed, and nginx's request id.
 */
static void
log_route(struct ctx *c, FCGX_Request *f)
{
	log_context(c->match.route != NULL ? c->match.route->pattern : "-",
	    FCGX_GetParam("SETTLE_REQUEST_ID", f->envp));
}

/* Milliseconds since start. */
static double
elapsed_ms(const struct timespec *start)
{
	struct timespec	now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return 0;
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void
dispatch(struct ctx *c, FCGX_Request *f)
{
	struct request_source	 src = { f->envp, read_fcgi, f };
	int			 st;

	if ((st = request_parse(c->arena, &src, c->cfg->max_body,
	    c->cfg->trust_forwarded_for, &c->req)) != 0) {
		page_error(c, st, NULL);
		return;
	}
	switch (router_match(routes, nroutes, c->req.method, c->req.path,
	    &c->match)) {
	case ROUTER_FOUND:
		log_route(c, f);
		c->match.route->handler(c);
		break;
	case ROUTER_BAD_METHOD:
		page_error(c, 405, NULL);
		set_allow(c);
		break;
	default:
		page_error(c, 404, NULL);
		break;
	}
	/*
	 * A safety net: every reply rolls back (page.h) and every commit
	 * ends its transaction, so one still open here is a handler's bug.
	 */
	if (db_in_transaction(c->db)) {
		log_warn("%s: the handler left a transaction open; rolled back",
		    __func__);	/* the route is in the line's context */
		db_rollback(c->db);
	}
}

/* Sends head and body; a HEAD request gets the head alone. */
static void
write_response(struct ctx *c, FCGX_Request *f, struct buf *head)
{
	buf_reset(head);
	if (response_head(&c->res, head) == -1) {
		response_reset(&c->res, 500);
		c->res.content_type = "text/plain; charset=utf-8";
		buf_reset(head);
		(void)buf_puts(&c->res.body, "Internal error.\n");
		if (response_head(&c->res, head) == -1)
			return;
	}
	if (FCGX_PutStr(head->data, (int)head->len, f->out) < 0)
		return;
	if (c->req.method != HTTP_HEAD && c->res.body.len > 0)
		(void)FCGX_PutStr(c->res.body.data, (int)c->res.body.len, f->out);
}

int
server_run(const struct config *cfg, const struct i18n *i18n,
    int listen_fd, volatile sig_atomic_t *stop)
{
	FCGX_Request	 f;
	struct timespec	 start;
	const char	*method;
	struct ctx	 c;
	struct buf	 head;
	int		 rc = EXIT_FAILURE;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.i18n = i18n;
	response_init(&c.res);
	buf_init(&head, 16 * 1024);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&f, listen_fd, 0) != 0) {
		log_error("%s: FCGX_InitRequest failed", __func__);
		goto out;
	}
	if ((c.arena = arena_new()) == NULL ||
	    (c.db = db_new(cfg->database, "portal", 10000, cfg->timezone)) == NULL) {
		log_error("%s: out of memory", __func__);
		goto out;
	}
	if (cfg->db_read[0] != '\0' && (c.db_read = db_new(cfg->db_read,
	    "portal-read", 10000, cfg->timezone)) == NULL) {
		log_error("%s: out of memory", __func__);
		goto out;
	}
	(void)db_ensure(c.db);	/* early connect; failures retried per request */
	while (!*stop && FCGX_Accept_r(&f) >= 0) {
		if (clock_gettime(CLOCK_MONOTONIC, &start) == -1)
			memset(&start, 0, sizeof(start));
		memset(&c.match, 0, sizeof(c.match));
		log_route(&c, &f);
		c.now = time(NULL);
		c.lang = NULL;
		c.reading = NULL;
		c.templates = i18n_source(i18n)->templates;
		response_reset(&c.res, 200);
		dispatch(&c, &f);
		write_response(&c, &f, &head);
		method = method_name(&f);	/* f's parameters go with Finish */
		FCGX_Finish_r(&f);
		log_request(method, c.res.status, elapsed_ms(&start));
		log_context_clear();
		arena_reset(c.arena);
	}
	rc = EXIT_SUCCESS;
out:
	db_free(c.db);
	db_free(c.db_read);
	arena_free(c.arena);
	response_free(&c.res);
	buf_free(&head);
	return rc;
}
