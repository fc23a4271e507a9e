/*
 * The daemon: start and stop, the access handler that routes each
 * request, and the helpers that queue answers.
 *
 * Request size limits. libmicrohttpd 0.9.75 keeps the request line and
 * headers in a per-connection pool of GW_MEMORY_LIMIT bytes, and answers
 * a request too large for it itself, with an HTML body that cannot be
 * changed. So the handler answers a JSON 414 when the decoded path and
 * arguments exceed GW_URL_MAX and a JSON 431 when the headers exceed
 * GW_HEADERS_MAX. Measured with curl against this gateway (32 KiB pool):
 * - requests up to about 32,100 bytes get the gateway's JSON answers;
 * - a request line of about 32,150 to 32,400 bytes, or headers of the
 *   same total, is closed with no answer, because no room is left in the
 *   pool for the response headers;
 * - a request line of about 32,425 to 32,600 bytes gets libmicrohttpd's
 *   431, because the line fits and the headers after it do not, then up
 *   to about 32,725 bytes no answer again;
 * - a longer request line gets libmicrohttpd's 414, and longer headers
 *   its 431.
 */
#include "gw_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core_err.h"
#include "gw_api.h"
#include "gw_etag.h"
#include "gw_gzip.h"
#include "gw_internal.h"
#include "gw_route.h"
#include "rpc_log.h"

#ifndef GW_SOURCE_UI_DIR
#define GW_SOURCE_UI_DIR ""
#endif
#ifndef GW_SOURCE_OPENAPI
#define GW_SOURCE_OPENAPI ""
#endif
#ifndef GW_INSTALL_UI_DIR
#define GW_INSTALL_UI_DIR "/usr/local/share/sfmovies/ui"
#endif
#ifndef GW_INSTALL_OPENAPI
#define GW_INSTALL_OPENAPI "/usr/local/share/sfmovies/openapi.yaml"
#endif

#define GW_LOG_PER_SECOND 10

uint64_t
gw_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static atomic_uint_fast64_t gw_log_second;
static atomic_uint_fast64_t gw_log_count;
static atomic_uint_fast64_t gw_log_dropped;

int
gw_log_allowed(void)
{
	uint64_t now = gw_now_ms() / 1000;
	uint64_t last = atomic_load(&gw_log_second);

	/* One thread per second wins the exchange, resets the count and
	 * reports what the previous second dropped. */
	if (now != last &&
	    atomic_compare_exchange_strong(&gw_log_second, &last, now)) {
		uint64_t dropped = atomic_exchange(&gw_log_dropped, 0);

		atomic_store(&gw_log_count, 0);
		if (dropped > 0) {
			char n[24];

			snprintf(
			    n, sizeof(n), "%llu", (unsigned long long)dropped);
			rpc_log_warn(
			    "log lines dropped by the rate limit", "count", n);
		}
	}
	if (atomic_fetch_add(&gw_log_count, 1) < GW_LOG_PER_SECOND) {
		return 1;
	}
	atomic_fetch_add(&gw_log_dropped, 1);
	return 0;
}

enum MHD_Result
gw_finish(gw_http *h, const gw_answer *a)
{
	int status;
	enum MHD_Result ret;

	ret = gw_answer_queue(a, h->conn, h->inm, h->gzip_ok, &status);
	gw_metrics_request(
	    &h->srv->metrics, h->ep, status, gw_now_us() - h->start_us);
	return ret;
}

/* Queues a one-off answer and drops the gateway's reference to it. */
static enum MHD_Result
gw_finish_once(gw_http *h, gw_answer *a)
{
	enum MHD_Result ret = gw_finish(h, a);

	gw_answer_free(a);
	return ret;
}

