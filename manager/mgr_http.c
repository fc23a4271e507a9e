#include "mgr_http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "rpc_log.h"

#define HTTP_DEFAULT_TIMEOUT_MS    10000
#define HTTP_DEFAULT_CONNECT_MS    5000
#define HTTP_DEFAULT_ATTEMPTS      3
#define HTTP_DEFAULT_BACKOFF_MS    1000
#define HTTP_DEFAULT_RETRY_AFTER_S 30
#define HTTP_DEFAULT_MAX_BYTES     (4u << 20)
#define HTTP_DEFAULT_USER_AGENT    "sfmovies/0.1"
#define HTTP_MASK                  "***"

struct mgr_http {
	mgr_http_config cfg;
	char *service;
	char *user_agent;
	char *secrets[MGR_HTTP_MAX_SECRETS];
	int64_t last_start_ms; /* monotonic; 0 before the first request */
	uint64_t requests;
};

typedef struct http_body {
	char *data;
	size_t len;
	size_t max;
	int too_big;
} http_body;

typedef struct http_headers {
	long retry_after_s; /* -1 when absent */
} http_headers;

static int64_t
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
http_sleep_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static char *
http_strdup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int
mgr_http_open(mgr_http **out, const mgr_http_config *cfg)
{
	mgr_http *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		return -1;
	}
	h->cfg = *cfg;
	h->service = strdup(cfg->service != NULL ? cfg->service : "http");
	h->user_agent =
	    strdup(cfg->user_agent != NULL ? cfg->user_agent
	                                   : HTTP_DEFAULT_USER_AGENT);
	for (int i = 0; i < MGR_HTTP_MAX_SECRETS; i++) {
		h->secrets[i] = http_strdup_or_null(cfg->secrets[i]);
		if (cfg->secrets[i] != NULL && h->secrets[i] == NULL) {
			mgr_http_close(h);
			return -1;
		}
	}
	if (h->service == NULL || h->user_agent == NULL) {
		mgr_http_close(h);
		return -1;
	}
	h->cfg.service = h->service;
	h->cfg.user_agent = h->user_agent;
	if (h->cfg.timeout_ms == 0) {
		h->cfg.timeout_ms = HTTP_DEFAULT_TIMEOUT_MS;
	}
	if (h->cfg.connect_timeout_ms == 0) {
		h->cfg.connect_timeout_ms = HTTP_DEFAULT_CONNECT_MS;
	}
	if (h->cfg.attempts == 0) {
		h->cfg.attempts = HTTP_DEFAULT_ATTEMPTS;
	}
	if (h->cfg.backoff_ms == 0) {
		h->cfg.backoff_ms = HTTP_DEFAULT_BACKOFF_MS;
	}
	if (h->cfg.max_retry_after_s == 0) {
		h->cfg.max_retry_after_s = HTTP_DEFAULT_RETRY_AFTER_S;
	}
	if (h->cfg.max_bytes == 0) {
		h->cfg.max_bytes = HTTP_DEFAULT_MAX_BYTES;
	}
	*out = h;
	return 0;
}

void
mgr_http_close(mgr_http *h)
{
	if (h == NULL) {
		return;
	}
	for (int i = 0; i < MGR_HTTP_MAX_SECRETS; i++) {
		free(h->secrets[i]);
	}
	free(h->service);
	free(h->user_agent);
	free(h);
}

void
mgr_http_response_free(mgr_http_response *res)
{
	free(res->body);
	memset(res, 0, sizeof(*res));
}

uint64_t
mgr_http_requests(const mgr_http *h)
{
	return h->requests;
}

/* Returns the length of the secret that starts at p, or 0. */
static size_t
http_secret_at(const mgr_http *h, const char *p)
{
	for (int i = 0; h != NULL && i < MGR_HTTP_MAX_SECRETS; i++) {
		const char *s = h->secrets[i];
		size_t n = s != NULL ? strlen(s) : 0;

		if (n > 0 && strncmp(p, s, n) == 0) {
			return n;
		}
	}
	return 0;
}

/* Returns 1 when p, just after '?' or '&', starts a key parameter. */
static int
http_key_param_at(const char *p, size_t *name_len)
{
	static const char *const names[] = {"key=", "apikey=", "api_key="};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (strncasecmp(p, names[i], n) == 0) {
			*name_len = n;
			return 1;
		}
	}
	return 0;
}

