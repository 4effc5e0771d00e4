#include <sys/select.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "log.h"

/* Type oids of the columns we read (pg_type.dat); they never change. */
#define OID_BOOL	16
#define OID_NAME	19
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23
#define OID_TEXT	25
#define OID_BPCHAR	1042
#define OID_VARCHAR	1043
#define OID_DATE	1082

struct db {
	PGconn	*conn;
	char	*conninfo;
	char	*appname;
	char	 options[160];
	bool	 prepared[SQL__MAX];
	bool	 refused[SQL__MAX];	/* its columns differ from sql.h */
	bool	 in_tx;
	bool	 down;
	unsigned generation;
	char	 sqlstate[6];
};

struct db_res {
	PGresult	*pg;
	enum sql_query	 q;
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
	memset(db->refused, 0, sizeof(db->refused));
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
	/*
	 * The primary message and the SQLSTATE only: DETAIL lines quote the
	 * row ("Failing row contains ...", "Key (email)=..."), which may hold
	 * an address or a debtor's note, and logs hold neither (issue 19).
	 */
	if (res != NULL && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) != NULL)
		log_error("%s: %s (SQLSTATE %s)", what,
		    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), db->sqlstate);
	else
		log_error("%s: %s", what, res ? PQresultErrorMessage(res) :
		    PQerrorMessage(db->conn));
}

static bool
result_ok(const PGresult *res)
{
	ExecStatusType	st = PQresultStatus(res);

	return res != NULL && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
}

/* What a column of type oid may be read as; SQL_TYPE__MAX for others. */
static enum sql_type
column_type(Oid oid)
{
	switch (oid) {
	case OID_TEXT:
	case OID_BPCHAR:
	case OID_VARCHAR:
	case OID_NAME:
		return SQL_TEXT;
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		return SQL_INT;
	case OID_BOOL:
		return SQL_BOOL;
	case OID_DATE:
		return SQL_DATE;
	default:
		return SQL_TYPE__MAX;
	}
}

/*
 * Compares the result columns PostgreSQL describes for prepared statement
 * q with the shape sql.h declares for it: the same number, names and types
 * in the same order. Logs the first difference; true when they agree.
 */
static bool
shape_matches(const PGresult *desc, enum sql_query q)
{
	enum sql_shape			 s = sql_shape(q);
	const struct sql_column		*col;
	int				 i, n = PQnfields(desc);
	enum sql_type			 t;

	if (n != sql_ncolumns(s)) {
		log_error("%s: returns %d columns, but sql.h declares shape %s "
		    "with %d", sql_name(q), n, sql_shape_name(s), sql_ncolumns(s));
		return false;
	}
	for (i = 0; i < n; i++) {
		col = sql_column(s, i);
		t = column_type(PQftype(desc, i));
		if (strcmp(PQfname(desc, i), col->name) != 0 || t != col->type) {
			log_error("%s: column %d is \"%s\" (type oid %u), but sql.h "
			    "declares %s as \"%s\" (%s)", sql_name(q), i + 1,
			    PQfname(desc, i), (unsigned)PQftype(desc, i),
			    col->constant, col->name, sql_type_name(col->type));
			return false;
		}
	}
	return true;
}

/*
 * Prepares q and checks its result columns against its declared shape
 * (one more round trip, once per connection). A statement whose columns
 * differ is never run: that is a programming error, logged as such.
 */
static int
prepare(struct db *db, enum sql_query q)
{
	PGresult	*res = NULL, *desc = NULL;
	int		 rc = -1;

	if (db->refused[q]) {	/* logged when it was prepared */
		log_error("%s: refused: its columns differ from sql.h", sql_name(q));
		goto out;
	}
	res = PQprepare(db->conn, sql_name(q), sql_text(q), 0, NULL);
	if (!result_ok(res)) {
		note_failure(db, sql_name(q), res);
		goto out;
	}
	desc = PQdescribePrepared(db->conn, sql_name(q));
	if (!result_ok(desc)) {
		note_failure(db, sql_name(q), desc);
		goto out;
	}
	if (!shape_matches(desc, q)) {
		db->refused[q] = true;
		goto out;
	}
	db->prepared[q] = true;
	rc = 0;
out:
	PQclear(desc);
	PQclear(res);
	return rc;
}

/* Wraps a result of q; NULL (and the result cleared) on out of memory. */
static struct db_res *
wrap(PGresult *pg, enum sql_query q)
{
	struct db_res	*r;

	if ((r = malloc(sizeof(*r))) == NULL) {
		log_error("%s: %s: out of memory", __func__, sql_name(q));
		PQclear(pg);
		return NULL;
	}
	r->pg = pg;
	r->q = q;
	return r;
}

struct db_res *
db_query(struct db *db, enum sql_query q, const char *const *params, int n)
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
	return wrap(res, q);
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
				if ((calls[i].res = wrap(res, calls[i].q)) == NULL)
					rc = -1;
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
			db_res_free(calls[i].res);
			calls[i].res = NULL;
		}
	return rc;
}

int
db_do(struct db *db, enum sql_query q, const char *const *params, int n)
{
	struct db_res	*r;

	if ((r = db_query(db, q, params, n)) == NULL)
		return -1;
	db_res_free(r);
	return 0;
}

