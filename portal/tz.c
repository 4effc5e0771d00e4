#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"

static const char *
tzdir(void)
{
	const char	*d = getenv("TZDIR");

	return d != NULL && d[0] != '\0' ? d : "/usr/share/zoneinfo";
}

/* Letters, digits, '_', '-', '+' and '/' between parts; no "..". */
static bool
name_ok(const char *s)
{
	size_t	n = strnlen(s, TZ_NAME_MAX);

	if (n == 0 || n >= TZ_NAME_MAX || s[0] == '/' || s[n - 1] == '/' ||
	    strstr(s, "..") != NULL || strstr(s, "//") != NULL || s[0] == '.')
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-+/") == n;
}

bool
tz_valid(const char *name)
{
	char		 path[4096], magic[4];
	struct stat	 st;
	int		 fd;
	bool		 ok = false;

	if (name == NULL || !name_ok(name) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", tzdir(), name) >=
	    sizeof(path))
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", 4) == 0)
		ok = true;
	(void)close(fd);
	return ok;
}

int
tz_city(const char *name, char *out, size_t n)
{
	const char	*city = strrchr(name, '/');
	size_t		 i, len;

	city = city != NULL ? city + 1 : name;
	len = strlen(city);
	if (n == 0 || len >= n)
		return -1;
	for (i = 0; i < len; i++)
		out[i] = city[i] == '_' ? ' ' : city[i];
	out[len] = '\0';
	return 0;
}

/* mktime of hour:00 on d in the process's zone as it is set now. */
static time_t
local(struct date d, int hour)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = hour;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
tz_time(const char *zone, struct date d, int hour)
{
	char	 old[TZ_NAME_MAX + 2];
	const char *cur;
	bool	 had;
	time_t	 t;

	if (zone == NULL || zone[0] == '\0')
		return local(d, hour);
	if (!name_ok(zone))
		return (time_t)-1;
	cur = getenv("TZ");
	if (cur != NULL && strcmp(cur, zone) == 0)
		return local(d, hour);	/* already the process's zone */
	had = cur != NULL && strlen(cur) < sizeof(old);
	if (had)
		(void)snprintf(old, sizeof(old), "%s", cur);
	if (setenv("TZ", zone, 1) == -1)
		return (time_t)-1;
	tzset();
	t = local(d, hour);
	if (had)
		(void)setenv("TZ", old, 1);
	else
		(void)unsetenv("TZ");
	tzset();
	return t;
}
