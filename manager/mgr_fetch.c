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

/* Runs one attempt. Returns 0, 1 for a failure worth retrying, or -1. */
static int
fetch_attempt(const char *url, fetch_body *b, char *err, size_t errlen)
{
	CURL *curl;
	CURLcode rc;
	long status = 0;
	char curl_err[CURL_ERROR_SIZE] = "";

	if ((curl = curl_easy_init()) == NULL) {
		snprintf(err, errlen,
		    "cannot fetch %s: libcurl failed to start", url);
		return -1;
	}
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

static int
fetch_url(const char *url, size_t max, char **data, size_t *len, char *err,
    size_t errlen)
{
	for (int attempt = 1; attempt <= FETCH_ATTEMPTS; attempt++) {
		fetch_body b = {NULL, 0, max, 0};
		int rv = fetch_attempt(url, &b, err, errlen);

		if (rv == 0) {
			if (b.data == NULL && (b.data = calloc(1, 1)) == NULL) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			*data = b.data;
			*len = b.len;
			return 0;
		}
		free(b.data);
		if (rv < 0 || attempt == FETCH_ATTEMPTS) {
			break;
		}

		struct timespec backoff = {attempt, 0};
		char n[16];

		snprintf(n, sizeof(n), "%d", attempt);
		rpc_log_warn("fetch failed, retrying", "source", url, "attempt",
		    n, "error", err);
		nanosleep(&backoff, NULL);
	}
	return -1;
}

int
mgr_fetch(const char *source, size_t max, char **data, size_t *len, char *err,
    size_t errlen)
{
	if (mgr_fetch_is_url(source)) {
		return fetch_url(source, max, data, len, err, errlen);
	}
	return rpc_file_read(source, max, data, len, err, errlen);
}
