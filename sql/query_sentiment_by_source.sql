-- query_sentiment_by_source.sql: the sentiment of asset $1 from $2 to $3
-- per source: samples, mean, lowest and highest score, the bearish,
-- neutral and bullish counts (below -0.05, between, above 0.05), first
-- and last time; at most $4 sources.
SELECT source, count(*) AS samples, avg(score) AS score_avg,
	min(score) AS score_min, max(score) AS score_max,
	count(*) FILTER (WHERE score < -0.05) AS bearish,
	count(*) FILTER (WHERE score BETWEEN -0.05 AND 0.05) AS neutral,
	count(*) FILTER (WHERE score > 0.05) AS bullish,
	min(time) AS first, max(time) AS last
FROM :"schema".sentiment
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY source
ORDER BY source
LIMIT $4::bigint;
