/*
 * Internals shared by gw_server.c (the daemon and the handler), gw_call.c
 * (queries answered by a node) and gw_pages.c (everything else).
 *
 * Locks and what they protect:
 * - gw_server.mtx: the list of suspended requests, each request's pending
 *   flag, stopping and answering. It is taken before libmicrohttpd's own
 *   locks (MHD_suspend_connection and MHD_resume_connection run under it)
 *   and never inside a libmicrohttpd callback that holds one.
 * - the caches and the health poller have their own locks (gw_cache.h,
 *   gw_health.h); the health lock may take the cache's (a version change
 *   purges the cache).
 * Everything else in gw_server is set before the daemon starts and only
 * read afterwards, or is atomic.
 */
#ifndef GW_INTERNAL_H
#define GW_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core_buf.h"
#include "gw_cache.h"
#include "gw_config.h"
#include "gw_health.h"
#include "gw_jsonp.h"
#include "gw_metrics.h"
#include "gw_params.h"
#include "gw_reply.h"
#include "gw_static.h"
#include "rpc_client.h"

/* Requests larger than these get the gateway's own JSON 414 and 431.
 * libmicrohttpd answers larger ones itself, see gw_server.c. */
#define GW_URL_MAX       8192        /* bytes of decoded path and arguments */
#define GW_HEADERS_MAX   16384       /* bytes of header names and values */
#define GW_MEMORY_LIMIT  32768       /* libmicrohttpd's per-connection pool */
#define GW_FILE_MAX      (16u << 20) /* static files served at most */
#define GW_FILES_CACHE   (16u << 20) /* bytes of static files cached */
#define GW_STOP_GRACE_MS 2000

typedef struct gw_request gw_request;

typedef struct gw_server {
	gw_config cfg;
	struct MHD_Daemon *mhd;
	rpc_client *rpc;
	gw_health *health;
	gw_cache *cache; /* query answers, by dataset version */
	gw_cache *files; /* static files and the OpenAPI document */
	gw_static ui;
	int has_ui;
	char openapi[PATH_MAX];
	int has_openapi;
	gw_static posters; /* the --posters folder */
	int has_posters;
	gw_metrics metrics;
	uint64_t start_ms;

	/* Shared answers, made at start and read-only afterwards. */
	struct MHD_Response *preflight;
	gw_answer *not_allowed;
	gw_answer *healthz;
	gw_answer *api;      /* /api */
	gw_answer *api_root; /* / for JSON clients: also Vary: Accept */
	core_buf api_body;   /* for JSONP wraps of /api */

	pthread_mutex_t mtx;
	pthread_cond_t cv;
	gw_request *pending; /* suspended, waiting for a node; mtx */
	int stopping;        /* mtx */
	unsigned answering;  /* callbacks between claim and resume; mtx */
	atomic_uint_fast64_t suspended;
	atomic_uint_fast64_t live; /* requests with a context */
} gw_server;

/* One request being handled, on the stack of the handler. */
typedef struct gw_http {
	gw_server *srv;
	struct MHD_Connection *conn;
	void **con_cls;
	gw_endpoint ep;
	uint64_t start_us;
	const char *callback; /* a checked JSONP callback, or NULL */
	size_t callback_len;
	const char *inm; /* If-None-Match, or NULL */
	int gzip_ok;
} gw_http;

/* A query waiting for a node: the connection's context from suspension
 * until libmicrohttpd reports the request completed. */
struct gw_request {
	atomic_uint refs; /* the connection's and the RPC callback's */
	gw_server *srv;
	struct MHD_Connection *conn;
	gw_request *prev; /* in srv->pending; srv->mtx */
	gw_request *next;
	int pending; /* in srv->pending; srv->mtx */
	uint64_t start_us;
	char callback[GW_CALLBACK_MAX + 1];
	size_t callback_len;
	/* Written by whoever claimed the request before it calls
	 * MHD_resume_connection and read by the handler after the resume;
	 * libmicrohttpd's resume lock orders the two. */
	gw_cache_entry *entry;
	gw_answer *answer; /* when not in an entry */
	gw_query q;        /* last: about 8 KiB */
};

uint64_t gw_now_us(void);

/* Queues a, counts the request and returns libmicrohttpd's result. */
enum MHD_Result gw_finish(gw_http *h, const gw_answer *a);

/* Queues the error answer of err (no-store) and counts kind. */
enum MHD_Result gw_fail(gw_http *h, const gw_error *err, gw_err_kind kind);

/* Queues a one-off JSON answer, wrapped when h has a callback. */
enum MHD_Result gw_send_json(
    gw_http *h, int status, const char *json, size_t len, int retry_after);

/* Logs an error at most 10 times a second across the gateway. */
int gw_log_allowed(void);

/* gw_call.c */
enum MHD_Result gw_serve_query(gw_http *h, const char *id, const gw_args *a);
void gw_request_release(gw_request *r);
enum MHD_Result gw_serve_resumed(
    gw_server *srv, struct MHD_Connection *conn, gw_request *r);
/* Answers every suspended request with 503 and stops new suspensions;
 * returns once no callback is between claim and resume. */
void gw_calls_shutdown(gw_server *srv);

/* gw_pages.c */
enum MHD_Result gw_serve_healthz(gw_http *h);
enum MHD_Result gw_serve_readyz(gw_http *h);
enum MHD_Result gw_serve_status(gw_http *h);
enum MHD_Result gw_serve_metrics(gw_http *h);
enum MHD_Result gw_serve_api(gw_http *h, int root);
enum MHD_Result gw_serve_openapi(gw_http *h);
enum MHD_Result gw_serve_static(gw_http *h, const char *path, int root);
enum MHD_Result gw_serve_poster(gw_http *h, const char *id);

#endif
