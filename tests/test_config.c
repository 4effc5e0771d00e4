/* Unit tests for portal/config.c: the parser, its errors, loading files and the secret. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* Length of a literal that may contain NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

#define SECRET_HEX \
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static struct config C;
static char dir[64];

static void
parse_ok(const char *text, size_t len)
{
	char err[256] = "";

	if (config_parse(&C, text, len, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
}

static void
parse_ok_s(const char *text)
{
	parse_ok(text, strlen(text));
}

/* Asserts that text fails with exactly the message want. */
static void
parse_bad(const char *text, size_t len, const char *want)
{
	char err[256] = "";

	if (config_parse(&C, text, len, err, sizeof(err)) != -1)
		fail_msg("accepted \"%.*s\"", (int)len, text);
	if (strcmp(err, want) != 0)
		fail_msg("\"%.*s\": got \"%s\", want \"%s\"", (int)len, text, err,
		    want);
}

static void
parse_bad_s(const char *text, const char *want)
{
	parse_bad(text, strlen(text), want);
}

static void
test_config_defaults(void **state)
{
	(void)state;
	memset(&C, 0x5a, sizeof(C));
	parse_ok("", 0);
	assert_int_equal(C.workers, 4);
	assert_int_equal(C.link_days, 30);
	assert_int_equal(C.max_body, 64 * 1024);
	assert_int_equal(C.sendmail_timeout, 30);
	assert_int_equal(C.notify_poll, 5);
	assert_int_equal(C.notify_lease, 300);
	assert_int_equal(C.retry_base, 5);
	assert_int_equal(C.retry_max, 1800);
	assert_int_equal(C.max_attempts, 50);
	assert_int_equal(C.session_idle_minutes, 30);
	assert_int_equal(C.session_max_hours, 12);
	assert_true(C.cookie_secure);
	assert_int_equal(C.login_window_minutes, 15);
	assert_int_equal(C.login_limit_pair, 5);
	assert_int_equal(C.login_limit_address, 50);
	assert_int_equal(C.login_limit_account, 100);
	assert_false(C.staff_totp_required);
	assert_false(C.trust_forwarded_for);
	assert_int_equal(C.hardship_notes_per_hour, 10);
	assert_false(C.plan_mail_staff);
	assert_string_equal(C.database, "dbname=settle");
	assert_string_equal(C.socket, "/run/settle/portal.sock");
	assert_string_equal(C.sendmail, "/usr/sbin/sendmail -i -t");
	assert_string_equal(C.secret_file, "/etc/settle/secret");
	assert_string_equal(C.timezone, "UTC");
	assert_string_equal(C.user, "");
	assert_string_equal(C.company, "");
	assert_string_equal(C.pidfile, "");
}

/* Every key, every type, with the spacing a person might use. */
/* Without "po" and "static", both sit beside the templates; given, they win. */
static void
test_config_beside_templates(void **state)
{
	(void)state;
	parse_ok_s("templates = /srv/settle/templates/\n");
	assert_string_equal(C.po, "/srv/settle/po");
	assert_string_equal(C.static_dir, "/srv/settle/static");
	parse_ok_s("templates = /srv/t\nstatic = /var/www/css\n");
	assert_string_equal(C.static_dir, "/var/www/css");
	assert_string_equal(C.po, "/srv/po");
}

