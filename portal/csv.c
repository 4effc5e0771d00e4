#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "utf8.h"

enum csv_state {
	CSV_STATE_READING,
	CSV_STATE_DONE,
	CSV_STATE_FAILED,
	CSV_STATE__MAX
};

static const char *const messages[CSV_ERR__MAX] = {
	[CSV_ERR_NONE] = "no error",
	[CSV_ERR_NUL] = "NUL byte",
	[CSV_ERR_UTF8] = "invalid UTF-8",
	[CSV_ERR_QUOTE] = "quote inside an unquoted field",
	[CSV_ERR_AFTER_QUOTE] = "unexpected character after a closing quote",
	[CSV_ERR_UNTERMINATED] = "quoted field is never closed",
	[CSV_ERR_BARE_CR] = "carriage return not followed by a line feed",
	[CSV_ERR_EMPTY_LINE] = "empty line",
	[CSV_ERR_FIELDS] = "too many fields",
	[CSV_ERR_FIELD_LONG] = "field too long",
	[CSV_ERR_RECORD_LONG] = "record too long",
	[CSV_ERR_LINES] = "too many lines",
	[CSV_ERR_ARGS] = "invalid arguments",
};

const char *
csv_strerror(enum csv_err err)
{
	if ((unsigned)err >= CSV_ERR__MAX)
		return "unknown error";
	return messages[err];
}

int
csv_init(struct csv *c, const char *data, size_t len)
{
	if (c == NULL || (data == NULL && len > 0))
		return -1;
	c->err = CSV_ERR_NONE;
	c->error = NULL;
	c->line = c->column = 0;
	c->data = data;
	c->len = len;
	c->pos = 0;
	c->cur_line = c->cur_col = 1;
	c->state = CSV_STATE_READING;
	c->used = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	return 0;
}

const char *
csv_field(const struct csv_record *r, size_t i)
{
	if (r == NULL || i >= r->nfields)
		return NULL;
	return r->fields[i];
}

/* Records err at line:col, makes the reader fail from now on; returns -1. */
static int
fail(struct csv *c, enum csv_err err, unsigned line, unsigned col)
{
	c->err = err;
	c->error = csv_strerror(err);
	c->line = line;
	c->column = col;
	c->state = CSV_STATE_FAILED;
	return -1;
}

/* True when the next bytes are "\n" or "\r\n". */
static bool
at_line_end(const struct csv *c)
{
	if (c->pos >= c->len)
		return false;
	if (c->data[c->pos] == '\n')
		return true;
	return c->data[c->pos] == '\r' && c->pos + 1 < c->len &&
	    c->data[c->pos + 1] == '\n';
}

/*
 * Length of the character at c->pos: 1 for ASCII, else the length its
 * lead byte announces, checked with utf8_valid(). Fails on NUL and on
 * malformed or truncated sequences, at the current position.
 */
static int
char_len(struct csv *c, size_t *n)
{
	unsigned char	 b = (unsigned char)c->data[c->pos];
	size_t		 len;

	if (b == 0)
		return fail(c, CSV_ERR_NUL, c->cur_line, c->cur_col);
	if (b < 0x80) {
		*n = 1;
		return 0;
	}
	if (b >= 0xc0 && b <= 0xdf)
		len = 2;
	else if (b >= 0xe0 && b <= 0xef)
		len = 3;
	else if (b >= 0xf0 && b <= 0xf7)
		len = 4;
	else
		return fail(c, CSV_ERR_UTF8, c->cur_line, c->cur_col);
	if (len > c->len - c->pos || !utf8_valid(c->data + c->pos, len))
		return fail(c, CSV_ERR_UTF8, c->cur_line, c->cur_col);
	*n = len;
	return 0;
}

/* Moves past n bytes holding one character (or "\r\n", or two quotes). */
static int
advance(struct csv *c, size_t n, unsigned cols)
{
	if (c->data[c->pos] == '\n') {
		if (c->cur_line == UINT_MAX)
			return fail(c, CSV_ERR_LINES, c->cur_line, c->cur_col);
		c->cur_line++;
		c->cur_col = 1;
	} else
		c->cur_col += cols;
	c->pos += n;
	return 0;
}

/* Consumes "\n" or "\r\n" (the caller checked at_line_end). */
static int
end_line(struct csv *c)
{
	if (c->data[c->pos] == '\r')
		c->pos++;
	return advance(c, 1, 1);
}

/* Appends n bytes of the field that starts at buf[start], within both limits. */
static int
put(struct csv *c, size_t start, const char *p, size_t n)
{
	if (c->used - start + n > CSV_MAX_FIELD)
		return fail(c, CSV_ERR_FIELD_LONG, c->cur_line, c->cur_col);
	/* Keep room for this field's NUL. */
	if (n + 1 > CSV_MAX_RECORD - c->used)
		return fail(c, CSV_ERR_RECORD_LONG, c->cur_line, c->cur_col);
	memcpy(c->buf + c->used, p, n);
	c->used += n;
	return 0;
}

