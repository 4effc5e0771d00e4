#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "asset.h"
#include "config.h"

#define CONFIG_FILE_MAX		(64 * 1024)
#define CONFIG_LINE_MAX		1024

enum key_type {
	KEY_STR,
	KEY_INT,
	KEY_BOOL,
	KEY_TYPE__MAX
};

struct key {
	const char	*name;
	enum key_type	 type;
	size_t		 offset;
	size_t		 size;	/* KEY_STR: buffer size */
	int		 min, max;	/* KEY_INT: range */
};

#define S(n, f)		{ n, KEY_STR, offsetof(struct config, f), \
			  sizeof(((struct config *)0)->f), 0, 0 }
#define I(n, f, lo, hi)	{ n, KEY_INT, offsetof(struct config, f), 0, lo, hi }
#define B(n, f)		{ n, KEY_BOOL, offsetof(struct config, f), 0, 0, 0 }

static const struct key keys[] = {
	S("database", database),
	S("db_read", db_read),
	S("admin_database", admin_database),
	S("socket", socket),
	S("pidfile", pidfile),
	S("user", user),
	I("workers", workers, 1, 256),
	S("templates", templates),
	S("po", po),
	S("static", static_dir),
	S("sql", sql),
	S("secret_file", secret_file),
	S("base_url", base_url),
	I("link_days", link_days, 1, 365),
	I("fresh_link_minutes", fresh_link_minutes, 1, 7 * 24 * 60),
	I("fresh_link_per_email", fresh_link_per_email, 1, 100000),
	I("fresh_link_per_invoice", fresh_link_per_invoice, 1, 100000),
	I("fresh_link_per_client", fresh_link_per_client, 1, 100000),
	I("copies_per_day", copies_per_day, 1, 100),
	I("max_body", max_body, 1024, 1024 * 1024),
	B("trust_forwarded_for", trust_forwarded_for),
	I("hardship_notes_per_hour", hardship_notes_per_hour, 1, 1000),
	S("sendmail", sendmail),
	I("sendmail_timeout", sendmail_timeout, 1, 3600),
	I("notify_poll", notify_poll, 1, 3600),
	I("notify_lease", notify_lease, 2, 86400),
	I("retry_base", retry_base, 1, 3600),
	I("retry_max", retry_max, 1, 86400),
	I("max_attempts", max_attempts, 1, 1000),
	S("mail_from", mail_from),
	S("staff_email", staff_email),
	B("plan_mail_staff", plan_mail_staff),
	S("company", company),
	S("company_address", company_address),
	S("company_registration", company_registration),
	I("escalation_days", escalation_days, 1, 365),
	S("escalation_agency", escalation_agency),
	S("contact_name", contact_name),
	S("contact_phone", contact_phone),
	S("contact_email", contact_email),
	S("contact_hours", contact_hours),
	S("bank_name", bank_name),
	S("bank_iban", bank_iban),
	S("bank_bic", bank_bic),
	S("timezone", timezone),
	I("session_idle_minutes", session_idle_minutes, 1, 24 * 60),
	I("session_max_hours", session_max_hours, 1, 24 * 30),
	B("cookie_secure", cookie_secure),
	I("login_window_minutes", login_window_minutes, 1, 24 * 60),
	I("login_limit_pair", login_limit_pair, 1, 1000),
	I("login_limit_address", login_limit_address, 1, 100000),
	I("login_limit_account", login_limit_account, 1, 100000),
	B("staff_totp_required", staff_totp_required),
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* Fills c with the built-in defaults. */
static void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->workers = 4;
	c->link_days = 30;
	c->fresh_link_minutes = 60;
	c->fresh_link_per_email = 3;
	c->copies_per_day = 3;
	c->fresh_link_per_invoice = 3;
	c->fresh_link_per_client = 10;
	c->max_body = 64 * 1024;
	c->hardship_notes_per_hour = 10;
	c->escalation_days = 14;
	c->sendmail_timeout = 30;
	c->notify_poll = 5;
	c->notify_lease = 300;
	c->retry_base = 5;
	c->retry_max = 1800;
	c->max_attempts = 50;
	c->session_idle_minutes = 30;
	c->session_max_hours = 12;
	c->cookie_secure = true;
	c->login_window_minutes = 15;
	c->login_limit_pair = 5;
	c->login_limit_address = 50;
	c->login_limit_account = 100;
	c->staff_totp_required = false;
	(void)snprintf(c->database, sizeof(c->database), "dbname=settle");
	(void)snprintf(c->admin_database, sizeof(c->admin_database), "dbname=settle");
	(void)snprintf(c->socket, sizeof(c->socket), "/run/settle/portal.sock");
	(void)snprintf(c->templates, sizeof(c->templates), "/usr/local/share/settle/templates");
	(void)snprintf(c->sql, sizeof(c->sql), "/usr/local/share/settle/sql");
	(void)snprintf(c->secret_file, sizeof(c->secret_file), "/etc/settle/secret");
	(void)snprintf(c->base_url, sizeof(c->base_url), "http://127.0.0.1:8080");
	(void)snprintf(c->sendmail, sizeof(c->sendmail), "/usr/sbin/sendmail -i -t");
	(void)snprintf(c->timezone, sizeof(c->timezone), "UTC");
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\r'))
		(*n)--;
}

