/*
 * portal-admin: the operator's command line. Verbs that touch the database
 * connect with admin_database (the schema owner) and work in transactions.
 * Errors go to stderr saying what was wrong (file, line and field for
 * imports), and the exit status is non-zero.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pwd.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "audit.h"
#include "bankpay.h"
#include "config.h"
#include "buf.h"
#include "date.h"
#include "db.h"
#include "import.h"
#include "log.h"
#include "mail.h"
#include "migrate.h"
#include "i18n.h"
#include "mustache.h"
#include "page.h"
#include "qr.h"
#include "remind_run.h"
#include "role.h"
#include "rotate.h"
#include "token.h"
#include "totp.h"
#include "utf8.h"

#define STAFF_MIN_PASSWORD	12

struct admin {
	struct config	 cfg;
	struct db	*db;
};

struct verb {
	const char	*name;
	const char	*args;
	int		 minargs, maxargs;
	bool		 needs_db;
	bool		 as_user;	/* as root: connect as the config's user */
	int		(*run)(struct admin *, char **);
};

static int
verb_migrate(struct admin *a, char **argv)
{
	int	n;

	(void)argv;
	if ((n = migrate_run(a->db, a->cfg.sql)) == -1)
		return -1;
	printf("%d migration%s applied\n", n, n == 1 ? "" : "s");
	return 0;
}

/*
 * check-sql: prepares every statement of the statement table against the
 * database and checks that its result columns are the ones sql.h declares
 * (names, types, order). Run it after migrate; each difference is logged.
 */
static int
verb_check_sql(struct admin *a, char **argv)
{
	int	bad;

	(void)argv;
	if ((bad = db_check_all(a->db)) != 0) {
		fprintf(stderr, "portal-admin: %d of %d statements do not match "
		    "sql.h (see above)\n", bad, SQL__MAX);
		return -1;
	}
	printf("%d statements match sql.h\n", SQL__MAX);
	return 0;
}

/* Reads a whole file of at most max bytes; caller frees. */
static char *
slurp(const char *path, size_t max, size_t *len)
{
	FILE	*f;
	char	*text;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "portal-admin: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if ((text = malloc(max + 1)) != NULL) {
		*len = fread(text, 1, max + 1, f);
		if (ferror(f) || *len > max) {
			fprintf(stderr, "portal-admin: %s: unreadable or larger "
			    "than %zu bytes\n", path, max);
			free(text);
			text = NULL;
		} else
			text[*len] = '\0';
	}
	(void)fclose(f);
	return text;
}

static int
verb_import(struct admin *a, char **argv)
{
	struct import_stats	 st;
	char			*text, err[512];
	size_t			 len = 0;
	int			 rc = -1;

	if ((text = slurp(argv[0], IMPORT_MAX_FILE, &len)) == NULL)
		return -1;
	if (import_csv(a->db, argv[0], text, len, &st, err, sizeof(err)) == -1)
		fprintf(stderr, "portal-admin: %s\n", err);
	else {
		printf("%s: %d invoice%s created, %d updated, %d unchanged\n",
		    argv[0], st.created, st.created == 1 ? "" : "s", st.updated,
		    st.unchanged);
		if (st.frozen > 0)
			printf("%s: %d late fee%s frozen: dated while the invoice "
			    "was under a hardship or dispute hold, kept but left "
			    "out of the balance: %s\n", argv[0], st.frozen,
			    st.frozen == 1 ? "" : "s", st.frozen_rows);
		rc = 0;
	}
	free(text);
	return rc;
}

/* The templates and catalogs of every language; NULL after saying why. */
static struct i18n *
load_templates(struct admin *a)
{
	struct mustache_error	 merr;
	struct i18n		*tpl = NULL;

	if (i18n_load(a->cfg.templates, a->cfg.po, &tpl, &merr) == -1) {
		fprintf(stderr, "portal-admin: %s:%u:%u: %s\n", merr.template,
		    merr.line, merr.column, merr.message);
		return NULL;
	}
	return tpl;
}

/*
 * payments FILE: a bank statement (camt.053 or CSV, by its content), each
 * credit matched to an invoice and its plan, in one transaction: all or
 * nothing, and the same file twice changes nothing (bankpay.h).
 */
