/*
 * The endpoints answered by the gateway itself: /healthz, /readyz,
 * /status, /metrics, /api, /openapi.yaml and the static files of the ui
 * folder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_json.h"
#include "gw_etag.h"
#include "gw_internal.h"
#include "gw_json.h"
#include "rpc_file.h"
#include "rpc_log.h"

#ifndef GW_VERSION
#define GW_VERSION "unknown"
#endif

enum MHD_Result
gw_serve_healthz(gw_http *h)
{
	static const char body[] = "{\"status\":\"ok\"}";

	if (h->callback == NULL) {
		return gw_finish(h, h->srv->healthz);
	}
	return gw_send_json(h, 200, body, sizeof(body) - 1, 0);
}

enum MHD_Result
gw_serve_readyz(gw_http *h)
{
	gw_health_view v;
	core_buf b = {0};
	enum MHD_Result ret;
	int rv;

	gw_health_get_view(h->srv->health, &v);
	rv = core_json_printf(&b,
	    "{\"ready\":%s,\"nodes\":%u,"
	    "\"dataset_version\":",
	    v.ready ? "true" : "false", v.nodes);
	if (rv == 0) {
		rv = v.version[0] != '\0' ? core_json_cstr(&b, v.version)
		                          : core_json_printf(&b, "null");
	}
	if (rv == 0) {
		rv = core_json_printf(&b, "}");
	}
	if (rv != 0) {
		core_buf_free(&b);
		gw_metrics_error(&h->srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	ret = gw_send_json(
	    h, v.ready ? 200 : 503, b.data, b.len, v.ready ? 0 : 1);
	core_buf_free(&b);
	return ret;
}

static int
gw_status_json(gw_server *srv, core_buf *b)
{
	gw_health_view v;
	int rv;

	gw_health_get_view(srv->health, &v);
	rv = core_json_printf(b,
	    "{\"ready\":%s,\"dataset_version\":", v.ready ? "true" : "false");
	if (rv == 0) {
		rv = v.version[0] != '\0' ? core_json_cstr(b, v.version)
		                          : core_json_printf(b, "null");
	}
	if (rv == 0) {
		rv = core_json_printf(b,
		    ",\"nodes_answering\":%u,\"nodes_configured\":%zu,"
		    "\"gateway\":{\"version\":\"%s\",\"uptime_ms\":%llu,"
		    "\"threads\":%u,\"rpc_timeout_ms\":%u},\"node\":",
		    v.nodes, srv->cfg.nnodes, GW_VERSION,
		    (unsigned long long)(gw_now_ms() - srv->start_ms),
		    srv->cfg.threads, srv->cfg.rpc_timeout_ms);
	}
	if (rv == 0 && !v.has_status) {
		rv = core_json_printf(b, "null}");
	} else if (rv == 0) {
		Sfmovies__StatusReply s = SFMOVIES__STATUS_REPLY__INIT;

		s.node_id = v.node_id;
		s.dataset_version = v.node_version;
		s.uptime_ms = v.node_uptime_ms;
		s.queries = v.node_queries;
		s.errors = v.node_errors;
		s.films = v.node_films;
		s.locations = v.node_locations;
		/* The node's object, with the age of the reply appended. */
		if ((rv = gw_json_status_reply(b, &s)) == 0) {
			b->len--;
			rv = core_json_printf(b, ",\"age_ms\":%llu}}",
			    (unsigned long long)v.status_age_ms);
		}
	}
	return rv;
}

