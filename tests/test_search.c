/*
 * Tests of core_search on the newest DataSF export, plus a small inline
 * fixture for the exact word-length limits of typo tolerance.
 *
 * Every expected film, count and location below was computed from the CSV
 * with Python's csv module, apart from the C code. The script grouped rows
 * into films by title and year and rebuilt the matching form with
 * unicodedata (NFKD, case fold, marks and apostrophes dropped). It then
 * applied the word rules of core_query.h by brute force: prefix on the last
 * word, and one edit from 4 bytes or two from 8, counted as optimal string
 * alignment distance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_query.h"
#include "test_data.h"

/* Films and locations of the newest export. */
#define NEWEST_FILMS     351
#define NEWEST_LOCATIONS 2153

typedef struct film_ref {
	const char *title;
	unsigned year;
} film_ref;

/* The films with Clint Eastwood in an Actor column. */
static const film_ref eastwood_actor[] = {
    {"Dirty Harry", 1971},
    {"Escape From Alcatraz", 1979},
    {"Magnum Force", 1973},
    {"Sudden Impact", 1983},
    {"The Dead Pool", 1988},
    {"The Enforcer", 1976},
};

/* The films with Clint Eastwood as actor or director. */
static const film_ref eastwood_any[] = {
    {"Dirty Harry", 1971},
    {"Escape From Alcatraz", 1979},
    {"Magnum Force", 1973},
    {"Sudden Impact", 1983},
    {"The Dead Pool", 1988},
    {"The Enforcer", 1976},
    {"Hereafter", 2010},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static core_search_req
request(const char *q, size_t limit)
{
	core_search_req req;

	memset(&req, 0, sizeof(req));
	req.q = q;
	req.limit = limit;
	return req;
}

/* Runs a search that must succeed and checks what every result promises:
 * at most limit hits, scores not increasing, and each listed location
 * belonging to its hit's film. */
static void
search_ok(
    const core_dataset *ds, const core_search_req *req, core_search_res *res)
{
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);

	assert_int_equal(core_search(ds, req, res), 0);
	assert_true(res->nhits <= req->limit);
	assert_true(res->nhits <= res->total);
	for (size_t i = 0; i < res->nhits; i++) {
		const core_search_hit *hit = &res->hits[i];

		if (i > 0) {
			assert_true(res->hits[i - 1].score >= hit->score);
		}
		for (uint32_t j = 0; j < hit->nlocations; j++) {
			assert_true(hit->locations[j] < nlocations);
			assert_int_equal(
			    locs[hit->locations[j]].film, hit->film);
		}
	}
}

/* Returns the index of a film. Fails the test when there is no such film. */
static uint32_t
film_index(const core_dataset *ds, const char *title, unsigned year)
{
	size_t n;
	const core_film *films = core_dataset_films(ds, &n);

	for (size_t i = 0; i < n; i++) {
		if (films[i].year == year &&
		    strcmp(films[i].title, title) == 0) {
			return (uint32_t)i;
		}
	}
	fail_msg("the dataset has no film \"%s\" (%u)", title, year);
	return UINT32_MAX;
}

static const core_search_hit *
find_hit(const core_search_res *res, uint32_t film)
{
	for (size_t i = 0; i < res->nhits; i++) {
		if (res->hits[i].film == film) {
			return &res->hits[i];
		}
	}
	return NULL;
}

/* Returns the hit of a film that must be among the hits. */
static const core_search_hit *
expect_hit(const core_dataset *ds, const core_search_res *res,
    const char *title, unsigned year)
{
	const core_search_hit *hit = find_hit(res, film_index(ds, title, year));

	if (hit == NULL) {
		fail_msg("\"%s\" (%u) is not among the %zu hits", title, year,
		    res->nhits);
	}
	return hit;
}

/* Checks that the hits are exactly the films in want, in any order. */
static void
expect_films(const core_dataset *ds, const core_search_res *res,
    const film_ref *want, size_t n)
{
	assert_int_equal(res->total, n);
	assert_int_equal(res->nhits, n);
	for (size_t i = 0; i < n; i++) {
		expect_hit(ds, res, want[i].title, want[i].year);
	}
}

