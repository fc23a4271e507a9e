/*
 * The gateway's JSON encoders: field names, nulls for unknown values,
 * escaping, number formatting, and payloads that do not unpack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_err.h"
#include "gw_json.h"

static void
test_film_fields(void **state)
{
	char *directors[] = {"Don Siegel"};
	char *actors[] = {"Clint Eastwood", "Patrick McGoohan"};
	Sfmovies__Film f = SFMOVIES__FILM__INIT;
	core_buf b = {0};

	f.id = "escape-from-alcatraz-1979";
	f.slug = "escape-from-alcatraz-1979";
	f.title = "Escape From Alcatraz";
	f.year = 1979;
	f.n_directors = 1;
	f.directors = directors;
	f.n_actors = 2;
	f.actors = actors;
	f.location_count = 1;

	assert_int_equal(gw_json_film(&b, &f), 0);
	assert_string_equal(b.data,
	    "{\"id\":\"escape-from-alcatraz-1979\",\"slug\":\"escape-from-"
	    "alcatraz-1979\",\"title\":\"Escape From Alcatraz\",\"year\":1979,"
	    "\"directors\":[\"Don Siegel\"],\"writers\":[],\"actors\":["
	    "\"Clint Eastwood\",\"Patrick McGoohan\"],\"companies\":[],"
	    "\"distributors\":[],\"location_count\":1,\"imdb_id\":null,"
	    "\"plot\":null,\"genre\":null,\"runtime\":null,\"rated\":null,"
	    "\"imdb_rating\":null,\"poster\":null}");
	core_buf_free(&b);
}

static void
test_location_unknowns_are_null(void **state)
{
	Sfmovies__Location l = SFMOVIES__LOCATION__INIT;
	core_buf b = {0};

	l.id = "0123456789abcdef";
	l.film_id = "x-1900";
	l.film_title = "X";
	l.text = "Somewhere";
	l.has_point = 0;
	l.lat = 1; /* ignored without has_point */

	assert_int_equal(gw_json_location(&b, &l, 0), 0);
	assert_string_equal(b.data,
	    "{\"id\":\"0123456789abcdef\",\"film_id\":\"x-1900\",\"film_"
	    "title\":"
	    "\"X\",\"film_year\":null,\"text\":\"Somewhere\",\"fun_facts\":"
	    "null,"
	    "\"neighborhood\":null,\"district\":null,\"lat\":null,\"lng\":null,"
	    "\"outside_sf\":false,\"point_source\":null,\"accuracy\":null}");
	core_buf_free(&b);
}

static void
test_location_point_and_distance(void **state)
{
	Sfmovies__Location l = SFMOVIES__LOCATION__INIT;
	core_buf b = {0};

	l.id = "8fd40101aae166a3";
	l.film_id = "a-view-to-a-kill-1985";
	l.film_title = "A View to a Kill";
	l.film_year = 1985;
	l.text = "Golden Gate Bridge";
	l.neighborhood = "Presidio";
	l.district = 2;
	l.has_point = 1;
	l.lat = 37.8199109;
	l.lng = -122.4783429;
	l.distance_m = 12.5;

	assert_int_equal(gw_json_location(&b, &l, 1), 0);
	assert_non_null(strstr(b.data,
	    "\"lat\":37.8199109,\"lng\":-122.4783429,"
	    "\"outside_sf\":false,"
	    "\"distance_m\":12.5,"));
	assert_non_null(strstr(b.data,
	    "\"neighborhood\":\"Presidio\","
	    "\"district\":2,"));
	assert_non_null(strstr(b.data, "\"film_year\":1985,"));
	core_buf_free(&b);
}

static void
test_film_details(void **state)
{
	Sfmovies__Film f = SFMOVIES__FILM__INIT;
	core_buf b = {0};

	f.id = "tt0079116";
	f.slug = "escape-from-alcatraz-1979";
	f.title = "Escape From Alcatraz";
	f.imdb_id = "tt0079116";
	f.plot = "Alcatraz is the most secure prison of its time.";
	f.genre = "Action, Biography, Crime";
	f.runtime = "112 min";
	f.rated = "PG";
	f.imdb_rating = "7.5";
	f.poster = "/posters/tt0079116.jpg";

	assert_int_equal(gw_json_film(&b, &f), 0);
	assert_non_null(strstr(b.data, "{\"id\":\"tt0079116\",\"slug\":"));
	assert_non_null(strstr(b.data,
	    "\"imdb_id\":\"tt0079116\",\"plot\":\"Alcatraz is the most "
	    "secure prison of its time.\",\"genre\":\"Action, Biography, "
	    "Crime\",\"runtime\":\"112 min\",\"rated\":\"PG\","
	    "\"imdb_rating\":\"7.5\",\"poster\":\"/posters/tt0079116.jpg\"}"));
	core_buf_free(&b);
}

