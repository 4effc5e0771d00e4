/*
 * portal: the FastCGI server. The master reads the config and compiles the
 * templates once per language from the catalogs (a broken template or an
 * incomplete catalog stops start-up), opens the unix socket, drops
 * privileges and forks the workers. It restarts a worker that dies, reloads
 * config and templates on SIGHUP (workers are replaced gracefully), and stops
 * everything on SIGTERM or SIGINT. Under systemd (Type=notify) it reports
 * readiness once the workers are forked, and each reload and the stop.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "log.h"
#include "i18n.h"
#include "mustache.h"
#include "server.h"

#define MAX_WORKERS	256
#define LISTEN_BACKLOG	1024
#define STOP_TIMEOUT	10	/* seconds before stragglers get SIGKILL */

struct worker {
	pid_t	pid;
	time_t	started;
};

static volatile sig_atomic_t got_child, got_term, got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_child = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else {
		got_term = 1;
		FCGX_ShutdownPending();	/* only sets a flag in libfcgi */
	}
}

static int
install(int sig, void (*fn)(int))
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: accept() must see EINTR */
	return sigaction(sig, &sa, NULL);
}

/* Loads config and templates; on failure logs why and returns -1. */
static int
load(const char *path, struct config **cfgp, struct i18n **tplp)
{
	struct config		*cfg = NULL;
	struct i18n	*tpl = NULL;
	struct mustache_error	 merr;
	char			 err[512];
	int			 rc = -1;

	if ((cfg = malloc(sizeof(*cfg))) == NULL) {
		log_error("%s: out of memory", __func__);
		goto out;
	}
	if (config_load(cfg, path, err, sizeof(err)) == -1) {
		log_error("config: %s", err);
		goto out;
	}
	if (config_apply_timezone(cfg) == -1) {
		log_error("config: cannot set timezone %s", cfg->timezone);
		goto out;
	}
	if (!cfg->css_versioned)
		log_warn("config: cannot read %s/settle.css; pages link the "
		    "unversioned /static/settle.css", cfg->static_dir);
	if (i18n_load(cfg->templates, cfg->po, &tpl, &merr) == -1) {
		log_error("template %s:%u:%u: %s", merr.template, merr.line,
		    merr.column, merr.message);
		goto out;
	}
	*cfgp = cfg;
	*tplp = tpl;
	cfg = NULL;
	tpl = NULL;
	rc = 0;
out:
	if (cfg != NULL)
		sodium_memzero(cfg, sizeof(*cfg));
	free(cfg);
	i18n_free(tpl);
	return rc;
}

/*
 * Binds the unix socket. A leftover socket file from a crashed run is
 * removed, but only when nobody answers on it: two portals never share one.
 */
static int
listen_unix(const char *path)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd = -1, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_error("%s: socket path too long: %s", __func__, path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			log_error("%s: %s: another portal is listening", __func__, path);
			(void)close(probe);
			return -1;
		}
		(void)close(probe);
	}
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		log_error("%s: socket: %s", __func__, strerror(errno));
		return -1;
	}
	old = umask(0117);	/* rw for owner and group: nginx's group */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		log_error("%s: %s: %s", __func__, path, strerror(errno));
		(void)umask(old);
		(void)close(fd);
		return -1;
	}
	(void)umask(old);
	return fd;
}

/* As root, switch to cfg->user for good (the socket is given to it first). */
static int
drop_privileges(const struct config *cfg)
{
	struct passwd	*pw;

	if (geteuid() != 0)
		return 0;
	if (cfg->user[0] == '\0') {
		log_error("refusing to run as root: set \"user\" in the config");
		return -1;
	}
	if ((pw = getpwnam(cfg->user)) == NULL) {
		log_error("%s: no such user: %s", __func__, cfg->user);
		return -1;
	}
	if (chown(cfg->socket, pw->pw_uid, pw->pw_gid) == -1 ||
	    initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		log_error("%s: %s", __func__, strerror(errno));
		return -1;
	}
	if (setuid(0) != -1) {
		log_error("%s: could regain root", __func__);
		return -1;
	}
	return 0;
}