enum MHD_Result
gw_serve_status(gw_http *h)
{
	core_buf b = {0};
	enum MHD_Result ret;

	if (gw_status_json(h->srv, &b) != 0) {
		core_buf_free(&b);
		gw_metrics_error(&h->srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	ret = gw_send_json(h, 200, b.data, b.len, 0);
	core_buf_free(&b);
	return ret;
}

enum MHD_Result
gw_serve_metrics(gw_http *h)
{
	gw_server *srv = h->srv;
	gw_health_view hv;
	gw_metrics_view v;
	gw_answer_spec spec = {
	    .status = 200,
	    .content_type = "text/plain; version=0.0.4; charset=utf-8",
	    .cache_control = GW_CACHE_NONE,
	    .compress = 1,
	};
	core_buf b = {0};
	gw_answer *a = NULL;
	enum MHD_Result ret;

	memset(&v, 0, sizeof(v));
	gw_health_get_view(srv->health, &hv);
	rpc_client_get_stats(srv->rpc, &v.rpc);
	gw_cache_get_stats(srv->cache, &v.cache);
	v.nodes = hv.nodes;
	v.version = hv.version;
	v.uptime_s = (double)(gw_now_ms() - srv->start_ms) / 1000;
	v.suspended = atomic_load(&srv->suspended);

	if (gw_metrics_render(&srv->metrics, &v, &b) != 0 ||
	    gw_answer_make(&a, &spec, b.data, b.len) != 0) {
		core_buf_free(&b);
		gw_metrics_error(&srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	core_buf_free(&b);
	ret = gw_finish(h, a);
	gw_answer_free(a);
	return ret;
}

enum MHD_Result
gw_serve_api(gw_http *h, int root)
{
	gw_server *srv = h->srv;

	if (h->callback == NULL) {
		return gw_finish(h, root ? srv->api_root : srv->api);
	}
	return gw_send_json(h, 200, srv->api_body.data, srv->api_body.len, 0);
}

static enum MHD_Result
gw_file_not_found(gw_http *h, const char *path)
{
	gw_error err;

	gw_error_set(&err, 404, "not_found", NULL,
	    "nothing at %.200s; GET /api lists the endpoints", path);
	return gw_fail(h, &err, GW_ERR_NOT_FOUND);
}

/* Reads a file into a new answer. */
static int
gw_file_answer(gw_http *h, const char *real, const char *etag, const char *vary,
    const char *cache_control, gw_answer **out)
{
	char etag_gzip[GW_ETAG_MAX];
	char err[256];
	char *data;
	size_t len;
	gw_answer_spec spec = {
	    .status = 200,
	    .content_type = gw_static_content_type(real),
	    .cache_control = cache_control,
	    .etag = etag,
	    .etag_gzip = etag_gzip,
	    .vary = vary,
	    .cors = 1,
	};
	int rv;

	if (rpc_file_read(real, GW_FILE_MAX, &data, &len, err, sizeof(err)) !=
	    0) {
		if (gw_log_allowed()) {
			rpc_log_error("static file unreadable", "err", err);
		}
		return CORE_ENOTFOUND;
	}
	gw_etag_gzip_of(etag_gzip, etag);
	spec.compress = gw_static_compressible(spec.content_type);
	rv = gw_answer_make(out, &spec, data, len);
	free(data);
	return rv;
}

/* Serves the file at real, whose status is st; key_path keys the cache. */
static enum MHD_Result
gw_serve_file(gw_http *h, const char *real, const struct stat *st,
    const char *key_path, const char *vary, const char *cache_control)
{
	gw_server *srv = h->srv;
	char etag[GW_ETAG_MAX];
	char etag_gzip[GW_ETAG_MAX];
	char key[GW_STATIC_PATH_MAX + GW_ETAG_MAX + 2];
	int keylen;
	gw_cache_entry *e;
	gw_answer *a;
	enum MHD_Result ret;
	int rv;

	gw_etag_file(etag, (uint64_t)st->st_dev, (uint64_t)st->st_ino,
	    (uint64_t)st->st_size,
	    (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec);
	gw_etag_gzip_of(etag_gzip, etag);
	keylen = snprintf(key, sizeof(key), "%s\n%s", key_path, etag);
	if (keylen < 0 || (size_t)keylen >= sizeof(key)) {
		return gw_file_not_found(h, key_path);
	}

	if ((e = gw_cache_get(srv->files, 1, key, (size_t)keylen)) != NULL) {
		ret = gw_finish(h, gw_cache_value(e));
		gw_cache_release(e);
		return ret;
	}
	if ((rv = gw_file_answer(h, real, etag, vary, cache_control, &a)) !=
	    0) {
		if (rv == CORE_ENOTFOUND) {
			gw_metrics_error(&srv->metrics, GW_ERR_FILE);
			return gw_file_not_found(h, key_path);
		}
		gw_metrics_error(&srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	if (gw_cache_put(srv->files, 1, key, (size_t)keylen, a, a->bytes + 2048,
	        &e) != 0) {
		gw_metrics_error(&srv->metrics, GW_ERR_NOMEM);
		return MHD_NO;
	}
	ret = gw_finish(h, gw_cache_value(e));
	gw_cache_release(e);
	return ret;
}

enum MHD_Result
gw_serve_openapi(gw_http *h)
{
	struct stat st;

	if (!h->srv->has_openapi || stat(h->srv->openapi, &st) != 0) {
		return gw_file_not_found(h, "/openapi.yaml");
	}
	return gw_serve_file(
	    h, h->srv->openapi, &st, "/openapi.yaml", NULL, GW_CACHE_STATIC);
}

enum MHD_Result
gw_serve_static(gw_http *h, const char *path, int root)
{
	char real[PATH_MAX];
	struct stat st;

	if (!h->srv->has_ui ||
	    gw_static_resolve(&h->srv->ui, path, real, sizeof(real), &st) !=
	        0) {
		return gw_file_not_found(h, path);
	}
	/* "/" is also the API description for JSON clients. */
	return gw_serve_file(h, real, &st, path,
	    root ? "Accept-Encoding, Accept" : NULL, GW_CACHE_STATIC);
}

/* Returns 1 when id[0..len) is "tt" and 1 to 12 digits, the form of an
 * IMDb id; nothing else can name a file, so ".." and "/" never reach the
 * file system. */
static int
gw_poster_id_valid(const char *id, size_t len)
{
	if (len < 3 || len > 14 || strncmp(id, "tt", 2) != 0) {
		return 0;
	}
	for (size_t i = 2; i < len; i++) {
		if (id[i] < '0' || id[i] > '9') {
			return 0;
		}
	}
	return 1;
}

enum MHD_Result
gw_serve_poster(gw_http *h, const char *id)
{
	size_t len = strlen(id);
	char path[PATH_MAX + 32];
	char key[64];
	struct stat st;
	gw_error err;

	if (len > 4 && strcmp(id + len - 4, ".jpg") == 0) {
		len -= 4;
	}
	if (!gw_poster_id_valid(id, len)) {
		gw_error_set(&err, 400, "invalid_argument", "imdb_id",
		    "imdb_id must be an IMDb id, tt and 1 to 12 digits, "
		    "optionally followed by .jpg");
		return gw_fail(h, &err, GW_ERR_INVALID_ARGUMENT);
	}
	snprintf(key, sizeof(key), "/posters/%.*s.jpg", (int)len, id);
	snprintf(path, sizeof(path), "%.*s%s", (int)h->srv->posters.rootlen,
	    h->srv->posters.root, key + 8);
	if (!h->srv->has_posters || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode)) {
		gw_error_set(&err, 404, "not_found", "imdb_id",
		    "no poster for %.*s", (int)len, id);
		return gw_fail(h, &err, GW_ERR_NOT_FOUND);
	}
	return gw_serve_file(h, path, &st, key, NULL, GW_CACHE_POSTER);
}
