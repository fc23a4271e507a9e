/*
 * The query sets of bench_query and, per kind, the engine call, the
 * baseline call and the check that both return the same results.
 */
#include "bench_kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"

/* What one timed query requests: a first page of search results, a
 * suggestion list, a nearby list and the markers of a map viewport. */
#define BENCH_SEARCH_LIMIT   20
#define BENCH_COMPLETE_LIMIT 10
#define BENCH_NEAREST_K      10
#define BENCH_BOX_MAX        500
#define BENCH_ABSENT_EVERY   8 /* every 8th id lookup misses */

/*
 * Titles, people and places as a user types them into the search box, one
 * keystroke at a time from the first byte. Search and autocomplete both
 * run every keystroke's prefix.
 */
static const char *const bench_typed_targets[] = {
    "vertigo",
    "bullitt",
    "dirty harry",
    "mrs doubtfire",
    "hitchcock",
    "clint eastwood",
    "golden gate bridge",
    "coit tower",
    "north beach",
    "the matrix resurrections",

    /* Typos: a dropped letter, swapped letters or a wrong vowel. */
    "bulitt",
    "vetrigo",
    "hitchcok",
    "clint eastwod",
    "jonathon groff",
    "fishermans warf",
    "alcatrez",
    "san fransisco",
};

/* The land area of the city, which the points and viewports cover. */
#define BENCH_CITY_SOUTH 37.708
#define BENCH_CITY_NORTH 37.810
#define BENCH_CITY_WEST  -122.510
#define BENCH_CITY_EAST  -122.370

/*
 * Map viewports in degrees (latitude by longitude): the whole city on a
 * desktop screen, a neighbourhood, and a few streets on a phone. Each is
 * placed at the centres of a 4 x 4 grid over the city.
 */
static const double bench_viewports[BENCH_NVIEWPORTS][2] = {
    {0.110, 0.160},
    {0.025, 0.040},
    {0.006, 0.008},
};

static void
bench_error(bench_ctx *c, const char *kind, size_t i, int rv)
{
	if (c->errors++ < BENCH_MAX_WARNINGS) {
		fprintf(stderr, "bench_query: %s query %zu failed: %s\n", kind,
		    i, core_strerror(rv));
	}
}

static size_t
bench_count_typed(const bench_ctx *c)
{
	return c->ntyped;
}

static size_t
bench_count_points(const bench_ctx *c)
{
	return sizeof(c->points) / sizeof(c->points[0]);
}

static size_t
bench_count_boxes(const bench_ctx *c)
{
	return sizeof(c->boxes) / sizeof(c->boxes[0]);
}

static size_t
bench_count_ids(const bench_ctx *c)
{
	return BENCH_LOOKUP_QUERIES;
}

static void
bench_search_engine(bench_ctx *c, size_t i)
{
	core_search_req req = {0};
	core_search_res res;
	int rv;

	req.q = c->typed[i];
	req.limit = BENCH_SEARCH_LIMIT;
	if ((rv = core_search(c->ds, &req, &res)) != 0) {
		bench_error(c, "search", i, rv);
		return;
	}
	c->sink += res.total;
	core_search_res_free(&res);
}

static void
bench_search_scan(bench_ctx *c, size_t i)
{
	size_t n;
	int rv;

	rv = bench_scan_search(
	    &c->scan, c->typed[i], BENCH_SEARCH_LIMIT, c->scan_ids, &n);
	if (rv != 0) {
		bench_error(c, "search scan", i, rv);
		return;
	}
	c->sink += c->scan.search_total;
}

static void
bench_complete_engine(bench_ctx *c, size_t i)
{
	size_t n;
	int rv;

	rv = core_complete(
	    c->ds, c->typed[i], BENCH_COMPLETE_LIMIT, c->suggestions, &n);
	if (rv != 0) {
		bench_error(c, "complete", i, rv);
		return;
	}
	c->sink += n;
}

static void
bench_complete_scan(bench_ctx *c, size_t i)
{
	size_t n;
	int rv;

	rv = bench_scan_complete(&c->scan, c->typed[i], BENCH_COMPLETE_LIMIT,
	    c->scan_suggestions, &n);
	if (rv != 0) {
		bench_error(c, "complete scan", i, rv);
		return;
	}
	c->sink += n;
}

