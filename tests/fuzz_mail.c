/*
 * libFuzzer target for mail_compose and mail_split. The first byte holds
 * flags (bit 0: no display name; bit 1: the name part is the To address;
 * the high bits pick a date); the rest splits at NUL bytes into subject,
 * name and body. mail_compose must refuse exactly the inputs its contract
 * refuses, and whatever it writes must have exactly the expected headers in
 * order, continuation lines only inside To and Subject (so nothing can
 * inject a header), subject and name that decode back to the input, no CR,
 * and body lines of at most MAIL_MAX_LINE bytes that join back to the body.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "mail.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define FUZZ_MAX	8192

static const char *const names[] = {
	"From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding", "Auto-Submitted",
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static char	part[3][FUZZ_MAX + 1];
static char	value[FUZZ_MAX * 2 + 8];
static char	decoded[FUZZ_MAX + 1];

static bool
has_crlf(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

static bool
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/*
 * Decodes a field value made of RFC 2047 "B" words, each on its own line
 * (continuation lines start with a space), into decoded; returns a pointer
 * just past the last word.
 */
static const char *
decode_words(const char *v)
{
	unsigned char	 bin[64];
	const char	*q, *end;
	size_t		 n = 0, binlen;

	for (;;) {
		CHECK(strncmp(v, "=?UTF-8?B?", 10) == 0);
		v += 10;
		q = strstr(v, "?=");
		CHECK(q != NULL && q - v + 12 <= 75);
		CHECK(sodium_base642bin(bin, sizeof(bin), v, (size_t)(q - v), NULL,
		    &binlen, &end, sodium_base64_VARIANT_ORIGINAL) == 0);
		CHECK(end == q && binlen > 0);
		CHECK(utf8_valid((const char *)bin, binlen));
		CHECK(n + binlen <= FUZZ_MAX);
		memcpy(decoded + n, bin, binlen);
		n += binlen;
		v = q + 2;
		if (strncmp(v, "\n =?", 4) != 0)
			break;
		v += 2;
	}
	decoded[n] = '\0';
	return v;
}

/* The quoted-string form of an ASCII display name. */
static void
quote(const char *s, char *out)
{
	*out++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			*out++ = '\\';
		*out++ = *s;
	}
	*out++ = '"';
	*out = '\0';
}

/* Checks every line of a header whose lines carry encoded words. */
static void
check_encoded_lines(const char *start, const char *end)
{
	const char *nl;

	for (; start < end; start = nl + 1) {
		nl = strchr(start, '\n');
		CHECK(nl != NULL);
		if (memmem(start, (size_t)(nl - start), "=?UTF-8?B?", 10) != NULL)
			CHECK(nl - start <= 76);
		if (nl >= end)
			break;
	}
}

static void
check_to(const char *v, const struct mail *m)
{
	const char *rest;

	if (m->to_name == NULL || m->to_name[0] == '\0') {
		CHECK(strncmp(v, "<", 1) == 0);
		rest = v;
	} else if (is_ascii(m->to_name)) {
		quote(m->to_name, value);
		CHECK(strncmp(v, value, strlen(value)) == 0);
		rest = v + strlen(value);
	} else {
		rest = decode_words(v);
		CHECK(strcmp(decoded, m->to_name) == 0);
		check_encoded_lines(v - 4, rest);
	}
	if (rest != v)
		rest += strncmp(rest, "\n ", 2) == 0 ? 2 : (*rest == ' ' ? 1 : 0);
	CHECK(*rest == '<');
	CHECK(strncmp(rest + 1, m->to, strlen(m->to)) == 0);
	CHECK(strncmp(rest + 1 + strlen(m->to), ">\nSubject: ", 11) == 0);
}

static void
check_subject(const char *v, const struct mail *m)
{
	const char *rest;

	if (is_ascii(m->subject)) {
		CHECK(strncmp(v, m->subject, strlen(m->subject)) == 0);
		rest = v + strlen(m->subject);
	} else {
		rest = decode_words(v);
		CHECK(strcmp(decoded, m->subject) == 0);
		check_encoded_lines(v - 9, rest);
	}
	CHECK(strncmp(rest, "\nDate: ", 7) == 0);
}

/* The header block: names in order, continuations only in To and Subject. */
static const char *
check_headers(const char *p, const struct mail *m)
{
	const char	*nl;
	size_t		 h = 0, len;
	bool		 want_lang = m->language != NULL && m->language[0] != '\0';
	bool		 seen_lang = false;

	CHECK(strncmp(p, "From: ", 6) == 0);
	CHECK(strncmp(p + 6, m->from, strlen(m->from)) == 0);
	for (;;) {
		nl = strchr(p, '\n');
		CHECK(nl != NULL);
		if (nl == p)
			break;
		if (*p == ' ') {
			CHECK(h == 2 || h == 3);	/* after To or Subject */
		} else if (h == 5 && want_lang && !seen_lang) {
			/* Content-Language, only when given, after Message-ID. */
			len = strlen(m->language);
			CHECK(strncmp(p, "Content-Language: ", 18) == 0 &&
			    strncmp(p + 18, m->language, len) == 0 && p[18 + len] == '\n');
			seen_lang = true;
		} else {
			CHECK(h < NNAMES);
			len = strlen(names[h]);
			CHECK(strncmp(p, names[h], len) == 0 && p[len] == ':' &&
			    p[len + 1] == ' ');
			if (h == 1)
				check_to(p + 4, m);
			else if (h == 2)
				check_subject(p + 9, m);
			h++;
		}
		p = nl + 1;
	}
	CHECK(h == NNAMES && seen_lang == want_lang);
	return p + 1;
}

