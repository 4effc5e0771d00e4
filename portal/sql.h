#ifndef PORTAL_SQL_H
#define PORTAL_SQL_H

/*
 * Every SQL statement the programs run, by name. The text lives in sql.c,
 * in one table, so a reader can see all database access at once. Only
 * parameters ($1, $2, ...) carry values: no SQL is ever built from strings.
 */
enum sql_query {
	SQL_PING,
	SQL_AUDIT,
	/* portal-admin import */
	SQL_CUSTOMER_GET,
	SQL_CUSTOMER_INSERT,
	SQL_CUSTOMER_UPDATE,
	SQL_IMPORT_INVOICE_GET,
	SQL_IMPORT_INVOICE_INSERT,
	SQL_IMPORT_INVOICE_UPDATE,
	SQL_IMPORT_CLEAR_ITEMS,
	SQL_IMPORT_LINE,
	SQL_IMPORT_FEE,
	SQL_IMPORT_PAYMENT,
	/* portal-admin link, revoke */
	SQL_INVOICE_ID,
	SQL_LINK_INSERT,
	SQL_LINKS_REVOKE,
	/* debtor pages */
	SQL_DEBTOR_OPEN,
	SQL_DEBTOR_ITEMS,
	SQL_DEBTOR_PLAN,
	SQL_DEBTOR_HARDSHIP,
	SQL_DEBTOR_OPEN_LOCK,
	/* plans */
	SQL_PLAN_POLICY,
	SQL_PLAN_INSERT,
	SQL_PLAN_INSTALLMENTS,
	SQL_PLAN_ICS,
	/* hardship */
	SQL_HARDSHIP_INSERT,
	SQL_HOLD_INSERT,
	SQL_OUTBOX_INSERT,
	/* portal-notify */
	SQL_OUTBOX_CLAIM,
	SQL_OUTBOX_SENT,
	SQL_OUTBOX_RETRY,
	SQL_OUTBOX_STUCK,
	SQL__MAX
};

/* The statement's name, used for PQprepare and in logs. */
const char *sql_name(enum sql_query q);
/* The statement's SQL text. */
const char *sql_text(enum sql_query q);

#endif
