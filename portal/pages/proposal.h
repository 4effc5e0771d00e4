#ifndef PORTAL_PAGES_PROPOSAL_H
#define PORTAL_PAGES_PROPOSAL_H

#include <stddef.h>

#include "plan.h"

struct ctx;

/*
 * Stores schedule s as the invoice's active plan with its installments
 * (link_id "" or NULL: none), in the caller's transaction; the plan's id
 * in plan_id. The unique index plans_one_active refuses a second active
 * plan (sqlstate 23505). 0 or -1.
 */
int plan_store(struct ctx *c, const char *invoice_id, const char *link_id,
    const char *currency, const char *terms, const struct plan_schedule *s,
    char *plan_id, size_t idsz);

#endif
