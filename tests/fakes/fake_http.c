#include "fake_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A baseline JPEG of one grey pixel: quantization table of ones, Huffman
 * tables with one code each, and a scan of one block whose DC and AC
 * coefficients are zero. */
const unsigned char fake_jpeg[] = {
    0xff,
    0xd8,
    0xff,
    0xdb,
    0x00,
    0x43,
    0x00,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0x01,
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    0x00,
    0x01,
    0x00,
    0x01,
    0x01,
    0x01,
    0x11,
    0x00,
    0xff,
    0xc4,
    0x00,
    0x14,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0xff,
    0xc4,
    0x00,
    0x14,
    0x10,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0xff,
    0xda,
    0x00,
    0x08,
    0x01,
    0x01,
    0x00,
    0x00,
    0x3f,
    0x00,
    0x3f,
    0xff,
    0xd9,
};
const size_t fake_jpeg_len = sizeof(fake_jpeg);

typedef struct fake_rule {
	char path[64];
	char match[256];
	int status;
	char content_type[64];
	char *body;
	size_t len;
	unsigned times; /* 0: every request */
	unsigned used;
	unsigned hang_ms;
} fake_rule;

struct fake_http {
	struct MHD_Daemon *mhd;
	unsigned port;
	pthread_mutex_t mtx;
	fake_rule rules[FAKE_MAX_RULES];
	size_t nrules;
	fake_request log[FAKE_MAX_REQUESTS];
	size_t nlog;
	char etag[64]; /* "" unless fake_http_etag set one */
};

static int64_t
fake_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum MHD_Result
fake_collect(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	char *q = cls;
	size_t used = strlen(q);

	snprintf(q + used, 512 - used, "%s%s=%s", used ? "&" : "", key,
	    value != NULL ? value : "");
	return MHD_YES;
}

/* Picks the rule for a request and counts its use; copies it to *out. */
static int
fake_pick(fake_http *f, const char *path, const char *query, fake_rule *out)
{
	int found = 0;

	pthread_mutex_lock(&f->mtx);
	for (size_t i = 0; i < f->nrules && !found; i++) {
		fake_rule *r = &f->rules[i];

		if (strcmp(r->path, path) != 0 ||
		    (r->match[0] != '\0' && strstr(query, r->match) == NULL) ||
		    (r->times != 0 && r->used >= r->times)) {
			continue;
		}
		r->used++;
		*out = *r;
		found = 1;
	}
	pthread_mutex_unlock(&f->mtx);
	return found;
}

static void
fake_record(fake_http *f, const char *path, const char *query, int status)
{
	pthread_mutex_lock(&f->mtx);
	if (f->nlog < FAKE_MAX_REQUESTS) {
		fake_request *r = &f->log[f->nlog++];

		snprintf(r->path, sizeof(r->path), "%s", path);
		snprintf(r->query, sizeof(r->query), "%s", query);
		r->at_ms = fake_now_ms();
		r->status = status;
	}
	pthread_mutex_unlock(&f->mtx);
}

static enum MHD_Result
fake_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	static const char missing[] = "{\"error\":\"no rule\"}";
	fake_http *f = cls;
	struct MHD_Response *res;
	char query[512] = "";
	fake_rule rule;
	enum MHD_Result ret;
	int found, status = 404;

	MHD_get_connection_values(
	    conn, MHD_GET_ARGUMENT_KIND, fake_collect, query);
	if ((found = fake_pick(f, url, query, &rule)) != 0) {
		status = rule.status;
	}
	if (found && status == 200 && f->etag[0] != '\0') {
		const char *inm = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "If-None-Match");

		if (inm != NULL && strcmp(inm, f->etag) == 0) {
			status = 304;
			rule.len = 0;
		}
	}
	fake_record(f, url, query, status);
	if (!found) {
		res = MHD_create_response_from_buffer(sizeof(missing) - 1,
		    (void *)missing, MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(
		    res, "Content-Type", "application/json");
	} else {
		if (rule.hang_ms > 0) {
			struct timespec ts = {rule.hang_ms / 1000,
			    (long)(rule.hang_ms % 1000) * 1000000};

			nanosleep(&ts, NULL);
		}
		res = MHD_create_response_from_buffer(
		    rule.len, rule.body, MHD_RESPMEM_MUST_COPY);
		MHD_add_response_header(res, "Content-Type", rule.content_type);
		if (f->etag[0] != '\0' && (status == 200 || status == 304)) {
			MHD_add_response_header(res, "ETag", f->etag);
		}
		if (status == 429) {
			MHD_add_response_header(res, "Retry-After", "0");
		}
	}
	ret = MHD_queue_response(conn, (unsigned)status, res);
	MHD_destroy_response(res);
	return ret;
}

