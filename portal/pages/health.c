#include <stdio.h>

#include "buf.h"
#include "ctx.h"
#include "db.h"
#include "pages/staff.h"
#include "routes.h"

/*
 * The read replica's state, for signed-in staff: whether it answers,
 * whether it is a standby, and how far behind the primary it replays.
 */
static void
replica_lines(struct ctx *c)
{
	struct db_res	*r = NULL;

	if (c->db_read == NULL) {
		(void)buf_puts(&c->res.body, "replica: none (db_read is not set)\n");
		return;
	}
	if (db_ensure(c->db_read) == -1 ||
	    (r = db_query(c->db_read, SQL_REPLICA_LAG, NULL, 0)) == NULL) {
		(void)buf_puts(&c->res.body, "replica: unavailable; staff pages "
		    "read from the primary\n");
		return;
	}
	if (!db_bool(r, 0, REPLICA_STANDBY))
		(void)buf_puts(&c->res.body, "replica: not a standby (db_read "
		    "names a primary)\n");
	else
		(void)buf_printf(&c->res.body, "replica: ok, lag %.3f s (last "
		    "replayed transaction %s)\n",
		    (double)db_int(r, 0, REPLICA_LAG_MS) / 1000.0,
		    db_str(r, 0, REPLICA_REPLAYED)[0] ?
		    db_str(r, 0, REPLICA_REPLAYED) : "none yet");
	db_res_free(r);
}

/*
 * GET /healthz: "ok" when the database answers a query, 503 otherwise. A
 * connection that broke since the last request is re-opened and the query
 * tried once more, so a restarted database reads as healthy at once. A
 * signed-in member of staff also sees the read replica and its lag.
 */
void
health_get(struct ctx *c)
{
	struct staff_session	 s;
	struct db_res		*r = NULL;
	int			 tries;

	c->res.content_type = "text/plain; charset=utf-8";
	for (tries = 0; tries < 2 && r == NULL; tries++) {
		if (db_ensure(c->db) == -1)
			break;
		r = db_query(c->db, SQL_PING, NULL, 0);
	}
	if (r == NULL || !db_bool(r, 0, FLAG_VALUE)) {
		c->res.status = 503;
		(void)buf_puts(&c->res.body, "database unavailable\n");
	} else {
		(void)buf_puts(&c->res.body, "ok\n");
		if (staff_session_peek(c, &s)) {
			(void)buf_puts(&c->res.body, "primary: ok\n");
			replica_lines(c);
		}
	}
	db_res_free(r);
}
