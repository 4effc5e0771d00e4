#ifndef PORTAL_LOG_H
#define PORTAL_LOG_H

#include <stdbool.h>

/*
 * Logging to stderr, one line per event: time, program[pid], level, message.
 * Under systemd stderr goes to the journal; `make start` sends it to var/log/.
 * Each line is one write(2), so lines of several workers never interleave.
 *
 * While a request is handled, its context (route pattern and nginx's request
 * id) is appended to every line as "route=... rid=...", so an error can be
 * joined with nginx's access log (rid=) and the request's own line. Nothing
 * a person typed, no token, address or path is ever part of the context.
 */

/* Sets the program name printed on each line (a static string). */
void log_init(const char *progname);
/*
 * Sets the request context appended to every line until log_context_clear();
 * route (a route pattern, "-" for none) and rid are copied, rid only if it is
 * 1 to 32 characters of [0-9A-Za-z] ("-" otherwise).
 */
void log_context(const char *route, const char *rid);
void log_context_clear(void);
/*
 * The request's line: "request METHOD ROUTE STATUS MS" as logfmt fields,
 * with the context's route and rid; one write.
 */
void log_request(const char *method, int status, double ms);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
