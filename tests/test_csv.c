#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "csv.h"

/* The reader holds a 64 KiB buffer: one static instance for all cases. */
static struct csv C;
static struct csv_record R;

/* Length of a literal that may contain NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

static void
start(const char *data, size_t len)
{
	assert_int_equal(csv_init(&C, data, len), 0);
}

/* Reads the next record and checks its fields against want (NULL-terminated). */
static void
next_is(unsigned line, const char *const *want)
{
	size_t i;

	assert_int_equal(csv_next(&C, &R), 1);
	assert_int_equal(R.line, line);
	for (i = 0; want[i] != NULL; i++) {
		assert_true(i < R.nfields);
		assert_string_equal(R.fields[i], want[i]);
		assert_int_equal(R.lens[i], strlen(want[i]));
	}
	assert_int_equal(R.nfields, i);
}

static void
at_end(void)
{
	assert_int_equal(csv_next(&C, &R), 0);
	assert_int_equal(R.nfields, 0);
	assert_int_equal(csv_next(&C, &R), 0);
}

/* Reads records until one fails; checks the fault and that it sticks. */
static void
fails_with(enum csv_err err, unsigned line, unsigned col, int nrecords)
{
	int rc, n = 0;

	while ((rc = csv_next(&C, &R)) == 1)
		n++;
	assert_int_equal(rc, -1);
	assert_int_equal(R.nfields, 0);
	if (C.err != err || C.line != line || C.column != col)
		fail_msg("got %s at %u:%u, want %s at %u:%u",
		    csv_strerror(C.err), C.line, C.column,
		    csv_strerror(err), line, col);
	assert_string_equal(C.error, csv_strerror(err));
	assert_int_equal(n, nrecords);
	assert_int_equal(csv_next(&C, &R), -1);
	assert_int_equal(C.err, err);
	assert_int_equal(C.line, line);
}

static void
bad(const char *data, size_t len, enum csv_err err, unsigned line,
    unsigned col, int nrecords)
{
	start(data, len);
	fails_with(err, line, col, nrecords);
}

#define W(...)	((const char *const []){ __VA_ARGS__, NULL })

static void
test_csv_simple(void **state)
{
	(void)state;
	start(LIT("a,b,c\n1,2,3\n"));
	next_is(1, W("a", "b", "c"));
	next_is(2, W("1", "2", "3"));
	at_end();
}

static void
test_csv_line_ends(void **state)
{
	(void)state;
	start(LIT("a,b\r\n1,2\r\n"));
	next_is(1, W("a", "b"));
	next_is(2, W("1", "2"));
	at_end();
	start(LIT("a\n1\r\n2"));
	next_is(1, W("a"));
	next_is(2, W("1"));
	next_is(3, W("2"));
	at_end();
	start(LIT("a,b\n1,2"));
	next_is(1, W("a", "b"));
	next_is(2, W("1", "2"));
	at_end();
}

static void
test_csv_empty_fields(void **state)
{
	(void)state;
	start(LIT(",,\na,,b\na,\n,a\n\"\",x"));
	next_is(1, W("", "", ""));
	next_is(2, W("a", "", "b"));
	next_is(3, W("a", ""));
	next_is(4, W("", "a"));
	next_is(5, W("", "x"));
	at_end();
	start(LIT("a,"));
	next_is(1, W("a", ""));
	at_end();
}

static void
test_csv_quoted(void **state)
{
	(void)state;
	start(LIT("\"a,b\",\"c\"\"d\",\"\",\"\"\"\"\n\"x\"\r\n"));
	next_is(1, W("a,b", "c\"d", "", "\""));
	next_is(2, W("x"));
	at_end();
}

static void
test_csv_quoted_newlines(void **state)
{
	(void)state;
	start(LIT("\"line1\nline2\",x\nnext,y\n\"a\r\nb\",\"c\rd\"\n"));
	next_is(1, W("line1\nline2", "x"));
	next_is(3, W("next", "y"));
	next_is(4, W("a\r\nb", "c\rd"));
	at_end();
}

static void
test_csv_spaces_kept(void **state)
{
	(void)state;
	start(LIT(" a , b \n \n\t"));
	next_is(1, W(" a ", " b "));
	next_is(2, W(" "));
	next_is(3, W("\t"));
	at_end();
}

