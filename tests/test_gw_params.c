/*
 * Gateway parameter validation: every 400 case names its parameter, and
 * equal queries share one canonical key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_err.h"
#include "gw_params.h"
#include "gw_route.h"

typedef struct kv {
	const char *name;
	const char *value;
} kv;

/* Parses name=value pairs (NULL-terminated) for an endpoint. */
static int
parse(
    gw_query *q, gw_endpoint ep, const char *id, const kv *pairs, gw_error *err)
{
	gw_args a;

	gw_args_init(&a);
	for (const kv *p = pairs; p->name != NULL; p++) {
		gw_args_add(&a, p->name, p->value,
		    p->value != NULL ? strlen(p->value) : 0);
	}
	memset(err, 0, sizeof(*err));
	return gw_query_parse(q, ep, id, &a, err);
}

typedef struct bad_case {
	gw_endpoint ep;
	kv pairs[6];
	const char *parameter;
	const char *message;
} bad_case;

static const bad_case bad_cases[] = {
    {GW_EP_SEARCH, {{"year_min", "19x"}, {NULL, NULL}}, "year_min",
        "year_min must be an integer from 1800 to 2100"},
    {GW_EP_SEARCH, {{"year_min", "1799"}, {NULL, NULL}}, "year_min",
        "year_min must be an integer from 1800 to 2100"},
    {GW_EP_SEARCH, {{"year_max", "2101"}, {NULL, NULL}}, "year_max",
        "year_max must be an integer from 1800 to 2100"},
    {GW_EP_SEARCH, {{"year_max", "-1990"}, {NULL, NULL}}, "year_max",
        "year_max must be an integer from 1800 to 2100"},
    {GW_EP_SEARCH, {{"year_min", "2000"}, {"year_max", "1990"}, {NULL, NULL}},
        "year_min", "year_min must not exceed year_max (2000 > 1990)"},
    {GW_EP_SEARCH, {{"offset", "10001"}, {NULL, NULL}}, "offset",
        "offset must be an integer from 0 to 10000"},
    {GW_EP_SEARCH, {{"limit", "0"}, {NULL, NULL}}, "limit",
        "limit must be an integer from 1 to 100"},
    {GW_EP_SEARCH, {{"limit", "101"}, {NULL, NULL}}, "limit",
        "limit must be an integer from 1 to 100"},
    {GW_EP_SEARCH, {{"limit", "1.5"}, {NULL, NULL}}, "limit",
        "limit must be an integer from 1 to 100"},
    {GW_EP_SEARCH, {{"q", "caf\xc3"}, {NULL, NULL}}, "q",
        "q must be valid UTF-8 text"},
    {GW_EP_SEARCH, {{"director", "\xc0\xaf"}, {NULL, NULL}}, "director",
        "director must be valid UTF-8 text"},
    {GW_EP_SEARCH, {{"actor", "\xed\xa0\x80"}, {NULL, NULL}}, "actor",
        "actor must be valid UTF-8 text"},
    {GW_EP_COMPLETE, {{NULL, NULL}}, "term",
        "term is required: the start of a title, name or place, up to 512 "
        "bytes"},
    {GW_EP_COMPLETE, {{"term", ""}, {NULL, NULL}}, "term",
        "term is required: the start of a title, name or place, up to 512 "
        "bytes"},
    {GW_EP_COMPLETE, {{"term", "ab"}, {"limit", "51"}, {NULL, NULL}}, "limit",
        "limit must be an integer from 1 to 50"},
    {GW_EP_NEAR, {{"lng", "1"}, {NULL, NULL}}, "lat",
        "lat is required: a number from -90 to 90"},
    {GW_EP_NEAR, {{"lat", "1"}, {NULL, NULL}}, "lng",
        "lng is required: a number from -180 to 180"},
    {GW_EP_NEAR, {{"lat", "90.5"}, {"lng", "1"}, {NULL, NULL}}, "lat",
        "lat must be a number from -90 to 90"},
    {GW_EP_NEAR, {{"lat", "nan"}, {"lng", "1"}, {NULL, NULL}}, "lat",
        "lat must be a number from -90 to 90"},
    {GW_EP_NEAR, {{"lat", "inf"}, {"lng", "1"}, {NULL, NULL}}, "lat",
        "lat must be a number from -90 to 90"},
    {GW_EP_NEAR, {{"lat", "0x10"}, {"lng", "1"}, {NULL, NULL}}, "lat",
        "lat must be a number from -90 to 90"},
    {GW_EP_NEAR, {{"lat", " 1"}, {"lng", "1"}, {NULL, NULL}}, "lat",
        "lat must be a number from -90 to 90"},
    {GW_EP_NEAR, {{"lat", "1e"}, {"lng", "1"}, {NULL, NULL}}, "lat",
        "lat must be a number from -90 to 90"},
    {GW_EP_NEAR, {{"lat", "1"}, {"lng", "-180.01"}, {NULL, NULL}}, "lng",
        "lng must be a number from -180 to 180"},
    {GW_EP_NEAR, {{"lat", "1"}, {"lng", "1"}, {"radius", "0"}, {NULL, NULL}},
        "radius", "radius must be a number of metres from 1 to 50000"},
    {GW_EP_NEAR,
        {{"lat", "1"}, {"lng", "1"}, {"radius", "50001"}, {NULL, NULL}},
        "radius", "radius must be a number of metres from 1 to 50000"},
    {GW_EP_NEAR, {{"lat", "1"}, {"lng", "1"}, {"limit", "101"}, {NULL, NULL}},
        "limit", "limit must be an integer from 1 to 100"},
    {GW_EP_BOX, {{"west", "1"}, {"north", "2"}, {"east", "2"}, {NULL, NULL}},
        "south", "south is required: a number from -90 to 90"},
    {GW_EP_BOX, {{"south", "1"}, {"west", "1"}, {"north", "2"}, {NULL, NULL}},
        "east", "east is required: a number from -180 to 180"},
    {GW_EP_BOX,
        {{"south", "3"}, {"west", "1"}, {"north", "2"}, {"east", "2"},
            {NULL, NULL}},
        "south", "south must not exceed north (3 > 2)"},
    {GW_EP_BOX,
        {{"south", "1"}, {"west", "3"}, {"north", "2"}, {"east", "2"},
            {NULL, NULL}},
        "west", "west must not exceed east (3 > 2)"},
    {GW_EP_BOX, {{"bbox", "1,2,3"}, {NULL, NULL}}, "bbox",
        "bbox must be four comma-separated numbers: south,west,north,east"},
    {GW_EP_BOX, {{"bbox", "1,2,3,4,5"}, {NULL, NULL}}, "bbox",
        "bbox must be four comma-separated numbers: south,west,north,east"},
    {GW_EP_BOX, {{"bbox", "1,2,91,4"}, {NULL, NULL}}, "bbox",
        "bbox north (number 3 of south,west,north,east) must be a number "
        "from -90 to 90"},
    {GW_EP_BOX, {{"bbox", "1,x,3,4"}, {NULL, NULL}}, "bbox",
        "bbox west (number 2 of south,west,north,east) must be a number "
        "from -180 to 180"},
    {GW_EP_BOX, {{"bbox", "3,2,1,4"}, {NULL, NULL}}, "bbox",
        "south must not exceed north (3 > 1)"},
    {GW_EP_BOX, {{"bbox", "1,2,3,4"}, {"north", "5"}, {NULL, NULL}}, "bbox",
        "give either bbox or south, west, north and east, not both (north "
        "is set too)"},
    {GW_EP_BOX, {{"bbox", "1,2,3,4"}, {"limit", "1001"}, {NULL, NULL}}, "limit",
        "limit must be an integer from 1 to 1000"},
};

