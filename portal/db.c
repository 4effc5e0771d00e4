#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "log.h"

struct db {
	PGconn	*conn;
	char	*conninfo;
	char	*appname;
	char	 options[160];
	bool	 prepared[SQL__MAX];
	bool	 in_tx;
	bool	 down;
	unsigned generation;
	char	 sqlstate[6];
};

struct db *
db_new(const char *conninfo, const char *appname, int timeout_ms,
    const char *timezone)
{
	struct db	*db;
	int		 n;

	if (strpbrk(timezone, " \\'") != NULL)	/* options are space-separated */
		return NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return NULL;
	n = snprintf(db->options, sizeof(db->options),
	    "-c statement_timeout=%d%s%s", timeout_ms,
	    timezone[0] ? " -c TimeZone=" : "", timezone);
	if (n < 0 || (size_t)n >= sizeof(db->options)) {
		free(db);
		return NULL;
	}
	if ((db->conninfo = strdup(conninfo)) == NULL ||
	    (db->appname = strdup(appname)) == NULL) {
		db_free(db);
		return NULL;
	}
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db->appname);
	free(db);
}

void
db_drop(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->in_tx = false;
}

/*
 * Opens a new connection. The conninfo string comes from the config; we add
 * a short connect timeout and our application name, and keep every
 * statement's time bounded so a stuck query cannot pin a worker forever.
 */
static int
connect_db(struct db *db)
{
	const char *const keys[] = { "dbname", "connect_timeout",
	    "application_name", "options", NULL };
	const char *const vals[] = { db->conninfo, "3", db->appname,
	    db->options, NULL };

	db_drop(db);
	memset(db->prepared, 0, sizeof(db->prepared));
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		log_error("%s: PQconnectdbParams: %s", __func__, db->conn ?
		    PQerrorMessage(db->conn) : "out of memory");
		db_drop(db);
		db->down = true;
		return -1;
	}
	db->down = false;
	db->generation++;
	return 0;
}

/*
 * A server that shut down or a dropped network leaves a readable socket on
 * an idle connection: the termination notice, then EOF. libpq notices the
 * EOF only on a later read, so keep reading while the socket stays
 * readable; PQstatus then tells the truth. Costs one poll() per request.
 */
static bool
connection_alive(struct db *db)
{
	struct pollfd	pfd;
	int		i;

	for (i = 0; i < 4; i++) {
		if (PQstatus(db->conn) != CONNECTION_OK)
			return false;
		pfd.fd = PQsocket(db->conn);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 0) == -1)
			return false;
		if (pfd.revents == 0)
			return true;
		if (PQconsumeInput(db->conn) == 0)
			return false;
	}
	return PQstatus(db->conn) == CONNECTION_OK;
}

int
db_ensure(struct db *db)
{
	db->sqlstate[0] = '\0';
	if (db->conn != NULL && connection_alive(db)) {
		db->down = false;
		return 0;
	}
	return connect_db(db);
}

/* Records the outcome of a failed command and logs it once. */
static void
note_failure(struct db *db, const char *what, const PGresult *res)
{
	const char	*state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	(void)snprintf(db->sqlstate, sizeof(db->sqlstate), "%s",
	    state ? state : "");
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		db->down = true;
		log_error("%s: connection lost: %s", what,
		    db->conn ? PQerrorMessage(db->conn) : "not connected");
		db_drop(db);
		return;
	}
	/* Unique violations are expected (double submits); not an error. */
	if (strcmp(db->sqlstate, "23505") == 0)
		return;
	log_error("%s: %s", what, res ? PQresultErrorMessage(res) :
	    PQerrorMessage(db->conn));
}

static bool
result_ok(const PGresult *res)
{
	ExecStatusType	st = PQresultStatus(res);

	return res != NULL && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
}

static int
prepare(struct db *db, enum sql_query q)
{
	PGresult	*res;
	int		 rc = -1;

	res = PQprepare(db->conn, sql_name(q), sql_text(q), 0, NULL);
	if (!result_ok(res)) {
		note_failure(db, sql_name(q), res);
		goto out;
	}
	db->prepared[q] = true;
	rc = 0;
out:
	PQclear(res);
	return rc;
}

