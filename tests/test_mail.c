/* Unit tests for portal/mail.c: message shape, header safety, encoding, wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "mail.h"
#include "utf8.h"

#define DATE_1700000000	"Tue, 14 Nov 2023 22:13:20 +0000"

static const char *const header_names[] = {
	"From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding", "Auto-Submitted",
};
#define NHEADERS	(sizeof(header_names) / sizeof(header_names[0]))

static int
group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static struct mail
sample(void)
{
	struct mail m = { 0 };

	m.from = "Settle <billing@example.com>";
	m.to = "jane@example.org";
	m.to_name = "Jane Doe";
	m.subject = "Your plan";
	m.body = "Hello Jane,\n\nPay by Friday.\n";
	m.language = NULL;
	m.date = 1700000000;
	return m;
}

/*
 * Composes m into b and masks the 24 random hex digits of the Message-ID
 * with X, after checking them, so the output can be compared whole.
 */
static void
compose(const struct mail *m, struct buf *b)
{
	char	*id, *at;
	size_t	 i;

	buf_init(b, 0);
	assert_int_equal(mail_compose(m, b), 0);
	assert_int_equal(strlen(b->data), b->len);
	id = strstr(b->data, "\nMessage-ID: <");
	assert_non_null(id);
	id += 14;
	at = strchr(id, '@');
	assert_non_null(at);
	assert_int_equal(at - id, 24);
	for (i = 0; i < 24; i++) {
		assert_non_null(strchr("0123456789abcdef", id[i]));
		id[i] = 'X';
	}
}

/* The text after the header block (the first empty line). */
static const char *
body_of(const struct buf *b)
{
	const char *p = strstr(b->data, "\n\n");

	assert_non_null(p);
	return p + 2;
}

/*
 * Checks the header block: the expected names in order, continuation lines
 * only after From/To/Subject, nothing else, and no line longer than max.
 */
static void
check_headers(const struct buf *b, size_t max)
{
	const char	*p = b->data, *nl, *colon;
	size_t		 h = 0, len;

	for (;;) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		len = (size_t)(nl - p);
		if (len == 0)
			break;
		if (len > max)
			fail_msg("header line of %zu > %zu: %.*s", len, max,
			    (int)len, p);
		if (p[0] == ' ') {
			assert_true(h > 0 && h <= 3);
		} else {
			assert_true(h < NHEADERS);
			colon = memchr(p, ':', len);
			assert_non_null(colon);
			if ((size_t)(colon - p) != strlen(header_names[h]) ||
			    memcmp(p, header_names[h], strlen(header_names[h])) != 0)
				fail_msg("header %zu is %.*s, want %s", h, (int)len, p,
				    header_names[h]);
			h++;
		}
		assert_null(memchr(p, '\r', len));
		p = nl + 1;
	}
	assert_int_equal(h, NHEADERS);
}

/*
 * Decodes a header value made of RFC 2047 "B" words separated by folding
 * whitespace; each word must be whole UTF-8 on its own and, with its line,
 * no longer than RFC 2047 allows.
 */
static void
decode_words(const char *v, char *out, size_t outsz)
{
	unsigned char	 bin[128];
	const char	*end, *q;
	size_t		 n = 0, binlen;

	while (*v != '\0' && *v != '\n') {
		assert_true(strncmp(v, "=?UTF-8?B?", 10) == 0);
		v += 10;
		q = strstr(v, "?=");
		assert_non_null(q);
		assert_true(q - v + 12 <= 75);
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), v,
		    (size_t)(q - v), NULL, &binlen, &end,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		assert_ptr_equal(end, q);
		assert_true(binlen > 0);
		assert_true(utf8_valid((char *)bin, binlen));
		assert_true(n + binlen < outsz);
		memcpy(out + n, bin, binlen);
		n += binlen;
		v = q + 2;
		if (strncmp(v, "\n =?", 4) == 0)
			v += 2;
		else
			break;
	}
	out[n] = '\0';
}

/* The value of header name (from "Name: " to the end of its last line). */
static const char *
header_value(const struct buf *b, const char *name)
{
	char		 key[64];
	const char	*p;

	(void)snprintf(key, sizeof(key), "\n%s: ", name);
	if (strncmp(b->data, key + 1, strlen(key + 1)) == 0)
		return b->data + strlen(key + 1);
	p = strstr(b->data, key);
	assert_non_null(p);
	return p + strlen(key);
}

