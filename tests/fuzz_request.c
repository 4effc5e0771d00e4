/*
 * libFuzzer target for request_parse(): the FastCGI parameters and body of
 * one request. The low bit of the first byte says whether X-Forwarded-For
 * is trusted; the rest is "NAME=value" lines, a blank line, and the body.
 * Whatever is accepted must keep the contract: a status from the list, and
 * on success a decoded path, bounded counts and UTF-8 text everywhere.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "request.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define MAX_PARAMS	64
#define MAX_BODY	4096

struct body {
	const char	*p;
	size_t		 len, off;
};

static int
reader(void *arg, char *buf, int n)
{
	struct body	*b = arg;
	size_t		 k = b->len - b->off;

	if (k > (size_t)n)
		k = (size_t)n;
	memcpy(buf, b->p + b->off, k);
	b->off += k;
	return (int)k;
}

static void
check_params(const struct http_param *p, size_t n, bool lenient)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		CHECK(p[i].name != NULL && p[i].value != NULL);
		CHECK(utf8_valid(p[i].name, strlen(p[i].name)));
		if (!lenient || !p[i].bad)
			CHECK(utf8_valid(p[i].value, p[i].len));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request_source	 src;
	struct request		 req;
	struct body		 body = { "", 0, 0 };
	struct arena		*a;
	char			*text, *line, *end, *params[MAX_PARAMS + 1];
	size_t			 np = 0;
	bool			 trust;
	int			 rc;

	if (size < 1 || (text = malloc(size)) == NULL)
		return 0;
	trust = data[0] & 1;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';	/* the last byte ends the text */
	for (line = text; np < MAX_PARAMS && *line != '\0' && *line != '\n';
	    line = end + 1) {
		params[np++] = line;
		if ((end = strchr(line, '\n')) == NULL) {
			line = NULL;
			break;
		}
		*end = '\0';
	}
	params[np] = NULL;
	if (line != NULL && *line == '\n') {
		body.p = line + 1;
		body.len = (size - 1) - (size_t)(body.p - text);
		if (body.len > 0)
			body.len--;	/* the terminating byte */
	}
	if ((a = arena_new()) == NULL) {
		free(text);
		return 0;
	}
	src = (struct request_source){ params, reader, &body };
	rc = request_parse(a, &src, MAX_BODY, trust, &req);
	CHECK(rc == 0 || rc == 400 || rc == 413 || rc == 414 || rc == 415 ||
	    rc == 500);
	if (rc == 0) {
		CHECK(req.path != NULL && req.path[0] == '/');
		CHECK(utf8_valid(req.path, strlen(req.path)));
		CHECK(req.nquery <= HTTP_MAX_PARAMS && req.nform <= HTTP_MAX_PARAMS);
		CHECK(req.ncookies <= HTTP_MAX_COOKIES);
		CHECK(strlen(req.remote_addr) < HTTP_MAX_ADDR);
		CHECK(req.user_agent != NULL && strlen(req.user_agent) <= 512);
		CHECK(req.method == HTTP_POST || req.nform == 0);
		check_params(req.query, req.nquery, false);
		check_params(req.form, req.nform, true);
	}
	arena_free(a);
	free(text);
	return 0;
}