PGresult *
db_run(struct db *db, enum sql_query q, const char *const *params, int n)
{
	PGresult	*res;

	db->sqlstate[0] = '\0';
	if (db->conn == NULL) {
		db->down = true;
		return NULL;
	}
	if (!db->prepared[q] && prepare(db, q) == -1)
		return NULL;
	res = PQexecPrepared(db->conn, sql_name(q), n, params, NULL, NULL, 0);
	if (!result_ok(res)) {
		note_failure(db, sql_name(q), res);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Sends every call and the sync; 0, or -1 when the connection refused. */
static int
pipeline_send(struct db *db, struct db_call *calls, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (PQsendQueryPrepared(db->conn, sql_name(calls[i].q), calls[i].n,
		    calls[i].params, NULL, NULL, 0) != 1)
			return -1;
	return PQpipelineSync(db->conn) == 1 ? 0 : -1;
}

/*
 * Collects each call's result (a NULL ends each one), then the sync. After
 * a failure the server answers the rest with PGRES_PIPELINE_ABORTED; they
 * are read and dropped all the same, so the connection stays usable.
 */
static int
pipeline_collect(struct db *db, struct db_call *calls, int n)
{
	PGresult	*res;
	int		 i, rc = 0;

	for (i = 0; i < n; i++) {
		while ((res = PQgetResult(db->conn)) != NULL) {
			if (calls[i].res == NULL && rc == 0 && result_ok(res)) {
				calls[i].res = res;
				continue;
			}
			if (rc == 0 && !result_ok(res))
				note_failure(db, sql_name(calls[i].q), res);
			if (!result_ok(res))
				rc = -1;
			PQclear(res);
			if (db->conn == NULL)
				return -1;
		}
		if (calls[i].res == NULL)
			rc = -1;
	}
	res = PQgetResult(db->conn);	/* PGRES_PIPELINE_SYNC */
	if (PQresultStatus(res) != PGRES_PIPELINE_SYNC)
		rc = -1;
	PQclear(res);
	return rc;
}

int
db_pipeline(struct db *db, struct db_call *calls, int n)
{
	int	i, rc = -1;

	db->sqlstate[0] = '\0';
	for (i = 0; i < n; i++)
		calls[i].res = NULL;
	if (db->conn == NULL) {
		db->down = true;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!db->prepared[calls[i].q] && prepare(db, calls[i].q) == -1)
			return -1;
	if (PQenterPipelineMode(db->conn) != 1)
		goto out;
	if (pipeline_send(db, calls, n) == 0)
		rc = pipeline_collect(db, calls, n);
	else
		note_failure(db, "pipeline", NULL);
	if (db->conn != NULL && PQexitPipelineMode(db->conn) != 1) {
		log_error("%s: PQexitPipelineMode: %s", __func__,
		    PQerrorMessage(db->conn));
		db_drop(db);
		rc = -1;
	}
out:
	if (rc == -1)
		for (i = 0; i < n; i++) {
			PQclear(calls[i].res);
			calls[i].res = NULL;
		}
	return rc;
}

int
db_do(struct db *db, enum sql_query q, const char *const *params, int n)
{
	PGresult	*res;

	if ((res = db_run(db, q, params, n)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static int
simple(struct db *db, const char *sql)
{
	PGresult	*res;
	int		 rc = -1;

	if (db->conn == NULL) {
		db->down = true;
		return -1;
	}
	res = PQexec(db->conn, sql);
	if (!result_ok(res)) {
		note_failure(db, sql, res);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
db_begin(struct db *db)
{
	if (simple(db, "BEGIN") == -1)
		return -1;
	db->in_tx = true;
	return 0;
}

int
db_commit(struct db *db)
{
	int	rc;

	rc = simple(db, "COMMIT");
	db->in_tx = false;
	return rc;
}

void
db_rollback(struct db *db)
{
	if (!db->in_tx || db->conn == NULL)
		return;
	(void)simple(db, "ROLLBACK");
	db->in_tx = false;
}

const char *
db_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

bool
db_is_down(const struct db *db)
{
	return db->down;
}

PGconn *
db_conn(struct db *db)
{
	return db->conn;
}

unsigned
db_generation(const struct db *db)
{
	return db->generation;
}