static void
test_config_all_keys(void **state)
{
	static const char text[] =
	    "database = host=/db dbname=x user=web\n"
	    "admin_database=dbname=x user=owner\n"
	    "socket\t=\t/run/s.sock\n"
	    "pidfile =/run/p.pid\n"
	    "user = settle\n"
	    "workers = 8\n"
	    "templates = /t\n"
	    "sql = /s\n"
	    "secret_file = /etc/secret\n"
	    "base_url = https://pay.example.com\n"
	    "link_days = 365\n"
	    "max_body = 1048576\n"
	    "trust_forwarded_for = yes\n"
	    "sendmail = /usr/sbin/sendmail -i -t\n"
	    "sendmail_timeout = 3600\n"
	    "notify_poll = 1\n"
	    "retry_base = 10\n"
	    "retry_max = 86400\n"
	    "max_attempts = 1000\n"
	    "mail_from = Example <credit@example.com>\n"
	    "staff_email = team@example.com\n"
	    "plan_mail_staff = yes\n"
	    "company = Example Ltd\n"
	    "contact_name = Credit team\n"
	    "contact_phone = +44 20 7946 0000\n"
	    "contact_email = credit@example.com\n"
	    "contact_hours = Mon-Fri, 9:00 = 17:00 # not a comment\n"
	    "bank_name = Caf\xc3\xa9 Bank\n"
	    "bank_iban = GB00 EXAM 0000\n"
	    "bank_bic = EXAMGB2L\n"
	    "timezone = Europe/London\n"
	    "session_idle_minutes = 1440\n"
	    "session_max_hours = 720\n"
	    "login_window_minutes = 60\n"
	    "login_limit_pair = 3\n"
	    "login_limit_address = 40\n"
	    "login_limit_account = 400\n"
	    "staff_totp_required = yes\n"
	    "cookie_secure = no";		/* no final newline */

	(void)state;
	parse_ok(LIT(text));
	assert_string_equal(C.database, "host=/db dbname=x user=web");
	assert_string_equal(C.admin_database, "dbname=x user=owner");
	assert_string_equal(C.socket, "/run/s.sock");
	assert_string_equal(C.pidfile, "/run/p.pid");
	assert_string_equal(C.user, "settle");
	assert_int_equal(C.workers, 8);
	assert_string_equal(C.templates, "/t");
	assert_string_equal(C.sql, "/s");
	assert_string_equal(C.secret_file, "/etc/secret");
	assert_string_equal(C.base_url, "https://pay.example.com");
	assert_int_equal(C.link_days, 365);
	assert_int_equal(C.max_body, 1048576);
	assert_true(C.trust_forwarded_for);
	assert_string_equal(C.sendmail, "/usr/sbin/sendmail -i -t");
	assert_int_equal(C.sendmail_timeout, 3600);
	assert_int_equal(C.notify_poll, 1);
	assert_int_equal(C.retry_base, 10);
	assert_int_equal(C.retry_max, 86400);
	assert_int_equal(C.max_attempts, 1000);
	assert_string_equal(C.mail_from, "Example <credit@example.com>");
	assert_string_equal(C.staff_email, "team@example.com");
	assert_true(C.plan_mail_staff);
	assert_string_equal(C.company, "Example Ltd");
	assert_string_equal(C.contact_name, "Credit team");
	assert_string_equal(C.contact_phone, "+44 20 7946 0000");
	assert_string_equal(C.contact_email, "credit@example.com");
	assert_string_equal(C.contact_hours,
	    "Mon-Fri, 9:00 = 17:00 # not a comment");
	assert_string_equal(C.bank_name, "Caf\xc3\xa9 Bank");
	assert_string_equal(C.bank_iban, "GB00 EXAM 0000");
	assert_string_equal(C.bank_bic, "EXAMGB2L");
	assert_string_equal(C.timezone, "Europe/London");
	assert_int_equal(C.session_idle_minutes, 1440);
	assert_int_equal(C.session_max_hours, 720);
	assert_false(C.cookie_secure);
	assert_int_equal(C.login_window_minutes, 60);
	assert_int_equal(C.login_limit_pair, 3);
	assert_int_equal(C.login_limit_address, 40);
	assert_int_equal(C.login_limit_account, 400);
	assert_true(C.staff_totp_required);
}

static void
test_config_comments_blank(void **state)
{
	(void)state;
	parse_ok_s("# a comment = with an equals sign\n"
	    "\n"
	    "   \n"
	    "\t\t\n"
	    "  # indented comment\n"
	    "\t# tab comment\n"
	    "#workers = 0\n"
	    "workers = 2\n"
	    "\n");
	assert_int_equal(C.workers, 2);
	/* A comment may hold anything, NUL bytes included. */
	parse_ok(LIT("#\0\xff\n\nworkers = 3\n"));
	assert_int_equal(C.workers, 3);
	parse_ok_s("\n\n\n");
	parse_ok_s("#");
}

