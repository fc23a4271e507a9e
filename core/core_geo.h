/*
 * Spatial index over points given in WGS 84 degrees: an immutable k-d tree
 * for k-nearest queries by great-circle distance and for bounding boxes.
 *
 * Ownership: core_geo_build copies the points; the index owns its memory.
 * Thread-safety: a built index is read-only, so any number of threads may
 * query it at once.
 */
#ifndef CORE_GEO_H
#define CORE_GEO_H

#include <stddef.h>
#include <stdint.h>

/* Mean Earth radius in metres (IUGG). */
#define CORE_GEO_EARTH_RADIUS_M 6371008.8

typedef struct core_geo_point {
	double   lat; /* degrees, -90..90 */
	double   lng; /* degrees, -180..180 */
	uint32_t id;  /* the caller's index; returned in results */
} core_geo_point;

typedef struct core_geo_hit {
	uint32_t id;
	double   distance_m;
} core_geo_hit;

typedef struct core_geo core_geo;

/*
 * Builds an index of n points. Returns 0, CORE_EINVAL for a point outside the
 * coordinate ranges or not finite, or CORE_ENOMEM. n may be 0.
 */
int core_geo_build(core_geo **out, const core_geo_point *pts, size_t n);

/* Frees the index. Accepts NULL. */
void core_geo_free(core_geo *g);

/*
 * Finds the k points nearest to (lat, lng), nearest first, ties broken by
 * lower id. A radius_m > 0 keeps only points within that many metres.
 * Writes at most k hits to out and returns how many it wrote.
 */
size_t core_geo_nearest(const core_geo *g, double lat, double lng, size_t k,
    double radius_m, core_geo_hit *out);

/*
 * Finds the points with south <= lat <= north and west <= lng <= east (a box
 * that crosses the antimeridian is not supported: west must be <= east).
 * Writes the ids of at most max of them to out in ascending id order and
 * returns how many points are inside in total, which may exceed max.
 */
size_t core_geo_box(const core_geo *g, double south, double west,
    double north, double east, uint32_t *out, size_t max);

/* Returns the great-circle (haversine) distance in metres. */
double core_geo_distance_m(double lat1, double lng1, double lat2, double lng2);

#endif
