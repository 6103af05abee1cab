-- 008_status.sql: tsm-compress status at a cost that does not grow with
-- the number of partitions (plain PostgreSQL).
--
-- Runs in psql as well as from tsm-init:
--   psql -v schema=tsm -v native=true -v timescaledb=false -f 008_status.sql
--
-- 006's series_extent listed every partition of a kind in time order,
-- once for the oldest row and once for the newest, and looked into them
-- one by one from either end, empty ones made ahead included.  Here the
-- partitions named as ensure_partitions names them (<table>_pYYYYMMDDTHHMI,
-- which sort as their lower bounds do) are walked from either end through
-- pg_class's index on names, so that only those looked into are read;
-- those whose heap is empty and that are not compressed are passed over
-- without a query.  A kind with partitions of other names (attached by
-- hand) still has all of them ordered by their deparsed bounds, as in 006.
--
-- Whether a kind has such partitions takes a pass over all of them:
-- series_extent(kind) makes it, tsm-compress status tells
-- series_extent_named(kind, odd) what its own pass over them found.

-- Whether p_name is a name ensure_partitions gives the partitions of
-- p_table (<table>_pYYYYMMDDTHHMI).
CREATE OR REPLACE FUNCTION :"schema".partition_named(p_table text,
    p_name text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
	SELECT p_name LIKE replace(replace(replace(p_table, '\', '\\'), '_',
	    '\_'), '%', '\%') || '\_p________T____'
	    AND length(p_name) = length(p_table) + 15
$$;

-- p_odd: whether the kind has partitions named otherwise (plain
-- PostgreSQL; NULL on TimescaleDB).
CREATE OR REPLACE FUNCTION :"schema".series_extent_named(p_kind text,
    p_odd boolean, OUT oldest timestamptz, OUT newest timestamptz)
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
	parent oid;
	nsp oid;
	pat text;
	len integer;
	odd boolean;
	q text;
	last name;
BEGIN
	SELECT * INTO STRICT s FROM series WHERE kind = p_kind;
	IF (SELECT value FROM meta WHERE key = 'backend') <> 'timescaledb' THEN
		parent := format('%I.%I', current_schema(), s.table_name)::regclass;
		pat := replace(replace(replace(s.table_name, '\', '\\'), '_', '\_'),
		    '%', '\%') || '\_p________T____';
		len := length(s.table_name) + 15;
		SELECT c.relnamespace INTO nsp FROM pg_class c WHERE c.oid = parent;
		odd := coalesce(p_odd, true);
		IF odd THEN
			q := 'SELECT c.oid, c.relname AS partition, true AS child, cp.packed '
			    'FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid '
			    'LEFT JOIN compressed_partitions cp ON cp.kind = $1 '
			    'AND cp.partition = c.relname '
			    'WHERE i.inhparent = $2 ORDER BY CASE '
			    'WHEN c.relname LIKE $3 AND length(c.relname) = $4 '
			    'THEN right(c.relname, 13) ELSE to_char((regexp_match('
			    'pg_get_expr(c.relpartbound, c.oid), '
			    '''FROM \(''''([^'''']+)''''\)''))[1]::timestamptz, '
			    '''YYYYMMDD"T"HH24MI'') END COLLATE "C" %s';
		ELSE
			-- The names after $7 (ascending) or before it
			-- (descending) between <table>_p/ and <table>_p: (the
			-- characters either side of the digits), 20 at a time
			-- in the order of pg_class's index on (relname,
			-- relnamespace), which LIMIT makes the plan's: only
			-- the pages looked into are read.  Whether a name is
			-- a partition of the table, and compressed, is looked
			-- up for the rows read only.
			q := 'SELECT c.oid, c.relname AS partition, '
			    '(SELECT i.inhparent FROM pg_inherits i '
			    'WHERE i.inhrelid = c.oid) = $2 AS child, '
			    '(SELECT cp.packed FROM compressed_partitions cp '
			    'WHERE cp.kind = $1 '
			    'AND cp.partition = c.relname::text COLLATE "default") '
			    'AS packed FROM pg_class c '
			    'WHERE c.relnamespace = $6 AND c.relkind IN (''r'', ''p'') '
			    'AND c.relname > ($5 || ''_p/'') COLLATE "C" '
			    'AND c.relname < ($5 || ''_p:'') COLLATE "C" '
			    'AND c.relname %s $7 COLLATE "C" '
			    'ORDER BY c.relname COLLATE "C" %s LIMIT 20';
		END IF;
	END IF;
	FOREACH dir IN ARRAY ARRAY['ASC', 'DESC'] LOOP
		v := NULL;
		IF parent IS NULL THEN
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
			last := s.table_name || CASE dir WHEN 'ASC' THEN '_p/'
			    ELSE '_p:' END;
			LOOP
				seen := 0;
				FOR r IN EXECUTE CASE WHEN odd THEN format(q, dir)
				    ELSE format(q, CASE dir WHEN 'ASC' THEN '>'
				    ELSE '<' END, dir) END
				    USING p_kind, parent, pat, len, s.table_name, nsp,
				    last LOOP
					seen := seen + 1;
					last := r.partition;
					IF NOT (r.child AND (odd OR r.partition LIKE pat
					    AND length(r.partition) = len)) THEN
						CONTINUE;
					ELSIF r.packed IS NOT NULL THEN
						EXECUTE format('SELECT %s FROM %I.%I',
						    CASE dir WHEN 'ASC' THEN 'min(_lo)'
						    ELSE 'max(_hi)' END, current_schema(),
						    r.packed) INTO v;
					ELSIF pg_relation_size(r.oid) > 0 THEN
						-- An empty heap holds no rows:
						-- partitions made ahead are passed
						-- over without a query.
						EXECUTE format('SELECT %s("time") '
						    'FROM ONLY %I.%I', CASE dir
						    WHEN 'ASC' THEN 'min' ELSE 'max' END,
						    current_schema(), r.partition) INTO v;
					END IF;
					EXIT WHEN v IS NOT NULL;
				END LOOP;
				EXIT WHEN v IS NOT NULL OR seen < 20 OR odd;
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

CREATE OR REPLACE FUNCTION :"schema".series_extent(p_kind text,
    OUT oldest timestamptz, OUT newest timestamptz)
LANGUAGE sql STABLE
SET search_path = :"schema", pg_catalog
AS $$
	SELECT e.oldest, e.newest FROM series s
	CROSS JOIN LATERAL series_extent_named(s.kind, CASE
	    WHEN (SELECT value FROM meta WHERE key = 'backend') <> 'timescaledb'
	    THEN EXISTS (SELECT FROM pg_class p
		JOIN pg_inherits i ON i.inhparent = p.oid
		JOIN pg_class c ON c.oid = i.inhrelid
		WHERE p.relname = s.table_name
		AND p.relnamespace = current_schema()::regnamespace
		AND NOT partition_named(s.table_name, c.relname)) END) e
	WHERE s.kind = p_kind
$$;
