/*
 * Dispatch of one request envelope to its method. Each method unpacks its
 * request, validates it, queries the snapshot and packs its reply; the
 * envelope carries the status code, and for invalid arguments the name of
 * the offending field.
 */
#include "rpc_handler.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core_arena.h"
#include "core_err.h"
#include "core_query.h"
#include "rpc_convert.h"
#include "sfmovies.pb-c.h"

typedef struct handler_reply {
	Sfmovies__Code code;
	char message[256];
	const char *argument;
	uint8_t *payload;
	size_t len;
} handler_reply;

typedef struct handler_call {
	const rpc_handler_ctx *ctx;
	const core_dataset *ds;
	core_arena arena;
	handler_reply reply;
} handler_call;

int64_t
rpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sets an error reply; returns 0 so handlers can `return handler_fail()`. */
static int handler_fail(handler_call *c, Sfmovies__Code code,
    const char *argument, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
handler_fail(handler_call *c, Sfmovies__Code code, const char *argument,
    const char *fmt, ...)
{
	va_list ap;

	c->reply.code = code;
	c->reply.argument = argument;
	va_start(ap, fmt);
	vsnprintf(c->reply.message, sizeof(c->reply.message), fmt, ap);
	va_end(ap);
	return 0;
}

/* Maps a core error of a query to a reply. */
static int
handler_fail_core(handler_call *c, int err, const char *argument)
{
	switch (err) {
	case CORE_EINVAL:
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    argument, "%s is invalid", argument);
	case CORE_ETOOBIG:
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    argument, "%s is too long: at most %d bytes and %d words",
		    argument, CORE_QUERY_MAX_BYTES, CORE_QUERY_MAX_WORDS);
	case CORE_EUTF8:
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    argument, "%s is not valid UTF-8", argument);
	case CORE_ENOMEM:
		return CORE_ENOMEM;
	}
	return handler_fail(c, SFMOVIES__CODE__CODE_INTERNAL, "",
	    "query failed: %s", core_strerror(err));
}

/* Packs msg into the arena as the reply payload. */
static int
handler_pack(handler_call *c, const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);

	if ((c->reply.payload = core_arena_alloc(&c->arena, len + 1)) == NULL) {
		return CORE_ENOMEM;
	}
	c->reply.len = protobuf_c_message_pack(msg, c->reply.payload);
	return 0;
}

/* Returns limit, or def when it is 0; sets an error when over max. */
static int
handler_limit(
    handler_call *c, uint32_t limit, uint32_t def, uint32_t max, uint32_t *out)
{
	*out = limit == 0 ? def : limit;
	if (*out > max) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "limit",
		    "limit must be from 1 to %u, got %u", max, limit);
		return -1;
	}
	return 0;
}

static int
handler_locations(handler_call *c, const core_film *film, uint32_t first,
    uint32_t n, const uint32_t *indexes, Sfmovies__Location ***out,
    size_t *nout)
{
	size_t nl;
	const core_location *locs = core_dataset_locations(c->ds, &nl);
	Sfmovies__Location *v;
	Sfmovies__Location **p;
	int rv;

	*nout = n;
	*out = NULL;
	if (n == 0) {
		return 0;
	}
	v = core_arena_alloc(&c->arena, n * sizeof(*v));
	p = core_arena_alloc(&c->arena, n * sizeof(*p));
	if (v == NULL || p == NULL) {
		return CORE_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t li = indexes != NULL ? indexes[i] : first + i;

		if ((rv = rpc_location_to_pb(
		         &c->arena, film, &locs[li], &v[i])) != 0) {
			return rv;
		}
		p[i] = &v[i];
	}
	*out = p;
	return 0;
}

