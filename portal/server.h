#ifndef PORTAL_SERVER_H
#define PORTAL_SERVER_H

#include <signal.h>

/*
 * A worker: accepts FastCGI requests on the listening socket until told to
 * stop, turning each into a request struct, routing it to its handler and
 * writing the response. It owns one database connection.
 */
struct config;
struct i18n;

/* Runs the accept loop until *stop is set; returns the exit status. */
int server_run(const struct config *cfg, const struct i18n *i18n,
    int listen_fd, volatile sig_atomic_t *stop);

#endif