static void
test_mail_compose_shape(void **state)
{
	struct mail	m = sample();
	struct buf	b;

	(void)state;
	compose(&m, &b);
	assert_string_equal(b.data,
	    "From: Settle <billing@example.com>\n"
	    "To: \"Jane Doe\" <jane@example.org>\n"
	    "Subject: Your plan\n"
	    "Date: " DATE_1700000000 "\n"
	    "Message-ID: <XXXXXXXXXXXXXXXXXXXXXXXX@example.com>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "Auto-Submitted: auto-generated\n"
	    "\n"
	    "Hello Jane,\n"
	    "\n"
	    "Pay by Friday.\n");
	check_headers(&b, 78);
	buf_free(&b);
}

/* Each message gets its own Message-ID. */
static void
test_mail_message_id(void **state)
{
	struct mail	m = sample();
	struct buf	a, b;

	(void)state;
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(mail_compose(&m, &a), 0);
	assert_int_equal(mail_compose(&m, &b), 0);
	assert_string_not_equal(a.data, b.data);
	buf_free(&a);
	buf_free(&b);

	/* The domain comes from the From address, else "localhost". */
	m.from = "billing@pay.example.net";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "@pay.example.net>\n"));
	buf_free(&b);
	m.from = "Settle";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "XXXX@localhost>\n"));
	buf_free(&b);
	m.from = "Settle <billing@>";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "XXXX@localhost>\n"));
	buf_free(&b);
}

static void
test_mail_date(void **state)
{
	struct mail	m = sample();
	struct buf	b;

	(void)state;
	m.date = 0;
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nDate: Thu, 01 Jan 1970 00:00:00 +0000\n"));
	buf_free(&b);
	m.date = 951782400;			/* a leap day */
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nDate: Tue, 29 Feb 2000 00:00:00 +0000\n"));
	buf_free(&b);
}

static void
test_mail_to_without_name(void **state)
{
	struct mail	m = sample();
	struct buf	b;

	(void)state;
	m.to_name = NULL;
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nTo: <jane@example.org>\nSubject: "));
	buf_free(&b);
	m.to_name = "";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nTo: <jane@example.org>\nSubject: "));
	buf_free(&b);
}

/* ASCII names are quoted, with quotes and backslashes escaped. */
static void
test_mail_to_quoted(void **state)
{
	struct mail	m = sample();
	struct buf	b;

	(void)state;
	m.to_name = "Jane \"JJ\" D\\oe, Esq. <x@evil> (c)";
	compose(&m, &b);
	assert_non_null(strstr(b.data,
	    "\nTo: \"Jane \\\"JJ\\\" D\\\\oe, Esq. <x@evil> (c)\" <jane@example.org>\n"));
	check_headers(&b, 78);
	buf_free(&b);
}

static void
test_mail_to_encoded(void **state)
{
	struct mail	m = sample();
	struct buf	b;
	char		name[512];

	(void)state;
	m.to_name = "Zo\xc3\xab";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nTo: =?UTF-8?B?Wm/Dqw==?= <jane@example.org>\n"));
	buf_free(&b);

	m.to_name = "J\xc3\xb6rg Stra\xc3\x9f" "e-Langname-Langname-Langname-"
	    "Langname \xf0\x9f\x98\x80";
	compose(&m, &b);
	check_headers(&b, 78);
	decode_words(header_value(&b, "To"), name, sizeof(name));
	assert_string_equal(name, m.to_name);
	assert_non_null(strstr(b.data, "<jane@example.org>\nSubject: "));
	buf_free(&b);
}

/* The address moves to a continuation line when the name leaves no room. */
static void
test_mail_to_fold(void **state)
{
	struct mail	m = sample();
	struct buf	b;
	char		name[512];

	(void)state;
	/* 39 bytes: one full encoded word, 68 characters after "To: ". */
	m.to_name = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9x";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "?=\n <jane@example.org>\nSubject: "));
	check_headers(&b, 76);
	decode_words(header_value(&b, "To"), name, sizeof(name));
	assert_string_equal(name, m.to_name);
	buf_free(&b);

	/* Long quoted names too. */
	m.to_name = "Jane Alexandra Montgomery-Fitzgerald of Example Holdings";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nTo: \"Jane Alexandra Montgomery-"
	    "Fitzgerald of Example Holdings\"\n <jane@example.org>\nSubject: "));
	check_headers(&b, 76);
	buf_free(&b);

	/* Short ones stay on one line. */
	m.to_name = "Jane Alexandra Montgomery-Fitzgerald of Example";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nTo: \"Jane Alexandra Montgomery-"
	    "Fitzgerald of Example\" <jane@example.org>\nSubject: "));
	buf_free(&b);
}

