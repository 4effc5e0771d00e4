#ifndef PORTAL_DB_H
#define PORTAL_DB_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "sql.h"

/*
 * One PostgreSQL connection per process (per worker), with the statements
 * of sql.h prepared on first use. The connection is checked before each
 * request and re-opened when it has dropped, so the portal recovers by itself
 * after a database restart.
 */
struct db;

/*
 * A handle for conninfo, not yet connected; NULL on out of memory. Each
 * statement is cancelled after timeout_ms milliseconds (0: no limit); times
 * are converted to timezone (an IANA name, "" for the server's).
 */
struct db *db_new(const char *conninfo, const char *appname, int timeout_ms,
    const char *timezone);
/* Closes the connection and frees the handle; NULL is a no-op. */
void db_free(struct db *db);
/* Makes sure the connection is up (reconnecting if needed); 0 or -1. */
int db_ensure(struct db *db);
/* Forces a reconnect on the next db_ensure (after an error, say). */
void db_drop(struct db *db);
/*
 * Runs prepared statement q with n text parameters (NULL = SQL NULL).
 * Returns the result (caller PQclears it) or NULL on failure, logged once.
 */
PGresult *db_run(struct db *db, enum sql_query q, const char *const *params,
    int n);
/* One statement of a pipeline: what to run, and its result (caller PQclears). */
struct db_call {
	enum sql_query		 q;
	const char *const	*params;
	int			 n;
	PGresult		*res;
};

/*
 * Runs n statements in one round trip (libpq pipeline mode). Outside an
 * explicit transaction they form one implicit transaction: all commit
 * together, or none. 0 with every res set, or -1 with none (logged once).
 */
int db_pipeline(struct db *db, struct db_call *calls, int n);
/* Runs q and discards the result; 0 or -1. */
int db_do(struct db *db, enum sql_query q, const char *const *params, int n);
/* Transactions; each 0 or -1. db_rollback is safe to call when not in one. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* SQLSTATE of the last failed statement ("" if none), e.g. "23505". */
const char *db_sqlstate(const struct db *db);
/* True when the last failure was the connection, not the statement. */
bool db_is_down(const struct db *db);
/* Counts successful connects: a change means a new session (re-LISTEN). */
unsigned db_generation(const struct db *db);
/* The underlying connection (for LISTEN); NULL when not connected. */
PGconn *db_conn(struct db *db);

#endif
