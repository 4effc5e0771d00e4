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
#include "camt.h"
#include "credit.h"

#define DATA	"tests/data/camt053/"

static struct credit_list L;
static char E[512];

static enum camt_err
parse(const char *s, size_t len)
{
	return camt_parse(A, s, len, &L, E, sizeof(E));
}

static void
parse_ok(const char *s)
{
	enum camt_err e = parse(s, strlen(s));

	if (e != CAMT_OK)
		fail_msg("refused (%s): %s", camt_strerror(e), E);
}

/* Refused with want, nothing returned, and the message holds each of the NULL-terminated needles. */
static void
refused_v(enum camt_err got, enum camt_err want, va_list ap)
{
	const char *needle;

	if (got != want)
		fail_msg("got \"%s\" (%s), want \"%s\"", camt_strerror(got), E,
		    camt_strerror(want));
	assert_int_equal(L.n, 0);
	while ((needle = va_arg(ap, const char *)) != NULL)
		if (strstr(E, needle) == NULL)
			fail_msg("message \"%s\" lacks \"%s\"", E, needle);
}

static void
refused(const char *s, enum camt_err want, ...)
{
	va_list ap;
	enum camt_err got = parse(s, strlen(s));

	va_start(ap, want);
	refused_v(got, want, ap);
	va_end(ap);
}

static void
file_refused(const char *name, enum camt_err want, ...)
{
	char path[256];
	size_t len;
	const char *s;
	enum camt_err got;
	va_list ap;

	(void)snprintf(path, sizeof(path), DATA "bad/%s", name);
	s = slurp(path, &len);
	got = parse(s, len);
	va_start(ap, want);
	refused_v(got, want, ap);
	va_end(ap);
}

/* A statement of the given version ("02".."08") holding entries. */
static const char *
doc(const char *version, const char *entries)
{
	char *s = arena_printf(A, "<?xml version=\"1.0\"?>\n<Document xmlns="
	    "\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.%s\">\n"
	    "<BkToCstmrStmt><GrpHdr><MsgId>T</MsgId></GrpHdr>\n"
	    "<Stmt><Id>S</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN>"
	    "</Id></Acct>\n%s</Stmt></BkToCstmrStmt></Document>\n", version,
	    entries);

	assert_non_null(s);
	return s;
}

#define AMT	"<Amt Ccy=\"EUR\">10.00</Amt>"
#define CRDT	"<CdtDbtInd>CRDT</CdtDbtInd>"
#define BOOK	"<Sts>BOOK</Sts>"
#define DATE	"<BookgDt><Dt>2026-10-15</Dt></BookgDt>"
#define REF	"<AcctSvcrRef>R-1</AcctSvcrRef>"
#define HEAD	AMT CRDT BOOK DATE REF
#define NTRY(x)	"<Ntry>" x "</Ntry>\n"
/* One entry of version 02 with the given content. */
#define ONE(x)	doc("02", NTRY(x))

static const struct credit *
item(size_t i)
{
	assert_true(i < L.n);
	return &L.items[i];
}

static void
credit_is(size_t i, const char *id, enum credit_kind kind, int64_t cents,
    const char *text, const char *reference, const char *party)
{
	const struct credit *c = item(i);

	assert_string_equal(c->id, id);
	if (c->kind != kind)
		fail_msg("%s is a %s, want a %s", id, credit_kind_name(c->kind),
		    credit_kind_name(kind));
	assert_int_equal(c->cents, cents);
	assert_string_equal(c->currency, "EUR");
	assert_string_equal(c->text, text);
	assert_string_equal(c->reference, reference);
	assert_string_equal(c->party, party);
	assert_string_equal(c->account, "DE89370400440532013000");
}

