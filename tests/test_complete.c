/*
 * Tests of core_complete on the newest DataSF export.
 *
 * Every expected phrase, kind and film count below was computed from the
 * CSV with Python's csv module, apart from the C code. The script made one
 * phrase per title, person, company, location text and neighbourhood,
 * identified by kind and matching form (unicodedata NFKD, case fold, marks
 * and apostrophes dropped), and counted each film once. It matched phrases
 * by the word rules of core_query.h: prefix on the last word, and one edit
 * from 4 bytes or two from 8, as optimal string alignment distance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core_err.h"
#include "core_query.h"
#include "test_data.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct phrase_ref {
	const char *text;
	core_kind kind;
	uint32_t films;
} phrase_ref;

/* Room for the longest result: CORE_QUERY_MAX_LIMIT suggestions. */
static core_suggestion out[CORE_QUERY_MAX_LIMIT];

/* Runs a completion that must succeed, checks that it wrote at most limit
 * suggestions in score order, and returns their count. */
static size_t
complete_ok(const core_dataset *ds, const char *term, size_t limit)
{
	size_t n = SIZE_MAX;

	assert_int_equal(core_complete(ds, term, limit, out, &n), 0);
	assert_true(n <= limit);
	for (size_t i = 1; i < n; i++) {
		assert_true(out[i - 1].score >= out[i].score);
	}
	return n;
}

/* Returns the position of a suggestion, or n when it is absent. */
static size_t
find_suggestion(size_t n, const char *text, core_kind kind)
{
	for (size_t i = 0; i < n; i++) {
		if (out[i].kind == kind && strcmp(out[i].text, text) == 0) {
			return i;
		}
	}
	return n;
}

/* Checks that a phrase is among the n suggestions with its film count. */
static void
expect_suggestion(size_t n, const phrase_ref *want)
{
	size_t i = find_suggestion(n, want->text, want->kind);

	if (i == n) {
		fail_msg("%s \"%s\" is not among the %zu suggestions",
		    core_kind_name(want->kind), want->text, n);
	}
	assert_int_equal(out[i].films, want->films);
}

/* Checks that the n suggestions are exactly the phrases in want. */
static void
expect_suggestions(size_t n, const phrase_ref *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < nwant; i++) {
		expect_suggestion(n, &want[i]);
	}
}

static void
complete_actor_first(void **state)
{
	const core_dataset *ds = *state;
	size_t n = complete_ok(ds, "clint east", 10);
	static const phrase_ref want[] = {
	    {"Clint Eastwood", CORE_KIND_ACTOR, 6},
	    {"Clint Eastwood", CORE_KIND_DIRECTOR, 2},
	};

	expect_suggestions(n, want, COUNT(want));
	assert_string_equal(out[0].text, "Clint Eastwood");
	assert_int_equal(out[0].kind, CORE_KIND_ACTOR);
	assert_int_equal(out[0].films, 6);
}

static void
complete_typo(void **state)
{
	const core_dataset *ds = *state;
	size_t n = complete_ok(ds, "eastwod", 10);
	static const phrase_ref want[] = {
	    {"Clint Eastwood", CORE_KIND_ACTOR, 6},
	    {"Clint Eastwood", CORE_KIND_DIRECTOR, 2},
	    {"Francesca Eastwood", CORE_KIND_ACTOR, 1},
	};

	/* Seven bytes, one deletion from "eastwood". */
	expect_suggestions(n, want, COUNT(want));
}

static void
complete_whole_phrases(void **state)
{
	const core_dataset *ds = *state;
	size_t n = complete_ok(ds, "alcatraz isl", 10);
	static const phrase_ref island[] = {
	    {"Alcatraz Island", CORE_KIND_LOCATION, 7},
	};
	static const phrase_ref hitchcock[] = {
	    {"Alfred Hitchcock", CORE_KIND_DIRECTOR, 4},
	    {"Alfred J. Hitchcock Productions", CORE_KIND_COMPANY, 1},
	};

	/* The suggestion is the whole location, not the words typed. */
	expect_suggestions(n, island, COUNT(island));

	/* Every word must match: "alfred hitch" leaves out other Alfreds. */
	n = complete_ok(ds, "alfred hitch", 10);
	expect_suggestions(n, hitchcock, COUNT(hitchcock));
}

static void
complete_kinds(void **state)
{
	const core_dataset *ds = *state;
	static const struct {
		const char *term;
		phrase_ref want;
		const char *kind_name;
	} cases[] = {
	    {"vertigo", {"Vertigo", CORE_KIND_TITLE, 1}, "title"},
	    {"clint east", {"Clint Eastwood", CORE_KIND_ACTOR, 6}, "actor"},
	    {"alfred hitch", {"Alfred Hitchcock", CORE_KIND_DIRECTOR, 4},
	        "director"},
	    {"michael lann", {"Michael Lannan", CORE_KIND_WRITER, 11},
	        "writer"},
	    {"warner bros", {"Warner Bros. Pictures", CORE_KIND_COMPANY, 31},
	        "company"},
	    {"alcatraz isl", {"Alcatraz Island", CORE_KIND_LOCATION, 7},
	        "location"},
	    {"mission", {"Mission", CORE_KIND_NEIGHBORHOOD, 69},
	        "neighborhood"},
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t n = complete_ok(ds, cases[i].term, 10);

		expect_suggestion(n, &cases[i].want);
		assert_string_equal(
		    core_kind_name(cases[i].want.kind), cases[i].kind_name);
	}
}

