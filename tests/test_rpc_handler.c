/*
 * Tests of rpc_handle: encoded Request envelopes in, encoded Reply
 * envelopes out, against a snapshot of the newest DataSF export read from
 * $SFMOVIES_DATA_DIR. No sockets are involved.
 *
 * Expected films, locations and counts were computed from the CSV with
 * Python's csv module, apart from the C code: rows grouped into films by
 * title without spaces and year, locations by the matching form of their
 * text within a film, points from Latitude and Longitude, and distances by
 * a brute-force haversine with R = 6371008.8 m.
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

#include "core_buf.h"
#include "core_query.h"
#include "rpc_handler.h"
#include "rpc_snapshot.h"
#include "sfmovies.pb-c.h"
#include "test_data.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define NEWEST_FILMS     351
#define NEWEST_LOCATIONS 2153
#define NEWEST_LOCATED   2121 /* locations with a point */

#define NODE_ID "handler-test"

/* The Golden Gate Bridge as a query point, and the 22.852 m from there to
 * the point DataSF gives for "Golden Gate Bridge". */
#define BRIDGE_LAT        37.8199
#define BRIDGE_LNG        -122.4783
#define BRIDGE_DISTANCE_M 22.852389892
/* Locations within 30 m of the query point: all are "Golden Gate Bridge". */
#define BRIDGE_WITHIN_30M 27

/* Metres of disagreement allowed between two haversine computations. */
#define DISTANCE_TOL 0.01

/* A box around Alcatraz Island that contains its 7 locations and no other. */
#define ALCATRAZ_SOUTH 37.825
#define ALCATRAZ_WEST  -122.43
#define ALCATRAZ_NORTH 37.83
#define ALCATRAZ_EAST  -122.415

/* A box on North Beach and Russian Hill with 189 located locations. */
#define NORTH_BEACH_SOUTH 37.80
#define NORTH_BEACH_WEST  -122.42
#define NORTH_BEACH_NORTH 37.81
#define NORTH_BEACH_EAST  -122.40
#define NORTH_BEACH_COUNT 189

/* The films with a location "Alcatraz Island". */
static const char *const alcatraz_films[] = {
    "Birdman of Alcatraz",
    "Boys and Girls",
    "Escape From Alcatraz",
    "Point Blank",
    "So I Married an Axe Murderer",
    "The Enforcer",
    "The Rock",
};

/* The 16 locations of Vertigo (1958). */
static const char *const vertigo_locations[] = {
    "California Palace of the Legion of Honor (34th Avenue & Clement, "
    "Lincoln Park)",
    "York Hotel (940 Sutter Street)",
    "Brocklebank Apartments (1000 Mason Street)",
    "900 Lombard Street",
    "Mission San Juan Bautista (2nd & Mariposa Streets)",
    "Fairmont Hotel (950 Mason Street, Nob Hill)",
    "Park Hill Sanatorium (351 Buena Vista Avenue East)",
    "San Francisco Drydock (20th and Illinois Streets)",
    "Palace of Fine Arts (3301 Lyon Street)",
    "Mission Dolores (3321 16th Street, Mission District)",
    "Conservatory of Flowers (Golden Gate Park)",
    "Ernie's Restaurant (847 Montgomery Street)",
    "Gough & Eddy Streets (Western Addition)",
    "Claude Lane at Bush Street",
    "Fort Point (Presidio, Golden Gate National Recreation Area)",
    "1007 Gough Street",
};

/* The films with Clint Eastwood in an Actor column, those of them released
 * from 1975 to 1985, and the films he directed. */
#define EASTWOOD_ACTOR_FILMS     6
#define EASTWOOD_ACTOR_1975_1985 3
#define EASTWOOD_DIRECTOR_FILMS  2

typedef struct fixture {
	rpc_snapshot *snap;
	rpc_handler_stats stats;
	rpc_handler_ctx ctx;
} fixture;

static int
setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	char err[256] = "";
	uint8_t *enc = NULL;
	size_t enclen = 0;
	size_t len = 0;
	char *csv;
	int rv;

	if (fx == NULL ||
	    (csv = test_data_read(TEST_DATA_NEWEST, &len)) == NULL) {
		free(fx);
		return -1;
	}
	rv = rpc_snapshot_encode(
	    csv, len, TEST_DATA_NEWEST, 0, &enc, &enclen, err, sizeof(err));
	free(csv);
	if (rv == 0) {
		rv = rpc_snapshot_decode(
		    enc, enclen, &fx->snap, err, sizeof(err));
		free(enc);
	}
	if (rv != 0) {
		fprintf(stderr, "cannot build the snapshot: %s\n", err);
		free(fx);
		return -1;
	}
	fx->ctx.snap = fx->snap;
	fx->ctx.node_id = NODE_ID;
	fx->ctx.started_ms = rpc_now_ms();
	fx->ctx.stats = &fx->stats;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	fixture *fx = *state;

	rpc_snapshot_release(fx->snap);
	free(fx);
	return 0;
}

