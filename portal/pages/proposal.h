#ifndef PORTAL_PAGES_PROPOSAL_H
#define PORTAL_PAGES_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "plan.h"
#include "sql.h"

struct ctx;
struct view;

/*
 * Stores schedule s as the invoice's active plan with its installments
 * (link_id "" or NULL: none), in the caller's transaction; the plan's id
 * in plan_id. The unique index plans_one_active refuses a second active
 * plan (sqlstate 23505). 0 or -1.
 */
int plan_store(struct ctx *c, const char *invoice_id, const char *link_id,
    const char *currency, const char *terms, const struct plan_schedule *s,
    char *plan_id, size_t idsz);

/*
 * A plan of one's own sent to staff (plan_proposals), as the staff page and
 * the counter-offer page (pages/counter.c) read it: the debtor's schedule
 * and, once countered, the schedule staff offered instead.
 */
struct proposal {
	char			 id[24], invoice_id[24], link_id[24];
	char			 status[16], currency[4], number[64];
	const char		*customer, *email, *language, *reason, *decider;
	struct date		 received, decided;
	struct plan_schedule	 s, counter;
	bool			 found, schedule_ok, counter_ok;
};

/*
 * Loads the proposal statement q finds by its one parameter (shape
 * STAFF_PROPOSAL: by id, or by a counter-offer's token hashes), in the
 * caller's transaction when q locks. 0 (pp->found says whether there is
 * one) or -1.
 */
int proposal_load(struct ctx *c, enum sql_query q, const char *param,
    struct proposal *pp);
/*
 * The schedule of freq ("monthly"...) x count payments from first over
 * total, staff's or a proposal's (any count from 2 to 60); true when it is one.
 */
bool proposal_schedule(int64_t total, const char *freq, int64_t count,
    struct date first, struct plan_schedule *s);
/*
 * Stores schedule s (the proposal's or the counter-offer's) as the plan of
 * pp's invoice under the policy's terms version ("staff" without one), in
 * the caller's transaction: 0, 1 when the invoice already has a plan
 * (nothing written), or -1.
 */
int proposal_plan_store(struct ctx *c, const struct proposal *pp,
    const struct plan_schedule *s, char *plan_id, size_t idsz);

#endif
