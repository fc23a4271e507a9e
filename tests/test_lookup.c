/*
 * Tests of the lookups by id and slug on the 2026 export, read from
 * $SFMOVIES_DATA_DIR. The hand-checked values come from the rows of that
 * file as python3's csv module reads them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_dataset.h"
#include "core_query.h"

#define FILE_2026 "film_locations_2026-04_2214rows.csv"

/* Reads $SFMOVIES_DATA_DIR/name into memory; the caller frees it. */
static char *
read_data_file(const char *name, size_t *len)
{
	const char *dir = getenv("SFMOVIES_DATA_DIR");
	char path[4096];
	FILE *f;
	char *data;
	long size;

	if (dir == NULL || dir[0] == '\0') {
		fail_msg(
		    "SFMOVIES_DATA_DIR is not set; run the test with ctest");
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		fail_msg("cannot open %s", path);
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);

	data = malloc((size_t)size);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return data;
}

/* Imports the 2026 export once for the whole group. */
static int
setup_2026(void **state)
{
	core_dataset *ds = NULL;
	char err[256] = "";
	size_t len;
	char *csv = read_data_file(FILE_2026, &len);
	int rv = core_dataset_import(&ds, csv, len, NULL, err, sizeof(err));

	free(csv);
	if (rv != 0) {
		print_error("import of %s failed with %d: %s\n", FILE_2026, rv,
		            err);
		return -1;
	}
	*state = ds;
	return 0;
}

static int
teardown_2026(void **state)
{
	core_dataset_free(*state);
	return 0;
}

static int
film_id_exists(const core_dataset *ds, uint64_t id)
{
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (films[i].id == id) {
			return 1;
		}
	}
	return 0;
}

static int
location_id_exists(const core_dataset *ds, uint64_t id)
{
	size_t n;
	const core_location *locs = core_dataset_locations(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (locs[i].id == id) {
			return 1;
		}
	}
	return 0;
}

/* Finds a location of a film by its display text. */
static const core_location *
find_location(const core_dataset *ds, const core_film *f, const char *text)
{
	size_t n;
	const core_location *locs = core_dataset_locations(ds, &n);

	for (uint32_t i = 0; i < f->nlocations; i++) {
		const core_location *l = &locs[f->first_location + i];

		if (strcmp(l->text, text) == 0) {
			return l;
		}
	}
	fail_msg("film \"%s\" has no location \"%s\"", f->slug, text);
	return NULL;
}

static void
lookup_film_by_id_all(void **state)
{
	const core_dataset *ds = *state;
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);

	assert_int_equal(n, 351);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(core_film_by_id(ds, films[i].id), &films[i]);
	}
}

static void
lookup_film_by_slug_all(void **state)
{
	const core_dataset *ds = *state;
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);

	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(core_film_by_slug(ds, films[i].slug),
		                 &films[i]);
	}
}

static void
lookup_location_by_id_all(void **state)
{
	const core_dataset *ds = *state;
	size_t n;
	const core_location *locs = core_dataset_locations(ds, &n);

	assert_int_equal(n, 2153);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(core_location_by_id(ds, locs[i].id), &locs[i]);
	}
}

/* Each location points back to a film whose range contains it. */
static void
lookup_location_film_range(void **state)
{
	const core_dataset *ds = *state;
	size_t nfilms, nlocs;
	const core_film *films = core_dataset_films(ds, &nfilms);
	const core_location *locs = core_dataset_locations(ds, &nlocs);

	for (size_t i = 0; i < nlocs; i++) {
		const core_film *f;

		assert_true(locs[i].film < nfilms);
		f = &films[locs[i].film];
		assert_true(i >= f->first_location);
		assert_true(i < (size_t)f->first_location + f->nlocations);
	}
}

static void
lookup_unknown_film_id(void **state)
{
	const core_dataset *ds = *state;
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);
	const uint64_t ids[] = {0, 1, UINT64_MAX, films[0].id ^ 1,
	                        films[n - 1].id + 1};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_false(film_id_exists(ds, ids[i]));
		assert_null(core_film_by_id(ds, ids[i]));
	}
}

static void
lookup_unknown_location_id(void **state)
{
	const core_dataset *ds = *state;
	size_t nfilms, nlocs;
	const core_film *films = core_dataset_films(ds, &nfilms);
	const core_location *locs = core_dataset_locations(ds, &nlocs);
	const uint64_t ids[] = {0, UINT64_MAX, locs[0].id ^ 1, films[0].id};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_false(location_id_exists(ds, ids[i]));
		assert_null(core_location_by_id(ds, ids[i]));
	}
}

static void
lookup_unknown_slug(void **state)
{
	const core_dataset *ds = *state;
	const char *slugs[] = {
	    "",
	    "vertigo",
	    "vertigo-1959",
	    "Vertigo-1958",
	    "vertigo-1958-",
	    "-",
	    "zzzz",
	    "0",
	};

	for (size_t i = 0; i < sizeof(slugs) / sizeof(slugs[0]); i++) {
		assert_null(core_film_by_slug(ds, slugs[i]));
	}
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
lookup_slugs_unique(void **state)
{
	const core_dataset *ds = *state;
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);
	const char **slugs = malloc(n * sizeof(*slugs));

	assert_non_null(slugs);
	for (size_t i = 0; i < n; i++) {
		slugs[i] = films[i].slug;
	}
	qsort(slugs, n, sizeof(*slugs), compare_strings);
	for (size_t i = 1; i < n; i++) {
		assert_string_not_equal(slugs[i - 1], slugs[i]);
	}
	free(slugs);
}

