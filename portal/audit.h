#ifndef PORTAL_AUDIT_H
#define PORTAL_AUDIT_H

/*
 * The audit trail (audit_events, append-only). Every program writes its
 * events through audit_write(), inside the caller's transaction.
 */
struct db;

struct audit_event {
	const char	*actor;		/* debtor, staff, admin, system */
	const char	*staff_id;	/* NULL unless a staff user acted */
	const char	*action;	/* "plan.accepted", "link.issued", ... */
	const char	*invoice_id;	/* may be NULL */
	const char	*link_id;	/* may be NULL */
	const char	*detail;	/* NULL is "" */
	const char	*client_addr;	/* NULL is "" */
};

/* Inserts the event; 0 or -1 (logged by db). */
int audit_write(struct db *db, const struct audit_event *e);

#endif
