-- query_overview.sql: for each instrument of $1, whose newest price came
-- from source $2 (a stored interval, or "ticks") at time $3: the price a
-- day before (the close of the last bar, or the last tick, at or before
-- $3 - 24 hours) and the change from it to the newest price $4, and the
-- high, low and volume of the day up to $3; in the order of $1.  The
-- volume is summed in time order, so that it does not depend on the plan
-- (floating point sums depend on the order of their terms).
SELECT u.id, u.price - d.price_24h AS change_24h,
	100 * (u.price - d.price_24h) / d.price_24h AS change_pct_24h,
	d.high_24h, d.low_24h, d.volume_24h
FROM ROWS FROM (pg_catalog.unnest($1::integer[]),
    pg_catalog.unnest($2::text[]), pg_catalog.unnest($3::timestamptz[]),
    pg_catalog.unnest($4::float8[])) WITH ORDINALITY
    AS u (id, source, time, price, ord)
CROSS JOIN LATERAL (
\if :native
	-- With the candles of compressed partitions (tsm-compress(1)): the
	-- newest before the day is the table's or that of the block of
	-- candles_packed that starts last before it (blocks of one interval
	-- do not overlap), whichever is newer; the day's come from
	-- candles_range, which reads only the packed blocks of the day.
	SELECT (SELECT k.close FROM (
		(SELECT x.time, x.close FROM :"schema".candles x
		WHERE x.instrument_id = u.id AND x.timeframe = u.source
		    AND x.time <= u.time - interval '24 hours'
		ORDER BY x.time DESC LIMIT 1)
		UNION ALL
		(SELECT r.time, r.value
		FROM (
			SELECT p.* FROM :"schema".candles_packed p
			WHERE p.instrument_id = u.id AND p.timeframe = u.source
			    AND p._lo <= u.time - interval '24 hours'
			ORDER BY p._lo DESC LIMIT 1
		) AS b
		CROSS JOIN LATERAL :"schema".packed_values(b._lo, b._step,
		    b.time, b.close_f8, b.close_i4, b.close_i8, b.close_div) AS r
		WHERE r.time <= u.time - interval '24 hours'
		ORDER BY r.time DESC LIMIT 1)
	    ) AS k ORDER BY k.time DESC LIMIT 1) AS price_24h,
	    max(x.high) AS high_24h, min(x.low) AS low_24h,
	    sum(x.volume ORDER BY x.time) AS volume_24h
	FROM :"schema".candles_range(u.time - interval '24 hours',
	    u.time + interval '1 microsecond') AS x
\else
	SELECT (SELECT x.close FROM :"schema".candles x
		WHERE x.instrument_id = u.id AND x.timeframe = u.source
		    AND x.time <= u.time - interval '24 hours'
		ORDER BY x.time DESC LIMIT 1) AS price_24h,
	    max(x.high) AS high_24h, min(x.low) AS low_24h,
	    sum(x.volume ORDER BY x.time) AS volume_24h
	FROM :"schema".candles x
\endif
	WHERE u.source <> 'ticks' AND x.instrument_id = u.id
	    AND x.timeframe = u.source
	    AND x.time > u.time - interval '24 hours' AND x.time <= u.time
	UNION ALL
\if :native
	-- Ticks likewise, from ticks_packed and ticks_range.
	SELECT (SELECT k.price FROM (
		(SELECT x.time, x.trade_id, x.price FROM :"schema".ticks x
		WHERE x.instrument_id = u.id
		    AND x.time <= u.time - interval '24 hours'
		ORDER BY x.time DESC, x.trade_id DESC LIMIT 1)
		UNION ALL
		(SELECT r.time, r.id, r.value
		FROM (
			SELECT p.* FROM :"schema".ticks_packed p
			WHERE p.instrument_id = u.id
			    AND p._lo <= u.time - interval '24 hours'
			ORDER BY p._lo DESC LIMIT 1
		) AS b
		CROSS JOIN LATERAL :"schema".packed_values(b._lo, b._step,
		    b.time, b.price_f8, b.price_i4, b.price_i8, b.price_div,
		    b.trade_id) AS r
		WHERE r.time <= u.time - interval '24 hours'
		ORDER BY r.time DESC, r.id DESC LIMIT 1)
	    ) AS k ORDER BY k.time DESC, k.trade_id DESC LIMIT 1),
	    max(x.price), min(x.price), sum(x.qty ORDER BY x.time, x.trade_id)
	FROM :"schema".ticks_range(u.time - interval '24 hours',
	    u.time + interval '1 microsecond') AS x
\else
	SELECT (SELECT x.price FROM :"schema".ticks x
		WHERE x.instrument_id = u.id
		    AND x.time <= u.time - interval '24 hours'
		ORDER BY x.time DESC, x.trade_id DESC LIMIT 1),
	    max(x.price), min(x.price), sum(x.qty ORDER BY x.time, x.trade_id)
	FROM :"schema".ticks x
\endif
	WHERE u.source = 'ticks' AND x.instrument_id = u.id
	    AND x.time > u.time - interval '24 hours' AND x.time <= u.time
) AS d
WHERE d.high_24h IS NOT NULL
ORDER BY u.ord;
