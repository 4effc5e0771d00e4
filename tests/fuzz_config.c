/*
 * libFuzzer target for config_parse on arbitrary text. When it succeeds,
 * every string field must be NUL-terminated within its buffer and every
 * number within its key's range; when it fails, the message must name a
 * line that exists. Parsing the same text twice must give the same result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static struct config	c1, c2;

#define STR(f)	{ offsetof(struct config, f), sizeof(((struct config *)0)->f) }
static const struct {
	size_t	off, size;
} strs[] = {
	STR(database), STR(db_read), STR(admin_database), STR(socket), STR(pidfile),
	STR(user), STR(templates), STR(sql), STR(secret_file), STR(base_url),
	STR(sendmail), STR(mail_from), STR(staff_email), STR(company),
	STR(contact_name), STR(contact_phone), STR(contact_email),
	STR(contact_hours), STR(bank_name), STR(bank_iban), STR(bank_bic),
	STR(timezone),
};

#define INT(f, lo, hi)	{ offsetof(struct config, f), lo, hi }
static const struct {
	size_t	off;
	int	min, max;
} ints[] = {
	INT(workers, 1, 256), INT(link_days, 1, 365),
	INT(max_body, 1024, 1024 * 1024), INT(sendmail_timeout, 1, 3600),
	INT(notify_poll, 1, 3600), INT(notify_lease, 2, 86400),
	INT(retry_base, 1, 3600),
	INT(retry_max, 1, 86400), INT(max_attempts, 1, 1000),
	INT(session_idle_minutes, 1, 24 * 60), INT(session_max_hours, 1, 24 * 30),
};

static void
check_config(const struct config *c)
{
	const char	*base = (const char *)c;
	int		 v;
	size_t		 i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		CHECK(memchr(base + strs[i].off, '\0', strs[i].size) != NULL);
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		memcpy(&v, base + ints[i].off, sizeof(v));
		CHECK(v >= ints[i].min && v <= ints[i].max);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data;
	char		 err1[128], err2[128];
	unsigned	 line, lines = 1;
	size_t		 i;
	int		 rc1, rc2, n;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&c1, 0xa5, sizeof(c1));
	memset(&c2, 0x5a, sizeof(c2));
	memset(err1, 'x', sizeof(err1));
	rc1 = config_parse(&c1, text, size, err1, sizeof(err1));
	rc2 = config_parse(&c2, text, size, err2, sizeof(err2));
	CHECK(rc1 == rc2);
	if (rc1 == 0) {
		check_config(&c1);
		CHECK(memcmp(&c1, &c2, sizeof(c1)) == 0);
		return 0;
	}
	CHECK(rc1 == -1);
	CHECK(memchr(err1, '\0', sizeof(err1)) != NULL);
	CHECK(strcmp(err1, err2) == 0);
	n = 0;
	CHECK(sscanf(err1, "line %u: %n", &line, &n) == 1 && n > 0);
	CHECK(line >= 1 && line <= lines);
	CHECK(strcmp(err1 + n, "unknown key") == 0 ||
	    strcmp(err1 + n, "unknown key (only contact_name and contact_hours "
	    "may be given per language)") == 0 ||
	    strcmp(err1 + n, "expected a language tag after the dot "
	    "(contact_hours.es)") == 0 ||
	    strcmp(err1 + n, "too many per-language texts") == 0 ||
	    strcmp(err1 + n, "key given twice") == 0 ||
	    strcmp(err1 + n, "expected key = value") == 0 ||
	    strcmp(err1 + n, "NUL byte in line") == 0 ||
	    strcmp(err1 + n, "line is too long") == 0 ||
	    strcmp(err1 + n, "value is too long") == 0 ||
	    strcmp(err1 + n, "expected a whole number") == 0 ||
	    strcmp(err1 + n, "number missing or out of range") == 0 ||
	    strcmp(err1 + n, "expected yes or no") == 0 ||
	    /* per-language site texts, "contact_hours.es = ..." */
	    strcmp(err1 + n, "unknown key (only contact_name and contact_hours "
	    "may be given per language)") == 0 ||
	    strcmp(err1 + n, "expected a language tag after the dot "
	    "(contact_hours.es)") == 0 ||
	    strcmp(err1 + n, "too many per-language texts") == 0);
	return 0;
}
