#ifndef PORTAL_SQL_H
#define PORTAL_SQL_H

/*
 * The statement table: every SQL statement the three programs run, by
 * name, with the shape of its result. The text lives in sql.c, in one
 * table, so a reader can see all database access at once. Only parameters
 * ($1, $2, ...) carry values: no SQL is ever built from strings. db.c
 * prepares each statement on first use and runs it with PQexecPrepared (or
 * in a pipeline); BEGIN, COMMIT and ROLLBACK are taken from the table too.
 *
 * The one exception is the text of a migration file (sql/NNNN_name.sql),
 * which is SQL from outside the program by nature: migrate.c hands it to
 * db_script(), which runs it with PQexec as it stands. Everything around it
 * (the schema_migrations table, the lock, the bookkeeping) is in this table.
 *
 * Result shapes. A statement that returns rows names a shape: the columns
 * of its rows, declared once below as an X-macro list of
 *	C(CONSTANT, "name", TYPE)
 * in the order of the SELECT (or RETURNING) list. CONSTANT is the shape's
 * name, an underscore and the column's name in capitals; "name" is what
 * PostgreSQL calls the column (the SQL says "AS name" unless a plain column
 * already has that name); TYPE is TEXT, INT, BOOL or DATE (what db.h's
 * getters may read it as; any column may be read as text). SQL_SHAPES()
 * turns each list into an enum of column constants, and db.c checks when it
 * prepares a statement that PostgreSQL reports exactly these names and
 * types, in this order, or refuses to run it. `portal-admin check-sql`
 * prepares every statement against a migrated database the same way
 * (tests/integration/test_sql.sh). Statements without rows have the shape
 * NONE, and are checked to return no columns.
 *
 * To add a statement: its enum constant below, in the block of its part of
 * the programs; its text in sql.c's table with its shape; and if it returns
 * rows a shape here (or an existing one it matches exactly).
 */
enum sql_query {
	SQL_PING,
	SQL_AUDIT,
	SQL_BEGIN,
	SQL_COMMIT,
	SQL_ROLLBACK,
	/* portal-admin migrate */
	SQL_MIGRATE_QUIET,
	SQL_MIGRATE_TABLE,
	SQL_MIGRATE_LOCK,
	SQL_MIGRATE_APPLIED,
	SQL_MIGRATE_RECORD,
	/* portal-admin import */
	SQL_CUSTOMER_GET,
	SQL_CUSTOMER_INSERT,
	SQL_CUSTOMER_UPDATE,
	SQL_IMPORT_INVOICE_GET,
	SQL_IMPORT_INVOICE_INSERT,
	SQL_IMPORT_INVOICE_UPDATE,
	SQL_IMPORT_CLEAR_ITEMS,
	SQL_IMPORT_LINE,
	SQL_IMPORT_FEE,
	SQL_IMPORT_PAYMENT,
	/* portal-admin link, revoke */
	SQL_INVOICE_ID,
	SQL_LINK_INSERT,
	SQL_LINKS_REVOKE,
	/* debtor pages */
	SQL_DEBTOR_OPEN,
	SQL_DEBTOR_PEEK,
	SQL_DEBTOR_OPEN_LOCK,
	SQL_DEBTOR_PLAN,
	SQL_DEBTOR_HARDSHIP,
	SQL_DEBTOR_STATE,
	SQL_INVOICE_ITEMS,
	SQL_ACCOUNT_INVOICES,
	SQL_ACCOUNT_LINK,
	SQL_COPY_SOURCE,
	SQL_COPY_COUNT,
	SQL_COPY_INSERT,
	/* plans */
	SQL_PLAN_POLICY,
	SQL_INVOICE_POLICY,
	SQL_PLAN_INSERT,
	SQL_PLAN_INSTALLMENTS,
	SQL_PROPOSAL_INSERT,
	SQL_PROPOSAL_OPEN,
	SQL_PROPOSAL_LAPSE,
	SQL_PROPOSAL_GET,
	SQL_PROPOSAL_DECIDE,
	SQL_PROPOSAL_COUNTER,
	SQL_COUNTER_GET,
	SQL_COUNTER_LOCK,
	SQL_COUNTER_ACCEPT,
	/* hardship */
	SQL_HARDSHIP_INSERT,
	SQL_HOLD_INSERT,
	SQL_OUTBOX_INSERT,
	/* floods and replays (issue 17) */
	SQL_FORM_USE,
	SQL_HARDSHIP_RECENT,
	SQL_HARDSHIP_OPEN,
	SQL_FOLLOWUP_INSERT,
	SQL_DIGEST_PENDING,
	SQL_DIGEST_FOLLOWUPS,
	SQL_DIGEST_MARK,
	SQL_HARDSHIP_MAILED,
	SQL_OUTBOX_REPLACE,
	SQL_HARDSHIP_FOLLOWUPS,
	/* staff */
	SQL_STAFF_ADD,
	SQL_STAFF_BY_EMAIL,
	SQL_LOGIN_ATTEMPT,
	SQL_LOGIN_THROTTLE_CLEAR,
	SQL_CHALLENGE_INSERT,
	SQL_CHALLENGE_GET,
	SQL_CHALLENGE_DELETE,
	SQL_TOTP_USE_STEP,
	SQL_RECOVERY_USE,
	SQL_SESSION_INSERT,
	SQL_SESSION_TOUCH,
	SQL_SESSION_DELETE,
	SQL_SESSION_PURGE,
	SQL_QUEUE_COUNTS,
	SQL_QUEUE_ALL,
	SQL_QUEUE_STATUS,
	SQL_SEARCH,
	SQL_HARDSHIP_GET,
	SQL_HARDSHIP_NOTES,
	SQL_HARDSHIP_LOCK,
	SQL_HARDSHIP_NOTE_ADD,
	SQL_HARDSHIP_SET_STATUS,
	SQL_HOLD_RELEASE,
	/* hardship outcomes and fee waivers (issue 15) */
	SQL_HARDSHIP_RESOLVE,
	SQL_HOLD_PAUSE,
	SQL_HARDSHIP_TASK_DONE,
	SQL_OUTCOME_TO,
	SQL_FEE_LIST,
	SQL_WAIVER_LIST,
	SQL_FEE_STATE,
	SQL_WAIVER_INSERT,
	SQL_STAFF_INVOICE,
	SQL_STAFF_LINKS,
	SQL_STAFF_PLANS,
	SQL_STAFF_HARDSHIPS,
	SQL_STAFF_MESSAGES,
	SQL_STAFF_TIMELINE,
	/* languages (issue 12) */
	SQL_CUSTOMER_LANGUAGE,
	/* portal-admin rotate-secret (issue 19) */
	SQL_KEY_USE,
	/* the read replica (issue 19) */
	SQL_REPLICA_LAG,
	/* portal-admin staff-totp, staff-totp-reset (issue 17) */
	SQL_STAFF_ID,
	SQL_TOTP_ENROL,
	SQL_RECOVERY_ADD,
	SQL_TOTP_RESET,
	/* bank payments (issue 16): portal-admin payments, /staff/payments */
	SQL_PAYREF_INVOICES,
	SQL_CREDIT_INSERT,
	SQL_PAY_INVOICE,
	SQL_PAY_PLAN,
	SQL_PAYMENT_BANK,
	SQL_CREDIT_INSTALLMENT,
	SQL_PLAN_COMPLETE,
	SQL_CREDITS_REVIEW,
	SQL_CREDIT_LOCK,
	SQL_CREDIT_DECIDE,
	SQL_INVOICE_BY_NUMBER,
	/* a fresh link by email (issue 16) */
	SQL_FRESH_COUNTS,
	SQL_FRESH_FIND,
	SQL_FRESH_RECORD,
	SQL_FRESH_SEND,
	/* the ledger overview (issue 14) */
	SQL_OVERVIEW_LEDGER,
	SQL_OVERVIEW_WEEK,
	SQL_OVERVIEW_LIST,
	/* portal-notify */
	SQL_OUTBOX_LISTEN,
	SQL_OUTBOX_CLAIM,
	SQL_OUTBOX_SENT,
	SQL_OUTBOX_RETRY,
	SQL_OUTBOX_EXPIRE,
	/* reminder emails on and off (issue 13: /u/{token}, the invoice page) */
	SQL_REMINDERS_SET,
	SQL_UNSUBSCRIBE_OPEN,
	SQL_UNSUBSCRIBE_OFF,
	SQL_UNSUBSCRIBE_ON,
	SQL_UNSUBSCRIBE_INSERT,
	/* portal-admin remind, staff reminders and tasks (issue 13a) */
	SQL_REMIND_SESSION,
	SQL_REMIND_LOCK,
	SQL_REMIND_UNLOCK,
	SQL_REMIND_DUE,
	SQL_REMIND_INSTALLMENTS,
	SQL_REMIND_DONE,
	SQL_REMIND_SKIP,
	SQL_STAFF_REMINDERS,
	SQL_STAFF_TASKS_OF,
	SQL_STAFF_NEXT_STEP,
	SQL_STAFF_TASKS_OPEN,
	/* issue 14: letters and escalations */
	SQL_TASK_PAGE,
	SQL_TASK_LOCK,
	SQL_LETTER_POST,
	SQL_TASK_DONE,
	SQL_ESCALATION_INSERT,
	SQL_ESCALATION_CANCEL,
	SQL_ESCALATION_DUE,
	/* issue 15: disputes, payment claims, promises (pages/holds.c) */
	SQL_DISPUTE_OPEN,
	SQL_DISPUTE_INSERT,
	SQL_CLAIM_OPEN,
	SQL_CLAIM_INSERT,
	SQL_PROMISE_OPEN,
	SQL_PROMISE_LIMIT,
	SQL_PROMISE_INSERT,
	SQL_DISPUTE_GET,
	SQL_DISPUTE_DECIDE,
	SQL_CREDIT_ADD,
	SQL_DISPUTE_LINES,
	SQL_CLAIM_GET,
	SQL_CLAIM_DECIDE,
	SQL_CLAIM_PAYMENT,
	SQL_PROMISE_EVENTS,
	SQL_PROMISE_DUE_DONE,
	SQL_PROMISE_END,
	/* the credit-control desk: worklist, tasks, calls (issue 14) */
	SQL_DESK_DAY,
	SQL_DESK_OPEN,
	SQL_DESK_DONE,
	SQL_DESK_TASK,
	SQL_DESK_LOCK,
	SQL_DESK_ASSIGN,
	SQL_DESK_FINISH,
	SQL_DESK_SNOOZE,
	SQL_DESK_STAFF,
	SQL_DESK_INVOICE,
	SQL_DESK_PROMISE_OPEN,
	SQL_DESK_PROMISE_HOLD,
	SQL_DESK_PROMISE,
	SQL_DESK_CALLBACK,
	SQL_DESK_CALL_INSERT,
	SQL_DESK_CALL,
	SQL_DESK_CALLS,
	SQL_DESK_CONFIRMED,
	SQL__MAX
};

