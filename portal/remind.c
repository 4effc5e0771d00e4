#include <stddef.h>
#include <string.h>

#include "remind.h"

const char *const remind_step_names[REMIND_STEP__MAX + 1] = {
	[REMIND_UPCOMING] = "upcoming",
	[REMIND_DUE] = "due",
	[REMIND_OVERDUE_1] = "overdue_1",
	[REMIND_OVERDUE_2] = "overdue_2",
	[REMIND_FINAL] = "final",
	[REMIND_CALL] = "call",
	[REMIND_LETTER] = "letter",
	[REMIND_ESCALATE] = "escalate",
	[REMIND_INSTALLMENT_UPCOMING] = "installment_upcoming",
	[REMIND_INSTALLMENT_MISSED] = "installment_missed",
	[REMIND_PLAN_BROKEN] = "plan_broken",
	[REMIND_STEP__MAX] = NULL,
};

const char *const remind_reason_names[REMIND_REASON__MAX + 1] = {
	[REMIND_REASON_NONE] = "",
	[REMIND_REASON_PAID] = "paid",
	[REMIND_REASON_HARDSHIP] = "hardship",
	[REMIND_REASON_PLAN] = "plan",
	[REMIND_REASON_STAFF_STEP] = "staff_step",
	[REMIND_REASON_OPTED_OUT] = "opted_out",
	[REMIND_REASON_NO_EMAIL] = "no_email",
	[REMIND_REASON_RECENT] = "recent",
	[REMIND_REASON_HOURS] = "hours",
	[REMIND_REASON_FINAL_NOTICE] = "final_notice",
	[REMIND_REASON_DISPUTE] = "dispute",
	[REMIND_REASON_PAID_CLAIM] = "paid_claim",
	[REMIND_REASON_PROMISE] = "promise",
	[REMIND_REASON_PROPOSAL] = "proposal",
	[REMIND_REASON_ESCALATED] = "escalated",
	[REMIND_REASON__MAX] = NULL,
};

/* reminder_holds.kind, and the reason each hold gives staff. */
static const char *const hold_names[REMIND_HOLD__MAX] = {
	[REMIND_HOLD_NONE] = "",
	[REMIND_HOLD_HARDSHIP] = "hardship",
	[REMIND_HOLD_DISPUTE] = "dispute",
	[REMIND_HOLD_PAID_CLAIM] = "paid_claim",
	[REMIND_HOLD_PROMISE] = "promise",
	[REMIND_HOLD_PROPOSAL] = "proposal",
};

static const enum remind_reason hold_reasons[REMIND_HOLD__MAX] = {
	[REMIND_HOLD_NONE] = REMIND_REASON_NONE,
	[REMIND_HOLD_HARDSHIP] = REMIND_REASON_HARDSHIP,
	[REMIND_HOLD_DISPUTE] = REMIND_REASON_DISPUTE,
	[REMIND_HOLD_PAID_CLAIM] = REMIND_REASON_PAID_CLAIM,
	[REMIND_HOLD_PROMISE] = REMIND_REASON_PROMISE,
	[REMIND_HOLD_PROPOSAL] = REMIND_REASON_PROPOSAL,
};

/* tasks.kind (0014): the cadence's and the plans', then debtors' requests. */
const char *const remind_task_names[] = { "call", "letter", "escalate",
	"contact", "installment_missed", "plan_broken", "callback", "hardship",
	"dispute", "paid_claim", "promise_broken", "proposal", "opt_out", NULL };

static const char *const action_names[REMIND_ACTION__MAX] = {
	[REMIND_SEND] = "send",
	[REMIND_TASK] = "task",
	[REMIND_SKIP] = "skip",
	[REMIND_WAIT] = "wait",
};

const char *
remind_step_name(enum remind_step s)
{
	return (unsigned)s < REMIND_STEP__MAX ? remind_step_names[s] : NULL;
}

int
remind_step_parse(const char *s, enum remind_step *out)
{
	int	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < REMIND_STEP__MAX; i++)
		if (strcmp(s, remind_step_names[i]) == 0) {
			*out = (enum remind_step)i;
			return 0;
		}
	return -1;
}

int
remind_hold_parse(const char *s, enum remind_hold *out)
{
	int	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < REMIND_HOLD__MAX; i++)
		if (strcmp(s, hold_names[i]) == 0) {
			*out = (enum remind_hold)i;
			return 0;
		}
	return -1;
}

bool
remind_step_is_email(enum remind_step s)
{
	return (unsigned)s < REMIND_STEP__MAX && s != REMIND_CALL &&
	    s != REMIND_LETTER && s != REMIND_ESCALATE;
}

