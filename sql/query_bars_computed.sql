-- query_bars_computed.sql: bars aggregated on the fly from finer stored
-- data: candles of timeframe $4 (variable ticks false) or trade ticks
-- (ticks true), in buckets of $5.
--
-- Buckets are aligned as the aggregates align theirs, so that the answer
-- is the same whichever source gives it: time_bucket on TimescaleDB;
-- date_bin from 2000-01-03 00:00 UTC (a Monday) on plain PostgreSQL,
-- which cannot bin by months, so that months (variable months true) count
-- from January 2000 there.  Every first, last and sum takes its rows in
-- time order (ticks of one instant by trade id), so that floating point
-- sums are added in the same order as the aggregates add them.
-- Parameters as in query_bars_stored.sql.
SELECT
\if :timescaledb
	:"ext".time_bucket($5::interval, time) AS time,
\elif :months
	(timestamp '2000-01-01' + pg_catalog.floor(
	    ((pg_catalog.date_part('year', time AT TIME ZONE 'UTC') - 2000) * 12
	    + pg_catalog.date_part('month', time AT TIME ZONE 'UTC') - 1)
	    / (pg_catalog.date_part('year', $5::interval) * 12
	    + pg_catalog.date_part('month', $5::interval)))
	    * (pg_catalog.date_part('year', $5::interval) * 12
	    + pg_catalog.date_part('month', $5::interval))
	    * interval '1 month') AT TIME ZONE 'UTC' AS time,
\else
	pg_catalog.date_bin($5::interval, time,
	    '2000-01-03 00:00:00+00') AS time,
\endif
\if :ticks
	(pg_catalog.array_agg(price ORDER BY time, trade_id))[1] AS open,
	max(price) AS high,
	min(price) AS low,
	(pg_catalog.array_agg(price ORDER BY time DESC, trade_id DESC))[1]
	    AS close,
	sum(qty ORDER BY time, trade_id) AS volume
\if :native
FROM :"schema".ticks_range($2::timestamptz, $3::timestamptz)
\else
FROM :"schema".ticks
\endif
WHERE instrument_id = $1::integer
    AND time >= $2::timestamptz AND time < $3::timestamptz
\else
\if :timescaledb
	:"ext".first(open, time) AS open,
	max(high) AS high,
	min(low) AS low,
	:"ext".last(close, time) AS close,
\else
	(pg_catalog.array_agg(open ORDER BY time))[1] AS open,
	max(high) AS high,
	min(low) AS low,
	(pg_catalog.array_agg(close ORDER BY time DESC))[1] AS close,
\endif
	sum(volume ORDER BY time) AS volume
\if :native
-- With the rows of partitions tsm-compress packed (tsm-compress(1)).
FROM :"schema".candles_range($2::timestamptz, $3::timestamptz)
\else
FROM :"schema".candles
\endif
WHERE instrument_id = $1::integer AND timeframe = $4::text
    AND time >= $2::timestamptz AND time < $3::timestamptz
\endif
GROUP BY 1
