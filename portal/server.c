#include <errno.h>
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
#include "routes.h"
#include "server.h"

#define FORM_TYPE	"application/x-www-form-urlencoded"

/* Reads the body (exactly CONTENT_LENGTH bytes) into the arena; 0 or a status. */
static int
read_body(struct ctx *c, FCGX_Request *f, const char **body, size_t *len)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", f->envp);
	char		*end, *p;
	long		 n;
	int		 got;

	*body = "";
	*len = 0;
	if (cl == NULL || *cl == '\0')
		return 0;
	errno = 0;
	n = strtol(cl, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		return 400;
	if (n > c->cfg->max_body)
		return 413;
	if (n == 0)
		return 0;
	if ((p = arena_alloc(c->arena, (size_t)n + 1)) == NULL)
		return 500;
	got = FCGX_GetStr(p, (int)n, f->in);
	if (got != n)
		return 400;
	p[n] = '\0';
	*body = p;
	*len = (size_t)n;
	return 0;
}

/* A form body must be urlencoded; anything else is refused. */
static int
parse_form(struct ctx *c, FCGX_Request *f)
{
	const char	*type = FCGX_GetParam("CONTENT_TYPE", f->envp);
	const char	*body;
	size_t		 len;
	int		 st;

	if ((st = read_body(c, f, &body, &len)) != 0)
		return st;
	if (len == 0)
		return 0;
	if (type == NULL || strncmp(type, FORM_TYPE, sizeof(FORM_TYPE) - 1) != 0)
		return 415;
	return http_parse_urlencoded(c->arena, body, len, true, c->req.form,
	    HTTP_MAX_PARAMS, &c->req.nform);
}

static void
copy_param(FCGX_Request *f, const char *name, char *dst, size_t dstsz)
{
	const char	*v = FCGX_GetParam(name, f->envp);
	size_t		 n = v ? strnlen(v, dstsz) : 0;

	if (n >= dstsz)		/* too long to be an address: keep nothing */
		n = 0;
	if (n > 0)
		memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Fills c->req from the FastCGI parameters; 0 or the status to answer. */
static int
parse_request(struct ctx *c, FCGX_Request *f)
{
	const char	*query;
	const char	*ua;
	int		 st;

	memset(&c->req, 0, sizeof(c->req));
	c->req.method = http_method_parse(FCGX_GetParam("REQUEST_METHOD", f->envp));
	copy_param(f, "REMOTE_ADDR", c->req.remote_addr,
	    sizeof(c->req.remote_addr));
	if (c->cfg->trust_forwarded_for)
		copy_param(f, "HTTP_X_FORWARDED_FOR", c->req.remote_addr,
		    sizeof(c->req.remote_addr));
	ua = FCGX_GetParam("HTTP_USER_AGENT", f->envp);
	c->req.user_agent = ua ? arena_strndup(c->arena, ua, strnlen(ua, 512)) : "";
	ua = FCGX_GetParam("HTTP_ACCEPT_LANGUAGE", f->envp);
	c->req.accept_language = ua ? arena_strndup(c->arena, ua,
	    strnlen(ua, 512)) : NULL;
	c->req.path = "/";
	if ((st = http_parse_uri(c->arena, FCGX_GetParam("REQUEST_URI", f->envp),
	    &c->req.path, &query)) != 0)
		return st;
	if ((st = http_parse_urlencoded(c->arena, query, strlen(query), false,
	    c->req.query, HTTP_MAX_PARAMS, &c->req.nquery)) != 0)
		return st;
	http_parse_cookies(c->arena, FCGX_GetParam("HTTP_COOKIE", f->envp),
	    c->req.cookies, HTTP_MAX_COOKIES, &c->req.ncookies);
	if (c->req.method == HTTP_POST && (st = parse_form(c, f)) != 0)
		return st;
	return arena_failed(c->arena) ? 500 : 0;
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

static void
dispatch(struct ctx *c, FCGX_Request *f)
{
	int	st;

	if ((st = parse_request(c, f)) != 0) {
		page_error(c, st, NULL);
		return;
	}
	switch (router_match(routes, nroutes, c->req.method, c->req.path,
	    &c->match)) {
	case ROUTER_FOUND:
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
	db_rollback(c->db);	/* a handler that forgot: never leave one open */
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
	(void)db_ensure(c.db);	/* early connect; failures retried per request */
	while (!*stop && FCGX_Accept_r(&f) >= 0) {
		c.now = time(NULL);
		c.lang = NULL;
		c.templates = i18n_source(i18n)->templates;
		response_reset(&c.res, 200);
		dispatch(&c, &f);
		write_response(&c, &f, &head);
		FCGX_Finish_r(&f);
		arena_reset(c.arena);
	}
	rc = EXIT_SUCCESS;
out:
	db_free(c.db);
	arena_free(c.arena);
	response_free(&c.res);
	buf_free(&head);
	return rc;
}
