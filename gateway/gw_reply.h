/*
 * Answers: finished HTTP responses, built once and queued any number of
 * times. libmicrohttpd reference-counts a response, so one object serves
 * every connection that gets the same bytes; only its creation allocates.
 *
 * An answer holds the identity response, the gzip one when the body is
 * large enough, and a 304 for each, all with the same headers: the media
 * type, Cache-Control, Vary: Accept-Encoding, CORS and, for 200, an ETag.
 *
 * Ownership: gw_answer_free destroys the answer's references to its
 * responses; a response still queued on a connection lives on until it is
 * sent. Thread-safety: an answer is read-only once made, so any thread may
 * queue it at once.
 */
#ifndef GW_REPLY_H
#define GW_REPLY_H

#include <microhttpd.h>
#include <stddef.h>

#include "core_buf.h"
#include "gw_etag.h"
#include "gw_params.h"

#define GW_CACHE_QUERY  "public, max-age=60"
#define GW_CACHE_STATIC "public, max-age=300"
/* A poster file is written once per IMDb id and never changed. */
#define GW_CACHE_POSTER "public, max-age=604800, immutable"
#define GW_CACHE_NONE   "no-store"

#define GW_TYPE_JSON  "application/json"
#define GW_TYPE_JSONP "application/javascript; charset=utf-8"

typedef struct gw_answer {
	int status;
	struct MHD_Response *plain;
	struct MHD_Response *gzip;      /* NULL: send plain to everyone */
	struct MHD_Response *plain_304; /* NULL without an ETag */
	struct MHD_Response *gzip_304;
	char etag[GW_ETAG_MAX]; /* "" without an ETag */
	char etag_gzip[GW_ETAG_MAX];
	size_t bytes; /* bodies, for the cache's budget */
} gw_answer;

/* What an answer carries besides its body. */
typedef struct gw_answer_spec {
	int status;
	const char *content_type;
	const char *cache_control;
	const char *etag;      /* NULL or "" for none */
	const char *etag_gzip; /* with etag */
	const char *vary;      /* NULL: "Accept-Encoding" */
	int compress;          /* make a gzip form when the body is large */
	int retry_after;       /* seconds, 0 for none */
	int cors;              /* Access-Control-Allow-Origin: * */
} gw_answer_spec;

/* Makes an answer from body[0..len), which is copied. Returns 0,
 * CORE_ENOMEM, or CORE_EINVAL when libmicrohttpd rejects a header. */
int gw_answer_make(
    gw_answer **out, const gw_answer_spec *spec, const char *body, size_t len);

/* Frees an answer; the signature fits gw_cache_free_fn. Accepts NULL. */
void gw_answer_free(void *answer);

/*
 * Queues the form of a that the request accepts: a 304 when inm (the
 * If-None-Match value, or NULL) matches either ETag, the gzip form when
 * gzip_ok, else the plain one. Stores the status sent in *status.
 */
enum MHD_Result gw_answer_queue(const gw_answer *a, struct MHD_Connection *conn,
    const char *inm, int gzip_ok, int *status);

/*
 * Makes the answer to an error: the JSON error object, wrapped for JSONP
 * when callback is not NULL, with Retry-After: 1 for a 503 and Allow for a
 * 405. cache_control says how long it may be reused.
 */
int gw_answer_error(gw_answer **out, const gw_error *err, const char *callback,
    size_t callback_len, const char *cache_control);

/* Makes a bodiless 304 response with ETag etag and the headers of a
 * query answer, for one use. Returns NULL when out of memory. */
struct MHD_Response *gw_reply_not_modified(
    const char *etag, const char *cache_control);

/* Makes the answer to a JSON body (wrapped for JSONP when callback is not
 * NULL): the spec's content type is set from callback. */
int gw_answer_json(gw_answer **out, gw_answer_spec *spec, const char *json,
    size_t len, const char *callback, size_t callback_len);

#endif
