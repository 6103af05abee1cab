-- 006_compress.sql: the storage life cycle of tsm-compress.
--
-- On both backends every series gets two names that read all of its rows,
-- compressed or not, with ordinary SQL:
--   <table>_all              a view of every row
--   <table>_range(lo, hi)    the rows with lo <= time < hi, a set-returning
--                            SQL function that the planner inlines, so that
--                            the range reaches both halves of the data
-- On TimescaleDB they are thin wrappers of the hypertable (which reads its
-- compressed chunks itself).  On plain PostgreSQL a compressed partition
-- is empty and its rows live, packed, in a partition of <table>_packed:
-- one row per segment (the series' segment_by columns) and block of up to
-- 1,000 rows in time order, each column an array.  Prices and other
-- double precision values that are short decimals (as exchanges publish
-- them) are stored as scaled integers with their divisor, checked to read
-- back to the very same double; other values as they are.  The arrays are
-- TOASTed with lz4 where the server has it.  tsm-compress(1) explains the
-- choice with its measurements.
--
-- A write into a compressed partition decompresses it first: ensure_
-- partitions, which every loader calls before writing, does so for the
-- range it is given (in the loader's transaction), and a trigger on the
-- emptied partition catches any other INSERT or COPY.
--
-- Upgrades that add columns to a series table must call
-- compress_prepare(kind) again, so that the packed table, the view and
-- the function follow.

CREATE TABLE IF NOT EXISTS :"schema".compressed_partitions (
	kind		text NOT NULL REFERENCES :"schema".series (kind),
	partition	text NOT NULL,
	packed		text NOT NULL,
	lo		timestamptz NOT NULL,
	hi		timestamptz NOT NULL,
	rows		bigint NOT NULL,
	bytes_before	bigint NOT NULL,
	bytes_after	bigint NOT NULL,
	compressed_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (kind, partition)
);
COMMENT ON TABLE :"schema".compressed_partitions IS
	'native partitions whose rows are packed in <table>_packed';
CREATE INDEX IF NOT EXISTS compressed_partitions_lo_idx
	ON :"schema".compressed_partitions (kind, lo);

-- Refresh policies of rollup tables (plain PostgreSQL), carried out by
-- tsm-compress refresh: the window [now - start_offset, now - end_offset].
-- On TimescaleDB the continuous aggregates' own policies are used.
CREATE TABLE IF NOT EXISTS :"schema".refresh_policies (
	aggregate	text PRIMARY KEY
			    REFERENCES :"schema".aggregates (name) ON DELETE CASCADE,
	start_offset	interval NOT NULL CHECK (start_offset > '0'),
	end_offset	interval NOT NULL CHECK (end_offset >= '0'),
	schedule	interval NOT NULL CHECK (schedule > '0'),
	CHECK (start_offset > end_offset)
);

-- Segment and order settings chosen by measurement (see tsm-compress(1)):
-- every column of a primary key is either a segment or an order column,
-- so that each segment is one series in time order, the layout delta and
-- run-length encodings need.  Only the settings 001 made are changed.
UPDATE :"schema".series SET segment_by = 'underlying, exchange, option_type',
	order_by = 'expiry, strike, time DESC'
WHERE kind = 'greeks' AND segment_by = 'underlying, exchange'
	AND order_by = 'time DESC';
UPDATE :"schema".series SET segment_by = 'asset, source'
WHERE kind = 'sentiment' AND segment_by = 'asset' AND order_by = 'time DESC';
UPDATE :"schema".series SET segment_by = 'asset, flow_type, source',
	order_by = 'ref, time DESC'
WHERE kind = 'flows' AND segment_by = 'asset' AND order_by = 'time DESC';
UPDATE :"schema".series SET segment_by = 'metric, scope'
WHERE kind = 'metrics' AND segment_by = 'metric' AND order_by = 'time DESC';
UPDATE :"schema".series SET segment_by =
	'instrument_id, timeframe, name, params'
WHERE kind = 'indicators' AND segment_by = 'instrument_id, timeframe, name'
	AND order_by = 'time DESC';

-- The number of decimal places of v as its shortest exact text shows it
-- ("60012.1234" has 4), or -1 when v cannot be written as a short
-- decimal: not finite, minus zero, more than 15 places.  The text is the
-- shortest exact one when extra_float_digits is 1 (compress_partition
-- sets it); with less, packing finds the values do not read back and
-- keeps them as doubles.  No SET clause and not STRICT, so that it is
-- inlined.
CREATE OR REPLACE FUNCTION :"schema".decimal_scale(v double precision)
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN v IN ('NaN', 'Infinity', '-Infinity') THEN -1
		WHEN v = 0 AND v::text LIKE '-%' THEN -1
		WHEN pg_catalog.scale(v::text::numeric) > 15 THEN -1
		ELSE pg_catalog.scale(v::text::numeric)
	END
$$;

-- The columns of a series table and how each is packed: 'segment' (a
-- segment_by column, kept as it is), 'time', 'float' (double precision:
-- scaled integers or doubles), 'stamp' (another timestamptz: an offset
-- from time when it is constant, else an array) or 'plain' (an array).
CREATE OR REPLACE FUNCTION :"schema".packed_layout(p_kind text)
RETURNS TABLE (col name, typ text, role text)
LANGUAGE sql STABLE
SET search_path = :"schema", pg_catalog
AS $$
	SELECT a.attname, format_type(a.atttypid, a.atttypmod),
	    CASE
		WHEN a.attname = ANY (regexp_split_to_array(s.segment_by,
		    '\s*,\s*')) THEN 'segment'
		WHEN a.attname = 'time' THEN 'time'
		WHEN a.atttypid = 'double precision'::regtype THEN 'float'
		WHEN a.atttypid = 'timestamptz'::regtype THEN 'stamp'
		ELSE 'plain'
	    END
	FROM series s
	JOIN pg_class c ON c.relname = s.table_name
	    AND c.relnamespace = (SELECT n.oid FROM pg_namespace n
		WHERE n.nspname = current_schema())
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
	    AND NOT a.attisdropped
	WHERE s.kind = p_kind
	ORDER BY a.attnum
$$;

-- The SELECT that unpacks the packed relation rel into rows of the series
-- table, columns in the table's order; block_where filters packed rows
-- (alias p), row_where filters the unpacked ones (by column name).
CREATE OR REPLACE FUNCTION :"schema".packed_select(p_kind text, rel text,
    block_where text DEFAULT NULL, row_where text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	l record;
	cols text := '';
	arrays text := '';
	names text := '';
	t text := 'coalesce(u."time", p._lo + (u._ord - 1) * p._step)';
	q text;
BEGIN
	FOR l IN SELECT * FROM packed_layout(p_kind) LOOP
		cols := cols || CASE WHEN cols = '' THEN '' ELSE ', ' END ||
		    CASE l.role
		    WHEN 'segment' THEN format('p.%I', l.col)
		    WHEN 'time' THEN t
		    WHEN 'float' THEN format('coalesce(u.%I, u.%I / p.%I, '
			'u.%I / p.%I)', l.col || '_f8', l.col || '_i4',
			l.col || '_div', l.col || '_i8', l.col || '_div')
		    WHEN 'stamp' THEN format('coalesce(u.%I, %s + p.%I)', l.col,
			t, l.col || '_off')
		    ELSE format('u.%I', l.col)
		    END || format(' AS %I', l.col);
		IF l.role = 'float' THEN
			arrays := arrays || format(', pg_catalog.unnest(p.%I), '
			    'pg_catalog.unnest(p.%I), pg_catalog.unnest(p.%I)',
			    l.col || '_f8', l.col || '_i4', l.col || '_i8');
			names := names || format(', %I, %I, %I', l.col || '_f8',
			    l.col || '_i4', l.col || '_i8');
		ELSIF l.role <> 'segment' THEN
			arrays := arrays || format(', pg_catalog.unnest(p.%I)', l.col);
			names := names || format(', %I', l.col);
		END IF;
	END LOOP;
	q := format('SELECT %s FROM %s p CROSS JOIN LATERAL ROWS FROM (%s) '
	    'WITH ORDINALITY AS u(%s, _ord)', cols, rel, substr(arrays, 3),
	    substr(names, 3));
	IF block_where IS NOT NULL THEN
		q := q || ' WHERE ' || block_where;
	END IF;
	IF row_where IS NOT NULL THEN
		q := format('SELECT * FROM (%s) d WHERE %s', q, row_where);
	END IF;
	RETURN q;
END
$$;

-- The SELECT that packs the rows of rel (a partition of the series
-- table) into rows of <table>_packed, and the list of packed columns it
-- fills, for INSERT INTO ... (cols) SELECT.  Rows are numbered in order
-- within their segment and cut into blocks of 1,000.  Within a block:
-- - a double precision column is kept as integers scaled by 10^k (k the
--   most decimal places of its values), in integer[] or bigint[] by
--   size, when every value reads back exactly as v = s / 10^k; otherwise
--   as float8[].  The scaling is done in floating point and checked, so
--   that nothing rests on the arithmetic being right;
-- - the times are kept as a step when they are exactly lo + (i - 1) *
--   step, a pure microsecond interval, so that adding it means the same
--   in every time zone;
-- - another timestamptz is kept as its offset from time when that is the
--   same for all rows.
-- Each check compares what the arrays will decode to, in the order the
-- aggregates saw the rows, so the result never depends on that order.
CREATE OR REPLACE FUNCTION :"schema".packed_pack_sql(p_kind text, rel text,
    OUT cols text, OUT query text)
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	s series;
	l record;
	c text;
	seg text := '';
	ord text := '';
	scales text := '';	-- per row: the places of each double
	win text := '';		-- per block: the most places, the fewest
	scaled text := '';	-- per row: the scaled integer
	agg text := '';		-- per block: the arrays and checks
	pick text := '';	-- per block: the form kept
	o text;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	FOREACH o IN ARRAY regexp_split_to_array(s.order_by, '\s*,\s*') LOOP
		ord := ord || format(', %I', split_part(trim(o), ' ', 1));
	END LOOP;
	cols := '_lo, _hi, _n, _step, "time"';
	FOR l IN SELECT * FROM packed_layout(p_kind) LOOP
		c := l.col;
		CASE l.role
		WHEN 'segment' THEN
			seg := seg || format(', %I', c);
		WHEN 'time' THEN
			NULL;
		WHEN 'float' THEN
			scales := scales || format(', %s.decimal_scale(%I) AS %I',
			    quote_ident(current_schema()), c, c || '_k');
			win := win || format(', max(%2$I) OVER w AS %1$I, '
			    'min(%2$I) OVER w AS %3$I', c || '_bk', c || '_k',
			    c || '_mk');
			scaled := scaled || format(', CASE WHEN %2$I >= 0 AND '
			    '%3$I <= 15 AND abs(%1$I * 10::float8 ^ %3$I) < '
			    '9007199254740992 THEN round(%1$I * 10::float8 ^ %3$I)'
			    '::bigint END AS %4$I', c, c || '_mk', c || '_bk',
			    c || '_s');
			agg := agg || format(', array_agg(%1$I) AS %2$I, '
			    'array_agg(%3$I) AS %4$I, bool_and(%1$I IS NULL OR '
			    'coalesce(%3$I::float8 / 10::float8 ^ %5$I = %1$I, '
			    'false)) AS %6$I, '
			    'max(abs(%3$I)) AS %7$I, max(%5$I) AS %8$I', c, c || '_v',
			    c || '_s', c || '_sa', c || '_bk', c || '_ok',
			    c || '_mx', c || '_kk');
			pick := pick || format(', CASE WHEN %1$I IS NOT TRUE THEN %2$I '
			    'END, CASE WHEN %1$I AND coalesce(%3$I, 0) <= 2147483647 '
			    'THEN %4$I::integer[] END, CASE WHEN %1$I AND %3$I > '
			    '2147483647 THEN %4$I END, CASE WHEN %1$I THEN 10::float8 '
			    '^ coalesce(%5$I, 0) END', c || '_ok', c || '_v',
			    c || '_mx', c || '_sa', c || '_kk');
			cols := cols || format(', %I, %I, %I, %I', c || '_f8',
			    c || '_i4', c || '_i8', c || '_div');
		WHEN 'stamp' THEN
			-- The offset from time in microseconds, exact.
			scaled := scaled || format(', (extract(epoch FROM %I) - '
			    'extract(epoch FROM "time")) * 1000000 AS %I', c,
			    c || '_d');
			agg := agg || format(', array_agg(%1$I) AS %2$I, count(%1$I) '
			    '= count(*) AND min(%3$I) = max(%3$I) AS %4$I, '
			    'min(%3$I) AS %5$I', c, c || '_v', c || '_d', c || '_ok',
			    c || '_kk');
			pick := pick || format(', CASE WHEN NOT %1$I THEN %2$I END, '
			    'CASE WHEN %1$I THEN interval ''1 microsecond'' * %3$I END',
			    c || '_ok', c || '_v', c || '_kk');
			cols := cols || format(', %I, %I', c, c || '_off');
		ELSE
			agg := agg || format(', array_agg(%I) AS %I', c, c || '_v');
			pick := pick || format(', %I', c || '_v');
			cols := cols || format(', %I', c);
		END CASE;
	END LOOP;
	seg := substr(seg, 3);
	ord := substr(ord, 3);
	cols := seg || ', ' || cols;
	query := format($q$
WITH r AS (
	SELECT s.*, row_number() OVER (PARTITION BY %1$s ORDER BY %2$s) AS _rn
	FROM %3$s s
), b AS (
	SELECT r.*, (_rn - 1) / 1000 AS _blk%4$s FROM r
), k AS (
	SELECT b.*%5$s FROM b WINDOW w AS (PARTITION BY %1$s, _blk ORDER BY _rn
	    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
), v AS (
	SELECT k.*%6$s FROM k
), g AS (
	SELECT %1$s, min("time") AS _lo, max("time") AS _hi, count(*) AS _n,
	    array_agg("time") AS _times%7$s
	FROM v GROUP BY %1$s, _blk
)
SELECT %1$s, _lo, _hi, _n::integer, CASE WHEN _regular THEN _step END,
    CASE WHEN NOT _regular THEN _times END%8$s
FROM g
CROSS JOIN LATERAL (SELECT CASE WHEN _n > 1 AND (extract(epoch FROM _hi) -
    extract(epoch FROM _lo)) * 1000000 %% (_n - 1) = 0
    THEN interval '1 microsecond' * ((extract(epoch FROM _hi) -
    extract(epoch FROM _lo)) * 1000000 / (_n - 1)) END) AS st (_step)
CROSS JOIN LATERAL (SELECT _step IS NOT NULL AND _times = ARRAY(
    SELECT _lo + (i - 1) * _step FROM generate_series(1, _n) AS i))
    AS rg (_regular)
ORDER BY %1$s, _lo$q$, seg, ord, rel, scales, win, scaled, agg, pick);
END
$$;

-- The function <table>_range(lo, hi): the series table's rows in range,
-- and on plain PostgreSQL those of its packed blocks that reach into the
-- range.  W, the widest compressed partition (or the chunk interval if
-- wider), bounds how long before lo such a block can start: blocks never
-- leave their partition.  So the condition on _lo prunes the packed
-- partitions on both sides.  No SET clause and no SECURITY DEFINER: the
-- planner inlines the function into the query that calls it.
CREATE OR REPLACE FUNCTION :"schema".compress_range_function(p_kind text,
    ts_schema text)
RETURNS void
LANGUAGE plpgsql
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	s series;
	sch text := quote_ident(current_schema());
	src text;
	cols text;
	w bigint;
	q text;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	src := format('%s.%I', sch, s.table_name);
	SELECT string_agg(quote_ident(col), ', ') INTO cols
	FROM packed_layout(p_kind);
	q := format('SELECT %s FROM %s WHERE "time" >= lo AND "time" < hi',
	    cols, src);
	IF ts_schema IS NULL THEN
		SELECT max(extract(epoch FROM c.hi) - extract(epoch FROM c.lo))
		    * 1000000 INTO w
		FROM compressed_partitions c WHERE c.kind = p_kind;
		w := greatest(coalesce(w, 0), extract(epoch FROM
		    s.chunk_interval) * 1000000);
		q := q || ' UNION ALL ' || packed_select(p_kind, format('%s.%I',
		    sch, s.table_name || '_packed'), format('p._lo < hi AND '
		    'p._lo > lo - interval ''1 microsecond'' * %s AND p._hi >= lo',
		    w), '"time" >= lo AND "time" < hi');
	END IF;
	EXECUTE format('CREATE OR REPLACE FUNCTION %s.%I(lo timestamptz, '
	    'hi timestamptz) RETURNS SETOF %s LANGUAGE sql STABLE AS %L', sch,
	    s.table_name || '_range', src, q);
	EXECUTE format('COMMENT ON FUNCTION %s.%I(timestamptz, timestamptz) '
	    'IS %L', sch, s.table_name || '_range', format('the rows of %s, '
	    'compressed or not, with lo <= time < hi (W = %s us)',
	    s.table_name, coalesce(w, 0)));
END
$$;

-- Makes what a kind needs: on plain PostgreSQL the packed table (and any
-- column it lacks), TOASTed with lz4 where the server has it; on both
-- backends the view <table>_all and the function <table>_range.  Safe to
-- call again.
CREATE OR REPLACE FUNCTION :"schema".compress_prepare(p_kind text,
    ts_schema text)
RETURNS void
LANGUAGE plpgsql
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	s series;
	l record;
	sch text := quote_ident(current_schema());
	src text;
	pk text;
	defs text[] := '{}';
	d text;
	cols text;
	comp text := 'pglz';
	q text;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	src := format('%s.%I', sch, s.table_name);
	pk := format('%s.%I', sch, s.table_name || '_packed');
	SELECT string_agg(quote_ident(col), ', ') INTO cols
	FROM packed_layout(p_kind);
	q := format('SELECT %s FROM %s', cols, src);
	IF ts_schema IS NULL THEN
		IF EXISTS (SELECT FROM pg_settings
		    WHERE name = 'default_toast_compression'
		    AND 'lz4' = ANY (enumvals)) THEN
			comp := 'lz4';
		END IF;
		FOR l IN SELECT * FROM packed_layout(p_kind) LOOP
			defs := defs || CASE l.role
			    WHEN 'segment' THEN ARRAY[format('%I %s', l.col, l.typ)]
			    WHEN 'time' THEN ARRAY['_lo timestamptz NOT NULL',
				'_hi timestamptz NOT NULL', '_n integer NOT NULL',
				'_step interval', '"time" timestamptz[]']
			    WHEN 'float' THEN ARRAY[
				format('%I float8[]', l.col || '_f8'),
				format('%I integer[]', l.col || '_i4'),
				format('%I bigint[]', l.col || '_i8'),
				format('%I float8', l.col || '_div')]
			    WHEN 'stamp' THEN ARRAY[
				format('%I timestamptz[]', l.col),
				format('%I interval', l.col || '_off')]
			    ELSE ARRAY[format('%I %s[]', l.col, l.typ)]
			    END;
		END LOOP;
		IF to_regclass(pk) IS NULL THEN
			EXECUTE format('CREATE TABLE %s (%s) PARTITION BY RANGE (_lo)',
			    pk, array_to_string(defs, ', '));
			EXECUTE format('COMMENT ON TABLE %s IS %L', pk,
			    format('packed rows of compressed partitions of %s; read '
			    'them through %s_all', s.table_name, s.table_name));
		ELSE
			-- Columns added to the series since: add them here too.
			FOREACH d IN ARRAY defs LOOP
				EXECUTE format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS '
				    '%s', pk, replace(d, ' NOT NULL', ''));
			END LOOP;
		END IF;
		FOR l IN SELECT a.attname FROM pg_attribute a
		    WHERE a.attrelid = pk::regclass AND a.attnum > 0
		    AND NOT a.attisdropped AND a.attlen = -1
		    AND a.attcompression IS DISTINCT FROM left(comp, 1)::"char"
		LOOP
			EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET '
			    'COMPRESSION %s', pk, l.attname, comp);
		END LOOP;
		q := q || ' UNION ALL ' || packed_select(p_kind, pk);
	END IF;
	EXECUTE format('CREATE OR REPLACE VIEW %s.%I AS %s', sch,
	    s.table_name || '_all', q);
	EXECUTE format('COMMENT ON VIEW %s.%I IS %L', sch, s.table_name || '_all',
	    format('every row of %s, compressed or not', s.table_name));
	PERFORM compress_range_function(p_kind, ts_schema);
END
$$;

-- Compresses one native partition, in the caller's transaction: its rows
-- are packed into a new table, which becomes a partition of the packed
-- table with the same bounds; then the partition is emptied and given the
-- trigger that unpacks it again on a write.  Writers wait (EXCLUSIVE
-- lock) while readers go on; the swap at the end takes the partition's
-- ACCESS EXCLUSIVE lock for a moment.  An empty partition is left alone
-- (rows 0).  Returns the rows packed and the bytes before and after
-- (packed partition plus the emptied one).
CREATE OR REPLACE FUNCTION :"schema".compress_partition(p_kind text,
    p_partition text, OUT rows bigint, OUT bytes_before bigint,
    OUT bytes_after bigint)
LANGUAGE plpgsql
SET search_path = :"schema", pg_catalog
SET extra_float_digits = 1
SET TimeZone = 'UTC'
AS $$
DECLARE
	s series;
	b record;
	q record;
	sch text := quote_ident(current_schema());
	rel text;
	pk text;
	tmp text;
	n bigint;
	prev_w interval;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	SELECT p.lo, p.hi INTO b FROM partitions p
	WHERE p.kind = p_kind AND p.partition = p_partition;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'partition "%" of %.% does not exist', p_partition,
		    current_schema(), s.table_name USING ERRCODE = 'undefined_table';
	END IF;
	rel := format('%s.%I', sch, p_partition);
	pk := format('%s.%I', sch, s.table_name || '_packed');
	tmp := CASE WHEN length(p_partition) <= 56 THEN p_partition || '_packed'
	    ELSE 'packed_' || rel::regclass::oid END;
	EXECUTE format('LOCK TABLE %s IN EXCLUSIVE MODE', rel);
	bytes_before := pg_total_relation_size(rel::regclass);
	EXECUTE format('SELECT count(*) FROM ONLY %s', rel) INTO rows;
	IF rows = 0 THEN
		bytes_after := bytes_before;
		RETURN;
	END IF;
	SELECT max(c.hi - c.lo) INTO prev_w FROM compressed_partitions c
	WHERE c.kind = p_kind;
	-- A packed partition that a write emptied: made again below.
	IF to_regclass(format('%s.%I', sch, tmp)) IS NOT NULL THEN
		EXECUTE format('DROP TABLE %s.%I', sch, tmp);
	END IF;
	EXECUTE format('CREATE TABLE %s.%I (LIKE %s INCLUDING COMPRESSION '
	    'INCLUDING STORAGE)', sch, tmp, pk);
	SELECT * INTO q FROM packed_pack_sql(p_kind, 'ONLY ' || rel);
	EXECUTE format('INSERT INTO %s.%I (%s) %s', sch, tmp, q.cols, q.query);
	EXECUTE format('SELECT coalesce(sum(_n), 0) FROM %s.%I', sch, tmp)
	    INTO n;
	IF n <> rows THEN
		RAISE EXCEPTION 'packing % rows of % gave % rows', rows, rel, n;
	END IF;
	-- The check lets ATTACH skip its scan of the new partition.
	EXECUTE format('ALTER TABLE %s.%I ADD CONSTRAINT %I CHECK (_lo >= %L '
	    'AND _lo < %L)', sch, tmp, tmp || '_bounds', b.lo, b.hi);
	EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s.%I FOR VALUES FROM '
	    '(%L) TO (%L)', pk, sch, tmp, b.lo, b.hi);
	EXECUTE format('TRUNCATE ONLY %s', rel);
	EXECUTE format('CREATE OR REPLACE TRIGGER tsm_unpack_on_write BEFORE '
	    'INSERT ON %s FOR EACH ROW EXECUTE FUNCTION %s.unpack_on_write(%L)',
	    rel, sch, p_kind);
	bytes_after := pg_total_relation_size(format('%s.%I', sch, tmp)::regclass)
	    + pg_total_relation_size(rel::regclass);
	INSERT INTO compressed_partitions AS c (kind, partition, packed, lo, hi,
	    rows, bytes_before, bytes_after)
	VALUES (p_kind, p_partition, tmp, b.lo, b.hi, rows, bytes_before,
	    bytes_after)
	ON CONFLICT (kind, partition) DO UPDATE SET packed = excluded.packed,
	    lo = excluded.lo, hi = excluded.hi, rows = excluded.rows,
	    bytes_before = excluded.bytes_before,
	    bytes_after = excluded.bytes_after, compressed_at = now();
	IF prev_w IS NULL OR b.hi - b.lo > prev_w THEN
		PERFORM compress_range_function(p_kind, NULL);
	END IF;
END
$$;

-- Unpacks one native partition back into its table rows, in the caller's
-- transaction; returns the rows unpacked (0 when it was not compressed).
-- drop_packed: drop the packed partition and the trigger (tsm-compress
-- decompress); otherwise only delete the packed rows, so that a writer
-- never takes a lock on the whole packed table (ensure_partitions and the
-- trigger), and the next tsm-compress run packs the partition again.
CREATE OR REPLACE FUNCTION :"schema".decompress_partition(p_kind text,
    p_partition text, drop_packed boolean)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = :"schema", pg_catalog
SET TimeZone = 'UTC'
AS $$
DECLARE
	sch text := quote_ident(current_schema());
	rel text := format('%s.%I', sch, p_partition);
	pk text;
	cols text;
	n bigint;
BEGIN
	DELETE FROM compressed_partitions
	WHERE kind = p_kind AND partition = p_partition
	RETURNING packed INTO pk;
	IF NOT FOUND THEN
		RETURN 0;
	END IF;
	pk := format('%s.%I', sch, pk);
	SELECT string_agg(quote_ident(col), ', ') INTO cols
	FROM packed_layout(p_kind);
	IF drop_packed THEN
		EXECUTE format('DROP TRIGGER IF EXISTS tsm_unpack_on_write ON %s',
		    rel);
	END IF;
	PERFORM set_config('tsm.unpacking', 'on', true);
	EXECUTE format('INSERT INTO %s (%s) %s', rel, cols,
	    packed_select(p_kind, pk));
	GET DIAGNOSTICS n = ROW_COUNT;
	PERFORM set_config('tsm.unpacking', 'off', true);
	IF drop_packed THEN
		EXECUTE format('DROP TABLE %s', pk);
	ELSE
		EXECUTE format('DELETE FROM %s', pk);
	END IF;
	RETURN n;
END
$$;

-- The trigger on a compressed (emptied) partition: the first row written
-- to it unpacks it, in the writer's transaction, so that the row meets
-- the old ones (a primary key conflict, ON CONFLICT DO NOTHING).  An
-- INSERT ... ON CONFLICT DO UPDATE must unpack before its statement
-- (ensure_partitions does): PostgreSQL refuses to update, in the same
-- statement, a row that the statement's own trigger inserted.
CREATE OR REPLACE FUNCTION :"schema".unpack_on_write()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog
AS $$
BEGIN
	IF current_setting('tsm.unpacking', true) = 'on' THEN
		RETURN NEW;
	END IF;
	IF EXISTS (SELECT FROM compressed_partitions
	    WHERE kind = TG_ARGV[0] AND partition = TG_TABLE_NAME) THEN
		PERFORM decompress_partition(TG_ARGV[0], TG_TABLE_NAME, false);
	END IF;
	RETURN NEW;
END
$$;

-- The rows of a partition, compressed or not, for retention --dry-run.
CREATE OR REPLACE FUNCTION :"schema".partition_rows(p_kind text,
    p_partition text)
RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM ONLY %I.%I', current_schema(),
	    p_partition) INTO n;
	RETURN n + coalesce((SELECT c.rows FROM compressed_partitions c
	    WHERE c.kind = p_kind AND c.partition = p_partition), 0);