static const struct key *
find_key(const char *name, size_t n, size_t *index)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == n && memcmp(keys[i].name, name, n) == 0) {
			*index = i;
			return &keys[i];
		}
	return NULL;
}

/* Stores one value; returns NULL or a static description of what is wrong. */
static const char *
set_value(struct config *c, const struct key *k, const char *v, size_t n)
{
	char		 tmp[32], *end;
	long		 l;
	unsigned char	*field = (unsigned char *)c + k->offset;

	switch (k->type) {
	case KEY_STR:
		if (n >= k->size)
			return "value is too long";
		memcpy(field, v, n);
		field[n] = '\0';
		return NULL;
	case KEY_INT:
		if (n == 0 || n >= sizeof(tmp))
			return "expected a whole number";
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		errno = 0;
		l = strtol(tmp, &end, 10);
		if (errno != 0 || *end != '\0' || l < k->min || l > k->max)
			return "number missing or out of range";
		*(int *)(void *)field = (int)l;
		return NULL;
	case KEY_BOOL:
		if (n == 3 && memcmp(v, "yes", 3) == 0)
			*(bool *)(void *)field = true;
		else if (n == 2 && memcmp(v, "no", 2) == 0)
			*(bool *)(void *)field = false;
		else
			return "expected yes or no";
		return NULL;
	default:
		return "internal error";
	}
}

/* Site texts that may be given per language ("contact_hours.es"). */
static const char *const texts[] = { "contact_name", "contact_hours", NULL };

/*
 * "key.lang = value" for a site text: stored in c->texts. NULL, or what
 * is wrong.
 */
static const char *
set_text(struct config *c, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	const char		*dot = memchr(name, '.', nlen);
	struct config_text	*t;
	size_t			 kl = (size_t)(dot - name), ll = nlen - kl - 1;
	int			 i;

	for (i = 0; texts[i] != NULL; i++)
		if (strlen(texts[i]) == kl && memcmp(texts[i], name, kl) == 0)
			break;
	if (texts[i] == NULL)
		return "unknown key (only contact_name and contact_hours may "
		    "be given per language)";
	if (ll < 2 || ll >= sizeof(t->lang) || strspn(dot + 1, "abcdefghijklmn"
	    "opqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") < ll)
		return "expected a language tag after the dot (contact_hours.es)";
	for (i = 0; i < c->ntexts; i++) {
		t = &c->texts[i];
		if (strlen(t->key) == kl && memcmp(t->key, name, kl) == 0 &&
		    strlen(t->lang) == ll && memcmp(t->lang, dot + 1, ll) == 0)
			return "key given twice";
	}
	if (c->ntexts == CONFIG_MAX_TEXTS)
		return "too many per-language texts";
	if (vlen >= sizeof(t->value))
		return "value is too long";
	t = &c->texts[c->ntexts++];
	memcpy(t->key, name, kl);
	t->key[kl] = '\0';
	memcpy(t->lang, dot + 1, ll);
	t->lang[ll] = '\0';
	memcpy(t->value, value, vlen);
	t->value[vlen] = '\0';
	return NULL;
}

const char *
config_text(const struct config *c, const char *key, const char *lang)
{
	const char	*base = "";
	int		 i;

	for (i = 0; i < c->ntexts; i++)
		if (lang != NULL && strcmp(c->texts[i].key, key) == 0 &&
		    strcmp(c->texts[i].lang, lang) == 0)
			return c->texts[i].value;
	if (strcmp(key, "contact_name") == 0)
		base = c->contact_name;
	else if (strcmp(key, "contact_hours") == 0)
		base = c->contact_hours;
	return base;
}

/* Parses one line (without its newline); NULL or an error description. */
static const char *
parse_line(struct config *c, const char *line, size_t n, bool *seen)
{
	const struct key	*k;
	const char		*eq, *name, *value;
	size_t			 nlen, vlen, idx;

	name = line;
	nlen = n;
	trim(&name, &nlen);
	if (nlen == 0 || name[0] == '#')
		return NULL;
	if (memchr(line, '\0', n) != NULL)
		return "NUL byte in line";
	if ((eq = memchr(name, '=', nlen)) == NULL)
		return "expected key = value";
	value = eq + 1;
	vlen = nlen - (size_t)(value - name);
	nlen = (size_t)(eq - name);
	trim(&name, &nlen);
	trim(&value, &vlen);
	if (memchr(name, '.', nlen) != NULL)
		return set_text(c, name, nlen, value, vlen);
	if ((k = find_key(name, nlen, &idx)) == NULL)
		return "unknown key";
	if (seen[idx])
		return "key given twice";
	seen[idx] = true;
	return set_value(c, k, value, vlen);
}

