/* Unit tests for portal/router.c: exact paths, captures, 404 against 405. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "router.h"
#include "routes.h"

static void h_health(struct ctx *c) { (void)c; }
static void h_invoice(struct ctx *c) { (void)c; }
static void h_plan_get(struct ctx *c) { (void)c; }
static void h_plan_post(struct ctx *c) { (void)c; }
static void h_ics(struct ctx *c) { (void)c; }
static void h_two(struct ctx *c) { (void)c; }
static void h_root(struct ctx *c) { (void)c; }
static void h_first(struct ctx *c) { (void)c; }
static void h_second(struct ctx *c) { (void)c; }

static const struct route table[] = {
	{ ROUTE_GET, "/healthz", h_health },
	{ ROUTE_GET, "/i/{}", h_invoice },
	{ ROUTE_GET, "/i/{}/plan", h_plan_get },
	{ ROUTE_POST, "/i/{}/plan", h_plan_post },
	{ ROUTE_GET, "/i/{}/plan.ics", h_ics },
	{ ROUTE_POST, "/a/{}/b/{}", h_two },
	{ ROUTE_GET, "/", h_root },
	{ ROUTE_GET, "/dup/{}", h_first },
	{ ROUTE_GET, "/dup/x", h_second },
};
#define NTABLE	(sizeof(table) / sizeof(table[0]))

#define ALL_METHODS	(ROUTE_GET | ROUTE_POST)

static struct route_match M;

static void
found(enum http_method method, const char *path, route_handler h,
    size_t ncaptures, const char *c0, const char *c1)
{
	enum router_result res;

	memset(&M, 0x5a, sizeof(M));
	res = router_match(table, NTABLE, method, path, &M);
	if (res != ROUTER_FOUND)
		fail_msg("%d %s: result %d", method, path, res);
	assert_non_null(M.route);
	assert_true(M.route->handler == h);
	assert_true(M.route->methods & (1u << method));
	assert_int_equal(M.ncaptures, ncaptures);
	if (ncaptures > 0)
		assert_string_equal(M.captures[0], c0);
	if (ncaptures > 1)
		assert_string_equal(M.captures[1], c1);
}

static void
not_found(enum http_method method, const char *path)
{
	enum router_result res;

	memset(&M, 0x5a, sizeof(M));
	res = router_match(table, NTABLE, method, path, &M);
	if (res != ROUTER_NOT_FOUND)
		fail_msg("%d \"%.40s\": result %d", method, path, res);
	assert_null(M.route);
	assert_int_equal(M.allowed, 0);
}

static void
bad_method(enum http_method method, const char *path, unsigned allowed)
{
	enum router_result res;

	memset(&M, 0x5a, sizeof(M));
	res = router_match(table, NTABLE, method, path, &M);
	if (res != ROUTER_BAD_METHOD)
		fail_msg("%d %s: result %d", method, path, res);
	assert_null(M.route);
	assert_int_equal(M.allowed, allowed);
	assert_false(M.allowed & (1u << method));
}

static void
test_router_exact(void **state)
{
	(void)state;
	found(HTTP_GET, "/healthz", h_health, 0, NULL, NULL);
	found(HTTP_HEAD, "/healthz", h_health, 0, NULL, NULL);
	found(HTTP_GET, "/", h_root, 0, NULL, NULL);
	found(HTTP_HEAD, "/", h_root, 0, NULL, NULL);
}

static void
test_router_exact_only(void **state)
{
	static const char *const paths[] = {
		"/health", "/healthzz", "/HEALTHZ", "/Healthz", "healthz", "",
		"/x", "/healthz.html", "/healthz?x", "/ healthz", "/healthz ",
		"/i", "/i/abc/plan.ic", "/i/abc/plan.icsx", "/i/abc/pla",
		"/i/abc/plan/x", "/i/abc/xplan", "/a/1/b", "/a/1/c/2",
		"/a/1/b/2/c", "/dup",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		not_found(HTTP_GET, paths[i]);
		not_found(HTTP_POST, paths[i]);
	}
}

static void
test_router_trailing_slash(void **state)
{
	(void)state;
	not_found(HTTP_GET, "/healthz/");
	not_found(HTTP_GET, "/i/abc/");
	not_found(HTTP_GET, "/i/abc/plan/");
	not_found(HTTP_POST, "/i/abc/plan/");
	not_found(HTTP_POST, "/a/1/b/2/");
	not_found(HTTP_GET, "//");
}

static void
test_router_empty_segments(void **state)
{
	(void)state;
	not_found(HTTP_GET, "//healthz");
	not_found(HTTP_GET, "/healthz//");
	not_found(HTTP_GET, "/i/");
	not_found(HTTP_GET, "/i//plan");
	not_found(HTTP_POST, "/i//plan");
	not_found(HTTP_GET, "//i/abc");
	not_found(HTTP_GET, "/i//abc");
	not_found(HTTP_POST, "/a//b/2");
	not_found(HTTP_POST, "/a/1/b/");
	not_found(HTTP_POST, "/a//b/");
}

static void
test_router_captures(void **state)
{
	(void)state;
	found(HTTP_GET, "/i/abc", h_invoice, 1, "abc", NULL);
	found(HTTP_GET, "/i/abc/plan", h_plan_get, 1, "abc", NULL);
	found(HTTP_POST, "/i/abc/plan", h_plan_post, 1, "abc", NULL);
	found(HTTP_HEAD, "/i/Zm9v-_x/plan.ics", h_ics, 1, "Zm9v-_x", NULL);
	found(HTTP_POST, "/a/one/b/two", h_two, 2, "one", "two");
	/* A capture is one whole segment, whatever bytes it holds. */
	found(HTTP_GET, "/i/a b%3F\xc3\xa9", h_invoice, 1, "a b%3F\xc3\xa9",
	    NULL);
	found(HTTP_GET, "/i/plan", h_invoice, 1, "plan", NULL);
	found(HTTP_GET, "/i/{}", h_invoice, 1, "{}", NULL);
	found(HTTP_GET, "/i/x/plan.ics", h_ics, 1, "x", NULL);
}

