/*
 * The baseline of the query benchmark: every query kind of core_query.h
 * computed by a linear scan over the films and locations of a dataset,
 * with the same results as the indexed engine.
 *
 * Start-up normalizes every indexed field once, so a query pays for the
 * scan itself and not for Unicode work. Nothing here reads the engine's
 * indexes, only the public films and locations, core_norm_match and
 * core_geo_distance_m.
 *
 * Ownership: the scan keeps pointers into the dataset, which must outlive
 * it. Thread-safety: none; the search and complete scans reuse buffers in
 * the struct.
 */
#ifndef BENCH_SCAN_H
#define BENCH_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core_buf.h"
#include "core_dataset.h"
#include "core_geo.h"
#include "core_query.h"

/* One indexed field of a film or location in matching form. */
typedef struct bench_field {
	const char *text; /* display form, owned by the dataset */
	const char *norm;
	core_kind kind;
} bench_field;

/* A distinct (kind, matching form) pair, as core_complete suggests it. */
typedef struct bench_phrase {
	const char *text; /* display form of the first occurrence */
	const char *norm;
	uint32_t films; /* films it occurs in */
	uint32_t order; /* first occurrence, which breaks ties in ranking */
	core_kind kind;
	uint8_t nwords;
} bench_phrase;

typedef struct bench_scan {
	const core_dataset *ds;
	const core_film *films;
	size_t nfilms;
	const core_location *locations;
	size_t nlocations;

	/* Film-level fields of film f are fields[field_off[f] ..
	 * field_off[f + 1]), its title first. titles[f] is the title's
	 * matching form. */
	bench_field *fields;
	uint32_t *field_off;
	const char **titles;
	const char **location_norms;
	const char **hood_norms;

	bench_phrase *phrases;
	size_t nphrases;

	/* The last search: which films and locations matched, each film's
	 * score and the count of matching films. */
	uint8_t *film_hit;
	uint8_t *location_hit;
	uint32_t *film_score;
	size_t search_total;

	core_buf query;   /* matching form of the current query */
	uint64_t *ranked; /* keys of the best CORE_QUERY_MAX_LIMIT results */
	char **owned;     /* strings allocated at start-up */
	size_t nowned;
} bench_scan;

/* Prepares the scan of ds. Returns 0, CORE_EUTF8 or CORE_ENOMEM. */
int bench_scan_init(bench_scan *s, const core_dataset *ds);

/* Frees what bench_scan_init allocated. */
void bench_scan_free(bench_scan *s);

/*
 * Searches as core_search does with no filters: stores the ranked film
 * indexes of the page [0, limit) in page and their count in *n, and leaves
 * film_hit, location_hit, film_score and search_total describing every
 * film. Returns 0, CORE_EINVAL for a limit of 0 or over
 * CORE_QUERY_MAX_LIMIT, CORE_ETOOBIG for a query over the limits of
 * core_search, or an error of core_norm_match.
 */
int bench_scan_search(
    bench_scan *s, const char *q, size_t limit, uint32_t *page, size_t *n);

/* Suggests phrases as core_complete does, with the same return values. */
int bench_scan_complete(bench_scan *s, const char *term, size_t limit,
    core_suggestion *out, size_t *n);

/* Finds the k located locations nearest to (lat, lng), nearest first and
 * ties by lower index, as core_nearest does with no radius. Returns how
 * many hits it wrote. */
size_t bench_scan_nearest(
    const bench_scan *s, double lat, double lng, size_t k, core_geo_hit *out);

/* Writes the lowest max location indexes inside the box to out and returns
 * the count of all inside, as core_box does. */
size_t bench_scan_box(const bench_scan *s, double south, double west,
    double north, double east, uint32_t *out, size_t max);

/* Return the film or location with an id, or NULL. */
const core_film *bench_scan_film_by_id(const bench_scan *s, uint64_t id);
const core_location *bench_scan_location_by_id(
    const bench_scan *s, uint64_t id);

#endif