static void
bench_nearest_engine(bench_ctx *c, size_t i)
{
	size_t n;
	int rv;

	rv = core_nearest(c->ds, c->points[i].lat, c->points[i].lng,
	    BENCH_NEAREST_K, 0, c->hits, &n);
	if (rv != 0) {
		bench_error(c, "nearest", i, rv);
		return;
	}
	c->sink += n;
}

static void
bench_nearest_scan(bench_ctx *c, size_t i)
{
	c->sink += bench_scan_nearest(&c->scan, c->points[i].lat,
	    c->points[i].lng, BENCH_NEAREST_K, c->scan_hits);
}

static void
bench_box_engine(bench_ctx *c, size_t i)
{
	const bench_box *b = &c->boxes[i];
	size_t n, total;
	int rv;

	rv = core_box(c->ds, b->south, b->west, b->north, b->east, c->ids,
	    BENCH_BOX_MAX, &n, &total);
	if (rv != 0) {
		bench_error(c, "box", i, rv);
		return;
	}
	c->sink += total;
}

static void
bench_box_scan(bench_ctx *c, size_t i)
{
	const bench_box *b = &c->boxes[i];

	c->sink += bench_scan_box(&c->scan, b->south, b->west, b->north,
	    b->east, c->scan_ids, BENCH_BOX_MAX);
}

static void
bench_film_engine(bench_ctx *c, size_t i)
{
	c->sink += core_film_by_id(c->ds, c->film_ids[i]) != NULL;
}

static void
bench_film_scan(bench_ctx *c, size_t i)
{
	c->sink += bench_scan_film_by_id(&c->scan, c->film_ids[i]) != NULL;
}

static void
bench_location_engine(bench_ctx *c, size_t i)
{
	c->sink += core_location_by_id(c->ds, c->location_ids[i]) != NULL;
}

static void
bench_location_scan(bench_ctx *c, size_t i)
{
	c->sink +=
	    bench_scan_location_by_id(&c->scan, c->location_ids[i]) != NULL;
}

/* Returns the title of film f for messages. */
static const char *
bench_film_title(const bench_ctx *c, uint32_t f)
{
	return c->scan.films[f].title;
}

/* Compares one engine hit with the scan's verdict on the same film. */
static int
bench_verify_search_hit(
    bench_ctx *c, size_t i, const core_search_hit *hit, int warn)
{
	const bench_scan *s = &c->scan;
	const core_film *film = &s->films[hit->film];
	size_t matched = 0;

	if (!s->film_hit[hit->film]) {
		if (warn) {
			printf("warning: search \"%s\": film \"%s\" matches in "
			       "the engine but not in the baseline\n",
			    c->typed[i], bench_film_title(c, hit->film));
		}
		return 1;
	}
	if (hit->score != s->film_score[hit->film]) {
		if (warn) {
			printf("warning: search \"%s\": film \"%s\" scores %u "
			       "in the engine but %u in the baseline\n",
			    c->typed[i], bench_film_title(c, hit->film),
			    hit->score, s->film_score[hit->film]);
		}
		return 1;
	}

	/* The engine lists matching locations in ascending order. */
	for (uint32_t l = film->first_location;
	     l < film->first_location + film->nlocations; l++) {
		int in_engine =
		    matched < hit->nlocations && hit->locations[matched] == l;

		matched += in_engine;
		if (in_engine != s->location_hit[l]) {
			if (warn) {
				printf("warning: search \"%s\": location "
				       "\"%s\" of \"%s\" matches in %s only\n",
				    c->typed[i], s->locations[l].text,
				    bench_film_title(c, hit->film),
				    in_engine ? "the engine" : "the baseline");
			}
			return 1;
		}
	}
	return 0;
}

