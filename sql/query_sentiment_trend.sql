-- query_sentiment_trend.sql: where the sentiment of asset $1 is going:
-- per hour or day (the aggregate named by the variable aggregate, or
-- the stored scores with the variable raw, as query_sentiment_by.sql), the
-- mean score, its mean over the last 7 buckets, the change from the
-- bucket before, and whether that 7-bucket mean went up, down or stayed.
-- Buckets from $2 to $3, at most $4 (the last ones).
WITH b AS (
	SELECT time, sum(samples) AS samples,
	    sum(score_sum) / sum(samples) AS score_avg
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
	WHERE asset = $1::text AND time >= $2::timestamptz
	    AND time < $3::timestamptz
	GROUP BY time
), t AS (
	SELECT time, samples, score_avg,
	    avg(score_avg) OVER (ORDER BY time ROWS 6 PRECEDING) AS score_ma7,
	    score_avg - lag(score_avg) OVER (ORDER BY time) AS change
	FROM b
), d AS (
	SELECT t.*, score_ma7 - lag(score_ma7) OVER (ORDER BY time) AS slope
	FROM t
)
SELECT time, samples, score_avg, score_ma7, change,
	CASE WHEN slope > 0.001 THEN 'up' WHEN slope < -0.001 THEN 'down'
	    WHEN slope IS NOT NULL THEN 'flat' END AS direction
FROM (SELECT * FROM d ORDER BY time DESC LIMIT $4::bigint) AS l
ORDER BY time;
