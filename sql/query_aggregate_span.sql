-- query_aggregate_span.sql: the first and last bucket that an aggregate
-- holds for one instrument in [$2, $3), to tell a rollup that is behind
-- its source from one that is up to date.
--
-- Two probes ordered by time rather than min() and max(): a continuous
-- aggregate answering in real time is a UNION ALL view, over which min()
-- and max() read every bar of the instrument, while ORDER BY ... LIMIT 1
-- stops at the first of each part (on a rollup table both are one index
-- probe).
SELECT
	(SELECT time FROM :"schema".:"aggregate"
	    WHERE instrument_id = $1::integer
	    AND time >= $2::timestamptz AND time < $3::timestamptz
	    ORDER BY time LIMIT 1) AS first,
	(SELECT time FROM :"schema".:"aggregate"
	    WHERE instrument_id = $1::integer
	    AND time >= $2::timestamptz AND time < $3::timestamptz
	    ORDER BY time DESC LIMIT 1) AS last;