/* What a column may be read as (db_str reads any column). */
enum sql_type {
	SQL_TEXT,	/* text, varchar, char(n) */
	SQL_INT,	/* smallint, integer, bigint */
	SQL_BOOL,
	SQL_DATE,
	SQL_TYPE__MAX
};

/* Shared shapes: a yes/no answer, a count, the id of a row found or made. */
#define SQL_COLS_FLAG(C) \
	C(FLAG_VALUE,			"value",		BOOL)
#define SQL_COLS_COUNT(C) \
	C(COUNT_VALUE,			"value",		INT)
#define SQL_COLS_KEY(C) \
	C(KEY_ID,			"id",			INT)

/* portal-admin import */
#define SQL_COLS_CUSTOMER(C) \
	C(CUSTOMER_ID,			"id",			INT) \
	C(CUSTOMER_NAME,		"name",			TEXT) \
	C(CUSTOMER_EMAIL,		"email",		TEXT) \
	C(CUSTOMER_PHONE,		"phone",		TEXT) \
	C(CUSTOMER_LANGUAGE,		"language",		TEXT) \
	C(CUSTOMER_TIMEZONE,		"timezone",		TEXT)
#define SQL_COLS_IMPORTED(C) \
	C(IMPORTED_ID,			"id",			INT) \
	C(IMPORTED_IMPORT_HASH,		"import_hash",		TEXT)

/* Debtor pages: the opened link's invoice, its items, plan and note. */
#define SQL_COLS_OPENED(C) \
	C(OPENED_LINK_ID,		"link_id",		INT) \
	C(OPENED_INVOICE_ID,		"invoice_id",		INT) \
	C(OPENED_NUMBER,		"number",		TEXT) \
	C(OPENED_CURRENCY,		"currency",		TEXT) \
	C(OPENED_ISSUED,		"issued",		DATE) \
	C(OPENED_DUE,			"due",			DATE) \
	C(OPENED_NAME,			"name",			TEXT) \
	C(OPENED_EMAIL,			"email",		TEXT) \
	C(OPENED_PHONE,			"phone",		TEXT) \
	C(OPENED_LANGUAGE,		"language",		TEXT) \
	C(OPENED_TIMEZONE,		"timezone",		TEXT) \
	C(OPENED_CUSTOMER_ID,		"customer_id",		INT) \
	C(OPENED_REMINDERS_OFF,		"reminders_off",	BOOL) \
	C(OPENED_HELD,			"held",			BOOL) \
	C(OPENED_PAY_BY,		"pay_by",		DATE) \
	C(OPENED_HAS_PLAN,		"has_plan",		BOOL) \
	C(OPENED_HAS_NOTE,		"has_note",		BOOL) \
	C(OPENED_HAS_STATE,		"has_state",		BOOL) \
	C(OPENED_OPEN_INVOICES,		"open_invoices",	INT)
/* A line (quantity, unit price, total), a fee or a payment (amount, day). */
#define SQL_COLS_ITEM(C) \
	C(ITEM_KIND,			"kind",			TEXT) \
	C(ITEM_POSITION,		"position",		INT) \
	C(ITEM_DESCRIPTION,		"description",		TEXT) \
	C(ITEM_QUANTITY_MILLI,		"quantity_milli",	INT) \
	C(ITEM_UNIT_CENTS,		"unit_cents",		INT) \
	C(ITEM_AMOUNT_CENTS,		"amount_cents",		INT) \
	C(ITEM_DAY,			"day",			DATE)
/* One row per installment, each with its plan's columns. */
#define SQL_COLS_SCHEDULE(C) \
	C(SCHEDULE_PLAN_ID,		"plan_id",		INT) \
	C(SCHEDULE_STATUS,		"status",		TEXT) \
	C(SCHEDULE_FREQUENCY,		"frequency",		TEXT) \
	C(SCHEDULE_INSTALLMENTS,	"installments",		INT) \
	C(SCHEDULE_TOTAL_CENTS,		"total_cents",		INT) \
	C(SCHEDULE_ACCEPTED_ON,		"accepted_on",		DATE) \
	C(SCHEDULE_TERMS_VERSION,	"terms_version",	TEXT) \
	C(SCHEDULE_STAMP,		"stamp",		TEXT) \
	C(SCHEDULE_SEQ,			"seq",			INT) \
	C(SCHEDULE_DUE_ON,		"due_on",		DATE) \
	C(SCHEDULE_AMOUNT_CENTS,	"amount_cents",		INT) \
	C(SCHEDULE_PAID_CENTS,		"paid_cents",		INT)