static void
test_bad_parameters_named(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const bad_case *c = &bad_cases[i];
		gw_query q;
		gw_error err;

		print_message("case %zu: %s\n", i, c->message);
		assert_int_equal(
		    parse(&q, c->ep, NULL, c->pairs, &err), CORE_EINVAL);
		assert_int_equal(err.status, 400);
		assert_string_equal(err.code, "invalid_argument");
		assert_non_null(err.parameter);
		assert_string_equal(err.parameter, c->parameter);
		assert_string_equal(err.message, c->message);
	}
}

static void
test_text_too_long(void **state)
{
	char q513[514];
	kv pairs[] = {{"q", q513}, {NULL, NULL}};
	gw_query q;
	gw_error err;

	memset(q513, 'a', 513);
	q513[513] = '\0';
	assert_int_equal(
	    parse(&q, GW_EP_SEARCH, NULL, pairs, &err), CORE_EINVAL);
	assert_string_equal(err.parameter, "q");
	assert_string_equal(
	    err.message, "q is 513 bytes long; it must be at most 512 bytes");

	q513[512] = '\0';
	assert_int_equal(parse(&q, GW_EP_SEARCH, NULL, pairs, &err), 0);
}

static void
test_text_with_nul(void **state)
{
	gw_args a;
	gw_query q;
	gw_error err;

	/* libmicrohttpd decodes %00 into the value and reports its full
	 * length, which is then longer than strlen. */
	gw_args_init(&a);
	gw_args_add(&a, "term", "ab\0cd", 5);
	assert_int_equal(
	    gw_query_parse(&q, GW_EP_COMPLETE, NULL, &a, &err), CORE_EINVAL);
	assert_string_equal(err.parameter, "term");
	assert_string_equal(err.message, "term must not contain NUL bytes");
}

