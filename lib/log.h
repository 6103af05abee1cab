/*
 * log.h: messages on stderr and exit statuses, as SPEC.md gives them.
 *
 * A message reads "tsm-ingest: error: line 42, column "high": ..." and may be
 * followed by "detail: ..." and "hint: ..." lines: lowercase, no final period.
 * stdout is for data only; nothing here ever writes to it.
 */
#ifndef TSM_LOG_H
#define TSM_LOG_H

#include <stdbool.h>

enum tsm_exit {
	TSM_EXIT_OK = 0,
	TSM_EXIT_FAIL = 1,
	TSM_EXIT_USAGE = 2,
	TSM_EXIT_CONNECT = 3,
	TSM_EXIT_REJECTED = 4,
	TSM_EXIT_INTERRUPTED = 130
};

extern const char *tsm_progname;
extern bool tsm_quiet;

void tsm_log_init(const char *argv0);

#define TSM_PRINTF(a, b) __attribute__((format(printf, a, b)))

void tsm_error(const char *fmt, ...) TSM_PRINTF(1, 2);
void tsm_warning(const char *fmt, ...) TSM_PRINTF(1, 2);
void tsm_info(const char *fmt, ...) TSM_PRINTF(1, 2);
void tsm_detail(const char *fmt, ...) TSM_PRINTF(1, 2);
void tsm_hint(const char *fmt, ...) TSM_PRINTF(1, 2);

/* An error found before connecting, followed by the --help hint. */
void tsm_usage_error(const char *fmt, ...) TSM_PRINTF(1, 2);

/*
 * Copies src into dst (of size dstsize), masking any password that a
 * conninfo string or URI inside it may hold (password=, sslpassword=, the
 * password of scheme://user:password@host) and every registered secret.
 * Every message goes through it (redact.c).
 */
void tsm_redact(const char *src, char *dst, size_t dstsize);

/*
 * Registers s[0..len) as a secret that tsm_redact masks wherever it
 * appears, whatever surrounds it.  Secrets shorter than 4 bytes are not
 * registered: masking every "ab" in every message would garble them (they
 * are still masked in their places: password=, URIs).  The copy lives as
 * long as the process.
 */
void tsm_redact_secret(const char *s, size_t len);

/*
 * Registers the passwords that a conninfo string or URI holds, as written
 * and percent-decoded (tsm_connect does so for -d and DATABASE_URL).
 */
void tsm_redact_secrets_in(const char *conninfo);

/* Forgets every registered secret (for tests and fuzzing). */
void tsm_redact_forget(void);

#endif
