#ifndef PORTAL_ICS_H
#define PORTAL_ICS_H

#include "date.h"

/*
 * iCalendar (RFC 5545) output for a plan's schedule: one all-day VEVENT per
 * installment. Lines end in CRLF and are folded at 75 octets without
 * splitting a UTF-8 character; TEXT values are escaped (\\ ; , newline).
 */
struct buf;

struct ics_event {
	const char	*uid;		/* globally unique, stable */
	const char	*stamp;		/* UTC, "20261124T101500Z" */
	struct date	 day;
	const char	*summary;
	const char	*description;
};

/* Appends BEGIN:VCALENDAR and its properties; 0 or -1. */
int ics_begin(struct buf *out, const char *calname);
/* Appends one all-day event; 0 or -1. */
int ics_event(struct buf *out, const struct ics_event *e);
/*
 * Appends one timed event (an appointment) from start to end, each a UTC
 * date-time "20261124T093000Z"; e->day is not used. 0 or -1.
 */
int ics_appointment(struct buf *out, const struct ics_event *e,
    const char *start, const char *end);
/* Appends END:VCALENDAR; 0 or -1. */
int ics_end(struct buf *out);

#endif