/* Handles the raw request bytes and returns the decoded Reply. */
static Sfmovies__Reply *
handle_raw(const rpc_handler_ctx *ctx, const uint8_t *req, size_t len)
{
	core_buf out = {0};
	Sfmovies__Reply *reply;

	assert_int_equal(rpc_handle(ctx, req, len, &out), 0);
	reply =
	    sfmovies__reply__unpack(NULL, out.len, (const uint8_t *)out.data);
	core_buf_free(&out);
	assert_non_null(reply);
	return reply;
}

/* Wraps payload[0..len) in a Request envelope and handles it. */
static Sfmovies__Reply *
handle_payload(const rpc_handler_ctx *ctx, int method, uint64_t request_id,
    uint64_t deadline_ms, const uint8_t *payload, size_t len)
{
	Sfmovies__Request req = SFMOVIES__REQUEST__INIT;
	Sfmovies__Reply *reply;
	uint8_t *buf;
	size_t buflen;

	req.method = (Sfmovies__Method)method;
	req.request_id = request_id;
	req.deadline_unix_ms = deadline_ms;
	req.payload.data = (uint8_t *)payload;
	req.payload.len = len;
	buflen = sfmovies__request__get_packed_size(&req);
	buf = malloc(buflen + 1);
	assert_non_null(buf);
	assert_int_equal(sfmovies__request__pack(&req, buf), buflen);
	reply = handle_raw(ctx, buf, buflen);
	free(buf);
	return reply;
}

/* Packs msg (NULL for an empty payload) as the payload of a request. */
static Sfmovies__Reply *
handle_msg(const rpc_handler_ctx *ctx, int method, uint64_t request_id,
    uint64_t deadline_ms, const ProtobufCMessage *msg)
{
	Sfmovies__Reply *reply;
	uint8_t *payload = NULL;
	size_t len = 0;

	if (msg != NULL) {
		len = protobuf_c_message_get_packed_size(msg);
		payload = malloc(len + 1);
		assert_non_null(payload);
		assert_int_equal(protobuf_c_message_pack(msg, payload), len);
	}
	reply =
	    handle_payload(ctx, method, request_id, deadline_ms, payload, len);
	free(payload);
	return reply;
}

/* Handles a call that must succeed and returns its reply. */
static Sfmovies__Reply *
call_ok(const fixture *fx, int method, const ProtobufCMessage *msg)
{
	Sfmovies__Reply *reply = handle_msg(&fx->ctx, method, 1, 0, msg);

	if (reply->code != SFMOVIES__CODE__CODE_OK) {
		print_error("code %d: %s (argument \"%s\")\n", reply->code,
		    reply->message, reply->argument);
	}
	assert_int_equal(reply->code, SFMOVIES__CODE__CODE_OK);
	assert_string_equal(reply->node_id, NODE_ID);
	assert_string_equal(reply->dataset_version, fx->snap->version);
	return reply;
}

/* Checks that reply carries code and argument, a message and no payload,
 * then frees it. */
static void
check_error(Sfmovies__Reply *reply, Sfmovies__Code code, const char *argument)
{
	assert_int_equal(reply->code, code);
	assert_string_equal(reply->argument, argument);
	assert_true(reply->message[0] != '\0');
	assert_int_equal(reply->payload.len, 0);
	sfmovies__reply__free_unpacked(reply, NULL);
}

/* Handles a call that must fail with code and argument. */
static void
expect_error(const rpc_handler_ctx *ctx, int method,
    const ProtobufCMessage *msg, Sfmovies__Code code, const char *argument)
{
	check_error(handle_msg(ctx, method, 1, 0, msg), code, argument);
}

#define assert_near(actual, expected, tol)                                     \
	check_near((actual), (expected), (tol), __FILE__, __LINE__)

static void
check_near(
    double actual, double expected, double tol, const char *file, int line)
{
	if (!(fabs(actual - expected) <= tol)) {
		print_error(
		    "%.17g is not within %g of %.17g\n", actual, tol, expected);
		_fail(file, line);
	}
}

static double
haversine_m(double lat1, double lng1, double lat2, double lng2)
{
	const double rad = acos(-1.0) / 180.0;
	double dlat = (lat2 - lat1) * rad;
	double dlng = (lng2 - lng1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);

	return 2 * 6371008.8 * asin(sqrt(h));
}

static Sfmovies__SearchReply *
search_reply(const Sfmovies__Reply *reply)
{
	Sfmovies__SearchReply *r = sfmovies__search_reply__unpack(
	    NULL, reply->payload.len, reply->payload.data);

	assert_non_null(r);
	return r;
}

static Sfmovies__CompleteReply *
complete_reply(const Sfmovies__Reply *reply)
{
	Sfmovies__CompleteReply *r = sfmovies__complete_reply__unpack(
	    NULL, reply->payload.len, reply->payload.data);

	assert_non_null(r);
	return r;
}

static Sfmovies__LocationsReply *
locations_reply(const Sfmovies__Reply *reply)
{
	Sfmovies__LocationsReply *r = sfmovies__locations_reply__unpack(
	    NULL, reply->payload.len, reply->payload.data);

	assert_non_null(r);
	return r;
}

