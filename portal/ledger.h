#ifndef PORTAL_LEDGER_H
#define PORTAL_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"

/*
 * The arithmetic of the ledger overview (/staff/overview): aged-balance
 * buckets, days sales outstanding, the week's first day and the length of
 * a chart's bar. Pure, integers only.
 *
 * Buckets are by days overdue (today - due): not due (0 or fewer), 1-30,
 * 31-60, 61-90 and over 90. The overview's statement (sql.c,
 * overview_ledger) sums the same ranges in SQL; the integration test checks
 * that the list's buckets (from ledger_bucket) add up to the page's.
 */
enum ledger_bucket {
	LEDGER_NOT_DUE,
	LEDGER_DAYS_30,		/* 1 to 30 days overdue */
	LEDGER_DAYS_60,		/* 31 to 60 */
	LEDGER_DAYS_90,		/* 61 to 90 */
	LEDGER_DAYS_MORE,	/* over 90 */
	LEDGER_BUCKET__MAX
};

/* Keys for views and flags ("not_due", "d30", ...), NULL-terminated. */
extern const char *const ledger_bucket_keys[];
/* The bucket's name in the CSV export ("not due", "1-30", ... "90+"). */
extern const char *const ledger_bucket_csv[];

/* The days sales outstanding look back this many days. */
#define LEDGER_DSO_DAYS	90

/* The bucket of an invoice days_overdue days past its due date. */
enum ledger_bucket ledger_bucket(int64_t days_overdue);
/*
 * Days sales outstanding in tenths of a day: open receivables divided by
 * the credit sales of the last `days` days, times `days`, rounded half up.
 * -1 when sales is 0 or less (no figure), receivable is negative, or the
 * result would overflow.
 */
int64_t ledger_dso_tenths(int64_t receivable, int64_t sales, int days);
/* The Monday of the ISO week of d; DATE_INVALID for an invalid d. */
struct date ledger_week_start(struct date d);
/*
 * The length of a bar for value on a scale whose largest value is max,
 * drawn at most width long: rounded, at least 1 for any value above 0 (so
 * a small amount is still seen), 0 for 0 or less, width when max <= value.
 */
int ledger_bar(int64_t value, int64_t max, int width);
/* "42.3" from tenths, with the decimal point given; 0, -1 on truncation. */
int ledger_tenths_format(char *out, size_t outsz, int64_t tenths, char point);

#endif
