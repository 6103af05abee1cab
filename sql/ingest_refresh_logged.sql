-- ingest_refresh_logged.sql: plain PostgreSQL: refresh_invalidated() of
-- kind $1, for a role that may not clear the log itself (the writer role
-- of tsm-init --roles may only call the function; see
-- ingest_refresh_invalidated.sql).
SELECT :"schema".refresh_invalidated($1)
