-- query_range.sql: the high, the low and the range between over one
-- instrument's bars, and when the high and low were.  Reads bars (see
-- query_ohlcv.sql); $6 exchange, $7 symbol; the span runs to the close
-- of the last bar ($5 its interval).  range_pct is the range in percent
-- of the low.
SELECT $6::text AS exchange, $7::text AS symbol,
	w.first AS "from", w.last + $5::interval AS "to",
	w.high, (SELECT b.time FROM bars b ORDER BY b.high DESC, b.time
	    LIMIT 1) AS high_time,
	w.low, (SELECT b.time FROM bars b ORDER BY b.low, b.time LIMIT 1)
	    AS low_time,
	w.high - w.low AS range, 100 * (w.high - w.low) / w.low AS range_pct,
	w.bars
FROM (
	SELECT min(time) AS first, max(time) AS last, max(high) AS high,
	    min(low) AS low, count(*) AS bars
	FROM bars
) AS w
WHERE w.bars > 0;
