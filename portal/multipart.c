#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "http.h"
#include "multipart.h"
#include "utf8.h"

#define DISPOSITION	"content-disposition:"

/* The first occurrence of the n bytes of needle in s[0..len), or NULL. */
static const char *
find(const char *s, size_t len, const char *needle, size_t n)
{
	const char	*p = s, *end = s + len;

	while (n > 0 && (size_t)(end - p) >= n &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

int
multipart_boundary(const char *type, char out[MULTIPART_BOUNDARY_MAX + 1])
{
	const char	*p, *end;
	size_t		 n;

	if (type == NULL || (p = strcasestr(type, "boundary=")) == NULL)
		return -1;
	p += sizeof("boundary=") - 1;
	if (*p == '"') {
		if ((end = strchr(++p, '"')) == NULL)
			return -1;
	} else
		end = p + strcspn(p, "; \t");
	n = (size_t)(end - p);
	if (n == 0 || n > MULTIPART_BOUNDARY_MAX || memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/*
 * The name="..." (or name=token) parameter of a Content-Disposition value
 * of n bytes at v, arena-owned in *name. 0; -1 when it is not form-data
 * with a name; 415 when it names a file.
 */
static int
disposition(struct arena *a, const char *v, size_t n, const char **name)
{
	const char	*p, *end = v + n, *q;
	size_t		 len;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if ((size_t)(end - v) < 9 || strncasecmp(v, "form-data", 9) != 0)
		return -1;
	if (find(v, (size_t)(end - v), "filename", 8) != NULL)
		return 415;
	for (p = v; (p = find(p, (size_t)(end - p), "name=", 5)) != NULL; p += 5)
		if (p[-1] == ';' || p[-1] == ' ' || p[-1] == '\t')
			break;
	if (p == NULL)
		return -1;
	p += 5;
	if (p < end && *p == '"') {
		p++;
		if ((q = memchr(p, '"', (size_t)(end - p))) == NULL)
			return -1;
	} else
		for (q = p; q < end && *q != ';' && *q != ' '; q++)
			;
	len = (size_t)(q - p);
	if (len == 0 || memchr(p, '\0', len) != NULL || !utf8_valid(p, len))
		return -1;
	*name = arena_strndup(a, p, len);
	return *name == NULL ? -1 : 0;
}

/*
 * One part's headers (h, n bytes, CRLF-separated): its field name in
 * *name. 0, 400 or 415.
 */
static int
part_headers(struct arena *a, const char *h, size_t n, const char **name)
{
	const char	*line = h, *eol, *end = h + n;
	size_t		 len;
	int		 r, found = 0;

	while (line < end) {
		eol = find(line, (size_t)(end - line), "\r\n", 2);
		len = eol != NULL ? (size_t)(eol - line) : (size_t)(end - line);
		if (len >= sizeof(DISPOSITION) - 1 &&
		    strncasecmp(line, DISPOSITION, sizeof(DISPOSITION) - 1) == 0) {
			r = disposition(a, line + sizeof(DISPOSITION) - 1,
			    len - (sizeof(DISPOSITION) - 1), name);
			if (r != 0)
				return r == 415 ? 415 : 400;
			found++;
		}
		line += len + 2;
	}
	return found == 1 ? 0 : 400;
}

int
multipart_parse(struct arena *a, const char *body, size_t n,
    const char *boundary, struct http_param *out, size_t max, size_t *count)
{
	char		 delim[MULTIPART_BOUNDARY_MAX + 5];	/* CRLF "--" b */
	const char	*p, *end = body + n, *hend, *next, *value;
	size_t		 dl, vlen;
	int		 r;

	*count = 0;
	if (strlen(boundary) == 0 || strlen(boundary) > MULTIPART_BOUNDARY_MAX)
		return 400;
	dl = (size_t)(stpcpy(stpcpy(delim, "\r\n--"), boundary) - delim);
	/* The first delimiter opens the body, or follows a preamble's CRLF. */
	if (n >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0)
		p = body + dl - 2;
	else if ((p = find(body, n, delim, dl)) != NULL)
		p += dl;
	else
		return 400;
	for (;;) {
		if ((size_t)(end - p) >= 2 && memcmp(p, "--", 2) == 0)
			return 0;		/* the close delimiter */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;			/* transport padding */
		if ((size_t)(end - p) < 2 || memcmp(p, "\r\n", 2) != 0)
			return 400;
		p += 2;
		if ((hend = find(p, (size_t)(end - p), "\r\n\r\n", 4)) == NULL ||
		    (next = find(hend + 4, (size_t)(end - hend - 4), delim, dl)) == NULL)
			return 400;
		if (*count == max)
			return 413;
		if ((r = part_headers(a, p, (size_t)(hend - p), &out[*count].name)) != 0)
			return r;
		value = hend + 4;
		vlen = (size_t)(next - value);
		if (memchr(value, '\0', vlen) != NULL || !utf8_valid(value, vlen) ||
		    (out[*count].value = arena_strndup(a, value, vlen)) == NULL)
			return 400;
		out[*count].len = vlen;
		out[*count].bad = false;
		(*count)++;
		p = next + dl;
	}
}