/* The realistic sample: every booking, field by field. */
static void
test_camt_sample_001_02(void **state)
{
	size_t len;
	const char *s = slurp(DATA "statement-001.02.xml", &len);

	(void)state;
	assert_int_equal(parse(s, len), CAMT_OK);
	assert_int_equal(L.n, 7);
	assert_int_equal(L.skipped, 1);		/* the pending entry */
	credit_is(0, "2026101500000147/1", CREDIT_KIND_CREDIT, 45470,
	    "INV-2026-0147", "", "Ana Ruiz");
	assert_string_equal(item(0)->end_to_end, "RUIZ-2026-10-14-01");
	assert_string_equal(item(0)->bank_ref, "2026101500000147");
	assert_int_equal(item(0)->booked.year, 2026);
	assert_int_equal(item(0)->booked.month, 10);
	assert_int_equal(item(0)->booked.day, 15);
	assert_int_equal(item(0)->entry, 1);
	assert_int_equal(item(0)->tx, 1);
	/* The batch: three payers, one entry. */
	credit_is(1, "2026101500000152/1", CREDIT_KIND_CREDIT, 62000,
	    "inv 2026 0158", "", "Jonas Weber");
	assert_string_equal(item(1)->end_to_end, "");	/* NOTPROVIDED */
	assert_string_equal(item(1)->bank_ref, "2026101500000152-1");
	credit_is(2, "2026101500000152/2", CREDIT_KIND_CREDIT, 10000,
	    "Invoice INV-2026-0147 thanks", "", "Ruiz Dise\xc3\xb1os S.L.");
	credit_is(3, "2026101500000152/3", CREDIT_KIND_CREDIT, 2000, "",
	    "RF18539007547034", "Jonas Weber");
	assert_int_equal(item(3)->entry, 2);
	assert_int_equal(item(3)->tx, 3);
	assert_true(item(3)->line > item(2)->line);
	/* A credit taken back by the payer's bank. */
	credit_is(4, "2026101500000311/1", CREDIT_KIND_RETURN, 10000,
	    "INV-2026-0147", "", "Ruiz Dise\xc3\xb1os S.L.");
	assert_string_equal(item(4)->end_to_end, "RD-20261009-0004");
	credit_is(5, "2026101500000420/1", CREDIT_KIND_CREDIT, 25000,
	    "Rent October flat 3", "", "M. Jansen");
	/* A fee: no details, the entry alone. */
	credit_is(6, "2026101500000500/1", CREDIT_KIND_DEBIT, 1250, "", "", "");
	assert_string_equal(item(6)->bank_ref, "2026101500000500");
	assert_int_equal(item(6)->entry, 5);
}

static void
test_camt_sample_001_08(void **state)
{
	size_t len;
	const char *s = slurp(DATA "statement-001.08.xml", &len);

	(void)state;
	assert_int_equal(parse(s, len), CAMT_OK);
	assert_int_equal(L.n, 1);
	assert_int_equal(L.skipped, 1);
	credit_is(0, "NW8-000001/1", CREDIT_KIND_CREDIT, 124000,
	    "Rechnung INV-2026-0158", "", "Jonas Weber");
	assert_int_equal(item(0)->booked.day, 20);
}

/* The same file read twice gives the same ids: the import is idempotent by them. */
static void
test_camt_ids_stable(void **state)
{
	size_t len, i;
	const char *s = slurp(DATA "statement-001.02.xml", &len);
	const char *first[16];

	(void)state;
	assert_int_equal(parse(s, len), CAMT_OK);
	for (i = 0; i < L.n; i++)
		first[i] = L.items[i].id;
	assert_int_equal(parse(s, len), CAMT_OK);
	for (i = 0; i < L.n; i++)
		assert_string_equal(L.items[i].id, first[i]);
}

