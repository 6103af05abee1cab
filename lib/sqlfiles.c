/*
 * sqlfiles.c: look-up in the table of embedded SQL files.
 */
#include <string.h>

#include "sqlfiles.h"

/* Returns the embedded file of that base name, or NULL. */
const struct tsm_sql_file *
tsm_sql_file_find(const char *name)
{
	const struct tsm_sql_file *f;

	for (f = tsm_sql_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
