#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "keyring.h"
#include "seal.h"

#define SEAL_LEGACY	"s1:"		/* key 1, from before rotation */
#define SEAL_CONTEXT	"outboxky"	/* crypto_kdf context: 8 bytes */
#define SEAL_MAX	(4 * 1024 * 1024)

/*
 * The key id of sealed text s and where its base64 starts (*body); 0 when
 * s has neither form.
 */
static unsigned
parse_prefix(const char *s, const char **body)
{
	char		*end;
	unsigned long	 id;

	if (strncmp(s, SEAL_LEGACY, sizeof(SEAL_LEGACY) - 1) == 0) {
		*body = s + sizeof(SEAL_LEGACY) - 1;
		return 1;
	}
	if (s[0] != 'k' || s[1] < '1' || s[1] > '9')
		return 0;
	id = strtoul(s + 1, &end, 10);
	if (*end != ':' || id > KEYRING_ID_MAX)
		return 0;
	*body = end + 1;
	return (unsigned)id;
}

unsigned
seal_key_id(const char *s)
{
	const char	*body;

	return parse_prefix(s, &body);
}

/* The key for context (crypto_kdf: exactly 8 characters); 0 or -1. */
static int
derive(const unsigned char *secret, const char *context,
    unsigned char key[crypto_secretbox_KEYBYTES])
{
	if (context == NULL || strlen(context) != crypto_kdf_CONTEXTBYTES)
		return -1;
	return crypto_kdf_derive_from_key(key, crypto_secretbox_KEYBYTES, 1,
	    context, secret);
}

int
seal_text(const struct keyring *keys, const char *in, size_t n, struct buf *out)
{
	return seal_text_as(keys, SEAL_CONTEXT, in, n, out);
}

int
seal_open(const struct keyring *keys, const char *s, struct buf *out)
{
	return seal_open_as(keys, SEAL_CONTEXT, s, out);
}

int
seal_text_as(const struct keyring *keys, const char *context, const char *in,
    size_t n, struct buf *out)
{
	const struct keyring_key	*k = keyring_signer(keys, time(NULL));
	unsigned char			 key[crypto_secretbox_KEYBYTES];
	unsigned char			*box = NULL;
	size_t				 boxlen, b64len;
	int				 rc = -1;

	if (k == NULL || n > SEAL_MAX || derive(k->key, context, key) != 0)
		goto out;
	boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	if ((box = sodium_malloc(boxlen)) == NULL)
		goto out;
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	if (crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES,
	    (const unsigned char *)in, n, box, key) != 0)
		goto out;
	b64len = sodium_base64_ENCODED_LEN(boxlen, sodium_base64_VARIANT_ORIGINAL);
	if (buf_printf(out, "k%u:", k->id) == -1 || buf_reserve(out, b64len) == -1)
		goto out;
	(void)sodium_bin2base64(out->data + out->len, b64len, box, boxlen,
	    sodium_base64_VARIANT_ORIGINAL);
	out->len += b64len - 1;
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	sodium_free(box);
	return rc;
}

int
seal_open_as(const struct keyring *keys, const char *context, const char *s,
    struct buf *out)
{
	const struct keyring_key	*k;
	unsigned char			 key[crypto_secretbox_KEYBYTES];
	unsigned char			*box = NULL;
	size_t				 slen, boxlen = 0, n;
	int				 rc = -1;

	if ((k = keyring_find(keys, parse_prefix(s, &s))) == NULL)
		return -1;
	slen = strlen(s);
	if (slen > SEAL_MAX * 2 || derive(k->key, context, key) != 0)
		goto out;
	if ((box = sodium_malloc(slen)) == NULL ||
	    sodium_base642bin(box, slen, s, slen, NULL, &boxlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    boxlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		goto out;
	n = boxlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	if (buf_reserve(out, n) == -1 ||
	    crypto_secretbox_open_easy((unsigned char *)out->data + out->len,
	    box + crypto_secretbox_NONCEBYTES, boxlen - crypto_secretbox_NONCEBYTES,
	    box, key) != 0)
		goto out;
	out->len += n;
	out->data[out->len] = '\0';
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	sodium_free(box);
	return rc;
}
