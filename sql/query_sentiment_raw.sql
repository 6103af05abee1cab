-- query_sentiment_raw.sql: the sentiment of asset $1 from $2 to $3, as
-- stored, in time order; at most $4 rows (NULL: all).
SELECT time, source, score, label, mentions, engagement
FROM :"schema".sentiment
WHERE asset = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz
ORDER BY time, source
LIMIT $4::bigint;
