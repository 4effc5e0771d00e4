#ifndef PORTAL_SEAL_H
#define PORTAL_SEAL_H

#include <stddef.h>

/*
 * Sealing stored text with a key derived from the server secret
 * (crypto_secretbox: XSalsa20-Poly1305, a random nonce per message). The
 * outbox keeps each message sealed: a reminder or confirmation carries the
 * debtor's personal link, and a database dump must not yield working links;
 * staff TOTP secrets are sealed the same way (totp.c), with another key.
 * Sealed text is "s1:" and base64 of nonce || ciphertext.
 */
struct buf;

/* Appends the sealed form of the n bytes at in to out; 0 or -1. */
int seal_text(const unsigned char *secret, const char *in, size_t n,
    struct buf *out);
/* Appends the plaintext of sealed text s to out; -1 if it was tampered with. */
int seal_open(const unsigned char *secret, const char *s, struct buf *out);
/*
 * The same with a key of its own for another kind of secret: context is
 * exactly 8 characters (crypto_kdf), so text sealed for one purpose never
 * opens as another's. The outbox's context is "outboxky"; 0 or -1.
 */
int seal_text_as(const unsigned char *secret, const char *context,
    const char *in, size_t n, struct buf *out);
int seal_open_as(const unsigned char *secret, const char *context,
    const char *s, struct buf *out);

#endif