static void
test_camt_versions(void **state)
{
	static const char *const ok[] = { "02", "03", "04", "05", "06", "07", "08" };
	static const char *const bad[] = { "01", "09", "10", "2", "02x", "" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		parse_ok(doc(ok[i], NTRY(HEAD)));
		assert_int_equal(L.n, 1);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(doc(bad[i], NTRY(HEAD)), CAMT_ERR_NOT_CAMT, "camt.053",
		    NULL);
}

static void
test_camt_not_camt(void **state)
{
	(void)state;
	refused("<Document/>", CAMT_ERR_NOT_CAMT, NULL);
	refused("<html><body>statement</body></html>", CAMT_ERR_NOT_CAMT, NULL);
	refused("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053."
	    "001.02\"><Other/></Document>", CAMT_ERR_NOT_CAMT, NULL);
	refused("<Doc xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
	    "<BkToCstmrStmt/></Doc>", CAMT_ERR_NOT_CAMT, NULL);
	refused("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053."
	    "001.02\"><BkToCstmrStmt><GrpHdr/></BkToCstmrStmt></Document>",
	    CAMT_ERR_NOT_CAMT, "no Stmt", NULL);
	/* The right names in another namespace are not ours. */
	refused("<Document xmlns=\"urn:example\"><BkToCstmrStmt><Stmt/>"
	    "</BkToCstmrStmt></Document>", CAMT_ERR_NOT_CAMT, NULL);
	file_refused("camt054.xml", CAMT_ERR_NOT_CAMT, NULL);
}

static void
test_camt_not_xml(void **state)
{
	(void)state;
	refused("not xml at all", CAMT_ERR_XML, "line 1", NULL);
	refused("<Document>", CAMT_ERR_XML, NULL);
	refused("<a></b>", CAMT_ERR_XML, NULL);
	refused(ONE(HEAD "<AddtlNtryInf>&nbsp;</AddtlNtryInf>"), CAMT_ERR_XML,
	    "nbsp", NULL);
	refused("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xff</a>",
	    CAMT_ERR_XML, NULL);
	file_refused("not-well-formed.xml", CAMT_ERR_XML, "line 36", NULL);
}

static void
test_camt_no_dtd(void **state)
{
	(void)state;
	file_refused("xxe.xml", CAMT_ERR_DTD, NULL);
	file_refused("billion-laughs.xml", CAMT_ERR_DTD, NULL);
	/* An external DTD is never fetched: the parser stops first. */
	refused("<!DOCTYPE Document SYSTEM \"http://127.0.0.1:9/x.dtd\">"
	    "<Document/>", CAMT_ERR_DTD, NULL);
	refused("<!DOCTYPE Document>" "<Document/>", CAMT_ERR_DTD, NULL);
}

static void
test_camt_size(void **state)
{
	(void)state;
	assert_int_equal(parse("x", 0), CAMT_ERR_SIZE);
	assert_non_null(strstr(E, "empty"));
	/* Refused before a byte is read. */
	assert_int_equal(parse("x", (size_t)CAMT_MAX_FILE + 1), CAMT_ERR_SIZE);
	assert_non_null(strstr(E, "too large"));
}

static void
test_camt_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(camt_parse(NULL, "x", 1, &L, E, sizeof(E)),
	    CAMT_ERR_ARGS);
	assert_int_equal(camt_parse(A, NULL, 1, &L, E, sizeof(E)),
	    CAMT_ERR_ARGS);
	assert_int_equal(camt_parse(A, "x", 1, NULL, E, sizeof(E)),
	    CAMT_ERR_ARGS);
	assert_int_equal(camt_parse(A, "x", 1, &L, NULL, 4), CAMT_ERR_ARGS);
	/* No room for a message is fine. */
	assert_int_equal(camt_parse(A, "x", 1, &L, NULL, 0), CAMT_ERR_XML);
}

static void
test_camt_reference(void **state)
{
	(void)state;
	/* NtryRef when there is no AcctSvcrRef. */
	parse_ok(ONE(AMT CRDT BOOK DATE "<NtryRef>N-7</NtryRef>"));
	assert_string_equal(item(0)->id, "N-7/1");
	parse_ok(ONE(AMT CRDT BOOK DATE "<NtryRef>N-7</NtryRef>" REF));
	assert_string_equal(item(0)->id, "R-1/1");
	refused(ONE(AMT CRDT BOOK DATE), CAMT_ERR_REFERENCE, "entry 1 "
	    "(no reference, line 5)", "neither AcctSvcrRef nor NtryRef", NULL);
	refused(ONE(AMT CRDT BOOK DATE "<AcctSvcrRef>  </AcctSvcrRef>"),
	    CAMT_ERR_REFERENCE, NULL);
	refused(ONE(AMT CRDT BOOK DATE "<AcctSvcrRef>"
	    "123456789012345678901234567890123456</AcctSvcrRef>"),
	    CAMT_ERR_TEXT, "AcctSvcrRef is longer than 35", NULL);
	file_refused("no-reference.xml", CAMT_ERR_REFERENCE, "entry 2", NULL);
	file_refused("duplicate-reference.xml", CAMT_ERR_REFERENCE,
	    "entry 2 (line", "as entry 1 (line", "GOOD-0001", NULL);
	/* Across statements of one file too. */
	refused(doc("02", NTRY(HEAD) "</Stmt><Stmt><Acct><Id><IBAN>"
	    "DE89370400440532013000</IBAN></Id></Acct>" NTRY(HEAD)),
	    CAMT_ERR_REFERENCE, NULL);
}

