-- query_volume_profile.sql: volume by price: the span from the lowest low
-- to the highest high of one instrument's bars cut into $6 buckets of
-- equal width, each bar's volume counted in the bucket of its typical
-- price (high + low + close) / 3.  Every bucket is listed, empty ones
-- with 0.  Volumes are summed in time order, so that the sums do not
-- depend on the plan (floating point sums depend on the order of their
-- terms).  Reads bars (see query_ohlcv.sql).
WITH b AS (
	SELECT time, high, low, close, volume FROM bars
), span AS (
	SELECT min(low) AS lo, max(high) AS hi, sum(volume ORDER BY time) AS total
	FROM b
	HAVING count(*) > 0
), v AS (
	SELECT CASE WHEN span.hi = span.lo THEN 1
	    ELSE least(pg_catalog.width_bucket((b.high + b.low + b.close) / 3,
		span.lo, span.hi, $6::integer), $6::integer) END AS k,
	    b.time, b.volume
	FROM b, span
)
SELECT k.k AS bucket,
	span.lo + (k.k - 1) * (span.hi - span.lo) / $6::integer AS price_low,
	span.lo + k.k * (span.hi - span.lo) / $6::integer AS price_high,
	coalesce(sum(v.volume ORDER BY v.time), 0) AS volume,
	CASE WHEN span.total > 0
	    THEN 100 * coalesce(sum(v.volume ORDER BY v.time), 0)
	    / span.total END AS share_pct,
	count(v.k) AS bars
FROM span
CROSS JOIN pg_catalog.generate_series(1, $6::integer) AS k (k)
LEFT JOIN v ON v.k = k.k
GROUP BY k.k, span.lo, span.hi, span.total
ORDER BY k.k;
