/*
 * recfields.h: the fields of positions and trades, the names bots give
 * them, and the presets for well-known file formats.
 *
 * Each field is a column of tsm.positions or tsm.trades (or both), read
 * from the first of its aliases that a record has with a value other than
 * null.  Aliases are tried in order; those holding epoch numbers come
 * before text times, since a number names the instant and zone-less text
 * does not.
 */
#ifndef TSM_RECFIELDS_H
#define TSM_RECFIELDS_H

#include <stdbool.h>

enum tsm_rec_kind { TSM_REC_POSITIONS = 1, TSM_REC_TRADES = 2 };

enum tsm_ftype {
	TSM_FT_TEXT,		/* a string */
	TSM_FT_ID,		/* a string or a whole number */
	TSM_FT_NUM,		/* a number, or a string holding one */
	TSM_FT_TIME,		/* text time or epoch number */
	TSM_FT_SIDE,		/* buy sell long short, or is_short */
	TSM_FT_STATUS,		/* open/closed for positions, text for trades */
	TSM_FT_MODE		/* paper or live */
};

enum tsm_fcheck { TSM_FC_NONE, TSM_FC_POSITIVE, TSM_FC_NONNEG };

/* The fields, in the order of the staged columns. */
enum tsm_field_id {
	TSM_F_EXCHANGE, TSM_F_SYMBOL, TSM_F_SIDE, TSM_F_QUANTITY, TSM_F_PRICE,
	TSM_F_ENTRY_PRICE, TSM_F_CURRENT_PRICE, TSM_F_EXIT_PRICE,
	TSM_F_STOP_LOSS, TSM_F_TAKE_PROFIT, TSM_F_LEVERAGE,
	TSM_F_UNREALIZED_PNL, TSM_F_PNL, TSM_F_FEE, TSM_F_ENTRY_FEE,
	TSM_F_EXIT_FEE, TSM_F_FEE_OPEN_RATE, TSM_F_FEE_CLOSE_RATE,
	TSM_F_STATUS, TSM_F_MODE, TSM_F_STRATEGY, TSM_F_ORDER_ID, TSM_F_TIME,
	TSM_F_OPENED_AT, TSM_F_UPDATED_AT, TSM_F_CLOSED_AT, TSM_F_ID,
	TSM_NFIELDS
};

#define TSM_MAX_ALIASES 12

struct tsm_field {
	const char *name;
	enum tsm_ftype type;
	unsigned kinds;			/* TSM_REC_* bits */
	unsigned columns;		/* kinds whose table has the column */
	unsigned required;		/* TSM_REC_* bits */
	enum tsm_fcheck check;
	const char *aliases[TSM_MAX_ALIASES];	/* NULL-terminated */
};

extern const struct tsm_field tsm_fields[TSM_NFIELDS];

/* The field named name for kind, or -1. */
int tsm_field_find(const char *name, enum tsm_rec_kind kind);

/* "positions" or "trades". */
const char *tsm_rec_kind_name(enum tsm_rec_kind kind);

/* The top-level keys that hold records of kind, NULL-terminated. */
const char *const *tsm_rec_containers(enum tsm_rec_kind kind);

/*
 * A preset: a --path, --map and --value-map options as the user would
 * write them, the kinds it is for, and defaults for fields a record lacks
 * (older exports) and for --mode.
 */
struct tsm_preset {
	const char *name;
	const char *description;
	unsigned kinds;
	const char *path;
	const char *maps[24];		/* "FIELD=PATH", NULL-terminated */
	const char *value_maps[4];	/* "FIELD=FROM:TO,...", NULL-term. */
	const char *defaults[4];	/* "FIELD=VALUE", NULL-terminated */
	const char *mode;		/* default --mode, or NULL */
};

const struct tsm_preset *tsm_preset_find(const char *name);

/* The names of the presets, for messages: "freqtrade". */
const char *tsm_preset_list(void);

#endif
