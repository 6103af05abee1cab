/*
 * recload_int.h: a migration of JSON files as recload.c reads it and
 * recstore.c writes it.  Private to those two.
 */
#ifndef TSM_RECLOAD_INT_H
#define TSM_RECLOAD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "jsondoc.h"
#include "recload.h"
#include "strbuf.h"

/* 32 hex digits, "-", an ordinal, NUL. */
#define KEYLEN 48
struct rfile {
	struct tsm_json_doc doc;
	char *source;
	size_t first, n;	/* its rows */
	long inserted, in_db;
};

/* How often each identity was seen: the ordinal of a repeated record. */
struct seen_slot {
	unsigned char id[16];
	unsigned count;		/* 0: empty */
};

struct tsm_recload {
	struct tsm_recload_opts o;
	int cols[TSM_NFIELDS];	/* the fields that are columns, in order */
	int ncols;
	struct rfile *files;
	int nfiles;
	struct tsm_buf lines;	/* COPY text of every row */
	struct tsm_buf paths;	/* each row's JSON path, NUL-terminated */
	size_t *line_off;	/* nrows + 1 offsets into lines */
	size_t *path_off;
	char (*keys)[KEYLEN];
	int *file_of;
	bool *skip;		/* already in the database */
	bool *linked;		/* names an exchange: link its instrument */
	size_t nrows, cap;
	struct seen_slot *seen;
	size_t seen_cap, seen_n;
	/*
	 * Streaming (tsm_recload_stream_begin): a COPY open on this
	 * connection takes the lines while the rows are made; sent is how
	 * much of lines it has, and held says the server stopped taking
	 * them (its error comes when the COPY ends).  After a bad record
	 * nothing more is sent, and the COPY is ended with an error, so
	 * that the transaction writes nothing.
	 */
	PGconn *stream;
	size_t sent;
	bool held;
};

/* Streaming: sends the lines made since the last call (recstore.c). */
void tsm_recload_stream_push(struct tsm_recload *L);

#endif
