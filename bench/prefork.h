#ifndef BENCH_PREFORK_H
#define BENCH_PREFORK_H

/*
 * The process model of the benchmark's FastCGI peers (hello.c, plain.c),
 * the same as the portal's: a master binds a unix socket, forks workers
 * that each accept on it, and waits. SIGTERM or SIGINT stops the workers
 * and removes the socket. A worker that dies is reported, not replaced:
 * a benchmark must not hide a crash.
 */

/* Called in each worker with the listening socket; returns an exit status. */
typedef int prefork_serve_fn(int listen_fd, void *arg);

/*
 * Binds path (mode 0660), forks n workers running serve(fd, arg), waits for
 * a stop signal. Returns 0 after a clean stop, 1 on failure (logged).
 */
int prefork_run(const char *path, int n, prefork_serve_fn *serve, void *arg);

#endif
