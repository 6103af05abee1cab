/*
 * epoch.h: epoch numbers of JSON files as microseconds.
 */
#ifndef TSM_EPOCH_H
#define TSM_EPOCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "timeparse.h"

/*
 * Reads an epoch number from JSON as microseconds since 1970, rounding
 * to the nearest microsecond what is finer (time.time() writes
 * 1742125864.5432417); the unit by magnitude unless unit says.  text is
 * the number as the file wrote it (rounding is done on its digits), or
 * NULL.  False with *why a reason as tsm_parse_time gives.
 */
bool tsm_epoch_from_json(const json_t *v, const char *text, size_t len,
    enum tsm_time_unit unit, int64_t *out, const char **why);

#endif
