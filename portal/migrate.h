#ifndef PORTAL_MIGRATE_H
#define PORTAL_MIGRATE_H

/*
 * Applies the numbered migrations of a directory (NNNN_name.sql) that the
 * database has not seen yet, in order, each in its own transaction, and
 * records each in schema_migrations. Concurrent runs wait on an advisory
 * lock. Prints one line per applied file to stdout. The file's text is run
 * as it stands (db_script); the statements around it are in sql.c.
 */
struct db;

/* Applies pending migrations from dir; returns the number applied or -1. */
int migrate_run(struct db *db, const char *dir);

#endif
