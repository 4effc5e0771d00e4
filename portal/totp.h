#ifndef PORTAL_TOTP_H
#define PORTAL_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyring.h"

/*
 * A second factor for staff: time-based one-time passwords (RFC 6238:
 * HMAC-SHA-1, 6 digits, 30-second steps from the Unix epoch), computed by
 * liboath, and recovery codes for a lost phone.
 *
 * Enrolment: totp_secret_new() (20 random bytes from libsodium), shown to
 * the user as totp_uri() (and its QR code, qr.c), kept by the caller
 * (sealed, seal.c: with the secret a thief makes codes). Sign-in:
 * totp_verify() accepts the code of the current step or of one step
 * either side (clocks drift), but only for a step after the last one that
 * account used: the caller stores the step it returns, so a code seen
 * over a shoulder or replayed from a log is refused.
 *
 * Recovery codes: TOTP_RECOVERY_CODES codes of ten base32 characters (50
 * random bits each), shown once as "ABCDE-FGHIJ", stored only as keyed
 * BLAKE2b hashes (crypto_generichash with a subkey of the server secret,
 * over the user and the code), each usable once. Not Argon2 like
 * passwords: the codes are random, not chosen by people, so a slow hash
 * buys little, while checking ten Argon2 hashes on every try would make
 * each attempt cost a second of CPU; a database dump alone, without the
 * server secret, gives nothing to guess against. Online guessing is the
 * sign-in throttle's job.
 */
#define TOTP_SECRET_BYTES	20
#define TOTP_SECRET_B32_SIZE	33	/* base32 of 20 bytes + NUL */
#define TOTP_DIGITS		6
#define TOTP_STEP		30	/* seconds */
#define TOTP_WINDOW		1	/* steps accepted either side */
#define TOTP_CODE_SIZE		9	/* up to 8 digits + NUL */
#define TOTP_URI_MAX		512
#define TOTP_ISSUER_MAX		64	/* bytes */
#define TOTP_ACCOUNT_MAX	254	/* bytes: an email address */
#define TOTP_RECOVERY_CODES	10
#define TOTP_RECOVERY_SIZE	12	/* "ABCDE-FGHIJ" + NUL */
#define TOTP_RECOVERY_HASH_HEX	(2 + 66 + 1)	/* bytea hex "\x" key id, hash, NUL */
/* {"\\x..",..}: every key's hash as a bytea[] literal (keyring.h). */
#define TOTP_RECOVERY_HASH_LIST	(KEYRING_MAX * (TOTP_RECOVERY_HASH_HEX + 4) + 3)

struct buf;

/* A new random secret. */
void totp_secret_new(unsigned char secret[TOTP_SECRET_BYTES]);
/* RFC 4648 base32 of len (1..64) secret bytes, upper case, no padding, into out; 0, or -1 (out "") when it does not fit. */
int totp_base32(const unsigned char *secret, size_t len, char *out, size_t outsz);
/* The code for Unix time t (>= 0) with digits (6 to 8) into out; 0 or -1. */
int totp_code(const unsigned char *secret, size_t len, int64_t t, int digits,
    char out[TOTP_CODE_SIZE]);
/*
 * Checks code (six digits; spaces between them allowed) at time now
 * against the steps now-1, now, now+1 that come after last_step (-1 when
 * none was used yet). 0 with the matched step in *step (the latest if
 * several), or -1. Compares in constant time.
 */
int totp_verify(const unsigned char *secret, size_t len, int64_t now,
    const char *code, int64_t last_step, int64_t *step);
/*
 * "otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1&
 * digits=6&period=30" into out, issuer and account percent-encoded
 * (RFC 3986 unreserved characters kept). Issuer: 1..TOTP_ISSUER_MAX bytes
 * without ':'; account: 1..TOTP_ACCOUNT_MAX; both valid UTF-8 without
 * control characters. 0, or -1 (out "").
 */
int totp_uri(char *out, size_t outsz, const char *issuer, const char *account,
    const unsigned char *secret, size_t len);
/* True when given is written like a TOTP code (six digits, spaces between them allowed), not a recovery code. */
bool totp_is_code(const char *given);
/*
 * Appends secret sealed with the signing key of keys (seal.c, a context of
 * its own, the key id in the text) to out; 0 or -1.
 */
int totp_secret_seal(const struct keyring *keys,
    const unsigned char secret[TOTP_SECRET_BYTES], struct buf *out);
/*
 * The secret in sealed text made by totp_secret_seal(), under whichever key
 * of keys sealed it (a secret sealed before a rotation still opens); 0, or
 * -1 when its key is gone, it was tampered with or it is not a secret.
 */
int totp_secret_open(const struct keyring *keys, const char *sealed,
    unsigned char secret[TOTP_SECRET_BYTES]);
/* TOTP_RECOVERY_CODES fresh codes, "ABCDE-FGHIJ", to show once. */
void totp_recovery_new(char codes[TOTP_RECOVERY_CODES][TOTP_RECOVERY_SIZE]);
/*
 * The stored form of a recovery code for user (its id or email) under key
 * k as bytea hex: k's id (one byte, like token.h's hashes) and the keyed
 * hash; 0, or -1 when code is not one (see totp_recovery_find).
 */
int totp_recovery_hash(const struct keyring_key *k, const char *user,
    const char *code, char hash_hex[TOTP_RECOVERY_HASH_HEX]);
/* The code's stored forms under every key, as a bytea[] literal for "= ANY($1::bytea[])"; 0 or -1. */
int totp_recovery_lookup(const struct keyring *keys, const char *user,
    const char *code, char list[TOTP_RECOVERY_HASH_LIST]);
/*
 * The index among the n stored hashes of the code the user typed (case,
 * spaces and hyphens ignored; 0, 1 and 8 read as O, I and B) under any of
 * keys, or -1. Every hash is compared, in constant time. The caller then
 * deletes that hash.
 */
int totp_recovery_find(const struct keyring *keys, const char *user,
    const char *given, const char *const *hashes, size_t n);

#endif
