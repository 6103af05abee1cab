-- compress_status_jobs.sql: tsm-compress status, the policies in force
-- and how their jobs last ran.  On TimescaleDB these are its background
-- jobs, with the last error each one logged; on plain PostgreSQL the
-- policies recorded in series and refresh_policies, which tsm-compress
-- carries out, with its last run of each from the runs table.
-- $1 text[]: the kinds to show (an aggregate shows with its source
-- kind), NULL for all.  A job of a continuous aggregate names its view
-- (TimescaleDB 2.28) or its materialization hypertable (older releases).
\if :timescaledb
SELECT j.job_id::text AS job,
	CASE j.proc_name
	    WHEN 'policy_compression' THEN 'compression'
	    WHEN 'policy_columnstore' THEN 'compression'
	    WHEN 'policy_retention' THEN 'retention'
	    WHEN 'policy_refresh_continuous_aggregate' THEN 'refresh'
	    ELSE j.proc_name::text
	END AS policy,
	coalesce(ca.view_name::text, s.kind, j.hypertable_name::text)
	    AS target,
	coalesce(j.config->>'compress_after',
	    j.config->>'drop_after', (j.config->>'start_offset') || ' to '
	    || coalesce(j.config->>'end_offset', 'now'))
	    AS setting,
	j.schedule_interval::text AS schedule,
	js.last_run_started_at AS last_run, js.last_run_status AS last_status,
	js.total_runs AS runs, js.total_failures AS failures,
\if :tsdb_job_errors
	(SELECT e.err_message FROM timescaledb_information.job_errors e
	 WHERE e.job_id = j.job_id ORDER BY e.start_time DESC LIMIT 1)
	    AS last_error,
\else
	NULL::text AS last_error,
\endif
	js.next_start AS next_run
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats js ON js.job_id = j.job_id
LEFT JOIN timescaledb_information.continuous_aggregates ca
	ON (ca.materialization_hypertable_schema = j.hypertable_schema
	AND ca.materialization_hypertable_name = j.hypertable_name)
	OR (ca.view_schema = j.hypertable_schema
	AND ca.view_name = j.hypertable_name)
LEFT JOIN :"schema".aggregates a ON a.name = ca.view_name
LEFT JOIN :"schema".series s ON j.hypertable_schema = :'schema'
	AND s.table_name = j.hypertable_name
WHERE (j.hypertable_schema = :'schema' OR ca.view_schema = :'schema')
	AND ($1::text[] IS NULL OR coalesce(s.kind, a.source)
	    = ANY ($1::text[]))
ORDER BY 2, 3;
\else
SELECT NULL::text AS job, p.policy, p.target, p.setting,
	p.schedule, r.started_at AS last_run, r.status AS last_status,
	r.runs, r.failures,
	CASE WHEN r.status = 'error' THEN r.detail END AS last_error,
	NULL::timestamptz AS next_run
FROM (
	SELECT 'compression' AS policy, s.kind AS target, s.kind AS source,
	    s.compress_after::text AS setting, 'tsm-compress run' AS schedule
	FROM :"schema".series s WHERE s.compress_after IS NOT NULL
	UNION ALL
	SELECT 'retention', s.kind, s.kind, s.retention::text,
	    'tsm-compress retention'
	FROM :"schema".series s WHERE s.retention IS NOT NULL
	UNION ALL
	SELECT 'refresh', rp.aggregate, a.source,
	    rp.start_offset || ' to ' || rp.end_offset,
	    'tsm-compress refresh, every ' || rp.schedule
	FROM :"schema".refresh_policies rp
	JOIN :"schema".aggregates a ON a.name = rp.aggregate
) p
LEFT JOIN LATERAL (
	SELECT (pg_catalog.array_agg(x.started_at ORDER BY x.started_at DESC))[1]
		AS started_at,
	    (pg_catalog.array_agg(x.status ORDER BY x.started_at DESC))[1]
		AS status,
	    (pg_catalog.array_agg(x.detail ORDER BY x.started_at DESC))[1]
		AS detail,
	    pg_catalog.count(*) AS runs,
	    pg_catalog.count(*) FILTER (WHERE x.status = 'error') AS failures
	FROM :"schema".runs x
	WHERE x.tool = 'tsm-compress' AND x.action = p.policy
	    AND x.target = p.target
) r ON true
WHERE $1::text[] IS NULL OR p.source = ANY ($1::text[])
ORDER BY 2, 3;
\endif
