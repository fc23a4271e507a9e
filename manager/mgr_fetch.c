#include "mgr_fetch.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "rpc_file.h"
#include "rpc_log.h"

#define FETCH_ATTEMPTS        3
#define FETCH_CONNECT_TIMEOUT 10L  /* seconds */
#define FETCH_TOTAL_TIMEOUT   120L /* seconds */

typedef struct fetch_body {
	char *data;
	size_t len;
	size_t max;
	int too_big;
	mgr_fetch_validators seen; /* from this response's headers */
} fetch_body;

int
mgr_fetch_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int
mgr_fetch_is_url(const char *source)
{
	return strncasecmp(source, "http://", 7) == 0 ||
	    strncasecmp(source, "https://", 8) == 0;
}

static size_t
fetch_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	fetch_body *b = arg;
	size_t n = size * nmemb;
	char *p;

	if (b->len + n > b->max) {
		b->too_big = 1;
		return 0; /* makes libcurl fail the transfer */
	}
	if ((p = realloc(b->data, b->len + n + 1)) == NULL) {
		return 0;
	}
	memcpy(p + b->len, ptr, n);
	b->data = p;
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* Copies the value of header line `name: value` into dst when it is
 * that header. */
static void
fetch_header_value(
    const char *line, size_t n, const char *name, char *dst, size_t dstlen)
{
	size_t nl = strlen(name);
	size_t start, end;

	if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 ||
	    line[nl] != ':') {
		return;
	}
	for (start = nl + 1; start < n && line[start] == ' '; start++) {
	}
	for (end = n; end > start &&
	     (line[end - 1] == '\r' || line[end - 1] == '\n' ||
	         line[end - 1] == ' ');
	     end--) {
	}
	snprintf(dst, dstlen, "%.*s", (int)(end - start), line + start);
}

static size_t
fetch_header_cb(char *line, size_t size, size_t nmemb, void *arg)
{
	fetch_body *b = arg;
	size_t n = size * nmemb;

	fetch_header_value(line, n, "ETag", b->seen.etag, sizeof(b->seen.etag));
	fetch_header_value(line, n, "Last-Modified", b->seen.last_modified,
	    sizeof(b->seen.last_modified));
	return n;
}

/* Adds the conditional request headers for v; returns the list (or NULL). */
static struct curl_slist *
fetch_conditions(const mgr_fetch_validators *v)
{
	struct curl_slist *h = NULL;
	char line[320];

	if (v == NULL) {
		return NULL;
	}
	if (v->etag[0] != '\0') {
		snprintf(line, sizeof(line), "If-None-Match: %s", v->etag);
		h = curl_slist_append(h, line);
	}
	if (v->last_modified[0] != '\0') {
		snprintf(line, sizeof(line), "If-Modified-Since: %s",
		    v->last_modified);
		h = curl_slist_append(h, line);
	}
	return h;
}

/*
 * Runs one attempt. Returns 0, 2 for 304 Not Modified, 1 for a failure
 * worth retrying, or -1.
 */
static int
fetch_attempt(const char *url, const mgr_fetch_validators *v, fetch_body *b,
    char *err, size_t errlen)
{
	struct curl_slist *headers = fetch_conditions(v);
	CURL *curl;
	CURLcode rc;
	long status = 0;
	char curl_err[CURL_ERROR_SIZE] = "";

	if ((curl = curl_easy_init()) == NULL) {
		snprintf(err, errlen,
		    "cannot fetch %s: libcurl failed to start", url);
		curl_slist_free_all(headers);
		return -1;
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, fetch_header_cb);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, b);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, FETCH_TOTAL_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)b->max);
	curl_easy_setopt(
	    curl, CURLOPT_USERAGENT, "sfmovies/0.1 (dataset fetch)");
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, fetch_write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);

	if (rc == CURLE_OK && status == 304) {
		return 2;
	}
	if (b->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen,
		    "%s is larger than the limit of %zu bytes", url, b->max);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "cannot fetch %s: %s", url,
		    curl_err[0] ? curl_err : curl_easy_strerror(rc));
		return 1;
	}
	if (status != 200) {
		snprintf(err, errlen, "cannot fetch %s: HTTP status %ld", url,
		    status);
		return status >= 500 || status == 429 ? 1 : -1;
	}
	return 0;
}

static void
fetch_backoff(const char *url, int attempt, const char *err)
{
	struct timespec backoff = {attempt, 0};
	char n[16];

	snprintf(n, sizeof(n), "%d", attempt);
	rpc_log_warn("fetch failed, retrying", "source", url, "attempt", n,
	    "error", err);
	nanosleep(&backoff, NULL);
}

static int
fetch_url(const char *url, size_t max, mgr_fetch_validators *v, char **data,
    size_t *len, char *err, size_t errlen)
{
	for (int attempt = 1; attempt <= FETCH_ATTEMPTS; attempt++) {
		fetch_body b = {NULL, 0, max, 0, {"", ""}};
		int rv = fetch_attempt(url, v, &b, err, errlen);

		if (rv == 2) {
			free(b.data);
			return 1;
		}
		if (rv == 0) {
			if (b.data == NULL && (b.data = calloc(1, 1)) == NULL) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			if (v != NULL) {
				*v = b.seen;
			}
			*data = b.data;
			*len = b.len;
			return 0;
		}
		free(b.data);
		if (rv < 0 || attempt == FETCH_ATTEMPTS) {
			break;
		}
		fetch_backoff(url, attempt, err);
	}
	return -1;
}

int
mgr_fetch_cond(const char *source, size_t max, mgr_fetch_validators *v,
    char **data, size_t *len, char *err, size_t errlen)
{
	if (mgr_fetch_is_url(source)) {
		return fetch_url(source, max, v, data, len, err, errlen);
	}
	return rpc_file_read(source, max, data, len, err, errlen);
}

int
mgr_fetch(const char *source, size_t max, char **data, size_t *len, char *err,
    size_t errlen)
{
	return mgr_fetch_cond(source, max, NULL, data, len, err, errlen);
}