static int
handler_search(handler_call *c, const ProtobufCBinaryData *payload)
{
	Sfmovies__SearchRequest *req;
	Sfmovies__SearchReply reply = SFMOVIES__SEARCH_REPLY__INIT;
	core_search_req q = {0};
	core_search_res res;
	size_t nf;
	const core_film *films = core_dataset_films(c->ds, &nf);
	uint32_t limit;
	int rv;

	req =
	    sfmovies__search_request__unpack(NULL, payload->len, payload->data);
	if (req == NULL) {
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "payload", "payload is not a valid SearchRequest");
	}
	if (handler_limit(c, req->limit, 20, RPC_SEARCH_MAX_LIMIT, &limit)) {
		goto out;
	}
	if (req->year_max != 0 && req->year_min > req->year_max) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "year_min", "year_min %u is after year_max %u",
		    req->year_min, req->year_max);
		goto out;
	}
	q.q = req->q;
	q.year_min = req->year_min;
	q.year_max = req->year_max;
	q.director = req->director;
	q.actor = req->actor;
	q.neighborhood = req->neighborhood;
	q.offset = req->offset;
	q.limit = limit;
	if ((rv = core_search(c->ds, &q, &res)) != 0) {
		rv = handler_fail_core(c, rv, "q");
		sfmovies__search_request__free_unpacked(req, NULL);
		return rv;
	}

	reply.total = (uint32_t)res.total;
	reply.n_hits = res.nhits;
	reply.hits =
	    core_arena_alloc(&c->arena, (res.nhits + 1) * sizeof(*reply.hits));
	rv = reply.hits != NULL ? 0 : CORE_ENOMEM;
	for (size_t i = 0; i < res.nhits && rv == 0; i++) {
		const core_search_hit *h = &res.hits[i];
		Sfmovies__FilmHit *hit =
		    core_arena_alloc(&c->arena, sizeof(*hit));
		Sfmovies__Film *film =
		    core_arena_alloc(&c->arena, sizeof(*film));

		if (hit == NULL || film == NULL) {
			rv = CORE_ENOMEM;
			break;
		}
		sfmovies__film_hit__init(hit);
		hit->film = film;
		hit->score = h->score;
		reply.hits[i] = hit;
		if ((rv = rpc_film_to_pb(&c->arena, &films[h->film], film)) ==
		    0) {
			rv = handler_locations(c, &films[h->film], 0,
			    h->nlocations, h->locations, &hit->locations,
			    &hit->n_locations);
		}
	}
	if (rv == 0) {
		rv = handler_pack(c, &reply.base);
	}
	core_search_res_free(&res);
	sfmovies__search_request__free_unpacked(req, NULL);
	return rv;
out:
	sfmovies__search_request__free_unpacked(req, NULL);
	return 0;
}

static int
handler_complete(handler_call *c, const ProtobufCBinaryData *payload)
{
	Sfmovies__CompleteRequest *req;
	Sfmovies__CompleteReply reply = SFMOVIES__COMPLETE_REPLY__INIT;
	core_suggestion out[RPC_COMPLETE_MAX_LIMIT];
	Sfmovies__Suggestion *list;
	size_t n;
	uint32_t limit;
	int rv = 0;

	req = sfmovies__complete_request__unpack(
	    NULL, payload->len, payload->data);
	if (req == NULL) {
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "payload", "payload is not a valid CompleteRequest");
	}
	if (handler_limit(c, req->limit, 10, RPC_COMPLETE_MAX_LIMIT, &limit)) {
		goto out;
	}
	if (req->term[0] == '\0') {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "term",
		    "term is missing; give the start of a title or name");
		goto out;
	}
	if ((rv = core_complete(c->ds, req->term, limit, out, &n)) != 0) {
		rv = handler_fail_core(c, rv, "term");
		goto out;
	}

	reply.n_suggestions = n;
	reply.suggestions =
	    core_arena_alloc(&c->arena, (n + 1) * sizeof(*reply.suggestions));
	list = core_arena_alloc(&c->arena, (n + 1) * sizeof(*list));
	if (reply.suggestions == NULL || list == NULL) {
		rv = CORE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sfmovies__suggestion__init(&list[i]);
		list[i].text = (char *)out[i].text;
		list[i].kind = (char *)core_kind_name(out[i].kind);
		list[i].films = out[i].films;
		reply.suggestions[i] = &list[i];
	}
	rv = handler_pack(c, &reply.base);