/* Compares every matching film, its score and its matching locations. */
static int
bench_verify_search(bench_ctx *c, size_t i, int warn)
{
	core_search_req req = {0};
	core_search_res res;
	size_t n;
	int differ = 0;
	int rv;

	req.q = c->typed[i];
	req.limit = CORE_QUERY_MAX_LIMIT;
	if ((rv = core_search(c->ds, &req, &res)) != 0 ||
	    (rv = bench_scan_search(&c->scan, c->typed[i], CORE_QUERY_MAX_LIMIT,
	         c->scan_ids, &n)) != 0) {
		bench_error(c, "search", i, rv);
		return 1;
	}

	if (res.total != c->scan.search_total || res.nhits != n) {
		if (warn) {
			printf("warning: search \"%s\": the engine matches %zu "
			       "films, the baseline %zu\n",
			    c->typed[i], res.total, c->scan.search_total);
		}
		differ = 1;
	}
	for (size_t h = 0; h < res.nhits && !differ; h++) {
		differ = bench_verify_search_hit(c, i, &res.hits[h], warn);
	}
	core_search_res_free(&res);
	return differ;
}

/* Compares the whole ranked suggestion list, scores included. */
static int
bench_verify_complete(bench_ctx *c, size_t i, int warn)
{
	const core_suggestion *a = c->suggestions;
	const core_suggestion *b = c->scan_suggestions;
	size_t na, nb;
	int rv;

	if ((rv = core_complete(c->ds, c->typed[i], CORE_QUERY_MAX_LIMIT,
	         c->suggestions, &na)) != 0 ||
	    (rv = bench_scan_complete(&c->scan, c->typed[i],
	         CORE_QUERY_MAX_LIMIT, c->scan_suggestions, &nb)) != 0) {
		bench_error(c, "complete", i, rv);
		return 1;
	}

	for (size_t k = 0; k < na && k < nb; k++) {
		if (a[k].kind == b[k].kind && a[k].score == b[k].score &&
		    a[k].films == b[k].films &&
		    strcmp(a[k].text, b[k].text) == 0) {
			continue;
		}
		if (warn) {
			printf("warning: complete \"%s\": suggestion %zu is "
			       "%s \"%s\" (score %u) in the engine but %s "
			       "\"%s\" (score %u) in the baseline\n",
			    c->typed[i], k + 1, core_kind_name(a[k].kind),
			    a[k].text, a[k].score, core_kind_name(b[k].kind),
			    b[k].text, b[k].score);
		}
		return 1;
	}
	if (na != nb) {
		if (warn) {
			printf("warning: complete \"%s\": the engine suggests "
			       "%zu phrases, the baseline %zu\n",
			    c->typed[i], na, nb);
		}
		return 1;
	}
	return 0;
}

/* Compares the ids and distances of the nearest hits, in order. */
static int
bench_verify_nearest(bench_ctx *c, size_t i, int warn)
{
	const bench_point *p = &c->points[i];
	size_t na, nb;
	int rv;

	if ((rv = core_nearest(c->ds, p->lat, p->lng, BENCH_NEAREST_K, 0,
	         c->hits, &na)) != 0) {
		bench_error(c, "nearest", i, rv);
		return 1;
	}
	nb = bench_scan_nearest(
	    &c->scan, p->lat, p->lng, BENCH_NEAREST_K, c->scan_hits);

	for (size_t k = 0; k < na && k < nb; k++) {
		if (c->hits[k].id == c->scan_hits[k].id &&
		    c->hits[k].distance_m == c->scan_hits[k].distance_m) {
			continue;
		}
		if (warn) {
			printf("warning: nearest (%.5f, %.5f): hit %zu is "
			       "location %u at %.3f m in the engine but %u at "
			       "%.3f m in the baseline\n",
			    p->lat, p->lng, k + 1, c->hits[k].id,
			    c->hits[k].distance_m, c->scan_hits[k].id,
			    c->scan_hits[k].distance_m);
		}
		return 1;
	}
	if (na != nb) {
		if (warn) {
			printf("warning: nearest (%.5f, %.5f): the engine "
			       "returns %zu hits, the baseline %zu\n",
			    p->lat, p->lng, na, nb);
		}
		return 1;
	}
	return 0;
}

