#ifndef PORTAL_REMIND_RUN_H
#define PORTAL_REMIND_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/*
 * The reminder engine behind `portal-admin remind`: one set-based query
 * finds every invoice whose due step is not done (SQL_REMIND_DUE), the
 * pure rules decide (remind.h), and each email or task is done in its own
 * transaction: a fresh link, an unsubscribe token, the email through the
 * outbox (text and HTML, List-Unsubscribe), the reminders row with its
 * fixed pay-by date (its unique key makes a second run do nothing), a
 * task where a person must act, and an audit event. Skips and waits are
 * recorded for staff (reminder_skips) when their reason changes.
 */
struct config;
struct db;
struct i18n;

struct remind_stats {
	int	sent;		/* emails queued */
	int	tasks;		/* steps that became tasks (without an email) */
	int	skipped;
	int	waiting;
	int	failed;		/* invoices whose transaction failed */
};

struct remind_options {
	time_t	 now;		/* the moment the run acts for */
	bool	 dry_run;	/* print what would be queued, write nothing */
	bool	 quiet;		/* no line per message (simulation rounds) */
	bool	 in_transaction;/* the caller owns one transaction (simulate) */
	FILE	*out;		/* lines per message or task; NULL: none */
	const char *prefix;	/* before each line ("2026-12-04 "), may be NULL */
};

/*
 * One run as of o->now over db (a connection as the schema owner), with
 * the templates of every language; counts into st. 0, or -1 when the run
 * could not start or an invoice failed (each failure logged).
 */
int remind_run(struct db *db, const struct config *cfg, const struct i18n *i18n,
    const struct remind_options *o, struct remind_stats *st);

#endif