/* CRLF files, spaces and tabs around keys and values. */
static void
test_config_whitespace(void **state)
{
	(void)state;
	parse_ok_s("workers = 5\r\ncompany =  Acme  Ltd \t\r\n\r\nuser=\tx\t\r\n");
	assert_int_equal(C.workers, 5);
	assert_string_equal(C.company, "Acme  Ltd");
	assert_string_equal(C.user, "x");
	parse_ok_s("  \tcompany\t =\t");
	assert_string_equal(C.company, "");
	parse_ok_s("database =");
	assert_string_equal(C.database, "");
}

static void
test_config_unknown_key(void **state)
{
	(void)state;
	parse_bad_s("bogus = 1", "line 1: unknown key");
	parse_bad_s("workers = 2\n# x\n\nbogus = 1\n", "line 4: unknown key");
	parse_bad_s("Workers = 2", "line 1: unknown key");
	parse_bad_s("WORKERS = 2", "line 1: unknown key");
	parse_bad_s("work ers = 2", "line 1: unknown key");
	parse_bad_s("workers_ = 2", "line 1: unknown key");
	parse_bad_s("worker = 2", "line 1: unknown key");
	parse_bad_s("= 2", "line 1: unknown key");
	parse_bad_s("=", "line 1: unknown key");
	parse_bad_s("\n\n\n = x", "line 4: unknown key");
	parse_bad_s("\xef\xbb\xbfworkers = 2", "line 1: unknown key");
	parse_bad_s("[section]\nworkers = 2", "line 1: expected key = value");
}

/* Site texts per language: "contact_hours.es"; the plain key otherwise. */
static void
test_config_texts(void **state)
{
	(void)state;
	parse_ok_s("contact_hours = Monday to Friday\n"
	    "contact_hours.es = De lunes a viernes\n"
	    "contact_name.fr = Service recouvrement\ncontact_name = Credit team\n");
	assert_string_equal(config_text(&C, "contact_hours", "es"), "De lunes a viernes");
	assert_string_equal(config_text(&C, "contact_hours", "fr"), "Monday to Friday");
	assert_string_equal(config_text(&C, "contact_hours", "en"), "Monday to Friday");
	assert_string_equal(config_text(&C, "contact_name", "fr"), "Service recouvrement");
	assert_string_equal(config_text(&C, "contact_name", NULL), "Credit team");
	parse_bad_s("company.es = X", "line 1: unknown key (only contact_name and "
	    "contact_hours may be given per language)");
	parse_bad_s("contact_hours.e = X", "line 1: expected a language tag after "
	    "the dot (contact_hours.es)");
	parse_bad_s("contact_hours.e s = X", "line 1: expected a language tag after "
	    "the dot (contact_hours.es)");
	parse_bad_s("contact_hours.es = a\ncontact_hours.es = b",
	    "line 2: key given twice");
}

static void
test_config_repeated_key(void **state)
{
	(void)state;
	parse_bad_s("workers = 2\nworkers = 2\n", "line 2: key given twice");
	parse_bad_s("company = A\n\n# c\nuser = u\ncompany = A\n",
	    "line 5: key given twice");
	parse_bad_s("cookie_secure = yes\r\ncookie_secure = no\r\n",
	    "line 2: key given twice");
	parse_bad_s("  database=a\ndatabase\t= a", "line 2: key given twice");
	/* The first error stops the parse. */
	parse_bad_s("workers = 0\nworkers = 2", "line 1: number missing or out of range");
}

static void
test_config_missing_equals(void **state)
{
	(void)state;
	parse_bad_s("workers 4", "line 1: expected key = value");
	parse_bad_s("workers", "line 1: expected key = value");
	parse_bad_s("# c\nworkers: 4\n", "line 2: expected key = value");
	parse_bad_s("workers = 4\ncompany Acme", "line 2: expected key = value");
	parse_bad_s("x", "line 1: expected key = value");
}

