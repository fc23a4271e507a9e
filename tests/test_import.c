/*
 * Tests of core_dataset_import: each quirk of DataSF exports on small inline
 * CSV fixtures, then the real exports read from $SFMOVIES_DATA_DIR. The
 * expected counts of the real exports were computed independently with
 * python3's csv module, which applies the same rules to the same files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_csv.h"
#include "core_dataset.h"
#include "core_err.h"
#include "core_query.h"

/* The columns of the 2026 export that carry data, in its order. */
#define HEADER_2026                                                            \
	"Title,Release Year,Locations,Fun Facts,Production Company,"           \
	"Distributor,Director,Writer,Actor 1,Actor 2,Actor 3,Point,"           \
	"Longitude,Latitude,Analysis Neighborhood,Supervisor District\n"

/* A short header for fixtures about titles, locations and fun facts. */
#define HEADER_SHORT "Title,Release Year,Locations,Fun Facts\n"

/* A header for fixtures about coordinates. */
#define HEADER_POINT "Title,Locations,Point,Longitude,Latitude\n"

/* Imports csv, which must succeed, and fills st. */
static core_dataset *
import_ok(const char *csv, core_import_stats *st)
{
	core_dataset *ds = NULL;
	char err[256] = "unchanged";
	int rv;

	rv = core_dataset_import(&ds, csv, strlen(csv), st, err, sizeof(err));
	if (rv != 0) {
		fail_msg("import failed with %d: %s", rv, err);
	}
	assert_non_null(ds);
	assert_string_equal(err, "");
	return ds;
}

/* Imports csv, which must fail with the code want, and stores the message
 * in err. */
static void
import_fails(const char *csv, size_t len, int want, core_import_stats *st,
    char *err, size_t errlen)
{
	core_dataset *ds = NULL;

	assert_int_equal(
	    core_dataset_import(&ds, csv, len, st, err, errlen), want);
	assert_null(ds);
}

static size_t
film_count(const core_dataset *ds)
{
	size_t n;

	core_dataset_films(ds, &n);
	return n;
}

/* Finds a film by slug with a linear scan, so these tests do not depend on
 * the slug index. */
static const core_film *
find_film(const core_dataset *ds, const char *slug)
{
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(films[i].slug, slug) == 0) {
			return &films[i];
		}
	}
	fail_msg("no film with slug \"%s\"", slug);
	return NULL;
}

/* Returns location i of a film. */
static const core_location *
film_location(const core_dataset *ds, const core_film *f, uint32_t i)
{
	size_t n;
	const core_location *locs = core_dataset_locations(ds, &n);

	assert_true(i < f->nlocations);
	assert_true(f->first_location + i < n);
	return &locs[f->first_location + i];
}

/* Finds a location of a film by its display text. */
static const core_location *
find_location(const core_dataset *ds, const core_film *f, const char *text)
{
	for (uint32_t i = 0; i < f->nlocations; i++) {
		const core_location *l = film_location(ds, f, i);

		if (strcmp(l->text, text) == 0) {
			return l;
		}
	}
	fail_msg("film \"%s\" has no location \"%s\"", f->slug, text);
	return NULL;
}

/* Columns and header */

static void
import_columns_reordered(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("Locations,Director,Release Year,Title\n"
	              "Fort Point,Alfred Hitchcock,1958,Vertigo\n",
	        &st);
	const core_film *f = find_film(ds, "vertigo-1958");

	assert_string_equal(f->title, "Vertigo");
	assert_int_equal(f->year, 1958);
	assert_int_equal(f->directors.n, 1);
	assert_string_equal(f->directors.v[0].text, "Alfred Hitchcock");
	assert_int_equal(f->nlocations, 1);
	assert_string_equal(film_location(ds, f, 0)->text, "Fort Point");
	assert_int_equal(st.columns_used, 4);
	core_dataset_free(ds);
}

static void
import_extra_columns_ignored(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("data_as_of,Title,Budget,Locations,data_loaded_at\n"
	              "2026/02/20,Vertigo,2479000,Fort Point,2026/02/21\n",
	        &st);
	const core_film *f = find_film(ds, "vertigo");

	assert_int_equal(st.columns_used, 2);
	assert_int_equal(st.rows_rejected, 0);
	assert_string_equal(f->title, "Vertigo");
	assert_string_equal(film_location(ds, f, 0)->text, "Fort Point");
	core_dataset_free(ds);
}

static void
import_missing_columns_listed(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("Title,Locations\nVertigo,Fort Point\n", &st);
	const core_film *f = find_film(ds, "vertigo");

	assert_int_equal(st.columns_used, 2);
	assert_string_equal(st.missing_columns,
	    "Release Year, Fun Facts, Production Company, Distributor, "
	    "Director, Writer, Actor 1, Actor 2, Actor 3, Point, Longitude, "
	    "Latitude, Analysis Neighborhood, Supervisor District");
	assert_int_equal(f->year, 0);
	assert_int_equal(f->directors.n, 0);
	assert_int_equal(f->actors.n, 0);
	assert_string_equal(film_location(ds, f, 0)->fun_facts, "");
	core_dataset_free(ds);
}

static void
import_missing_columns_empty(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_2026, &st);

	assert_int_equal(st.columns_used, 16);
	assert_string_equal(st.missing_columns, "");
	core_dataset_free(ds);
}

static void
import_socrata_names(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("title,release_year,locations,fun_facts,actor_1,"
	              "analysis_neighborhood,supervisor_district\n"
	              "Vertigo,1958,Fort Point,Built in 1853.,James Stewart,"
	              "Presidio,2\n",
	        &st);
	const core_film *f = find_film(ds, "vertigo-1958");
	const core_location *l = film_location(ds, f, 0);

	assert_int_equal(st.columns_used, 7);
	assert_int_equal(f->year, 1958);
	assert_int_equal(f->actors.n, 1);
	assert_string_equal(f->actors.v[0].text, "James Stewart");
	assert_string_equal(l->fun_facts, "Built in 1853.");
	assert_string_equal(l->neighborhood, "Presidio");
	assert_int_equal(l->district, 2);
	core_dataset_free(ds);
}

/* The 2025 export has numeric code columns whose names resemble the
 * neighbourhood and district columns. */
