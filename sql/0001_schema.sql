-- Settle schema, first migration. Applied by `portal-admin migrate` in one
-- transaction, as the database owner. Money is integer minor units (cents)
-- with a currency code; times are timestamptz, calendar days are date.

CREATE TABLE customers (
	id		bigserial PRIMARY KEY,
	ref		text NOT NULL UNIQUE,
	name		text NOT NULL,
	email		text NOT NULL,
	phone		text NOT NULL DEFAULT '',
	language	text NOT NULL DEFAULT 'en',
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
	id		bigserial PRIMARY KEY,
	number		text NOT NULL UNIQUE,
	customer_id	bigint NOT NULL REFERENCES customers,
	currency	char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	issued		date NOT NULL,
	due		date NOT NULL CHECK (due >= issued),
	import_hash	text NOT NULL DEFAULT '',	-- of the rows last imported
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_customer ON invoices (customer_id);

CREATE TABLE invoice_lines (
	invoice_id	bigint NOT NULL REFERENCES invoices ON DELETE CASCADE,
	position	int NOT NULL,
	description	text NOT NULL,
	quantity_milli	bigint NOT NULL CHECK (quantity_milli > 0),
	unit_cents	bigint NOT NULL,
	total_cents	bigint NOT NULL,
	PRIMARY KEY (invoice_id, position)
);

-- Late fees: the description names the rule the fee came from.
CREATE TABLE fees (
	invoice_id	bigint NOT NULL REFERENCES invoices ON DELETE CASCADE,
	position	int NOT NULL,
	description	text NOT NULL,
	amount_cents	bigint NOT NULL CHECK (amount_cents > 0),
	charged_on	date NOT NULL,
	PRIMARY KEY (invoice_id, position)
);

CREATE TABLE payments (
	invoice_id	bigint NOT NULL REFERENCES invoices ON DELETE CASCADE,
	position	int NOT NULL,
	description	text NOT NULL,
	amount_cents	bigint NOT NULL CHECK (amount_cents > 0),
	received_on	date NOT NULL,
	PRIMARY KEY (invoice_id, position)
);

-- One row per link sent: only a keyed BLAKE2b hash of the token is kept.
CREATE TABLE links (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	token_hash	bytea NOT NULL UNIQUE,
	purpose		text NOT NULL DEFAULT 'manual',
	issued_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	revoked_at	timestamptz,
	last_used_at	timestamptz
);
CREATE INDEX links_invoice ON links (invoice_id);

CREATE TABLE plan_policies (
	currency		char(3) PRIMARY KEY,
	enabled			boolean NOT NULL DEFAULT true,
	min_balance_cents	bigint NOT NULL CHECK (min_balance_cents >= 0),
	min_installment_cents	bigint NOT NULL CHECK (min_installment_cents > 0),
	max_installments	int NOT NULL CHECK (max_installments BETWEEN 2 AND 60),
	weekly			boolean NOT NULL DEFAULT false,
	fortnightly		boolean NOT NULL DEFAULT true,
	monthly			boolean NOT NULL DEFAULT true,
	first_due_days		int NOT NULL CHECK (first_due_days BETWEEN 0 AND 60),
	terms_version		text NOT NULL
);

CREATE TABLE staff_users (
	id		bigserial PRIMARY KEY,
	email		text NOT NULL,
	name		text NOT NULL,
	password_hash	text NOT NULL,
	disabled	boolean NOT NULL DEFAULT false,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_users_email ON staff_users (lower(email));

-- Only a keyed hash of the session id is stored.
CREATE TABLE staff_sessions (
	id_hash		bytea PRIMARY KEY,
	staff_id	bigint NOT NULL REFERENCES staff_users,
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_seen_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	client_addr	text NOT NULL DEFAULT ''
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- Failed sign-ins, for throttling per account and per address.
CREATE TABLE login_failures (
	at		timestamptz NOT NULL DEFAULT now(),
	email		text NOT NULL,
	client_addr	text NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (lower(email), at);
CREATE INDEX login_failures_addr ON login_failures (client_addr, at);

CREATE TABLE plans (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	link_id		bigint REFERENCES links,
	status		text NOT NULL DEFAULT 'active'
			CHECK (status IN ('active', 'completed', 'cancelled')),
	frequency	text NOT NULL
			CHECK (frequency IN ('weekly', 'fortnightly', 'monthly')),
	installments	int NOT NULL CHECK (installments >= 2),
	total_cents	bigint NOT NULL CHECK (total_cents > 0),
	currency	char(3) NOT NULL,
	terms_version	text NOT NULL,
	accepted_at	timestamptz NOT NULL DEFAULT now(),
	client_addr	text NOT NULL DEFAULT '',
	user_agent	text NOT NULL DEFAULT ''
);
-- At most one active plan per invoice, whatever the application does.
CREATE UNIQUE INDEX plans_one_active ON plans (invoice_id) WHERE status = 'active';

CREATE TABLE plan_installments (
	plan_id		bigint NOT NULL REFERENCES plans,
	seq		int NOT NULL CHECK (seq >= 1),
	due_on		date NOT NULL,
	amount_cents	bigint NOT NULL CHECK (amount_cents > 0),
	PRIMARY KEY (plan_id, seq)
);

CREATE TABLE hardship_requests (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	link_id		bigint REFERENCES links,
	category	text NOT NULL CHECK (category IN
			('income', 'illness', 'bereavement', 'disaster', 'other')),
	message		text NOT NULL,
	contact_method	text NOT NULL CHECK (contact_method IN ('email', 'phone')),
	phone		text NOT NULL DEFAULT '',
	callback_date	date NOT NULL,
	callback_window	text NOT NULL CHECK (callback_window IN ('morning', 'afternoon')),
	status		text NOT NULL DEFAULT 'new'
			CHECK (status IN ('new', 'in_review', 'resolved')),
	reviewer_id	bigint REFERENCES staff_users,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	client_addr	text NOT NULL DEFAULT ''
);
CREATE INDEX hardship_requests_queue ON hardship_requests (created_at DESC, id DESC);
CREATE INDEX hardship_requests_status ON hardship_requests (status, created_at DESC);
CREATE INDEX hardship_requests_invoice ON hardship_requests (invoice_id);

-- What staff did with a request: each status change or note, with who and when.
CREATE TABLE hardship_notes (
	id		bigserial PRIMARY KEY,
	request_id	bigint NOT NULL REFERENCES hardship_requests,
	staff_id	bigint NOT NULL REFERENCES staff_users,
	old_status	text NOT NULL,
	new_status	text NOT NULL,
	note		text NOT NULL DEFAULT '',
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hardship_notes_request ON hardship_notes (request_id, created_at);

-- A hold pauses automatic reminders on an invoice until it is released.
CREATE TABLE reminder_holds (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	hardship_id	bigint REFERENCES hardship_requests,
	reason		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	released_at	timestamptz,
	released_by	bigint REFERENCES staff_users
);
CREATE INDEX reminder_holds_active ON reminder_holds (invoice_id) WHERE released_at IS NULL;

-- Messages to send. `message` is the complete RFC 5322 text handed to sendmail.
CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	created_at	timestamptz NOT NULL DEFAULT now(),
	kind		text NOT NULL,
	invoice_id	bigint REFERENCES invoices,
	recipient	text NOT NULL,
	subject		text NOT NULL,
	message		text NOT NULL,
	status		text NOT NULL DEFAULT 'queued'
			CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
	attempts	int NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	claimed_at	timestamptz,
	claimed_by	text,
	sent_at		timestamptz,
	last_error	text NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_invoice ON outbox (invoice_id);

-- Wake portal-notify as soon as a message is queued (delivered on commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('settle_outbox', '');
	RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
	FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- The audit trail: append-only for everyone, enforced by triggers.
CREATE TABLE audit_events (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	actor		text NOT NULL,		-- debtor, staff, admin, system
	staff_id	bigint REFERENCES staff_users,
	action		text NOT NULL,
	invoice_id	bigint REFERENCES invoices,
	link_id		bigint REFERENCES links,
	detail		text NOT NULL DEFAULT '',
	client_addr	text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_invoice ON audit_events (invoice_id, at);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_events is append-only';
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_events
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Default plan policies; edit these rows to change what debtors are offered.
INSERT INTO plan_policies (currency, min_balance_cents, min_installment_cents,
	max_installments, weekly, fortnightly, monthly, first_due_days, terms_version)
VALUES	('EUR', 5000, 2500, 12, false, true, true, 7, '2026-11'),
	('USD', 5000, 2500, 12, false, true, true, 7, '2026-11'),
	('GBP', 5000, 2500, 12, false, true, true, 7, '2026-11');

-- The web role (portal, portal-notify): reads what pages show, writes only
-- what debtors and staff do. It may add audit rows, never change them.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'settle_web') THEN
		CREATE ROLE settle_web LOGIN;
	END IF;
END $$;
GRANT USAGE ON SCHEMA public TO settle_web;
GRANT SELECT ON customers, invoices, invoice_lines, fees, payments,
	plan_policies TO settle_web;
GRANT SELECT, UPDATE (last_used_at) ON links TO settle_web;
-- Row locks (SELECT ... FOR UPDATE) serialise changes to one invoice; they
-- need an UPDATE privilege on some column, which the portal never uses.
GRANT UPDATE (updated_at) ON invoices TO settle_web;
GRANT SELECT, INSERT ON plans, plan_installments, hardship_requests,
	hardship_notes, reminder_holds, outbox, login_failures TO settle_web;
GRANT UPDATE (status, reviewer_id, updated_at) ON hardship_requests TO settle_web;
GRANT UPDATE (released_at, released_by) ON reminder_holds TO settle_web;
GRANT UPDATE (status, attempts, next_attempt_at, claimed_at, claimed_by,
	sent_at, last_error) ON outbox TO settle_web;
GRANT DELETE ON login_failures TO settle_web;
GRANT SELECT ON staff_users TO settle_web;
GRANT SELECT, INSERT, UPDATE (last_seen_at), DELETE ON staff_sessions TO settle_web;
GRANT SELECT, INSERT ON audit_events TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;
