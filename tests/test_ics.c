/* Unit tests for portal/ics.c: exact output, folding, escaping, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "date.h"
#include "ics.h"
#include "utf8.h"

static struct ics_event
sample(void)
{
	struct ics_event e;

	e.uid = "plan-7-1@pay.example.com";
	e.stamp = "20261124T101500Z";
	e.day = (struct date){ 2026, 12, 4 };
	e.summary = "Payment 1 of 3: EUR 1,250.00";
	e.description = "Pay by bank transfer.\nReference: H-1";
	return e;
}

/* Every LF is preceded by CR, every CR followed by LF, and it ends in CRLF. */
static void
assert_crlf(const struct buf *b)
{
	size_t i;

	assert_true(b->len >= 2);
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\n')
			assert_true(i > 0 && b->data[i - 1] == '\r');
		if (b->data[i] == '\r')
			assert_true(i + 1 < b->len && b->data[i + 1] == '\n');
	}
	assert_memory_equal(b->data + b->len - 2, "\r\n", 2);
}

static void
test_ics_calendar(void **state)
{
	struct ics_event	e = sample();
	struct buf		b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(ics_begin(&b, "Plan for invoice H-1, Example; Ltd"), 0);
	assert_int_equal(ics_event(&b, &e), 0);
	assert_int_equal(ics_end(&b), 0);
	assert_string_equal(buf_str(&b),
	    "BEGIN:VCALENDAR\r\n"
	    "VERSION:2.0\r\n"
	    "PRODID:-//Settle//Payment plan//EN\r\n"
	    "CALSCALE:GREGORIAN\r\n"
	    "METHOD:PUBLISH\r\n"
	    "X-WR-CALNAME:Plan for invoice H-1\\, Example\\; Ltd\r\n"
	    "BEGIN:VEVENT\r\n"
	    "UID:plan-7-1@pay.example.com\r\n"
	    "DTSTAMP:20261124T101500Z\r\n"
	    "DTSTART;VALUE=DATE:20261204\r\n"
	    "DTEND;VALUE=DATE:20261205\r\n"
	    "SUMMARY:Payment 1 of 3: EUR 1\\,250.00\r\n"
	    "DESCRIPTION:Pay by bank transfer.\\nReference: H-1\r\n"
	    "TRANSP:TRANSPARENT\r\n"
	    "END:VEVENT\r\n"
	    "END:VCALENDAR\r\n");
	assert_crlf(&b);
	buf_free(&b);
}

/* DTEND is the next day, across month, year and leap-day boundaries. */
static void
test_ics_dtend(void **state)
{
	static const struct {
		struct date	 day;
		const char	*start, *end;
	} cases[] = {
		{ { 2026, 12, 31 }, "20261231", "20270101" },
		{ { 2027, 2, 28 }, "20270228", "20270301" },
		{ { 2028, 2, 28 }, "20280228", "20280229" },
		{ { 2028, 2, 29 }, "20280229", "20280301" },
		{ { 1900, 1, 1 }, "19000101", "19000102" },
		{ { 2999, 12, 30 }, "29991230", "29991231" },
	};
	struct ics_event	e = sample();
	struct buf		b;
	char			want[128];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 0);
		e.day = cases[i].day;
		assert_int_equal(ics_event(&b, &e), 0);
		(void)snprintf(want, sizeof(want),
		    "\r\nDTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n",
		    cases[i].start, cases[i].end);
		assert_non_null(strstr(b.data, want));
		buf_free(&b);
	}
}

static void
test_ics_escaping(void **state)
{
	struct ics_event	e = sample();
	struct buf		b;

	(void)state;
	buf_init(&b, 0);
	e.summary = "a\\b;c,d\ne\r\nf:g\"h";
	e.description = "";
	e.uid = "u;1,2\\3";
	assert_int_equal(ics_event(&b, &e), 0);
	assert_non_null(strstr(b.data,
	    "\r\nSUMMARY:a\\\\b\\;c\\,d\\ne\\nf:g\"h\r\n"));
	assert_non_null(strstr(b.data, "\r\nDESCRIPTION:\r\n"));
	assert_non_null(strstr(b.data, "\r\nUID:u\\;1\\,2\\\\3\r\n"));
	assert_crlf(&b);
	buf_free(&b);

	buf_init(&b, 0);
	assert_int_equal(ics_begin(&b, "\\;,\n"), 0);
	assert_non_null(strstr(b.data, "\r\nX-WR-CALNAME:\\\\\\;\\,\\n\r\n"));
	buf_free(&b);

	/* Lone CRs vanish; nothing else is touched, UTF-8 included. */
	buf_init(&b, 0);
	e = sample();
	e.summary = "\r\rcaf\xc3\xa9 \xe2\x82\xac\r";
	assert_int_equal(ics_event(&b, &e), 0);
	assert_non_null(strstr(b.data, "\r\nSUMMARY:caf\xc3\xa9 \xe2\x82\xac\r\n"));
	assert_crlf(&b);
	buf_free(&b);
}