static void
test_csv_bom(void **state)
{
	(void)state;
	start(LIT("\xef\xbb\xbf" "a,b\n"));
	next_is(1, W("a", "b"));
	at_end();
	start(LIT("\xef\xbb\xbf"));
	at_end();
	/* Only at the very start: later it is data. */
	start(LIT("a\n\xef\xbb\xbf" "b"));
	next_is(1, W("a"));
	next_is(2, W("\xef\xbb\xbf" "b"));
	at_end();
	/* The BOM does not count as a column. */
	bad(LIT("\xef\xbb\xbf" "ab\""), CSV_ERR_QUOTE, 1, 3, 0);
}

static void
test_csv_utf8_content(void **state)
{
	(void)state;
	start(LIT("caf\xc3\xa9,\xe6\x97\xa5\xe6\x9c\xac,\xf0\x9f\x98\x80,"
	    "\"\xe2\x80\xaf\"\n"));
	next_is(1, W("caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",
	    "\xf0\x9f\x98\x80", "\xe2\x80\xaf"));
	at_end();
}

static void
test_csv_trailing_empty_lines(void **state)
{
	(void)state;
	start(LIT("a\n\n\n"));
	next_is(1, W("a"));
	at_end();
	start(LIT("a\r\n\r\n\n"));
	next_is(1, W("a"));
	at_end();
	start(LIT(""));
	at_end();
	start(LIT("\n"));
	at_end();
	start(LIT("\r\n\n"));
	at_end();
	start(NULL, 0);
	at_end();
}

static void
test_csv_field_accessor(void **state)
{
	(void)state;
	start(LIT("a,b\n"));
	assert_int_equal(csv_next(&C, &R), 1);
	assert_string_equal(csv_field(&R, 0), "a");
	assert_string_equal(csv_field(&R, 1), "b");
	assert_null(csv_field(&R, 2));
	assert_null(csv_field(&R, SIZE_MAX));
	assert_null(csv_field(NULL, 0));
}

static void
test_csv_import_format(void **state)
{
	static const char file[] =
	    "invoice,customer_ref,customer_name,email,phone,language,currency,"
	    "issued,due,kind,description,quantity,amount,date\r\n"
	    "INV-1001,C-77,\"Garc\xc3\xad" "a, Ana\",ana@example.org,"
	    "+34 600 000 000,es,EUR,2026-09-01,2026-10-01,line,"
	    "\"Consulting, \"\"phase 1\"\"\",2.5,400.00,\r\n"
	    "INV-1001,C-77,\"Garc\xc3\xad" "a, Ana\",ana@example.org,"
	    "+34 600 000 000,es,EUR,2026-09-01,2026-10-01,fee,Late fee,,"
	    "40.00,2026-11-01\r\n";

	(void)state;
	start(file, sizeof(file) - 1);
	next_is(1, W("invoice", "customer_ref", "customer_name", "email",
	    "phone", "language", "currency", "issued", "due", "kind",
	    "description", "quantity", "amount", "date"));
	next_is(2, W("INV-1001", "C-77", "Garc\xc3\xad" "a, Ana",
	    "ana@example.org", "+34 600 000 000", "es", "EUR", "2026-09-01",
	    "2026-10-01", "line", "Consulting, \"phase 1\"", "2.5", "400.00",
	    ""));
	next_is(3, W("INV-1001", "C-77", "Garc\xc3\xad" "a, Ana",
	    "ana@example.org", "+34 600 000 000", "es", "EUR", "2026-09-01",
	    "2026-10-01", "fee", "Late fee", "", "40.00", "2026-11-01"));
	at_end();
}

/* Builds n copies of "x," without the last comma: n fields. */
static char *
many_fields(size_t n, size_t *len)
{
	char *s = malloc(2 * n);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		s[2 * i] = 'x';
		s[2 * i + 1] = ',';
	}
	*len = 2 * n - 1;
	return s;
}

static void
test_csv_limit_fields(void **state)
{
	size_t len;
	char *s;

	(void)state;
	s = many_fields(CSV_MAX_FIELDS, &len);
	start(s, len);
	assert_int_equal(csv_next(&C, &R), 1);
	assert_int_equal(R.nfields, CSV_MAX_FIELDS);
	at_end();
	free(s);
	s = many_fields(CSV_MAX_FIELDS + 1, &len);
	/* The 33rd field starts after 32 "x," pairs. */
	bad(s, len, CSV_ERR_FIELDS, 1, 2 * CSV_MAX_FIELDS + 1, 0);
	free(s);
}

