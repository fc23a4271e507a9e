/*
 * Queries answered by a node: the cache lookup, the 304 shortcut, the
 * suspended RPC and its callback.
 *
 * Exactly one party answers a suspended request: the RPC callback, or
 * gw_calls_shutdown, or the handler when rpc_client_call fails. Each
 * claims the request by taking it off srv->pending under srv->mtx, so a
 * late callback finds it gone and only drops its reference. A claimer
 * builds the answer without the lock, then resumes the connection under
 * it; gw_calls_shutdown waits for claimers to finish before the daemon
 * stops.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "gw_etag.h"
#include "gw_gzip.h"
#include "gw_internal.h"
#include "gw_json.h"
#include "rpc_log.h"

/* libmicrohttpd objects and headers an answer adds to its bodies; an
 * estimate that keeps the cache's budget honest, not a measurement. */
#define GW_ANSWER_OVERHEAD 2048

void
gw_request_release(gw_request *r)
{
	if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) != 1) {
		return;
	}
	gw_cache_release(r->entry);
	gw_answer_free(r->answer);
	free(r);
}

/* Takes r off the pending list; returns 0 when another party has. */
static int
gw_request_claim(gw_request *r)
{
	gw_server *srv = r->srv;

	pthread_mutex_lock(&srv->mtx);
	if (!r->pending) {
		pthread_mutex_unlock(&srv->mtx);
		return 0;
	}
	if (r->prev != NULL) {
		r->prev->next = r->next;
	} else {
		srv->pending = r->next;
	}
	if (r->next != NULL) {
		r->next->prev = r->prev;
	}
	r->prev = r->next = NULL;
	r->pending = 0;
	srv->answering++;
	pthread_mutex_unlock(&srv->mtx);
	return 1;
}

static void
gw_request_resume(gw_request *r)
{
	gw_server *srv = r->srv;

	pthread_mutex_lock(&srv->mtx);
	MHD_resume_connection(r->conn);
	atomic_fetch_sub(&srv->suspended, 1);
	if (--srv->answering == 0) {
		pthread_cond_broadcast(&srv->cv);
	}
	pthread_mutex_unlock(&srv->mtx);
}

static void
gw_log_call(const char *msg, const gw_request *r, const rpc_result *res)
{
	char code[16];
	char query[160];

	if (!gw_log_allowed()) {
		return;
	}
	snprintf(code, sizeof(code), "%d", (int)res->code);
	snprintf(query, sizeof(query), "%.150s", r->q.key);
	rpc_log_warn(msg, "code", code, "node",
	    res->node_id != NULL ? res->node_id : "", "query", query, "err",
	    res->message != NULL ? res->message : "");
}

/* Maps a node's error to the gateway's; returns whether the answer is the
 * same for every request of this version, so it may be cached. */
static int
gw_map_error(
    gw_request *r, const rpc_result *res, gw_error *err, gw_err_kind *kind)
{
	const char *msg = res->message != NULL && *res->message != '\0'
	    ? res->message
	    : "the query node rejected the request";
	gw_server *srv = r->srv;

	switch (res->code) {
	case SFMOVIES__CODE__CODE_NOT_FOUND:
		*kind = GW_ERR_NOT_FOUND;
		gw_error_set(err, 404, "not_found", NULL, "no %s with id %s",
		    r->q.ep == GW_EP_MOVIE ? "film" : "location", r->q.id);
		return 1;
	case SFMOVIES__CODE__CODE_INVALID_ARGUMENT:
		*kind = GW_ERR_INVALID_ARGUMENT;
		gw_error_set(err, 400, "invalid_argument",
		    gw_query_parameter(&r->q, res->argument), "%s", msg);
		return 1;
	case SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED:
		*kind = GW_ERR_DEADLINE;
		gw_log_call("rpc deadline exceeded", r, res);
		gw_error_set(err, 503, "deadline_exceeded", NULL,
		    "no query node answered within %u ms; retry "
		    "shortly",
		    srv->cfg.rpc_timeout_ms);
		return 0;
	case SFMOVIES__CODE__CODE_UNAVAILABLE:
		*kind = GW_ERR_UNAVAILABLE;
		gw_log_call("no query node available", r, res);
		gw_error_set(err, 503, "unavailable", NULL,
		    "no query node is available; retry shortly");
		return 0;
	default:
		*kind = GW_ERR_NODE;
		gw_log_call("query node failed", r, res);
		gw_error_set(err, 502, "bad_gateway", NULL,
		    "the query node failed: %s", msg);
		return 0;
	}
}

