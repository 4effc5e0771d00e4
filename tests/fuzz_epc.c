/*
 * libFuzzer target for IBAN validation and the EPC payload. The input's
 * lines are the fields (BIC, name, IBAN, purpose, reference, text,
 * information); the first byte picks the version and the next five the
 * amount. A payload that is built must be at most 331 bytes, end without
 * a line feed, have BCD, the version, 1 and SCT first, the normalised IBAN
 * and the amount in their places, and every given text verbatim. An IBAN
 * that validates must print in groups and validate again unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epc.h"
#include "iban.h"
#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define NFIELDS	7

static void
check_iban(const char *s)
{
	char	 norm[IBAN_SIZE], print[IBAN_PRINT_SIZE], again[IBAN_SIZE];

	if (iban_normalise(s, norm) != IBAN_OK) {
		CHECK(norm[0] == '\0');
		return;
	}
	CHECK(strlen(norm) >= 15 && strlen(norm) <= IBAN_MAX);
	CHECK(iban_mod97(norm, strlen(norm)) == 1);
	CHECK(iban_format(print, sizeof(print), norm) == 0);
	CHECK(iban_normalise(print, again) == IBAN_OK);
	CHECK(strcmp(again, norm) == 0);
}

static void
check_payload(const struct epc_transfer *t, const char *p, size_t len)
{
	char		 want[64], iban[IBAN_SIZE], *copy, *line[13];
	const char	*f[12];
	size_t		 n = 0, i;

	CHECK(len <= EPC_MAX_PAYLOAD && strlen(p) == len);
	CHECK(len > 0 && p[len - 1] != '\n');
	copy = strdup(p);
	CHECK(copy != NULL);
	for (line[n++] = copy; n < 13 && (line[n] = strchr(line[n - 1], '\n'));
	    n++)
		*line[n]++ = '\0';
	CHECK(n >= 8 && n <= 12);
	CHECK(strcmp(line[0], "BCD") == 0 && strcmp(line[2], "1") == 0 &&
	    strcmp(line[3], "SCT") == 0);
	CHECK(strcmp(line[1], t->version == 1 ? "001" : "002") == 0);
	CHECK(iban_normalise(t->iban, iban) == IBAN_OK);
	CHECK(strcmp(line[6], iban) == 0);
	(void)snprintf(want, sizeof(want), "EUR");
	CHECK(money_format_plain(want + 3, sizeof(want) - 3, t->cents, "EUR") == 0);
	CHECK(strcmp(line[7], want) == 0);
	f[4] = t->bic; f[5] = t->name; f[8] = t->purpose; f[10] = t->text;
	f[11] = t->info;
	for (i = 4; i < 12; i++) {
		if (i == 6 || i == 7 || i == 9)
			continue;
		CHECK(strcmp(i < n ? line[i] : "", f[i] != NULL ? f[i] : "") == 0);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			*s, *field[NFIELDS] = { 0 }, *p, out[EPC_PAYLOAD_SIZE];
	struct epc_transfer	 t;
	size_t			 i, len;
	enum epc_err		 e;
	uint64_t		 amount = 0;

	if (size < 6)
		return 0;
	if ((s = malloc(size - 5)) == NULL)
		return 0;
	memcpy(s, data + 6, size - 6);
	s[size - 6] = '\0';
	for (i = 1; i < 6; i++)
		amount = amount << 8 | data[i];
	for (i = 0, p = s; i < NFIELDS && p != NULL; i++) {
		field[i] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	memset(&t, 0, sizeof(t));
	t.version = data[0] % 4;
	t.cents = (int64_t)(amount % (uint64_t)(EPC_AMOUNT_MAX + 2)) -
	    (data[0] & 0x80 ? 1 : 0);
	t.bic = field[0];
	t.name = field[1];
	t.iban = field[2];
	t.purpose = field[3];
	t.reference = field[4];
	t.text = field[5];
	t.info = field[6];
	if (t.iban != NULL)
		check_iban(t.iban);
	e = epc_payload(&t, out, &len);
	CHECK((unsigned)e < EPC_ERR__MAX);
	if (e == EPC_OK)
		check_payload(&t, out, len);
	else
		CHECK(out[0] == '\0');
	free(s);
	return 0;
}
