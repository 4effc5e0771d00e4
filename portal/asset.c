#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "asset.h"

/* Hashes the file at path with SHA-256 into hash; 0, or -1 with err set. */
static int
hash_file(const char *path, unsigned char hash[crypto_hash_sha256_BYTES],
    char *err, size_t errsz)
{
	crypto_hash_sha256_state st;
	unsigned char		 chunk[8192];
	size_t			 total = 0;
	ssize_t			 r;
	int			 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (crypto_hash_sha256_init(&st) != 0)
		goto out;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0) {
		total += (size_t)r;
		if (total > ASSET_FILE_MAX) {
			(void)snprintf(err, errsz, "%s: file is too big", path);
			goto out;
		}
		if (crypto_hash_sha256_update(&st, chunk, (size_t)r) != 0)
			goto out;
	}
	if (r == -1) {
		(void)snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (crypto_hash_sha256_final(&st, hash) != 0)
		goto out;
	rc = 0;
out:
	if (rc == -1 && err[0] == '\0')
		(void)snprintf(err, errsz, "%s: cannot hash", path);
	(void)close(fd);
	return rc;
}

int
asset_url(const char *dir, const char *name, char *out, size_t outsz,
    char *err, size_t errsz)
{
	unsigned char	 hash[crypto_hash_sha256_BYTES];
	char		 path[4096], hex[crypto_hash_sha256_BYTES * 2 + 1];
	const char	*dot = strrchr(name, '.');
	int		 base, n;

	err[0] = '\0';
	base = dot != NULL ? (int)(dot - name) : (int)strlen(name);
	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		(void)snprintf(err, errsz, "%s/%s: path is too long", dir, name);
		return -1;
	}
	if (hash_file(path, hash, err, errsz) == -1)
		return -1;
	(void)sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	hex[ASSET_HASH_HEX] = '\0';
	n = snprintf(out, outsz, "/static/%.*s.%s%s", base, name, hex,
	    dot != NULL ? dot : "");
	if (n < 0 || (size_t)n >= outsz) {
		(void)snprintf(err, errsz, "%s: versioned name is too long", name);
		return -1;
	}
	return 0;
}