static void
test_camt_status(void **state)
{
	(void)state;
	parse_ok(doc("02", NTRY(AMT CRDT "<Sts>PDNG</Sts>" REF)
	    NTRY(AMT CRDT "<Sts>INFO</Sts><NtryRef>2</NtryRef>")
	    NTRY(AMT CRDT "<Sts>FUTR</Sts><NtryRef>3</NtryRef>")));
	assert_int_equal(L.n, 0);
	assert_int_equal(L.skipped, 3);
	parse_ok(doc("08", NTRY(AMT CRDT "<Sts><Cd>BOOK</Cd></Sts>" DATE REF)));
	assert_int_equal(L.n, 1);
	refused(ONE(AMT CRDT DATE REF), CAMT_ERR_STATUS, "entry 1 (R-1",
	    "no status", NULL);
	refused(ONE(AMT CRDT "<Sts>BOOKED</Sts>" DATE REF), CAMT_ERR_STATUS,
	    "unknown status \"BOOKED\"", NULL);
	refused(ONE(AMT CRDT "<Sts>book</Sts>" DATE REF), CAMT_ERR_STATUS, NULL);
}

static void
test_camt_kinds(void **state)
{
	(void)state;
	parse_ok(doc("02",
	    NTRY(AMT CRDT BOOK DATE "<NtryRef>1</NtryRef>")
	    NTRY(AMT "<CdtDbtInd>DBIT</CdtDbtInd>" BOOK DATE "<NtryRef>2</NtryRef>")
	    NTRY(AMT "<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>" BOOK
	    DATE "<NtryRef>3</NtryRef>")
	    NTRY(AMT CRDT "<RvslInd>1</RvslInd>" BOOK DATE "<NtryRef>4</NtryRef>")
	    NTRY(AMT CRDT "<RvslInd>false</RvslInd>" BOOK DATE
	    "<NtryRef>5</NtryRef>")));
	assert_int_equal(L.n, 5);
	assert_int_equal(item(0)->kind, CREDIT_KIND_CREDIT);
	assert_int_equal(item(1)->kind, CREDIT_KIND_DEBIT);
	assert_int_equal(item(2)->kind, CREDIT_KIND_RETURN);
	assert_int_equal(item(3)->kind, CREDIT_KIND_REVERSAL);
	assert_int_equal(item(4)->kind, CREDIT_KIND_CREDIT);
	refused(ONE(AMT BOOK DATE REF), CAMT_ERR_INDICATOR, "CdtDbtInd \"\"",
	    NULL);
	refused(ONE(AMT "<CdtDbtInd>crdt</CdtDbtInd>" BOOK DATE REF),
	    CAMT_ERR_INDICATOR, NULL);
	refused(ONE(HEAD "<RvslInd>yes</RvslInd>"), CAMT_ERR_INDICATOR,
	    "RvslInd \"yes\"", NULL);
	file_refused("bad-indicator.xml", CAMT_ERR_INDICATOR, "entry 2 "
	    "(BAD-0002, line", "CREDIT", NULL);
}

static void
test_camt_dates(void **state)
{
	(void)state;
	parse_ok(ONE(AMT CRDT BOOK "<BookgDt><DtTm>2026-02-28T23:59:59Z"
	    "</DtTm></BookgDt>" REF));
	assert_int_equal(item(0)->booked.month, 2);
	assert_int_equal(item(0)->booked.day, 28);
	parse_ok(ONE(AMT CRDT BOOK "<BookgDt>\n  <Dt> 2026-10-15 </Dt>\n"
	    "</BookgDt>" REF));
	refused(ONE(AMT CRDT BOOK REF), CAMT_ERR_DATE, "no booking date", NULL);
	refused(ONE(AMT CRDT BOOK "<BookgDt><Dt>2026-02-30</Dt></BookgDt>" REF),
	    CAMT_ERR_DATE, "2026-02-30", NULL);
	refused(ONE(AMT CRDT BOOK "<BookgDt><Dt>15.10.2026</Dt></BookgDt>" REF),
	    CAMT_ERR_DATE, NULL);
	refused(ONE(AMT CRDT BOOK "<BookgDt><Dt>2026-10-15T10:00:00</Dt>"
	    "</BookgDt>" REF), CAMT_ERR_TEXT, NULL);
	refused(ONE(AMT CRDT BOOK "<BookgDt><Dt>2026-10-1</Dt></BookgDt>" REF),
	    CAMT_ERR_DATE, NULL);
	refused(ONE(AMT CRDT BOOK "<BookgDt><DtTm>2026-10-15</DtTm></BookgDt>"
	    REF), CAMT_ERR_DATE, NULL);
	refused(ONE(AMT CRDT BOOK "<BookgDt><DtTm>2026-13-15T10:00:00Z</DtTm>"
	    "</BookgDt>" REF), CAMT_ERR_DATE, NULL);
}

