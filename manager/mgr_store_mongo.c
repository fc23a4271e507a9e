/*
 * The MongoDB backend of mgr_store, through mongo-c-driver:
 *
 *   versions   one document per version: _id (the version), created (Unix
 *              seconds), source, bytes and snapshot (BSON binary)
 *   meta       one document {_id: "current", version: <version>}
 *
 * in the database named by the URI's path (default sfmovies). put inserts
 * a whole version document, and only then may set_current switch the
 * current document with an upsert. Each step writes one document, which
 * MongoDB writes atomically, so no multi-document transaction is needed
 * (FerretDB 1.24, which the tests use, has none).
 *
 * Thread-safety: a mongoc_client_t is not thread-safe, so every call pops
 * a client from a mongoc_client_pool_t and pushes it back. A mutex
 * serializes set_current and its pruning.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mongoc/mongoc.h>

#include "mgr_store_backend.h"
#include "rpc_log.h"
#include "rpc_snapshot.h"

/* BSON documents are limited to 16 MiB; this leaves room for the fields
 * around the snapshot. */
#define MONGO_SNAPSHOT_MAX (15u << 20)

#define MONGO_DEFAULT_DB "sfmovies"

/* mongo-c-driver 1.23 waits by default 30 s to select a server, 10 s to
 * connect and 300 s on a socket. These values make a store fail within
 * seconds when the server is gone. A URI that sets an option keeps it. */
#define MONGO_SERVER_SELECTION_TIMEOUT_MS 2000
#define MONGO_CONNECT_TIMEOUT_MS          2000
#define MONGO_SOCKET_TIMEOUT_MS           5000

/* The duplicate key error code of MongoDB servers. */
#define MONGO_DUPLICATE_KEY 11000

typedef struct mongo_store {
	mgr_store base;
	mongoc_uri_t *uri;
	mongoc_client_pool_t *pool;
	const char *db;       /* owned by uri */
	char *where;          /* the URI with its password masked */
	char *password;       /* masked in every message; NULL if none */
	pthread_mutex_t lock; /* serializes set_current and pruning */
} mongo_store;

static const mgr_store_ops mongo_ops;

static pthread_once_t mongo_once = PTHREAD_ONCE_INIT;

/* Writes mongo-c-driver's own log lines (warnings about URI options, for
 * example) in logfmt; debug and trace lines are dropped. */
static void
mongo_log_handler(mongoc_log_level_t level, const char *domain,
    const char *message, void *data)
{
	switch (level) {
	case MONGOC_LOG_LEVEL_ERROR:
	case MONGOC_LOG_LEVEL_CRITICAL:
		rpc_log_error("mongo-c-driver error", "domain", domain,
		    "message", message);
		break;
	case MONGOC_LOG_LEVEL_WARNING:
		rpc_log_warn("mongo-c-driver warning", "domain", domain,
		    "message", message);
		break;
	case MONGOC_LOG_LEVEL_MESSAGE:
	case MONGOC_LOG_LEVEL_INFO:
		rpc_log_info("mongo-c-driver message", "domain", domain,
		    "message", message);
		break;
	default:
		break;
	}
}

/* mongoc_init must run once per process before any other call. */
static void
mongo_init_once(void)
{
	mongoc_init();
	mongoc_log_set_handler(mongo_log_handler, NULL);
}

/*
 * Finds the password in uri: the text between the first ':' of the
 * userinfo and the last '@' before the query. Taking the last '@' masks
 * too much rather than too little when a password contains an unescaped '@'
 * or '/'. Sets *len to 0 when there is no password.
 */
static void
mongo_find_password(const char *uri, size_t *off, size_t *len)
{
	const char *start = strstr(uri, "://");
	const char *end;
	const char *at = NULL;
	const char *colon;
	const char *p;

	*off = 0;
	*len = 0;
	if (start == NULL) {
		return;
	}
	start += 3;
	end = start + strcspn(start, "?");
	for (p = start; p < end; p++) {
		if (*p == '@') {
			at = p;
		}
	}
	if (at == NULL ||
	    (colon = memchr(start, ':', (size_t)(at - start))) == NULL) {
		return;
	}
	*off = (size_t)(colon + 1 - uri);
	*len = (size_t)(at - colon - 1);
}

