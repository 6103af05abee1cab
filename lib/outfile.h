/*
 * outfile.h: files tsm writes for the user (rejected rows, equity curves,
 * trade lists, charts).
 */
#ifndef TSM_OUTFILE_H
#define TSM_OUTFILE_H

#include <stdio.h>

/*
 * Creates path, or empties it, for writing, with mode 0600 when it is
 * created, whatever the umask: what lands there is the user's data (an
 * existing file keeps its mode).  NULL with errno set when it cannot.
 */
FILE *tsm_create_private(const char *path);

#endif
