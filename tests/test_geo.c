/* cmocka.h needs these headers first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_geo.h"

/*
 * Expected distances below come from the spherical Vincenty formula
 * R·atan2(hypot(cos φ2 sin Δλ, cos φ1 sin φ2 - sin φ1 cos φ2 cos Δλ),
 * sin φ1 sin φ2 + cos φ1 cos φ2 cos Δλ) with R = 6371008.8 m, computed in
 * Python, which is independent of the haversine form under test.
 */
#define FERRY_LAT       37.7955
#define FERRY_LNG       -122.3937
#define COIT_LAT        37.8024
#define COIT_LNG        -122.4058
#define FERRY_TO_COIT_M 1311.0788431362835

#define DEG_PER_RAD (180.0 / 3.14159265358979323846)

#define SF_POINTS  3000
#define SF_QUERIES 300

#define assert_near(actual, expected, tol)                                     \
	check_near((actual), (expected), (tol), __FILE__, __LINE__)

static void
check_near(double actual, double expected, double tol, const char *file,
           int line)
{
	if (!(fabs(actual - expected) <= tol)) {
		print_error("%.17g is not within %g of %.17g\n", actual, tol,
		            expected);
		_fail(file, line);
	}
}

/* Returns the next value of a splitmix64 generator. */
static uint64_t
rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Returns a uniform double in [lo, hi). */
static double
rand_range(uint64_t *state, double lo, double hi)
{
	return lo + (hi - lo) * ((double)(rand_next(state) >> 11) * 0x1.0p-53);
}

static core_geo *
build_ok(const core_geo_point *pts, size_t n)
{
	core_geo *g = NULL;

	assert_int_equal(core_geo_build(&g, pts, n), 0);
	assert_non_null(g);
	return g;
}

static int
hit_cmp(const void *a, const void *b)
{
	const core_geo_hit *x = a;
	const core_geo_hit *y = b;

	if (x->distance_m != y->distance_m) {
		return x->distance_m < y->distance_m ? -1 : 1;
	}
	return (x->id > y->id) - (x->id < y->id);
}

static int
id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Computes the expected result of core_geo_nearest by measuring every point.
 * all must have room for n hits, and the expected hits are its first
 * entries.
 */
static size_t
scan_nearest(const core_geo_point *pts, size_t n, double lat, double lng,
             size_t k, double radius_m, core_geo_hit *all)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		double d =
		    core_geo_distance_m(lat, lng, pts[i].lat, pts[i].lng);

		if (radius_m > 0 && d > radius_m) {
			continue;
		}
		all[len].id = pts[i].id;
		all[len].distance_m = d;
		len++;
	}
	qsort(all, len, sizeof(*all), hit_cmp);
	return len < k ? len : k;
}

/* Computes the expected result of core_geo_box; all must hold n ids. */
static size_t
scan_box(const core_geo_point *pts, size_t n, double south, double west,
         double north, double east, uint32_t *all)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		if (pts[i].lat >= south && pts[i].lat <= north &&
		    pts[i].lng >= west && pts[i].lng <= east) {
			all[len++] = pts[i].id;
		}
	}
	qsort(all, len, sizeof(*all), id_cmp);
	return len;
}

static void
assert_nearest_matches_scan(const core_geo *g, const core_geo_point *pts,
                            size_t n, double lat, double lng, size_t k,
                            double radius_m)
{
	core_geo_hit *got = calloc(k, sizeof(*got));
	core_geo_hit *want = calloc(n, sizeof(*want));
	size_t want_len;

	assert_non_null(got);
	assert_non_null(want);
	want_len = scan_nearest(pts, n, lat, lng, k, radius_m, want);
	assert_int_equal(core_geo_nearest(g, lat, lng, k, radius_m, got),
	                 want_len);
	for (size_t i = 0; i < want_len; i++) {
		assert_int_equal(got[i].id, want[i].id);
		assert_near(got[i].distance_m, want[i].distance_m, 0.0);
	}
	free(got);
	free(want);
}

