-- query_sentiment_distribution.sql: how the scores of asset $1 from $2 to
-- $3 fall: bearish (below -0.05), neutral and bullish (above 0.05), in
-- counts and percent; none at all is no row.  $4 is the limit.
SELECT count(*) FILTER (WHERE score < -0.05) AS bearish,
	count(*) FILTER (WHERE score BETWEEN -0.05 AND 0.05) AS neutral,
	count(*) FILTER (WHERE score > 0.05) AS bullish,
	count(*) AS total,
	100.0 * count(*) FILTER (WHERE score < -0.05) / count(*)
	    AS bearish_pct,
	100.0 * count(*) FILTER (WHERE score BETWEEN -0.05 AND 0.05)
	    / count(*) AS neutral_pct,
	100.0 * count(*) FILTER (WHERE score > 0.05) / count(*) AS bullish_pct
FROM :"schema".sentiment
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
HAVING count(*) > 0
LIMIT $4::bigint;
