/*
 * age.h: ages (7d, 12h, 3M) and candle intervals (1m ... 1M).
 *
 * An age is a positive whole number followed by a unit, with no space:
 * s, m (minutes), h, d, w, M (months), y (years).  Longer unit words are
 * accepted too: sec, min, hour(s), day(s), week(s), month(s), year(s), with
 * an optional single space ("7 days").  Ages such as "7dd", "-1d", "0d",
 * "1.5h", "d" are refused with a reason.
 */
#ifndef TSM_AGE_H
#define TSM_AGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsm_age {
	int32_t months;		/* months and years */
	int64_t usecs;		/* seconds to weeks, as microseconds */
};

/*
 * Parses an age; on failure false with *why a static reason such as
 * "\"7dd\" is not an age: expected a positive whole number and a unit
 * (s, m, h, d, w, M, y), such as 7d or 12h".  The reason quotes the input
 * only through the caller: why never holds the input itself; it reads
 * "is not an age: ..." so that the caller writes "\"%s\" %s".
 */
bool tsm_parse_age(const char *s, struct tsm_age *out, const char **why);

/*
 * Writes the age as a PostgreSQL interval literal ("7 days",
 * "12:00:00", "3 mons", "1 mon 2 days"): what the server reads back as
 * the same interval.  buf must hold 64 bytes.
 */
void tsm_age_to_pg(const struct tsm_age *a, char *buf, size_t bufsz);

/*
 * Candle intervals ("timeframes"): 1m 3m 5m 10m 15m 30m 1h 2h 4h 6h 8h
 * 12h 1d 3d 1w 1M, and any other N with unit m, h, d, w, M whose length is
 * at least one minute.  Seconds ("30s") are refused: candles are at
 * least one minute.  Aliases: "1min", "60m" stays "60m" (not rewritten),
 * "1H" is "1h", "1D" is "1d", "1W" is "1w", "1mo" and "1mon" are "1M".
 * A timeframe is at most 10,000 years long (120000M, 3652425d), so that
 * every bucket of years 1 to 9999 starts at a time tsm can hold; longer
 * ones are refused ("is too large a timeframe").  code receives the
 * canonical code (at most 15 bytes + NUL).
 */
struct tsm_timeframe {
	char code[16];		/* canonical, as stored: "5m", "1h", "1M" */
	int32_t months;		/* N for NM (1 for 1M), else 0 */
	int64_t usecs;		/* length when months == 0 */
};

bool tsm_parse_timeframe(const char *s, struct tsm_timeframe *out,
    const char **why);

/*
 * The start of the bucket holding t for this timeframe, aligned as
 * TimescaleDB's time_bucket and PostgreSQL's date_bin with origin
 * 2000-01-03 00:00 UTC (a Monday) align: widths that divide a day fall on
 * the same edges as from the Unix epoch, weeks start on Monday, months on
 * the first of the month (1M only; other month counts from 2000-01-01).
 */
int64_t tsm_timeframe_floor(const struct tsm_timeframe *tf, int64_t t);

#endif