/* Stores the password and the masked URI in ms. Returns 0 or -1. */
static int
mongo_keep_masked(mongo_store *ms, const char *uri)
{
	size_t off;
	size_t len;
	size_t n = strlen(uri);

	mongo_find_password(uri, &off, &len);
	if (len == 0) {
		ms->where = strdup(uri);
		return ms->where != NULL ? 0 : -1;
	}

	ms->password = strndup(uri + off, len);
	ms->where = malloc(n - len + 4);
	if (ms->password == NULL || ms->where == NULL) {
		return -1;
	}
	memcpy(ms->where, uri, off);
	memcpy(ms->where + off, "***", 3);
	memcpy(ms->where + off + 3, uri + off + len, n - off - len + 1);
	return 0;
}

/* Replaces every occurrence of the password in err by "***": some
 * mongo-c-driver messages quote the URI's password. */
static void
mongo_mask(const mongo_store *ms, char *err, size_t errlen)
{
	char *copy;
	char *p;
	char *hit;
	size_t plen;
	size_t used = 0;

	if (ms->password == NULL || strstr(err, ms->password) == NULL ||
	    (copy = strdup(err)) == NULL) {
		return;
	}
	plen = strlen(ms->password);
	err[0] = '\0';
	for (p = copy; (hit = strstr(p, ms->password)) != NULL;
	     p = hit + plen) {
		used += (size_t)snprintf(err + used,
		    used < errlen ? errlen - used : 0, "%.*s***",
		    (int)(hit - p), p);
		if (used >= errlen) {
			break;
		}
	}
	if (used < errlen) {
		snprintf(err + used, errlen - used, "%s", p);
	}
	free(copy);
}

/* Writes "what in WHERE: reason" into err, with the password masked. */
static void
mongo_fail(const mongo_store *ms, const char *what, const char *reason,
    char *err, size_t errlen)
{
	snprintf(err, errlen, "%s in %s: %s", what, ms->where, reason);
	mongo_mask(ms, err, errlen);
}

static void
mongo_set_default_timeouts(mongoc_uri_t *uri)
{
	static const struct {
		const char *option;
		int32_t ms;
	} defaults[] = {
	    {MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
	        MONGO_SERVER_SELECTION_TIMEOUT_MS},
	    {MONGOC_URI_CONNECTTIMEOUTMS, MONGO_CONNECT_TIMEOUT_MS},
	    {MONGOC_URI_SOCKETTIMEOUTMS, MONGO_SOCKET_TIMEOUT_MS},
	};
	size_t i;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if (!mongoc_uri_has_option(uri, defaults[i].option)) {
			mongoc_uri_set_option_as_int32(
			    uri, defaults[i].option, defaults[i].ms);
		}
	}
}

/* Runs ping, so that open fails within the server selection timeout when
 * the server is down. */
static int
mongo_ping(mongo_store *ms, char *err, size_t errlen)
{
	mongoc_client_t *client = mongoc_client_pool_pop(ms->pool);
	bson_t *cmd = BCON_NEW("ping", BCON_INT32(1));
	bson_error_t e;
	bool ok;

	ok = mongoc_client_command_simple(client, ms->db, cmd, NULL, NULL, &e);
	bson_destroy(cmd);
	mongoc_client_pool_push(ms->pool, client);
	if (!ok) {
		snprintf(err, errlen,
		    "cannot reach the MongoDB server of %s: %s; check that "
		    "the server runs and that the URI is right",
		    ms->where, e.message);
		mongo_mask(ms, err, errlen);
		return -1;
	}
	return 0;
}

static void
mongo_close(mgr_store *s)
{
	mongo_store *ms = (mongo_store *)s;

	if (ms->pool != NULL) {
		mongoc_client_pool_destroy(ms->pool);
	}
	mongoc_uri_destroy(ms->uri);
	pthread_mutex_destroy(&ms->lock);
	free(ms->where);
	free(ms->password);
	free(ms);
}

