-- ingest_refresh_logged.sql: plain PostgreSQL: refresh_invalidated() of
-- kind $1, for a role that may not read the log or call
-- refresh_rollups_for, which ingest_refresh_invalidated.sql needs (a role
-- not made by tsm-init --roles, or made before 007 and not granted since).
SELECT :"schema".refresh_invalidated($1)
