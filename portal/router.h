#ifndef PORTAL_ROUTER_H
#define PORTAL_ROUTER_H

#include <stddef.h>

#include "http.h"

/*
 * The route table: a method set and a path pattern per handler. Patterns are
 * '/'-separated literal segments, with "{}" matching one non-empty segment
 * that is captured for the handler. Matching is exact: no trailing slash,
 * no empty segments.
 */
#define ROUTER_MAX_CAPTURES	2
#define ROUTER_MAX_SEGMENT	256

struct ctx;
typedef void (*route_handler)(struct ctx *);

#define ROUTE_GET	(1u << HTTP_GET | 1u << HTTP_HEAD)
#define ROUTE_POST	(1u << HTTP_POST)

struct route {
	unsigned	 methods;	/* bit set of 1u << enum http_method */
	const char	*pattern;
	route_handler	 handler;
};

enum router_result {
	ROUTER_FOUND,
	ROUTER_NOT_FOUND,
	ROUTER_BAD_METHOD,	/* the path exists, the method does not */
	ROUTER_RESULT__MAX
};

struct route_match {
	const struct route	*route;
	char			 captures[ROUTER_MAX_CAPTURES][ROUTER_MAX_SEGMENT];
	size_t			 ncaptures;
	unsigned		 allowed;	/* methods of routes whose path matched */
};

/* Finds the route for method and path in a table of n routes. */
enum router_result router_match(const struct route *table, size_t n,
    enum http_method method, const char *path, struct route_match *m);

#endif
