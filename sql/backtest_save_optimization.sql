-- backtest_save_optimization.sql: one optimisation (a grid, or a walk
-- forward when $14 is not null); returns its id.  $11 (best parameters),
-- $14 (the windows and the out-of-sample metrics) are JSON objects, $13
-- the results, a JSON array best first.
INSERT INTO :"schema".optimization_runs (strategy, symbol, timeframe,
    data_source, range_from, range_to, grid, constraints, maximize,
    combinations, best_params, best_value, results, walk_forward)
VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7, $8, $9,
    $10::integer, $11::jsonb, $12::double precision, $13::jsonb,
    $14::jsonb)
RETURNING id;
