-- backtest_invalidated.sql: whether candles were written in [$1, $2)
-- since the rollups were last refreshed.  Plain PostgreSQL only: there a
-- rollup's buckets in such a range cannot be trusted, and tsm-backtest
-- makes them from the 1m candles instead.  (On TimescaleDB the continuous
-- aggregates answer from rows not yet materialised by themselves.)
SELECT EXISTS (
	SELECT FROM :"schema".invalidations
	WHERE kind = 'candles' AND lo < $2::timestamptz AND hi >= $1::timestamptz
);
