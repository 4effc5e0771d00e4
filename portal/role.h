#ifndef PORTAL_ROLE_H
#define PORTAL_ROLE_H

#include <stdbool.h>

/*
 * Staff roles (issue 14): every staff user is a clerk or a manager, stored
 * in staff_users.role (sql/0013, a CHECK of these words). A manager may do
 * everything a clerk may, and what only managers may (the aged-ledger CSV
 * export now; escalation approval and fee waivers in later issues). Pure.
 */
enum staff_role {
	STAFF_CLERK,
	STAFF_MANAGER,
	STAFF_ROLE__MAX
};

/* The words, in enum order, NULL-terminated (form_choice, view_set_choice). */
extern const char *const role_names[];

/* The role named s ("clerk", "manager"); -1 for anything else or NULL. */
int role_parse(const char *s);
/* The word for role r ("clerk"); NULL when r is out of range. Static. */
const char *role_name(int r);
/* True when a user with role have may do what needs role need. */
bool role_allows(int have, int need);

#endif