/*
 * Without a "po" or "static" key, the catalogs and the static files sit
 * beside the templates: DIR/../po, DIR/../static. Fills dst (size dstsz)
 * with that path when it is empty; a path too long stays empty.
 */
static void
beside_templates(const struct config *c, char *dst, size_t dstsz,
    const char *name)
{
	size_t	n = strlen(c->templates);

	if (dst[0] != '\0' || n == 0)
		return;
	while (n > 1 && c->templates[n - 1] == '/')
		n--;
	while (n > 0 && c->templates[n - 1] != '/')
		n--;
	if ((size_t)snprintf(dst, dstsz, "%.*s%s", (int)n, c->templates,
	    name) >= dstsz)
		dst[0] = '\0';
}

int
config_parse(struct config *c, const char *text, size_t len, char *err,
    size_t errsz)
{
	bool		 seen[NKEYS] = { false };
	const char	*p = text, *nl, *msg;
	size_t		 n;
	unsigned	 lineno = 0;

	config_defaults(c);
	while (p < text + len) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(text + len - p));
		n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
		if (n > CONFIG_LINE_MAX)
			msg = "line is too long";
		else
			msg = parse_line(c, p, n, seen);
		if (msg != NULL) {
			(void)snprintf(err, errsz, "line %u: %s", lineno, msg);
			return -1;
		}
		p += n + (nl ? 1 : 0);
	}
	beside_templates(c, c->po, sizeof(c->po), "po");
	beside_templates(c, c->static_dir, sizeof(c->static_dir), "static");
	return 0;
}

/* Reads a whole small file into buf (NUL-terminated); its length or -1. */
static ssize_t
read_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	ssize_t	 r;
	size_t	 len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((r = read(fd, buf + len, bufsz - 1 - len)) > 0) {
		len += (size_t)r;
		if (len == bufsz - 1)
			break;
	}
	if (r == -1 || len == bufsz - 1) {
		(void)snprintf(err, errsz, "%s: %s", path,
		    r == -1 ? strerror(errno) : "file is too big");
		(void)close(fd);
		return -1;
	}
	(void)close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* Loads the server keys from the secret file (keyring.h). */
int
config_load_keys(struct config *c, char *err, size_t errsz)
{
	struct keyring	 ring;		/* c->keys stay as they were on failure */
	char		 text[KEYRING_FILE_MAX], sub[128];
	ssize_t		 n;
	int		 rc = -1;

	if ((n = read_file(c->secret_file, text, sizeof(text), err, errsz)) == -1)
		goto out;
	if (keyring_parse(&ring, text, (size_t)n, sub, sizeof(sub)) == -1) {
		(void)snprintf(err, errsz, "%s: %s", c->secret_file, sub);
		goto out;
	}
	c->keys = ring;
	rc = 0;
out:
	sodium_memzero(text, sizeof(text));
	keyring_wipe(&ring);
	return rc;
}

/*
 * The stylesheet's URL for the pages: its versioned name when the file can
 * be read (nginx caches those for a year), else the plain name, so a host
 * without static files (portal-notify alone) still starts; css_versioned
 * tells the portal to warn.
 */
static void
name_stylesheet(struct config *c)
{
	char	err[256];

	c->css_versioned = asset_url(c->static_dir, "settle.css", c->css_url,
	    sizeof(c->css_url), err, sizeof(err)) == 0;
	if (!c->css_versioned)
		(void)snprintf(c->css_url, sizeof(c->css_url), "/static/settle.css");
}

int
config_load(struct config *c, const char *path, char *err, size_t errsz)
{
	char	*text = NULL, sub[256];
	ssize_t	 n;
	int	 rc = -1;

	if ((text = malloc(CONFIG_FILE_MAX)) == NULL) {
		(void)snprintf(err, errsz, "out of memory");
		goto out;
	}
	if ((n = read_file(path, text, CONFIG_FILE_MAX, err, errsz)) == -1)
		goto out;
	if (config_parse(c, text, (size_t)n, sub, sizeof(sub)) == -1) {
		(void)snprintf(err, errsz, "%s: %s", path, sub);
		goto out;
	}
	if (config_load_keys(c, err, errsz) == -1)
		goto out;
	name_stylesheet(c);
	rc = 0;
out:
	free(text);
	return rc;
}

int
config_apply_timezone(const struct config *c)
{
	if (c->timezone[0] == '\0')
		return 0;
	if (setenv("TZ", c->timezone, 1) == -1)
		return -1;
	tzset();
	return 0;
}