static void
assert_box_matches_scan(const core_geo *g, const core_geo_point *pts, size_t n,
                        double south, double west, double north, double east,
                        size_t max)
{
	uint32_t *got = calloc(max + 1, sizeof(*got));
	uint32_t *want = calloc(n + 1, sizeof(*want));
	size_t want_len;

	assert_non_null(got);
	assert_non_null(want);
	want_len = scan_box(pts, n, south, west, north, east, want);
	assert_int_equal(core_geo_box(g, south, west, north, east, got, max),
	                 want_len);
	for (size_t i = 0; i < want_len && i < max; i++) {
		assert_int_equal(got[i], want[i]);
	}
	free(got);
	free(want);
}

/* Points spread far from San Francisco: the bounds must still hold there. */
static const core_geo_point far_points[] = {
    {36.85, -121.54, 0},    /* Gilroy, about 130 km south-east */
    {-37.7749, 57.5806, 0}, /* antipode of San Francisco */
    {37.8, 57.6, 0},        /* same latitude, opposite longitude */
    {0.0, 179.99, 0},       /* either side of the antimeridian */
    {0.0, -179.99, 0},       {89.99, 10.0, 0},      /* near the poles */
    {-89.99, -100.0, 0},     {51.5074, -0.1278, 0}, /* London */
    {-33.8688, 151.2093, 0},                        /* Sydney */
};

#define FAR_COUNT (sizeof(far_points) / sizeof(far_points[0]))

/* Queries far from San Francisco, on the antimeridian and at the poles. */
static const double far_queries[][2] = {
    {36.9, -121.6}, {-37.7749, 57.5806}, {-37.7, 57.5}, {37.8, 57.0},
    {0.0, 180.0},   {0.0, -180.0},       {0.5, -179.9}, {90.0, 0.0},
    {-90.0, 0.0},   {-89.9, 80.0},       {51.0, 0.0},   {-33.0, 151.0},
    {0.0, 0.0},
};

#define FAR_QUERY_COUNT (sizeof(far_queries) / sizeof(far_queries[0]))

/*
 * Fills pts with n points: random ones in San Francisco, every tenth one a
 * copy of an earlier point so that ties occur, and the far points at the
 * end. Ids are a shuffled permutation, so id order differs from array order.
 */
static void
make_sf_points(core_geo_point *pts, size_t n, uint64_t seed)
{
	uint64_t rng = seed;

	for (size_t i = 0; i < n; i++) {
		if (i + FAR_COUNT >= n) {
			pts[i] = far_points[i + FAR_COUNT - n];
		} else if (i % 10 == 9) {
			pts[i] = pts[rand_next(&rng) % i];
		} else {
			pts[i].lat = rand_range(&rng, 37.70, 37.83);
			pts[i].lng = rand_range(&rng, -122.52, -122.35);
		}
		pts[i].id = (uint32_t)i;
	}
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rand_next(&rng) % (i + 1);
		uint32_t t = pts[i].id;

		pts[i].id = pts[j].id;
		pts[j].id = t;
	}
}

static void
geo_distance_ferry_to_coit(void **state)
{
	(void)state;

	assert_near(
	    core_geo_distance_m(FERRY_LAT, FERRY_LNG, COIT_LAT, COIT_LNG),
	    FERRY_TO_COIT_M, 1e-3);
	assert_near(
	    core_geo_distance_m(COIT_LAT, COIT_LNG, FERRY_LAT, FERRY_LNG),
	    FERRY_TO_COIT_M, 1e-3);
}