out:
	sfmovies__complete_request__free_unpacked(req, NULL);
	return rv;
}

static int
handler_point(handler_call *c, double lat, double lng, const char *lat_name,
    const char *lng_name)
{
	if (!isfinite(lat) || lat < -90 || lat > 90) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, lat_name,
		    "%s must be a latitude from -90 to 90", lat_name);
		return -1;
	}
	if (!isfinite(lng) || lng < -180 || lng > 180) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, lng_name,
		    "%s must be a longitude from -180 to 180", lng_name);
		return -1;
	}
	return 0;
}

/* Packs a LocationsReply of the location indexes idx[0..n). */
static int
handler_pack_locations(handler_call *c, const uint32_t *idx,
    const double *distances, size_t n, size_t total)
{
	Sfmovies__LocationsReply reply = SFMOVIES__LOCATIONS_REPLY__INIT;
	size_t nf, nl;
	const core_film *films = core_dataset_films(c->ds, &nf);
	const core_location *locs = core_dataset_locations(c->ds, &nl);
	Sfmovies__Location *v;
	int rv;

	reply.total = (uint32_t)total;
	reply.n_locations = n;
	reply.locations =
	    core_arena_alloc(&c->arena, (n + 1) * sizeof(*reply.locations));
	v = core_arena_alloc(&c->arena, (n + 1) * sizeof(*v));
	if (reply.locations == NULL || v == NULL) {
		return CORE_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const core_location *l = &locs[idx[i]];

		if ((rv = rpc_location_to_pb(
		         &c->arena, &films[l->film], l, &v[i])) != 0) {
			return rv;
		}
		if (distances != NULL) {
			v[i].distance_m = distances[i];
		}
		reply.locations[i] = &v[i];
	}
	return handler_pack(c, &reply.base);
}

static int
handler_nearest(handler_call *c, const ProtobufCBinaryData *payload)
{
	Sfmovies__NearestRequest *req;
	core_geo_hit hits[RPC_NEAREST_MAX_LIMIT];
	uint32_t idx[RPC_NEAREST_MAX_LIMIT];
	double dist[RPC_NEAREST_MAX_LIMIT];
	uint32_t limit;
	size_t n;
	int rv = 0;

	req = sfmovies__nearest_request__unpack(
	    NULL, payload->len, payload->data);
	if (req == NULL) {
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "payload", "payload is not a valid NearestRequest");
	}
	if (handler_point(c, req->lat, req->lng, "lat", "lng") != 0 ||
	    handler_limit(c, req->limit, 10, RPC_NEAREST_MAX_LIMIT, &limit)) {
		goto out;
	}
	if (!(req->radius_m >= 0 && req->radius_m <= RPC_NEAREST_MAX_RADIUS)) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "radius_m", "radius must be from 0 to %.0f metres",
		    RPC_NEAREST_MAX_RADIUS);
		goto out;
	}
	if ((rv = core_nearest(c->ds, req->lat, req->lng, limit, req->radius_m,
	         hits, &n)) != 0) {
		rv = handler_fail_core(c, rv, "lat");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		idx[i] = hits[i].id;
		dist[i] = hits[i].distance_m;
	}
	rv = handler_pack_locations(c, idx, dist, n, n);
out:
	sfmovies__nearest_request__free_unpacked(req, NULL);
	return rv;
}