/*
 * Body lines: none too long, whole UTF-8, and together the input body
 * without its CRs; one output line per input line unless one was wrapped.
 */
static void
check_body(const char *p, const char *body)
{
	const char	*nl;
	size_t		 in_lines = 0, out_lines = 0, j = 0, cur = 0, longest = 0;

	for (; *body != '\0'; body++) {
		if (*body == '\n') {
			in_lines++;
			cur = 0;
			continue;
		}
		if (++cur > longest)
			longest = cur;
		if (*body != '\r')
			value[j++] = *body;
	}
	in_lines += cur > 0;
	value[j] = '\0';
	j = 0;
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		CHECK(nl != NULL);
		CHECK(nl - p <= MAIL_MAX_LINE);
		CHECK(utf8_valid(p, (size_t)(nl - p)));
		CHECK(memcmp(p, value + j, (size_t)(nl - p)) == 0);
		j += (size_t)(nl - p);
		out_lines++;
	}
	CHECK(value[j] == '\0');
	if (longest <= MAIL_MAX_LINE)
		CHECK(out_lines == in_lines);
	else
		CHECK(out_lines > in_lines);
}

static void
check_split(const char *text)
{
	char		 subject[16];
	const char	*body = NULL, *nl;
	size_t		 n;
	int		 rc;

	rc = mail_split(text, subject, sizeof(subject), &body);
	nl = strchr(text, '\n');
	n = nl ? (size_t)(nl - text) : 0;
	/* A template saved with CRLF: the CR before the LF is not the subject's. */
	if (n > 9 && text[n - 1] == '\r')
		n--;
	if (strncmp(text, "Subject: ", 9) != 0 || nl == NULL || n <= 9 ||
	    n - 9 >= sizeof(subject)) {
		CHECK(rc == -1);
		return;
	}
	CHECK(rc == 0);
	CHECK(strlen(subject) == n - 9 && memcmp(subject, text + 9, n - 9) == 0);
	CHECK(body > nl && strspn(nl, "\r\n") == (size_t)(body - nl));
}

/*
 * A copy of msg (mail_recopy): a message mail_compose() made (in UTF-8) always
 * copies, with one To, Date and Message-ID; anything else may be refused
 * but never crashes.
 */
static void
check_recopy(const char *msg, bool ours, bool attach)
{
	static const unsigned char ics[] = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	struct mail_attachment	 a = { "plan.ics", "text/calendar", "PUBLISH",
	    ics, sizeof(ics) - 1 };
	struct buf		 out;
	int			 rc;

	buf_init(&out, 0);
	rc = mail_recopy(msg, 1700000000, "copy@example.org", "Copy",
	    attach ? &a : NULL, &out);
	if (ours && utf8_valid(msg, strlen(msg)))
		CHECK(rc == 0);
	if (rc == 0) {
		CHECK(strlen(out.data) == out.len);
		CHECK(strstr(out.data, "\nTo: \"Copy\" <copy@example.org>\n") != NULL);
		CHECK(!attach || strstr(out.data, "Content-Disposition: attachment") != NULL);
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail	 m = { 0 };
	struct buf	 out;
	const char	*p;
	size_t		 i, k, len;
	bool		 refuse;
	int		 rc;

	if (size < 1 || size > FUZZ_MAX || sodium_init() < 0)
		return 0;
	for (i = 1, k = 0, len = 0; i < size; i++) {
		if (data[i] == '\0' && k < 2) {
			part[k++][len] = '\0';
			len = 0;
		} else
			part[k][len++] = (char)data[i];
	}
	part[k][len] = '\0';
	while (++k < 3)
		part[k][0] = '\0';

	m.from = "Settle <billing@example.com>";
	m.to = data[0] & 2 ? part[1] : "jane@example.org";
	m.to_name = data[0] & 1 ? NULL : data[0] & 2 ? "Jane" : part[1];
	m.subject = part[0];
	m.body = part[2];
	m.language = (data[0] & 1) ? "es" : NULL;
	m.date = (time_t)(data[0] >> 2) * 50000000;

	refuse = !mail_address_valid(m.to) || has_crlf(m.subject) ||
	    !utf8_valid(m.subject, strlen(m.subject)) ||
	    !utf8_valid(m.body, strlen(m.body)) ||
	    (m.to_name != NULL && (has_crlf(m.to_name) ||
	    !utf8_valid(m.to_name, strlen(m.to_name))));
	buf_init(&out, 0);
	rc = mail_compose(&m, &out);
	CHECK(rc == (refuse ? -1 : 0));
	if (rc == 0) {
		CHECK(strlen(out.data) == out.len);
		CHECK(memchr(out.data, '\r', out.len) == NULL);
		p = check_headers(out.data, &m);
		check_body(p, m.body);
	} else
		CHECK(out.len == 0);
	if (rc == 0)
		check_recopy(out.data, true, data[0] & 4);
	buf_free(&out);
	check_split(part[2]);
	check_recopy(part[2], false, data[0] & 8);	/* anything stored: no crash */
	return 0;
}