static void
import_code_columns_ignored(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok("Title,Locations,Analysis Neighborhoods,"
	                             "Current Supervisor Districts\n"
	                             "Vertigo,Fort Point,36,7\n",
	    &st);
	const core_location *l = film_location(ds, find_film(ds, "vertigo"), 0);

	assert_int_equal(st.columns_used, 2);
	assert_string_equal(l->neighborhood, "");
	assert_int_equal(l->district, 0);
	core_dataset_free(ds);
}

static void
import_code_columns_beside_text(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("Title,Locations,Analysis Neighborhoods,"
	              "Current Supervisor Districts,Analysis Neighborhood,"
	              "Supervisor District\n"
	              "Vertigo,Fort Point,36,7,Presidio,2\n",
	        &st);
	const core_location *l = film_location(ds, find_film(ds, "vertigo"), 0);

	assert_int_equal(st.columns_used, 4);
	assert_string_equal(l->neighborhood, "Presidio");
	assert_int_equal(l->district, 2);
	core_dataset_free(ds);
}

static void
import_no_title_column(void **state)
{
	const char *csv = "Film,Release Year,Locations\n"
	                  "Vertigo,1958,Fort Point\n";
	core_import_stats st;
	char err[256] = "";

	import_fails(csv, strlen(csv), CORE_ENOTFOUND, &st, err, sizeof(err));
	assert_string_equal(err,
	    "the header has no Title column; expected a "
	    "DataSF film locations export");
	assert_int_equal(st.rows_read, 0);
	assert_int_equal(st.columns_used, 2);
}

static void
import_header_invalid_utf8(void **state)
{
	const char *csv = "Ti\xFFtle,Locations\nVertigo,Fort Point\n";
	core_import_stats st;
	char err[256] = "";

	import_fails(csv, strlen(csv), CORE_EUTF8, &st, err, sizeof(err));
	assert_string_equal(
	    err, "cannot read the header: invalid UTF-8 at line 1, column 3");
	assert_int_equal(st.rows_read, 0);
}

static void
import_empty_file(void **state)
{
	core_import_stats st;
	char err[256] = "";

	import_fails("", 0, CORE_ESYNTAX, &st, err, sizeof(err));
	assert_string_equal(err, "cannot read the header: the file is empty");
	assert_int_equal(st.rows_read, 0);
}

static void
import_header_only(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT, &st);

	assert_int_equal(st.rows_read, 0);
	assert_int_equal(st.films, 0);
	assert_int_equal(st.locations, 0);
	assert_int_equal(film_count(ds), 0);
	core_dataset_free(ds);
}

/* CSV syntax */

static void
import_bom_skipped(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok("\xEF\xBB\xBFTitle,Release Year\n"
	                             "Vertigo,1958\n",
	    &st);

	assert_int_equal(st.columns_used, 2);
	assert_int_equal(find_film(ds, "vertigo-1958")->year, 1958);
	core_dataset_free(ds);
}

static void
import_crlf_endings(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok("Title,Release Year,Locations\r\n"
	                             "Vertigo,1958,Fort Point\r\n"
	                             "Bullitt,1968,Taylor Street\r\n",
	    &st);

	assert_int_equal(st.rows_read, 2);
	assert_int_equal(st.rows_rejected, 0);
	assert_int_equal(st.films, 2);
	assert_string_equal(
	    film_location(ds, find_film(ds, "bullitt-1968"), 0)->text,
	    "Taylor Street");
	core_dataset_free(ds);
}

static void
import_quoted_comma(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_SHORT "\"Goodbye, Mr.Chips\",1969,\"Mission St., "
	                           "Embarcadero, and Front\",\n",
	        &st);
	const core_film *f = find_film(ds, "goodbye-mr-chips-1969");

	assert_int_equal(st.rows_rejected, 0);
	assert_string_equal(f->title, "Goodbye, Mr.Chips");
	assert_string_equal(film_location(ds, f, 0)->text,
	    "Mission St., Embarcadero, and Front");
	core_dataset_free(ds);
}

static void
import_quoted_quotes(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT
	    "\"Looking \"\"Special\"\"\",2014,Castro Street,"
	    "\"Called \"\"1001 Franklin\"\" in the film.\"\n",
	    &st);
	const core_film *f = find_film(ds, "looking-special-2014");

	assert_string_equal(f->title, "Looking \"Special\"");
	assert_string_equal(film_location(ds, f, 0)->fun_facts,
	    "Called \"1001 Franklin\" in the film.");
	core_dataset_free(ds);
}

static void
import_quoted_newline(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok("Title,Release Year,Locations,"
	                             "Production Company\n"
	                             "Bullitt,1968,Taylor Street,\"Warner "
	                             "Brothers / Seven Arts\nSeven Arts\"\n"
	                             "Vertigo,1958,Fort Point,Paramount\n",
	    &st);
	const core_film *f = find_film(ds, "bullitt-1968");

	assert_int_equal(st.rows_read, 2);
	assert_int_equal(st.rows_rejected, 0);
	assert_int_equal(f->companies.n, 1);
	assert_string_equal(
	    f->companies.v[0].text, "Warner Brothers / Seven Arts Seven Arts");
	assert_int_equal(find_film(ds, "vertigo-1958")->year, 1958);
	core_dataset_free(ds);
}

static void
import_unterminated_quote(void **state)
{
	const char *csv = HEADER_SHORT "Vertigo,1958,Fort Point,\n"
	                               "Bullitt,1968,\"Taylor Street,\n";
	core_import_stats st;
	char err[256] = "";

	import_fails(csv, strlen(csv), CORE_ESYNTAX, &st, err, sizeof(err));
	assert_string_equal(err, "unterminated quote at line 3, column 14");
	assert_int_equal(st.rows_read, 1);
}

/* Rejected rows */

static void
import_invalid_utf8_row(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT "Vertigo,1958,Fort Point,\n"
	                                          "Bullitt,1968,Taylor \xFF"
	                                          "Street,\n"
	                                          "Zodiac,2007,Hall of "
	                                          "Justice,\n",
	    &st);

	assert_int_equal(st.rows_read, 3);
	assert_int_equal(st.rows_rejected, 1);
	assert_int_equal(st.nreasons, 1);
	assert_string_equal(
	    st.reasons[0], "invalid UTF-8 at line 3, column 21");
	assert_int_equal(st.films, 2);
	assert_int_equal(find_film(ds, "zodiac-2007")->nlocations, 1);
	core_dataset_free(ds);
}

