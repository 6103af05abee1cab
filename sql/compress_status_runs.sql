-- compress_status_runs.sql: tsm-compress status, the last run of each of
-- its actions on each target, from the runs table (both backends).
-- $1 text[]: kinds, NULL for all (refresh runs show with the aggregate's
-- source kind).
SELECT r.action, r.target, r.started_at, r.finished_at, r.status, r.detail
FROM (
	SELECT DISTINCT ON (x.action, x.target) x.*
	FROM :"schema".runs x
	WHERE x.tool = 'tsm-compress'
	ORDER BY x.action, x.target, x.started_at DESC, x.id DESC
) r
LEFT JOIN :"schema".aggregates a ON r.action = 'refresh' AND a.name = r.target
WHERE $1::text[] IS NULL OR coalesce(a.source, r.target)
	= ANY ($1::text[])
ORDER BY r.action, r.target;
