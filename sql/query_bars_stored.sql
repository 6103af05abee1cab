-- query_bars_stored.sql: candles stored at the interval asked for.
--
-- One of the three sources of tsm-query's bars (see query_route.sql):
-- tsm-query puts it in front of a query as "WITH bars AS (...)".  The
-- parameters are the same for every source, so that each query over bars
-- takes them alike: $1 instrument id, $2 and $3 the range [from, to) of
-- raw times, $4 the stored timeframe to read, $5 the interval of the
-- bars (a source may leave some of them unused: tsm-query gives their
-- types).  To try one in psql, PREPARE it with the types (integer,
-- timestamptz, timestamptz, text, interval) and EXECUTE it.
SELECT time, open, high, low, close, volume
\if :native
-- With the rows of partitions tsm-compress packed (tsm-compress(1)).
FROM :"schema".candles_range($2::timestamptz, $3::timestamptz)
\else
FROM :"schema".candles
\endif
WHERE instrument_id = $1::integer AND timeframe = $4::text
    AND time >= $2::timestamptz AND time < $3::timestamptz