static void
import_field_count_rejected(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT "Vertigo,1958\n"
	                                          "Bullitt,1968,Taylor "
	                                          "Street,,extra\n"
	                                          "Zodiac,2007,Hall of "
	                                          "Justice,\n",
	    &st);

	assert_int_equal(st.rows_read, 3);
	assert_int_equal(st.rows_rejected, 2);
	assert_int_equal(st.nreasons, 2);
	assert_string_equal(
	    st.reasons[0], "line 2: 2 fields, but the header has 4");
	assert_string_equal(
	    st.reasons[1], "line 3: 5 fields, but the header has 4");
	assert_int_equal(st.films, 1);
	assert_int_equal(find_film(ds, "zodiac-2007")->year, 2007);
	core_dataset_free(ds);
}

static void
import_too_many_fields_rejected(void **state)
{
	char csv[512];
	size_t len;
	core_import_stats st;
	core_dataset *ds;

	len = (size_t)snprintf(csv, sizeof(csv), "Title\nBullitt");
	for (size_t i = 0; i < CORE_CSV_MAX_FIELDS; i++) {
		csv[len++] = ',';
	}
	snprintf(csv + len, sizeof(csv) - len, "\nVertigo\n");
	ds = import_ok(csv, &st);

	assert_int_equal(st.rows_read, 2);
	assert_int_equal(st.rows_rejected, 1);
	assert_int_equal(st.nreasons, 1);
	assert_string_equal(
	    st.reasons[0], "more than 256 fields at line 2, column 264");
	assert_int_equal(st.films, 1);
	core_dataset_free(ds);
}

static void
import_empty_title_rejected(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT ",1958,Fort Point,\n"
	                                          "\"  \",1958,Fort Point,\n"
	                                          "--,1958,Fort Point,\n"
	                                          "Vertigo,1958,Fort Point,\n",
	    &st);
	const char *want[] = {
	    "line 2: Title is empty or has no letters or digits",
	    "line 3: Title is empty or has no letters or digits",
	    "line 4: Title is empty or has no letters or digits",
	};

	assert_int_equal(st.rows_read, 4);
	assert_int_equal(st.rows_rejected, 3);
	assert_int_equal(st.nreasons, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(st.reasons[i], want[i]);
	}
	assert_int_equal(st.films, 1);
	core_dataset_free(ds);
}

static void
import_invalid_year_rejected(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT "Vertigo,19x5,Fort Point,\n"
	                                          "Vertigo,1799,Fort Point,\n"
	                                          "Vertigo,2101,Fort Point,\n"
	                                          "Vertigo,195,Fort Point,\n"
	                                          "Vertigo,19580,Fort Point,\n"
	                                          "Vertigo,1958,Fort Point,\n",
	    &st);
	const char *want[] = {
	    "line 2: invalid Release Year \"19x5\", expected a year from "
	    "1800 to 2100",
	    "line 3: invalid Release Year \"1799\", expected a year from "
	    "1800 to 2100",
	    "line 4: invalid Release Year \"2101\", expected a year from "
	    "1800 to 2100",
	    "line 5: invalid Release Year \"195\", expected a year from "
	    "1800 to 2100",
	    "line 6: invalid Release Year \"19580\", expected a year from "
	    "1800 to 2100",
	};

	assert_int_equal(st.rows_read, 6);
	assert_int_equal(st.rows_rejected, 5);
	assert_int_equal(st.nreasons, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(st.reasons[i], want[i]);
	}
	assert_int_equal(st.films, 1);
	assert_int_equal(find_film(ds, "vertigo-1958")->year, 1958);
	core_dataset_free(ds);
}

static void
import_reasons_capped(void **state)
{
	size_t nrows = CORE_IMPORT_MAX_REASONS + 8;
	size_t cap = strlen(HEADER_SHORT) + nrows * 16 + 1;
	char *csv = malloc(cap);
	size_t len;
	core_import_stats st;
	core_dataset *ds;

	assert_non_null(csv);
	len = (size_t)snprintf(csv, cap, "%s", HEADER_SHORT);
	for (size_t i = 0; i < nrows; i++) {
		len += (size_t)snprintf(csv + len, cap - len, "Vertigo,19x5\n");
	}
	ds = import_ok(csv, &st);

	assert_int_equal(st.rows_read, nrows);
	assert_int_equal(st.rows_rejected, nrows);
	assert_int_equal(st.nreasons, CORE_IMPORT_MAX_REASONS);
	assert_string_equal(st.reasons[CORE_IMPORT_MAX_REASONS - 1],
	    "line 33: 2 fields, but the header has 4");
	assert_int_equal(st.films, 0);
	core_dataset_free(ds);
	free(csv);
}

static void
import_empty_year_zero(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT
	    "\"Goodbye, Mr.Chips\",,\"Hanger 3, Treasure "
	    "island\",\n",
	    &st);
	const core_film *f = find_film(ds, "goodbye-mr-chips");

	assert_int_equal(st.rows_rejected, 0);
	assert_int_equal(f->year, 0);
	core_dataset_free(ds);
}

/* Cleaning and people lists */

static void
import_fields_cleaned(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT
	    "\"  The   Rock \",\" 1996 \",\"Alcatraz\tIsland  "
	    "(Pier  33)\",\"Filmed\non\r\nthe\xC2\xA0island. \"\n",
	    &st);
	const core_film *f = find_film(ds, "the-rock-1996");
	const core_location *l = film_location(ds, f, 0);

	assert_int_equal(st.rows_rejected, 0);
	assert_string_equal(f->title, "The Rock");
	assert_int_equal(f->year, 1996);
	assert_string_equal(l->text, "Alcatraz Island (Pier 33)");
	assert_string_equal(l->fun_facts, "Filmed on the island.");
	core_dataset_free(ds);
}

