/*
 * The query kinds of bench_query: each kind's fixed query set, its engine
 * and baseline calls, and the check that both return the same results.
 */
#ifndef BENCH_KINDS_H
#define BENCH_KINDS_H

#include <stddef.h>
#include <stdint.h>

#include "bench_scan.h"
#include "core_dataset.h"
#include "core_query.h"

#define BENCH_GRID           8 /* nearest: BENCH_GRID x BENCH_GRID points */
#define BENCH_NVIEWPORTS     3 /* box: viewport sizes ... */
#define BENCH_VIEWPORT_GRID  4 /* ... each at the centres of a 4 x 4 grid */
#define BENCH_LOOKUP_QUERIES 256
#define BENCH_MAX_WARNINGS   5 /* detailed disagreements or errors per run */

typedef struct bench_point {
	double lat;
	double lng;
} bench_point;

typedef struct bench_box {
	double south;
	double west;
	double north;
	double east;
} bench_box;

typedef struct bench_ctx {
	core_dataset *ds;
	bench_scan scan;

	char **typed; /* search and complete queries */
	size_t ntyped;
	bench_point points[BENCH_GRID * BENCH_GRID];
	bench_box
	    boxes[BENCH_NVIEWPORTS * BENCH_VIEWPORT_GRID * BENCH_VIEWPORT_GRID];
	uint64_t film_ids[BENCH_LOOKUP_QUERIES];
	uint64_t location_ids[BENCH_LOOKUP_QUERIES];

	/* Result buffers, so that no timed query allocates for the bench. */
	core_suggestion suggestions[CORE_QUERY_MAX_LIMIT];
	core_suggestion scan_suggestions[CORE_QUERY_MAX_LIMIT];
	core_geo_hit hits[CORE_QUERY_MAX_LIMIT];
	core_geo_hit scan_hits[CORE_QUERY_MAX_LIMIT];
	uint32_t ids[CORE_QUERY_MAX_LIMIT];
	uint32_t scan_ids[CORE_QUERY_MAX_LIMIT];

	uint64_t sink; /* folds results in so no call is optimized away */
	int errors;    /* queries that returned an error */
} bench_ctx;

typedef void (*bench_query_fn)(bench_ctx *c, size_t i);

/* One query kind: its set size, the engine and scan calls for query i, the
 * check that both agree on query i (0) or not (1, with a warning), and a
 * description of query i for per-query output. */
typedef struct bench_kind {
	const char *name;
	size_t (*count)(const bench_ctx *c);
	bench_query_fn engine;
	bench_query_fn scan;
	int (*verify)(bench_ctx *c, size_t i, int warn);
	void (*describe)(const bench_ctx *c, size_t i, char *buf, size_t len);
} bench_kind;

/* The kinds, in the order of the table. */
#define BENCH_NKINDS 6
extern const bench_kind bench_kinds[];

/* Returns the kind with a name, or NULL. */
const bench_kind *bench_find_kind(const char *name);

/* Fills the query sets of c, whose dataset and scan are ready. Returns 0
 * or CORE_ENOMEM. */
int bench_queries_init(bench_ctx *c);

/* Frees what bench_queries_init allocated. */
void bench_queries_free(bench_ctx *c);

#endif