static void
geo_distance_long_range(void **state)
{
	(void)state;

	assert_near(core_geo_distance_m(FERRY_LAT, FERRY_LNG, 36.85, -121.54),
	            129427.93905323413, 1e-3);
	assert_near(core_geo_distance_m(0.0, 179.99, 0.0, -179.99),
	            2223.9016046720803, 1e-3);
	assert_near(core_geo_distance_m(89.9, 0.0, 89.9, 180.0),
	            22239.01604670598, 1e-3);

	/* Half the circumference, πR; asin is ill-conditioned here. */
	assert_near(core_geo_distance_m(0.0, 0.0, 0.0, 180.0),
	            20015114.442035925, 1.0);
	assert_near(core_geo_distance_m(37.7749, -122.4194, -37.7749, 57.5806),
	            20015114.442035925, 1.0);
}

static void
geo_distance_tiny(void **state)
{
	(void)state;

	assert_near(
	    core_geo_distance_m(FERRY_LAT, FERRY_LNG, FERRY_LAT, FERRY_LNG),
	    0.0, 0.0);
	assert_near(
	    core_geo_distance_m(FERRY_LAT, FERRY_LNG, 37.7955001, FERRY_LNG),
	    0.011119507784390236, 1e-8);
	assert_near(
	    core_geo_distance_m(FERRY_LAT, FERRY_LNG, FERRY_LAT, -122.3936999),
	    0.008786670050387763, 1e-8);
}

static void
geo_build_rejects_invalid(void **state)
{
	static const double bad[][2] = {
	    {NAN, 0.0},      {0.0, NAN},    {91.0, 0.0},     {-90.0001, 0.0},
	    {0.0, 180.0001}, {0.0, -181.0}, {INFINITY, 0.0}, {0.0, -INFINITY},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		core_geo_point pts[3] = {
		    {FERRY_LAT, FERRY_LNG, 1},
		    {COIT_LAT, COIT_LNG, 2},
		    {bad[i][0], bad[i][1], 3},
		};
		core_geo *g = NULL;

		assert_int_equal(core_geo_build(&g, pts, 3), CORE_EINVAL);
		assert_null(g);
	}
}

static void
geo_build_accepts_limits(void **state)
{
	core_geo_point pts[] = {
	    {90.0, -180.0, 4},
	    {90.0, 180.0, 2},
	    {-90.0, 0.0, 3},
	    {0.0, 180.0, 1},
	};
	core_geo_hit hits[4];
	core_geo *g = build_ok(pts, 4);
	(void)state;

	/* Every longitude at a pole is the same point. */
	assert_int_equal(core_geo_nearest(g, 90.0, 0.0, 4, 1.0, hits), 2);
	assert_int_equal(hits[0].id, 2);
	assert_int_equal(hits[1].id, 4);
	assert_near(hits[0].distance_m, 0.0, 1e-6);
	assert_near(hits[1].distance_m, 0.0, 1e-6);

	/* Longitudes -180 and 180 are the same meridian. */
	assert_int_equal(core_geo_nearest(g, 0.0, -180.0, 1, 0.0, hits), 1);
	assert_int_equal(hits[0].id, 1);
	assert_near(hits[0].distance_m, 0.0, 1e-6);
	core_geo_free(g);
}

static void
geo_empty_index(void **state)
{
	core_geo_hit hit;
	uint32_t id;
	core_geo *g = build_ok(NULL, 0);
	(void)state;

	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 5, 0.0, &hit), 0);
	assert_int_equal(core_geo_box(g, -90.0, -180.0, 90.0, 180.0, &id, 1),
	                 0);
	core_geo_free(g);
	core_geo_free(NULL);
}

static void
geo_single_point(void **state)
{
	core_geo_point pt = {COIT_LAT, COIT_LNG, 42};
	core_geo_hit hits[5];
	uint32_t ids[2];
	core_geo *g = build_ok(&pt, 1);
	(void)state;

	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 5, 0.0, hits), 1);
	assert_int_equal(hits[0].id, 42);
	assert_near(hits[0].distance_m, FERRY_TO_COIT_M, 1e-3);

	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 1, 1000.0, hits), 0);
	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 1, 1312.0, hits), 1);

	/* The box is inclusive: a box that is exactly the point contains it. */
	assert_int_equal(
	    core_geo_box(g, COIT_LAT, COIT_LNG, COIT_LAT, COIT_LNG, ids, 2), 1);
	assert_int_equal(ids[0], 42);
	core_geo_free(g);
}