/* Builds the 200 answer from a reply payload. */
static int
gw_build_ok(gw_request *r, const rpc_result *res, uint64_t version,
    gw_answer **out, gw_error *err, gw_err_kind *kind)
{
	char etag[GW_ETAG_MAX] = "";
	char etag_gzip[GW_ETAG_MAX] = "";
	gw_answer_spec spec = {
	    .status = 200,
	    .cache_control = GW_CACHE_QUERY,
	    .etag = etag,
	    .etag_gzip = etag_gzip,
	    .compress = 1,
	    .cors = 1,
	};
	core_buf body = {0};
	int rv;

	rv = gw_json_reply(&body, &r->q, res->payload, res->len);
	if (rv == CORE_ESYNTAX) {
		*kind = GW_ERR_BAD_REPLY;
		gw_log_call("reply payload does not unpack", r, res);
		gw_error_set(err, 502, "bad_gateway", NULL,
		    "the query node sent a reply that does not "
		    "unpack");
		core_buf_free(&body);
		return rv;
	}
	if (rv == 0 && version != 0) {
		gw_etag_make(etag, version, r->q.key, r->q.keylen, 0);
		gw_etag_make(etag_gzip, version, r->q.key, r->q.keylen, 1);
	}
	if (rv == 0) {
		rv = gw_answer_json(out, &spec, body.data, body.len,
		    r->callback_len > 0 ? r->callback : NULL, r->callback_len);
	}
	core_buf_free(&body);
	if (rv != 0) {
		*kind = GW_ERR_NOMEM;
		gw_error_set(err, 503, "unavailable", NULL,
		    "the gateway is out of memory; retry shortly");
	}
	return rv;
}

/* Builds r's answer from the reply and caches it when it may be. */
static void
gw_request_build(gw_request *r, const rpc_result *res)
{
	gw_server *srv = r->srv;
	uint64_t version = res->version != NULL && *res->version != '\0'
	    ? gw_health_version_hash(res->version)
	    : 0;
	gw_answer *a = NULL;
	gw_err_kind kind = GW_ERR_NODE;
	gw_error err;
	int cacheable = 0;

	if (res->code == SFMOVIES__CODE__CODE_OK) {
		cacheable = gw_build_ok(r, res, version, &a, &err, &kind) == 0;
	} else {
		cacheable = gw_map_error(r, res, &err, &kind);
	}
	if (a == NULL) {
		gw_metrics_error(&srv->metrics, kind);
		if (gw_answer_error(&a, &err,
		        r->callback_len > 0 ? r->callback : NULL,
		        r->callback_len,
		        cacheable ? GW_CACHE_QUERY : GW_CACHE_NONE) != 0) {
			gw_metrics_error(&srv->metrics, GW_ERR_NOMEM);
			return; /* the handler closes the connection */
		}
	}

	/* Only answers of the version being served are cached: an answer
	 * from a node still on another version is sent but not kept. */
	if (cacheable && version != 0 &&
	    version == gw_health_version(srv->health)) {
		gw_cache_put(srv->cache, version, r->q.key, r->q.keylen, a,
		    a->bytes + GW_ANSWER_OVERHEAD, &r->entry);
	} else {
		r->answer = a;
	}
}

static void
gw_on_reply(void *arg, const rpc_result *res)
{
	gw_request *r = arg;

	gw_health_note(r->srv->health, res->node_id, res->version);
	if (gw_request_claim(r)) {
		gw_request_build(r, res);
		gw_request_resume(r);
	}
	gw_request_release(r);
}

/* Answers a claimed request with err, as the callback would. */
static void
gw_request_fail(gw_request *r, const gw_error *err, gw_err_kind kind)
{
	gw_metrics_error(&r->srv->metrics, kind);
	gw_answer_error(&r->answer, err,
	    r->callback_len > 0 ? r->callback : NULL, r->callback_len,
	    GW_CACHE_NONE);
}

