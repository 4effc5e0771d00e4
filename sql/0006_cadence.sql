-- Issue 13: the reminder cadence. A cadence is an ordered list of steps,
-- each a number of days from the invoice's due date and a kind: an email
-- (upcoming, due, overdue_1, overdue_2, final) or a staff task (call,
-- letter, escalate). An invoice follows the cadence of its customer's
-- group if that group has one, else the one of its currency's plan
-- policy, else the default cadence (neither group nor currency).

CREATE TABLE cadences (
	id		bigserial PRIMARY KEY,
	name		text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
	currency	char(3) UNIQUE REFERENCES plan_policies (currency),
	customer_group	text UNIQUE CHECK (customer_group <> ''),
	CONSTRAINT cadence_for_one_thing CHECK (num_nonnulls(currency, customer_group) <= 1)
);
-- One default cadence: the one with neither a currency nor a group.
CREATE UNIQUE INDEX cadences_one_default ON cadences ((true))
	WHERE currency IS NULL AND customer_group IS NULL;

CREATE TABLE cadence_steps (
	cadence_id	bigint NOT NULL REFERENCES cadences ON DELETE CASCADE,
	position	int NOT NULL CHECK (position >= 1),
	offset_days	int NOT NULL CHECK (offset_days BETWEEN -60 AND 365),
	kind		text NOT NULL CONSTRAINT cadence_step_kind_known CHECK (kind IN
			('upcoming', 'due', 'overdue_1', 'overdue_2', 'final',
			'call', 'letter', 'escalate')),
	-- An email step's fixed "please pay by" date: this many days after
	-- the day it is sent, never before the due date.
	pay_within_days	int NOT NULL DEFAULT 7 CHECK (pay_within_days BETWEEN 0 AND 60),
	PRIMARY KEY (cadence_id, position)
);

-- An unknown kind gets a message that says which kinds there are (the
-- CHECK above only names itself). BEFORE triggers run before CHECKs.
CREATE FUNCTION cadence_step_kind() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.kind NOT IN ('upcoming', 'due', 'overdue_1', 'overdue_2', 'final',
	    'call', 'letter', 'escalate') THEN
		RAISE EXCEPTION 'cadence step %: unknown kind "%"', NEW.position, NEW.kind
			USING ERRCODE = 'check_violation',
			HINT = 'A step is an email (upcoming, due, overdue_1, overdue_2, final) or a staff task (call, letter, escalate).';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER cadence_step_kind BEFORE INSERT OR UPDATE ON cadence_steps
	FOR EACH ROW EXECUTE FUNCTION cadence_step_kind();

-- The whole cadence is checked at commit (deferred), so steps can be
-- renumbered within a transaction: offsets must grow with the position,
-- and nothing may follow an escalate step (a person has taken over).
CREATE FUNCTION cadence_steps_ordered() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	c	bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.cadence_id ELSE NEW.cadence_id END;
	cname	text;
	p_pos	int;
	p_kind	text;
	p_off	int;
	s	record;
BEGIN
	SELECT name INTO cname FROM cadences WHERE id = c;
	FOR s IN SELECT position, offset_days, kind FROM cadence_steps
	    WHERE cadence_id = c ORDER BY position LOOP
		IF p_pos IS NOT NULL AND p_kind = 'escalate' THEN
			RAISE EXCEPTION 'cadence "%": step % (%) comes after step % (escalate): escalate must be the last step',
				cname, s.position, s.kind, p_pos
				USING ERRCODE = 'check_violation';
		END IF;
		IF p_pos IS NOT NULL AND s.offset_days <= p_off THEN
			RAISE EXCEPTION 'cadence "%": steps out of order: step % (%, % days) is not after step % (%, % days)',
				cname, s.position, s.kind, s.offset_days, p_pos, p_kind, p_off
				USING ERRCODE = 'check_violation',
				HINT = 'Each step''s offset_days must be greater than the one before it.';
		END IF;
		p_pos := s.position;
		p_kind := s.kind;
		p_off := s.offset_days;
	END LOOP;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER cadence_steps_ordered
	AFTER INSERT OR UPDATE OR DELETE ON cadence_steps
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION cadence_steps_ordered();

-- The default, from credit-control practice: friendly before and on the
-- due date, courteous soon after, a call, a second notice, a final notice
-- that names the escalation date, then a person takes over.
WITH d AS (INSERT INTO cadences (name) VALUES ('default') RETURNING id)
INSERT INTO cadence_steps (cadence_id, position, offset_days, kind, pay_within_days)
SELECT d.id, s.position, s.offset_days, s.kind, s.pay_within_days FROM d,
	(VALUES (1, -3, 'upcoming', 0), (2, 0, 'due', 0), (3, 3, 'overdue_1', 7),
		(4, 7, 'call', 0), (5, 14, 'overdue_2', 7), (6, 21, 'final', 7),
		(7, 28, 'escalate', 0))
	AS s (position, offset_days, kind, pay_within_days);

-- What the engine did not do, for staff: the latest reason per invoice and
-- step (paid, plan, hardship, recent, hours...), upserted when it changes,
-- so a run that finds nothing new writes nothing. Not in 0005's reminders
-- table, whose rows mean "done" and whose unique key stops a second send.
CREATE TABLE reminder_skips (
	invoice_id	bigint NOT NULL REFERENCES invoices,
	step_key	text NOT NULL,
	kind		text NOT NULL,
	reason		text NOT NULL,
	scheduled_on	date NOT NULL,
	wait_until	timestamptz,		-- for a step that waits (hours, recent)
	first_at	timestamptz NOT NULL DEFAULT now(),
	last_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (invoice_id, step_key)
);

GRANT SELECT ON cadences, cadence_steps, reminder_skips TO settle_web;