static void
geo_nearest_k_zero(void **state)
{
	core_geo_point pt = {COIT_LAT, COIT_LNG, 42};
	core_geo_hit hit = {7, -1.0};
	core_geo *g = build_ok(&pt, 1);
	(void)state;

	assert_int_equal(core_geo_nearest(g, COIT_LAT, COIT_LNG, 0, 0.0, &hit),
	                 0);
	assert_int_equal(hit.id, 7);
	core_geo_free(g);
}

static void
geo_duplicates_tie_by_id(void **state)
{
	core_geo_point pts[] = {
	    {FERRY_LAT, FERRY_LNG, 9}, {FERRY_LAT, FERRY_LNG, 3},
	    {COIT_LAT, COIT_LNG, 0},   {FERRY_LAT, FERRY_LNG, 7},
	    {FERRY_LAT, FERRY_LNG, 1}, {FERRY_LAT, FERRY_LNG, 5},
	};
	static const uint32_t order[] = {1, 3, 5, 7, 9, 0};
	core_geo_hit hits[6];
	core_geo *g = build_ok(pts, 6);
	(void)state;

	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 3, 0.0, hits), 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(hits[i].id, order[i]);
		assert_near(hits[i].distance_m, 0.0, 0.0);
	}

	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 6, 0.0, hits), 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(hits[i].id, order[i]);
	}
	assert_near(hits[5].distance_m, FERRY_TO_COIT_M, 1e-3);
	core_geo_free(g);
}

static void
geo_nearest_ties_across_nodes(void **state)
{
	core_geo_point pts[40];
	core_geo_hit hits[5];
	core_geo *g;
	(void)state;

	/*
	 * Two clusters of 20 equal points, 0.01° east and west of the query,
	 * land in different leaves at the same distance. The west cluster has
	 * the lower ids, so it must win even when the east leaf is searched
	 * first and fills the heap.
	 */
	for (size_t i = 0; i < 20; i++) {
		pts[i] = (core_geo_point){0.0, 0.01, 100 + i};
		pts[20 + i] = (core_geo_point){0.0, -0.01, i};
	}
	g = build_ok(pts, 40);

	assert_int_equal(core_geo_nearest(g, 0.0, 0.0, 5, 0.0, hits), 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(hits[i].id, i);
		/* 0.01° of the equator is R·π/18000 = 1111.9508 m. */
		assert_near(hits[i].distance_m, 1111.9508023353292, 1e-3);
	}
	core_geo_free(g);
}

static void
geo_all_points_equal(void **state)
{
	enum { N = 1000 };
	core_geo_point *pts = calloc(N, sizeof(*pts));
	core_geo_hit *hits = calloc(N, sizeof(*hits));
	uint32_t ids[10];
	core_geo *g;
	(void)state;

	assert_non_null(pts);
	assert_non_null(hits);
	for (size_t i = 0; i < N; i++) {
		pts[i] = (core_geo_point){FERRY_LAT, FERRY_LNG, N - 1 - i};
	}
	g = build_ok(pts, N);

	assert_int_equal(core_geo_nearest(g, COIT_LAT, COIT_LNG, 10, 0.0, hits),
	                 10);
	for (size_t i = 0; i < 10; i++) {
		assert_int_equal(hits[i].id, i);
		assert_near(hits[i].distance_m, FERRY_TO_COIT_M, 1e-3);
	}

	assert_int_equal(core_geo_nearest(g, COIT_LAT, COIT_LNG, N, 0.0, hits),
	                 N);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(hits[i].id, i);
	}

	assert_int_equal(core_geo_box(g, FERRY_LAT, FERRY_LNG, FERRY_LAT,
	                              FERRY_LNG, ids, 10),
	                 N);
	for (size_t i = 0; i < 10; i++) {
		assert_int_equal(ids[i], i);
	}
	core_geo_free(g);
	free(pts);
	free(hits);
}