static void
test_camt_amounts(void **state)
{
	(void)state;
	parse_ok(ONE("<Amt Ccy=\"EUR\">1234.5</Amt>" CRDT BOOK DATE REF));
	assert_int_equal(item(0)->cents, 123450);
	parse_ok(ONE("<Amt Ccy=\"EUR\">7</Amt>" CRDT BOOK DATE REF));
	assert_int_equal(item(0)->cents, 700);
	parse_ok(ONE("<Amt Ccy=\"JPY\">1250</Amt>" CRDT BOOK DATE REF));
	assert_int_equal(item(0)->cents, 1250);
	assert_string_equal(item(0)->currency, "JPY");
	parse_ok(ONE("<Amt Ccy=\"USD\">0.01</Amt>" CRDT BOOK DATE REF));
	assert_string_equal(item(0)->currency, "USD");
	file_refused("too-many-decimals.xml", CAMT_ERR_AMOUNT, "entry 2 "
	    "(BAD-0002, line", "100.005 has more decimals than EUR allows", NULL);
	refused(ONE("<Amt Ccy=\"JPY\">12.5</Amt>" CRDT BOOK DATE REF),
	    CAMT_ERR_AMOUNT, "more decimals than JPY", NULL);
	file_refused("negative-amount.xml", CAMT_ERR_AMOUNT, "entry 2",
	    "negative", NULL);
	file_refused("zero-amount.xml", CAMT_ERR_AMOUNT, "not above zero", NULL);
	refused(ONE(CRDT BOOK DATE REF), CAMT_ERR_AMOUNT, "Amt is missing", NULL);
	refused(ONE("<Amt Ccy=\"EUR\">1,00</Amt>" CRDT BOOK DATE REF),
	    CAMT_ERR_AMOUNT, "is not an amount in EUR", NULL);
	refused(ONE("<Amt Ccy=\"EUR\">+1.00</Amt>" CRDT BOOK DATE REF),
	    CAMT_ERR_AMOUNT, NULL);
	refused(ONE("<Amt Ccy=\"EUR\">1e3</Amt>" CRDT BOOK DATE REF),
	    CAMT_ERR_AMOUNT, NULL);
	refused(ONE("<Amt Ccy=\"EUR\"></Amt>" CRDT BOOK DATE REF),
	    CAMT_ERR_AMOUNT, NULL);
	refused(ONE("<Amt Ccy=\"EUR\">1.2.3</Amt>" CRDT BOOK DATE REF),
	    CAMT_ERR_AMOUNT, "is not an amount in EUR", NULL);
	refused(ONE("<Amt Ccy=\"EUR\">9999999999999999.00</Amt>" CRDT BOOK DATE
	    REF), CAMT_ERR_AMOUNT, NULL);
	refused(ONE("<Amt>1.00</Amt>" CRDT BOOK DATE REF), CAMT_ERR_CURRENCY,
	    "no currency", NULL);
	refused(ONE("<Amt Ccy=\"eur\">1.00</Amt>" CRDT BOOK DATE REF),
	    CAMT_ERR_CURRENCY, NULL);
	file_refused("unsupported-currency.xml", CAMT_ERR_CURRENCY, "entry 2",
	    "\"XAU\"", NULL);
}

