-- ingest_refresh_invalidated.sql: plain PostgreSQL: brings the rollups of
-- kind $1 up to date over the ranges its writes logged, and clears them
-- (003_invalidations.sql); returns the number of ranges refreshed.
SELECT :"schema".refresh_invalidated($1)
