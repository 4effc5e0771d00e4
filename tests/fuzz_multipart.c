/*
 * libFuzzer target for multipart/form-data bodies (portal/multipart.c).
 * The first byte caps the number of fields; the input up to the first
 * newline is the Content-Type value, the rest the body. Whatever is
 * accepted must keep the contract: a count within the cap, names
 * non-empty valid UTF-8 without NUL, values valid UTF-8 without NUL, of
 * their stated length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "multipart.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static struct http_param	out[HTTP_MAX_PARAMS];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 boundary[MULTIPART_BOUNDARY_MAX + 1], *type;
	const char	*nl, *s = (const char *)data + 1;
	struct arena	*a;
	size_t		 max, n = 0, i, len;

	if (size < 1)
		return 0;
	max = data[0] % (HTTP_MAX_PARAMS + 1);
	len = size - 1;
	if ((nl = memchr(s, '\n', len)) == NULL || (a = arena_new()) == NULL)
		return 0;
	type = arena_strndup(a, s, (size_t)(nl - s));
	if (type != NULL && multipart_boundary(type, boundary) == 0 &&
	    multipart_parse(a, nl + 1, len - (size_t)(nl - s) - 1, boundary, out,
	    max, &n) == 0) {
		CHECK(n <= max);
		for (i = 0; i < n; i++) {
			CHECK(out[i].name[0] != '\0');
			CHECK(utf8_valid(out[i].name, strlen(out[i].name)));
			CHECK(strlen(out[i].value) == out[i].len);
			CHECK(utf8_valid(out[i].value, out[i].len));
		}
	}
	arena_free(a);
	return 0;
}
