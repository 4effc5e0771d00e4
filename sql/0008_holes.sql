-- Issue 17: close the holes found by attacking the stack.

-- Follow-up notes: a note a debtor sends while a request of theirs is open
-- is kept here, on that request, in full (nothing the debtor wrote is
-- lost). digest_id is the staff mail that tells staff about it (NULL: none
-- yet); staff are mailed at most once an hour per request, so several
-- follow-ups share one mail.
CREATE TABLE hardship_followups (
	id		bigserial PRIMARY KEY,
	request_id	bigint NOT NULL REFERENCES hardship_requests,
	link_id		bigint REFERENCES links,
	category	text NOT NULL CHECK (category IN
			('income', 'illness', 'bereavement', 'disaster', 'other')),
	message		text NOT NULL CHECK (char_length(message) <= 4000),
	contact_method	text NOT NULL CHECK (contact_method IN ('email', 'phone')),
	phone		text NOT NULL DEFAULT '' CHECK (octet_length(phone) <= 40),
	callback_date	date NOT NULL,
	callback_window	text NOT NULL CHECK (callback_window IN ('morning', 'afternoon')),
	client_addr	text NOT NULL DEFAULT '',
	created_at	timestamptz NOT NULL DEFAULT now(),
	digest_id	bigint REFERENCES outbox
);
CREATE INDEX hardship_followups_request ON hardship_followups (request_id, id);
CREATE INDEX hardship_followups_link ON hardship_followups (link_id, created_at);

-- When the latest staff mail about a request is (or was) due to go out.
ALTER TABLE hardship_requests ADD COLUMN staff_mail_at timestamptz;
UPDATE hardship_requests SET staff_mail_at = created_at;
ALTER TABLE hardship_requests ALTER COLUMN staff_mail_at SET DEFAULT now();
ALTER TABLE hardship_requests ALTER COLUMN staff_mail_at SET NOT NULL;

-- At most one open request per invoice. Before the index, an invoice with
-- several open requests keeps its oldest; each other one becomes a
-- follow-up of it (its text, contact and callback kept), is resolved, and
-- its hold is released, which the audit trail records. Those follow-ups
-- reach staff again in the next digest mail of the request, once.
CREATE TEMPORARY TABLE merged ON COMMIT DROP AS
	SELECT id, keep, invoice_id FROM (
		SELECT id, invoice_id, first_value(id) OVER (PARTITION BY invoice_id
			ORDER BY created_at, id) AS keep
		FROM hardship_requests WHERE status <> 'resolved') r
	WHERE id <> keep;
INSERT INTO hardship_followups (request_id, link_id, category, message,
	contact_method, phone, callback_date, callback_window, client_addr,
	created_at)
SELECT m.keep, h.link_id, h.category, h.message, h.contact_method, h.phone,
	h.callback_date, h.callback_window, h.client_addr, h.created_at
FROM merged m JOIN hardship_requests h ON h.id = m.id ORDER BY h.created_at, h.id;
UPDATE reminder_holds SET released_at = now()
	WHERE released_at IS NULL AND hardship_id IN (SELECT id FROM merged);
UPDATE hardship_requests SET status = 'resolved', updated_at = now()
	WHERE id IN (SELECT id FROM merged);
INSERT INTO audit_events (actor, action, invoice_id, detail)
SELECT 'system', 'hardship.merged', invoice_id,
	'request ' || id || ' became a follow-up of request ' || keep
FROM merged ORDER BY id;
CREATE UNIQUE INDEX hardship_one_open ON hardship_requests (invoice_id)
	WHERE status <> 'resolved';

-- One-time form ids: each form we show carries a random id; a form posted
-- twice (a double click, a replay) finds its id here and adds nothing.
-- XXX nothing purges old rows yet; a row older than the longest link
-- lifetime (link_days) can never match a form that still works.
CREATE TABLE form_uses (
	form_id		text PRIMARY KEY CHECK (char_length(form_id) BETWEEN 16 AND 64),
	purpose		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- Staff mails about a request, to find the pending digest and pace them.
ALTER TABLE outbox ADD COLUMN hardship_id bigint REFERENCES hardship_requests;
CREATE INDEX outbox_hardship ON outbox (hardship_id, id) WHERE hardship_id IS NOT NULL;

-- The length limits the forms state, also in the database.
ALTER TABLE hardship_requests
	ADD CONSTRAINT hardship_requests_message_length
		CHECK (char_length(message) <= 4000),
	ADD CONSTRAINT hardship_requests_phone_length
		CHECK (octet_length(phone) <= 40);
ALTER TABLE hardship_notes
	ADD CONSTRAINT hardship_notes_note_length CHECK (char_length(note) <= 4000);
-- The language form (POST /i/{token}/language) stores a tag of ours; the
-- import allows 15 characters.
ALTER TABLE customers
	ADD CONSTRAINT customers_language_length CHECK (char_length(language) <= 15);

-- The web role: follow-ups, form ids, pacing, and a pending digest mail
-- rewritten with each new follow-up.
GRANT SELECT, INSERT ON hardship_followups, form_uses TO settle_web;
GRANT UPDATE (digest_id) ON hardship_followups TO settle_web;
GRANT UPDATE (staff_mail_at) ON hardship_requests TO settle_web;
GRANT UPDATE (subject, message) ON outbox TO settle_web;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO settle_web;
