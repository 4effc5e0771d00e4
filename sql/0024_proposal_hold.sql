-- Issue 15: a plan proposal under review pauses reminders, like the
-- debtor's other requests: a hold of kind 'proposal' for at most 14 days
-- while staff decide, released by their decision; a counter-offer keeps it
-- until its first payment date, when the offer lapses by itself.
ALTER TABLE reminder_holds DROP CONSTRAINT reminder_holds_kind_check;
ALTER TABLE reminder_holds ADD CONSTRAINT reminder_holds_kind_check
	CHECK (kind IN ('hardship', 'dispute', 'paid_claim', 'promise', 'proposal'));