END
$$;

-- Drops a native partition and its packed rows: retention.  Returns the
-- rows dropped.
CREATE OR REPLACE FUNCTION :"schema".drop_partition(p_kind text,
    p_partition text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	n bigint := partition_rows(p_kind, p_partition);
	pk text;
BEGIN
	DELETE FROM compressed_partitions
	WHERE kind = p_kind AND partition = p_partition
	RETURNING packed INTO pk;
	IF pk IS NOT NULL THEN
		EXECUTE format('DROP TABLE %I.%I', current_schema(), pk);
	END IF;
	EXECUTE format('DROP TABLE %I.%I', current_schema(), p_partition);
	RETURN n;
END
$$;

-- The end of the newest bucket of a rollup table (plain PostgreSQL): how
-- far it is materialised.  NULL when it is empty.
CREATE OR REPLACE FUNCTION :"schema".rollup_materialised(p_name text)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	t timestamptz;
BEGIN
	EXECUTE format('SELECT max(time) + $1 FROM %I.%I', current_schema(),
	    p_name) INTO t USING (SELECT bucket FROM aggregates
	    WHERE name = p_name);
	RETURN t;
END
$$;

-- The oldest and newest time of a kind's data, found by looking into its
-- chunks or partitions in time order and stopping at the first that holds
-- rows.  TimescaleDB's chunks are taken from its catalog's index on the
-- ranges, 20 at a time, so that the cost does not grow with their number.
CREATE OR REPLACE FUNCTION :"schema".series_extent(p_kind text,
    OUT oldest timestamptz, OUT newest timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = :"schema", pg_catalog
SET TimeZone = 'UTC'
AS $$
DECLARE
	s series;
	r record;
	dir text;
	v timestamptz;
	page integer;
	seen integer;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	FOREACH dir IN ARRAY ARRAY['ASC', 'DESC'] LOOP
		v := NULL;
		IF (SELECT value FROM meta WHERE key = 'backend') = 'timescaledb'
		THEN
			page := 0;
			LOOP
				seen := 0;
				FOR r IN EXECUTE format('SELECT format(''%%I.%%I'', '
				    'c.schema_name, c.table_name) AS rel '
				    'FROM _timescaledb_catalog.hypertable h '
				    'JOIN _timescaledb_catalog.dimension d '
				    'ON d.hypertable_id = h.id AND d.column_name = ''time'' '
				    'CROSS JOIN LATERAL (SELECT ds.id, ds.range_start '
				    'FROM _timescaledb_catalog.dimension_slice ds '
				    'WHERE ds.dimension_id = d.id '
				    'ORDER BY ds.range_start %1$s LIMIT 20 OFFSET $3) ds '
				    'JOIN _timescaledb_catalog.chunk_constraint cc '
				    'ON cc.dimension_slice_id = ds.id '
				    'JOIN _timescaledb_catalog.chunk c ON c.id = cc.chunk_id '
				    'WHERE h.schema_name = $1 AND h.table_name = $2 '
				    'ORDER BY ds.range_start %1$s', dir)
				    USING current_schema(), s.table_name, page * 20 LOOP
					seen := seen + 1;
					CONTINUE WHEN to_regclass(r.rel) IS NULL;
					EXECUTE format('SELECT %s("time") FROM %s',
					    CASE dir WHEN 'ASC' THEN 'min' ELSE 'max' END,
					    r.rel) INTO v;
					EXIT WHEN v IS NOT NULL;
				END LOOP;
				EXIT WHEN v IS NOT NULL OR seen = 0;
				page := page + 1;
			END LOOP;
		ELSE
			-- In the order of their lower bounds, read from the name
			-- ensure_partitions gives (<table>_pYYYYMMDDTHHMI), which
			-- costs far less than deparsing every bound; other names
			-- have their bound deparsed.
			FOR r IN EXECUTE format('SELECT c.relname AS partition, '
			    'cp.packed FROM pg_inherits i '
			    'JOIN pg_class c ON c.oid = i.inhrelid '
			    'LEFT JOIN compressed_partitions cp ON cp.kind = $1 '
			    'AND cp.partition = c.relname '
			    'WHERE i.inhparent = $2::regclass ORDER BY CASE '
			    'WHEN c.relname LIKE $3 AND length(c.relname) = $4 '
			    'THEN right(c.relname, 13) ELSE to_char((regexp_match('
			    'pg_get_expr(c.relpartbound, c.oid), '
			    '''FROM \(''''([^'''']+)''''\)''))[1]::timestamptz, '
			    '''YYYYMMDD"T"HH24MI'') END COLLATE "C" %s', dir)
			    USING p_kind, format('%I.%I', current_schema(),
			    s.table_name), replace(replace(s.table_name, '_', '\_'),
			    '%', '\%') || '\_p________T____',
			    length(s.table_name) + 15 LOOP
				IF r.packed IS NOT NULL THEN
					EXECUTE format('SELECT %s FROM %I.%I',
					    CASE dir WHEN 'ASC' THEN 'min(_lo)'
					    ELSE 'max(_hi)' END, current_schema(),
					    r.packed) INTO v;
				ELSE
					EXECUTE format('SELECT %s("time") FROM ONLY %I.%I',
					    CASE dir WHEN 'ASC' THEN 'min' ELSE 'max' END,
					    current_schema(), r.partition) INTO v;
				END IF;
				EXIT WHEN v IS NOT NULL;
			END LOOP;
		END IF;
		IF dir = 'ASC' THEN
			oldest := v;
		ELSE
			newest := v;
		END IF;
	END LOOP;
END
$$;

-- 002's ensure_partitions, which loaders call before they write, now also
-- unpacks the compressed partitions of the range, so that a load into a
-- compressed range (ON CONFLICT DO UPDATE included) meets the rows that
-- are there.  It runs in the loader's transaction, as the table's owner.
CREATE OR REPLACE FUNCTION :"schema".ensure_partitions(p_kind text,
    lo timestamptz, hi timestamptz)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	s series;
	start timestamptz;
	stop timestamptz;
	nxt timestamptz;
	pname text;
	made integer := 0;
	c record;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	IF lo IS NULL OR hi IS NULL OR hi < lo THEN
		RETURN 0;
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.' ||
	    s.table_name));
	start := bucket_floor(s.chunk_interval, lo);
	WHILE start <= hi LOOP
		stop := start + s.chunk_interval;
		-- Skip what an existing partition covers; clip to the next one.
		SELECT p.hi INTO nxt FROM partitions p
		WHERE p.kind = p_kind AND p.lo <= start AND p.hi > start;
		IF FOUND THEN
			start := nxt;
			CONTINUE;
		END IF;
		SELECT min(p.lo) INTO nxt FROM partitions p
		WHERE p.kind = p_kind AND p.lo > start AND p.lo < stop;
		IF nxt IS NOT NULL THEN
			stop := nxt;
		END IF;
		pname := s.table_name || '_p' ||
		    to_char(start AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MI');
		EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I '
		    'FOR VALUES FROM (%L) TO (%L)', current_schema(), pname,
		    current_schema(), s.table_name, start, stop);
		made := made + 1;
		start := stop;
	END LOOP;
	-- Compressed partitions in range are unpacked for the writer.
	FOR c IN SELECT cp.partition FROM compressed_partitions cp
	    WHERE cp.kind = p_kind AND cp.lo <= ensure_partitions.hi
	    AND cp.hi > ensure_partitions.lo LOOP
		PERFORM decompress_partition(p_kind, c.partition, false);
	END LOOP;
	RETURN made;
END
$$;

-- 002's aggregate_query: on plain PostgreSQL a rollup is computed from
-- <table>_range (or <table>_all), so that refreshing a range that holds
-- compressed partitions does not lose their rows.
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
	q text;
BEGIN
	SELECT * INTO STRICT a FROM aggregates WHERE name = p_name;
	-- Plain PostgreSQL reads compressed partitions too (005).
	SELECT CASE
		WHEN ts_schema IS NOT NULL THEN
		    format('%I.%I', current_schema(), table_name)
		WHEN lo IS NULL THEN
		    format('%I.%I', current_schema(), table_name || '_all')
		ELSE format('%I.%I(%L, %L)', current_schema(),
		    table_name || '_range', lo, hi)
	END INTO STRICT src
	FROM series WHERE kind = a.source;
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
			ELSE format('(array_agg(%s ORDER BY time))[1]', c->>'arg')
			END
		    WHEN 'last' THEN CASE WHEN ts_schema IS NOT NULL
			THEN format('%I.last(%s, time)', ts_schema, c->>'arg')
			ELSE format('(array_agg(%s ORDER BY time DESC))[1]',
			    c->>'arg')
			END
		    WHEN 'count' THEN format('count(%s)', c->>'arg')
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

\if :native
-- The refresh policies of rollups, as TimescaleDB's refresh policies of
-- its continuous aggregates in 002: carried out by tsm-compress refresh.
INSERT INTO :"schema".refresh_policies (aggregate, start_offset, end_offset,
    schedule)
SELECT name, greatest(bucket * 4, interval '1 day'), bucket,
    least(greatest(bucket, interval '5 minutes'), interval '1 hour')
FROM :"schema".aggregates
ON CONFLICT (aggregate) DO NOTHING;
SELECT :"schema".compress_prepare(kind, NULL)
FROM :"schema".series ORDER BY kind;
\endif
\if :timescaledb
SELECT :"schema".compress_prepare(kind, :'ext')
FROM :"schema".series ORDER BY kind;
\endif
