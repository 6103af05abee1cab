-- query_sentiment_latest.sql: the newest sentiment of asset $1 from each
-- source, before $3 and from $2 on; at most $4 sources.
SELECT DISTINCT ON (source) source, time, score, label, mentions,
	engagement
FROM :"schema".sentiment
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
ORDER BY source, time DESC
LIMIT $4::bigint;
