-- Issue 14, the credit-control desk: the worklist at /staff, task actions,
-- the call log, callbacks.

-- Each clerk's own time zone for "today" on the worklist; '' means the
-- company's (the config's timezone).
ALTER TABLE staff_users ADD COLUMN IF NOT EXISTS timezone text NOT NULL DEFAULT '';

-- The worklist reads open tasks by day, then time, then id, and stops at a
-- page: this index serves the order and the filter on status.
CREATE INDEX tasks_worklist ON tasks (due_on, due_at, id) WHERE status = 'open';
-- Done today, the latest first.
CREATE INDEX tasks_done ON tasks (done_at DESC, id DESC) WHERE status = 'done';

-- What a clerk wrote down after a call: on a task, or on an invoice alone.
-- What was agreed points at the row it made: a promise (promises, with its
-- hold), a plan (in words, for now), a callback (its task).
CREATE TABLE call_logs (
	id		bigserial PRIMARY KEY,
	invoice_id	bigint NOT NULL REFERENCES invoices,
	task_id		bigint REFERENCES tasks,
	staff_id	bigint NOT NULL REFERENCES staff_users,
	outcome		text NOT NULL CHECK (outcome IN ('reached', 'no_answer',
			'message', 'wrong_number', 'call_back')),
	note		text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
	agreed		text NOT NULL DEFAULT 'none'
			CHECK (agreed IN ('none', 'promise', 'plan', 'callback')),
	promise_id	bigint REFERENCES promises,
	plan_text	text NOT NULL DEFAULT '' CHECK (length(plan_text) <= 1000),
	callback_task_id bigint REFERENCES tasks,
	confirmed_at	timestamptz,
	confirm_mail_id	bigint REFERENCES outbox,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_logs_invoice ON call_logs (invoice_id, created_at DESC);
GRANT SELECT, INSERT ON call_logs TO settle_web;
GRANT UPDATE (confirmed_at, confirm_mail_id) ON call_logs TO settle_web;
GRANT INSERT ON reminder_holds TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;

-- Every hardship request is a task on the desk, due on the day the debtor
-- asked to be called, at the start of the window they chose, in their zone
-- (the session's TimeZone, the config's, when the customer has none). A
-- trigger, so the debtor's page needs no change and no request is missed.
CREATE FUNCTION desk_hardship_task() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	zone text;
BEGIN
	SELECT coalesce(nullif(c.timezone, ''), current_setting('TimeZone'))
	INTO zone FROM invoices i JOIN customers c ON c.id = i.customer_id
	WHERE i.id = NEW.invoice_id;
	INSERT INTO tasks (invoice_id, kind, reason, due_on, ref_id, due_at)
	VALUES (NEW.invoice_id, 'hardship', 'hardship', NEW.callback_date, NEW.id,
		(NEW.callback_date + CASE NEW.callback_window
			WHEN 'afternoon' THEN time '12:00' ELSE time '09:00' END)
		AT TIME ZONE zone);
	RETURN NULL;
END $$;
CREATE TRIGGER desk_hardship_task AFTER INSERT ON hardship_requests
	FOR EACH ROW EXECUTE FUNCTION desk_hardship_task();

-- The requests there before: a task each, done when the request is.
INSERT INTO tasks (invoice_id, kind, reason, due_on, ref_id, due_at, status,
	done_at, done_by)
SELECT h.invoice_id, 'hardship', 'hardship', h.callback_date, h.id,
	(h.callback_date + CASE h.callback_window
		WHEN 'afternoon' THEN time '12:00' ELSE time '09:00' END)
	AT TIME ZONE coalesce(nullif(c.timezone, ''), current_setting('TimeZone')),
	CASE WHEN h.status = 'resolved' THEN 'done' ELSE 'open' END,
	CASE WHEN h.status = 'resolved' THEN h.updated_at END,
	CASE WHEN h.status = 'resolved' THEN h.reviewer_id END
FROM hardship_requests h JOIN invoices i ON i.id = h.invoice_id
JOIN customers c ON c.id = i.customer_id
WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.kind = 'hardship' AND t.ref_id = h.id);

-- Resolving a request is done with its task too.
CREATE FUNCTION desk_hardship_resolved() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	UPDATE tasks SET status = 'done', done_at = now(), done_by = NEW.reviewer_id,
		version = version + 1
	WHERE kind = 'hardship' AND ref_id = NEW.id AND status = 'open';
	RETURN NULL;
END $$;
CREATE TRIGGER desk_hardship_resolved AFTER UPDATE OF status ON hardship_requests
	FOR EACH ROW WHEN (NEW.status = 'resolved' AND OLD.status <> 'resolved')
	EXECUTE FUNCTION desk_hardship_resolved();
