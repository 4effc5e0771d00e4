#include "audit.h"
#include "db.h"

int
audit_write(struct db *db, const struct audit_event *e)
{
	const char	*p[7] = { e->actor, e->staff_id, e->action, e->invoice_id,
	    e->link_id, e->detail ? e->detail : "",
	    e->client_addr ? e->client_addr : "" };

	return db_do(db, SQL_AUDIT, p, 7);
}
