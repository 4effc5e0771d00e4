#ifndef PORTAL_TZ_H
#define PORTAL_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "date.h"

/*
 * Time zones by their IANA names ("Europe/Madrid"), as the system's
 * zoneinfo files (TZDIR, default /usr/share/zoneinfo) define them.
 */
#define TZ_NAME_MAX	64	/* bytes of a zone name with its NUL */

/* True when name is a zone of the system zoneinfo (a TZif file there). */
bool tz_valid(const char *name);
/*
 * The zone's city for people, "Madrid", "New York" (its last part, _ as a
 * space); the name itself when it has no '/' ("UTC"). 0 or -1 (too long).
 */
int tz_city(const char *name, char *out, size_t n);
/*
 * The moment hour:00 of day d is in zone (the process's own zone when zone
 * is NULL or ""); (time_t)-1 on failure. The process's TZ is restored.
 */
time_t tz_time(const char *zone, struct date d, int hour);

#endif
