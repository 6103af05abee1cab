/*
 * sqlfiles.h: the SQL files of sql/, compiled into the library.
 */
#ifndef TSM_SQLFILES_H
#define TSM_SQLFILES_H

#include <stddef.h>

struct tsm_sql_file {
	const char *name;	/* base name, such as "001_base.sql" */
	const char *text;	/* NUL-terminated contents */
	size_t len;
};

/* Sorted by name; ends with an entry whose name is NULL. */
extern const struct tsm_sql_file tsm_sql_files[];

const struct tsm_sql_file *tsm_sql_file_find(const char *name);

#endif
