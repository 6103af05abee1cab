-- query_names.sql: every symbol (variable watchlists false) or every
-- watchlist name (true), to name the closest ones to a name not found.
\if :watchlists
SELECT DISTINCT name FROM :"schema".watchlists;
\else
SELECT DISTINCT symbol FROM :"schema".instruments;
\endif
