#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "arena_fixture.h"
#include "bankcsv.h"
#include "credit.h"

#define DATA	"tests/data/bankcsv/"
#define HDR	"date,amount,currency,reference,payer\n"

static struct credit_list L;
static char E[512];

static void
ok(const char *s)
{
	enum bankcsv_err e = bankcsv_parse(A, s, strlen(s), &L, E, sizeof(E));

	if (e != BANKCSV_OK)
		fail_msg("refused (%s): %s", bankcsv_strerror(e), E);
}

/* Refused with want, nothing returned, the message exactly msg. */
static void
bad(const char *s, enum bankcsv_err want, const char *msg)
{
	enum bankcsv_err e = bankcsv_parse(A, s, strlen(s), &L, E, sizeof(E));

	if (e != want)
		fail_msg("got \"%s\" (%s), want \"%s\"", bankcsv_strerror(e), E,
		    bankcsv_strerror(want));
	assert_int_equal(L.n, 0);
	assert_string_equal(E, msg);
}

static const struct credit *
item(size_t i)
{
	assert_true(i < L.n);
	return &L.items[i];
}

static void
test_bankcsv_sample(void **state)
{
	size_t len;
	const char *s = slurp(DATA "statement.csv", &len);

	(void)state;
	assert_int_equal(bankcsv_parse(A, s, len, &L, E, sizeof(E)), BANKCSV_OK);
	assert_int_equal(L.n, 5);
	assert_string_equal(item(0)->id, "20261015-000147");
	assert_int_equal(item(0)->kind, CREDIT_KIND_CREDIT);
	assert_int_equal(item(0)->cents, 45470);
	assert_string_equal(item(0)->currency, "EUR");
	assert_string_equal(item(0)->text, "INV-2026-0147");
	assert_string_equal(item(0)->reference, "");
	assert_string_equal(item(0)->party, "Ana Ruiz");
	assert_string_equal(item(0)->account, "");
	assert_int_equal(item(0)->booked.day, 15);
	assert_int_equal(item(0)->line, 2);
	assert_int_equal(item(0)->entry, 1);
	assert_string_equal(item(2)->text, "Invoice INV-2026-0147, thanks");
	assert_string_equal(item(2)->party, "Ruiz Dise\xc3\xb1os S.L.");
	assert_int_equal(item(4)->cents, 124000);
	assert_int_equal(item(4)->booked.day, 16);
	assert_int_equal(item(4)->line, 6);
	assert_int_equal(item(4)->entry, 5);
}

/* Without ids: a hash of the row and its ordinal among identical rows. */
static void
test_bankcsv_derived_ids(void **state)
{
	size_t len, i;
	const char *s = slurp(DATA "statement-noid.csv", &len);
	const char *ids[4];

	(void)state;
	assert_int_equal(bankcsv_parse(A, s, len, &L, E, sizeof(E)), BANKCSV_OK);
	assert_int_equal(L.n, 4);
	for (i = 0; i < 4; i++) {
		ids[i] = item(i)->id;
		assert_int_equal(strlen(ids[i]), 2 + 32 + 2);
		assert_true(strncmp(ids[i], "h:", 2) == 0);
		assert_int_equal(strspn(ids[i] + 2, "0123456789abcdef"), 32);
	}
	assert_string_equal(ids[0] + 34, "/1");
	/* Two identical payments stay two: same hash, ordinals 1 and 2. */
	assert_memory_equal(ids[1], ids[2], 34);
	assert_string_equal(ids[1] + 34, "/1");
	assert_string_equal(ids[2] + 34, "/2");
	assert_string_not_equal(ids[0], ids[3]);
	/* The same file again: the same ids. */
	assert_int_equal(bankcsv_parse(A, s, len, &L, E, sizeof(E)), BANKCSV_OK);
	for (i = 0; i < 4; i++)
		assert_string_equal(item(i)->id, ids[i]);
	/* A later export: rows in another order, written differently, one new. */
	ok("reference,payer,currency,amount,date\r\n"
	    "Rent October flat 3,M. Jansen,EUR,250,2026-10-15\r\n"
	    "INV-2026-0158,Jonas Weber,EUR,20.0,2026-10-15\r\n"
	    "INV-2026-0147,Ana Ruiz,EUR,454.70,2026-10-15\r\n"
	    "INV-2026-0158,Jonas Weber,EUR,20.00,2026-10-15\r\n"
	    "INV-2026-0158,Jonas Weber,EUR,20.00,2026-10-15\r\n");
	assert_string_equal(item(0)->id, ids[3]);
	assert_string_equal(item(1)->id, ids[1]);
	assert_string_equal(item(2)->id, ids[0]);
	assert_string_equal(item(3)->id, ids[2]);
	assert_memory_equal(item(4)->id, ids[1], 34);
	assert_string_equal(item(4)->id + 34, "/3");
}