static void
test_csv_limit_field_length(void **state)
{
	char *s = malloc(CSV_MAX_FIELD + 8);

	(void)state;
	assert_non_null(s);
	memset(s, 'a', CSV_MAX_FIELD + 8);
	start(s, CSV_MAX_FIELD);
	assert_int_equal(csv_next(&C, &R), 1);
	assert_int_equal(R.lens[0], CSV_MAX_FIELD);
	assert_int_equal(strlen(R.fields[0]), CSV_MAX_FIELD);
	bad(s, CSV_MAX_FIELD + 1, CSV_ERR_FIELD_LONG, 1, CSV_MAX_FIELD + 1,
	    0);
	/* Quoted: the limit is on the decoded bytes, "" counts once. */
	s[0] = '"';
	s[1] = '"';
	s[2] = '"';
	s[CSV_MAX_FIELD + 1] = '"';
	start(s, CSV_MAX_FIELD + 2);
	assert_int_equal(csv_next(&C, &R), 1);
	assert_int_equal(R.lens[0], CSV_MAX_FIELD - 1);
	assert_int_equal(R.fields[0][0], '"');
	s[CSV_MAX_FIELD + 1] = 'a';
	s[CSV_MAX_FIELD + 3] = '"';
	bad(s, CSV_MAX_FIELD + 4, CSV_ERR_FIELD_LONG, 1, CSV_MAX_FIELD + 3,
	    0);
	free(s);
}

/*
 * Seven full fields and an eighth that fills the record buffer exactly
 * (a NUL per field included); one byte more is too long.
 */
static void
test_csv_limit_record(void **state)
{
	size_t last = CSV_MAX_RECORD - 7 * (CSV_MAX_FIELD + 1) - 1;
	size_t len = 7 * (CSV_MAX_FIELD + 1) + last + 1, i, pos = 0;
	char *s = malloc(len);

	(void)state;
	assert_non_null(s);
	for (i = 0; i < 7; i++) {
		memset(s + pos, 'a' + (int)i, CSV_MAX_FIELD);
		pos += CSV_MAX_FIELD;
		s[pos++] = ',';
	}
	memset(s + pos, 'z', last + 1);
	start(s, len - 1);
	assert_int_equal(csv_next(&C, &R), 1);
	assert_int_equal(R.nfields, 8);
	assert_int_equal(R.lens[7], last);
	assert_int_equal(R.fields[6][0], 'g');
	at_end();
	bad(s, len, CSV_ERR_RECORD_LONG, 1, (unsigned)len, 0);
	free(s);
}

static void
test_csv_bad_nul(void **state)
{
	(void)state;
	bad(LIT("a,b\nc\0d\n"), CSV_ERR_NUL, 2, 2, 1);
	bad(LIT("\0"), CSV_ERR_NUL, 1, 1, 0);
	bad(LIT("\"a\0\""), CSV_ERR_NUL, 1, 3, 0);
	bad(LIT("a,\0"), CSV_ERR_NUL, 1, 3, 0);
	bad(LIT("a\n\0\n"), CSV_ERR_NUL, 2, 1, 1);
}

static void
test_csv_bad_utf8(void **state)
{
	(void)state;
	bad(LIT("a\xff"), CSV_ERR_UTF8, 1, 2, 0);
	bad(LIT("\xc0\xaf"), CSV_ERR_UTF8, 1, 1, 0);		/* overlong */
	bad(LIT("\xe0\x80\xaf"), CSV_ERR_UTF8, 1, 1, 0);	/* overlong */
	bad(LIT("\xed\xa0\x80"), CSV_ERR_UTF8, 1, 1, 0);	/* surrogate */
	bad(LIT("\xf4\x90\x80\x80"), CSV_ERR_UTF8, 1, 1, 0);	/* > U+10FFFF */
	bad(LIT("\xf8\x88\x80\x80\x80"), CSV_ERR_UTF8, 1, 1, 0);
	bad(LIT("\x80"), CSV_ERR_UTF8, 1, 1, 0);		/* continuation */
	bad(LIT("ab\xe2\x82"), CSV_ERR_UTF8, 1, 3, 0);	/* truncated */
	bad(LIT("\xc3"), CSV_ERR_UTF8, 1, 1, 0);
	bad(LIT("\xc3,"), CSV_ERR_UTF8, 1, 1, 0);
	bad(LIT("\xe2\x82,"), CSV_ERR_UTF8, 1, 1, 0);
	bad(LIT("x\n\xc3\xa9\xe9t\xc3\xa9"), CSV_ERR_UTF8, 2, 2, 1);
	bad(LIT("\"\xc3\xa9\n\xfe\""), CSV_ERR_UTF8, 2, 1, 0);
	bad(LIT("\xef\xbb"), CSV_ERR_UTF8, 1, 1, 0);		/* half a BOM */
}

