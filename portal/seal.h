#ifndef PORTAL_SEAL_H
#define PORTAL_SEAL_H

#include <stddef.h>

/*
 * Sealing stored text with a key derived from the server secret
 * (crypto_secretbox: XSalsa20-Poly1305, a random nonce per message). The
 * outbox keeps each message sealed: a reminder or confirmation carries the
 * debtor's personal link, and a database dump must not yield working links;
 * staff TOTP secrets are sealed the same way (totp.c), with another key.
 * Sealed text is "k", the id of the key (keyring.h), ":" and base64 of
 * nonce || ciphertext, so text sealed before a rotation of the secret
 * still opens while its key stays in the secret file. "s1:" and base64 is
 * the form from before rotation, sealed with key 1.
 */
struct buf;
struct keyring;

/* Appends the sealed form of the n bytes at in (signing key) to out; 0 or -1. */
int seal_text(const struct keyring *keys, const char *in, size_t n,
    struct buf *out);
/*
 * Appends the plaintext of sealed text s to out; -1 if it was tampered
 * with or its key is not in keys.
 */
int seal_open(const struct keyring *keys, const char *s, struct buf *out);
/*
 * The same with a key of its own for another kind of secret: context is
 * exactly 8 characters (crypto_kdf), so text sealed for one purpose never
 * opens as another's. The outbox's context is "outboxky"; 0 or -1. The
 * signing key seals; the key named in the text opens.
 */
int seal_text_as(const struct keyring *keys, const char *context,
    const char *in, size_t n, struct buf *out);
int seal_open_as(const struct keyring *keys, const char *context,
    const char *s, struct buf *out);
/* The id of the key that sealed s, or 0 when s is not sealed text. */
unsigned seal_key_id(const char *s);

#endif