static void
test_config_int_range(void **state)
{
	(void)state;
	parse_ok_s("workers = 1");
	assert_int_equal(C.workers, 1);
	parse_ok_s("workers = 256");
	assert_int_equal(C.workers, 256);
	parse_ok_s("max_body = 1024");
	assert_int_equal(C.max_body, 1024);
	parse_ok_s("workers = 007");
	assert_int_equal(C.workers, 7);
	parse_ok_s("hardship_notes_per_hour = 1000");
	assert_int_equal(C.hardship_notes_per_hour, 1000);
	parse_bad_s("hardship_notes_per_hour = 0",
	    "line 1: number missing or out of range");

	parse_bad_s("workers = 0", "line 1: number missing or out of range");
	parse_bad_s("workers = 257", "line 1: number missing or out of range");
	parse_bad_s("workers = -1", "line 1: number missing or out of range");
	parse_bad_s("link_days = 366", "line 1: number missing or out of range");
	parse_bad_s("max_body = 1023", "line 1: number missing or out of range");
	parse_bad_s("max_body = 1048577", "line 1: number missing or out of range");
	parse_bad_s("sendmail_timeout = 0", "line 1: number missing or out of range");
	parse_bad_s("sendmail_timeout = 3601", "line 1: number missing or out of range");
	parse_bad_s("retry_max = 86401", "line 1: number missing or out of range");
	parse_bad_s("max_attempts = 1001", "line 1: number missing or out of range");
	parse_bad_s("session_idle_minutes = 1441",
	    "line 1: number missing or out of range");
	parse_bad_s("session_max_hours = 721",
	    "line 1: number missing or out of range");
	parse_bad_s("notify_poll = 2147483648",
	    "line 1: number missing or out of range");
	parse_bad_s("notify_poll = 99999999999999999999",
	    "line 1: number missing or out of range");
	parse_bad_s("notify_poll = -99999999999999999999",
	    "line 1: number missing or out of range");
}

static void
test_config_int_junk(void **state)
{
	static const char *const junk[] = {
		"4x", "x4", "4 4", "4.0", "4,0", "1e3", "0x10", "four", "4 # four",
		"\xd9\xa4", "\xef\xbc\x94", "--4", "4-", "- 4",
	};
	char	line[64], err[256];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		(void)snprintf(line, sizeof(line), "workers = %s", junk[i]);
		if (config_parse(&C, line, strlen(line), err, sizeof(err)) != -1)
			fail_msg("accepted \"%s\"", line);
		assert_string_equal(err, "line 1: number missing or out of range");
	}
	parse_bad_s("workers =", "line 1: expected a whole number");
	parse_bad_s("workers =   \t", "line 1: expected a whole number");
	parse_bad_s("workers = 00000000000000000000000000000004",
	    "line 1: expected a whole number");
}

static void
test_config_bad_bool(void **state)
{
	static const char *const bad[] = {
		"true", "false", "1", "0", "Yes", "YES", "No", "NO", "y", "n",
		"on", "off", "yes please", "yess", "ye", "n o",
	};
	char	line[64], err[256];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(line, sizeof(line), "\n\ncookie_secure = %s\n", bad[i]);
		if (config_parse(&C, line, strlen(line), err, sizeof(err)) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_string_equal(err, "line 3: expected yes or no");
	}
	parse_bad_s("plan_mail_staff =", "line 1: expected yes or no");
	parse_ok_s("trust_forwarded_for = yes\nplan_mail_staff = no\n"
	    "cookie_secure = no");
	assert_true(C.trust_forwarded_for);
	assert_false(C.plan_mail_staff);
	assert_false(C.cookie_secure);
}

/* String values fill the field up to its size minus the NUL; no more. */
static void
test_config_long_values(void **state)
{
	char	 text[1100];
	int	 n;

	(void)state;
	n = snprintf(text, sizeof(text), "company = %0*d", CONFIG_STR_MAX - 1, 0);
	parse_ok(text, (size_t)n);
	assert_int_equal(strlen(C.company), CONFIG_STR_MAX - 1);
	n = snprintf(text, sizeof(text), "company = %0*d", CONFIG_STR_MAX, 0);
	parse_bad(text, (size_t)n, "line 1: value is too long");

	n = snprintf(text, sizeof(text), "user = %0*d", (int)sizeof(C.user) - 1, 0);
	parse_ok(text, (size_t)n);
	assert_int_equal(strlen(C.user), sizeof(C.user) - 1);
	n = snprintf(text, sizeof(text), "# x\nuser = %0*d\n",
	    (int)sizeof(C.user), 0);
	parse_bad(text, (size_t)n, "line 2: value is too long");

	n = snprintf(text, sizeof(text), "timezone = %0*d",
	    (int)sizeof(C.timezone), 0);
	parse_bad(text, (size_t)n, "line 1: value is too long");
	/* Trailing blanks do not count. */
	n = snprintf(text, sizeof(text), "timezone = %0*d%*s",
	    (int)sizeof(C.timezone) - 1, 0, 200, "");
	parse_ok(text, (size_t)n);
}

