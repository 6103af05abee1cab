/*
 * outfile.c: files tsm writes for the user, never world-writable.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "outfile.h"

FILE *
tsm_create_private(const char *path)
{
	int fd, e;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if ((f = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		errno = e;
	}
	return f;
}
