#ifndef PORTAL_UTF8_H
#define PORTAL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when the n bytes at s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) and contain no NUL byte.
 */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 of n bytes. */
size_t utf8_count(const char *s, size_t n);

#endif
