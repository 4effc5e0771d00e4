-- Issue 14: staff roles, and what the ledger overview (/staff/overview) reads.

-- Every staff user is a clerk or a manager (portal/role.h). New users are
-- clerks unless `portal-admin staff-add --role manager` says otherwise.
-- Users made before roles existed become clerks too, except the demo user
-- of `make run`, who shows what a manager sees.
ALTER TABLE staff_users ADD COLUMN IF NOT EXISTS role text NOT NULL DEFAULT 'clerk'
	CHECK (role IN ('clerk', 'manager'));
UPDATE staff_users SET role = 'manager' WHERE lower(email) = 'demo@northwind.example';

-- Each invoice's balance (lines + fees - payments) and the total of its
-- lines, kept by the triggers below, so that nothing has to add up every
-- invoice's items to draw the ledger. The items stay the truth: the
-- triggers follow every insert, update and delete of a line, fee or
-- payment, by any role (SECURITY DEFINER), in the same transaction.
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS lines_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS balance_cents bigint NOT NULL DEFAULT 0;
UPDATE invoices i SET
	lines_cents = t.lines,
	balance_cents = t.lines + t.fees - t.paid
FROM (SELECT i2.id,
		coalesce((SELECT sum(total_cents) FROM invoice_lines WHERE invoice_id = i2.id), 0) AS lines,
		coalesce((SELECT sum(amount_cents) FROM fees WHERE invoice_id = i2.id), 0) AS fees,
		coalesce((SELECT sum(amount_cents) FROM payments WHERE invoice_id = i2.id), 0) AS paid
	FROM invoices i2) t
WHERE t.id = i.id;

-- The ledger rolled up: open invoices (balance > 0) by currency and due
-- date, and invoiced lines by currency and issue date. The overview's
-- buckets and its days-sales-outstanding are sums over a few hundred of
-- these rows, whatever the number of invoices. Rows may reach zero and
-- stay; they are few (one per currency and day).
CREATE TABLE ledger_due (
	currency	char(3) NOT NULL,
	due		date NOT NULL,
	open_count	bigint NOT NULL,
	open_cents	bigint NOT NULL,
	PRIMARY KEY (currency, due)
);
CREATE TABLE ledger_issued (
	currency	char(3) NOT NULL,
	issued		date NOT NULL,
	lines_cents	bigint NOT NULL,
	PRIMARY KEY (currency, issued)
);
INSERT INTO ledger_due (currency, due, open_count, open_cents)
	SELECT currency, due, count(*), sum(balance_cents) FROM invoices
	WHERE balance_cents > 0 GROUP BY currency, due;
INSERT INTO ledger_issued (currency, issued, lines_cents)
	SELECT currency, issued, sum(lines_cents) FROM invoices
	WHERE lines_cents <> 0 GROUP BY currency, issued;

-- Statement-level triggers with transition tables: a bulk import or a bank
-- statement updates each invoice once per statement, not once per row.
-- Lines change an invoice's lines and its balance.
CREATE FUNCTION ledger_lines_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		UPDATE invoices i SET lines_cents = i.lines_cents + d.s,
			balance_cents = i.balance_cents + d.s
		FROM (SELECT invoice_id, sum(total_cents) AS s FROM n
			GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id AND d.s <> 0;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		UPDATE invoices i SET lines_cents = i.lines_cents - d.s,
			balance_cents = i.balance_cents - d.s
		FROM (SELECT invoice_id, sum(total_cents) AS s FROM o
			GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id AND d.s <> 0;
	END IF;
	RETURN NULL;
END $$;
-- Fees (TG_ARGV[0] = 1) add to the balance, payments (-1) take from it.
CREATE FUNCTION ledger_money_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	sign bigint := TG_ARGV[0]::bigint;
BEGIN
	IF TG_OP <> 'DELETE' THEN
		UPDATE invoices i SET balance_cents = i.balance_cents + sign * d.s
		FROM (SELECT invoice_id, sum(amount_cents) AS s FROM n
			GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id AND d.s <> 0;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		UPDATE invoices i SET balance_cents = i.balance_cents - sign * d.s
		FROM (SELECT invoice_id, sum(amount_cents) AS s FROM o
			GROUP BY invoice_id) d
		WHERE i.id = d.invoice_id AND d.s <> 0;
	END IF;
	RETURN NULL;
END $$;
-- An invoice's share of the roll-ups: taken out as it was (o), put back
-- as it is (n).
CREATE FUNCTION ledger_invoices_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO ledger_due AS l (currency, due, open_count, open_cents)
		SELECT currency, due, -count(*), -sum(balance_cents) FROM o
		WHERE balance_cents > 0 GROUP BY currency, due
		ON CONFLICT (currency, due) DO UPDATE SET
			open_count = l.open_count + EXCLUDED.open_count,
			open_cents = l.open_cents + EXCLUDED.open_cents;
		INSERT INTO ledger_issued AS l (currency, issued, lines_cents)
		SELECT currency, issued, -sum(lines_cents) FROM o
		WHERE lines_cents <> 0 GROUP BY currency, issued
		ON CONFLICT (currency, issued) DO UPDATE SET
			lines_cents = l.lines_cents + EXCLUDED.lines_cents;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO ledger_due AS l (currency, due, open_count, open_cents)
		SELECT currency, due, count(*), sum(balance_cents) FROM n
		WHERE balance_cents > 0 GROUP BY currency, due
		ON CONFLICT (currency, due) DO UPDATE SET
			open_count = l.open_count + EXCLUDED.open_count,
			open_cents = l.open_cents + EXCLUDED.open_cents;
		INSERT INTO ledger_issued AS l (currency, issued, lines_cents)
		SELECT currency, issued, sum(lines_cents) FROM n
		WHERE lines_cents <> 0 GROUP BY currency, issued
		ON CONFLICT (currency, issued) DO UPDATE SET
			lines_cents = l.lines_cents + EXCLUDED.lines_cents;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER ledger_lines_ins AFTER INSERT ON invoice_lines
	REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_changed();
CREATE TRIGGER ledger_lines_upd AFTER UPDATE ON invoice_lines
	REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_changed();
CREATE TRIGGER ledger_lines_del AFTER DELETE ON invoice_lines
	REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_changed();
CREATE TRIGGER ledger_fees_ins AFTER INSERT ON fees
	REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('1');
CREATE TRIGGER ledger_fees_upd AFTER UPDATE ON fees
	REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('1');
CREATE TRIGGER ledger_fees_del AFTER DELETE ON fees
	REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('1');
CREATE TRIGGER ledger_payments_ins AFTER INSERT ON payments
	REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('-1');
CREATE TRIGGER ledger_payments_upd AFTER UPDATE ON payments
	REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('-1');
CREATE TRIGGER ledger_payments_del AFTER DELETE ON payments
	REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ledger_money_changed('-1');
CREATE TRIGGER ledger_invoices_ins AFTER INSERT ON invoices
	REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_invoices_changed();
CREATE TRIGGER ledger_invoices_upd AFTER UPDATE ON invoices
	REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION ledger_invoices_changed();
CREATE TRIGGER ledger_invoices_del AFTER DELETE ON invoices
	REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION ledger_invoices_changed();

-- The aged-balance list (CSV) reads open invoices by due date.
CREATE INDEX invoices_open ON invoices (due, number) WHERE balance_cents > 0;
-- Reminders sent this week: a range of done_at among the emails.
CREATE INDEX reminders_sent ON reminders (done_at) WHERE outcome = 'sent';

GRANT SELECT ON ledger_due, ledger_issued TO settle_web;