int
mgr_store_mongo_open(
    mgr_store **out, const char *uri, unsigned keep, char *err, size_t errlen)
{
	mongo_store *ms;
	bson_error_t e;

	pthread_once(&mongo_once, mongo_init_once);

	if ((ms = calloc(1, sizeof(*ms))) == NULL) {
		snprintf(
		    err, errlen, "cannot open a MongoDB store: out of memory");
		return -1;
	}
	ms->base.ops = &mongo_ops;
	ms->base.keep = keep;
	pthread_mutex_init(&ms->lock, NULL);
	if (mongo_keep_masked(ms, uri) != 0) {
		snprintf(
		    err, errlen, "cannot open a MongoDB store: out of memory");
		mongo_close(&ms->base);
		return -1;
	}

	if ((ms->uri = mongoc_uri_new_with_error(uri, &e)) == NULL) {
		snprintf(err, errlen, "invalid MongoDB URI %s: %s", ms->where,
		    e.message);
		mongo_mask(ms, err, errlen);
		mongo_close(&ms->base);
		return -1;
	}
	mongo_set_default_timeouts(ms->uri);
	ms->db = mongoc_uri_get_database(ms->uri);
	if (ms->db == NULL) {
		ms->db = MONGO_DEFAULT_DB;
	}

	if ((ms->pool = mongoc_client_pool_new_with_error(ms->uri, &e)) ==
	    NULL) {
		mongo_fail(
		    ms, "cannot open a client pool", e.message, err, errlen);
		mongo_close(&ms->base);
		return -1;
	}
	mongoc_client_pool_set_error_api(ms->pool, MONGOC_ERROR_API_VERSION_2);

	if (mongo_ping(ms, err, errlen) != 0) {
		mongo_close(&ms->base);
		return -1;
	}
	*out = &ms->base;
	return 0;
}

/*
 * Finds the document whose _id is id in coll. Returns 0 and a copy in *doc
 * that the caller destroys, 1 when there is none, or -1 with e set.
 */
static int
mongo_find_one(
    mongoc_collection_t *coll, const char *id, bson_t **doc, bson_error_t *e)
{
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(id));
	bson_t *opts = BCON_NEW("limit", BCON_INT64(1));
	mongoc_cursor_t *cursor;
	const bson_t *found;
	int rv = 1;

	cursor = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
	if (mongoc_cursor_next(cursor, &found)) {
		*doc = bson_copy(found);
		rv = 0;
	} else if (mongoc_cursor_error(cursor, e)) {
		rv = -1;
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(opts);
	bson_destroy(filter);
	return rv;
}

/*
 * Reads and verifies the snapshot of version. Returns 0, 1 when there is
 * no such version, or -1 with err set; a damaged document is reported
 * with its version.
 */
static int
mongo_load(const mongo_store *ms, mongoc_collection_t *versions,
    const char *version, uint8_t **snapshot, size_t *len, char *err,
    size_t errlen)
{
	const uint8_t *data = NULL;
	uint32_t data_len = 0;
	bson_subtype_t subtype;
	bson_error_t e;
	bson_iter_t it;
	bson_t *doc;
	char why[256];
	int rv;

	rv = mongo_find_one(versions, version, &doc, &e);
	if (rv != 0) {
		if (rv == 1) {
			snprintf(
			    why, sizeof(why), "version %s not found", version);
			mongo_fail(ms, "no such version", why, err, errlen);
		} else {
			mongo_fail(ms, "cannot read a version", e.message, err,
			    errlen);
		}
		return rv;
	}

	if (bson_iter_init_find(&it, doc, "snapshot") &&
	    BSON_ITER_HOLDS_BINARY(&it)) {
		bson_iter_binary(&it, &subtype, &data_len, &data);
	}
	if (data == NULL) {
		snprintf(why, sizeof(why),
		    "version %s has no snapshot field "
		    "of binary type",
		    version);
		rv = -1;
	} else if (mgr_store_verify(
	               data, data_len, version, why, sizeof(why)) != 0) {
		rv = -1;
	} else if ((*snapshot = malloc(data_len ? data_len : 1)) == NULL) {
		snprintf(why, sizeof(why), "out of memory");
		rv = -1;
	} else {
		memcpy(*snapshot, data, data_len);
		*len = data_len;
	}
	bson_destroy(doc);

	if (rv != 0) {
		snprintf(err, errlen,
		    "version %s in %s failed verification: %s; put version "
		    "%s again",
		    version, ms->where, why, version);
		mongo_mask(ms, err, errlen);
	}
	return rv;
}

static bool
mongo_is_duplicate_key(const bson_error_t *e)
{
	return e->domain == MONGOC_ERROR_SERVER &&
	    e->code == MONGO_DUPLICATE_KEY;
}

/* Handles a put of a version that is stored already: an intact document
 * stays, a damaged one is replaced by doc. */
