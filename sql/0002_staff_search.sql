-- Staff search by invoice number or customer name ("ruiz", "0147"): trigram
-- indexes keep a substring search an index lookup as the tables grow.
-- pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops);
CREATE INDEX invoices_number_trgm ON invoices USING gin (number gin_trgm_ops);