static int
verb_payments(struct admin *a, char **argv)
{
	struct bankpay_stats	 st;
	struct i18n		*tpl = NULL;
	struct arena		*arena = NULL;
	char			*text = NULL, err[1024];
	size_t			 len = 0;
	int			 rc = -1;

	if ((text = slurp(argv[0], BANKPAY_MAX_FILE, &len)) == NULL)
		goto out;
	if ((tpl = load_templates(a)) == NULL)
		goto out;
	if ((arena = arena_new()) == NULL || db_begin(a->db) == -1)
		goto out;
	if (bankpay_import(&(struct bankpay_env){ .db = a->db, .cfg = &a->cfg,
	    .i18n = tpl, .arena = arena, .now = time(NULL),
	    .root = page_root_view }, argv[0], text, len, &st, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "portal-admin: %s\n", err);
		goto out;
	}
	if (db_commit(a->db) == -1)
		goto out;
	printf("%s: %d booking%s: %d paid an invoice, %d for staff "
	    "(/staff/payments), %d imported before, %d not a payment to us"
	    "%s\n", argv[0], st.bookings, st.bookings == 1 ? "" : "s",
	    st.matched, st.review, st.repeated, st.other,
	    st.pending ? arena_printf(arena, "; %d not booked yet, skipped",
	    st.pending) : "");
	rc = 0;
out:
	db_rollback(a->db);
	arena_free(arena);
	i18n_free(tpl);
	free(text);
	return rc;
}

/* The id of invoice number, as text in id; 0, or -1 with a message. */
static int
invoice_id(struct admin *a, const char *number, char *id, size_t idsz)
{
	const char	*p[1] = { number };
	struct db_res	*r;

	if ((r = db_query(a->db, SQL_INVOICE_ID, p, 1)) == NULL)
		return -1;
	if (db_rows(r) == 0) {
		fprintf(stderr, "portal-admin: no invoice numbered %s\n", number);
		db_res_free(r);
		return -1;
	}
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return 0;
}

static int
verb_link(struct admin *a, char **argv)
{
	char		 id[24], link[24], days[16], tok[TOKEN_LEN + 1];
	char		 hash[TOKEN_HASH_HEX];
	const char	*p[4];
	struct db_res	*r;
	int		 rc = -1;

	if (db_begin(a->db) == -1 || invoice_id(a, argv[0], id, sizeof(id)) == -1)
		goto out;
	if (token_new(&a->cfg.keys, TOKEN_LINK, tok, hash) == -1)
		goto out;
	(void)snprintf(days, sizeof(days), "%d", a->cfg.link_days);
	p[0] = id; p[1] = hash; p[2] = "manual"; p[3] = days;
	if ((r = db_query(a->db, SQL_LINK_INSERT, p, 4)) == NULL)
		goto out;
	(void)snprintf(link, sizeof(link), "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	if (audit_write(a->db, &(struct audit_event){ .actor = "admin",
	    .action = "link.issued", .invoice_id = id, .link_id = link,
	    .detail = days }) == -1 || db_commit(a->db) == -1)
		goto out;
	printf("%s/i/%s\n", a->cfg.base_url, tok);
	rc = 0;
out:
	db_rollback(a->db);
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

/*
 * unsubscribe-link INVOICE: a new opt-out link for the invoice's customer,
 * the address a reminder's List-Unsubscribe carries; prints it alone. The
 * reminder engine makes its own with each email; this serves tests and
 * an operator answering "how do I stop these emails?".
 */
