#include <stdbool.h>
#include <string.h>

#include "router.h"

/*
 * Matches path against one pattern, filling the captures. Both start with
 * '/'; each "{}" in the pattern takes one whole, non-empty segment of at most
 * ROUTER_MAX_SEGMENT - 1 bytes.
 */
static bool
match_pattern(const char *pat, const char *path, struct route_match *m)
{
	size_t	 plen, slen;

	m->ncaptures = 0;
	while (*pat == '/' && *path == '/') {
		pat++;
		path++;
		plen = strcspn(pat, "/");
		slen = strcspn(path, "/");
		if (plen == 2 && memcmp(pat, "{}", 2) == 0) {
			if (slen == 0 || slen >= ROUTER_MAX_SEGMENT ||
			    m->ncaptures == ROUTER_MAX_CAPTURES)
				return false;
			memcpy(m->captures[m->ncaptures], path, slen);
			m->captures[m->ncaptures][slen] = '\0';
			m->ncaptures++;
		} else if (plen != slen || memcmp(pat, path, plen) != 0)
			return false;
		pat += plen;
		path += slen;
	}
	return *pat == '\0' && *path == '\0';
}

enum router_result
router_match(const struct route *table, size_t n, enum http_method method,
    const char *path, struct route_match *m)
{
	enum router_result	res = ROUTER_NOT_FOUND;
	size_t			i;

	m->allowed = 0;
	for (i = 0; i < n; i++) {
		if (!match_pattern(table[i].pattern, path, m))
			continue;
		m->allowed |= table[i].methods;
		if (table[i].methods & (1u << method)) {
			m->route = &table[i];
			return ROUTER_FOUND;
		}
		res = ROUTER_BAD_METHOD;
	}
	m->route = NULL;
	return res;
}
