-- Issue 15: a debtor disputes an invoice, says it is already paid, or
-- promises to pay on a day. Each request is a row of its own table with
-- the reminder_holds row that pauses the cadence (hold_id) and a tasks row
-- (kind 'dispute' or 'paid_claim', ref_id = the request's id) on the desk.

-- "Something is wrong with this invoice." Open until staff uphold it (and
-- may credit lines) or reject it with an explanation mailed to the debtor.
CREATE TABLE disputes (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	link_id		bigint REFERENCES links,
	reason		text NOT NULL CHECK (reason IN ('not_received',
			'wrong_amount', 'not_as_agreed', 'already_paid', 'other')),
	details		text NOT NULL CHECK (length(details) <= 16000),
	reference	text NOT NULL DEFAULT '' CHECK (length(reference) <= 100),
	status		text NOT NULL DEFAULT 'open'
			CHECK (status IN ('open', 'upheld', 'rejected')),
	response	text NOT NULL DEFAULT '' CHECK (length(response) <= 16000),
	hold_id		bigint REFERENCES reminder_holds,
	client_addr	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	resolved_at	timestamptz,
	resolved_by	bigint REFERENCES staff_users,
	CHECK ((status = 'open') = (resolved_at IS NULL))
);
-- One open dispute per invoice: a second is refused with a message.
CREATE UNIQUE INDEX disputes_one_open ON disputes (invoice_id) WHERE status = 'open';

-- "I've already paid": reminders pause 7 days (the hold's until) while
-- staff check; staff confirm it (a payment row, source 'claim') or reply.
CREATE TABLE payment_claims (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	link_id		bigint REFERENCES links,
	paid_on		date NOT NULL,
	amount_cents	bigint NOT NULL CHECK (amount_cents > 0),
	method		text NOT NULL CHECK (method IN ('bank_transfer', 'card',
			'cash', 'cheque', 'other')),
	reference	text NOT NULL DEFAULT '' CHECK (length(reference) <= 100),
	status		text NOT NULL DEFAULT 'open'
			CHECK (status IN ('open', 'confirmed', 'replied')),
	response	text NOT NULL DEFAULT '' CHECK (length(response) <= 16000),
	hold_id		bigint REFERENCES reminder_holds,
	client_addr	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	resolved_at	timestamptz,
	resolved_by	bigint REFERENCES staff_users,
	CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX payment_claims_one_open ON payment_claims (invoice_id)
	WHERE status = 'open';

-- A confirmed claim is recorded as a payment of its own source.
ALTER TABLE payments DROP CONSTRAINT payments_source_check;
ALTER TABLE payments ADD CONSTRAINT payments_source_check
	CHECK (source IN ('import', 'bank', 'claim'));

-- The reminder the day before a promised date, and the note when it passed.
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN (
	'upcoming', 'due', 'overdue_1', 'overdue_2', 'final', 'call', 'letter',
	'escalate', 'installment_upcoming', 'installment_missed', 'plan_broken',
	'promise_due', 'promise_broken'));

-- How far ahead a debtor may promise to pay, per currency's policy.
ALTER TABLE plan_policies ADD COLUMN promise_max_days int
	NOT NULL DEFAULT 30 CHECK (promise_max_days BETWEEN 1 AND 365);

GRANT SELECT, INSERT ON disputes, payment_claims TO settle_web;
GRANT UPDATE (status, response, resolved_at, resolved_by) ON disputes,
	payment_claims TO settle_web;
GRANT INSERT ON reminder_holds TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;

-- An upheld dispute may credit the invoice: a negative line of its own
-- ("Credit: ..."), so the debtor's page lists it and the balance follows.
-- A confirmed claim is a payment row (source 'claim').
GRANT INSERT ON invoice_lines, payments TO settle_web;