static int
verb_unsubscribe_link(struct admin *a, char **argv)
{
	char		 tok[TOKEN_LEN + 1], hash[TOKEN_HASH_HEX];
	const char	*p[2];
	struct db_res	*r;
	int		 rc = -1;

	if (db_begin(a->db) == -1 ||
	    token_new(&a->cfg.keys, TOKEN_UNSUBSCRIBE, tok, hash) == -1)
		goto out;
	p[0] = argv[0]; p[1] = hash;
	if ((r = db_query(a->db, SQL_UNSUBSCRIBE_INSERT, p, 2)) == NULL)
		goto out;
	if (db_rows(r) != 1) {
		fprintf(stderr, "portal-admin: no invoice numbered %s\n", argv[0]);
		db_res_free(r);
		goto out;
	}
	db_res_free(r);
	if (db_commit(a->db) == -1)
		goto out;
	printf("%s/u/%s\n", a->cfg.base_url, tok);
	rc = 0;
out:
	db_rollback(a->db);
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

static int
verb_revoke(struct admin *a, char **argv)
{
	char		 id[24], count[24];
	const char	*p[1];
	struct db_res	*r;
	long long	 n;
	int		 rc = -1;

	if (db_begin(a->db) == -1 || invoice_id(a, argv[0], id, sizeof(id)) == -1)
		goto out;
	p[0] = id;
	if ((r = db_query(a->db, SQL_LINKS_REVOKE, p, 1)) == NULL)
		goto out;
	n = (long long)db_int(r, 0, COUNT_VALUE);
	db_res_free(r);
	(void)snprintf(count, sizeof(count), "%lld", n);
	printf("%s: %lld link%s revoked\n", argv[0], n, n == 1 ? "" : "s");
	if (audit_write(a->db, &(struct audit_event){ .actor = "admin",
	    .action = "links.revoked", .invoice_id = id,
	    .detail = count }) == -1 || db_commit(a->db) == -1)
		goto out;
	rc = 0;
out:
	db_rollback(a->db);
	return rc;
}

/* Reads the password: the first line of stdin, without its newline. */
static int
read_password(char *pw, size_t size)
{
	size_t	n;

	if (fgets(pw, (int)size, stdin) == NULL) {
		fprintf(stderr, "portal-admin: give the password on stdin\n");
		return -1;
	}
	n = strcspn(pw, "\r\n");
	if (pw[n] == '\0' && n == size - 1) {
		fprintf(stderr, "portal-admin: the password is too long\n");
		return -1;
	}
	pw[n] = '\0';
	if (!utf8_valid(pw, n) || utf8_count(pw, n) < STAFF_MIN_PASSWORD) {
		fprintf(stderr, "portal-admin: the password must be at least %d "
		    "characters of UTF-8 text\n", STAFF_MIN_PASSWORD);
		return -1;
	}
	return 0;
}

/*
 * staff-add [--role clerk|manager] EMAIL NAME: the options before the
 * arguments (issue 14); the role is clerk unless one is given. Sets *role
 * and moves *argv past the options; 0, or -1 with a message.
 */
static int
staff_add_options(char ***argv, const char **role)
{
	char	**av = *argv;

	*role = role_name(STAFF_CLERK);
	if (av[0] != NULL && strcmp(av[0], "--role") == 0) {
		if (av[1] == NULL || role_parse(av[1]) < 0) {
			fprintf(stderr, "portal-admin: staff-add: --role is clerk "
			    "or manager\n");
			return -1;
		}
		*role = role_name(role_parse(av[1]));
		av += 2;
	}
	if (av[0] == NULL || av[1] == NULL || av[2] != NULL) {
		fprintf(stderr, "portal-admin: staff-add [--role clerk|manager] "
		    "EMAIL NAME\n");
		return -1;
	}
	*argv = av;
	return 0;
}

/*
 * staff-add [--role clerk|manager] EMAIL NAME: a staff user with an
 * Argon2id password hash (interactive limits); the password is read from
 * stdin. The audit event names the user and the role.
 */
static int
verb_staff_add(struct admin *a, char **argv)
{
	char		 pw[1024], hash[crypto_pwhash_STRBYTES], detail[512];
	const char	*p[4], *role;
	struct db_res	*r = NULL;
	int		 rc = -1;

	if (staff_add_options(&argv, &role) == -1)
		return -1;
	if (!mail_address_valid(argv[0]) || argv[1][0] == '\0' ||
	    strlen(argv[1]) > 200 || strpbrk(argv[1], "\r\n\t") != NULL ||
	    !utf8_valid(argv[1], strlen(argv[1]))) {
		fprintf(stderr, "portal-admin: staff-add EMAIL NAME: a plain email "
		    "address and a name of 1 to 200 characters on one line\n");
		return -1;
	}
	if (read_password(pw, sizeof(pw)) == -1)
		goto out;
	if (crypto_pwhash_str(hash, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, "portal-admin: out of memory hashing the password\n");
		goto out;
	}
	p[0] = argv[0]; p[1] = argv[1]; p[2] = hash; p[3] = role;
	(void)snprintf(detail, sizeof(detail), "%s (%s)", argv[0], role);
	if (db_begin(a->db) == -1)
		goto out;
	if ((r = db_query(a->db, SQL_STAFF_ADD, p, 4)) == NULL) {
		if (strcmp(db_sqlstate(a->db), "23505") == 0)
			fprintf(stderr, "portal-admin: a staff user with the email "
			    "%s exists already\n", argv[0]);
		goto out;
	}
	if (audit_write(a->db, &(struct audit_event){ .actor = "admin",
	    .staff_id = db_str(r, 0, KEY_ID), .action = "staff.added",
	    .detail = detail }) == -1 ||
	    db_commit(a->db) == -1)
		goto out;
	printf("staff user %s added: %s\n", argv[0], argv[1]);
	rc = 0;
out:
	db_res_free(r);
	db_rollback(a->db);
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

/* The id of the staff user with email, as text in id; 0, or -1 with a message. */
static int
staff_id(struct admin *a, const char *email, char *id, size_t idsz)
{
	const char	*p[1] = { email };
	struct db_res	*r;

	if ((r = db_query(a->db, SQL_STAFF_ID, p, 1)) == NULL)
		return -1;
	if (db_rows(r) == 0) {
		fprintf(stderr, "portal-admin: no staff user has the email %s\n",
		    email);
		db_res_free(r);
		return -1;
	}
	(void)snprintf(id, idsz, "%s", db_str(r, 0, KEY_ID));
	db_res_free(r);
	return 0;
}

/* Stores the enrolment of staff id: the sealed secret and the hashes of codes; 0 or -1 (rolled back by the caller). */
static int
totp_store(struct admin *a, const char *id, const char *email,
    const char *sealed, char codes[TOTP_RECOVERY_CODES][TOTP_RECOVERY_SIZE])
{
	char		 hash[TOTP_RECOVERY_HASH_HEX];
	const char	*p[2] = { id, sealed };
	size_t		 i;

	if (db_begin(a->db) == -1)
		return -1;
	if (db_do(a->db, SQL_TOTP_ENROL, p, 2) == -1) {
		if (strcmp(db_sqlstate(a->db), "23505") == 0)
			fprintf(stderr, "portal-admin: %s is enrolled already; "
			    "staff-totp-reset %s first to enrol a new device\n",
			    email, email);
		return -1;
	}
	p[1] = hash;
	for (i = 0; i < TOTP_RECOVERY_CODES; i++)
		if (totp_recovery_hash(keyring_signer(&a->cfg.keys, time(NULL)), id, codes[i], hash) == -1 ||
		    db_do(a->db, SQL_RECOVERY_ADD, p, 2) == -1)
			return -1;
	if (audit_write(a->db, &(struct audit_event){ .actor = "admin",
	    .staff_id = id, .action = "staff.totp_enrolled",
	    .detail = email }) == -1)
		return -1;
	return db_commit(a->db);
}

/*
 * staff-totp [--light] EMAIL: enrols a staff user in TOTP. A new random
 * secret (libsodium), stored only sealed with a key derived from the server
 * secret; shown once as an otpauth:// URI and its QR code in block
 * characters (for a dark terminal, or a light one with --light); and
 * TOTP_RECOVERY_CODES recovery codes, shown once and stored only as keyed
 * BLAKE2b hashes. A user already enrolled is refused (staff-totp-reset).
 */
static int
verb_staff_totp(struct admin *a, char **argv)
{
	unsigned char		 secret[TOTP_SECRET_BYTES];
	char			 uri[TOTP_URI_MAX], id[24];
	char			 codes[TOTP_RECOVERY_CODES][TOTP_RECOVERY_SIZE];
	const char		*email = argv[0], *issuer;
	enum qr_text_style	 style = QR_TEXT_DARK_TERMINAL;
	struct buf		 sealed, drawing;
	struct qr		*q = NULL;
	size_t			 i;
	int			 rc = -1;

	buf_init(&sealed, 0);
	buf_init(&drawing, 0);
	if (argv[1] != NULL) {
		if (strcmp(argv[0], "--light") != 0) {
			fprintf(stderr, "portal-admin: staff-totp [--light] EMAIL\n");
			goto out;
		}
		style = QR_TEXT_LIGHT_TERMINAL;
		email = argv[1];
	}
	if (staff_id(a, email, id, sizeof(id)) == -1)
		goto out;
	issuer = a->cfg.company[0] != '\0' ? a->cfg.company : "Settle";
	totp_secret_new(secret);
	totp_recovery_new(codes);
	if (totp_uri(uri, sizeof(uri), issuer, email, secret,
	    sizeof(secret)) == -1) {
		fprintf(stderr, "portal-admin: staff-totp: the company (the "
		    "issuer in the app) must be 1 to %d bytes of text without "
		    "':'\n", TOTP_ISSUER_MAX);
		goto out;
	}
	if (totp_secret_seal(&a->cfg.keys, secret, &sealed) == -1 ||
	    (q = qr_encode(uri, strlen(uri))) == NULL ||
	    qr_text(q, style, &drawing) == -1) {
		fprintf(stderr, "portal-admin: staff-totp: cannot seal the "
		    "secret or draw its QR code\n");
		goto out;
	}
	if (totp_store(a, id, email, buf_str(&sealed), codes) == -1)
		goto out;
	printf("%s is enrolled in two-step sign-in. Scan this QR code with an "
	    "authenticator app\n(or enter the address below in it); the app "
	    "then shows a new 6-digit code every %d seconds.\n\n%s\n\n%s\n",
	    email, TOTP_STEP, uri, buf_str(&drawing));
	printf("Recovery codes. Each one signs in once instead of a code, for "
	    "when the phone is lost.\nThey are shown only now: keep them "
	    "somewhere safe, away from the phone.\n\n");
	for (i = 0; i < TOTP_RECOVERY_CODES; i++)
		printf("%s\n", codes[i]);
	rc = fflush(stdout) == 0 ? 0 : -1;
out:
	db_rollback(a->db);
	qr_free(q);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(codes, sizeof(codes));
	sodium_memzero(uri, sizeof(uri));
	if (drawing.data != NULL)
		sodium_memzero(drawing.data, drawing.cap);
	buf_free(&drawing);
	buf_free(&sealed);
	return rc;
}

/*
 * staff-totp-reset EMAIL: for a lost or replaced phone: forgets the user's
 * TOTP secret, recovery codes and waiting sign-ins, audited. The user then
 * signs in with the password alone (or not at all with
 * staff_totp_required) until staff-totp enrols the new device.
 */
static int
verb_staff_totp_reset(struct admin *a, char **argv)
{
	char		 id[24];
	const char	*p[1] = { id };
	struct db_res	*r = NULL;
	int		 rc = -1;

	if (staff_id(a, argv[0], id, sizeof(id)) == -1 || db_begin(a->db) == -1 ||
	    (r = db_query(a->db, SQL_TOTP_RESET, p, 1)) == NULL)
		goto out;
	if (db_rows(r) == 0) {
		fprintf(stderr, "portal-admin: %s is not enrolled in two-step "
		    "sign-in; nothing to reset\n", argv[0]);
		goto out;
	}
	if (audit_write(a->db, &(struct audit_event){ .actor = "admin",
	    .staff_id = id, .action = "staff.totp_reset",
	    .detail = argv[0] }) == -1 || db_commit(a->db) == -1)
		goto out;
	printf("two-step sign-in reset for %s: the old device and recovery codes "
	    "no longer work;\nenrol the new device with: portal-admin "
	    "staff-totp %s\n", argv[0], argv[0]);
	rc = 0;
out:
	db_res_free(r);
	db_rollback(a->db);
	return rc;
}

/*
 * Renders the error template for the statuses nginx answers by itself
 * (body too large, rate limited, portal unreachable), as static files for
 * nginx's error_page. The wording stays in templates/error.mustache.
 */
static int
verb_error_pages(struct admin *a, char **argv)
{
	static const int	 statuses[] = { 400, 404, 405, 413, 414, 429, 500, 503 };
	const struct i18n_lang	*en;
	struct i18n		*tpl = NULL;
	struct arena		*arena = NULL;
	struct buf		 page;
	char			 path[4096];
	FILE			*f;
	size_t			 i;
	bool			 written;
	int			 rc = -1;

	buf_init(&page, 0);
	if ((arena = arena_new()) == NULL)
		goto out;
	if ((tpl = load_templates(a)) == NULL)
		goto out;
	en = i18n_source(tpl);	/* nginx serves one page per status to everyone: in English. */
	if (mkdir(argv[0], 0755) == -1 && errno != EEXIST)
		goto out;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		buf_reset(&page);
		if (page_error_render(en->templates, &a->cfg, en->tag, arena,
		    statuses[i], "static", &page) == -1)
			goto out;
		(void)snprintf(path, sizeof(path), "%s/%d.html", argv[0], statuses[i]);
		if ((f = fopen(path, "w")) == NULL) {
			fprintf(stderr, "portal-admin: %s: %s\n", path, strerror(errno));
			goto out;
		}
		written = fwrite(page.data, 1, page.len, f) == page.len;
		if (fclose(f) != 0 || !written) {
			fprintf(stderr, "portal-admin: %s: cannot write\n", path);
			goto out;
		}
		printf("%s\n", path);
		arena_reset(arena);
	}
	rc = 0;
out:
	buf_free(&page);
	arena_free(arena);
	i18n_free(tpl);
	return rc;
}

/* A Unix time as "2026-12-02 05:30 UTC". */
static const char *
utc(long long t, char *out, size_t outsz)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(out, outsz, "%lld", t);
	return out;
}

