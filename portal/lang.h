#ifndef PORTAL_LANG_H
#define PORTAL_LANG_H

/*
 * Language tags as customers carry them ("es", "de-AT", "pt_BR"): the
 * primary subtag decides how dates and money are written.
 */
#define LANG_TAG_SIZE	3	/* two letters and a NUL */

/*
 * Writes the lower-case primary subtag of lang ("de" for "de-AT") to tag;
 * 0, or -1 when lang is NULL or does not start with two letters followed by
 * the end, '-' or '_'.
 */
int lang_primary(const char *lang, char tag[LANG_TAG_SIZE]);

#endif
