#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "migrate.h"

#define MIGRATE_MAX_FILES	1000
#define MIGRATE_MAX_SIZE	(4 * 1024 * 1024)
#define MIGRATE_LOCK		"7375626c65"	/* any constant shared by all runs */

static int
exec_ok(PGconn *conn, const char *sql, const char *what)
{
	PGresult	*res = PQexec(conn, sql);
	int		 rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("%s: %s", what, PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* A migration file name: four digits, an underscore, a name, ".sql". */
static int
is_migration(const char *name)
{
	size_t	n = strlen(name), i;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || name[4] != '_')
		return 0;
	for (i = 0; i < 4; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists migration files of dir, sorted; returns the count or -1. */
static int
list_files(const char *dir, char **names, int max)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL) {
		log_error("%s: %s: %s", __func__, dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!is_migration(e->d_name))
			continue;
		if (n == max || (names[n] = strdup(e->d_name)) == NULL) {
			log_error("%s: too many files or out of memory", __func__);
			(void)closedir(d);
			return -1;
		}
		n++;
	}
	(void)closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	return n;
}

static char *
read_all(const char *path)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((text = malloc(MIGRATE_MAX_SIZE + 1)) == NULL)
		goto out;
	n = fread(text, 1, MIGRATE_MAX_SIZE + 1, f);
	if (ferror(f) || n > MIGRATE_MAX_SIZE) {
		log_error("%s: unreadable or bigger than %d bytes", path,
		    MIGRATE_MAX_SIZE);
		free(text);
		text = NULL;
		goto out;
	}
	text[n] = '\0';
out:
	(void)fclose(f);
	return text;
}

/* True when version is already recorded; -1 on error. */
static int
applied(PGconn *conn, const char *version)
{
	const char	*params[1] = { version };
	PGresult	*res;
	int		 rc;

	res = PQexecParams(conn,
	    "SELECT 1 FROM schema_migrations WHERE version = $1",
	    1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("%s: %s", __func__, PQresultErrorMessage(res));
		rc = -1;
	} else
		rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

/* Applies one file in a transaction with its schema_migrations row. */
static int
apply(PGconn *conn, const char *dir, const char *name)
{
	const char	*params[1] = { name };
	char		 path[4096];
	char		*text = NULL;
	PGresult	*res = NULL;
	int		 rc = -1, done;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		goto out;
	if (exec_ok(conn, "BEGIN", name) == -1)
		goto out;
	if (exec_ok(conn, "SELECT pg_advisory_xact_lock(x'" MIGRATE_LOCK
	    "'::bigint)", name) == -1)
		goto out;
	if ((done = applied(conn, name)) != 0) {	/* another run did it */
		rc = done == 1 ? 0 : -1;
		goto out;
	}
	if ((text = read_all(path)) == NULL || exec_ok(conn, text, name) == -1)
		goto out;
	res = PQexecParams(conn, "INSERT INTO schema_migrations (version) "
	    "VALUES ($1)", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_error("%s: %s", name, PQresultErrorMessage(res));
		goto out;
	}
	if (exec_ok(conn, "COMMIT", name) == -1)
		goto out;
	printf("applied %s\n", name);
	rc = 1;
out:
	if (rc != 1)
		(void)exec_ok(conn, "ROLLBACK", "rollback");
	PQclear(res);
	free(text);
	return rc;
}

int
migrate_run(PGconn *conn, const char *dir)
{
	char	*names[MIGRATE_MAX_FILES];
	int	 n, i, r, count = 0;

	if (exec_ok(conn, "SET client_min_messages = warning", "settings") == -1)
		return -1;
	if (exec_ok(conn, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())", "schema_migrations") == -1)
		return -1;
	if ((n = list_files(dir, names, MIGRATE_MAX_FILES)) == -1)
		return -1;
	for (i = 0; i < n && count >= 0; i++) {
		r = applied(conn, names[i]);	/* 1 yes, 0 no, -1 error */
		if (r == 0)
			r = apply(conn, dir, names[i]);	/* 1 applied, 0, -1 */
		else if (r == 1)
			r = 0;
		count = r == -1 ? -1 : count + r;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return count;
}