#define SQL_COLS_DEBTOR_NOTE(C) \
	C(DEBTOR_NOTE_RECEIVED_ON,	"received_on",		DATE) \
	C(DEBTOR_NOTE_CALLBACK_DATE,	"callback_date",	DATE) \
	C(DEBTOR_NOTE_CALLBACK_WINDOW,	"callback_window",	TEXT) \
	C(DEBTOR_NOTE_CONTACT_METHOD,	"contact_method",	TEXT) \
	C(DEBTOR_NOTE_STATUS,		"status",		TEXT) \
	C(DEBTOR_NOTE_PAUSED,		"paused",		BOOL) \
	C(DEBTOR_NOTE_OUTCOME,		"outcome",		TEXT) \
	C(DEBTOR_NOTE_OUTCOME_NOTE,	"outcome_note",		TEXT) \
	C(DEBTOR_NOTE_PAUSED_UNTIL,	"paused_until",		DATE)
#define SQL_COLS_PROPOSAL(C) \
	C(PROPOSAL_ID,			"id",			INT) \
	C(PROPOSAL_STATUS,		"status",		TEXT) \
	C(PROPOSAL_FREQUENCY,		"frequency",		TEXT) \
	C(PROPOSAL_INSTALLMENTS,	"installments",		INT) \
	C(PROPOSAL_FIRST_DUE,		"first_due",		DATE) \
	C(PROPOSAL_TOTAL_CENTS,		"total_cents",		INT) \
	C(PROPOSAL_RECEIVED_ON,		"received_on",		DATE) \
	C(PROPOSAL_COUNTER_FREQUENCY,	"counter_frequency",	TEXT) \
	C(PROPOSAL_COUNTER_INSTALLMENTS, "counter_installments", INT) \
	C(PROPOSAL_COUNTER_FIRST_DUE,	"counter_first_due",	DATE) \
	C(PROPOSAL_DECIDED_ON,		"decided_on",		DATE)
#define SQL_COLS_STAFF_PROPOSAL(C) \
	C(STAFF_PROPOSAL_ID,			"id",			INT) \
	C(STAFF_PROPOSAL_STATUS,			"status",		TEXT) \
	C(STAFF_PROPOSAL_FREQUENCY,		"frequency",		TEXT) \
	C(STAFF_PROPOSAL_INSTALLMENTS,		"installments",		INT) \
	C(STAFF_PROPOSAL_FIRST_DUE,		"first_due",		DATE) \
	C(STAFF_PROPOSAL_TOTAL_CENTS,		"total_cents",		INT) \
	C(STAFF_PROPOSAL_CURRENCY,		"currency",		TEXT) \
	C(STAFF_PROPOSAL_RECEIVED_ON,		"received_on",		DATE) \
	C(STAFF_PROPOSAL_INVOICE_ID,		"invoice_id",		INT) \
	C(STAFF_PROPOSAL_LINK_ID,		"link_id",		TEXT) \
	C(STAFF_PROPOSAL_NUMBER,			"number",		TEXT) \
	C(STAFF_PROPOSAL_CUSTOMER,		"customer",		TEXT) \
	C(STAFF_PROPOSAL_EMAIL,			"email",		TEXT) \
	C(STAFF_PROPOSAL_LANGUAGE,		"language",		TEXT) \
	C(STAFF_PROPOSAL_REASON,			"reason",		TEXT) \
	C(STAFF_PROPOSAL_DECIDER,		"decider",		TEXT) \
	C(STAFF_PROPOSAL_DECIDED_ON,		"decided_on",		DATE) \
	C(STAFF_PROPOSAL_COUNTER_FREQUENCY,	"counter_frequency",	TEXT) \
	C(STAFF_PROPOSAL_COUNTER_INSTALLMENTS,	"counter_installments",	INT) \
	C(STAFF_PROPOSAL_COUNTER_FIRST_DUE,	"counter_first_due",	DATE)
/* The whole account (issue 16): each open invoice of the customer. */
#define SQL_COLS_ACCOUNT(C) \
	C(ACCOUNT_NUMBER,		"number",		TEXT) \
	C(ACCOUNT_CURRENCY,		"currency",		TEXT) \
	C(ACCOUNT_DUE,			"due",			DATE) \
	C(ACCOUNT_BALANCE_CENTS,	"balance_cents",	INT) \
	C(ACCOUNT_CUSTOMER_REF,		"customer_ref",		TEXT) \
	C(ACCOUNT_PLAN,			"plan",			TEXT) \
	C(ACCOUNT_HOLD,			"hold",			TEXT) \
	C(ACCOUNT_ESCALATED,		"escalated",		BOOL)
/* The confirmation a copy is made of. */
#define SQL_COLS_COPY_SOURCE(C) \
	C(COPY_SOURCE_ID,		"id",			INT) \
	C(COPY_SOURCE_MESSAGE,		"message",		TEXT)
/* Copies of one confirmation today, and when the oldest leaves the day. */
#define SQL_COLS_COPIES(C) \
	C(COPIES_N,			"n",			INT) \
	C(COPIES_AGAIN,			"again",		TEXT)
#define SQL_COLS_POLICY(C) \
	C(POLICY_ENABLED,		"enabled",		BOOL) \
	C(POLICY_MIN_BALANCE_CENTS,	"min_balance_cents",	INT) \
	C(POLICY_MIN_INSTALLMENT_CENTS,	"min_installment_cents", INT) \
	C(POLICY_MAX_INSTALLMENTS,	"max_installments",	INT) \
	C(POLICY_WEEKLY,		"weekly",		BOOL) \
	C(POLICY_FORTNIGHTLY,		"fortnightly",		BOOL) \
	C(POLICY_MONTHLY,		"monthly",		BOOL) \
	C(POLICY_FIRST_DUE_DAYS,	"first_due_days",	INT) \
	C(POLICY_TERMS_VERSION,		"terms_version",	TEXT)

/* Staff sign-in and sessions. */
#define SQL_COLS_CREDENTIALS(C) \
	C(CREDENTIALS_ID,		"id",			INT) \
	C(CREDENTIALS_PASSWORD_HASH,	"password_hash",	TEXT) \
	C(CREDENTIALS_TOTP,		"totp",			BOOL)
/* Whether a sign-in attempt may go ahead (it has been counted if so). */
#define SQL_COLS_ATTEMPT(C) \
	C(ATTEMPT_ADMITTED,		"admitted",		BOOL)
/* A password that was right, waiting for its TOTP code. */
#define SQL_COLS_CHALLENGE(C) \
	C(CHALLENGE_STAFF_ID,		"staff_id",		INT) \
	C(CHALLENGE_EMAIL,		"email",		TEXT) \
	C(CHALLENGE_SECRET,		"secret",		TEXT) \
	C(CHALLENGE_LAST_STEP,		"last_step",		INT)
#define SQL_COLS_SESSION(C) \
	C(SESSION_ID,			"id",			INT) \
	C(SESSION_NAME,			"name",			TEXT) \
	C(SESSION_EMAIL,		"email",		TEXT) \
	C(SESSION_ROLE,			"role",			TEXT) \
	C(SESSION_ID_HASH,		"id_hash",		TEXT)

/* The staff queue, search and one request. "age" is in seconds. */
#define SQL_COLS_TALLY(C) \
	C(TALLY_STATUS,			"status",		TEXT) \
	C(TALLY_COUNT,			"count",		INT)