static int
mongo_put_existing(const mongo_store *ms, mongoc_collection_t *versions,
    const char *version, const bson_t *doc, char *err, size_t errlen)
{
	bson_t *filter;
	bson_t *opts;
	uint8_t *stored;
	size_t stored_len;
	bson_error_t e;
	char why[512];
	bool ok;
	int rv;

	rv = mongo_load(
	    ms, versions, version, &stored, &stored_len, why, sizeof(why));
	if (rv == 0) {
		free(stored);
		return 0;
	}
	rpc_log_warn(
	    "replacing a stored version", "version", version, "reason", why);

	/* An upsert, in case the damaged document was deleted meanwhile. */
	filter = BCON_NEW("_id", BCON_UTF8(version));
	opts = BCON_NEW("upsert", BCON_BOOL(true));
	ok = mongoc_collection_replace_one(
	    versions, filter, doc, opts, NULL, &e);
	bson_destroy(opts);
	bson_destroy(filter);
	if (!ok) {
		mongo_fail(ms, "cannot replace a damaged version", e.message,
		    err, errlen);
		return -1;
	}
	return 0;
}

static int
mongo_put(mgr_store *s, const uint8_t *snapshot, size_t len,
    const rpc_snapshot_header *h, char *err, size_t errlen)
{
	mongo_store *ms = (mongo_store *)s;
	mongoc_collection_t *versions;
	mongoc_client_t *client;
	bson_error_t e;
	bson_t *doc;
	int rv = 0;

	if (len > MONGO_SNAPSHOT_MAX) {
		snprintf(err, errlen,
		    "snapshot %s is %zu bytes, over the limit of %u bytes "
		    "(15 MiB) of a MongoDB store, whose documents are "
		    "limited to 16 MiB; use a folder store",
		    h->version, len, MONGO_SNAPSHOT_MAX);
		return -1;
	}

	doc = bson_new();
	BSON_APPEND_UTF8(doc, "_id", h->version);
	BSON_APPEND_INT64(doc, "created", h->created_unix);
	BSON_APPEND_UTF8(doc, "source", h->source);
	BSON_APPEND_INT64(doc, "bytes", (int64_t)len);
	BSON_APPEND_BINARY(
	    doc, "snapshot", BSON_SUBTYPE_BINARY, snapshot, (uint32_t)len);

	client = mongoc_client_pool_pop(ms->pool);
	versions = mongoc_client_get_collection(client, ms->db, "versions");
	if (!mongoc_collection_insert_one(versions, doc, NULL, NULL, &e)) {
		if (mongo_is_duplicate_key(&e)) {
			rv = mongo_put_existing(
			    ms, versions, h->version, doc, err, errlen);
		} else {
			mongo_fail(ms, "cannot store a version", e.message, err,
			    errlen);
			rv = -1;
		}
	}
	mongoc_collection_destroy(versions);
	mongoc_client_pool_push(ms->pool, client);
	bson_destroy(doc);
	return rv;
}

/*
 * Reads the current version into current. Returns 0, 1 when there is
 * none, or -1 with err set.
 */
static int
mongo_read_current(const mongo_store *ms, mongoc_client_t *client,
    char current[17], char *err, size_t errlen)
{
	mongoc_collection_t *meta;
	const char *version = NULL;
	bson_error_t e;
	bson_iter_t it;
	bson_t *doc;
	int rv;

	meta = mongoc_client_get_collection(client, ms->db, "meta");
	rv = mongo_find_one(meta, "current", &doc, &e);
	mongoc_collection_destroy(meta);
	if (rv == 1) {
		return 1;
	}
	if (rv < 0) {
		mongo_fail(ms, "cannot read the current version", e.message,
		    err, errlen);
		return -1;
	}

	if (bson_iter_init_find(&it, doc, "version") &&
	    BSON_ITER_HOLDS_UTF8(&it)) {
		version = bson_iter_utf8(&it, NULL);
	}
	if (version == NULL || !mgr_store_version_valid(version)) {
		mongo_fail(ms, "invalid current version",
		    "the meta document \"current\" needs a field version "
		    "of 16 hexadecimal digits; set the current version again",
		    err, errlen);
		rv = -1;
	} else {
		memcpy(current, version, 17);
	}
	bson_destroy(doc);
	return rv;
}

/* Reads an integer field that may be stored as int32 or int64. */
static bool
mongo_get_int64(const bson_t *doc, const char *key, int64_t *out)
{
	bson_iter_t it;

	if (!bson_iter_init_find(&it, doc, key) ||
	    !(BSON_ITER_HOLDS_INT64(&it) || BSON_ITER_HOLDS_INT32(&it))) {
		return false;
	}
	*out = bson_iter_as_int64(&it);
	return true;
}