/*
 * Prints what key id still protects; true when nothing does any more
 * (it may be retired). until gets the last expiry of its links or
 * sessions, "" when none.
 */
static bool
key_report(struct admin *a, unsigned id, char *until, size_t untilsz)
{
	struct rotate_use	u;

	until[0] = '\0';
	if (rotate_use(a->db, id, &u) == -1)
		return false;
	(void)snprintf(until, untilsz, "%s", strcmp(u.links_until,
	    u.sessions_until) >= 0 ? u.links_until : u.sessions_until);
	printf("key %u protects %lld live link%s%s%s%s, %lld staff session%s "
	    "and %lld queued message%s\n", id, u.links, u.links == 1 ? "" : "s",
	    u.links > 0 ? " (the last expires " : "", u.links_until,
	    u.links > 0 ? ")" : "", u.sessions, u.sessions == 1 ? "" : "s",
	    u.mail, u.mail == 1 ? "" : "s");
	/* These never expire: the staff concerned enrol again (README). */
	if (u.totp > 0 || u.recovery > 0)
		printf("key %u also seals %lld staff TOTP secret%s and hashes the "
		    "recovery codes of %lld staff user%s: reset and enrol them "
		    "again (staff-totp-reset, staff-totp) before retiring it\n",
		    id, u.totp, u.totp == 1 ? "" : "s", u.recovery,
		    u.recovery == 1 ? "" : "s");
	return u.links == 0 && u.sessions == 0 && u.mail == 0 && u.totp == 0 &&
	    u.recovery == 0;
}

