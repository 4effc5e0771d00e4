#ifndef PORTAL_UTF8_H
#define PORTAL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when the n bytes at s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) and contain no NUL byte.
 */
bool utf8_valid(const char *s, size_t n);
/*
 * Copies n bytes of s to out (room for 3n + 1 bytes), replacing each NUL
 * and each byte of a malformed sequence with U+FFFD; returns the length.
 */
size_t utf8_sanitize(const char *s, size_t n, char *out);
/*
 * The length of the longest prefix of the len bytes of valid UTF-8 at s
 * that is at most max bytes and ends on a character boundary.
 */
size_t utf8_prefix(const char *s, size_t len, size_t max);
/* Number of code points in valid UTF-8 of n bytes. */
size_t utf8_count(const char *s, size_t n);

#endif