static void
test_mail_subject_encoded(void **state)
{
	struct mail	m = sample();
	struct buf	b;
	char		subj[512];

	(void)state;
	m.subject = "Ihr Zahlungsplan f\xc3\xbcr Rechnung 42";
	compose(&m, &b);
	decode_words(header_value(&b, "Subject"), subj, sizeof(subj));
	assert_string_equal(subj, m.subject);
	check_headers(&b, 76);
	buf_free(&b);

	/* ASCII goes as it is, even with RFC 2047 lookalikes. */
	m.subject = "=?UTF-8?B?eA==?= plain";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nSubject: =?UTF-8?B?eA==?= plain\n"));
	buf_free(&b);
	m.subject = "";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nSubject: \nDate: "));
	buf_free(&b);
}

/*
 * Non-ASCII subjects and names of every length up to 250 bytes, in 2-, 3-
 * and 4-byte characters at every alignment: each encoded word holds whole
 * characters, decodes back to the text, and no header line exceeds 76.
 */
static void
test_mail_encoded_lengths(void **state)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	struct mail	 m = sample();
	struct buf	 b;
	char		 text[300], back[512];
	size_t		 c, lead, n, len;

	(void)state;
	for (c = 0; c < 3; c++)
		for (lead = 0; lead < 4; lead++)
			for (n = 1; n < 60; n++) {
				memset(text, 'a', lead);
				len = lead;
				while (len + strlen(chars[c]) < 250 &&
				    (len - lead) / strlen(chars[c]) < n) {
					memcpy(text + len, chars[c], strlen(chars[c]));
					len += strlen(chars[c]);
				}
				text[len] = '\0';
				m.subject = text;
				m.to_name = text;
				compose(&m, &b);
				check_headers(&b, 76);
				decode_words(header_value(&b, "Subject"), back,
				    sizeof(back));
				assert_string_equal(back, text);
				decode_words(header_value(&b, "To"), back,
				    sizeof(back));
				assert_string_equal(back, text);
				buf_free(&b);
			}
}

static void
body_is(const char *body, const char *want)
{
	struct mail	m = sample();
	struct buf	b;

	m.body = body;
	compose(&m, &b);
	assert_string_equal(body_of(&b), want);
	buf_free(&b);
}

static void
test_mail_body_lines(void **state)
{
	(void)state;
	body_is("", "");
	body_is("one", "one\n");
	body_is("one\n", "one\n");
	body_is("one\ntwo", "one\ntwo\n");
	body_is("\n", "\n");
	body_is("\n\n", "\n\n");
	body_is("a\n\n\nb\n", "a\n\n\nb\n");
	body_is("caf\xc3\xa9\n", "caf\xc3\xa9\n");
	/* Lines that look like headers are just body text. */
	body_is("Bcc: x@evil\n", "Bcc: x@evil\n");
	body_is(".\n", ".\n");
}

/* CRs are dropped: the message has LF line ends only. */
static void
test_mail_body_cr(void **state)
{
	(void)state;
	body_is("a\r\nb\r\n", "a\nb\n");
	body_is("a\rb", "ab\n");
	body_is("\r\n\r\n", "\n\n");
	body_is("\r", "\n");
	body_is("x\r\r\r\ny", "x\ny\n");
}

/*
 * Composes body and checks that each of its lines comes out as one or more
 * lines of at most MAIL_MAX_LINE bytes, each valid UTF-8, cut no earlier
 * than one character short of the limit, that join back to the line.
 */
