#ifndef PORTAL_TOKEN_H
#define PORTAL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Secrets handed to browsers: link tokens, staff session ids, unsubscribe
 * tokens and CSRF tokens, all derived from the server secret with libsodium.
 *
 * A token is 32 random bytes, base64url without padding (43 characters).
 * The database keeps only a keyed BLAKE2b hash of it, so a dump of the
 * database yields no working link or session. Each kind of token hashes
 * with its own subkey, so a session id never works as a link.
 */
#define TOKEN_BYTES	32
#define TOKEN_LEN	43			/* base64url of 32 bytes */
#define TOKEN_HASH_BYTES 32
#define TOKEN_HASH_HEX	(2 + 2 * TOKEN_HASH_BYTES + 1)	/* "\x..." + NUL */

enum token_kind {
	TOKEN_LINK,
	TOKEN_SESSION,
	TOKEN_UNSUBSCRIBE,	/* /u/{token}: opt out of reminder emails */
	TOKEN_KIND__MAX
};

/* A fresh random token (text, NUL-terminated) and its hash as bytea hex. */
int token_new(const unsigned char *secret, enum token_kind kind,
    char token[TOKEN_LEN + 1], char hash_hex[TOKEN_HASH_HEX]);
/*
 * A form's one-time id (random, the shape of a token): a form posted twice
 * is known by it (form_uses). Not a secret; 0.
 */
int token_form_id(char out[TOKEN_LEN + 1]);
/* True when s has exactly the shape of a token: 43 base64url characters. */
bool token_well_formed(const char *s);
/* The keyed hash of a token as a bytea hex literal ("\x..."); 0 or -1. */
int token_hash(const unsigned char *secret, enum token_kind kind,
    const char *token, char hash_hex[TOKEN_HASH_HEX]);
/*
 * A CSRF token binding a form's purpose ("plan", "hardship", "login") to a
 * subject (a link id, a session hash): base64url of crypto_auth. 0 or -1.
 */
int token_csrf(const unsigned char *secret, const char *purpose,
    const char *subject, char out[TOKEN_LEN + 1]);
/* True when given is the CSRF token for purpose and subject (constant time). */
bool token_csrf_valid(const unsigned char *secret, const char *purpose,
    const char *subject, const char *given);

#endif
