/*
 * test_recmap.c: records made rows, the catalog of fields, legacy table
 * names and sizes.
 */
#include <jansson.h>

#include "jsondoc.h"
#include "jsonnum.h"
#include "jsonrec.h"
#include "legacy.h"
#include "recfields.h"
#include "recmap.h"
#include "unit.h"
#include "util.h"

TEST(recfields_aliases_are_unambiguous)
{
	/* An alias names one field of a kind, or the first would win. */
	for (int kind = 1; kind <= 2; kind++)
		for (int f = 0; f < TSM_NFIELDS; f++) {
			if (!(tsm_fields[f].kinds & (unsigned)kind))
				continue;
			for (int a = 0; tsm_fields[f].aliases[a]; a++)
				for (int g = f + 1; g < TSM_NFIELDS; g++) {
					if (!(tsm_fields[g].kinds & (unsigned)kind))
						continue;
					for (int b = 0; tsm_fields[g].aliases[b]; b++)
						if (strcmp(tsm_fields[f].aliases[a],
						    tsm_fields[g].aliases[b]) == 0)
							unit_fail(__FILE__, __LINE__,
							    "%s is an alias of %s and %s",
							    tsm_fields[f].aliases[a],
							    tsm_fields[f].name,
							    tsm_fields[g].name);
				}
		}
	CHECK_INT_EQ(tsm_field_find("price", TSM_REC_TRADES), TSM_F_PRICE);
	CHECK_INT_EQ(tsm_field_find("price", TSM_REC_POSITIONS), -1);
	CHECK_INT_EQ(tsm_field_find("updated_at", TSM_REC_POSITIONS),
	    TSM_F_UPDATED_AT);
	CHECK(tsm_preset_find("freqtrade") != NULL);
	CHECK(tsm_preset_find("nope") == NULL);
}

TEST(legacy_names)
{
	char ex[64], sym[64];
	struct tsm_timeframe tf;
	const char *why;

	CHECK(tsm_legacy_parse_name("binance_btcusdt_kline_1m", ex, sym, &tf,
	    &why));
	CHECK_STR_EQ(ex, "binance");
	CHECK_STR_EQ(sym, "BTCUSDT");
	CHECK_STR_EQ(tf.code, "1m");
	CHECK(tsm_legacy_parse_name("zerodha_reliance_kline_1h", ex, sym, &tf,
	    &why));
	CHECK_STR_EQ(sym, "RELIANCE");
	CHECK_STR_EQ(tf.code, "1h");
	CHECK(tsm_legacy_parse_name("binance_btc_usdt_kline_15m", ex, sym, &tf,
	    &why));
	CHECK_STR_EQ(ex, "binance");
	CHECK_STR_EQ(sym, "BTC_USDT");
	CHECK(tsm_legacy_parse_name("x_y_kline_kline_1d", ex, sym, &tf, &why));
	CHECK_STR_EQ(sym, "Y_KLINE");
	CHECK(!tsm_legacy_parse_name("binance_kline_1m", ex, sym, &tf, &why));
	CHECK_STR_EQ(why, "does not read as {exchange}_{symbol}_kline_{interval}");
	CHECK(!tsm_legacy_parse_name("binance_btcusdt_kline_", ex, sym, &tf,
	    &why));
	CHECK(!tsm_legacy_parse_name("_btcusdt_kline_1m", ex, sym, &tf, &why));
	CHECK(!tsm_legacy_parse_name("binance_btcusdt_kline_30s", ex, sym, &tf,
	    &why));
	CHECK(!tsm_legacy_parse_name("binance_btcusdt_kline_7x", ex, sym, &tf,
	    &why));
	CHECK(strstr(why, "not a candle interval") != NULL);
}

TEST(sizes)
{
	uint64_t v;
	char buf[32];

	CHECK(tsm_parse_size("64M", &v) && v == 64ULL << 20);
	CHECK(tsm_parse_size("1G", &v) && v == 1ULL << 30);
	CHECK(tsm_parse_size("500k", &v) && v == 500ULL << 10);
	CHECK(tsm_parse_size("2MiB", &v) && v == 2ULL << 20);
	CHECK(tsm_parse_size("12345", &v) && v == 12345);
	CHECK(!tsm_parse_size("0", &v));
	CHECK(!tsm_parse_size("12X", &v));
	CHECK(!tsm_parse_size("", &v));
	CHECK(!tsm_parse_size("-1M", &v));
	CHECK(!tsm_parse_size("99999999999999999999", &v));
	tsm_format_size(812, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "812 bytes");
	tsm_format_size(64ULL << 20, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "64 MiB");
	tsm_format_size((100ULL << 20) + 100, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "100.0 MiB");
}