static void
geo_nearest_k_exceeds_n(void **state)
{
	core_geo_point pts[20];
	core_geo_hit hits[50];
	core_geo *g;
	(void)state;

	/* Points due north of the Ferry Building, 0.001° apart, ids reversed.
	 */
	for (size_t i = 0; i < 20; i++) {
		pts[i] = (core_geo_point){FERRY_LAT + 0.001 * (double)i,
		                          FERRY_LNG, 19 - i};
	}
	g = build_ok(pts, 20);

	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 50, 0.0, hits), 20);
	for (size_t i = 0; i < 20; i++) {
		/* 0.001° of latitude is R·π/180000 = 111.19508 m. */
		assert_int_equal(hits[i].id, 19 - i);
		assert_near(hits[i].distance_m, 111.19508023353292 * (double)i,
		            1e-3);
	}
	core_geo_free(g);
}

static void
geo_radius_excludes_all(void **state)
{
	core_geo_point pts[] = {
	    {COIT_LAT, COIT_LNG, 1},
	    {36.85, -121.54, 2},
	};
	core_geo_hit hits[2];
	core_geo *g = build_ok(pts, 2);
	double exact;
	(void)state;

	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 2, 1000.0, hits), 0);

	/* A point exactly radius_m away is within the radius. */
	exact = core_geo_distance_m(FERRY_LAT, FERRY_LNG, COIT_LAT, COIT_LNG);
	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 2, exact, hits), 1);
	assert_int_equal(hits[0].id, 1);

	/* A radius of 0 or less applies no filter. */
	assert_int_equal(
	    core_geo_nearest(g, FERRY_LAT, FERRY_LNG, 2, -5.0, hits), 2);
	assert_int_equal(hits[1].id, 2);
	assert_near(hits[1].distance_m, 129427.93905323413, 1e-3);
	core_geo_free(g);
}

static void
geo_nearest_crosses_antimeridian(void **state)
{
	core_geo_point pts[200];
	core_geo_hit hits[2];
	core_geo *g;
	(void)state;

	/* 0.9° steps west from 179.9, plus one point just east of -180. */
	for (size_t i = 0; i < 199; i++) {
		pts[i] = (core_geo_point){0.0, 179.9 - 0.9 * (double)i, i};
	}
	pts[199] = (core_geo_point){0.0, -179.99, 199};
	g = build_ok(pts, 200);

	assert_int_equal(core_geo_nearest(g, 0.0, 179.99, 2, 0.0, hits), 2);
	assert_int_equal(hits[0].id, 199);
	assert_near(hits[0].distance_m, 2223.9016046720803, 1e-3);
	assert_int_equal(hits[1].id, 0);
	core_geo_free(g);
}

static void
geo_nearest_wraps_query_longitude(void **state)
{
	core_geo_point pts[] = {
	    {10.0, -170.0, 1},
	    {10.0, 170.0, 2},
	};
	core_geo_hit hits[2];
	core_geo *g = build_ok(pts, 2);
	(void)state;

	assert_int_equal(core_geo_nearest(g, 10.0, 190.0, 1, 0.0, hits), 1);
	assert_int_equal(hits[0].id, 1);
	assert_near(hits[0].distance_m, 0.0, 1e-6);
	core_geo_free(g);
}

static void
geo_nearest_invalid_query_empty(void **state)
{
	core_geo_point pt = {COIT_LAT, COIT_LNG, 1};
	core_geo_hit hit;
	core_geo *g = build_ok(&pt, 1);
	(void)state;

	assert_int_equal(core_geo_nearest(g, NAN, COIT_LNG, 1, 0.0, &hit), 0);
	assert_int_equal(core_geo_nearest(g, COIT_LAT, INFINITY, 1, 0.0, &hit),
	                 0);
	assert_int_equal(core_geo_nearest(g, 91.0, COIT_LNG, 1, 0.0, &hit), 0);
	core_geo_free(g);
}