/* Segments up to ROUTER_MAX_SEGMENT - 1 bytes are captured; longer ones miss. */
static void
test_router_long_segment(void **state)
{
	char	path[4 + 10000 + 8], seg[ROUTER_MAX_SEGMENT];

	(void)state;
	memset(seg, 'x', ROUTER_MAX_SEGMENT - 1);
	seg[ROUTER_MAX_SEGMENT - 1] = '\0';
	memcpy(path, "/i/", 3);
	memset(path + 3, 'x', ROUTER_MAX_SEGMENT - 1);
	strcpy(path + 3 + ROUTER_MAX_SEGMENT - 1, "/plan");
	found(HTTP_GET, path, h_plan_get, 1, seg, NULL);
	assert_int_equal(strlen(M.captures[0]), ROUTER_MAX_SEGMENT - 1);

	memset(path + 3, 'x', ROUTER_MAX_SEGMENT);
	strcpy(path + 3 + ROUTER_MAX_SEGMENT, "/plan");
	not_found(HTTP_GET, path);
	not_found(HTTP_POST, path);
	path[3 + ROUTER_MAX_SEGMENT] = '\0';
	not_found(HTTP_GET, path);

	memset(path + 3, 'x', 10000);
	path[3 + 10000] = '\0';
	not_found(HTTP_GET, path);

	/* Long literal-looking paths simply do not match. */
	memset(path, 'h', 10000);
	path[0] = '/';
	path[10000] = '\0';
	not_found(HTTP_GET, path);
}