/* Checks that a hit lists exactly the locations with the texts in want. */
static void
expect_locations(const core_dataset *ds, const core_search_hit *hit,
    const char *const *want, size_t n)
{
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);

	assert_int_equal(hit->nlocations, n);
	for (size_t i = 0; i < n; i++) {
		int found = 0;

		for (uint32_t j = 0; j < hit->nlocations; j++) {
			found |=
			    strcmp(locs[hit->locations[j]].text, want[i]) == 0;
		}
		if (!found) {
			fail_msg("location \"%s\" is not listed", want[i]);
		}
	}
}

static void
search_actor_words(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("clint eastwood", 50);
	core_search_res res;

	search_ok(ds, &req, &res);
	expect_films(ds, &res, eastwood_any, COUNT(eastwood_any));

	/* Both words match people of the film, so every location counts. */
	assert_int_equal(
	    expect_hit(ds, &res, "Hereafter", 2010)->nlocations, 3);
	assert_int_equal(
	    expect_hit(ds, &res, "The Dead Pool", 1988)->nlocations, 29);
	core_search_res_free(&res);
}

static void
search_actor_filter(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("", 50);
	core_search_res res;

	req.actor = "Clint Eastwood";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, eastwood_actor, COUNT(eastwood_actor));
	core_search_res_free(&res);

	/* The name compares up to case. */
	req.actor = "CLINT eastwood";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 6);
	core_search_res_free(&res);

	/* A part of a name is not the name. */
	req.actor = "Eastwood";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	assert_int_equal(res.nhits, 0);
	core_search_res_free(&res);
}

static void
search_actor_filter_accents(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request(NULL, 50);
	core_search_res res;
	static const film_ref bishe[] = {
	    {"Super Pumped: The Battle for Uber", 2021},
	    {"Super Pumped: The Battle for Uber", 2022},
	};

	/* The export writes the name "Kerry Bishé". */
	req.actor = "kerry bishe";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, bishe, COUNT(bishe));
	core_search_res_free(&res);
}

static void
search_actor_filter_with_words(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("alcatraz", 50);
	core_search_res res;
	static const film_ref want[] = {
	    {"Escape From Alcatraz", 1979},
	    {"The Enforcer", 1976},
	};
	static const char *const island[] = {"Alcatraz Island"};

	req.actor = "Clint Eastwood";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));

	/* The Enforcer has 9 locations, and only one matches "alcatraz". */
	expect_locations(
	    ds, expect_hit(ds, &res, "The Enforcer", 1976), island, 1);
	core_search_res_free(&res);
}

static void
search_director_filter(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("", 50);
	core_search_res res;
	static const film_ref hitchcock[] = {
	    {"Family Plot", 1976},
	    {"Marnie", 1964},
	    {"The Birds", 1963},
	    {"Vertigo", 1958},
	};
	static const film_ref eastwood[] = {
	    {"Hereafter", 2010},
	    {"Sudden Impact", 1983},
	};
	static const film_ref erguven[] = {
	    {"The Last Thing He Told Me", 2023},
	};

	req.director = "Alfred Hitchcock";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, hitchcock, COUNT(hitchcock));
	core_search_res_free(&res);

	req.director = "clint eastwood";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, eastwood, COUNT(eastwood));
	core_search_res_free(&res);

	/* The export writes the name "Deniz Gamze Ergüven". */
	req.director = "Deniz Gamze Erguven";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, erguven, COUNT(erguven));
	core_search_res_free(&res);
}

static void
search_director_and_actor(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("", 50);
	core_search_res res;
	static const film_ref want[] = {{"Sudden Impact", 1983}};

	req.director = "Clint Eastwood";
	req.actor = "Clint Eastwood";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	core_search_res_free(&res);
}

static void
search_year_range(void **state)
{
	const core_dataset *ds = *state;
	size_t nfilms;
	const core_film *films = core_dataset_films(ds, &nfilms);
	core_search_req req = request("", 1000);
	core_search_res res;

	req.year_min = 1970;
	req.year_max = 1979;
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 25);
	assert_int_equal(res.nhits, 25);
	for (size_t i = 0; i < res.nhits; i++) {
		assert_in_range(films[res.hits[i].film].year, 1970, 1979);
	}
	core_search_res_free(&res);

	req.year_min = 2020;
	req.year_max = 0;
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 35);
	for (size_t i = 0; i < res.nhits; i++) {
		assert_true(films[res.hits[i].film].year >= 2020);
	}
	core_search_res_free(&res);
}

