#ifndef PORTAL_KEYRING_H
#define PORTAL_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * The server keys: the secret file holds one or more 32-byte keys, each
 * with a small id (1 to KEYRING_ID_MAX), so the secret can be rotated
 * without breaking the links already sent. One key signs (the newest whose
 * start time has come); every key in the file verifies. Stored token
 * hashes and sealed mail carry the id of the key that made them (token.h,
 * seal.h), so a key can be retired once nothing it made is still alive
 * (portal-admin rotate-secret --retire).
 *
 * The file: '#' comment lines, then one key a line,
 *	ID HEX [START]
 * with 64 hex digits and START the Unix time from which the key signs
 * (0 or absent: at once). The file written before rotation existed, 64 hex
 * digits alone, is key 1.
 */
#define KEYRING_MAX		8
#define KEYRING_KEY_BYTES	32
#define KEYRING_ID_MAX		254	/* ids fit a byte; 255 stays free */
#define KEYRING_FILE_MAX	4096

struct keyring_key {
	unsigned	id;
	long long	start;		/* Unix time it signs from; 0: always */
	unsigned char	key[KEYRING_KEY_BYTES];
};

struct keyring {
	struct keyring_key	keys[KEYRING_MAX];	/* ascending ids */
	int			n;
};

/* Parses the secret file's len bytes into r; 0, or -1 with err set. */
int keyring_parse(struct keyring *r, const char *text, size_t len, char *err,
    size_t errsz);
/* Writes r as the secret file's text into out (NUL-terminated); 0 or -1. */
int keyring_format(const struct keyring *r, char *out, size_t outsz);
/* The key that signs at time now: the newest started one (never NULL if n > 0). */
const struct keyring_key *keyring_signer(const struct keyring *r, time_t now);
/* The key with id, or NULL. */
const struct keyring_key *keyring_find(const struct keyring *r, unsigned id);
/*
 * Adds a fresh random key with the next id, signing from start (0: now);
 * its id, or -1 when the ring is full or the ids are used up.
 */
int keyring_add(struct keyring *r, long long start);
/* Removes key id; 0, or -1 when there is no such key or it is the last. */
int keyring_remove(struct keyring *r, unsigned id);
/* Wipes every key (sodium_memzero). */
void keyring_wipe(struct keyring *r);

#endif
