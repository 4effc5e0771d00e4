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
	struct db_res	*r = NULL;
	int		 tries;

	c->res.content_type = "text/plain; charset=utf-8";
	for (tries = 0; tries < 2 && r == NULL; tries++) {
		if (db_ensure(c->db) == -1)
			break;
		r = db_query(c->db, SQL_PING, NULL, 0);
	}
	if (r == NULL || !db_bool(r, 0, FLAG_VALUE)) {
		c->res.status = 503;
		(void)buf_puts(&c->res.body, "database unavailable\n");
	} else
		(void)buf_puts(&c->res.body, "ok\n");
	db_res_free(r);
}
