-- 004_query.sql: rollups that add up in time order.
--
-- A rollup's sums of floating point values depended on the plan of its
-- refresh: a sort by bucket is not stable and a parallel plan adds
-- partial sums, so that two refreshes of the same rows could differ in
-- the last digit of a volume, and so could the rollup and the same
-- aggregation done on the fly (tsm-query's aggregation on the fly takes
-- its rows in time order, and must give the same answer as the rollup).
-- On plain PostgreSQL, sums and means now take their rows in time order,
-- as first and last always did; of trade ticks, which many share one
-- instant, in the order of time and trade id.  Rollups refresh as before;
-- rows refreshed before this upgrade keep their sums until refreshed
-- again.  Continuous aggregates (TimescaleDB) are made by TimescaleDB,
-- which takes no ORDER BY inside their aggregates: nothing changes there.

CREATE OR REPLACE FUNCTION :"schema".aggregate_query(p_name text,
    ts_schema text, lo timestamptz DEFAULT NULL, hi timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	a aggregates;
	src text;
	bucket text;
	cols text := '';
	c jsonb;
	expr text;
	grp text;
	ord text;
	q text;
BEGIN
	SELECT * INTO STRICT a FROM aggregates WHERE name = p_name;
	SELECT format('%I.%I', current_schema(), table_name) INTO STRICT src
	FROM series WHERE kind = a.source;
	-- The order that first, last and sums take their rows in.
	ord := CASE WHEN a.source = 'ticks' THEN 'time, trade_id' ELSE 'time'
	    END;
	IF ts_schema IS NOT NULL THEN
		bucket := format('%I.time_bucket(%L::interval, time)', ts_schema,
		    a.bucket);
	ELSE
		bucket := format('pg_catalog.date_bin(%L::interval, time, '
		    '''2000-01-03 00:00:00+00''::timestamptz)', a.bucket);
	END IF;
	FOR c IN SELECT * FROM jsonb_array_elements(a.columns) LOOP
		expr := CASE c->>'fn'
		    WHEN 'first' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('%I.first(%s, time)', ts_schema, c->>'arg')
			ELSE format('(array_agg(%s ORDER BY %s))[1]', c->>'arg',
			    ord)
			END
		    WHEN 'last' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('%I.last(%s, time)', ts_schema, c->>'arg')
			ELSE format('(array_agg(%s ORDER BY %s))[1]', c->>'arg',
			    replace(ord || ' DESC', ',', ' DESC,'))
			END
		    WHEN 'count' THEN format('count(%s)', c->>'arg')
		    WHEN 'sum' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('sum(%s)', c->>'arg')
			ELSE format('sum(%s ORDER BY %s)', c->>'arg', ord)
			END
		    WHEN 'avg' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('avg(%s)', c->>'arg')
			ELSE format('avg(%s ORDER BY %s)', c->>'arg', ord)
			END
		    ELSE format('%s(%s)', c->>'fn', c->>'arg')
		END;
		cols := cols || format(', %s AS %I', expr, c->>'name');
	END LOOP;
	SELECT string_agg(format('%I', g), ', ') INTO grp
	FROM unnest(a.group_by) AS g;
	q := format('SELECT %s, %s AS time%s FROM %s', grp, bucket, cols, src);
	q := q || ' WHERE ' || coalesce(a.filter, 'true');
	IF lo IS NOT NULL THEN
		q := q || format(' AND time >= %L AND time < %L', lo, hi);
	END IF;
	RETURN q || format(' GROUP BY %s, %s', grp, bucket);
END
$$;
