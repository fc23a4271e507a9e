/*
 * Tests of core_nearest and core_box on the newest DataSF export.
 *
 * Expected locations and distances were computed from the CSV with Python's
 * csv module, apart from the C code: one location per film and matching
 * form of its text, its point from Latitude and Longitude, and a brute-force
 * haversine distance with R = 6371008.8 m to every point. Locations at one
 * point are listed in location order, the order core_dataset_locations
 * returns: films sorted by matching title and year, then rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_query.h"
#include "test_data.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Landmarks, in degrees. */
#define FERRY_LAT  37.7955
#define FERRY_LNG  -122.3937
#define BRIDGE_LAT 37.8199
#define BRIDGE_LNG -122.4783

/* Metres of disagreement allowed between the two haversine computations. */
#define DISTANCE_TOL 0.01

/* Located locations: 2121 of the 2153 have a point. */
#define NEWEST_LOCATED 2121

typedef struct near_ref {
	const char *text;  /* the location */
	const char *title; /* its film */
	double distance_m;
} near_ref;

static core_geo_hit hits[CORE_QUERY_MAX_LIMIT];

#define assert_near(actual, expected, tol)                                     \
	check_near((actual), (expected), (tol), __FILE__, __LINE__)

static void
check_near(
    double actual, double expected, double tol, const char *file, int line)
{
	if (!(fabs(actual - expected) <= tol)) {
		print_error(
		    "%.17g is not within %g of %.17g\n", actual, tol, expected);
		_fail(file, line);
	}
}

/* Runs a nearest query that must succeed, checks the order of the hits and
 * that each is a located location, and returns their count. */
static size_t
nearest_ok(
    const core_dataset *ds, double lat, double lng, size_t k, double radius_m)
{
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);
	size_t n = SIZE_MAX;

	assert_int_equal(core_nearest(ds, lat, lng, k, radius_m, hits, &n), 0);
	assert_true(n <= k);
	for (size_t i = 0; i < n; i++) {
		assert_true(hits[i].id < nlocations);
		assert_true(locs[hits[i].id].flags & CORE_LOC_HAS_POINT);
		if (i > 0) {
			assert_true(
			    hits[i - 1].distance_m <= hits[i].distance_m);
		}
		if (i > 0 && hits[i - 1].distance_m == hits[i].distance_m) {
			assert_true(hits[i - 1].id < hits[i].id);
		}
	}
	return n;
}

/* Checks the first n hits against want, by location text, film title and
 * distance. */
static void
expect_nearest(const core_dataset *ds, const near_ref *want, size_t n)
{
	size_t nlocations;
	size_t nfilms;
	const core_location *locs = core_dataset_locations(ds, &nlocations);
	const core_film *films = core_dataset_films(ds, &nfilms);

	for (size_t i = 0; i < n; i++) {
		const core_location *loc = &locs[hits[i].id];

		assert_string_equal(loc->text, want[i].text);
		assert_string_equal(films[loc->film].title, want[i].title);
		assert_near(
		    hits[i].distance_m, want[i].distance_m, DISTANCE_TOL);
	}
}

static void
nearest_ferry_building(void **state)
{
	const core_dataset *ds = *state;
	static const near_ref want[] = {
	    /* Twelve locations share the point 37.7954425,-122.3936136. */
	    {"Ferry Building", "Boys and Girls", 9.925387},
	    {"The Embarcadero/ Ferry Building", "D.O.A", 9.925387},
	    {"Ferry Building", "Interview With The Vampire", 9.925387},
	    {"The Ferry Building", "I Remember Mama", 9.925387},
	    {"Ferry Building", "Just One Night", 9.925387},
	    {"Ferry Building", "Serial", 9.925387},
	    {"The Embarcadero/Ferry Building", "Sudden Impact", 9.925387},
	    {"Mission St., Embarcadero, and Front between Clay and Market",
	        "Terminator - Genisys", 9.925387},
	    {"Ferry Building, San Francisco", "The Last Thing He Told Me",
	        9.925387},
	    {"Ferry Building", "The Maltese Falcon", 9.925387},
	    {"Ferry plaza, The Embarcadero between Mission & Howard",
	        "The Moon Is in Aquarius", 9.925387},
	    {"Ferry Building", "The Presidio", 9.925387},
	    {"Harry Bridges Plaza and Embarcadero", "The Matrix Resurrections",
	        61.073212},
	    {"Gabbiano's Restaurant (Ferry Building)", "Doctor Dolittle",
	        72.129102},
	    {"Pier 1, The Embarcadero", "Dreams", 127.670409},
	    /* Ties with "Ferry Plaza" of Sudden Impact, a later location. */
	    {"Pier 1", "Godzilla", 127.864123},
	};
	size_t n = nearest_ok(ds, FERRY_LAT, FERRY_LNG, COUNT(want), 0);

	assert_int_equal(n, COUNT(want));
	expect_nearest(ds, want, n);
}

