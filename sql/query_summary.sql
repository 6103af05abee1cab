-- query_summary.sql: per instrument and stored interval, the candles
-- there are, the first and last, and how many are missing between them
-- (the bars the interval puts from the first to the last, less those
-- there are); ticks as interval "ticks".  $1 instrument ids (NULL: all).
--
-- On plain PostgreSQL the candles and ticks of partitions tsm-compress
-- packed are in blocks of candles_packed and ticks_packed
-- (tsm-compress(1)): each block counts its rows (_n) and bounds their
-- times (_lo, _hi), so they are counted without being unpacked.
WITH c AS (
\if :native
	SELECT instrument_id, timeframe, sum(rows)::bigint AS rows,
	    min(first) AS first, max(last) AS last
	FROM (
		SELECT instrument_id, timeframe, count(*) AS rows,
		    min(time) AS first, max(time) AS last
		FROM :"schema".candles
		WHERE $1::integer[] IS NULL
		    OR instrument_id = ANY ($1::integer[])
		GROUP BY instrument_id, timeframe
		UNION ALL
		SELECT instrument_id, timeframe, sum(_n), min(_lo), max(_hi)
		FROM :"schema".candles_packed
		WHERE $1::integer[] IS NULL
		    OR instrument_id = ANY ($1::integer[])
		GROUP BY instrument_id, timeframe
	) AS k
	GROUP BY instrument_id, timeframe
\else
	SELECT instrument_id, timeframe, count(*) AS rows, min(time) AS first,
	    max(time) AS last
	FROM :"schema".candles
	WHERE $1::integer[] IS NULL OR instrument_id = ANY ($1::integer[])
	GROUP BY instrument_id, timeframe
\endif
), t AS (
\if :native
	SELECT instrument_id, 'ticks'::text AS timeframe,
	    sum(rows)::bigint AS rows, min(first) AS first, max(last) AS last
	FROM (
		SELECT instrument_id, count(*) AS rows, min(time) AS first,
		    max(time) AS last
		FROM :"schema".ticks
		WHERE $1::integer[] IS NULL
		    OR instrument_id = ANY ($1::integer[])
		GROUP BY instrument_id
		UNION ALL
		SELECT instrument_id, sum(_n), min(_lo), max(_hi)
		FROM :"schema".ticks_packed
		WHERE $1::integer[] IS NULL
		    OR instrument_id = ANY ($1::integer[])
		GROUP BY instrument_id
	) AS k
	GROUP BY instrument_id
\else
	SELECT instrument_id, 'ticks'::text AS timeframe, count(*) AS rows,
	    min(time) AS first, max(time) AS last
	FROM :"schema".ticks
	WHERE $1::integer[] IS NULL OR instrument_id = ANY ($1::integer[])
	GROUP BY instrument_id
\endif
), u AS (
	SELECT c.*,
	    pg_catalog.substring(c.timeframe, '^[0-9]+')::bigint AS n,
	    pg_catalog.right(c.timeframe, 1) AS unit
	FROM c
)
SELECT i.exchange, i.symbol, s.timeframe AS interval, s.rows, s.first,
	s.last, s.missing
FROM (
	SELECT u.instrument_id, u.timeframe, u.rows, u.first, u.last,
	    CASE WHEN u.unit = 'M' THEN
		((pg_catalog.date_part('year', u.last)
		- pg_catalog.date_part('year', u.first)) * 12
		+ pg_catalog.date_part('month', u.last)
		- pg_catalog.date_part('month', u.first))::bigint / u.n + 1
	    ELSE
		pg_catalog.floor(pg_catalog.date_part('epoch', u.last - u.first)
		/ (u.n * CASE u.unit WHEN 'm' THEN 60 WHEN 'h' THEN 3600
		    WHEN 'd' THEN 86400 ELSE 604800 END))::bigint + 1
	    END - u.rows AS missing,
	    CASE u.unit WHEN 'm' THEN 60 WHEN 'h' THEN 3600 WHEN 'd' THEN 86400
		WHEN 'w' THEN 604800 ELSE 2629746 END * u.n AS len
	FROM u
	UNION ALL
	SELECT t.instrument_id, t.timeframe, t.rows, t.first, t.last, NULL, 0
	FROM t
) AS s
JOIN :"schema".instruments i ON i.id = s.instrument_id
ORDER BY i.exchange, i.symbol, i.kind, s.len, s.timeframe;
