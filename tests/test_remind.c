/* Unit tests for portal/remind.c: what the engine does with a due step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "remind.h"

/* Wednesday 2 December 2026, 10:00 in the customer's zone (UTC here). */
#define NOW		((time_t)1796205600)
#define HOUR		3600
#define TODAY		20789		/* 2026-12-02 in days since 1970 */

/* An overdue invoice with an email address, nothing holding it, at 10:00. */
static struct remind_facts
facts(enum remind_step step)
{
	struct remind_facts	f;

	memset(&f, 0, sizeof(f));
	f.step = step;
	f.balance = 45490;
	f.has_email = true;
	f.now = NOW;
	f.local_hour = 10;
	f.today_first = NOW - 2 * HOUR;
	f.tomorrow_first = NOW + 22 * HOUR;
	f.local_today = TODAY;
	f.final_pay_by = INT32_MIN;
	return f;
}

static void
expect(struct remind_decision d, enum remind_action a, enum remind_reason r,
    const char *task)
{
	assert_string_equal(remind_action_name(d.action), remind_action_name(a));
	assert_string_equal(remind_reason_name(d.reason), remind_reason_name(r));
	if (task == NULL)
		assert_null(d.task);
	else {
		assert_non_null(d.task);
		assert_string_equal(d.task, task);
	}
}

/* The names are the ones the schema's CHECK constraints allow. */
static void
test_remind_names(void **state)
{
	enum remind_step	s;
	int			i;

	(void)state;
	for (i = 0; i < REMIND_STEP__MAX; i++) {
		assert_int_equal(remind_step_parse(remind_step_name(
		    (enum remind_step)i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_string_equal(remind_step_name(REMIND_OVERDUE_1), "overdue_1");
	assert_string_equal(remind_step_name(REMIND_PLAN_BROKEN), "plan_broken");
	s = REMIND_DUE;
	assert_int_equal(remind_step_parse("overdue_3", &s), -1);
	assert_int_equal(remind_step_parse("", &s), -1);
	assert_int_equal(remind_step_parse(NULL, &s), -1);
	assert_int_equal(s, REMIND_DUE);
	assert_null(remind_step_name(REMIND_STEP__MAX));
	assert_null(remind_reason_name(REMIND_REASON__MAX));
	assert_string_equal(remind_reason_name(REMIND_REASON_OPTED_OUT), "opted_out");
	assert_true(remind_step_is_email(REMIND_FINAL));
	assert_true(remind_step_is_email(REMIND_INSTALLMENT_MISSED));
	assert_false(remind_step_is_email(REMIND_CALL));
	assert_false(remind_step_is_email(REMIND_ESCALATE));
	assert_true(remind_step_is_plan(REMIND_PLAN_BROKEN));
	assert_false(remind_step_is_plan(REMIND_FINAL));
}

/* A due email step in daytime goes out; a plan miss also makes a task. */
static void
test_remind_send(void **state)
{
	struct remind_facts	f = facts(REMIND_OVERDUE_1);

	(void)state;
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE, NULL);
	f.step = REMIND_INSTALLMENT_MISSED;
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE,
	    "installment_missed");
	f.step = REMIND_PLAN_BROKEN;
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE, "plan_broken");
	f.step = REMIND_INSTALLMENT_UPCOMING;
	f.plan_active = true;
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE, NULL);
	/* Sent 24 hours ago exactly: quiet long enough. */
	f.last_sent = NOW - REMIND_QUIET_SECONDS;
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE, NULL);
}

