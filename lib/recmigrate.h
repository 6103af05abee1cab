/*
 * recmigrate.h: tsm-migrate positions and tsm-migrate trades, once their
 * options are checked: checks the backups can be made, connects, reads
 * the files, migrates them (recload.h) and returns the exit status.
 */
#ifndef TSM_RECMIGRATE_H
#define TSM_RECMIGRATE_H

#include "conn.h"
#include "recload.h"

/*
 * Migrates files (a "-" is stdin) as o says; returns the exit status (0
 * done or, with --if-empty, nothing to do; 1 failed; 3 no connection;
 * 130 interrupted).  With o->if_empty the table is asked first and the
 * files are not read unless it is empty; otherwise a first migration
 * streams its rows while it reads (tsm_recload_stream_begin).
 */
int tsm_migrate_records(const struct tsm_conn_opts *co,
    const struct tsm_recload_opts *o, char *const *files, int nfiles);

#endif