static int
write_pidfile(const char *path)
{
	char	pid[32];
	int	fd, n;

	if (path[0] == '\0')
		return 0;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1 ||
	    write(fd, pid, (size_t)n) != n) {
		log_error("%s: %s: %s", __func__, path, strerror(errno));
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	return close(fd);
}

/* In the child: default signals, then serve until told to stop. */
static void
worker_main(const struct config *cfg, const struct i18n *tpl, int fd,
    const sigset_t *oldmask)
{
	got_term = 0;
	if (install(SIGTERM, on_signal) == -1 || install(SIGINT, on_signal) == -1 ||
	    signal(SIGHUP, SIG_IGN) == SIG_ERR || signal(SIGCHLD, SIG_DFL) == SIG_ERR ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR ||
	    sigprocmask(SIG_SETMASK, oldmask, NULL) == -1)
		_exit(EXIT_FAILURE);
	_exit(server_run(cfg, tpl, fd, &got_term));
}

static int
spawn(struct worker *w, const struct config *cfg, const struct i18n *tpl,
    int fd, const sigset_t *oldmask)
{
	pid_t	pid;

	if ((pid = fork()) == -1) {
		log_error("%s: fork: %s", __func__, strerror(errno));
		return -1;
	}
	if (pid == 0)
		worker_main(cfg, tpl, fd, oldmask);
	w->pid = pid;
	w->started = time(NULL);
	return 0;
}

/*
 * Reaps dead workers and starts replacements. A worker that died within a
 * second of starting is replaced after a pause, so a crash loop cannot spin.
 */
static void
reap_and_respawn(struct worker *w, int n, const struct config *cfg,
    const struct i18n *tpl, int fd, const sigset_t *oldmask, bool respawn)
{
	pid_t	pid;
	int	status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < n; i++) {
			if (w[i].pid != pid)
				continue;
			w[i].pid = 0;
			if (WIFSIGNALED(status))
				log_warn("worker %d killed by signal %d", (int)pid,
				    WTERMSIG(status));
			else if (respawn)
				log_warn("worker %d exited with %d", (int)pid,
				    WEXITSTATUS(status));
			if (!respawn || i >= cfg->workers)
				continue;	/* stopping, or fewer after a reload */
			if (time(NULL) - w[i].started < 1)
				(void)sleep(1);
			(void)spawn(&w[i], cfg, tpl, fd, oldmask);
		}
	}
}

static int
count_alive(const struct worker *w, int n)
{
	int	i, alive = 0;

	for (i = 0; i < n; i++)
		if (w[i].pid > 0)
			alive++;
	return alive;
}

/* Sends SIGTERM to all workers, waits, then SIGKILLs whoever is left. */
static void
stop_workers(struct worker *w, int n)
{
	struct timespec	 ts = { 1, 0 };
	sigset_t	 chld;
	time_t		 deadline = time(NULL) + STOP_TIMEOUT;
	pid_t		 pid;
	int		 i, status;

	for (i = 0; i < n; i++)
		if (w[i].pid > 0)
			(void)kill(w[i].pid, SIGTERM);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while (count_alive(w, n) > 0) {
		if (time(NULL) >= deadline)
			for (i = 0; i < n; i++)
				if (w[i].pid > 0)
					(void)kill(w[i].pid, SIGKILL);
		(void)sigtimedwait(&chld, NULL, &ts);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (i = 0; i < n; i++)
				if (w[i].pid == pid)
					w[i].pid = 0;
	}
}

/* SIGHUP: load anew; if that works, replace every worker one by one. */
static void
reload(const char *path, struct config **cfg, struct i18n **tpl,
    struct worker *w, int *n)
{
	struct config		*ncfg;
	struct i18n	*ntpl;
	int			 i;

