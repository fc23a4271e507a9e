#include "rpc_convert.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core_err.h"

static int
convert_names(core_arena *a, const core_name_list *l, size_t *n, char ***out)
{
	char **v = NULL;

	if (l->n > 0 && (v = core_arena_alloc(a, l->n * sizeof(*v))) == NULL) {
		return CORE_ENOMEM;
	}
	for (uint32_t i = 0; i < l->n; i++) {
		v[i] = (char *)l->v[i].text;
	}
	*n = l->n;
	*out = v;
	return 0;
}

int
rpc_film_to_pb(core_arena *a, const core_film *film, Sfmovies__Film *out)
{
	int rv;

	sfmovies__film__init(out);
	out->id = (char *)film->public_id;
	out->slug = (char *)film->slug;
	out->title = (char *)film->title;
	out->year = film->year;
	out->location_count = film->nlocations;
	out->imdb_id = (char *)film->imdb_id;
	out->plot = (char *)film->plot;
	out->genre = (char *)film->genre;
	out->runtime = (char *)film->runtime;
	out->rated = (char *)film->rated;
	out->imdb_rating = (char *)film->imdb_rating;
	if (film->has_poster) {
		size_t n = strlen(film->imdb_id) + sizeof("/posters/.jpg");

		if ((out->poster = core_arena_alloc(a, n)) == NULL) {
			return CORE_ENOMEM;
		}
		snprintf(out->poster, n, "/posters/%s.jpg", film->imdb_id);
	}
	if ((rv = convert_names(a, &film->directors, &out->n_directors,
	         &out->directors)) != 0 ||
	    (rv = convert_names(
	         a, &film->writers, &out->n_writers, &out->writers)) != 0 ||
	    (rv = convert_names(
	         a, &film->actors, &out->n_actors, &out->actors)) != 0 ||
	    (rv = convert_names(a, &film->companies, &out->n_companies,
	         &out->companies)) != 0) {
		return rv;
	}
	return convert_names(
	    a, &film->distributors, &out->n_distributors, &out->distributors);
}

void
rpc_location_id(uint64_t id, char buf[17])
{
	snprintf(buf, 17, "%016" PRIx64, id);
}

int
rpc_parse_location_id(const char *s, uint64_t *id)
{
	uint64_t v = 0;

	if (strlen(s) != 16) {
		return -1;
	}
	for (int i = 0; i < 16; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9') {
			d = c - '0';
		} else if (c >= 'a' && c <= 'f') {
			d = c - 'a' + 10;
		} else if (c >= 'A' && c <= 'F') {
			d = c - 'A' + 10;
		} else {
			return -1;
		}
		v = (v << 4) | (uint64_t)d;
	}
	*id = v;
	return 0;
}

int
rpc_location_to_pb(core_arena *a, const core_film *film,
    const core_location *location, Sfmovies__Location *out)
{
	char *id;

	sfmovies__location__init(out);
	if ((id = core_arena_alloc(a, 17)) == NULL) {
		return CORE_ENOMEM;
	}
	rpc_location_id(location->id, id);
	out->id = id;
	out->film_id = (char *)film->public_id;
	out->film_title = (char *)film->title;
	out->film_year = film->year;
	out->text = (char *)location->text;
	out->fun_facts = (char *)location->fun_facts;
	out->neighborhood = (char *)location->neighborhood;
	out->district = location->district;
	out->has_point = (location->flags & CORE_LOC_HAS_POINT) != 0;
	out->outside_sf = (location->flags & CORE_LOC_OUTSIDE_SF) != 0;
	if (out->has_point) {
		out->lat = location->lat;
		out->lng = location->lng;
	}
	out->point_source = (char *)core_point_source_name(
	    (core_point_source)location->point_source);
	out->accuracy = (char *)location->accuracy;
	return 0;
}
