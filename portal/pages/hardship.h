#ifndef PORTAL_PAGES_HARDSHIP_H
#define PORTAL_PAGES_HARDSHIP_H

/*
 * The words a hardship request is stored with (the CHECK constraints of
 * hardship_requests in sql/0001_schema.sql), shared by the debtor's form
 * and the staff pages. Each list ends with NULL.
 */
extern const char *const hardship_categories[];	/* income, illness, ... */
extern const char *const hardship_statuses[];		/* new, in_review, resolved */

#endif
