#ifndef PORTAL_PAGES_LETTER_H
#define PORTAL_PAGES_LETTER_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"

/*
 * What the letter and escalation pages of a task share (issue 14): the
 * task with its invoice, customer and balance, read in one place, and the
 * locked task a form changes.
 */
struct ctx;
struct view;
struct i18n_lang;

struct letter_task {
	char	id[24];
	char	kind[16];
	char	status[16];
	long	version;
	char	invoice_id[24];
	char	number[64];
	char	currency[8];
	char	name[256];
	char	email[320];
	char	language[16];
	char	escalation[16];		/* its escalation's status, "" none */
	int64_t	balance;		/* cents */
};

/*
 * Reads task id into t and its invoice's facts, balance and sent reminders
 * into v (in the response's language). 1 found, 0 not found, -1 on a
 * database error (logged).
 */
int letter_task_view(struct ctx *c, const char *id, struct letter_task *t,
    struct view *v);
/*
 * Locks task id in the open transaction and checks it is of kind, still
 * open and at version (the form's): 0 when all is well, else the status
 * to answer (404 not found or another kind, 409 done or changed), or -1
 * on a database error. invoice gets its invoice id.
 */
int letter_task_lock(struct ctx *c, const char *id, const char *kind,
    const char *version, char *invoice, size_t invsz);
/* Switches the response to language tag (unknown or NULL: the current one,
 * or the source's when there is none); returns the one it replaces. */
const struct i18n_lang *letter_use_lang(struct ctx *c, const char *tag);

#endif
