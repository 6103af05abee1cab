-- query_signals.sql: trading signals of the instruments $1 (NULL: all)
-- of strategy $2 (NULL: any), from $3 to $4.  Without the variable all,
-- only signals still active and not expired, the newest per instrument
-- and strategy; with it, every signal in time order.  At most $5.
SELECT s.time, i.exchange, i.symbol, s.strategy, s.signal_type AS signal,
	s.strength, s.confidence, s.price, s.target, s.stop, s.rationale,
	s.active, s.expires_at
FROM (
\if :all
	SELECT * FROM :"schema".signals x
	WHERE ($1::integer[] IS NULL OR x.instrument_id = ANY ($1::integer[]))
	    AND ($2::text IS NULL OR x.strategy = $2::text)
	    AND x.time >= $3::timestamptz AND x.time < $4::timestamptz
\else
	SELECT DISTINCT ON (x.instrument_id, x.strategy) *
	FROM :"schema".signals x
	WHERE x.active
	    AND (x.expires_at IS NULL
		OR x.expires_at > pg_catalog.statement_timestamp())
	    AND ($1::integer[] IS NULL OR x.instrument_id = ANY ($1::integer[]))
	    AND ($2::text IS NULL OR x.strategy = $2::text)
	    AND x.time >= $3::timestamptz AND x.time < $4::timestamptz
	ORDER BY x.instrument_id, x.strategy, x.time DESC
\endif
) AS s
JOIN :"schema".instruments i ON i.id = s.instrument_id
ORDER BY s.time, i.exchange, i.symbol, s.strategy
LIMIT $5::bigint;