static void
search_year_single(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("", 50);
	core_search_res res;
	static const film_ref want[] = {
	    {"The Lineup", 1958}, {"Vertigo", 1958}};

	req.year_min = 1958;
	req.year_max = 1958;
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	core_search_res_free(&res);
}

static void
search_year_max_only(void **state)
{
	const core_dataset *ds = *state;
	size_t nfilms;
	const core_film *films = core_dataset_films(ds, &nfilms);
	core_search_req req = request("", 1000);
	core_search_res res;
	size_t dated = 0;

	req.year_max = 1950;
	search_ok(ds, &req, &res);
	for (size_t i = 0; i < res.nhits; i++) {
		unsigned year = films[res.hits[i].film].year;

		assert_true(year <= 1950);
		assert_int_not_equal(year, 0);
		dated += year != 0;
	}

	/* 19 films have a release year from 1915 to 1950; the film without a
	 * year ("Goodbye, Mr.Chips") matches no year range. */
	assert_int_equal(res.total, 19);
	assert_int_equal(dated, 19);
	core_search_res_free(&res);
}

static void
search_year_with_words(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("clint eastwood", 50);
	core_search_res res;
	static const film_ref want[] = {
	    {"Dirty Harry", 1971},
	    {"Escape From Alcatraz", 1979},
	    {"Magnum Force", 1973},
	    {"The Enforcer", 1976},
	};

	req.year_min = 1970;
	req.year_max = 1979;
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	core_search_res_free(&res);
}

/* Checks that every location listed has the neighbourhood hood and returns
 * how many are listed. */
static size_t
expect_neighborhood(
    const core_dataset *ds, const core_search_res *res, const char *hood)
{
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);
	size_t listed = 0;

	for (size_t i = 0; i < res->nhits; i++) {
		const core_search_hit *hit = &res->hits[i];

		assert_true(hit->nlocations > 0);
		for (uint32_t j = 0; j < hit->nlocations; j++) {
			assert_string_equal(
			    locs[hit->locations[j]].neighborhood, hood);
		}
		listed += hit->nlocations;
	}
	return listed;
}

static void
search_neighborhood_filter(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("", 1000);
	core_search_res res;

	/* 69 films have 153 locations in Mission. "Mission Bay" and
	 * "Outer Mission" are other neighbourhoods. */
	req.neighborhood = "Mission";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 69);
	assert_int_equal(res.nhits, 69);
	assert_int_equal(expect_neighborhood(ds, &res, "Mission"), 153);
	core_search_res_free(&res);

	/* The name compares up to case and punctuation. */
	req.neighborhood = "financial district south beach";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 133);
	assert_int_equal(
	    expect_neighborhood(ds, &res, "Financial District/South Beach"),
	    299);
	core_search_res_free(&res);

	req.neighborhood = "Atlantis";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	assert_int_equal(res.nhits, 0);
	core_search_res_free(&res);
}

static void
search_neighborhood_with_words(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("clint eastwood", 50);
	core_search_res res;
	static const film_ref want[] = {
	    {"Magnum Force", 1973},
	    {"The Dead Pool", 1988},
	    {"The Enforcer", 1976},
	};
	static const char *const enforcer[] = {
	    "Balmy Street (Mission District)",
	    "24th Street Mini Park (Mission District)",
	    "23rd & Capp Streets (Mission District)",
	};
	static const char *const dead_pool[] = {
	    "San Francisco General Hospital Medical Center (1001 Potrero "
	    "Avenue, Potrero Hill)",
	};

	req.neighborhood = "Mission";
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	assert_int_equal(expect_neighborhood(ds, &res, "Mission"), 5);
	expect_locations(ds, expect_hit(ds, &res, "The Enforcer", 1976),
	    enforcer, COUNT(enforcer));
	expect_locations(ds, expect_hit(ds, &res, "The Dead Pool", 1988),
	    dead_pool, COUNT(dead_pool));
	core_search_res_free(&res);
}

