/*
 * instrument.c: finding or making an instrument.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "instrument.h"
#include "log.h"

bool
tsm_instrument_id(PGconn *conn, const char *schema, const char *exchange,
    const char *symbol, bool create, int *id)
{
	const char *params[2] = { exchange, symbol };
	char *q = tsm_quote_ident(schema), sql[512];
	PGresult *res;

	*id = 0;
	if (q == NULL) {
		tsm_error("out of memory");
		return false;
	}
	snprintf(sql, sizeof(sql), "SELECT id FROM %s.instruments WHERE "
	    "exchange = $1 AND symbol = $2 ORDER BY id LIMIT 1", q);
	res = tsm_query(conn, sql, 2, params);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) == 1) {
		*id = atoi(PQgetvalue(res, 0, 0));
		PQclear(res);
		free(q);
		return true;
	}
	PQclear(res);
	if (!create) {
		free(q);
		return true;
	}
	/* Two movers at once: the second finds the first one's row. */
	snprintf(sql, sizeof(sql), "WITH ins AS (INSERT INTO %s.instruments "
	    "(exchange, symbol) VALUES ($1, $2) ON CONFLICT DO NOTHING "
	    "RETURNING id) SELECT id FROM ins UNION ALL SELECT id FROM "
	    "%s.instruments WHERE exchange = $1 AND symbol = $2 AND kind = "
	    "'spot' LIMIT 1", q, q);
	res = tsm_query(conn, sql, 2, params);
	if (res == NULL)
		goto fail;
	if (PQntuples(res) == 1)
		*id = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	free(q);
	if (*id == 0) {
		tsm_error("could not make the instrument %s %s", exchange,
		    symbol);
		return false;
	}
	return true;
fail:
	free(q);
	return false;
}