static void
test_search_defaults_and_key(void **state)
{
	kv pairs[] = {{"q", "clint eastwood"}, {NULL, NULL}};
	gw_query q;
	gw_error err;

	assert_int_equal(parse(&q, GW_EP_SEARCH, NULL, pairs, &err), 0);
	assert_int_equal(q.method, SFMOVIES__METHOD__METHOD_SEARCH);
	assert_string_equal(q.req.search.q, "clint eastwood");
	assert_int_equal(q.req.search.limit, 20);
	assert_int_equal(q.req.search.offset, 0);
	assert_int_equal(q.req.search.year_min, 0);
	assert_string_equal(q.req.search.director, "");
	assert_string_equal(q.key,
	    "search?q=clint%20eastwood&year_min=0&year_max=0&"
	    "director=&actor=&neighborhood=&offset=0&limit=20");
	assert_int_equal(q.keylen, strlen(q.key));
}

static void
test_key_ignores_order_and_defaults(void **state)
{
	kv a[] = {{"q", "vertigo"}, {NULL, NULL}};
	kv b[] = {{"limit", "20"}, {"utm", "x"}, {"q", "vertigo"},
	    {"offset", ""}, {NULL, NULL}};
	gw_query qa;
	gw_query qb;
	gw_error err;

	assert_int_equal(parse(&qa, GW_EP_SEARCH, NULL, a, &err), 0);
	assert_int_equal(parse(&qb, GW_EP_SEARCH, NULL, b, &err), 0);
	assert_string_equal(qa.key, qb.key);
}

static void
test_key_escapes_separators(void **state)
{
	kv a[] = {{"q", "a&limit=5"}, {NULL, NULL}};
	kv b[] = {{"q", "a"}, {"limit", "5"}, {NULL, NULL}};
	gw_query qa;
	gw_query qb;
	gw_error err;

	assert_int_equal(parse(&qa, GW_EP_SEARCH, NULL, a, &err), 0);
	assert_int_equal(parse(&qb, GW_EP_SEARCH, NULL, b, &err), 0);
	assert_string_not_equal(qa.key, qb.key);
	assert_non_null(strstr(qa.key, "q=a%26limit%3D5&"));
}

