/*
 * payqr.c: the EPC payment code of an amount and an invoice number, to
 * the config's account. The payload field by field; no code for other
 * currencies or bank details the guideline refuses; the PNG for mails
 * decoded with zbarimg (Debian zbar-tools) to exactly that payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "payqr.h"

static void
config_fill(struct config *c, const char *iban, const char *bic)
{
	memset(c, 0, sizeof(*c));
	(void)snprintf(c->company, sizeof(c->company), "Northwind Supplies Ltd");
	(void)snprintf(c->bank_iban, sizeof(c->bank_iban), "%s", iban);
	(void)snprintf(c->bank_bic, sizeof(c->bank_bic), "%s", bic);
}

static void
test_payqr_payload(void **state)
{
	static struct config	c;
	char			p[EPC_PAYLOAD_SIZE];

	(void)state;
	config_fill(&c, "GB33 BUKB 2020 1555 5555 55", "BUKBGB22");
	assert_int_equal(payqr_payload(&c, 11367, "INV-2026-0147", p), EPC_OK);
	assert_string_equal(p, "BCD\n002\n1\nSCT\nBUKBGB22\nNorthwind Supplies Ltd\n"
	    "GB33BUKB20201555555555\nEUR113.67\n\n\nINV-2026-0147");
	/* No BIC configured: version 002 leaves it empty. */
	config_fill(&c, "DE89370400440532013000", "");
	assert_int_equal(payqr_payload(&c, 1, "X-1", p), EPC_OK);
	assert_string_equal(p, "BCD\n002\n1\nSCT\n\nNorthwind Supplies Ltd\n"
	    "DE89370400440532013000\nEUR0.01\n\n\nX-1");
}

static void
test_payqr_refused(void **state)
{
	static struct config	c;
	struct buf		b;

	(void)state;
	buf_init(&b, 0);
	config_fill(&c, "GB33 BUKB 2020 1555 5555 55", "BUKBGB22");
	assert_true(payqr_possible(&c, "EUR"));
	assert_false(payqr_possible(&c, "GBP"));
	assert_false(payqr_possible(&c, NULL));
	assert_int_equal(payqr_svg(&c, "GBP", 100, "X", "label", &b), -1);
	assert_int_equal(payqr_png(&c, "USD", 100, "X", &b), -1);
	assert_int_equal(payqr_svg(&c, "EUR", 0, "X", "label", &b), -1);
	assert_int_equal(b.len, 0);
	/* A typo in the IBAN (check digits), a bad BIC: no code at all. */
	config_fill(&c, "GB34 BUKB 2020 1555 5555 55", "BUKBGB22");
	assert_false(payqr_possible(&c, "EUR"));
	assert_int_equal(payqr_svg(&c, "EUR", 100, "X", "label", &b), -1);
	config_fill(&c, "GB33 BUKB 2020 1555 5555 55", "BUK");
	assert_false(payqr_possible(&c, "EUR"));
	buf_free(&b);
}

static void
test_payqr_svg(void **state)
{
	static struct config	c;
	struct buf		b;

	(void)state;
	buf_init(&b, 0);
	config_fill(&c, "GB33 BUKB 2020 1555 5555 55", "BUKBGB22");
	assert_int_equal(payqr_svg(&c, "EUR", 11367, "INV-1", "Pay <EUR>", &b), 0);
	assert_non_null(strstr(buf_str(&b), "role=\"img\" aria-label=\"Pay &lt;EUR&gt;\""));
	assert_int_equal(strncmp(buf_str(&b), "<svg ", 5), 0);
	buf_free(&b);
}

/* The PNG a reminder attaches, read back as a camera would. */
static void
test_payqr_png_decodes(void **state)
{
	static struct config	c;
	char			path[] = "/tmp/settle-payqr.XXXXXX", cmd[128], out[512];
	struct buf		b;
	size_t			n;
	FILE			*f;
	int			fd;

	(void)state;
	buf_init(&b, 0);
	config_fill(&c, "GB33 BUKB 2020 1555 5555 55", "BUKBGB22");
	assert_int_equal(payqr_png(&c, "EUR", 45490, "INV-2026-0147", &b), 0);
	assert_int_equal(memcmp(b.data, "\x89PNG", 4), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	assert_int_equal(close(fd), 0);
	(void)snprintf(cmd, sizeof(cmd), "zbarimg --quiet --raw -Sbinary %s 2>/dev/null", path);
	assert_non_null(f = popen(cmd, "r"));
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	(void)unlink(path);
	assert_string_equal(out, "BCD\n002\n1\nSCT\nBUKBGB22\nNorthwind Supplies Ltd\n"
	    "GB33BUKB20201555555555\nEUR454.90\n\n\nINV-2026-0147");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payqr_payload),
		cmocka_unit_test(test_payqr_refused),
		cmocka_unit_test(test_payqr_svg),
		cmocka_unit_test(test_payqr_png_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
