-- query_ind_insert.sql: tsm-query indicators --save, last step: the
-- values copied into the staging table (query_ind_stage.sql) go into
-- indicators, replacing those of the same instrument, interval,
-- indicator, parameters and time, so that saving again changes nothing.
INSERT INTO :"schema".indicators (instrument_id, timeframe, time, name,
    params, value1, value2, value3)
SELECT instrument_id, timeframe, time, name, params, value1, value2, value3
FROM pg_temp.tsm_query_indicators
ON CONFLICT (instrument_id, timeframe, name, params, time) DO UPDATE
SET value1 = EXCLUDED.value1, value2 = EXCLUDED.value2,
    value3 = EXCLUDED.value3;