/* Loads text as a document and finds its records. */
static bool
load(const char *text, struct tsm_json_doc *d, struct tsm_json_recs *r,
    enum tsm_rec_kind kind)
{
	const char *f = unit_tmpfile(text, strlen(text));

	return tsm_json_doc_load(d, f, 1 << 20) &&
	    tsm_json_find_records(d, NULL, tsm_rec_containers(kind), r);
}

TEST(recmap_a_trade)
{
	struct tsm_json_doc d;
	struct tsm_json_recs r;
	struct tsm_recmap m;
	struct tsm_row row;
	struct tsm_problems pr;
	struct tsm_sha256 seed;
	unsigned char first[32];

	memset(&row, 0, sizeof(row));
	memset(&pr, 0, sizeof(pr));
	pr.max = 10;
	tsm_sha256_init(&seed);
	tsm_recmap_init(&m, TSM_REC_TRADES);
	CHECK(tsm_recmap_add_value_map(&m, "--value-map",
	    "action=Продажа:sell,Покупка:buy"));
	CHECK(load("[{\"symbol\": \"BTCUSDT\", \"action\": \"Покупка\", "
	    "\"price\": 82452.85, \"quantity\": 0.00012112969429045496, "
	    "\"profit\": -0.01, \"_unix_time\": 1742125864.0, "
	    "\"timestamp\": \"2025-03-16 16:51:04\", \"entry_fee\": 0.1, "
	    "\"exit_fee\": 0.25, \"close_price\": null}, "
	    "{\"symbol\": \"ETH\", \"qty\": -2, \"price\": 1, \"time\": 5}]",
	    &d, &r, TSM_REC_TRADES));
	CHECK_INT_EQ(r.n, 2);
	CHECK(tsm_recmap_row(&m, &r.v[0], d.nums, &seed, &row, &pr));
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_SIDE), "buy");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_QUANTITY), "0.00012112969429045496");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_PRICE), "82452.85");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_PNL), "-0.01");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_TIME), "2025-03-16T11:51:04Z");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_FEE), "0.35");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_MODE), "live");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_EXCHANGE), "");
	CHECK(tsm_row_get(&row, TSM_F_EXIT_PRICE) == NULL);
	CHECK_STR_EQ(row.arena.data + row.extra, "{\"timestamp\":"
	    "\"2025-03-16 16:51:04\",\"entry_fee\":0.1,\"exit_fee\":0.25}");
	memcpy(first, row.identity, 32);
	/* The sign of the quantity is the side; its magnitude is kept. */
	CHECK(tsm_recmap_row(&m, &r.v[1], d.nums, &seed, &row, &pr));
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_SIDE), "sell");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_QUANTITY), "2");
	CHECK_STR_EQ(tsm_row_get(&row, TSM_F_TIME), "1970-01-01T00:00:05Z");
	CHECK(row.extra < 0);
	CHECK(memcmp(first, row.identity, 32) != 0);
	CHECK_INT_EQ(pr.total, 0);
	tsm_buf_free(&row.arena);
	tsm_recmap_free(&m);
	tsm_json_recs_free(&r);
	tsm_json_doc_free(&d);
}

TEST(recmap_problems)
{
	struct tsm_json_doc d;
	struct tsm_json_recs r;
	struct tsm_recmap m;
	struct tsm_row row;
	struct tsm_problems pr;
	struct tsm_sha256 seed;
	const char *err;

	memset(&row, 0, sizeof(row));
	memset(&pr, 0, sizeof(pr));
	pr.max = 10;
	pr.file = "f.json";
	tsm_sha256_init(&seed);
	tsm_recmap_init(&m, TSM_REC_POSITIONS);
	CHECK(load("{\"positions\": {\"ETHUSD\": {\"size\": \"abc\"}, "
	    "\"SOL\": {\"size\": 0, \"side\": \"long\", \"leverage\": -2}}}", &d,
	    &r, TSM_REC_POSITIONS));
	unit_capture_begin();
	CHECK(!tsm_recmap_row(&m, &r.v[0], d.nums, &seed, &row, &pr));
	CHECK(!tsm_recmap_row(&m, &r.v[1], d.nums, &seed, &row, &pr));
	err = unit_capture_end();
	CHECK(strstr(err, "f.json: $.positions.ETHUSD.size: expected a number, "
	    "got \"abc\"\n") != NULL);
	CHECK(strstr(err, "f.json: $.positions.SOL.size: expected a quantity "
	    "above zero, got 0\n") != NULL);
	CHECK(strstr(err, "f.json: $.positions.SOL.leverage: expected a "
	    "leverage above zero, got -2\n") != NULL);
	CHECK(strstr(err, "no side") == NULL);
	CHECK_INT_EQ(pr.total, 3);
	tsm_buf_free(&row.arena);
	tsm_recmap_free(&m);
	tsm_json_recs_free(&r);
	tsm_json_doc_free(&d);
}
