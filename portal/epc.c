#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "epc.h"
#include "iban.h"
#include "money.h"
#include "utf8.h"

/* The payload's elements, in order. */
enum epc_line {
	EPC_LINE_TAG,
	EPC_LINE_VERSION,
	EPC_LINE_CHARSET,
	EPC_LINE_ID,
	EPC_LINE_BIC,
	EPC_LINE_NAME,
	EPC_LINE_IBAN,
	EPC_LINE_AMOUNT,
	EPC_LINE_PURPOSE,
	EPC_LINE_REFERENCE,
	EPC_LINE_TEXT,
	EPC_LINE_INFO,
	EPC_LINE__MAX
};

static const char *const messages[EPC_ERR__MAX] = {
	[EPC_OK] = "no error",
	[EPC_ERR_ARGS] = "invalid arguments",
	[EPC_ERR_VERSION] = "version must be 1 or 2",
	[EPC_ERR_BIC] = "BIC must be 8 or 11 letters and digits "
	    "(bank, country, location, branch)",
	[EPC_ERR_BIC_MISSING] = "version 1 requires a BIC",
	[EPC_ERR_NAME] = "beneficiary name must be 1 to 70 printable "
	    "characters on one line",
	[EPC_ERR_IBAN_FORMAT] = "IBAN is not an IBAN (two letters, two check "
	    "digits, then letters and digits)",
	[EPC_ERR_IBAN_COUNTRY] = "IBAN has a country code that does not use "
	    "IBANs",
	[EPC_ERR_IBAN_LENGTH] = "IBAN has the wrong length for its country",
	[EPC_ERR_IBAN_CHECK] = "IBAN check digits do not match",
	[EPC_ERR_AMOUNT] = "amount must be EUR 0.01 to 999999999.99",
	[EPC_ERR_PURPOSE] = "purpose code must be four upper-case letters",
	[EPC_ERR_REFERENCE] = "reference must be an RF creditor reference "
	    "(RF, two check digits, up to 21 letters and digits)",
	[EPC_ERR_BOTH] = "give either a structured reference or a remittance "
	    "text, not both",
	[EPC_ERR_TEXT] = "remittance text must be at most 140 printable "
	    "characters on one line",
	[EPC_ERR_INFO] = "beneficiary to originator information must be at "
	    "most 70 printable characters on one line",
	[EPC_ERR_TOO_LONG] = "the payment code would be over 331 bytes; "
	    "shorten the name or text",
};

const char *
epc_strerror(enum epc_err err)
{
	if ((unsigned)err >= EPC_ERR__MAX)
		return "unknown error";
	return messages[err];
}

static bool
present(const char *s)
{
	return s != NULL && *s != '\0';
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_alnum(char c)
{
	return is_upper(c) || (c >= '0' && c <= '9');
}

/*
 * True for valid UTF-8 of at most max code points without C0 or C1
 * control characters or DEL: one line of printable text.
 */
static bool
printable(const char *s, size_t max)
{
	size_t			 n = strlen(s), i;
	const unsigned char	*u = (const unsigned char *)s;

	if (!utf8_valid(s, n) || utf8_count(s, n) > max)
		return false;
	for (i = 0; i < n; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return false;
		/* U+0080..U+009F are C2 80..C2 9F. */
		if (u[i] == 0xc2 && i + 1 < n && u[i + 1] <= 0x9f)
			return false;
	}
	return true;
}

/* A name with at least one character that is not a space. */
static bool
name_ok(const char *s)
{
	return present(s) && strspn(s, " ") < strlen(s) &&
	    printable(s, EPC_NAME_MAX);
}

/* BIC (ISO 9362): bank 4 letters, country 2 letters, location 2, branch 3 optional. */
static bool
bic_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n != 8 && n != 11)
		return false;
	for (i = 0; i < n; i++) {
		if (i < 6 && !is_upper(s[i]))
			return false;
		if (i >= 6 && !is_alnum(s[i]))
			return false;
	}
	return true;
}

static bool
purpose_ok(const char *s)
{
	return strlen(s) == 4 && is_upper(s[0]) && is_upper(s[1]) &&
	    is_upper(s[2]) && is_upper(s[3]);
}

int
epc_rf_normalise(const char *s, char out[EPC_RF_SIZE])
{
	size_t	 n = 0;
	char	 c;

	if (out == NULL)
		return -1;
	out[0] = '\0';
	if (s == NULL)
		return -1;
	for (; *s != '\0'; s++) {
		c = *s;
		if (c == ' ') {
			if (n == 0 || s[1] == ' ' || s[1] == '\0')
				goto bad;
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!is_alnum(c) || n == EPC_RF_MAX)
			goto bad;
		out[n++] = c;
	}
	out[n] = '\0';
	if (n < 5 || out[0] != 'R' || out[1] != 'F' ||
	    out[2] < '0' || out[2] > '9' || out[3] < '0' || out[3] > '9' ||
	    iban_mod97(out, n) != 1)
		goto bad;
	return 0;
bad:
	out[0] = '\0';
	return -1;
}

