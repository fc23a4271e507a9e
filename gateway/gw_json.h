/*
 * The gateway's JSON: encoders for the node's reply messages (Film,
 * Location, FilmHit, Suggestion and the replies that hold them) and for
 * error objects. Field names are snake_case; a value that is unknown (a
 * year or district of 0, an empty neighborhood or fun fact, the point of
 * a location without coordinates) is null.
 *
 * Every function appends to a buffer and returns 0 or CORE_ENOMEM, except
 * where it says otherwise. Thread-safety: pure functions of their
 * arguments; a buffer belongs to one thread.
 */
#ifndef GW_JSON_H
#define GW_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "core_buf.h"
#include "gw_params.h"
#include "sfmovies.pb-c.h"

/* Appends v in the shortest of %.15g and %.17g that reads back as v, or
 * null when v is not finite. */
int gw_json_double(core_buf *b, double v);

int gw_json_film(core_buf *b, const Sfmovies__Film *f);

/* Appends a location; with_distance adds distance_m (nearest queries). */
int gw_json_location(
    core_buf *b, const Sfmovies__Location *l, int with_distance);

int gw_json_film_hit(core_buf *b, const Sfmovies__FilmHit *h);

int gw_json_suggestion(core_buf *b, const Sfmovies__Suggestion *s);

int gw_json_search_reply(core_buf *b, const Sfmovies__SearchReply *r,
    const Sfmovies__SearchRequest *req);

int gw_json_complete_reply(core_buf *b, const Sfmovies__CompleteReply *r,
    const Sfmovies__CompleteRequest *req);

int gw_json_locations_reply(
    core_buf *b, const Sfmovies__LocationsReply *r, int with_distance);

int gw_json_film_reply(core_buf *b, const Sfmovies__FilmReply *r);

int gw_json_location_reply(core_buf *b, const Sfmovies__LocationReply *r);

/* Appends the fields of a node's status as one object. */
int gw_json_status_reply(core_buf *b, const Sfmovies__StatusReply *s);

/* Appends {"error":{"status":..,"code":..,"parameter":..,"message":..}},
 * without parameter when err names none. */
int gw_json_error(core_buf *b, const gw_error *err);

/*
 * Unpacks a node's reply payload to q's method and appends its JSON.
 * Returns 0, CORE_ESYNTAX when the payload does not unpack or lacks a
 * required message, or CORE_ENOMEM.
 */
int gw_json_reply(
    core_buf *b, const gw_query *q, const uint8_t *payload, size_t len);

#endif
