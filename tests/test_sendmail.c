/*
 * Unit tests for portal/sendmail.c, against small shell scripts written to
 * a temporary directory: success, failure statuses, time-outs (the whole
 * process group is killed), programs that do not read, bad commands.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sendmail.h"

/*
 * Under valgrind, a child whose exec fails is still valgrind's: its leak
 * check at _exit(127) turns the status into run-tests.sh's --error-exitcode.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND	0
#endif
#define EXEC_FAILED	(RUNNING_ON_VALGRIND ? "exited with status 99" : \
			 "exited with status 127")

/* Length of a literal that may contain NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

#define BIG	(1024 * 1024)	/* far more than a pipe holds */

static char	 dir[64];
static char	*big;

static const struct {
	const char	*name;
	const char	*text;
} scripts[] = {
	/* Copies the message to $1. */
	{ "ok", "#!/bin/sh\nexec cat > \"$1\"\n" },
	/* Writes its arguments, one per line, to $1. */
	{ "args", "#!/bin/sh\nout=$1\nfor a; do echo \"[$a]\"; done > \"$out\"\n"
	    "cat > /dev/null\n" },
	{ "fail75", "#!/bin/sh\ncat > /dev/null\nexit 75\n" },
	{ "fail1", "#!/bin/sh\ncat > /dev/null\nexit 1\n" },
	/* Exits without reading its input. */
	{ "noread", "#!/bin/sh\nexit 0\n" },
	{ "noread3", "#!/bin/sh\nexit 3\n" },
	/* Reads a little, then closes its input and exits 0. */
	{ "partial", "#!/bin/sh\nhead -c 10 > /dev/null\nexec 0<&-\nexit 0\n" },
	{ "signal", "#!/bin/sh\ncat > /dev/null\nkill -TERM $$\nsleep 5\n" },
	/* Records its pid and its child's in $1 and $2, then hangs. */
	{ "hang", "#!/bin/sh\necho $$ > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n"
	    "sleep 60 &\necho $! > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"\nwait\n" },
	/* Reads everything, then hangs. */
	{ "slow", "#!/bin/sh\ncat > /dev/null\nsleep 60\n" },
};

static void
path_of(char *out, size_t size, const char *name)
{
	(void)snprintf(out, size, "%s/%s", dir, name);
}

static int
group_setup(void **state)
{
	char	 path[128];
	FILE	*f;
	size_t	 i;

	(void)state;
	/* As in portal-notify: a reader that goes away is an error, not a signal. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -1;
	(void)snprintf(dir, sizeof(dir), "/tmp/settle-sendmail.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		path_of(path, sizeof(path), scripts[i].name);
		if ((f = fopen(path, "w")) == NULL ||
		    fputs(scripts[i].text, f) == EOF || fclose(f) == EOF ||
		    chmod(path, 0700) == -1)
			return -1;
	}
	path_of(path, sizeof(path), "noexec");
	if ((f = fopen(path, "w")) == NULL || fputs("#!/bin/sh\nexit 0\n", f) ==
	    EOF || fclose(f) == EOF || chmod(path, 0600) == -1)
		return -1;
	if ((big = malloc(BIG)) == NULL)
		return -1;
	for (i = 0; i < BIG; i++)
		big[i] = (char)('a' + i % 26);
	return 0;
}

static int
group_teardown(void **state)
{
	static const char *const others[] = { "noexec", "out", "pid1", "pid2",
	    "pid1.tmp", "pid2.tmp" };
	char	path[128];
	size_t	i;

	(void)state;
	free(big);
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		path_of(path, sizeof(path), scripts[i].name);
		(void)unlink(path);
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		path_of(path, sizeof(path), others[i]);
		(void)unlink(path);
	}
	return rmdir(dir);
}

/* Reads file name in dir into a new buffer; its length in *n. */
static char *
slurp(const char *name, size_t *n)
{
	char	 path[128], *data;
	FILE	*f;

	path_of(path, sizeof(path), name);
	f = fopen(path, "r");
	assert_non_null(f);
	data = malloc(BIG + 1);
	assert_non_null(data);
	*n = fread(data, 1, BIG + 1, f);
	(void)fclose(f);
	return data;
}

static int
run(const char *cmd, const char *msg, size_t len, int timeout, char *err)
{
	err[0] = '\0';
	return sendmail_send(cmd, msg, len, timeout, err, 256);
}

/* Runs script name with args and msg; asserts failure with message want. */
static void
send_fails(const char *name, const char *args, const char *msg, size_t len,
    const char *want)
{
	char	cmd[256], err[256];

	(void)snprintf(cmd, sizeof(cmd), "%s/%s%s%s", dir, name,
	    args ? " " : "", args ? args : "");
	if (run(cmd, msg, len, 10, err) != -1)
		fail_msg("%s succeeded", name);
	assert_string_equal(err, want);
}

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_sendmail_success(void **state)
{
	char	 cmd[256], err[256], *got;
	size_t	 n;

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "%s/ok %s/out", dir, dir);
	assert_int_equal(run(cmd, LIT("To: <a@b>\n\nhello\n"), 10, err), 0);
	got = slurp("out", &n);
	assert_int_equal(n, 17);
	assert_memory_equal(got, "To: <a@b>\n\nhello\n", 17);
	free(got);

	/* Any bytes, exactly len of them. */
	assert_int_equal(run(cmd, LIT("a\0b\xff\r\n"), 10, err), 0);
	got = slurp("out", &n);
	assert_int_equal(n, 6);
	assert_memory_equal(got, "a\0b\xff\r\n", 6);
	free(got);

	assert_int_equal(run(cmd, "", 0, 10, err), 0);
	got = slurp("out", &n);
	assert_int_equal(n, 0);
	free(got);
}

/* A message far bigger than the pipe is streamed whole. */
static void
test_sendmail_large(void **state)
{
	char	 cmd[256], err[256], *got;
	size_t	 n;

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "%s/ok %s/out", dir, dir);
	if (run(cmd, big, BIG, 10, err) != 0)
		fail_msg("%s", err);
	got = slurp("out", &n);
	assert_int_equal(n, BIG);
	assert_memory_equal(got, big, BIG);
	free(got);
}

