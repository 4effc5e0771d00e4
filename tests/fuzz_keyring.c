/*
 * libFuzzer target for keyring_parse (the secret file) on arbitrary text.
 * When it succeeds the ring holds 1 to KEYRING_MAX keys with ascending ids
 * from 1 to KEYRING_ID_MAX, a signer exists, and formatting and parsing it
 * again gives the same keys; when it fails the ring is wiped.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static struct keyring	r1, r2, zero;
static char		text[KEYRING_FILE_MAX + 512];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	err[128];
	int	i;

	if (keyring_parse(&r1, (const char *)data, size, err, sizeof(err)) == -1) {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		CHECK(memcmp(&r1, &zero, sizeof(r1)) == 0);
		return 0;
	}
	CHECK(r1.n >= 1 && r1.n <= KEYRING_MAX);
	for (i = 0; i < r1.n; i++) {
		CHECK(r1.keys[i].id >= 1 && r1.keys[i].id <= KEYRING_ID_MAX);
		CHECK(i == 0 || r1.keys[i].id > r1.keys[i - 1].id);
	}
	CHECK(keyring_signer(&r1, 0) != NULL);
	CHECK(keyring_format(&r1, text, sizeof(text)) == 0);
	CHECK(keyring_parse(&r2, text, strlen(text), err, sizeof(err)) == 0);
	CHECK(memcmp(&r1, &r2, sizeof(r1)) == 0);
	return 0;
}
