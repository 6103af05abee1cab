/*
 * jsonarena.c: jansson's blocks carved from one mapping per tree.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "jsonarena.h"

/*
 * Under AddressSanitizer the space not yet handed out stays poisoned, so
 * that reading past the end of the last block is still caught.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TSM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TSM_ASAN 1
#endif
#ifdef TSM_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/*
 * The space of the open arenas, whose blocks json_decref must leave
 * alone (kept by value: the arena structures may move).
 */
#define MAX_LIVE 64
static struct {
	const unsigned char *base;
	size_t size;
} live[MAX_LIVE];
static int nlive;
static struct tsm_json_arena *current;

static void *
arena_malloc(size_t n)
{
	struct tsm_json_arena *a = current;
	size_t need;
	unsigned char *p;

	if (a != NULL && n <= a->size) {
		need = (n + 8 + 7) & ~(size_t)7;
		if (a->size - a->used >= need) {
			p = a->base + a->used;
			a->used += need;
			UNPOISON(p, 8 + n);
			memset(p, 0, 8);
			return p + 8;
		}
		a->spilled = true;
	}
	return malloc(n);
}

static void
arena_free(void *p)
{
	const unsigned char *q = p;

	for (int i = 0; i < nlive; i++)
		if (q >= live[i].base && q < live[i].base + live[i].size)
			return;
	free(p);
}

bool
tsm_json_arena_holds(const struct tsm_json_arena *a, const void *v)
{
	const unsigned char *p = v;

	return a->base != NULL && p >= a->base && p < a->base + a->used;
}

bool
tsm_json_arena_begin(struct tsm_json_arena *a, size_t len)
{
	static bool installed;
	size_t size;
	void *m;

	memset(a, 0, sizeof(*a));
	current = NULL;
	if (nlive == MAX_LIVE)
		return false;
	/*
	 * A tree takes three to six times the bytes of its text; beyond
	 * the reservation jansson falls back to malloc.
	 */
	if (len > (SIZE_MAX - (16u << 20)) / 8)
		return false;
	size = len * 8 + (16u << 20);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return false;
	if (!installed) {
		/*
		 * From now on every block jansson frees goes through
		 * arena_free, which hands to free() all it did not carve:
		 * blocks made before this are freed as before.
		 */
		json_set_alloc_funcs(arena_malloc, arena_free);
		installed = true;
	}
	a->base = m;
	a->size = size;
	POISON(a->base, size);
	live[nlive].base = a->base;
	live[nlive].size = size;
	nlive++;
	current = a;
	return true;
}

void
tsm_json_arena_end(void)
{
	current = NULL;
}

void
tsm_json_arena_close(struct tsm_json_arena *a)
{
	if (a->base == NULL)
		return;
	if (current == a)
		current = NULL;
	for (int i = 0; i < nlive; i++)
		if (live[i].base == a->base) {
			live[i] = live[--nlive];
			break;
		}
	UNPOISON(a->base, a->size);
	munmap(a->base, a->size);
	memset(a, 0, sizeof(*a));
}