/* A slug is lower-case ASCII letters and digits between single hyphens,
 * and ends with the year when the film has one. */
static void
lookup_slugs_well_formed(void **state)
{
	const core_dataset *ds = *state;
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);

	for (size_t i = 0; i < n; i++) {
		const char *s = films[i].slug;
		size_t len = strlen(s);
		char year[8];

		assert_true(len > 0);
		assert_true(s[0] != '-');
		assert_true(s[len - 1] != '-');
		assert_null(strstr(s, "--"));
		assert_true(
		    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == len);
		if (films[i].year != 0) {
			snprintf(year, sizeof(year), "-%u", films[i].year);
			assert_true(len > strlen(year));
			assert_string_equal(s + len - strlen(year), year);
		}
	}
}

static void
lookup_vertigo_film(void **state)
{
	const core_dataset *ds = *state;
	const core_film *f = core_film_by_slug(ds, "vertigo-1958");

	assert_non_null(f);
	assert_ptr_equal(core_film_by_id(ds, f->id), f);
	assert_string_equal(f->title, "Vertigo");
	assert_int_equal(f->year, 1958);
	assert_int_equal(f->directors.n, 1);
	assert_string_equal(f->directors.v[0].text, "Alfred Hitchcock");
	assert_int_equal(f->writers.n, 1);
	assert_string_equal(f->writers.v[0].text, "Alec Coppel");
	assert_int_equal(f->actors.n, 3);
	assert_string_equal(f->actors.v[0].text, "James Stewart");
	assert_string_equal(f->actors.v[1].text, "Kim Novak");
	assert_string_equal(f->actors.v[2].text, "Barbara Bel Geddes");
	assert_int_equal(f->companies.n, 1);
	assert_string_equal(f->companies.v[0].text,
	                    "Alfred J. Hitchcock Productions");
	assert_int_equal(f->distributors.n, 1);
	assert_string_equal(f->distributors.v[0].text, "Paramount Pictures");
	assert_int_equal(f->nlocations, 16);
}

static void
lookup_vertigo_location(void **state)
{
	const core_dataset *ds = *state;
	const core_film *f = core_film_by_slug(ds, "vertigo-1958");
	const core_location *l;

	assert_non_null(f);
	l = find_location(ds, f, "Ernie's Restaurant (847 Montgomery Street)");
	assert_ptr_equal(core_location_by_id(ds, l->id), l);
	assert_ptr_equal(core_film_by_id(ds, f->id), f);
	assert_string_equal(l->fun_facts,
	                    "Called the \"Essex Club\" in the film.");
	assert_string_equal(l->neighborhood, "Chinatown");
	assert_int_equal(l->district, 3);
	assert_int_equal(l->flags, CORE_LOC_HAS_POINT);
	assert_true(l->lat == 37.7969649);
	assert_true(l->lng == -122.4038363);
}

static void
lookup_goodbye_mr_chips(void **state)
{
	const core_dataset *ds = *state;
	const core_film *f = core_film_by_slug(ds, "goodbye-mr-chips");

	assert_non_null(f);
	assert_string_equal(f->title, "Goodbye, Mr.Chips");
	assert_int_equal(f->year, 0);
	assert_int_equal(f->directors.n, 0);
	assert_int_equal(f->nlocations, 1);
	assert_string_equal(
	    find_location(ds, f, "Hanger 3, Treasure island")->fun_facts,
	    "rebate folder under films - to confirm");
}

static void
lookup_empty_dataset(void **state)
{
	const char *csv = "Title,Release Year,Locations\n";
	core_dataset *ds = NULL;

	assert_int_equal(
	    core_dataset_import(&ds, csv, strlen(csv), NULL, NULL, 0), 0);
	assert_null(core_film_by_id(ds, 0));
	assert_null(core_film_by_slug(ds, "vertigo-1958"));
	assert_null(core_location_by_id(ds, 0));
	core_dataset_free(ds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lookup_film_by_id_all),
	    cmocka_unit_test(lookup_film_by_slug_all),
	    cmocka_unit_test(lookup_location_by_id_all),
	    cmocka_unit_test(lookup_location_film_range),
	    cmocka_unit_test(lookup_unknown_film_id),
	    cmocka_unit_test(lookup_unknown_location_id),
	    cmocka_unit_test(lookup_unknown_slug),
	    cmocka_unit_test(lookup_slugs_unique),
	    cmocka_unit_test(lookup_slugs_well_formed),
	    cmocka_unit_test(lookup_vertigo_film),
	    cmocka_unit_test(lookup_vertigo_location),
	    cmocka_unit_test(lookup_goodbye_mr_chips),
	    cmocka_unit_test(lookup_empty_dataset),
	};

	return cmocka_run_group_tests(tests, setup_2026, teardown_2026);
}