/* Fills info from a version document without its snapshot. Returns 0, or
 * -1 with the invalid field named in err. */
static int
mongo_info_from_doc(const mongo_store *ms, const bson_t *doc,
    mgr_version_info *info, char *err, size_t errlen)
{
	const char *version = NULL;
	const char *source = NULL;
	int64_t bytes = -1;
	bson_iter_t it;
	char why[128];

	memset(info, 0, sizeof(*info));
	if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_UTF8(&it)) {
		version = bson_iter_utf8(&it, NULL);
	}
	if (bson_iter_init_find(&it, doc, "source") &&
	    BSON_ITER_HOLDS_UTF8(&it)) {
		source = bson_iter_utf8(&it, NULL);
	}

	if (version == NULL || !mgr_store_version_valid(version)) {
		snprintf(why, sizeof(why),
		    "a version document has an _id "
		    "that is not a version");
	} else if (!mongo_get_int64(doc, "created", &info->created_unix)) {
		snprintf(why, sizeof(why),
		    "version %s has no integer field "
		    "created",
		    version);
	} else if (!mongo_get_int64(doc, "bytes", &bytes) || bytes < 0) {
		snprintf(why, sizeof(why),
		    "version %s has no integer field "
		    "bytes",
		    version);
	} else if (source == NULL) {
		snprintf(why, sizeof(why),
		    "version %s has no string field "
		    "source",
		    version);
	} else {
		memcpy(info->version, version, 17);
		snprintf(info->source, sizeof(info->source), "%s", source);
		info->bytes = (size_t)bytes;
		return 0;
	}
	mongo_fail(ms, "invalid version document", why, err, errlen);
	return -1;
}

/* Lists the version documents, without snapshots, newest first. */
static int
mongo_scan(const mongo_store *ms, mongoc_collection_t *versions,
    mgr_version_info **out, size_t *n, char *err, size_t errlen)
{
	bson_t *opts =
	    BCON_NEW("projection", "{", "snapshot", BCON_INT32(0), "}");
	bson_t *filter = bson_new();
	mongoc_cursor_t *cursor;
	mgr_version_info *v = NULL;
	size_t cap = 0;
	const bson_t *doc;
	bson_error_t e;
	int rv = 0;

	*n = 0;
	cursor = mongoc_collection_find_with_opts(versions, filter, opts, NULL);
	while (rv == 0 && mongoc_cursor_next(cursor, &doc)) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			mgr_version_info *p = realloc(v, ncap * sizeof(*v));

			if (p == NULL) {
				mongo_fail(ms, "cannot list versions",
				    "out of memory", err, errlen);
				rv = -1;
				break;
			}
			v = p;
			cap = ncap;
		}
		if ((rv = mongo_info_from_doc(ms, doc, &v[*n], err, errlen)) ==
		    0) {
			(*n)++;
		}
	}
	if (rv == 0 && mongoc_cursor_error(cursor, &e)) {
		mongo_fail(ms, "cannot list versions", e.message, err, errlen);
		rv = -1;
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(filter);
	bson_destroy(opts);

	if (rv != 0) {
		free(v);
		*n = 0;
		return -1;
	}
	mgr_store_sort(v, *n);
	*out = v;
	return 0;
}

/* Deletes the versions beyond keep except current. Logs each failure,
 * since set_current has switched the version already. */
static void
mongo_prune(mongo_store *ms, mongoc_collection_t *versions, const char *current)
{
	mgr_version_info *v = NULL;
	bson_t *filter;
	bson_error_t e;
	char err[512];
	size_t n;
	size_t i;

	if (mongo_scan(ms, versions, &v, &n, err, sizeof(err)) != 0) {
		rpc_log_error("cannot prune versions", "reason", err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!mgr_store_prunes(v, i, ms->base.keep, current)) {
			continue;
		}
		filter = BCON_NEW("_id", BCON_UTF8(v[i].version));
		if (!mongoc_collection_delete_one(
		        versions, filter, NULL, NULL, &e)) {
			mongo_fail(ms, "cannot delete an old version",
			    e.message, err, sizeof(err));
			rpc_log_error("cannot prune versions", "version",
			    v[i].version, "reason", err);
		} else {
			rpc_log_info("deleted an old version", "store",
			    ms->where, "version", v[i].version);
		}
		bson_destroy(filter);
	}
	free(v);
}

