-- Issue 16: "email me a copy". A copy of a confirmation is a new outbox
-- row pointing at the message it copies (copy_of): the same kind, invoice
-- and subject, the stored text with a new Date and Message-ID. Counting a
-- day's copies per invoice and kind is the rate limit, so the index covers
-- copies only.
ALTER TABLE outbox ADD COLUMN copy_of bigint REFERENCES outbox;
CREATE INDEX outbox_copies ON outbox (invoice_id, created_at)
	WHERE copy_of IS NOT NULL;