static void
import_writers_split(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("Title,Release Year,Writer\n"
	              "180,2011,\"Umarji Anuradha, Jayendra & Suba \"\n"
	              "Flicka,2006,\"Blaine Chiappetta ,Marguerite Henry\"\n"
	              "Zodiac,2007,N/A\n",
	        &st);
	const core_film *f180 = find_film(ds, "180-2011");
	const core_film *flicka = find_film(ds, "flicka-2006");

	assert_int_equal(f180->writers.n, 3);
	assert_string_equal(f180->writers.v[0].text, "Umarji Anuradha");
	assert_string_equal(f180->writers.v[1].text, "Jayendra");
	assert_string_equal(f180->writers.v[2].text, "Suba");
	assert_string_equal(f180->writers.v[0].norm, "umarji anuradha");
	assert_int_equal(flicka->writers.n, 2);
	assert_string_equal(flicka->writers.v[0].text, "Blaine Chiappetta");
	assert_string_equal(flicka->writers.v[1].text, "Marguerite Henry");
	assert_int_equal(find_film(ds, "zodiac-2007")->writers.n, 0);
	core_dataset_free(ds);
}

/* The people of every row of a film are collected once each. */
static void
import_people_collected(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(
	    "Title,Release Year,Locations,Actor 1,Actor 2,Actor 3\n"
	    "Vertigo,1958,Fort Point,James Stewart,Kim Novak,\n"
	    "Vertigo,1958,Coit Tower,James Stewart,Barbara Bel Geddes,\n"
	    "Vertigo,1958,Ernie's,JAMES STEWART,,Kim Novak\n",
	    &st);
	const core_film *f = find_film(ds, "vertigo-1958");

	assert_int_equal(f->actors.n, 3);
	assert_string_equal(f->actors.v[0].text, "James Stewart");
	assert_string_equal(f->actors.v[1].text, "Kim Novak");
	assert_string_equal(f->actors.v[2].text, "Barbara Bel Geddes");
	core_dataset_free(ds);
}

/* Duplicates and grouping */

static void
import_duplicates_dropped(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_SHORT "Groove,2000,435 23rd Street at Illinois,\n"
	                           "Groove,2000,435 23rd Street at Illinois,\n"
	                           "Groove,2000,\" 435 23rd  Street at "
	                           "Illinois\",\n"
	                           "Groove,2000,City Hall,\n",
	        &st);
	const core_film *f = find_film(ds, "groove-2000");

	assert_int_equal(st.rows_read, 4);
	assert_int_equal(st.rows_rejected, 0);
	assert_int_equal(st.duplicates, 2);
	assert_int_equal(st.merged, 0);
	assert_int_equal(st.locations, 2);
	assert_int_equal(f->nlocations, 2);
	core_dataset_free(ds);
}

static void
import_fun_facts_merged(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT
	    "San Andreas,2015,AT&T Stadium,Characters run out.\n"
	    "San Andreas,2015,Pier 43,\n"
	    "San Andreas,2015,AT&T Stadium,Two paragliders land.\n"
	    "San Andreas,2015,AT&T Stadium,\n",
	    &st);
	const core_film *f = find_film(ds, "san-andreas-2015");
	const core_location *l = find_location(ds, f, "AT&T Stadium");

	assert_int_equal(st.duplicates, 0);
	assert_int_equal(st.merged, 2);
	assert_int_equal(st.locations, 2);
	assert_int_equal(f->nlocations, 2);
	assert_string_equal(
	    l->fun_facts, "Characters run out.\nTwo paragliders land.");
	core_dataset_free(ds);
}

/* A repeated fun fact on a row that differs in another column is joined
 * once. */
static void
import_fun_fact_once(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("Title,Release Year,Locations,Fun Facts,Actor 1\n"
	              "Vertigo,1958,Fort Point,Built in 1853.,James Stewart\n"
	              "Vertigo,1958,Fort Point,Built in 1853.,Kim Novak\n",
	        &st);
	const core_location *l =
	    film_location(ds, find_film(ds, "vertigo-1958"), 0);

	assert_int_equal(st.duplicates, 0);
	assert_int_equal(st.merged, 1);
	assert_string_equal(l->fun_facts, "Built in 1853.");
	core_dataset_free(ds);
}

/* Location texts with the same matching form are one location, which keeps
 * the text of the first row. */
static void
import_location_variants_merged(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_SHORT "San Andreas,2015,AT&T Stadium,\n"
	                           "San Andreas,2015,AT & T stadium.,\n",
	        &st);
	const core_film *f = find_film(ds, "san-andreas-2015");

	assert_int_equal(st.merged, 1);
	assert_int_equal(f->nlocations, 1);
	assert_string_equal(film_location(ds, f, 0)->text, "AT&T Stadium");
	core_dataset_free(ds);
}

static void
import_season_titles_grouped(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT
	    "Blindspotting (Season 2),2022,Lake Merritt,\n"
	    "Blindspotting Season 2,2022,Fruitvale Station,\n"
	    "Chance - Season 1 ep105,2016,Ocean Beach,\n"
	    "Chance - Season 1ep105,2016,Baker Beach,\n",
	    &st);
	const core_film *f = find_film(ds, "blindspotting-season-2-2022");

	assert_int_equal(st.films, 2);
	assert_int_equal(film_count(ds), 2);
	assert_string_equal(f->title, "Blindspotting (Season 2)");
	assert_int_equal(f->nlocations, 2);
	assert_int_equal(
	    find_film(ds, "chance-season-1-ep105-2016")->nlocations, 2);
	core_dataset_free(ds);
}

static void
import_trailing_space_title(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT
	    "\"A Smile Like Yours \",1997,Ferry Building,\n"
	    "A Smile Like Yours,1997,San Francisco Airport,\n",
	    &st);
	const core_film *f = find_film(ds, "a-smile-like-yours-1997");

	assert_int_equal(st.films, 1);
	assert_string_equal(f->title, "A Smile Like Yours");
	assert_int_equal(f->nlocations, 2);
	core_dataset_free(ds);
}

static void
import_same_title_two_years(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_SHORT "Murder in the First,1995,Alcatraz Island,\n"
	                           "Murder in the First,2014,Alcatraz Island,\n"
	                           "Murder in the First,,Alcatraz Island,\n",
	        &st);
	const core_film *a = find_film(ds, "murder-in-the-first-1995");
	const core_film *b = find_film(ds, "murder-in-the-first-2014");
	const core_film *c = find_film(ds, "murder-in-the-first");

	assert_int_equal(st.films, 3);
	assert_int_equal(st.locations, 3);
	assert_int_equal(st.merged, 0);
	assert_true(a->id != b->id);
	assert_true(a->id != c->id);
	assert_true(b->id != c->id);
	assert_true(film_location(ds, a, 0)->id != film_location(ds, b, 0)->id);
	core_dataset_free(ds);
}

