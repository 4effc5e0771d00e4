#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ics.h"

#define ICS_FOLD	75	/* octets per line, CRLF excluded */

/*
 * Appends one content line, folding it: after 75 octets a CRLF and a space
 * start a continuation line (the space counts toward the next 75). A fold
 * never falls inside a UTF-8 sequence.
 */
static int
put_line(struct buf *out, const char *line, size_t len)
{
	size_t	room = ICS_FOLD, n;

	while (len > room) {
		n = room;
		while (n > 0 && ((unsigned char)line[n] & 0xc0) == 0x80)
			n--;
		if (buf_append(out, line, n) == -1 || buf_append(out, "\r\n ", 3) == -1)
			return -1;
		line += n;
		len -= n;
		room = ICS_FOLD - 1;
	}
	if (buf_append(out, line, len) == -1)
		return -1;
	return buf_append(out, "\r\n", 2);
}

/* "NAME:" then the TEXT value escaped, as one folded line. */
static int
put_text(struct buf *out, const char *name, const char *value)
{
	struct buf	line;
	int		rc = -1;

	buf_init(&line, 64 * 1024);
	(void)buf_puts(&line, name);
	(void)buf_putc(&line, ':');
	for (; *value != '\0'; value++) {
		switch (*value) {
		case '\\': (void)buf_puts(&line, "\\\\"); break;
		case ';': (void)buf_puts(&line, "\\;"); break;
		case ',': (void)buf_puts(&line, "\\,"); break;
		case '\n': (void)buf_puts(&line, "\\n"); break;
		case '\r': break;
		default: (void)buf_putc(&line, *value); break;
		}
	}
	if (!buf_failed(&line))
		rc = put_line(out, line.data, line.len);
	buf_free(&line);
	return rc;
}

static int
put_raw(struct buf *out, const char *line)
{
	return put_line(out, line, strlen(line));
}

int
ics_begin(struct buf *out, const char *calname)
{
	if (put_raw(out, "BEGIN:VCALENDAR") == -1 ||
	    put_raw(out, "VERSION:2.0") == -1 ||
	    put_raw(out, "PRODID:-//Settle//Payment plan//EN") == -1 ||
	    put_raw(out, "CALSCALE:GREGORIAN") == -1 ||
	    put_raw(out, "METHOD:PUBLISH") == -1)
		return -1;
	return put_text(out, "X-WR-CALNAME", calname);
}

int
ics_event(struct buf *out, const struct ics_event *e)
{
	struct date	next = date_add_days(e->day, 1);
	char		line[64];

	if (!date_valid(e->day) || !date_valid(next) ||
	    strpbrk(e->uid, "\r\n") != NULL || strpbrk(e->stamp, "\r\n") != NULL)
		return -1;
	if (put_raw(out, "BEGIN:VEVENT") == -1 || put_text(out, "UID", e->uid) == -1)
		return -1;
	if (buf_printf(out, "DTSTAMP:%s\r\n", e->stamp) == -1)
		return -1;
	(void)snprintf(line, sizeof(line), "DTSTART;VALUE=DATE:%04d%02d%02d",
	    e->day.year, e->day.month, e->day.day);
	if (put_raw(out, line) == -1)
		return -1;
	(void)snprintf(line, sizeof(line), "DTEND;VALUE=DATE:%04d%02d%02d",
	    next.year, next.month, next.day);
	if (put_raw(out, line) == -1 ||
	    put_text(out, "SUMMARY", e->summary) == -1 ||
	    put_text(out, "DESCRIPTION", e->description) == -1 ||
	    put_raw(out, "TRANSP:TRANSPARENT") == -1)
		return -1;
	return put_raw(out, "END:VEVENT");
}

/* A UTC date-time as RFC 5545 writes it: 16 characters, digits, T and Z. */
static bool
stamp_safe(const char *s)
{
	size_t	i;

	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return false;
	for (i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

int
ics_appointment(struct buf *out, const struct ics_event *e, const char *start,
    const char *end)
{
	if (!stamp_safe(start) || !stamp_safe(end) ||
	    strpbrk(e->uid, "\r\n") != NULL || !stamp_safe(e->stamp))
		return -1;
	if (put_raw(out, "BEGIN:VEVENT") == -1 || put_text(out, "UID", e->uid) == -1 ||
	    buf_printf(out, "DTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\n",
	    e->stamp, start, end) == -1 ||
	    put_text(out, "SUMMARY", e->summary) == -1 ||
	    put_text(out, "DESCRIPTION", e->description) == -1)
		return -1;
	return put_raw(out, "END:VEVENT");
}

int
ics_end(struct buf *out)
{
	return put_raw(out, "END:VCALENDAR");
}
