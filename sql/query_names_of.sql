-- query_names_of.sql: the names there are of one kind, for messages that
-- name the closest to one not found: the assets of sentiment (variable
-- kind "sentiment") or of flows ("flows"), or the metrics ("metrics").
-- A loose index scan of the primary key: one probe per name.
WITH RECURSIVE n AS (
\if :sentiment
	SELECT (SELECT min(asset) FROM :"schema".sentiment) AS name
	UNION ALL
	SELECT (SELECT min(asset) FROM :"schema".sentiment WHERE asset > n.name)
\elif :flows
	SELECT (SELECT min(asset) FROM :"schema".flows) AS name
	UNION ALL
	SELECT (SELECT min(asset) FROM :"schema".flows WHERE asset > n.name)
\else
	SELECT (SELECT min(metric) FROM :"schema".market_metrics) AS name
	UNION ALL
	SELECT (SELECT min(metric) FROM :"schema".market_metrics
	    WHERE metric > n.name)
\endif
	FROM n
	WHERE n.name IS NOT NULL
)
SELECT name FROM n WHERE name IS NOT NULL;