static void
import_row_without_location(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT "Desperate Measures,1998,,\n"
	                                          "Vertigo,1958,Fort Point,\n",
	    &st);

	assert_int_equal(st.rows_without_location, 1);
	assert_int_equal(st.films, 2);
	assert_int_equal(st.locations, 1);
	assert_int_equal(
	    find_film(ds, "desperate-measures-1998")->nlocations, 0);
	core_dataset_free(ds);
}

/* Coordinates */

static void
import_point_from_lat_lng(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_POINT "Vertigo,Fort Point,"
	                                          "POINT (-122.4 37.7),"
	                                          "-122.47709,37.8106117\n",
	    &st);
	const core_location *l = film_location(ds, find_film(ds, "vertigo"), 0);

	assert_int_equal(l->flags, CORE_LOC_HAS_POINT);
	assert_true(l->lat == 37.8106117);
	assert_true(l->lng == -122.47709);
	assert_int_equal(st.located, 1);
	assert_int_equal(st.unlocated, 0);
	assert_int_equal(st.invalid_points, 0);
	core_dataset_free(ds);
}

static void
import_point_from_wkt(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_POINT "Vertigo,Fort Point,"
	                           "POINT (-122.47709 37.8106117),,\n"
	                           "Vertigo,Coit Tower,"
	                           "POINT (-122.4058 37.8024),north,37.8\n",
	        &st);
	const core_film *f = find_film(ds, "vertigo");
	const core_location *fort = find_location(ds, f, "Fort Point");
	const core_location *coit = find_location(ds, f, "Coit Tower");

	assert_int_equal(fort->flags, CORE_LOC_HAS_POINT);
	assert_true(fort->lat == 37.8106117);
	assert_true(fort->lng == -122.47709);
	assert_int_equal(coit->flags, CORE_LOC_HAS_POINT);
	assert_true(coit->lat == 37.8024);
	assert_true(coit->lng == -122.4058);
	assert_int_equal(st.located, 2);
	assert_int_equal(st.invalid_points, 0);
	core_dataset_free(ds);
}

static void
import_invalid_points_counted(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_POINT "Vertigo,Fort Point,,north,37.81\n"
	                           "Vertigo,Coit Tower,,-122.4058,91\n"
	                           "Vertigo,City Hall,,-122.4,\n"
	                           "Vertigo,Lombard Street,POINT (x y),,\n"
	                           "Vertigo,Ernie's,POINT (-122.4 37.8,,\n"
	                           "Vertigo,Palace of Fine Arts,,,\n",
	        &st);
	const core_film *f = find_film(ds, "vertigo");

	assert_int_equal(st.invalid_points, 5);
	assert_int_equal(st.locations, 6);
	assert_int_equal(st.located, 0);
	assert_int_equal(st.unlocated, 6);
	for (uint32_t i = 0; i < f->nlocations; i++) {
		assert_int_equal(film_location(ds, f, i)->flags, 0);
	}
	core_dataset_free(ds);
}

static void
import_zero_point_ignored(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_POINT "Vertigo,Fort Point,,0,0\n"
	                           "Vertigo,Coit Tower,POINT (0 0),,\n"
	                           "Vertigo,City Hall,,0.0,0.000\n",
	        &st);
	const core_film *f = find_film(ds, "vertigo");

	assert_int_equal(st.located, 0);
	assert_int_equal(st.unlocated, 3);
	assert_int_equal(st.invalid_points, 0);
	assert_int_equal(find_location(ds, f, "Fort Point")->flags, 0);
	assert_int_equal(find_location(ds, f, "Coit Tower")->flags, 0);
	assert_int_equal(find_location(ds, f, "City Hall")->flags, 0);
	core_dataset_free(ds);
}

static void
import_point_outside_sf(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_POINT
	    "Vertigo,Mission San Juan Bautista,,-121.5357205,"
	    "36.8459168\n"
	    "Looking,\"Tiburon Hiking Trail, Tiburon, CA\",,"
	    "-122.4900376,37.8961157\n"
	    "Vertigo,Fort Point,,-122.47709,37.8106117\n"
	    "Blue Jasmine,SFO Terminal 3,,-122.3874941,37.61993\n",
	    &st);
	const core_film *vertigo = find_film(ds, "vertigo");

	assert_int_equal(st.located, 4);
	assert_int_equal(st.outside_sf, 2);
	assert_int_equal(
	    find_location(ds, vertigo, "Mission San Juan Bautista")->flags,
	    CORE_LOC_HAS_POINT | CORE_LOC_OUTSIDE_SF);
	assert_int_equal(film_location(ds, find_film(ds, "looking"), 0)->flags,
	    CORE_LOC_HAS_POINT | CORE_LOC_OUTSIDE_SF);
	assert_int_equal(find_location(ds, vertigo, "Fort Point")->flags,
	    CORE_LOC_HAS_POINT);
	assert_int_equal(
	    film_location(ds, find_film(ds, "blue-jasmine"), 0)->flags,
	    CORE_LOC_HAS_POINT);
	core_dataset_free(ds);
}

/* A merged row fills in the point that the first row of its location
 * lacked. */
static void
import_merged_row_adds_point(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok("Title,Locations,Fun Facts,Longitude,Latitude\n"
	              "Vertigo,Fort Point,Built in 1853.,,\n"
	              "Vertigo,Fort Point,Under the bridge.,-122.47709,"
	              "37.8106117\n",
	        &st);
	const core_location *l = film_location(ds, find_film(ds, "vertigo"), 0);

	assert_int_equal(st.merged, 1);
	assert_int_equal(l->flags, CORE_LOC_HAS_POINT);
	assert_true(l->lat == 37.8106117);
	assert_int_equal(st.located, 1);
	core_dataset_free(ds);
}

/* A row whose location already has a point still has its coordinate text
 * checked. */
static void
import_invalid_point_merged_row(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_POINT
	    "Vertigo,Fort Point,,-122.47709,37.8106117\n"
	    "Vertigo,Fort Point,POINT (x y),north,37.8\n",
	    &st);
	const core_location *l = film_location(ds, find_film(ds, "vertigo"), 0);

	assert_int_equal(st.merged, 1);
	assert_int_equal(st.invalid_points, 1);
	assert_int_equal(l->flags, CORE_LOC_HAS_POINT);
	assert_true(l->lat == 37.8106117);
	core_dataset_free(ds);
}