static void
nearest_golden_gate_bridge(void **state)
{
	const core_dataset *ds = *state;
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);
	static const near_ref first[] = {
	    {"Golden Gate Bridge", "A View to a Kill", 22.852390},
	    {"Golden Gate Bridge", "Bicentennial Man", 22.852390},
	    {"Golden Gate Bridge", "Boys and Girls", 22.852390},
	};
	static const near_ref next = {
	    "Battery Spencer", "San Andreas", 922.838811};
	size_t n = nearest_ok(ds, BRIDGE_LAT, BRIDGE_LNG, 28, 0);

	/* 27 locations of 27 films share the bridge's point. The next
	 * point is across the strait. */
	assert_int_equal(n, 28);
	expect_nearest(ds, first, COUNT(first));
	for (size_t i = 0; i < 27; i++) {
		assert_string_equal(
		    locs[hits[i].id].text, "Golden Gate Bridge");
		assert_near(hits[i].distance_m, 22.852390, DISTANCE_TOL);
	}
	assert_string_equal(locs[hits[27].id].text, next.text);
	assert_near(hits[27].distance_m, next.distance_m, DISTANCE_TOL);
}

static void
nearest_far_point(void **state)
{
	const core_dataset *ds = *state;
	static const near_ref want[] = {
	    {"Mission San Juan Bautista (2nd & Mariposa Streets)", "Vertigo",
	        4092200.875536},
	};
	/* From Manhattan, the easternmost point in the data is nearest. */
	size_t n = nearest_ok(ds, 40.7128, -74.0060, 1, 0);

	assert_int_equal(n, 1);
	expect_nearest(ds, want, n);

	/* Nothing lies within 1 km of (0, 0). */
	n = nearest_ok(ds, 0, 0, 10, 1000);
	assert_int_equal(n, 0);
}

static void
nearest_k(void **state)
{
	const core_dataset *ds = *state;
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);

	assert_int_equal(nearest_ok(ds, FERRY_LAT, FERRY_LNG, 1, 0), 1);
	assert_string_equal(locs[hits[0].id].text, "Ferry Building");

	assert_int_equal(nearest_ok(ds, FERRY_LAT, FERRY_LNG, 5, 0), 5);
	assert_int_equal(
	    nearest_ok(ds, FERRY_LAT, FERRY_LNG, CORE_QUERY_MAX_LIMIT, 0),
	    CORE_QUERY_MAX_LIMIT);
}

static void
nearest_radius(void **state)
{
	const core_dataset *ds = *state;
	static const struct {
		double lat;
		double lng;
		double radius_m;
		size_t n;
	} cases[] = {
	    {FERRY_LAT, FERRY_LNG, 100, 14},
	    {FERRY_LAT, FERRY_LNG, 250, 31},
	    {FERRY_LAT, FERRY_LNG, 500, 83},
	    {FERRY_LAT, FERRY_LNG, 1000, 259},
	    {BRIDGE_LAT, BRIDGE_LNG, 500, 27},
	    {BRIDGE_LAT, BRIDGE_LNG, 1000, 28},
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t n = nearest_ok(ds, cases[i].lat, cases[i].lng,
		    CORE_QUERY_MAX_LIMIT, cases[i].radius_m);

		if (n != cases[i].n) {
			fail_msg("radius %g m: %zu hits, expected %zu",
			    cases[i].radius_m, n, cases[i].n);
		}
		for (size_t j = 0; j < n; j++) {
			assert_true(hits[j].distance_m <= cases[i].radius_m);
		}
	}

	/* k still bounds the hits inside the radius. */
	assert_int_equal(nearest_ok(ds, FERRY_LAT, FERRY_LNG, 10, 1000), 10);
}

