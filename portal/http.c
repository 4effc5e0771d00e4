#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "utf8.h"

/* Sent with every dynamic response (README.md, "How things are kept safe"). */
static const char security_headers[] =
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Content-Security-Policy: default-src 'none'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'\r\n"
    "X-Frame-Options: DENY\r\n"
    "Cache-Control: no-store\r\n";

static const struct {
	int		 status;
	const char	*text;
} statuses[] = {
	{ 200, "OK" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

enum http_method
http_method_parse(const char *s)
{
	if (s == NULL)
		return HTTP_OTHER;
	if (strcmp(s, "GET") == 0)
		return HTTP_GET;
	if (strcmp(s, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(s, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

const char *
http_status_text(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].status == status)
			return statuses[i].text;
	return "Unknown";
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes into a new arena string without checking the text. */
static int
decode_raw(struct arena *a, const char *s, size_t n, bool form, char **out,
    size_t *outlen)
{
	char	*d;
	size_t	 i, j = 0;
	int	 hi, lo;

	if ((d = arena_alloc(a, n + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return -1;
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && form)
			d[j++] = ' ';
		else
			d[j++] = s[i];
	}
	d[j] = '\0';
	*out = d;
	*outlen = j;
	return 0;
}

int
http_decode(struct arena *a, const char *s, size_t n, bool form, char **out,
    size_t *outlen)
{
	if (decode_raw(a, s, n, form, out, outlen) == -1)
		return -1;
	return utf8_valid(*out, *outlen) ? 0 : -1;	/* also refuses NUL */
}

/* Decodes a form value; bad text is replaced and flagged, not refused. */
static int
decode_lenient(struct arena *a, const char *s, size_t n, char **out,
    size_t *outlen, bool *bad)
{
	char	*clean;

	if (decode_raw(a, s, n, true, out, outlen) == -1)
		return -1;
	*bad = !utf8_valid(*out, *outlen);
	if (!*bad)
		return 0;
	if ((clean = arena_alloc(a, 3 * *outlen + 1)) == NULL)
		return -1;
	*outlen = utf8_sanitize(*out, *outlen, clean);
	*out = clean;
	return 0;
}

int
http_parse_uri(struct arena *a, const char *uri, const char **path,
    const char **query)
{
	const char	*q;
	char		*p;
	size_t		 n, plen;

	if (uri == NULL || uri[0] != '/')
		return 400;
	n = strnlen(uri, HTTP_MAX_URI + 1);
	if (n > HTTP_MAX_URI)
		return 414;
	q = memchr(uri, '?', n);
	plen = q ? (size_t)(q - uri) : n;
	if (http_decode(a, uri, plen, false, &p, &plen) == -1)
		return 400;
	*path = p;
	*query = q ? arena_strdup(a, q + 1) : "";
	return *query == NULL ? 400 : 0;
}

/* Decodes one name=value pair into *p; -1 when malformed. */
static int
parse_pair(struct arena *a, const char *s, size_t n, bool lenient,
    struct http_param *p)
{
	const char	*eq;
	char		*name, *value;
	size_t		 nlen, vlen;

	p->bad = false;
	eq = memchr(s, '=', n);
	nlen = eq ? (size_t)(eq - s) : n;
	if (nlen == 0)
		return -1;
	if (http_decode(a, s, nlen, true, &name, &nlen) == -1)
		return -1;
	if (eq == NULL) {
		value = arena_strdup(a, "");
		vlen = 0;
		if (value == NULL)
			return -1;
	} else if (lenient ? decode_lenient(a, eq + 1, n - (size_t)(eq - s) - 1,
	    &value, &vlen, &p->bad) == -1 :
	    http_decode(a, eq + 1, n - (size_t)(eq - s) - 1, true, &value,
	    &vlen) == -1)
		return -1;
	p->name = name;
	p->value = value;
	p->len = vlen;
	return 0;
}

int
http_parse_urlencoded(struct arena *a, const char *s, size_t n, bool lenient,
    struct http_param *out, size_t max, size_t *count)
{
	const char	*amp;
	size_t		 len;

	*count = 0;
	while (n > 0) {
		amp = memchr(s, '&', n);
		len = amp ? (size_t)(amp - s) : n;
		if (len > 0) {
			if (*count == max)
				return 413;
			if (parse_pair(a, s, len, lenient, &out[*count]) == -1)
				return 400;
			(*count)++;
		}
		if (amp == NULL)
			break;
		s = amp + 1;
		n -= len + 1;
	}
	return 0;
}

static bool
is_cookie_octet(unsigned char c)
{
	/* RFC 6265: no controls, space, DQUOTE, comma, semicolon, backslash. */
	return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' &&
	    c != '\\';
}

void
http_parse_cookies(struct arena *a, const char *h, struct http_param *out,
    size_t max, size_t *count)
{
	const char	*end, *eq;
	size_t		 len, i;
	bool		 ok;

	*count = 0;
	while (h != NULL && *h != '\0' && *count < max) {
		while (*h == ' ')
			h++;
		end = strchr(h, ';');
		len = end ? (size_t)(end - h) : strlen(h);
		eq = memchr(h, '=', len);
		ok = eq != NULL && eq != h;
		for (i = 0; ok && i < len; i++)
			ok = (h + i == eq) || is_cookie_octet((unsigned char)h[i]);
		if (ok) {
			out[*count].name = arena_strndup(a, h, (size_t)(eq - h));
			out[*count].value = arena_strndup(a, eq + 1,
			    len - (size_t)(eq - h) - 1);
			out[*count].len = len - (size_t)(eq - h) - 1;
			if (out[*count].name != NULL && out[*count].value != NULL)
				(*count)++;
		}
		h = end ? end + 1 : NULL;
	}
}

const struct http_param *
http_param_find(const struct http_param *p, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	return NULL;
}

void
response_init(struct response *r)
{
	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	buf_init(&r->headers, 8 * 1024);
	buf_init(&r->body, 0);
}

void
response_free(struct response *r)
{
	buf_free(&r->headers);
	buf_free(&r->body);
}

void
response_reset(struct response *r, int status)
{
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	buf_reset(&r->headers);
	buf_reset(&r->body);
}

int
response_header(struct response *r, const char *name, const char *value)
{
	if (name == NULL || value == NULL || name[0] == '\0' ||
	    strpbrk(name, "\r\n: ") != NULL ||
	    strpbrk(value, "\r\n") != NULL)
		return -1;
	if (buf_puts(&r->headers, name) == -1 ||
	    buf_append(&r->headers, ": ", 2) == -1 ||
	    buf_puts(&r->headers, value) == -1 ||
	    buf_append(&r->headers, "\r\n", 2) == -1)
		return -1;
	return 0;
}

int
response_redirect(struct response *r, const char *location)
{
	buf_reset(&r->body);
	r->status = 303;
	r->content_type = "text/plain; charset=utf-8";
	return response_header(r, "Location", location);
}

int
response_head(const struct response *r, struct buf *out)
{
	if (buf_failed(&r->headers) || buf_failed(&r->body))
		return -1;
	if (buf_printf(out, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n", r->status, http_status_text(r->status),
	    r->content_type, r->body.len) == -1)
		return -1;
	if (buf_append(out, security_headers, sizeof(security_headers) - 1) == -1)
		return -1;
	if (r->headers.len > 0 &&
	    buf_append(out, r->headers.data, r->headers.len) == -1)
		return -1;
	return buf_append(out, "\r\n", 2);
}