static void
test_key_numbers_one_spelling(void **state)
{
	kv a[] = {{"lat", "37.8199"}, {"lng", "-122.4783"}, {NULL, NULL}};
	kv b[] = {{"lat", "37.819900"}, {"lng", "-122.47830"}, {"limit", "10"},
	    {NULL, NULL}};
	kv c[] = {{"lat", "-0"}, {"lng", "0.0"}, {NULL, NULL}};
	kv d[] = {{"lat", "0"}, {"lng", "0"}, {NULL, NULL}};
	gw_query qa;
	gw_query qb;
	gw_error err;

	assert_int_equal(parse(&qa, GW_EP_NEAR, NULL, a, &err), 0);
	assert_int_equal(parse(&qb, GW_EP_NEAR, NULL, b, &err), 0);
	assert_string_equal(qa.key, qb.key);
	assert_true(qa.req.nearest.lat == 37.8199);
	assert_true(qa.req.nearest.lng == -122.4783);
	assert_int_equal(qa.req.nearest.limit, 10);
	assert_true(qa.req.nearest.radius_m == 0);

	assert_int_equal(parse(&qa, GW_EP_NEAR, NULL, c, &err), 0);
	assert_int_equal(parse(&qb, GW_EP_NEAR, NULL, d, &err), 0);
	assert_string_equal(qa.key, qb.key);
}

static void
test_bbox_same_as_four(void **state)
{
	kv a[] = {{"bbox", "37.78,-122.42,37.80,-122.40"}, {NULL, NULL}};
	kv b[] = {{"south", "37.78"}, {"west", "-122.42"}, {"north", "37.8"},
	    {"east", "-122.4"}, {NULL, NULL}};
	gw_query qa;
	gw_query qb;
	gw_error err;

	assert_int_equal(parse(&qa, GW_EP_BOX, NULL, a, &err), 0);
	assert_int_equal(parse(&qb, GW_EP_BOX, NULL, b, &err), 0);
	assert_string_equal(qa.key, qb.key);
	assert_true(qa.bbox);
	assert_false(qb.bbox);
	assert_true(qa.req.box.south == 37.78);
	assert_true(qa.req.box.east == -122.40);
	assert_int_equal(qa.req.box.limit, 500);
	assert_string_equal(gw_query_parameter(&qa, "south"), "bbox");
	assert_string_equal(gw_query_parameter(&qb, "south"), "south");
}

static void
test_film_id(void **state)
{
	static const char *bad[] = {"a b", "a/b", "<x>", "caf\xc3\xa9", ""};
	kv none[] = {{NULL, NULL}};
	char long_id[130];
	gw_query q;
	gw_query copy;
	gw_error err;

	assert_int_equal(
	    parse(&q, GW_EP_MOVIE, "escape-from-alcatraz-1979", none, &err), 0);
	assert_string_equal(q.req.film.id, "escape-from-alcatraz-1979");
	assert_string_equal(q.key, "movies?id=escape-from-alcatraz-1979");

	gw_query_copy(&copy, &q);
	assert_ptr_equal(copy.req.film.id, copy.id);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    parse(&q, GW_EP_MOVIE, bad[i], none, &err), CORE_EINVAL);
		assert_string_equal(err.parameter, "id");
	}
	memset(long_id, 'a', 129);
	long_id[129] = '\0';
	assert_int_equal(
	    parse(&q, GW_EP_MOVIE, long_id, none, &err), CORE_EINVAL);
	assert_string_equal(err.message,
	    "id must be a film id or slug: 1 to 128 letters, "
	    "digits, '-', '_' or '.'");
}

static void
test_location_id(void **state)
{
	kv none[] = {{NULL, NULL}};
	gw_query q;
	gw_query s;
	gw_error err;

	assert_int_equal(
	    parse(&q, GW_EP_LOCATION, "8FD40101AAE166A3", none, &err), 0);
	assert_string_equal(q.req.location.id, "8fd40101aae166a3");
	assert_int_equal(
	    parse(&s, GW_EP_SCENE, "8fd40101aae166a3", none, &err), 0);
	assert_string_equal(q.key, s.key);

	assert_int_equal(
	    parse(&q, GW_EP_LOCATION, "8fd40101aae166a", none, &err),
	    CORE_EINVAL);
	assert_string_equal(err.message, "id must be 16 hexadecimal digits");
	assert_int_equal(parse(&q, GW_EP_SCENE, "8fd40101aae166ag", none, &err),
	    CORE_EINVAL);
	assert_string_equal(err.parameter, "id");
}