/* Runs sql with the simple protocol (no parameters, several statements). */
static int
simple(struct db *db, const char *sql, const char *what)
{
	PGresult	*res;
	int		 rc = -1;

	db->sqlstate[0] = '\0';
	if (db->conn == NULL) {
		db->down = true;
		return -1;
	}
	res = PQexec(db->conn, sql);
	if (!result_ok(res)) {
		note_failure(db, what, res);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* Transaction control goes by the simple protocol: nothing to prepare. */
int
db_begin(struct db *db)
{
	if (simple(db, sql_text(SQL_BEGIN), sql_name(SQL_BEGIN)) == -1)
		return -1;
	db->in_tx = true;
	return 0;
}

int
db_commit(struct db *db)
{
	int	rc;

	rc = simple(db, sql_text(SQL_COMMIT), sql_name(SQL_COMMIT));
	db->in_tx = false;
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db == NULL || !db->in_tx || db->conn == NULL)
		return;
	(void)simple(db, sql_text(SQL_ROLLBACK), sql_name(SQL_ROLLBACK));
	db->in_tx = false;
}

bool
db_in_transaction(const struct db *db)
{
	return db != NULL && db->in_tx;
}

int
db_script(struct db *db, const char *text, const char *what)
{
	if (simple(db, text, what) == 0)
		return 0;
	if (strcmp(db->sqlstate, "23505") == 0)	/* note_failure kept quiet */
		log_error("%s: a unique constraint refused a row", what);
	return -1;
}

int
db_check_all(struct db *db)
{
	int	q, bad = 0;

	for (q = 0; q < SQL__MAX; q++) {
		if (db->conn == NULL)
			return SQL__MAX - q + bad;
		if (db->refused[q] || (!db->prepared[q] &&
		    prepare(db, (enum sql_query)q) == -1))
			bad++;
	}
	return bad;
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

unsigned
db_generation(const struct db *db)
{
	return db->generation;
}

void
db_wait(struct db *db, int seconds)
{
	PGnotify	*n;
	struct timeval	 tv = { seconds, 0 };
	fd_set		 rfds;
	int		 fd;

	if (db->conn == NULL || (fd = PQsocket(db->conn)) < 0) {
		(void)select(0, NULL, NULL, NULL, &tv);
		return;
	}
	FD_ZERO(&rfds);
	FD_SET(fd, &rfds);
	if (select(fd + 1, &rfds, NULL, NULL, &tv) > 0 &&
	    PQconsumeInput(db->conn) == 1)
		while ((n = PQnotifies(db->conn)) != NULL)
			PQfreemem(n);
}

/*
 * The getters. Each checks that col is a column of the result's shape and
 * declared with the type asked for, and that row exists: a mistake there is
 * a programming error, logged with the statement and column so it is found
 * at once, and answered with an empty value rather than someone else's.
 */
static int
cell(const struct db_res *r, int row, int col, enum sql_type want,
    const char *getter)
{
	enum sql_shape			 s = sql_shape(r->q);
	int				 i = sql_column_index(s, col);
	const struct sql_column		*c = sql_column(s, i);

	if (c == NULL) {
		log_error("%s: %s: column %d is not one of shape %s", getter,
		    sql_name(r->q), col, sql_shape_name(s));
		return -1;
	}
	if (want != SQL_TEXT && c->type != want) {
		log_error("%s: %s: %s is declared %s", getter, sql_name(r->q),
		    c->constant, sql_type_name(c->type));
		return -1;
	}
	if (row < 0 || row >= PQntuples(r->pg)) {
		log_error("%s: %s: row %d of %d", getter, sql_name(r->q), row,
		    PQntuples(r->pg));
		return -1;
	}
	return i;
}

void
db_res_free(struct db_res *r)
{
	if (r == NULL)
		return;
	PQclear(r->pg);
	free(r);
}

int
db_rows(const struct db_res *r)
{
	return PQntuples(r->pg);
}

bool
db_null(const struct db_res *r, int row, int col)
{
	int	i = cell(r, row, col, SQL_TEXT, __func__);

	return i < 0 || PQgetisnull(r->pg, row, i);
}

const char *
db_str(const struct db_res *r, int row, int col)
{
	int	i = cell(r, row, col, SQL_TEXT, __func__);

	return i < 0 ? "" : PQgetvalue(r->pg, row, i);
}

int64_t
db_int(const struct db_res *r, int row, int col)
{
	const char	*s;
	char		*end;
	long long	 v;
	int		 i = cell(r, row, col, SQL_INT, __func__);

	if (i < 0 || PQgetisnull(r->pg, row, i))
		return 0;
	s = PQgetvalue(r->pg, row, i);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		log_error("%s: %s: not an integer: %s", __func__, sql_name(r->q), s);
		return 0;
	}
	return v;
}

bool
db_bool(const struct db_res *r, int row, int col)
{
	int	i = cell(r, row, col, SQL_BOOL, __func__);

	return i >= 0 && !PQgetisnull(r->pg, row, i) &&
	    PQgetvalue(r->pg, row, i)[0] == 't';
}

struct date
db_date(const struct db_res *r, int row, int col)
{
	struct date	d;
	int		i = cell(r, row, col, SQL_DATE, __func__);

	if (i < 0 || PQgetisnull(r->pg, row, i))
		return DATE_INVALID;
	if (date_parse(PQgetvalue(r->pg, row, i), &d) == -1) {
		log_error("%s: %s: not a date: %s", __func__, sql_name(r->q),
		    PQgetvalue(r->pg, row, i));
		return DATE_INVALID;
	}
	return d;
}
