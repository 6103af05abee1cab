-- query_latest.sql: the newest price of each instrument of $1: the close
-- of its newest candle of any stored interval, or its newest trade tick
-- when that is as new or newer.  Only data in [$2, $4) is looked at:
-- tsm-query asks for the last day first (to a day past now, not into the
-- empty partitions made ahead for the weeks to come) and widens the
-- window for the instruments not found, so that each instrument costs an
-- index probe or two in the newest partition instead of one in every
-- partition.  Instruments with nothing in the window are left out.
-- stale is true when the newest data is older than $3 (NULL: never).
--
-- The stored intervals of an instrument are found by a loose index scan
-- of the primary key backwards: each step lands on the newest candle of
-- the next interval.  On plain PostgreSQL the candles and ticks of
-- compressed partitions are looked at too (below).
SELECT u.id,
	CASE WHEN t.time >= c.time OR c.time IS NULL THEN 'ticks'
	    ELSE c.timeframe END AS source,
	CASE WHEN t.time >= c.time OR c.time IS NULL THEN t.time
	    ELSE c.time END AS time,
	CASE WHEN t.time >= c.time OR c.time IS NULL THEN t.price
	    ELSE c.close END AS price,
	pg_catalog.date_trunc('second', pg_catalog.statement_timestamp()
	    - greatest(t.time, c.time)) AS age,
	coalesce(greatest(t.time, c.time) < pg_catalog.statement_timestamp()
	    - $3::interval, false) AS stale
FROM pg_catalog.unnest($1::integer[]) AS u (id)
LEFT JOIN LATERAL (
	WITH RECURSIVE tf AS (
		(SELECT x.timeframe, x.time, x.close
		FROM :"schema".candles x
		WHERE x.instrument_id = u.id AND x.time >= $2::timestamptz
		    AND x.time < $4::timestamptz
		ORDER BY x.timeframe DESC, x.time DESC
		LIMIT 1)
		UNION ALL
		SELECT y.timeframe, y.time, y.close
		FROM tf CROSS JOIN LATERAL (
			SELECT x.timeframe, x.time, x.close
			FROM :"schema".candles x
			WHERE x.instrument_id = u.id AND x.timeframe < tf.timeframe
			    AND x.time >= $2::timestamptz
			    AND x.time < $4::timestamptz
			ORDER BY x.timeframe DESC, x.time DESC
			LIMIT 1) AS y
	)
	SELECT k.timeframe, k.time, k.close
	FROM (
		(SELECT tf.timeframe, tf.time, tf.close
		FROM tf
		ORDER BY tf.time DESC, tf.timeframe
		LIMIT 1)
\if :native
		UNION ALL
		-- Compressed candles (tsm-compress(1)).  Blocks of one
		-- interval do not overlap, so its newest candle before $4
		-- is in the block that starts last before $4: only that
		-- block of each interval is unpacked.  A block lies within
		-- its partition, so the packed partitions that begin
		-- before the first compressed partition reaching past $2
		-- are pruned unread.
		(SELECT b.timeframe, r.time, r.value
		FROM (
			SELECT DISTINCT ON (p.timeframe) p.*
			FROM :"schema".candles_packed p
			WHERE p.instrument_id = u.id AND p._lo < $4::timestamptz
			    AND p._hi >= $2::timestamptz
			    AND p._lo >= (SELECT min(z.lo)
				FROM :"schema".compressed_partitions z
				WHERE z.kind = 'candles'
				    AND z.hi > $2::timestamptz)
			ORDER BY p.timeframe, p._lo DESC
		) AS b
		CROSS JOIN LATERAL :"schema".packed_values(b._lo, b._step,
		    b.time, b.close_f8, b.close_i4, b.close_i8, b.close_div) AS r
		WHERE r.time >= $2::timestamptz AND r.time < $4::timestamptz
		ORDER BY r.time DESC, b.timeframe
		LIMIT 1)
\endif
	) AS k
	ORDER BY k.time DESC, k.timeframe
	LIMIT 1
) AS c ON true
LEFT JOIN LATERAL (
	SELECT k.time, k.price
	FROM (
		(SELECT x.time, x.trade_id, x.price
		FROM :"schema".ticks x
		WHERE x.instrument_id = u.id AND x.time >= $2::timestamptz
		    AND x.time < $4::timestamptz
		ORDER BY x.time DESC, x.trade_id DESC
		LIMIT 1)
\if :native
		UNION ALL
		-- Compressed ticks: as for candles, only the block that
		-- starts last before $4 is unpacked.  Ticks sharing a time
		-- across two blocks are split by trade id, the higher ones
		-- in the later block, so it also holds the newest of them.
		(SELECT r.time, r.id, r.value
		FROM (
			SELECT p.*
			FROM :"schema".ticks_packed p
			WHERE p.instrument_id = u.id AND p._lo < $4::timestamptz
			    AND p._hi >= $2::timestamptz
			    AND p._lo >= (SELECT min(z.lo)
				FROM :"schema".compressed_partitions z
				WHERE z.kind = 'ticks'
				    AND z.hi > $2::timestamptz)
			ORDER BY p._lo DESC
			LIMIT 1
		) AS b
		CROSS JOIN LATERAL :"schema".packed_values(b._lo, b._step,
		    b.time, b.price_f8, b.price_i4, b.price_i8, b.price_div,
		    b.trade_id) AS r
		WHERE r.time >= $2::timestamptz AND r.time < $4::timestamptz
		ORDER BY r.time DESC, r.id DESC
		LIMIT 1)
\endif
	) AS k
	ORDER BY k.time DESC, k.trade_id DESC
	LIMIT 1
) AS t ON true
WHERE c.time IS NOT NULL OR t.time IS NOT NULL;
