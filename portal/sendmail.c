#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sendmail.h"

#define SENDMAIL_CMD_MAX	1024

/* Splits command at spaces into argv (pointing into buf); -1 if too many. */
static int
split(const char *command, char *buf, size_t bufsz, char **argv)
{
	char	*p, *save = NULL;
	int	 n = 0;

	if (snprintf(buf, bufsz, "%s", command) >= (int)bufsz)
		return -1;
	for (p = strtok_r(buf, " \t", &save); p != NULL;
	    p = strtok_r(NULL, " \t", &save)) {
		if (n == SENDMAIL_MAX_ARGS - 1)
			return -1;
		argv[n++] = p;
	}
	argv[n] = NULL;
	return n > 0 ? 0 : -1;
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec	now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Writes the message through a non-blocking pipe until done or time is up. */
static int
feed(int fd, const char *msg, size_t len, const struct timespec *deadline)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLOUT };
	ssize_t		w;
	long		left;

	while (len > 0) {
		if ((left = ms_left(deadline)) <= 0)
			return -1;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if ((w = write(fd, msg, len)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;	/* EPIPE: the program did not read it all */
		}
		msg += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Waits for pid until the deadline, then kills it; its wait status or -1. */
static int
wait_child(pid_t pid, const struct timespec *deadline, int *status)
{
	const struct timespec	nap = { 0, 20 * 1000 * 1000 };
	pid_t			r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (ms_left(deadline) <= 0) {
			(void)kill(-pid, SIGKILL);	/* its whole process group */
			(void)waitpid(pid, status, 0);
			return -1;
		}
		(void)nanosleep(&nap, NULL);
	}
}

int
sendmail_send(const char *command, const char *msg, size_t len, int timeout,
    char *err, size_t errsz)
{
	struct timespec	 deadline;
	char		 buf[SENDMAIL_CMD_MAX], *argv[SENDMAIL_MAX_ARGS];
	int		 fds[2] = { -1, -1 }, status = 0, fed, waited;
	pid_t		 pid;

	if (split(command, buf, sizeof(buf), argv) == -1) {
		(void)snprintf(err, errsz, "bad sendmail command");
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		(void)snprintf(err, errsz, "cannot start sendmail: %s", strerror(errno));
		if (fds[0] != -1) {
			(void)close(fds[0]);
			(void)close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		/* A group of its own, so a timeout kills whatever it started. */
		if (setpgid(0, 0) == -1 || dup2(fds[0], STDIN_FILENO) == -1)
			_exit(127);
		(void)signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	(void)setpgid(pid, pid);	/* also here: no race with the kill */
	(void)close(fds[0]);
	(void)clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	fed = feed(fds[1], msg, len, &deadline);
	(void)close(fds[1]);
	waited = wait_child(pid, &deadline, &status);
	if (waited == -1)
		(void)snprintf(err, errsz, "timed out after %d s", timeout);
	else if (WIFSIGNALED(status))
		(void)snprintf(err, errsz, "killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		(void)snprintf(err, errsz, "exited with status %d", WEXITSTATUS(status));
	else if (fed == -1)
		(void)snprintf(err, errsz, "did not read the whole message");
	else
		return 0;
	return -1;
}
