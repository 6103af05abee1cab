/*
 * ingest_report.h: what a load tells: the progress line, the rejected
 * rows, the summary, and the same figures for Prometheus.
 */
#ifndef TSM_INGEST_REPORT_H
#define TSM_INGEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsm_ingest_stats;

/*
 * The rejects file: CSV with a header, "input,line,reason,record", one
 * row per rejected input row with the row as it was read, so that it
 * can be fixed and loaded again.  "-" is stdout.
 */
struct tsm_rejects;
struct tsm_rejects *tsm_rejects_open(const char *path);
bool tsm_rejects_write(struct tsm_rejects *r, const char *input,
    uint64_t line, const char *reason, const char *raw, size_t rawlen);
bool tsm_rejects_close(struct tsm_rejects *r);	/* false: write error */

/* The summary line on stderr (not with -q). */
void tsm_ingest_summary(const char *kind, const struct tsm_ingest_stats *st);

/*
 * Writes the figures and the exit status to path in the Prometheus text
 * format, atomically (a temporary file in the same directory, fsync,
 * rename), mode 0644.  job labels the series (the file's base name
 * without .prom when NULL).  False after reporting.
 */
bool tsm_ingest_metrics(const char *path, const char *kind,
    const struct tsm_ingest_stats *st, int status);

#endif
