/*
 * test_ingest.c: input rows into checked table rows (ingest_row.c), the
 * binary COPY encoding (pgcopy.h), batches, keys and groups
 * (ingest_batch.c), the probe's parameters (ingest_sql.c).
 */
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "ingest_batch.h"
#include "ingest_sql.h"
#include "pgcopy.h"
#include "unit.h"
#include "util.h"

/* A reader over text (a temporary file); the caller closes both. */
struct src {
	struct tsm_input *in;
	struct tsm_csv_reader *rd;
};

static struct tsm_record *
src_open(struct src *s, const char *text)
{
	struct tsm_record *rec = NULL;

	s->in = tsm_input_open(unit_tmpfile(text, strlen(text)));
	s->rd = tsm_csv_open(s->in, false, 0);
	CHECK(tsm_csv_next_record(s->rd, &rec) == 1);
	return rec;
}

static struct tsm_record *
src_next(struct src *s)
{
	struct tsm_record *rec = NULL;

	return tsm_csv_next_record(s->rd, &rec) == 1 ? rec : NULL;
}

static void
src_close(struct src *s)
{
	tsm_csv_close(s->rd);
	tsm_input_close(s->in);
}

static const struct tsm_time_opts utc = { TSM_UNIT_AUTO, NULL };

/* A map for candles of binance BTCUSDT 1m from the first line of text. */
static bool
candle_map(struct tsm_ingest_map *m, struct src *s, const char *text,
    const char *columns, bool *is_header)
{
	static const struct tsm_fixed fixed[] = {
		{ "exchange", "binance" }, { "symbol", "BTCUSDT" },
		{ "interval", "1m" },
	};
	struct tsm_record *rec = src_open(s, text);

	CHECK(tsm_ingest_map_init(m, tsm_kind_find("candles"), fixed, 3, &utc));
	return rec != NULL && tsm_ingest_map_first(m, rec, columns, "t.csv",
	    is_header);
}

/* Parses and checks the next record; the message, or "ok". */
static const char *
row_verdict(const struct tsm_ingest_map *m, struct src *s,
    struct tsm_irow *row)
{
	static char msg[1024];
	struct tsm_record *rec = src_next(s);
	struct tsm_rowerr err;

	if (rec == NULL)
		return "no record";
	if (tsm_ingest_parse(m, rec, row, &err)) {
		for (int c = 0; c < m->kind->ncols; c++)
			if (m->kind->cols[c].flags & TSM_C_INSTR) {
				row->v[c].null = false;
				row->v[c].set = true;
				row->v[c].i = 7;
			}
		if (tsm_ingest_check(m, row, &err))
			return "ok";
	}
	tsm_rowerr_format(m, &err, "line 2", msg, sizeof(msg));
	return msg;
}

TEST(pgcopy_encodes_fields_big_endian)
{
	struct tsm_copybuf b = { 0 };
	static const unsigned char want[] = {
		0, 3,				/* three fields */
		0, 0, 0, 4, 0, 0, 0, 42,	/* int4 42 */
		0xff, 0xff, 0xff, 0xff,		/* NULL */
		0, 0, 0, 2, 'h', 'i',		/* text */
	};
	static const unsigned char t2000[] = {
		0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1	/* 2000-01-01 + 1 µs */
	};
	static const unsigned char one[] = {
		0, 0, 0, 8, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0	/* 1.0 */
	};

	tsm_copy_row(&b, 3);
	tsm_copy_int4(&b, 42);
	tsm_copy_null(&b);
	tsm_copy_text(&b, "hi", 2);
	CHECK_INT_EQ(b.len, sizeof(want));
	CHECK(memcmp(b.data, want, sizeof(want)) == 0);
	tsm_copybuf_clear(&b);
	tsm_copy_time(&b, TSM_PG_EPOCH_USECS + 1);
	CHECK(memcmp(b.data, t2000, sizeof(t2000)) == 0);
	tsm_copybuf_clear(&b);
	tsm_copy_float8(&b, 1.0);
	CHECK(memcmp(b.data, one, sizeof(one)) == 0);
	tsm_copybuf_clear(&b);
	tsm_copy_date(&b, TSM_PG_EPOCH_DAYS - 1);
	CHECK_INT_EQ(tsm_get_be32(b.data + 4), 0xffffffffu);
	CHECK_INT_EQ(tsm_copy_header[0], 'P');
	CHECK_INT_EQ(sizeof(tsm_copy_header), 19);
	tsm_copybuf_free(&b);
}

