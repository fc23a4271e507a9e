/*
 * Enrichment of an imported dataset: points from geocodes for locations
 * that the export leaves without one, OMDb's details for films, and the
 * lookup of films by IMDb id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core_buf.h"
#include "core_err.h"
#include "core_internal.h"
#include "core_map.h"
#include "core_norm.h"

static const char *const enrich_source_names[] = {
    [CORE_POINT_NONE] = "",
    [CORE_POINT_DATASF] = "datasf",
    [CORE_POINT_CACHE] = "cache",
    [CORE_POINT_GOOGLE] = "google",
    [CORE_POINT_NOMINATIM] = "nominatim",
};

#define ENRICH_NSOURCES                                                        \
	(sizeof(enrich_source_names) / sizeof(enrich_source_names[0]))

const char *
core_point_source_name(core_point_source source)
{
	if ((unsigned)source >= ENRICH_NSOURCES) {
		return "";
	}
	return enrich_source_names[source];
}

core_point_source
core_point_source_parse(const char *name)
{
	for (size_t i = 1; name != NULL && i < ENRICH_NSOURCES; i++) {
		if (strcmp(name, enrich_source_names[i]) == 0) {
			return (core_point_source)i;
		}
	}
	return CORE_POINT_NONE;
}

static int
enrich_valid_utf8(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;

	while (*p != '\0') {
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &c);

		if (n <= 0) {
			return 0;
		}
		p += n;
	}
	return 1;
}

/* Copies s into the dataset's arena; NULL and "" become "". */
static int
enrich_copy(core_dataset *ds, const char *s, const char **out)
{
	if (s == NULL || s[0] == '\0') {
		*out = "";
		return 0;
	}
	if (!enrich_valid_utf8(s)) {
		return CORE_EUTF8;
	}
	*out = core_arena_strndup(&ds->arena, s, strlen(s));
	return *out != NULL ? 0 : CORE_ENOMEM;
}

static int
enrich_in_sf(double lat, double lng)
{
	return lat >= CORE_SF_SOUTH && lat <= CORE_SF_NORTH &&
	    lng >= CORE_SF_WEST && lng <= CORE_SF_EAST;
}

/* Gives every film and location the "" defaults and marks the export's own
 * points as DataSF's. */
static void
enrich_defaults(core_dataset *ds)
{
	for (size_t i = 0; i < ds->nfilms; i++) {
		core_film *f = &ds->films[i];

		f->imdb_id = f->plot = f->genre = "";
		f->runtime = f->rated = f->imdb_rating = "";
		f->public_id = f->slug;
	}
	for (size_t i = 0; i < ds->nlocations; i++) {
		core_location *l = &ds->locations[i];

		l->accuracy = "";
		if (l->flags & CORE_LOC_HAS_POINT) {
			l->point_source = CORE_POINT_DATASF;
		}
	}
}

static int
enrich_geocodes(
    core_dataset *ds, const core_enrichment *extra, core_import_stats *st)
{
	core_map by_text = {0};
	int rv = 0;

	for (size_t i = 0; i < extra->ngeocodes && rv == 0; i++) {
		const char *text = extra->geocodes[i].location;
		size_t len = text != NULL ? strlen(text) : 0;

		/* The first geocode of a text wins, as the manager writes
		 * one per text. */
		if (len > 0 && core_map_get(&by_text, text, len) == NULL) {
			rv = core_map_put(&by_text, text, len, (uint32_t)i);
		}
	}

	for (size_t i = 0; i < ds->nlocations && rv == 0; i++) {
		core_location *l = &ds->locations[i];
		const core_geocode *g;
		uint32_t *found;

		if ((l->flags & CORE_LOC_HAS_POINT) ||
		    (found = core_map_get(
		         &by_text, l->text, strlen(l->text))) == NULL) {
			continue;
		}
		g = &extra->geocodes[*found];
		if (!enrich_in_sf(g->lat, g->lng)) {
			st->geocodes_outside++;
			continue;
		}
		if ((rv = enrich_copy(ds, g->accuracy, &l->accuracy)) != 0) {
			break;
		}
		l->lat = g->lat;
		l->lng = g->lng;
		l->flags |= CORE_LOC_HAS_POINT;
		l->point_source = g->source != CORE_POINT_NONE &&
		        g->source != CORE_POINT_DATASF
		    ? (uint8_t)g->source
		    : CORE_POINT_CACHE;
		st->geocoded++;
	}
	core_map_free(&by_text);
	return rv;
}