static int
handler_box(handler_call *c, const ProtobufCBinaryData *payload)
{
	Sfmovies__BoxRequest *req;
	uint32_t *idx;
	uint32_t limit;
	size_t n, total;
	int rv = 0;

	req = sfmovies__box_request__unpack(NULL, payload->len, payload->data);
	if (req == NULL) {
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "payload", "payload is not a valid BoxRequest");
	}
	if (handler_point(c, req->south, req->west, "south", "west") != 0 ||
	    handler_point(c, req->north, req->east, "north", "east") != 0 ||
	    handler_limit(c, req->limit, 500, RPC_BOX_MAX_LIMIT, &limit)) {
		goto out;
	}
	if (req->south > req->north) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "south",
		    "south %g is north of north %g", req->south, req->north);
		goto out;
	}
	if (req->west > req->east) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "west",
		    "west %g is east of east %g; boxes across the "
		    "antimeridian are not supported",
		    req->west, req->east);
		goto out;
	}
	if ((idx = core_arena_alloc(&c->arena, limit * sizeof(*idx))) == NULL) {
		rv = CORE_ENOMEM;
		goto out;
	}
	if ((rv = core_box(c->ds, req->south, req->west, req->north, req->east,
	         idx, limit, &n, &total)) != 0) {
		rv = handler_fail_core(c, rv, "south");
		goto out;
	}
	rv = handler_pack_locations(c, idx, NULL, n, total);
out:
	sfmovies__box_request__free_unpacked(req, NULL);
	return rv;
}

static int
handler_film(handler_call *c, const ProtobufCBinaryData *payload)
{
	Sfmovies__FilmRequest *req;
	Sfmovies__FilmReply reply = SFMOVIES__FILM_REPLY__INIT;
	Sfmovies__Film film;
	const core_film *f;
	int rv = 0;

	req = sfmovies__film_request__unpack(NULL, payload->len, payload->data);
	if (req == NULL) {
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "payload", "payload is not a valid FilmRequest");
	}
	if (req->id[0] == '\0') {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "id",
		    "id is missing");
		goto out;
	}
	if ((f = core_film_by_key(c->ds, req->id)) == NULL) {
		handler_fail(c, SFMOVIES__CODE__CODE_NOT_FOUND, "id",
		    "no film has id \"%.64s\"", req->id);
		goto out;
	}
	reply.film = &film;
	if ((rv = rpc_film_to_pb(&c->arena, f, &film)) != 0 ||
	    (rv = handler_locations(c, f, f->first_location, f->nlocations,
	         NULL, &reply.locations, &reply.n_locations)) != 0) {
		goto out;
	}
	rv = handler_pack(c, &reply.base);
out:
	sfmovies__film_request__free_unpacked(req, NULL);
	return rv;
}

static int
handler_location(handler_call *c, const ProtobufCBinaryData *payload)
{
	Sfmovies__LocationRequest *req;
	Sfmovies__LocationReply reply = SFMOVIES__LOCATION_REPLY__INIT;
	Sfmovies__Location location;
	Sfmovies__Film film;
	const core_location *l;
	size_t nf;
	const core_film *films = core_dataset_films(c->ds, &nf);
	uint64_t id;
	int rv = 0;

	req = sfmovies__location_request__unpack(
	    NULL, payload->len, payload->data);
	if (req == NULL) {
		return handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "payload", "payload is not a valid LocationRequest");
	}
	if (rpc_parse_location_id(req->id, &id) != 0) {
		handler_fail(c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT, "id",
		    "id must be 16 hexadecimal digits, got \"%.64s\"", req->id);
		goto out;
	}
	if ((l = core_location_by_id(c->ds, id)) == NULL) {
		handler_fail(c, SFMOVIES__CODE__CODE_NOT_FOUND, "id",
		    "no location has id %s", req->id);
		goto out;
	}
	reply.location = &location;
	reply.film = &film;
	if ((rv = rpc_location_to_pb(
	         &c->arena, &films[l->film], l, &location)) != 0 ||
	    (rv = rpc_film_to_pb(&c->arena, &films[l->film], &film)) != 0) {
		goto out;
	}
	rv = handler_pack(c, &reply.base);
out:
	sfmovies__location_request__free_unpacked(req, NULL);
	return rv;
}

