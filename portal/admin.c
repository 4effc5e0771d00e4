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
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "arena.h"
#include "audit.h"
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
#include "remind_run.h"
#include "token.h"
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
		rc = 0;
	}
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
	if (token_new(a->cfg.secret, TOKEN_LINK, tok, hash) == -1)
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
 * staff-add EMAIL NAME: a staff user with an Argon2id password hash
 * (interactive limits); the password is read from stdin.
 */
static int
verb_staff_add(struct admin *a, char **argv)
{
	char		 pw[1024], hash[crypto_pwhash_STRBYTES];
	const char	*p[3];
	struct db_res	*r = NULL;
	int		 rc = -1;

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
	p[0] = argv[0]; p[1] = argv[1]; p[2] = hash;
	if (db_begin(a->db) == -1)
		goto out;
	if ((r = db_query(a->db, SQL_STAFF_ADD, p, 3)) == NULL) {
		if (strcmp(db_sqlstate(a->db), "23505") == 0)
			fprintf(stderr, "portal-admin: a staff user with the email "
			    "%s exists already\n", argv[0]);
		goto out;
	}
	if (audit_write(a->db, &(struct audit_event){ .actor = "admin",
	    .staff_id = db_str(r, 0, KEY_ID), .action = "staff.added",
	    .detail = argv[0] }) == -1 || db_commit(a->db) == -1)
		goto out;
	printf("staff user %s added: %s\n", argv[0], argv[1]);
	rc = 0;
out:
	db_res_free(r);
	db_rollback(a->db);
	sodium_memzero(pw, sizeof(pw));
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
	struct mustache_error	 merr;
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
	if (i18n_load(a->cfg.templates, a->cfg.po, &tpl, &merr) == -1) {
		fprintf(stderr, "portal-admin: %s:%u:%u: %s\n", merr.template,
		    merr.line, merr.column, merr.message);
		goto out;
	}
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
	struct mustache_error	 merr;
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
	if (i18n_load(a->cfg.templates, a->cfg.po, &tpl, &merr) == -1) {
		fprintf(stderr, "portal-admin: %s:%u:%u: %s\n", merr.template,
		    merr.line, merr.column, merr.message);
		goto out;
	}
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
	{ "migrate", "", 0, 0, true, verb_migrate },
	{ "check-sql", "", 0, 0, true, verb_check_sql },
	{ "import", "FILE.csv", 1, 1, true, verb_import },
	{ "link", "INVOICE", 1, 1, true, verb_link },
	{ "revoke", "INVOICE", 1, 1, true, verb_revoke },
	{ "staff-add", "EMAIL NAME (password on stdin)", 2, 2, true, verb_staff_add },
	{ "error-pages", "DIR", 1, 1, false, verb_error_pages },
	{ "remind", "[--dry-run] [--now ISO8601] [--simulate DAYS]", 0, 5, true,
	    verb_remind },
};

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
		    db_ensure(a.db) == -1) {
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