/* rotate-secret [--start-in MINUTES]: a new key that signs from then on. */
static int
rotate_add(struct admin *a, long long start)
{
	struct keyring	 keys = a->cfg.keys;
	char		 err[512], when[32], until[48];
	int		 id, i, rc = -1;

	if ((id = keyring_add(&keys, start)) == -1) {
		fprintf(stderr, "portal-admin: %s holds %d keys already: retire "
		    "one first (rotate-secret --retire ID)\n", a->cfg.secret_file,
		    keys.n);
		goto out;
	}
	if (rotate_write(a->cfg.secret_file, &keys, err, sizeof(err)) == -1) {
		fprintf(stderr, "portal-admin: %s\n", err);
		goto out;
	}
	printf("key %d added to %s; it signs new links, sessions, forms and "
	    "mail from %s\n", id, a->cfg.secret_file,
	    utc(start > 0 ? start : (long long)time(NULL), when, sizeof(when)));
	for (i = 0; i < keys.n - 1; i++) {
		if (!key_report(a, keys.keys[i].id, until, sizeof(until)) &&
		    until[0] != '\0')
			printf("  retire it after %s: portal-admin rotate-secret "
			    "--retire %u\n", until, keys.keys[i].id);
		else
			printf("  retire it now: portal-admin rotate-secret "
			    "--retire %u\n", keys.keys[i].id);
	}
	printf("Copy %s to every host, then reload each portal (systemctl "
	    "reload settle-portal); portal-notify reads the file when it needs "
	    "a new key.\n", a->cfg.secret_file);
	rc = 0;
out:
	keyring_wipe(&keys);
	return rc;
}