bool
remind_step_is_plan(enum remind_step s)
{
	return s == REMIND_INSTALLMENT_UPCOMING || s == REMIND_INSTALLMENT_MISSED ||
	    s == REMIND_PLAN_BROKEN;
}

const char *
remind_reason_name(enum remind_reason r)
{
	return (unsigned)r < REMIND_REASON__MAX ? remind_reason_names[r] : NULL;
}

const char *
remind_action_name(enum remind_action a)
{
	return (unsigned)a < REMIND_ACTION__MAX ? action_names[a] : NULL;
}

/*
 * The task a person gets for an email step that cannot be emailed: a plan
 * miss or break keeps its own kind (it always makes a task), any other
 * email step becomes "contact the customer".
 */
static const char *
fallback_task(enum remind_step s)
{
	if (s == REMIND_INSTALLMENT_MISSED || s == REMIND_PLAN_BROKEN)
		return remind_step_names[s];
	return "contact";
}

static struct remind_decision
decided(enum remind_action a, enum remind_reason r, time_t until,
    const char *task)
{
	struct remind_decision	d;

	d.action = a;
	d.reason = r;
	d.until = until;
	d.task = task;
	return d;
}

struct remind_decision
remind_decide(const struct remind_facts *f)
{
	enum remind_step	s = f->step;

	if ((unsigned)s >= REMIND_STEP__MAX)
		return decided(REMIND_SKIP, REMIND_REASON_NONE, 0, NULL);
	/* Holds: nothing goes out, neither email nor task. */
	if (f->balance <= 0)
		return decided(REMIND_SKIP, REMIND_REASON_PAID, 0, NULL);
	/* Handed over to collection: the cadence has ended. */
	if (f->escalated)
		return decided(REMIND_SKIP, REMIND_REASON_ESCALATED, 0, NULL);
	if (f->hold != REMIND_HOLD_NONE && (unsigned)f->hold < REMIND_HOLD__MAX)
		return decided(REMIND_SKIP, hold_reasons[f->hold], 0, NULL);
	if (f->plan_active && !remind_step_is_plan(s))
		return decided(REMIND_SKIP, REMIND_REASON_PLAN, 0, NULL);
	/* Staff steps: a task, whatever the hour. */
	if (!remind_step_is_email(s)) {
		if (s == REMIND_ESCALATE && f->final_pay_by != INT32_MIN &&
		    f->local_today <= f->final_pay_by)
			return decided(REMIND_WAIT, REMIND_REASON_FINAL_NOTICE,
			    f->tomorrow_first + (time_t)(f->final_pay_by -
			    f->local_today) * 86400, NULL);
		return decided(REMIND_TASK, REMIND_REASON_STAFF_STEP, 0,
		    remind_step_names[s]);
	}
	/* Emails that cannot be sent become work for a person. */
	if (f->opted_out)
		return decided(REMIND_TASK, REMIND_REASON_OPTED_OUT, 0,
		    fallback_task(s));
	if (!f->has_email)
		return decided(REMIND_TASK, REMIND_REASON_NO_EMAIL, 0,
		    fallback_task(s));
	/* Emails wait for a quiet day and for daytime; they are not lost. */
	if (f->last_sent != 0 && f->now - f->last_sent < REMIND_QUIET_SECONDS)
		return decided(REMIND_WAIT, REMIND_REASON_RECENT,
		    f->last_sent + REMIND_QUIET_SECONDS, NULL);
	if (f->local_hour < REMIND_HOUR_FIRST)
		return decided(REMIND_WAIT, REMIND_REASON_HOURS, f->today_first,
		    NULL);
	if (f->local_hour >= REMIND_HOUR_END)
		return decided(REMIND_WAIT, REMIND_REASON_HOURS, f->tomorrow_first,
		    NULL);
	return decided(REMIND_SEND, REMIND_REASON_NONE, 0,
	    s == REMIND_INSTALLMENT_MISSED || s == REMIND_PLAN_BROKEN ?
	    remind_step_names[s] : NULL);
}

enum remind_promise
remind_promise_decide(const struct remind_promise_facts *f)
{
	if (f->balance <= 0)
		return REMIND_PROMISE_KEPT;
	if (f->local_today > f->pay_on)
		return REMIND_PROMISE_BROKEN;
	if (f->local_today == f->pay_on - 1 && !f->due_sent &&
	    f->local_hour >= REMIND_HOUR_FIRST && f->local_hour < REMIND_HOUR_END)
		return REMIND_PROMISE_DUE;
	return REMIND_PROMISE_NOTHING;
}