/* Arguments are split at spaces and tabs; runs of them count once. */
static void
test_sendmail_arguments(void **state)
{
	char	 cmd[256], err[256], *got, want[256];
	size_t	 n;

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "  %s/args\t%s/out  -i \t -t -f x@y  ",
	    dir, dir);
	assert_int_equal(run(cmd, LIT("m"), 10, err), 0);
	got = slurp("out", &n);
	(void)snprintf(want, sizeof(want), "[%s/out]\n[-i]\n[-t]\n[-f]\n[x@y]\n",
	    dir);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(got, want, n);
	free(got);
}

static void
test_sendmail_exit_status(void **state)
{
	(void)state;
	send_fails("fail75", NULL, LIT("msg"), "exited with status 75");
	send_fails("fail1", NULL, LIT("msg"), "exited with status 1");
	send_fails("fail75", NULL, big, BIG, "exited with status 75");
}

static void
test_sendmail_killed_by_signal(void **state)
{
	(void)state;
	send_fails("signal", NULL, LIT("msg"), "killed by signal 15");
}

/* Exiting 0 without reading the whole message is still a failure. */
static void
test_sendmail_not_read(void **state)
{
	(void)state;
	send_fails("noread", NULL, big, BIG, "did not read the whole message");
	send_fails("partial", NULL, big, BIG, "did not read the whole message");
	/* A failing status says more, and wins. */
	send_fails("noread3", NULL, big, BIG, "exited with status 3");
}

static void
test_sendmail_missing_program(void **state)
{
	char	err[256];

	(void)state;
	send_fails("nonexistent", NULL, LIT("msg"), EXEC_FAILED);
	send_fails("noexec", NULL, LIT("msg"), EXEC_FAILED);
	send_fails("", NULL, LIT("msg"), EXEC_FAILED);	/* a directory */
	/* No PATH search: the program must be given by its path. */
	assert_int_equal(run("cat", LIT("msg"), 10, err), -1);
	assert_string_equal(err, EXEC_FAILED);
	assert_int_equal(run("sendmail -i -t", LIT("msg"), 10, err), -1);
	assert_string_equal(err, EXEC_FAILED);
}

static void
test_sendmail_bad_command(void **state)
{
	char	err[256], cmd[2048];
	size_t	i;

	(void)state;
	assert_int_equal(run("", LIT("msg"), 10, err), -1);
	assert_string_equal(err, "bad sendmail command");
	assert_int_equal(run("   ", LIT("msg"), 10, err), -1);
	assert_string_equal(err, "bad sendmail command");
	assert_int_equal(run(" \t ", LIT("msg"), 10, err), -1);
	assert_string_equal(err, "bad sendmail command");

	/* Fifteen words are fine, sixteen too many. */
	(void)snprintf(cmd, sizeof(cmd), "%s/args %s/out", dir, dir);
	for (i = 2; i < 15; i++)
		strcat(cmd, " x");
	assert_int_equal(run(cmd, LIT("msg"), 10, err), 0);
	strcat(cmd, " x");
	assert_int_equal(run(cmd, LIT("msg"), 10, err), -1);
	assert_string_equal(err, "bad sendmail command");
}

/* 1023 bytes of command fit; 1024 and more are refused, never cut. */
static void
test_sendmail_long_command(void **state)
{
	char	err[256], cmd[4096];
	int	n;

	(void)state;
	n = snprintf(cmd, sizeof(cmd), "%s/ok %s/out", dir, dir);
	memset(cmd + n, ' ', 1023 - (size_t)n);
	cmd[1023] = '\0';
	assert_int_equal(run(cmd, LIT("msg"), 10, err), 0);
	cmd[1023] = ' ';
	cmd[1024] = '\0';
	assert_int_equal(run(cmd, LIT("msg"), 10, err), -1);
	assert_string_equal(err, "bad sendmail command");

	/* A long program path is refused before anything runs. */
	memset(cmd, 'a', 3000);
	cmd[0] = '/';
	cmd[3000] = '\0';
	assert_int_equal(run(cmd, LIT("msg"), 10, err), -1);
	assert_string_equal(err, "bad sendmail command");
}

