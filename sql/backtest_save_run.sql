-- backtest_save_run.sql: one backtest run; returns its id.  $2 (the
-- parameters), $10 (the settings) and $11 (the metrics) are JSON objects.
INSERT INTO :"schema".backtest_runs (strategy, params, instrument_id,
    symbol, timeframe, data_source, range_from, range_to, bars, settings,
    metrics)
VALUES ($1, $2::jsonb, $3::integer, $4, $5, $6, $7::timestamptz,
    $8::timestamptz, $9::integer, $10::jsonb, $11::jsonb)
RETURNING id;