	log_info("reloading %s", path);
	(void)sd_notify(0, "RELOADING=1");
	if (load(path, &ncfg, &ntpl) == -1) {
		log_error("reload failed; keeping the running configuration");
		(void)sd_notify(0, "READY=1\nSTATUS=reload failed; "
		    "running the previous configuration");
		return;
	}
	if (strcmp(ncfg->socket, (*cfg)->socket) != 0)
		log_warn("socket path changes need a restart; keeping %s",
		    (*cfg)->socket);
	(void)snprintf(ncfg->socket, sizeof(ncfg->socket), "%s", (*cfg)->socket);
	sodium_memzero(*cfg, sizeof(**cfg));
	free(*cfg);
	i18n_free(*tpl);
	*cfg = ncfg;
	*tpl = ntpl;
	for (i = 0; i < *n; i++)	/* they are respawned with the new state */
		if (w[i].pid > 0)
			(void)kill(w[i].pid, SIGTERM);
	if (ncfg->workers > *n)
		*n = ncfg->workers;
	(void)sd_notify(0, "READY=1\nSTATUS=reloaded");
}

static int
master(const char *path, struct config *cfg, struct i18n *tpl, int fd)
{
	struct worker	 w[MAX_WORKERS];
	sigset_t	 block, oldmask;
	int		 i, n = cfg->workers;

	memset(w, 0, sizeof(w));
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &block, &oldmask) == -1 ||
	    install(SIGCHLD, on_signal) == -1 || install(SIGTERM, on_signal) == -1 ||
	    install(SIGINT, on_signal) == -1 || install(SIGHUP, on_signal) == -1 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return EXIT_FAILURE;
	for (i = 0; i < n; i++)
		if (spawn(&w[i], cfg, tpl, fd, &oldmask) == -1)
			return EXIT_FAILURE;
	log_info("listening on %s with %d workers", cfg->socket, n);
	(void)sd_notifyf(0, "READY=1\nSTATUS=listening on %s with %d workers",
	    cfg->socket, n);
	while (!got_term) {
		(void)sigsuspend(&oldmask);
		if (got_hup) {
			got_hup = 0;
			reload(path, &cfg, &tpl, w, &n);
		}
		if (got_child && !got_term) {
			got_child = 0;
			reap_and_respawn(w, n, cfg, tpl, fd, &oldmask, true);
		}
	}
	log_info("stopping");
	(void)sd_notify(0, "STOPPING=1");
	stop_workers(w, n);
	(void)unlink(cfg->socket);
	if (cfg->pidfile[0] != '\0')
		(void)unlink(cfg->pidfile);
	sodium_memzero(cfg, sizeof(*cfg));
	free(cfg);
	i18n_free(tpl);
	return EXIT_SUCCESS;
}

static void
usage(void)
{
	fprintf(stderr, "usage: portal [-t] [-c config]\n");
	exit(EXIT_FAILURE);
}

int
main(int argc, char *argv[])
{
	const char		*path = CONFIG_DEFAULT_PATH;
	struct config		*cfg = NULL;
	struct i18n	*tpl = NULL;
	bool			 test_only = false;
	int			 ch, fd;

	log_init("portal");
	while ((ch = getopt(argc, argv, "c:t")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test_only = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (sodium_init() == -1) {
		log_error("sodium_init failed");
		return EXIT_FAILURE;
	}
	if (load(path, &cfg, &tpl) == -1)
		return EXIT_FAILURE;
	if (test_only) {
		printf("%s: configuration and templates are fine (%zu languages)\n",
		    path, i18n_count(tpl));
		i18n_free(tpl);
		sodium_memzero(cfg, sizeof(*cfg));
		free(cfg);
		return EXIT_SUCCESS;
	}
	if ((fd = listen_unix(cfg->socket)) == -1 || drop_privileges(cfg) == -1 ||
	    write_pidfile(cfg->pidfile) == -1)
		return EXIT_FAILURE;
	return master(path, cfg, tpl, fd);
}
