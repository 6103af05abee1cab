-- query_route.sql: what one instrument holds in the range [$2, $3): each
-- timeframe of its stored candles, and its trade ticks (timeframe NULL),
-- with the first and last time in the range (NULL when there is none).
--
-- The timeframes are found by a loose index scan of the primary key
-- (instrument_id, timeframe, time): one index probe per timeframe, not a
-- read of every candle.  tsm-query routes an interval with it (see
-- tsm-query(1), ROUTING).
WITH RECURSIVE tf AS (
	SELECT (SELECT min(c.timeframe) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer) AS timeframe
	UNION ALL
	SELECT (SELECT min(c.timeframe) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe > tf.timeframe)
	FROM tf
	WHERE tf.timeframe IS NOT NULL
)
SELECT tf.timeframe,
	(SELECT min(c.time) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe = tf.timeframe
	    AND c.time >= $2::timestamptz AND c.time < $3::timestamptz) AS first,
	(SELECT max(c.time) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe = tf.timeframe
	    AND c.time >= $2::timestamptz AND c.time < $3::timestamptz) AS last
FROM tf
WHERE tf.timeframe IS NOT NULL
UNION ALL
SELECT NULL, min(t.time), max(t.time)
FROM :"schema".ticks t
WHERE t.instrument_id = $1::integer
    AND t.time >= $2::timestamptz AND t.time < $3::timestamptz;
