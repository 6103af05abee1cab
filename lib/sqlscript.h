/*
 * sqlscript.h: SQL files written for psql, run from C.
 *
 * The files in sql/ run unchanged in psql with -v variables; this module
 * gives them the same meaning here: :"name" is the variable quoted as an
 * identifier, :'name' quoted as a literal, and \if :name / \elif / \else /
 * \endif lines keep or drop the lines between them.  Any other backslash
 * command is an error, so a file never means something else here than in
 * psql.
 */
#ifndef TSM_SQLSCRIPT_H
#define TSM_SQLSCRIPT_H

#include <stdbool.h>

struct tsm_sql_var {
	const char *name;
	const char *value;	/* booleans are "true" or "false" */
};

/*
 * Expands text with the variables; returns the SQL (the caller frees it)
 * or NULL after reporting the file, line and problem (an unknown
 * variable, an unbalanced \if, an unknown backslash command).
 */
char *tsm_sql_expand(const char *fname, const char *text,
    const struct tsm_sql_var *vars, int nvars);

/* The line of text holding byte offset pos, from 1. */
int tsm_sql_line_of(const char *text, int pos);

#endif