static void
import_neighborhood_district(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_2026
	    "Vertigo,1958,Fort Point,,Paramount,,Alfred Hitchcock,Alec "
	    "Coppel,James Stewart,Kim Novak,Barbara Bel Geddes,,,,Presidio,2\n"
	    "Vertigo,1958,Coit Tower,,,,,,,,,,,,,12\n",
	    &st);
	const core_film *f = find_film(ds, "vertigo-1958");
	const core_location *fort = find_location(ds, f, "Fort Point");
	const core_location *coit = find_location(ds, f, "Coit Tower");

	assert_string_equal(fort->neighborhood, "Presidio");
	assert_int_equal(fort->district, 2);
	assert_string_equal(coit->neighborhood, "");
	assert_int_equal(coit->district, 0);
	assert_int_equal(f->companies.n, 1);
	assert_int_equal(f->writers.n, 1);
	assert_int_equal(f->actors.n, 3);
	core_dataset_free(ds);
}

/* Ids and slugs */

/* Returns the id of the location with the given text in the film with the
 * given slug. */
static uint64_t
location_id(const core_dataset *ds, const char *slug, const char *text)
{
	return find_location(ds, find_film(ds, slug), text)->id;
}

static void
import_ids_stable_reordered(void **state)
{
	core_import_stats st;
	core_dataset *a =
	    import_ok(HEADER_SHORT "Vertigo,1958,Fort Point,Built in 1853.\n"
	                           "Vertigo,1958,Coit Tower,\n"
	                           "Bullitt,1968,Taylor Street,\n",
	        &st);
	core_dataset *b =
	    import_ok(HEADER_SHORT "Zodiac,2007,Hall of Justice,\n"
	                           "Ant-Man,2015,Pier 7,\n"
	                           "Bullitt,1968,Taylor Street,\n"
	                           "Vertigo,1958,Palace of Fine Arts,\n"
	                           "Vertigo,1958,Coit Tower,Built in 1933.\n"
	                           "Vertigo,1958,Fort Point,Built in 1853.\n",
	        &st);

	assert_true(find_film(a, "vertigo-1958")->id ==
	    find_film(b, "vertigo-1958")->id);
	assert_true(find_film(a, "bullitt-1968")->id ==
	    find_film(b, "bullitt-1968")->id);
	assert_true(location_id(a, "vertigo-1958", "Fort Point") ==
	    location_id(b, "vertigo-1958", "Fort Point"));
	assert_true(location_id(a, "vertigo-1958", "Coit Tower") ==
	    location_id(b, "vertigo-1958", "Coit Tower"));
	assert_true(location_id(a, "bullitt-1968", "Taylor Street") ==
	    location_id(b, "bullitt-1968", "Taylor Street"));
	core_dataset_free(a);
	core_dataset_free(b);
}

/* Ids hash matching forms, so a variant spelling of the first row keeps
 * them. */
static void
import_ids_ignore_spelling(void **state)
{
	core_import_stats st;
	core_dataset *a = import_ok(
	    HEADER_SHORT "Blindspotting (Season 2),2022,Lake Merritt,\n", &st);
	core_dataset *b = import_ok(
	    HEADER_SHORT "Blindspotting Season 2,2022,LAKE MERRITT.,\n", &st);
	const char *slug = "blindspotting-season-2-2022";

	assert_true(find_film(a, slug)->id == find_film(b, slug)->id);
	assert_true(location_id(a, slug, "Lake Merritt") ==
	    location_id(b, slug, "LAKE MERRITT."));
	core_dataset_free(a);
	core_dataset_free(b);
}

static void
import_location_ids_differ(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT "Vertigo,1958,Fort Point,\n"
	                                          "Vertigo,1958,Fort Mason,\n"
	                                          "Bullitt,1968,Fort Point,\n",
	    &st);

	assert_true(location_id(ds, "vertigo-1958", "Fort Point") !=
	    location_id(ds, "vertigo-1958", "Fort Mason"));
	assert_true(location_id(ds, "vertigo-1958", "Fort Point") !=
	    location_id(ds, "bullitt-1968", "Fort Point"));
	assert_true(find_film(ds, "vertigo-1958")->id !=
	    find_film(ds, "bullitt-1968")->id);
	core_dataset_free(ds);
}

static void
import_slugs(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT "Vertigo,1958,,\n"
	                                          "\"Goodbye, Mr.Chips\",,,\n"
	                                          "Café Society,2016,,\n"
	                                          "Nabila’s,2011,,\n",
	    &st);

	assert_string_equal(find_film(ds, "vertigo-1958")->title, "Vertigo");
	assert_string_equal(
	    find_film(ds, "goodbye-mr-chips")->title, "Goodbye, Mr.Chips");
	assert_string_equal(
	    find_film(ds, "cafe-society-2016")->title, "Café Society");
	assert_string_equal(find_film(ds, "nabilas-2011")->title, "Nabila’s");
	core_dataset_free(ds);
}

/* A title that ends in a year and has none can build the slug of another
 * film; the film later in film order gets its id appended. */
static void
import_slugs_unique(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_ok(HEADER_SHORT "Foo 1958,,,\n"
	                                          "Foo,1958,,\n",
	    &st);
	size_t nfilms;
	const core_film *films = core_dataset_films(ds, &nfilms);
	char other[64];

	assert_int_equal(nfilms, 2);
	assert_string_equal(films[0].title, "Foo");
	assert_string_equal(films[0].slug, "foo-1958");
	snprintf(other, sizeof(other), "foo-1958-%016llx",
	    (unsigned long long)films[1].id);
	assert_string_equal(films[1].slug, other);
	assert_ptr_equal(core_film_by_slug(ds, "foo-1958"), &films[0]);
	assert_ptr_equal(core_film_by_slug(ds, other), &films[1]);
	core_dataset_free(ds);
}

/* The films come sorted by title and year with their locations contiguous
 * in row order. */
