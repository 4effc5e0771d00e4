#ifndef PORTAL_CONFIG_H
#define PORTAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "keyring.h"

/*
 * The configuration file shared by portal, portal-notify and portal-admin:
 * one "key = value" per line, '#' starts a comment line, blank lines are
 * ignored. Unknown keys, repeated keys, bad numbers and over-long values are
 * errors naming the line. See settle.conf.example for every key.
 */

#define CONFIG_STR_MAX		512
#define CONFIG_DEFAULT_PATH	"/etc/settle/settle.conf"
#define CONFIG_MAX_TEXTS	32	/* "contact_hours.es = ..." lines */

/* A site text in one language: "contact_hours.es = De lunes a viernes". */
struct config_text {
	char	key[16];
	char	lang[16];
	char	value[CONFIG_STR_MAX];
};

struct config {
	char	database[CONFIG_STR_MAX];	/* libpq conninfo, web role */
	char	db_read[CONFIG_STR_MAX];	/* a read replica for staff pages; "" none */
	char	admin_database[CONFIG_STR_MAX];	/* conninfo for portal-admin */
	char	socket[CONFIG_STR_MAX];		/* FastCGI unix socket path */
	char	pidfile[CONFIG_STR_MAX];
	char	user[64];			/* drop to this user when root */
	int	workers;
	char	templates[CONFIG_STR_MAX];	/* directory of *.mustache */
	char	po[CONFIG_STR_MAX];		/* catalogs; default: templates/../po */
	char	static_dir[CONFIG_STR_MAX];	/* key "static"; default: templates/../static */
	char	sql[CONFIG_STR_MAX];		/* directory of migrations */
	char	secret_file[CONFIG_STR_MAX];	/* the server keys (keyring.h) */
	char	base_url[CONFIG_STR_MAX];	/* e.g. https://pay.example.com */
	int	link_days;			/* link lifetime */
	/* Fresh links asked for on the 404 page, in a window of minutes (issue 16). */
	int	fresh_link_minutes;
	int	fresh_link_per_email;		/* per address typed */
	int	fresh_link_per_invoice;		/* per invoice number typed */
	int	fresh_link_per_client;		/* per client address */
	int	copies_per_day;			/* "email me a copy", per confirmation */
	int	max_body;			/* request body cap, bytes */
	bool	trust_forwarded_for;		/* use X-Forwarded-For from nginx */
	int	hardship_notes_per_hour;	/* per link; then 429 */

	char	sendmail[CONFIG_STR_MAX];	/* program and arguments */
	int	sendmail_timeout;		/* seconds */
	int	notify_poll;			/* seconds between outbox polls */
	int	notify_lease;			/* seconds a claim on a message holds */
	int	retry_base;			/* first retry delay, seconds */
	int	retry_max;			/* longest retry delay, seconds */
	int	max_attempts;			/* then the message is 'failed' */
	char	mail_from[CONFIG_STR_MAX];
	char	staff_email[CONFIG_STR_MAX];
	bool	plan_mail_staff;		/* copy plan confirmations to staff */

	char	company[CONFIG_STR_MAX];
	char	company_address[CONFIG_STR_MAX];	/* letterhead: one line, commas */
	char	company_registration[CONFIG_STR_MAX];	/* "Registered in ..., no. ..." */
	int	escalation_days;		/* notice to hand-over, days */
	char	escalation_agency[CONFIG_STR_MAX];	/* who takes over */
	char	contact_name[CONFIG_STR_MAX];
	char	contact_phone[CONFIG_STR_MAX];
	char	contact_email[CONFIG_STR_MAX];
	char	contact_hours[CONFIG_STR_MAX];
	char	bank_name[CONFIG_STR_MAX];
	char	bank_iban[CONFIG_STR_MAX];
	char	bank_bic[CONFIG_STR_MAX];
	char	timezone[64];			/* for "today" and callback days */

	int	session_idle_minutes;
	int	session_max_hours;
	bool	cookie_secure;			/* __Host- cookie needs HTTPS */
	/* Sign-in attempts per window: one account from one address (and codes), per address, per account. */
	int	login_window_minutes;
	int	login_limit_pair;
	int	login_limit_address;
	int	login_limit_account;
	bool	staff_totp_required;		/* refuse staff without TOTP */

	struct config_text texts[CONFIG_MAX_TEXTS];	/* translated site texts */
	int	ntexts;

	struct keyring keys;			/* read from secret_file */
	char	css_url[CONFIG_STR_MAX];	/* the stylesheet's versioned URL */
	bool	css_versioned;			/* false: static/settle.css unreadable */
};

/* Fills c with defaults, then parses len bytes of text; 0, or -1 with err set. */
int config_parse(struct config *c, const char *text, size_t len,
    char *err, size_t errsz);
/* Reads and parses path, then loads the secret file; 0 or -1 with err set. */
int config_load(struct config *c, const char *path, char *err, size_t errsz);
/* Reads the secret file (c->secret_file) into c->keys anew; 0 or -1 with err set. */
int config_load_keys(struct config *c, char *err, size_t errsz);
/*
 * The value of site text key (contact_name, contact_hours) for language
 * tag lang: its "key.lang" line if there is one, else the key's own value.
 */
const char *config_text(const struct config *c, const char *key,
    const char *lang);
/* Makes the config's timezone the process's local time (TZ); 0 or -1. */
int config_apply_timezone(const struct config *c);

#endif
