-- Generated invoices for bench/run.sh, set-based (INSERT ... SELECT over
-- generate_series) in one transaction, as the schema owner:
--
--   psql -v prefix=GEN- -v first=N -v last=M -v shape=-1 -f bench/cold.sql
--
-- makes invoices GEN-000000N .. GEN-000000M (first is 1 or 5k + 1) and one
-- customer per 5 invoices. Each invoice's shape comes from a number h, a
-- hash of its id (shape -1: any subset of the invoices looks like any
-- other) or the given shape (the same items, so the same balance, for all):
-- 1 to 5 lines, a late fee when h % 10 < 3, a payment when h is even. Each
-- invoice gets one link whose token nobody knows (1 in 10 expired), so the
-- links table grows with the invoices; the links the benchmark requests are
-- added by bench/data.sh. Issued 45 to 104 days ago, due 30 days later.
\set ON_ERROR_STOP on
BEGIN;
SET LOCAL synchronous_commit = off;
SET LOCAL work_mem = '256MB';

-- Customer c owns invoices 5c-4 .. 5c; first is 1 or a multiple of 5 plus 1.
CREATE TEMP TABLE gen_customer (c bigint, id bigint) ON COMMIT DROP;
WITH ins AS (
	INSERT INTO customers (ref, name, email, phone, language)
	SELECT :'prefix' || 'C' || c, 'Customer ' || c || ' & Sons Ltd', 'ap' || c || '@gen.example',
		'+44 1632 ' || lpad((c % 1000000)::text, 6, '0'), 'en'
	FROM generate_series((:first + 4) / 5, (:last + 4) / 5) AS c
	RETURNING id, ref)
INSERT INTO gen_customer SELECT substr(ref, length(:'prefix') + 2)::bigint, id FROM ins;

CREATE TEMP TABLE gen (id bigint, h bigint NOT NULL) ON COMMIT DROP;
WITH ins AS (
	INSERT INTO invoices (number, customer_id, currency, issued, due)
	SELECT :'prefix' || lpad(g::text, 7, '0'), cu.id, 'GBP',
		current_date - 45 - (g % 60), current_date - 15 - (g % 60)
	FROM generate_series(:first, :last) AS g
	JOIN gen_customer cu ON cu.c = (g + 4) / 5
	ORDER BY g
	RETURNING id)
INSERT INTO gen SELECT id, CASE WHEN :shape < 0 THEN abs(hashint8(id)) ELSE :shape END
FROM ins;

INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli,
	unit_cents, total_cents)
SELECT g.id, p, 'Hydraulic fitting HX-' || (1000 + (g.h + p) % 9000) || ', 1/2" BSP & seal',
	q, u, q * u / 1000
FROM gen g
CROSS JOIN LATERAL generate_series(1, 1 + (g.h % 5)::int) AS p
CROSS JOIN LATERAL (SELECT 1000 * (1 + (g.h + p) % 5) AS q,
	1000 + ((g.h / 8) + p * 37) % 20000 AS u) AS v;

INSERT INTO fees (invoice_id, position, description, amount_cents, charged_on)
SELECT g.id, 1, 'Late payment fee GBP 40 (Late Payment of Commercial Debts Act 1998)',
	4000, i.due + 1
FROM gen g JOIN invoices i ON i.id = g.id
WHERE g.h % 10 < 3;

INSERT INTO payments (invoice_id, position, description, amount_cents, received_on)
SELECT g.id, 1, 'Bank transfer', 500 + (g.h / 16) % 1000, i.due + 5
FROM gen g JOIN invoices i ON i.id = g.id
WHERE g.h % 2 = 0;

-- In hash order: the unique index on token_hash is filled leaf by leaf.
-- A stored hash is a key id (1) and 32 bytes (portal/token.h).
INSERT INTO links (invoice_id, token_hash, expires_at)
SELECT id, hash, expires
FROM (SELECT g.id, '\x01'::bytea || decode(md5(g.id || ':' || random()) || md5(random() || ':' || g.id), 'hex') AS hash,
	CASE WHEN g.h % 10 = 9 THEN now() - interval '1 day'
	ELSE now() + interval '30 days' END AS expires
	FROM gen g) AS l
ORDER BY hash;

COMMIT;
-- Fresh statistics: the benchmark's own queries that follow, and the
-- portal's, are planned for the tables' real sizes.
ANALYZE customers, invoices, invoice_lines, fees, payments, links;
