#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "epc.h"

/* A typical invoice: Northwind's account, the invoice number as text. */
static struct epc_transfer
invoice(void)
{
	struct epc_transfer t = {
		.version = 2,
		.bic = "COBADEFFXXX",
		.name = "Northwind Trading GmbH",
		.iban = "DE89 3704 0044 0532 0130 00",
		.cents = 11367,
		.text = "INV-2026-0147",
	};

	return t;
}

static void
payload_is(const struct epc_transfer *t, const char *want)
{
	char out[EPC_PAYLOAD_SIZE];
	size_t len = 0;
	enum epc_err e = epc_payload(t, out, &len);

	if (e != EPC_OK)
		fail_msg("refused: %s", epc_strerror(e));
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	assert_true(len <= EPC_MAX_PAYLOAD);
}

static void
refused(const struct epc_transfer *t, enum epc_err want)
{
	char out[EPC_PAYLOAD_SIZE] = "sentinel";
	size_t len = 12345;
	enum epc_err e = epc_payload(t, out, &len);

	if (e != want)
		fail_msg("got \"%s\", want \"%s\"", epc_strerror(e),
		    epc_strerror(want));
	assert_string_equal(out, "");
	assert_int_equal(len, 12345);
}

/* n copies of the UTF-8 character c (at most 8 bytes) into buf. */
static const char *
repeat(char *buf, size_t bufsz, const char *c, size_t n)
{
	size_t i, cl = strlen(c);

	assert_true(n * cl < bufsz);
	for (i = 0; i < n; i++)
		memcpy(buf + i * cl, c, cl);
	buf[n * cl] = '\0';
	return buf;
}