static void
test_args_first_wins(void **state)
{
	gw_args a;

	gw_args_init(&a);
	gw_args_add(&a, "q", "first", 5);
	gw_args_add(&a, "q", "second", 6);
	gw_args_add(&a, "unknown", "x", 1);
	gw_args_add(&a, "term", NULL, 0);
	assert_string_equal(a.v[GW_P_Q], "first");
	assert_int_equal(a.len[GW_P_Q], 5);
	assert_string_equal(a.v[GW_P_TERM], "");
	assert_null(a.v[GW_P_LAT]);
}

static void
test_node_field_to_parameter(void **state)
{
	kv near[] = {{"lat", "1"}, {"lng", "2"}, {NULL, NULL}};
	gw_query q;
	gw_error err;

	assert_int_equal(parse(&q, GW_EP_NEAR, NULL, near, &err), 0);
	assert_string_equal(gw_query_parameter(&q, "radius_m"), "radius");
	assert_string_equal(gw_query_parameter(&q, "lat"), "lat");
	assert_null(gw_query_parameter(&q, "deadline_unix_ms"));
	assert_null(gw_query_parameter(&q, ""));
	assert_null(gw_query_parameter(&q, NULL));
}

static void
test_callback_in_key(void **state)
{
	kv pairs[] = {{"term", "ve"}, {NULL, NULL}};
	gw_query q;
	gw_error err;

	assert_int_equal(parse(&q, GW_EP_COMPLETE, NULL, pairs, &err), 0);
	assert_int_equal(gw_query_key_callback(&q, "cb", 2), 0);
	assert_string_equal(q.key, "complete?term=ve&limit=10&callback=cb");
}

static void
test_routes(void **state)
{
	const char *id;

	assert_int_equal(gw_route("/search", &id), GW_EP_SEARCH);
	assert_null(id);
	assert_int_equal(gw_route("/", &id), GW_EP_ROOT);
	assert_int_equal(gw_route("/openapi.yaml", &id), GW_EP_OPENAPI);
	assert_int_equal(gw_route("/movies/vertigo-1958", &id), GW_EP_MOVIE);
	assert_string_equal(id, "vertigo-1958");
	assert_int_equal(
	    gw_route("/scenes/8fd40101aae166a3", &id), GW_EP_SCENE);
	assert_string_equal(id, "8fd40101aae166a3");
	assert_int_equal(gw_route("/locations/x", &id), GW_EP_LOCATION);
	assert_int_equal(gw_route("/movies/", &id), GW_EP_STATIC);
	assert_int_equal(gw_route("/movies/a/b", &id), GW_EP_STATIC);
	assert_int_equal(gw_route("/search/", &id), GW_EP_STATIC);
	assert_int_equal(gw_route("/app.js", &id), GW_EP_STATIC);
	assert_string_equal(gw_endpoint_name(GW_EP_MOVIE), "movies");
}

static void
test_utf8_validation(void **state)
{
	assert_true(gw_utf8_valid("Caf\xc3\xa9", 5));
	assert_true(gw_utf8_valid("\xf0\x9f\x8e\xac", 4));  /* U+1F3AC */
	assert_false(gw_utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
	assert_false(gw_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(gw_utf8_valid("\x80", 1));
	assert_false(gw_utf8_valid("\xe2\x82", 2)); /* truncated */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_parameters_named),
	    cmocka_unit_test(test_text_too_long),
	    cmocka_unit_test(test_text_with_nul),
	    cmocka_unit_test(test_search_defaults_and_key),
	    cmocka_unit_test(test_key_ignores_order_and_defaults),
	    cmocka_unit_test(test_key_escapes_separators),
	    cmocka_unit_test(test_key_numbers_one_spelling),
	    cmocka_unit_test(test_bbox_same_as_four),
	    cmocka_unit_test(test_film_id),
	    cmocka_unit_test(test_location_id),
	    cmocka_unit_test(test_args_first_wins),
	    cmocka_unit_test(test_node_field_to_parameter),
	    cmocka_unit_test(test_callback_in_key),
	    cmocka_unit_test(test_routes),
	    cmocka_unit_test(test_utf8_validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