static void
test_location_point_source(void **state)
{
	Sfmovies__Location l = SFMOVIES__LOCATION__INIT;
	core_buf b = {0};

	l.id = "0123456789abcdef";
	l.film_id = "tt0079116";
	l.film_title = "X";
	l.text = "Lombard St between Hyde and Larkin St";
	l.has_point = 1;
	l.lat = 37.8021;
	l.lng = -122.4187;
	l.point_source = "nominatim";
	l.accuracy = "highway/residential";

	assert_int_equal(gw_json_location(&b, &l, 0), 0);
	assert_non_null(strstr(b.data,
	    "\"outside_sf\":false,\"point_source\":\"nominatim\","
	    "\"accuracy\":\"highway/residential\"}"));
	core_buf_free(&b);
}

static void
test_escaping(void **state)
{
	Sfmovies__Suggestion s = SFMOVIES__SUGGESTION__INIT;
	core_buf b = {0};

	s.text = "<b>\"Caf\xc3\xa9\"</b>\x01\n\\&";
	s.kind = "title";
	s.films = 2;
	assert_int_equal(gw_json_suggestion(&b, &s), 0);
	assert_string_equal(b.data,
	    "{\"text\":\"\\u003cb\\u003e\\\"Caf\xc3\xa9\\\"\\u003c"
	    "/b\\u003e\\u0001\\n\\\\\\u0026\",\"kind\":\"title\","
	    "\"films\":2}");
	core_buf_free(&b);
}

static void
test_double_format(void **state)
{
	core_buf b = {0};

	assert_int_equal(gw_json_double(&b, 37.8199), 0);
	assert_string_equal(b.data, "37.8199");
	core_buf_reset(&b);
	assert_int_equal(gw_json_double(&b, 0.1 + 0.2), 0);
	assert_string_equal(b.data, "0.30000000000000004");
	core_buf_reset(&b);
	assert_int_equal(gw_json_double(&b, 0.0 / 0.0), 0);
	assert_string_equal(b.data, "null");
	core_buf_reset(&b);
	assert_int_equal(gw_json_double(&b, -122.0), 0);
	assert_string_equal(b.data, "-122");
	core_buf_free(&b);
}

static void
test_error_object(void **state)
{
	gw_error err;
	core_buf b = {0};

	gw_error_set(&err, 400, "invalid_argument", "lat",
	    "lat must be a number from -90 to 90");
	assert_int_equal(gw_json_error(&b, &err), 0);
	assert_string_equal(b.data,
	    "{\"error\":{\"status\":400,\"code\":\"invalid_"
	    "argument\",\"parameter\":\"lat\",\"message\":\"lat "
	    "must be a number from -90 to 90\"}}");
	core_buf_reset(&b);

	gw_error_set(&err, 404, "not_found", NULL, "no film with id %s", "x<");
	assert_int_equal(gw_json_error(&b, &err), 0);
	assert_string_equal(b.data,
	    "{\"error\":{\"status\":404,\"code\":"
	    "\"not_found\",\"message\":\"no film with "
	    "id x\\u003c\"}}");
	core_buf_free(&b);
}

static void
test_reply_round_trip(void **state)
{
	Sfmovies__Suggestion s = SFMOVIES__SUGGESTION__INIT;
	Sfmovies__Suggestion *list[] = {&s};
	Sfmovies__CompleteReply r = SFMOVIES__COMPLETE_REPLY__INIT;
	gw_query q;
	uint8_t buf[256];
	size_t len;
	core_buf b = {0};

	s.text = "Clint Eastwood";
	s.kind = "actor";
	s.films = 6;
	r.n_suggestions = 1;
	r.suggestions = list;
	len = sfmovies__complete_reply__pack(&r, buf);

	memset(&q, 0, sizeof(q));
	q.ep = GW_EP_COMPLETE;
	sfmovies__complete_request__init(&q.req.complete);
	q.req.complete.term = "clint east";
	assert_int_equal(gw_json_reply(&b, &q, buf, len), 0);
	assert_string_equal(b.data,
	    "{\"term\":\"clint east\",\"suggestions\":[{\"text\":"
	    "\"Clint Eastwood\",\"kind\":\"actor\",\"films\":6}]}");
	core_buf_free(&b);
}

static void
test_reply_garbage_payload(void **state)
{
	static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
	gw_query q;
	core_buf b = {0};

	memset(&q, 0, sizeof(q));
	q.ep = GW_EP_SEARCH;
	assert_int_equal(
	    gw_json_reply(&b, &q, junk, sizeof(junk)), CORE_ESYNTAX);

	/* An empty FilmReply unpacks but lacks the film. */
	q.ep = GW_EP_MOVIE;
	assert_int_equal(gw_json_reply(&b, &q, junk, 0), CORE_ESYNTAX);
	core_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_film_fields),
	    cmocka_unit_test(test_location_unknowns_are_null),
	    cmocka_unit_test(test_film_details),
	    cmocka_unit_test(test_location_point_source),
	    cmocka_unit_test(test_location_point_and_distance),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_double_format),
	    cmocka_unit_test(test_error_object),
	    cmocka_unit_test(test_reply_round_trip),
	    cmocka_unit_test(test_reply_garbage_payload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