/* Paid, held and planned invoices get nothing, not even a task. */
static void
test_remind_holds(void **state)
{
	struct remind_facts	f = facts(REMIND_FINAL);

	(void)state;
	f.balance = 0;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_PAID, NULL);
	f.balance = -500;	/* a credit is paid too */
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_PAID, NULL);
	f = facts(REMIND_CALL);
	f.hold = REMIND_HOLD_HARDSHIP;
	f.opted_out = true;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_HARDSHIP, NULL);
	/* Each kind of hold says why, to staff. */
	f = facts(REMIND_OVERDUE_1);
	f.hold = REMIND_HOLD_DISPUTE;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_DISPUTE, NULL);
	f.hold = REMIND_HOLD_PAID_CLAIM;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_PAID_CLAIM, NULL);
	f.hold = REMIND_HOLD_PROMISE;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_PROMISE, NULL);
	f = facts(REMIND_OVERDUE_2);
	f.plan_active = true;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_PLAN, NULL);
	f.step = REMIND_ESCALATE;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_PLAN, NULL);
	/* A hardship hold pauses the plan's own mails as well. */
	f = facts(REMIND_INSTALLMENT_MISSED);
	f.plan_active = true;
	f.hold = REMIND_HOLD_HARDSHIP;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_HARDSHIP, NULL);
}

/*
 * Handed over (issue 14): every step is skipped as escalated, emails,
 * tasks and plan mails alike, whatever else holds; a paid balance still
 * says paid.
 */
static void
test_remind_escalated(void **state)
{
	static const enum remind_step steps[] = { REMIND_OVERDUE_1, REMIND_FINAL,
		REMIND_CALL, REMIND_LETTER, REMIND_ESCALATE,
		REMIND_INSTALLMENT_MISSED };
	struct remind_facts	f;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		f = facts(steps[i]);
		f.escalated = true;
		expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_ESCALATED, NULL);
		f.hold = REMIND_HOLD_HARDSHIP;
		f.plan_active = true;
		f.opted_out = true;
		expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_ESCALATED, NULL);
	}
	f = facts(REMIND_FINAL);
	f.escalated = true;
	f.balance = 0;
	expect(remind_decide(&f), REMIND_SKIP, REMIND_REASON_PAID, NULL);
	f = facts(REMIND_FINAL);
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE, NULL);
	assert_string_equal(remind_reason_name(REMIND_REASON_ESCALATED), "escalated");
}

/* The hold kinds as reminder_holds.kind spells them; nothing else parses. */
static void
test_remind_hold_names(void **state)
{
	enum remind_hold	h = REMIND_HOLD_HARDSHIP;

	(void)state;
	assert_int_equal(remind_hold_parse("", &h), 0);
	assert_int_equal(h, REMIND_HOLD_NONE);
	assert_int_equal(remind_hold_parse("promise", &h), 0);
	assert_int_equal(h, REMIND_HOLD_PROMISE);
	assert_int_equal(remind_hold_parse("paid_claim", &h), 0);
	assert_int_equal(h, REMIND_HOLD_PAID_CLAIM);
	assert_int_equal(remind_hold_parse("Dispute", &h), -1);
	assert_int_equal(remind_hold_parse(NULL, &h), -1);
	assert_int_equal(h, REMIND_HOLD_PAID_CLAIM);
}

/* Opted out or no address: the email step becomes a task for a person. */
static void
test_remind_tasks(void **state)
{
	struct remind_facts	f = facts(REMIND_DUE);

	(void)state;
	f.opted_out = true;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_OPTED_OUT, "contact");
	f = facts(REMIND_OVERDUE_1);
	f.has_email = false;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_NO_EMAIL, "contact");
	/* At night and just after an email: a task does not wait. */
	f.local_hour = 3;
	f.last_sent = NOW - HOUR;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_NO_EMAIL, "contact");
	f = facts(REMIND_INSTALLMENT_MISSED);
	f.opted_out = true;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_OPTED_OUT,
	    "installment_missed");
	f = facts(REMIND_CALL);
	f.local_hour = 23;
	f.last_sent = NOW - HOUR;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_STAFF_STEP, "call");
	f.step = REMIND_LETTER;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_STAFF_STEP, "letter");
	f.step = REMIND_ESCALATE;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_STAFF_STEP, "escalate");
}

