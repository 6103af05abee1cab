/*
 * indspec.c: parsing indicator specs ("sma:20", "macd:12,26,9") into the
 * kind, its parameters with defaults filled in, and its column names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indicators.h"
#include "num.h"

/* The longest period accepted: 200 days of 1m bars fit, a typo does not. */
#define PERIOD_MAX 1000000

struct kind_info {
	const char *name;
	enum tsm_ind_kind kind;
	int nparams;		/* periods (bbands: period and k) */
	int defaults[3];
	double k;		/* bbands default width */
	int nout;
	const char *suffix[3];	/* column suffixes when nout > 1 */
	const char *defspec;
};

static const struct kind_info kinds[] = {
	{ "sma", TSM_IND_SMA, 1, { 20 }, 0, 1, { NULL }, "sma:20" },
	{ "ema", TSM_IND_EMA, 1, { 20 }, 0, 1, { NULL }, "ema:20" },
	{ "rsi", TSM_IND_RSI, 1, { 14 }, 0, 1, { NULL }, "rsi:14" },
	{ "macd", TSM_IND_MACD, 3, { 12, 26, 9 }, 0, 3,
	    { "", "_signal", "_hist" }, "macd:12,26,9" },
	{ "bbands", TSM_IND_BBANDS, 2, { 20 }, 2.0, 3,
	    { "_lower", "_middle", "_upper" }, "bbands:20,2" },
	{ "atr", TSM_IND_ATR, 1, { 14 }, 0, 1, { NULL }, "atr:14" },
	{ "obv", TSM_IND_OBV, 0, { 0 }, 0, 1, { NULL }, "obv" },
	{ "stoch", TSM_IND_STOCH, 2, { 14, 3 }, 0, 2, { "_k", "_d" },
	    "stoch:14,3" },
	{ "adx", TSM_IND_ADX, 1, { 14 }, 0, 3,
	    { "", "_plus_di", "_minus_di" }, "adx:14" },
	{ "cci", TSM_IND_CCI, 1, { 20 }, 0, 1, { NULL }, "cci:20" },
	{ "vwap", TSM_IND_VWAP, 0, { 0 }, 0, 1, { NULL }, "vwap" },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *
tsm_ind_default_spec(enum tsm_ind_kind kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == kind)
			return kinds[i].defspec;
	return "";
}

/* Parses one whole-number period from s[0..len). */
static bool
parse_period(const char *s, size_t len, int *out, const char **why)
{
	int64_t v;
	const char *w;

	if (!tsm_parse_int64(s, len, &v, &w)) {
		*why = "takes whole-number periods, such as sma:20";
		return false;
	}
	if (v < 1) {
		*why = "takes a period of at least 1";
		return false;
	}
	if (v > PERIOD_MAX) {
		*why = "takes a period of at most 1000000";
		return false;
	}
	*out = (int)v;
	return true;
}

/* The number of bars before every output of spec has a value. */
static int
warmup_of(const struct tsm_ind_spec *s)
{
	switch (s->kind) {
	case TSM_IND_SMA:
	case TSM_IND_EMA:
	case TSM_IND_BBANDS:
	case TSM_IND_CCI:
		return s->period[0] - 1;
	case TSM_IND_RSI:
	case TSM_IND_ATR:
		return s->period[0];
	case TSM_IND_MACD:
		return s->period[1] + s->period[2] - 2;
	case TSM_IND_STOCH:
		return s->period[0] + s->period[1] - 2;
	case TSM_IND_ADX:
		return 2 * s->period[0] - 1;
	case TSM_IND_OBV:
	case TSM_IND_VWAP:
		break;
	}
	return 0;
}

/* Fills params, out[] and warmup from the parsed values. */
static bool
name_outputs(struct tsm_ind_spec *s, const struct kind_info *ki,
    const char **why)
{
	char base[64], kbuf[TSM_NUM_BUFSZ];
	int n;

	switch (ki->nparams) {
	case 0:
		n = snprintf(s->params, sizeof(s->params), "%s", "");
		break;
	case 1:
		n = snprintf(s->params, sizeof(s->params), "%d", s->period[0]);
		break;
	case 2:
		if (s->kind == TSM_IND_BBANDS) {
			tsm_format_double(s->k, kbuf);
			n = snprintf(s->params, sizeof(s->params), "%d,%s",
			    s->period[0], kbuf);
		} else {
			n = snprintf(s->params, sizeof(s->params), "%d,%d",
			    s->period[0], s->period[1]);
		}
		break;
	default:
		n = snprintf(s->params, sizeof(s->params), "%d,%d,%d",
		    s->period[0], s->period[1], s->period[2]);
		break;
	}
	if (n < 0 || (size_t)n >= sizeof(s->params)) {
		*why = "has parameters too long to name a column";
		return false;
	}
	if (s->params[0] != '\0')
		snprintf(base, sizeof(base), "%s_%s", ki->name, s->params);
	else
		snprintf(base, sizeof(base), "%s", ki->name);
	for (char *p = base; *p; p++)
		if (*p == ',')
			*p = '_';
	for (int i = 0; i < s->nout; i++) {
		n = snprintf(s->out[i], sizeof(s->out[i]), "%s%s", base,
		    ki->nout > 1 ? ki->suffix[i] : "");
		if (n < 0 || (size_t)n >= sizeof(s->out[i])) {
			*why = "has parameters too long to name a column";
			return false;
		}
	}
	s->warmup = warmup_of(s);
	return true;
}

bool
tsm_ind_parse(const char *text, struct tsm_ind_spec *spec, const char **why)
{
	const struct kind_info *ki = NULL;
	const char *colon = strchr(text, ':');
	size_t namelen = colon ? (size_t)(colon - text) : strlen(text);
	const char *p;
	int given = 0;

	memset(spec, 0, sizeof(*spec));
	for (size_t i = 0; i < NKINDS; i++)
		if (strlen(kinds[i].name) == namelen &&
		    strncasecmp(kinds[i].name, text, namelen) == 0)
			ki = &kinds[i];
	if (ki == NULL) {
		*why = "unknown indicator: expected sma, ema, rsi, macd, "
		    "bbands, atr, obv, stoch, adx, cci or vwap";
		return false;
	}
	spec->kind = ki->kind;
	snprintf(spec->name, sizeof(spec->name), "%s", ki->name);
	spec->nout = ki->nout;
	memcpy(spec->period, ki->defaults, sizeof(spec->period));
	spec->k = ki->k;
	if (colon != NULL) {
		if (ki->nparams == 0) {
			*why = "takes no parameters";
			return false;
		}
		p = colon + 1;
		for (;;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);

			if (given == ki->nparams) {
				*why = ki->nparams == 1 ?
				    "takes one parameter, its period" :
				    ki->nparams == 2 ?
				    "takes at most two parameters" :
				    "takes at most three parameters";
				return false;
			}
			if (spec->kind == TSM_IND_BBANDS && given == 1) {
				const char *w;

				if (!tsm_parse_double(p, len, &spec->k, &w) ||
				    !(spec->k > 0)) {
					*why = "takes a positive width k in "
					    "standard deviations, such as "
					    "bbands:20,2";
					return false;
				}
			} else if (!parse_period(p, len, &spec->period[given],
			    why)) {
				return false;
			}
			given++;
			if (comma == NULL)
				break;
			p = comma + 1;
		}
	}
	if (spec->kind == TSM_IND_MACD && spec->period[0] >= spec->period[1]) {
		*why = "macd needs fast < slow";
		return false;
	}
	return name_outputs(spec, ki, why);
}
