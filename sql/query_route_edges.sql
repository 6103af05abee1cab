-- query_route_edges.sql: what tsm-query needs to know to answer from an
-- aggregate whose bars of instrument $1 run from the bucket starting at
-- $4 (and ending at $6) to the bucket starting at $7 (and ending at $5):
-- whether the instrument holds anything from $2 to before $4, or from $5
-- to before $3 (candles of any interval, or ticks), and
-- under which code candles stored at the interval (one of the codes $8,
-- such as {1h,60m}) are there in the first and in the last bucket (NULL:
-- they are not).
--
-- Each probe is bounded by constants in time, so that only the
-- partitions or chunks at the edges are planned and read, not every one.
-- On plain PostgreSQL the candles and ticks of partitions that
-- tsm-compress packed are looked for in the blocks of candles_packed and
-- ticks_packed too (see tsm-compress(1)): a block whose first or last
-- time is in the range holds a row there; only a block wider than the
-- range is unpacked (packed_block_holds, in 009_packed.sql).
SELECT
	EXISTS (SELECT FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.time >= $2::timestamptz AND c.time < $4::timestamptz)
\if :native
	OR EXISTS (SELECT FROM :"schema".candles_packed p
	    WHERE p.instrument_id = $1::integer
	    AND p._lo < $4::timestamptz AND p._hi >= $2::timestamptz
	    AND :"schema".packed_block_holds(p._lo, p._hi, p._n, p._step,
		p.time, $2::timestamptz, $4::timestamptz))
\endif
	OR EXISTS (SELECT FROM :"schema".ticks t
	    WHERE t.instrument_id = $1::integer
	    AND t.time >= $2::timestamptz AND t.time < $4::timestamptz)
\if :native
	OR EXISTS (SELECT FROM :"schema".ticks_packed p
	    WHERE p.instrument_id = $1::integer
	    AND p._lo < $4::timestamptz AND p._hi >= $2::timestamptz
	    AND :"schema".packed_block_holds(p._lo, p._hi, p._n, p._step,
		p.time, $2::timestamptz, $4::timestamptz))
\endif
	    AS before,
	EXISTS (SELECT FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.time >= $5::timestamptz AND c.time < $3::timestamptz)
\if :native
	OR EXISTS (SELECT FROM :"schema".candles_packed p
	    WHERE p.instrument_id = $1::integer
	    AND p._lo < $3::timestamptz AND p._hi >= $5::timestamptz
	    AND :"schema".packed_block_holds(p._lo, p._hi, p._n, p._step,
		p.time, $5::timestamptz, $3::timestamptz))
\endif
	OR EXISTS (SELECT FROM :"schema".ticks t
	    WHERE t.instrument_id = $1::integer
	    AND t.time >= $5::timestamptz AND t.time < $3::timestamptz)
\if :native
	OR EXISTS (SELECT FROM :"schema".ticks_packed p
	    WHERE p.instrument_id = $1::integer
	    AND p._lo < $3::timestamptz AND p._hi >= $5::timestamptz
	    AND :"schema".packed_block_holds(p._lo, p._hi, p._n, p._step,
		p.time, $5::timestamptz, $3::timestamptz))
\endif
	    AS after,
	(SELECT c.timeframe FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.timeframe = ANY ($8::text[])
	    AND c.time >= $4::timestamptz AND c.time < $6::timestamptz
\if :native
	    UNION ALL
	    SELECT p.timeframe FROM :"schema".candles_packed p
	    WHERE p.instrument_id = $1::integer
	    AND p.timeframe = ANY ($8::text[])
	    AND p._lo < $6::timestamptz AND p._hi >= $4::timestamptz
	    AND :"schema".packed_block_holds(p._lo, p._hi, p._n, p._step,
		p.time, $4::timestamptz, $6::timestamptz)
\endif
	    LIMIT 1) AS stored_first,
	(SELECT c.timeframe FROM :"schema".candles c
	    WHERE c.instrument_id = $1::integer
	    AND c.timeframe = ANY ($8::text[])
	    AND c.time >= $7::timestamptz AND c.time < $5::timestamptz
\if :native
	    UNION ALL
	    SELECT p.timeframe FROM :"schema".candles_packed p
	    WHERE p.instrument_id = $1::integer
	    AND p.timeframe = ANY ($8::text[])
	    AND p._lo < $5::timestamptz AND p._hi >= $7::timestamptz
	    AND :"schema".packed_block_holds(p._lo, p._hi, p._n, p._step,
		p.time, $7::timestamptz, $5::timestamptz)
\endif
	    LIMIT 1) AS stored_last;
