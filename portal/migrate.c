#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "migrate.h"

#define MIGRATE_MAX_FILES	1000
#define MIGRATE_MAX_SIZE	(4 * 1024 * 1024)

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
applied(struct db *db, const char *version)
{
	const char	*p[1] = { version };
	struct db_res	*r;
	int		 rc;

	if ((r = db_query(db, SQL_MIGRATE_APPLIED, p, 1)) == NULL)
		return -1;
	rc = db_bool(r, 0, FLAG_VALUE);
	db_res_free(r);
	return rc;
}

/* Applies one file in a transaction with its schema_migrations row. */
static int
apply(struct db *db, const char *dir, const char *name)
{
	const char	*p[1] = { name };
	char		 path[4096];
	char		*text = NULL;
	int		 rc = -1, done;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		goto out;
	if (db_begin(db) == -1 || db_do(db, SQL_MIGRATE_LOCK, NULL, 0) == -1)
		goto out;
	if ((done = applied(db, name)) != 0) {	/* another run did it */
		rc = done == 1 ? 0 : -1;
		goto out;
	}
	if ((text = read_all(path)) == NULL || db_script(db, text, name) == -1 ||
	    db_do(db, SQL_MIGRATE_RECORD, p, 1) == -1 || db_commit(db) == -1)
		goto out;
	printf("applied %s\n", name);
	rc = 1;
out:
	db_rollback(db);
	free(text);
	return rc;
}

int
migrate_run(struct db *db, const char *dir)
{
	char	*names[MIGRATE_MAX_FILES];
	int	 n, i, r, count = 0;

	if (db_do(db, SQL_MIGRATE_QUIET, NULL, 0) == -1 ||
	    db_do(db, SQL_MIGRATE_TABLE, NULL, 0) == -1)
		return -1;
	if ((n = list_files(dir, names, MIGRATE_MAX_FILES)) == -1)
		return -1;
	for (i = 0; i < n && count >= 0; i++) {
		r = applied(db, names[i]);	/* 1 yes, 0 no, -1 error */
		if (r == 0)
			r = apply(db, dir, names[i]);	/* 1 applied, 0, -1 */
		else if (r == 1)
			r = 0;
		count = r == -1 ? -1 : count + r;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return count;
}
