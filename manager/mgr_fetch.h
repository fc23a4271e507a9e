/*
 * Fetching a dataset source: a local file, or an http(s) URL through
 * libcurl with timeouts, retries with backoff and a size cap.
 *
 * Thread-safety: call mgr_fetch_global_init once before threads start;
 * after that, any thread may fetch.
 */
#ifndef MGR_FETCH_H
#define MGR_FETCH_H

#include <stddef.h>

/* Initializes libcurl. Returns 0 or -1. */
int mgr_fetch_global_init(void);

/* Returns 1 when source is an http:// or https:// URL. */
int mgr_fetch_is_url(const char *source);

/* The validators of the last response from a URL, for a conditional GET. */
typedef struct mgr_fetch_validators {
	char etag[256];         /* "" when the server sent none */
	char last_modified[64]; /* likewise */
} mgr_fetch_validators;

/*
 * Like mgr_fetch, but for a URL sends If-None-Match and If-Modified-Since
 * from v (when set) and stores the new response's validators in v.
 * Returns 1, with no data, when the server answers 304 Not Modified.
 * Files are always read and leave v alone.
 */
int mgr_fetch_cond(const char *source, size_t max, mgr_fetch_validators *v,
    char **data, size_t *len, char *err, size_t errlen);

/*
 * Reads source (a file path or URL) into a new malloc'd, NUL-terminated
 * buffer of at most max bytes. URLs are tried up to 3 times with backoff
 * (1 s, then 2 s) on connection errors, timeouts and 5xx or 429 statuses.
 * Returns 0, or -1 with a message naming the source in err.
 */
int mgr_fetch(const char *source, size_t max, char **data, size_t *len,
    char *err, size_t errlen);

#endif