/* Copies the character at c->pos into the field and moves past it. */
static int
take(struct csv *c, size_t start)
{
	size_t	 n;

	if (char_len(c, &n) == -1 || put(c, start, c->data + c->pos, n) == -1)
		return -1;
	return advance(c, n, 1);
}

/* Reads an unquoted field up to a comma, a line end or the end of input. */
static int
unquoted(struct csv *c, size_t start)
{
	char	 b;

	while (c->pos < c->len) {
		b = c->data[c->pos];
		if (b == ',' || at_line_end(c))
			return 0;
		if (b == '\r')
			return fail(c, CSV_ERR_BARE_CR, c->cur_line,
			    c->cur_col);
		if (b == '"')
			return fail(c, CSV_ERR_QUOTE, c->cur_line, c->cur_col);
		if (take(c, start) == -1)
			return -1;
	}
	return 0;
}

/*
 * Reads a quoted field starting at its opening quote, then checks that a
 * comma, a line end or the end of input follows the closing quote.
 */
static int
quoted(struct csv *c, size_t start)
{
	unsigned	 oline = c->cur_line, ocol = c->cur_col;

	if (advance(c, 1, 1) == -1)
		return -1;
	for (;;) {
		if (c->pos >= c->len)
			return fail(c, CSV_ERR_UNTERMINATED, oline, ocol);
		if (c->data[c->pos] != '"') {
			if (take(c, start) == -1)
				return -1;
			continue;
		}
		if (c->pos + 1 < c->len && c->data[c->pos + 1] == '"') {
			if (put(c, start, "\"", 1) == -1 ||
			    advance(c, 2, 2) == -1)
				return -1;
			continue;
		}
		if (advance(c, 1, 1) == -1)
			return -1;
		break;
	}
	if (c->pos >= c->len || c->data[c->pos] == ',' || at_line_end(c))
		return 0;
	if (c->data[c->pos] == '\r')
		return fail(c, CSV_ERR_BARE_CR, c->cur_line, c->cur_col);
	return fail(c, CSV_ERR_AFTER_QUOTE, c->cur_line, c->cur_col);
}

/* Reads one field into rec and terminates it. */
static int
field(struct csv *c, struct csv_record *rec)
{
	size_t	 start = c->used;
	int	 rc;

	if (rec->nfields == CSV_MAX_FIELDS)
		return fail(c, CSV_ERR_FIELDS, c->cur_line, c->cur_col);
	if (c->pos < c->len && c->data[c->pos] == '"')
		rc = quoted(c, start);
	else
		rc = unquoted(c, start);
	if (rc == -1)
		return -1;
	if (c->used >= CSV_MAX_RECORD)
		return fail(c, CSV_ERR_RECORD_LONG, c->cur_line, c->cur_col);
	c->buf[c->used++] = '\0';
	rec->fields[rec->nfields] = c->buf + start;
	rec->lens[rec->nfields] = c->used - 1 - start;
	rec->nfields++;
	return 0;
}

/* True when only line ends remain from c->pos on. */
static bool
only_line_ends(const struct csv *c)
{
	size_t	 i;

	for (i = c->pos; i < c->len; i++) {
		if (c->data[i] == '\n')
			continue;
		if (c->data[i] == '\r' && i + 1 < c->len &&
		    c->data[i + 1] == '\n')
			continue;
		return false;
	}
	return true;
}

int
csv_next(struct csv *c, struct csv_record *rec)
{
	int	 rc = -1;

	if (c == NULL)
		return -1;
	if (rec == NULL)
		return fail(c, CSV_ERR_ARGS, c->cur_line, c->cur_col);
	rec->nfields = 0;
	rec->line = c->cur_line;
	if (c->state == CSV_STATE_FAILED)
		goto out;
	if (c->state == CSV_STATE_DONE || c->pos >= c->len ||
	    (at_line_end(c) && only_line_ends(c))) {
		c->state = CSV_STATE_DONE;
		rc = 0;
		goto out;
	}
	if (at_line_end(c)) {
		fail(c, CSV_ERR_EMPTY_LINE, c->cur_line, 1);
		goto out;
	}
	c->used = 0;
	for (;;) {
		if (field(c, rec) == -1)
			goto out;
		if (c->pos >= c->len)
			break;
		if (c->data[c->pos] != ',') {
			if (end_line(c) == -1)
				goto out;
			break;
		}
		if (advance(c, 1, 1) == -1)
			goto out;
	}
	rc = 1;
out:
	if (rc == -1)
		rec->nfields = 0;
	return rc;
}

int
csv_put_field(struct buf *b, const char *s)
{
	const char	*p;
	bool		 quote;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		(void)buf_putc(b, '"');
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		(void)buf_putc(b, '\'');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			(void)buf_putc(b, '"');
		(void)buf_putc(b, *p);
	}
	if (quote)
		(void)buf_putc(b, '"');
	return buf_failed(b) ? -1 : 0;
}
