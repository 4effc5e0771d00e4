#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "db.h"
#include "keyring.h"
#include "rotate.h"

/* Writes all of n bytes to fd; 0 or -1. */
static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Makes the rename durable: fsync of the directory holding path. */
static int
sync_dir(const char *path)
{
	char	dir[4096];
	int	fd, rc;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return -1;
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	(void)close(fd);
	return rc;
}

int
rotate_write(const char *path, const struct keyring *keys, char *err,
    size_t errsz)
{
	char		 text[KEYRING_FILE_MAX], tmp[4096];
	struct stat	 st;
	int		 fd = -1, rc = -1;
	bool		 have_old;

	if (keyring_format(keys, text, sizeof(text)) == -1) {
		(void)snprintf(err, errsz, "the keys do not fit the secret file");
		goto out;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp)) {
		(void)snprintf(err, errsz, "%s: path too long", path);
		goto out;
	}
	have_old = stat(path, &st) == 0;
	(void)unlink(tmp);	/* left by a run that was interrupted */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		(void)snprintf(err, errsz, "%s: %s (run as the owner of its "
		    "directory, root for /etc/settle)", tmp, strerror(errno));
		goto out;
	}
	if (have_old && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) == -1) {
		(void)snprintf(err, errsz, "%s: chown: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, text, strlen(text)) == -1 || fsync(fd) == -1) {
		(void)snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		(void)snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		(void)snprintf(err, errsz, "rename %s: %s", path, strerror(errno));
		goto out;
	}
	if (sync_dir(path) == -1) {
		(void)snprintf(err, errsz, "%s: fsync of its directory: %s", path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		(void)close(fd);
	if (rc == -1)
		(void)unlink(tmp);
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
rotate_use(struct db *db, unsigned id, struct rotate_use *u)
{
	char		 ids[16];
	const char	*p[1] = { ids };
	struct db_res	*r;

	memset(u, 0, sizeof(*u));
	(void)snprintf(ids, sizeof(ids), "%u", id);
	if ((r = db_query(db, SQL_KEY_USE, p, 1)) == NULL)
		return -1;
	u->links = db_int(r, 0, KEY_USE_LINKS);
	u->sessions = db_int(r, 0, KEY_USE_SESSIONS);
	u->mail = db_int(r, 0, KEY_USE_MAIL);
	u->totp = db_int(r, 0, KEY_USE_TOTP);
	u->recovery = db_int(r, 0, KEY_USE_RECOVERY);
	(void)snprintf(u->links_until, sizeof(u->links_until), "%s",
	    db_str(r, 0, KEY_USE_LINKS_UNTIL));
	(void)snprintf(u->sessions_until, sizeof(u->sessions_until), "%s",
	    db_str(r, 0, KEY_USE_SESSIONS_UNTIL));
	db_res_free(r);
	return 0;
}
