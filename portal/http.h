#ifndef PORTAL_HTTP_H
#define PORTAL_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Requests and responses, independent of FastCGI: parsing the pieces nginx
 * hands us (method, URI, query, urlencoded body, cookies) into a bounded
 * struct, and building a response with its headers. Every parser rejects
 * malformed percent-encoding. The path, query strings and every field name
 * must be valid UTF-8 without NUL bytes, or are refused (400); a form
 * body's values are parsed leniently instead: NUL bytes and invalid UTF-8
 * are replaced with U+FFFD and the value marked bad, so the form can name
 * the field (form.h). Cookies that do not parse are skipped.
 */
struct arena;

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_OTHER,	/* any other token: answered with 405 where routed */
	HTTP_METHOD__MAX
};

#define HTTP_MAX_PARAMS		32	/* query or form fields */
#define HTTP_MAX_COOKIES	16
#define HTTP_MAX_URI		4096
#define HTTP_MAX_ADDR		64

struct http_param {
	const char	*name;
	const char	*value;
	size_t		 len;	/* of value */
	bool		 bad;	/* value had NUL or invalid UTF-8 (replaced by U+FFFD) */
};

struct request {
	enum http_method	 method;
	const char		*path;		/* decoded, starts with '/' */
	struct http_param	 query[HTTP_MAX_PARAMS];
	size_t			 nquery;
	bool			 query_bad;	/* it did not parse: nquery is 0 */
	struct http_param	 form[HTTP_MAX_PARAMS];
	size_t			 nform;
	struct http_param	 cookies[HTTP_MAX_COOKIES];
	size_t			 ncookies;
	char			 remote_addr[HTTP_MAX_ADDR];
	const char		*user_agent;	/* may be "" */
	const char		*accept_language;	/* NULL when not sent */
};

struct response {
	int		 status;
	const char	*content_type;	/* static string */
	struct buf	 headers;	/* extra "Name: value\r\n" lines */
	struct buf	 body;
};

/* Maps a method token to its enum (HTTP_OTHER for anything unknown). */
enum http_method http_method_parse(const char *s);
/* The reason phrase of a status code ("Not Found"); "Unknown" if unlisted. */
const char *http_status_text(int status);
/*
 * Percent-decodes n bytes of s into a new arena string (*out, *outlen); '+'
 * means space when form is true. -1 on malformed escapes, NUL bytes, invalid
 * UTF-8 or allocation failure.
 */
int http_decode(struct arena *a, const char *s, size_t n, bool form,
    char **out, size_t *outlen);
/*
 * Splits a request URI into its decoded path and raw query string (both
 * arena-owned). Returns 0, or the HTTP status to answer (400 or 414).
 */
int http_parse_uri(struct arena *a, const char *uri, const char **path,
    const char **query);
/*
 * Parses application/x-www-form-urlencoded data (a query string or a body)
 * into at most max params. Returns 0, or 400 for malformed data and 413 for
 * too many fields. Empty pairs ("a=1&&b=2") are skipped. With lenient (form
 * bodies), a value with NUL bytes or invalid UTF-8 is kept with U+FFFD in
 * their place and marked bad, so a form can name the field and keep the
 * rest of what was typed; names must always be valid.
 */
int http_parse_urlencoded(struct arena *a, const char *s, size_t n,
    bool lenient, struct http_param *out, size_t max, size_t *count);
/* Parses a Cookie header; malformed pairs are skipped, extras dropped. */
void http_parse_cookies(struct arena *a, const char *header,
    struct http_param *out, size_t max, size_t *count);
/* First param called name, or NULL. */
const struct http_param *http_param_find(const struct http_param *p,
    size_t n, const char *name);

/* Prepares an empty 200 text/html response. */
void response_init(struct response *r);
/* Frees the response's buffers. */
void response_free(struct response *r);
/* Empties body and headers for reuse and sets a new status. */
void response_reset(struct response *r, int status);
/* Adds a header; -1 if name or value holds CR, LF or NUL, or on overflow. */
int response_header(struct response *r, const char *name, const char *value);
/* Turns r into an empty 303 See Other to location; 0 or -1. */
int response_redirect(struct response *r, const char *location);
/*
 * Writes the FastCGI response head (Status, Content-Type, Content-Length,
 * the security headers, the extra headers, blank line) to out; 0 or -1.
 */
int response_head(const struct response *r, struct buf *out);

#endif