void
mgr_http_mask(const mgr_http *h, const char *text, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen == 0) {
		return;
	}
	for (const char *p = text; *p != '\0' && o + 1 < outlen;) {
		size_t name_len;
		size_t n;

		if ((n = http_secret_at(h, p)) > 0) {
			p += n;
			n = strlen(HTTP_MASK);
			if (o + n >= outlen) {
				break;
			}
			memcpy(out + o, HTTP_MASK, n);
			o += n;
			continue;
		}
		if ((p == text || p[-1] == '?' || p[-1] == '&') &&
		    http_key_param_at(p, &name_len)) {
			size_t value = strcspn(p + name_len, "&# \"'");

			if (o + name_len + strlen(HTTP_MASK) >= outlen) {
				break;
			}
			memcpy(out + o, p, name_len);
			o += name_len;
			memcpy(out + o, HTTP_MASK, strlen(HTTP_MASK));
			o += strlen(HTTP_MASK);
			p += name_len + value;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

static size_t
http_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	http_body *b = arg;
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

/* Reads Retry-After when it is a number of seconds. */
static size_t
http_header_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	http_headers *hd = arg;
	size_t n = size * nitems;
	static const char name[] = "retry-after:";

	if (n > sizeof(name) && strncasecmp(buf, name, sizeof(name) - 1) == 0) {
		const char *v = buf + sizeof(name) - 1;

		while (v < buf + n && (*v == ' ' || *v == '\t')) {
			v++;
		}
		if (v < buf + n && isdigit((unsigned char)*v)) {
			hd->retry_after_s = strtol(v, NULL, 10);
		}
	}
	return n;
}

/* Waits until the rate limit allows the next request to start. */
static void
http_pace(mgr_http *h)
{
	int64_t now = http_now_ms();
	int64_t due = h->last_start_ms + h->cfg.min_interval_ms;

	if (h->last_start_ms != 0 && now < due) {
		http_sleep_ms(due - now);
	}
	h->last_start_ms = http_now_ms();
	h->requests++;
}

static void
http_setup(mgr_http *h, CURL *curl, const char *url, http_body *b,
    http_headers *hd, char *curl_err)
{
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(
	    curl, CURLOPT_CONNECTTIMEOUT_MS, (long)h->cfg.connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)h->cfg.timeout_ms);
	curl_easy_setopt(
	    curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->cfg.max_bytes);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, h->cfg.user_agent);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, hd);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
}

/* Runs one attempt. Returns 0 with a final response, 1 for a failure
 * worth retrying, or -1 for one that is not. */
static int
http_attempt(mgr_http *h, const char *url, mgr_http_response *res,
    http_headers *hd, char *why, size_t whylen)
{
	http_body b = {NULL, 0, h->cfg.max_bytes, 0};
	char curl_err[CURL_ERROR_SIZE] = "";
	const char *ct = NULL;
	CURLcode rc;
	CURL *curl;

	if ((curl = curl_easy_init()) == NULL) {
		snprintf(why, whylen, "libcurl failed to start");
		return -1;
	}
	http_setup(h, curl, url, &b, hd, curl_err);
	http_pace(h);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res->status);
	if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct != NULL) {
		snprintf(
		    res->content_type, sizeof(res->content_type), "%s", ct);
	}
	curl_easy_cleanup(curl);

	if (b.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		free(b.data);
		snprintf(why, whylen, "the body is over the limit of %zu bytes",
		    h->cfg.max_bytes);
		return -1;
	}
	if (rc != CURLE_OK) {
		free(b.data);
		snprintf(why, whylen, "%s",
		    curl_err[0] ? curl_err : curl_easy_strerror(rc));
		return 1;
	}
	if (res->status == 429 || res->status >= 500) {
		free(b.data);
		snprintf(why, whylen, "HTTP status %ld", res->status);
		return 1;
	}
	if (b.data == NULL && (b.data = calloc(1, 1)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	res->body = b.data;
	res->len = b.len;
	return 0;
}

/* Returns how long to wait before retry number `retry` (1 for the first),
 * honouring a Retry-After up to the configured maximum. */
static int64_t
http_backoff_ms(const mgr_http *h, unsigned retry, const http_headers *hd)
{
	int64_t wait = (int64_t)h->cfg.backoff_ms << (retry - 1);
	int64_t after = (int64_t)hd->retry_after_s * 1000;

	if (hd->retry_after_s > (long)h->cfg.max_retry_after_s) {
		after = (int64_t)h->cfg.max_retry_after_s * 1000;
	}
	return after > wait ? after : wait;
}

int
mgr_http_get(mgr_http *h, const char *url, mgr_http_response *res, char *err,
    size_t errlen)
{
	char masked[1024];
	char why[CURL_ERROR_SIZE + 64] = "";
	char clean[sizeof(why)] = "";
	unsigned tried = 0;

	memset(res, 0, sizeof(*res));
	mgr_http_mask(h, url, masked, sizeof(masked));
	for (unsigned attempt = 1; attempt <= h->cfg.attempts; attempt++) {
		http_headers hd = {-1};
		char n[16];
		int rv;

		res->status = 0;
		res->content_type[0] = '\0';
		tried = attempt;
		if ((rv = http_attempt(h, url, res, &hd, why, sizeof(why))) ==
		    0) {
			return 0;
		}
		mgr_http_mask(h, why, clean, sizeof(clean));
		if (rv < 0 || attempt == h->cfg.attempts) {
			break;
		}
		snprintf(n, sizeof(n), "%u", attempt);
		rpc_log_warn("request failed, retrying", "service", h->service,
		    "url", masked, "attempt", n, "error", clean);
		http_sleep_ms(http_backoff_ms(h, attempt, &hd));
	}
	snprintf(err, errlen, "GET %s failed after %u attempt%s: %s", masked,
	    tried, tried == 1 ? "" : "s", clean);
	return -1;
}