TEST(ingest_maps_binance_header_and_aliases)
{
	struct tsm_ingest_map m;
	struct src s;
	bool hdr;

	CHECK(candle_map(&m, &s, "open_time,open,high,low,close,volume,"
	    "close_time,quote_volume,count,taker_buy_volume,"
	    "taker_buy_quote_volume,ignore\n", NULL, &hdr));
	CHECK(hdr);
	CHECK_INT_EQ(m.nfields, 12);
	/* Every column but "ignore" is written, with the instrument. */
	CHECK_INT_EQ(m.ncols, 13);
	CHECK_STR_EQ(m.name[0], "open_time");
	src_close(&s);
}

TEST(ingest_maps_headerless_layouts_by_field_count)
{
	struct tsm_ingest_map m;
	struct src s;
	bool hdr;

	CHECK(candle_map(&m, &s, "1706745600000,33.1,33.2,33.0,33.1,5,"
	    "1706745659999,1,2,3,4,0\n", NULL, &hdr));
	CHECK(!hdr);
	CHECK_INT_EQ(m.nfields, 12);
	CHECK_STR_EQ(m.nfields_from, "the layout has");
	src_close(&s);
	CHECK(candle_map(&m, &s, "1706745600,1,2,0.5,1.5,3\n", NULL, &hdr));
	CHECK_INT_EQ(m.nfields, 6);
	CHECK_INT_EQ(m.ncols, 8);	/* instrument, timeframe, time, OHLCV */
	src_close(&s);
	unit_capture_begin();
	CHECK(!candle_map(&m, &s, "1706745600,1,2\n", NULL, &hdr));
	CHECK(strstr(unit_capture_end(), "t.csv: the first line is not a "
	    "header, and --columns is not given") != NULL);
	src_close(&s);
	CHECK(candle_map(&m, &s, "1706745600,x,1,2,0.5,1.5\n",
	    "time,,open,high,low,close", &hdr));
	CHECK_INT_EQ(m.nfields, 6);
	src_close(&s);
}

TEST(ingest_refuses_missing_columns_and_clashing_options)
{
	struct tsm_ingest_map m;
	struct src s;
	bool hdr;
	const char *err;

	unit_capture_begin();
	CHECK(!candle_map(&m, &s, "time,open,high,low\n", NULL, &hdr));
	err = unit_capture_end();
	CHECK(strstr(err, "no column for \"close\": the header has time, open, "
	    "high, low") != NULL);
	src_close(&s);
	unit_capture_begin();
	CHECK(!candle_map(&m, &s, "symbol,time,open,high,low,close\n", NULL,
	    &hdr));
	err = unit_capture_end();
	CHECK(strstr(err, "--symbol and column \"symbol\" both give the symbol")
	    != NULL);
	src_close(&s);
	unit_capture_begin();
	{
		static const struct tsm_fixed f[] = { { "interval", "1m" } };

		CHECK(!tsm_ingest_map_init(&m, tsm_kind_find("ticks"), f, 1,
		    &utc));
	}
	CHECK(strstr(unit_capture_end(), "--interval does not apply to ticks")
	    != NULL);
	CHECK(tsm_kind_find("bonds") == NULL);
}

TEST(ingest_parses_and_checks_candle_rows)
{
	static const char text[] = "time,open,high,low,close,volume,trades\n"
	    "2024-01-01T00:00:00Z,1,2,0.5,1.5,10,7\n"
	    "2024-01-01T00:01:00Z,1,2,0.5,1.5,,\n"
	    "2024-01-01T00:01:00Z,1,\"1,5\",0.5,1.5,1,1\n"
	    "2024-01-01T00:01:00Z,1,0.4,0.5,0.45,1,1\n"
	    "2024-01-01T00:01:30Z,1,2,0.5,1.5,1,1\n"
	    "2024-01-01T00:01:00Z,1,2,0.5,1.5,-1,1\n"
	    "2024-01-01T00:01:00Z,1,2,0.5,,1,1\n"
	    "2024-01-01T00:01:00Z,1,2,0.5\n"
	    "2024-01-01T00:01:00Z,1,2,0.5,1.5,1,1.5\n"
	    "2024-01-01T00:01:00Z,1,2,0.5,1.5,1,-2\n";
	struct tsm_ingest_map m;
	struct tsm_irow row;
	struct src s;
	bool hdr;

	CHECK(candle_map(&m, &s, text, NULL, &hdr));
	CHECK_STR_EQ(row_verdict(&m, &s, &row), "ok");
	CHECK_INT_EQ(row.v[2].i, INT64_C(1704067200000000));
	CHECK_DBL_EQ(row.v[3].d, 1.0);
	CHECK_STR_EQ(row.v[1].s, "1m");
	CHECK_INT_EQ(row.v[10].i, 7);
	/* An empty volume is NULL, which the table refuses. */
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"volume\" is empty");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"high\": \"1,5\" uses a comma as decimal "
	    "separator");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"high\": \"0.4\" is below low \"0.5\"");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"time\": \"2024-01-01T00:01:30Z\" is not on the "
	    "1m "
	    "grid (it reads as 2024-01-01T00:01:30Z; that candle starts at "
	    "2024-01-01T00:01:00Z)");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"volume\": \"-1\" is negative");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"close\" is empty");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2: has 4 fields where the header has 7");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"trades\": \"1.5\" is not an integer");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"trades\": \"-2\" is negative");
	src_close(&s);
}