static void
complete_neighborhood_counts(void **state)
{
	const core_dataset *ds = *state;
	size_t n = complete_ok(ds, "mission", CORE_QUERY_MAX_LIMIT);
	static const phrase_ref want[] = {
	    {"Mission", CORE_KIND_NEIGHBORHOOD, 69},
	    {"Mission Bay", CORE_KIND_NEIGHBORHOOD, 31},
	    {"Outer Mission", CORE_KIND_NEIGHBORHOOD, 6},
	    {"Mission Street Productions, LLC", CORE_KIND_COMPANY, 11},
	};

	/* 69 phrases have a word matching "mission". A neighbourhood's
	 * count is the films with a location there. */
	assert_int_equal(n, 69);
	for (size_t i = 0; i < COUNT(want); i++) {
		expect_suggestion(n, &want[i]);
	}
	assert_string_equal(out[0].text, "Mission");
	assert_int_equal(out[0].kind, CORE_KIND_NEIGHBORHOOD);
}

static void
complete_limit(void **state)
{
	const core_dataset *ds = *state;
	core_suggestion all[5];
	size_t n;

	/* 88 phrases match "san". */
	n = complete_ok(ds, "san", CORE_QUERY_MAX_LIMIT);
	assert_int_equal(n, 88);
	memcpy(all, out, sizeof(all));

	/* A smaller limit returns the start of the same ranking. */
	n = complete_ok(ds, "san", 5);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(out[i].text, all[i].text);
		assert_int_equal(out[i].kind, all[i].kind);
		assert_int_equal(out[i].score, all[i].score);
	}

	n = complete_ok(ds, "san", 1);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].text, all[0].text);
}

static void
complete_empty_term(void **state)
{
	const core_dataset *ds = *state;
	size_t n = 99;

	assert_int_equal(core_complete(ds, "", 10, out, &n), 0);
	assert_int_equal(n, 0);
}

static void
complete_sorted(void **state)
{
	const core_dataset *ds = *state;
	static const struct {
		const char *term;
		size_t n;
	} cases[] = {
	    {"park", 103},
	    {"golden gate", 33},
	    {"cafe", 41},
	    {"russian h", 8},
	};

	/* complete_ok checks the score order. */
	for (size_t i = 0; i < COUNT(cases); i++) {
		size_t n = complete_ok(ds, cases[i].term, CORE_QUERY_MAX_LIMIT);

		if (n != cases[i].n) {
			fail_msg("term \"%s\": %zu suggestions, expected %zu",
			    cases[i].term, n, cases[i].n);
		}
	}
}

/* Checks that a completion fails with err and stores a count of 0. */
static void
expect_complete_error(
    const core_dataset *ds, const char *term, size_t limit, int err)
{
	size_t n = 99;

	assert_int_equal(core_complete(ds, term, limit, out, &n), err);
	assert_int_equal(n, 0);
}

static void
complete_invalid_limit(void **state)
{
	const core_dataset *ds = *state;

	expect_complete_error(ds, "vertigo", 0, CORE_EINVAL);
	expect_complete_error(
	    ds, "vertigo", CORE_QUERY_MAX_LIMIT + 1, CORE_EINVAL);
}

static void
complete_too_big(void **state)
{
	const core_dataset *ds = *state;
	char term[CORE_QUERY_MAX_BYTES + 2];

	/* 17 words are one over the maximum, and 16 are accepted. */
	expect_complete_error(
	    ds, "a b c d e f g h i j k l m n o p q", 10, CORE_ETOOBIG);
	complete_ok(ds, "a b c d e f g h i j k l m n o p", 10);

	memset(term, 'x', CORE_QUERY_MAX_BYTES + 1);
	term[CORE_QUERY_MAX_BYTES + 1] = '\0';
	expect_complete_error(ds, term, 10, CORE_ETOOBIG);

	term[CORE_QUERY_MAX_BYTES] = '\0';
	assert_int_equal(complete_ok(ds, term, 10), 0);
}

static void
complete_invalid_utf8(void **state)
{
	const core_dataset *ds = *state;

	expect_complete_error(ds, "caf\xc3", 10, CORE_EUTF8);
	expect_complete_error(ds, "\xff vertigo", 10, CORE_EUTF8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(complete_actor_first),
	    cmocka_unit_test(complete_typo),
	    cmocka_unit_test(complete_whole_phrases),
	    cmocka_unit_test(complete_kinds),
	    cmocka_unit_test(complete_neighborhood_counts),
	    cmocka_unit_test(complete_limit),
	    cmocka_unit_test(complete_empty_term),
	    cmocka_unit_test(complete_sorted),
	    cmocka_unit_test(complete_invalid_limit),
	    cmocka_unit_test(complete_too_big),
	    cmocka_unit_test(complete_invalid_utf8),
	};

	return cmocka_run_group_tests(
	    tests, test_data_setup, test_data_teardown);
}