/* rotate-secret --retire ID: refused while the key still protects something. */
static int
rotate_retire(struct admin *a, unsigned id)
{
	struct keyring	 keys = a->cfg.keys;
	char		 err[512], until[48];
	int		 rc = -1;

	if (keyring_find(&keys, id) == NULL) {
		fprintf(stderr, "portal-admin: %s has no key %u\n",
		    a->cfg.secret_file, id);
		goto out;
	}
	if (keyring_signer(&keys, time(NULL))->id == id) {
		fprintf(stderr, "portal-admin: key %u signs now; add a new key "
		    "first (rotate-secret)\n", id);
		goto out;
	}
	if (!key_report(a, id, until, sizeof(until))) {
		fprintf(stderr, "portal-admin: refusing to retire key %u: "
		    "links, sessions, mail or staff second factors made with it "
		    "would stop working%s%s"
		    "\n", id, until[0] ? "; retire it after " : "", until);
		goto out;
	}
	if (keyring_remove(&keys, id) == -1 ||
	    rotate_write(a->cfg.secret_file, &keys, err, sizeof(err)) == -1) {
		fprintf(stderr, "portal-admin: %s\n", err);
		goto out;
	}
	printf("key %u retired from %s; copy it to every host and reload each "
	    "portal\n", id, a->cfg.secret_file);
	rc = 0;
out:
	keyring_wipe(&keys);
	return rc;
}

static int
verb_rotate_secret(struct admin *a, char **argv)
{
	long long	n;
	char		*end;

	if (argv[0] == NULL)
		return rotate_add(a, 0);
	if (argv[1] != NULL) {
		errno = 0;
		n = strtoll(argv[1], &end, 10);
		if (errno == 0 && *end == '\0' && argv[1][0] >= '0' &&
		    argv[1][0] <= '9') {
			if (strcmp(argv[0], "--start-in") == 0 && n <= 7 * 24 * 60)
				return rotate_add(a, (long long)time(NULL) + n * 60);
			if (strcmp(argv[0], "--retire") == 0 && n >= 1 &&
			    n <= KEYRING_ID_MAX)
				return rotate_retire(a, (unsigned)n);
		}
	}
	fprintf(stderr, "usage: portal-admin rotate-secret [--start-in MINUTES "
	    "| --retire ID]\n");
	return -1;
}

/*
 * An ISO 8601 moment, "2026-12-04T09:30", with seconds and a zone ("Z",
 * "+01:00") optional; without a zone it is UTC. 0, or -1.
 */
