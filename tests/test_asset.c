/* Unit tests for portal/asset.c: versioned static file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "asset.h"

static char dir[64];

static void
write_file(const char *name, const char *data, size_t len)
{
	char	 path[128];
	FILE	*f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/settle-asset.XXXXXX");
	if (mkdtemp(dir) == NULL || sodium_init() == -1)
		return -1;
	write_file("abc.css", "abc", 3);	/* FIPS 180-2's first example */
	write_file("noext", "abc", 3);
	write_file("empty.svg", "", 0);
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Asserts that dir/name gets the URL want. */
static void
expect_url(const char *name, const char *want)
{
	char	out[128], err[256];

	assert_int_equal(asset_url(dir, name, out, sizeof(out), err,
	    sizeof(err)), 0);
	assert_string_equal(out, want);
}

/* SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a3... */
static void
test_asset_known_vector(void **state)
{
	(void)state;
	expect_url("abc.css", "/static/abc.ba7816bf8f01.css");
}

/* SHA-256 of nothing = e3b0c44298fc1c14... */
static void
test_asset_empty_file(void **state)
{
	(void)state;
	expect_url("empty.svg", "/static/empty.e3b0c44298fc.svg");
}

static void
test_asset_no_extension(void **state)
{
	(void)state;
	expect_url("noext", "/static/noext.ba7816bf8f01");
}

static void
test_asset_missing_file(void **state)
{
	char	out[128], err[256];

	(void)state;
	assert_int_equal(asset_url(dir, "gone.css", out, sizeof(out), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "gone.css: No such file or directory"));
}

/* Truncation is rejection: a buffer one byte short fails. */
static void
test_asset_no_room(void **state)
{
	char	out[sizeof("/static/abc.ba7816bf8f01.css")], err[256];

	(void)state;
	assert_int_equal(asset_url(dir, "abc.css", out, sizeof(out) - 1, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
	assert_int_equal(asset_url(dir, "abc.css", out, sizeof(out), err,
	    sizeof(err)), 0);
}

static void
test_asset_too_big(void **state)
{
	char	*big, out[128], err[256];

	(void)state;
	assert_non_null(big = calloc(1, ASSET_FILE_MAX + 1));
	write_file("big.css", big, ASSET_FILE_MAX + 1);
	free(big);
	assert_int_equal(asset_url(dir, "big.css", out, sizeof(out), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "too big"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asset_known_vector),
		cmocka_unit_test(test_asset_empty_file),
		cmocka_unit_test(test_asset_no_extension),
		cmocka_unit_test(test_asset_missing_file),
		cmocka_unit_test(test_asset_no_room),
		cmocka_unit_test(test_asset_too_big),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