static enum epc_err
iban_error(enum iban_err e)
{
	switch (e) {
	case IBAN_OK:
		return EPC_OK;
	case IBAN_ERR_COUNTRY:
		return EPC_ERR_IBAN_COUNTRY;
	case IBAN_ERR_LENGTH:
		return EPC_ERR_IBAN_LENGTH;
	case IBAN_ERR_CHECK:
		return EPC_ERR_IBAN_CHECK;
	default:
		return EPC_ERR_IBAN_FORMAT;
	}
}

/* The normalised values the lines are made of. */
struct epc_fields {
	char	 iban[IBAN_SIZE];
	char	 rf[EPC_RF_SIZE];
	char	 amount[4 + MONEY_FORMAT_MAX];
};

/* Checks every field of t in payload order and fills f; the first fault. */
static enum epc_err
check(const struct epc_transfer *t, struct epc_fields *f)
{
	enum epc_err	 e;

	if (t->version != 1 && t->version != 2)
		return EPC_ERR_VERSION;
	if (present(t->bic) && !bic_ok(t->bic))
		return EPC_ERR_BIC;
	if (!present(t->bic) && t->version == 1)
		return EPC_ERR_BIC_MISSING;
	if (!name_ok(t->name))
		return EPC_ERR_NAME;
	if ((e = iban_error(iban_normalise(t->iban, f->iban))) != EPC_OK)
		return e;
	if (t->cents < EPC_AMOUNT_MIN || t->cents > EPC_AMOUNT_MAX)
		return EPC_ERR_AMOUNT;
	memcpy(f->amount, "EUR", 3);
	if (money_format_plain(f->amount + 3, sizeof(f->amount) - 3, t->cents,
	    "EUR") == -1)
		return EPC_ERR_AMOUNT;
	if (present(t->purpose) && !purpose_ok(t->purpose))
		return EPC_ERR_PURPOSE;
	f->rf[0] = '\0';
	if (present(t->reference) && epc_rf_normalise(t->reference, f->rf) == -1)
		return EPC_ERR_REFERENCE;
	if (present(t->reference) && present(t->text))
		return EPC_ERR_BOTH;
	if (present(t->text) && !printable(t->text, EPC_TEXT_MAX))
		return EPC_ERR_TEXT;
	if (present(t->info) && !printable(t->info, EPC_INFO_MAX))
		return EPC_ERR_INFO;
	return EPC_OK;
}

/* Joins the lines with LF, leaving out empty ones at the end. */
static enum epc_err
join(const char *const *lines, char out[EPC_PAYLOAD_SIZE], size_t *len)
{
	size_t	 last = EPC_LINE__MAX, i, n, used = 0;

	while (last > 0 && !present(lines[last - 1]))
		last--;
	for (i = 0; i < last; i++) {
		n = lines[i] != NULL ? strlen(lines[i]) : 0;
		if (n + (i > 0) > EPC_MAX_PAYLOAD - used)
			return EPC_ERR_TOO_LONG;
		if (i > 0)
			out[used++] = '\n';
		memcpy(out + used, lines[i] != NULL ? lines[i] : "", n);
		used += n;
	}
	out[used] = '\0';
	*len = used;
	return EPC_OK;
}

enum epc_err
epc_payload(const struct epc_transfer *t, char out[EPC_PAYLOAD_SIZE],
    size_t *len)
{
	struct epc_fields	 f;
	const char		*lines[EPC_LINE__MAX];
	enum epc_err		 e = EPC_ERR_ARGS;
	size_t			 n = 0;

	if (out == NULL)
		return EPC_ERR_ARGS;
	out[0] = '\0';
	if (t == NULL)
		goto out;
	if ((e = check(t, &f)) != EPC_OK)
		goto out;
	lines[EPC_LINE_TAG] = "BCD";
	lines[EPC_LINE_VERSION] = t->version == 1 ? "001" : "002";
	lines[EPC_LINE_CHARSET] = "1";
	lines[EPC_LINE_ID] = "SCT";
	lines[EPC_LINE_BIC] = t->bic;
	lines[EPC_LINE_NAME] = t->name;
	lines[EPC_LINE_IBAN] = f.iban;
	lines[EPC_LINE_AMOUNT] = f.amount;
	lines[EPC_LINE_PURPOSE] = t->purpose;
	lines[EPC_LINE_REFERENCE] = f.rf;
	lines[EPC_LINE_TEXT] = t->text;
	lines[EPC_LINE_INFO] = t->info;
	e = join(lines, out, &n);
out:
	if (e != EPC_OK)
		out[0] = '\0';
	else if (len != NULL)
		*len = n;
	return e;
}