static void
geo_box_edges_and_limits(void **state)
{
	core_geo_point pts[] = {
	    {37.80, -122.40, 5}, /* on the south-west corner */
	    {37.81, -122.39, 6}, /* on the north-east corner */
	    {37.805, -122.395, 2},   {37.79999, -122.395, 1}, /* just south */
	    {37.805, -122.38999, 3},                          /* just east */
	    {37.805, -122.40, 4}, /* on the west edge */
	};
	uint32_t ids[6];
	core_geo *g = build_ok(pts, 6);
	(void)state;

	assert_int_equal(
	    core_geo_box(g, 37.80, -122.40, 37.81, -122.39, ids, 6), 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	assert_int_equal(ids[2], 5);
	assert_int_equal(ids[3], 6);

	/* The total counts past max, and out keeps the lowest ids. */
	assert_int_equal(
	    core_geo_box(g, 37.80, -122.40, 37.81, -122.39, ids, 2), 4);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	assert_int_equal(
	    core_geo_box(g, 37.80, -122.40, 37.81, -122.39, NULL, 0), 4);

	assert_int_equal(
	    core_geo_box(g, 37.80, -122.39, 37.81, -122.40, ids, 6), 0);
	assert_int_equal(
	    core_geo_box(g, 37.81, -122.40, 37.80, -122.39, ids, 6), 0);
	core_geo_free(g);
}

static void
geo_nearest_matches_scan(void **state)
{
	static const size_t ks[] = {1, 5, 50};
	static const double radii[] = {0.0, 300.0, 2000.0, 2.0e7};
	core_geo_point *pts = calloc(SF_POINTS, sizeof(*pts));
	uint64_t rng = 7;
	core_geo *g;
	(void)state;

	assert_non_null(pts);
	make_sf_points(pts, SF_POINTS, 1);
	g = build_ok(pts, SF_POINTS);

	for (size_t q = 0; q < SF_QUERIES + FAR_QUERY_COUNT; q++) {
		double lat, lng;

		if (q < SF_QUERIES) {
			lat = rand_range(&rng, 37.65, 37.88);
			lng = rand_range(&rng, -122.60, -122.30);
		} else {
			lat = far_queries[q - SF_QUERIES][0];
			lng = far_queries[q - SF_QUERIES][1];
		}
		for (size_t i = 0; i < 3; i++) {
			for (size_t j = 0; j < 4; j++) {
				assert_nearest_matches_scan(g, pts, SF_POINTS,
				                            lat, lng, ks[i],
				                            radii[j]);
			}
		}
	}
	core_geo_free(g);
	free(pts);
}

static void
geo_nearest_large_k_matches_scan(void **state)
{
	static const size_t ks[] = {65, 300, SF_POINTS + 5};
	core_geo_point *pts = calloc(SF_POINTS, sizeof(*pts));
	uint64_t rng = 11;
	core_geo *g;
	(void)state;

	assert_non_null(pts);
	make_sf_points(pts, SF_POINTS, 2);
	g = build_ok(pts, SF_POINTS);

	for (size_t q = 0; q < 30; q++) {
		double lat = rand_range(&rng, 37.65, 37.88);
		double lng = rand_range(&rng, -122.60, -122.30);

		for (size_t i = 0; i < 3; i++) {
			assert_nearest_matches_scan(g, pts, SF_POINTS, lat, lng,
			                            ks[i], 0.0);
			assert_nearest_matches_scan(g, pts, SF_POINTS, lat, lng,
			                            ks[i], 1500.0);
		}
	}
	core_geo_free(g);
	free(pts);
}

static void
geo_nearest_global_matches_scan(void **state)
{
	enum { N = 2000 };
	static const size_t ks[] = {1, 5, 50};
	core_geo_point *pts = calloc(N, sizeof(*pts));
	uint64_t rng = 3;
	core_geo *g;
	(void)state;

	/* Uniform on the sphere: sin(lat) is uniform in [-1, 1]. */
	assert_non_null(pts);
	for (size_t i = 0; i < N; i++) {
		pts[i].lat = asin(rand_range(&rng, -1.0, 1.0)) * DEG_PER_RAD;
		pts[i].lng = rand_range(&rng, -180.0, 180.0);
		pts[i].id = (uint32_t)(N - 1 - i);
	}
	g = build_ok(pts, N);

	for (size_t q = 0; q < 200; q++) {
		double lat = asin(rand_range(&rng, -1.0, 1.0)) * DEG_PER_RAD;
		double lng = rand_range(&rng, -180.0, 180.0);

		for (size_t i = 0; i < 3; i++) {
			assert_nearest_matches_scan(g, pts, N, lat, lng, ks[i],
			                            0.0);
			assert_nearest_matches_scan(g, pts, N, lat, lng, ks[i],
			                            1.0e6);
		}
	}
	core_geo_free(g);
	free(pts);
}

static void
geo_box_matches_scan(void **state)
{
	static const size_t maxes[] = {0, 1, 10, SF_POINTS};
	core_geo_point *pts = calloc(SF_POINTS, sizeof(*pts));
	uint64_t rng = 5;
	core_geo *g;
	(void)state;

	assert_non_null(pts);
	make_sf_points(pts, SF_POINTS, 3);
	g = build_ok(pts, SF_POINTS);

	for (size_t q = 0; q < 500; q++) {
		double lat1 = rand_range(&rng, 37.65, 37.88);
		double lat2 = rand_range(&rng, 37.65, 37.88);
		double lng1 = rand_range(&rng, -122.60, -122.30);
		double lng2 = rand_range(&rng, -122.60, -122.30);

		/* Some edges sit exactly on a point to test inclusion. */
		if (q % 4 == 0) {
			lat1 = pts[rand_next(&rng) % SF_POINTS].lat;
			lng2 = pts[rand_next(&rng) % SF_POINTS].lng;
		}
		for (size_t i = 0; i < 4; i++) {
			assert_box_matches_scan(
			    g, pts, SF_POINTS, fmin(lat1, lat2),
			    fmin(lng1, lng2), fmax(lat1, lat2),
			    fmax(lng1, lng2), maxes[i]);
		}
	}

	/* The whole globe contains the far points too. */
	assert_box_matches_scan(g, pts, SF_POINTS, -90.0, -180.0, 90.0, 180.0,
	                        SF_POINTS);
	core_geo_free(g);
	free(pts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(geo_distance_ferry_to_coit),
	    cmocka_unit_test(geo_distance_long_range),
	    cmocka_unit_test(geo_distance_tiny),
	    cmocka_unit_test(geo_build_rejects_invalid),
	    cmocka_unit_test(geo_build_accepts_limits),
	    cmocka_unit_test(geo_empty_index),
	    cmocka_unit_test(geo_single_point),
	    cmocka_unit_test(geo_nearest_k_zero),
	    cmocka_unit_test(geo_duplicates_tie_by_id),
	    cmocka_unit_test(geo_nearest_ties_across_nodes),
	    cmocka_unit_test(geo_all_points_equal),
	    cmocka_unit_test(geo_nearest_k_exceeds_n),
	    cmocka_unit_test(geo_radius_excludes_all),
	    cmocka_unit_test(geo_nearest_crosses_antimeridian),
	    cmocka_unit_test(geo_nearest_wraps_query_longitude),
	    cmocka_unit_test(geo_nearest_invalid_query_empty),
	    cmocka_unit_test(geo_box_edges_and_limits),
	    cmocka_unit_test(geo_nearest_matches_scan),
	    cmocka_unit_test(geo_nearest_large_k_matches_scan),
	    cmocka_unit_test(geo_nearest_global_matches_scan),
	    cmocka_unit_test(geo_box_matches_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