static void
check_wrapped(const char *body)
{
	struct mail	 m = sample();
	struct buf	 b;
	const char	*in = body, *o, *nl;
	size_t		 line, got, len;

	m.body = body;
	compose(&m, &b);
	o = body_of(&b);
	while (*in != '\0') {
		line = strcspn(in, "\n");
		got = 0;
		do {
			nl = strchr(o, '\n');
			assert_non_null(nl);
			len = (size_t)(nl - o);
			if (len > MAIL_MAX_LINE)
				fail_msg("body line of %zu bytes", len);
			assert_true(utf8_valid(o, len));
			assert_true(got + len <= line);
			assert_memory_equal(o, in + got, len);
			got += len;
			if (got < line)
				assert_true(len > MAIL_MAX_LINE - 4);
			o = nl + 1;
		} while (got < line);
		in += line;
		if (*in == '\n')
			in++;
	}
	assert_string_equal(o, "");
	buf_free(&b);
}

static void
test_mail_body_wrap_ascii(void **state)
{
	char	*s;

	(void)state;
	s = malloc(3000);
	assert_non_null(s);
	memset(s, 'a', 2500);
	s[2500] = '\0';
	check_wrapped(s);
	s[MAIL_MAX_LINE] = '\0';
	check_wrapped(s);
	s[MAIL_MAX_LINE] = 'a';
	s[MAIL_MAX_LINE + 1] = '\0';
	check_wrapped(s);
	free(s);
}

static void
test_mail_body_wrap_exact(void **state)
{
	struct mail	 m = sample();
	struct buf	 b;
	char		*s;
	const char	*p;

	(void)state;
	s = malloc(2600);
	assert_non_null(s);
	memset(s, 'a', 2500);
	memcpy(s + 2500, "\nend", 5);
	m.body = s;
	compose(&m, &b);
	p = body_of(&b);
	assert_int_equal(strlen(p), 2500 + 3 + 4);
	assert_int_equal(p[990], '\n');
	assert_int_equal(p[990 + 1 + 990], '\n');
	assert_string_equal(p + 990 + 1 + 990 + 1 + 520, "\nend\n");
	buf_free(&b);
	free(s);
}

/* Multi-byte characters are never split, whatever the alignment. */
static void
test_mail_body_wrap_utf8(void **state)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	char	s[4000];
	size_t	c, lead, len;

	(void)state;
	for (c = 0; c < 3; c++)
		for (lead = 0; lead < 4; lead++) {
			memset(s, 'x', lead);
			len = lead;
			while (len + 4 < 3500) {
				memcpy(s + len, chars[c], strlen(chars[c]));
				len += strlen(chars[c]);
			}
			s[len] = '\0';
			check_wrapped(s);
			/* Also as the second line of the body. */
			s[0] = '\n';
			if (lead > 0)
				check_wrapped(s);
		}
}

/* The language it is written in goes into Content-Language. */
static void
test_mail_content_language(void **state)
{
	struct mail	m = sample();
	struct buf	b;

	(void)state;
	compose(&m, &b);
	assert_null(strstr(b.data, "Content-Language:"));
	buf_free(&b);
	m.language = "es";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nContent-Language: es\nMIME-Version: 1.0\n"));
	assert_true(strstr(b.data, "Content-Language") < body_of(&b));
	buf_free(&b);
}

/* --- refusals: nothing is written ------------------------------------- */

