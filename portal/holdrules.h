#ifndef PORTAL_HOLDRULES_H
#define PORTAL_HOLDRULES_H

#include "date.h"

/*
 * The rules of the debtor's own holds (issue 15): a dispute, a payment
 * claim, a promise to pay. Pure. The words a request is stored with are
 * the CHECK constraints of disputes and payment_claims
 * (sql/0017_disputes_claims.sql); each list ends with NULL.
 */
extern const char *const dispute_reasons[];	/* not_received, wrong_amount, ... */
extern const char *const claim_methods[];	/* bank_transfer, card, ... */

#define HOLDS_CLAIM_DAYS	7	/* a claim pauses reminders this long */
#define HOLDS_PROMISE_MAX_DAYS	30	/* the default of plan_policies.promise_max_days */

enum holds_promise {
	HOLDS_PROMISE_OK,
	HOLDS_PROMISE_PAST,	/* today or before: a promise is about a day to come */
	HOLDS_PROMISE_FAR,	/* more than limit days after today */
};

/* Checks a promise to pay on day, given today and the policy's limit. */
enum holds_promise holds_promise_check(struct date day, struct date today,
    int limit);

#endif
