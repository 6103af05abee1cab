-- 007_rollups.sql: the rollups of a whole move brought up to date
-- once, at its end, each from the finest rollup that holds what it needs.
--
-- Runs in psql as well as from tsm-init:
--   psql -v schema=tsm -v native=true -v timescaledb=false -f 007_rollups.sql
--
-- tsm-migrate klines used to refresh the rollups in every batch, each from
-- the candles themselves: five rollups of 1m candles read every moved row
-- five times, which cost more than the move.  Now the batches only log
-- their ranges in invalidations, as any writer's statements do, and at the
-- end refresh_rollups_for recomputes the range once, for the instruments
-- moved: the finest rollup from the candles, and each coarser one from
-- the finest already done whose buckets divide its own (candles_1d from
-- candles_4h, not from 1,440 rows a day), then clears what the move
-- logged.  The refresh is for plain PostgreSQL only: on TimescaleDB the
-- continuous aggregates are refreshed by refresh_continuous_aggregate, and
-- only the two helpers that say how one rollup is made from another are
-- made.

-- True when rollup a can be computed from the rows of rollup f: the same
-- source, filter and grouping, buckets of f that tile those of a (fixed
-- widths, one a multiple of the other, the same origin), and every column
-- of a one that f also has, made by a function that composes (first,
-- last, max, min, sum, and count as a sum of counts).
CREATE OR REPLACE FUNCTION :"schema".rollup_composes(a :"schema".aggregates,
    f :"schema".aggregates)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = :"schema", pg_catalog
AS $$
	SELECT a.name <> f.name AND a.source = f.source
	    AND a.filter IS NOT DISTINCT FROM f.filter
	    AND a.group_by = f.group_by
	    AND a.bucket < interval '1 mon' AND f.bucket < interval '1 mon'
	    AND extract(epoch FROM f.bucket) > 0
	    AND extract(epoch FROM a.bucket) > extract(epoch FROM f.bucket)
	    AND mod(extract(epoch FROM a.bucket),
		extract(epoch FROM f.bucket)) = 0
	    AND NOT EXISTS (
		SELECT FROM jsonb_array_elements(a.columns) AS c
		WHERE c->>'fn' NOT IN ('first', 'last', 'max', 'min', 'sum',
		    'count')
		   OR NOT EXISTS (
			SELECT FROM jsonb_array_elements(f.columns) AS e
			WHERE e->>'fn' = c->>'fn' AND e->>'arg' = c->>'arg'))
$$;