static int
handler_status(handler_call *c)
{
	Sfmovies__StatusReply reply = SFMOVIES__STATUS_REPLY__INIT;
	const rpc_handler_ctx *ctx = c->ctx;
	size_t n = 0;

	reply.node_id = (char *)ctx->node_id;
	reply.dataset_version = (char *)(ctx->snap ? ctx->snap->version : "");
	reply.uptime_ms = (uint64_t)(rpc_now_ms() - ctx->started_ms);
	reply.queries = atomic_load(&ctx->stats->queries);
	reply.errors = atomic_load(&ctx->stats->errors);
	if (c->ds != NULL) {
		core_dataset_films(c->ds, &n);
		reply.films = (uint32_t)n;
		core_dataset_locations(c->ds, &n);
		reply.locations = (uint32_t)n;
	}
	return handler_pack(c, &reply.base);
}

static int
handler_dispatch(handler_call *c, const Sfmovies__Request *req)
{
	if (req->method == SFMOVIES__METHOD__METHOD_STATUS) {
		return handler_status(c);
	}
	if (req->deadline_unix_ms != 0 &&
	    (uint64_t)rpc_now_ms() > req->deadline_unix_ms) {
		return handler_fail(c, SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED,
		    "",
		    "the deadline passed before the node started the request");
	}
	if (c->ds == NULL) {
		return handler_fail(c, SFMOVIES__CODE__CODE_UNAVAILABLE, "",
		    "this node has no dataset loaded yet");
	}
	switch (req->method) {
	case SFMOVIES__METHOD__METHOD_SEARCH:
		return handler_search(c, &req->payload);
	case SFMOVIES__METHOD__METHOD_COMPLETE:
		return handler_complete(c, &req->payload);
	case SFMOVIES__METHOD__METHOD_NEAREST:
		return handler_nearest(c, &req->payload);
	case SFMOVIES__METHOD__METHOD_BOX:
		return handler_box(c, &req->payload);
	case SFMOVIES__METHOD__METHOD_FILM:
		return handler_film(c, &req->payload);
	case SFMOVIES__METHOD__METHOD_LOCATION:
		return handler_location(c, &req->payload);
	default:
		return handler_fail(c, SFMOVIES__CODE__CODE_UNIMPLEMENTED,
		    "method", "unknown method %d", (int)req->method);
	}
}

static int
handler_encode(const handler_call *c, uint64_t request_id, core_buf *out)
{
	Sfmovies__Reply reply = SFMOVIES__REPLY__INIT;
	size_t len;
	int rv;

	reply.request_id = request_id;
	reply.code = c->reply.code;
	reply.message = (char *)c->reply.message;
	reply.argument = (char *)(c->reply.argument ? c->reply.argument : "");
	reply.payload.data = c->reply.payload;
	reply.payload.len = c->reply.len;
	reply.dataset_version =
	    (char *)(c->ctx->snap ? c->ctx->snap->version : "");
	reply.node_id = (char *)c->ctx->node_id;

	len = sfmovies__reply__get_packed_size(&reply);
	if ((rv = core_buf_reserve(out, len)) != 0) {
		return rv;
	}
	out->len +=
	    sfmovies__reply__pack(&reply, (uint8_t *)out->data + out->len);
	return 0;
}

int
rpc_handle(
    const rpc_handler_ctx *ctx, const uint8_t *req, size_t len, core_buf *out)
{
	Sfmovies__Request *msg;
	handler_call c;
	uint64_t request_id = 0;
	int rv;

	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.ds = ctx->snap != NULL ? ctx->snap->ds : NULL;
	atomic_fetch_add(&ctx->stats->queries, 1);

	if ((msg = sfmovies__request__unpack(NULL, len, req)) == NULL) {
		rv = handler_fail(&c, SFMOVIES__CODE__CODE_INVALID_ARGUMENT,
		    "request", "the message is not a valid Request envelope");
	} else {
		request_id = msg->request_id;
		rv = handler_dispatch(&c, msg);
		sfmovies__request__free_unpacked(msg, NULL);
	}
	if (rv == 0) {
		if (c.reply.code != SFMOVIES__CODE__CODE_OK) {
			atomic_fetch_add(&ctx->stats->errors, 1);
		}
		rv = handler_encode(&c, request_id, out);
	}
	core_arena_free(&c.arena);
	return rv;
}