/* Checks that a nearest query fails with CORE_EINVAL and stores 0 hits. */
static void
expect_nearest_einval(
    const core_dataset *ds, double lat, double lng, size_t k, double radius_m)
{
	size_t n = 99;

	assert_int_equal(
	    core_nearest(ds, lat, lng, k, radius_m, hits, &n), CORE_EINVAL);
	assert_int_equal(n, 0);
}

static void
nearest_invalid(void **state)
{
	const core_dataset *ds = *state;

	expect_nearest_einval(ds, 90.5, FERRY_LNG, 5, 0);
	expect_nearest_einval(ds, -90.5, FERRY_LNG, 5, 0);
	expect_nearest_einval(ds, FERRY_LAT, 180.5, 5, 0);
	expect_nearest_einval(ds, FERRY_LAT, -180.5, 5, 0);
	expect_nearest_einval(ds, NAN, FERRY_LNG, 5, 0);
	expect_nearest_einval(ds, FERRY_LAT, INFINITY, 5, 0);
	expect_nearest_einval(ds, FERRY_LAT, FERRY_LNG, 0, 0);
	expect_nearest_einval(
	    ds, FERRY_LAT, FERRY_LNG, CORE_QUERY_MAX_LIMIT + 1, 0);
	expect_nearest_einval(ds, FERRY_LAT, FERRY_LNG, 5, -1);
	expect_nearest_einval(ds, FERRY_LAT, FERRY_LNG, 5, NAN);
}

static void
nearest_range_edges(void **state)
{
	const core_dataset *ds = *state;

	/* The ends of the coordinate ranges are valid points. */
	assert_int_equal(nearest_ok(ds, 90, 180, 3, 0), 3);
	assert_int_equal(nearest_ok(ds, -90, -180, 3, 0), 3);
}

/* The downtown box: Financial District, Union Square and Chinatown. */
#define DOWNTOWN_SOUTH 37.785
#define DOWNTOWN_WEST  -122.41
#define DOWNTOWN_NORTH 37.80
#define DOWNTOWN_EAST  -122.39

/* Located locations inside the downtown box. */
#define DOWNTOWN_TOTAL 508

static uint32_t box_ids[NEWEST_LOCATED];

static void
box_downtown(void **state)
{
	const core_dataset *ds = *state;
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);
	size_t n = 0;
	size_t total = 0;

	assert_int_equal(
	    core_box(ds, DOWNTOWN_SOUTH, DOWNTOWN_WEST, DOWNTOWN_NORTH,
	        DOWNTOWN_EAST, box_ids, COUNT(box_ids), &n, &total),
	    0);
	assert_int_equal(total, DOWNTOWN_TOTAL);
	assert_int_equal(n, DOWNTOWN_TOTAL);
	for (size_t i = 0; i < n; i++) {
		const core_location *loc = &locs[box_ids[i]];

		if (i > 0) {
			assert_true(box_ids[i - 1] < box_ids[i]);
		}
		assert_true(loc->flags & CORE_LOC_HAS_POINT);
		assert_true(loc->lat >= DOWNTOWN_SOUTH);
		assert_true(loc->lat <= DOWNTOWN_NORTH);
		assert_true(loc->lng >= DOWNTOWN_WEST);
		assert_true(loc->lng <= DOWNTOWN_EAST);
	}

	/* The lowest id inside is "555 Market St." of the film 180. */
	assert_string_equal(locs[box_ids[0]].text, "555 Market St.");
}