static int
mongo_switch_current(const mongo_store *ms, mongoc_client_t *client,
    const char *version, char *err, size_t errlen)
{
	mongoc_collection_t *meta;
	bson_t *selector = BCON_NEW("_id", BCON_UTF8("current"));
	bson_t *update =
	    BCON_NEW("$set", "{", "version", BCON_UTF8(version), "}");
	bson_t *opts = BCON_NEW("upsert", BCON_BOOL(true));
	bson_error_t e;
	bool ok;

	meta = mongoc_client_get_collection(client, ms->db, "meta");
	ok = mongoc_collection_update_one(
	    meta, selector, update, opts, NULL, &e);
	mongoc_collection_destroy(meta);
	bson_destroy(opts);
	bson_destroy(update);
	bson_destroy(selector);
	if (!ok) {
		mongo_fail(ms, "cannot set the current version", e.message, err,
		    errlen);
		return -1;
	}
	return 0;
}

static int
mongo_set_current(mgr_store *s, const char *version, char *err, size_t errlen)
{
	mongo_store *ms = (mongo_store *)s;
	mongoc_collection_t *versions;
	mongoc_client_t *client;
	uint8_t *snapshot;
	size_t len;
	char why[256];
	int rv;

	pthread_mutex_lock(&ms->lock);
	client = mongoc_client_pool_pop(ms->pool);
	versions = mongoc_client_get_collection(client, ms->db, "versions");

	/* Only an intact version may become current. */
	rv = mongo_load(ms, versions, version, &snapshot, &len, err, errlen);
	if (rv == 1) {
		snprintf(why, sizeof(why),
		    "version %s is not stored; put it first", version);
		mongo_fail(
		    ms, "cannot set the current version", why, err, errlen);
		rv = -1;
	}
	if (rv == 0) {
		free(snapshot);
		rv = mongo_switch_current(ms, client, version, err, errlen);
	}
	if (rv == 0) {
		mongo_prune(ms, versions, version);
	}

	mongoc_collection_destroy(versions);
	mongoc_client_pool_push(ms->pool, client);
	pthread_mutex_unlock(&ms->lock);
	return rv;
}

static int
mongo_get(mgr_store *s, const char *version, uint8_t **snapshot, size_t *len,
    char *err, size_t errlen)
{
	mongo_store *ms = (mongo_store *)s;
	mongoc_collection_t *versions;
	mongoc_client_t *client;
	char current[17];
	char why[128];
	int from_current = 0;
	int missing_current = 0;
	int rv = 0;

	client = mongoc_client_pool_pop(ms->pool);
	if (version == NULL) {
		rv = mongo_read_current(ms, client, current, err, errlen);
		version = current;
		from_current = 1;
	}
	if (rv == 0) {
		versions =
		    mongoc_client_get_collection(client, ms->db, "versions");
		rv = mongo_load(
		    ms, versions, version, snapshot, len, err, errlen);
		mongoc_collection_destroy(versions);
		missing_current = rv == 1 && from_current;
	}
	mongoc_client_pool_push(ms->pool, client);

	if (missing_current) {
		snprintf(why, sizeof(why),
		    "the current version %s is missing; set another "
		    "current version",
		    current);
		mongo_fail(ms, "damaged store", why, err, errlen);
		return -1;
	}
	return rv;
}

static int
mongo_list(
    mgr_store *s, mgr_version_info **out, size_t *n, char *err, size_t errlen)
{
	mongo_store *ms = (mongo_store *)s;
	mongoc_collection_t *versions;
	mongoc_client_t *client;
	mgr_version_info *v = NULL;
	char current[17];
	size_t i;
	int has_current;
	int rv;

	client = mongoc_client_pool_pop(ms->pool);
	has_current = mongo_read_current(ms, client, current, err, errlen);
	if (has_current < 0) {
		mongoc_client_pool_push(ms->pool, client);
		return -1;
	}
	versions = mongoc_client_get_collection(client, ms->db, "versions");
	rv = mongo_scan(ms, versions, &v, n, err, errlen);
	mongoc_collection_destroy(versions);
	mongoc_client_pool_push(ms->pool, client);
	if (rv != 0) {
		return -1;
	}

	for (i = 0; has_current == 0 && i < *n; i++) {
		v[i].current = strcmp(v[i].version, current) == 0;
	}
	*out = v;
	return 0;
}

static const mgr_store_ops mongo_ops = {
    .put = mongo_put,
    .set_current = mongo_set_current,
    .get = mongo_get,
    .list = mongo_list,
    .close = mongo_close,
};
