#include "date.h"
#include "holdrules.h"

enum holds_promise
holds_promise_check(struct date day, struct date today, int limit)
{
	if (date_diff(day, today) <= 0)
		return HOLDS_PROMISE_PAST;
	if (date_diff(day, today) > limit)
		return HOLDS_PROMISE_FAR;
	return HOLDS_PROMISE_OK;
}
