-- Issue 13, the invoice page: it shows the active plan or, when none is
-- active, the latest broken one, found by invoice. The unique index
-- plans_one_active covers active plans only; without this one, finding a
-- broken plan (and the staff history's list of plans) would read the whole
-- table, and a page's cost must not grow with the number of plans.
CREATE INDEX IF NOT EXISTS plans_invoice ON plans (invoice_id, accepted_at DESC);
