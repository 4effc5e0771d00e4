#include <stddef.h>
#include <string.h>

#include "role.h"

const char *const role_names[STAFF_ROLE__MAX + 1] = {
	[STAFF_CLERK] = "clerk",
	[STAFF_MANAGER] = "manager",
	[STAFF_ROLE__MAX] = NULL,
};

int
role_parse(const char *s)
{
	int	r;

	if (s == NULL)
		return -1;
	for (r = 0; r < STAFF_ROLE__MAX; r++)
		if (strcmp(s, role_names[r]) == 0)
			return r;
	return -1;
}

const char *
role_name(int r)
{
	return r >= 0 && r < STAFF_ROLE__MAX ? role_names[r] : NULL;
}

/*
 * The roles are ordered: each includes the ones below it. A role out of
 * range allows nothing and is satisfied by nothing.
 */
bool
role_allows(int have, int need)
{
	if (have < 0 || have >= STAFF_ROLE__MAX || need < 0 ||
	    need >= STAFF_ROLE__MAX)
		return false;
	return have >= need;
}
