-- Issue 15 (hardship freezes fees, business hardship) and issue 14 (the
-- outcome of a hardship request, told to the debtor).

-- Categories that fit a business debtor too, beside the personal ones
-- (portal/hardship.c lists the same words).
ALTER TABLE hardship_requests DROP CONSTRAINT IF EXISTS hardship_requests_category_check;
ALTER TABLE hardship_requests ADD CONSTRAINT hardship_requests_category_check
	CHECK (category IN ('income', 'illness', 'bereavement', 'disaster',
	'customer_unpaid', 'cash_flow', 'supplier_delay', 'other'));
ALTER TABLE hardship_followups DROP CONSTRAINT IF EXISTS hardship_followups_category_check;
ALTER TABLE hardship_followups ADD CONSTRAINT hardship_followups_category_check
	CHECK (category IN ('income', 'illness', 'bereavement', 'disaster',
	'customer_unpaid', 'cash_flow', 'supplier_delay', 'other'));

-- What staff decided when they resolved a request, and the note the debtor
-- was mailed with it. paused_until: the day reminders resume (outcome
-- 'paused'; the request's hold ends then by its `until`).
ALTER TABLE hardship_requests ADD COLUMN outcome text
	CHECK (outcome IN ('plan_offered', 'fees_waived', 'paused', 'no_change'));
ALTER TABLE hardship_requests ADD COLUMN outcome_note text NOT NULL DEFAULT '';
ALTER TABLE hardship_requests ADD COLUMN paused_until date;
ALTER TABLE hardship_requests ADD COLUMN resolved_at timestamptz;
GRANT UPDATE (outcome, outcome_note, paused_until, resolved_at)
	ON hardship_requests TO settle_web;

-- A late fee dated inside a hardship or dispute hold is kept as imported
-- but frozen: left out of the balance (and of every page's totals), shown
-- to staff. The import decides it (portal/import.c, README).
ALTER TABLE fees ADD COLUMN frozen boolean NOT NULL DEFAULT false;

-- Fees count in the balance unless frozen; a change of `frozen` moves the
-- balance through the update trigger (old rows out, new rows in).
CREATE FUNCTION ledger_fees_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		UPDATE invoices i SET balance_cents = i.balance_cents + d.s
		FROM (SELECT invoice_id, sum(amount_cents) FILTER (WHERE NOT frozen) AS s
			FROM n GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id AND d.s <> 0;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		UPDATE invoices i SET balance_cents = i.balance_cents - d.s
		FROM (SELECT invoice_id, sum(amount_cents) FILTER (WHERE NOT frozen) AS s
			FROM o GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id AND d.s <> 0;
	END IF;
	RETURN NULL;
END $$;
DROP TRIGGER ledger_fees_ins ON fees;
DROP TRIGGER ledger_fees_upd ON fees;
DROP TRIGGER ledger_fees_del ON fees;
CREATE TRIGGER ledger_fees_ins AFTER INSERT ON fees
	REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_fees_changed();
CREATE TRIGGER ledger_fees_upd AFTER UPDATE ON fees
	REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_fees_changed();
CREATE TRIGGER ledger_fees_del AFTER DELETE ON fees
	REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ledger_fees_changed();

-- Fees a manager waived (from a hardship request's page): an amount off
-- the invoice's late fees, with who, when and why. Waivers are not fees
-- rows, so a re-import of the invoice keeps them. They take from the
-- balance like payments do.
CREATE TABLE fee_waivers (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices ON DELETE CASCADE,
	hardship_id	bigint REFERENCES hardship_requests,
	amount_cents	bigint NOT NULL CHECK (amount_cents > 0),
	staff_id	bigint NOT NULL REFERENCES staff_users,
	note		text NOT NULL DEFAULT '',
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fee_waivers_invoice ON fee_waivers (invoice_id, created_at);
CREATE TRIGGER ledger_waivers_ins AFTER INSERT ON fee_waivers
	REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('-1');
CREATE TRIGGER ledger_waivers_del AFTER DELETE ON fee_waivers
	REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('-1');
GRANT SELECT, INSERT ON fee_waivers TO settle_web;
GRANT USAGE ON SEQUENCE fee_waivers_id_seq TO settle_web;