/* Every value of a row goes into its hash. */
static void
test_bankcsv_hash_covers_row(void **state)
{
	static const char *const rows[] = {
		"2026-10-15,20.00,EUR,INV-1,Jonas\n",
		"2026-10-16,20.00,EUR,INV-1,Jonas\n",
		"2026-10-15,20.01,EUR,INV-1,Jonas\n",
		"2026-10-15,20.00,USD,INV-1,Jonas\n",
		"2026-10-15,20.00,EUR,INV-2,Jonas\n",
		"2026-10-15,20.00,EUR,INV-1,Jonah\n",
		"2026-10-15,20.00,EUR,INV-1J,onas\n",
	};
	const char *ids[7];
	size_t i, j;

	(void)state;
	for (i = 0; i < 7; i++) {
		ok(arena_printf(A, "%s%s", HDR, rows[i]));
		ids[i] = item(0)->id;
		for (j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
}

static void
test_bankcsv_formats(void **state)
{
	(void)state;
	/* A BOM, CRLF, quoted fields, empty reference and payer, JPY. */
	ok("\xef\xbb\xbf" "id,payer,reference,currency,amount,date\r\n"
	    "B-1,\"Weber, Jonas\",\"\",JPY,1250,2026-10-15\r\n"
	    "B-2,,,GBP,0.01,2026-10-15\r\n");
	assert_int_equal(L.n, 2);
	assert_string_equal(item(0)->party, "Weber, Jonas");
	assert_string_equal(item(0)->text, "");
	assert_int_equal(item(0)->cents, 1250);
	assert_string_equal(item(1)->currency, "GBP");
	assert_int_equal(item(1)->cents, 1);
	/* A header alone is an empty statement. */
	ok(HDR);
	assert_int_equal(L.n, 0);
}

static void
test_bankcsv_bad_header(void **state)
{
	(void)state;
	bad("", BANKCSV_ERR_HEADER, "line 1: the file is empty; it needs a "
	    "header row (date,amount,currency,reference,payer)");
	bad("\n\n", BANKCSV_ERR_HEADER, "line 1: the file is empty; it needs a "
	    "header row (date,amount,currency,reference,payer)");
	bad("date,amount,currency,reference\n2026-10-15,1.00,EUR,x\n",
	    BANKCSV_ERR_HEADER, "line 1: column \"payer\" is missing");
	bad("amount,currency,reference,payer\n", BANKCSV_ERR_HEADER,
	    "line 1: column \"date\" is missing");
	bad("date,currency,reference,payer\n", BANKCSV_ERR_HEADER,
	    "line 1: column \"amount\" is missing");
	bad("date,amount,reference,payer\n", BANKCSV_ERR_HEADER,
	    "line 1: column \"currency\" is missing");
	bad("date,amount,currency,payer\n", BANKCSV_ERR_HEADER,
	    "line 1: column \"reference\" is missing");
	bad("date,amount,currency,reference,payer,memo\n", BANKCSV_ERR_HEADER,
	    "line 1: unknown column \"memo\" (the columns are date, amount, "
	    "currency, reference, payer and id)");
	bad("date,amount,currency,reference,payer,Date\n", BANKCSV_ERR_HEADER,
	    "line 1: unknown column \"Date\" (the columns are date, amount, "
	    "currency, reference, payer and id)");
	bad("date,amount,currency,reference,payer,amount\n", BANKCSV_ERR_HEADER,
	    "line 1: column \"amount\" is given twice");
}

static void
test_bankcsv_bad_fields(void **state)
{
	(void)state;
	bad(HDR "2026-10-15,1.00,EUR,INV-1\n", BANKCSV_ERR_FIELDS,
	    "line 2: has 4 fields, the header 5");
	bad(HDR "2026-10-15,1.00,EUR,INV-1,Ana\n2026-10-15,1.00,EUR,INV 1,Ana,x\n",
	    BANKCSV_ERR_FIELDS, "line 3: has 6 fields, the header 5");
	bad(HDR "2026-10-15,1.00,EUR,INV-1,Ana\r\n2026-10-15,1.00\r\n",
	    BANKCSV_ERR_FIELDS, "line 3: has 2 fields, the header 5");
	bad(HDR ",,,,,,\n", BANKCSV_ERR_FIELDS, "line 2: has 7 fields, the "
	    "header 5");
}

static void
test_bankcsv_bad_values(void **state)
{
	(void)state;
	bad(HDR "15.10.2026,1.00,EUR,INV-1,Ana\n", BANKCSV_ERR_DATE,
	    "line 2, column 1 (date): \"15.10.2026\" is not a date (YYYY-MM-DD)");
	bad(HDR "2026-02-30,1.00,EUR,INV-1,Ana\n", BANKCSV_ERR_DATE,
	    "line 2, column 1 (date): \"2026-02-30\" is not a date (YYYY-MM-DD)");
	bad(HDR "2026-10-15,-5.00,EUR,INV-1,Ana\n", BANKCSV_ERR_AMOUNT,
	    "line 2, column 2 (amount): \"-5.00\" is negative: the file lists "
	    "credits received only");
	bad(HDR "2026-10-15,0.00,EUR,INV-1,Ana\n", BANKCSV_ERR_AMOUNT,
	    "line 2, column 2 (amount): \"0.00\" is not above zero");
	bad(HDR "2026-10-15,1.005,EUR,INV-1,Ana\n", BANKCSV_ERR_AMOUNT,
	    "line 2, column 2 (amount): \"1.005\" has more decimals than EUR "
	    "allows");
	bad(HDR "2026-10-15,12.5,JPY,INV-1,Ana\n", BANKCSV_ERR_AMOUNT,
	    "line 2, column 2 (amount): \"12.5\" has more decimals than JPY "
	    "allows");
	bad(HDR "2026-10-15,\"1,00\",EUR,INV-1,Ana\n", BANKCSV_ERR_AMOUNT,
	    "line 2, column 2 (amount): \"1,00\" is not an amount in EUR");
	bad(HDR "2026-10-15, 1.00,EUR,INV-1,Ana\n", BANKCSV_ERR_AMOUNT,
	    "line 2, column 2 (amount): \" 1.00\" is not an amount in EUR");
	bad(HDR "2026-10-15,,EUR,INV-1,Ana\n", BANKCSV_ERR_AMOUNT,
	    "line 2, column 2 (amount): \"\" is not an amount in EUR");
	bad(HDR "2026-10-15,1.00,eur,INV-1,Ana\n", BANKCSV_ERR_CURRENCY,
	    "line 2, column 3 (currency): \"eur\" is not a supported currency "
	    "code (EUR, USD, GBP, ...)");
	bad(HDR "2026-10-15,1.00,HUF,INV-1,Ana\n", BANKCSV_ERR_CURRENCY,
	    "line 2, column 3 (currency): \"HUF\" is not a supported currency "
	    "code (EUR, USD, GBP, ...)");
	/* The column is named where it is, not where the default order has it. */
	bad("payer,reference,amount,currency,date\nAna,INV-1,1.00,EUR,2026-13-01\n",
	    BANKCSV_ERR_DATE, "line 2, column 5 (date): \"2026-13-01\" is not a "
	    "date (YYYY-MM-DD)");
}

static void
test_bankcsv_bad_text(void **state)
{
	char *row;

	(void)state;
	bad(HDR "2026-10-15,1.00,EUR,INV-1,\"Ana\nRuiz\"\n", BANKCSV_ERR_TEXT,
	    "line 2, column 5 (payer): may not contain line breaks or control "
	    "characters");
	bad(HDR "2026-10-15,1.00,EUR,\"INV-1\tx\",Ana\n", BANKCSV_ERR_TEXT,
	    "line 2, column 4 (reference): may not contain line breaks or "
	    "control characters");
	row = arena_printf(A, HDR "2026-10-15,1.00,EUR,INV-1,%0141d\n", 0);
	bad(row, BANKCSV_ERR_TEXT, "line 2, column 5 (payer): is longer than "
	    "140 bytes");
	row = arena_printf(A, HDR "2026-10-15,1.00,EUR,%01025d,Ana\n", 0);
	bad(row, BANKCSV_ERR_TEXT, "line 2, column 4 (reference): is longer "
	    "than 1024 bytes");
	row = arena_printf(A, HDR "2026-10-15,1.00,EUR,%01024d,%0140d\n", 0, 0);
	ok(row);
}

static void
test_bankcsv_bad_ids(void **state)
{
#define IDH	"date,amount,currency,reference,payer,id\n"
#define ROW	"2026-10-15,1.00,EUR,INV-1,Ana,"
	char *s;

	(void)state;
	bad(IDH ROW "\n", BANKCSV_ERR_ID,
	    "line 2, column 6 (id): must be 1 to 64 characters");
	s = arena_printf(A, IDH ROW "%065d\n", 0);
	bad(s, BANKCSV_ERR_ID, "line 2, column 6 (id): must be 1 to 64 "
	    "characters");
	s = arena_printf(A, IDH ROW "%064d\n", 0);
	ok(s);
	bad(IDH ROW "B 1\n", BANKCSV_ERR_ID, "line 2, column 6 (id): may hold "
	    "only printable ASCII without spaces");
	bad(IDH ROW "B\xc3\xa9\n", BANKCSV_ERR_ID, "line 2, column 6 (id): may "
	    "hold only printable ASCII without spaces");
	bad(IDH ROW "h:0011\n", BANKCSV_ERR_ID, "line 2, column 6 (id): may "
	    "not start with \"h:\" (Settle's own ids do)");
	bad(IDH ROW "B-1\n" ROW "B-2\n" ROW "B-1\n", BANKCSV_ERR_ID,
	    "line 4, column 6 (id): \"B-1\" was already used on line 2");
#undef ROW
#undef IDH
}

static void
test_bankcsv_bad_csv(void **state)
{
	(void)state;
	bad(HDR "2026-10-15,1.00,EUR,12\" screen,Ana\n", BANKCSV_ERR_CSV,
	    "line 2: column 23: quote inside an unquoted field");
	bad(HDR "2026-10-15,1.00,EUR,\"INV-1,Ana\n", BANKCSV_ERR_CSV,
	    "line 2: column 21: quoted field is never closed");
	bad(HDR "2026-10-15,1.00,EUR,INV-1,Ana\n\n2026-10-15,1.00,EUR,INV-1,Ana\n",
	    BANKCSV_ERR_CSV, "line 3: column 1: empty line");
	bad(HDR "2026-10-15,1.00,EUR,INV-1,An\xff\n", BANKCSV_ERR_CSV,
	    "line 2: column 29: invalid UTF-8");
}

static void
test_bankcsv_limits(void **state)
{
	(void)state;
	assert_int_equal(bankcsv_parse(A, "x", (size_t)BANKCSV_MAX_FILE + 1, &L,
	    E, sizeof(E)), BANKCSV_ERR_SIZE);
	assert_string_equal(E, "line 1: the file is over 16777216 bytes");
	assert_int_equal(bankcsv_parse(NULL, "x", 1, &L, E, sizeof(E)),
	    BANKCSV_ERR_ARGS);
	assert_int_equal(bankcsv_parse(A, NULL, 1, &L, E, sizeof(E)),
	    BANKCSV_ERR_ARGS);
	assert_int_equal(bankcsv_parse(A, "x", 1, NULL, E, sizeof(E)),
	    BANKCSV_ERR_ARGS);
	assert_int_equal(bankcsv_parse(A, "x", 1, &L, NULL, 1), BANKCSV_ERR_ARGS);
	assert_int_equal(bankcsv_parse(A, HDR, strlen(HDR), &L, NULL, 0),
	    BANKCSV_OK);
}

static void
test_bankcsv_too_many_rows(void **state)
{
	const char *row = "2026-10-15,1.00,EUR,INV-1,Ana\n";
	size_t rl = strlen(row), hl = strlen(HDR), i, n = CREDIT_MAX + 1;
	char *s = arena_alloc(A, hl + n * rl + 1);

	(void)state;
	assert_non_null(s);
	memcpy(s, HDR, hl);
	for (i = 0; i < n; i++)
		memcpy(s + hl + i * rl, row, rl);
	s[hl + n * rl] = '\0';
	bad(s, BANKCSV_ERR_LIMIT, "line 50002: more than 50000 rows");
	s[hl + (n - 1) * rl] = '\0';
	ok(s);
	assert_int_equal(L.n, CREDIT_MAX);
	assert_string_equal(item(CREDIT_MAX - 1)->id + 34, "/50000");
}

static void
test_bankcsv_strerror(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < BANKCSV_ERR__MAX; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(bankcsv_strerror((enum bankcsv_err)i),
			    bankcsv_strerror((enum bankcsv_err)j));
	assert_string_equal(bankcsv_strerror(BANKCSV_ERR__MAX), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bankcsv_sample),
		cmocka_unit_test(test_bankcsv_derived_ids),
		cmocka_unit_test(test_bankcsv_hash_covers_row),
		cmocka_unit_test(test_bankcsv_formats),
		cmocka_unit_test(test_bankcsv_bad_header),
		cmocka_unit_test(test_bankcsv_bad_fields),
		cmocka_unit_test(test_bankcsv_bad_values),
		cmocka_unit_test(test_bankcsv_bad_text),
		cmocka_unit_test(test_bankcsv_bad_ids),
		cmocka_unit_test(test_bankcsv_bad_csv),
		cmocka_unit_test(test_bankcsv_limits),
		cmocka_unit_test(test_bankcsv_too_many_rows),
		cmocka_unit_test(test_bankcsv_strerror),
	};

	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
