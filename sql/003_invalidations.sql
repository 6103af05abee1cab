-- 003_invalidations.sql: native rollups never miss committed rows.
--
-- On plain PostgreSQL every statement that writes a source of an aggregate
-- (whoever runs it: a tsm tool, psql, a bot) logs the range of time it
-- touched in invalidations, as TimescaleDB does for its continuous
-- aggregates.  refresh_invalidated() brings the rollups up to date over
-- the logged ranges and clears them; tsm-ingest calls it in the
-- transaction of each batch, and a reader that finds ranges still logged
-- knows which buckets of a rollup it cannot trust.  On TimescaleDB the
-- continuous aggregates keep their own log: nothing here applies.

\if :native
CREATE TABLE IF NOT EXISTS :"schema".invalidations (
	kind		text NOT NULL REFERENCES :"schema".series (kind),
	lo		timestamptz NOT NULL,
	hi		timestamptz NOT NULL CHECK (hi >= lo),
	logged_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS invalidations_kind_idx
	ON :"schema".invalidations (kind, lo);
COMMENT ON TABLE :"schema".invalidations IS
	'ranges of time written since the rollups were last refreshed';

-- Logs [min(time), max(time)] of the rows a statement wrote.  One row per
-- statement, not per row: a COPY of a million rows logs one range.
-- SECURITY DEFINER so that a writer role needs no grant on the log.
CREATE OR REPLACE FUNCTION :"schema".log_invalidation()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO invalidations (kind, lo, hi)
		SELECT TG_ARGV[0], min(time), max(time) FROM new_rows
		HAVING count(*) > 0;
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO invalidations (kind, lo, hi)
		SELECT TG_ARGV[0], min(time), max(time)
		FROM (SELECT time FROM new_rows UNION ALL
		    SELECT time FROM old_rows) t
		HAVING count(*) > 0;
	ELSE
		INSERT INTO invalidations (kind, lo, hi)
		SELECT TG_ARGV[0], min(time), max(time) FROM old_rows
		HAVING count(*) > 0;
	END IF;
	RETURN NULL;
END
$$;

-- The triggers on every source of an aggregate.
DO $$
DECLARE
	s record;
	ev text;
	refs text;
BEGIN
	FOR s IN SELECT DISTINCT se.kind, se.table_name
	    FROM series se JOIN aggregates a ON a.source = se.kind LOOP
		FOREACH ev IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
			refs := CASE ev
			    WHEN 'insert' THEN 'NEW TABLE AS new_rows'
			    WHEN 'update' THEN 'OLD TABLE AS old_rows NEW TABLE AS new_rows'
			    ELSE 'OLD TABLE AS old_rows' END;
			IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger
			    WHERE tgrelid = format('%I.%I', current_schema(),
				s.table_name)::regclass
			    AND tgname = 'invalidate_on_' || ev) THEN
				EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I.%I '
				    'REFERENCING %s FOR EACH STATEMENT EXECUTE '
				    'FUNCTION %I.log_invalidation(%L)',
				    'invalidate_on_' || ev, upper(ev),
				    current_schema(), s.table_name, refs,
				    current_schema(), s.kind);
			END IF;
		END LOOP;
	END LOOP;
END
$$;

-- Refreshes every rollup of kind over the logged ranges (merged where
-- they overlap) and clears them, in the caller's transaction; returns the
-- number of ranges refreshed.  Two refreshes of one kind take turns.
CREATE OR REPLACE FUNCTION :"schema".refresh_invalidated(p_kind text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = :"schema", pg_catalog
AS $$
DECLARE
	r record;
	a text;
	n integer := 0;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext(current_schema() ||
	    '.refresh.' || p_kind));
	FOR r IN
		WITH d AS (
			DELETE FROM invalidations WHERE kind = p_kind
			RETURNING lo, hi
		), o AS (
			SELECT lo, hi, max(hi) OVER (ORDER BY lo, hi ROWS
			    BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
			FROM d
		), g AS (
			SELECT lo, hi, count(*) FILTER (WHERE prev_hi IS NULL
			    OR lo > prev_hi) OVER (ORDER BY lo, hi) AS grp
			FROM o
		)
		SELECT min(lo) AS lo, max(hi) AS hi FROM g GROUP BY grp
	LOOP
		FOR a IN SELECT name FROM aggregates WHERE source = p_kind LOOP
			-- hi is the last time written: include its bucket.
			PERFORM refresh_aggregate(a, r.lo,
			    r.hi + interval '1 microsecond');
		END LOOP;
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;
\endif

-- The functions that write run as the schema's owner, so that a writer
-- role needs no grant on the rollup tables or the log; they are not for
-- everyone: tsm-init --roles grants them to the writer role.
ALTER FUNCTION :"schema".refresh_aggregate(text, timestamptz, timestamptz)
	SECURITY DEFINER;
REVOKE EXECUTE ON FUNCTION :"schema".refresh_aggregate(text, timestamptz,
	timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION :"schema".ensure_partitions(text, timestamptz,
	timestamptz) FROM PUBLIC;
\if :native
REVOKE EXECUTE ON FUNCTION :"schema".refresh_invalidated(text) FROM PUBLIC;
\endif
