/*
 * libFuzzer target for the importer: any byte string is imported as a CSV
 * export, and when the import succeeds the dataset is queried with words
 * taken from the input, so the indexes are exercised too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core_dataset.h"
#include "core_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_queries(const core_dataset *ds, const uint8_t *data, size_t size)
{
	char            q[64];
	size_t          n = size < sizeof(q) - 1 ? size : sizeof(q) - 1;
	core_suggestion out[8];
	core_search_req req = {0};
	core_search_res res;
	core_geo_hit    hits[8];
	uint32_t        ids[8];
	size_t          count, total;

	/* The query is the tail of the input, which the CSV reader saw as
	 * field text, so it shares words with the dataset. */
	memcpy(q, data + size - n, n);
	q[n] = '\0';
	req.q     = q;
	req.limit = 5;
	if (core_search(ds, &req, &res) == 0) {
		core_search_res_free(&res);
	}
	core_complete(ds, q, 8, out, &count);
	core_nearest(ds, 37.78, -122.42, 8, 0, hits, &count);
	core_box(ds, 37.7, -122.5, 37.8, -122.4, ids, 8, &count, &total);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	core_dataset *ds;
	char          err[256];

	if (core_dataset_import(&ds, (const char *) data, size, NULL, err,
	        sizeof(err)) != 0) {
		return 0;
	}
	if (size > 0) {
		fuzz_queries(ds, data, size);
	}
	core_dataset_free(ds);
	return 0;
}
