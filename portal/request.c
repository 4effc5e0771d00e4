#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "request.h"
#include "utf8.h"

#define FORM_TYPE	"application/x-www-form-urlencoded"
#define MAX_USER_AGENT	512	/* bytes kept of User-Agent, Accept-Language */

const char *
request_param(const struct request_source *src, const char *name)
{
	size_t	n = strlen(name), i;

	for (i = 0; src->params != NULL && src->params[i] != NULL; i++)
		if (strncmp(src->params[i], name, n) == 0 &&
		    src->params[i][n] == '=')
			return src->params[i] + n + 1;
	return NULL;
}

/* Reads exactly n bytes of body into buf; 0, or -1 when it ends sooner. */
static int
read_exactly(const struct request_source *src, char *buf, long n)
{
	long	got = 0;
	int	r;

	while (got < n) {
		r = src->read(src->arg, buf + got, (int)(n - got));
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

/* Reads the body (exactly CONTENT_LENGTH bytes) into the arena; 0 or a status. */
static int
read_body(struct arena *a, const struct request_source *src, long max,
    const char **body, size_t *len)
{
	const char	*cl = request_param(src, "CONTENT_LENGTH");
	char		*end, *p;
	long		 n;

	*body = "";
	*len = 0;
	if (cl == NULL || *cl == '\0')
		return 0;
	errno = 0;
	n = strtol(cl, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		return 400;
	if (n > max)
		return 413;
	if (n == 0)
		return 0;
	if ((p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return 500;
	if (read_exactly(src, p, n) == -1)
		return 400;
	p[n] = '\0';
	*body = p;
	*len = (size_t)n;
	return 0;
}

/* A form body must be urlencoded; anything else is refused. */
static int
parse_form(struct arena *a, const struct request_source *src, long max,
    struct request *req)
{
	const char	*type = request_param(src, "CONTENT_TYPE");
	const char	*body;
	size_t		 len;
	int		 st;

	if ((st = read_body(a, src, max, &body, &len)) != 0)
		return st;
	if (len == 0)
		return 0;
	if (type == NULL || strncmp(type, FORM_TYPE, sizeof(FORM_TYPE) - 1) != 0)
		return 415;
	return http_parse_urlencoded(a, body, len, true, req->form,
	    HTTP_MAX_PARAMS, &req->nform);
}

/*
 * A header value as we may store it: valid UTF-8 (each byte of a malformed
 * sequence replaced with U+FFFD) of at most max bytes, cut on a character
 * boundary. nginx bounds a header line (large_client_header_buffers), so
 * the copy of the whole value is bounded too. NULL when out of memory.
 */
static const char *
header_text(struct arena *a, const char *v, size_t max)
{
	size_t	 n = strlen(v), len;
	char	*clean;

	if (utf8_valid(v, n))
		return arena_strndup(a, v, utf8_prefix(v, n, max));
	if (n > (SIZE_MAX - 1) / 3 || (clean = arena_alloc(a, 3 * n + 1)) == NULL)
		return NULL;
	len = utf8_sanitize(v, n, clean);
	clean[utf8_prefix(clean, len, max)] = '\0';
	return clean;
}

/*
 * Writes the address in text (an IPv4 or IPv6 address, nothing else) to
 * dst in its canonical form; 0, or -1 when it is not an address.
 */
static int
addr_canonical(const char *text, size_t n, char *dst, size_t dstsz)
{
	char		 in[INET6_ADDRSTRLEN + 1];
	unsigned char	 bin[sizeof(struct in6_addr)];
	int		 af;

	if (n == 0 || n >= sizeof(in))
		return -1;
	memcpy(in, text, n);
	in[n] = '\0';
	af = strchr(in, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, in, bin) != 1 ||
	    inet_ntop(af, bin, dst, (socklen_t)dstsz) == NULL)
		return -1;
	return 0;
}

/* The peer's address as nginx gives it ("" when absent or not an address). */
static void
peer_addr(const struct request_source *src, char *dst, size_t dstsz)
{
	const char	*v = request_param(src, "REMOTE_ADDR");

	dst[0] = '\0';
	if (v != NULL && addr_canonical(v, strlen(v), dst, dstsz) == -1)
		dst[0] = '\0';
}

int
request_forwarded_addr(const char *xff, char *dst, size_t dstsz)
{
	const char	*end, *start;

	if (xff == NULL)
		return -1;
	end = xff + strlen(xff);
	while (end > xff && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	start = end;
	while (start > xff && start[-1] != ',')
		start--;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	return addr_canonical(start, (size_t)(end - start), dst, dstsz);
}

int
request_parse(struct arena *a, const struct request_source *src,
    long max_body, bool trust_forwarded_for, struct request *req)
{
	const char	*query, *ua;
	int		 st;

	memset(req, 0, sizeof(*req));
	req->method = http_method_parse(request_param(src, "REQUEST_METHOD"));
	if (!trust_forwarded_for || request_forwarded_addr(request_param(src,
	    "HTTP_X_FORWARDED_FOR"), req->remote_addr,
	    sizeof(req->remote_addr)) == -1)
		peer_addr(src, req->remote_addr, sizeof(req->remote_addr));
	ua = request_param(src, "HTTP_USER_AGENT");
	req->user_agent = ua ? header_text(a, ua, MAX_USER_AGENT) : "";
	ua = request_param(src, "HTTP_ACCEPT_LANGUAGE");
	req->accept_language = ua ? header_text(a, ua, MAX_USER_AGENT) : NULL;
	if (req->user_agent == NULL)
		return 500;
	req->path = "/";
	if ((st = http_parse_uri(a, request_param(src, "REQUEST_URI"),
	    &req->path, &query)) != 0)
		return st;
	/*
	 * Mail clients and link scanners decorate links (?utm_source=x,
	 * p=50%): a query that does not parse is no reason to refuse a page.
	 */
	if (http_parse_urlencoded(a, query, strlen(query), false, req->query,
	    HTTP_MAX_PARAMS, &req->nquery) != 0) {
		req->nquery = 0;
		req->query_bad = true;
	}
	http_parse_cookies(a, request_param(src, "HTTP_COOKIE"), req->cookies,
	    HTTP_MAX_COOKIES, &req->ncookies);
	if (req->method == HTTP_POST &&
	    (st = parse_form(a, src, max_body, req)) != 0)
		return st;
	return arena_failed(a) ? 500 : 0;
}