static Sfmovies__FilmReply *
film_reply(const Sfmovies__Reply *reply)
{
	Sfmovies__FilmReply *r = sfmovies__film_reply__unpack(
	    NULL, reply->payload.len, reply->payload.data);

	assert_non_null(r);
	return r;
}

static Sfmovies__StatusReply *
status_reply(const Sfmovies__Reply *reply)
{
	Sfmovies__StatusReply *r = sfmovies__status_reply__unpack(
	    NULL, reply->payload.len, reply->payload.data);

	assert_non_null(r);
	return r;
}

static void
handler_search_escape_alcatraz(void **state)
{
	fixture *fx = *state;
	Sfmovies__SearchRequest req = SFMOVIES__SEARCH_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__SearchReply *r;
	Sfmovies__FilmHit *hit;

	req.q = "escape alcatraz";
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base);
	r = search_reply(reply);

	assert_int_equal(r->total, 1);
	assert_int_equal(r->n_hits, 1);
	hit = r->hits[0];
	assert_string_equal(hit->film->title, "Escape From Alcatraz");
	assert_int_equal(hit->film->year, 1979);
	assert_string_equal(hit->film->slug, "escape-from-alcatraz-1979");
	assert_int_equal(hit->film->location_count, 1);
	assert_int_equal(hit->film->n_directors, 1);
	assert_string_equal(hit->film->directors[0], "Donald Siegel");
	assert_int_equal(hit->n_locations, 1);
	assert_string_equal(hit->locations[0]->text, "Alcatraz Island");
	assert_string_equal(
	    hit->locations[0]->film_title, "Escape From Alcatraz");
	assert_int_equal(hit->locations[0]->film_year, 1979);
	assert_true(hit->locations[0]->has_point);

	sfmovies__search_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_search_actor_years(void **state)
{
	fixture *fx = *state;
	Sfmovies__SearchRequest req = SFMOVIES__SEARCH_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__SearchReply *r;

	req.actor = "Clint Eastwood";
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base);
	r = search_reply(reply);
	assert_int_equal(r->total, EASTWOOD_ACTOR_FILMS);
	assert_int_equal(r->n_hits, EASTWOOD_ACTOR_FILMS);
	sfmovies__search_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	req.year_min = 1975;
	req.year_max = 1985;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base);
	r = search_reply(reply);
	assert_int_equal(r->total, EASTWOOD_ACTOR_1975_1985);
	for (size_t i = 0; i < r->n_hits; i++) {
		assert_in_range(r->hits[i]->film->year, 1975, 1985);
	}
	sfmovies__search_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_search_limit_default(void **state)
{
	fixture *fx = *state;
	Sfmovies__SearchRequest req = SFMOVIES__SEARCH_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__SearchReply *r;

	/* An empty query matches every film, and limit 0 takes 20. */
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base);
	r = search_reply(reply);
	assert_int_equal(r->total, NEWEST_FILMS);
	assert_int_equal(r->n_hits, 20);
	sfmovies__search_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	req.limit = RPC_SEARCH_MAX_LIMIT;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base);
	r = search_reply(reply);
	assert_int_equal(r->n_hits, RPC_SEARCH_MAX_LIMIT);
	sfmovies__search_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	/* The last page contains the films left after the offset. */
	req.offset = NEWEST_FILMS - 5;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base);
	r = search_reply(reply);
	assert_int_equal(r->total, NEWEST_FILMS);
	assert_int_equal(r->n_hits, 5);
	sfmovies__search_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_complete_clint_east(void **state)
{
	fixture *fx = *state;
	Sfmovies__CompleteRequest req = SFMOVIES__COMPLETE_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__CompleteReply *r;
	int director_seen = 0;

	req.term = "clint east";
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_COMPLETE, &req.base);
	r = complete_reply(reply);

	assert_true(r->n_suggestions >= 2);
	assert_string_equal(r->suggestions[0]->text, "Clint Eastwood");
	assert_string_equal(r->suggestions[0]->kind, "actor");
	assert_int_equal(r->suggestions[0]->films, EASTWOOD_ACTOR_FILMS);
	for (size_t i = 1; i < r->n_suggestions; i++) {
		if (strcmp(r->suggestions[i]->kind, "director") == 0) {
			assert_string_equal(
			    r->suggestions[i]->text, "Clint Eastwood");
			assert_int_equal(
			    r->suggestions[i]->films, EASTWOOD_DIRECTOR_FILMS);
			director_seen++;
		}
	}
	assert_int_equal(director_seen, 1);

	sfmovies__complete_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_complete_limits(void **state)
{
	fixture *fx = *state;
	Sfmovies__CompleteRequest req = SFMOVIES__COMPLETE_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__CompleteReply *r;

	/* Hundreds of phrases have a word starting with "s" (every
	 * "Street"), so the limit decides the count. */
	req.term = "s";
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_COMPLETE, &req.base);
	r = complete_reply(reply);
	assert_int_equal(r->n_suggestions, 10);
	sfmovies__complete_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	req.limit = RPC_COMPLETE_MAX_LIMIT;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_COMPLETE, &req.base);
	r = complete_reply(reply);
	assert_int_equal(r->n_suggestions, RPC_COMPLETE_MAX_LIMIT);
	sfmovies__complete_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_nearest_golden_gate(void **state)
{
	fixture *fx = *state;
	Sfmovies__NearestRequest req = SFMOVIES__NEAREST_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__LocationsReply *r;
	Sfmovies__Location *first;

	req.lat = BRIDGE_LAT;
	req.lng = BRIDGE_LNG;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_NEAREST, &req.base);
	r = locations_reply(reply);

	/* limit 0 takes 10. */
	assert_int_equal(r->n_locations, 10);
	assert_int_equal(r->total, 10);
	first = r->locations[0];
	assert_string_equal(first->text, "Golden Gate Bridge");
	assert_true(first->has_point);
	assert_near(first->distance_m, BRIDGE_DISTANCE_M, DISTANCE_TOL);
	assert_near(first->distance_m,
	    haversine_m(BRIDGE_LAT, BRIDGE_LNG, first->lat, first->lng),
	    DISTANCE_TOL);
	for (size_t i = 1; i < r->n_locations; i++) {
		assert_true(r->locations[i]->distance_m >=
		    r->locations[i - 1]->distance_m);
	}

	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_nearest_radius(void **state)
{
	fixture *fx = *state;
	Sfmovies__NearestRequest req = SFMOVIES__NEAREST_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__LocationsReply *r;

	req.lat = BRIDGE_LAT;
	req.lng = BRIDGE_LNG;
	req.limit = 100;
	req.radius_m = 30;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_NEAREST, &req.base);
	r = locations_reply(reply);

	assert_int_equal(r->n_locations, BRIDGE_WITHIN_30M);
	for (size_t i = 0; i < r->n_locations; i++) {
		assert_string_equal(
		    r->locations[i]->text, "Golden Gate Bridge");
		assert_true(r->locations[i]->distance_m <= 30);
	}
	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	/* The maximum limit is accepted. */
	req.limit = RPC_NEAREST_MAX_LIMIT;
	req.radius_m = 0;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_NEAREST, &req.base);
	r = locations_reply(reply);
	assert_int_equal(r->n_locations, RPC_NEAREST_MAX_LIMIT);
	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

