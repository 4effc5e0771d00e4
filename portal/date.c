#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "lang.h"


/* Languages with their own long date form. */
enum date_lang {
	DATE_LANG_EN,
	DATE_LANG_ES,
	DATE_LANG_DE,
	DATE_LANG_FR,
	DATE_LANG_NL,
	DATE_LANG_IT,
	DATE_LANG_PT,
	DATE_LANG__MAX
};

static const char lang_tags[DATE_LANG__MAX][3] = {
	"en", "es", "de", "fr", "nl", "it", "pt"
};

static const char *const month_names[DATE_LANG__MAX][12] = {
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
	{ "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	  "agosto", "septiembre", "octubre", "noviembre", "diciembre" },
	{ "Januar", "Februar", "M\xc3\xa4rz", "April", "Mai", "Juni", "Juli",
	  "August", "September", "Oktober", "November", "Dezember" },
	{ "janvier", "f\xc3\xa9vrier", "mars", "avril", "mai", "juin",
	  "juillet", "ao\xc3\xbbt", "septembre", "octobre", "novembre",
	  "d\xc3\xa9" "cembre" },
	{ "januari", "februari", "maart", "april", "mei", "juni", "juli",
	  "augustus", "september", "oktober", "november", "december" },
	{ "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
	  "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre" },
	{ "janeiro", "fevereiro", "mar\xc3\xa7o", "abril", "maio", "junho",
	  "julho", "agosto", "setembro", "outubro", "novembro", "dezembro" },
};

/* ISO weekdays, Monday first. */
static const char *const weekday_names[DATE_LANG__MAX][7] = {
	{ "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	  "Sunday" },
	{ "lunes", "martes", "mi\xc3\xa9rcoles", "jueves", "viernes",
	  "s\xc3\xa1" "bado", "domingo" },
	{ "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag",
	  "Sonntag" },
	{ "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
	  "dimanche" },
	{ "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
	  "zondag" },
	{ "luned\xc3\xac", "marted\xc3\xac", "mercoled\xc3\xac",
	  "gioved\xc3\xac", "venerd\xc3\xac", "sabato", "domenica" },
	{ "segunda-feira", "ter\xc3\xa7" "a-feira", "quarta-feira",
	  "quinta-feira", "sexta-feira", "s\xc3\xa1" "bado", "domingo" },
};

static bool
is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
date_days_in_month(int year, int month)
{
	static const int dim[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap(year))
		return 29;
	return dim[month - 1];
}

bool
date_valid(struct date d)
{
	return d.year >= DATE_YEAR_MIN && d.year <= DATE_YEAR_MAX &&
	    d.month >= 1 && d.month <= 12 &&
	    d.day >= 1 && d.day <= date_days_in_month(d.year, d.month);
}

/*
 * Howard Hinnant's days_from_civil: days since 1970-01-01 for a date with
 * year >= 1 (so every quotient below is non-negative). Assumes valid input.
 */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The first and last supported day as day numbers. */
static int64_t
days_min(void)
{
	return days_from_civil(DATE_YEAR_MIN, 1, 1);
}

static int64_t
days_max(void)
{
	return days_from_civil(DATE_YEAR_MAX, 12, 31);
}

int32_t
date_to_days(struct date d)
{
	if (!date_valid(d))
		return DATE_DAYS_INVALID;
	return (int32_t)days_from_civil(d.year, d.month, d.day);
}

/* Hinnant's civil_from_days for z within days_min()..days_max(). */
static struct date
civil_from_days(int64_t z)
{
	int64_t		 era, doe, yoe, doy, mp;
	struct date	 d;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

/* The date for day number z, DATE_INVALID outside the supported range. */
static struct date
from_days64(int64_t z)
{
	if (z < days_min() || z > days_max())
		return DATE_INVALID;
	return civil_from_days(z);
}

struct date
date_from_days(int32_t days)
{
	return from_days64(days);
}

struct date
date_add_days(struct date d, int32_t n)
{
	if (!date_valid(d))
		return DATE_INVALID;
	return from_days64((int64_t)date_to_days(d) + n);
}

int32_t
date_diff(struct date a, struct date b)
{
	if (!date_valid(a) || !date_valid(b))
		return DATE_DAYS_INVALID;
	return date_to_days(a) - date_to_days(b);
}

int
date_weekday(struct date d)
{
	int32_t	 days;

	if (!date_valid(d))
		return 0;
	days = date_to_days(d);
	/* 1970-01-01 was a Thursday (4). */
	return (int)(((days % 7) + 7 + 3) % 7) + 1;
}

struct date
date_add_months(struct date d, int months, int anchor_day)
{
	int64_t		 total;
	struct date	 r;
	int		 dim;

	if (!date_valid(d) || anchor_day < 1 || anchor_day > 31)
		return DATE_INVALID;
	total = (int64_t)d.year * 12 + (d.month - 1) + months;
	if (total < (int64_t)DATE_YEAR_MIN * 12 ||
	    total > (int64_t)DATE_YEAR_MAX * 12 + 11)
		return DATE_INVALID;
	r.year = (int)(total / 12);
	r.month = (int)(total % 12) + 1;
	dim = date_days_in_month(r.year, r.month);
	r.day = anchor_day < dim ? anchor_day : dim;
	return r;
}

/* Parses exactly n ASCII digits at s; -1 on anything else. */
static int
digits(const char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_parse(const char *s, struct date *out)
{
	struct date	 d;

	if (s == NULL || out == NULL)
		return -1;
	if (strnlen(s, 11) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	d.year = digits(s, 4);
	d.month = digits(s + 5, 2);
	d.day = digits(s + 8, 2);
	if (d.year < 0 || d.month < 0 || d.day < 0 || !date_valid(d))
		return -1;
	*out = d;
	return 0;
}

/* Makes a failed or truncated snprintf result an error with out "". */
static int
checked(char *out, size_t n, int r)
{
	if (r < 0 || (size_t)r >= n) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
date_format_iso(char *out, size_t n, struct date d)
{
	if (out == NULL || n == 0)
		return -1;
	if (!date_valid(d)) {
		out[0] = '\0';
		return -1;
	}
	return checked(out, n,
	    snprintf(out, n, "%04d-%02d-%02d", d.year, d.month, d.day));
}

/* The language of lang's primary subtag ("de" in "de-AT"); English when unknown. */
static enum date_lang
lang_of(const char *lang)
{
	char	 tag[LANG_TAG_SIZE];
	size_t	 i;

	if (lang_primary(lang, tag) == -1)
		return DATE_LANG_EN;
	for (i = 0; i < DATE_LANG__MAX; i++)
		if (strcmp(lang_tags[i], tag) == 0)
			return (enum date_lang)i;
	return DATE_LANG_EN;
}

int
date_format_long(char *out, size_t n, struct date d, const char *lang)
{
	enum date_lang	 l = lang_of(lang);
	const char	*m;
	int		 r;

	if (out == NULL || n == 0)
		return -1;
	if (!date_valid(d)) {
		out[0] = '\0';
		return -1;
	}
	m = month_names[l][d.month - 1];
	switch (l) {
	case DATE_LANG_ES:
	case DATE_LANG_PT:
		r = snprintf(out, n, "%d de %s de %d", d.day, m, d.year);
		break;
	case DATE_LANG_DE:
		r = snprintf(out, n, "%d. %s %d", d.day, m, d.year);
		break;
	case DATE_LANG_FR:
		r = snprintf(out, n, "%d%s %s %d", d.day,
		    d.day == 1 ? "er" : "", m, d.year);
		break;
	default:
		r = snprintf(out, n, "%d %s %d", d.day, m, d.year);
		break;
	}
	return checked(out, n, r);
}

int
date_format_weekday_long(char *out, size_t n, struct date d, const char *lang)
{
	enum date_lang	 l = lang_of(lang);
	char		 day[DATE_LONG_MAX];
	int		 r;

	if (out == NULL || n == 0)
		return -1;
	if (date_format_long(day, sizeof(day), d, lang) == -1) {
		out[0] = '\0';
		return -1;
	}
	/* Spanish, German and Portuguese put a comma after the weekday. */
	r = snprintf(out, n, "%s%s %s", weekday_names[l][date_weekday(d) - 1],
	    l == DATE_LANG_ES || l == DATE_LANG_DE || l == DATE_LANG_PT ? "," : "",
	    day);
	return checked(out, n, r);
}
