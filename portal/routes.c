#include "router.h"
#include "routes.h"

const struct route routes[] = {
	{ ROUTE_GET, "/healthz", health_get },
	{ ROUTE_GET, "/i/{}", invoice_get },
	{ ROUTE_GET, "/i/{}/plan", plan_get },
	{ ROUTE_POST, "/i/{}/plan", plan_post },
	{ ROUTE_GET, "/i/{}/plan.ics", plan_ics },
	{ ROUTE_GET, "/i/{}/hardship", hardship_get },
	{ ROUTE_POST, "/i/{}/hardship", hardship_post },
};

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
