-- query_sentiment_by.sql: the sentiment of asset $1 per hour or day, all
-- sources together, from the aggregate named by the variable aggregate
-- (sentiment_1h or sentiment_1d); buckets from $2 to $3, at most $4.
-- A score below -0.05 is bearish, above 0.05 bullish, else neutral.
SELECT time, sum(samples) AS samples,
	sum(score_sum) / sum(samples) AS score_avg,
	min(score_min) AS score_min, max(score_max) AS score_max,
	sum(bearish) AS bearish,
	sum(samples) - sum(bearish) - sum(bullish) AS neutral,
	sum(bullish) AS bullish, sum(mentions) AS mentions,
	sum(engagement) AS engagement
FROM :"schema".:"aggregate"
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY time
ORDER BY time
LIMIT $4::bigint;
