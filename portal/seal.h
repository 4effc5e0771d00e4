#ifndef PORTAL_SEAL_H
#define PORTAL_SEAL_H

#include <stddef.h>

/*
 * Sealing stored text with a key derived from the server secret
 * (crypto_secretbox: XSalsa20-Poly1305, a random nonce per message). The
 * outbox keeps each message sealed: a reminder or confirmation carries the
 * debtor's personal link, and a database dump must not yield working links.
 * Sealed text is "s1:" and base64 of nonce || ciphertext.
 */
struct buf;

/* Appends the sealed form of the n bytes at in to out; 0 or -1. */
int seal_text(const unsigned char *secret, const char *in, size_t n,
    struct buf *out);
/* Appends the plaintext of sealed text s to out; -1 if it was tampered with. */
int seal_open(const unsigned char *secret, const char *s, struct buf *out);

#endif
