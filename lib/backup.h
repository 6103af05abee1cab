/*
 * backup.h: a byte-identical copy of a migrated file, kept beside it.
 *
 * The copy is written to a temporary file in the same directory, fsynced,
 * then linked to its name, which fails rather than replaces when the name
 * is taken: an existing backup is never overwritten.  The directory is
 * fsynced too, so that the name survives a crash.
 */
#ifndef TSM_BACKUP_H
#define TSM_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Checks, before anything is migrated, that a backup can be made beside
 * path; false after reporting why not.
 */
bool tsm_backup_possible(const char *path);

enum tsm_backup_result {
	TSM_BACKUP_FAILED,	/* reported */
	TSM_BACKUP_WRITTEN,	/* made holds the new name */
	TSM_BACKUP_EXISTS	/* an identical one is there: made names it */
};

/*
 * Writes bytes[0..len) as path.bak; if that name holds other bytes, as
 * path.bak.1, path.bak.2, ... (the first free one).  The copy gets the
 * permission bits of path.  made receives the name (at least
 * strlen(path) + 16 bytes).
 */
enum tsm_backup_result tsm_backup_write(const char *path, const void *bytes,
    size_t len, char *made, size_t madesz);

#endif