-- The query that computes rollup a over [lo, hi) from the rows of rollup
-- f (rollup_composes(a, f) holds), in the column order of a's table.
CREATE OR REPLACE FUNCTION :"schema".rollup_query_from(a :"schema".aggregates,
    f :"schema".aggregates, lo timestamptz, hi timestamptz)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	c jsonb;
	src text;
	expr text;
	cols text := '';
	grp text;
	bucket text := format('pg_catalog.date_bin(%L::interval, time, '
	    '''2000-01-03 00:00:00+00''::timestamptz)', a.bucket);
BEGIN
	FOR c IN SELECT * FROM jsonb_array_elements(a.columns) LOOP
		SELECT format('%I', e->>'name') INTO STRICT src
		FROM jsonb_array_elements(f.columns) AS e
		WHERE e->>'fn' = c->>'fn' AND e->>'arg' = c->>'arg'
		LIMIT 1;
		expr := CASE c->>'fn'
		    WHEN 'first' THEN
			format('(array_agg(%s ORDER BY time))[1]', src)
		    WHEN 'last' THEN
			format('(array_agg(%s ORDER BY time DESC))[1]', src)
		    WHEN 'count' THEN format('sum(%s)', src)
		    ELSE format('%s(%s)', c->>'fn', src)
		END;
		cols := cols || format(', %s AS %I', expr, c->>'name');
	END LOOP;
	SELECT string_agg(format('%I', g), ', ') INTO grp
	FROM unnest(a.group_by) AS g;
	RETURN format('SELECT %s, %s AS time%s FROM %I.%I WHERE time >= %L '
	    'AND time < %L GROUP BY %s, %s', grp, bucket, cols,
	    current_schema(), f.name, lo, hi, grp, bucket);
END
$$;

\if :native
-- Brings the rollups fed by rows of p_kind and p_timeframe up to date over
-- [lo, hi), widened to whole buckets of the widest of them, for the
-- instruments p_instruments (all when NULL, and for the rollups not
-- grouped by instrument), in the caller's transaction.  The ranges logged
-- in invalidations by the transactions p_xids (the move's batches, whose
-- rows are all in that range) are then cleared.  Returns the number of
-- buckets written.  It runs as the owner, like refresh_aggregate.
CREATE OR REPLACE FUNCTION :"schema".refresh_rollups_for(p_kind text,
    p_timeframe text, lo timestamptz, hi timestamptz,
    p_instruments integer[] DEFAULT NULL, p_xids xid[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	a aggregates;
	f aggregates;
	widest interval;
	done text[] := '{}';
	rel text;
	q text;
	by_instr boolean;
	l timestamptz;
	h timestamptz;
	n bigint := 0;
	k bigint;
BEGIN
	IF lo IS NULL OR hi IS NULL THEN
		RETURN 0;
	END IF;
	-- Two refreshes of one kind take turns (as refresh_invalidated).
	PERFORM pg_advisory_xact_lock(hashtext(current_schema() ||
	    '.refresh.' || p_kind));
	SELECT max(x.bucket) INTO widest
	FROM aggregates_fed_by(p_kind, p_timeframe) AS x
	WHERE x.bucket < interval '1 mon';
	IF widest IS NOT NULL THEN
		-- Every rollup is refreshed over whole buckets of the widest,
		-- so that a coarser one made from a finer one finds all of
		-- its buckets refreshed.
		lo := bucket_floor(widest, lo);
		IF bucket_floor(widest, hi) < hi THEN
			hi := bucket_floor(widest, hi) + widest;
		END IF;
	END IF;
	FOR a IN SELECT * FROM aggregates_fed_by(p_kind, p_timeframe) AS x
	    ORDER BY x.bucket, x.name LOOP
		rel := format('%I.%I', current_schema(), a.name);
		l := bucket_floor(a.bucket, lo);
		h := bucket_floor(a.bucket, hi);
		IF h < hi THEN
			h := h + a.bucket;
		END IF;
		by_instr := p_instruments IS NOT NULL AND
		    'instrument_id' = ANY (a.group_by);
		-- The coarsest rollup done here that a can be made from, if
		-- its buckets also tile the widest (then [l, h) is exactly
		-- what it was refreshed over).
		SELECT * INTO f FROM aggregates d
		WHERE d.name = ANY (done) AND rollup_composes(a, d)
		    AND (widest IS NULL OR mod(extract(epoch FROM widest),
			extract(epoch FROM d.bucket)) = 0)
		    AND (widest IS NULL OR mod(extract(epoch FROM widest),
			extract(epoch FROM a.bucket)) = 0)
		ORDER BY d.bucket DESC LIMIT 1;
		IF FOUND THEN
			q := rollup_query_from(a, f, l, h);
		ELSE
			q := aggregate_query(a.name, NULL, l, h);
		END IF;
		IF by_instr THEN
			EXECUTE format('DELETE FROM %s WHERE instrument_id = '
			    'ANY ($1) AND time >= $2 AND time < $3', rel)
			    USING p_instruments, l, h;
			EXECUTE format('INSERT INTO %s SELECT * FROM (%s) AS q '
			    'WHERE q.instrument_id = ANY ($1)', rel, q)
			    USING p_instruments;
		ELSE
			EXECUTE format('DELETE FROM %s WHERE time >= $1 AND '
			    'time < $2', rel) USING l, h;
			EXECUTE format('INSERT INTO %s %s', rel, q);
		END IF;
		GET DIAGNOSTICS k = ROW_COUNT;
		n := n + k;
		done := done || a.name;
	END LOOP;
	IF p_xids IS NOT NULL THEN
		DELETE FROM invalidations i WHERE i.kind = p_kind
		    AND i.xmin = ANY (p_xids)
		    AND i.lo >= refresh_rollups_for.lo
		    AND i.hi < refresh_rollups_for.hi;
	END IF;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION :"schema".refresh_rollups_for(text, text,
	timestamptz, timestamptz, integer[], xid[]) FROM PUBLIC;
\endif