static void
search_exact_title_first(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("alcatraz", 50);
	core_search_res res;

	/* Seven more films have "Alcatraz" in a title or location. */
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 8);
	assert_int_equal(res.nhits, 8);
	assert_int_equal(res.hits[0].film, film_index(ds, "Alcatraz", 2012));
	core_search_res_free(&res);

	/* 25 films match "milk" or a word one edit from it that also starts
	 * with "m". */
	req.q = "MILK";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 25);
	assert_int_equal(res.hits[0].film, film_index(ds, "Milk", 2008));
	core_search_res_free(&res);

	/* "The Zodiac" (2005) matches the word as well and comes first in
	 * title order, so only the exact title puts "Zodiac" ahead. */
	req.q = "zodiac";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 2);
	assert_int_equal(res.hits[0].film, film_index(ds, "Zodiac", 2007));
	core_search_res_free(&res);

	/* Likewise "Homeward Bound II: Lost in San Francisco" (1996). */
	req.q = "san francisco";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 41);
	assert_int_equal(
	    res.hits[0].film, film_index(ds, "San Francisco", 1936));
	core_search_res_free(&res);
}

static void
search_film_and_location(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("escape alcatraz", 50);
	core_search_res res;
	static const film_ref want[] = {{"Escape From Alcatraz", 1979}};
	static const char *const island[] = {"Alcatraz Island"};

	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	expect_locations(ds, &res.hits[0], island, 1);
	core_search_res_free(&res);
}

static void
search_location_words(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("clint eastwood city hall", 50);
	core_search_res res;
	static const film_ref want[] = {
	    {"Magnum Force", 1973},
	    {"The Enforcer", 1976},
	};
	static const char *const city_hall[] = {"City Hall"};

	/* The people words match the film and "city hall" one location of
	 * each: Magnum Force has 15 locations and The Enforcer 9. */
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	expect_locations(
	    ds, expect_hit(ds, &res, "Magnum Force", 1973), city_hall, 1);
	expect_locations(
	    ds, expect_hit(ds, &res, "The Enforcer", 1976), city_hall, 1);
	core_search_res_free(&res);
}

static void
search_location_every_word(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("vertigo mission", 50);
	core_search_res res;
	static const film_ref want[] = {{"Vertigo", 1958}};
	static const char *const missions[] = {
	    "Mission San Juan Bautista (2nd & Mariposa Streets)",
	    "Mission Dolores (3321 16th Street, Mission District)",
	};

	/* "vertigo" matches the title, so a location needs only "mission".
	 * 2 of Vertigo's 16 locations have it. */
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	expect_locations(ds, &res.hits[0], missions, COUNT(missions));
	core_search_res_free(&res);

	/* A word that only the film matches keeps every location. */
	req.q = "vertigo";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 1);
	assert_int_equal(res.hits[0].nlocations, 16);
	core_search_res_free(&res);
}

static void
search_location_neighborhood_word(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("clint eastwood tenderloin", 50);
	core_search_res res;
	static const film_ref want[] = {
	    {"Dirty Harry", 1971},
	    {"Magnum Force", 1973},
	    {"Sudden Impact", 1983},
	    {"The Dead Pool", 1988},
	    {"The Enforcer", 1976},
	};
	static const char *const dirty_harry[] = {
	    "California Hall (625 Polk Street, Van Ness/Civic Center)",
	};

	/* No location text contains "Tenderloin", so one location of each
	 * film matches through its neighbourhood. */
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	for (size_t i = 0; i < res.nhits; i++) {
		assert_int_equal(res.hits[i].nlocations, 1);
	}
	expect_locations(
	    ds, expect_hit(ds, &res, "Dirty Harry", 1971), dirty_harry, 1);
	core_search_res_free(&res);
}

static void
search_film_without_locations(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("pretty woman", 50);
	core_search_res res;
	static const film_ref want[] = {{"Pretty Woman", 1990}};

	/* Every row of Pretty Woman has an empty Locations field. */
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	assert_int_equal(res.hits[0].nlocations, 0);
	core_search_res_free(&res);

	/* A neighbourhood filter leaves out films without locations. */
	req.neighborhood = "Mission";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	core_search_res_free(&res);
}

