#ifndef PORTAL_LOG_H
#define PORTAL_LOG_H

/*
 * Logging to stderr, one line per event: time, program[pid], level, message.
 * Under systemd stderr goes to the journal; `make start` sends it to var/log/.
 */

/* Sets the program name printed on each line (a static string). */
void log_init(const char *progname);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