/* Returns whether title is one of the films at Alcatraz Island. */
static int
is_alcatraz_film(const char *title)
{
	for (size_t i = 0; i < COUNT(alcatraz_films); i++) {
		if (strcmp(alcatraz_films[i], title) == 0) {
			return 1;
		}
	}
	return 0;
}

static void
handler_box_alcatraz(void **state)
{
	fixture *fx = *state;
	Sfmovies__BoxRequest req = SFMOVIES__BOX_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__LocationsReply *r;
	int seen[COUNT(alcatraz_films)] = {0};

	req.south = ALCATRAZ_SOUTH;
	req.west = ALCATRAZ_WEST;
	req.north = ALCATRAZ_NORTH;
	req.east = ALCATRAZ_EAST;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_BOX, &req.base);
	r = locations_reply(reply);

	assert_int_equal(r->total, COUNT(alcatraz_films));
	assert_int_equal(r->n_locations, COUNT(alcatraz_films));
	for (size_t i = 0; i < r->n_locations; i++) {
		const Sfmovies__Location *l = r->locations[i];

		assert_string_equal(l->text, "Alcatraz Island");
		assert_true(is_alcatraz_film(l->film_title));
		for (size_t j = 0; j < COUNT(alcatraz_films); j++) {
			seen[j] +=
			    strcmp(alcatraz_films[j], l->film_title) == 0;
		}
	}
	for (size_t j = 0; j < COUNT(alcatraz_films); j++) {
		assert_int_equal(seen[j], 1);
	}
	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	/* A smaller limit cuts the list but not the total. */
	req.limit = 3;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_BOX, &req.base);
	r = locations_reply(reply);
	assert_int_equal(r->total, COUNT(alcatraz_films));
	assert_int_equal(r->n_locations, 3);
	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_box_counts(void **state)
{
	fixture *fx = *state;
	Sfmovies__BoxRequest req = SFMOVIES__BOX_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__LocationsReply *r;

	req.south = NORTH_BEACH_SOUTH;
	req.west = NORTH_BEACH_WEST;
	req.north = NORTH_BEACH_NORTH;
	req.east = NORTH_BEACH_EAST;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_BOX, &req.base);
	r = locations_reply(reply);
	assert_int_equal(r->total, NORTH_BEACH_COUNT);
	assert_int_equal(r->n_locations, NORTH_BEACH_COUNT);
	for (size_t i = 0; i < r->n_locations; i++) {
		assert_true(r->locations[i]->lat >= NORTH_BEACH_SOUTH);
		assert_true(r->locations[i]->lat <= NORTH_BEACH_NORTH);
		assert_true(r->locations[i]->lng >= NORTH_BEACH_WEST);
		assert_true(r->locations[i]->lng <= NORTH_BEACH_EAST);
	}
	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	/* The whole world: limit 0 takes 500 of all located locations. */
	req.south = -90;
	req.west = -180;
	req.north = 90;
	req.east = 180;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_BOX, &req.base);
	r = locations_reply(reply);
	assert_int_equal(r->total, NEWEST_LOCATED);
	assert_int_equal(r->n_locations, 500);
	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);

	req.limit = RPC_BOX_MAX_LIMIT;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_BOX, &req.base);
	r = locations_reply(reply);
	assert_int_equal(r->n_locations, NEWEST_LOCATED);
	sfmovies__locations_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