/* A known path with the wrong method is 405 and says what would work. */
static void
test_router_bad_method(void **state)
{
	(void)state;
	bad_method(HTTP_POST, "/healthz", ROUTE_GET);
	bad_method(HTTP_OTHER, "/healthz", ROUTE_GET);
	bad_method(HTTP_POST, "/i/abc", ROUTE_GET);
	bad_method(HTTP_POST, "/i/abc/plan.ics", ROUTE_GET);
	bad_method(HTTP_OTHER, "/i/abc/plan", ALL_METHODS);
	bad_method(HTTP_GET, "/a/1/b/2", ROUTE_POST);
	bad_method(HTTP_HEAD, "/a/1/b/2", ROUTE_POST);
	bad_method(HTTP_POST, "/", ROUTE_GET);
	bad_method(HTTP_POST, "/dup/x", ROUTE_GET);
	/* The same path, found, still reports only the route's own methods. */
	found(HTTP_GET, "/i/abc/plan", h_plan_get, 1, "abc", NULL);
	assert_int_equal(M.allowed & ROUTE_GET, ROUTE_GET);
}

/* A match resets what an earlier one left in the result. */
static void
test_router_reuse(void **state)
{
	(void)state;
	bad_method(HTTP_OTHER, "/i/abc/plan", ALL_METHODS);
	assert_int_equal(router_match(table, NTABLE, HTTP_GET, "/nope", &M),
	    ROUTER_NOT_FOUND);
	assert_int_equal(M.allowed, 0);
	assert_null(M.route);
	found(HTTP_POST, "/a/x/b/y", h_two, 2, "x", "y");
	assert_int_equal(router_match(table, NTABLE, HTTP_GET, "/healthz", &M),
	    ROUTER_FOUND);
	assert_int_equal(M.ncaptures, 0);
}

/* The first route that fits wins, in table order. */
static void
test_router_order(void **state)
{
	(void)state;
	found(HTTP_GET, "/dup/x", h_first, 1, "x", NULL);
	found(HTTP_GET, "/dup/y", h_first, 1, "y", NULL);
	assert_int_equal(router_match(table, 0, HTTP_GET, "/healthz", &M),
	    ROUTER_NOT_FOUND);
}

/* The portal's own table (routes.c). */
static void
test_router_portal_routes(void **state)
{
	struct route_match	m;

	(void)state;
	assert_int_equal(router_match(routes, nroutes, HTTP_GET, "/healthz", &m),
	    ROUTER_FOUND);
	assert_true(m.route->handler == health_get);
	assert_int_equal(router_match(routes, nroutes, HTTP_HEAD, "/i/tok", &m),
	    ROUTER_FOUND);
	assert_true(m.route->handler == invoice_get);
	assert_string_equal(m.captures[0], "tok");
	assert_int_equal(router_match(routes, nroutes, HTTP_POST, "/i/tok/plan",
	    &m), ROUTER_FOUND);
	assert_true(m.route->handler == plan_post);
	assert_int_equal(router_match(routes, nroutes, HTTP_GET,
	    "/i/tok/plan.ics", &m), ROUTER_FOUND);
	assert_true(m.route->handler == plan_ics);
	assert_int_equal(router_match(routes, nroutes, HTTP_POST,
	    "/i/tok/hardship", &m), ROUTER_FOUND);
	assert_true(m.route->handler == hardship_post);
	assert_int_equal(router_match(routes, nroutes, HTTP_OTHER,
	    "/i/tok/hardship", &m), ROUTER_BAD_METHOD);
	assert_int_equal(m.allowed, ALL_METHODS);
	assert_int_equal(router_match(routes, nroutes, HTTP_POST, "/i/tok", &m),
	    ROUTER_BAD_METHOD);
	assert_int_equal(m.allowed, ROUTE_GET);
	assert_int_equal(router_match(routes, nroutes, HTTP_GET, "/i/tok/", &m),
	    ROUTER_NOT_FOUND);
	assert_int_equal(router_match(routes, nroutes, HTTP_GET, "/", &m),
	    ROUTER_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router_exact),
		cmocka_unit_test(test_router_exact_only),
		cmocka_unit_test(test_router_trailing_slash),
		cmocka_unit_test(test_router_empty_segments),
		cmocka_unit_test(test_router_captures),
		cmocka_unit_test(test_router_long_segment),
		cmocka_unit_test(test_router_bad_method),
		cmocka_unit_test(test_router_reuse),
		cmocka_unit_test(test_router_order),
		cmocka_unit_test(test_router_portal_routes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
