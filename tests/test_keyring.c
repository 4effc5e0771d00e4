/* Unit tests for portal/keyring.c: the secret file's keys, rotation and retirement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "keyring.h"

#define HEX_A	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_B	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

static int
group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void
parse_ok(struct keyring *r, const char *text)
{
	char	err[128] = "";

	if (keyring_parse(r, text, strlen(text), err, sizeof(err)) != 0)
		fail_msg("refused \"%s\": %s", text, err);
}

/* The file from before rotation is key 1, signing at once. */
static void
test_keyring_legacy(void **state)
{
	struct keyring	r;

	(void)state;
	parse_ok(&r, HEX_A "\n");
	assert_int_equal(r.n, 1);
	assert_int_equal(r.keys[0].id, 1);
	assert_int_equal(r.keys[0].start, 0);
	assert_int_equal(r.keys[0].key[31], 0x1f);
	assert_ptr_equal(keyring_signer(&r, 0), &r.keys[0]);
	assert_ptr_equal(keyring_find(&r, 1), &r.keys[0]);
	assert_null(keyring_find(&r, 2));
}

/* Adding a key: the next id, signing from its start; format and parse agree. */
static void
test_keyring_add_format(void **state)
{
	struct keyring	r, again;
	char		text[KEYRING_FILE_MAX];
	int		id;

	(void)state;
	parse_ok(&r, HEX_A);
	assert_int_equal((id = keyring_add(&r, 0)), 2);
	assert_int_equal(keyring_signer(&r, 1)->id, 2);
	assert_memory_not_equal(r.keys[1].key, r.keys[0].key, KEYRING_KEY_BYTES);
	assert_int_equal(keyring_add(&r, 5000), 3);
	assert_int_equal(keyring_signer(&r, 4999)->id, 2);
	assert_int_equal(keyring_signer(&r, 5000)->id, 3);
	assert_int_equal(keyring_format(&r, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "\n1 " HEX_A "\n"));
	assert_non_null(strstr(text, " 5000\n"));
	parse_ok(&again, text);
	assert_memory_equal(&again, &r, sizeof(r));
	/* Too small a buffer fails rather than cutting a key. */
	assert_int_equal(keyring_format(&r, text, 200), -1);
	/* The ring holds KEYRING_MAX keys. */
	while (r.n < KEYRING_MAX)
		assert_true(keyring_add(&r, 0) > 0);
	assert_int_equal(keyring_add(&r, 0), -1);
	assert_int_equal(keyring_format(&r, text, sizeof(text)), 0);
	parse_ok(&again, text);
	assert_int_equal(again.n, KEYRING_MAX);
}

/* Ids run out at KEYRING_ID_MAX even with room in the ring. */
static void
test_keyring_ids_end(void **state)
{
	struct keyring	r;

	(void)state;
	parse_ok(&r, "253 " HEX_A "\n");
	assert_int_equal(keyring_add(&r, 0), 254);
	assert_int_equal(keyring_add(&r, 0), -1);
	assert_int_equal(r.n, 2);
}

/* Retiring: any key but the last one left; the others keep their ids. */
static void
test_keyring_remove(void **state)
{
	struct keyring	r;

	(void)state;
	parse_ok(&r, "1 " HEX_A "\n2 " HEX_B "\n5 " HEX_A " 7\n");
	assert_int_equal(keyring_remove(&r, 3), -1);
	assert_int_equal(keyring_remove(&r, 2), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.keys[1].id, 5);
	assert_int_equal(r.keys[1].start, 7);
	assert_null(keyring_find(&r, 2));
	assert_int_equal(keyring_remove(&r, 1), 0);
	assert_int_equal(keyring_remove(&r, 5), -1);	/* the last key */
	assert_int_equal(r.n, 1);
	assert_int_equal(r.keys[0].id, 5);
	/* Before every key's start, the oldest still signs. */
	assert_int_equal(keyring_signer(&r, 0)->id, 5);
}

/* Comments, blank lines, tabs and CRLF are fine; errors name the line. */
static void
test_keyring_parse_forms(void **state)
{
	struct keyring	r;
	char		err[128];

	(void)state;
	parse_ok(&r, "# keys\r\n\r\n1\t" HEX_A "\r\n  2 " HEX_B " 0\n");
	assert_int_equal(r.n, 2);
	assert_int_equal(r.keys[1].key[0], 0xff);
	assert_int_equal(keyring_parse(&r, "1 " HEX_A "\n2 x\n", 7 + 64 + 4, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 2: expected 64 hex digits");
	assert_int_equal(r.n, 0);		/* wiped */
	assert_int_equal(keyring_parse(&r, "1 " HEX_A " -5\n", 72, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: start must be a Unix time");
	assert_int_equal(keyring_parse(&r, "1 " HEX_A " 0x10\n", 74, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "line 1: start must be a Unix time");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyring_legacy),
		cmocka_unit_test(test_keyring_add_format),
		cmocka_unit_test(test_keyring_ids_end),
		cmocka_unit_test(test_keyring_remove),
		cmocka_unit_test(test_keyring_parse_forms),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