static enum MHD_Result
gw_start_call(gw_http *h, const gw_query *q)
{
	gw_server *srv = h->srv;
	gw_request *r = malloc(sizeof(*r));
	gw_error err;
	char code[16];
	int rv;

	if (r == NULL) {
		gw_metrics_error(&srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	memset(r, 0, offsetof(gw_request, q));
	gw_query_copy(&r->q, q);
	atomic_init(&r->refs, 2);
	r->srv = srv;
	r->conn = h->conn;
	r->start_us = h->start_us;
	if (h->callback != NULL) {
		memcpy(r->callback, h->callback, h->callback_len);
		r->callback[h->callback_len] = '\0';
		r->callback_len = h->callback_len;
	}
	*h->con_cls = r;
	atomic_fetch_add(&srv->live, 1);

	pthread_mutex_lock(&srv->mtx);
	if (srv->stopping) {
		pthread_mutex_unlock(&srv->mtx);
		gw_request_release(r); /* the callback's: there is no call */
		gw_error_set(&err, 503, "unavailable", NULL,
		    "the gateway is stopping; retry shortly");
		return gw_fail(h, &err, GW_ERR_SHUTDOWN);
	}
	MHD_suspend_connection(h->conn);
	atomic_fetch_add(&srv->suspended, 1);
	r->pending = 1;
	r->next = srv->pending;
	if (srv->pending != NULL) {
		srv->pending->prev = r;
	}
	srv->pending = r;
	pthread_mutex_unlock(&srv->mtx);

	rv = rpc_client_call(srv->rpc, r->q.method, gw_query_message(&r->q),
	    srv->cfg.rpc_timeout_ms, gw_on_reply, r);
	if (rv != 0) {
		if (gw_log_allowed()) {
			snprintf(code, sizeof(code), "%d", rv);
			rpc_log_error("rpc call failed to start", "err", code,
			    "query", r->q.key);
		}
		if (gw_request_claim(r)) {
			gw_error_set(&err, 503, "unavailable", NULL,
			    "no query node is available; retry "
			    "shortly");
			gw_request_fail(r, &err, GW_ERR_CALL);
			gw_request_resume(r);
		}
		gw_request_release(r);
	}
	return MHD_YES;
}

/* Answers 304 without a node when the client's tag is that of the version
 * being served. */
static enum MHD_Result
gw_not_modified(gw_http *h, uint64_t version, const gw_query *q, int *done)
{
	char etag[GW_ETAG_MAX];
	char etag_gzip[GW_ETAG_MAX];
	struct MHD_Response *resp;
	const char *match;
	enum MHD_Result ret;

	*done = 0;
	gw_etag_make(etag, version, q->key, q->keylen, 0);
	gw_etag_make(etag_gzip, version, q->key, q->keylen, 1);
	if (gw_etag_match(h->inm, etag)) {
		match = etag;
	} else if (gw_etag_match(h->inm, etag_gzip)) {
		match = etag_gzip;
	} else {
		return MHD_YES;
	}
	*done = 1;
	if ((resp = gw_reply_not_modified(match, GW_CACHE_QUERY)) == NULL) {
		gw_metrics_error(&h->srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	ret = MHD_queue_response(h->conn, MHD_HTTP_NOT_MODIFIED, resp);
	MHD_destroy_response(resp);
	gw_metrics_request(&h->srv->metrics, h->ep, MHD_HTTP_NOT_MODIFIED,
	    gw_now_us() - h->start_us);
	return ret;
}

enum MHD_Result
gw_serve_query(gw_http *h, const char *id, const gw_args *a)
{
	gw_server *srv = h->srv;
	gw_query q;
	gw_error err;
	gw_cache_entry *e;
	uint64_t version;
	enum MHD_Result ret;
	int done;

	if (gw_query_parse(&q, h->ep, id, a, &err) != 0) {
		return gw_fail(h, &err, GW_ERR_INVALID_ARGUMENT);
	}
	if (h->callback != NULL &&
	    gw_query_key_callback(&q, h->callback, h->callback_len) != 0) {
		gw_error_set(&err, 414, "uri_too_long", NULL,
		    "the query is too long to answer");
		return gw_fail(h, &err, GW_ERR_TOO_LARGE);
	}

	version = gw_health_version(srv->health);
	if (version != 0) {
		if ((e = gw_cache_get(srv->cache, version, q.key, q.keylen)) !=
		    NULL) {
			ret = gw_finish(h, gw_cache_value(e));
			gw_cache_release(e);
			return ret;
		}
		if (h->inm != NULL) {
			ret = gw_not_modified(h, version, &q, &done);
			if (done) {
				return ret;
			}
		}
	}
	return gw_start_call(h, &q);
}

enum MHD_Result
gw_serve_resumed(gw_server *srv, struct MHD_Connection *conn, gw_request *r)
{
	const gw_answer *a =
	    r->entry != NULL ? gw_cache_value(r->entry) : r->answer;
	gw_http h = {
	    .srv = srv,
	    .conn = conn,
	    .ep = r->q.ep,
	    .start_us = r->start_us,
	};

	if (a == NULL) {
		return MHD_NO; /* out of memory: close the connection */
	}
	h.inm = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	h.gzip_ok = gw_gzip_accepted(MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
	return gw_finish(&h, a);
}

void
gw_calls_shutdown(gw_server *srv)
{
	gw_error err;

	gw_error_set(&err, 503, "unavailable", NULL,
	    "the gateway is stopping; retry shortly");

	pthread_mutex_lock(&srv->mtx);
	srv->stopping = 1;
	while (srv->pending != NULL) {
		gw_request *r = srv->pending;

		srv->pending = r->next;
		if (r->next != NULL) {
			r->next->prev = NULL;
		}
		r->prev = r->next = NULL;
		r->pending = 0;
		gw_request_fail(r, &err, GW_ERR_SHUTDOWN);
		MHD_resume_connection(r->conn);
		atomic_fetch_sub(&srv->suspended, 1);
	}
	while (srv->answering > 0) {
		pthread_cond_wait(&srv->cv, &srv->mtx);
	}
	pthread_mutex_unlock(&srv->mtx);
}