/* Compares the count inside the box and the lowest ids returned. */
static int
bench_verify_box(bench_ctx *c, size_t i, int warn)
{
	const bench_box *b = &c->boxes[i];
	size_t n, total, scan_total;
	int rv;

	if ((rv = core_box(c->ds, b->south, b->west, b->north, b->east, c->ids,
	         BENCH_BOX_MAX, &n, &total)) != 0) {
		bench_error(c, "box", i, rv);
		return 1;
	}
	scan_total = bench_scan_box(&c->scan, b->south, b->west, b->north,
	    b->east, c->scan_ids, BENCH_BOX_MAX);

	if (total != scan_total ||
	    memcmp(c->ids, c->scan_ids, n * sizeof(c->ids[0])) != 0) {
		if (warn) {
			printf(
			    "warning: box (%.4f, %.4f)-(%.4f, %.4f): the "
			    "engine finds %zu locations, the baseline %zu%s\n",
			    b->south, b->west, b->north, b->east, total,
			    scan_total,
			    total == scan_total ? ", with other ids" : "");
		}
		return 1;
	}
	return 0;
}

static int
bench_verify_film(bench_ctx *c, size_t i, int warn)
{
	const core_film *a = core_film_by_id(c->ds, c->film_ids[i]);
	const core_film *b = bench_scan_film_by_id(&c->scan, c->film_ids[i]);

	if (a != b && warn) {
		printf("warning: film id %016llx: the engine returns %s, the "
		       "baseline %s\n",
		    (unsigned long long)c->film_ids[i],
		    a ? a->title : "nothing", b ? b->title : "nothing");
	}
	return a != b;
}

static int
bench_verify_location(bench_ctx *c, size_t i, int warn)
{
	const core_location *a = core_location_by_id(c->ds, c->location_ids[i]);
	const core_location *b =
	    bench_scan_location_by_id(&c->scan, c->location_ids[i]);

	if (a != b && warn) {
		printf("warning: location id %016llx: the engine returns %s, "
		       "the baseline %s\n",
		    (unsigned long long)c->location_ids[i],
		    a ? a->text : "nothing", b ? b->text : "nothing");
	}
	return a != b;
}

static void
bench_describe_typed(const bench_ctx *c, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "\"%s\"", c->typed[i]);
}

static void
bench_describe_point(const bench_ctx *c, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "(%.5f, %.5f)", c->points[i].lat, c->points[i].lng);
}

static void
bench_describe_box(const bench_ctx *c, size_t i, char *buf, size_t len)
{
	const bench_box *b = &c->boxes[i];

	snprintf(buf, len, "(%.4f, %.4f)-(%.4f, %.4f)", b->south, b->west,
	    b->north, b->east);
}

static void
bench_describe_film(const bench_ctx *c, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx", (unsigned long long)c->film_ids[i]);
}

static void
bench_describe_location(const bench_ctx *c, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx", (unsigned long long)c->location_ids[i]);
}

const bench_kind bench_kinds[] = {
    {"search", bench_count_typed, bench_search_engine, bench_search_scan,
        bench_verify_search, bench_describe_typed},
    {"complete", bench_count_typed, bench_complete_engine, bench_complete_scan,
        bench_verify_complete, bench_describe_typed},
    {"nearest", bench_count_points, bench_nearest_engine, bench_nearest_scan,
        bench_verify_nearest, bench_describe_point},
    {"box", bench_count_boxes, bench_box_engine, bench_box_scan,
        bench_verify_box, bench_describe_box},
    {"film", bench_count_ids, bench_film_engine, bench_film_scan,
        bench_verify_film, bench_describe_film},
    {"location", bench_count_ids, bench_location_engine, bench_location_scan,
        bench_verify_location, bench_describe_location},
};

_Static_assert(sizeof(bench_kinds) / sizeof(bench_kinds[0]) == BENCH_NKINDS,
    "BENCH_NKINDS must count the kinds");

/* Adds every keystroke prefix of the typed targets that does not end in a
 * space, since a trailing space normalizes to the query before it. */
