/*
 * test_candles.c: reading candles from CSV: columns by name, checks and
 * their messages, gaps.
 */
#include <stdlib.h>
#include <string.h>

#include "candles.h"
#include "unit.h"
#include "util.h"

static struct tsm_candles got;
static char message[1024];

/* Reads text as a file; false with the first message line kept. */
static bool
read_text(const char *text, const char *columns)
{
	struct tsm_input *in = tsm_input_open(unit_tmpfile(text,
	    strlen(text)));
	struct tsm_candle_read_opts o;
	const char *msg, *e;
	bool ok;

	memset(&o, 0, sizeof(o));
	o.columns = columns;
	tsm_candles_free(&got);
	unit_capture_begin();
	ok = tsm_candles_read(in, &o, &got);
	msg = unit_capture_end();
	tsm_input_close(in);
	e = strstr(msg, "error: ");
	snprintf(message, sizeof(message), "%s", e ? e + 7 : msg);
	message[strcspn(message, "\n")] = '\0';
	/* The file's name is a temporary one: keep from "line" on. */
	if (strstr(message, " line ") != NULL)
		memmove(message, strstr(message, " line ") + 1,
		    strlen(strstr(message, " line ")));
	return ok;
}

TEST(candles_header_any_order_extra_columns)
{
	CHECK(read_text("symbol,Close,time,LOW,high,open,volume,x\n"
	    "BTC,10.5,2024-03-01T12:00:00Z,9,11,10,5,y\n"
	    "BTC,11,2024-03-01 12:01:00,10,11.5,10.5,,y\n", NULL));
	CHECK_INT_EQ(got.n, 2);
	CHECK_INT_EQ(got.time[0], INT64_C(1709294400000000));
	CHECK_INT_EQ(got.time[1] - got.time[0], 60000000);
	CHECK_DBL_EQ(got.open[0], 10);
	CHECK_DBL_EQ(got.high[0], 11);
	CHECK_DBL_EQ(got.low[0], 9);
	CHECK_DBL_EQ(got.close[0], 10.5);
	/* What tsm-query ohlcv writes, and epoch milliseconds. */
	CHECK(read_text("time,open,high,low,close,volume\n"
	    "2024-03-01T12:00:00Z,1,2,0.5,1.5,0\n", NULL));
	CHECK(read_text("timestamp,open,high,low,close\n"
	    "1709294400000,1,2,0.5,1.5\n", NULL));
	CHECK_INT_EQ(got.time[0], INT64_C(1709294400000000));
	CHECK(read_text("1709294400,1,2,0.5,1.5\n", "time,open,high,low,close"));
	CHECK_INT_EQ(got.n, 1);
	CHECK(read_text("time,open,high,low,close\n", NULL));
	CHECK_INT_EQ(got.n, 0);
	tsm_candles_free(&got);
}

TEST(candles_bad_input_messages)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "time,open,high,low,close\n2024-03-01T12:01:00Z,1,2,0.5,1\n"
		    "2024-03-01T12:00:00Z,1,2,0.5,1\n",
		    "line 3: time 2024-03-01T12:00:00Z is before "
		    "2024-03-01T12:01:00Z on line 2" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,2,0.5,1\n"
		    "2024-03-01T12:00:00Z,1,2,0.5,1\n",
		    "line 3: time 2024-03-01T12:00:00Z repeats line 2" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,2,0.5,NaN\n",
		    "line 2, column \"close\": \"NaN\" is not finite" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,2,0,1\n",
		    "line 2, column \"low\": \"0\" is not a positive price" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,-1,2,1,1\n",
		    "line 2, column \"open\": \"-1\" is not a positive price" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,2,,1\n",
		    "line 2, column \"low\" is empty" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,2,0.5,1,5\n"
		    "2024-03-01T12:01:00Z,1,2\n",
		    "line 3: 3 fields, but the columns need 5" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,0.9,0.5,1\n",
		    "line 2: high 0.9 is below open 1" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,2,3,1\n",
		    "line 2: high 2 is below low 3" },
		{ "time,open,high,low,close\n2024-03-01T12:00:00Z,1,2,1.2,1.5\n",
		    "line 2: low 1.2 is above open 1" },
		{ "time,open,high,low,close\nyesterday,1,2,0.5,1\n",
		    "line 2, column \"time\": \"yesterday\" is not a time: "
		    "expected YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM] or an "
		    "epoch number" },
		{ "time,open,high,low,close,volume\n"
		    "2024-03-01T12:00:00Z,1,2,0.5,1,-3\n",
		    "line 2, column \"volume\": \"-3\" is negative" },
		{ "2024-03-01T12:00:00Z,1,2,0.5,1\n",
		    "line 1: no header row naming the columns time, open, high, "
		    "low, close" },
		{ "time,open,high,low\n2024-03-01T12:00:00Z,1,2,0.5\n",
		    "no column for \"close\": the header has time, open, high, "
		    "low" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (read_text(cases[i].text, NULL)) {
			unit_fail(__FILE__, __LINE__, "accepted: %s",
			    cases[i].text);
			continue;
		}
		if (strcmp(message, cases[i].msg) != 0)
			unit_fail(__FILE__, __LINE__, "message \"%s\", "
			    "expected \"%s\"", message, cases[i].msg);
	}
	tsm_candles_free(&got);
}

TEST(candles_gaps_find_span)
{
	struct tsm_gaps g;
	char buf[32];

	CHECK(read_text("time,open,high,low,close\n"
	    "2024-03-01T12:00:00Z,1,1,1,1\n2024-03-01T12:01:00Z,1,1,1,1\n"
	    "2024-03-01T12:05:00Z,1,1,1,1\n2024-03-01T12:06:00Z,1,1,1,1\n"
	    "2024-03-01T14:36:00Z,1,1,1,1\n", NULL));
	tsm_candles_gaps(&got, &g);
	CHECK_INT_EQ(g.step, 60000000);
	CHECK_INT_EQ(g.count, 2);
	CHECK_INT_EQ(g.longest, INT64_C(150) * 60000000);
	CHECK_INT_EQ(g.longest_from, got.time[3]);
	CHECK_INT_EQ(tsm_candles_find(&got, got.time[2]), 2);
	CHECK_INT_EQ(tsm_candles_find(&got, got.time[2] + 1), 3);
	CHECK_INT_EQ(tsm_candles_find(&got, 0), 0);
	CHECK_INT_EQ(tsm_candles_find(&got, INT64_MAX), 5);
	tsm_format_span(INT64_C(150) * 60000000, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "2h30m");
	tsm_format_span(INT64_C(86400) * 1000000 * 3 + 45 * 1000000, buf,
	    sizeof(buf));
	CHECK_STR_EQ(buf, "3d");
	tsm_format_span(45 * 1000000, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "45s");
	tsm_candles_free(&got);
}