static void
test_csv_bad_quote_in_unquoted(void **state)
{
	(void)state;
	bad(LIT("ab\"c\n"), CSV_ERR_QUOTE, 1, 3, 0);
	bad(LIT("a,b\""), CSV_ERR_QUOTE, 1, 4, 0);
	bad(LIT("ok\n12\" screen,1\n"), CSV_ERR_QUOTE, 2, 3, 1);
	bad(LIT(" \"a\""), CSV_ERR_QUOTE, 1, 2, 0);
	bad(LIT("\xc3\xa9\xc3\xa9\""), CSV_ERR_QUOTE, 1, 3, 0);
}

static void
test_csv_bad_after_quote(void **state)
{
	(void)state;
	bad(LIT("\"ab\"c"), CSV_ERR_AFTER_QUOTE, 1, 5, 0);
	bad(LIT("\"ab\" ,x"), CSV_ERR_AFTER_QUOTE, 1, 5, 0);
	bad(LIT("x,\"\"\"\" \n"), CSV_ERR_AFTER_QUOTE, 1, 7, 0);
	bad(LIT("\"a\nb\"x"), CSV_ERR_AFTER_QUOTE, 2, 3, 0);
	bad(LIT("\"a\"\"b\"\"\"c"), CSV_ERR_AFTER_QUOTE, 1, 9, 0);
	bad(LIT("\"a\"\xc3\xa9"), CSV_ERR_AFTER_QUOTE, 1, 4, 0);
}

static void
test_csv_bad_unterminated(void **state)
{
	(void)state;
	bad(LIT("a,\"bc\nde\nf"), CSV_ERR_UNTERMINATED, 1, 3, 0);
	bad(LIT("\""), CSV_ERR_UNTERMINATED, 1, 1, 0);
	bad(LIT("\"a\"\""), CSV_ERR_UNTERMINATED, 1, 1, 0);
	bad(LIT("h\nx,y,\"open\n\n\n"), CSV_ERR_UNTERMINATED, 2, 5, 1);
}

static void
test_csv_bad_cr(void **state)
{
	(void)state;
	bad(LIT("a\rb"), CSV_ERR_BARE_CR, 1, 2, 0);
	bad(LIT("a\r"), CSV_ERR_BARE_CR, 1, 2, 0);
	bad(LIT("\r"), CSV_ERR_BARE_CR, 1, 1, 0);
	bad(LIT("a\rb\rc\r"), CSV_ERR_BARE_CR, 1, 2, 0);
	bad(LIT("\"a\"\rb"), CSV_ERR_BARE_CR, 1, 4, 0);
	bad(LIT("a\n\r\r\n"), CSV_ERR_BARE_CR, 2, 1, 1);
}

static void
test_csv_bad_empty_line(void **state)
{
	(void)state;
	bad(LIT("a\n\nb\n"), CSV_ERR_EMPTY_LINE, 2, 1, 1);
	bad(LIT("\na"), CSV_ERR_EMPTY_LINE, 1, 1, 0);
	bad(LIT("a\r\n\r\nb"), CSV_ERR_EMPTY_LINE, 2, 1, 1);
	bad(LIT("a\n\n\n\nb"), CSV_ERR_EMPTY_LINE, 2, 1, 1);
	bad(LIT("\"a\nb\"\n\nc"), CSV_ERR_EMPTY_LINE, 3, 1, 1);
	bad(LIT("a\n\n "), CSV_ERR_EMPTY_LINE, 2, 1, 1);
}

static void
test_csv_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(csv_init(NULL, "a", 1), -1);
	assert_int_equal(csv_init(&C, NULL, 1), -1);
	assert_int_equal(csv_next(NULL, &R), -1);
	start(LIT("a\n"));
	assert_int_equal(csv_next(&C, NULL), -1);
	assert_int_equal(C.err, CSV_ERR_ARGS);
	assert_int_equal(csv_next(&C, &R), -1);
}

