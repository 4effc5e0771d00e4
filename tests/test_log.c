/* Unit tests for portal/log.c: one line per event, the request context, the request line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static char	path[] = "/tmp/settle-test-log.XXXXXX";
static int	saved = -1;

/* stderr goes to a temporary file while a test runs. */
static int
setup(void **state)
{
	int	fd;

	(void)state;
	if ((fd = mkstemp(path)) == -1 || (saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		return -1;
	(void)close(fd);
	log_init("portal");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	(void)dup2(saved, STDERR_FILENO);
	(void)close(saved);
	(void)unlink(path);
	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	log_context_clear();
	return 0;
}

/* What was logged so far (static). */
static const char *
logged(void)
{
	static char	 text[8192];
	FILE		*f = fopen(path, "r");
	size_t		 n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	(void)fclose(f);
	return text;
}

/* The text after "portal[pid] " on the one line logged. */
static const char *
only_line(void)
{
	const char	*t = logged(), *p;

	assert_non_null(strchr(t, '\n'));
	assert_int_equal(strchr(t, '\n')[1], '\0');
	assert_non_null((p = strstr(t, "] ")));
	assert_memory_equal(t + 20, " portal[", 8);
	return p + 2;
}

static void
test_log_one_line(void **state)
{
	(void)state;
	log_error("connect: failed\n\tIs the server running?\n");
	assert_string_equal(only_line(), "error: connect: failed  Is the server running?\n");
}

static void
test_log_context(void **state)
{
	(void)state;
	log_context("/i/{}/plan", "0123456789abcdef0123456789abcdef");
	log_warn("slow");
	assert_string_equal(only_line(), "warning: slow route=/i/{}/plan "
	    "rid=0123456789abcdef0123456789abcdef\n");
}

static void
test_log_context_bad_rid(void **state)
{
	static const char *const bad[] = {
		"", "abc def", "abc\n", "a=b", "0123456789abcdef0123456789abcdef0",
		"r\xc3\xa9", NULL,
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		log_context(NULL, bad[i]);
		log_info("x");
	}
	log_context_clear();
	log_info("after");
	{
		const char	*t = logged();
		size_t		 n = 0;

		for (const char *p = t; (p = strstr(p, "info: x route=- rid=-\n")); p++)
			n++;
		assert_int_equal(n, sizeof(bad) / sizeof(bad[0]));
		assert_non_null(strstr(t, "info: after\n"));
		assert_null(strstr(t, "after route="));
	}
}

static void
test_log_request(void **state)
{
	(void)state;
	log_context("/staff", "abc");
	log_request("GET", 200, 1.25);
	assert_string_equal(only_line(), "info: request method=GET status=200 "
	    "ms=1.2 route=/staff rid=abc\n");
}

/* A long message is cut, and the context still fits in the line. */
static void
test_log_long(void **state)
{
	char		 big[4096];
	const char	*t;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_context("/i/{}", "abc");
	log_info("%s", big);
	t = only_line();
	assert_true(strlen(t) < 2048);
	assert_non_null(strstr(t, "xxx route=/i/{} rid=abc\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log_one_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_context_bad_rid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_long, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
