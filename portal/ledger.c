#include <stdio.h>

#include "ledger.h"

const char *const ledger_bucket_keys[LEDGER_BUCKET__MAX + 1] = {
	[LEDGER_NOT_DUE] = "not_due",
	[LEDGER_DAYS_30] = "d30",
	[LEDGER_DAYS_60] = "d60",
	[LEDGER_DAYS_90] = "d90",
	[LEDGER_DAYS_MORE] = "more",
	[LEDGER_BUCKET__MAX] = NULL,
};

const char *const ledger_bucket_csv[LEDGER_BUCKET__MAX + 1] = {
	[LEDGER_NOT_DUE] = "not due",
	[LEDGER_DAYS_30] = "1-30",
	[LEDGER_DAYS_60] = "31-60",
	[LEDGER_DAYS_90] = "61-90",
	[LEDGER_DAYS_MORE] = "90+",
	[LEDGER_BUCKET__MAX] = NULL,
};

enum ledger_bucket
ledger_bucket(int64_t days_overdue)
{
	if (days_overdue <= 0)
		return LEDGER_NOT_DUE;
	if (days_overdue <= 30)
		return LEDGER_DAYS_30;
	if (days_overdue <= 60)
		return LEDGER_DAYS_60;
	if (days_overdue <= 90)
		return LEDGER_DAYS_90;
	return LEDGER_DAYS_MORE;
}

int64_t
ledger_dso_tenths(int64_t receivable, int64_t sales, int days)
{
	int64_t	num;

	if (sales <= 0 || receivable < 0 || days <= 0)
		return -1;
	/* receivable * days * 10, then + sales / 2 to round half up. */
	if (__builtin_mul_overflow(receivable, (int64_t)days * 10, &num) ||
	    __builtin_add_overflow(num, sales / 2, &num))
		return -1;
	return num / sales;
}

struct date
ledger_week_start(struct date d)
{
	int	wd = date_weekday(d);

	if (wd == 0)
		return DATE_INVALID;
	return date_add_days(d, -(wd - 1));
}

int
ledger_bar(int64_t value, int64_t max, int width)
{
	int64_t	len;

	if (value <= 0 || width <= 0)
		return 0;
	if (max <= value)
		return width;
	/* value < max here, so value * width fits when width is an int. */
	if (__builtin_mul_overflow(value, (int64_t)width, &len))
		return width;
	len = (len + max / 2) / max;
	return len < 1 ? 1 : (int)len;
}

int
ledger_tenths_format(char *out, size_t outsz, int64_t tenths, char point)
{
	int	n;

	if (outsz == 0)
		return -1;
	if (tenths < 0) {
		out[0] = '\0';
		return -1;
	}
	n = snprintf(out, outsz, "%lld%c%lld", (long long)(tenths / 10), point,
	    (long long)(tenths % 10));
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
