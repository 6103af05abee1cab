/*
 * jsondoc.h: one JSON file read whole and parsed with jansson, with
 * messages that say where and what ("positions.json: line 12, column 5:
 * the JSON ends in the middle of a value").
 *
 * The bytes are kept: they are what the backup is written from, so that
 * the .bak is byte for byte what was migrated even if the file changes
 * meanwhile.  Duplicate keys are refused (JSON_REJECT_DUPLICATES); so are
 * invalid UTF-8, NUL bytes and \u0000 (no PostgreSQL text holds them).  A
 * UTF-8 byte order mark at the start is skipped.
 */
#ifndef TSM_JSONDOC_H
#define TSM_JSONDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "jsonarena.h"
#include "jsonnum.h"

struct tsm_json_doc {
	char *name;		/* as given: for messages */
	unsigned char *bytes;	/* the file as read */
	size_t len;
	json_t *root;		/* an object or a list */
	struct tsm_json_numbers *nums;	/* its numbers as written, or NULL */
	struct tsm_json_arena arena;	/* the memory of root */
	bool is_stdin;
	dev_t dev;		/* to tell a file given twice */
	ino_t ino;
};

/*
 * Reads path ("-" is stdin) and parses it; a file over max_bytes is
 * refused before it is read.  False after reporting the problem; d is
 * then empty (tsm_json_doc_free is still safe).
 */
bool tsm_json_doc_load(struct tsm_json_doc *d, const char *path,
    uint64_t max_bytes);

/* Frees the tree (and its numbers) but keeps the bytes. */
void tsm_json_doc_drop_tree(struct tsm_json_doc *d);

void tsm_json_doc_free(struct tsm_json_doc *d);

/* Parses "64M", "1G", "500k", "1048576" (powers of 1024); false if bad. */
bool tsm_parse_size(const char *s, uint64_t *out);

/* Writes a size as "100 MiB", "1.5 GiB", "812 bytes". */
void tsm_format_size(uint64_t n, char *buf, size_t bufsz);

#endif
