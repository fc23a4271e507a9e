/*
 * A fake of the third-party HTTP services (Google Geocoding, Nominatim,
 * OMDb, a poster host) for tests: a libmicrohttpd server on 127.0.0.1
 * that the test starts in its own process. The test adds rules that set
 * the responses, and the server counts and records every request.
 *
 * Thread-safety: rules are added before the requests they match; the
 * counters may be read at any time.
 */
#ifndef FAKE_HTTP_H
#define FAKE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_MAX_RULES    64
#define FAKE_MAX_REQUESTS 1024

typedef struct fake_request {
	char path[64];
	char query[512]; /* "name=value&..." with decoded values */
	int64_t at_ms;   /* monotonic clock */
	int status;      /* the response status */
} fake_request;

typedef struct fake_http fake_http;

/* Starts the server on a free loopback port. Returns NULL on failure. */
fake_http *fake_http_start(void);

/* Stops the server and frees it. Accepts NULL. */
void fake_http_stop(fake_http *f);

/* Writes http://127.0.0.1:PORT followed by path into out. */
void fake_http_url(
    const fake_http *f, const char *path, char *out, size_t outlen);

/*
 * Adds a rule: a request for path whose query (as fake_request.query
 * writes it) contains match (NULL or "" for any) gets a response with
 * status, content_type and body[0..len) after waiting hang_ms. A rule
 * applies to its first `times` requests, or to all when times is 0. The
 * first rule that applies sets the response, and requests that no rule
 * matches get 404.
 */
void fake_http_rule(fake_http *f, const char *path, const char *match,
    int status, const char *content_type, const void *body, size_t len,
    unsigned times, unsigned hang_ms);

/* Adds a rule with a JSON body given as a C string. */
void fake_http_json(fake_http *f, const char *path, const char *match,
    int status, const char *json, unsigned times, unsigned hang_ms);

/* Makes 200 responses carry ETag: etag, and answers a request whose
 * If-None-Match equals it with 304 and no body. */
void fake_http_etag(fake_http *f, const char *etag);

/* Returns the requests received for path (NULL for all) whose query
 * contains match (NULL for any). */
size_t fake_http_count(fake_http *f, const char *path, const char *match);

/* Copies up to max recorded requests into out; returns their count. */
size_t fake_http_requests(fake_http *f, fake_request *out, size_t max);

/* A small valid JPEG: one grey pixel, 141 bytes. */
extern const unsigned char fake_jpeg[];
extern const size_t fake_jpeg_len;

#endif