/* Returns the index of text in vertigo_locations, or -1. */
static int
vertigo_index(const char *text)
{
	for (size_t i = 0; i < COUNT(vertigo_locations); i++) {
		if (strcmp(vertigo_locations[i], text) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static void
handler_film_vertigo(void **state)
{
	fixture *fx = *state;
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__FilmReply *r;
	int seen[COUNT(vertigo_locations)] = {0};
	int outside = 0;

	req.id = "vertigo-1958";
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_FILM, &req.base);
	r = film_reply(reply);

	assert_string_equal(r->film->title, "Vertigo");
	assert_int_equal(r->film->year, 1958);
	assert_string_equal(r->film->slug, "vertigo-1958");
	assert_int_equal(r->film->n_directors, 1);
	assert_string_equal(r->film->directors[0], "Alfred Hitchcock");
	assert_int_equal(r->film->location_count, COUNT(vertigo_locations));
	assert_int_equal(r->n_locations, COUNT(vertigo_locations));
	for (size_t i = 0; i < r->n_locations; i++) {
		const Sfmovies__Location *l = r->locations[i];
		int at = vertigo_index(l->text);

		assert_true(at >= 0);
		seen[at]++;
		assert_string_equal(l->film_id, r->film->id);
		assert_int_equal(strlen(l->id), 16);
		assert_true(l->has_point);
		outside += l->outside_sf;
	}
	for (size_t i = 0; i < COUNT(vertigo_locations); i++) {
		assert_int_equal(seen[i], 1);
	}
	/* Mission San Juan Bautista, at 36.85 N, is the only one far away. */
	assert_int_equal(outside, 1);

	sfmovies__film_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_location_by_id(void **state)
{
	fixture *fx = *state;
	Sfmovies__FilmRequest film_req = SFMOVIES__FILM_REQUEST__INIT;
	Sfmovies__LocationRequest req = SFMOVIES__LOCATION_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__FilmReply *film;
	Sfmovies__LocationReply *r;
	const Sfmovies__Location *want = NULL;

	film_req.id = "vertigo-1958";
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_FILM, &film_req.base);
	film = film_reply(reply);
	sfmovies__reply__free_unpacked(reply, NULL);
	for (size_t i = 0; i < film->n_locations; i++) {
		if (strcmp(film->locations[i]->text,
		        "Fort Point (Presidio, "
		        "Golden Gate National "
		        "Recreation Area)") == 0) {
			want = film->locations[i];
		}
	}
	assert_non_null(want);

	req.id = want->id;
	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_LOCATION, &req.base);
	r = sfmovies__location_reply__unpack(
	    NULL, reply->payload.len, reply->payload.data);
	assert_non_null(r);
	assert_string_equal(r->location->id, want->id);
	assert_string_equal(r->location->text, want->text);
	assert_near(r->location->lat, 37.8106117, 1e-9);
	assert_near(r->location->lng, -122.47709, 1e-9);
	assert_string_equal(r->film->title, "Vertigo");
	assert_int_equal(r->film->year, 1958);
	assert_int_equal(r->film->location_count, COUNT(vertigo_locations));
	sfmovies__location_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
	sfmovies__film_reply__free_unpacked(film, NULL);
}

static void
handler_status_counts(void **state)
{
	fixture *fx = *state;
	Sfmovies__StatusRequest req = SFMOVIES__STATUS_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__StatusReply *r;

	reply = call_ok(fx, SFMOVIES__METHOD__METHOD_STATUS, &req.base);
	r = status_reply(reply);
	assert_int_equal(r->films, NEWEST_FILMS);
	assert_int_equal(r->locations, NEWEST_LOCATIONS);
	assert_string_equal(r->node_id, NODE_ID);
	assert_string_equal(r->dataset_version, fx->snap->version);
	sfmovies__status_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_garbage_request(void **state)
{
	fixture *fx = *state;
	static const uint8_t garbage[] = {
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	check_error(handle_raw(&fx->ctx, garbage, sizeof(garbage)),
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "request");
}

static void
handler_garbage_payload(void **state)
{
	fixture *fx = *state;
	static const uint8_t garbage[] = {
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const int methods[] = {
	    SFMOVIES__METHOD__METHOD_SEARCH,
	    SFMOVIES__METHOD__METHOD_COMPLETE,
	    SFMOVIES__METHOD__METHOD_NEAREST,
	    SFMOVIES__METHOD__METHOD_BOX,
	    SFMOVIES__METHOD__METHOD_FILM,
	    SFMOVIES__METHOD__METHOD_LOCATION,
	};

	for (size_t i = 0; i < COUNT(methods); i++) {
		check_error(handle_payload(&fx->ctx, methods[i], 1, 0, garbage,
		                sizeof(garbage)),
		    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "payload");
	}
}

static void
handler_limit_over_max(void **state)
{
	fixture *fx = *state;
	Sfmovies__SearchRequest search = SFMOVIES__SEARCH_REQUEST__INIT;
	Sfmovies__CompleteRequest complete = SFMOVIES__COMPLETE_REQUEST__INIT;
	Sfmovies__NearestRequest nearest = SFMOVIES__NEAREST_REQUEST__INIT;
	Sfmovies__BoxRequest box = SFMOVIES__BOX_REQUEST__INIT;

	search.limit = RPC_SEARCH_MAX_LIMIT + 1;
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_SEARCH, &search.base,
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "limit");

	complete.term = "vertigo";
	complete.limit = RPC_COMPLETE_MAX_LIMIT + 1;
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_COMPLETE,
	    &complete.base, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "limit");

	nearest.lat = BRIDGE_LAT;
	nearest.lng = BRIDGE_LNG;
	nearest.limit = RPC_NEAREST_MAX_LIMIT + 1;
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_NEAREST, &nearest.base,
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "limit");

	box.south = ALCATRAZ_SOUTH;
	box.west = ALCATRAZ_WEST;
	box.north = ALCATRAZ_NORTH;
	box.east = ALCATRAZ_EAST;
	box.limit = RPC_BOX_MAX_LIMIT + 1;
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_BOX, &box.base,
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "limit");
}

