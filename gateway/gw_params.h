/*
 * Query parameters: collecting them from a request, validating them for an
 * endpoint, building the protobuf request for the node, and the canonical
 * form of the query that keys the response cache and the ETag.
 *
 * Every 400 answer of the gateway comes from here or from gw_jsonp_check:
 * it names the parameter and says what value is expected.
 *
 * Ownership: gw_args and gw_query point into the strings they were given
 * (the request's decoded URL, owned by libmicrohttpd for the request's
 * lifetime); they copy nothing except the location id and the key.
 * Thread-safety: pure functions of their arguments.
 */
#ifndef GW_PARAMS_H
#define GW_PARAMS_H

#include <stddef.h>

#include "gw_route.h"
#include "sfmovies.pb-c.h"

/* The parameters any endpoint reads; others are ignored. */
typedef enum gw_param {
	GW_P_Q,
	GW_P_YEAR_MIN,
	GW_P_YEAR_MAX,
	GW_P_DIRECTOR,
	GW_P_ACTOR,
	GW_P_NEIGHBORHOOD,
	GW_P_OFFSET,
	GW_P_LIMIT,
	GW_P_TERM,
	GW_P_LAT,
	GW_P_LNG,
	GW_P_RADIUS,
	GW_P_SOUTH,
	GW_P_WEST,
	GW_P_NORTH,
	GW_P_EAST,
	GW_P_BBOX,
	GW_P_CALLBACK,
	GW_P_COUNT
} gw_param;

/* Bounds of the values the gateway accepts. */
#define GW_TEXT_MAX           512 /* bytes of q, term, director, actor ... */
#define GW_YEAR_MIN           1800
#define GW_YEAR_MAX           2100
#define GW_OFFSET_MAX         10000
#define GW_SEARCH_LIMIT_DEF   20
#define GW_SEARCH_LIMIT_MAX   100
#define GW_COMPLETE_LIMIT_DEF 10
#define GW_COMPLETE_LIMIT_MAX 50
#define GW_NEAR_LIMIT_DEF     10
#define GW_NEAR_LIMIT_MAX     100
#define GW_NEAR_RADIUS_MAX    50000 /* metres */
#define GW_BOX_LIMIT_DEF      500
#define GW_BOX_LIMIT_MAX      1000
#define GW_FILM_ID_MAX        128
#define GW_LOCATION_ID_LEN    16
#define GW_KEY_MAX            8192 /* fits every valid query, see gw_params.c */

/* The first value of each known parameter, or NULL when absent. */
typedef struct gw_args {
	const char *v[GW_P_COUNT];
	size_t len[GW_P_COUNT]; /* decoded bytes; more than strlen with a NUL */
} gw_args;

/* An error answer: HTTP status, a snake_case code, the parameter at fault
 * (NULL when none) and a message that says what is expected. */
typedef struct gw_error {
	int status;
	const char *code;
	const char *parameter;
	char message[256];
} gw_error;

/* A validated query of one of the endpoints answered by a node. */
typedef struct gw_query {
	gw_endpoint ep;
	Sfmovies__Method method;
	union {
		Sfmovies__SearchRequest search;
		Sfmovies__CompleteRequest complete;
		Sfmovies__NearestRequest nearest;
		Sfmovies__BoxRequest box;
		Sfmovies__FilmRequest film;
		Sfmovies__LocationRequest location;
	} req;
	int bbox; /* the box came from bbox=, so errors name bbox */
	char id[GW_FILM_ID_MAX + 1];
	/* Canonical query: endpoint, then every parameter in a fixed order
	 * with defaults filled in and numbers in one spelling. */
	char key[GW_KEY_MAX];
	size_t keylen;
} gw_query;

/* Returns the parameter's name as it appears in URLs. */
const char *gw_param_name(gw_param p);

void gw_args_init(gw_args *a);

/* Records a decoded query argument. Unknown names are ignored, and the
 * first value of a repeated name wins. value may be NULL ("?q"). */
void gw_args_add(gw_args *a, const char *name, const char *value, size_t len);

/* Fills err; the message is formatted like printf. */
void gw_error_set(gw_error *err, int status, const char *code,
    const char *parameter, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Validates the arguments of a query endpoint (id is the path's id for
 * /movies, /locations and /scenes, else NULL) and fills q, including its
 * key. Returns 0, or CORE_EINVAL with a 400 in err.
 */
int gw_query_parse(gw_query *q, gw_endpoint ep, const char *id,
    const gw_args *a, gw_error *err);

/* Appends "&callback=NAME" to the key; name was checked by gw_jsonp_check.
 * Returns 0 or CORE_ETOOBIG. */
int gw_query_key_callback(gw_query *q, const char *name, size_t len);

/* Copies src to dst and points dst's request at dst's own id. */
void gw_query_copy(gw_query *dst, const gw_query *src);

/* Returns the protobuf request message of q. */
const ProtobufCMessage *gw_query_message(const gw_query *q);

/*
 * Returns the HTTP parameter for a request field that a node names in
 * Reply.argument ("radius_m" is radius, a box field is bbox when the box
 * came from bbox=), or NULL when the field matches no parameter.
 */
const char *gw_query_parameter(const gw_query *q, const char *field);

/* Returns 1 when s[0..len) is valid UTF-8 without NUL bytes. */
int gw_utf8_valid(const char *s, size_t len);

#endif
