/*
 * Queries over an imported dataset: search, autocomplete, nearest, bounding
 * box and lookups by id.
 *
 * Every function here only reads the dataset, so any number of threads may
 * call them at once on the same dataset. Results that own memory are freed
 * with their _free function; all others point into the dataset.
 */
#ifndef CORE_QUERY_H
#define CORE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core_dataset.h"
#include "core_geo.h"

/* What a phrase or a matched word is: the field of the data it comes from. */
typedef enum core_kind {
	CORE_KIND_TITLE,
	CORE_KIND_DIRECTOR,
	CORE_KIND_WRITER,
	CORE_KIND_ACTOR,
	CORE_KIND_COMPANY, /* production company or distributor */
	CORE_KIND_LOCATION,
	CORE_KIND_NEIGHBORHOOD,
	CORE_KIND_COUNT
} core_kind;

/* Returns "title", "director", "writer", "actor", "company", "location" or
 * "neighborhood". */
const char *core_kind_name(core_kind kind);

/* Limits that keep one query's cost bounded. */
#define CORE_QUERY_MAX_WORDS 16   /* words in a search query or term */
#define CORE_QUERY_MAX_BYTES 512  /* bytes of a search query or term */
#define CORE_QUERY_MAX_LIMIT 1000 /* results per page or per call */

typedef struct core_search_req {
	const char *q;        /* words to match; NULL or "" matches all */
	unsigned year_min;    /* 0 for no lower bound */
	unsigned year_max;    /* 0 for no upper bound */
	const char *director; /* exact name up to case and accents, or NULL */
	const char *actor;    /* likewise */
	const char
	    *neighborhood; /* likewise; restricts the matched locations */
	size_t offset;     /* films to skip */
	size_t limit;      /* films to return, 1..CORE_QUERY_MAX_LIMIT */
} core_search_req;

typedef struct core_search_hit {
	uint32_t film;             /* index into core_dataset_films */
	uint32_t score;            /* higher ranks first */
	uint32_t nlocations;       /* matched locations of this film */
	const uint32_t *locations; /* indexes into core_dataset_locations */
} core_search_hit;

typedef struct core_search_res {
	size_t total; /* films matching, before paging */
	size_t nhits;
	core_search_hit *hits;
	uint32_t *storage; /* backs hits[].locations */
} core_search_res;

/*
 * Searches films. Every word of q must match a word of the film's title,
 * people or companies, or of the text or neighbourhood of one of its
 * locations; the last word also matches as a prefix. Words of 4 or more
 * bytes tolerate one edit and words of 8 or more tolerate two, anywhere but
 * in the first byte; an edit is an insertion, deletion, substitution or
 * transposition of adjacent bytes. A location
 * matches when every word matches it or its film; a hit lists its film's
 * matching locations. Films rank by exact title match, then by the field
 * weight and quality of their word matches, then by title.
 *
 * Returns 0 and fills res, CORE_EINVAL for a limit of 0 or over
 * CORE_QUERY_MAX_LIMIT or year_min > year_max, CORE_ETOOBIG for a query over
 * the limits above, CORE_EUTF8 for invalid UTF-8, or CORE_ENOMEM.
 */
int core_search(
    const core_dataset *ds, const core_search_req *req, core_search_res *res);

/* Frees what core_search stored in res. */
void core_search_res_free(core_search_res *res);

typedef struct core_suggestion {
	const char *text; /* display form, owned by the dataset */
	core_kind kind;
	uint32_t films; /* films this phrase covers */
	uint32_t score; /* higher ranks first */
} core_suggestion;

/*
 * Suggests whole phrases (titles, names, companies, locations,
 * neighbourhoods) for a partly typed term: every word of term must match a
 * word of the phrase, the last one as a prefix, with the same typo tolerance
 * as core_search. Writes at most limit suggestions, best first, and stores
 * their count in *n. Returns 0, CORE_EINVAL, CORE_ETOOBIG, CORE_EUTF8 or
 * CORE_ENOMEM as core_search does.
 */
int core_complete(const core_dataset *ds, const char *term, size_t limit,
    core_suggestion *out, size_t *n);

/*
 * Finds the k located locations nearest to (lat, lng), nearest first, within
 * radius_m metres when radius_m > 0. Hit ids are location indexes. Writes at
 * most k hits and stores their count in *n. Returns 0, or CORE_EINVAL for a
 * coordinate out of range, k of 0 or over CORE_QUERY_MAX_LIMIT, or a
 * negative radius.
 */
int core_nearest(const core_dataset *ds, double lat, double lng, size_t k,
    double radius_m, core_geo_hit *out, size_t *n);

/*
 * Finds the located locations inside a bounding box, writes the indexes of
 * at most max of them (lowest first) and stores the count of all inside in
 * *total. Returns 0 or CORE_EINVAL when south > north, west > east or a
 * coordinate is out of range.
 */
int core_box(const core_dataset *ds, double south, double west, double north,
    double east, uint32_t *out, size_t max, size_t *n, size_t *total);

/* Return the film or location with an id or slug, or NULL. */
const core_film *core_film_by_id(const core_dataset *ds, uint64_t id);
const core_film *core_film_by_slug(const core_dataset *ds, const char *slug);
const core_location *core_location_by_id(const core_dataset *ds, uint64_t id);

/* Returns the film with a slug or, failing that, the film whose public_id
 * is that IMDb id, or NULL. */
const core_film *core_film_by_key(const core_dataset *ds, const char *key);

#endif
