/*
 * fuzz_json.c: bot JSON files (jsondoc.h), the paths of --path and --map
 * (jsonpath.h), and where the records are (jsonrec.h).
 *
 * The input's first line is a path (empty: none, find the records by
 * shape); the rest is the JSON file.  Properties, beyond no crash and no
 * leak:
 *  - a path that parses, written back with tsm_jpath_put_steps, parses
 *    again to the same steps;
 *  - every record found is an object, and the path that messages give
 *    for it ($[3], $.positions["ZEC/USD"]) leads from the root to that
 *    very object;
 *  - a refusal is final: the document is then empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "jsondoc.h"
#include "jsonpath.h"
#include "jsonrec.h"
#include "strbuf.h"

static const char *const containers[] = { "positions", "open_positions",
	"trades", NULL };

static bool
same_steps(const struct tsm_jpath *a, const struct tsm_jpath *b)
{
	if (a->n != b->n || a->at_key != b->at_key)
		return false;
	for (int i = 0; i < a->n; i++) {
		if (a->steps[i].type != b->steps[i].type)
			return false;
		if (a->steps[i].type == TSM_JSTEP_KEY &&
		    strcmp(a->steps[i].key, b->steps[i].key) != 0)
			return false;
		if (a->steps[i].type == TSM_JSTEP_INDEX &&
		    a->steps[i].index != b->steps[i].index)
			return false;
	}
	return true;
}

/* Parses the path line; *have when it parsed.  Checks the round trip. */
static void
check_path(const char *text, struct tsm_jpath *p, bool *have)
{
	struct tsm_buf b = TSM_BUF_INIT;
	struct tsm_jpath q;
	const char *why;

	*have = tsm_jpath_parse(text, p, &why);
	if (!*have) {
		FUZZ_CHECK(why != NULL && p->n == 0, "a refusal without reason");
		return;
	}
	if (p->at_key)
		return;
	tsm_buf_putc(&b, '$');
	tsm_jpath_put_steps(&b, p);
	FUZZ_CHECK(tsm_buf_ok(&b), "out of memory");
	FUZZ_CHECK(tsm_jpath_parse(tsm_buf_str(&b), &q, &why),
	    "\"%s\" written back as \"%s\" does not parse: %s", text,
	    tsm_buf_str(&b), why);
	FUZZ_CHECK(same_steps(p, &q), "\"%s\" written back as \"%s\" "
	    "parses to other steps", text, tsm_buf_str(&b));
	tsm_jpath_free(&q);
	tsm_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - data) : 0;
	const uint8_t *doc = nl ? nl + 1 : data;
	size_t dlen = size - (size_t)(doc - data);
	char *ptext = fuzz_strndup(data, plen), fdpath[64];
	struct tsm_jpath path = { 0 };
	struct tsm_json_doc d;
	struct tsm_json_recs recs;
	bool have = false;
	int fd;

	if (plen > 0)
		check_path(ptext, &path, &have);
	fd = fuzz_memfd(doc, dlen);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	memset(&d, 0, sizeof(d));
	if (!tsm_json_doc_load(&d, fdpath, 1 << 20)) {
		FUZZ_CHECK(d.root == NULL, "a refused document has a tree");
		goto out;
	}
	FUZZ_CHECK(json_is_object(d.root) || json_is_array(d.root),
	    "the root is neither an object nor a list");
	memset(&recs, 0, sizeof(recs));
	if (tsm_json_find_records(&d, have && !path.at_key ? &path : NULL,
	    containers, &recs)) {
		FUZZ_CHECK(recs.n > 0, "records found, none given");
		for (size_t i = 0; i < recs.n; i++) {
			struct tsm_buf b = TSM_BUF_INIT;
			struct tsm_jpath rp;
			const char *why;

			FUZZ_CHECK(json_is_object(recs.v[i].obj),
			    "record %zu is not an object", i);
			tsm_json_rec_path(&b, &recs.v[i]);
			FUZZ_CHECK(tsm_buf_ok(&b), "out of memory");
			FUZZ_CHECK(tsm_jpath_parse(tsm_buf_str(&b), &rp, &why),
			    "record path \"%s\" does not parse: %s",
			    tsm_buf_str(&b), why);
			FUZZ_CHECK(!rp.wild && tsm_jpath_get(&rp, d.root) ==
			    recs.v[i].obj, "record path \"%s\" leads elsewhere",
			    tsm_buf_str(&b));
			tsm_jpath_free(&rp);
			tsm_buf_free(&b);
		}
	}
	tsm_json_recs_free(&recs);
out:
	tsm_json_doc_free(&d);
	close(fd);
	if (have)
		tsm_jpath_free(&path);
	free(ptext);
	return 0;
}
