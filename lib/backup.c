/*
 * backup.c: writing FILE.bak beside FILE, safely.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "log.h"

/* The directory of path, in a new string (the caller frees it). */
static char *
dir_of(const char *path)
{
	char *copy = strdup(path), *d;

	if (copy == NULL)
		return NULL;
	d = strdup(dirname(copy));
	free(copy);
	return d;
}

bool
tsm_backup_possible(const char *path)
{
	char *dir = dir_of(path);
	bool ok;

	if (dir == NULL) {
		tsm_error("out of memory");
		return false;
	}
	ok = access(dir, W_OK | X_OK) == 0;
	if (!ok) {
		tsm_error("cannot write the backup of %s in \"%s\": %s", path,
		    dir, strerror(errno));
		tsm_hint("make the directory writable, or give --no-backup; "
		    "nothing was migrated");
	}
	free(dir);
	return ok;
}

/* True if the file name holds exactly bytes[0..len). */
static bool
same_content(const char *name, const void *bytes, size_t len)
{
	struct stat st;
	char buf[65536];
	size_t pos = 0;
	bool same = true;
	int fd = open(name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != len) {
		close(fd);
		return false;
	}
	while (same) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			same = r == 0 && pos == len;
			break;
		}
		if (pos + (size_t)r > len ||
		    memcmp(buf, (const char *)bytes + pos, (size_t)r) != 0)
			same = false;
		pos += (size_t)r;
	}
	close(fd);
	return same;
}

/* Writes all of bytes to fd; false with errno set on failure. */
static bool
write_all(int fd, const void *bytes, size_t len)
{
	const char *p = bytes;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		len -= (size_t)w;
	}
	return true;
}

enum tsm_backup_result
tsm_backup_write(const char *path, const void *bytes, size_t len,
    char *made, size_t madesz)
{
	char *dir = dir_of(path), *tmp = NULL;
	struct stat st;
	mode_t mode = 0644;
	int fd = -1, dfd;
	enum tsm_backup_result res = TSM_BACKUP_FAILED;

	if (dir == NULL)
		goto oom;
	/* The original's mode, but never writable by everyone. */
	if (stat(path, &st) == 0)
		mode = st.st_mode & 0777 & ~(mode_t)S_IWOTH;

	/* A backup of these very bytes is already there: keep it. */
	for (int n = 0; n < 1000; n++) {
		if (n == 0)
			snprintf(made, madesz, "%s.bak", path);
		else
			snprintf(made, madesz, "%s.bak.%d", path, n);
		if (access(made, F_OK) != 0)
			break;
		if (same_content(made, bytes, len)) {
			free(dir);
			return TSM_BACKUP_EXISTS;
		}
	}

	if (asprintf(&tmp, "%s.bak.tmpXXXXXX", path) < 0) {
		tmp = NULL;
		goto oom;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		tsm_error("cannot write the backup of %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!write_all(fd, bytes, len) || fchmod(fd, mode) != 0 ||
	    fsync(fd) != 0) {
		tsm_error("cannot write the backup of %s (%s): %s", path, tmp,
		    strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		tsm_error("cannot write the backup of %s: %s", path,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	/* link(2) never replaces: a name taken meanwhile is skipped. */
	for (int n = 0; n < 1000; n++) {
		if (n == 0)
			snprintf(made, madesz, "%s.bak", path);
		else
			snprintf(made, madesz, "%s.bak.%d", path, n);
		if (link(tmp, made) == 0) {
			res = TSM_BACKUP_WRITTEN;
			break;
		}
		if (errno != EEXIST) {
			tsm_error("cannot write the backup of %s as %s: %s",
			    path, made, strerror(errno));
			goto out;
		}
	}
	if (res != TSM_BACKUP_WRITTEN) {
		tsm_error("cannot write the backup of %s: %s.bak to %s.bak.999 "
		    "are all taken", path, path, path);
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) != 0 && errno != EINVAL) {
			tsm_error("cannot sync directory \"%s\": %s", dir,
			    strerror(errno));
			res = TSM_BACKUP_FAILED;
		}
		close(dfd);
	}
	goto out;
oom:
	tsm_error("out of memory");
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	return res;
}