static int
bench_init_typed(bench_ctx *c)
{
	size_t ntargets =
	    sizeof(bench_typed_targets) / sizeof(bench_typed_targets[0]);
	size_t cap = 0;

	for (size_t t = 0; t < ntargets; t++) {
		cap += strlen(bench_typed_targets[t]);
	}
	if ((c->typed = calloc(cap, sizeof(*c->typed))) == NULL) {
		return CORE_ENOMEM;
	}
	for (size_t t = 0; t < ntargets; t++) {
		const char *target = bench_typed_targets[t];

		for (size_t len = 1; len <= strlen(target); len++) {
			if (target[len - 1] == ' ') {
				continue;
			}
			if ((c->typed[c->ntyped] = strndup(target, len)) ==
			    NULL) {
				return CORE_ENOMEM;
			}
			c->ntyped++;
		}
	}
	return 0;
}

static void
bench_init_geo(bench_ctx *c)
{
	size_t nviews = BENCH_NVIEWPORTS;
	double lat_span = BENCH_CITY_NORTH - BENCH_CITY_SOUTH;
	double lng_span = BENCH_CITY_EAST - BENCH_CITY_WEST;
	size_t n = 0;

	for (size_t i = 0; i < BENCH_GRID; i++) {
		for (size_t j = 0; j < BENCH_GRID; j++) {
			c->points[n].lat =
			    BENCH_CITY_SOUTH + lat_span * i / (BENCH_GRID - 1);
			c->points[n].lng =
			    BENCH_CITY_WEST + lng_span * j / (BENCH_GRID - 1);
			n++;
		}
	}

	/* Viewport centres sit in the middle of the cells of a grid. */
	n = 0;
	for (size_t v = 0; v < nviews; v++) {
		for (size_t i = 0; i < BENCH_VIEWPORT_GRID; i++) {
			for (size_t j = 0; j < BENCH_VIEWPORT_GRID; j++) {
				double lat = BENCH_CITY_SOUTH +
				    lat_span * (i + 0.5) / BENCH_VIEWPORT_GRID;
				double lng = BENCH_CITY_WEST +
				    lng_span * (j + 0.5) / BENCH_VIEWPORT_GRID;
				bench_box *b = &c->boxes[n++];

				b->south = lat - bench_viewports[v][0] / 2;
				b->north = lat + bench_viewports[v][0] / 2;
				b->west = lng - bench_viewports[v][1] / 2;
				b->east = lng + bench_viewports[v][1] / 2;
			}
		}
	}
}

/* Returns the next value of the splitmix64 generator in *state. */
static uint64_t
bench_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Picks ids spread over the films and locations, with every
 * BENCH_ABSENT_EVERY-th query an id that is almost surely absent. */
static void
bench_init_ids(bench_ctx *c)
{
	const bench_scan *s = &c->scan;
	uint64_t state = 1;

	for (size_t i = 0; i < BENCH_LOOKUP_QUERIES; i++) {
		int absent = i % BENCH_ABSENT_EVERY == BENCH_ABSENT_EVERY - 1;

		c->film_ids[i] = absent || s->nfilms == 0
		    ? bench_random(&state)
		    : s->films[i * s->nfilms / BENCH_LOOKUP_QUERIES].id;
		c->location_ids[i] = absent || s->nlocations == 0
		    ? bench_random(&state)
		    : s->locations[i * s->nlocations / BENCH_LOOKUP_QUERIES].id;
	}
}

int
bench_queries_init(bench_ctx *c)
{
	int rv;

	if ((rv = bench_init_typed(c)) != 0) {
		return rv;
	}
	bench_init_geo(c);
	bench_init_ids(c);
	return 0;
}

void
bench_queries_free(bench_ctx *c)
{
	for (size_t i = 0; i < c->ntyped; i++) {
		free(c->typed[i]);
	}
	free(c->typed);
	c->typed = NULL;
	c->ntyped = 0;
}

const bench_kind *
bench_find_kind(const char *name)
{
	for (size_t k = 0; k < BENCH_NKINDS; k++) {
		if (strcmp(bench_kinds[k].name, name) == 0) {
			return &bench_kinds[k];
		}
	}
	return NULL;
}
