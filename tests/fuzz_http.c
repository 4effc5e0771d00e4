/*
 * libFuzzer target for the request parsers. The low two bits of the first
 * byte pick http_parse_uri, http_parse_urlencoded (strict or lenient) or
 * http_parse_cookies; the other six bits cap the number of fields. The rest
 * is the input. Whatever a parser accepts must be what the contract says:
 * names non-empty valid UTF-8 without NUL, strict values likewise, lenient
 * values valid UTF-8 (flagged when they were not), counts within the cap,
 * and the two urlencoded modes must agree wherever the text was valid.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static struct http_param	strict[HTTP_MAX_PARAMS], lenient[HTTP_MAX_PARAMS];
static struct http_param	cookies[HTTP_MAX_COOKIES];

/* A NUL-terminated C string: valid UTF-8 of its own length. */
static void
check_text(const char *s)
{
	CHECK(s != NULL);
	CHECK(utf8_valid(s, strlen(s)));
}

static void
check_uri(struct arena *a, const char *s, size_t n)
{
	char		*uri;
	const char	*path = NULL, *query = NULL, *q;
	size_t		 len;
	int		 rc;

	if ((uri = malloc(n + 1)) == NULL)
		return;
	memcpy(uri, s, n);
	uri[n] = '\0';
	len = strlen(uri);
	rc = http_parse_uri(a, uri, &path, &query);
	CHECK(rc == 0 || rc == 400 || rc == 414);
	if (uri[0] != '/')
		CHECK(rc == 400);
	else if (len > HTTP_MAX_URI)
		CHECK(rc == 414);
	if (rc == 0) {
		CHECK(len <= HTTP_MAX_URI);
		check_text(path);
		CHECK(path[0] == '/');
		q = strchr(uri, '?');
		/* Decoding only shrinks; the query is the raw rest. */
		CHECK(strlen(path) <= (q ? (size_t)(q - uri) : len));
		CHECK(strcmp(query, q ? q + 1 : "") == 0);
		if (q == NULL && strchr(uri, '%') == NULL)
			CHECK(strcmp(path, uri) == 0);
	}
	free(uri);
}

/* The number of non-empty '&'-separated pieces of s. */
static size_t
pieces(const char *s, size_t n)
{
	size_t	i, count = 0, len = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '&') {
			if (len > 0)
				count++;
			len = 0;
		} else
			len++;
	}
	return count;
}

static void
check_params(const struct http_param *p, size_t count, bool is_lenient)
{
	size_t	i;

	for (i = 0; i < count; i++) {
		check_text(p[i].name);
		CHECK(p[i].name[0] != '\0');
		CHECK(p[i].value != NULL);
		CHECK(strlen(p[i].value) == p[i].len);
		CHECK(utf8_valid(p[i].value, p[i].len));
		if (!is_lenient)
			CHECK(!p[i].bad);
	}
}

static void
check_urlencoded(struct arena *a, const char *s, size_t n, size_t max)
{
	size_t	ns = 999, nl = 999, want = pieces(s, n), i;
	int	rs, rl;
	bool	anybad = false;

	rs = http_parse_urlencoded(a, s, n, false, strict, max, &ns);
	rl = http_parse_urlencoded(a, s, n, true, lenient, max, &nl);
	CHECK(rs == 0 || rs == 400 || rs == 413);
	CHECK(rl == 0 || rl == 400 || rl == 413);
	CHECK(ns <= max && nl <= max);
	if (rs == 0) {
		CHECK(ns == want);
		check_params(strict, ns, false);
	}
	if (rl == 0) {
		CHECK(nl == want);
		check_params(lenient, nl, true);
	}
	if (want > max)
		CHECK(rs != 0 && rl != 0);
	if (rs == 413 || rl == 413)
		CHECK(want > max);
	/* Valid text: both modes agree, nothing flagged. */
	if (rs == 0) {
		CHECK(rl == 0 && nl == ns);
		for (i = 0; i < ns; i++) {
			CHECK(strcmp(strict[i].name, lenient[i].name) == 0);
			CHECK(strict[i].len == lenient[i].len);
			CHECK(memcmp(strict[i].value, lenient[i].value,
			    strict[i].len) == 0);
			CHECK(!lenient[i].bad);
		}
	}
	if (rs == 413)
		CHECK(rl == 413);
	if (rl == 0) {
		for (i = 0; i < nl; i++)
			anybad |= lenient[i].bad;
		/* Lenient success without a flag means strict success. */
		CHECK(anybad || rs == 0);
		CHECK(!anybad || rs == 400);
	}
}

static bool
is_cookie_octet(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' &&
	    c != '\\';
}

static void
check_cookies(struct arena *a, const char *s, size_t n, size_t max)
{
	char	*h;
	size_t	 count = 999, i, j;

	if ((h = malloc(n + 1)) == NULL)
		return;
	memcpy(h, s, n);
	h[n] = '\0';
	http_parse_cookies(a, h, cookies, max, &count);
	CHECK(count <= max);
	for (i = 0, j = 1; h[i] != '\0'; i++)
		j += h[i] == ';';
	CHECK(count <= j);
	for (i = 0; i < count; i++) {
		CHECK(cookies[i].name[0] != '\0');
		for (j = 0; cookies[i].name[j] != '\0'; j++)
			CHECK(is_cookie_octet((unsigned char)cookies[i].name[j]) &&
			    cookies[i].name[j] != '=');
		CHECK(strlen(cookies[i].value) == cookies[i].len);
		for (j = 0; j < cookies[i].len; j++)
			CHECK(is_cookie_octet((unsigned char)cookies[i].value[j]));
		/* Each cookie is "name=value" somewhere in the header. */
		CHECK(strstr(h, cookies[i].name) != NULL);
		CHECK(strstr(h, cookies[i].value) != NULL);
	}
	free(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a;
	const char	*s = (const char *)data + 1;
	size_t		 n, max;

	if (size < 1 || (a = arena_new()) == NULL)
		return 0;
	n = size - 1;
	max = data[0] >> 2;
	switch (data[0] & 3) {
	case 0:
		check_uri(a, s, n);
		break;
	case 1:
	case 2:
		check_urlencoded(a, s, n,
		    max < HTTP_MAX_PARAMS ? max : HTTP_MAX_PARAMS);
		break;
	default:
		check_cookies(a, s, n,
		    max < HTTP_MAX_COOKIES ? max : HTTP_MAX_COOKIES);
		break;
	}
	arena_free(a);
	return 0;
}
