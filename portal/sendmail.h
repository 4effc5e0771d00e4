#ifndef PORTAL_SENDMAIL_H
#define PORTAL_SENDMAIL_H

#include <stddef.h>

/*
 * Hands one message to a sendmail-compatible program ("sendmail -i -t"):
 * the message goes to its standard input; success is exit status 0 within
 * the time limit. A program that hangs is killed, with every process it
 * started, when the time is up. The caller must ignore SIGPIPE: a program
 * that exits without reading its input must not kill the caller.
 */
#define SENDMAIL_MAX_ARGS	16

/*
 * Runs command (program and arguments separated by spaces) with message on
 * stdin, waiting at most timeout seconds. Returns 0, or -1 with a short
 * reason in err ("exited with status 75", "timed out after 30 s").
 */
int sendmail_send(const char *command, const char *message, size_t len,
    int timeout, char *err, size_t errsz);

#endif
