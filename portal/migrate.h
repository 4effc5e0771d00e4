#ifndef PORTAL_MIGRATE_H
#define PORTAL_MIGRATE_H

#include <libpq-fe.h>

/*
 * Applies the numbered migrations of a directory (NNNN_name.sql) that the
 * database has not seen yet, in order, each in its own transaction, and
 * records each in schema_migrations. Concurrent runs wait on an advisory
 * lock. Prints one line per applied file to stdout.
 */

/* Applies pending migrations from dir; returns the number applied or -1. */
int migrate_run(PGconn *conn, const char *dir);

#endif