/* Counts the listed locations whose text contains needle. */
static size_t
count_listed(
    const core_dataset *ds, const core_search_res *res, const char *needle)
{
	size_t nlocations;
	const core_location *locs = core_dataset_locations(ds, &nlocations);
	size_t count = 0;

	for (size_t i = 0; i < res->nhits; i++) {
		for (uint32_t j = 0; j < res->hits[i].nlocations; j++) {
			count += strstr(locs[res->hits[i].locations[j]].text,
			             needle) != NULL;
		}
	}
	return count;
}

static void
search_accent_folding(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("cafe", 1000);
	core_search_res res;
	size_t total;

	/* 30 locations contain "Café" and none "Cafe" without the accent.
	 * 41 films match "cafe" or a word one edit from it. */
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 41);
	assert_int_equal(count_listed(ds, &res, "Café"), 30);
	assert_int_equal(count_listed(ds, &res, "Cafe"), 0);
	total = res.total;
	core_search_res_free(&res);

	req.q = "CAFÉ";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, total);
	assert_int_equal(count_listed(ds, &res, "Café"), 30);
	core_search_res_free(&res);
}

static void
search_typo_one_edit(void **state)
{
	const core_dataset *ds = *state;
	core_search_res res;
	static const struct {
		const char *q;
		const char *title;
		unsigned year;
	} cases[] = {
	    {"vertgo", "Vertigo", 1958},  /* deletion */
	    {"vertiog", "Vertigo", 1958}, /* transposition */
	    {"bulitt", "Bullitt", 1968},  /* deletion */
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		core_search_req req = request(cases[i].q, 50);

		search_ok(ds, &req, &res);
		assert_int_equal(res.total, 1);
		assert_int_equal(res.hits[0].film,
		    film_index(ds, cases[i].title, cases[i].year));
		core_search_res_free(&res);
	}
}

static void
search_typo_two_edits(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("trnsamrica", 50);
	core_search_res res;
	static const film_ref want[] = {
	    {"Freebie and the Bean", 1974},
	    {"Invasion of the Body Snatchers", 1978},
	    {"San Andreas", 2015},
	    {"Sonic the Hedgehog", 2020},
	};

	/* Ten bytes, two deletions from "transamerica". */
	search_ok(ds, &req, &res);
	expect_films(ds, &res, want, COUNT(want));
	core_search_res_free(&res);

	/* "hitchcok" has 8 bytes and one edit. "hichcok" has 7 bytes and
	 * two edits, over its limit of one. */
	req.q = "hitchcok";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 4);
	core_search_res_free(&res);

	req.q = "hichcok";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	core_search_res_free(&res);
}

static void
search_typo_first_byte(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("vertgo", 50);
	core_search_res res;

	/* One deletion from "vertigo" after a matching first byte. */
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 1);
	expect_hit(ds, &res, "Vertigo", 1958);
	core_search_res_free(&res);

	/* One substitution in the first byte is not tolerated. */
	req.q = "bertigo";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	core_search_res_free(&res);
}

static void
search_typo_short_word(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("mlik", 50);
	core_search_res res;

	/* 10 films match "mlik", one transposition from "milk" and one edit
	 * from "mike"; "like" does not count, because typos are not
	 * tolerated in the first byte. */
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 10);
	expect_hit(ds, &res, "Milk", 2008);
	core_search_res_free(&res);

	/* Three bytes: no typo tolerance, and no word starts with "mlk". */
	req.q = "mlk";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	core_search_res_free(&res);
}

static void
search_prefix_last_word(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("island alcat", 50);
	core_search_res res;

	/* Seven films have a location "Alcatraz Island". */
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 7);
	expect_hit(ds, &res, "The Rock", 1996);
	core_search_res_free(&res);

	/* "alcat" is not the last word, so it must match a whole word. */
	req.q = "alcat island";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	core_search_res_free(&res);
}

/* A fixture whose words are far apart, so each query below can match only
 * the word it is one or two edits from. */