static void
import_films_sorted(void **state)
{
	core_import_stats st;
	core_dataset *ds =
	    import_ok(HEADER_SHORT "Zodiac,2007,Hall of Justice,\n"
	                           "Vertigo,1958,Fort Point,\n"
	                           "Bullitt,1968,Taylor Street,\n"
	                           "Vertigo,1958,Coit Tower,\n",
	        &st);
	size_t nfilms, nlocs;
	const core_film *films = core_dataset_films(ds, &nfilms);
	const core_location *locs = core_dataset_locations(ds, &nlocs);

	assert_int_equal(nfilms, 3);
	assert_int_equal(nlocs, 4);
	assert_string_equal(films[0].slug, "bullitt-1968");
	assert_string_equal(films[1].slug, "vertigo-1958");
	assert_string_equal(films[2].slug, "zodiac-2007");
	assert_int_equal(films[1].first_location, 1);
	assert_int_equal(films[1].nlocations, 2);
	assert_string_equal(locs[1].text, "Fort Point");
	assert_string_equal(locs[2].text, "Coit Tower");
	assert_int_equal(locs[2].film, 1);
	core_dataset_free(ds);
}

static void
import_stats_optional(void **state)
{
	const char *csv = HEADER_SHORT "Vertigo,1958,Fort Point,\n";
	core_dataset *ds = NULL;

	assert_int_equal(
	    core_dataset_import(&ds, csv, strlen(csv), NULL, NULL, 0), 0);
	assert_non_null(ds);
	assert_int_equal(film_count(ds), 1);
	core_dataset_free(ds);
}

/* Real exports */

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

static core_dataset *
import_data_file(const char *name, core_import_stats *st)
{
	core_dataset *ds = NULL;
	char err[256] = "";
	size_t len;
	char *csv = read_data_file(name, &len);
	int rv = core_dataset_import(&ds, csv, len, st, err, sizeof(err));

	free(csv);
	if (rv != 0) {
		fail_msg("import of %s failed with %d: %s", name, rv, err);
	}
	return ds;
}

#define FILE_2026 "film_locations_2026-04_2214rows.csv"
#define FILE_2025 "film_locations_2025-04_2084rows.csv"
#define FILE_2014 "film_locations_2014-11_1151rows.csv"

static void
import_real_2026_counts(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_data_file(FILE_2026, &st);

	assert_int_equal(st.rows_read, 2214);
	assert_int_equal(st.rows_rejected, 0);
	assert_int_equal(st.nreasons, 0);
	assert_int_equal(st.duplicates, 6);
	assert_int_equal(st.merged, 1);
	assert_int_equal(st.rows_without_location, 54);
	assert_int_equal(st.films, 351);
	assert_int_equal(st.locations, 2153);
	assert_int_equal(st.located, 2121);
	assert_int_equal(st.unlocated, 32);
	assert_int_equal(st.outside_sf, 2);
	assert_int_equal(st.invalid_points, 0);
	assert_int_equal(st.columns_used, 16);
	assert_string_equal(st.missing_columns, "");
	core_dataset_free(ds);
}

static void
import_real_2026_outside_sf(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_data_file(FILE_2026, &st);
	const core_location *bautista =
	    find_location(ds, find_film(ds, "vertigo-1958"),
	        "Mission San Juan Bautista (2nd & Mariposa Streets)");
	const core_location *tiburon = find_location(ds,
	    find_film(ds, "looking-2014"), "Tiburon Hiking Trail, Tiburon, CA");

	assert_int_equal(
	    bautista->flags, CORE_LOC_HAS_POINT | CORE_LOC_OUTSIDE_SF);
	assert_true(bautista->lat == 36.8459168);
	assert_true(bautista->lng == -121.5357205);
	assert_int_equal(
	    tiburon->flags, CORE_LOC_HAS_POINT | CORE_LOC_OUTSIDE_SF);
	core_dataset_free(ds);
}

static void
import_real_2026_merged(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_data_file(FILE_2026, &st);
	const core_location *l = find_location(
	    ds, find_film(ds, "san-andreas-2015"), "AT&T Stadium");

	assert_string_equal(l->fun_facts,
	    "3 characters run out of stadium, there is a "
	    "group of people on the sidewalk, an earthquake "
	    "hits, and they duck for cover\n"
	    "two paragliders land on the field of AT&T Park");
	core_dataset_free(ds);
}

static void
import_real_2025_counts(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_data_file(FILE_2025, &st);

	assert_int_equal(st.rows_read, 2084);
	assert_int_equal(st.rows_rejected, 0);
	assert_int_equal(st.duplicates, 3);
	assert_int_equal(st.merged, 1);
	assert_int_equal(st.rows_without_location, 54);
	assert_int_equal(st.films, 336);
	assert_int_equal(st.locations, 2026);
	assert_int_equal(st.located, 1977);
	assert_int_equal(st.unlocated, 49);
	assert_int_equal(st.outside_sf, 2);
	assert_int_equal(st.invalid_points, 0);
	assert_int_equal(st.columns_used, 16);
	assert_string_equal(st.missing_columns, "");
	core_dataset_free(ds);
}

static void
import_real_2014_counts(void **state)
{
	core_import_stats st;
	core_dataset *ds = import_data_file(FILE_2014, &st);

	assert_int_equal(st.rows_read, 1151);
	assert_int_equal(st.rows_rejected, 0);
	assert_int_equal(st.duplicates, 3);
	assert_int_equal(st.merged, 1);
	assert_int_equal(st.rows_without_location, 54);
	assert_int_equal(st.films, 267);
	assert_int_equal(st.locations, 1093);
	assert_int_equal(st.located, 0);
	assert_int_equal(st.unlocated, 1093);
	assert_int_equal(st.outside_sf, 0);
	assert_int_equal(st.invalid_points, 0);
	assert_int_equal(st.columns_used, 11);
	assert_string_equal(st.missing_columns,
	    "Point, Longitude, Latitude, Analysis "
	    "Neighborhood, Supervisor District");
	core_dataset_free(ds);
}

/* Finds the film with an id by linear scan, or returns NULL. */
static const core_film *
film_with_id(const core_dataset *ds, uint64_t id)
{
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (films[i].id == id) {
			return &films[i];
		}
	}
	return NULL;
}

/* Every film and location of the 2025 export is in the 2026 export, which
 * only added rows, so each must keep its id. */
