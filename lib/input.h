/*
 * input.h: reading bytes from a file descriptor, gzip detected.
 *
 * The first bytes tell whether the input is gzip (1f 8b); if so it is
 * inflated as it streams (concatenated members too).  Reads return what is
 * available, so a never-ending pipe (--follow) is served as it comes and
 * never waits for a full buffer.
 */
#ifndef TSM_INPUT_H
#define TSM_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tsm_input;

/*
 * Opens path ("-" is stdin) for reading; NULL after reporting the error
 * ("cannot open \"x.csv\": No such file or directory").  The caller closes
 * it with tsm_input_close.
 */
struct tsm_input *tsm_input_open(const char *path);

/*
 * Wraps an open descriptor; name is used in messages.  tsm_input_close
 * closes it, as fclose does after fdopen, unless it is standard input.
 */
struct tsm_input *tsm_input_fdopen(int fd, const char *name);

/*
 * Reads up to n bytes; returns the count, 0 at the end, -1 after
 * reporting an error (read error, or "\"x.csv.gz\" is a truncated or
 * damaged gzip file").  EINTR from a signal returns -1 with errno EINTR
 * and no report when tsm_interrupted is set.
 */
ssize_t tsm_input_read(struct tsm_input *in, void *buf, size_t n);

/*
 * For a stream (--follow): reads wait for input only until deadline
 * (microseconds of tsm_input_now; -1 waits as long as it takes), or
 * until wake_fd (-1: none) is readable.  A read that gives up returns -1
 * with errno EAGAIN, reports nothing, and leaves the input as it was:
 * tsm_input_timed_out is then true and the next read carries on.
 */
void tsm_input_set_deadline(struct tsm_input *in, int64_t deadline,
    int wake_fd);
bool tsm_input_timed_out(const struct tsm_input *in);

/* Microseconds of the monotonic clock, for deadlines. */
int64_t tsm_input_now(void);

const char *tsm_input_name(const struct tsm_input *in);
bool tsm_input_is_gzip(const struct tsm_input *in); /* known after a read */
uint64_t tsm_input_bytes(const struct tsm_input *in); /* raw bytes read */
void tsm_input_close(struct tsm_input *in);

#endif
