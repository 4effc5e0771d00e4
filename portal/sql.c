#include <stddef.h>

#include "invoice.h"
#include "sql.h"

/*
 * What a debtor page reads of the link's invoice (shape OPENED), and
 * whether there is more to read: a plan (active or broken), a hardship
 * note, an open request or escalation (debtor_state's, issue 18: a view of
 * an invoice without them reads its items alone), and how many invoices
 * the customer owes (issue 16: the page links the statement when more
 * than one).
 */
#define DEBTOR_OPENED_COLUMNS \
    "SELECT l.id AS link_id, i.id AS invoice_id, i.number, i.currency, " \
    "i.issued, i.due, c.name, c.email, c.phone, c.language, c.timezone, " \
    "c.id AS customer_id, c.reminders_off_at IS NOT NULL AS reminders_off, " \
    "EXISTS (SELECT 1 FROM reminder_holds h WHERE h.invoice_id = i.id " \
    "AND h.kind IN ('hardship', 'dispute') AND h.released_at IS NULL " \
    "AND (h.until IS NULL OR h.until > now())) AS held, " \
    "(SELECT r.pay_by FROM reminders r WHERE r.invoice_id = i.id " \
    "AND r.outcome = 'sent' AND r.pay_by IS NOT NULL AND r.kind IN " \
    "('upcoming', 'due', 'overdue_1', 'overdue_2', 'final', 'plan_broken') " \
    "ORDER BY r.scheduled_on DESC, r.id DESC LIMIT 1) AS pay_by, " \
    "EXISTS (SELECT 1 FROM plans p WHERE p.invoice_id = i.id " \
    "AND p.status IN ('active', 'broken')) AS has_plan, " \
    "EXISTS (SELECT 1 FROM hardship_requests h WHERE h.invoice_id = i.id) " \
    "AS has_note, " \
    "(EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = i.id " \
    "AND d.status = 'open') OR EXISTS (SELECT 1 FROM payment_claims k " \
    "WHERE k.invoice_id = i.id AND k.status = 'open') OR EXISTS (SELECT 1 " \
    "FROM promises p WHERE p.invoice_id = i.id AND p.status = 'open') OR " \
    "EXISTS (SELECT 1 FROM escalations x WHERE x.invoice_id = i.id " \
    "AND x.status IN ('pending', 'escalated'))) AS has_state, " \
    "(SELECT count(*) FROM invoices o WHERE o.customer_id = i.customer_id " \
    "AND o.balance_cents > 0) AS open_invoices " \
    "FROM l JOIN invoices i ON i.id = l.invoice_id " \
    "JOIN customers c ON c.id = i.customer_id"

/*
 * The live link whose token hash is $1, looked up once per statement (an
 * index lookup), W more conditions: revoked and expired links read
 * nothing, like unknown ones, and take the same time. A token has one
 * link; LIMIT 1 says so to the planner, which would otherwise guess ten
 * (one per element of the array it cannot see), find the statement's
 * generic plan dearer than planning it for each request, and plan it again
 * every time, at more cost than running it (issue 18).
 */
#define DEBTOR_LINK_SQL(W) \
    "WITH l AS (SELECT id, invoice_id FROM links " \
    "WHERE token_hash = ANY ($1::bytea[]) AND revoked_at IS NULL " \
    "AND expires_at > now()" W " LIMIT 1)"

/*
 * A view: the link, its view record (an audit event, $2 the action, $3 the
 * client's address) and the invoice. Nothing is updated: a link's last use
 * is its latest view record (staff_links). The record's transaction, the
 * debtor page's pipeline and nothing else (debtor.c load() refuses to run
 * it inside an explicit transaction), commits without waiting for the WAL
 * flush: set_config(..., true) is SET LOCAL, in the statement itself so
 * that it takes no statement of its own. README.md, "Durability".
 */
#define DEBTOR_OPEN_SQL \
    DEBTOR_LINK_SQL("") ", " \
    "a AS (INSERT INTO audit_events (actor, action, invoice_id, link_id, " \
    "client_addr) SELECT 'debtor', $2, invoice_id, id, $3 FROM l " \
    "WHERE $2::text IS NOT NULL " \
    "AND set_config('synchronous_commit', 'off', true) = 'off') " \
    DEBTOR_OPENED_COLUMNS

/*
 * The same invoice, read without noting a use: for HEAD requests (link
 * scanners, previews), which are no view, and (locked) for the forms'
 * POSTs, whose own audit events say what they did. It takes debtor_open's
 * parameters; $2 and $3 are unused (num_nulls is always >= 0).
 */
#define DEBTOR_PEEK_SQL \
    DEBTOR_LINK_SQL(" AND num_nulls($2::text, $3::text) >= 0") " " \
    DEBTOR_OPENED_COLUMNS

/*
 * A LIKE pattern matching any text that contains parameter P literally:
 * its \, % and _ escaped (backslash is LIKE's default escape).
 */
#define LIKE_WITHIN(P) \
    "('%' || replace(replace(replace(" P "::text, '\\', '\\\\'), '%', " \
    "'\\%'), '_', '\\_') || '%')"

/*
 * An invoice's lines, fees, waivers and payments, one row each (shape
 * ITEM). Fees frozen by a hold (0018) are no item: staff read them apart.
 * Payments come from the invoice import and from bank statements (source,
 * 0012): numbered here by the day they arrived.
 */
#define ITEMS_SQL(ID) \
    "SELECT '" INVOICE_LINE_NAME "' AS kind, position, description, " \
    "quantity_milli, unit_cents, total_cents AS amount_cents, " \
    "NULL::date AS day FROM invoice_lines WHERE invoice_id = " ID " " \
    "UNION ALL SELECT '" INVOICE_FEE_NAME "', position, description, NULL, " \
    "NULL, amount_cents, charged_on FROM fees WHERE invoice_id = " ID " " \
    "AND NOT frozen " \
    "UNION ALL SELECT '" INVOICE_WAIVER_NAME "', (row_number() OVER " \
    "(ORDER BY created_at, id))::int, note, NULL, NULL, amount_cents, " \
    "created_at::date FROM fee_waivers WHERE invoice_id = " ID " " \
    "UNION ALL SELECT '" INVOICE_PAYMENT_NAME "', (row_number() OVER " \
    "(ORDER BY received_on, source DESC, position))::int, description, " \
    "NULL, NULL, amount_cents, received_on FROM payments " \
    "WHERE invoice_id = " ID " ORDER BY kind, position"

/*
 * WHERE of the open reminder hold of the invoice of proposal P (0024),
 * closing a data-modifying CTE.
 */
#define PROPOSAL_HOLD_OF(P) \
    "WHERE kind = 'proposal' AND released_at IS NULL AND invoice_id = " \
    "(SELECT invoice_id FROM plan_proposals WHERE id = " P ")) "

/*
 * A proposal with its invoice, customer and decider (shape STAFF_PROPOSAL);
 * a statement adds its WHERE.
 */
#define PROPOSAL_SELECT \
    "SELECT pp.id, pp.status, pp.frequency, pp.installments, " \
    "pp.first_due, pp.total_cents, pp.currency, " \
    "pp.created_at::date AS received_on, pp.invoice_id, " \
    "coalesce(pp.link_id::text, '') AS link_id, i.number, " \
    "c.name AS customer, c.email, c.language, pp.reason, " \
    "coalesce(u.name, '') AS decider, " \
    "coalesce(pp.decided_at, pp.created_at)::date AS decided_on, " \
    "coalesce(pp.counter_frequency, '') AS counter_frequency, " \
    "coalesce(pp.counter_installments, 0) AS counter_installments, " \
    "coalesce(pp.counter_first_due, pp.first_due) AS counter_first_due " \
    "FROM plan_proposals pp JOIN invoices i ON i.id = pp.invoice_id " \
    "JOIN customers c ON c.id = i.customer_id " \
    "LEFT JOIN staff_users u ON u.id = pp.decided_by "

/*
 * The last use of each link of invoice $1: its latest view record (the
 * audit events debtor_open writes; 0021 dropped links.last_used_at, which
 * every view used to update). Read through audit_events_invoice.
 */
#define LINK_LAST_VIEW_SQL \
    "(SELECT link_id, max(at) AS at FROM audit_events WHERE invoice_id = $1 " \
    "AND actor = 'debtor' AND link_id IS NOT NULL GROUP BY link_id)"

/* An invoice number's key (payref.h), as indexed by 0012's invoices_payref_key. */
#define PAYREF_KEY_SQL "upper(regexp_replace(number, '[^A-Za-z0-9]', '', 'g'))"
/*
 * POST /u/{token}: reminder emails off (or back on) for the customer of
 * the unsubscribe link whose token hash is $1, in one statement: the
 * customer, the link's first use and an audit event ($2 the client's
 * address, $3 how: "one-click" or "page"), written only when it changes
 * something, so a second POST (or two at once: the row lock makes the
 * second see the first) changes nothing. No row: no such link.
 */
#define UNSUBSCRIBE_SQL(SET, WHEN, ACTION, OFF) \
    "WITH u AS (SELECT id, customer_id, invoice_id FROM unsubscribe_links " \
    "WHERE token_hash = ANY ($1::bytea[])), " \
    "c AS (UPDATE customers c SET reminders_off_at = " SET " FROM u " \
    "WHERE c.id = u.customer_id AND c.reminders_off_at " WHEN " RETURNING c.id), " \
    "s AS (UPDATE unsubscribe_links l SET used_at = now() FROM u " \
    "WHERE l.id = u.id AND l.used_at IS NULL AND " OFF " RETURNING l.id), " \
    "a AS (INSERT INTO audit_events (actor, action, invoice_id, detail, " \
    "client_addr) SELECT 'debtor', '" ACTION "', u.invoice_id, " \
    "'unsubscribe link ' || u.id || ', ' || $3::text, $2 FROM u " \
    "WHERE EXISTS (SELECT 1 FROM c)) " \
    "SELECT u.id, k.name, k.language, " OFF " AS reminders_off, " \
    "EXISTS (SELECT 1 FROM c) AS changed FROM u " \
    "JOIN customers k ON k.id = u.customer_id"

/*
 * portal-admin remind: every invoice whose due step is not done yet, in
 * one statement ($1 now, $2 the config's time zone). Per invoice: its
 * customer's zone and local day; its cadence (the customer group's, else
 * the currency's, else the default); the latest step whose day has come
 * (never an older one: a run after days of silence sends one message,
 * not a burst); and, with an active plan, its first pending event (the
 * break after misses_to_break misses, the latest missed installment, an
 * installment due within 3 days). A plan event comes first; the step key
 * (unique per invoice in reminders) says whether it was done. The facts
 * for remind_decide() are read only for the invoices left.
 */
#define REMIND_DUE_SQL \
    "WITH b AS (SELECT i.id, i.number, i.currency, i.issued, i.due, " \
    "c.id AS customer_id, c.name, c.email, c.language, c.customer_group, " \
    "c.reminders_off_at IS NOT NULL AS opted_out, " \
    "i.escalated_at IS NOT NULL AS escalated, z.zone, " \
    "($1::timestamptz AT TIME ZONE z.zone) AS local_now " \
    "FROM invoices i JOIN customers c ON c.id = i.customer_id " \
    "CROSS JOIN LATERAL (SELECT coalesce(nullif(c.timezone, ''), $2::text) " \
    "AS zone) z), " \
    "s AS (SELECT b.*, b.local_now::date AS lt, st.kind AS step_kind, " \
    "st.key AS step_key, st.on_day, st.pay_within_days, st.escalate_on, " \
    "pe.plan_id, pe.kind AS plan_kind, pe.key AS plan_key, pe.seq " \
    "FROM b CROSS JOIN LATERAL (SELECT id FROM cadences k " \
    "WHERE k.customer_group = nullif(b.customer_group, '') " \
    "OR k.currency = b.currency " \
    "OR (k.currency IS NULL AND k.customer_group IS NULL) " \
    "ORDER BY k.customer_group IS NULL, k.currency IS NULL LIMIT 1) k " \
    "LEFT JOIN LATERAL (SELECT cs.kind, cs.kind || '@' || cs.offset_days AS key, " \
    "b.due + cs.offset_days AS on_day, cs.pay_within_days, " \
    "(SELECT b.due + e.offset_days FROM cadence_steps e " \
    "WHERE e.cadence_id = k.id AND e.kind = 'escalate') AS escalate_on " \
    "FROM cadence_steps cs WHERE cs.cadence_id = k.id " \
    "AND b.due + cs.offset_days <= b.local_now::date " \
    "ORDER BY cs.position DESC LIMIT 1) st ON true " \
    "LEFT JOIN LATERAL (SELECT p.id AS plan_id, e.kind, e.seq, " \
    "'plan:' || p.id || coalesce(':' || e.seq, '') || ':' || e.tag AS key " \
    "FROM plans p JOIN plan_policies pp ON pp.currency = p.currency " \
    "CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE x.missed) AS misses, " \
    "max(x.seq) FILTER (WHERE x.missed) AS missed_seq, " \
    "min(x.seq) FILTER (WHERE x.soon) AS soon_seq " \
    "FROM (SELECT ps.seq, ps.paid_cents < ps.amount_cents " \
    "AND ps.due_on + pp.missed_after_days <= b.local_now::date AS missed, " \
    "ps.paid_cents < ps.amount_cents AND ps.due_on >= b.local_now::date " \
    "AND ps.due_on - 3 <= b.local_now::date AS soon " \
    "FROM plan_installment_status ps WHERE ps.plan_id = p.id) x) m " \
    "CROSS JOIN LATERAL (VALUES " \
    "(1, CASE WHEN m.misses >= pp.misses_to_break THEN 'plan_broken' END, " \
    "NULL::int, 'broken'), " \
    "(2, CASE WHEN m.misses > 0 THEN 'installment_missed' END, m.missed_seq, " \
    "'missed'), " \
    "(3, CASE WHEN m.soon_seq IS NOT NULL THEN 'installment_upcoming' END, " \
    "m.soon_seq, 'upcoming')) e (prio, kind, seq, tag) " \
    "WHERE p.invoice_id = b.id AND p.status = 'active' AND e.kind IS NOT NULL " \
    "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.invoice_id = b.id " \
    "AND r.step_key = 'plan:' || p.id || coalesce(':' || e.seq, '') || ':' || e.tag) " \
    "ORDER BY e.prio LIMIT 1) pe ON true) " \
    "SELECT s.id AS invoice_id, s.number, s.currency, s.issued, s.due, " \
    "s.customer_id, s.name, s.email, s.language, s.zone, " \
    "coalesce(s.plan_key, s.step_key) AS step_key, " \
    "coalesce(s.plan_kind, s.step_kind) AS kind, " \
    "CASE WHEN s.plan_key IS NOT NULL THEN s.lt ELSE s.on_day END AS scheduled_on, " \
    "CASE WHEN s.plan_kind = 'installment_upcoming' THEN (SELECT due_on " \
    "FROM plan_installments WHERE plan_id = s.plan_id AND seq = s.seq) " \
    "WHEN s.plan_key IS NOT NULL THEN s.lt + 7 " \
    "ELSE greatest(s.lt + s.pay_within_days, s.due, CASE WHEN s.step_kind = " \
    "'final' THEN s.escalate_on END, (SELECT (max(x.resolved_at) AT TIME ZONE " \
    "s.zone)::date + 7 FROM disputes x WHERE x.invoice_id = s.id " \
    "AND x.status = 'rejected')) END AS pay_by, " \
    "s.escalate_on AS recovery_on, s.plan_id, s.seq, " \
    "((SELECT coalesce(sum(total_cents), 0) FROM invoice_lines " \
    "WHERE invoice_id = s.id) + (SELECT coalesce(sum(amount_cents), 0) " \
    "FROM fees WHERE invoice_id = s.id AND NOT frozen) - " \
    "(SELECT coalesce(sum(amount_cents), 0) FROM fee_waivers " \
    "WHERE invoice_id = s.id) - (SELECT coalesce(sum(amount_cents), 0) " \
    "FROM payments WHERE invoice_id = s.id))::bigint AS balance, " \
    "coalesce((SELECT h.kind FROM reminder_holds h WHERE h.invoice_id = s.id " \
    "AND h.released_at IS NULL AND (h.until IS NULL OR h.until > $1::timestamptz) " \
    "ORDER BY h.id LIMIT 1), '') AS hold, " \
    "EXISTS (SELECT 1 FROM plans p WHERE p.invoice_id = s.id " \
    "AND p.status = 'active') AS plan_active, s.opted_out, " \
    "(SELECT extract(epoch FROM max(done_at))::bigint FROM reminders r " \
    "WHERE r.invoice_id = s.id AND r.outcome = 'sent') AS last_sent, " \
    "extract(hour FROM s.local_now)::int AS local_hour, s.lt AS local_today, " \
    "to_char(s.local_now, 'YYYY-MM-DD HH24:MI') AS local_time, " \
    "extract(epoch FROM (s.lt + time '08:00') AT TIME ZONE s.zone)::bigint " \
    "AS today_first, " \
    "extract(epoch FROM (s.lt + 1 + time '08:00') AT TIME ZONE s.zone)::bigint " \
    "AS tomorrow_first, " \
    "(SELECT max(pay_by) FROM reminders r WHERE r.invoice_id = s.id " \
    "AND r.kind = 'final' AND r.outcome = 'sent') AS final_pay_by, " \
    "(SELECT reason FROM reminder_skips k WHERE k.invoice_id = s.id " \
    "AND k.step_key = coalesce(s.plan_key, s.step_key)) AS skip_reason, " \
    "s.escalated " \
    "FROM s WHERE s.plan_key IS NOT NULL OR (s.step_key IS NOT NULL " \
    "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.invoice_id = s.id " \
    "AND r.step_key = s.step_key)) ORDER BY s.id"

