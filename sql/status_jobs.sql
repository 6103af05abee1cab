-- status_jobs.sql: policies and the last run of each, for tsm-init
-- --status.  On TimescaleDB these are its background jobs; on plain
-- PostgreSQL the policies recorded in series, run by tsm-compress, with
-- the last run from the runs table.
\if :timescaledb
SELECT j.job_id::text AS job, j.proc_name AS policy,
	coalesce(ca.view_name, j.hypertable_name, '') AS target,
	coalesce(j.config->>'compress_after', j.config->>'drop_after',
	    j.config->>'start_offset', '') AS after,
	j.schedule_interval::text AS schedule,
	js.last_run_started_at AS last_run, js.last_run_status AS last_status,
	js.next_start AS next_run, js.total_failures AS failures
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats js ON js.job_id = j.job_id
LEFT JOIN timescaledb_information.continuous_aggregates ca
	ON ca.materialization_hypertable_schema = j.hypertable_schema
	AND ca.materialization_hypertable_name = j.hypertable_name
WHERE j.hypertable_schema = :'schema' OR ca.view_schema = :'schema'
ORDER BY j.job_id;
\else
SELECT '' AS job, p.policy, s.kind AS target, p.age::text AS after,
	'tsm-compress' AS schedule,
	r.started_at AS last_run, r.status AS last_status,
	NULL::timestamptz AS next_run, NULL::bigint AS failures
FROM :"schema".series s
CROSS JOIN LATERAL (VALUES ('compression', s.compress_after),
	('retention', s.retention)) AS p (policy, age)
LEFT JOIN LATERAL (SELECT started_at, status FROM :"schema".runs
	WHERE action = p.policy AND target = s.kind
	ORDER BY started_at DESC LIMIT 1) r ON true
WHERE p.age IS NOT NULL
ORDER BY s.kind, p.policy;
\endif
