-- Issue 16: payments that arrive by themselves. `portal-admin payments FILE`
-- reads a bank statement (camt.053 or CSV) into bank_credits, one row per
-- booking, unique by the bank's entry reference per account: the same
-- statement twice inserts nothing. A credit matched to an invoice (by the
-- reference, or by staff on /staff/payments) also becomes a row of payments,
-- marked source = 'bank' and tied to its credit.
--
-- Why a source mark in payments rather than a table of its own: every reader
-- of an invoice's balance (the debtor pages, staff pages, reminders, plans)
-- already sums payments, so a bank payment counts everywhere at once. The
-- invoice CSV import owns only the rows it wrote (source = 'import'): a
-- re-import replaces those and never touches a bank payment.

CREATE TABLE bank_credits (
	id		bigserial PRIMARY KEY,
	account		text NOT NULL DEFAULT '',	-- the statement's IBAN, '' for CSV
	entry_ref	text NOT NULL,			-- the booking's id (credit.h)
	kind		text NOT NULL
			CHECK (kind IN ('credit', 'debit', 'return', 'reversal')),
	booked_on	date NOT NULL,
	amount_cents	bigint NOT NULL CHECK (amount_cents > 0),
	currency	char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	reference	text NOT NULL DEFAULT '',	-- structured creditor reference
	remittance	text NOT NULL DEFAULT '',	-- what the payer wrote
	party		text NOT NULL DEFAULT '',	-- payer (credits, returns)
	end_to_end	text NOT NULL DEFAULT '',
	-- matched: by its reference; assigned: by staff; review: waiting for
	-- staff (reason says why); dismissed: staff decided it is not an
	-- invoice payment; ignored: not money a debtor paid (our own debits).
	status		text NOT NULL CHECK (status IN
			('matched', 'assigned', 'review', 'dismissed', 'ignored')),
	reason		text NOT NULL DEFAULT ''
			CHECK (reason IN ('', 'unmatched', 'ambiguous', 'currency',
			'paid', 'return')),
	invoice_id	bigint REFERENCES invoices,
	plan_id		bigint REFERENCES plans,
	installment_seq	int,
	source_file	text NOT NULL DEFAULT '',
	imported_at	timestamptz NOT NULL DEFAULT now(),
	decided_by	bigint REFERENCES staff_users,
	decided_at	timestamptz,
	UNIQUE (account, entry_ref),
	CHECK ((status IN ('matched', 'assigned')) = (invoice_id IS NOT NULL))
);
CREATE INDEX bank_credits_review ON bank_credits (booked_on, id)
	WHERE status = 'review';
CREATE INDEX bank_credits_invoice ON bank_credits (invoice_id);

-- Payments: who wrote the row. Imported rows keep their positions 1..n per
-- invoice; bank rows are numbered by their credit.
ALTER TABLE payments ADD COLUMN source text NOT NULL DEFAULT 'import'
	CHECK (source IN ('import', 'bank'));
ALTER TABLE payments ADD COLUMN credit_id bigint UNIQUE REFERENCES bank_credits;
ALTER TABLE payments ADD CHECK ((source = 'bank') = (credit_id IS NOT NULL));
ALTER TABLE payments DROP CONSTRAINT payments_pkey;
ALTER TABLE payments ADD PRIMARY KEY (invoice_id, source, position);

-- Finding invoices by a payment reference: the number's key (payref.h:
-- ASCII letters and digits, upper case), an index lookup per candidate.
CREATE INDEX invoices_payref_key ON invoices
	(upper(regexp_replace(number, '[^A-Za-z0-9]', '', 'g')));

-- Staff assign or dismiss credits on /staff/payments: the web role reads
-- the list, decides a credit, records the payment and completes a plan.
GRANT SELECT ON bank_credits TO settle_web;
GRANT UPDATE (status, invoice_id, plan_id, installment_seq, decided_by,
	decided_at) ON bank_credits TO settle_web;
GRANT INSERT ON payments TO settle_web;
GRANT UPDATE (status) ON plans TO settle_web;

-- A fresh link asked for on the page of an unknown, expired or revoked
-- link (POST /link): one row per request, matched or not, for the limits
-- per address, per invoice number and per client (the config's
-- fresh_link_*). What was typed is never stored: only keyed hashes (a MAC
-- with the server secret) of the lower-cased address and of the number's
-- key, so a dump of the database does not say who asked for what.
CREATE TABLE link_requests (
	at		timestamptz NOT NULL DEFAULT now(),
	email_hash	text NOT NULL,
	invoice_hash	text NOT NULL,
	client_addr	text NOT NULL
);
CREATE INDEX link_requests_email ON link_requests (email_hash, at);
CREATE INDEX link_requests_invoice ON link_requests (invoice_hash, at);
CREATE INDEX link_requests_client ON link_requests (client_addr, at);
CREATE INDEX link_requests_at ON link_requests (at);
GRANT SELECT, INSERT, DELETE ON link_requests TO settle_web;
-- The web role issues the new link itself, in the same statement.
GRANT INSERT ON links TO settle_web;
