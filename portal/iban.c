#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "iban.h"

struct iban_country {
	char	 code[3];
	int	 length;
};

/*
 * The SWIFT IBAN registry: country and IBAN length. Territories that use
 * their parent's code (French overseas departments use FR) need no row.
 */
static const struct iban_country countries[] = {
	{ "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 },
	{ "BA", 20 }, { "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BI", 27 },
	{ "BR", 29 }, { "BY", 28 }, { "CH", 21 }, { "CR", 22 }, { "CY", 28 },
	{ "CZ", 24 }, { "DE", 22 }, { "DJ", 27 }, { "DK", 18 }, { "DO", 28 },
	{ "EE", 20 }, { "EG", 29 }, { "ES", 24 }, { "FI", 18 }, { "FK", 18 },
	{ "FO", 18 }, { "FR", 27 }, { "GB", 22 }, { "GE", 22 }, { "GI", 23 },
	{ "GL", 18 }, { "GR", 27 }, { "GT", 28 }, { "HR", 21 }, { "HU", 28 },
	{ "IE", 22 }, { "IL", 23 }, { "IQ", 23 }, { "IS", 26 }, { "IT", 27 },
	{ "JO", 30 }, { "KW", 30 }, { "KZ", 20 }, { "LB", 28 }, { "LC", 32 },
	{ "LI", 21 }, { "LT", 20 }, { "LU", 20 }, { "LV", 21 }, { "LY", 25 },
	{ "MC", 27 }, { "MD", 24 }, { "ME", 22 }, { "MK", 19 }, { "MN", 20 },
	{ "MR", 27 }, { "MT", 31 }, { "MU", 30 }, { "NI", 28 }, { "NL", 18 },
	{ "NO", 15 }, { "OM", 23 }, { "PK", 24 }, { "PL", 28 }, { "PS", 29 },
	{ "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 }, { "RU", 33 },
	{ "SA", 24 }, { "SC", 31 }, { "SD", 18 }, { "SE", 24 }, { "SI", 19 },
	{ "SK", 24 }, { "SM", 27 }, { "SO", 23 }, { "ST", 25 }, { "SV", 28 },
	{ "TL", 23 }, { "TN", 24 }, { "TR", 26 }, { "UA", 29 }, { "VA", 22 },
	{ "VG", 24 }, { "XK", 20 }, { "YE", 30 },
};

static const char *const messages[IBAN_ERR__MAX] = {
	[IBAN_OK] = "no error",
	[IBAN_ERR_FORMAT] = "is not an IBAN (two letters, two check digits, "
	    "then letters and digits)",
	[IBAN_ERR_COUNTRY] = "has a country code that does not use IBANs",
	[IBAN_ERR_LENGTH] = "has the wrong length for its country",
	[IBAN_ERR_CHECK] = "has check digits that do not match (a typing error?)",
};

const char *
iban_strerror(enum iban_err err)
{
	if ((unsigned)err >= IBAN_ERR__MAX)
		return "unknown error";
	return messages[err];
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The registry length for the two letters at cc, 0 if none. */
static int
country_length(const char *cc)
{
	size_t	 i;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		if (countries[i].code[0] == cc[0] && countries[i].code[1] == cc[1])
			return countries[i].length;
	return 0;
}

int
iban_mod97(const char *s, size_t n)
{
	unsigned	 r = 0;
	size_t		 i;
	char		 c;

	if (s == NULL || n < 5)
		return -1;
	for (i = 0; i < n; i++) {
		c = s[(i + 4) % n];
		if (is_digit(c))
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else if (is_upper(c))
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return -1;
	}
	return (int)r;
}

/*
 * Copies s to out without the single spaces between groups, upper-casing
 * letters; more than IBAN_MAX characters is a length error, any other
 * byte, a leading, trailing or doubled space a format error.
 */
static enum iban_err
compact(const char *s, char out[IBAN_SIZE], size_t *n)
{
	size_t	 len = 0;
	char	 c;

	for (; *s != '\0'; s++) {
		c = *s;
		if (c == ' ') {
			if (len == 0 || s[1] == ' ' || s[1] == '\0')
				return IBAN_ERR_FORMAT;
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!is_upper(c) && !is_digit(c))
			return IBAN_ERR_FORMAT;
		if (len == IBAN_MAX)
			return IBAN_ERR_LENGTH;
		out[len++] = c;
	}
	out[len] = '\0';
	*n = len;
	return IBAN_OK;
}

enum iban_err
iban_normalise(const char *s, char out[IBAN_SIZE])
{
	enum iban_err	 err = IBAN_ERR_FORMAT;
	size_t		 n = 0;
	int		 want;

	if (out == NULL)
		return IBAN_ERR_FORMAT;
	out[0] = '\0';
	if (s == NULL)
		goto out;
	if ((err = compact(s, out, &n)) != IBAN_OK)
		goto out;
	err = IBAN_ERR_FORMAT;
	if (n < 5 || !is_upper(out[0]) || !is_upper(out[1]) ||
	    !is_digit(out[2]) || !is_digit(out[3]))
		goto out;
	err = IBAN_ERR_COUNTRY;
	if ((want = country_length(out)) == 0)
		goto out;
	err = IBAN_ERR_LENGTH;
	if ((size_t)want != n)
		goto out;
	err = IBAN_ERR_CHECK;
	if (iban_mod97(out, n) != 1)
		goto out;
	err = IBAN_OK;
out:
	if (err != IBAN_OK)
		out[0] = '\0';
	return err;
}

int
iban_format(char *out, size_t outsz, const char *iban)
{
	char	 norm[IBAN_SIZE];
	size_t	 i, n, len = 0;

	if (out == NULL || outsz == 0)
		return -1;
	out[0] = '\0';
	if (iban == NULL || iban_normalise(iban, norm) != IBAN_OK ||
	    strcmp(norm, iban) != 0)
		return -1;
	n = strlen(norm);
	/* n characters and a space before each group but the first. */
	if (n + (n - 1) / 4 >= outsz)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			out[len++] = ' ';
		out[len++] = norm[i];
	}
	out[len] = '\0';
	return 0;
}