#define SQL_COLS_QUEUE(C) \
	C(QUEUE_ID,			"id",			INT) \
	C(QUEUE_NUMBER,			"number",		TEXT) \
	C(QUEUE_CUSTOMER,		"customer",		TEXT) \
	C(QUEUE_CATEGORY,		"category",		TEXT) \
	C(QUEUE_AGE,			"age",			INT) \
	C(QUEUE_CALLBACK_DATE,		"callback_date",	DATE) \
	C(QUEUE_CALLBACK_WINDOW,	"callback_window",	TEXT) \
	C(QUEUE_STATUS,			"status",		TEXT) \
	C(QUEUE_CONTACT_METHOD,		"contact_method",	TEXT) \
	C(QUEUE_RECEIVED,		"received",		TEXT)
#define SQL_COLS_MATCH(C) \
	C(MATCH_NUMBER,			"number",		TEXT) \
	C(MATCH_CUSTOMER,		"customer",		TEXT) \
	C(MATCH_ISSUED,			"issued",		DATE) \
	C(MATCH_DUE,			"due",			DATE)
#define SQL_COLS_REQUEST(C) \
	C(REQUEST_ID,			"id",			INT) \
	C(REQUEST_NUMBER,		"number",		TEXT) \
	C(REQUEST_CUSTOMER,		"customer",		TEXT) \
	C(REQUEST_EMAIL,		"email",		TEXT) \
	C(REQUEST_CATEGORY,		"category",		TEXT) \
	C(REQUEST_MESSAGE,		"message",		TEXT) \
	C(REQUEST_CONTACT_METHOD,	"contact_method",	TEXT) \
	C(REQUEST_PHONE,		"phone",		TEXT) \
	C(REQUEST_CALLBACK_DATE,	"callback_date",	DATE) \
	C(REQUEST_CALLBACK_WINDOW,	"callback_window",	TEXT) \
	C(REQUEST_STATUS,		"status",		TEXT) \
	C(REQUEST_RECEIVED,		"received",		TEXT) \
	C(REQUEST_AGE,			"age",			INT) \
	C(REQUEST_REVIEWER,		"reviewer",		TEXT) \
	C(REQUEST_CLIENT_ADDR,		"client_addr",		TEXT) \
	C(REQUEST_TIMEZONE,		"timezone",		TEXT) \
	C(REQUEST_VERSION,		"version",		TEXT) \
	C(REQUEST_OUTCOME,		"outcome",		TEXT) \
	C(REQUEST_OUTCOME_NOTE,		"outcome_note",		TEXT) \
	C(REQUEST_PAUSED_UNTIL,		"paused_until",		DATE)
#define SQL_COLS_NOTE(C) \
	C(NOTE_AT,			"at",			TEXT) \
	C(NOTE_STAFF,			"staff",		TEXT) \
	C(NOTE_OLD_STATUS,		"old_status",		TEXT) \
	C(NOTE_NEW_STATUS,		"new_status",		TEXT) \
	C(NOTE_NOTE,			"note",			TEXT)
/* An open request, and when its next staff mail may go (now at the soonest). */
#define SQL_COLS_OPEN_REQUEST(C) \
	C(OPEN_REQUEST_ID,		"id",			INT) \
	C(OPEN_REQUEST_NEXT_MAIL,	"next_mail",		TEXT)
/* A follow-up note on a request. */
#define SQL_COLS_FOLLOWUP(C) \
	C(FOLLOWUP_ID,			"id",			INT) \
	C(FOLLOWUP_RECEIVED,		"received",		TEXT) \
	C(FOLLOWUP_CATEGORY,		"category",		TEXT) \
	C(FOLLOWUP_MESSAGE,		"message",		TEXT) \
	C(FOLLOWUP_CONTACT_METHOD,	"contact_method",	TEXT) \
	C(FOLLOWUP_PHONE,		"phone",		TEXT) \
	C(FOLLOWUP_CALLBACK_DATE,	"callback_date",	DATE) \
	C(FOLLOWUP_CALLBACK_WINDOW,	"callback_window",	TEXT) \
	C(FOLLOWUP_CLIENT_ADDR,		"client_addr",		TEXT)
#define SQL_COLS_LOCKED(C) \
	C(LOCKED_STATUS,		"status",		TEXT) \
	C(LOCKED_INVOICE_ID,		"invoice_id",		INT) \
	C(LOCKED_VERSION,		"version",		TEXT)
/*
 * Issue 15: a request's invoice as its outcome mail and the fee waiver
 * need it; its fees one by one (frozen: dated inside a hold, out of the
 * balance); the waivers; and the fee totals a waiver is checked against.
 */
#define SQL_COLS_OUTCOME_TO(C) \
	C(OUTCOME_TO_INVOICE_ID,	"invoice_id",		INT) \
	C(OUTCOME_TO_NUMBER,		"number",		TEXT) \
	C(OUTCOME_TO_CURRENCY,		"currency",		TEXT) \
	C(OUTCOME_TO_NAME,		"name",			TEXT) \
	C(OUTCOME_TO_EMAIL,		"email",		TEXT) \
	C(OUTCOME_TO_LANGUAGE,		"language",		TEXT) \
	C(OUTCOME_TO_TIMEZONE,		"timezone",		TEXT)
#define SQL_COLS_STAFF_FEE(C) \
	C(STAFF_FEE_POSITION,		"position",		INT) \
	C(STAFF_FEE_DESCRIPTION,	"description",		TEXT) \
	C(STAFF_FEE_AMOUNT_CENTS,	"amount_cents",		INT) \
	C(STAFF_FEE_CHARGED_ON,		"charged_on",		DATE) \
	C(STAFF_FEE_FROZEN,		"frozen",		BOOL)
#define SQL_COLS_WAIVER(C) \
	C(WAIVER_AMOUNT_CENTS,		"amount_cents",		INT) \
	C(WAIVER_NOTE,			"note",			TEXT) \
	C(WAIVER_STAFF,			"staff",		TEXT) \
	C(WAIVER_AT,			"at",			TEXT)
#define SQL_COLS_FEE_STATE(C) \
	C(FEE_STATE_CURRENCY,		"currency",		TEXT) \
	C(FEE_STATE_FEES_CENTS,		"fees_cents",		INT) \
	C(FEE_STATE_WAIVED_CENTS,	"waived_cents",		INT) \
	C(FEE_STATE_FROZEN_CENTS,	"frozen_cents",		INT)

/* An invoice's history for staff: its facts, then one shape per list. */
#define SQL_COLS_STAFF_INVOICE(C) \
	C(STAFF_INVOICE_ID,		"id",			INT) \
	C(STAFF_INVOICE_NUMBER,		"number",		TEXT) \
	C(STAFF_INVOICE_CURRENCY,	"currency",		TEXT) \
	C(STAFF_INVOICE_ISSUED,		"issued",		DATE) \
	C(STAFF_INVOICE_DUE,		"due",			DATE) \
	C(STAFF_INVOICE_CUSTOMER,	"customer",		TEXT) \
	C(STAFF_INVOICE_EMAIL,		"email",		TEXT) \
	C(STAFF_INVOICE_PHONE,		"phone",		TEXT) \
	C(STAFF_INVOICE_LANGUAGE,	"language",		TEXT) \
	C(STAFF_INVOICE_CUSTOMER_REF,	"customer_ref",		TEXT) \
	C(STAFF_INVOICE_TIMEZONE,	"timezone",		TEXT)
#define SQL_COLS_HISTORY_LINK(C) \
	C(HISTORY_LINK_ID,		"id",			INT) \
	C(HISTORY_LINK_PURPOSE,		"purpose",		TEXT) \
	C(HISTORY_LINK_ISSUED,		"issued",		TEXT) \
	C(HISTORY_LINK_EXPIRES,		"expires",		TEXT) \
	C(HISTORY_LINK_REVOKED,		"revoked",		TEXT) \
	C(HISTORY_LINK_LAST_USED,	"last_used",		TEXT) \
	C(HISTORY_LINK_ACTIVE,		"active",		BOOL)
