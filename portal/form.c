#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

enum form_result
form_check(const struct http_param *params, size_t nparams,
    const struct form_field *fields, size_t n, const char **values,
    const char **bad, enum form_result *each)
{
	enum form_result	res = FORM_OK, r;
	size_t			i, f;

	*bad = NULL;
	for (f = 0; f < n; f++) {
		values[f] = NULL;
		if (each != NULL)
			each[f] = FORM_OK;
	}
	for (i = 0; i < nparams; i++) {
		for (f = 0; f < n; f++)
			if (strcmp(params[i].name, fields[f].name) == 0)
				break;
		if (f == n || values[f] != NULL) {
			*bad = params[i].name;
			return f == n ? FORM_UNKNOWN : FORM_REPEATED;
		}
		values[f] = params[i].value;
		r = params[i].bad ? FORM_BAD_TEXT :
		    params[i].len > fields[f].maxlen ? FORM_TOO_LONG : FORM_OK;
		if (each != NULL)
			each[f] = r;
		if (res == FORM_OK && r != FORM_OK) {
			res = r;
			*bad = fields[f].name;
		}
	}
	for (f = 0; f < n; f++) {
		if (values[f] == NULL)
			values[f] = "";
		if (fields[f].required && values[f][0] == '\0') {
			if (each != NULL)
				each[f] = FORM_MISSING;
			if (res == FORM_OK) {
				res = FORM_MISSING;
				*bad = fields[f].name;
			}
		}
	}
	return res;
}

int
form_choice(const char *s, const char *const *set)
{
	int	i;

	for (i = 0; s != NULL && set[i] != NULL; i++)
		if (strcmp(s, set[i]) == 0)
			return i;
	return -1;
}

int
form_int(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s < '0' || *s > '9' || strlen(s) > 18)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
