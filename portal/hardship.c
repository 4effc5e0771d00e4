#include <string.h>
#include <time.h>

#include "date.h"
#include "hardship.h"
#include "tz.h"

const char *const hardship_categories[] = {
	"income", "illness", "bereavement", "disaster",
	"customer_unpaid", "cash_flow", "supplier_delay", "other", NULL
};
const char *const hardship_outcomes[] = {
	"plan_offered", "fees_waived", "paused", "no_change", NULL
};
const char *const hardship_statuses[] = {
	"new", "in_review", "resolved", NULL
};
const char *const hardship_contacts[] = { "email", "phone", NULL };
const char *const hardship_windows[HARDSHIP_WINDOW__MAX + 1] = {
	[HARDSHIP_MORNING] = "morning",
	[HARDSHIP_AFTERNOON] = "afternoon",
};

static const int window_opens[HARDSHIP_WINDOW__MAX] = {
	[HARDSHIP_MORNING] = 9,
	[HARDSHIP_AFTERNOON] = 12,
};

int
hardship_window_opens(int w)
{
	if (w < 0 || w >= HARDSHIP_WINDOW__MAX)
		w = HARDSHIP_MORNING;
	return window_opens[w];
}

bool
hardship_phone_valid(const char *s)
{
	int	digits = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (strchr(" +-().", *s) == NULL)
			return false;
	}
	return digits >= HARDSHIP_PHONE_MIN_DIGITS &&
	    digits <= HARDSHIP_PHONE_MAX_DIGITS;
}

enum hardship_callback
hardship_callback_check(struct date day, int w, struct date today, time_t now,
    const char *zone)
{
	int	wd = date_weekday(day);

	if (wd == 6 || wd == 7)
		return HARDSHIP_CALLBACK_WEEKEND;
	if (date_diff(day, today) > HARDSHIP_CALLBACK_MAX_DAYS)
		return HARDSHIP_CALLBACK_FAR;
	if (tz_time(zone, day, hardship_window_opens(w)) - now <=
	    HARDSHIP_CALLBACK_NOTICE)
		return HARDSHIP_CALLBACK_SOON;
	return HARDSHIP_CALLBACK_OK;
}

struct date
hardship_earliest_callback(struct date today, time_t now, const char *zone)
{
	struct date	d = date_add_days(today, 1);
	int		i;

	for (i = 0; i < 10; i++, d = date_add_days(d, 1))
		if (hardship_callback_check(d, HARDSHIP_MORNING, today, now,
		    zone) == HARDSHIP_CALLBACK_OK)
			break;
	return d;
}
