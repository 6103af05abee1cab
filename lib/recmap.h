/*
 * recmap.h: one record of a bot's file made into a row of positions or
 * trades, checked field by field.
 *
 * Each field is taken from its --map path, else from the first of its
 * aliases present with a value (recfields.h), else from the key of an
 * object keyed by symbol (symbol only), else from a preset's default.
 * --value-map rewrites a value before it is read (action=Продажа:sell).
 * What no field took goes to the row's extra object.  Every problem is
 * reported with the file and the JSON path:
 *   positions.json: $.positions.ETHUSD.size: expected a number, got "abc"
 */
#ifndef TSM_RECMAP_H
#define TSM_RECMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "jsonnum.h"
#include "jsonpath.h"
#include "jsonrec.h"
#include "recfields.h"
#include "sha256.h"
#include "strbuf.h"
#include "timeparse.h"

struct tsm_value_map {
	char *field;		/* a field or a key of the record */
	size_t n;
	char **from, **to;
};

struct tsm_recmap {
	enum tsm_rec_kind kind;
	struct tsm_jpath map[TSM_NFIELDS];	/* --map, where mapped[] */
	bool mapped[TSM_NFIELDS];
	bool ignored[TSM_NFIELDS];		/* --map FIELD= */
	const char *defaults[TSM_NFIELDS];
	struct tsm_value_map *vmaps;
	size_t nvmaps;
	const char *exchange;			/* --exchange */
	const char *mode;			/* --mode, or a preset's */
	struct tsm_time_opts topts;		/* --tz, --time-unit */
};

void tsm_recmap_init(struct tsm_recmap *m, enum tsm_rec_kind kind);
void tsm_recmap_free(struct tsm_recmap *m);

/*
 * Take "FIELD=PATH", "FIELD=FROM:TO,..." and "FIELD=VALUE"; false after a
 * usage error naming opt ("--map").  A later --map of a field replaces an
 * earlier one (a preset's); value maps add up.
 */
bool tsm_recmap_add_map(struct tsm_recmap *m, const char *opt,
    const char *arg);
bool tsm_recmap_add_value_map(struct tsm_recmap *m, const char *opt,
    const char *arg);
bool tsm_recmap_add_default(struct tsm_recmap *m, const char *arg);

/* What the command line says about the records of positions or trades. */
struct tsm_recopts {
	const char *preset;			/* --preset, or NULL */
	const char *path;			/* --path, or NULL */
	const char *const *maps;		/* --map, in order */
	int nmaps;
	const char *const *vmaps;		/* --value-map, in order */
	int nvmaps;
	const char *mode;			/* --mode, or NULL */
	const char *exchange;			/* --exchange, or NULL */
	const char *tz;				/* --tz, or NULL */
	enum tsm_time_unit unit;		/* --time-unit */
};

/*
 * Fills m (made by tsm_recmap_init for its kind) from o: the preset's
 * maps, value maps, defaults and mode first, then --map, --value-map and
 * --mode over them, then --exchange, --tz and --time-unit.  The records'
 * place, --path or else the preset's, is parsed into path, and *have_path
 * says whether there is one.  False after a usage error.  m keeps
 * pointers into o's strings and the preset; the caller frees m and path
 * (tsm_recmap_free, tsm_jpath_free) either way, path having been zeroed
 * before.
 */
bool tsm_recmap_from_opts(struct tsm_recmap *m, const struct tsm_recopts *o,
    struct tsm_jpath *path, bool *have_path);

/* Counts problems and shows the first max of them. */
struct tsm_problems {
	const char *file;
	long shown, total, max;
	char last_hint[200];
};

/* A row: each field's text, or NULL; extra as JSON, or NULL. */
struct tsm_row {
	struct tsm_buf arena;
	long off[TSM_NFIELDS];		/* into arena, -1 for NULL */
	long extra;			/* into arena, -1 for NULL */
	unsigned char identity[32];	/* what makes the record itself */
	char zoneless[160];		/* first zone-less time, for a note */
};

/*
 * Makes r into row, for the source whose identity hashing starts from
 * seed.  False after reporting every problem of the record to pr.
 */
bool tsm_recmap_row(const struct tsm_recmap *m, const struct tsm_json_rec *r,
    const struct tsm_json_numbers *nums, const struct tsm_sha256 *seed,
    struct tsm_row *row, struct tsm_problems *pr);

/* The text of field f of row, or NULL. */
const char *tsm_row_get(const struct tsm_row *row, int f);

#endif