/*
 * Appends the film key of title to b: the matching form without spaces,
 * then a unit separator and the year unless year is -1. The importer
 * groups rows into films by the same key.
 */
static int
enrich_title_key(core_buf *b, const char *title, long year)
{
	core_buf norm = {0};
	char suffix[16];
	int n;
	int rv;

	core_buf_reset(b);
	if ((rv = core_norm_match(&norm, title, strlen(title))) != 0) {
		core_buf_free(&norm);
		return rv;
	}
	for (size_t i = 0; i < norm.len && rv == 0; i++) {
		if (norm.data[i] != ' ') {
			rv = core_buf_putc(b, norm.data[i]);
		}
	}
	core_buf_free(&norm);
	if (rv == 0 && year >= 0) {
		n = snprintf(suffix, sizeof(suffix), "\x1f%ld", year);
		rv = core_buf_append(b, suffix, (size_t)n);
	}
	if (rv == 0) {
		rv = core_buf_putc(b, '\0');
	}
	return rv;
}

/* The maps from film keys to details, with their keys in an arena. */
typedef struct enrich_details_maps {
	core_arena keys;
	core_map by_title_year;    /* details with a year */
	core_map by_title;         /* first details of each title, any year */
	core_map by_title_no_year; /* details without a year */
} enrich_details_maps;

static int
enrich_put_first(
    enrich_details_maps *m, core_map *map, const core_buf *key, uint32_t value)
{
	const char *copy;

	if (core_map_get(map, key->data, key->len) != NULL) {
		return 0;
	}
	if ((copy = core_arena_strndup(&m->keys, key->data, key->len)) ==
	    NULL) {
		return CORE_ENOMEM;
	}
	return core_map_put(map, copy, key->len, value);
}

static int
enrich_index_details(
    enrich_details_maps *m, const core_enrichment *extra, core_buf *key)
{
	int rv = 0;

	for (size_t i = 0; i < extra->ndetails && rv == 0; i++) {
		const core_film_details *d = &extra->details[i];

		if (d->title == NULL || d->title[0] == '\0') {
			continue;
		}
		if ((rv = enrich_title_key(key, d->title, -1)) != 0 ||
		    (rv = enrich_put_first(
		         m, &m->by_title, key, (uint32_t)i)) != 0) {
			break;
		}
		if (d->year == 0) {
			rv = enrich_put_first(
			    m, &m->by_title_no_year, key, (uint32_t)i);
			continue;
		}
		if ((rv = enrich_title_key(key, d->title, d->year)) == 0) {
			rv = enrich_put_first(
			    m, &m->by_title_year, key, (uint32_t)i);
		}
	}
	return rv;
}

/* Finds the details of film f, or returns NULL. */
static const core_film_details *
enrich_find_details(const enrich_details_maps *m, const core_enrichment *extra,
    const core_film *f, core_buf *key, int *rv)
{
	uint32_t *found = NULL;

	if (f->year == 0) {
		if ((*rv = enrich_title_key(key, f->title, -1)) == 0) {
			found = core_map_get(&m->by_title, key->data, key->len);
		}
	} else if ((*rv = enrich_title_key(key, f->title, f->year)) == 0 &&
	    (found = core_map_get(&m->by_title_year, key->data, key->len)) ==
	        NULL &&
	    (*rv = enrich_title_key(key, f->title, -1)) == 0) {
		found = core_map_get(&m->by_title_no_year, key->data, key->len);
	}
	return found != NULL ? &extra->details[*found] : NULL;
}