enum MHD_Result
gw_fail(gw_http *h, const gw_error *err, gw_err_kind kind)
{
	gw_answer *a;

	gw_metrics_error(&h->srv->metrics, kind);
	if (gw_answer_error(
	        &a, err, h->callback, h->callback_len, GW_CACHE_NONE) != 0) {
		gw_metrics_error(&h->srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	return gw_finish_once(h, a);
}

enum MHD_Result
gw_send_json(
    gw_http *h, int status, const char *json, size_t len, int retry_after)
{
	gw_answer_spec spec = {
	    .status = status,
	    .cache_control = GW_CACHE_NONE,
	    .retry_after = retry_after,
	    .cors = 1,
	};
	gw_answer *a;

	if (gw_answer_json(
	        &a, &spec, json, len, h->callback, h->callback_len) != 0) {
		gw_metrics_error(&h->srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	return gw_finish_once(h, a);
}

typedef struct gw_arg_walk {
	gw_args *args;
	size_t bytes;
} gw_arg_walk;

static enum MHD_Result
gw_collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	gw_arg_walk *w = cls;

	w->bytes += key_size + value_size + 2;
	gw_args_add(w->args, key, value, value_size);
	return MHD_YES;
}

static enum MHD_Result
gw_count_header(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	size_t *bytes = cls;

	*bytes += key_size + value_size + 4;
	return MHD_YES;
}

/* Answers 414 or 431 when the request is over the gateway's limits;
 * *done tells whether it did. */
static enum MHD_Result
gw_check_size(gw_http *h, const char *url, size_t arg_bytes, int *done)
{
	size_t header_bytes = 0;
	gw_error err;

	*done = 1;
	if (strlen(url) + arg_bytes > GW_URL_MAX) {
		gw_error_set(&err, 414, "uri_too_long", NULL,
		    "the path and query are over %d bytes; send a "
		    "shorter request",
		    GW_URL_MAX);
		return gw_fail(h, &err, GW_ERR_TOO_LARGE);
	}
	MHD_get_connection_values_n(
	    h->conn, MHD_HEADER_KIND, gw_count_header, &header_bytes);
	if (header_bytes > GW_HEADERS_MAX) {
		gw_error_set(&err, 431, "request_header_fields_too_large", NULL,
		    "the request headers are over %d bytes; send "
		    "fewer or shorter headers",
		    GW_HEADERS_MAX);
		return gw_fail(h, &err, GW_ERR_TOO_LARGE);
	}
	*done = 0;
	return MHD_YES;
}

/* Answers methods other than GET and HEAD. */
static enum MHD_Result
gw_other_method(gw_http *h, const char *method)
{
	enum MHD_Result ret;

	if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
		ret = MHD_queue_response(
		    h->conn, MHD_HTTP_NO_CONTENT, h->srv->preflight);
		gw_metrics_request(&h->srv->metrics, h->ep, MHD_HTTP_NO_CONTENT,
		    gw_now_us() - h->start_us);
		return ret;
	}
	gw_metrics_error(&h->srv->metrics, GW_ERR_METHOD);
	return gw_finish(h, h->srv->not_allowed);
}

/* Whether an endpoint answers JSON, so that callback applies to it. */
static int
gw_endpoint_json(gw_endpoint ep, const char *accept)
{
	switch (ep) {
	case GW_EP_METRICS:
	case GW_EP_OPENAPI:
	case GW_EP_POSTER:
	case GW_EP_STATIC:
		return 0;
	case GW_EP_ROOT:
		return accept != NULL && strstr(accept, "application/json");
	default:
		return 1;
	}
}

static enum MHD_Result
gw_route_request(gw_http *h, const char *url, const char *id, const gw_args *a,
    const char *accept)
{
	switch (h->ep) {
	case GW_EP_SEARCH:
	case GW_EP_COMPLETE:
	case GW_EP_NEAR:
	case GW_EP_BOX:
	case GW_EP_MOVIE:
	case GW_EP_LOCATION:
	case GW_EP_SCENE:
		return gw_serve_query(h, id, a);
	case GW_EP_STATUS:
		return gw_serve_status(h);
	case GW_EP_API:
		return gw_serve_api(h, 0);
	case GW_EP_ROOT:
		if (gw_endpoint_json(GW_EP_ROOT, accept)) {
			return gw_serve_api(h, 1);
		}
		return gw_serve_static(h, url, 1);
	case GW_EP_HEALTHZ:
		return gw_serve_healthz(h);
	case GW_EP_READYZ:
		return gw_serve_readyz(h);
	case GW_EP_METRICS:
		return gw_serve_metrics(h);
	case GW_EP_OPENAPI:
		return gw_serve_openapi(h);
	case GW_EP_POSTER:
		return gw_serve_poster(h, id);
	default:
		return gw_serve_static(h, url, 0);
	}
}

/* The context of a request between the handler's first and second call. */
static char gw_first_call;

static enum MHD_Result
gw_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	gw_server *srv = cls;
	gw_http h = {.srv = srv, .conn = conn, .con_cls = con_cls};
	gw_arg_walk walk;
	gw_args a;
	gw_error err;
	const char *id;
	const char *accept;
	enum MHD_Result ret;
	int done;

	/* libmicrohttpd 0.9.75 closes the connection after a response queued
	 * in the first call, before it knows the request has no body; the
	 * answer waits for the second call to keep the connection alive. */
	if (*con_cls == NULL) {
		*con_cls = &gw_first_call;
		return MHD_YES;
	}
	if (*con_cls != &gw_first_call) {
		return gw_serve_resumed(srv, conn, *con_cls);
	}
	h.start_us = gw_now_us();
	h.ep = gw_route(url, &id);

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		return gw_other_method(&h, method);
	}

	gw_args_init(&a);
	walk.args = &a;
	walk.bytes = 0;
	MHD_get_connection_values_n(
	    conn, MHD_GET_ARGUMENT_KIND, gw_collect_arg, &walk);
	ret = gw_check_size(&h, url, walk.bytes, &done);
	if (done) {
		return ret;
	}

	h.inm = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	h.gzip_ok = gw_gzip_accepted(MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	accept = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);

	if (gw_endpoint_json(h.ep, accept) && a.v[GW_P_CALLBACK] != NULL &&
	    a.len[GW_P_CALLBACK] > 0) {
		if (gw_jsonp_check(
		        a.v[GW_P_CALLBACK], a.len[GW_P_CALLBACK], &err) != 0) {
			return gw_fail(&h, &err, GW_ERR_INVALID_ARGUMENT);
		}
		h.callback = a.v[GW_P_CALLBACK];
		h.callback_len = a.len[GW_P_CALLBACK];
	}
	return gw_route_request(&h, url, id, &a, accept);
}

