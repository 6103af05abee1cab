-- query_stats.sql: one instrument's bars in figures: how many, the first
-- and last, the all-time high and low and when they were, the mean
-- close.  Sums of floating point depend on the order of their terms:
-- they are taken in time order, so that the answer does not depend on
-- the plan or where the bars are stored.  Reads bars (see query_ohlcv.sql); $6 exchange, $7 symbol and
-- $8 interval are written as they are.
SELECT $6::text AS exchange, $7::text AS symbol, $8::text AS interval,
	count(*) AS bars, min(time) AS first, max(time) AS last,
	max(high) AS high,
	(SELECT b.time FROM bars b ORDER BY b.high DESC, b.time LIMIT 1)
	    AS high_time,
	min(low) AS low,
	(SELECT b.time FROM bars b ORDER BY b.low, b.time LIMIT 1) AS low_time,
	avg(close ORDER BY time) AS avg_close,
	sum(volume ORDER BY time) AS volume
FROM bars;