static void
test_camt_batch(void **state)
{
	(void)state;
	/* One transaction without an amount takes the entry's. */
	parse_ok(ONE(HEAD "<NtryDtls><TxDtls><RmtInf><Ustrd>x</Ustrd></RmtInf>"
	    "</TxDtls></NtryDtls>"));
	assert_int_equal(item(0)->cents, 1000);
	/* Several NtryDtls blocks count as one list of transactions. */
	parse_ok(ONE(HEAD "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">4.00</Amt>"
	    "</TxDtls></NtryDtls><NtryDtls><TxDtls><Amt Ccy=\"EUR\">6.00</Amt>"
	    "</TxDtls></NtryDtls>"));
	assert_int_equal(L.n, 2);
	assert_string_equal(item(1)->id, "R-1/2");
	assert_int_equal(item(1)->cents, 600);
	file_refused("batch-sum.xml", CAMT_ERR_SUM, "entry 2 (BAD-0002",
	    "add up to EUR 250.00, the entry says EUR 300.00", NULL);
	refused(ONE(HEAD "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">4.00</Amt></TxDtls>"
	    "<TxDtls/></NtryDtls>"), CAMT_ERR_AMOUNT, "TxDtls 2 Amt is missing",
	    NULL);
	refused(ONE(HEAD "<NtryDtls><TxDtls><Amt Ccy=\"USD\">10.00</Amt>"
	    "</TxDtls></NtryDtls>"), CAMT_ERR_CURRENCY, "TxDtls 1 Amt is in "
	    "USD, the entry in EUR", NULL);
	refused(ONE(HEAD "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">10.001</Amt>"
	    "</TxDtls></NtryDtls>"), CAMT_ERR_AMOUNT, NULL);
	refused(ONE(HEAD "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">11.00</Amt>"
	    "</TxDtls></NtryDtls>"), CAMT_ERR_SUM, NULL);
}

static void
test_camt_remittance(void **state)
{
	(void)state;
	parse_ok(ONE(HEAD "<NtryDtls><TxDtls><RmtInf>"
	    "<Ustrd>  INV-2026-0147\n\t and   more </Ustrd><Ustrd>A &amp; B"
	    "</Ustrd><Ustrd><![CDATA[<x>]]></Ustrd>"
	    "<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>"
	    "<Strd><CdtrRefInf><Ref>RF712348231</Ref></CdtrRefInf></Strd>"
	    "</RmtInf><RltdPties><Dbtr><Nm> Ana\n Ruiz </Nm></Dbtr>"
	    "<Cdtr><Nm>Northwind</Nm></Cdtr></RltdPties></TxDtls></NtryDtls>"));
	assert_string_equal(item(0)->text, "INV-2026-0147 and more A & B <x>");
	assert_string_equal(item(0)->reference, "RF18539007547034 RF712348231");
	assert_string_equal(item(0)->party, "Ana Ruiz");
	/* A debit names its creditor. */
	parse_ok(ONE(AMT "<CdtDbtInd>DBIT</CdtDbtInd>" BOOK DATE REF
	    "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Northwind</Nm></Dbtr>"
	    "<Cdtr><Pty><Nm>Telco AG</Nm></Pty></Cdtr></RltdPties></TxDtls>"
	    "</NtryDtls>"));
	assert_string_equal(item(0)->party, "Telco AG");
	/* Elements of another namespace are not read. */
	parse_ok(ONE(HEAD "<NtryDtls><TxDtls><RmtInf xmlns=\"urn:x\"><Ustrd>"
	    "INV-1</Ustrd></RmtInf></TxDtls></NtryDtls>"));
	assert_string_equal(item(0)->text, "");
}

