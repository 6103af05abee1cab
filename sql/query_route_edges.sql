-- query_route_edges.sql: what tsm-query needs to know to answer from an
-- aggregate whose bars of instrument $1 run from the bucket starting at
-- $4 (and ending at $6) to the bucket starting at $7 (and ending at $5):
-- whether the instrument holds anything from $2 to before $4, or from $5
-- to before $3 (candles of any interval, or ticks), and
-- under which code candles stored at the interval (one of the codes $8,
-- such as {1h,60m}) are there in the first and in the last bucket (NULL:
-- they are not).
--
-- Each probe is bounded by constants in time, so that only the
-- partitions or chunks at the edges are planned and read, not every one.
SELECT
	EXISTS (SELECT FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.time >= $2::timestamptz AND c.time < $4::timestamptz)
	OR EXISTS (SELECT FROM :"schema".ticks t
	    WHERE t.instrument_id = $1::integer
	    AND t.time >= $2::timestamptz AND t.time < $4::timestamptz)
	    AS before,
	EXISTS (SELECT FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.time >= $5::timestamptz AND c.time < $3::timestamptz)
	OR EXISTS (SELECT FROM :"schema".ticks t
	    WHERE t.instrument_id = $1::integer
	    AND t.time >= $5::timestamptz AND t.time < $3::timestamptz)
	    AS after,
	(SELECT c.timeframe FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.timeframe = ANY ($8::text[])
	    AND c.time >= $4::timestamptz AND c.time < $6::timestamptz
	    LIMIT 1) AS stored_first,
	(SELECT c.timeframe FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.timeframe = ANY ($8::text[])
	    AND c.time >= $7::timestamptz AND c.time < $5::timestamptz
	    LIMIT 1) AS stored_last;