TEST(ingest_reads_binance_trades_sides_and_normalises_values)
{
	static const struct tsm_fixed fixed[] = {
		{ "exchange", "binance" }, { "symbol", "BTCUSDT" },
	};
	static const char text[] =
	    "id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch\n"
	    "1,97594.05,0.00013,12.68,2025-02-15 23:28:13.706,True,True\n"
	    "2,97594.05,0.00013,12.68,2025-02-15 23:28:13.706,False,True\n"
	    "3,97594.05,0.00013,12.68,2025-02-15 23:28:13.706,maybe,True\n";
	struct tsm_ingest_map m;
	struct tsm_irow row;
	struct src s;
	bool hdr;
	struct tsm_record *rec = src_open(&s, text);

	CHECK(tsm_ingest_map_init(&m, tsm_kind_find("ticks"), fixed, 2, &utc));
	CHECK(tsm_ingest_map_first(&m, rec, NULL, "t.csv", &hdr));
	CHECK(hdr);
	CHECK_STR_EQ(row_verdict(&m, &s, &row), "ok");
	CHECK_STR_EQ(row.v[6].s, "sell");
	CHECK_INT_EQ(row.v[1].i, INT64_C(1739662093706000));
	CHECK_STR_EQ(row_verdict(&m, &s, &row), "ok");
	CHECK_STR_EQ(row.v[6].s, "buy");
	CHECK_STR_EQ(row_verdict(&m, &s, &row),
	    "line 2, column \"isBuyerMaker\": \"maybe\" is not a boolean (true "
	    "or false)");
	src_close(&s);
	CHECK_STR_EQ(tsm_instrument_kind_norm("PERP", 4), "perpetual");
	CHECK(tsm_instrument_kind_norm("bond", 4) == NULL);
}

/* The encoded row of a candle at minute t with volume v. */
static void
candle(struct tsm_ingest_map *m, struct tsm_irow *row, int t, double v)
{
	memset(row, 0, sizeof(*row));
	for (int c = 0; c < m->kind->ncols; c++)
		row->v[c].null = true;
	row->v[0] = (struct tsm_ival){ .set = true, .i = 1 };
	row->v[1] = (struct tsm_ival){ .set = true, .s = "1m", .len = 2 };
	row->v[2] = (struct tsm_ival){ .set = true,
	    .i = INT64_C(1704067200000000) + t * INT64_C(60000000) };
	for (int c = 3; c <= 7; c++)
		row->v[c] = (struct tsm_ival){ .set = true,
		    .d = c == 7 ? v : 1 };
	row->line = (uint64_t)t + 2;
}

TEST(batch_merges_repeated_keys_as_asked)
{
	struct tsm_ingest_map m;
	struct tsm_irow row;
	struct tsm_batch b;
	struct src s;
	bool hdr;
	uint64_t dup = 0;
	size_t direct, staged;

	CHECK(candle_map(&m, &s, "time,open,high,low,close,volume\n", NULL,
	    &hdr));
	src_close(&s);
	CHECK(tsm_batch_init(&b, &m, 100));
	tsm_batch_reset(&b, "x.csv");
	candle(&m, &row, 0, 5);
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0), 1);
	candle(&m, &row, 1, 5);
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0), 1);
	candle(&m, &row, 0, 7);
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0), 1);
	/* The later row wins: the first is dead, one duplicate. */
	CHECK_INT_EQ(b.nrows, 3);
	CHECK_INT_EQ(tsm_batch_live(&b), 2);
	CHECK_INT_EQ(b.ndup, 1);
	CHECK(b.meta[0].dead && !b.meta[2].dead);
	CHECK_INT_EQ(b.ngroups, 1);
	CHECK_INT_EQ(b.tmin, INT64_C(1704067200000000));
	CHECK_INT_EQ(b.tmax, INT64_C(1704067260000000));
	tsm_batch_split(&b, &direct, &staged);
	CHECK_INT_EQ(direct, 2);
	CHECK_INT_EQ(staged, 0);
	CHECK_INT_EQ(b.first_line, 2);
	CHECK_INT_EQ(b.last_line, 2);

	tsm_batch_reset(&b, "x.csv");
	candle(&m, &row, 0, 5);
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_NOTHING, &dup, 0), 1);
	candle(&m, &row, 0, 7);
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_NOTHING, &dup, 0), 1);
	CHECK_INT_EQ(b.nrows, 1);
	CHECK_INT_EQ(b.ndup, 1);

	tsm_batch_reset(&b, "x.csv");
	candle(&m, &row, 0, 5);
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_ERROR, &dup, 0), 1);
	candle(&m, &row, 0, 5);
	row.line = 9;
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_ERROR, &dup, 0), 0);
	CHECK_INT_EQ(dup, 2);
	CHECK_INT_EQ(b.nrows, 1);
	tsm_batch_free(&b);
}

