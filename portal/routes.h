#ifndef PORTAL_ROUTES_H
#define PORTAL_ROUTES_H

#include <stddef.h>

/*
 * The portal's route table (README.md, "Routes"), and the handlers it names.
 * Each handler family lives in portal/pages/.
 */
struct ctx;
struct route;

extern const struct route routes[];
extern const size_t nroutes;

void health_get(struct ctx *c);
void invoice_get(struct ctx *c);
void plan_get(struct ctx *c);
void plan_post(struct ctx *c);
void plan_ics(struct ctx *c);
void hardship_get(struct ctx *c);
void hardship_post(struct ctx *c);
/* A dispute, "I've already paid", a promise to pay (pages/holds.c). */
void dispute_get(struct ctx *c);
void dispute_post(struct ctx *c);
void claim_get(struct ctx *c);
void claim_post(struct ctx *c);
void promise_get(struct ctx *c);
void promise_post(struct ctx *c);
void language_post(struct ctx *c);
void reminders_post(struct ctx *c);
void unsubscribe_get(struct ctx *c);
void unsubscribe_post(struct ctx *c);
void counter_get(struct ctx *c);
void counter_post(struct ctx *c);
void staff_login_get(struct ctx *c);
void staff_login_post(struct ctx *c);
void staff_logout_post(struct ctx *c);
void staff_queue_get(struct ctx *c);
void staff_hardship_get(struct ctx *c);
void staff_proposal_get(struct ctx *c);
void staff_proposal_post(struct ctx *c);
void staff_hardship_post(struct ctx *c);
void staff_hardship_waive_post(struct ctx *c);
void staff_invoice_get(struct ctx *c);
/* Disputes and payment claims decided (pages/staff_holds.c). */
void staff_dispute_get(struct ctx *c);
void staff_dispute_post(struct ctx *c);
void staff_claim_get(struct ctx *c);
void staff_claim_post(struct ctx *c);
/* A fresh link by email from the bad-link page (pages/fresh.c). */
void fresh_link_post(struct ctx *c);
void fresh_link_sent_get(struct ctx *c);
/* Bank credits waiting for staff (pages/payments.c). */
void staff_payments_get(struct ctx *c);
void staff_payments_post(struct ctx *c);
/* The ledger overview and its CSV export (issue 14, pages/overview.c). */
void overview_get(struct ctx *c);
void overview_csv(struct ctx *c);
void staff_tasks_get(struct ctx *c);
/* The whole account and "email me a copy" (issue 16, pages/account.c, copy.c). */
void account_get(struct ctx *c);
void account_invoice_get(struct ctx *c);
void account_none(struct ctx *c);
void copy_post(struct ctx *c);
/* A letter task's printable letter, marked posted (issue 14, pages/letter.c). */
void letter_get(struct ctx *c);
void letter_post(struct ctx *c);
/* An escalate task's decision, managers only (pages/escalation.c). */
void escalation_get(struct ctx *c);
void escalation_post(struct ctx *c);
/*
 * The credit-control desk (issue 14, pages/desk.c): the worklist, one task
 * and its actions, the call log on a task or an invoice, the written
 * confirmation of what a call agreed.
 */
void desk_get(struct ctx *c);
void desk_task_get(struct ctx *c);
void desk_task_post(struct ctx *c);
void desk_task_call_post(struct ctx *c);
void desk_invoice_call_post(struct ctx *c);
void desk_confirm_post(struct ctx *c);

#endif
