#include <stdint.h>
#include <string.h>

#include "utf8.h"

/*
 * Returns the length of the sequence at s (at most n bytes), or 0 when it is
 * malformed. Follows the table of well-formed byte sequences in Unicode 15,
 * section 3.9 (table 3-7).
 */
static size_t
seqlen(const unsigned char *s, size_t n)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xbf;
	size_t		len, i;

	if (c >= 0x01 && c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;	/* NUL, continuation byte, 0xc0, 0xc1, 0xf5+ */
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, len;

	while (i < n) {
		if ((len = seqlen(p + i, n - i)) == 0)
			return false;
		i += len;
	}
	return true;
}

size_t
utf8_sanitize(const char *s, size_t n, char *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, j = 0, len;

	while (i < n) {
		if ((len = seqlen(p + i, n - i)) == 0) {
			memcpy(out + j, "\xef\xbf\xbd", 3);	/* U+FFFD */
			j += 3;
			i++;
			continue;
		}
		memcpy(out + j, s + i, len);
		i += len;
		j += len;
	}
	out[j] = '\0';
	return j;
}

size_t
utf8_count(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, count = 0;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			count++;
	return count;
}

size_t
utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t	n = len < max ? len : max;

	while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}
