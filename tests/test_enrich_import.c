/*
 * Tests of the import with an enrichment: geocodes fill the points that
 * the export lacks, film details attach to films by title and year, ids
 * stay the same, and films can be found by IMDb id.
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

#include "core_dataset.h"
#include "core_err.h"
#include "core_query.h"

/* Two films; Vertigo's first location has DataSF's point, its second has
 * none, and "Goodbye, Mr.Chips" has no year. */
static const char fixture[] =
    "Title,Release Year,Locations,Fun Facts,Latitude,Longitude\n"
    "Vertigo,1958,Golden Gate Bridge,,37.8199,-122.4783\n"
    "Vertigo,1958,Lombard St between Hyde and Larkin St,,,\n"
    "Vertigo,1958,Mission San Juan Bautista,,,\n"
    "\"Goodbye, Mr.Chips\",,Grace Cathedral,,,\n"
    "Blindspotting (Season 2),2020,Lake Merritt,,,\n";

static const core_geocode geocodes[] = {
    {"Lombard St between Hyde and Larkin St", 37.8021, -122.4187,
        CORE_POINT_NOMINATIM, "highway/residential"},
    /* A located location keeps DataSF's point. */
    {"Golden Gate Bridge", 37.0, -122.0, CORE_POINT_GOOGLE, "ROOFTOP"},
    /* Outside the SF box: a guess, not used. */
    {"Mission San Juan Bautista", 36.8454, -121.5367, CORE_POINT_GOOGLE,
        "ROOFTOP"},
    {"Grace Cathedral", 37.7919, -122.4133, CORE_POINT_CACHE, NULL},
};

static const core_film_details details[] = {
    {"VERTIGO", 1958, "tt0052357", "A detective is hired to follow a woman.",
        "Mystery, Romance, Thriller", "128 min", "PG", "8.3", 1},
    /* Year unknown in the details: matches by title alone. */
    {"Blindspotting Season 2", 0, "tt7634968", NULL, "Comedy", NULL, NULL, NULL,
        0},
    /* A film without a year takes details by title. */
    {"Goodbye Mr Chips", 1939, "tt0031385", "", "Drama", "114 min", NULL, "7.8",
        0},
};

static core_dataset *
import(const core_enrichment *extra, core_import_stats *st)
{
	core_dataset *ds = NULL;
	char err[256] = "";

	if (core_dataset_import_ex(&ds, fixture, strlen(fixture), extra, st,
	        err, sizeof(err)) != 0) {
		fail_msg("import failed: %s", err);
	}
	return ds;
}

static const core_location *
find_location(const core_dataset *ds, const char *text)
{
	size_t n;
	const core_location *l = core_dataset_locations(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(l[i].text, text) == 0) {
			return &l[i];
		}
	}
	fail_msg("no location \"%s\"", text);
	return NULL;
}

static const core_film *
find_film(const core_dataset *ds, const char *title)
{
	size_t n;
	const core_film *f = core_dataset_films(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(f[i].title, title) == 0) {
			return &f[i];
		}
	}
	fail_msg("no film \"%s\"", title);
	return NULL;
}

static void
enrich_geocode_fills_point(void **state)
{
	core_enrichment extra = {geocodes, 4, NULL, 0};
	core_import_stats st;
	core_dataset *ds = import(&extra, &st);
	const core_location *l =
	    find_location(ds, "Lombard St between Hyde and Larkin St");

	assert_true(l->flags & CORE_LOC_HAS_POINT);
	assert_false(l->flags & CORE_LOC_OUTSIDE_SF);
	assert_true(fabs(l->lat - 37.8021) < 1e-9);
	assert_true(fabs(l->lng + 122.4187) < 1e-9);
	assert_int_equal(l->point_source, CORE_POINT_NOMINATIM);
	assert_string_equal(l->accuracy, "highway/residential");

	l = find_location(ds, "Grace Cathedral");
	assert_int_equal(l->point_source, CORE_POINT_CACHE);
	assert_string_equal(l->accuracy, "");

	assert_int_equal(st.geocoded, 2);
	assert_int_equal(st.located, 3);
	assert_int_equal(st.unlocated, 2);
	core_dataset_free(ds);
}

