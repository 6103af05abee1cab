-- query_ind_stage.sql: tsm-query indicators --save: the table that the
-- values are copied into as they are computed, before they go into
-- indicators all at once (query_ind_save.sql).  It lives as long as the
-- transaction.
CREATE TEMP TABLE tsm_query_indicators
	(LIKE :"schema".indicators INCLUDING DEFAULTS) ON COMMIT DROP;
