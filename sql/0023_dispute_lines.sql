-- Issue 15: an upheld dispute credits the invoice or cancels some of its
-- lines. Both are lines of their own, negative, with source 'dispute'
-- (imported lines are 'import'), so that re-importing the invoice replaces
-- only what the import brought and the credits stay. A cancellation names
-- the line it cancels (cancels_position), which the staff page then no
-- longer offers. Credit lines are numbered from 1,000,001, clear of any
-- imported line's position.
ALTER TABLE invoice_lines
	ADD COLUMN source text NOT NULL DEFAULT 'import'
		CHECK (source IN ('import', 'dispute')),
	ADD COLUMN dispute_id bigint REFERENCES disputes,
	ADD COLUMN cancels_position int,
	ADD CONSTRAINT invoice_lines_dispute_source
		CHECK ((source = 'dispute') = (dispute_id IS NOT NULL));
-- Credits made before this migration were described "Credit (dispute N)".
UPDATE invoice_lines l SET source = 'dispute', dispute_id = d.id
	FROM disputes d
	WHERE l.invoice_id = d.invoice_id AND l.total_cents < 0
	AND l.description = 'Credit (dispute ' || d.id || ')';
CREATE UNIQUE INDEX invoice_lines_cancelled_once
	ON invoice_lines (invoice_id, cancels_position)
	WHERE cancels_position IS NOT NULL;
