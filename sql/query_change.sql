-- query_change.sql: the change of price over one instrument's bars: from
-- the open of the first to the close of the last, with the high, low and
-- volume between.  Reads bars (see query_ohlcv.sql); $6 exchange, $7
-- symbol; the span runs to the close of the last bar ($5 its interval).
SELECT $6::text AS exchange, $7::text AS symbol,
	w.first AS "from", w.last + $5::interval AS "to",
	w.open, w.close, w.close - w.open AS change,
	100 * (w.close - w.open) / w.open AS change_pct,
	w.high, w.low, w.volume, w.bars
FROM (
	SELECT min(time) AS first, max(time) AS last,
	    (pg_catalog.array_agg(open ORDER BY time))[1] AS open,
	    (pg_catalog.array_agg(close ORDER BY time DESC))[1] AS close,
	    max(high) AS high, min(low) AS low, sum(volume ORDER BY time) AS volume,
	    count(*) AS bars
	FROM bars
) AS w
WHERE w.bars > 0;