/*
 * Checks that the physical lines of b are at most 75 octets, each whole
 * UTF-8 on its own, folded no earlier than needed, and that the content
 * line starting with prefix unfolds to want.
 */
static void
check_folded(const struct buf *b, const char *prefix, const char *want)
{
	struct buf	 un;
	const char	*p = b->data, *end = b->data + b->len, *crlf;
	size_t		 len;
	bool		 in = false;

	buf_init(&un, 0);
	while (p < end) {
		crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		len = (size_t)(crlf - p);
		if (len > 75)
			fail_msg("line of %zu octets: %.*s", len, (int)len, p);
		if (p[0] == ' ') {
			assert_true(utf8_valid(p + 1, len - 1));
			if (in)
				assert_int_equal(buf_append(&un, p + 1, len - 1), 0);
		} else {
			assert_true(utf8_valid(p, len));
			in = strncmp(p, prefix, strlen(prefix)) == 0;
			if (in)
				assert_int_equal(buf_append(&un, p, len), 0);
		}
		/* A line followed by a continuation is cut at most 3 short. */
		if (crlf + 2 < end && crlf[2] == ' ')
			assert_true(len >= 72);
		p = crlf + 2;
	}
	assert_string_equal(buf_str(&un), want);
	buf_free(&un);
}

static void
test_ics_fold_boundary(void **state)
{
	struct ics_event	 e = sample();
	struct buf		 b;
	char			 d[200], want[300];

	(void)state;
	/* "DESCRIPTION:" is 12 octets: 63 more make exactly 75, unfolded. */
	memset(d, 'a', 63);
	d[63] = '\0';
	e.description = d;
	buf_init(&b, 0);
	assert_int_equal(ics_event(&b, &e), 0);
	(void)snprintf(want, sizeof(want), "\r\nDESCRIPTION:%s\r\nTRANSP:", d);
	assert_non_null(strstr(b.data, want));
	buf_free(&b);

	/* One more folds: 75 octets, CRLF, a space and the last one. */
	d[63] = 'b';
	d[64] = '\0';
	buf_init(&b, 0);
	assert_int_equal(ics_event(&b, &e), 0);
	d[63] = '\0';
	(void)snprintf(want, sizeof(want), "\r\nDESCRIPTION:%s\r\n b\r\nTRANSP:",
	    d);
	assert_non_null(strstr(b.data, want));
	buf_free(&b);

	/* Continuation lines hold 74 octets after their space. */
	memset(d, 'c', 63 + 74 + 1);
	d[63 + 74 + 1] = '\0';
	buf_init(&b, 0);
	assert_int_equal(ics_event(&b, &e), 0);
	(void)snprintf(want, sizeof(want), "DESCRIPTION:%s", d);
	check_folded(&b, "DESCRIPTION:", want);
	assert_non_null(strstr(b.data, "c\r\n c\r\nTRANSP:"));
	buf_free(&b);
}

/* An escape counts as two octets toward the fold. */
static void
test_ics_fold_escapes(void **state)
{
	struct ics_event	 e = sample();
	struct buf		 b;
	char			 d[400], want[800];
	size_t			 i, n = 0;

	(void)state;
	for (i = 0; i < 150; i++)
		d[i] = ",;\\\n"[i % 4];
	d[150] = '\0';
	e.description = d;
	n = (size_t)snprintf(want, sizeof(want), "DESCRIPTION:");
	for (i = 0; i < 150; i++) {
		want[n++] = '\\';
		want[n++] = ",;\\n"[i % 4];
	}
	want[n] = '\0';
	buf_init(&b, 0);
	assert_int_equal(ics_event(&b, &e), 0);
	check_folded(&b, "DESCRIPTION:", want);
	assert_crlf(&b);
	buf_free(&b);
}

/*
 * Long descriptions of 2-, 3- and 4-byte characters at every alignment:
 * no line over 75 octets and no fold inside a character.
 */
