-- backtest_save_trades.sql: the trades of run $1, given as a JSON array of
-- objects (one statement, whatever their number).  A trade still open at
-- the end has no exit_time, exit_price, pnl or return_pct.
INSERT INTO :"schema".backtest_trades (run_id, n, size, entry_time,
    exit_time, entry_price, exit_price, pnl, return_pct, commission, tag)
SELECT $1::bigint, t.n, t.size, t.entry_time, t.exit_time, t.entry_price,
    t.exit_price, t.pnl, t.return_pct, t.commission, t.tag
FROM jsonb_to_recordset($2::jsonb) AS t (n integer, size double precision,
    entry_time timestamptz, exit_time timestamptz,
    entry_price double precision, exit_price double precision,
    pnl double precision, return_pct double precision,
    commission double precision, tag text);
