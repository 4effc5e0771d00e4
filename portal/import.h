#ifndef PORTAL_IMPORT_H
#define PORTAL_IMPORT_H

#include <stddef.h>

/*
 * `portal-admin import FILE.csv`: loads invoices from the CSV format of
 * README.md ("Import format"), one row per invoice line, fee or payment. The whole file is
 * validated first, then written in one transaction: all or nothing.
 * Importing the same file again changes nothing; an invoice whose rows
 * differ from the last import is replaced (lines, fees, payments) and the
 * change is recorded in the audit trail.
 *
 * Fees and holds (issue 15): a fee dated while the invoice was under a
 * hardship or dispute hold (from the hold's day until the day it was
 * released or ends) is imported frozen: kept, shown to staff, left out of
 * the balance. The import says which rows it froze.
 */
struct db;

struct import_stats {
	int	created;
	int	updated;
	int	unchanged;
	int	frozen;			/* fees frozen by a hold */
	char	frozen_rows[256];	/* "line 5 (INV-1), ..."; "..." when cut */
};

#define IMPORT_MAX_FILE		(16 * 1024 * 1024)

/*
 * Validates and imports len bytes of CSV text. name is used in messages.
 * Returns 0, or -1 with err naming the file, line and field at fault.
 */
int import_csv(struct db *db, const char *name, const char *text, size_t len,
    struct import_stats *st, char *err, size_t errsz);

#endif
