-- Issue 15: a plan of one's own. A debtor's schedule outside the plan
-- policy is a proposal for staff: accepted (it becomes the plan), countered
-- (staff send a schedule the debtor accepts from the email) or declined
-- (with a reason). One proposal under review per invoice, kept by the
-- unique index. Its staff task is a tasks row of kind 'proposal' whose
-- ref_id is the proposal's id.
CREATE TABLE plan_proposals (
	id			bigserial PRIMARY KEY,
	invoice_id		bigint NOT NULL REFERENCES invoices,
	link_id			bigint REFERENCES links,
	status			text NOT NULL DEFAULT 'open'
				CHECK (status IN ('open', 'accepted', 'countered',
				'declined', 'withdrawn')),
	frequency		text NOT NULL
				CHECK (frequency IN ('weekly', 'fortnightly', 'monthly')),
	installments		int NOT NULL CHECK (installments BETWEEN 2 AND 60),
	first_due		date NOT NULL,
	first_amount_cents	bigint NOT NULL CHECK (first_amount_cents > 0),
	amount_cents		bigint NOT NULL CHECK (amount_cents > 0),
	total_cents		bigint NOT NULL CHECK (total_cents > 0),
	currency		char(3) NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT now(),
	client_addr		text NOT NULL DEFAULT '',
	decided_at		timestamptz,
	decided_by		bigint REFERENCES staff_users,
	reason			text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
	-- A counter-offer: its schedule, and a keyed hash of the one-click link.
	counter_frequency	text CHECK (counter_frequency IN
				('weekly', 'fortnightly', 'monthly')),
	counter_installments	int CHECK (counter_installments BETWEEN 2 AND 60),
	counter_first_due	date,
	counter_token_hash	bytea UNIQUE,
	plan_id			bigint REFERENCES plans
);
CREATE UNIQUE INDEX plan_proposals_one_open ON plan_proposals (invoice_id)
	WHERE status IN ('open', 'countered');
GRANT SELECT, INSERT ON plan_proposals TO settle_web;
GRANT UPDATE (status, decided_at, decided_by, reason, counter_frequency,
	counter_installments, counter_first_due, counter_token_hash, plan_id)
	ON plan_proposals TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;