static void
gw_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	gw_server *srv = cls;
	gw_request *r = *con_cls;

	*con_cls = NULL;
	if (r == NULL || (void *)r == &gw_first_call) {
		return;
	}
	gw_request_release(r);
	atomic_fetch_sub(&srv->live, 1);
}

/* Writes libmicrohttpd's own error messages as log lines. */
static void
gw_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	if (!gw_log_allowed()) {
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
		msg[--n] = '\0';
	}
	rpc_log_warn("libmicrohttpd", "err", msg);
}

static int
gw_make_shared(gw_server *srv)
{
	static const char healthz[] = "{\"status\":\"ok\"}";
	gw_answer_spec spec = {
	    .status = 200,
	    .content_type = GW_TYPE_JSON,
	    .cache_control = GW_CACHE_NONE,
	    .cors = 1,
	};
	char etag[GW_ETAG_MAX];
	char etag_gzip[GW_ETAG_MAX];
	gw_error err;
	int rv;

	if ((rv = gw_answer_make(
	         &srv->healthz, &spec, healthz, sizeof(healthz) - 1)) != 0) {
		return rv;
	}

	gw_error_set(&err, 405, "method_not_allowed", NULL,
	    "only GET, HEAD and OPTIONS are allowed");
	if ((rv = gw_answer_error(
	         &srv->not_allowed, &err, NULL, 0, GW_CACHE_NONE)) != 0) {
		return rv;
	}

	if ((rv = gw_api_describe(&srv->api_body)) != 0) {
		return rv;
	}
	gw_etag_make(etag, 0, srv->api_body.data, srv->api_body.len, 0);
	gw_etag_make(etag_gzip, 0, srv->api_body.data, srv->api_body.len, 1);
	spec.cache_control = GW_CACHE_STATIC;
	spec.etag = etag;
	spec.etag_gzip = etag_gzip;
	spec.compress = 1;
	if ((rv = gw_answer_make(&srv->api, &spec, srv->api_body.data,
	         srv->api_body.len)) != 0) {
		return rv;
	}
	spec.vary = "Accept-Encoding, Accept";
	if ((rv = gw_answer_make(&srv->api_root, &spec, srv->api_body.data,
	         srv->api_body.len)) != 0) {
		return rv;
	}

	srv->preflight = MHD_create_response_from_buffer(
	    0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (srv->preflight == NULL ||
	    MHD_add_response_header(srv->preflight,
	        "Access-Control-Allow-Origin", "*") != MHD_YES ||
	    MHD_add_response_header(srv->preflight,
	        "Access-Control-Allow-Methods",
	        "GET, HEAD, OPTIONS") != MHD_YES ||
	    MHD_add_response_header(srv->preflight,
	        "Access-Control-Allow-Headers",
	        "Accept, Accept-Encoding, "
	        "If-None-Match, Content-Type, "
	        "X-Requested-With") != MHD_YES ||
	    MHD_add_response_header(
	        srv->preflight, "Access-Control-Max-Age", "86400") != MHD_YES ||
	    MHD_add_response_header(srv->preflight, MHD_HTTP_HEADER_ALLOW,
	        "GET, HEAD, OPTIONS") != MHD_YES) {
		return CORE_ENOMEM;
	}
	return 0;
}

static void
gw_free_shared(gw_server *srv)
{
	gw_answer_free(srv->healthz);
	gw_answer_free(srv->not_allowed);
	gw_answer_free(srv->api);
	gw_answer_free(srv->api_root);
	core_buf_free(&srv->api_body);
	if (srv->preflight != NULL) {
		MHD_destroy_response(srv->preflight);
	}
}

/* Finds the ui folder and the OpenAPI document: the flags when given (an
 * error if unusable), else the source tree's copies, else the installed
 * ones; a missing default only disables what it serves. */
static int
gw_find_files(gw_server *srv, char *err, size_t errlen)
{
	const gw_config *cfg = &srv->cfg;
	char why[PATH_MAX + 64];

	if (cfg->ui_dir != NULL) {
		if (gw_static_open(&srv->ui, cfg->ui_dir, why, sizeof(why)) !=
		    0) {
			snprintf(err, errlen, "--ui %s", why);
			return -1;
		}
		srv->has_ui = 1;
	} else if (gw_static_open(
	               &srv->ui, GW_SOURCE_UI_DIR, why, sizeof(why)) == 0 ||
	    gw_static_open(&srv->ui, GW_INSTALL_UI_DIR, why, sizeof(why)) ==
	        0) {
		srv->has_ui = 1;
	} else {
		rpc_log_warn("no ui folder; static files are not served",
		    "path", GW_INSTALL_UI_DIR);
	}

	if (cfg->posters != NULL) {
		if (gw_static_open(
		        &srv->posters, cfg->posters, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "--posters %s", why);
			return -1;
		}
		srv->has_posters = 1;
	}

	if (cfg->openapi != NULL) {
		if (access(cfg->openapi, R_OK) != 0) {
			snprintf(err, errlen, "--openapi %s: %s", cfg->openapi,
			    strerror(errno));
			return -1;
		}
		snprintf(
		    srv->openapi, sizeof(srv->openapi), "%s", cfg->openapi);
		srv->has_openapi = 1;
	} else if (access(GW_SOURCE_OPENAPI, R_OK) == 0 ||
	    access(GW_INSTALL_OPENAPI, R_OK) == 0) {
		snprintf(srv->openapi, sizeof(srv->openapi), "%s",
		    access(GW_SOURCE_OPENAPI, R_OK) == 0 ? GW_SOURCE_OPENAPI
		                                         : GW_INSTALL_OPENAPI);
		srv->has_openapi = 1;
	} else {
		rpc_log_warn("no OpenAPI document; /openapi.yaml returns 404",
		    "path", GW_INSTALL_OPENAPI);
	}
	return 0;
}

static void
gw_on_version(void *arg, uint64_t version, const char *name)
{
	gw_server *srv = arg;

	gw_cache_purge(srv->cache, version);
}

static int
gw_start_daemon(gw_server *srv, char *err, size_t errlen)
{
	const gw_config *cfg = &srv->cfg;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;

	if (cfg->addr.ss_family == AF_INET6) {
		flags |= MHD_USE_IPv6;
	}
	srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, gw_handle, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, gw_mhd_log, srv, MHD_OPTION_SOCK_ADDR,
	    (const struct sockaddr *)&cfg->addr, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)cfg->idle_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)cfg->max_per_ip, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)GW_MEMORY_LIMIT, MHD_OPTION_LISTEN_BACKLOG_SIZE,
	    (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, gw_completed, srv,
	    MHD_OPTION_END);
	if (srv->mhd == NULL) {
		snprintf(err, errlen,
		    "cannot serve HTTP on %s: the address is in use, not "
		    "local, or needs privileges",
		    cfg->listen);
		return -1;
	}
	return 0;
}