/*
 * A hardship request's version for the staff forms drawn from it: its
 * last change, in microseconds. A form posted with another is stale (409).
 */
#define REQUEST_VERSION_SQL \
    "(extract(epoch FROM h.updated_at) * 1000000)::bigint::text"
/*
 * The balance of invoice ID, in cents: the one the triggers of 0013 and
 * 0018 keep (lines, fees not frozen by a hold, less payments and waivers).
 */
#define BALANCE_OF(ID) \
    "(SELECT balance_cents FROM invoices WHERE id = " ID ")"
/* The balance of escalation e's invoice is settled (issue 14). */
#define ESCALATION_PAID_SQL BALANCE_OF("e.invoice_id") " <= 0"

struct statement {
	const char	*name;
	enum sql_shape	 shape;
	const char	*text;
};

#define NONE	SQL_SHAPE_NONE

static const struct statement statements[SQL__MAX] = {
	[SQL_PING] = { "ping", SQL_SHAPE_FLAG, "SELECT true AS value" },

	/* $1 actor, $2 staff id, $3 action, $4 invoice, $5 link, $6 detail, $7 address */
	[SQL_AUDIT] = { "audit", NONE,
	    "INSERT INTO audit_events (actor, staff_id, action, invoice_id, "
	    "link_id, detail, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7)" },

	/* Transactions (db_begin, db_commit, db_rollback). */
	[SQL_BEGIN] = { "begin", NONE, "BEGIN" },
	[SQL_COMMIT] = { "commit", NONE, "COMMIT" },
	[SQL_ROLLBACK] = { "rollback", NONE, "ROLLBACK" },

	/*
	 * portal-admin migrate: the bookkeeping around each migration file,
	 * whose own text runs through db_script(). Concurrent runs queue up
	 * on one advisory lock (any constant shared by all runs).
	 */
	[SQL_MIGRATE_QUIET] = { "migrate_quiet", NONE,
	    "SET client_min_messages = warning" },
	[SQL_MIGRATE_TABLE] = { "migrate_table", NONE,
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())" },
	[SQL_MIGRATE_LOCK] = { "migrate_lock", SQL_SHAPE_FLAG,
	    "SELECT true AS value FROM pg_advisory_xact_lock(x'7375626c65'::bigint)" },
	[SQL_MIGRATE_APPLIED] = { "migrate_applied", SQL_SHAPE_FLAG,
	    "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1) "
	    "AS value" },
	[SQL_MIGRATE_RECORD] = { "migrate_record", NONE,
	    "INSERT INTO schema_migrations (version) VALUES ($1)" },

	/* portal-admin import: customers by their reference, invoices by number. */
	[SQL_CUSTOMER_GET] = { "customer_get", SQL_SHAPE_CUSTOMER,
	    "SELECT id, name, email, phone, language, timezone FROM customers "
	    "WHERE ref = $1" },
	[SQL_CUSTOMER_INSERT] = { "customer_insert", SQL_SHAPE_KEY,
	    "INSERT INTO customers (ref, name, email, phone, language, timezone) "
	    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id" },
	[SQL_CUSTOMER_UPDATE] = { "customer_update", NONE,
	    "UPDATE customers SET name = $2, email = $3, phone = $4, "
	    "language = $5, timezone = $6 WHERE id = $1" },
	[SQL_IMPORT_INVOICE_GET] = { "import_invoice_get", SQL_SHAPE_IMPORTED,
	    "SELECT id, import_hash FROM invoices WHERE number = $1 FOR UPDATE" },
	[SQL_IMPORT_INVOICE_INSERT] = { "import_invoice_insert", SQL_SHAPE_KEY,
	    "INSERT INTO invoices (number, customer_id, currency, issued, due, "
	    "import_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id" },
	[SQL_IMPORT_INVOICE_UPDATE] = { "import_invoice_update", NONE,
	    "UPDATE invoices SET customer_id = $2, currency = $3, issued = $4, "
	    "due = $5, import_hash = $6, updated_at = now() WHERE id = $1" },
	[SQL_IMPORT_CLEAR_ITEMS] = { "import_clear_items", NONE,
	    "WITH l AS (DELETE FROM invoice_lines WHERE invoice_id = $1 "
	    "AND source = 'import'), "
	    "f AS (DELETE FROM fees WHERE invoice_id = $1) "
	    "DELETE FROM payments WHERE invoice_id = $1 AND source = 'import'" },
	[SQL_IMPORT_LINE] = { "import_line", NONE,
	    "INSERT INTO invoice_lines (invoice_id, position, description, "
	    "quantity_milli, unit_cents, total_cents) "
	    "VALUES ($1, $2, $3, $4, $5, $6)" },
	/*
	 * A fee dated inside a hardship or dispute hold (from the hold's day
	 * to the day it was released or ends) is frozen: out of the balance.
	 */
	[SQL_IMPORT_FEE] = { "import_fee", SQL_SHAPE_FLAG,
	    "INSERT INTO fees (invoice_id, position, description, amount_cents, "
	    "charged_on, frozen) VALUES ($1, $2, $3, $4, $5, EXISTS (SELECT 1 "
	    "FROM reminder_holds h WHERE h.invoice_id = $1::bigint "
	    "AND h.kind IN ('hardship', 'dispute') "
	    "AND h.created_at::date <= $5::date "
	    "AND $5::date < coalesce(least(h.released_at, h.until), "
	    "'infinity')::date)) RETURNING frozen AS value" },
	[SQL_IMPORT_PAYMENT] = { "import_payment", NONE,
	    "INSERT INTO payments (invoice_id, position, description, "
	    "amount_cents, received_on) VALUES ($1, $2, $3, $4, $5)" },

	/* portal-admin link, revoke */
	[SQL_INVOICE_ID] = { "invoice_id", SQL_SHAPE_KEY,
	    "SELECT id FROM invoices WHERE number = $1" },
	/* $1 invoice, $2 token hash, $3 purpose, $4 lifetime in days */
	[SQL_LINK_INSERT] = { "link_insert", SQL_SHAPE_KEY,
	    "INSERT INTO links (invoice_id, token_hash, purpose, expires_at) "
	    "VALUES ($1, $2, $3, now() + make_interval(days => $4::int)) "
	    "RETURNING id" },
	/* How many links were revoked. */
	[SQL_LINKS_REVOKE] = { "links_revoke", SQL_SHAPE_COUNT,
	    "WITH r AS (UPDATE links SET revoked_at = now() WHERE invoice_id = $1 "
	    "AND revoked_at IS NULL RETURNING 1) SELECT count(*) AS value FROM r" },

	/*
	 * Debtor pages. Opening a link is one statement: find the link by
	 * the hash of its token (an index lookup), refuse it when revoked or
	 * expired, write the view record (an audit event, $2, unless NULL)
	 * and read the invoice. Unknown, revoked and expired tokens take
	 * the same path and return no row.
	 */
	[SQL_DEBTOR_OPEN] = { "debtor_open", SQL_SHAPE_OPENED, DEBTOR_OPEN_SQL },
	[SQL_DEBTOR_PEEK] = { "debtor_peek", SQL_SHAPE_OPENED, DEBTOR_PEEK_SQL },
	/* The same, locking the invoice row: changes to one invoice queue up. */
	[SQL_DEBTOR_OPEN_LOCK] = { "debtor_open_lock", SQL_SHAPE_OPENED,
	    DEBTOR_PEEK_SQL " FOR UPDATE OF i" },
	/*
	 * What the debtor pages show of invoice $1, read in one pipeline once
	 * debtor_open has found the link's invoice (pages/debtor.c load()):
	 * the link is looked up once per page, and an unknown one costs that
	 * one statement. The lines, fees and payments are invoice_items.
	 *
	 * debtor_plan: the active plan, else the latest broken one (issue 13:
	 * the page says it broke), with what has been paid towards each
	 * installment.
	 */
	[SQL_DEBTOR_PLAN] = { "debtor_plan", SQL_SHAPE_SCHEDULE,
	    "SELECT p.id AS plan_id, p.status, p.frequency, p.installments, "
	    "p.total_cents, p.accepted_at::date AS accepted_on, p.terms_version, "
	    "to_char(p.accepted_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"') "
	    "AS stamp, i.seq, i.due_on, i.amount_cents, i.paid_cents::bigint AS paid_cents "
	    "FROM plans p JOIN plan_installment_status i ON i.plan_id = p.id "
	    "WHERE p.id = (SELECT id FROM plans WHERE invoice_id = $1 "
	    "AND status IN ('active', 'broken') "
	    "ORDER BY status = 'active' DESC, accepted_at DESC, id DESC LIMIT 1) "
	    "ORDER BY i.seq" },
	[SQL_DEBTOR_HARDSHIP] = { "debtor_hardship", SQL_SHAPE_DEBTOR_NOTE,
	    "SELECT h.created_at::date AS received_on, h.callback_date, "
	    "h.callback_window, h.contact_method, h.status, EXISTS (SELECT 1 "
	    "FROM reminder_holds r WHERE r.invoice_id = h.invoice_id AND "
	    "r.released_at IS NULL AND (r.until IS NULL OR r.until > now())) "
	    "AS paused, coalesce(h.outcome, '') AS outcome, h.outcome_note, "
	    "h.paused_until "
	    "FROM hardship_requests h WHERE h.invoice_id = $1 "
	    "ORDER BY h.created_at DESC, h.id DESC LIMIT 1" },
	/*
	 * What else stands on invoice $1: the debtor's open
	 * dispute, payment claim (while its hold lasts) and promise
	 * (issue 15), and an escalation a manager approved (issue 14). One
	 * row; part of the invoice page's pipeline when debtor_open says
	 * has_state.
	 */
	[SQL_DEBTOR_STATE] = { "debtor_state", SQL_SHAPE_DEBTOR_STATE,
	    "WITH l AS (SELECT $1::bigint AS invoice_id) "
	    "SELECT d.id IS NOT NULL AS dispute, "
	    "d.created_at::date AS dispute_on, k.id IS NOT NULL AS claim, "
	    "k.created_at::date AS claim_on, p.pay_on AS promise_on, "
	    "p.amount_cents AS promise_cents, "
	    "coalesce(e.status, '') AS escalation_status, "
	    "e.on_date AS escalation_on, coalesce(e.agency, '') AS escalation_agency "
	    "FROM l LEFT JOIN disputes d ON d.invoice_id = l.invoice_id "
	    "AND d.status = 'open' "
	    "LEFT JOIN payment_claims k ON k.invoice_id = l.invoice_id "
	    "AND k.status = 'open' AND EXISTS (SELECT 1 FROM reminder_holds h "
	    "WHERE h.id = k.hold_id AND h.released_at IS NULL AND h.until > now()) "
	    "LEFT JOIN promises p ON p.invoice_id = l.invoice_id "
	    "AND p.status = 'open' "
	    "LEFT JOIN LATERAL (SELECT status, on_date, agency FROM escalations x "
	    "WHERE x.invoice_id = l.invoice_id AND x.status IN ('pending', "
	    "'escalated') ORDER BY x.id DESC LIMIT 1) e ON true" },
	/* Lines, fees and payments of invoice $1 (debtor and staff pages). */
	[SQL_INVOICE_ITEMS] = { "invoice_items", SQL_SHAPE_ITEM, ITEMS_SQL("$1") },

	/*
	 * Every open invoice of customer $1 with its state: the active (or
	 * broken) plan, the open hold's kind, an open escalation. Oldest due
	 * first; one customer owes at most a few hundred.
	 */
	[SQL_ACCOUNT_INVOICES] = { "account_invoices", SQL_SHAPE_ACCOUNT,
	    "SELECT i.number, i.currency, i.due, i.balance_cents, "
	    "(SELECT ref FROM customers WHERE id = i.customer_id) AS customer_ref, "
	    "coalesce((SELECT p.status FROM plans p WHERE p.invoice_id = i.id "
	    "AND p.status IN ('active', 'broken') ORDER BY p.status = 'active' "
	    "DESC, p.accepted_at DESC LIMIT 1), '') AS plan, "
	    "coalesce((SELECT h.kind FROM reminder_holds h WHERE "
	    "h.invoice_id = i.id AND h.released_at IS NULL AND (h.until IS NULL "
	    "OR h.until > now()) ORDER BY h.id DESC LIMIT 1), '') AS hold, "
	    "EXISTS (SELECT 1 FROM tasks t WHERE t.invoice_id = i.id AND "
	    "t.kind = 'escalate' AND t.status = 'open') AS escalated "
	    "FROM invoices i WHERE i.customer_id = $1 AND i.balance_cents > 0 "
	    "ORDER BY i.due, i.number LIMIT 500" },
	/*
	 * /i/{token}/account/{number}: a link of its own for invoice $2 when
	 * it is the same customer's as the live link of token hash $1 ($3 the
	 * new link's hash, $4 the client's address), lasting no longer than
	 * that link, with its audit event. The number must match exactly; no
	 * row for anything else (another customer's, unknown, a dead link).
	 */
	[SQL_ACCOUNT_LINK] = { "account_link", SQL_SHAPE_KEY,
	    "WITH l AS (SELECT l.id, l.expires_at, i.customer_id FROM links l "
	    "JOIN invoices i ON i.id = l.invoice_id WHERE "
	    "l.token_hash = ANY ($1::bytea[]) AND l.revoked_at IS NULL "
	    "AND l.expires_at > now()), "
	    "s AS (SELECT i.id FROM invoices i JOIN l ON "
	    "i.customer_id = l.customer_id WHERE i.number = $2::text), "
	    "n AS (INSERT INTO links (invoice_id, token_hash, purpose, expires_at) "
	    "SELECT s.id, $3, 'account', l.expires_at FROM s, l "
	    "RETURNING id, invoice_id), "
	    "a AS (INSERT INTO audit_events (actor, action, invoice_id, link_id, "
	    "detail, client_addr) SELECT 'debtor', 'account.opened', n.invoice_id, "
	    "n.id, 'from the statement of link ' || l.id, $4 FROM n, l) "
	    "SELECT id FROM n" },

	/*
	 * "Email me a copy" (issue 16): the latest confirmation of kind $2
	 * ("plan_confirm": outbox kinds are written "plan.confirm" or
	 * "plan_confirm") for invoice $1 that was composed, copies aside.
	 */
	[SQL_COPY_SOURCE] = { "copy_source", SQL_SHAPE_COPY_SOURCE,
	    "SELECT id, message FROM outbox WHERE invoice_id = $1 "
	    "AND replace(kind, '.', '_') = $2::text AND copy_of IS NULL "
	    "AND status <> 'failed' AND message <> '' ORDER BY id DESC LIMIT 1" },
	/* Copies of that kind in the last day; "again" in time zone $3. */
	[SQL_COPY_COUNT] = { "copy_count", SQL_SHAPE_COPIES,
	    "SELECT count(*) AS n, coalesce(to_char((min(created_at) + "
	    "interval '1 day') AT TIME ZONE $3::text, 'YYYY-MM-DD HH24:MI'), '') "
	    "AS again FROM outbox WHERE invoice_id = $1 AND copy_of IS NOT NULL "
	    "AND replace(kind, '.', '_') = $2::text "
	    "AND created_at > now() - interval '1 day'" },
	/*
	 * The copy of message $1 to $2 (the address on file), text $3, and
	 * its audit event ($4 the link, $5 the client's address).
	 */
	[SQL_COPY_INSERT] = { "copy_insert", SQL_SHAPE_KEY,
	    "WITH o AS (INSERT INTO outbox (kind, invoice_id, recipient, subject, "
	    "message, copy_of) SELECT kind, invoice_id, $2, subject, $3, id "
	    "FROM outbox WHERE id = $1 RETURNING id, invoice_id, kind) "
	    "INSERT INTO audit_events (actor, action, invoice_id, link_id, "
	    "detail, client_addr) SELECT 'debtor', 'confirmation.copied', "
	    "invoice_id, $4, kind || ': message ' || $1 || ' copied as ' || id, "
	    "$5 FROM o RETURNING id" },

	/* Plans */
#define POLICY_SELECT \
    "SELECT enabled, min_balance_cents, min_installment_cents, " \
    "max_installments, weekly, fortnightly, monthly, first_due_days, " \
    "terms_version FROM plan_policies "
	[SQL_PLAN_POLICY] = { "plan_policy", SQL_SHAPE_POLICY,
	    POLICY_SELECT "WHERE currency = $1" },
	/* The policy of invoice $1's currency: in the plan page's pipeline. */
	[SQL_INVOICE_POLICY] = { "invoice_policy", SQL_SHAPE_POLICY,
	    POLICY_SELECT "WHERE currency = "
	    "(SELECT currency FROM invoices WHERE id = $1)" },
	/* The unique index plans_one_active refuses a second active plan. */
	[SQL_PLAN_INSERT] = { "plan_insert", SQL_SHAPE_KEY,
	    "INSERT INTO plans (invoice_id, link_id, frequency, installments, "
	    "total_cents, currency, terms_version, client_addr, user_agent) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id" },
	/* $2, $3, $4: arrays of sequence numbers, due dates and amounts. */
	[SQL_PLAN_INSTALLMENTS] = { "plan_installments", NONE,
	    "INSERT INTO plan_installments (plan_id, seq, due_on, amount_cents) "
	    "SELECT $1, s, d, a FROM unnest($2::int[], $3::date[], $4::bigint[]) "
	    "AS t(s, d, a)" },
	/*
	 * A plan of one's own outside policy, and its staff task (ref_id) in
	 * one statement. The unique index plan_proposals_one_open refuses a
	 * second proposal under review.
	 */
	[SQL_PROPOSAL_INSERT] = { "proposal_insert", SQL_SHAPE_KEY,
	    "WITH p AS (INSERT INTO plan_proposals (invoice_id, link_id, "
	    "frequency, installments, first_due, first_amount_cents, "
	    "amount_cents, total_cents, currency, client_addr) VALUES ($1, $2, "
	    "$3, $4, $5, $6, $7, $8, $9, $10) RETURNING id), "
	    "t AS (INSERT INTO tasks (invoice_id, kind, reason, due_on, ref_id) "
	    "SELECT $1, 'proposal', 'own plan proposed', $11, id FROM p), "
	    "h AS (INSERT INTO reminder_holds (invoice_id, kind, reason, until) "
	    "VALUES ($1, 'proposal', 'proposal', now() + interval '14 days')) "
	    "SELECT id FROM p" },
	/* The invoice's proposal under review (or countered, open on $2), if any. */
	[SQL_PROPOSAL_OPEN] = { "proposal_open", SQL_SHAPE_PROPOSAL,
	    "SELECT id, status, frequency, installments, first_due, "
	    "total_cents, created_at::date AS received_on, "
	    "coalesce(counter_frequency, '') AS counter_frequency, "
	    "coalesce(counter_installments, 0) AS counter_installments, "
	    "coalesce(counter_first_due, first_due) AS counter_first_due, "
	    "coalesce(decided_at, created_at)::date AS decided_on "
	    "FROM plan_proposals WHERE invoice_id = $1 AND (status = 'open' "
	    "OR status = 'countered' AND counter_first_due >= $2::date)" },
	/*
	 * Counter-offers of invoice $1 whose first payment date passed before
	 * $2 (today) lapse, so that the debtor may propose again.
	 */
	[SQL_PROPOSAL_LAPSE] = { "proposal_lapse", NONE,
	    "UPDATE plan_proposals SET status = 'withdrawn' WHERE invoice_id = $1 "
	    "AND status = 'countered' AND counter_first_due < $2::date" },
	/*
	 * A proposal for the staff page, its row locked (FOR UPDATE) so two
	 * decisions on it queue and the second sees the first.
	 */
	[SQL_PROPOSAL_GET] = { "proposal_get", SQL_SHAPE_STAFF_PROPOSAL,
	    PROPOSAL_SELECT "WHERE pp.id = $1 FOR UPDATE OF pp" },
	/* A counter-offer by the hashes of its token ($1, token_lookup). */
	[SQL_COUNTER_GET] = { "counter_get", SQL_SHAPE_STAFF_PROPOSAL,
	    PROPOSAL_SELECT "WHERE pp.counter_token_hash = ANY ($1::bytea[])" },
	/* The same, locked: two clicks on the mail's button queue here. */
	[SQL_COUNTER_LOCK] = { "counter_lock", SQL_SHAPE_STAFF_PROPOSAL,
	    PROPOSAL_SELECT "WHERE pp.counter_token_hash = ANY ($1::bytea[]) "
	    "FOR UPDATE OF pp" },
	/*
	 * A decision: $1 proposal, $2 status, $3 staff id, $4 reason, $5 plan
	 * (or NULL); its 'proposal' task is done and its hold released by the
	 * same person.
	 */
	[SQL_PROPOSAL_DECIDE] = { "proposal_decide", NONE,
	    "WITH t AS (UPDATE tasks SET status = 'done', done_at = now(), "
	    "done_by = $3, version = version + 1 WHERE kind = 'proposal' "
	    "AND ref_id = $1 AND status = 'open'), "
	    "h AS (UPDATE reminder_holds SET released_at = now(), released_by = $3 "
	    PROPOSAL_HOLD_OF("$1")
	    "UPDATE plan_proposals SET status = $2, decided_at = now(), "
	    "decided_by = $3, reason = $4, plan_id = $5 WHERE id = $1" },
	/*
	 * A counter-offer: $1 proposal, $2 staff id, $3 note for the debtor,
	 * $4 frequency, $5 installments, $6 first due, $7 token hash; the
	 * 'proposal' task is done (the debtor's move now), and the hold lasts
	 * until the offer lapses.
	 */
	[SQL_PROPOSAL_COUNTER] = { "proposal_counter", NONE,
	    "WITH t AS (UPDATE tasks SET status = 'done', done_at = now(), "
	    "done_by = $2, version = version + 1 WHERE kind = 'proposal' "
	    "AND ref_id = $1 AND status = 'open'), "
	    "h AS (UPDATE reminder_holds SET until = ($6::date + 1)::timestamptz "
	    PROPOSAL_HOLD_OF("$1")
	    "UPDATE plan_proposals SET status = 'countered', decided_at = now(), "
	    "decided_by = $2, reason = $3, counter_frequency = $4, "
	    "counter_installments = $5, counter_first_due = $6, "
	    "counter_token_hash = $7 WHERE id = $1" },
	/* The debtor accepted counter-offer $1: plan $2 is its schedule. */
	[SQL_COUNTER_ACCEPT] = { "counter_accept", NONE,
	    "WITH h AS (UPDATE reminder_holds SET released_at = now() "
	    PROPOSAL_HOLD_OF("$1")
	    "UPDATE plan_proposals SET status = 'accepted', plan_id = $2 "
	    "WHERE id = $1 AND status = 'countered'" },

	/* Hardship notes; the hold pauses reminders until staff resolve it. */
	[SQL_HARDSHIP_INSERT] = { "hardship_insert", SQL_SHAPE_KEY,
	    "INSERT INTO hardship_requests (invoice_id, link_id, category, "
	    "message, contact_method, phone, callback_date, callback_window, "
	    "client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	    "RETURNING id" },
	[SQL_HOLD_INSERT] = { "hold_insert", NONE,
	    "INSERT INTO reminder_holds (invoice_id, hardship_id, kind, reason) "
	    "VALUES ($1, $2, 'hardship', 'hardship')" },

	/*
	 * Staff. Times are shown in the business's time zone, which each
	 * connection sets (db.c); "age" is seconds since, for "2 hours ago".
	 */
	/* $4: the role, clerk or manager (role.h; issue 14). */
	[SQL_STAFF_ADD] = { "staff_add", SQL_SHAPE_KEY,
	    "INSERT INTO staff_users (email, name, password_hash, role) "
	    "VALUES ($1, $2, $3, $4) RETURNING id" },
	[SQL_STAFF_BY_EMAIL] = { "staff_by_email", SQL_SHAPE_CREDENTIALS,
	    "SELECT id, password_hash, EXISTS (SELECT 1 FROM staff_totp t "
	    "WHERE t.staff_id = staff_users.id) AS totp FROM staff_users "
	    "WHERE lower(email) = lower($1) AND NOT disabled" },
	/*
	 * Counts an attempt before the password or code is checked, atomically
	 * (sql/0009_signin.sql): $1 'pair' (password) or 'code', $2 email,
	 * $3 address, $4 window (minutes), $5 limit of the pair or code,
	 * $6 per address, $7 per account.
	 */
	[SQL_LOGIN_ATTEMPT] = { "login_attempt", SQL_SHAPE_ATTEMPT,
	    "SELECT login_attempt($1, $2, $3, $4::int, $5::int, $6::int, $7::int) "
	    "AS admitted" },
	/* A full sign-in ($1 email from $2) clears that pair and the code count; old windows go. */
	[SQL_LOGIN_THROTTLE_CLEAR] = { "login_throttle_clear", NONE,
	    "DELETE FROM login_throttle WHERE (kind = 'pair' AND account = lower($1) "
	    "AND address = $2) OR (kind = 'code' AND account = lower($1)) "
	    "OR started_at < now() - make_interval(mins => $3::int)" },
	/* $1 hash of the challenge id, $2 staff, $3 lifetime (minutes), $4 address */
	[SQL_CHALLENGE_INSERT] = { "challenge_insert", NONE,
	    "INSERT INTO staff_login_challenges (id_hash, staff_id, expires_at, "
	    "client_addr) VALUES ($1, $2, now() + make_interval(mins => $3::int), $4)" },
	[SQL_CHALLENGE_GET] = { "challenge_get", SQL_SHAPE_CHALLENGE,
	    "SELECT c.staff_id, u.email, t.secret_sealed AS secret, t.last_step "
	    "FROM staff_login_challenges c JOIN staff_users u ON u.id = c.staff_id "
	    "JOIN staff_totp t ON t.staff_id = c.staff_id "
	    "WHERE c.id_hash = ANY ($1::bytea[]) AND c.expires_at > now() "
	    "AND NOT u.disabled" },
	/* The challenge $1, and every expired one. */
	[SQL_CHALLENGE_DELETE] = { "challenge_delete", NONE,
	    "DELETE FROM staff_login_challenges WHERE id_hash = ANY ($1::bytea[]) "
	    "OR expires_at <= now()" },
	/* Step $2 of staff $1 used, if it comes after the last one: a code works once. */
	[SQL_TOTP_USE_STEP] = { "totp_use_step", SQL_SHAPE_KEY,
	    "UPDATE staff_totp SET last_step = $2 WHERE staff_id = $1 "
	    "AND last_step < $2 RETURNING staff_id AS id" },
	[SQL_RECOVERY_USE] = { "recovery_use", SQL_SHAPE_KEY,
	    "UPDATE staff_recovery_codes SET used_at = now() WHERE staff_id = $1 "
	    "AND code_hash = ANY ($2::bytea[]) AND used_at IS NULL "
	    "RETURNING staff_id AS id" },
	/* $1 hash of the session id, $2 staff, $3 absolute lifetime (hours), $4 address */
	[SQL_SESSION_INSERT] = { "session_insert", NONE,
	    "INSERT INTO staff_sessions (id_hash, staff_id, expires_at, client_addr) "
	    "VALUES ($1, $2, now() + make_interval(hours => $3::int), $4)" },
	/*
	 * A live session (not idle for $2 minutes, not past its end) is
	 * touched. $1: the hashes of its id under every key (token.h).
	 */
	[SQL_SESSION_TOUCH] = { "session_touch", SQL_SHAPE_SESSION,
	    "UPDATE staff_sessions s SET last_seen_at = now() FROM staff_users u "
	    "WHERE s.id_hash = ANY ($1::bytea[]) AND u.id = s.staff_id "
	    "AND NOT u.disabled AND s.expires_at > now() "
	    "AND s.last_seen_at > now() - make_interval(mins => $2::int) "
	    "RETURNING u.id, u.name, u.email, u.role, "
	    "'\\x' || encode(s.id_hash, 'hex') AS id_hash" },
	[SQL_SESSION_DELETE] = { "session_delete", NONE,
	    "DELETE FROM staff_sessions WHERE id_hash = $1" },
	/* Expired sessions, removed at each sign-in ($1: idle minutes). */
	[SQL_SESSION_PURGE] = { "session_purge", NONE,
	    "DELETE FROM staff_sessions WHERE expires_at <= now() "
	    "OR last_seen_at <= now() - make_interval(mins => $1::int)" },
	[SQL_QUEUE_COUNTS] = { "queue_counts", SQL_SHAPE_TALLY,
	    "SELECT status, count(*) AS count FROM hardship_requests GROUP BY status" },
#define QUEUE_COLUMNS \
	    "SELECT h.id, i.number, c.name AS customer, h.category, " \
	    "extract(epoch FROM now() - h.created_at)::bigint AS age, " \
	    "h.callback_date, h.callback_window, h.status, h.contact_method, " \
	    "to_char(h.created_at, 'YYYY-MM-DD HH24:MI') AS received " \
	    "FROM hardship_requests h JOIN invoices i ON i.id = h.invoice_id " \
	    "JOIN customers c ON c.id = i.customer_id "
	/* Newest first, a page at a time: $1 limit, $2 offset. */
	[SQL_QUEUE_ALL] = { "queue_all", SQL_SHAPE_QUEUE, QUEUE_COLUMNS
	    "ORDER BY h.created_at DESC, h.id DESC LIMIT $1 OFFSET $2" },
	[SQL_QUEUE_STATUS] = { "queue_status", SQL_SHAPE_QUEUE, QUEUE_COLUMNS
	    "WHERE h.status = $3 ORDER BY h.created_at DESC, h.id DESC "
	    "LIMIT $1 OFFSET $2" },
	/*
	 * Invoice number or customer name containing $1 (trigram indexes),
	 * taken literally: its \\, % and _ are escaped, so "%" finds a "%".
	 */
	[SQL_SEARCH] = { "search", SQL_SHAPE_MATCH,
	    "SELECT i.number, c.name AS customer, i.issued, i.due FROM invoices i "
	    "JOIN customers c ON c.id = i.customer_id "
	    "WHERE i.number ILIKE " LIKE_WITHIN("$1") " "
	    "OR c.name ILIKE " LIKE_WITHIN("$1") " "
	    "ORDER BY i.due DESC, i.number LIMIT 50" },
	[SQL_HARDSHIP_GET] = { "hardship_get", SQL_SHAPE_REQUEST,
	    "SELECT h.id, i.number, c.name AS customer, c.email, h.category, "
	    "h.message, h.contact_method, h.phone, h.callback_date, "
	    "h.callback_window, h.status, "
	    "to_char(h.created_at, 'YYYY-MM-DD HH24:MI') AS received, "
	    "extract(epoch FROM now() - h.created_at)::bigint AS age, "
	    "r.name AS reviewer, h.client_addr, c.timezone, "
	    REQUEST_VERSION_SQL " AS version, coalesce(h.outcome, '') AS outcome, "
	    "h.outcome_note, h.paused_until "
	    "FROM hardship_requests h JOIN invoices i ON i.id = h.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id "
	    "LEFT JOIN staff_users r ON r.id = h.reviewer_id WHERE h.id = $1" },
	[SQL_HARDSHIP_NOTES] = { "hardship_notes", SQL_SHAPE_NOTE,
	    "SELECT to_char(n.created_at, 'YYYY-MM-DD HH24:MI') AS at, "
	    "s.name AS staff, n.old_status, n.new_status, n.note "
	    "FROM hardship_notes n JOIN staff_users s ON s.id = n.staff_id "
	    "WHERE n.request_id = $1 ORDER BY n.created_at, n.id" },
	[SQL_HARDSHIP_LOCK] = { "hardship_lock", SQL_SHAPE_LOCKED,
	    "SELECT status, invoice_id, " REQUEST_VERSION_SQL " AS version "
	    "FROM hardship_requests h WHERE id = $1 FOR UPDATE" },
	[SQL_HARDSHIP_NOTE_ADD] = { "hardship_note_add", NONE,
	    "INSERT INTO hardship_notes (request_id, staff_id, old_status, "
	    "new_status, note) VALUES ($1, $2, $3, $4, $5)" },
	[SQL_HARDSHIP_SET_STATUS] = { "hardship_set_status", NONE,
	    "UPDATE hardship_requests SET status = $2, reviewer_id = $3, "
	    "updated_at = now() WHERE id = $1" },
	[SQL_HOLD_RELEASE] = { "hold_release", NONE,
	    "UPDATE reminder_holds SET released_at = now(), released_by = $2 "
	    "WHERE hardship_id = $1 AND released_at IS NULL" },

	/*
	 * Issue 15: what staff decided, kept on the request ($2 outcome, $3
	 * the note mailed to the debtor, $4 the day reminders resume or "").
	 */
	[SQL_HARDSHIP_RESOLVE] = { "hardship_resolve", NONE,
	    "UPDATE hardship_requests SET outcome = $2, outcome_note = $3, "
	    "paused_until = nullif($4, '')::date, resolved_at = now() "
	    "WHERE id = $1" },
	/* A pause until $2: the request's hold ends by itself that day. */
	[SQL_HOLD_PAUSE] = { "hold_pause", NONE,
	    "UPDATE reminder_holds SET until = $2::date::timestamptz "
	    "WHERE hardship_id = $1 AND released_at IS NULL" },
	/* The request's worklist task (created by trigger) is done, by $2. */
	[SQL_HARDSHIP_TASK_DONE] = { "hardship_task_done", NONE,
	    "UPDATE tasks SET status = 'done', done_at = now(), done_by = $2, "
	    "version = version + 1 WHERE kind = 'hardship' AND ref_id = $1 "
	    "AND status = 'open'" },
	[SQL_OUTCOME_TO] = { "outcome_to", SQL_SHAPE_OUTCOME_TO,
	    "SELECT i.id AS invoice_id, i.number, i.currency, c.name, c.email, "
	    "c.language, c.timezone FROM hardship_requests h "
	    "JOIN invoices i ON i.id = h.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id WHERE h.id = $1" },
	/* Every fee of invoice $1, frozen ones too (staff only). */
	[SQL_FEE_LIST] = { "fee_list", SQL_SHAPE_STAFF_FEE,
	    "SELECT position, description, amount_cents, charged_on, frozen "
	    "FROM fees WHERE invoice_id = $1 ORDER BY position" },
	[SQL_WAIVER_LIST] = { "waiver_list", SQL_SHAPE_WAIVER,
	    "SELECT w.amount_cents, w.note, s.name AS staff, "
	    "to_char(w.created_at, 'YYYY-MM-DD HH24:MI') AS at "
	    "FROM fee_waivers w JOIN staff_users s ON s.id = w.staff_id "
	    "WHERE w.invoice_id = $1 ORDER BY w.created_at, w.id" },
	/*
	 * The fees a waiver may take from, locking invoice $1: waivers of
	 * one invoice queue up, and each sees the ones before it.
	 */
	[SQL_FEE_STATE] = { "fee_state", SQL_SHAPE_FEE_STATE,
	    "SELECT i.currency, (SELECT coalesce(sum(amount_cents), 0) FROM fees "
	    "WHERE invoice_id = i.id AND NOT frozen)::bigint AS fees_cents, "
	    "(SELECT coalesce(sum(amount_cents), 0) FROM fee_waivers "
	    "WHERE invoice_id = i.id)::bigint AS waived_cents, "
	    "(SELECT coalesce(sum(amount_cents), 0) FROM fees "
	    "WHERE invoice_id = i.id AND frozen)::bigint AS frozen_cents "
	    "FROM invoices i WHERE i.id = $1 FOR UPDATE" },
	/* $1 invoice, $2 request, $3 amount, $4 staff, $5 note */
	[SQL_WAIVER_INSERT] = { "waiver_insert", SQL_SHAPE_KEY,
	    "INSERT INTO fee_waivers (invoice_id, hardship_id, amount_cents, "
	    "staff_id, note) VALUES ($1, $2, $3, $4, $5) RETURNING id" },
	[SQL_STAFF_INVOICE] = { "staff_invoice", SQL_SHAPE_STAFF_INVOICE,
	    "SELECT i.id, i.number, i.currency, i.issued, i.due, "
	    "c.name AS customer, c.email, c.phone, c.language, "
	    "c.ref AS customer_ref, c.timezone FROM invoices i "
	    "JOIN customers c ON c.id = i.customer_id WHERE i.number = $1" },
	[SQL_STAFF_LINKS] = { "staff_links", SQL_SHAPE_HISTORY_LINK,
	    "SELECT l.id, l.purpose, "
	    "to_char(l.issued_at, 'YYYY-MM-DD HH24:MI') AS issued, "
	    "to_char(l.expires_at, 'YYYY-MM-DD HH24:MI') AS expires, "
	    "coalesce(to_char(l.revoked_at, 'YYYY-MM-DD HH24:MI'), '') AS revoked, "
	    "coalesce(to_char(u.at, 'YYYY-MM-DD HH24:MI'), '') AS last_used, "
	    "l.revoked_at IS NULL AND l.expires_at > now() AS active "
	    "FROM links l LEFT JOIN " LINK_LAST_VIEW_SQL " u ON u.link_id = l.id "
	    "WHERE l.invoice_id = $1 ORDER BY l.issued_at DESC, l.id DESC LIMIT 100" },
	[SQL_STAFF_PLANS] = { "staff_plans", SQL_SHAPE_HISTORY_PLAN,
	    "SELECT id, status, frequency, installments, total_cents, "
	    "to_char(accepted_at, 'YYYY-MM-DD HH24:MI') AS accepted, terms_version, "
	    "client_addr, currency FROM plans WHERE invoice_id = $1 "
	    "ORDER BY accepted_at DESC, id DESC" },
	[SQL_STAFF_HARDSHIPS] = { "staff_hardships", SQL_SHAPE_HISTORY_REQUEST,
	    "SELECT id, category, status, "
	    "to_char(created_at, 'YYYY-MM-DD HH24:MI') AS received, "
	    "(SELECT count(*) FROM hardship_followups f WHERE f.request_id = h.id) "
	    "AS followups FROM hardship_requests h WHERE invoice_id = $1 "
	    "ORDER BY created_at DESC, id DESC" },
	[SQL_STAFF_MESSAGES] = { "staff_messages", SQL_SHAPE_HISTORY_MESSAGE,
	    "SELECT kind, recipient, subject, status, attempts, "
	    "to_char(created_at, 'YYYY-MM-DD HH24:MI') AS queued, "
	    "coalesce(to_char(sent_at, 'YYYY-MM-DD HH24:MI'), '') AS sent, last_error "
	    "FROM outbox WHERE invoice_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100" },
	/* The invoice's whole story, newest first. */
	[SQL_STAFF_TIMELINE] = { "staff_timeline", SQL_SHAPE_HISTORY_EVENT,
	    "SELECT to_char(a.at, 'YYYY-MM-DD HH24:MI:SS') AS at, a.actor, "
	    "coalesce(s.name, '') AS staff, a.action, a.detail, a.client_addr, "
	    "coalesce(a.link_id::text, '') AS link FROM audit_events a "
	    "LEFT JOIN staff_users s ON s.id = a.staff_id WHERE a.invoice_id = $1 "
	    "ORDER BY a.at DESC, a.id DESC LIMIT 500" },

	/*
	 * Languages (issue 12): a debtor asks us to remember the language of
	 * their pages. $1 customer, $2 the language tag.
	 */
	[SQL_CUSTOMER_LANGUAGE] = { "customer_language", NONE,
	    "UPDATE customers SET language = $2 WHERE id = $1" },

	/*
	 * portal-admin rotate-secret --retire: what key $1 (an integer)
	 * still protects. A stored hash starts with its key's id (token.h),
	 * so its links and sessions are a range of the unique index on the
	 * hash: from the byte $1 up to the next. Sealed mail and TOTP secrets
	 * start "k$1:" ("s1:" for key 1, from before rotation); recovery codes
	 * (counted as the staff who hold some) start with the id like tokens.
	 */
	[SQL_KEY_USE] = { "key_use", SQL_SHAPE_KEY_USE,
	    "WITH k AS (SELECT set_byte('\\x00'::bytea, 0, $1::int) AS lo, "
	    "set_byte('\\x00'::bytea, 0, $1::int + 1) AS hi), "
	    "l AS (SELECT count(*) AS n, max(expires_at) AS until FROM links, k "
	    "WHERE token_hash >= k.lo AND token_hash < k.hi "
	    "AND revoked_at IS NULL AND expires_at > now()), "
	    "s AS (SELECT count(*) AS n, max(expires_at) AS until "
	    "FROM staff_sessions, k WHERE id_hash >= k.lo AND id_hash < k.hi "
	    "AND expires_at > now()) "
	    "SELECT l.n AS links, "
	    "coalesce(to_char(l.until, 'YYYY-MM-DD HH24:MI TZ'), '') AS links_until, "
	    "s.n AS sessions, "
	    "coalesce(to_char(s.until, 'YYYY-MM-DD HH24:MI TZ'), '') AS sessions_until, "
	    "(SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending') "
	    "AND (message LIKE 'k' || $1::int || ':%' "
	    "OR ($1::int = 1 AND message LIKE 's1:%'))) AS mail, "
	    "(SELECT count(*) FROM staff_totp WHERE secret_sealed LIKE "
	    "'k' || $1::int || ':%' OR ($1::int = 1 AND secret_sealed LIKE "
	    "'s1:%')) AS totp, "
	    "(SELECT count(DISTINCT staff_id) FROM staff_recovery_codes, k "
	    "WHERE code_hash >= k.lo AND code_hash < k.hi AND used_at IS NULL) "
	    "AS recovery FROM l, s" },

	/*
	 * Run on the read replica (db_read) for the staff health page: on a
	 * standby, how long since the last replayed transaction, or 0 when
	 * it has replayed all it received (an idle primary sends nothing).
	 */
	[SQL_REPLICA_LAG] = { "replica_lag", SQL_SHAPE_REPLICA,
	    "SELECT pg_is_in_recovery() AS standby, "
	    "CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = "
	    "pg_last_wal_replay_lsn() THEN 0 ELSE coalesce((extract(epoch FROM "
	    "now() - pg_last_xact_replay_timestamp()) * 1000)::bigint, 0) END "
	    "AS lag_ms, coalesce(to_char(pg_last_xact_replay_timestamp(), "
	    "'YYYY-MM-DD HH24:MI:SS TZ'), '') AS replayed" },

	/* portal-admin staff-totp and staff-totp-reset (issue 17). */
	[SQL_STAFF_ID] = { "staff_id", SQL_SHAPE_KEY,
	    "SELECT id FROM staff_users WHERE lower(email) = lower($1)" },
	/* $1 staff, $2 the sealed secret; a second enrolment is a unique violation. */
	[SQL_TOTP_ENROL] = { "totp_enrol", NONE,
	    "INSERT INTO staff_totp (staff_id, secret_sealed) VALUES ($1, $2)" },
	[SQL_RECOVERY_ADD] = { "recovery_add", NONE,
	    "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)" },
	/* Forgets staff $1's secret, recovery codes and waiting sign-ins; a row if enrolled. */
	[SQL_TOTP_RESET] = { "totp_reset", SQL_SHAPE_KEY,
	    "WITH codes AS (DELETE FROM staff_recovery_codes WHERE staff_id = $1), "
	    "waiting AS (DELETE FROM staff_login_challenges WHERE staff_id = $1) "
	    "DELETE FROM staff_totp WHERE staff_id = $1 RETURNING staff_id AS id" },

	/*
	 * A message for portal-notify; the trigger on outbox wakes it on commit.
	 * $6 the hardship request it is about (or NULL), $7 when it may go
	 * (NULL: now), $8 its status ('queued', or 'failed' when it could not
	 * be composed: then $9 says why, for staff).
	 */
	[SQL_OUTBOX_INSERT] = { "outbox_insert", SQL_SHAPE_KEY,
	    "INSERT INTO outbox (kind, invoice_id, recipient, subject, message, "
	    "hardship_id, next_attempt_at, status, last_error) "
	    "VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()), "
	    "$8, $9) RETURNING id" },
	/* A pending message rewritten (a digest with one more follow-up). */
	[SQL_OUTBOX_REPLACE] = { "outbox_replace", NONE,
	    "UPDATE outbox SET subject = $2, message = $3, status = $4, "
	    "last_error = $5 WHERE id = $1 AND status = 'queued' AND attempts = 0" },

	/*
	 * Floods and replays (issue 17). A form's one-time id is used once: no
	 * row back means the form was posted before.
	 */
	[SQL_FORM_USE] = { "form_use", SQL_SHAPE_FLAG,
	    "INSERT INTO form_uses (form_id, purpose) VALUES ($1, $2) "
	    "ON CONFLICT DO NOTHING RETURNING true AS value" },
	/* Notes (requests and follow-ups) from link $1 of invoice $2 this hour. */
	[SQL_HARDSHIP_RECENT] = { "hardship_recent", SQL_SHAPE_COUNT,
	    "SELECT (SELECT count(*) FROM hardship_requests WHERE invoice_id = $2 "
	    "AND link_id = $1 AND created_at > now() - interval '1 hour') + "
	    "(SELECT count(*) FROM hardship_followups WHERE link_id = $1 "
	    "AND created_at > now() - interval '1 hour') AS value" },
	/* The invoice's open request (at most one: hardship_one_open). */
	[SQL_HARDSHIP_OPEN] = { "hardship_open", SQL_SHAPE_OPEN_REQUEST,
	    "SELECT id, greatest(now(), staff_mail_at + interval '1 hour')::text "
	    "AS next_mail FROM hardship_requests WHERE invoice_id = $1 "
	    "AND status <> 'resolved' FOR UPDATE" },
	[SQL_FOLLOWUP_INSERT] = { "followup_insert", SQL_SHAPE_KEY,
	    "INSERT INTO hardship_followups (request_id, link_id, category, "
	    "message, contact_method, phone, callback_date, callback_window, "
	    "client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id" },
	/* The staff digest of request $1 not yet taken by portal-notify. */
	[SQL_DIGEST_PENDING] = { "digest_pending", SQL_SHAPE_KEY,
	    "SELECT id FROM outbox WHERE hardship_id = $1 "
	    "AND kind = 'hardship.digest' AND status = 'queued' AND attempts = 0 "
	    "ORDER BY id DESC LIMIT 1 FOR UPDATE" },
#define FOLLOWUP_COLUMNS \
	    "SELECT id, to_char(created_at, 'YYYY-MM-DD HH24:MI') AS received, " \
	    "category, message, contact_method, phone, callback_date, " \
	    "callback_window, client_addr FROM hardship_followups "
	/* The follow-ups of request $1 no mail has told staff of, or digest $2 holds. */
	[SQL_DIGEST_FOLLOWUPS] = { "digest_followups", SQL_SHAPE_FOLLOWUP,
	    FOLLOWUP_COLUMNS "WHERE request_id = $1 AND (digest_id IS NULL "
	    "OR digest_id = $2::bigint) ORDER BY id" },
	[SQL_DIGEST_MARK] = { "digest_mark", NONE,
	    "UPDATE hardship_followups SET digest_id = $2 WHERE request_id = $1 "
	    "AND digest_id IS NULL" },
	[SQL_HARDSHIP_MAILED] = { "hardship_mailed", NONE,
	    "UPDATE hardship_requests SET staff_mail_at = $2::timestamptz "
	    "WHERE id = $1" },
	/* Every follow-up of request $1, oldest first (staff). */
	[SQL_HARDSHIP_FOLLOWUPS] = { "hardship_followups", SQL_SHAPE_FOLLOWUP,
	    FOLLOWUP_COLUMNS "WHERE request_id = $1 ORDER BY id" },
	/*
	 * Bank payments (issue 16). An invoice number's key is its ASCII
	 * letters and digits in upper case (payref.h), indexed
	 * (invoices_payref_key): $1 is an array of candidate keys.
	 */
	[SQL_PAYREF_INVOICES] = { "payref_invoices", SQL_SHAPE_PAYREF,
	    "SELECT id, number, currency, " PAYREF_KEY_SQL " AS key "
	    "FROM invoices WHERE " PAYREF_KEY_SQL " = ANY ($1::text[])" },
	/*
	 * One booking of a statement; nothing when the bank's entry
	 * reference was imported before (the same statement twice).
	 */
	[SQL_CREDIT_INSERT] = { "credit_insert", SQL_SHAPE_KEY,
	    "INSERT INTO bank_credits (account, entry_ref, kind, booked_on, "
	    "amount_cents, currency, reference, remittance, party, end_to_end, "
	    "status, reason, invoice_id, source_file) VALUES ($1, $2, $3, $4, "
	    "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
	    "ON CONFLICT (account, entry_ref) DO NOTHING RETURNING id" },
	/* The invoice a payment is for and whom to thank, row locked. */
	[SQL_PAY_INVOICE] = { "pay_invoice", SQL_SHAPE_PAYEE,
	    "SELECT i.id, i.number, i.currency, c.name, c.email, c.language "
	    "FROM invoices i JOIN customers c ON c.id = i.customer_id "
	    "WHERE i.id = $1 FOR UPDATE OF i" },
	[SQL_PAY_PLAN] = { "pay_plan", SQL_SHAPE_SCHEDULE,
	    "SELECT p.id AS plan_id, p.status, p.frequency, p.installments, "
	    "p.total_cents, p.accepted_at::date AS accepted_on, p.terms_version, "
	    "to_char(p.accepted_at AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"') "
	    "AS stamp, i.seq, i.due_on, i.amount_cents, "
	    "i.paid_cents::bigint AS paid_cents "
	    "FROM plans p JOIN plan_installment_status i ON i.plan_id = p.id "
	    "WHERE p.invoice_id = $1 AND p.status = 'active' ORDER BY i.seq" },
	/* $1 invoice, $2 cents, $3 day received, $4 credit. */
	[SQL_PAYMENT_BANK] = { "payment_bank", NONE,
	    "INSERT INTO payments (invoice_id, position, description, "
	    "amount_cents, received_on, source, credit_id) VALUES ($1, "
	    "(SELECT coalesce(max(position), 0) + 1 FROM payments "
	    "WHERE invoice_id = $1 AND source = 'bank'), '', $2, $3, 'bank', $4)" },
	[SQL_CREDIT_INSTALLMENT] = { "credit_installment", NONE,
	    "UPDATE bank_credits SET plan_id = $2, installment_seq = $3 WHERE id = $1" },
	[SQL_PLAN_COMPLETE] = { "plan_complete", NONE,
	    "UPDATE plans SET status = 'completed' WHERE id = $1 AND status = 'active'" },
#define CREDIT_COLUMNS \
	    "SELECT id, entry_ref, kind, booked_on, amount_cents, currency, " \
	    "reference, remittance, party, status, reason, source_file " \
	    "FROM bank_credits "
	/* What staff have to look at, oldest first. */
	[SQL_CREDITS_REVIEW] = { "credits_review", SQL_SHAPE_CREDIT, CREDIT_COLUMNS
	    "WHERE status = 'review' ORDER BY booked_on, id LIMIT 500" },
	[SQL_CREDIT_LOCK] = { "credit_lock", SQL_SHAPE_CREDIT, CREDIT_COLUMNS
	    "WHERE id = $1 FOR UPDATE" },
	/* $2 assigned or dismissed, $3 invoice (NULL to dismiss), $4 staff. */
	[SQL_CREDIT_DECIDE] = { "credit_decide", NONE,
	    "UPDATE bank_credits SET status = $2, invoice_id = $3, "
	    "decided_by = $4, decided_at = now() WHERE id = $1 AND status = 'review'" },
	/* Invoices whose number has the key $1 (staff typing a number). */
	[SQL_INVOICE_BY_NUMBER] = { "invoice_by_number", SQL_SHAPE_PAYREF,
	    "SELECT id, number, currency, " PAYREF_KEY_SQL " AS key "
	    "FROM invoices WHERE " PAYREF_KEY_SQL " = $1 ORDER BY number LIMIT 10" },

	/*
	 * A fresh link by email (POST /link). Every request takes the same
	 * three statements whether or not it matches, so that neither the
	 * answer nor its time says which. $1 hash of the address, $2 of the
	 * number's key, $3 client, $4 the window in minutes.
	 */
#define FRESH_WINDOW "at > now() - make_interval(mins => $4::int)"
#define FRESH_FREE(COL, P) "coalesce(extract(epoch FROM (SELECT min(at) " \
	    "FROM link_requests WHERE " COL " = " P " AND " FRESH_WINDOW \
	    ") + make_interval(mins => $4::int))::bigint, 0)"
	[SQL_FRESH_COUNTS] = { "fresh_counts", SQL_SHAPE_FRESH_COUNTS,
	    "SELECT (SELECT count(*) FROM link_requests WHERE email_hash = $1 AND "
	    FRESH_WINDOW ") AS by_email, (SELECT count(*) FROM link_requests "
	    "WHERE invoice_hash = $2 AND " FRESH_WINDOW ") AS by_invoice, "
	    "(SELECT count(*) FROM link_requests WHERE client_addr = $3 AND "
	    FRESH_WINDOW ") AS by_client, " FRESH_FREE("email_hash", "$1")
	    " AS email_free, " FRESH_FREE("invoice_hash", "$2") " AS invoice_free, "
	    FRESH_FREE("client_addr", "$3") " AS client_free" },
	/* Always one row: the invoice whose number has key $1 and whose customer's address is $2, or empty strings. */
	[SQL_FRESH_FIND] = { "fresh_find", SQL_SHAPE_FRESH_FIND,
	    "SELECT coalesce(m.id::text, '') AS invoice_id, "
	    "coalesce(m.number, '') AS number, coalesce(m.name, '') AS name, "
	    "coalesce(m.email, '') AS email, coalesce(m.language, '') AS language "
	    "FROM (SELECT 1) x LEFT JOIN LATERAL (SELECT i.id, i.number, c.name, "
	    "c.email, c.language FROM invoices i JOIN customers c "
	    "ON c.id = i.customer_id WHERE " PAYREF_KEY_SQL " = $1 "
	    "AND lower(c.email) = lower($2) ORDER BY i.id LIMIT 1) m ON true" },
	/*
	 * The request counted; on a match ($4 an invoice id, else '') the new
	 * link ($5 its hash, $6 days) and its mail ($7 to, $8 subject, $9
	 * sealed); the audit event either way, with nothing typed in it. Old
	 * requests are dropped on the way.
	 */
	[SQL_FRESH_RECORD] = { "fresh_record", NONE,
	    "WITH old AS (DELETE FROM link_requests WHERE at < now() - interval '7 days') "
	    "INSERT INTO link_requests (email_hash, invoice_hash, client_addr) "
	    "VALUES ($1, $2, $3)" },
	/*
	 * After the answer has gone: on a match ($1 the invoice), the link and
	 * its mail; either way the audit event. $2 hash, $3 days, $4 address,
	 * $5 subject, $6 message, $7 client.
	 */
	[SQL_FRESH_SEND] = { "fresh_send", SQL_SHAPE_KEY,
	    "WITH m AS (SELECT id FROM invoices WHERE id = nullif($1, '')::bigint), "
	    "l AS (INSERT INTO links (invoice_id, token_hash, purpose, expires_at) "
	    "SELECT id, $2, 'fresh', now() + make_interval(days => $3::int) "
	    "FROM m RETURNING id, invoice_id), "
	    "o AS (INSERT INTO outbox (kind, invoice_id, recipient, subject, "
	    "message) SELECT 'link.fresh', invoice_id, $4, $5, $6 FROM l) "
	    "INSERT INTO audit_events (actor, action, invoice_id, link_id, "
	    "detail, client_addr) SELECT 'debtor', CASE WHEN l.id IS NULL "
	    "THEN 'link.request.unmatched' ELSE 'link.requested' END, "
	    "l.invoice_id, l.id, CASE WHEN l.id IS NULL THEN '' ELSE "
	    "'a new link, mailed to the address on file' END, $7 "
	    "FROM (SELECT 1) x LEFT JOIN l ON true RETURNING id" },
	/*
	 * The ledger overview (issue 14), $1 today. The buckets and the
	 * sales come from the roll-ups that sql/0013's triggers keep (a few
	 * hundred rows whatever the number of invoices); amounts under plans
	 * and holds from the invoices' kept balances through the active plans
	 * and unreleased holds, one index lookup each (OFFSET 0 keeps the
	 * planner from joining them to a scan of every invoice instead, which
	 * took 250 ms with 100,000 invoices); installments past due from
	 * plan_installment_status. Days overdue = $1 - due; the ranges are
	 * ledger.h's. Sales: the lines of invoices issued in the 90 days up
	 * to $1 (LEDGER_DSO_DAYS).
	 */
	[SQL_OVERVIEW_LEDGER] = { "overview_ledger", SQL_SHAPE_LEDGER,
	    "WITH d AS (SELECT currency, sum(open_count) AS open_count, "
	    "sum(open_cents) AS open_cents, "
	    "sum(open_cents) FILTER (WHERE due >= $1) AS not_due, "
	    "sum(open_cents) FILTER (WHERE due BETWEEN $1::date - 30 AND $1::date - 1) AS d30, "
	    "sum(open_cents) FILTER (WHERE due BETWEEN $1::date - 60 AND $1::date - 31) AS d60, "
	    "sum(open_cents) FILTER (WHERE due BETWEEN $1::date - 90 AND $1::date - 61) AS d90, "
	    "sum(open_cents) FILTER (WHERE due < $1::date - 90) AS more "
	    "FROM ledger_due GROUP BY currency), "
	    "s AS (SELECT currency, sum(lines_cents) AS sales FROM ledger_issued "
	    "WHERE issued > $1::date - 90 AND issued <= $1 GROUP BY currency), "
	    "p AS (SELECT b.currency, sum(b.balance_cents) AS plans FROM plans p "
	    "CROSS JOIN LATERAL (SELECT i.currency, i.balance_cents FROM invoices i "
	    "WHERE i.id = p.invoice_id AND i.balance_cents > 0 OFFSET 0) b "
	    "WHERE p.status = 'active' GROUP BY b.currency), "
	    "h AS (SELECT b.currency, sum(b.balance_cents) AS holds FROM "
	    "(SELECT DISTINCT invoice_id FROM reminder_holds WHERE released_at IS NULL "
	    "AND (until IS NULL OR until > now())) r "
	    "CROSS JOIN LATERAL (SELECT i.currency, i.balance_cents FROM invoices i "
	    "WHERE i.id = r.invoice_id AND i.balance_cents > 0 OFFSET 0) b "
	    "GROUP BY b.currency), "
	    "k AS (SELECT p.currency, "
	    "count(*) FILTER (WHERE s.paid_cents >= s.amount_cents) AS kept, "
	    "count(*) FILTER (WHERE s.paid_cents < s.amount_cents) AS missed, "
	    "sum(s.amount_cents - s.paid_cents) AS missed_cents "
	    "FROM plan_installment_status s JOIN plans p ON p.id = s.plan_id "
	    "WHERE s.due_on < $1 AND p.status <> 'cancelled' GROUP BY p.currency), "
	    "c AS (SELECT currency FROM d WHERE open_count > 0 "
	    "UNION SELECT currency FROM s UNION SELECT currency FROM k) "
	    "SELECT c.currency::text AS currency, "
	    "coalesce(d.open_count, 0)::bigint AS open_count, "
	    "coalesce(d.open_cents, 0)::bigint AS open_cents, "
	    "coalesce(d.not_due, 0)::bigint AS not_due_cents, "
	    "coalesce(d.d30, 0)::bigint AS d30_cents, "
	    "coalesce(d.d60, 0)::bigint AS d60_cents, "
	    "coalesce(d.d90, 0)::bigint AS d90_cents, "
	    "coalesce(d.more, 0)::bigint AS more_cents, "
	    "coalesce(p.plans, 0)::bigint AS plan_cents, "
	    "coalesce(h.holds, 0)::bigint AS hold_cents, "
	    "coalesce(s.sales, 0)::bigint AS sales_cents, "
	    "coalesce(k.kept, 0)::bigint AS kept_count, "
	    "coalesce(k.missed, 0)::bigint AS missed_count, "
	    "coalesce(k.missed_cents, 0)::bigint AS missed_cents "
	    "FROM c LEFT JOIN d USING (currency) LEFT JOIN s USING (currency) "
	    "LEFT JOIN p USING (currency) LEFT JOIN h USING (currency) "
	    "LEFT JOIN k USING (currency) ORDER BY c.currency" },
	/*
	 * Reminders emailed on each day of the week that starts on $1 (a
	 * Monday), days in the connection's time zone, the config's (db.c).
	 */
	[SQL_OVERVIEW_WEEK] = { "overview_week", SQL_SHAPE_WEEK,
	    "SELECT d::date AS day, (SELECT count(*) FROM reminders r "
	    "WHERE r.outcome = 'sent' AND r.done_at >= d::date::timestamptz "
	    "AND r.done_at < (d::date + 1)::timestamptz) AS sent "
	    "FROM generate_series($1::date, $1::date + 6, interval '1 day') AS d "
	    "ORDER BY d" },
	/* Every open invoice, oldest due first, for the CSV export ($1 today). */
	[SQL_OVERVIEW_LIST] = { "overview_list", SQL_SHAPE_AGED,
	    "SELECT i.number, c.name AS customer, i.currency::text AS currency, "
	    "i.due, ($1::date - i.due) AS days_overdue, i.balance_cents "
	    "FROM invoices i JOIN customers c ON c.id = i.customer_id "
	    "WHERE i.balance_cents > 0 ORDER BY i.due, i.number" },

	/*
	 * portal-notify. It listens for the outbox trigger's notification on
	 * every new connection. A message is claimed (status 'sending') in
	 * its own statement before it is handed to sendmail, with a lease
	 * until now + $2 seconds; SKIP LOCKED lets several notifiers share the
	 * queue. A claim whose lease has expired (its notifier died) is taken
	 * again while attempts remain below $3: delivery is at least once, and
	 * a resend is the same sealed text, so it keeps its Message-ID. A claim
	 * is named by its notifier and its attempt number: marking the outcome
	 * ($1 id, then claimed_by, attempts) changes the row only while the
	 * claim is still that one.
	 */
	[SQL_OUTBOX_LISTEN] = { "outbox_listen", NONE, "LISTEN settle_outbox" },
	[SQL_OUTBOX_CLAIM] = { "outbox_claim", SQL_SHAPE_CLAIMED,
	    "UPDATE outbox o SET status = 'sending', claimed_at = now(), "
	    "claimed_until = now() + make_interval(secs => $2::int), "
	    "claimed_by = $1, attempts = o.attempts + 1 "
	    "FROM (SELECT id, status FROM outbox "
	    "WHERE (status = 'queued' AND next_attempt_at <= now()) "
	    "OR (status = 'sending' AND claimed_until < now() AND attempts < $3::int) "
	    "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) c "
	    "WHERE o.id = c.id "
	    "RETURNING o.id, o.message, o.attempts, c.status = 'sending' AS reclaimed" },
	[SQL_OUTBOX_SENT] = { "outbox_sent", SQL_SHAPE_KEY,
	    "UPDATE outbox SET status = 'sent', sent_at = now(), last_error = '', "
	    "claimed_until = NULL "
	    "WHERE id = $1 AND status = 'sending' AND claimed_by = $2 "
	    "AND attempts = $3::int RETURNING id" },
	/* $4: seconds until the next try; $5: attempts before giving up. */
	[SQL_OUTBOX_RETRY] = { "outbox_retry", SQL_SHAPE_KEY,
	    "UPDATE outbox SET status = CASE WHEN attempts >= $5::int "
	    "THEN 'failed' ELSE 'queued' END, "
	    "next_attempt_at = now() + make_interval(secs => $4::int), "
	    "last_error = $6, claimed_at = NULL, claimed_by = NULL, claimed_until = NULL "
	    "WHERE id = $1 AND status = 'sending' AND claimed_by = $2 "
	    "AND attempts = $3::int RETURNING id" },
	/*
	 * Claims that expired with no attempt left ($1: max_attempts): a
	 * message whose notifier keeps dying on it is given up, with a reason.
	 */
	[SQL_OUTBOX_EXPIRE] = { "outbox_expire", SQL_SHAPE_KEY,
	    "UPDATE outbox SET status = 'failed', claimed_until = NULL, "
	    "last_error = 'the notifier stopped during each of ' || attempts || "
	    "' attempts (claim expired)' "
	    "WHERE status = 'sending' AND claimed_until < now() "
	    "AND attempts >= $1::int RETURNING id" },

	/*
	 * Reminder emails on and off (issue 13). The invoice page's switch:
	 * $1 customer, $2 true for off; how many rows changed (0 or 1).
	 */
	[SQL_REMINDERS_SET] = { "reminders_set", SQL_SHAPE_COUNT,
	    "WITH c AS (UPDATE customers SET reminders_off_at = "
	    "CASE WHEN $2::bool THEN now() END WHERE id = $1 "
	    "AND (reminders_off_at IS NOT NULL) <> $2::bool RETURNING id) "
	    "SELECT count(*) AS value FROM c" },
	/* GET /u/{token} reads, never writes (mail scanners follow links). */
	[SQL_UNSUBSCRIBE_OPEN] = { "unsubscribe_open", SQL_SHAPE_UNSUBSCRIBE,
	    "SELECT u.id, c.name, c.language, "
	    "c.reminders_off_at IS NOT NULL AS reminders_off, false AS changed "
	    "FROM unsubscribe_links u JOIN customers c ON c.id = u.customer_id "
	    "WHERE u.token_hash = ANY ($1::bytea[])" },
	[SQL_UNSUBSCRIBE_OFF] = { "unsubscribe_off", SQL_SHAPE_UNSUBSCRIBE,
	    UNSUBSCRIBE_SQL("now()", "IS NULL", "reminders.off", "true") },
	[SQL_UNSUBSCRIBE_ON] = { "unsubscribe_on", SQL_SHAPE_UNSUBSCRIBE,
	    UNSUBSCRIBE_SQL("NULL", "IS NOT NULL", "reminders.on", "false") },
	/*
	 * portal-admin unsubscribe-link: $1 invoice number, $2 token hash;
	 * no row when there is no such invoice.
	 */
	[SQL_UNSUBSCRIBE_INSERT] = { "unsubscribe_insert", SQL_SHAPE_KEY,
	    "INSERT INTO unsubscribe_links (customer_id, invoice_id, token_hash) "
	    "SELECT customer_id, id, $2 FROM invoices WHERE number = $1 "
	    "RETURNING id" },

	/*
	 * portal-admin remind (issue 13a). A reminder's transaction can be
	 * lost in a crash without harm (all of it or none, and the next run
	 * does it again), so its commits need not wait for the disk; and the
	 * big candidate query is cheaper than JIT compiling it. One run at a
	 * time: a session lock, released when the program ends.
	 */
	[SQL_REMIND_SESSION] = { "remind_session", SQL_SHAPE_FLAG,
	    "SELECT set_config('synchronous_commit', 'off', false) IS NOT NULL "
	    "AND set_config('jit', 'off', false) IS NOT NULL AS value" },
	[SQL_REMIND_LOCK] = { "remind_lock", SQL_SHAPE_FLAG,
	    "SELECT pg_try_advisory_lock(x'72656d696e64'::bigint) AS value" },
	/* Released before the program ends: a backend that is still going
	 * away would keep it from the next run for a moment. */
	[SQL_REMIND_UNLOCK] = { "remind_unlock", SQL_SHAPE_FLAG,
	    "SELECT pg_advisory_unlock(x'72656d696e64'::bigint) AS value" },
	[SQL_REMIND_DUE] = { "remind_due", SQL_SHAPE_REMIND_DUE, REMIND_DUE_SQL },
	/* $1 plan. */
	[SQL_REMIND_INSTALLMENTS] = { "remind_installments", SQL_SHAPE_INSTALLMENT,
	    "SELECT seq, due_on, amount_cents, paid_cents::bigint AS paid_cents "
	    "FROM plan_installment_status WHERE plan_id = $1 ORDER BY seq" },
	/*
	 * A step done, in one statement and so in one transaction: the link
	 * ($11 its token hash, valid $12 days), the unsubscribe token ($13
	 * customer, $14 its hash) and the email ($15 kind, $16 to, $17
	 * subject, $18 sealed message), each only when given (an email step;
	 * NULL for a task); the reminders row ($1 invoice, $2 step key, $3
	 * kind, $4 outcome, $5 reason, $6 scheduled on, $7 pay by, $8 done
	 * at, $9 plan, $10 installment) with the ids of the link and email;
	 * the task ($19 its kind, or NULL; $20 due on); the plan's break ($21
	 * true); the step's skip row deleted; the audit event ($22 action,
	 * $23 detail). The unique key of reminders refuses a step done
	 * already, and then nothing of it is written: no email twice.
	 */
	[SQL_REMIND_DONE] = { "remind_done", SQL_SHAPE_KEY,
	    "WITH l AS (INSERT INTO links (invoice_id, token_hash, purpose, expires_at) "
	    "SELECT $1, $11::bytea, 'reminder', now() + make_interval(days => $12::int) "
	    "WHERE $11::bytea IS NOT NULL RETURNING id), "
	    "u AS (INSERT INTO unsubscribe_links (customer_id, invoice_id, token_hash) "
	    "SELECT $13, $1, $14::bytea WHERE $14::bytea IS NOT NULL), "
	    "o AS (INSERT INTO outbox (kind, invoice_id, recipient, subject, message) "
	    "SELECT $15, $1, $16, $17, $18::text WHERE $18::text IS NOT NULL RETURNING id), "
	    "r AS (INSERT INTO reminders (invoice_id, step_key, kind, outcome, reason, "
	    "scheduled_on, pay_by, done_at, link_id, outbox_id, plan_id, installment_seq) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, (SELECT id FROM l), "
	    "(SELECT id FROM o), $9, $10) RETURNING id), "
	    "t AS (INSERT INTO tasks (invoice_id, kind, reason, due_on, reminder_id, "
	    "created_at) SELECT $1, $19::text, $5, $20, r.id, $8 FROM r "
	    "WHERE $19::text IS NOT NULL), "
	    "b AS (UPDATE plans SET status = 'broken', ended_at = $8 "
	    "WHERE id = $9 AND $21::bool AND status = 'active'), "
	    "c AS (DELETE FROM reminder_skips WHERE invoice_id = $1 AND step_key = $2), "
	    "a AS (INSERT INTO audit_events (actor, action, invoice_id, link_id, detail) "
	    "SELECT 'system', $22, $1, (SELECT id FROM l), $23) "
	    "SELECT id FROM r" },
	/* The latest reason a step was not done: $1 invoice, $2 step key, $3
	 * kind, $4 reason, $5 scheduled on, $6 wait until (epoch or NULL), $7 now. */
	[SQL_REMIND_SKIP] = { "remind_skip", NONE,
	    "INSERT INTO reminder_skips (invoice_id, step_key, kind, reason, "
	    "scheduled_on, wait_until, first_at, last_at) VALUES ($1, $2, $3, $4, "
	    "$5, to_timestamp($6::bigint), $7, $7) ON CONFLICT (invoice_id, step_key) "
	    "DO UPDATE SET kind = EXCLUDED.kind, reason = EXCLUDED.reason, "
	    "wait_until = EXCLUDED.wait_until, last_at = EXCLUDED.last_at" },
	/* Staff: every step done or not done, newest first ($1 invoice). */
	[SQL_STAFF_REMINDERS] = { "staff_reminders", SQL_SHAPE_HISTORY_REMINDER,
	    "SELECT kind, step_key, outcome, reason, at, scheduled_on, pay_by FROM ("
	    "SELECT kind, step_key, outcome, reason, done_at AS t, "
	    "to_char(done_at, 'YYYY-MM-DD HH24:MI') AS at, scheduled_on, pay_by "
	    "FROM reminders WHERE invoice_id = $1 UNION ALL "
	    "SELECT kind, step_key, CASE WHEN wait_until IS NULL THEN 'skipped' "
	    "ELSE 'waiting' END, reason, last_at, "
	    "to_char(last_at, 'YYYY-MM-DD HH24:MI'), scheduled_on, NULL::date "
	    "FROM reminder_skips WHERE invoice_id = $1) x ORDER BY t DESC LIMIT 200" },
	/* $1 invoice. */
	[SQL_STAFF_TASKS_OF] = { "staff_tasks_of", SQL_SHAPE_TASK,
	    "SELECT t.id, t.kind, t.reason, t.due_on, t.status, i.number, "
	    "c.name AS customer, to_char(t.created_at, 'YYYY-MM-DD HH24:MI') AS created "
	    "FROM tasks t JOIN invoices i ON i.id = t.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id WHERE t.invoice_id = $1 "
	    "ORDER BY t.created_at DESC, t.id DESC LIMIT 200" },
	/*
	 * The next step of the invoice's cadence not done yet, and its day
	 * ($1 invoice, $2 the config's time zone): the first step after the
	 * last one done, or the first whose day has not come.
	 */
	[SQL_STAFF_NEXT_STEP] = { "staff_next_step", SQL_SHAPE_NEXT_STEP,
	    "SELECT cs.kind, i.due + cs.offset_days AS on_day "
	    "FROM invoices i JOIN customers c ON c.id = i.customer_id "
	    "CROSS JOIN LATERAL (SELECT id FROM cadences k "
	    "WHERE k.customer_group = nullif(c.customer_group, '') "
	    "OR k.currency = i.currency "
	    "OR (k.currency IS NULL AND k.customer_group IS NULL) "
	    "ORDER BY k.customer_group IS NULL, k.currency IS NULL LIMIT 1) k "
	    "JOIN cadence_steps cs ON cs.cadence_id = k.id "
	    "WHERE i.id = $1 AND i.due + cs.offset_days > (now() AT TIME ZONE "
	    "coalesce(nullif(c.timezone, ''), $2::text))::date "
	    "AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.invoice_id = i.id "
	    "AND r.step_key = cs.kind || '@' || cs.offset_days) "
	    "ORDER BY cs.position LIMIT 1" },
	/* Open tasks, the earliest due first. */
	[SQL_STAFF_TASKS_OPEN] = { "staff_tasks_open", SQL_SHAPE_TASK,
	    "SELECT t.id, t.kind, t.reason, t.due_on, t.status, i.number, "
	    "c.name AS customer, to_char(t.created_at, 'YYYY-MM-DD HH24:MI') AS created "
	    "FROM tasks t JOIN invoices i ON i.id = t.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id WHERE t.status = 'open' "
	    "ORDER BY t.due_on, t.id LIMIT 500" },
	/*
	 * Issue 14, letters and escalations. A task with what its letter and
	 * escalation pages show ($1 task).
	 */
	[SQL_TASK_PAGE] = { "task_page", SQL_SHAPE_TASK_PAGE,
	    "SELECT t.id, t.kind, t.status, t.version, t.note, t.invoice_id, "
	    "i.number, i.currency, i.issued, i.due, c.name AS customer, c.address, "
	    "c.email, c.language, c.ref AS customer_ref, "
	    "coalesce(to_char(l.posted_at, 'YYYY-MM-DD HH24:MI'), '') AS posted, "
	    "coalesce(ps.name, '') AS posted_by, l.pay_by AS letter_pay_by, "
	    "coalesce(e.status, '') AS escalation, e.on_date, coalesce(e.agency, '') AS agency, "
	    "i.escalated_at IS NOT NULL AS escalated "
	    "FROM tasks t JOIN invoices i ON i.id = t.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id "
	    "LEFT JOIN letters l ON l.task_id = t.id "
	    "LEFT JOIN staff_users ps ON ps.id = l.posted_by "
	    "LEFT JOIN escalations e ON e.task_id = t.id WHERE t.id = $1" },
	/* The task under its row lock, before a change ($1 task). */
	[SQL_TASK_LOCK] = { "task_lock", SQL_SHAPE_TASK_LOCK,
	    "SELECT id, kind, status, version, invoice_id FROM tasks "
	    "WHERE id = $1 FOR UPDATE" },
	/* The letter posted and its task done ($1 task, $2 invoice, $3 pay
	 * by, $4 staff). */
	[SQL_LETTER_POST] = { "letter_post", NONE,
	    "WITH l AS (INSERT INTO letters (task_id, invoice_id, pay_by, posted_by) "
	    "VALUES ($1, $2, $3, $4)) "
	    "UPDATE tasks SET status = 'done', done_at = now(), done_by = $4, "
	    "version = version + 1, note = 'letter posted, pay by ' || $3 "
	    "WHERE id = $1" },
	/* A task done with a note ($1 task, $2 staff, $3 note). */
	[SQL_TASK_DONE] = { "task_done", NONE,
	    "UPDATE tasks SET status = 'done', done_at = now(), done_by = $2, "
	    "note = $3, version = version + 1 WHERE id = $1" },
	/* An approved escalation ($1 invoice, $2 task, $3 date, $4 agency,
	 * $5 manager). */
	[SQL_ESCALATION_INSERT] = { "escalation_insert", NONE,
	    "INSERT INTO escalations (invoice_id, task_id, on_date, agency, approved_by) "
	    "VALUES ($1, $2, $3, $4, $5)" },
	/*
	 * portal-admin remind, first: pending escalations the debtor stopped
	 * (paid, an active plan, an open hardship hold) are cancelled, their
	 * task noted and the event audited ($1 now).
	 */
	[SQL_ESCALATION_CANCEL] = { "escalation_cancel", SQL_SHAPE_ESCALATION_END,
	    "WITH w AS (SELECT e.id, e.invoice_id, e.task_id, CASE "
	    "WHEN " ESCALATION_PAID_SQL " THEN 'paid' "
	    "WHEN EXISTS (SELECT 1 FROM plans p WHERE p.invoice_id = e.invoice_id "
	    "AND p.status = 'active') THEN 'plan' "
	    "WHEN EXISTS (SELECT 1 FROM reminder_holds h WHERE h.invoice_id = e.invoice_id "
	    "AND h.kind = 'hardship' AND h.released_at IS NULL) THEN 'hardship' END AS why "
	    "FROM escalations e WHERE e.status = 'pending'), "
	    "x AS (UPDATE escalations e SET status = 'cancelled', ended_at = $1, "
	    "end_reason = w.why FROM w WHERE e.id = w.id AND w.why IS NOT NULL "
	    "RETURNING e.id, e.invoice_id, e.task_id, w.why), "
	    "t AS (UPDATE tasks k SET note = k.note || ' cancelled (' || x.why || ')', "
	    "version = k.version + 1 FROM x WHERE k.id = x.task_id), "
	    "a AS (INSERT INTO audit_events (actor, action, invoice_id, detail) "
	    "SELECT 'system', 'escalation.cancelled', x.invoice_id, "
	    "'escalation ' || x.id || ' cancelled: ' || x.why FROM x) "
	    "SELECT x.invoice_id, i.number, x.why FROM x JOIN invoices i ON i.id = x.invoice_id "
	    "ORDER BY x.invoice_id" },
	/*
	 * Then: pending escalations whose date has passed in the business's
	 * time zone hand the invoice over ($1 now, $2 zone), audited.
	 */
	[SQL_ESCALATION_DUE] = { "escalation_due", SQL_SHAPE_ESCALATION_END,
	    "WITH x AS (UPDATE escalations SET status = 'escalated', ended_at = $1, "
	    "end_reason = 'date passed' WHERE status = 'pending' "
	    "AND on_date < ($1::timestamptz AT TIME ZONE $2::text)::date "
	    "RETURNING id, invoice_id, agency, on_date), "
	    "i AS (UPDATE invoices v SET escalated_at = $1 FROM x WHERE v.id = x.invoice_id "
	    "RETURNING v.id, v.number), "
	    "a AS (INSERT INTO audit_events (actor, action, invoice_id, detail) "
	    "SELECT 'system', 'escalation.escalated', x.invoice_id, "
	    "'handed over to ' || x.agency || ' after ' || x.on_date FROM x) "
	    "SELECT i.id AS invoice_id, i.number, 'escalated' AS why FROM i ORDER BY i.id" },
	/* The debtor's page: an escalation announced or done ($1 invoice). */

	/*
	 * Issue 15: the debtor's own holds. Each insert stores the request,
	 * the reminder_holds row that pauses the cadence and the tasks row
	 * of its kind (ref_id: the request) in one statement. Run inside the
	 * POST's transaction, the invoice row locked.
	 */
	[SQL_DISPUTE_OPEN] = { "dispute_open", SQL_SHAPE_KEY,
	    "SELECT id FROM disputes WHERE invoice_id = $1 AND status = 'open'" },
	/* $1 invoice, $2 link, $3 reason, $4 details, $5 reference, $6 address */
	[SQL_DISPUTE_INSERT] = { "dispute_insert", SQL_SHAPE_KEY,
	    "WITH h AS (INSERT INTO reminder_holds (invoice_id, kind, reason) "
	    "VALUES ($1, 'dispute', 'dispute') RETURNING id), "
	    "d AS (INSERT INTO disputes (invoice_id, link_id, reason, details, "
	    "reference, hold_id, client_addr) SELECT $1, $2, $3, $4, $5, h.id, $6 "
	    "FROM h RETURNING id), "
	    "t AS (INSERT INTO tasks (invoice_id, kind, reason, due_on, ref_id) "
	    "SELECT $1, 'dispute', $3, current_date, d.id FROM d) "
	    "SELECT id FROM d" },
	[SQL_CLAIM_OPEN] = { "claim_open", SQL_SHAPE_KEY,
	    "SELECT id FROM payment_claims WHERE invoice_id = $1 AND status = 'open'" },
	/* $1 invoice, $2 link, $3 paid on, $4 cents, $5 method, $6 reference, $7 address */
	[SQL_CLAIM_INSERT] = { "claim_insert", SQL_SHAPE_KEY,
	    "WITH h AS (INSERT INTO reminder_holds (invoice_id, kind, reason, until) "
	    "VALUES ($1, 'paid_claim', 'paid_claim', now() + interval '7 days') "
	    "RETURNING id), "
	    "d AS (INSERT INTO payment_claims (invoice_id, link_id, paid_on, "
	    "amount_cents, method, reference, hold_id, client_addr) "
	    "SELECT $1, $2, $3, $4, $5, $6, h.id, $7 FROM h RETURNING id), "
	    "t AS (INSERT INTO tasks (invoice_id, kind, reason, due_on, ref_id) "
	    "SELECT $1, 'paid_claim', $5, current_date, d.id FROM d) "
	    "SELECT id FROM d" },
	[SQL_PROMISE_OPEN] = { "promise_open", SQL_SHAPE_KEY,
	    "SELECT id FROM promises WHERE invoice_id = $1 AND status = 'open'" },
	/* How many days ahead a promise may be, by the currency's policy. */
	[SQL_PROMISE_LIMIT] = { "promise_limit", SQL_SHAPE_COUNT,
	    "SELECT promise_max_days::bigint AS value FROM plan_policies "
	    "WHERE currency = $1" },
	/* $1 invoice, $2 link, $3 pay on, $4 cents: held until the day after. */
	[SQL_PROMISE_INSERT] = { "promise_insert", SQL_SHAPE_KEY,
	    "WITH h AS (INSERT INTO reminder_holds (invoice_id, kind, reason, until) "
	    "VALUES ($1, 'promise', 'promise', ($3::date + 1)::timestamptz) "
	    "RETURNING id) "
	    "INSERT INTO promises (invoice_id, link_id, pay_on, amount_cents, "
	    "hold_id) SELECT $1, $2, $3, $4, h.id FROM h RETURNING id" },
	/*
	 * Staff decide a dispute or a claim (pages/staff_holds.c): $1 the
	 * request, locked while open (FOR UPDATE OF d: two clerks deciding at
	 * once queue up, and the second finds it decided).
	 */
	[SQL_DISPUTE_GET] = { "dispute_get", SQL_SHAPE_STAFF_REQUEST,
	    "SELECT d.id, d.invoice_id, i.number, i.currency, c.name AS customer, "
	    "c.email, c.language, d.reason AS word, d.details, d.reference, "
	    "d.status, d.response, to_char(d.created_at, 'YYYY-MM-DD HH24:MI') "
	    "AS received, NULL::date AS paid_on, NULL::bigint AS amount_cents, "
	    BALANCE_OF("i.id") " AS balance "
	    "FROM disputes d JOIN invoices i ON i.id = d.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id WHERE d.id = $1 "
	    "AND ($2::bool IS NOT TRUE OR d.status = 'open') "
	    "FOR UPDATE OF d" },
	/* $1 dispute, $2 upheld or rejected, $3 the explanation, $4 staff */
	[SQL_DISPUTE_DECIDE] = { "dispute_decide", NONE,
	    "WITH d AS (UPDATE disputes SET status = $2, response = $3, "
	    "resolved_at = now(), resolved_by = $4 WHERE id = $1 AND status = 'open' "
	    "RETURNING hold_id), "
	    "h AS (UPDATE reminder_holds SET released_at = now(), released_by = $4 "
	    "WHERE id IN (SELECT hold_id FROM d) AND released_at IS NULL) "
	    "UPDATE tasks SET status = 'done', done_at = now(), done_by = $4, "
	    "version = version + 1 WHERE kind = 'dispute' AND ref_id = $1 "
	    "AND status = 'open'" },
	/*
	 * A credit of dispute $4 on invoice $1 of $3 cents, described $2: a
	 * line of its own, negative, numbered after 1,000,000 (0023); $5 the
	 * position of the line it cancels, or NULL.
	 */
	[SQL_CREDIT_ADD] = { "credit_add", NONE,
	    "INSERT INTO invoice_lines (invoice_id, position, description, "
	    "quantity_milli, unit_cents, total_cents, source, dispute_id, "
	    "cancels_position) SELECT $1, greatest(coalesce(max(position), 0), "
	    "1000000) + 1, $2, 1000, -$3::bigint, -$3::bigint, 'dispute', $4, "
	    "$5::int FROM invoice_lines WHERE invoice_id = $1" },
	/* The lines of invoice $1 an upheld dispute may still cancel. */
	[SQL_DISPUTE_LINES] = { "dispute_lines", SQL_SHAPE_DISPUTE_LINE,
	    "SELECT l.position, l.description, l.total_cents "
	    "FROM invoice_lines l WHERE l.invoice_id = $1 AND l.source = 'import' "
	    "AND l.total_cents > 0 AND NOT EXISTS (SELECT 1 FROM invoice_lines x "
	    "WHERE x.invoice_id = l.invoice_id AND x.cancels_position = l.position) "
	    "ORDER BY l.position" },
	[SQL_CLAIM_GET] = { "claim_get", SQL_SHAPE_STAFF_REQUEST,
	    "SELECT k.id, k.invoice_id, i.number, i.currency, c.name AS customer, "
	    "c.email, c.language, k.method AS word, ''::text AS details, "
	    "k.reference, k.status, k.response, "
	    "to_char(k.created_at, 'YYYY-MM-DD HH24:MI') AS received, k.paid_on, "
	    "k.amount_cents, " BALANCE_OF("i.id") " AS balance "
	    "FROM payment_claims k JOIN invoices i ON i.id = k.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id WHERE k.id = $1 "
	    "AND ($2::bool IS NOT TRUE OR k.status = 'open') "
	    "FOR UPDATE OF k" },
	/* $1 claim, $2 confirmed or replied, $3 the message, $4 staff */
	[SQL_CLAIM_DECIDE] = { "claim_decide", NONE,
	    "WITH d AS (UPDATE payment_claims SET status = $2, response = $3, "
	    "resolved_at = now(), resolved_by = $4 WHERE id = $1 AND status = 'open' "
	    "RETURNING hold_id), "
	    "h AS (UPDATE reminder_holds SET released_at = now(), released_by = $4 "
	    "WHERE id IN (SELECT hold_id FROM d) AND released_at IS NULL) "
	    "UPDATE tasks SET status = 'done', done_at = now(), done_by = $4, "
	    "version = version + 1 WHERE kind = 'paid_claim' AND ref_id = $1 "
	    "AND status = 'open'" },
	/* A confirmed claim $1 recorded as a payment (source 'claim'), $2 its text. */
	[SQL_CLAIM_PAYMENT] = { "claim_payment", NONE,
	    "INSERT INTO payments (invoice_id, position, description, amount_cents, "
	    "received_on, source) SELECT k.invoice_id, coalesce((SELECT max(position) "
	    "FROM payments p WHERE p.invoice_id = k.invoice_id AND p.source = 'claim'), "
	    "0) + 1, $2, k.amount_cents, k.paid_on, 'claim' "
	    "FROM payment_claims k WHERE k.id = $1" },

	/*
	 * portal-admin remind, after the cadence: every open promise ($1 the
	 * run's now, $2 the config's time zone) with what
	 * remind_promise_decide() needs.
	 */
	[SQL_PROMISE_EVENTS] = { "promise_events", SQL_SHAPE_PROMISE_EVENT,
	    "SELECT p.id, p.invoice_id, i.number, i.currency, c.name, c.email, "
	    "c.language, p.pay_on, p.amount_cents, "
	    "($1::timestamptz AT TIME ZONE z.zone)::date AS local_today, "
	    "extract(hour FROM $1::timestamptz AT TIME ZONE z.zone)::int AS local_hour, "
	    BALANCE_OF("i.id") " AS balance, "
	    "EXISTS (SELECT 1 FROM reminders r WHERE r.invoice_id = p.invoice_id "
	    "AND r.step_key = 'promise:' || p.id || ':due') AS due_sent "
	    "FROM promises p JOIN invoices i ON i.id = p.invoice_id "
	    "JOIN customers c ON c.id = i.customer_id "
	    "CROSS JOIN LATERAL (SELECT coalesce(nullif(c.timezone, ''), $2::text) "
	    "AS zone) z WHERE p.status = 'open' ORDER BY p.id" },
	/* $1 promise, $2 invoice, $3 local today, $4 now, $5 pay on, $6 outbox id */
	[SQL_PROMISE_DUE_DONE] = { "promise_due_done", NONE,
	    "WITH a AS (INSERT INTO audit_events (actor, action, invoice_id, detail) "
	    "VALUES ('system', 'reminder.sent', $2, 'promise:' || $1 || ':due')) "
	    "INSERT INTO reminders (invoice_id, step_key, kind, outcome, "
	    "scheduled_on, pay_by, done_at, outbox_id) VALUES ($2, 'promise:' || $1 "
	    "|| ':due', 'promise_due', 'sent', $3, $5, $4, $6)" },
	/*
	 * Promise $1 ends, $2 kept or broken, at $4 (local day $3): the hold
	 * is released; broken, it leaves a task and the note's reminders row
	 * ($5 its outbox id).
	 */
	[SQL_PROMISE_END] = { "promise_end", NONE,
	    "WITH p AS (UPDATE promises SET status = $2, ended_at = $4 "
	    "WHERE id = $1 AND status = 'open' RETURNING invoice_id, hold_id), "
	    "h AS (UPDATE reminder_holds SET released_at = $4 WHERE id IN "
	    "(SELECT hold_id FROM p) AND released_at IS NULL), "
	    "t AS (INSERT INTO tasks (invoice_id, kind, reason, due_on, ref_id, "
	    "created_at) SELECT invoice_id, 'promise_broken', 'promise_broken', $3, "
	    "$1, $4 FROM p WHERE $2 = 'broken'), "
	    "a AS (INSERT INTO audit_events (actor, action, invoice_id, detail) "
	    "SELECT 'system', 'promise.' || $2, invoice_id, 'promise ' || $1 FROM p) "
	    "INSERT INTO reminders (invoice_id, step_key, kind, outcome, "
	    "scheduled_on, done_at, outbox_id) SELECT invoice_id, 'promise:' || $1 "
	    "|| ':broken', 'promise_broken', 'sent', $3, $4, $5::bigint FROM p "
	    "WHERE $2 = 'broken'" },

	/*
	 * The credit-control desk (issue 14). The clerk's day: "today" at
	 * moment $1 (epoch seconds) in their own zone, else $3 (the config's).
	 */
	[SQL_DESK_DAY] = { "desk_day", SQL_SHAPE_DESK_DAY,
	    "SELECT (to_timestamp($1::bigint) AT TIME ZONE z.zone)::date AS today, "
	    "z.zone FROM (SELECT coalesce(nullif((SELECT timezone FROM staff_users "
	    "WHERE id = $2::bigint), ''), $3::text) AS zone) z" },
	/*
	 * The worklist: open tasks due on day $1 or before and not snoozed
	 * past it ($2 a kind or '', $3 an assignee or '', $4 how many, $5 the
	 * clerk's zone for the times), by day, then time, along the
	 * tasks_worklist index; one row each with what the clerk needs to
	 * call, no query per row.
	 */
#define DESK_ROW_COLUMNS \
	"SELECT t.id, t.kind, t.reason, t.ref_id, t.due_on, " \
	"coalesce(to_char(t.due_at AT TIME ZONE $5::text, 'HH24:MI'), '') AS due_time, " \
	"t.status, coalesce(u.name, '') AS assignee, i.number, c.name AS customer, " \
	"i.balance_cents, i.currency, ($1::date - i.due) AS days_overdue, c.phone, " \
	"c.language FROM tasks t JOIN invoices i ON i.id = t.invoice_id " \
	"JOIN customers c ON c.id = i.customer_id " \
	"LEFT JOIN staff_users u ON u.id = t.assigned_to "
	[SQL_DESK_OPEN] = { "desk_open", SQL_SHAPE_DESK_ROW, DESK_ROW_COLUMNS
	    "WHERE t.status = 'open' AND t.due_on <= $1::date "
	    "AND (t.snoozed_until IS NULL OR t.snoozed_until <= $1::date) "
	    "AND ($2::text = '' OR t.kind = $2::text) "
	    "AND ($3::text = '' OR t.assigned_to = nullif($3::text, '')::bigint) "
	    "ORDER BY t.due_on, t.due_at, t.id LIMIT $4::int" },
	/* Done on day $1 (in zone $5), the latest first; the same filters. */
	[SQL_DESK_DONE] = { "desk_done", SQL_SHAPE_DESK_ROW, DESK_ROW_COLUMNS
	    "WHERE t.status = 'done' "
	    "AND t.done_at >= ($1::date::timestamp AT TIME ZONE $5::text) "
	    "AND ($2::text = '' OR t.kind = $2::text) "
	    "AND ($3::text = '' OR t.assigned_to = nullif($3::text, '')::bigint) "
	    "ORDER BY t.done_at DESC, t.id DESC LIMIT $4::int" },
	/* One task in full ($2: the zone for its time). */
	[SQL_DESK_TASK] = { "desk_task", SQL_SHAPE_DESK_TASK,
	    "SELECT t.id, t.kind, t.reason, t.ref_id, t.due_on, "
	    "coalesce(to_char(t.due_at AT TIME ZONE $2::text, 'YYYY-MM-DD HH24:MI'), '') AS due_time, "
	    "t.status, t.version, t.assigned_to, coalesce(a.name, '') AS assignee, "
	    "t.snoozed_until, coalesce(to_char(t.done_at AT TIME ZONE $2::text, "
	    "'YYYY-MM-DD HH24:MI'), '') AS done_at, coalesce(d.name, '') AS done_by, "
	    "t.note, to_char(t.created_at AT TIME ZONE $2::text, 'YYYY-MM-DD HH24:MI') AS created, "
	    "t.invoice_id FROM tasks t "
	    "LEFT JOIN staff_users a ON a.id = t.assigned_to "
	    "LEFT JOIN staff_users d ON d.id = t.done_by WHERE t.id = $1::bigint" },
	[SQL_DESK_LOCK] = { "desk_lock", SQL_SHAPE_DESK_LOCK,
	    "SELECT status, version, invoice_id FROM tasks WHERE id = $1::bigint "
	    "FOR UPDATE" },
	[SQL_DESK_ASSIGN] = { "desk_assign", NONE,
	    "UPDATE tasks SET assigned_to = $2::bigint, version = version + 1 "
	    "WHERE id = $1::bigint" },
	[SQL_DESK_FINISH] = { "desk_finish", NONE,
	    "UPDATE tasks SET status = 'done', done_at = now(), done_by = $2::bigint, "
	    "note = $3, version = version + 1 WHERE id = $1::bigint" },
	[SQL_DESK_SNOOZE] = { "desk_snooze", NONE,
	    "UPDATE tasks SET snoozed_until = $2::date, version = version + 1 "
	    "WHERE id = $1::bigint" },
	[SQL_DESK_STAFF] = { "desk_staff", SQL_SHAPE_DESK_STAFF,
	    "SELECT id, name FROM staff_users ORDER BY name, id LIMIT 500" },
	/* The invoice of id $1 (or number $2 when $1 is ''), $3 the config's zone. */
	[SQL_DESK_INVOICE] = { "desk_invoice", SQL_SHAPE_DESK_INVOICE,
	    "SELECT i.id, i.number, c.name AS customer, c.email, c.phone, c.language, "
	    "coalesce(nullif(c.timezone, ''), $3::text) AS zone, i.currency, "
	    "i.balance_cents, (current_date - i.due) AS days_overdue "
	    "FROM invoices i JOIN customers c ON c.id = i.customer_id "
	    "WHERE ($1::text <> '' AND i.id = nullif($1::text, '')::bigint) "
	    "OR ($1::text = '' AND i.number = $2::text)" },
	[SQL_DESK_PROMISE_OPEN] = { "desk_promise_open", SQL_SHAPE_COUNT,
	    "SELECT count(*) AS value FROM promises WHERE invoice_id = $1::bigint "
	    "AND status = 'open'" },
	/* A promise's hold: reminders wait until the day after pay_on ($2). */
	[SQL_DESK_PROMISE_HOLD] = { "desk_promise_hold", SQL_SHAPE_KEY,
	    "INSERT INTO reminder_holds (invoice_id, kind, reason, until) "
	    "VALUES ($1::bigint, 'promise', 'promise', ($2::date + 1)::timestamptz) "
	    "RETURNING id" },
	[SQL_DESK_PROMISE] = { "desk_promise", SQL_SHAPE_KEY,
	    "INSERT INTO promises (invoice_id, staff_id, pay_on, amount_cents, hold_id) "
	    "VALUES ($1::bigint, $2::bigint, $3::date, $4::bigint, $5::bigint) "
	    "RETURNING id" },
	/* A callback at $2 (timestamptz), on the day it is in zone $3. */
	[SQL_DESK_CALLBACK] = { "desk_callback", SQL_SHAPE_KEY,
	    "INSERT INTO tasks (invoice_id, kind, reason, due_on, due_at, assigned_to) "
	    "VALUES ($1::bigint, 'callback', 'callback', "
	    "($2::timestamptz AT TIME ZONE $3::text)::date, $2::timestamptz, $4::bigint) "
	    "RETURNING id" },
	[SQL_DESK_CALL_INSERT] = { "desk_call_insert", SQL_SHAPE_KEY,
	    "INSERT INTO call_logs (invoice_id, task_id, staff_id, outcome, note, "
	    "agreed, promise_id, plan_text, callback_task_id) VALUES ($1::bigint, "
	    "nullif($2::text, '')::bigint, $3::bigint, $4, $5, $6, "
	    "nullif($7::text, '')::bigint, $8, nullif($9::text, '')::bigint) "
	    "RETURNING id" },
#define DESK_CALL_COLUMNS \
	"SELECT l.id, l.invoice_id, l.task_id, " \
	"to_char(l.created_at AT TIME ZONE $2::text, 'YYYY-MM-DD HH24:MI') AS at, " \
	"u.name AS staff, l.outcome, l.note, l.agreed, p.pay_on, p.amount_cents, " \
	"l.plan_text, coalesce(to_char(cb.due_at AT TIME ZONE " \
	"coalesce(nullif(c.timezone, ''), $2::text), 'YYYY-MM-DD HH24:MI'), '') AS callback_at, " \
	"coalesce(to_char(l.confirmed_at AT TIME ZONE $2::text, 'YYYY-MM-DD HH24:MI'), '') AS confirmed, " \
	"i.number, c.name AS customer, c.email, c.language, " \
	"coalesce(nullif(c.timezone, ''), $2::text) AS zone, i.currency " \
	"FROM call_logs l JOIN staff_users u ON u.id = l.staff_id " \
	"JOIN invoices i ON i.id = l.invoice_id JOIN customers c ON c.id = i.customer_id " \
	"LEFT JOIN promises p ON p.id = l.promise_id " \
	"LEFT JOIN tasks cb ON cb.id = l.callback_task_id "
	/* One call ($1), times in zone $2 (the config's). */
	[SQL_DESK_CALL] = { "desk_call", SQL_SHAPE_DESK_CALL, DESK_CALL_COLUMNS
	    "WHERE l.id = $1::bigint" },
	/* The calls on invoice $1, the latest first. */
	[SQL_DESK_CALLS] = { "desk_calls", SQL_SHAPE_DESK_CALL, DESK_CALL_COLUMNS
	    "WHERE l.invoice_id = $1::bigint ORDER BY l.created_at DESC, l.id DESC "
	    "LIMIT 200" },
	[SQL_DESK_CONFIRMED] = { "desk_confirmed", SQL_SHAPE_FLAG,
	    "UPDATE call_logs SET confirmed_at = now(), confirm_mail_id = $2::bigint "
	    "WHERE id = $1::bigint AND confirmed_at IS NULL RETURNING true AS value" },
};

/* The declared columns of each shape (sql.h), generated from its list. */
#define COLUMN_ENTRY_(id, name, type)	{ #id, name, SQL_##type },
#define SHAPE_COLUMNS_(s) \
	static const struct sql_column s##_columns[] = { \
		SQL_COLS_##s(COLUMN_ENTRY_) \
	};
SQL_SHAPES(SHAPE_COLUMNS_)

struct shape {
	const char		*name;
	const struct sql_column	*columns;
	int			 n;
};

#define SHAPE_ENTRY_(s) [SQL_SHAPE_##s] = { #s, s##_columns, \
	(int)(sizeof(s##_columns) / sizeof(s##_columns[0])) },
static const struct shape shapes[SQL_SHAPE__MAX] = {
	[SQL_SHAPE_NONE] = { "NONE", NULL, 0 },
	SQL_SHAPES(SHAPE_ENTRY_)
};

static const char *const type_names[SQL_TYPE__MAX] = {
	[SQL_TEXT] = "text",
	[SQL_INT] = "int",
	[SQL_BOOL] = "bool",
	[SQL_DATE] = "date",
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

enum sql_shape
sql_shape(enum sql_query q)
{
	return statements[q].shape;
}

const char *
sql_shape_name(enum sql_shape s)
{
	if ((unsigned)s >= SQL_SHAPE__MAX)
		return "?";
	return shapes[s].name;
}

int
sql_ncolumns(enum sql_shape s)
{
	if ((unsigned)s >= SQL_SHAPE__MAX)
		return 0;
	return shapes[s].n;
}

const struct sql_column *
sql_column(enum sql_shape s, int i)
{
	if (i < 0 || i >= sql_ncolumns(s))
		return NULL;
	return &shapes[s].columns[i];
}

int
sql_column_index(enum sql_shape s, int col)
{
	int	i;

	if (s == SQL_SHAPE_NONE || col / SQL_COLUMN_STRIDE != (int)s || col < 0)
		return -1;
	i = col % SQL_COLUMN_STRIDE;
	return i < sql_ncolumns(s) ? i : -1;
}

const char *
sql_type_name(enum sql_type t)
{
	if ((unsigned)t >= SQL_TYPE__MAX)
		return "?";
	return type_names[t];
}
