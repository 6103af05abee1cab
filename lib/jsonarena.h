/*
 * jsonarena.h: the memory of a parsed JSON tree, in one piece.
 *
 * A parse makes millions of small blocks (every number, string, object and
 * member) that all live exactly as long as the tree.  While an arena is
 * current, jansson's blocks are carved one after the other from one
 * mapping reserved for the tree, and given back all at once when the
 * arena is closed: no malloc per value, no walk of the tree to free it.
 * A block that does not fit, or one asked for while no arena is current,
 * comes from malloc as usual, and json_decref frees what came from malloc
 * and leaves the arena's blocks alone, so that jansson works as before
 * for everything else in the process.
 *
 * In front of each block of the arena is a word that the tree's owner may
 * use: jsonnum.c keeps there the position of a number's token.
 */
#ifndef TSM_JSONARENA_H
#define TSM_JSONARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct tsm_json_arena {
	unsigned char *base;	/* NULL: none (the tree is in malloc's) */
	size_t size, used;
	bool spilled;		/* some blocks came from malloc */
};

/*
 * Reserves address space for the tree of a text of len bytes (pages are
 * only taken as they are used) and makes it current.  False, with the
 * arena empty and nothing current, if the space cannot be had: jansson
 * then uses malloc.
 */
bool tsm_json_arena_begin(struct tsm_json_arena *a, size_t len);

/* No arena is current: new blocks come from malloc. */
void tsm_json_arena_end(void);

/* Gives back the whole arena; its tree must not be used after. */
void tsm_json_arena_close(struct tsm_json_arena *a);

/* True when v is a block of a. */
bool tsm_json_arena_holds(const struct tsm_json_arena *a, const void *v);

/* The owner's word in front of block v of an arena (0 when new). */
static inline uint64_t *
tsm_json_arena_word(const json_t *v)
{
	return (uint64_t *)(void *)((unsigned char *)(uintptr_t)v - 8);
}

#endif
