-- gen-candles.sql: 1m candles shaped like real ones, made inside the
-- server (fast: a year of ten instruments in about a minute), for the
-- benchmarks and tests of tsm-compress.
--
--   psql -v schema=tsm -v ninst=10 -v days=365 -v start=2023-01-02 \
--       -f scripts/gen-candles.sql
--
-- As scripts/gen-candles: per instrument a geometric random walk with a
-- fixed seed (so the same arguments make the same rows), open = the last
-- close, high and low a little outside, Binance's twelve kline fields.
-- The instruments are bench:SYM1 ... bench:SYMn, four kinds in turn,
-- each with the tick and lot sizes of its model among Binance's USD-M
-- futures (prices on the tick, volumes on the lot, quote volumes to the
-- places of their product), as the real files of ../shared/data have
-- them (AVAXUSDT: tick 0.001, lot 1):
--
--   price    model     tick   lot    median volume a minute
--   60,000   BTCUSDT   0.1    0.001  30 (1.8M USDT)
--   3,000    ETHUSDT   0.01   0.001  280 (840k USDT)
--   120      SOLUSDT   0.01   1      1,400 (170k USDT)
--   35       AVAXUSDT  0.001  1      4,900 (170k USDT)
--
-- Measured on those files: a minute's log return has a standard
-- deviation of 0.0011 to 0.0018, the wicks above and below the body a
-- median of 0.0002 of the price, the log of the volume a standard
-- deviation of 0.7 to 1.0 with an autocorrelation of 0.65 from one minute
-- to the next (here a moving sum of three draws), the taker buy share
-- about half, and the number of trades follows the quote volume (about
-- 400 USDT a trade).  On the native backend the partitions are made first.
SELECT pg_catalog.setseed(0.42);
INSERT INTO :"schema".instruments (exchange, symbol)
SELECT 'bench', 'SYM' || i FROM generate_series(1, :ninst) AS i
ON CONFLICT DO NOTHING;
SELECT :"schema".ensure_partitions('candles', :'start'::timestamptz,
	:'start'::timestamptz + :days * interval '1 day')
FROM :"schema".meta WHERE key = 'backend' AND value = 'native';
INSERT INTO :"schema".candles
SELECT inst.id, '1m', t, o, h, l, c, v, t + interval '59.999 seconds',
    round((v * (o + c) / 2)::numeric, m.pk + m.vk)::float8,
    (v * (o + c) / 2 / 400 * (0.75 + 0.5 * u2))::bigint + 1, tb,
    round((tb * (o + c) / 2)::numeric, m.pk + m.vk)::float8
FROM :"schema".instruments inst
CROSS JOIN LATERAL (
    -- The model: its price, the decimals of its tick and lot, its median
    -- volume a minute.
    SELECT (ARRAY[60000, 3000, 120, 35]::float8[])[inst.id % 4 + 1]
	    * (1 + 0.1 * (inst.id / 4)) AS p0,
	(ARRAY[1, 2, 2, 3])[inst.id % 4 + 1] AS pk,
	(ARRAY[3, 3, 0, 0])[inst.id % 4 + 1] AS vk,
	(ARRAY[30, 280, 1400, 4900]::float8[])[inst.id % 4 + 1] AS v0
) m
CROSS JOIN LATERAL (
    SELECT t, o, c,
	greatest(o, c, round((greatest(o, c) * (1 + abs(z2) * 0.0003))
	    ::numeric, m.pk)::float8) AS h,
	least(o, c, round((least(o, c) * (1 - abs(z3) * 0.0003))
	    ::numeric, m.pk)::float8) AS l,
	v, round((v * (0.3 + 0.4 * u))::numeric, m.vk)::float8 AS tb, u2
    FROM (
	SELECT t, coalesce(lag(c) OVER (ORDER BY t), c) AS o, c, z2, z3, v,
	    u, u2
	FROM (
	    SELECT t, round((m.p0 * exp(0.0011 * sum(z1) OVER (ORDER BY t)))
		::numeric, m.pk)::float8 AS c,
		z2, z3, greatest(round((m.v0 * exp(0.8 / sqrt(3) * sum(z4)
		    OVER (ORDER BY t ROWS 2 PRECEDING)))::numeric, m.vk),
		    power(10, -m.vk))::float8 AS v, u, u2
	    FROM (
		SELECT :'start'::timestamptz + n * interval '1 minute' AS t,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z1,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z2,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z3,
		    sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z4,
		    random() AS u, random() AS u2
		FROM generate_series(0, :days * 1440 - 1) AS n
	    ) s
	) w
    ) x
) g
WHERE inst.exchange = 'bench';