TEST(hull_stages_overlaps_and_skips_probes_past_the_frontier)
{
	struct tsm_ingest_map m;
	struct tsm_irow row;
	struct tsm_batch b;
	struct tsm_hull *h = tsm_hull_new();
	struct src s;
	bool hdr;
	uint64_t dup;
	int64_t minute;

	CHECK(candle_map(&m, &s, "time,open,high,low,close,volume\n", NULL,
	    &hdr));
	src_close(&s);
	CHECK(tsm_batch_init(&b, &m, 100));
	/* Minutes 0-9: a new group, to be probed. */
	tsm_batch_reset(&b, "x");
	for (int t = 0; t < 10; t++) {
		candle(&m, &row, t, 1);
		tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0);
	}
	CHECK(tsm_hull_apply(h, &b));
	CHECK(!b.groups[0].stage && !b.groups[0].skip_probe);
	b.groups[0].probed = true;	/* the table holds nothing beyond */
	b.groups[0].above = false;
	/* The probe looked up to minute 24. */
	minute = (b.tmax - b.tmin) / 9;
	b.probe_until = b.tmax + 15 * minute;
	tsm_hull_learn(h, &b);
	/* Minutes 10-19: past everything sent, no probe needed. */
	tsm_batch_reset(&b, "x");
	for (int t = 10; t < 20; t++) {
		candle(&m, &row, t, 1);
		tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0);
	}
	CHECK(tsm_hull_apply(h, &b));
	CHECK(!b.groups[0].stage && b.groups[0].skip_probe);
	/* Minutes 20-29: past what the probe looked at: probed. */
	tsm_batch_reset(&b, "x");
	for (int t = 20; t < 30; t++) {
		candle(&m, &row, t, 1);
		tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0);
	}
	CHECK(tsm_hull_apply(h, &b));
	CHECK(!b.groups[0].stage && !b.groups[0].skip_probe);
	/* Minute 5 again: it meets rows sent, through the staging table. */
	tsm_batch_reset(&b, "x");
	candle(&m, &row, 5, 2);
	tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0);
	CHECK(tsm_hull_apply(h, &b));
	CHECK(b.groups[0].stage);
	/* After a COPY met another session's row: probe again. */
	tsm_hull_forget(h, &b);
	tsm_batch_reset(&b, "x");
	candle(&m, &row, 30, 1);
	tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0);
	CHECK(tsm_hull_apply(h, &b));
	CHECK(!b.groups[0].stage && !b.groups[0].skip_probe);
	tsm_batch_free(&b);
	tsm_hull_free(h);
}

TEST(probe_parameters_are_quoted_array_literals)
{
	static const struct tsm_fixed fixed[] = { { "source", "x" } };
	struct tsm_ingest_map m;
	struct tsm_irow row;
	struct tsm_batch b;
	struct src s;
	bool hdr;
	uint64_t dup;
	char *vals[16];
	struct tsm_record *rec = src_open(&s, "time,asset,score\n"
	    "2024-01-01T00:00:00Z,\"a\"\"b\\c,d\",0.5\n");

	CHECK(tsm_ingest_map_init(&m, tsm_kind_find("sentiment"), fixed, 1,
	    &utc));
	CHECK(tsm_ingest_map_first(&m, rec, NULL, "s.csv", &hdr));
	CHECK(tsm_batch_init(&b, &m, 10));
	tsm_batch_reset(&b, "s.csv");
	CHECK_STR_EQ(row_verdict(&m, &s, &row), "ok");
	CHECK_INT_EQ(tsm_batch_add(&b, &row, TSM_CONFLICT_UPDATE, &dup, 0), 1);
	src_close(&s);
	/* n, asset, source, lo, hi */
	CHECK_INT_EQ(tsm_ingest_probe_params(&b, vals, 5), 1);
	CHECK_STR_EQ(vals[0], "{0}");
	CHECK_STR_EQ(vals[1], "{\"a\\\"b\\\\c,d\"}");
	CHECK_STR_EQ(vals[2], "{\"x\"}");
	CHECK_STR_EQ(vals[3], "{2024-01-01T00:00:00Z}");
	tsm_ingest_probe_free(vals, 5);
	tsm_batch_free(&b);
}
