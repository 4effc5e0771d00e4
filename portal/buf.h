#ifndef PORTAL_BUF_H
#define PORTAL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A growable byte buffer with a hard size cap. The contents are always
 * NUL-terminated (the NUL is not counted in len). Errors are sticky: after a
 * failed append (out of memory or over the cap) buf_failed() is true and
 * further appends do nothing, so callers may check once at the end.
 */
struct buf {
	char	*data;	/* owned; NULL until the first append */
	size_t	 len;
	size_t	 cap;	/* allocated bytes */
	size_t	 max;	/* hard limit on len; 0 means BUF_DEFAULT_MAX */
	bool	 failed;
};

#define BUF_DEFAULT_MAX	(8u * 1024 * 1024)

/* Initialises an empty buffer with the given cap (0 for the default). */
void buf_init(struct buf *b, size_t max);
/* Frees the contents; the buffer may be reused after buf_init(). */
void buf_free(struct buf *b);
/* Empties the buffer and clears the error, keeping the allocation. */
void buf_reset(struct buf *b);
/* Appends n bytes; 0 on success, -1 on failure (sticky). */
int buf_append(struct buf *b, const char *s, size_t n);
/* Appends a NUL-terminated string; 0 or -1. */
int buf_puts(struct buf *b, const char *s);
/* Appends one byte; 0 or -1. */
int buf_putc(struct buf *b, char c);
/* Appends printf output; 0 or -1. */
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' replaced by HTML entities; 0 or -1. */
int buf_append_html(struct buf *b, const char *s, size_t n);
/* Makes sure n more bytes fit without reallocating; 0 or -1. */
int buf_reserve(struct buf *b, size_t n);
/* True once an append has failed. */
bool buf_failed(const struct buf *b);
/* The contents as a NUL-terminated string ("" when empty); owned by b. */
const char *buf_str(const struct buf *b);

#endif