static void
refused(const struct mail *m)
{
	struct buf	b;

	buf_init(&b, 0);
	assert_int_equal(mail_compose(m, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_mail_refuse_language(void **state)
{
	struct mail	m = sample();

	(void)state;
	m.language = "es\nBcc: evil@example.com";
	refused(&m);
	m.language = "es; q";
	refused(&m);
}

static void
test_mail_refuse_crlf(void **state)
{
	static const char *const bad[] = {
		"x\r", "x\n", "x\r\nBcc: evil@example.com", "\nBcc: e@x",
		"a\n\nbody", "\r", "a\rb",
	};
	struct mail	m;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = sample();
		m.from = bad[i];
		refused(&m);
		m = sample();
		m.subject = bad[i];
		refused(&m);
		m = sample();
		m.to_name = bad[i];
		refused(&m);
		m = sample();
		m.to = bad[i];
		refused(&m);
	}
	/* Also when hidden behind non-ASCII that would be encoded. */
	m = sample();
	m.subject = "caf\xc3\xa9\nBcc: evil@example.com";
	refused(&m);
	m = sample();
	m.to_name = "Zo\xc3\xab\r\nBcc: evil@example.com";
	refused(&m);
}

static void
test_mail_refuse_bad_fields(void **state)
{
	struct mail	m;

	(void)state;
	m = sample();
	m.from = NULL;
	refused(&m);
	m = sample();
	m.subject = NULL;
	refused(&m);
	m = sample();
	m.body = NULL;
	refused(&m);
	m = sample();
	m.to = NULL;
	refused(&m);
	/* Invalid UTF-8 anywhere it would be written. */
	m = sample();
	m.subject = "caf\xe9";
	refused(&m);
	m = sample();
	m.to_name = "Zo\xeb";
	refused(&m);
	m = sample();
	m.body = "overlong \xc0\xaf\n";
	refused(&m);
	m = sample();
	m.body = "surrogate \xed\xa0\x80\n";
	refused(&m);
}

static void
test_mail_refuse_bad_to(void **state)
{
	static const char *const bad[] = {
		"", "jane", "@example.org", "jane@", "jane@@example.org",
		"jane@example@org", "jane doe@example.org", "jane@example.org ",
		"<jane@example.org>", "jane@example.org>", "Jane <jane@example.org>",
		"\"jane\"@example.org", "jane,bob@example.org",
		"jane@example.org,bob@example.org", "jane;x@example.org",
		"jane@example.org\tx", "jane(c)@example.org", "a\\b@example.org",
		"jane@[127.0.0.1]", "jane:x@example.org",
	};
	struct mail	m;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = sample();
		m.to = bad[i];
		if (mail_address_valid(bad[i]))
			fail_msg("address \"%s\" accepted", bad[i]);
		refused(&m);
	}
}

/* A full output buffer fails rather than producing half a message. */
static void
test_mail_buffer_cap(void **state)
{
	struct mail	m = sample();
	struct buf	b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(mail_compose(&m, &b), -1);
	assert_true(buf_failed(&b));
	buf_free(&b);
}

/* --- mail_address_valid ------------------------------------------------ */

static void
test_mail_address_valid(void **state)
{
	char	addr[300];

	(void)state;
	assert_true(mail_address_valid("a@b"));
	assert_true(mail_address_valid("jane@example.org"));
	assert_true(mail_address_valid("jane.doe+tag@mail.example.co.uk"));
	assert_true(mail_address_valid("x_y-z.1@sub-1.example.org"));
	assert_true(mail_address_valid("o'brien@example.ie"));

	memset(addr, 'a', sizeof(addr));
	memcpy(addr + 240, "@example.org", 13);	/* 252 bytes */
	assert_true(mail_address_valid(addr));
	memset(addr, 'a', sizeof(addr));
	memcpy(addr + 242, "@example.org", 13);	/* 254 */
	assert_true(mail_address_valid(addr));
	memset(addr, 'a', sizeof(addr));
	memcpy(addr + 243, "@example.org", 13);	/* 255 */
	assert_false(mail_address_valid(addr));
}

static void
test_mail_address_invalid(void **state)
{
	static const char *const bad[] = {
		"", "@", "a", "a@", "@b", "a@b@c", "@@", "a b@c", "a@b c", " a@b",
		"a@b ", "a\t@b", "a@b\r", "a@b\n", "a\r\n@b", "\"a\"@b", "<a@b>",
		"a@b>", "a<b@c", "(a)@b", "a@(b)", "a,b@c", "a;b@c", "a:b@c",
		"a\\b@c", "[a]@b", "a@[1.2.3.4]", "a@b,c@d",
	};
	size_t	i;

	(void)state;
	assert_false(mail_address_valid(NULL));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mail_address_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
}

/* --- mail_split --------------------------------------------------------- */

static void
split_is(const char *text, const char *subject, const char *body)
{
	char		 s[64];
	const char	*b = NULL;

	if (mail_split(text, s, sizeof(s), &b) != 0)
		fail_msg("refused \"%s\"", text);
	assert_string_equal(s, subject);
	assert_string_equal(b, body);
	assert_true(b >= text && b <= text + strlen(text));
}

static void
split_bad(const char *text, size_t subjsz)
{
	char		 s[64] = "untouched";
	const char	*b = "untouched";

	if (mail_split(text, s, subjsz, &b) != -1)
		fail_msg("accepted \"%s\"", text);
	assert_string_equal(b, "untouched");
}

static void
test_mail_split(void **state)
{
	(void)state;
	split_is("Subject: Hello\n\nBody\n", "Hello", "Body\n");
	split_is("Subject: Hello\nBody", "Hello", "Body");
	split_is("Subject: Hello\n\n\n\nBody\n\nMore", "Hello", "Body\n\nMore");
	split_is("Subject: Hello\n", "Hello", "");
	split_is("Subject: Hello\n\n", "Hello", "");
	split_is("Subject: Caf\xc3\xa9 #42: due\n\nx", "Caf\xc3\xa9 #42: due", "x");
	split_is("Subject: a\n\n  indented\n", "a", "  indented\n");
	/* A template saved with CRLF line ends: the CRs are not the subject's. */
	split_is("Subject: Hello\r\n\r\nBody", "Hello", "Body");
}

static void
test_mail_split_bad(void **state)
{
	(void)state;
	split_bad("", 64);
	split_bad("Hello\n\nBody", 64);
	split_bad("subject: Hello\n\nBody", 64);
	split_bad("SUBJECT: Hello\n\nBody", 64);
	split_bad("Subject:Hello\n\nBody", 64);
	split_bad(" Subject: Hello\n\nBody", 64);
	split_bad("\nSubject: Hello\n\nBody", 64);
	split_bad("Subject: Hello", 64);			/* no newline */
	split_bad("Subject: \n\nBody", 64);			/* empty */
	split_bad("Subject: \r\n\r\nBody", 64);		/* empty, CRLF */
	split_bad("Subject: ", 64);
	split_bad("Subj", 64);
	split_bad("From: x\nSubject: Hello\n\nBody", 64);
}

/* The subject must fit with its NUL; one byte more is refused, not cut. */
static void
test_mail_split_size(void **state)
{
	char		 s[8];
	const char	*b;

	(void)state;
	assert_int_equal(mail_split("Subject: 1234567\n\nx", s, 8, &b), 0);
	assert_string_equal(s, "1234567");
	split_bad("Subject: 12345678\n\nx", 8);
	split_bad("Subject: x\n\nx", 1);
	split_bad("Subject: x\n\nx", 0);
}

/* The boundary a Content-Type header declares, copied into b. */
static void
boundary_of(const char *msg, const char *type, char *b, size_t size)
{
	const char	*p, *q;
	char		 want[128];

	snprintf(want, sizeof(want), "Content-Type: %s; boundary=\"", type);
	p = strstr(msg, want);
	assert_non_null(p);
	p += strlen(want);
	q = strchr(p, '"');
	assert_non_null(q);
	assert_true((size_t)(q - p) < size);
	memcpy(b, p, (size_t)(q - p));
	b[q - p] = '\0';
}

/* How often "--B\n" (a delimiter line) and "--B--\n" occur in msg. */
static int
count_lines(const char *msg, const char *prefix, const char *b, const char *suffix)
{
	char		 line[160];
	const char	*p = msg;
	int		 n = 0;

	snprintf(line, sizeof(line), "\n%s%s%s\n", prefix, b, suffix);
	while ((p = strstr(p, line)) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* An HTML alternative makes multipart/alternative: text first, then HTML. */
static void
test_mail_html_alternative(void **state)
{
	struct mail	 m = sample();
	struct buf	 b;
	char		 bd[64];
	const char	*text, *html;

	(void)state;
	m.html = "<p>Hello Jane,</p>\n<p>Pay by <b>Friday</b>.</p>\n";
	compose(&m, &b);
	assert_null(strstr(b.data, "\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\nAuto-Submitted"));
	boundary_of(b.data, "multipart/alternative", bd, sizeof(bd));
	assert_int_equal(count_lines(b.data, "--", bd, ""), 2);
	assert_int_equal(count_lines(b.data, "--", bd, "--"), 1);
	text = strstr(b.data, "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\nHello Jane,\n\nPay by Friday.\n--");
	html = strstr(b.data, "Content-Type: text/html; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n<p>Hello Jane,</p>\n");
	assert_non_null(text);
	assert_non_null(html);
	assert_true(text < html);
	assert_non_null(strstr(b.data, "\nAuto-Submitted: auto-generated\n\n--"));
	buf_free(&b);
	/* Invalid UTF-8 in the HTML is refused like in the text. */
	m.html = "<p>\xff</p>";
	buf_init(&b, 0);
	assert_int_equal(mail_compose(&m, &b), -1);
	buf_free(&b);
}

/* One-click opt-out headers (RFC 8058), and URIs that cannot smuggle. */
static void
test_mail_list_unsubscribe(void **state)
{
	struct mail	 m = sample();
	struct buf	 b;
	static const char *bad[] = { "http://x.example/u/1", "https://",
	    "https://x.example/u/1>, <https://evil", "https://x.example/a b",
	    "https://x.example/\xc3\xa9", "https://x.example/a,b" };
	size_t		 i;

	(void)state;
	m.unsubscribe_url = "https://pay.example.com/u/abc_DEF-1";
	m.unsubscribe_mailto = "mailto:billing@example.com?subject=unsubscribe";
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nList-Unsubscribe: "
	    "<https://pay.example.com/u/abc_DEF-1>,\n"
	    " <mailto:billing@example.com?subject=unsubscribe>\n"
	    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"));
	buf_free(&b);
	m.unsubscribe_mailto = NULL;
	compose(&m, &b);
	assert_non_null(strstr(b.data, "\nList-Unsubscribe: "
	    "<https://pay.example.com/u/abc_DEF-1>\nList-Unsubscribe-Post: "));
	buf_free(&b);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.unsubscribe_url = bad[i];
		buf_init(&b, 0);
		assert_int_equal(mail_compose(&m, &b), -1);
		buf_free(&b);
	}
	m.unsubscribe_url = "https://pay.example.com/u/x";
	m.unsubscribe_mailto = "mailto:a@b>\nBcc: c@d";
	buf_init(&b, 0);
	assert_int_equal(mail_compose(&m, &b), -1);
	buf_free(&b);
	/* No URL, no header. */
	m.unsubscribe_url = NULL;
	compose(&m, &b);
	assert_null(strstr(b.data, "List-Unsubscribe"));
	buf_free(&b);
}

/* An inline image: related around the alternative, base64 that decodes back. */
static void
test_mail_image(void **state)
{
	static const unsigned char png[200] = { 0x89, 'P', 'N', 'G', 1, 2, 3 };
	struct mail_image img = { "qr@settle", "payment-qr.png", "image/png",
	    png, sizeof(png) };
	struct mail	 m = sample();
	struct buf	 b;
	char		 outer[64], inner[64], b64[400];
	unsigned char	 back[sizeof(png)];
	const char	*p, *end;
	size_t		 n = 0, len;

	(void)state;
	m.html = "<p><img src=\"cid:qr@settle\" alt=\"QR\"></p>\n";
	m.image = &img;
	compose(&m, &b);
	boundary_of(b.data, "multipart/related", outer, sizeof(outer));
	boundary_of(b.data, "multipart/alternative", inner, sizeof(inner));
	assert_string_not_equal(outer, inner);
	assert_int_equal(count_lines(b.data, "--", outer, ""), 2);
	assert_int_equal(count_lines(b.data, "--", outer, "--"), 1);
	assert_int_equal(count_lines(b.data, "--", inner, "--"), 1);
	p = strstr(b.data, "Content-ID: <qr@settle>\n"
	    "Content-Disposition: inline; filename=\"payment-qr.png\"\n\n");
	assert_non_null(p);
	p = strstr(p, "\n\n") + 2;
	end = strstr(p, "\n--");
	assert_non_null(end);
	for (; p < end; p++)
		if (*p != '\n') {
			assert_true(n < sizeof(b64) - 1);
			b64[n++] = *p;
		}
	b64[n] = '\0';
	assert_int_equal(sodium_base642bin(back, sizeof(back), b64, n, NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, sizeof(png));
	assert_memory_equal(back, png, sizeof(png));
	buf_free(&b);

	/* Plain text and an image: multipart/mixed. */
	m.html = NULL;
	compose(&m, &b);
	boundary_of(b.data, "multipart/mixed", outer, sizeof(outer));
	assert_int_equal(count_lines(b.data, "--", outer, ""), 2);
	assert_null(strstr(b.data, "text/html"));
	buf_free(&b);

	/* A Content-ID that could break out of its header is refused. */
	img.cid = "qr>\nX: y";
	buf_init(&b, 0);
	assert_int_equal(mail_compose(&m, &b), -1);
	buf_free(&b);
}

/* A copy: new To, Date and Message-ID; the rest as stored; the .ics attached. */
static void
test_mail_recopy(void **state)
{
	static const unsigned char ics[] = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	struct mail_attachment	 a = { "plan.ics", "text/calendar", "PUBLISH",
	    ics, sizeof(ics) - 1 };
	struct mail	 m = { .from = "Settle <billing@example.com>",
	    .to = "old@example.org", .to_name = "Ana", .subject = "Your plan",
	    .body = "Dear Ana,\nyour plan.\n", .date = 1700000000 };
	struct buf	 orig, copy, bad;
	const char	*id;

	(void)state;
	buf_init(&orig, 0);
	buf_init(&copy, 0);
	buf_init(&bad, 0);
	assert_int_equal(mail_compose(&m, &orig), 0);
	assert_int_equal(mail_recopy(orig.data, 1800000000, "ana@example.org",
	    "Ana Ruiz", &a, &copy), 0);
	assert_non_null(strstr(copy.data, "\nTo: \"Ana Ruiz\" <ana@example.org>\n"));
	assert_null(strstr(copy.data, "old@example.org"));
	assert_non_null(strstr(copy.data, "Subject: Your plan\n"));
	assert_null(strstr(copy.data, "Tue, 14 Nov 2023"));
	assert_non_null(strstr(copy.data, "Date: Fri, 15 Jan 2027"));
	id = strstr(orig.data, "Message-ID: ");
	assert_non_null(id);
	assert_null(strstr(copy.data, id));
	assert_non_null(strstr(copy.data, "Content-Type: multipart/mixed; boundary="));
	assert_non_null(strstr(copy.data, "Content-Type: text/calendar; charset=utf-8; "
	    "method=PUBLISH; name=\"plan.ics\"\n"));
	assert_non_null(strstr(copy.data, "Content-Disposition: attachment; filename=\"plan.ics\""));
	assert_non_null(strstr(copy.data, "\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\nDear Ana,\nyour plan.\n--"));
	/* Refused: no headers' end, no From, a bad address, a CR in the name. */
	assert_int_equal(mail_recopy("From: a@b\nTo: <c@d>\n", 0, "x@y", NULL,
	    NULL, &bad), -1);
	assert_int_equal(mail_recopy("To: <c@d>\nDate: x\n\nbody\n", 0, "x@y",
	    NULL, NULL, &bad), -1);
	assert_int_equal(mail_recopy(orig.data, 0, "not an address", NULL, NULL,
	    &bad), -1);
	assert_int_equal(mail_recopy(orig.data, 0, "x@y", "A\r\nBcc: z@z", NULL,
	    &bad), -1);
	buf_free(&orig);
	buf_free(&copy);
	buf_free(&bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail_compose_shape),
		cmocka_unit_test(test_mail_message_id),
		cmocka_unit_test(test_mail_date),
		cmocka_unit_test(test_mail_to_without_name),
		cmocka_unit_test(test_mail_to_quoted),
		cmocka_unit_test(test_mail_to_encoded),
		cmocka_unit_test(test_mail_to_fold),
		cmocka_unit_test(test_mail_subject_encoded),
		cmocka_unit_test(test_mail_encoded_lengths),
		cmocka_unit_test(test_mail_body_lines),
		cmocka_unit_test(test_mail_body_cr),
		cmocka_unit_test(test_mail_body_wrap_ascii),
		cmocka_unit_test(test_mail_body_wrap_exact),
		cmocka_unit_test(test_mail_body_wrap_utf8),
		cmocka_unit_test(test_mail_content_language),
		cmocka_unit_test(test_mail_refuse_crlf),
		cmocka_unit_test(test_mail_refuse_language),
		cmocka_unit_test(test_mail_refuse_bad_fields),
		cmocka_unit_test(test_mail_refuse_bad_to),
		cmocka_unit_test(test_mail_buffer_cap),
		cmocka_unit_test(test_mail_address_valid),
		cmocka_unit_test(test_mail_address_invalid),
		cmocka_unit_test(test_mail_split),
		cmocka_unit_test(test_mail_split_bad),
		cmocka_unit_test(test_mail_split_size),
		cmocka_unit_test(test_mail_html_alternative),
		cmocka_unit_test(test_mail_list_unsubscribe),
		cmocka_unit_test(test_mail_image),
		cmocka_unit_test(test_mail_recopy),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