static void
handler_nearest_invalid_point(void **state)
{
	fixture *fx = *state;
	static const struct {
		double lat, lng, radius_m;
		const char *argument;
	} cases[] = {
	    {91, BRIDGE_LNG, 0, "lat"},
	    {-90.5, BRIDGE_LNG, 0, "lat"},
	    {NAN, BRIDGE_LNG, 0, "lat"},
	    {INFINITY, BRIDGE_LNG, 0, "lat"},
	    {BRIDGE_LAT, NAN, 0, "lng"},
	    {BRIDGE_LAT, 181, 0, "lng"},
	    {BRIDGE_LAT, -INFINITY, 0, "lng"},
	    {BRIDGE_LAT, BRIDGE_LNG, -1, "radius_m"},
	    {BRIDGE_LAT, BRIDGE_LNG, RPC_NEAREST_MAX_RADIUS + 1, "radius_m"},
	    {BRIDGE_LAT, BRIDGE_LNG, NAN, "radius_m"},
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		Sfmovies__NearestRequest req = SFMOVIES__NEAREST_REQUEST__INIT;

		req.lat = cases[i].lat;
		req.lng = cases[i].lng;
		req.radius_m = cases[i].radius_m;
		expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_NEAREST,
		    &req.base, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    cases[i].argument);
	}
}

static void
handler_box_invalid(void **state)
{
	fixture *fx = *state;
	static const struct {
		double south, west, north, east;
		const char *argument;
	} cases[] = {
	    {91, -122.5, 37.8, -122.4, "south"},
	    {37.7, NAN, 37.8, -122.4, "west"},
	    {37.7, -122.5, NAN, -122.4, "north"},
	    {37.7, -122.5, 37.8, 180.5, "east"},
	    /* south greater than north, and west greater than east */
	    {37.8, -122.5, 37.7, -122.4, "south"},
	    {37.7, -122.4, 37.8, -122.5, "west"},
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		Sfmovies__BoxRequest req = SFMOVIES__BOX_REQUEST__INIT;

		req.south = cases[i].south;
		req.west = cases[i].west;
		req.north = cases[i].north;
		req.east = cases[i].east;
		expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_BOX, &req.base,
		    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, cases[i].argument);
	}
}

static void
handler_search_invalid(void **state)
{
	fixture *fx = *state;
	Sfmovies__SearchRequest req = SFMOVIES__SEARCH_REQUEST__INIT;
	char long_q[CORE_QUERY_MAX_BYTES + 8];

	req.year_min = 1990;
	req.year_max = 1980;
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base,
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "year_min");

	/* year_max 0 means no upper bound, so any year_min is valid. */
	req.year_max = 0;
	sfmovies__reply__free_unpacked(
	    call_ok(fx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base), NULL);

	memset(long_q, 'a', sizeof(long_q) - 1);
	long_q[sizeof(long_q) - 1] = '\0';
	req.year_min = 0;
	req.q = long_q;
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_SEARCH, &req.base,
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "q");
}

static void
handler_complete_empty_term(void **state)
{
	fixture *fx = *state;
	Sfmovies__CompleteRequest req = SFMOVIES__COMPLETE_REQUEST__INIT;

	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_COMPLETE, &req.base,
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "term");
}

