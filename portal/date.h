#ifndef PORTAL_DATE_H
#define PORTAL_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Civil dates without a time zone in the proleptic Gregorian calendar.
 *
 * The supported range is 1900-01-01 .. 2999-12-31; date_valid() is true
 * exactly for real calendar days in it. Arithmetic is closed over that
 * range: an invalid argument, or a result outside it, yields DATE_INVALID
 * ({0, 0, 0}, which date_valid() rejects) or DATE_DAYS_INVALID, the way NaN
 * propagates, so a caller can compute a series and check once.
 */
struct date {
	int	 year;
	int	 month;		/* 1..12 */
	int	 day;		/* 1..31 */
};

#define DATE_YEAR_MIN		1900
#define DATE_YEAR_MAX		2999
#define DATE_DAYS_INVALID	INT32_MIN
#define DATE_INVALID		((struct date){ 0, 0, 0 })
/* Bytes for any date_format_iso output including the NUL. */
#define DATE_ISO_SIZE		11
/* A buffer this big holds any date_format_long output. */
#define DATE_LONG_MAX		64

/* True for a real calendar day within DATE_YEAR_MIN..DATE_YEAR_MAX. */
bool date_valid(struct date d);
/* Strict "YYYY-MM-DD" (nothing before or after) into *out; 0, or -1 (out untouched). */
int date_parse(const char *s, struct date *out);
/* "YYYY-MM-DD" into out; 0, or -1 on an invalid date or truncation (out is then ""). */
int date_format_iso(char *out, size_t n, struct date d);
/* Days since 1970-01-01 (negative before); DATE_DAYS_INVALID for an invalid date. */
int32_t date_to_days(struct date d);
/* The date days after 1970-01-01; DATE_INVALID outside the supported range. */
struct date date_from_days(int32_t days);
/* d plus n days (n may be negative); DATE_INVALID when d or the result is invalid. */
struct date date_add_days(struct date d, int32_t n);
/* a - b in days; DATE_DAYS_INVALID when either is invalid. */
int32_t date_diff(struct date a, struct date b);
/* ISO weekday, 1 = Monday .. 7 = Sunday; 0 for an invalid date. */
int date_weekday(struct date d);
/* Days in month (1..12) of year; 0 for a bad month. */
int date_days_in_month(int year, int month);
/*
 * d moved by months (may be negative), on anchor_day (1..31) clamped to the
 * month's end: a series anchored on the 31st runs 31 Jan, 29 Feb, 31 Mar.
 * DATE_INVALID when d, anchor_day or the result is invalid.
 */
struct date date_add_months(struct date d, int months, int anchor_day);
/*
 * Long form for lang (primary subtag; unknown or NULL -> en):
 * en "4 December 2026", es "4 de diciembre de 2026", de "4. Dezember 2026",
 * fr "4 décembre 2026" ("1er décembre 2026" on the first), nl "4 december
 * 2026", it "4 dicembre 2026", pt "4 de dezembro de 2026".
 * 0, or -1 on an invalid date or truncation (out is then "").
 */
int date_format_long(char *out, size_t n, struct date d, const char *lang);
/*
 * The long form with its weekday, for lang as above: en "Wednesday 26
 * November 2026", es "miércoles, 26 de noviembre de 2026", fr "mercredi 26
 * novembre 2026", de "Mittwoch, 26. November 2026". 0 or -1 as above.
 */
int date_format_weekday_long(char *out, size_t n, struct date d,
    const char *lang);

#endif
