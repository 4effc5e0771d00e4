#ifndef PORTAL_ROTATE_H
#define PORTAL_ROTATE_H

#include <stddef.h>

/*
 * Rotating the server secret (portal-admin rotate-secret): writing the
 * secret file with its keys (keyring.h), and asking the database what a key
 * still protects before it is retired.
 */
struct db;
struct keyring;

/* What one key still protects (times in the database's words, "" for none). */
struct rotate_use {
	long long	links;			/* live links hashed with it */
	char		links_until[48];	/* when the last of them expires */
	long long	sessions;		/* live staff sessions */
	char		sessions_until[48];
	long long	mail;			/* queued messages sealed with it */
	long long	totp;			/* staff TOTP secrets sealed with it */
	long long	recovery;		/* staff with unused recovery codes under it */
};

/*
 * Replaces the secret file at path with keys, atomically: a new file
 * beside it (mode 0600, the old file's owner when we may), synced, then
 * renamed over it. 0, or -1 with err set.
 */
int rotate_write(const char *path, const struct keyring *keys, char *err,
    size_t errsz);
/* Fills u with what key id still protects; 0 or -1 (logged). */
int rotate_use(struct db *db, unsigned id, struct rotate_use *u);

#endif