#define SQL_COLS_HISTORY_PLAN(C) \
	C(HISTORY_PLAN_ID,		"id",			INT) \
	C(HISTORY_PLAN_STATUS,		"status",		TEXT) \
	C(HISTORY_PLAN_FREQUENCY,	"frequency",		TEXT) \
	C(HISTORY_PLAN_INSTALLMENTS,	"installments",		INT) \
	C(HISTORY_PLAN_TOTAL_CENTS,	"total_cents",		INT) \
	C(HISTORY_PLAN_ACCEPTED,	"accepted",		TEXT) \
	C(HISTORY_PLAN_TERMS_VERSION,	"terms_version",	TEXT) \
	C(HISTORY_PLAN_CLIENT_ADDR,	"client_addr",		TEXT) \
	C(HISTORY_PLAN_CURRENCY,	"currency",		TEXT)
#define SQL_COLS_HISTORY_REQUEST(C) \
	C(HISTORY_REQUEST_ID,		"id",			INT) \
	C(HISTORY_REQUEST_CATEGORY,	"category",		TEXT) \
	C(HISTORY_REQUEST_STATUS,	"status",		TEXT) \
	C(HISTORY_REQUEST_RECEIVED,	"received",		TEXT) \
	C(HISTORY_REQUEST_FOLLOWUPS,	"followups",		INT)
#define SQL_COLS_HISTORY_MESSAGE(C) \
	C(HISTORY_MESSAGE_KIND,		"kind",			TEXT) \
	C(HISTORY_MESSAGE_RECIPIENT,	"recipient",		TEXT) \
	C(HISTORY_MESSAGE_SUBJECT,	"subject",		TEXT) \
	C(HISTORY_MESSAGE_STATUS,	"status",		TEXT) \
	C(HISTORY_MESSAGE_ATTEMPTS,	"attempts",		INT) \
	C(HISTORY_MESSAGE_QUEUED,	"queued",		TEXT) \
	C(HISTORY_MESSAGE_SENT,		"sent",			TEXT) \
	C(HISTORY_MESSAGE_LAST_ERROR,	"last_error",		TEXT)
#define SQL_COLS_HISTORY_EVENT(C) \
	C(HISTORY_EVENT_AT,		"at",			TEXT) \
	C(HISTORY_EVENT_ACTOR,		"actor",		TEXT) \
	C(HISTORY_EVENT_STAFF,		"staff",		TEXT) \
	C(HISTORY_EVENT_ACTION,		"action",		TEXT) \
	C(HISTORY_EVENT_DETAIL,		"detail",		TEXT) \
	C(HISTORY_EVENT_CLIENT_ADDR,	"client_addr",		TEXT) \
	C(HISTORY_EVENT_LINK,		"link",			TEXT)

/*
 * What a server key still protects: live links and their last expiry,
 * live staff sessions and their last end, queued mail sealed with it,
 * staff TOTP secrets sealed with it and staff with recovery codes under it.
 */
#define SQL_COLS_KEY_USE(C) \
	C(KEY_USE_LINKS,		"links",		INT) \
	C(KEY_USE_LINKS_UNTIL,		"links_until",		TEXT) \
	C(KEY_USE_SESSIONS,		"sessions",		INT) \
	C(KEY_USE_SESSIONS_UNTIL,	"sessions_until",	TEXT) \
	C(KEY_USE_MAIL,			"mail",			INT) \
	C(KEY_USE_TOTP,			"totp",			INT) \
	C(KEY_USE_RECOVERY,		"recovery",		INT)
/* A replica's state: whether it is one, and how far behind it replays. */
#define SQL_COLS_REPLICA(C) \
	C(REPLICA_STANDBY,		"standby",		BOOL) \
	C(REPLICA_LAG_MS,		"lag_ms",		INT) \
	C(REPLICA_REPLAYED,		"replayed",		TEXT)
/* Bank payments (issue 16). */
#define SQL_COLS_PAYREF(C) \
	C(PAYREF_ID,			"id",			INT) \
	C(PAYREF_NUMBER,		"number",		TEXT) \
	C(PAYREF_CURRENCY,		"currency",		TEXT) \
	C(PAYREF_KEY,			"key",			TEXT)
#define SQL_COLS_PAYEE(C) \
	C(PAYEE_ID,			"id",			INT) \
	C(PAYEE_NUMBER,			"number",		TEXT) \
	C(PAYEE_CURRENCY,		"currency",		TEXT) \
	C(PAYEE_NAME,			"name",			TEXT) \
	C(PAYEE_EMAIL,			"email",		TEXT) \
	C(PAYEE_LANGUAGE,		"language",		TEXT)
#define SQL_COLS_CREDIT(C) \
	C(CREDIT_ID,			"id",			INT) \
	C(CREDIT_ENTRY_REF,		"entry_ref",		TEXT) \
	C(CREDIT_KIND,			"kind",			TEXT) \
	C(CREDIT_BOOKED_ON,		"booked_on",		DATE) \
	C(CREDIT_AMOUNT_CENTS,		"amount_cents",		INT) \
	C(CREDIT_CURRENCY,		"currency",		TEXT) \
	C(CREDIT_REFERENCE,		"reference",		TEXT) \
	C(CREDIT_REMITTANCE,		"remittance",		TEXT) \
	C(CREDIT_PARTY,			"party",		TEXT) \
	C(CREDIT_STATUS,		"status",		TEXT) \
	C(CREDIT_REASON,		"reason",		TEXT) \
	C(CREDIT_SOURCE_FILE,		"source_file",		TEXT)

/* A fresh link: recent requests (and when each limit frees up, epoch seconds), the match. */
#define SQL_COLS_FRESH_COUNTS(C) \
	C(FRESH_COUNTS_BY_EMAIL,	"by_email",		INT) \
	C(FRESH_COUNTS_BY_INVOICE,	"by_invoice",		INT) \
	C(FRESH_COUNTS_BY_CLIENT,	"by_client",		INT) \
	C(FRESH_COUNTS_EMAIL_FREE,	"email_free",		INT) \
	C(FRESH_COUNTS_INVOICE_FREE,	"invoice_free",		INT) \
	C(FRESH_COUNTS_CLIENT_FREE,	"client_free",		INT)
#define SQL_COLS_FRESH_FIND(C) \
	C(FRESH_FIND_INVOICE_ID,	"invoice_id",		TEXT) \
	C(FRESH_FIND_NUMBER,		"number",		TEXT) \
	C(FRESH_FIND_NAME,		"name",			TEXT) \
	C(FRESH_FIND_EMAIL,		"email",		TEXT) \
	C(FRESH_FIND_LANGUAGE,		"language",		TEXT)
/*
 * The ledger overview (issue 14): one row per currency, amounts in cents
 * (the buckets by days overdue, as in ledger.h), the reminders sent on each
 * day of a week, and the open invoices one by one for the CSV export.
 */
#define SQL_COLS_LEDGER(C) \
	C(LEDGER_CURRENCY,		"currency",		TEXT) \
	C(LEDGER_OPEN_COUNT,		"open_count",		INT) \
	C(LEDGER_OPEN_CENTS,		"open_cents",		INT) \
	C(LEDGER_NOT_DUE_CENTS,		"not_due_cents",	INT) \
	C(LEDGER_D30_CENTS,		"d30_cents",		INT) \
	C(LEDGER_D60_CENTS,		"d60_cents",		INT) \
	C(LEDGER_D90_CENTS,		"d90_cents",		INT) \
	C(LEDGER_MORE_CENTS,		"more_cents",		INT) \
	C(LEDGER_PLAN_CENTS,		"plan_cents",		INT) \
	C(LEDGER_HOLD_CENTS,		"hold_cents",		INT) \
	C(LEDGER_SALES_CENTS,		"sales_cents",		INT) \
	C(LEDGER_KEPT_COUNT,		"kept_count",		INT) \
	C(LEDGER_MISSED_COUNT,		"missed_count",		INT) \
	C(LEDGER_MISSED_CENTS,		"missed_cents",		INT)
