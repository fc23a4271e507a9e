/*
 * HTTP GET for the third-party services that enrich a dataset (geocoders,
 * OMDb, poster hosts): libcurl with a timeout, a rate limit, retries with
 * exponential backoff on timeouts, connection errors, 429 and 5xx, and a
 * size cap. Secrets (API keys) are masked in every message and log line
 * that this module writes.
 *
 * Ownership: a client owns copies of its configuration strings.
 * Thread-safety: one thread at a time per client; libcurl must be
 * initialized (mgr_fetch_global_init) before the first client opens.
 */
#ifndef MGR_HTTP_H
#define MGR_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define MGR_HTTP_MAX_SECRETS 2

typedef struct mgr_http_config {
	const char *service;         /* "google", "nominatim" ...: for logs */
	const char *user_agent;      /* NULL: "sfmovies/0.1" */
	unsigned timeout_ms;         /* whole request; 0: 10000 */
	unsigned connect_timeout_ms; /* 0: 5000 */
	unsigned min_interval_ms;    /* between request starts, retries too */
	unsigned attempts;           /* tries per request; 0: 3 */
	unsigned backoff_ms;         /* wait before the first retry, doubled
	                              * for each later one; 0: 1000 */
	unsigned max_retry_after_s;  /* longest Retry-After obeyed; 0: 30 */
	size_t max_bytes;            /* body size cap; 0: 4 MiB */
	const char *secrets[MGR_HTTP_MAX_SECRETS]; /* masked in messages */
} mgr_http_config;

typedef struct mgr_http mgr_http;

typedef struct mgr_http_response {
	long status;
	char *body; /* NUL-terminated; len excludes the NUL */
	size_t len;
	char content_type[128]; /* "" when the server sent none */
} mgr_http_response;

/* Opens a client. Returns 0 or -1 when out of memory. */
int mgr_http_open(mgr_http **out, const mgr_http_config *cfg);

/* Frees a client. Accepts NULL. */
void mgr_http_close(mgr_http *h);

/*
 * Gets url. Returns 0 with the final response in *res, whatever its status
 * (a 404 or a 200 with an error in the body is the caller's to read), or
 * -1 when every attempt failed with a timeout, a connection error, a 429
 * or a 5xx, or the body was over the size cap; err then says why, with
 * the URL masked. The caller frees res with mgr_http_response_free.
 */
int mgr_http_get(mgr_http *h, const char *url, mgr_http_response *res,
    char *err, size_t errlen);

void mgr_http_response_free(mgr_http_response *res);

/*
 * Copies text into out (of outlen bytes) with every secret of the client
 * replaced by "***", and the value of every query parameter named key,
 * apikey or api_key too, so that URLs can be logged.
 */
void mgr_http_mask(
    const mgr_http *h, const char *text, char *out, size_t outlen);

/* Returns the requests sent so far, retries included. */
uint64_t mgr_http_requests(const mgr_http *h);

#endif