static void
handler_film_unknown(void **state)
{
	fixture *fx = *state;
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;

	req.id = "vertigo-1959";
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_FILM, &req.base,
	    SFMOVIES__CODE__CODE_NOT_FOUND, "id");

	req.id = "";
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_FILM, &req.base,
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "id");
}

static void
handler_location_invalid_id(void **state)
{
	fixture *fx = *state;
	static const char *const ids[] = {
	    "",
	    "123",
	    "0123456789abcde",   /* 15 digits */
	    "0123456789abcdef0", /* 17 digits */
	    "0123456789abcdeg",
	    "vertigo-1958",
	};

	for (size_t i = 0; i < COUNT(ids); i++) {
		Sfmovies__LocationRequest req =
		    SFMOVIES__LOCATION_REQUEST__INIT;

		req.id = (char *)ids[i];
		expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_LOCATION,
		    &req.base, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "id");
	}
}

static void
handler_location_unknown(void **state)
{
	fixture *fx = *state;
	Sfmovies__LocationRequest req = SFMOVIES__LOCATION_REQUEST__INIT;

	assert_null(core_location_by_id(fx->snap->ds, 0));
	req.id = "0000000000000000";
	expect_error(&fx->ctx, SFMOVIES__METHOD__METHOD_LOCATION, &req.base,
	    SFMOVIES__CODE__CODE_NOT_FOUND, "id");
}

static void
handler_unknown_method(void **state)
{
	fixture *fx = *state;

	check_error(handle_msg(&fx->ctx, 99, 1, 0, NULL),
	    SFMOVIES__CODE__CODE_UNIMPLEMENTED, "method");
	check_error(handle_msg(&fx->ctx, SFMOVIES__METHOD__METHOD_UNSPECIFIED,
	                1, 0, NULL),
	    SFMOVIES__CODE__CODE_UNIMPLEMENTED, "method");
}

