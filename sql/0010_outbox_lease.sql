-- Issue 17: delivery at least once. A notifier's claim on a message is a
-- lease: it holds until claimed_until, and a notifier that dies while the
-- message is 'sending' leaves a lease that expires, after which any
-- notifier claims the message again and sends it (the same sealed text, so
-- the same Message-ID: a receiver can recognise the copy). Marking a
-- message sent or for retry checks that the claim is still the marker's.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS claimed_until timestamptz;
-- Messages a notifier left 'sending' before leases existed: their claim
-- expires now, so they are sent again rather than never.
UPDATE outbox SET claimed_until = coalesce(claimed_at, now())
	WHERE status = 'sending' AND claimed_until IS NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_sending_leased
	CHECK (status <> 'sending' OR claimed_until IS NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_lease ON outbox (claimed_until)
	WHERE status = 'sending';
GRANT UPDATE (claimed_until) ON outbox TO settle_web;