static void
test_ics_fold_utf8(void **state)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" };
	struct ics_event	 e = sample();
	struct buf		 b;
	char			 d[1200], want[1300];
	size_t			 c, lead, len, clen;

	(void)state;
	for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++)
		for (lead = 0; lead < 8; lead++) {
			clen = strlen(chars[c]);
			memset(d, 'x', lead);
			len = lead;
			while (len + clen < 1000) {
				memcpy(d + len, chars[c], clen);
				len += clen;
			}
			d[len] = '\0';
			e.description = d;
			e.summary = d + lead;
			buf_init(&b, 0);
			assert_int_equal(ics_event(&b, &e), 0);
			(void)snprintf(want, sizeof(want), "DESCRIPTION:%s", d);
			check_folded(&b, "DESCRIPTION:", want);
			(void)snprintf(want, sizeof(want), "SUMMARY:%s", d + lead);
			check_folded(&b, "SUMMARY:", want);
			assert_crlf(&b);
			buf_free(&b);
		}
}

/* A long calendar name folds the same way. */
static void
test_ics_fold_calname(void **state)
{
	struct buf	b;
	char		name[300], want[400];
	size_t		i;

	(void)state;
	for (i = 0; i + 3 < 290; i += 3)
		memcpy(name + i, "\xe2\x82\xac", 3);
	name[i] = '\0';
	buf_init(&b, 0);
	assert_int_equal(ics_begin(&b, name), 0);
	(void)snprintf(want, sizeof(want), "X-WR-CALNAME:%s", name);
	check_folded(&b, "X-WR-CALNAME:", want);
	assert_crlf(&b);
	buf_free(&b);
}

static void
event_bad(const struct ics_event *e)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "BEGIN:VCALENDAR\r\n"), 0);
	assert_int_equal(ics_event(&b, e), -1);
	assert_string_equal(buf_str(&b), "BEGIN:VCALENDAR\r\n");
	buf_free(&b);
}

static void
test_ics_bad_dates(void **state)
{
	static const struct date bad[] = {
		{ 0, 0, 0 }, { 2026, 2, 29 }, { 2026, 2, 30 }, { 2026, 4, 31 },
		{ 2026, 13, 1 }, { 2026, 0, 1 }, { 2026, 1, 0 }, { 2026, 1, 32 },
		{ 1899, 12, 31 }, { 3000, 1, 1 }, { -1, 1, 1 },
		{ 2999, 12, 31 },	/* valid, but its DTEND is not */
	};
	struct ics_event	e;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = sample();
		e.day = bad[i];
		event_bad(&e);
	}
}

/* UID and DTSTAMP are refused with a line break rather than escaped. */
static void
test_ics_bad_fields(void **state)
{
	static const char *const bad[] = { "\r", "\n", "x\r\nATTENDEE:evil",
	    "x\nBEGIN:VALARM", "\r\n" };
	struct ics_event	e;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = sample();
		e.uid = bad[i];
		event_bad(&e);
		e = sample();
		e.stamp = bad[i];
		event_bad(&e);
	}
}

/* Output that does not fit fails. */
static void
test_ics_buffer_cap(void **state)
{
	struct ics_event	 e = sample();
	struct buf		 b;
	char			*big;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(ics_begin(&b, "x"), -1);
	buf_free(&b);
	buf_init(&b, 100);
	assert_int_equal(ics_event(&b, &e), -1);
	buf_free(&b);
	buf_init(&b, 40);
	assert_int_equal(ics_end(&b), 0);
	assert_int_equal(ics_end(&b), 0);
	assert_int_equal(ics_end(&b), -1);
	buf_free(&b);

	/* A single text value past 64 KiB escaped is refused. */
	big = malloc(40000);
	assert_non_null(big);
	memset(big, ',', 39999);
	big[39999] = '\0';
	e.description = big;
	buf_init(&b, 0);
	assert_int_equal(ics_event(&b, &e), -1);
	buf_free(&b);
	big[20000] = '\0';
	buf_init(&b, 0);
	assert_int_equal(ics_event(&b, &e), 0);
	buf_free(&b);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ics_calendar),
		cmocka_unit_test(test_ics_dtend),
		cmocka_unit_test(test_ics_escaping),
		cmocka_unit_test(test_ics_fold_boundary),
		cmocka_unit_test(test_ics_fold_escapes),
		cmocka_unit_test(test_ics_fold_utf8),
		cmocka_unit_test(test_ics_fold_calname),
		cmocka_unit_test(test_ics_bad_dates),
		cmocka_unit_test(test_ics_bad_fields),
		cmocka_unit_test(test_ics_buffer_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