#define SQL_COLS_WEEK(C) \
	C(WEEK_DAY,			"day",			DATE) \
	C(WEEK_SENT,			"sent",			INT)
#define SQL_COLS_AGED(C) \
	C(AGED_NUMBER,			"number",		TEXT) \
	C(AGED_CUSTOMER,		"customer",		TEXT) \
	C(AGED_CURRENCY,		"currency",		TEXT) \
	C(AGED_DUE,			"due",			DATE) \
	C(AGED_DAYS_OVERDUE,		"days_overdue",		INT) \
	C(AGED_BALANCE_CENTS,		"balance_cents",	INT)

/* portal-notify */
#define SQL_COLS_CLAIMED(C) \
	C(CLAIMED_ID,			"id",			INT) \
	C(CLAIMED_MESSAGE,		"message",		TEXT) \
	C(CLAIMED_ATTEMPTS,		"attempts",		INT) \
	C(CLAIMED_RECLAIMED,		"reclaimed",		BOOL)

/*
 * An unsubscribe link's customer (issue 13): whether reminder emails are
 * off now, and whether this statement changed that.
 */
#define SQL_COLS_UNSUBSCRIBE(C) \
	C(UNSUBSCRIBE_ID,		"id",			INT) \
	C(UNSUBSCRIBE_NAME,		"name",			TEXT) \
	C(UNSUBSCRIBE_LANGUAGE,		"language",		TEXT) \
	C(UNSUBSCRIBE_REMINDERS_OFF,	"reminders_off",	BOOL) \
	C(UNSUBSCRIBE_CHANGED,		"changed",		BOOL)

/*
 * portal-admin remind: one row per invoice whose due step (the latest of
 * its cadence whose day has come, or a plan event) is not done yet, with
 * the facts remind_decide() needs. Times are seconds since the epoch;
 * local_* are in the customer's zone.
 */
#define SQL_COLS_REMIND_DUE(C) \
	C(REMIND_DUE_INVOICE_ID,	"invoice_id",		INT) \
	C(REMIND_DUE_NUMBER,		"number",		TEXT) \
	C(REMIND_DUE_CURRENCY,		"currency",		TEXT) \
	C(REMIND_DUE_ISSUED,		"issued",		DATE) \
	C(REMIND_DUE_DUE,		"due",			DATE) \
	C(REMIND_DUE_CUSTOMER_ID,	"customer_id",		INT) \
	C(REMIND_DUE_NAME,		"name",			TEXT) \
	C(REMIND_DUE_EMAIL,		"email",		TEXT) \
	C(REMIND_DUE_LANGUAGE,		"language",		TEXT) \
	C(REMIND_DUE_ZONE,		"zone",			TEXT) \
	C(REMIND_DUE_STEP_KEY,		"step_key",		TEXT) \
	C(REMIND_DUE_KIND,		"kind",			TEXT) \
	C(REMIND_DUE_SCHEDULED_ON,	"scheduled_on",		DATE) \
	C(REMIND_DUE_PAY_BY,		"pay_by",		DATE) \
	C(REMIND_DUE_RECOVERY_ON,	"recovery_on",		DATE) \
	C(REMIND_DUE_PLAN_ID,		"plan_id",		INT) \
	C(REMIND_DUE_SEQ,		"seq",			INT) \
	C(REMIND_DUE_BALANCE,		"balance",		INT) \
	C(REMIND_DUE_HOLD,		"hold",			TEXT) \
	C(REMIND_DUE_PLAN_ACTIVE,	"plan_active",		BOOL) \
	C(REMIND_DUE_OPTED_OUT,		"opted_out",		BOOL) \
	C(REMIND_DUE_LAST_SENT,		"last_sent",		INT) \
	C(REMIND_DUE_LOCAL_HOUR,	"local_hour",		INT) \
	C(REMIND_DUE_LOCAL_TODAY,	"local_today",		DATE) \
	C(REMIND_DUE_LOCAL_TIME,	"local_time",		TEXT) \
	C(REMIND_DUE_TODAY_FIRST,	"today_first",		INT) \
	C(REMIND_DUE_TOMORROW_FIRST,	"tomorrow_first",	INT) \
	C(REMIND_DUE_FINAL_PAY_BY,	"final_pay_by",		DATE) \
	C(REMIND_DUE_SKIP_REASON,	"skip_reason",		TEXT) \
	C(REMIND_DUE_ESCALATED,		"escalated",		BOOL)
/* A plan's installments with what has been paid towards each. */
#define SQL_COLS_INSTALLMENT(C) \
	C(INSTALLMENT_SEQ,		"seq",			INT) \
	C(INSTALLMENT_DUE_ON,		"due_on",		DATE) \
	C(INSTALLMENT_AMOUNT_CENTS,	"amount_cents",		INT) \
	C(INSTALLMENT_PAID_CENTS,	"paid_cents",		INT)
/* Staff: what the engine did or did not do, tasks, the next step. */
#define SQL_COLS_HISTORY_REMINDER(C) \
	C(HISTORY_REMINDER_KIND,	"kind",			TEXT) \
	C(HISTORY_REMINDER_STEP_KEY,	"step_key",		TEXT) \
	C(HISTORY_REMINDER_OUTCOME,	"outcome",		TEXT) \
	C(HISTORY_REMINDER_REASON,	"reason",		TEXT) \
	C(HISTORY_REMINDER_AT,		"at",			TEXT) \
	C(HISTORY_REMINDER_SCHEDULED_ON, "scheduled_on",	DATE) \
	C(HISTORY_REMINDER_PAY_BY,	"pay_by",		DATE)
#define SQL_COLS_TASK(C) \
	C(TASK_ID,			"id",			INT) \
	C(TASK_KIND,			"kind",			TEXT) \
	C(TASK_REASON,			"reason",		TEXT) \
	C(TASK_DUE_ON,			"due_on",		DATE) \
	C(TASK_STATUS,			"status",		TEXT) \
	C(TASK_NUMBER,			"number",		TEXT) \
	C(TASK_CUSTOMER,		"customer",		TEXT) \
	C(TASK_CREATED,			"created",		TEXT)
#define SQL_COLS_NEXT_STEP(C) \
	C(NEXT_STEP_KIND,		"kind",			TEXT) \
	C(NEXT_STEP_ON_DAY,		"on_day",		DATE)

/* What the invoice page says is open besides hardship (issue 15). */
/* The invoice page's holds and escalation (SQL_DEBTOR_STATE). */
#define SQL_COLS_DEBTOR_STATE(C) \
	C(DEBTOR_STATE_DISPUTE,		"dispute",		BOOL) \
	C(DEBTOR_STATE_DISPUTE_ON,	"dispute_on",		DATE) \
	C(DEBTOR_STATE_CLAIM,		"claim",		BOOL) \
	C(DEBTOR_STATE_CLAIM_ON,	"claim_on",		DATE) \
	C(DEBTOR_STATE_PROMISE_ON,	"promise_on",		DATE) \
	C(DEBTOR_STATE_PROMISE_CENTS,	"promise_cents",	INT) \
	C(DEBTOR_STATE_ESCALATION_STATUS, "escalation_status",	TEXT) \
	C(DEBTOR_STATE_ESCALATION_ON,	"escalation_on",	DATE) \
	C(DEBTOR_STATE_ESCALATION_AGENCY, "escalation_agency",	TEXT)

