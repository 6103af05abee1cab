/*
 * init.h: what tsm-init does: upgrades, settings, roles, status.
 */
#ifndef TSM_INIT_H
#define TSM_INIT_H

#include <stdbool.h>
#include <libpq-fe.h>

#include "age.h"
#include "out.h"

#define TSM_INIT_NKINDS 7

struct tsm_init_opts {
	const char *schema;
	const char *backend;		/* "auto", "timescaledb", "native" */
	bool dry_run;
	bool roles;
	bool status;
	bool header;
	enum tsm_format format;
	int target_version;		/* 0: the latest */
	struct tsm_age chunk[TSM_INIT_NKINDS];
	bool chunk_set[TSM_INIT_NKINDS];
	struct tsm_age retention[TSM_INIT_NKINDS];
	bool retention_set[TSM_INIT_NKINDS];
	struct tsm_age compress_after;
	bool compress_set;
};

/* The kinds of series, as --chunk-interval and --retention name them. */
int tsm_init_kind_index(const char *kind);
const char *tsm_init_kind_name(int k);
const char *tsm_init_kind_list(void);
bool tsm_init_any(const bool *set);

/*
 * Creates or upgrades the schema and applies the settings; with dry_run
 * prints the SQL on stdout instead.  False after reporting an error.
 */
bool tsm_init_run(PGconn *conn, const struct tsm_init_opts *o);

/*
 * Prints the health report on stdout.  Returns 0 when healthy, 1 when the
 * schema is missing, behind or ahead, -1 after reporting an error.
 */
int tsm_init_status(PGconn *conn, const struct tsm_init_opts *o);

#endif
