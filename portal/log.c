#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_progname = "settle";

void
log_init(const char *progname)
{
	log_progname = progname;
}

/* Formats one line into a local buffer and writes it with one call, so
 * lines from several workers sharing a log file do not interleave. */
static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char		 line[2048];
	struct tm	 tm;
	time_t		 now = time(NULL);
	int		 n, m;

	if (gmtime_r(&now, &tm) == NULL)
		return;
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02dZ %s[%d] %s: ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, log_progname, (int)getpid(), level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;	/* a long message is cut, never overflowed */
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