/* True once pid has gone (or is a zombie nobody has reaped yet). */
static bool
is_gone(pid_t pid)
{
	char	 path[64], buf[256], *p;
	FILE	*f;
	size_t	 n;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return true;
	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	(void)fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && (p[2] == 'Z' || p[2] == 'X');
}

static pid_t
read_pid(const char *name)
{
	char	*s;
	size_t	 n;
	long	 pid;

	s = slurp(name, &n);
	s[n] = '\0';
	pid = strtol(s, NULL, 10);
	free(s);
	assert_true(pid > 1);
	return (pid_t)pid;
}

static void
assert_killed(pid_t pid)
{
	int i;

	for (i = 0; i < 100 && !is_gone(pid); i++)
		(void)usleep(20 * 1000);
	if (!is_gone(pid)) {
		(void)kill(pid, SIGKILL);
		fail_msg("process %d survived the time-out", (int)pid);
	}
}

/* A hanging program is killed after the time limit, with its children. */
static void
test_sendmail_timeout(void **state)
{
	char	cmd[256], err[256], path[128];
	double	t0, dt;

	(void)state;
	path_of(path, sizeof(path), "pid1");
	(void)unlink(path);
	path_of(path, sizeof(path), "pid2");
	(void)unlink(path);
	(void)snprintf(cmd, sizeof(cmd), "%s/hang %s/pid1 %s/pid2", dir, dir, dir);
	t0 = now();
	assert_int_equal(run(cmd, LIT("msg"), 1, err), -1);
	dt = now() - t0;
	assert_string_equal(err, "timed out after 1 s");
	assert_true(dt >= 0.9);
	assert_true(dt < 5.0);
	assert_killed(read_pid("pid1"));
	assert_killed(read_pid("pid2"));
}

/* The limit also holds while the message is still being written. */
static void
test_sendmail_timeout_writing(void **state)
{
	char	cmd[256], err[256], path[128];
	double	t0, dt;

	(void)state;
	path_of(path, sizeof(path), "pid1");
	(void)unlink(path);
	path_of(path, sizeof(path), "pid2");
	(void)unlink(path);
	(void)snprintf(cmd, sizeof(cmd), "%s/hang %s/pid1 %s/pid2", dir, dir, dir);
	t0 = now();
	assert_int_equal(run(cmd, big, BIG, 1, err), -1);
	dt = now() - t0;
	assert_string_equal(err, "timed out after 1 s");
	assert_true(dt >= 0.9);
	assert_true(dt < 5.0);
	assert_killed(read_pid("pid1"));
	assert_killed(read_pid("pid2"));
}

/* Reading everything does not help a program that then hangs. */
static void
test_sendmail_timeout_after_read(void **state)
{
	char	cmd[256], err[256];
	double	t0;

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "%s/slow", dir);
	t0 = now();
	assert_int_equal(run(cmd, big, BIG, 1, err), -1);
	assert_string_equal(err, "timed out after 1 s");
	assert_true(now() - t0 < 5.0);
}

/* Nothing is left behind: no child to reap, and the next call works. */
static void
test_sendmail_no_leftovers(void **state)
{
	char	cmd[256], err[256];
	int	status;

	(void)state;
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	(void)snprintf(cmd, sizeof(cmd), "%s/ok %s/out", dir, dir);
	assert_int_equal(run(cmd, LIT("again"), 10, err), 0);
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* A short error buffer gets a cut, terminated message. */
static void
test_sendmail_short_err(void **state)
{
	char	cmd[256], err[8];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "%s/fail75", dir);
	memset(err, 'x', sizeof(err));
	assert_int_equal(sendmail_send(cmd, "m", 1, 10, err, sizeof(err)), -1);
	assert_string_equal(err, "exited ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sendmail_success),
		cmocka_unit_test(test_sendmail_large),
		cmocka_unit_test(test_sendmail_arguments),
		cmocka_unit_test(test_sendmail_exit_status),
		cmocka_unit_test(test_sendmail_killed_by_signal),
		cmocka_unit_test(test_sendmail_not_read),
		cmocka_unit_test(test_sendmail_missing_program),
		cmocka_unit_test(test_sendmail_bad_command),
		cmocka_unit_test(test_sendmail_long_command),
		cmocka_unit_test(test_sendmail_timeout),
		cmocka_unit_test(test_sendmail_timeout_writing),
		cmocka_unit_test(test_sendmail_timeout_after_read),
		cmocka_unit_test(test_sendmail_no_leftovers),
		cmocka_unit_test(test_sendmail_short_err),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