fake_http *
fake_http_start(void)
{
	fake_http *f = calloc(1, sizeof(*f));
	struct sockaddr_in a;
	const union MHD_DaemonInfo *info;

	if (f == NULL) {
		return NULL;
	}
	pthread_mutex_init(&f->mtx, NULL);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->mhd = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
	    NULL, NULL, fake_handle, f, MHD_OPTION_SOCK_ADDR, &a,
	    MHD_OPTION_END);
	if (f->mhd == NULL ||
	    (info = MHD_get_daemon_info(f->mhd, MHD_DAEMON_INFO_BIND_PORT)) ==
	        NULL) {
		fake_http_stop(f);
		return NULL;
	}
	f->port = info->port;
	return f;
}

void
fake_http_stop(fake_http *f)
{
	if (f == NULL) {
		return;
	}
	if (f->mhd != NULL) {
		MHD_stop_daemon(f->mhd);
	}
	for (size_t i = 0; i < f->nrules; i++) {
		free(f->rules[i].body);
	}
	pthread_mutex_destroy(&f->mtx);
	free(f);
}

void
fake_http_url(const fake_http *f, const char *path, char *out, size_t outlen)
{
	snprintf(out, outlen, "http://127.0.0.1:%u%s", f->port, path);
}

void
fake_http_rule(fake_http *f, const char *path, const char *match, int status,
    const char *content_type, const void *body, size_t len, unsigned times,
    unsigned hang_ms)
{
	fake_rule *r;

	pthread_mutex_lock(&f->mtx);
	if (f->nrules < FAKE_MAX_RULES) {
		r = &f->rules[f->nrules++];
		memset(r, 0, sizeof(*r));
		snprintf(r->path, sizeof(r->path), "%s", path);
		snprintf(r->match, sizeof(r->match), "%s", match ? match : "");
		snprintf(r->content_type, sizeof(r->content_type), "%s",
		    content_type);
		r->status = status;
		r->times = times;
		r->hang_ms = hang_ms;
		r->len = len;
		if ((r->body = malloc(len ? len : 1)) != NULL) {
			memcpy(r->body, body, len);
		}
	}
	pthread_mutex_unlock(&f->mtx);
}

void
fake_http_json(fake_http *f, const char *path, const char *match, int status,
    const char *json, unsigned times, unsigned hang_ms)
{
	fake_http_rule(f, path, match, status, "application/json", json,
	    strlen(json), times, hang_ms);
}

size_t
fake_http_count(fake_http *f, const char *path, const char *match)
{
	size_t n = 0;

	pthread_mutex_lock(&f->mtx);
	for (size_t i = 0; i < f->nlog; i++) {
		if ((path == NULL || strcmp(f->log[i].path, path) == 0) &&
		    (match == NULL || strstr(f->log[i].query, match) != NULL)) {
			n++;
		}
	}
	pthread_mutex_unlock(&f->mtx);
	return n;
}

size_t
fake_http_requests(fake_http *f, fake_request *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&f->mtx);
	n = f->nlog < max ? f->nlog : max;
	memcpy(out, f->log, n * sizeof(*out));
	pthread_mutex_unlock(&f->mtx);
	return n;
}

void
fake_http_etag(fake_http *f, const char *etag)
{
	pthread_mutex_lock(&f->mtx);
	snprintf(f->etag, sizeof(f->etag), "%s", etag);
	pthread_mutex_unlock(&f->mtx);
}
