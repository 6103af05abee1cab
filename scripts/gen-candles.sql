-- gen-candles.sql: 1m candles shaped like real ones, made inside the
-- server (fast: a year of ten instruments in about a minute), for the
-- benchmarks and tests of tsm-compress.
--
--   psql -v schema=tsm -v ninst=10 -v days=365 -v start=2023-01-02 \
--       -f scripts/gen-candles.sql
--
-- As scripts/gen-candles: per instrument a geometric random walk with a
-- fixed seed (so the same arguments make the same rows), open = the last
-- close, high and low a little outside, prices with 4 decimals, volume
-- with 3, quote volumes with 5, Binance's twelve kline fields.  The
-- instruments are bench:SYM1 ... bench:SYMn.  On the native backend the
-- partitions are made first.
SELECT pg_catalog.setseed(0.42);
INSERT INTO :"schema".instruments (exchange, symbol)
SELECT 'bench', 'SYM' || i FROM generate_series(1, :ninst) AS i
ON CONFLICT DO NOTHING;
SELECT :"schema".ensure_partitions('candles', :'start'::timestamptz,
	:'start'::timestamptz + :days * interval '1 day')
FROM :"schema".meta WHERE key = 'backend' AND value = 'native';
INSERT INTO :"schema".candles
SELECT inst.id, '1m', t, o, h, l, c, v, t + interval '59.999 seconds',
    round((v * (o + c) / 2)::numeric, 5)::float8, (v * 37)::bigint + 1, tb,
    round((tb * (o + c) / 2)::numeric, 5)::float8
FROM :"schema".instruments inst
CROSS JOIN LATERAL (
    SELECT t, o, c,
	greatest(o, c, round((greatest(o, c) * (1 + abs(z2) * 0.0004))
	    ::numeric, 4)::float8) AS h,
	least(o, c, round((least(o, c) * (1 - abs(z3) * 0.0004))
	    ::numeric, 4)::float8) AS l,
	v, round((v * (0.3 + 0.4 * u))::numeric, 3)::float8 AS tb
    FROM (
	SELECT t, coalesce(lag(c) OVER (ORDER BY t), c) AS o, c, z2, z3, v, u
	FROM (
	    SELECT t, round((p0 * exp(0.0008 * sum(z1) OVER (ORDER BY t)))
		::numeric, 4)::float8 AS c,
		z2, z3, round((abs(20 + 8 * z4) + 0.001)::numeric, 3)::float8
		AS v, u
	    FROM (
		SELECT :'start'::timestamptz + n * interval '1 minute' AS t,
		    (ARRAY[60000, 3000, 120, 35]::float8[])[inst.id % 4 + 1]
			* (1 + 0.1 * (inst.id / 4)) AS p0,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z1,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z2,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z3,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z4,
		    random() AS u
		FROM generate_series(0, :days * 1440 - 1) AS n
	    ) s
	) w
    ) x
) g
WHERE inst.exchange = 'bench';