static int
enrich_set_details(core_dataset *ds, core_film *f, const core_film_details *d)
{
	int rv;

	if ((rv = enrich_copy(ds, d->imdb_id, &f->imdb_id)) != 0 ||
	    (rv = enrich_copy(ds, d->plot, &f->plot)) != 0 ||
	    (rv = enrich_copy(ds, d->genre, &f->genre)) != 0 ||
	    (rv = enrich_copy(ds, d->runtime, &f->runtime)) != 0 ||
	    (rv = enrich_copy(ds, d->rated, &f->rated)) != 0 ||
	    (rv = enrich_copy(ds, d->imdb_rating, &f->imdb_rating)) != 0) {
		return rv;
	}
	/* A poster file is named by the IMDb id, so it needs one. */
	f->has_poster = d->has_poster && f->imdb_id[0] != '\0';
	return 0;
}

static int
enrich_details(
    core_dataset *ds, const core_enrichment *extra, core_import_stats *st)
{
	enrich_details_maps m;
	core_buf key = {0};
	int rv;

	memset(&m, 0, sizeof(m));
	rv = enrich_index_details(&m, extra, &key);
	for (size_t i = 0; i < ds->nfilms && rv == 0; i++) {
		const core_film_details *d =
		    enrich_find_details(&m, extra, &ds->films[i], &key, &rv);

		if (d != NULL && rv == 0 &&
		    (rv = enrich_set_details(ds, &ds->films[i], d)) == 0) {
			st->films_with_details++;
		}
	}
	core_buf_free(&key);
	core_map_free(&m.by_title_year);
	core_map_free(&m.by_title);
	core_map_free(&m.by_title_no_year);
	core_arena_free(&m.keys);
	return rv;
}

int
core_enrich_apply(
    core_dataset *ds, const core_enrichment *extra, core_import_stats *st)
{
	int rv;

	enrich_defaults(ds);
	if (extra == NULL) {
		return 0;
	}
	if ((rv = enrich_geocodes(ds, extra, st)) != 0) {
		return rv;
	}
	return enrich_details(ds, extra, st);
}

/*
 * Indexes films by IMDb id. A film whose IMDb id an earlier film already
 * has (OMDb can map two DataSF titles, such as two seasons of a series, to
 * one id) keeps its slug as public id, so public ids stay unique.
 */
int
core_enrich_index(core_dataset *ds)
{
	core_hash_index *h = &ds->film_by_imdb;
	size_t size = 16;

	while (size < ds->nfilms * 2) {
		size *= 2;
	}
	if ((h->slots = malloc(size * sizeof(*h->slots))) == NULL) {
		return CORE_ENOMEM;
	}
	memset(h->slots, 0xff, size * sizeof(*h->slots));
	h->mask = size - 1;
	ds->heap_bytes += size * sizeof(*h->slots);

	for (size_t i = 0; i < ds->nfilms; i++) {
		core_film *f = &ds->films[i];
		uint64_t key;
		size_t s;

		f->public_id = f->slug;
		if (f->imdb_id[0] == '\0') {
			continue;
		}
		key = core_hash64(f->imdb_id, strlen(f->imdb_id), 0);
		for (s = (size_t)key & h->mask; h->slots[s] != CORE_HASH_EMPTY;
		     s = (s + 1) & h->mask) {
			if (strcmp(ds->films[h->slots[s]].imdb_id,
			        f->imdb_id) == 0) {
				break;
			}
		}
		if (h->slots[s] == CORE_HASH_EMPTY) {
			h->slots[s] = (uint32_t)i;
			f->public_id = f->imdb_id;
		}
	}
	return 0;
}
