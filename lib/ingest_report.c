/*
 * ingest_report.c: progress, rejects, summary and metrics of a load.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest_report.h"
#include "ingest_run.h"
#include "log.h"
#include "outfile.h"

struct tsm_rejects {
	FILE *f;
	char *path;
	bool failed;
};

struct tsm_rejects *
tsm_rejects_open(const char *path)
{
	struct tsm_rejects *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->path = strdup(path)) == NULL) {
		free(r);
		tsm_error("out of memory");
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		r->f = stdout;
	} else {
		r->f = tsm_create_private(path);
	}
	if (r->f == NULL) {
		tsm_error("cannot open \"%s\": %s", path, strerror(errno));
		free(r->path);
		free(r);
		return NULL;
	}
	fputs("input,line,reason,record\n", r->f);
	return r;
}

/* Writes s[0..len) as a CSV field, quoted when it needs to be. */
static void
csv_field(FILE *f, const char *s, size_t len)
{
	bool quote = len == 0 || s[0] == ' ' || s[len - 1] == ' ' ||
	    memchr(s, ',', len) || memchr(s, '"', len) ||
	    memchr(s, '\n', len) || memchr(s, '\r', len);

	if (!quote) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

bool
tsm_rejects_write(struct tsm_rejects *r, const char *input, uint64_t line,
    const char *reason, const char *raw, size_t rawlen)
{
	csv_field(r->f, input, strlen(input));
	fprintf(r->f, ",%llu,", (unsigned long long)line);
	csv_field(r->f, reason, strlen(reason));
	fputc(',', r->f);
	csv_field(r->f, raw, rawlen);
	fputc('\n', r->f);
	if (ferror(r->f)) {
		tsm_error("cannot write to \"%s\": %s", r->path,
		    strerror(errno));
		r->failed = true;
		return false;
	}
	return true;
}

bool
tsm_rejects_close(struct tsm_rejects *r)
{
	bool ok = !r->failed;

	if (r->f == stdout) {
		if (fflush(stdout) != 0)
			ok = false;
	} else if (fclose(r->f) != 0) {
		ok = false;
	}
	if (!ok && !r->failed)
		tsm_error("cannot write to \"%s\": %s", r->path,
		    strerror(errno));
	free(r->path);
	free(r);
	return ok;
}

void
tsm_ingest_summary(const char *kind, const struct tsm_ingest_stats *st)
{
	double rate = st->seconds > 0 ? (double)st->read / st->seconds : 0;

	tsm_info("%s: %llu row%s read, %llu inserted, %llu updated, "
	    "%llu unchanged, %llu duplicate%s, %llu rejected; %llu batch%s "
	    "in %.2f s, %.0f rows/s", kind, (unsigned long long)st->read,
	    st->read == 1 ? "" : "s",
	    (unsigned long long)st->inserted, (unsigned long long)st->updated,
	    (unsigned long long)st->unchanged,
	    (unsigned long long)st->duplicates, st->duplicates == 1 ? "" : "s",
	    (unsigned long long)st->rejected, (unsigned long long)st->batches,
	    st->batches == 1 ? "" : "es", st->seconds, rate);
	if (st->latency_rows > 0)
		tsm_info("from reading a row to its commit: median %.1f ms, "
		    "99th percentile %.1f ms, longest %.1f ms", st->latency_p50,
		    st->latency_p99, st->latency_max);
	if (st->instruments > 0)
		tsm_info("%llu new instrument%s made",
		    (unsigned long long)st->instruments,
		    st->instruments == 1 ? "" : "s");
}

/* Writes the label value s, escaped as the text format wants. */
static void
label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
metric(FILE *f, const char *name, const char *type, const char *help,
    const char *kind, const char *job, const char *extra, double v)
{
	if (help != NULL) {
		fprintf(f, "# HELP %s %s\n", name, help);
		fprintf(f, "# TYPE %s %s\n", name, type);
	}
	fprintf(f, "%s{job=\"", name);
	label(f, job);
	fputs("\",kind=\"", f);
	label(f, kind);
	if (v == (double)(int64_t)v)
		fprintf(f, "\"%s} %lld\n", extra ? extra : "", (long long)v);
	else
		fprintf(f, "\"%s} %.6f\n", extra ? extra : "", v);
}

bool
tsm_ingest_metrics(const char *path, const char *kind,
    const struct tsm_ingest_stats *st, int status)
{
	char *tmp, *pathcopy = strdup(path), *dir, *base, job[256];
	FILE *f;
	int fd, dfd;
	bool ok;
	struct {
		const char *outcome;
		uint64_t n;
	} rows[] = {
		{ "read", st->read }, { "inserted", st->inserted },
		{ "updated", st->updated }, { "unchanged", st->unchanged },
		{ "duplicate", st->duplicates }, { "rejected", st->rejected },
	};

	tmp = malloc(strlen(path) + 32);
	if (pathcopy == NULL || tmp == NULL) {
		free(pathcopy);
		free(tmp);
		tsm_error("out of memory");
		return false;
	}
	base = basename(pathcopy);
	snprintf(job, sizeof(job), "%s", base);
	if (strlen(job) > 5 && strcmp(job + strlen(job) - 5, ".prom") == 0)
		job[strlen(job) - 5] = '\0';
	/* A new name each time: one made in advance (a link, say) is never
	 * written through, and a temporary file left by a run that died is
	 * never in the way. */
	sprintf(tmp, "%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		tsm_error("cannot write the metrics file \"%s\": %s", tmp,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		free(pathcopy);
		free(tmp);
		return false;
	}
	/* Whatever the umask: readable by the collector, never writable. */
	(void)fchmod(fd, 0644);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char extra[64];

		snprintf(extra, sizeof(extra), ",outcome=\"%s\"",
		    rows[i].outcome);
		metric(f, "tsm_ingest_rows", "gauge", i == 0 ?
		    "Rows of the last load, by outcome." : NULL, kind, job,
		    extra,
		    (double)rows[i].n);
	}
	metric(f, "tsm_ingest_batches", "gauge",
	    "Batches (transactions) committed by the last load.", kind, job,
	    NULL, (double)st->batches);
	metric(f, "tsm_ingest_duration_seconds", "gauge",
	    "Wall time of the last load.", kind, job, NULL, st->seconds);
	metric(f, "tsm_ingest_rows_per_second", "gauge",
	    "Rows read per second by the last load.", kind, job, NULL,
	    st->seconds > 0 ? (double)st->read / st->seconds : 0);
	metric(f, "tsm_ingest_input_bytes", "gauge",
	    "Bytes read (compressed, if the input was) by the last load.", kind,
	    job, NULL, (double)st->bytes);
	metric(f, "tsm_ingest_exit_status", "gauge",
	    "Exit status of the last load: 0 success, 4 rows rejected.", kind,
	    job, NULL, status);
	metric(f, "tsm_ingest_success", "gauge",
	    "1 if the last load finished (rejected rows allowed), else 0.",
	    kind,
	    job, NULL, status == 0 || status == 4);
	metric(f, "tsm_ingest_last_run_timestamp_seconds", "gauge",
	    "When the last load ended, in seconds since 1970.", kind, job, NULL,
	    (double)time(NULL));
	ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = (fclose(f) == 0) && ok;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		tsm_error("cannot write the metrics file \"%s\": %s", path,
		    strerror(errno));
		unlink(tmp);
	} else {
		/* The rename is durable once the directory is synced. */
		free(pathcopy);
		pathcopy = strdup(path);
		dir = pathcopy ? dirname(pathcopy) : NULL;
		dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	free(pathcopy);
	free(tmp);
	return ok;
}