/* A line may hold 1024 bytes; longer lines fail, even comments. */
static void
test_config_long_lines(void **state)
{
	char	text[3000];
	int	n;

	(void)state;
	n = snprintf(text, sizeof(text), "workers = 9%*s\n", 1024 - 11, "");
	assert_int_equal(n, 1025);
	parse_ok(text, (size_t)n);
	assert_int_equal(C.workers, 9);
	n = snprintf(text, sizeof(text), "\nworkers = 9%*s\n", 1025 - 11, "");
	parse_bad(text, (size_t)n, "line 2: line is too long");
	memset(text, '#', 2000);
	parse_bad(text, 2000, "line 1: line is too long");
}

static void
test_config_nul(void **state)
{
	(void)state;
	parse_bad(LIT("workers = 4\0"), "line 1: NUL byte in line");
	parse_bad(LIT("\0"), "line 1: NUL byte in line");
	parse_bad(LIT("workers\0 = 4"), "line 1: NUL byte in line");
	parse_bad(LIT("company = A\0B\n"), "line 1: NUL byte in line");
	parse_bad(LIT("# ok\nuser = x\n\0\n"), "line 3: NUL byte in line");
	parse_bad(LIT("user = x\n  \0  \n"), "line 2: NUL byte in line");
	/* Only len bytes are read: a NUL after them is not seen. */
	parse_ok("workers = 4\0junk", 11);
	assert_int_equal(C.workers, 4);
}

/* The message is cut to the buffer and always terminated. */
static void
test_config_small_err(void **state)
{
	char	err[8];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(config_parse(&C, LIT("bogus = 1"), err, sizeof(err)),
	    -1);
	assert_string_equal(err, "line 1:");
	assert_int_equal(config_parse(&C, LIT("bogus = 1"), NULL, 0), -1);
}

/* The shipped example must always load. */
static void
test_config_example(void **state)
{
	char	 path[PATH_MAX], *text, *slash;
	FILE	*f;
	size_t	 n;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s", __FILE__);
	slash = strrchr(path, '/');
	(void)snprintf(slash ? slash + 1 : path,
	    sizeof(path) - (size_t)(slash ? slash + 1 - path : 0),
	    "../settle.conf.example");
	if ((f = fopen(path, "r")) == NULL)
		skip();
	text = malloc(65536);
	assert_non_null(text);
	n = fread(text, 1, 65536, f);
	(void)fclose(f);
	parse_ok(text, n);
	assert_string_equal(C.timezone, "Europe/London");
	assert_true(C.plan_mail_staff);
	free(text);
}

/* --- config_load -------------------------------------------------------- */

static int
setup_dir(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/settle-config.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	static const char *const files[] = { "conf", "secret" };
	char	path[128];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		(void)unlink(path);
	}
	return rmdir(dir);
}

