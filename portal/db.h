#ifndef PORTAL_DB_H
#define PORTAL_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "sql.h"

/*
 * One PostgreSQL connection per process (per worker), with the statements
 * of sql.h prepared on first use. Nothing checks the connection by itself:
 * a caller asks with db_ensure() (pages through page_db_or_reply() or
 * debtor_open_or_reply()), which re-opens a connection that dropped, so
 * the portal recovers by itself after a database restart.
 *
 * Results are read by column name: a statement's rows come back as a
 * struct db_res, read with the getters below and the column constants of
 * its shape in sql.h (db_str(r, i, QUEUE_NUMBER)). A getter given a column
 * of another shape, a type the column is not declared with, or a row out
 * of range logs the mistake and returns "", 0, false or DATE_INVALID.
 * libpq stays inside db.c: no other file sees its types or calls it.
 */
struct db;
struct db_res;

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
 * Returns its rows (caller frees with db_res_free) or NULL on failure,
 * logged once. A statement with no rows (shape NONE) returns an empty
 * result.
 */
struct db_res *db_query(struct db *db, enum sql_query q,
    const char *const *params, int n);
/* Runs q and discards the result; 0 or -1. */
int db_do(struct db *db, enum sql_query q, const char *const *params, int n);
/* One statement of a pipeline: what to run, and its rows (caller frees). */
struct db_call {
	enum sql_query		 q;
	const char *const	*params;
	int			 n;
	struct db_res		*res;
};
/*
 * Runs n statements in one round trip (libpq pipeline mode). Outside an
 * explicit transaction they form one implicit transaction: all commit
 * together, or none. 0 with every res set, or -1 with none (logged once).
 */
int db_pipeline(struct db *db, struct db_call *calls, int n);

/* Frees a result; NULL is a no-op. */
void db_res_free(struct db_res *r);
/* The number of rows. */
int db_rows(const struct db_res *r);
/* True when the column is SQL NULL in that row. */
bool db_null(const struct db_res *r, int row, int col);
/* Any column as text ("" for NULL); owned by r. */
const char *db_str(const struct db_res *r, int row, int col);
/* An INT column; 0 for NULL. */
int64_t db_int(const struct db_res *r, int row, int col);
/* A BOOL column; false for NULL. */
bool db_bool(const struct db_res *r, int row, int col);
/* A DATE column; DATE_INVALID for NULL. */
struct date db_date(const struct db_res *r, int row, int col);

/*
 * Transactions; each 0 or -1. db_rollback is safe to call when not in one
 * and with a NULL db.
 */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* True between a successful db_begin and its commit or rollback. */
bool db_in_transaction(const struct db *db);
/*
 * Runs a migration file's text, several statements without parameters, as
 * it stands (PQexec): the one way SQL from outside sql.c reaches the
 * database. what names it in the log. 0 or -1.
 */
int db_script(struct db *db, const char *text, const char *what);
/*
 * Prepares every statement of sql.h that is not prepared yet and checks
 * its columns against its shape; returns how many failed (each logged).
 */
int db_check_all(struct db *db);

/* SQLSTATE of the last failed statement ("" if none), e.g. "23505". */
const char *db_sqlstate(const struct db *db);
/* True when the last failure was the connection, not the statement. */
bool db_is_down(const struct db *db);
/* Counts successful connects: a change means a new session (re-LISTEN). */
unsigned db_generation(const struct db *db);
/*
 * Waits until a notification arrives on a channel this session LISTENs
 * to, seconds pass, or a signal interrupts; notifications are consumed.
 */
void db_wait(struct db *db, int seconds);

#endif