static void
test_epc_invoice(void **state)
{
	struct epc_transfer t = invoice();

	(void)state;
	payload_is(&t, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67\n\n\nINV-2026-0147");
}

static void
test_epc_every_field(void **state)
{
	struct epc_transfer t = invoice();

	(void)state;
	t.version = 1;
	t.purpose = "GDDS";
	t.text = NULL;
	t.reference = "rf18 5390 0754 7034";
	t.info = "Thank you";
	payload_is(&t, "BCD\n001\n1\nSCT\nCOBADEFFXXX\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67\nGDDS\nRF18539007547034\n\n"
	    "Thank you");
}

static void
test_epc_no_bic(void **state)
{
	struct epc_transfer t = invoice();

	(void)state;
	t.bic = NULL;
	payload_is(&t, "BCD\n002\n1\nSCT\n\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67\n\n\nINV-2026-0147");
	t.bic = "";
	payload_is(&t, "BCD\n002\n1\nSCT\n\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67\n\n\nINV-2026-0147");
}

/* Empty elements at the end go, with their line ends; inner ones stay. */
static void
test_epc_trailing_lines(void **state)
{
	struct epc_transfer t = invoice();

	(void)state;
	t.text = "";
	payload_is(&t, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67");
	t.purpose = "SUPP";
	payload_is(&t, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67\nSUPP");
	t.purpose = NULL;
	t.info = "See invoice";
	payload_is(&t, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67\n\n\n\nSee invoice");
	t.text = "INV-2026-0147";
	payload_is(&t, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthwind Trading GmbH\n"
	    "DE89370400440532013000\nEUR113.67\n\n\nINV-2026-0147\nSee invoice");
}

static void
test_epc_amounts(void **state)
{
	struct epc_transfer t = invoice();
	char want[EPC_PAYLOAD_SIZE];
	static const struct {
		int64_t cents;
		const char *text;
	} cases[] = {
		{ 1, "EUR0.01" }, { 10, "EUR0.10" }, { 100, "EUR1.00" },
		{ 45490, "EUR454.90" }, { 123456789, "EUR1234567.89" },
		{ EPC_AMOUNT_MAX, "EUR999999999.99" },
	};
	size_t i;

	(void)state;
	t.bic = NULL;
	t.text = NULL;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t.cents = cases[i].cents;
		(void)snprintf(want, sizeof(want), "BCD\n002\n1\nSCT\n\n"
		    "Northwind Trading GmbH\nDE89370400440532013000\n%s",
		    cases[i].text);
		payload_is(&t, want);
	}
}

static void
test_epc_bad_amount(void **state)
{
	struct epc_transfer t = invoice();
	static const int64_t bad[] = {
		0, -1, -11367, EPC_AMOUNT_MAX + 1, INT64_MAX, INT64_MIN,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.cents = bad[i];
		refused(&t, EPC_ERR_AMOUNT);
	}
}

static void
test_epc_bad_version(void **state)
{
	struct epc_transfer t = invoice();

	(void)state;
	t.version = 0;
	refused(&t, EPC_ERR_VERSION);
	t.version = 3;
	refused(&t, EPC_ERR_VERSION);
	t.version = -1;
	refused(&t, EPC_ERR_VERSION);
}

static void
test_epc_bic(void **state)
{
	struct epc_transfer t = invoice();
	static const char *const bad[] = {
		"COBADEF", "COBADEFFX", "COBADEFFXX", "COBADEFFXXXX",
		"cobadeffxxx", "C0BADEFFXXX", "COBAD3FFXXX", "COBADEFF XX",
		"COBADEFF-XX", " COBADEFF",
	};
	size_t i;

	(void)state;
	t.bic = "COBADEFF";
	assert_int_equal(epc_payload(&t, (char[EPC_PAYLOAD_SIZE]){0}, NULL),
	    EPC_OK);
	t.bic = "BPOTBEB1";
	assert_int_equal(epc_payload(&t, (char[EPC_PAYLOAD_SIZE]){0}, NULL),
	    EPC_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.bic = bad[i];
		refused(&t, EPC_ERR_BIC);
	}
	t.version = 1;
	t.bic = NULL;
	refused(&t, EPC_ERR_BIC_MISSING);
	t.bic = "";
	refused(&t, EPC_ERR_BIC_MISSING);
}

static void
test_epc_name(void **state)
{
	struct epc_transfer t = invoice();
	char buf[512];

	(void)state;
	t.name = repeat(buf, sizeof(buf), "a", EPC_NAME_MAX);
	assert_int_equal(epc_payload(&t, (char[EPC_PAYLOAD_SIZE]){0}, NULL),
	    EPC_OK);
	/* Characters count, not bytes: 70 two-byte letters fit. */
	t.name = repeat(buf, sizeof(buf), "\xc3\xa9", EPC_NAME_MAX);
	assert_int_equal(epc_payload(&t, (char[EPC_PAYLOAD_SIZE]){0}, NULL),
	    EPC_OK);
	t.name = repeat(buf, sizeof(buf), "\xc3\xa9", EPC_NAME_MAX + 1);
	refused(&t, EPC_ERR_NAME);
	t.name = repeat(buf, sizeof(buf), "a", EPC_NAME_MAX + 1);
	refused(&t, EPC_ERR_NAME);
	t.name = NULL;
	refused(&t, EPC_ERR_NAME);
	t.name = "";
	refused(&t, EPC_ERR_NAME);
	t.name = "   ";
	refused(&t, EPC_ERR_NAME);
	t.name = "Northwind\nTrading";
	refused(&t, EPC_ERR_NAME);
	t.name = "Northwind\r";
	refused(&t, EPC_ERR_NAME);
	t.name = "North\twind";
	refused(&t, EPC_ERR_NAME);
	t.name = "North\x7fwind";
	refused(&t, EPC_ERR_NAME);
	t.name = "North\xc2\x85wind";		/* U+0085 NEXT LINE */
	refused(&t, EPC_ERR_NAME);
	t.name = "North\xffwind";
	refused(&t, EPC_ERR_NAME);
	t.name = "North\xc3";
	refused(&t, EPC_ERR_NAME);
	t.name = "Caf\xc3\xa9 M\xc3\xbcller \xe2\x80\x93 Ltd";
	assert_int_equal(epc_payload(&t, (char[EPC_PAYLOAD_SIZE]){0}, NULL),
	    EPC_OK);
}

static void
test_epc_iban(void **state)
{
	struct epc_transfer t = invoice();

	(void)state;
	t.iban = "be68539007547034";
	payload_is(&t, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nNorthwind Trading GmbH\n"
	    "BE68539007547034\nEUR113.67\n\n\nINV-2026-0147");
	t.iban = NULL;
	refused(&t, EPC_ERR_IBAN_FORMAT);
	t.iban = "";
	refused(&t, EPC_ERR_IBAN_FORMAT);
	t.iban = "DE89-3704-0044-0532-0130-00";
	refused(&t, EPC_ERR_IBAN_FORMAT);
	t.iban = "US64SVBKUS6S3300958879";
	refused(&t, EPC_ERR_IBAN_COUNTRY);
	t.iban = "DE8937040044053201300";
	refused(&t, EPC_ERR_IBAN_LENGTH);
	t.iban = "DE88370400440532013000";
	refused(&t, EPC_ERR_IBAN_CHECK);
}

static void
test_epc_purpose(void **state)
{
	struct epc_transfer t = invoice();
	static const char *const bad[] = {
		"gdds", "GDD", "GDDSX", "GD1S", "GD S", "G",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.purpose = bad[i];
		refused(&t, EPC_ERR_PURPOSE);
	}
}

static void
test_epc_reference(void **state)
{
	struct epc_transfer t = invoice();
	char rf[EPC_RF_SIZE];
	static const char *const bad[] = {
		"RF19539007547034",		/* check digits */
		"RF18539007547035",		/* a typo */
		"XX18539007547034", "RF", "RF18", "RFAB539007547034",
		"RF18 5390  0754 7034", " RF18539007547034",
		"RF18-5390-0754-7034", "RF18539007547034 ",
		"RF7112345678901234567890123",	/* 27 characters */
	};
	size_t i;

	(void)state;
	t.text = NULL;
	assert_int_equal(epc_rf_normalise("RF18 5390 0754 7034", rf), 0);
	assert_string_equal(rf, "RF18539007547034");
	assert_int_equal(epc_rf_normalise("RF712348231", rf), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.reference = bad[i];
		refused(&t, EPC_ERR_REFERENCE);
		assert_int_equal(epc_rf_normalise(bad[i], rf), -1);
		assert_string_equal(rf, "");
	}
	assert_int_equal(epc_rf_normalise(NULL, rf), -1);
	assert_int_equal(epc_rf_normalise("RF18539007547034", NULL), -1);
	t.reference = "RF18539007547034";
	t.text = "INV-2026-0147";
	refused(&t, EPC_ERR_BOTH);
}

static void
test_epc_text_and_info(void **state)
{
	struct epc_transfer t = invoice();
	char buf[1024];

	(void)state;
	t.text = repeat(buf, sizeof(buf), "x", EPC_TEXT_MAX);
	assert_int_equal(epc_payload(&t, (char[EPC_PAYLOAD_SIZE]){0}, NULL),
	    EPC_OK);
	t.text = repeat(buf, sizeof(buf), "x", EPC_TEXT_MAX + 1);
	refused(&t, EPC_ERR_TEXT);
	t.text = "INV-2026-0147\nINV-2026-0148";
	refused(&t, EPC_ERR_TEXT);
	t.text = "INV\xed\xa0\x80";		/* a surrogate */
	refused(&t, EPC_ERR_TEXT);
	t.text = "INV-2026-0147";
	t.info = repeat(buf, sizeof(buf), "y", EPC_INFO_MAX);
	assert_int_equal(epc_payload(&t, (char[EPC_PAYLOAD_SIZE]){0}, NULL),
	    EPC_OK);
	t.info = repeat(buf, sizeof(buf), "y", EPC_INFO_MAX + 1);
	refused(&t, EPC_ERR_INFO);
	t.info = "a\x1b[31m";
	refused(&t, EPC_ERR_INFO);
}

/*
 * Every field within its own limit, the whole over 331 bytes: refused,
 * never cut. The same payload grown to exactly 331 bytes is fine.
 */
static void
test_epc_total_length(void **state)
{
	struct epc_transfer t = invoice();
	char name[256], text[512], out[EPC_PAYLOAD_SIZE];
	size_t len, fixed;

	(void)state;
	t.name = repeat(name, sizeof(name), "\xc3\xa9", EPC_NAME_MAX);
	t.text = "";
	assert_int_equal(epc_payload(&t, out, &len), EPC_OK);
	/* Two empty lines (purpose, reference) and the text's own line. */
	fixed = len + 3;
	t.text = repeat(text, sizeof(text), "x", EPC_MAX_PAYLOAD - fixed);
	assert_int_equal(epc_payload(&t, out, &len), EPC_OK);
	assert_int_equal(len, EPC_MAX_PAYLOAD);
	assert_int_equal(strlen(out), EPC_MAX_PAYLOAD);
	t.text = repeat(text, sizeof(text), "x", EPC_MAX_PAYLOAD - fixed + 1);
	refused(&t, EPC_ERR_TOO_LONG);
	t.text = repeat(text, sizeof(text), "\xe2\x82\xac", EPC_TEXT_MAX);
	refused(&t, EPC_ERR_TOO_LONG);
}

static void
test_epc_bad_arguments(void **state)
{
	char out[EPC_PAYLOAD_SIZE] = "sentinel";
	struct epc_transfer t = invoice();

	(void)state;
	assert_int_equal(epc_payload(NULL, out, NULL), EPC_ERR_ARGS);
	assert_string_equal(out, "");
	assert_int_equal(epc_payload(&t, NULL, NULL), EPC_ERR_ARGS);
}

static void
test_epc_strerror(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < EPC_ERR__MAX; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(epc_strerror((enum epc_err)i),
			    epc_strerror((enum epc_err)j));
	assert_string_equal(epc_strerror(EPC_ERR__MAX), "unknown error");
	assert_string_equal(epc_strerror((enum epc_err)-1), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epc_invoice),
		cmocka_unit_test(test_epc_every_field),
		cmocka_unit_test(test_epc_no_bic),
		cmocka_unit_test(test_epc_trailing_lines),
		cmocka_unit_test(test_epc_amounts),
		cmocka_unit_test(test_epc_bad_amount),
		cmocka_unit_test(test_epc_bad_version),
		cmocka_unit_test(test_epc_bic),
		cmocka_unit_test(test_epc_name),
		cmocka_unit_test(test_epc_iban),
		cmocka_unit_test(test_epc_purpose),
		cmocka_unit_test(test_epc_reference),
		cmocka_unit_test(test_epc_text_and_info),
		cmocka_unit_test(test_epc_total_length),
		cmocka_unit_test(test_epc_bad_arguments),
		cmocka_unit_test(test_epc_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