static void
gw_server_free(gw_server *srv)
{
	gw_free_shared(srv);
	gw_cache_close(srv->cache);
	gw_cache_close(srv->files);
	pthread_cond_destroy(&srv->cv);
	pthread_mutex_destroy(&srv->mtx);
	free(srv);
}

int
gw_server_start(gw_server **out, const gw_config *cfg, char *err, size_t errlen)
{
	gw_server *srv = calloc(1, sizeof(*srv));
	rpc_client_config rc;
	unsigned probes;
	int rv;

	if (srv == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	srv->cfg = *cfg;
	srv->start_ms = gw_now_ms();
	gw_metrics_init(&srv->metrics);
	pthread_mutex_init(&srv->mtx, NULL);
	pthread_cond_init(&srv->cv, NULL);

	if (gw_find_files(srv, err, errlen) != 0) {
		gw_server_free(srv);
		return -1;
	}
	if (gw_cache_open(&srv->cache, cfg->cache_mb << 20, gw_answer_free) !=
	        0 ||
	    gw_cache_open(&srv->files, GW_FILES_CACHE, gw_answer_free) != 0 ||
	    gw_make_shared(srv) != 0) {
		snprintf(err, errlen, "out of memory");
		gw_server_free(srv);
		return -1;
	}

	memset(&rc, 0, sizeof(rc));
	rc.urls = srv->cfg.nodes;
	rc.nurls = cfg->nnodes;
	rc.timeout_ms = cfg->rpc_timeout_ms;
	if ((rv = rpc_client_open(&srv->rpc, &rc)) != 0) {
		snprintf(
		    err, errlen, "cannot open the RPC client: error %d", rv);
		gw_server_free(srv);
		return -1;
	}
	probes = (unsigned)(2 * cfg->nnodes);
	if ((rv = gw_health_start(&srv->health, srv->rpc, cfg->rpc_timeout_ms,
	         probes, gw_on_version, srv)) != 0) {
		snprintf(err, errlen, "cannot start the health poller: %s",
		    strerror(rv));
		rpc_client_close(srv->rpc);
		gw_server_free(srv);
		return -1;
	}
	if (gw_start_daemon(srv, err, errlen) != 0) {
		gw_health_stop(srv->health);
		rpc_client_close(srv->rpc);
		gw_health_free(srv->health);
		gw_server_free(srv);
		return -1;
	}
	*out = srv;
	return 0;
}

unsigned
gw_server_port(gw_server *s)
{
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);

	return info != NULL ? info->port : 0;
}

void
gw_server_stop(gw_server *srv)
{
	MHD_socket lsock = MHD_quiesce_daemon(srv->mhd);
	uint64_t deadline = gw_now_ms() + GW_STOP_GRACE_MS;

	gw_calls_shutdown(srv);

	/* The resumed connections send their 503 from the daemon's threads;
	 * give them a bounded time before the daemon closes everything. */
	while (atomic_load(&srv->live) > 0 && gw_now_ms() < deadline) {
		struct timespec ts = {0, 10 * 1000000};

		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(srv->mhd);
	if (lsock != MHD_INVALID_SOCKET) {
		close(lsock);
	}

	/* The health thread stops first so that it starts no more calls;
	 * rpc_client_close then waits for every callback, which may still
	 * note answers in the health table and store into the cache, so
	 * both are freed last. */
	gw_health_stop(srv->health);
	rpc_client_close(srv->rpc);
	gw_health_free(srv->health);
	gw_server_free(srv);
}
