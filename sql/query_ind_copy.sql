-- query_ind_copy.sql: the values of tsm-query indicators --save, as they
-- are computed, in COPY's text format.
COPY pg_temp.tsm_query_indicators (instrument_id, timeframe, time, name,
    params, value1, value2, value3) FROM STDIN;
