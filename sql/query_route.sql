-- query_route.sql: what one instrument holds in the range [$2, $3): each
-- timeframe of its stored candles, and its trade ticks (timeframe NULL),
-- with the first and last time in the range (NULL when there is none).
--
-- The timeframes are found by a loose index scan of the primary key
-- (instrument_id, timeframe, time): one index probe per timeframe, not a
-- read of every candle.  tsm-query routes an interval with it (see
-- tsm-query(1), ROUTING).
--
-- On plain PostgreSQL the rows of partitions that tsm-compress packed are
-- not in the tables but in blocks of candles_packed and ticks_packed (see
-- tsm-compress(1)):
-- their timeframes come from the blocks' segment columns, and the first
-- and last times from the blocks' bounds, unpacking only a block that
-- straddles an end of the range.
WITH RECURSIVE tf AS (
	SELECT (SELECT min(c.timeframe) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer) AS timeframe
	UNION ALL
	SELECT (SELECT min(c.timeframe) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe > tf.timeframe)
	FROM tf
	WHERE tf.timeframe IS NOT NULL
\if :native
), tfs AS (
	SELECT tf.timeframe FROM tf WHERE tf.timeframe IS NOT NULL
	UNION
	SELECT p.timeframe FROM :"schema".candles_packed p
	WHERE p.instrument_id = $1::integer
), packed AS (
	-- The blocks in range, of candles and of ticks (timeframe NULL),
	-- with their times in range when they straddle an end of it.
	SELECT p.timeframe, p._lo, p._hi,
	    p._lo < $2::timestamptz OR p._hi >= $3::timestamptz AS edge,
	    CASE WHEN p._lo < $2::timestamptz OR p._hi >= $3::timestamptz
	    THEN (SELECT pg_catalog.array_agg(x.t) FROM (
		SELECT pg_catalog.unnest(p.time) WHERE p.time IS NOT NULL
		UNION ALL
		SELECT p._lo + (i - 1) * p._step
		FROM pg_catalog.generate_series(1, p._n) AS i
		WHERE p.time IS NULL) AS x(t)
		WHERE x.t >= $2::timestamptz AND x.t < $3::timestamptz) END
		AS times
	FROM (
		SELECT c.timeframe, c._lo, c._hi, c._n, c._step, c.time
		FROM :"schema".candles_packed c
		WHERE c.instrument_id = $1::integer
		    AND c._lo < $3::timestamptz AND c._hi >= $2::timestamptz
		UNION ALL
		SELECT NULL, t._lo, t._hi, t._n, t._step, t.time
		FROM :"schema".ticks_packed t
		WHERE t.instrument_id = $1::integer
		    AND t._lo < $3::timestamptz AND t._hi >= $2::timestamptz
	) AS p
\endif
)
SELECT tf.timeframe,
\if :native
	least((SELECT min(c.time) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe = tf.timeframe
	    AND c.time >= $2::timestamptz AND c.time < $3::timestamptz),
	    (SELECT min(CASE WHEN NOT p.edge THEN p._lo ELSE
		(SELECT min(t) FROM pg_catalog.unnest(p.times) AS t) END)
	    FROM packed p WHERE p.timeframe = tf.timeframe)) AS first,
	greatest((SELECT max(c.time) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe = tf.timeframe
	    AND c.time >= $2::timestamptz AND c.time < $3::timestamptz),
	    (SELECT max(CASE WHEN NOT p.edge THEN p._hi ELSE
		(SELECT max(t) FROM pg_catalog.unnest(p.times) AS t) END)
	    FROM packed p WHERE p.timeframe = tf.timeframe)) AS last
FROM tfs AS tf
\else
	(SELECT min(c.time) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe = tf.timeframe
	    AND c.time >= $2::timestamptz AND c.time < $3::timestamptz) AS first,
	(SELECT max(c.time) FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer AND c.timeframe = tf.timeframe
	    AND c.time >= $2::timestamptz AND c.time < $3::timestamptz) AS last
FROM tf
WHERE tf.timeframe IS NOT NULL
\endif
UNION ALL
SELECT NULL,
\if :native
	least(min(t.time), (SELECT min(CASE WHEN NOT p.edge THEN p._lo ELSE
	    (SELECT min(x) FROM pg_catalog.unnest(p.times) AS x) END)
	    FROM packed p WHERE p.timeframe IS NULL)),
	greatest(max(t.time), (SELECT max(CASE WHEN NOT p.edge THEN p._hi ELSE
	    (SELECT max(x) FROM pg_catalog.unnest(p.times) AS x) END)
	    FROM packed p WHERE p.timeframe IS NULL))
\else
	min(t.time), max(t.time)
\endif
FROM :"schema".ticks t
WHERE t.instrument_id = $1::integer
    AND t.time >= $2::timestamptz AND t.time < $3::timestamptz;
