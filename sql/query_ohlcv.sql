-- query_ohlcv.sql: candles in time order, as tsm-backtest reads them.
--
-- Reads the relation bars, which tsm-query puts in front as a WITH
-- clause from one of query_bars_*.sql (its parameters are $1 to $5).
-- $6 keeps at most that many bars (NULL: all): the first ones, or the
-- last ones when the variable last is true.
\if :last
SELECT time, open, high, low, close, volume
FROM (SELECT * FROM bars ORDER BY time DESC LIMIT $6::bigint) AS l
ORDER BY time;
\else
SELECT time, open, high, low, close, volume
FROM bars
ORDER BY time
LIMIT $6::bigint;
\endif