static void
enrich_keeps_datasf_point(void **state)
{
	core_enrichment extra = {geocodes, 4, NULL, 0};
	core_dataset *ds = import(&extra, NULL);
	const core_location *l = find_location(ds, "Golden Gate Bridge");

	assert_true(fabs(l->lat - 37.8199) < 1e-9);
	assert_int_equal(l->point_source, CORE_POINT_DATASF);
	assert_string_equal(core_point_source_name(l->point_source), "datasf");
	core_dataset_free(ds);
}

static void
enrich_outside_sf_rejected(void **state)
{
	core_enrichment extra = {geocodes, 4, NULL, 0};
	core_import_stats st;
	core_dataset *ds = import(&extra, &st);
	const core_location *l = find_location(ds, "Mission San Juan Bautista");

	assert_false(l->flags & CORE_LOC_HAS_POINT);
	assert_int_equal(l->point_source, CORE_POINT_NONE);
	assert_int_equal(st.geocodes_outside, 1);
	core_dataset_free(ds);
}

static void
enrich_ids_unchanged(void **state)
{
	core_enrichment extra = {geocodes, 4, details, 3};
	core_dataset *plain = import(NULL, NULL);
	core_dataset *rich = import(&extra, NULL);
	size_t n1, n2, f1, f2;
	const core_location *a = core_dataset_locations(plain, &n1);
	const core_location *b = core_dataset_locations(rich, &n2);
	const core_film *fa = core_dataset_films(plain, &f1);
	const core_film *fb = core_dataset_films(rich, &f2);

	assert_int_equal(n1, n2);
	for (size_t i = 0; i < n1; i++) {
		assert_true(a[i].id == b[i].id);
	}
	assert_int_equal(f1, f2);
	for (size_t i = 0; i < f1; i++) {
		assert_true(fa[i].id == fb[i].id);
		assert_string_equal(fa[i].slug, fb[i].slug);
	}
	core_dataset_free(plain);
	core_dataset_free(rich);
}

static void
enrich_details_by_title_and_year(void **state)
{
	core_enrichment extra = {NULL, 0, details, 3};
	core_import_stats st;
	core_dataset *ds = import(&extra, &st);
	const core_film *f = find_film(ds, "Vertigo");

	assert_string_equal(f->imdb_id, "tt0052357");
	assert_string_equal(f->plot, "A detective is hired to follow a woman.");
	assert_string_equal(f->genre, "Mystery, Romance, Thriller");
	assert_string_equal(f->runtime, "128 min");
	assert_string_equal(f->rated, "PG");
	assert_string_equal(f->imdb_rating, "8.3");
	assert_true(f->has_poster);
	assert_string_equal(f->public_id, "tt0052357");

	f = find_film(ds, "Blindspotting (Season 2)");
	assert_string_equal(f->imdb_id, "tt7634968");
	assert_string_equal(f->plot, "");
	assert_false(f->has_poster);

	f = find_film(ds, "Goodbye, Mr.Chips");
	assert_string_equal(f->imdb_id, "tt0031385");
	assert_int_equal(st.films_with_details, 3);
	core_dataset_free(ds);
}

static void
enrich_no_details_empty_strings(void **state)
{
	core_dataset *ds = import(NULL, NULL);
	const core_film *f = find_film(ds, "Vertigo");

	assert_string_equal(f->imdb_id, "");
	assert_string_equal(f->plot, "");
	assert_string_equal(f->genre, "");
	assert_string_equal(f->runtime, "");
	assert_string_equal(f->rated, "");
	assert_string_equal(f->imdb_rating, "");
	assert_false(f->has_poster);
	assert_string_equal(f->public_id, "vertigo-1958");
	core_dataset_free(ds);
}

