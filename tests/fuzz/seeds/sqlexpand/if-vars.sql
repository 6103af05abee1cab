SELECT 1;
\if :native
CREATE TABLE :"schema".t (x text DEFAULT :'lit');
\else
SELECT $$ :"schema" $$;
\endif
-- :"x" comment
