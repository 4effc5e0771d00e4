-- Issue 18: a debtor's view writes one row and locks none.
--
-- A view record is an audit event (actor 'debtor', the link, the client's
-- address), as before, so the trail DESIGN.md promises stays one table,
-- append-only, shown whole on the staff invoice page. What goes is what
-- each view cost besides it:
--
-- The foreign keys of audit_events to invoices and links. Each insert
-- checked both with SELECT ... FOR KEY SHARE, a row lock written to the
-- invoice's and the link's heap pages (and WAL) on every view, a multixact
-- when two views of one invoice met. The rows they pointed to cannot go:
-- invoices and links are never deleted (links reference invoices without
-- a cascade; no program deletes either), every audit row is written by a
-- statement that takes its ids from the rows it has just read, and the
-- trail is append-only, so a row once right stays right. staff_id keeps
-- its key: staff actions are few and checked.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_invoice_id_fkey;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_link_id_fkey;

-- links.last_used_at, which every view updated (a new row version of the
-- link and its index entries per view): a link's last use is its latest
-- view record (sql.c, LINK_LAST_VIEW_SQL). The web role's UPDATE grant on
-- the column goes with it.
ALTER TABLE links DROP COLUMN last_used_at;