static void
enrich_wrong_year_no_match(void **state)
{
	static const core_film_details remake[] = {
	    {"Vertigo", 2025, "tt9999999", NULL, NULL, NULL, NULL, NULL, 0},
	};
	core_enrichment extra = {NULL, 0, remake, 1};
	core_dataset *ds = import(&extra, NULL);

	assert_string_equal(find_film(ds, "Vertigo")->imdb_id, "");
	core_dataset_free(ds);
}

static void
enrich_film_by_key(void **state)
{
	core_enrichment extra = {NULL, 0, details, 3};
	core_dataset *ds = import(&extra, NULL);
	const core_film *v = find_film(ds, "Vertigo");

	assert_ptr_equal(core_film_by_key(ds, "tt0052357"), v);
	assert_ptr_equal(core_film_by_key(ds, "vertigo-1958"), v);
	assert_null(core_film_by_key(ds, "tt0000001"));
	assert_null(core_film_by_slug(ds, "tt0052357"));
	core_dataset_free(ds);
}

static void
enrich_shared_imdb_id_keeps_slug(void **state)
{
	static const core_film_details same[] = {
	    {"Vertigo", 1958, "tt0052357", NULL, NULL, NULL, NULL, NULL, 0},
	    {"Blindspotting (Season 2)", 2020, "tt0052357", NULL, NULL, NULL,
	        NULL, NULL, 0},
	};
	core_enrichment extra = {NULL, 0, same, 2};
	core_dataset *ds = import(&extra, NULL);
	const core_film *b = find_film(ds, "Blindspotting (Season 2)");
	const core_film *v = find_film(ds, "Vertigo");

	/* Films are ordered by key, so Blindspotting comes first and keeps
	 * the IMDb id as its public id; Vertigo keeps its slug. */
	assert_string_equal(b->public_id, "tt0052357");
	assert_string_equal(v->public_id, "vertigo-1958");
	assert_string_equal(v->imdb_id, "tt0052357");
	assert_ptr_equal(core_film_by_key(ds, "tt0052357"), b);
	core_dataset_free(ds);
}

static void
enrich_invalid_utf8_rejected(void **state)
{
	static const core_geocode bad[] = {
	    {"Grace Cathedral", 37.7919, -122.4133, CORE_POINT_GOOGLE,
	        "ROOF\xff"},
	};
	core_enrichment extra = {bad, 1, NULL, 0};
	core_dataset *ds = NULL;
	char err[256];

	assert_int_equal(core_dataset_import_ex(&ds, fixture, strlen(fixture),
	                     &extra, NULL, err, sizeof(err)),
	    CORE_EUTF8);
	assert_null(ds);
}

static void
enrich_point_source_names(void **state)
{
	static const char *const names[] = {
	    "", "datasf", "cache", "google", "nominatim"};

	for (int i = 0; i < 5; i++) {
		assert_string_equal(
		    core_point_source_name((core_point_source)i), names[i]);
		if (i > 0) {
			assert_int_equal(core_point_source_parse(names[i]), i);
		}
	}
	assert_int_equal(core_point_source_parse("bing"), CORE_POINT_NONE);
	assert_int_equal(core_point_source_parse(NULL), CORE_POINT_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(enrich_geocode_fills_point),
	    cmocka_unit_test(enrich_keeps_datasf_point),
	    cmocka_unit_test(enrich_outside_sf_rejected),
	    cmocka_unit_test(enrich_ids_unchanged),
	    cmocka_unit_test(enrich_details_by_title_and_year),
	    cmocka_unit_test(enrich_no_details_empty_strings),
	    cmocka_unit_test(enrich_wrong_year_no_match),
	    cmocka_unit_test(enrich_film_by_key),
	    cmocka_unit_test(enrich_shared_imdb_id_keeps_slug),
	    cmocka_unit_test(enrich_invalid_utf8_rejected),
	    cmocka_unit_test(enrich_point_source_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
