#ifndef PORTAL_TOKEN_H
#define PORTAL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "keyring.h"

/*
 * Secrets handed to browsers: link tokens, staff session ids, unsubscribe
 * and counter-offer tokens, and CSRF tokens, all derived from the server
 * secret with libsodium.
 *
 * A token is 32 random bytes, base64url without padding (43 characters).
 * The database keeps only a keyed BLAKE2b hash of it, so a dump of the
 * database yields no working link or session. Each kind of token hashes
 * with its own subkey, so a session id never works as a link.
 *
 * A stored hash is the id of the server key that made it (one byte,
 * keyring.h) and the 32-byte hash. New tokens are hashed with the signing
 * key; a token is looked up by its hashes under every key still in the
 * secret file, given to SQL as one bytea[] ("token_hash = ANY($1)"): one
 * index probe per key, so one extra only while an old key is kept.
 */
#define TOKEN_BYTES	32
#define TOKEN_LEN	43			/* base64url of 32 bytes */
#define TOKEN_HASH_BYTES 32
#define TOKEN_STORED_BYTES (1 + TOKEN_HASH_BYTES)	/* key id, hash */
#define TOKEN_HASH_HEX	(2 + 2 * TOKEN_STORED_BYTES + 1)	/* "\x..." + NUL */
/* {"\\x..","\\x.."}: a quoted element per key, commas, braces, NUL. */
#define TOKEN_HASH_LIST	(KEYRING_MAX * (TOKEN_HASH_HEX + 4) + 3)

enum token_kind {
	TOKEN_LINK,
	TOKEN_SESSION,
	TOKEN_UNSUBSCRIBE,	/* /u/{token}: opt out of reminder emails */
	TOKEN_COUNTER,		/* /o/{token}: accept staff's counter-offer */
	TOKEN_KIND__MAX
};

/*
 * A fresh random token (text, NUL-terminated) and its stored hash under
 * the keys' signing key, as bytea hex; 0 or -1.
 */
int token_new(const struct keyring *keys, enum token_kind kind,
    char token[TOKEN_LEN + 1], char hash_hex[TOKEN_HASH_HEX]);
/*
 * A form's one-time id (random, the shape of a token): a form posted twice
 * is known by it (form_uses). Not a secret; 0.
 */
int token_form_id(char out[TOKEN_LEN + 1]);
/* True when s has exactly the shape of a token: 43 base64url characters. */
bool token_well_formed(const char *s);
/* The stored hash of a token under one key, as bytea hex ("\x01..."); 0 or -1. */
int token_hash(const struct keyring_key *key, enum token_kind kind,
    const char *token, char hash_hex[TOKEN_HASH_HEX]);
/*
 * The stored hashes of a token under every key, signing key first, as a
 * PostgreSQL bytea[] literal for "= ANY($1::bytea[])"; 0 or -1.
 */
int token_lookup(const struct keyring *keys, enum token_kind kind,
    const char *token, char list[TOKEN_HASH_LIST]);
/*
 * A CSRF token binding a form's purpose ("plan", "hardship", "login") to a
 * subject (a link id, a session hash): base64url of crypto_auth under the
 * signing key. 0 or -1.
 */
int token_csrf(const struct keyring *keys, const char *purpose,
    const char *subject, char out[TOKEN_LEN + 1]);
/*
 * True when given is the CSRF token for purpose and subject under any of
 * the keys (constant time per key): a form shown before a rotation still
 * posts, for as long as its key stays in the secret file.
 */
bool token_csrf_valid(const struct keyring *keys, const char *purpose,
    const char *subject, const char *given);

#endif
