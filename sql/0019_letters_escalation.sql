-- Issue 14: the formal letter and the escalation decision.

-- Where a letter goes. Optional: many customers are known by email only,
-- and then the letter names no street (staff write it on the envelope).
ALTER TABLE customers ADD COLUMN address text NOT NULL DEFAULT '';

-- A formal letter marked posted by a clerk: one per letter task.
CREATE TABLE letters (
	id		bigserial PRIMARY KEY,
	task_id		bigint NOT NULL UNIQUE REFERENCES tasks,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	pay_by		date NOT NULL,
	posted_by	bigint NOT NULL REFERENCES staff_users,
	posted_at	timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON letters TO settle_web;

-- An escalation a manager approved: the debtor was told the date (on_date)
-- and the agency; after that day `portal-admin remind` hands the invoice
-- over (invoices.escalated_at) unless the debtor paid, set up a plan or
-- told us of a hardship before, which cancels it. One pending per invoice.
CREATE TABLE escalations (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	task_id		bigint NOT NULL UNIQUE REFERENCES tasks,
	on_date		date NOT NULL,
	agency		text NOT NULL,
	status		text NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'escalated', 'cancelled')),
	approved_by	bigint NOT NULL REFERENCES staff_users,
	approved_at	timestamptz NOT NULL DEFAULT now(),
	ended_at	timestamptz,
	end_reason	text NOT NULL DEFAULT '',
	CHECK ((status = 'pending') = (ended_at IS NULL))
);
CREATE UNIQUE INDEX escalations_one_pending ON escalations (invoice_id)
	WHERE status = 'pending';
GRANT SELECT, INSERT ON escalations TO settle_web;

-- Handed over: reminders stop and the invoice leaves the cadence.
ALTER TABLE invoices ADD COLUMN escalated_at timestamptz;
GRANT USAGE ON SEQUENCE letters_id_seq, escalations_id_seq TO settle_web;