static void
import_real_ids_stable(void **state)
{
	core_import_stats st;
	core_dataset *old = import_data_file(FILE_2025, &st);
	core_dataset *cur = import_data_file(FILE_2026, &st);
	size_t nold;
	const core_film *films = core_dataset_films(old, &nold);
	size_t found_films = 0;
	size_t found_locations = 0;
	size_t old_locations = 0;

	for (size_t i = 0; i < nold; i++) {
		const core_film *f = &films[i];
		const core_film *g = film_with_id(cur, f->id);

		old_locations += f->nlocations;
		if (g == NULL) {
			continue;
		}
		found_films++;
		for (uint32_t j = 0; j < f->nlocations; j++) {
			const core_location *l = film_location(old, f, j);

			for (uint32_t k = 0; k < g->nlocations; k++) {
				if (film_location(cur, g, k)->id == l->id) {
					found_locations++;
					break;
				}
			}
		}
	}
	assert_int_equal(nold, 336);
	assert_int_equal(found_films, 336);
	assert_int_equal(old_locations, 2026);
	assert_int_equal(found_locations, 2026);
	core_dataset_free(old);
	core_dataset_free(cur);
}

static void
import_real_vertigo_ids(void **state)
{
	core_import_stats st;
	core_dataset *old = import_data_file(FILE_2025, &st);
	core_dataset *cur = import_data_file(FILE_2026, &st);
	const core_film *a = find_film(old, "vertigo-1958");
	const core_film *b = find_film(cur, "vertigo-1958");

	assert_true(a->id == b->id);
	assert_int_equal(a->nlocations, 16);
	assert_int_equal(b->nlocations, 16);
	for (uint32_t i = 0; i < a->nlocations; i++) {
		const core_location *la = film_location(old, a, i);
		const core_location *lb = find_location(cur, b, la->text);

		assert_true(la->id == lb->id);
	}
	core_dataset_free(old);
	core_dataset_free(cur);
}

/* The 2014 export spells some titles and locations differently; the films
 * and locations whose matching forms are unchanged keep their ids. */
static void
import_real_ids_since_2014(void **state)
{
	core_import_stats st;
	core_dataset *old = import_data_file(FILE_2014, &st);
	core_dataset *cur = import_data_file(FILE_2026, &st);
	size_t nold;
	const core_film *films = core_dataset_films(old, &nold);
	size_t found_films = 0;
	size_t found_locations = 0;

	for (size_t i = 0; i < nold; i++) {
		const core_film *g = film_with_id(cur, films[i].id);

		if (g == NULL) {
			continue;
		}
		found_films++;
		for (uint32_t j = 0; j < films[i].nlocations; j++) {
			uint64_t id = film_location(old, &films[i], j)->id;

			for (uint32_t k = 0; k < g->nlocations; k++) {
				if (film_location(cur, g, k)->id == id) {
					found_locations++;
					break;
				}
			}
		}
	}
	assert_int_equal(found_films, 241);
	assert_int_equal(found_locations, 887);
	core_dataset_free(old);
	core_dataset_free(cur);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(import_columns_reordered),
	    cmocka_unit_test(import_extra_columns_ignored),
	    cmocka_unit_test(import_missing_columns_listed),
	    cmocka_unit_test(import_missing_columns_empty),
	    cmocka_unit_test(import_socrata_names),
	    cmocka_unit_test(import_code_columns_ignored),
	    cmocka_unit_test(import_code_columns_beside_text),
	    cmocka_unit_test(import_no_title_column),
	    cmocka_unit_test(import_header_invalid_utf8),
	    cmocka_unit_test(import_empty_file),
	    cmocka_unit_test(import_header_only),
	    cmocka_unit_test(import_bom_skipped),
	    cmocka_unit_test(import_crlf_endings),
	    cmocka_unit_test(import_quoted_comma),
	    cmocka_unit_test(import_quoted_quotes),
	    cmocka_unit_test(import_quoted_newline),
	    cmocka_unit_test(import_unterminated_quote),
	    cmocka_unit_test(import_invalid_utf8_row),
	    cmocka_unit_test(import_field_count_rejected),
	    cmocka_unit_test(import_too_many_fields_rejected),
	    cmocka_unit_test(import_empty_title_rejected),
	    cmocka_unit_test(import_invalid_year_rejected),
	    cmocka_unit_test(import_reasons_capped),
	    cmocka_unit_test(import_empty_year_zero),
	    cmocka_unit_test(import_fields_cleaned),
	    cmocka_unit_test(import_writers_split),
	    cmocka_unit_test(import_people_collected),
	    cmocka_unit_test(import_duplicates_dropped),
	    cmocka_unit_test(import_fun_facts_merged),
	    cmocka_unit_test(import_fun_fact_once),
	    cmocka_unit_test(import_location_variants_merged),
	    cmocka_unit_test(import_season_titles_grouped),
	    cmocka_unit_test(import_trailing_space_title),
	    cmocka_unit_test(import_same_title_two_years),
	    cmocka_unit_test(import_row_without_location),
	    cmocka_unit_test(import_point_from_lat_lng),
	    cmocka_unit_test(import_point_from_wkt),
	    cmocka_unit_test(import_invalid_points_counted),
	    cmocka_unit_test(import_zero_point_ignored),
	    cmocka_unit_test(import_point_outside_sf),
	    cmocka_unit_test(import_merged_row_adds_point),
	    cmocka_unit_test(import_invalid_point_merged_row),
	    cmocka_unit_test(import_neighborhood_district),
	    cmocka_unit_test(import_ids_stable_reordered),
	    cmocka_unit_test(import_ids_ignore_spelling),
	    cmocka_unit_test(import_location_ids_differ),
	    cmocka_unit_test(import_slugs),
	    cmocka_unit_test(import_slugs_unique),
	    cmocka_unit_test(import_films_sorted),
	    cmocka_unit_test(import_stats_optional),
	    cmocka_unit_test(import_real_2026_counts),
	    cmocka_unit_test(import_real_2026_outside_sf),
	    cmocka_unit_test(import_real_2026_merged),
	    cmocka_unit_test(import_real_2025_counts),
	    cmocka_unit_test(import_real_2014_counts),
	    cmocka_unit_test(import_real_ids_stable),
	    cmocka_unit_test(import_real_vertigo_ids),
	    cmocka_unit_test(import_real_ids_since_2014),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
