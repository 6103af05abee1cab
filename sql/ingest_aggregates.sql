-- ingest_aggregates.sql: how many aggregates kind $1 feeds.
SELECT count(*) FROM :"schema".aggregates WHERE source = $1