/* A string of n copies of c in the arena. */
static const char *
many(char c, size_t n)
{
	char *s = arena_alloc(A, n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
test_camt_text_limits(void **state)
{
	char *x;

	(void)state;
	x = arena_printf(A, NTRY(HEAD "<NtryDtls><TxDtls><RmtInf><Ustrd>%s"
	    "</Ustrd></RmtInf></TxDtls></NtryDtls>"), many('u', CAMT_MAX_TEXT));
	parse_ok(doc("02", x));
	assert_int_equal(strlen(item(0)->text), CAMT_MAX_TEXT);
	x = arena_printf(A, NTRY(HEAD "<NtryDtls><TxDtls><RmtInf><Ustrd>%s"
	    "</Ustrd><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls>"),
	    many('u', CAMT_MAX_TEXT / 2), many('v', CAMT_MAX_TEXT / 2));
	refused(doc("02", x), CAMT_ERR_TEXT, "Ustrd is longer than 1024", NULL);
	x = arena_printf(A, NTRY(HEAD "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>%s"
	    "</Nm></Dbtr></RltdPties></TxDtls></NtryDtls>"),
	    many('n', CAMT_MAX_NAME + 1));
	refused(doc("02", x), CAMT_ERR_TEXT, "RltdPties/Dbtr/Nm", NULL);
	x = arena_printf(A, NTRY(HEAD "<NtryDtls><TxDtls><Refs><EndToEndId>%s"
	    "</EndToEndId></Refs></TxDtls></NtryDtls>"),
	    many('e', CAMT_MAX_ID + 1));
	refused(doc("02", x), CAMT_ERR_TEXT, "Refs/EndToEndId", NULL);
}

/* Appends n entries with references from first on to s (room checked). */
static size_t
entries(char *s, size_t len, size_t cap, unsigned first, unsigned n)
{
	unsigned i;
	int w;

	for (i = first; i < first + n; i++) {
		w = snprintf(s + len, cap - len, NTRY(AMT CRDT BOOK DATE
		    "<NtryRef>%05u</NtryRef>"), i);
		assert_true(w > 0 && (size_t)w < cap - len);
		len += (size_t)w;
	}
	return len;
}

static void
test_camt_limits(void **state)
{
	size_t cap = (size_t)(CAMT_MAX_ENTRIES + 1) * 160, len;
	char *s = arena_alloc(A, cap);
	unsigned i;

	(void)state;
	assert_non_null(s);
	len = entries(s, 0, cap, 0, CAMT_MAX_ENTRIES);
	parse_ok(doc("02", s));
	assert_int_equal(L.n, CAMT_MAX_ENTRIES);
	(void)entries(s, len, cap, CAMT_MAX_ENTRIES, 1);
	refused(doc("02", s), CAMT_ERR_LIMIT, "more than 20000 entries", NULL);
	/* Transactions within one entry. */
	len = 0;
	for (i = 0; i <= CAMT_MAX_TX; i++) {
		memcpy(s + len, "<TxDtls/>", 10);
		len += 9;
	}
	refused(doc("02", arena_printf(A, NTRY(HEAD "<NtryDtls>%s</NtryDtls>"),
	    s)), CAMT_ERR_LIMIT, "more than 1000 transactions", NULL);
}

/* After a refusal the list is empty even if the first entries were fine. */
static void
test_camt_all_or_nothing(void **state)
{
	size_t len;
	const char *s = slurp(DATA "bad/too-many-decimals.xml", &len);

	(void)state;
	assert_int_equal(parse(s, len), CAMT_ERR_AMOUNT);
	assert_int_equal(L.n, 0);
	assert_null(L.items);
}

static void
test_camt_strerror(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < CAMT_ERR__MAX; i++)
		for (j = 0; j < i; j++)
			assert_string_not_equal(camt_strerror((enum camt_err)i),
			    camt_strerror((enum camt_err)j));
	assert_string_equal(camt_strerror(CAMT_ERR__MAX), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_camt_sample_001_02),
		cmocka_unit_test(test_camt_sample_001_08),
		cmocka_unit_test(test_camt_ids_stable),
		cmocka_unit_test(test_camt_versions),
		cmocka_unit_test(test_camt_not_camt),
		cmocka_unit_test(test_camt_not_xml),
		cmocka_unit_test(test_camt_no_dtd),
		cmocka_unit_test(test_camt_size),
		cmocka_unit_test(test_camt_bad_arguments),
		cmocka_unit_test(test_camt_reference),
		cmocka_unit_test(test_camt_status),
		cmocka_unit_test(test_camt_kinds),
		cmocka_unit_test(test_camt_dates),
		cmocka_unit_test(test_camt_amounts),
		cmocka_unit_test(test_camt_batch),
		cmocka_unit_test(test_camt_remittance),
		cmocka_unit_test(test_camt_text_limits),
		cmocka_unit_test(test_camt_limits),
		cmocka_unit_test(test_camt_all_or_nothing),
		cmocka_unit_test(test_camt_strerror),
	};

	return cmocka_run_group_tests(tests, arena_setup, arena_teardown);
}
