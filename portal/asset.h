#ifndef PORTAL_ASSET_H
#define PORTAL_ASSET_H

#include <stddef.h>

/*
 * Versioned names of static files: NAME.HASH.EXT, HASH the first 12 hex
 * digits of the file's SHA-256, the same rule as scripts/static-names.sh,
 * which puts the copies beside the originals. Pages link to them; nginx
 * caches them for a year.
 */

#define ASSET_HASH_HEX	12
#define ASSET_FILE_MAX	(1024 * 1024)	/* a bigger static file is refused */

/* Writes "/static/" + the versioned name of dir/name into out; 0, or -1
 * with err set (unreadable, too big, no room). */
int asset_url(const char *dir, const char *name, char *out, size_t outsz,
    char *err, size_t errsz);

#endif
