-- Issues 14 and 15, what the staff desk and the new ways to settle share.
-- Written once here so that no later migration redefines a list another
-- one extends.

-- A hold pauses reminders (and late fees) on an invoice. It now says why,
-- and may end by itself: a payment claim holds for 7 days while staff
-- check, a promise to pay until the day after its date. A hold with no
-- `until` lasts until staff release it (hardship, dispute).
ALTER TABLE reminder_holds ADD COLUMN kind text NOT NULL DEFAULT 'hardship'
	CHECK (kind IN ('hardship', 'dispute', 'paid_claim', 'promise'));
ALTER TABLE reminder_holds ADD COLUMN until timestamptz;
ALTER TABLE reminder_holds ALTER COLUMN kind DROP DEFAULT;

-- The staff desk's work. Every kind of work a person does is a task, so the
-- worklist is one indexed query over one table: the cadence's steps (call,
-- letter, escalate, contact), plan events, and the debtors' requests, each
-- pointing at its request row by ref_id (the table is the kind's:
-- hardship_requests for 'hardship', disputes for 'dispute', ...).
ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN (
	'call', 'letter', 'escalate', 'contact', 'installment_missed',
	'plan_broken', 'callback', 'hardship', 'dispute', 'paid_claim',
	'promise_broken', 'proposal', 'opt_out'));
ALTER TABLE tasks ADD COLUMN ref_id bigint;
ALTER TABLE tasks ADD COLUMN assigned_to bigint REFERENCES staff_users;
-- Snoozed: not on the worklist before this day (due_on stays as it was).
ALTER TABLE tasks ADD COLUMN snoozed_until date;
-- A callback's appointment, in UTC; NULL for other tasks.
ALTER TABLE tasks ADD COLUMN due_at timestamptz;
-- Bumped by every change: a form carries the version it was drawn from and
-- is refused (409) when the task changed meanwhile.
ALTER TABLE tasks ADD COLUMN version int NOT NULL DEFAULT 1;
CREATE INDEX tasks_assigned ON tasks (assigned_to, due_on) WHERE status = 'open';
CREATE INDEX tasks_ref ON tasks (kind, ref_id) WHERE ref_id IS NOT NULL;

-- The web role creates and works tasks (requests from debtors, callbacks).
GRANT INSERT ON tasks TO settle_web;
GRANT UPDATE (status, done_at, done_by, note, assigned_to, snoozed_until,
	due_at, due_on, version) ON tasks TO settle_web;
GRANT UPDATE (until) ON reminder_holds TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;

-- A promise to pay: "I will pay the balance on pay_on". Made by the debtor
-- on the invoice page, or agreed with a clerk on a call (staff_id). It holds
-- reminders until the day after (its reminder_holds row, kind 'promise');
-- one open promise per invoice, kept by the unique index, not by a check
-- in C. `remind` marks it kept or broken.
CREATE TABLE promises (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	link_id		bigint REFERENCES links,
	staff_id	bigint REFERENCES staff_users,
	pay_on		date NOT NULL,
	amount_cents	bigint NOT NULL CHECK (amount_cents > 0),
	status		text NOT NULL DEFAULT 'open'
			CHECK (status IN ('open', 'kept', 'broken', 'cancelled')),
	hold_id		bigint REFERENCES reminder_holds,
	created_at	timestamptz NOT NULL DEFAULT now(),
	ended_at	timestamptz,
	CHECK ((status = 'open') = (ended_at IS NULL))
);
CREATE UNIQUE INDEX promises_one_open ON promises (invoice_id) WHERE status = 'open';
GRANT SELECT, INSERT ON promises TO settle_web;
GRANT UPDATE (status, ended_at) ON promises TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;
