#ifndef PORTAL_REMIND_H
#define PORTAL_REMIND_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/*
 * The reminder engine's rules, as pure functions: given the facts of one
 * invoice and the step that is due for it (the latest step of its cadence
 * whose day has come, or a plan event), remind_decide() says what to do:
 * send the email, make a staff task instead, skip it (with the reason
 * staff see), or wait until a given moment. Every skip and every wait is
 * decided here, in one function, so a new hold (a dispute, a promise to
 * pay) is one more fact and one more line. No database, no clock: the
 * caller (remind_run.c) reads the facts in one set-based query.
 */

/* What a step is: the cadence's email and task steps, then plan events. */
enum remind_step {
	REMIND_UPCOMING,		/* email: the due date is near */
	REMIND_DUE,			/* email: due today */
	REMIND_OVERDUE_1,		/* email: a first reminder */
	REMIND_OVERDUE_2,		/* email: a second notice, fees so far */
	REMIND_FINAL,			/* email: the date of formal recovery */
	REMIND_CALL,			/* task */
	REMIND_LETTER,			/* task */
	REMIND_ESCALATE,		/* task: a person takes over */
	REMIND_INSTALLMENT_UPCOMING,	/* email: an installment in 3 days */
	REMIND_INSTALLMENT_MISSED,	/* email + task: "we have not received" */
	REMIND_PLAN_BROKEN,		/* email + task: the plan has ended */
	REMIND_STEP__MAX
};

enum remind_action {
	REMIND_SEND,		/* queue the email (and a task for plan misses) */
	REMIND_TASK,		/* a staff task instead (or as) the step */
	REMIND_SKIP,		/* not now, and not by email: see the reason */
	REMIND_WAIT,		/* due, but not before decision.until */
	REMIND_ACTION__MAX
};

enum remind_reason {
	REMIND_REASON_NONE,
	REMIND_REASON_PAID,		/* the balance is settled */
	REMIND_REASON_HARDSHIP,		/* an open hardship request holds it */
	REMIND_REASON_PLAN,		/* an active plan in good standing */
	REMIND_REASON_STAFF_STEP,	/* a call, letter or escalation step */
	REMIND_REASON_OPTED_OUT,	/* the customer opted out of emails */
	REMIND_REASON_NO_EMAIL,		/* no email address on file */
	REMIND_REASON_RECENT,		/* reminded in the last 24 hours */
	REMIND_REASON_HOURS,		/* outside 08:00-21:00 local time */
	REMIND_REASON_FINAL_NOTICE,	/* escalation waits for the final's date */
	REMIND_REASON_DISPUTE,		/* an open dispute holds it */
	REMIND_REASON_PAID_CLAIM,	/* "I've already paid": staff are checking */
	REMIND_REASON_PROMISE,		/* a promise to pay, until the day after */
	REMIND_REASON_PROPOSAL,		/* a plan proposal is under review */
	REMIND_REASON_ESCALATED,	/* handed over: the cadence has ended */
	REMIND_REASON__MAX
};

/*
 * Why an invoice is held (reminder_holds.kind): while a hold is open,
 * nothing goes out, neither email nor task. A claim or a promise ends by
 * itself (reminder_holds.until); the others when staff release them.
 */
enum remind_hold {
	REMIND_HOLD_NONE,
	REMIND_HOLD_HARDSHIP,
	REMIND_HOLD_DISPUTE,
	REMIND_HOLD_PAID_CLAIM,
	REMIND_HOLD_PROMISE,
	REMIND_HOLD_PROPOSAL,		/* a plan proposal is under review */
	REMIND_HOLD__MAX
};

/* Emails go out from 08:00 to 21:00 in the customer's time zone. */
#define REMIND_HOUR_FIRST	8
#define REMIND_HOUR_END		21
#define REMIND_QUIET_SECONDS	(24 * 60 * 60)	/* between two emails */
#define REMIND_UPCOMING_DAYS	3	/* installment reminders, days before */

/* The facts about one invoice, as of now. */
struct remind_facts {
	enum remind_step step;		/* the step that is due */
	int64_t	 balance;		/* cents; <= 0 is paid */
	enum remind_hold hold;		/* the open hold, if any */
	bool	 plan_active;		/* an active plan (not broken) */
	bool	 opted_out;		/* customers.reminders_off_at */
	bool	 escalated;		/* handed over (invoices.escalated_at) */
	bool	 has_email;
	time_t	 now;
	time_t	 last_sent;		/* the last email of this invoice; 0: none */
	int	 local_hour;		/* 0..23, now in the customer's zone */
	time_t	 today_first;		/* today 08:00 in the customer's zone */
	time_t	 tomorrow_first;	/* tomorrow 08:00 there */
	int32_t	 local_today;		/* days since 1970-01-01, in their zone */
	int32_t	 final_pay_by;		/* the final notice's pay-by day; INT32_MIN: none */
};

struct remind_decision {
	enum remind_action	 action;
	enum remind_reason	 reason;
	time_t			 until;		/* REMIND_WAIT: not before */
	const char		*task;		/* the task's kind, or NULL: none */
};

/*
 * The names of the steps, the reasons and the kinds of task, as the
 * database spells them, each list NULL-terminated (for view_set_choice).
 */
extern const char *const remind_step_names[];
extern const char *const remind_reason_names[];
extern const char *const remind_task_names[];

/* The step's name as the database spells it ("overdue_1"); static. */
const char *remind_step_name(enum remind_step s);
/* The step named exactly s in *out; 0, or -1 (out untouched). */
int remind_step_parse(const char *s, enum remind_step *out);
/* True for a step that is an email to the debtor (not call, letter, escalate). */
bool remind_step_is_email(enum remind_step s);
/* True for a plan event (installment_upcoming, _missed, plan_broken). */
bool remind_step_is_plan(enum remind_step s);
/* The reason's name as staff see it in the history ("opted_out"); static. */
const char *remind_reason_name(enum remind_reason r);
/* The hold named exactly s ("" is none) in *out; 0, or -1 (out untouched). */
int remind_hold_parse(const char *s, enum remind_hold *out);
/* The action's name ("send", "task", "skip", "wait"); static. */
const char *remind_action_name(enum remind_action a);

/*
 * A promise to pay (issue 15), checked by every run: what to do with an
 * open promise to pay on day pay_on (days since 1970-01-01, like
 * local_today, in the customer's zone). The balance settled: kept. The day
 * passed unpaid: broken (a task, a kind note, and the cadence resumes as
 * the hold has ended). The day before, between REMIND_HOUR_FIRST and
 * REMIND_HOUR_END local time and not yet sent: the reminder. Else nothing.
 */
enum remind_promise {
	REMIND_PROMISE_NOTHING,
	REMIND_PROMISE_DUE,		/* email: "you promised to pay tomorrow" */
	REMIND_PROMISE_KEPT,
	REMIND_PROMISE_BROKEN,
};

struct remind_promise_facts {
	int32_t	 pay_on;
	int32_t	 local_today;
	int	 local_hour;
	int64_t	 balance;
	bool	 due_sent;		/* the day-before reminder went out */
};

enum remind_promise remind_promise_decide(const struct remind_promise_facts *f);

/* Decides what to do with the due step of f; see the top of this file. */
struct remind_decision remind_decide(const struct remind_facts *f);

#endif