static void
test_csv_strerror(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < CSV_ERR__MAX; i++) {
		assert_non_null(csv_strerror((enum csv_err)i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(csv_strerror((enum csv_err)i),
			    csv_strerror((enum csv_err)j));
	}
	assert_string_equal(csv_strerror(CSV_ERR__MAX), "unknown error");
	assert_string_equal(csv_strerror((enum csv_err)-1), "unknown error");
}

/* A record after a failed one is never returned, even if well formed. */
static void
test_csv_error_sticks(void **state)
{
	(void)state;
	start(LIT("a\"\nb\nc\n"));
	assert_int_equal(csv_next(&C, &R), -1);
	assert_int_equal(csv_next(&C, &R), -1);
	assert_int_equal(csv_next(&C, &R), -1);
	assert_int_equal(C.err, CSV_ERR_QUOTE);
}

/* Rereading a fresh reader over the same bytes gives the same records. */
static void
test_csv_reinit(void **state)
{
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		start(LIT("a,\"b\"\n"));
		next_is(1, W("a", "b"));
		at_end();
	}
}

/* Writes one field and returns what it became (static). */
static const char *
put(const char *s)
{
	static char	out[256];
	struct buf	b;

	buf_init(&b, 0);
	assert_int_equal(csv_put_field(&b, s), 0);
	assert_true(b.len < sizeof(out));
	memcpy(out, b.data ? b.data : "", b.len + 1);
	buf_free(&b);
	return out;
}

static void
test_csv_put_field(void **state)
{
	(void)state;
	assert_string_equal(put("INV-1"), "INV-1");
	assert_string_equal(put(""), "");
	assert_string_equal(put(NULL), "");
	assert_string_equal(put("Harbour, Sons"), "\"Harbour, Sons\"");
	assert_string_equal(put("6\" pipe"), "\"6\"\" pipe\"");
	assert_string_equal(put("two\nlines"), "\"two\nlines\"");
	assert_string_equal(put("1250.00"), "1250.00");
	assert_string_equal(put("Ana Ruiz-Pérez"), "Ana Ruiz-Pérez");
}

/* A cell a spreadsheet would run as a formula gets a leading quote. */
static void
test_csv_put_field_formula(void **state)
{
	(void)state;
	assert_string_equal(put("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_string_equal(put("+44 20"), "'+44 20");
	assert_string_equal(put("-1+2"), "'-1+2");
	assert_string_equal(put("@SUM(A1)"), "'@SUM(A1)");
	assert_string_equal(put("\tx"), "'\tx");
	assert_string_equal(put("\rx"), "\"'\rx\"");
	assert_string_equal(put("a=b"), "a=b");
}

/* A full buffer fails, and stays failed. */
static void
test_csv_put_field_full(void **state)
{
	struct buf	b;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(csv_put_field(&b, "abc"), 0);
	assert_int_equal(csv_put_field(&b, "de"), -1);
	assert_int_equal(csv_put_field(&b, ""), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_simple),
		cmocka_unit_test(test_csv_line_ends),
		cmocka_unit_test(test_csv_empty_fields),
		cmocka_unit_test(test_csv_quoted),
		cmocka_unit_test(test_csv_quoted_newlines),
		cmocka_unit_test(test_csv_spaces_kept),
		cmocka_unit_test(test_csv_bom),
		cmocka_unit_test(test_csv_utf8_content),
		cmocka_unit_test(test_csv_trailing_empty_lines),
		cmocka_unit_test(test_csv_field_accessor),
		cmocka_unit_test(test_csv_import_format),
		cmocka_unit_test(test_csv_limit_fields),
		cmocka_unit_test(test_csv_limit_field_length),
		cmocka_unit_test(test_csv_limit_record),
		cmocka_unit_test(test_csv_bad_nul),
		cmocka_unit_test(test_csv_bad_utf8),
		cmocka_unit_test(test_csv_bad_quote_in_unquoted),
		cmocka_unit_test(test_csv_bad_after_quote),
		cmocka_unit_test(test_csv_bad_unterminated),
		cmocka_unit_test(test_csv_bad_cr),
		cmocka_unit_test(test_csv_bad_empty_line),
		cmocka_unit_test(test_csv_bad_arguments),
		cmocka_unit_test(test_csv_strerror),
		cmocka_unit_test(test_csv_error_sticks),
		cmocka_unit_test(test_csv_reinit),
		cmocka_unit_test(test_csv_put_field),
		cmocka_unit_test(test_csv_put_field_formula),
		cmocka_unit_test(test_csv_put_field_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