/* A dispute or a payment claim, as its staff page shows it (issue 15). */
#define SQL_COLS_STAFF_REQUEST(C) \
	C(STAFF_REQUEST_ID,		"id",			INT) \
	C(STAFF_REQUEST_INVOICE_ID,	"invoice_id",		INT) \
	C(STAFF_REQUEST_NUMBER,		"number",		TEXT) \
	C(STAFF_REQUEST_CURRENCY,	"currency",		TEXT) \
	C(STAFF_REQUEST_CUSTOMER,	"customer",		TEXT) \
	C(STAFF_REQUEST_EMAIL,		"email",		TEXT) \
	C(STAFF_REQUEST_LANGUAGE,	"language",		TEXT) \
	C(STAFF_REQUEST_WORD,		"word",			TEXT) \
	C(STAFF_REQUEST_DETAILS,	"details",		TEXT) \
	C(STAFF_REQUEST_REFERENCE,	"reference",		TEXT) \
	C(STAFF_REQUEST_STATUS,		"status",		TEXT) \
	C(STAFF_REQUEST_RESPONSE,	"response",		TEXT) \
	C(STAFF_REQUEST_RECEIVED,	"received",		TEXT) \
	C(STAFF_REQUEST_PAID_ON,	"paid_on",		DATE) \
	C(STAFF_REQUEST_AMOUNT_CENTS,	"amount_cents",		INT) \
	C(STAFF_REQUEST_BALANCE,	"balance",		INT)

/* portal-admin remind: the open promises to pay (issue 15). */
#define SQL_COLS_PROMISE_EVENT(C) \
	C(PROMISE_EVENT_ID,		"id",			INT) \
	C(PROMISE_EVENT_INVOICE_ID,	"invoice_id",		INT) \
	C(PROMISE_EVENT_NUMBER,		"number",		TEXT) \
	C(PROMISE_EVENT_CURRENCY,	"currency",		TEXT) \
	C(PROMISE_EVENT_NAME,		"name",			TEXT) \
	C(PROMISE_EVENT_EMAIL,		"email",		TEXT) \
	C(PROMISE_EVENT_LANGUAGE,	"language",		TEXT) \
	C(PROMISE_EVENT_PAY_ON,		"pay_on",		DATE) \
	C(PROMISE_EVENT_AMOUNT_CENTS,	"amount_cents",		INT) \
	C(PROMISE_EVENT_LOCAL_TODAY,	"local_today",		DATE) \
	C(PROMISE_EVENT_LOCAL_HOUR,	"local_hour",		INT) \
	C(PROMISE_EVENT_BALANCE,	"balance",		INT) \
	C(PROMISE_EVENT_DUE_SENT,	"due_sent",		BOOL)
/* The desk (issue 14): the clerk's day, worklist rows, one task, calls. */
#define SQL_COLS_DESK_DAY(C) \
	C(DESK_DAY_TODAY,		"today",		DATE) \
	C(DESK_DAY_ZONE,		"zone",			TEXT)
#define SQL_COLS_DESK_ROW(C) \
	C(DESK_ROW_ID,			"id",			INT) \
	C(DESK_ROW_KIND,		"kind",			TEXT) \
	C(DESK_ROW_REASON,		"reason",		TEXT) \
	C(DESK_ROW_REF_ID,		"ref_id",		INT) \
	C(DESK_ROW_DUE_ON,		"due_on",		DATE) \
	C(DESK_ROW_DUE_TIME,		"due_time",		TEXT) \
	C(DESK_ROW_STATUS,		"status",		TEXT) \
	C(DESK_ROW_ASSIGNEE,		"assignee",		TEXT) \
	C(DESK_ROW_NUMBER,		"number",		TEXT) \
	C(DESK_ROW_CUSTOMER,		"customer",		TEXT) \
	C(DESK_ROW_BALANCE_CENTS,	"balance_cents",	INT) \
	C(DESK_ROW_CURRENCY,		"currency",		TEXT) \
	C(DESK_ROW_DAYS_OVERDUE,	"days_overdue",		INT) \
	C(DESK_ROW_PHONE,		"phone",		TEXT) \
	C(DESK_ROW_LANGUAGE,		"language",		TEXT)
#define SQL_COLS_DESK_TASK(C) \
	C(DESK_TASK_ID,			"id",			INT) \
	C(DESK_TASK_KIND,		"kind",			TEXT) \
	C(DESK_TASK_REASON,		"reason",		TEXT) \
	C(DESK_TASK_REF_ID,		"ref_id",		INT) \
	C(DESK_TASK_DUE_ON,		"due_on",		DATE) \
	C(DESK_TASK_DUE_TIME,		"due_time",		TEXT) \
	C(DESK_TASK_STATUS,		"status",		TEXT) \
	C(DESK_TASK_VERSION,		"version",		INT) \
	C(DESK_TASK_ASSIGNED_TO,	"assigned_to",		INT) \
	C(DESK_TASK_ASSIGNEE,		"assignee",		TEXT) \
	C(DESK_TASK_SNOOZED_UNTIL,	"snoozed_until",	DATE) \
	C(DESK_TASK_DONE_AT,		"done_at",		TEXT) \
	C(DESK_TASK_DONE_BY,		"done_by",		TEXT) \
	C(DESK_TASK_NOTE,		"note",			TEXT) \
	C(DESK_TASK_CREATED,		"created",		TEXT) \
	C(DESK_TASK_INVOICE_ID,		"invoice_id",		INT)
#define SQL_COLS_DESK_LOCK(C) \
	C(DESK_LOCK_STATUS,		"status",		TEXT) \
	C(DESK_LOCK_VERSION,		"version",		INT) \
	C(DESK_LOCK_INVOICE_ID,		"invoice_id",		INT)
#define SQL_COLS_DESK_STAFF(C) \
	C(DESK_STAFF_ID,		"id",			INT) \
	C(DESK_STAFF_NAME,		"name",			TEXT)
/* The invoice a call is about: the debtor, their zone and the balance. */
#define SQL_COLS_DESK_INVOICE(C) \
	C(DESK_INVOICE_ID,		"id",			INT) \
	C(DESK_INVOICE_NUMBER,		"number",		TEXT) \
	C(DESK_INVOICE_CUSTOMER,	"customer",		TEXT) \
	C(DESK_INVOICE_EMAIL,		"email",		TEXT) \
	C(DESK_INVOICE_PHONE,		"phone",		TEXT) \
	C(DESK_INVOICE_LANGUAGE,	"language",		TEXT) \
	C(DESK_INVOICE_ZONE,		"zone",			TEXT) \
	C(DESK_INVOICE_CURRENCY,	"currency",		TEXT) \
	C(DESK_INVOICE_BALANCE_CENTS,	"balance_cents",	INT) \
	C(DESK_INVOICE_DAYS_OVERDUE,	"days_overdue",		INT)
/* A logged call with what it agreed, and the debtor to confirm it to. */
#define SQL_COLS_DESK_CALL(C) \
	C(DESK_CALL_ID,			"id",			INT) \
	C(DESK_CALL_INVOICE_ID,		"invoice_id",		INT) \
	C(DESK_CALL_TASK_ID,		"task_id",		INT) \
	C(DESK_CALL_AT,			"at",			TEXT) \
	C(DESK_CALL_STAFF,		"staff",		TEXT) \
	C(DESK_CALL_OUTCOME,		"outcome",		TEXT) \
	C(DESK_CALL_NOTE,		"note",			TEXT) \
	C(DESK_CALL_AGREED,		"agreed",		TEXT) \
	C(DESK_CALL_PAY_ON,		"pay_on",		DATE) \
	C(DESK_CALL_AMOUNT_CENTS,	"amount_cents",		INT) \
	C(DESK_CALL_PLAN_TEXT,		"plan_text",		TEXT) \
	C(DESK_CALL_CALLBACK_AT,	"callback_at",		TEXT) \
	C(DESK_CALL_CONFIRMED,		"confirmed",		TEXT) \
	C(DESK_CALL_NUMBER,		"number",		TEXT) \
	C(DESK_CALL_CUSTOMER,		"customer",		TEXT) \
	C(DESK_CALL_EMAIL,		"email",		TEXT) \
	C(DESK_CALL_LANGUAGE,		"language",		TEXT) \
	C(DESK_CALL_ZONE,		"zone",			TEXT) \
	C(DESK_CALL_CURRENCY,		"currency",		TEXT)

