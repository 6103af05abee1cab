-- query_overview.sql: for each instrument of $1, whose newest price came
-- from source $2 (a stored interval, or "ticks") at time $3: the price a
-- day before (the close of the last bar, or the last tick, at or before
-- $3 - 24 hours) and the change from it to the newest price $4, and the
-- high, low and volume of the day up to $3; in the order of $1.
SELECT u.id, u.price - d.price_24h AS change_24h,
	100 * (u.price - d.price_24h) / d.price_24h AS change_pct_24h,
	d.high_24h, d.low_24h, d.volume_24h
FROM ROWS FROM (pg_catalog.unnest($1::integer[]),
    pg_catalog.unnest($2::text[]), pg_catalog.unnest($3::timestamptz[]),
    pg_catalog.unnest($4::float8[])) WITH ORDINALITY
    AS u (id, source, time, price, ord)
CROSS JOIN LATERAL (
	SELECT (SELECT x.close FROM :"schema".candles x
		WHERE x.instrument_id = u.id AND x.timeframe = u.source
		    AND x.time <= u.time - interval '24 hours'
		ORDER BY x.time DESC LIMIT 1) AS price_24h,
	    max(x.high) AS high_24h, min(x.low) AS low_24h,
	    sum(x.volume) AS volume_24h
	FROM :"schema".candles x
	WHERE u.source <> 'ticks' AND x.instrument_id = u.id
	    AND x.timeframe = u.source
	    AND x.time > u.time - interval '24 hours' AND x.time <= u.time
	UNION ALL
	SELECT (SELECT x.price FROM :"schema".ticks x
		WHERE x.instrument_id = u.id
		    AND x.time <= u.time - interval '24 hours'
		ORDER BY x.time DESC, x.trade_id DESC LIMIT 1),
	    max(x.price), min(x.price), sum(x.qty)
	FROM :"schema".ticks x
	WHERE u.source = 'ticks' AND x.instrument_id = u.id
	    AND x.time > u.time - interval '24 hours' AND x.time <= u.time
) AS d
WHERE d.high_24h IS NOT NULL
ORDER BY u.ord;
