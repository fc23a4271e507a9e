/*
 * Lookups by id and slug, and the spatial queries over located locations.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_internal.h"
#include "core_map.h"

static const char *const lookup_kind_names[CORE_KIND_COUNT] = {
    [CORE_KIND_TITLE] = "title",
    [CORE_KIND_DIRECTOR] = "director",
    [CORE_KIND_WRITER] = "writer",
    [CORE_KIND_ACTOR] = "actor",
    [CORE_KIND_COMPANY] = "company",
    [CORE_KIND_LOCATION] = "location",
    [CORE_KIND_NEIGHBORHOOD] = "neighborhood",
};

const char *
core_kind_name(core_kind kind)
{
	if ((unsigned)kind >= CORE_KIND_COUNT) {
		return "unknown";
	}
	return lookup_kind_names[kind];
}

/* The probe loops mirror ix_hash_slot in core_index.c, inlined because
 * lookups by id are the cheapest queries the service answers. */
const core_film *
core_film_by_id(const core_dataset *ds, uint64_t id)
{
	const core_hash_index *h = &ds->film_by_id;

	for (size_t s = (size_t)id & h->mask; h->slots[s] != CORE_HASH_EMPTY;
	     s = (s + 1) & h->mask) {
		if (ds->films[h->slots[s]].id == id) {
			return &ds->films[h->slots[s]];
		}
	}
	return NULL;
}

const core_location *
core_location_by_id(const core_dataset *ds, uint64_t id)
{
	const core_hash_index *h = &ds->location_by_id;

	for (size_t s = (size_t)id & h->mask; h->slots[s] != CORE_HASH_EMPTY;
	     s = (s + 1) & h->mask) {
		if (ds->locations[h->slots[s]].id == id) {
			return &ds->locations[h->slots[s]];
		}
	}
	return NULL;
}

const core_film *
core_film_by_slug(const core_dataset *ds, const char *slug)
{
	const core_hash_index *h = &ds->film_by_slug;
	uint64_t key = core_hash64(slug, strlen(slug), 0);

	for (size_t s = (size_t)key & h->mask; h->slots[s] != CORE_HASH_EMPTY;
	     s = (s + 1) & h->mask) {
		if (strcmp(ds->films[h->slots[s]].slug, slug) == 0) {
			return &ds->films[h->slots[s]];
		}
	}
	return NULL;
}

const core_film *
core_film_by_key(const core_dataset *ds, const char *key)
{
	const core_hash_index *h = &ds->film_by_imdb;
	const core_film *f;
	uint64_t hash;

	if ((f = core_film_by_slug(ds, key)) != NULL || h->slots == NULL) {
		return f;
	}
	hash = core_hash64(key, strlen(key), 0);
	for (size_t s = (size_t)hash & h->mask; h->slots[s] != CORE_HASH_EMPTY;
	     s = (s + 1) & h->mask) {
		if (strcmp(ds->films[h->slots[s]].imdb_id, key) == 0) {
			return &ds->films[h->slots[s]];
		}
	}
	return NULL;
}

static int
lookup_valid_point(double lat, double lng)
{
	return isfinite(lat) && isfinite(lng) && lat >= -90 && lat <= 90 &&
	    lng >= -180 && lng <= 180;
}

int
core_nearest(const core_dataset *ds, double lat, double lng, size_t k,
    double radius_m, core_geo_hit *out, size_t *n)
{
	*n = 0;
	if (!lookup_valid_point(lat, lng) || k == 0 ||
	    k > CORE_QUERY_MAX_LIMIT || !(radius_m >= 0)) {
		return CORE_EINVAL;
	}
	*n = core_geo_nearest(ds->geo, lat, lng, k, radius_m, out);
	return 0;
}

int
core_box(const core_dataset *ds, double south, double west, double north,
    double east, uint32_t *out, size_t max, size_t *n, size_t *total)
{
	*n = 0;
	*total = 0;
	if (!lookup_valid_point(south, west) ||
	    !lookup_valid_point(north, east) || south > north || west > east) {
		return CORE_EINVAL;
	}
	*total = core_geo_box(ds->geo, south, west, north, east, out, max);
	*n = *total < max ? *total : max;
	return 0;
}