/* Every shape above, once. A new shape is added here too. */
/* A letter or escalation task with its invoice (issue 14). */
#define SQL_COLS_TASK_PAGE(C) \
	C(TASK_PAGE_ID,			"id",			INT) \
	C(TASK_PAGE_KIND,		"kind",			TEXT) \
	C(TASK_PAGE_STATUS,		"status",		TEXT) \
	C(TASK_PAGE_VERSION,		"version",		INT) \
	C(TASK_PAGE_NOTE,		"note",			TEXT) \
	C(TASK_PAGE_INVOICE_ID,		"invoice_id",		INT) \
	C(TASK_PAGE_NUMBER,		"number",		TEXT) \
	C(TASK_PAGE_CURRENCY,		"currency",		TEXT) \
	C(TASK_PAGE_ISSUED,		"issued",		DATE) \
	C(TASK_PAGE_DUE,		"due",			DATE) \
	C(TASK_PAGE_CUSTOMER,		"customer",		TEXT) \
	C(TASK_PAGE_ADDRESS,		"address",		TEXT) \
	C(TASK_PAGE_EMAIL,		"email",		TEXT) \
	C(TASK_PAGE_LANGUAGE,		"language",		TEXT) \
	C(TASK_PAGE_CUSTOMER_REF,	"customer_ref",		TEXT) \
	C(TASK_PAGE_POSTED,		"posted",		TEXT) \
	C(TASK_PAGE_POSTED_BY,		"posted_by",		TEXT) \
	C(TASK_PAGE_LETTER_PAY_BY,	"letter_pay_by",	DATE) \
	C(TASK_PAGE_ESCALATION,		"escalation",		TEXT) \
	C(TASK_PAGE_ON_DATE,		"on_date",		DATE) \
	C(TASK_PAGE_AGENCY,		"agency",		TEXT) \
	C(TASK_PAGE_ESCALATED,		"escalated",		BOOL)
#define SQL_COLS_TASK_LOCK(C) \
	C(TASK_LOCK_ID,			"id",			INT) \
	C(TASK_LOCK_KIND,		"kind",			TEXT) \
	C(TASK_LOCK_STATUS,		"status",		TEXT) \
	C(TASK_LOCK_VERSION,		"version",		INT) \
	C(TASK_LOCK_INVOICE_ID,		"invoice_id",		INT)
/* A line an upheld dispute may cancel. */
#define SQL_COLS_DISPUTE_LINE(C) \
	C(DISPUTE_LINE_POSITION,	"position",		INT) \
	C(DISPUTE_LINE_DESCRIPTION,	"description",		TEXT) \
	C(DISPUTE_LINE_TOTAL_CENTS,	"total_cents",		INT)
#define SQL_COLS_ESCALATION_END(C) \
	C(ESCALATION_END_INVOICE_ID,	"invoice_id",		INT) \
	C(ESCALATION_END_NUMBER,	"number",		TEXT) \
	C(ESCALATION_END_WHY,		"why",			TEXT)
#define SQL_SHAPES(S) \
	S(FLAG) S(COUNT) S(KEY) \
	S(CUSTOMER) S(IMPORTED) \
	S(OPENED) S(ITEM) S(SCHEDULE) S(DEBTOR_NOTE) S(POLICY) S(PROPOSAL) S(STAFF_PROPOSAL) \
	S(ACCOUNT) S(COPY_SOURCE) S(COPIES) \
	S(CREDENTIALS) S(ATTEMPT) S(CHALLENGE) S(SESSION) \
	S(TALLY) S(QUEUE) S(MATCH) S(REQUEST) S(NOTE) S(OPEN_REQUEST) \
	S(FOLLOWUP) S(LOCKED) S(OUTCOME_TO) S(STAFF_FEE) S(WAIVER) S(FEE_STATE) \
	S(STAFF_INVOICE) S(HISTORY_LINK) S(HISTORY_PLAN) S(HISTORY_REQUEST) \
	S(HISTORY_MESSAGE) S(HISTORY_EVENT) \
	S(KEY_USE) S(REPLICA) \
	S(PAYREF) S(PAYEE) S(CREDIT) S(FRESH_COUNTS) S(FRESH_FIND) \
	S(LEDGER) S(WEEK) S(AGED) \
	S(CLAIMED) \
	S(UNSUBSCRIBE) \
	S(REMIND_DUE) S(INSTALLMENT) S(HISTORY_REMINDER) S(TASK) S(NEXT_STEP) \
	S(TASK_PAGE) S(TASK_LOCK) S(ESCALATION_END) S(DISPUTE_LINE) \
	S(DEBTOR_STATE) S(STAFF_REQUEST) S(PROMISE_EVENT) \
	S(DESK_DAY) S(DESK_ROW) S(DESK_TASK) S(DESK_LOCK) S(DESK_STAFF) \
	S(DESK_INVOICE) S(DESK_CALL)

#define SQL_SHAPE_ENUM_(s)	SQL_SHAPE_##s,
enum sql_shape {
	SQL_SHAPE_NONE,		/* no rows: INSERT, UPDATE, DELETE, utility */
	SQL_SHAPES(SQL_SHAPE_ENUM_)
	SQL_SHAPE__MAX
};

/*
 * The column constants. Each shape's columns are numbered from
 * shape * SQL_COLUMN_STRIDE, so a constant also says which shape it belongs
 * to, and db.h's getters refuse a column of another statement's shape.
 */
#define SQL_COLUMN_STRIDE	64
#define SQL_COLUMN_ENUM_(id, name, type)	id,
#define SQL_COLUMNS_ENUM_(s) \
	enum { \
		s##__BASE = SQL_SHAPE_##s * SQL_COLUMN_STRIDE - 1, \
		SQL_COLS_##s(SQL_COLUMN_ENUM_) \
		s##__END \
	};
SQL_SHAPES(SQL_COLUMNS_ENUM_)

/* One declared column of a shape. */
struct sql_column {
	const char	*constant;	/* "QUEUE_ID", as written in sql.h */
	const char	*name;		/* "id", as PostgreSQL reports it */
	enum sql_type	 type;
};

/* The statement's name, used for PQprepare and in logs. */
const char *sql_name(enum sql_query q);
/* The statement's SQL text. */
const char *sql_text(enum sql_query q);
/* The shape of the statement's rows (SQL_SHAPE_NONE for none). */
enum sql_shape sql_shape(enum sql_query q);
/* The shape's name ("QUEUE", "NONE"); static. */
const char *sql_shape_name(enum sql_shape s);
/* How many columns the shape has (0 for SQL_SHAPE_NONE). */
int sql_ncolumns(enum sql_shape s);
/* The shape's column i (0-based), or NULL when i is out of range. */
const struct sql_column *sql_column(enum sql_shape s, int i);
/*
 * The 0-based position of column constant col in shape s, or -1 when col
 * is not one of s's columns.
 */
int sql_column_index(enum sql_shape s, int col);
/* The name of a type ("text", "int", ...); static. */
const char *sql_type_name(enum sql_type t);

#endif
