-- compress_refresh_targets.sql: what tsm-compress refresh brings up to
-- date: each aggregate ($1 text[], NULL for all) with the window to
-- refresh.  The window is [$2, $3) as given; a bound not given comes from
-- the aggregate's refresh policy (now - start_offset, now - end_offset)
-- or, without one, is where the aggregate is materialised up to and now.
-- The start is never earlier than the first whole bucket of the source's
-- oldest chunk (partition): before it the source holds nothing (retention
-- dropped it, or it was never loaded), and a refresh there would empty
-- the aggregate, which keeps its history unless asked; lo is NULL when the
-- source holds no chunk at all.
WITH a AS (
	SELECT a.name, a.source, a.bucket, s.table_name,
\if :timescaledb
	    (j.config->>'start_offset')::interval AS start_offset,
	    (j.config->>'end_offset')::interval AS end_offset,
	    CASE WHEN w.w > -210866803200000000
		THEN :"tsfn".to_timestamp(w.w) END AS materialised_to,
	    (SELECT pg_catalog.min(c.range_start)
	     FROM timescaledb_information.chunks c
	     WHERE c.hypertable_schema = :'schema'
	     AND c.hypertable_name = s.table_name) AS oldest
	FROM :"schema".aggregates a
	JOIN :"schema".series s ON s.kind = a.source
	JOIN _timescaledb_catalog.continuous_agg ca
	    ON ca.user_view_schema = :'schema' AND ca.user_view_name = a.name
	CROSS JOIN LATERAL (SELECT :"tsfn".cagg_watermark(ca.mat_hypertable_id)
	    AS w) w
	JOIN _timescaledb_catalog.hypertable mh ON mh.id = ca.mat_hypertable_id
	LEFT JOIN timescaledb_information.jobs j
	    ON j.proc_name = 'policy_refresh_continuous_aggregate'
	    AND ((j.hypertable_schema = mh.schema_name
	    AND j.hypertable_name = mh.table_name)
	    OR (j.hypertable_schema = :'schema' AND j.hypertable_name = a.name))
\else
	    rp.start_offset, rp.end_offset,
	    :"schema".rollup_materialised(a.name) AS materialised_to,
	    (SELECT pg_catalog.min(p.lo) FROM :"schema".partitions p
	     WHERE p.kind = a.source) AS oldest
	FROM :"schema".aggregates a
	JOIN :"schema".series s ON s.kind = a.source
	LEFT JOIN :"schema".refresh_policies rp ON rp.aggregate = a.name
\endif
	WHERE $1::text[] IS NULL OR a.name = ANY ($1::text[])
), w AS (
	SELECT a.*, coalesce($2::timestamptz,
		pg_catalog.now() - a.start_offset, a.materialised_to, a.oldest)
		AS want_lo,
	    coalesce($3::timestamptz,
		pg_catalog.now() - a.end_offset, pg_catalog.now()) AS hi
	FROM a
), c AS (
	-- The first whole bucket at or after the oldest data kept.
	SELECT w.*, CASE
		WHEN :"schema".bucket_floor(w.bucket, w.oldest) < w.oldest
		THEN :"schema".bucket_floor(w.bucket, w.oldest) + w.bucket
		ELSE w.oldest END AS first_kept
	FROM w
)
SELECT c.name, c.source, c.bucket::text,
	CASE WHEN c.oldest IS NOT NULL
	    THEN greatest(c.want_lo, c.first_kept) END AS lo,
	c.hi, c.want_lo < c.first_kept AS clamped, c.oldest
FROM c
ORDER BY c.source, c.bucket, c.name;
