#ifndef PORTAL_CSV_H
#define PORTAL_CSV_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A strict RFC 4180 reader over a buffer in memory, for the invoice import.
 *
 * Accepted: records separated by LF or CRLF (mixed is fine), a last record
 * without a line end, empty fields, quoted fields with "" for a quote and
 * with commas and line ends inside (kept verbatim: a CRLF inside quotes
 * stays CRLF), and a UTF-8 byte order mark at the very start (skipped).
 *
 * Rejected, each with its own code, a message and the 1-based physical line
 * and column of the fault: NUL bytes, invalid UTF-8, a quote inside an
 * unquoted field, anything but a comma or a line end after a closing quote,
 * a quoted field still open at the end of input (reported where it opened),
 * a CR not followed by LF outside quotes, more than CSV_MAX_FIELDS fields,
 * a field over CSV_MAX_FIELD bytes, a record over CSV_MAX_RECORD bytes.
 *
 * Empty lines: empty lines at the end of input (editors and spreadsheets
 * leave them) are ignored; an empty line followed by more data is an error
 * (CSV_ERR_EMPTY_LINE), because in an import file it means a damaged or
 * spliced file rather than a record of one empty field. A line of only
 * spaces or commas is an ordinary record; checking the field count against
 * the header is the caller's job.
 *
 * Columns count characters (code points), not bytes; the BOM is not
 * counted. After an error every later csv_next() returns -1 again.
 */

#define CSV_MAX_FIELDS	32
#define CSV_MAX_FIELD	8192		/* bytes in one field, NUL excluded */
#define CSV_MAX_RECORD	(64 * 1024)	/* bytes in one record, a NUL per field included */

enum csv_err {
	CSV_ERR_NONE,
	CSV_ERR_NUL,		/* a NUL byte */
	CSV_ERR_UTF8,		/* invalid UTF-8 */
	CSV_ERR_QUOTE,		/* a quote inside an unquoted field */
	CSV_ERR_AFTER_QUOTE,	/* a character after a closing quote */
	CSV_ERR_UNTERMINATED,	/* a quoted field never closed */
	CSV_ERR_BARE_CR,	/* a CR not followed by LF outside quotes */
	CSV_ERR_EMPTY_LINE,	/* an empty line before more data */
	CSV_ERR_FIELDS,		/* more than CSV_MAX_FIELDS fields */
	CSV_ERR_FIELD_LONG,	/* a field over CSV_MAX_FIELD bytes */
	CSV_ERR_RECORD_LONG,	/* a record over CSV_MAX_RECORD bytes */
	CSV_ERR_LINES,		/* more lines than the counter holds */
	CSV_ERR_ARGS,		/* NULL arguments */
	CSV_ERR__MAX
};

struct csv_record {
	size_t	 nfields;
	char	*fields[CSV_MAX_FIELDS];	/* NUL-terminated, inside struct csv */
	size_t	 lens[CSV_MAX_FIELDS];		/* bytes, NUL excluded */
	unsigned line;				/* physical line the record starts on */
};

/*
 * Reader state. It holds the record buffer (CSV_MAX_RECORD bytes), so keep
 * it off small stacks. After csv_next() returns -1, err, error, line and
 * column describe the fault; the other members are private.
 */
struct csv {
	enum csv_err	 err;
	const char	*error;		/* static message for err */
	unsigned	 line;		/* 1-based physical line of the fault */
	unsigned	 column;	/* 1-based character column of the fault */

	const char	*data;
	size_t		 len;
	size_t		 pos;
	unsigned	 cur_line;
	unsigned	 cur_col;
	int		 state;
	size_t		 used;
	char		 buf[CSV_MAX_RECORD];
};

/* Starts reading the len bytes at data (borrowed, must outlive c); 0, or -1 on NULL arguments. */
int csv_init(struct csv *c, const char *data, size_t len);
/* The next record into *rec, valid until the next call: 1, 0 at the end, -1 on error (see c->err). */
int csv_next(struct csv *c, struct csv_record *rec);
/* Field i of r (owned by the struct csv it came from), or NULL when out of range. */
const char *csv_field(const struct csv_record *r, size_t i);
/* A static English message for err. */
const char *csv_strerror(enum csv_err err);

/*
 * Writing (the staff CSV exports). Appends s to b as one RFC 4180 field:
 * quoted when it holds a comma, a quote, CR or LF (quotes doubled). A field
 * that starts with = + - @, a tab or a CR is prefixed with a single quote,
 * so a spreadsheet never runs it as a formula (CSV injection). 0, or -1
 * when b has failed (buf.h).
 */
struct buf;
int csv_put_field(struct buf *b, const char *s);

#endif