/* Outside 08:00-21:00 an email waits for the next allowed hour. */
static void
test_remind_hours(void **state)
{
	struct remind_facts	f = facts(REMIND_UPCOMING);
	struct remind_decision	d;

	(void)state;
	f.local_hour = 7;
	d = remind_decide(&f);
	expect(d, REMIND_WAIT, REMIND_REASON_HOURS, NULL);
	assert_int_equal(d.until, f.today_first);
	f.local_hour = 8;
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE, NULL);
	f.local_hour = 20;
	expect(remind_decide(&f), REMIND_SEND, REMIND_REASON_NONE, NULL);
	f.local_hour = 21;
	d = remind_decide(&f);
	expect(d, REMIND_WAIT, REMIND_REASON_HOURS, NULL);
	assert_int_equal(d.until, f.tomorrow_first);
	f.local_hour = 0;
	d = remind_decide(&f);
	assert_int_equal(d.until, f.today_first);
}

/* Two emails of one invoice are at least 24 hours apart. */
static void
test_remind_recent(void **state)
{
	struct remind_facts	f = facts(REMIND_PLAN_BROKEN);
	struct remind_decision	d;

	(void)state;
	f.last_sent = NOW - REMIND_QUIET_SECONDS + 60;
	d = remind_decide(&f);
	expect(d, REMIND_WAIT, REMIND_REASON_RECENT, NULL);
	assert_int_equal(d.until, NOW + 60);
	/* Recent comes before the hour: the later of the two is found next run. */
	f.local_hour = 22;
	expect(remind_decide(&f), REMIND_WAIT, REMIND_REASON_RECENT, NULL);
}

/* Escalation waits until the day after the final notice's pay-by date. */
static void
test_remind_escalate_after_final(void **state)
{
	struct remind_facts	f = facts(REMIND_ESCALATE);
	struct remind_decision	d;

	(void)state;
	f.final_pay_by = TODAY + 1;
	d = remind_decide(&f);
	expect(d, REMIND_WAIT, REMIND_REASON_FINAL_NOTICE, NULL);
	assert_int_equal(d.until, f.tomorrow_first + 86400);
	f.final_pay_by = TODAY;
	expect(remind_decide(&f), REMIND_WAIT, REMIND_REASON_FINAL_NOTICE, NULL);
	f.final_pay_by = TODAY - 1;
	expect(remind_decide(&f), REMIND_TASK, REMIND_REASON_STAFF_STEP, "escalate");
}

/* A step out of range is skipped, never sent. */
static void
test_remind_bad_step(void **state)
{
	struct remind_facts	f = facts(REMIND_DUE);

	(void)state;
	f.step = REMIND_STEP__MAX;
	assert_int_equal(remind_decide(&f).action, REMIND_SKIP);
	f.step = (enum remind_step)-1;
	assert_int_equal(remind_decide(&f).action, REMIND_SKIP);
}

/* A promise: the reminder the day before, in the daytime, once; kept; broken. */
static void
test_remind_promise(void **state)
{
	struct remind_promise_facts	f = { .pay_on = 20000,
	    .local_today = 19999, .local_hour = 10, .balance = 5000 };

	(void)state;
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_DUE);
	f.due_sent = true;
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_NOTHING);
	f.due_sent = false;
	f.local_hour = 7;
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_NOTHING);
	f.local_hour = REMIND_HOUR_END;
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_NOTHING);
	f.local_hour = 10;
	f.local_today = 19990;		/* days before: nothing yet */
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_NOTHING);
	f.local_today = 20000;		/* the day itself: still time to pay */
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_NOTHING);
	f.local_today = 20001;		/* the day after, unpaid */
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_BROKEN);
	f.local_hour = 3;		/* broken whatever the hour */
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_BROKEN);
	f.balance = 0;			/* paid: kept, before or after the day */
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_KEPT);
	f.local_today = 19999;
	f.balance = -100;
	assert_int_equal(remind_promise_decide(&f), REMIND_PROMISE_KEPT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remind_names),
		cmocka_unit_test(test_remind_send),
		cmocka_unit_test(test_remind_holds),
		cmocka_unit_test(test_remind_escalated),
		cmocka_unit_test(test_remind_hold_names),
		cmocka_unit_test(test_remind_tasks),
		cmocka_unit_test(test_remind_hours),
		cmocka_unit_test(test_remind_recent),
		cmocka_unit_test(test_remind_escalate_after_final),
		cmocka_unit_test(test_remind_bad_step),
		cmocka_unit_test(test_remind_promise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
