-- Issue 13, the tables that the reminder engine (`portal-admin remind`),
-- the debtor pages and the staff pages share. The cadence (its steps, per
-- plan policy or customer group) is in the next migration.

-- A customer who opted out of reminder emails (RFC 8058 one-click, or the
-- invoice page): their email steps become staff tasks.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS reminders_off_at timestamptz;
-- Customers may be grouped ("key-accounts"); a group may have its own cadence.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS customer_group text NOT NULL DEFAULT ''
	CHECK (length(customer_group) <= 64);

-- One row per unsubscribe link (in a reminder's List-Unsubscribe header or
-- on the invoice page): only a keyed hash of the token, like links.
CREATE TABLE unsubscribe_links (
	id		bigserial PRIMARY KEY,
	customer_id	bigint NOT NULL REFERENCES customers,
	invoice_id	bigint REFERENCES invoices,
	token_hash	bytea NOT NULL UNIQUE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	used_at		timestamptz
);
CREATE INDEX unsubscribe_links_customer ON unsubscribe_links (customer_id);

-- What the reminder engine did: one row per invoice and step, sent as an
-- email or turned into a staff task. The unique key, not a check in C, is
-- what makes a second run send nothing twice. Steps of a plan have keys of
-- their own ("plan:12:3:upcoming", "plan:12:3:missed", "plan:12:broken").
CREATE TABLE reminders (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	step_key	text NOT NULL,
	kind		text NOT NULL CHECK (kind IN ('upcoming', 'due',
			'overdue_1', 'overdue_2', 'final', 'call', 'letter',
			'escalate', 'installment_upcoming', 'installment_missed',
			'plan_broken')),
	outcome		text NOT NULL CHECK (outcome IN ('sent', 'task')),
	reason		text NOT NULL DEFAULT '',	-- why a task, not an email
	scheduled_on	date NOT NULL,		-- the day the step fell due
	pay_by		date,			-- the fixed date an email named
	done_at		timestamptz NOT NULL DEFAULT now(),
	link_id		bigint REFERENCES links,
	outbox_id	bigint REFERENCES outbox,
	plan_id		bigint REFERENCES plans,
	installment_seq	int,
	UNIQUE (invoice_id, step_key)
);
CREATE INDEX reminders_invoice ON reminders (invoice_id, done_at DESC);

-- Work for a person: calls, letters, escalations, and email steps that
-- could not be emailed. Created by `remind`; worked from the staff desk.
CREATE TABLE tasks (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	kind		text NOT NULL CHECK (kind IN ('call', 'letter', 'escalate',
			'contact', 'installment_missed', 'plan_broken')),
	reason		text NOT NULL DEFAULT '',
	due_on		date NOT NULL,
	status		text NOT NULL DEFAULT 'open'
			CHECK (status IN ('open', 'done', 'cancelled')),
	reminder_id	bigint REFERENCES reminders,
	created_at	timestamptz NOT NULL DEFAULT now(),
	done_at		timestamptz,
	done_by		bigint REFERENCES staff_users,
	note		text NOT NULL DEFAULT '' CHECK (length(note) <= 4000)
);
CREATE INDEX tasks_open ON tasks (due_on, id) WHERE status = 'open';
CREATE INDEX tasks_invoice ON tasks (invoice_id);

-- Plans can break: after M missed installments (policy) the plan ends and
-- the cadence resumes. A missed installment is one unpaid N days after its
-- date.
ALTER TABLE plans DROP CONSTRAINT IF EXISTS plans_status_check;
ALTER TABLE plans ADD CONSTRAINT plans_status_check
	CHECK (status IN ('active', 'completed', 'cancelled', 'broken'));
ALTER TABLE plans ADD COLUMN IF NOT EXISTS ended_at timestamptz;
ALTER TABLE plan_policies ADD COLUMN IF NOT EXISTS missed_after_days int
	NOT NULL DEFAULT 5 CHECK (missed_after_days BETWEEN 1 AND 60);
ALTER TABLE plan_policies ADD COLUMN IF NOT EXISTS misses_to_break int
	NOT NULL DEFAULT 2 CHECK (misses_to_break BETWEEN 1 AND 12);

-- What was paid before the plan began: the plan covers the balance at
-- acceptance, so only payments beyond this amount pay its installments.
ALTER TABLE plans ADD COLUMN IF NOT EXISTS payments_before_cents bigint
	NOT NULL DEFAULT 0 CHECK (payments_before_cents >= 0);
CREATE FUNCTION plans_payments_before() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.payments_before_cents := (SELECT coalesce(sum(amount_cents), 0)
		FROM payments WHERE invoice_id = NEW.invoice_id);
	RETURN NEW;
END $$;
CREATE TRIGGER plans_payments_before BEFORE INSERT ON plans
	FOR EACH ROW EXECUTE FUNCTION plans_payments_before();

-- Each installment with what has been paid towards it: payments made since
-- the plan began pay the installments in order, oldest first.
CREATE VIEW plan_installment_status AS
SELECT i.plan_id, i.seq, i.due_on, i.amount_cents,
	LEAST(i.amount_cents, GREATEST(0,
		t.paid_cents - (i.cumulative_cents - i.amount_cents))) AS paid_cents
FROM (SELECT plan_id, seq, due_on, amount_cents,
		sum(amount_cents) OVER (PARTITION BY plan_id ORDER BY seq)
		AS cumulative_cents
	FROM plan_installments) i
JOIN plans p ON p.id = i.plan_id
CROSS JOIN LATERAL (SELECT GREATEST(0, coalesce(sum(amount_cents), 0)
		- p.payments_before_cents) AS paid_cents
	FROM payments WHERE invoice_id = p.invoice_id) t;

GRANT SELECT ON reminders, tasks, plan_installment_status TO settle_web;
GRANT SELECT, INSERT ON unsubscribe_links TO settle_web;
GRANT UPDATE (used_at) ON unsubscribe_links TO settle_web;
GRANT UPDATE (reminders_off_at) ON customers TO settle_web;
GRANT UPDATE (status, done_at, done_by, note) ON tasks TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;