static void
write_file(const char *name, const char *text, size_t len)
{
	char	 path[128];
	FILE	*f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Writes a config naming the secret file, and the secret itself. */
static void
write_both(const char *secret, size_t len)
{
	char	text[256];
	int	n;

	n = snprintf(text, sizeof(text), "workers = 3\nsecret_file = %s/secret\n",
	    dir);
	write_file("conf", text, (size_t)n);
	write_file("secret", secret, len);
}

static int
load(char *err, size_t errsz)
{
	char	path[128];

	(void)snprintf(path, sizeof(path), "%s/conf", dir);
	return config_load(&C, path, err, errsz);
}

static void
load_ok(void)
{
	char	err[256] = "";
	size_t	i;

	memset(&C, 0, sizeof(C));
	if (load(err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(C.workers, 3);
	assert_int_equal(C.keys.n, 1);
	assert_int_equal(C.keys.keys[0].id, 1);	/* a file from before ids */
	for (i = 0; i < KEYRING_KEY_BYTES; i++)
		assert_int_equal(C.keys.keys[0].key[i], i);
}

/* Fails with "<dir>/<file>: <want>". */
static void
load_bad(const char *file, const char *want)
{
	char	err[256] = "", full[256];

	if (load(err, sizeof(err)) != -1)
		fail_msg("accepted");
	(void)snprintf(full, sizeof(full), "%s/%s: %s", dir, file, want);
	assert_string_equal(err, full);
}

static void
test_config_load_good(void **state)
{
	(void)state;
	write_both(LIT(SECRET_HEX "\n"));
	load_ok();
	write_both(LIT(SECRET_HEX));
	load_ok();
	write_both(LIT(SECRET_HEX "\r\n"));
	load_ok();
	write_both(LIT(SECRET_HEX "  \n\n"));
	load_ok();
	write_both(LIT("000102030405060708090A0B0C0D0E0F"
	    "101112131415161718191A1B1C1D1E1F\n"));
	load_ok();
}

static void
test_config_load_bad_secret(void **state)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "", "no key (expected 64 hex digits)" },
		{ "\n", "no key (expected 64 hex digits)" },
		{ "# only a comment\n", "no key (expected 64 hex digits)" },
		{ "00", "line 1: expected 64 hex digits" },
		{ SECRET_HEX "0", "line 1: expected 64 hex digits" },	/* odd */
		{ SECRET_HEX "00", "line 1: expected 64 hex digits" },	/* 33 bytes */
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
		    "line 1: expected 64 hex digits" },
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
		    "line 1: expected 64 hex digits" },
		{ "00 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		    "line 1: key id must be a number from 1 to 254" },
		{ "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		    "line 1: expected 64 hex digits" },
		{ SECRET_HEX "\nextra\n", "line 2: expected: ID HEX [START]" },
		{ SECRET_HEX ":", "line 1: expected 64 hex digits" },
		{ "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		    "line 1: expected 64 hex digits" },
		{ "1 " SECRET_HEX "\n1 " SECRET_HEX "\n",
		    "line 2: key ids must be unique and ascending" },
		{ "2 " SECRET_HEX "\n1 " SECRET_HEX "\n",
		    "line 2: key ids must be unique and ascending" },
		{ "255 " SECRET_HEX "\n", "line 1: key id must be a number from 1 to 254" },
		{ "0 " SECRET_HEX "\n", "line 1: key id must be a number from 1 to 254" },
		{ "1 " SECRET_HEX " soon\n", "line 1: start must be a Unix time" },
		{ "1 " SECRET_HEX " 5 6\n", "line 1: expected: ID HEX [START]" },
		{ "1 " SECRET_HEX "\n" SECRET_HEX "\n", "line 2: expected: ID HEX [START]" },
		{ "1 " SECRET_HEX "\n2 " SECRET_HEX "\n3 " SECRET_HEX "\n4 "
		    SECRET_HEX "\n5 " SECRET_HEX "\n6 " SECRET_HEX "\n7 "
		    SECRET_HEX "\n8 " SECRET_HEX "\n9 " SECRET_HEX "\n",
		    "line 9: too many keys (retire one first)" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_both(bad[i].text, strlen(bad[i].text));
		load_bad("secret", bad[i].want);
	}
	/* Nothing may follow the digits, not even after a NUL byte. */
	write_both(LIT(SECRET_HEX "\0"));
	load_bad("secret", "line 1: NUL byte in line");
	write_both(LIT(SECRET_HEX "\0" "ffff\n"));
	load_bad("secret", "line 1: NUL byte in line");
	write_both(LIT("\0" SECRET_HEX));
	load_bad("secret", "line 1: NUL byte in line");
}

/* Several keys with ids; the newest that has started signs. */
static void
test_config_load_keys(void **state)
{
	static const char text[] = "# rotated\n1 " SECRET_HEX "\n"
	    "3 ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff 100\n"
	    "\n7 " SECRET_HEX " 99999999999\n";
	char	err[256] = "";

	(void)state;
	write_both(LIT(text));
	memset(&C, 0, sizeof(C));
	if (load(err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_int_equal(C.keys.n, 3);
	assert_int_equal(C.keys.keys[1].id, 3);
	assert_int_equal(C.keys.keys[1].start, 100);
	assert_int_equal(C.keys.keys[1].key[5], 0xff);
	assert_int_equal(keyring_signer(&C.keys, 1000)->id, 3);
	assert_int_equal(keyring_signer(&C.keys, 99)->id, 1);
	assert_int_equal(keyring_signer(&C.keys, 99999999999LL)->id, 7);
	/* A broken file read again leaves the keys as they were. */
	write_file("secret", LIT("1 nothex\n"));
	assert_int_equal(config_load_keys(&C, err, sizeof(err)), -1);
	assert_int_equal(C.keys.n, 3);
	write_file("secret", LIT("4 " SECRET_HEX "\n"));
	assert_int_equal(config_load_keys(&C, err, sizeof(err)), 0);
	assert_int_equal(C.keys.n, 1);
	assert_int_equal(C.keys.keys[0].id, 4);
}

static void
test_config_load_missing_files(void **state)
{
	char	err[256], path[128], want[256];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/nonexistent", dir);
	assert_int_equal(config_load(&C, path, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	assert_string_equal(err, want);

	write_both(LIT(SECRET_HEX));
	(void)snprintf(path, sizeof(path), "%s/secret", dir);
	assert_int_equal(unlink(path), 0);
	load_bad("secret", strerror(ENOENT));

	/* A directory is not a file. */
	assert_int_equal(config_load(&C, dir, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want), "%s: %s", dir, strerror(EISDIR));
	assert_string_equal(err, want);
}

/* Parse errors name the file and the line. */
static void
test_config_load_parse_error(void **state)
{
	(void)state;
	write_file("conf", LIT("workers = 3\n\nbogus = 1\n"));
	load_bad("conf", "line 3: unknown key");
	write_file("conf", LIT("workers = 3\nworkers = 4\n"));
	load_bad("conf", "line 2: key given twice");
}

/* A config file must be under 64 KiB. */
static void
test_config_load_too_big(void **state)
{
	char	*text;
	size_t	 len = 64 * 1024;
	int	 n;

	(void)state;
	text = malloc(len);
	assert_non_null(text);
	memset(text, '\n', len);
	n = snprintf(text, len, "secret_file = %s/secret\n", dir);
	text[n] = '\n';
	write_file("secret", LIT(SECRET_HEX));
	write_file("conf", text, len);
	load_bad("conf", "file is too big");
	write_file("conf", text, len - 1);
	load_bad("conf", "file is too big");
	write_file("conf", text, len - 2);
	memset(&C, 0, sizeof(C));
	assert_int_equal(load(NULL, 0), 0);
	assert_int_equal(C.keys.keys[0].key[31], 31);
	free(text);
}

static void
test_config_apply_timezone(void **state)
{
	(void)state;
	parse_ok_s("timezone = Europe/Madrid");
	assert_int_equal(config_apply_timezone(&C), 0);
	assert_string_equal(getenv("TZ"), "Europe/Madrid");
	parse_ok_s("timezone =");
	assert_int_equal(config_apply_timezone(&C), 0);
	assert_string_equal(getenv("TZ"), "Europe/Madrid");
	parse_ok_s("");
	assert_int_equal(config_apply_timezone(&C), 0);
	assert_string_equal(getenv("TZ"), "UTC");
}

#define D(f)	cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_beside_templates),
		cmocka_unit_test(test_config_all_keys),
		cmocka_unit_test(test_config_comments_blank),
		cmocka_unit_test(test_config_whitespace),
		cmocka_unit_test(test_config_unknown_key),
		cmocka_unit_test(test_config_texts),
		cmocka_unit_test(test_config_repeated_key),
		cmocka_unit_test(test_config_missing_equals),
		cmocka_unit_test(test_config_int_range),
		cmocka_unit_test(test_config_int_junk),
		cmocka_unit_test(test_config_bad_bool),
		cmocka_unit_test(test_config_long_values),
		cmocka_unit_test(test_config_long_lines),
		cmocka_unit_test(test_config_nul),
		cmocka_unit_test(test_config_small_err),
		cmocka_unit_test(test_config_example),
		D(test_config_load_good),
		D(test_config_load_bad_secret),
		D(test_config_load_keys),
		D(test_config_load_missing_files),
		D(test_config_load_parse_error),
		D(test_config_load_too_big),
		cmocka_unit_test(test_config_apply_timezone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
