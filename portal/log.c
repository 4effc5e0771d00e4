#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define CONTEXT_ROUTE	64
#define CONTEXT_RID	33

/*
 * The program name and the context of the request being handled: process
 * state, like the pid, written by the one thread of a worker.
 */
static const char *log_progname = "settle";
static char log_route[CONTEXT_ROUTE];
static char log_rid[CONTEXT_RID];

void
log_init(const char *progname)
{
	log_progname = progname;
}

void
log_context(const char *route, const char *rid)
{
	size_t	n = rid != NULL ? strlen(rid) : 0, i;
	bool	ok = n > 0 && n < sizeof(log_rid);

	for (i = 0; ok && i < n; i++)
		ok = isascii((unsigned char)rid[i]) && isalnum((unsigned char)rid[i]);
	if ((size_t)snprintf(log_route, sizeof(log_route), "%s",
	    route != NULL && route[0] != '\0' ? route : "-") >= sizeof(log_route))
		(void)snprintf(log_route, sizeof(log_route), "-");
	(void)snprintf(log_rid, sizeof(log_rid), "%s", ok ? rid : "-");
}

void
log_context_clear(void)
{
	log_route[0] = '\0';
	log_rid[0] = '\0';
}

/*
 * Makes line[start..end) one line: control characters (libpq's messages
 * end in newlines and indent with tabs) become spaces, trailing spaces go.
 * Returns the new end.
 */
static int
one_line(char *line, int start, int end)
{
	int	i;

	for (i = start; i < end; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	while (end > start && line[end - 1] == ' ')
		end--;
	return end;
}

/* Formats one line into a local buffer and writes it with one call, so
 * lines from several workers sharing a log file do not interleave. */
static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char		 line[2048], ctx[CONTEXT_ROUTE + CONTEXT_RID + 16] = "";
	struct tm	 tm;
	time_t		 now = time(NULL);
	size_t		 room, clen = 0;
	int		 n, m;

	if (gmtime_r(&now, &tm) == NULL)
		return;
	if (log_route[0] != '\0' && (m = snprintf(ctx, sizeof(ctx),
	    " route=%s rid=%s", log_route, log_rid)) > 0 && (size_t)m < sizeof(ctx))
		clen = (size_t)m;
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02dZ %s[%d] %s: ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, log_progname, (int)getpid(), level);
	if (n < 0 || (size_t)n + clen + 2 >= sizeof(line))
		return;
	room = sizeof(line) - (size_t)n - clen - 1;	/* the newline */
	if ((m = vsnprintf(line + n, room, fmt, ap)) < 0)
		return;
	/* A long message is cut, never overflowed; the context always fits. */
	m = (size_t)m >= room ? n + (int)room - 1 : n + m;
	n = one_line(line, n, m);
	memcpy(line + n, ctx, clen);
	n += (int)clen;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_line("warning", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void
log_request(const char *method, int status, double ms)
{
	log_info("request method=%s status=%d ms=%.1f", method, status, ms);
}