static int
parse_moment(const char *s, time_t *out)
{
	struct date	d;
	struct tm	tm;
	char		day[DATE_ISO_SIZE];
	int		hh, mm, ss = 0, oh = 0, om = 0, n = 0, sign = 0;
	const char	*z;

	if (strlen(s) < 16 || (s[10] != 'T' && s[10] != ' '))
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (date_parse(day, &d) == -1)
		return -1;
	z = s + 11;
	if (sscanf(z, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5)
		return -1;
	z += n;
	if (*z == ':') {
		if (sscanf(z, ":%2d%n", &ss, &n) != 1 || n != 3)
			return -1;
		z += n;
	}
	if (*z == 'Z')
		z++;
	else if (*z == '+' || *z == '-') {
		sign = *z == '+' ? 1 : -1;
		if (sscanf(z + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
		    oh > 14 || om > 59)
			return -1;
		z += 1 + n;
	}
	if (*z != '\0' || hh > 23 || mm > 59 || ss > 59 || hh < 0 || mm < 0 || ss < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	*out = timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

/*
 * --simulate DAYS: the real engine once an hour of every simulated day,
 * inside one transaction that is rolled back: the day-by-day plan for the
 * current data, and nothing written.
 */
static int
simulate(struct admin *a, const struct i18n *tpl, time_t start, int days)
{
	struct remind_stats	 st;
	struct remind_options	 o;
	struct tm		 tm;
	char			 prefix[32];
	int			 d, h, rc = -1;

	memset(&st, 0, sizeof(st));
	if (db_begin(a->db) == -1)
		goto out;
	for (d = 0; d < days; d++)
		for (h = 0; h < 24; h++) {
			memset(&o, 0, sizeof(o));
			o.now = start + (time_t)d * 86400 + (time_t)h * 3600;
			o.in_transaction = true;
			o.out = stdout;
			if (gmtime_r(&o.now, &tm) == NULL || strftime(prefix,
			    sizeof(prefix), "%Y-%m-%d %H:%MZ\t", &tm) == 0)
				goto out;
			o.prefix = prefix;
			if (remind_run(a->db, &a->cfg, tpl, &o, &st) == -1)
				goto out;
		}
	printf("simulated %d day%s: %d email%s, %d task%s; nothing was written\n",
	    days, days == 1 ? "" : "s", st.sent, st.sent == 1 ? "" : "s",
	    st.tasks, st.tasks == 1 ? "" : "s");
	rc = 0;
out:
	db_rollback(a->db);
	return rc;
}

/*
 * remind [--dry-run] [--now ISO8601] [--simulate DAYS]: queues the
 * reminder steps that are due (remind_run.h). One run at a time.
 */
static int
verb_remind(struct admin *a, char **argv)
{
	struct remind_stats	 st;
	struct remind_options	 o;
	struct i18n		*tpl = NULL;
	struct db_res		*r = NULL;
	time_t			 now = time(NULL);
	long			 days = 0;
	bool			 dry = false, locked = false;
	char			*end;
	int			 i, rc = -1;

	for (i = 0; argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = true;
		else if (strcmp(argv[i], "--now") == 0 && argv[i + 1] != NULL) {
			if (parse_moment(argv[++i], &now) == -1) {
				fprintf(stderr, "portal-admin: remind --now %s: give "
				    "a moment as 2026-12-04T09:30Z\n", argv[i]);
				return -1;
			}
		} else if (strcmp(argv[i], "--simulate") == 0 && argv[i + 1] != NULL) {
			days = strtol(argv[++i], &end, 10);
			if (*end != '\0' || days < 1 || days > 366) {
				fprintf(stderr, "portal-admin: remind --simulate %s: "
				    "give 1 to 366 days\n", argv[i]);
				return -1;
			}
		} else {
			fprintf(stderr, "portal-admin: remind [--dry-run] [--now "
			    "ISO8601] [--simulate DAYS]: %s?\n", argv[i]);
			return -1;
		}
	}
	if ((tpl = load_templates(a)) == NULL)
		goto out;
	if ((r = db_query(a->db, SQL_REMIND_LOCK, NULL, 0)) == NULL)
		goto out;
	if (!(locked = db_bool(r, 0, FLAG_VALUE))) {
		fprintf(stderr, "portal-admin: remind: another run is under way\n");
		goto out;
	}
	if (days > 0) {
		rc = simulate(a, tpl, now, (int)days);
		goto out;
	}
	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	o.now = now;
	o.dry_run = dry;
	o.out = stdout;
	rc = remind_run(a->db, &a->cfg, tpl, &o, &st);
	if (!dry)
		printf("remind: %d email%s queued, %d task%s, %d skipped, %d "
		    "waiting, %d failed\n", st.sent, st.sent == 1 ? "" : "s",
		    st.tasks, st.tasks == 1 ? "" : "s", st.skipped, st.waiting,
		    st.failed);
out:
	db_res_free(r);
	if (locked) {
		db_rollback(a->db);
		if ((r = db_query(a->db, SQL_REMIND_UNLOCK, NULL, 0)) == NULL)
			rc = -1;
		db_res_free(r);
	}
	i18n_free(tpl);
	return rc;
}

static const struct verb verbs[] = {
	{ "migrate", "", 0, 0, true, false, verb_migrate },
	{ "check-sql", "", 0, 0, true, false, verb_check_sql },
	{ "import", "FILE.csv", 1, 1, true, false, verb_import },
	{ "payments", "FILE (camt.053 or CSV)", 1, 1, true, false, verb_payments },
	{ "link", "INVOICE", 1, 1, true, false, verb_link },
	{ "revoke", "INVOICE", 1, 1, true, false, verb_revoke },
	{ "unsubscribe-link", "INVOICE", 1, 1, true, false, verb_unsubscribe_link },
	{ "staff-add", "[--role clerk|manager] EMAIL NAME (password on stdin)",
	    2, 4, true, false, verb_staff_add },
	{ "staff-totp", "[--light] EMAIL", 1, 2, true, false, verb_staff_totp },
	{ "staff-totp-reset", "EMAIL", 1, 1, true, false, verb_staff_totp_reset },
	{ "error-pages", "DIR", 1, 1, false, false, verb_error_pages },
	/* Root writes the secret file's directory; the database knows settle. */
	{ "rotate-secret", "[--start-in MINUTES | --retire ID]", 0, 2, true, true,
	    verb_rotate_secret },
	{ "remind", "[--dry-run] [--now ISO8601] [--simulate DAYS]", 0, 5, true,
	    false, verb_remind },
};

/*
 * Connects to the database. Run as root, a verb that needs root for files
 * (rotate-secret: the secret file's directory) connects with the effective
 * ids of the config's user, so that peer authentication on the unix socket
 * sees that user as "runuser -u settle" would, then takes root back.
 */
static int
connect_db(struct admin *a, bool as_user)
{
	struct passwd	*pw = NULL;
	int		 rc;

	if (as_user && geteuid() == 0 && a->cfg.user[0] != '\0')
		pw = getpwnam(a->cfg.user);
	if (pw != NULL && (setegid(pw->pw_gid) == -1 || seteuid(pw->pw_uid) == -1)) {
		fprintf(stderr, "portal-admin: cannot act as %s: %s\n", a->cfg.user,
		    strerror(errno));
		return -1;
	}
	rc = db_ensure(a->db);
	if (pw != NULL && (seteuid(0) == -1 || setegid(0) == -1)) {
		fprintf(stderr, "portal-admin: cannot take root back: %s\n",
		    strerror(errno));
		return -1;
	}
	return rc;
}

static void
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: portal-admin [-c config] verb [args]\nverbs:\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(stderr, "  %s %s\n", verbs[i].name, verbs[i].args);
	exit(2);
}

static const struct verb *
find_verb(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

int
main(int argc, char *argv[])
{
	const char		*path = CONFIG_DEFAULT_PATH;
	const struct verb	*v;
	struct admin		 a;
	char			 err[512];
	int			 ch, rc = EXIT_FAILURE;

	log_init("portal-admin");
	memset(&a, 0, sizeof(a));
	/* "+": options stop at the verb, whose own options (--role) follow it. */
	while ((ch = getopt(argc, argv, "+c:")) != -1) {
		if (ch != 'c')
			usage();
		path = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (v = find_verb(argv[0])) == NULL ||
	    argc - 1 < v->minargs || argc - 1 > v->maxargs)
		usage();
	if (sodium_init() == -1) {
		fprintf(stderr, "portal-admin: sodium_init failed\n");
		goto out;
	}
	if (config_load(&a.cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "portal-admin: %s\n", err);
		goto out;
	}
	if (config_apply_timezone(&a.cfg) == -1) {
		fprintf(stderr, "portal-admin: cannot set timezone %s\n", a.cfg.timezone);
		goto out;
	}
	if (v->needs_db) {
		if ((a.db = db_new(a.cfg.admin_database, "portal-admin", 0, a.cfg.timezone)) == NULL ||
		    connect_db(&a, v->as_user) == -1) {
			fprintf(stderr, "portal-admin: cannot connect to the database\n");
			goto out;
		}
	}
	if (v->run(&a, argv + 1) == 0)
		rc = EXIT_SUCCESS;
out:
	db_free(a.db);
	sodium_memzero(&a.cfg, sizeof(a.cfg));
	return rc;
}