static void
box_max(void **state)
{
	const core_dataset *ds = *state;
	uint32_t first[10];
	size_t n = 0;
	size_t total = 0;

	assert_int_equal(
	    core_box(ds, DOWNTOWN_SOUTH, DOWNTOWN_WEST, DOWNTOWN_NORTH,
	        DOWNTOWN_EAST, box_ids, COUNT(box_ids), &n, &total),
	    0);
	assert_int_equal(n, DOWNTOWN_TOTAL);

	/* A smaller max keeps the lowest ids and the full total. */
	assert_int_equal(
	    core_box(ds, DOWNTOWN_SOUTH, DOWNTOWN_WEST, DOWNTOWN_NORTH,
	        DOWNTOWN_EAST, first, COUNT(first), &n, &total),
	    0);
	assert_int_equal(n, COUNT(first));
	assert_int_equal(total, DOWNTOWN_TOTAL);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(first[i], box_ids[i]);
	}

	assert_int_equal(
	    core_box(ds, DOWNTOWN_SOUTH, DOWNTOWN_WEST, DOWNTOWN_NORTH,
	        DOWNTOWN_EAST, first, 0, &n, &total),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(total, DOWNTOWN_TOTAL);
}

static void
box_edges(void **state)
{
	const core_dataset *ds = *state;
	size_t n = 0;
	size_t total = 0;

	/* A box of one point contains the twelve Ferry Building locations,
	 * because its edges are inside. */
	assert_int_equal(core_box(ds, 37.7954425, -122.3936136, 37.7954425,
	                     -122.3936136, box_ids, COUNT(box_ids), &n, &total),
	    0);
	assert_int_equal(total, 12);

	/* The San Francisco area box leaves out the 2 points flagged
	 * outside it. The whole globe contains every located location. */
	assert_int_equal(
	    core_box(ds, CORE_SF_SOUTH, CORE_SF_WEST, CORE_SF_NORTH,
	        CORE_SF_EAST, box_ids, COUNT(box_ids), &n, &total),
	    0);
	assert_int_equal(total, NEWEST_LOCATED - 2);

	assert_int_equal(core_box(ds, -90, -180, 90, 180, box_ids,
	                     COUNT(box_ids), &n, &total),
	    0);
	assert_int_equal(total, NEWEST_LOCATED);
	assert_int_equal(n, NEWEST_LOCATED);
}

/* Checks that a box query fails with CORE_EINVAL and stores zero counts. */
static void
expect_box_einval(const core_dataset *ds, double south, double west,
    double north, double east)
{
	size_t n = 99;
	size_t total = 99;

	assert_int_equal(core_box(ds, south, west, north, east, box_ids,
	                     COUNT(box_ids), &n, &total),
	    CORE_EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
}

static void
box_invalid(void **state)
{
	const core_dataset *ds = *state;

	/* south > north, then west > east. */
	expect_box_einval(
	    ds, DOWNTOWN_NORTH, DOWNTOWN_WEST, DOWNTOWN_SOUTH, DOWNTOWN_EAST);
	expect_box_einval(
	    ds, DOWNTOWN_SOUTH, DOWNTOWN_EAST, DOWNTOWN_NORTH, DOWNTOWN_WEST);
	expect_box_einval(
	    ds, -91, DOWNTOWN_WEST, DOWNTOWN_NORTH, DOWNTOWN_EAST);
	expect_box_einval(ds, DOWNTOWN_SOUTH, DOWNTOWN_WEST, 91, DOWNTOWN_EAST);
	expect_box_einval(
	    ds, DOWNTOWN_SOUTH, -181, DOWNTOWN_NORTH, DOWNTOWN_EAST);
	expect_box_einval(
	    ds, DOWNTOWN_SOUTH, DOWNTOWN_WEST, DOWNTOWN_NORTH, 181);
	expect_box_einval(
	    ds, NAN, DOWNTOWN_WEST, DOWNTOWN_NORTH, DOWNTOWN_EAST);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(nearest_ferry_building),
	    cmocka_unit_test(nearest_golden_gate_bridge),
	    cmocka_unit_test(nearest_far_point),
	    cmocka_unit_test(nearest_k),
	    cmocka_unit_test(nearest_radius),
	    cmocka_unit_test(nearest_invalid),
	    cmocka_unit_test(nearest_range_edges),
	    cmocka_unit_test(box_downtown),
	    cmocka_unit_test(box_max),
	    cmocka_unit_test(box_edges),
	    cmocka_unit_test(box_invalid),
	};

	return cmocka_run_group_tests(
	    tests, test_data_setup, test_data_teardown);
}
