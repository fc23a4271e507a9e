/*
 * Lookups by id and slug, and the spatial queries over located locations.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_internal.h"

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

static const core_id_entry *
lookup_id(const core_id_entry *ids, size_t n, uint64_t id)
{
	size_t lo = 0;
	size_t hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid].id == id) {
			return &ids[mid];
		}
		if (ids[mid].id < id) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

const core_film *
core_film_by_id(const core_dataset *ds, uint64_t id)
{
	const core_id_entry *e = lookup_id(ds->film_ids, ds->nfilms, id);

	return e != NULL ? &ds->films[e->index] : NULL;
}

const core_location *
core_location_by_id(const core_dataset *ds, uint64_t id)
{
	const core_id_entry *e =
	    lookup_id(ds->location_ids, ds->nlocations, id);

	return e != NULL ? &ds->locations[e->index] : NULL;
}

const core_film *
core_film_by_slug(const core_dataset *ds, const char *slug)
{
	size_t lo = 0;
	size_t hi = ds->nfilms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ds->film_slugs[mid].slug, slug);

		if (c == 0) {
			return &ds->films[ds->film_slugs[mid].index];
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
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
