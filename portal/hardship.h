#ifndef PORTAL_HARDSHIP_H
#define PORTAL_HARDSHIP_H

#include <stdbool.h>
#include <time.h>

#include "date.h"

/*
 * The rules of a hardship request, shared by the debtor's form, the staff
 * pages and anything that schedules a callback: the words a request is
 * stored with (the CHECK constraints of hardship_requests in
 * sql/0001_schema.sql), the limits of its fields and when a callback may
 * be. Pure: callback hours are in the debtor's time zone (zone, an IANA
 * name; NULL or "" for the process's, the config's timezone set in TZ at
 * start). Each word list ends with NULL, for form_choice() and
 * view_set_choice().
 */
/*
 * Personal (income, illness, bereavement, disaster) and business
 * (customer_unpaid: their customer has not paid them, cash_flow,
 * supplier_delay: a supplier or insurer is late) situations, then other.
 */
extern const char *const hardship_categories[];
/* What staff decided on resolving a request (0018's CHECK). */
extern const char *const hardship_outcomes[];	/* plan_offered, ... paused, no_change */
extern const char *const hardship_statuses[];		/* new, in_review, resolved */
extern const char *const hardship_contacts[];		/* email, phone */
extern const char *const hardship_windows[];		/* morning, afternoon */

enum hardship_window {
	HARDSHIP_MORNING,	/* 9:00 to 12:00, the default */
	HARDSHIP_AFTERNOON,	/* 12:00 to 17:00 */
	HARDSHIP_WINDOW__MAX
};

#define HARDSHIP_MESSAGE_MAX_CHARS	4000
#define HARDSHIP_PHONE_MIN_DIGITS	6
#define HARDSHIP_PHONE_MAX_DIGITS	20
#define HARDSHIP_CALLBACK_NOTICE	(24 * 60 * 60)	/* seconds, strictly more */
#define HARDSHIP_CALLBACK_MAX_DAYS	60		/* after today */
#define HARDSHIP_PAUSE_MAX_DAYS		180		/* the longest pause staff may grant */

/* What is wrong with a callback day; HARDSHIP_CALLBACK_OK when nothing. */
enum hardship_callback {
	HARDSHIP_CALLBACK_OK,
	HARDSHIP_CALLBACK_WEEKEND,	/* we do not call at weekends */
	HARDSHIP_CALLBACK_FAR,		/* more than HARDSHIP_CALLBACK_MAX_DAYS away */
	HARDSHIP_CALLBACK_SOON,		/* the window opens within the notice period */
	HARDSHIP_CALLBACK__MAX
};

/* The hour (local time) window w opens; the morning's for an unknown w. */
int hardship_window_opens(int w);
/* True for digits, spaces and + - ( ) . with 6 to 20 digits. */
bool hardship_phone_valid(const char *s);
/*
 * Checks a callback on day (a valid date) in window w (an enum
 * hardship_window; any other value is checked as the morning) in zone,
 * given today and the time now.
 */
enum hardship_callback hardship_callback_check(struct date day, int w,
    struct date today, time_t now, const char *zone);
/* The earliest day a morning callback in zone may be asked for, after today. */
struct date hardship_earliest_callback(struct date today, time_t now,
    const char *zone);

#endif