static const char typo_csv[] = "Title,Release Year,Locations,Actor 1\n"
                               "Milk,2008,Castro Theatre,Sean Penn\n"
                               "Sneakers,1992,Russian Hill,Robert Redford\n";

static void
search_typo_length_limits(void **state)
{
	core_dataset *ds = test_data_fixture(typo_csv);
	static const struct {
		const char *q;
		size_t total;
	} cases[] = {
	    {"mulk", 1},      /* 4 bytes, one substitution */
	    {"mlk", 0},       /* 3 bytes, one deletion */
	    {"snuakirs", 1},  /* 8 bytes, two substitutions */
	    {"snakirs", 0},   /* 7 bytes, two edits */
	    {"snakers", 1},   /* 7 bytes, one deletion */
	    {"mil", 1},       /* a prefix as the last word */
	    {"mil penn", 0},  /* a prefix that is not the last word */
	    {"pen milk", 0},  /* not last and 3 bytes: must equal a word */
	    {"penn milk", 1}, /* whole words */
	};

	(void)state;
	assert_non_null(ds);
	for (size_t i = 0; i < COUNT(cases); i++) {
		core_search_req req = request(cases[i].q, 10);
		core_search_res res;

		search_ok(ds, &req, &res);
		if (res.total != cases[i].total) {
			fail_msg("q \"%s\": total %zu, expected %zu",
			    cases[i].q, res.total, cases[i].total);
		}
		core_search_res_free(&res);
	}
	core_dataset_free(ds);
}

static void
search_paging(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("golden gate", 1000);
	core_search_res full;
	core_search_res page;
	size_t seen = 0;

	/* 72 films match "golden gate". */
	search_ok(ds, &req, &full);
	assert_int_equal(full.total, 72);
	assert_int_equal(full.nhits, 72);

	req.limit = 10;
	for (req.offset = 0; req.offset < 72; req.offset += 10) {
		search_ok(ds, &req, &page);
		assert_int_equal(page.total, 72);
		assert_int_equal(
		    page.nhits, req.offset + 10 <= 72 ? 10 : 72 - req.offset);
		for (size_t i = 0; i < page.nhits; i++) {
			const core_search_hit *want = &full.hits[seen + i];

			assert_int_equal(page.hits[i].film, want->film);
			assert_int_equal(page.hits[i].score, want->score);
			assert_int_equal(
			    page.hits[i].nlocations, want->nlocations);
		}
		seen += page.nhits;
		core_search_res_free(&page);
	}
	assert_int_equal(seen, 72);

	req.offset = 72;
	search_ok(ds, &req, &page);
	assert_int_equal(page.total, 72);
	assert_int_equal(page.nhits, 0);
	core_search_res_free(&page);

	req.offset = 100000;
	search_ok(ds, &req, &page);
	assert_int_equal(page.total, 72);
	assert_int_equal(page.nhits, 0);
	core_search_res_free(&page);
	core_search_res_free(&full);
}

static void
search_ties_by_title(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("", 1000);
	core_search_res res;

	/* Without words every film scores alike, so the order is the film
	 * order, which core_dataset_films sorts by title. */
	search_ok(ds, &req, &res);
	for (size_t i = 1; i < res.nhits; i++) {
		assert_int_equal(res.hits[i].score, res.hits[0].score);
		assert_true(res.hits[i - 1].film < res.hits[i].film);
	}
	core_search_res_free(&res);
}

static void
search_empty_query(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("", 1000);
	core_search_res res;
	size_t listed = 0;
	size_t nfilms;

	core_dataset_films(ds, &nfilms);
	assert_int_equal(nfilms, NEWEST_FILMS);

	search_ok(ds, &req, &res);
	assert_int_equal(res.total, NEWEST_FILMS);
	assert_int_equal(res.nhits, NEWEST_FILMS);
	for (size_t i = 0; i < res.nhits; i++) {
		listed += res.hits[i].nlocations;
	}
	assert_int_equal(listed, NEWEST_LOCATIONS);
	core_search_res_free(&res);

	req.q = NULL;
	req.limit = 20;
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, NEWEST_FILMS);
	assert_int_equal(res.nhits, 20);
	core_search_res_free(&res);
}

