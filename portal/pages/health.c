#include <libpq-fe.h>

#include "buf.h"
#include "ctx.h"
#include "db.h"
#include "routes.h"

/*
 * GET /healthz: "ok" when the database answers a query, 503 otherwise. A
 * connection that broke since the last request is re-opened and the query
 * tried once more, so a restarted database reads as healthy at once.
 */
void
health_get(struct ctx *c)
{
	PGresult	*res = NULL;
	int		 tries;

	c->res.content_type = "text/plain; charset=utf-8";
	for (tries = 0; tries < 2 && res == NULL; tries++) {
		if (db_ensure(c->db) == -1)
			break;
		res = db_run(c->db, SQL_PING, NULL, 0);
	}
	if (res == NULL) {
		c->res.status = 503;
		(void)buf_puts(&c->res.body, "database unavailable\n");
		return;
	}
	PQclear(res);
	(void)buf_puts(&c->res.body, "ok\n");
}
