-- query_sentiment_by.sql: the sentiment of asset $1 per hour or day (the
-- variable by), all sources together, from the aggregate named by the
-- variable aggregate (sentiment_1h or sentiment_1d), or from the stored
-- scores where the variable raw says that the rollup is not up to date;
-- buckets from $2 to $3, at most $4.
-- A score below -0.05 is bearish, above 0.05 bullish, else neutral.
SELECT time, sum(samples) AS samples,
	sum(score_sum) / sum(samples) AS score_avg,
	min(score_min) AS score_min, max(score_max) AS score_max,
	sum(bearish) AS bearish,
	sum(samples) - sum(bearish) - sum(bullish) AS neutral,
	sum(bullish) AS bullish, sum(mentions) AS mentions,
	sum(engagement) AS engagement
FROM
\if :raw
	(SELECT x.asset, x.source, pg_catalog.date_trunc(:'by', x.time) AS time,
	    count(*) AS samples, sum(x.score) AS score_sum,
	    min(x.score) AS score_min, max(x.score) AS score_max,
	    count(*) FILTER (WHERE x.score < -0.05) AS bearish,
	    count(*) FILTER (WHERE x.score > 0.05) AS bullish,
	    sum(x.mentions) AS mentions, sum(x.engagement) AS engagement
	FROM :"schema".sentiment x
	WHERE x.asset = $1::text
	GROUP BY 1, 2, 3) AS a
\else
	:"schema".:"aggregate" AS a
\endif
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
GROUP BY time
ORDER BY time
LIMIT $4::bigint;
