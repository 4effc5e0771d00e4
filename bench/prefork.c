#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prefork.h"

#define MAX_WORKERS	64
#define BACKLOG		128

static int
listen_unix(const char *path)
{
	struct sockaddr_un	sun;
	mode_t			old;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "prefork: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		fprintf(stderr, "prefork: socket: %s\n", strerror(errno));
		return -1;
	}
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, BACKLOG) == -1) {
		fprintf(stderr, "prefork: %s: %s\n", path, strerror(errno));
		(void)umask(old);
		(void)close(fd);
		return -1;
	}
	(void)umask(old);
	return fd;
}

/* In the child: default signals, unblocked, then serve until killed. */
static pid_t
spawn(int fd, prefork_serve_fn *serve, void *arg, const sigset_t *oldmask)
{
	pid_t	pid;

	if ((pid = fork()) == -1) {
		fprintf(stderr, "prefork: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (signal(SIGPIPE, SIG_IGN) == SIG_ERR ||
		    sigprocmask(SIG_SETMASK, oldmask, NULL) == -1)
			_exit(EXIT_FAILURE);
		_exit(serve(fd, arg));
	}
	return pid;
}

/* Reaps exited workers; returns how many are still running. */
static int
reap(pid_t *pids, int n)
{
	pid_t	pid;
	int	status, i, alive = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < n; i++)
			if (pids[i] == pid) {
				fprintf(stderr, "prefork: worker %d ended (status %d)\n",
				    (int)pid, status);
				pids[i] = 0;
			}
	for (i = 0; i < n; i++)
		alive += pids[i] > 0;
	return alive;
}

static void
stop_all(pid_t *pids, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			(void)kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			(void)waitpid(pids[i], NULL, 0);
}

int
prefork_run(const char *path, int n, prefork_serve_fn *serve, void *arg)
{
	pid_t		pids[MAX_WORKERS] = { 0 };
	sigset_t	set, oldmask;
	int		fd = -1, i, sig, rc = 1;

	if (n < 1 || n > MAX_WORKERS) {
		fprintf(stderr, "prefork: workers must be 1 to %d\n", MAX_WORKERS);
		return 1;
	}
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &oldmask) == -1 ||
	    (fd = listen_unix(path)) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if ((pids[i] = spawn(fd, serve, arg, &oldmask)) == -1)
			goto out;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			goto out;
		if (sig != SIGCHLD)
			break;
		if (reap(pids, n) == 0)
			goto out;
	}
	rc = 0;
out:
	stop_all(pids, n);
	if (fd != -1) {
		(void)close(fd);
		(void)unlink(path);
	}
	return rc;
}
