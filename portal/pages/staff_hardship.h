#ifndef PORTAL_PAGES_STAFF_HARDSHIP_H
#define PORTAL_PAGES_STAFF_HARDSHIP_H

/*
 * What a hardship request's staff page adds for issue 15 and issue 14:
 * the invoice's late fees (frozen ones too) with the manager's waiver
 * form, and the outcome staff choose when they resolve the request, which
 * is kept on the request, mailed to the debtor in their language and shown
 * on the invoice page.
 */
struct ctx;
struct staff_session;
struct view;

/* What a staff form on the request page posted, shown again with a problem. */
struct hardship_kept {
	const char	*problem;	/* the view flag of what is wrong, or NULL */
	const char	*note;		/* the status form */
	const char	*form_id;
	const char	*outcome;
	const char	*message;	/* the outcome's note to the debtor */
	const char	*until;		/* outcome "paused": the day reminders resume */
	const char	*amount;	/* the waiver form */
	const char	*waive_note;
};

/* Longest note to the debtor or on a waiver, in characters. */
#define HARDSHIP_OUTCOME_NOTE_MAX	2000

/*
 * The request page with k's values and problem (k may be NULL: a fresh
 * page), answered with status (staff.c).
 */
void staff_hardship_render(struct ctx *c, const struct staff_session *s,
    const char *id, int status, const struct hardship_kept *k);
/*
 * Sets the fee card (fees, frozen fees, waivers, what may still be
 * waived, the waiver form's version and values) and the outcome form's
 * values of request id in v; 0 or -1 on a database failure.
 */
int staff_hardship_view(struct ctx *c, const struct staff_session *s,
    const char *id, const struct hardship_kept *k, struct view *v);
/*
 * What is wrong with an outcome posted to resolve a request (outcome, its
 * note, the pause's end day), as a view flag; NULL when nothing.
 */
const char *staff_hardship_outcome_problem(struct ctx *c, const char *outcome,
    const char *message, const char *until);
/*
 * Inside the caller's transaction: records a checked outcome on request id
 * (invoice its invoice), ends its hold (released, or until the pause's end),
 * marks its worklist task done, audits, and queues the outcome mail to the
 * debtor in their language with a new link. 0 or -1.
 */
int staff_hardship_resolve(struct ctx *c, const struct staff_session *s,
    const char *id, const char *invoice, const char *outcome,
    const char *message, const char *until);

#endif