static void
handler_deadline_passed(void **state)
{
	fixture *fx = *state;
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	Sfmovies__Reply *reply;
	uint64_t now = (uint64_t)rpc_now_ms();

	req.id = "vertigo-1958";
	check_error(handle_msg(&fx->ctx, SFMOVIES__METHOD__METHOD_FILM, 1,
	                now - 1000, &req.base),
	    SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED, "");

	/* A deadline a minute ahead does not stop the request. */
	reply = handle_msg(
	    &fx->ctx, SFMOVIES__METHOD__METHOD_FILM, 1, now + 60000, &req.base);
	assert_int_equal(reply->code, SFMOVIES__CODE__CODE_OK);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_no_snapshot(void **state)
{
	fixture *fx = *state;
	rpc_handler_stats stats = {0};
	rpc_handler_ctx ctx = fx->ctx;
	Sfmovies__SearchRequest search = SFMOVIES__SEARCH_REQUEST__INIT;
	Sfmovies__CompleteRequest complete = SFMOVIES__COMPLETE_REQUEST__INIT;
	Sfmovies__NearestRequest nearest = SFMOVIES__NEAREST_REQUEST__INIT;
	Sfmovies__BoxRequest box = SFMOVIES__BOX_REQUEST__INIT;
	Sfmovies__FilmRequest film = SFMOVIES__FILM_REQUEST__INIT;
	Sfmovies__LocationRequest location = SFMOVIES__LOCATION_REQUEST__INIT;
	Sfmovies__StatusRequest status = SFMOVIES__STATUS_REQUEST__INIT;
	Sfmovies__Reply *reply;
	Sfmovies__StatusReply *r;

	ctx.snap = NULL;
	ctx.stats = &stats;
	complete.term = "vertigo";
	film.id = "vertigo-1958";
	location.id = "0000000000000000";
	expect_error(&ctx, SFMOVIES__METHOD__METHOD_SEARCH, &search.base,
	    SFMOVIES__CODE__CODE_UNAVAILABLE, "");
	expect_error(&ctx, SFMOVIES__METHOD__METHOD_COMPLETE, &complete.base,
	    SFMOVIES__CODE__CODE_UNAVAILABLE, "");
	expect_error(&ctx, SFMOVIES__METHOD__METHOD_NEAREST, &nearest.base,
	    SFMOVIES__CODE__CODE_UNAVAILABLE, "");
	expect_error(&ctx, SFMOVIES__METHOD__METHOD_BOX, &box.base,
	    SFMOVIES__CODE__CODE_UNAVAILABLE, "");
	expect_error(&ctx, SFMOVIES__METHOD__METHOD_FILM, &film.base,
	    SFMOVIES__CODE__CODE_UNAVAILABLE, "");
	expect_error(&ctx, SFMOVIES__METHOD__METHOD_LOCATION, &location.base,
	    SFMOVIES__CODE__CODE_UNAVAILABLE, "");

	reply = handle_msg(
	    &ctx, SFMOVIES__METHOD__METHOD_STATUS, 1, 0, &status.base);
	assert_int_equal(reply->code, SFMOVIES__CODE__CODE_OK);
	assert_string_equal(reply->dataset_version, "");
	r = status_reply(reply);
	assert_int_equal(r->films, 0);
	assert_int_equal(r->locations, 0);
	assert_string_equal(r->dataset_version, "");
	assert_string_equal(r->node_id, NODE_ID);
	sfmovies__status_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_request_id_echoed(void **state)
{
	fixture *fx = *state;
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff};
	const uint64_t id = 0x0123456789abcdefULL;
	Sfmovies__Reply *reply;

	req.id = "vertigo-1958";
	reply = handle_msg(
	    &fx->ctx, SFMOVIES__METHOD__METHOD_FILM, id, 0, &req.base);
	assert_int_equal(reply->code, SFMOVIES__CODE__CODE_OK);
	assert_true(reply->request_id == id);
	sfmovies__reply__free_unpacked(reply, NULL);

	/* Error replies echo it too. */
	req.id = "no-such-film";
	reply = handle_msg(
	    &fx->ctx, SFMOVIES__METHOD__METHOD_FILM, id + 1, 0, &req.base);
	assert_int_equal(reply->code, SFMOVIES__CODE__CODE_NOT_FOUND);
	assert_true(reply->request_id == id + 1);
	sfmovies__reply__free_unpacked(reply, NULL);

	reply = handle_msg(&fx->ctx, 99, id + 2, 0, NULL);
	assert_true(reply->request_id == id + 2);
	sfmovies__reply__free_unpacked(reply, NULL);

	/* A request that does not decode has no id to echo. */
	reply = handle_raw(&fx->ctx, garbage, sizeof(garbage));
	assert_true(reply->request_id == 0);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
handler_stats_counted(void **state)
{
	fixture *fx = *state;
	rpc_handler_stats stats = {0};
	rpc_handler_ctx ctx = fx->ctx;
	Sfmovies__FilmRequest film = SFMOVIES__FILM_REQUEST__INIT;
	Sfmovies__StatusRequest status = SFMOVIES__STATUS_REQUEST__INIT;
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff};
	Sfmovies__Reply *reply;
	Sfmovies__StatusReply *r;

	ctx.stats = &stats;
	film.id = "vertigo-1958";
	for (int i = 0; i < 3; i++) {
		reply = handle_msg(
		    &ctx, SFMOVIES__METHOD__METHOD_FILM, 1, 0, &film.base);
		assert_int_equal(reply->code, SFMOVIES__CODE__CODE_OK);
		sfmovies__reply__free_unpacked(reply, NULL);
	}
	film.id = "no-such-film";
	expect_error(&ctx, SFMOVIES__METHOD__METHOD_FILM, &film.base,
	    SFMOVIES__CODE__CODE_NOT_FOUND, "id");
	check_error(handle_raw(&ctx, garbage, sizeof(garbage)),
	    SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "request");

	assert_int_equal(atomic_load(&stats.queries), 5);
	assert_int_equal(atomic_load(&stats.errors), 2);

	/* STATUS reports the counters, its own query included. */
	reply = handle_msg(
	    &ctx, SFMOVIES__METHOD__METHOD_STATUS, 1, 0, &status.base);
	r = status_reply(reply);
	assert_int_equal(r->queries, 6);
	assert_int_equal(r->errors, 2);
	sfmovies__status_reply__free_unpacked(r, NULL);
	sfmovies__reply__free_unpacked(reply, NULL);
	assert_int_equal(atomic_load(&stats.errors), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(handler_search_escape_alcatraz),
	    cmocka_unit_test(handler_search_actor_years),
	    cmocka_unit_test(handler_search_limit_default),
	    cmocka_unit_test(handler_complete_clint_east),
	    cmocka_unit_test(handler_complete_limits),
	    cmocka_unit_test(handler_nearest_golden_gate),
	    cmocka_unit_test(handler_nearest_radius),
	    cmocka_unit_test(handler_box_alcatraz),
	    cmocka_unit_test(handler_box_counts),
	    cmocka_unit_test(handler_film_vertigo),
	    cmocka_unit_test(handler_location_by_id),
	    cmocka_unit_test(handler_status_counts),
	    cmocka_unit_test(handler_garbage_request),
	    cmocka_unit_test(handler_garbage_payload),
	    cmocka_unit_test(handler_limit_over_max),
	    cmocka_unit_test(handler_nearest_invalid_point),
	    cmocka_unit_test(handler_box_invalid),
	    cmocka_unit_test(handler_search_invalid),
	    cmocka_unit_test(handler_complete_empty_term),
	    cmocka_unit_test(handler_film_unknown),
	    cmocka_unit_test(handler_location_invalid_id),
	    cmocka_unit_test(handler_location_unknown),
	    cmocka_unit_test(handler_unknown_method),
	    cmocka_unit_test(handler_deadline_passed),
	    cmocka_unit_test(handler_no_snapshot),
	    cmocka_unit_test(handler_request_id_echoed),
	    cmocka_unit_test(handler_stats_counted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