/* Checks that a search fails with err and leaves nothing to free. */
static void
expect_search_error(const core_dataset *ds, const core_search_req *req, int err)
{
	core_search_res res;

	assert_int_equal(core_search(ds, req, &res), err);
	assert_int_equal(res.nhits, 0);
	assert_null(res.hits);
}

static void
search_invalid_arguments(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("vertigo", 0);

	expect_search_error(ds, &req, CORE_EINVAL);

	req.limit = CORE_QUERY_MAX_LIMIT + 1;
	expect_search_error(ds, &req, CORE_EINVAL);

	req.limit = 10;
	req.year_min = 2000;
	req.year_max = 1999;
	expect_search_error(ds, &req, CORE_EINVAL);
}

static void
search_limits_accepted(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("vertigo", CORE_QUERY_MAX_LIMIT);
	core_search_res res;
	char q[CORE_QUERY_MAX_BYTES + 1];

	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 1);
	core_search_res_free(&res);

	/* 16 words, the maximum. */
	req.q = "the the the the the the the the the the the the the the the "
	        "vertigo";
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 1);
	core_search_res_free(&res);

	/* 512 bytes, the maximum, in one word that matches nothing. */
	memset(q, 'x', CORE_QUERY_MAX_BYTES);
	q[CORE_QUERY_MAX_BYTES] = '\0';
	req.q = q;
	search_ok(ds, &req, &res);
	assert_int_equal(res.total, 0);
	core_search_res_free(&res);
}

static void
search_too_big(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request(NULL, 10);
	char q[CORE_QUERY_MAX_BYTES + 2];

	/* 17 words, because the commas only separate them. */
	req.q = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q";
	expect_search_error(ds, &req, CORE_ETOOBIG);

	memset(q, 'x', CORE_QUERY_MAX_BYTES + 1);
	q[CORE_QUERY_MAX_BYTES + 1] = '\0';
	req.q = q;
	expect_search_error(ds, &req, CORE_ETOOBIG);
}

static void
search_invalid_utf8(void **state)
{
	const core_dataset *ds = *state;
	core_search_req req = request("caf\xc3", 10);

	expect_search_error(ds, &req, CORE_EUTF8);

	req.q = "vertigo \xff";
	expect_search_error(ds, &req, CORE_EUTF8);

	req.q = "vertigo";
	req.actor = "Kerry Bish\xc3";
	expect_search_error(ds, &req, CORE_EUTF8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(search_actor_words),
	    cmocka_unit_test(search_actor_filter),
	    cmocka_unit_test(search_actor_filter_accents),
	    cmocka_unit_test(search_actor_filter_with_words),
	    cmocka_unit_test(search_director_filter),
	    cmocka_unit_test(search_director_and_actor),
	    cmocka_unit_test(search_year_range),
	    cmocka_unit_test(search_year_single),
	    cmocka_unit_test(search_year_max_only),
	    cmocka_unit_test(search_year_with_words),
	    cmocka_unit_test(search_neighborhood_filter),
	    cmocka_unit_test(search_neighborhood_with_words),
	    cmocka_unit_test(search_exact_title_first),
	    cmocka_unit_test(search_film_and_location),
	    cmocka_unit_test(search_location_words),
	    cmocka_unit_test(search_location_every_word),
	    cmocka_unit_test(search_location_neighborhood_word),
	    cmocka_unit_test(search_film_without_locations),
	    cmocka_unit_test(search_accent_folding),
	    cmocka_unit_test(search_typo_one_edit),
	    cmocka_unit_test(search_typo_two_edits),
	    cmocka_unit_test(search_typo_first_byte),
	    cmocka_unit_test(search_typo_short_word),
	    cmocka_unit_test(search_prefix_last_word),
	    cmocka_unit_test(search_typo_length_limits),
	    cmocka_unit_test(search_paging),
	    cmocka_unit_test(search_ties_by_title),
	    cmocka_unit_test(search_empty_query),
	    cmocka_unit_test(search_invalid_arguments),
	    cmocka_unit_test(search_limits_accepted),
	    cmocka_unit_test(search_too_big),
	    cmocka_unit_test(search_invalid_utf8),
	};

	return cmocka_run_group_tests(
	    tests, test_data_setup, test_data_teardown);
}
