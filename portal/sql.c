#include "sql.h"

#define DEBTOR_OPEN_SQL \
    "WITH l AS (UPDATE links SET last_used_at = now() " \
    "WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() " \
    "RETURNING id, invoice_id), " \
    "a AS (INSERT INTO audit_events (actor, action, invoice_id, link_id, " \
    "client_addr) SELECT 'debtor', $2, invoice_id, id, $3 FROM l " \
    "WHERE $2::text IS NOT NULL) " \
    "SELECT l.id, i.id, i.number, i.currency, i.issued, i.due, c.name, " \
    "c.email, c.phone, c.language " \
    "FROM l JOIN invoices i ON i.id = l.invoice_id " \
    "JOIN customers c ON c.id = i.customer_id"

struct statement {
	const char	*name;
	const char	*text;
};

static const struct statement statements[SQL__MAX] = {
	[SQL_PING] = { "ping", "SELECT 1" },

	/* $1 actor, $2 staff id, $3 action, $4 invoice, $5 link, $6 detail, $7 address */
	[SQL_AUDIT] = { "audit",
	    "INSERT INTO audit_events (actor, staff_id, action, invoice_id, "
	    "link_id, detail, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7)" },

	/* portal-admin import: customers by their reference, invoices by number. */
	[SQL_CUSTOMER_GET] = { "customer_get",
	    "SELECT id, name, email, phone, language FROM customers WHERE ref = $1" },
	[SQL_CUSTOMER_INSERT] = { "customer_insert",
	    "INSERT INTO customers (ref, name, email, phone, language) "
	    "VALUES ($1, $2, $3, $4, $5) RETURNING id" },
	[SQL_CUSTOMER_UPDATE] = { "customer_update",
	    "UPDATE customers SET name = $2, email = $3, phone = $4, "
	    "language = $5 WHERE id = $1" },
	[SQL_IMPORT_INVOICE_GET] = { "import_invoice_get",
	    "SELECT id, import_hash FROM invoices WHERE number = $1 FOR UPDATE" },
	[SQL_IMPORT_INVOICE_INSERT] = { "import_invoice_insert",
	    "INSERT INTO invoices (number, customer_id, currency, issued, due, "
	    "import_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id" },
	[SQL_IMPORT_INVOICE_UPDATE] = { "import_invoice_update",
	    "UPDATE invoices SET customer_id = $2, currency = $3, issued = $4, "
	    "due = $5, import_hash = $6, updated_at = now() WHERE id = $1" },
	[SQL_IMPORT_CLEAR_ITEMS] = { "import_clear_items",
	    "WITH l AS (DELETE FROM invoice_lines WHERE invoice_id = $1), "
	    "f AS (DELETE FROM fees WHERE invoice_id = $1) "
	    "DELETE FROM payments WHERE invoice_id = $1" },
	[SQL_IMPORT_LINE] = { "import_line",
	    "INSERT INTO invoice_lines (invoice_id, position, description, "
	    "quantity_milli, unit_cents, total_cents) "
	    "VALUES ($1, $2, $3, $4, $5, $6)" },
	[SQL_IMPORT_FEE] = { "import_fee",
	    "INSERT INTO fees (invoice_id, position, description, amount_cents, "
	    "charged_on) VALUES ($1, $2, $3, $4, $5)" },
	[SQL_IMPORT_PAYMENT] = { "import_payment",
	    "INSERT INTO payments (invoice_id, position, description, "
	    "amount_cents, received_on) VALUES ($1, $2, $3, $4, $5)" },

	/* portal-admin link, revoke */
	[SQL_INVOICE_ID] = { "invoice_id",
	    "SELECT id FROM invoices WHERE number = $1" },
	/* $1 invoice, $2 token hash, $3 purpose, $4 lifetime in days */
	[SQL_LINK_INSERT] = { "link_insert",
	    "INSERT INTO links (invoice_id, token_hash, purpose, expires_at) "
	    "VALUES ($1, $2, $3, now() + make_interval(days => $4::int)) "
	    "RETURNING id" },
	[SQL_LINKS_REVOKE] = { "links_revoke",
	    "UPDATE links SET revoked_at = now() WHERE invoice_id = $1 "
	    "AND revoked_at IS NULL" },

	/*
	 * Debtor pages. Opening a link is one statement: find the link by
	 * the hash of its token (an index lookup), refuse it when revoked or
	 * expired, note when it was used, write the audit event ($2, unless
	 * NULL) and read the invoice. Unknown, revoked and expired tokens take
	 * the same path and return no row.
	 */
	[SQL_DEBTOR_OPEN] = { "debtor_open", DEBTOR_OPEN_SQL },
	/* The same, locking the invoice row: changes to one invoice queue up. */
	[SQL_DEBTOR_OPEN_LOCK] = { "debtor_open_lock",
	    DEBTOR_OPEN_SQL " FOR UPDATE OF i" },
	/* kind, description, quantity (lines), unit price (lines), amount, date */
	[SQL_DEBTOR_ITEMS] = { "debtor_items",
	    "SELECT 'line', position, description, quantity_milli, unit_cents, "
	    "total_cents, NULL::date FROM invoice_lines WHERE invoice_id = $1 "
	    "UNION ALL SELECT 'fee', position, description, NULL, NULL, "
	    "amount_cents, charged_on FROM fees WHERE invoice_id = $1 "
	    "UNION ALL SELECT 'payment', position, description, NULL, NULL, "
	    "amount_cents, received_on FROM payments WHERE invoice_id = $1 "
	    "ORDER BY 1, 2" },
	[SQL_DEBTOR_PLAN] = { "debtor_plan",
	    "SELECT p.id, p.frequency, p.installments, p.total_cents, "
	    "p.accepted_at::date, p.terms_version, i.seq, i.due_on, i.amount_cents "
	    "FROM plans p JOIN plan_installments i ON i.plan_id = p.id "
	    "WHERE p.invoice_id = $1 AND p.status = 'active' ORDER BY i.seq" },
	[SQL_DEBTOR_HARDSHIP] = { "debtor_hardship",
	    "SELECT h.created_at::date, h.callback_date, h.callback_window, "
	    "h.contact_method, h.status, EXISTS (SELECT 1 FROM reminder_holds r "
	    "WHERE r.invoice_id = $1 AND r.released_at IS NULL) "
	    "FROM hardship_requests h WHERE h.invoice_id = $1 "
	    "ORDER BY h.created_at DESC, h.id DESC LIMIT 1" },

	/* Plans */
	[SQL_PLAN_POLICY] = { "plan_policy",
	    "SELECT enabled, min_balance_cents, min_installment_cents, "
	    "max_installments, weekly, fortnightly, monthly, first_due_days, "
	    "terms_version FROM plan_policies WHERE currency = $1" },
	/* The unique index plans_one_active refuses a second active plan. */
	[SQL_PLAN_INSERT] = { "plan_insert",
	    "INSERT INTO plans (invoice_id, link_id, frequency, installments, "
	    "total_cents, currency, terms_version, client_addr, user_agent) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id" },
	/* $2, $3, $4: arrays of sequence numbers, due dates and amounts. */
	[SQL_PLAN_INSTALLMENTS] = { "plan_installments",
	    "INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents) "
	    "SELECT $1, s, d, a FROM unnest($2::int[], $3::date[], $4::bigint[]) "
	    "AS t(s, d, a)" },
	[SQL_PLAN_ICS] = { "plan_ics",
	    "SELECT p.id, to_char(p.accepted_at AT TIME ZONE 'UTC', "
	    "'YYYYMMDD\"T\"HH24MISS\"Z\"'), i.seq, i.due_on, i.amount_cents, "
	    "p.installments FROM plans p "
	    "JOIN plan_installments i ON i.plan_id = p.id "
	    "WHERE p.invoice_id = $1 AND p.status = 'active' ORDER BY i.seq" },

	/* Hardship notes; the hold pauses reminders until staff resolve it. */
	[SQL_HARDSHIP_INSERT] = { "hardship_insert",
	    "INSERT INTO hardship_requests (invoice_id, link_id, category, "
	    "message, contact_method, phone, callback_date, callback_window, "
	    "client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	    "RETURNING id" },
	[SQL_HOLD_INSERT] = { "hold_insert",
	    "INSERT INTO reminder_holds (invoice_id, hardship_id, reason) "
	    "VALUES ($1, $2, 'hardship')" },

	/* A message for portal-notify; the trigger on outbox wakes it on commit. */
	[SQL_OUTBOX_INSERT] = { "outbox_insert",
	    "INSERT INTO outbox (kind, invoice_id, recipient, subject, message) "
	    "VALUES ($1, $2, $3, $4, $5)" },

	/*
	 * portal-notify. A message is claimed (status 'sending') in its own
	 * statement before it is handed to sendmail, so no other notifier can
	 * take it; SKIP LOCKED lets several notifiers share the queue.
	 */
	[SQL_OUTBOX_CLAIM] = { "outbox_claim",
	    "UPDATE outbox SET status = 'sending', claimed_at = now(), "
	    "claimed_by = $1, attempts = attempts + 1 "
	    "WHERE id = (SELECT id FROM outbox WHERE status = 'queued' "
	    "AND next_attempt_at <= now() ORDER BY next_attempt_at, id "
	    "LIMIT 1 FOR UPDATE SKIP LOCKED) "
	    "RETURNING id, message, attempts" },
	[SQL_OUTBOX_SENT] = { "outbox_sent",
	    "UPDATE outbox SET status = 'sent', sent_at = now(), last_error = '' "
	    "WHERE id = $1 AND status = 'sending'" },
	/* $2: seconds until the next try; $3: attempts before giving up. */
	[SQL_OUTBOX_RETRY] = { "outbox_retry",
	    "UPDATE outbox SET status = CASE WHEN attempts >= $3::int "
	    "THEN 'failed' ELSE 'queued' END, "
	    "next_attempt_at = now() + make_interval(secs => $2::int), "
	    "last_error = $4, claimed_at = NULL, claimed_by = NULL "
	    "WHERE id = $1 AND status = 'sending'" },
	[SQL_OUTBOX_STUCK] = { "outbox_stuck",
	    "SELECT count(*) FROM outbox WHERE status = 'sending' "
	    "AND claimed_at < now() - interval '10 minutes'" },
};

const char *
sql_name(enum sql_query q)
{
	return statements[q].name;
}

const char *
sql_text(enum sql_query q)
{
	return statements[q].text;
}
