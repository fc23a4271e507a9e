/*
 * Locking: mtx protects the current version (bytes, version string, row
 * count) and the refresher's flags; refresh_mtx serializes whole refreshes
 * and rollbacks, which take seconds, so that mtx is never held across
 * network or disk work.
 */
#include "mgr_manager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "core_map.h"
#include "mgr_control.h"
#include "mgr_fetch.h"
#include "mgr_publish.h"
#include "mgr_socrata.h"
#include "mgr_store.h"
#include "rpc_file.h"
#include "rpc_handler.h"
#include "rpc_log.h"
#include "rpc_snapshot.h"

/* An announcement goes out again at most this often while a node is
 * behind, so a node that cannot load a version is not flooded. */
#define MANAGER_REANNOUNCE_MS 1000

/* After an announcement the surveys run back to back for this long. */
#define MANAGER_HURRY_MS 3000

struct mgr_manager {
	mgr_config cfg;
	mgr_store *store;
	mgr_publish *pub;
	mgr_survey *survey;
	mgr_control *control;
	nng_thread *refresher;
	nng_mtx *mtx;
	nng_cv *cv;
	nng_mtx *refresh_mtx;
	uint8_t *current; /* encoded snapshot of the current version */
	size_t current_len;
	char version[17];
	size_t current_rows;    /* rows accepted by its import */
	size_t current_located; /* its locations with a point */
	int64_t last_announce_ms;
	int stopping;
	mgr_fetch_validators validators; /* of cfg.source; refresh_mtx */
};

/* Replaces the current version; takes ownership of snap. */
static void
manager_set_current(mgr_manager *m, uint8_t *snap, size_t len,
    const char *version, const core_import_stats *st)
{
	uint8_t *old;

	nng_mtx_lock(m->mtx);
	old = m->current;
	m->current = snap;
	m->current_len = len;
	m->current_rows = st->rows_read - st->rows_rejected;
	m->current_located = st->located;
	snprintf(m->version, sizeof(m->version), "%s", version);
	nng_mtx_unlock(m->mtx);

	free(old);
}

/* Announces the current version to every node. */
static void
manager_announce(mgr_manager *m)
{
	nng_mtx_lock(m->mtx);
	if (m->current != NULL) {
		mgr_publish_announce(
		    m->pub, m->version, m->current, m->current_len);
		m->last_announce_ms = rpc_now_ms();
	}
	nng_mtx_unlock(m->mtx);
	if (m->survey != NULL) {
		mgr_survey_hurry(m->survey, MANAGER_HURRY_MS);
	}
}

/* Copies the current snapshot to cfg.current_path for local nodes. */
static void
manager_write_current(mgr_manager *m, const uint8_t *snap, size_t len)
{
	char err[512];

	if (m->cfg.current_path == NULL) {
		return;
	}
	if (rpc_snapshot_write_file(
	        m->cfg.current_path, snap, len, err, sizeof(err)) != 0) {
		rpc_log_error("cannot write current snapshot", "path",
		    m->cfg.current_path, "error", err);
	}
}

/* Stores the import statistics of a snapshot in st (zero when it does
 * not decode). */
static void
manager_stats(const uint8_t *snap, size_t len, core_import_stats *st)
{
	rpc_snapshot *s;
	char err[256];

	memset(st, 0, sizeof(*st));
	if (rpc_snapshot_decode(snap, len, &s, err, sizeof(err)) != 0) {
		return;
	}
	*st = s->stats;
	rpc_snapshot_release(s);
}

/* Called after every survey round: nodes that are up but serve another
 * version get the current one again, at most once per
 * MANAGER_REANNOUNCE_MS so that nodes still loading it are left alone. */
static void
manager_survey_round(void *arg)
{
	mgr_manager *m = arg;
	mgr_node_state nodes[MGR_SURVEY_MAX_NODES];
	size_t n = mgr_survey_nodes(m->survey, nodes, MGR_SURVEY_MAX_NODES);
	char version[17];
	int64_t since;

	mgr_manager_current(m, version);
	nng_mtx_lock(m->mtx);
	since = rpc_now_ms() - m->last_announce_ms;
	nng_mtx_unlock(m->mtx);
	if (version[0] == '\0' || since < MANAGER_REANNOUNCE_MS) {
		return;
	}

	for (size_t i = 0; i < n; i++) {
		if (nodes[i].up && strcmp(nodes[i].version, version) != 0) {
			rpc_log_info("node behind, announcing again", "node",
			    nodes[i].node_id, "has", nodes[i].version,
			    "current", version);
			manager_announce(m);
			return;
		}
	}
}

/*
 * Checks a candidate against the publishing rules: the Locations column is
 * present, the accepted rows are at least half the current version's, and
 * it has coordinates when the current version has.
 * Returns 0, or -1 with the reason in res->message.
 */
static int
manager_validate(mgr_manager *m, mgr_refresh_result *res)
{
	const core_import_stats *st = &res->stats;
	size_t rows = st->rows_read - st->rows_rejected;
	size_t current, located;

	nng_mtx_lock(m->mtx);
	current = m->current_rows;
	located = m->current_located;
	nng_mtx_unlock(m->mtx);

	if (strstr(st->missing_columns, "Locations") != NULL) {
		snprintf(res->message, sizeof(res->message),
		    "the source has no Locations column");
		return -1;
	}
	if (rows * 2 < current) {
		snprintf(res->message, sizeof(res->message),
		    "the source has %zu accepted rows, under half of the "
		    "current "
		    "version's %zu; reload with --force to publish it anyway",
		    rows, current);
		return -1;
	}

	/* An older export without coordinates would empty the map. */
	if (st->located == 0 && located > 0) {
		snprintf(res->message, sizeof(res->message),
		    "the source has no coordinates, and the current version "
		    "has "
		    "%zu located locations; reload with --force to publish it "
		    "anyway",
		    located);
		return -1;
	}
	return 0;
}

/* Builds the enrichment of ds into *out (NULL when there is none or the
 * manager has no enrichment configured). Returns 0, or -1 with
 * res->message set. */
static int
manager_enrich(mgr_manager *m, const core_dataset *ds, uint8_t **out,
    size_t *len, mgr_refresh_result *res)
{
	mgr_enrich_summary sum;
	char err[512];

	*out = NULL;
	*len = 0;
	if (m->cfg.enrich == NULL) {
		return 0;
	}
	if (mgr_enrich_build(
	        m->cfg.enrich, ds, out, len, &sum, err, sizeof(err)) != 0) {
		snprintf(res->message, sizeof(res->message),
		    "cannot enrich the dataset: %s", err);
		return -1;
	}
	return 0;
}

/*
 * Fetches source into *csv: a conditional GET for the configured URL (a 304
 * sets res->unchanged), and Socrata's JSON rows turned into CSV. Returns 0,
 * or -1 with res->message set.
 */
static int
manager_fetch(mgr_manager *m, const char *source, char **csv, size_t *len,
    mgr_refresh_result *res)
{
	mgr_fetch_validators *v = NULL;
	char err[512];
	char *json;
	int rv;

	/* Validators are kept for the configured source only, so a reload
	 * of another source neither uses nor replaces them. */
	if (strcmp(source, m->cfg.source) == 0) {
		v = &m->validators;
	}
	rv = mgr_fetch_cond(
	    source, RPC_SOURCE_MAX_BYTES, v, csv, len, err, sizeof(err));
	if (rv == 1) {
		res->unchanged = 1;
		snprintf(res->message, sizeof(res->message),
		    "%s is not modified since the last fetch; nothing to "
		    "publish",
		    source);
		return -1;
	}
	if (rv != 0) {
		snprintf(res->message, sizeof(res->message), "%s", err);
		return -1;
	}
	if (!mgr_socrata_is_json(*csv, *len)) {
		return 0;
	}

	json = *csv;
	rv = mgr_socrata_to_csv(json, *len, csv, len, err, sizeof(err));
	free(json);
	if (rv != 0) {
		snprintf(res->message, sizeof(res->message),
		    "cannot read %s as Socrata JSON: %s", source, err);
		return -1;
	}
	return 0;
}

/* Fetches and imports source, then enriches it; fills res->stats. Returns
 * the encoded snapshot, or NULL with res->message set. */
static uint8_t *
manager_build(
    mgr_manager *m, const char *source, size_t *len, mgr_refresh_result *res)
{
	core_dataset *ds;
	char *csv;
	size_t csvlen;
	uint8_t *snap = NULL;
	uint8_t *extra = NULL;
	size_t extralen = 0;
	char err[512];

	if (manager_fetch(m, source, &csv, &csvlen, res) != 0) {
		return NULL;
	}
	if (core_dataset_import(
	        &ds, csv, csvlen, &res->stats, err, sizeof(err)) != 0) {
		snprintf(res->message, sizeof(res->message),
		    "cannot import %s: %s", source, err);
		free(csv);
		return NULL;
	}
	if (manager_enrich(m, ds, &extra, &extralen, res) != 0) {
		core_dataset_free(ds);
		free(csv);
		return NULL;
	}
	core_dataset_free(ds);
	if (rpc_snapshot_encode_ex(csv, csvlen, extra, extralen, source,
	        (int64_t)time(NULL), &snap, len, err, sizeof(err)) != 0) {
		snprintf(res->message, sizeof(res->message), "%s", err);
	}
	free(extra);
	free(csv);
	return snap;
}

/* Stores snap, makes it current and announces it; takes ownership. */
static int
manager_publish(
    mgr_manager *m, uint8_t *snap, size_t len, mgr_refresh_result *res)
{
	char err[512];

	if (mgr_store_put(m->store, snap, len, err, sizeof(err)) != 0 ||
	    mgr_store_set_current(m->store, res->version, err, sizeof(err)) !=
	        0) {
		snprintf(res->message, sizeof(res->message),
		    "cannot store version %s: %s", res->version, err);
		free(snap);
		return -1;
	}
	manager_write_current(m, snap, len);
	manager_set_current(m, snap, len, res->version, &res->stats);
	manager_announce(m);
	res->published = 1;
	snprintf(res->message, sizeof(res->message), "published version %s",
	    res->version);
	return 0;
}

static int
manager_refresh_locked(
    mgr_manager *m, const char *source, int force, mgr_refresh_result *res)
{
	rpc_snapshot_header hdr;
	char current[17];
	uint8_t *snap;
	size_t len;

	if ((snap = manager_build(m, source, &len, res)) == NULL) {
		return res->unchanged ? 0 : -1;
	}
	if (rpc_snapshot_peek(
	        snap, len, &hdr, res->message, sizeof(res->message)) != 0) {
		free(snap);
		return -1;
	}
	snprintf(res->version, sizeof(res->version), "%s", hdr.version);

	mgr_manager_current(m, current);
	if (strcmp(current, hdr.version) == 0) {
		snprintf(res->message, sizeof(res->message),
		    "version %s is current already; nothing to publish",
		    hdr.version);
		free(snap);
		return 0;
	}
	if (!force && manager_validate(m, res) != 0) {
		free(snap);
		return -1;
	}
	return manager_publish(m, snap, len, res);
}

int
mgr_manager_refresh(
    mgr_manager *m, const char *source, int force, mgr_refresh_result *res)
{
	char current[17];
	int rv;

	memset(res, 0, sizeof(*res));
	source = source != NULL && source[0] != '\0' ? source : m->cfg.source;
	rpc_log_info("refresh started", "source", source);

	nng_mtx_lock(m->refresh_mtx);
	rv = manager_refresh_locked(m, source, force || m->cfg.force, res);
	nng_mtx_unlock(m->refresh_mtx);

	mgr_manager_current(m, current);
	if (rv != 0 && current[0] != '\0') {
		rpc_log_error(
		    "refresh failed, the current version keeps serving",
		    "source", source, "version", current, "error",
		    res->message);
	} else if (rv != 0) {
		rpc_log_error(
		    "refresh failed, and there is no version to serve",
		    "source", source, "error", res->message);
	} else {
		rpc_log_info("refresh finished", "source", source, "version",
		    res->version, "result", res->message);
	}
	return rv;
}

int
mgr_manager_rollback(
    mgr_manager *m, const char *version, char *err, size_t errlen)
{
	core_import_stats st;
	uint8_t *snap;
	size_t len;
	int rv;

	nng_mtx_lock(m->refresh_mtx);
	rv = mgr_store_get(m->store, version, &snap, &len, err, errlen);
	if (rv == 1) {
		snprintf(err, errlen,
		    "no stored version %s; see 'sfmovies ctl "
		    "versions'",
		    version);
	}
	if (rv == 0 &&
	    (rv = mgr_store_set_current(m->store, version, err, errlen)) == 0) {
		manager_write_current(m, snap, len);
		manager_stats(snap, len, &st);
		manager_set_current(m, snap, len, version, &st);
		manager_announce(m);
		rpc_log_info("rolled back", "version", version);
	} else if (rv == 0) {
		free(snap);
	}
	nng_mtx_unlock(m->refresh_mtx);
	return rv == 0 ? 0 : -1;
}

void
mgr_manager_current(mgr_manager *m, char version[17])
{
	nng_mtx_lock(m->mtx);
	memcpy(version, m->version, 17);
	nng_mtx_unlock(m->mtx);
}

size_t
mgr_manager_nodes(mgr_manager *m, mgr_node_state *out, size_t max)
{
	return mgr_survey_nodes(m->survey, out, max);
}

struct mgr_store *
mgr_manager_store(mgr_manager *m)
{
	return m->store;
}

/* The first retry after a failed periodic refresh; each failure in a row
 * doubles the wait, up to the refresh interval. */
#define MANAGER_RETRY_MS 60000

/* Runs the periodic refresh until the manager stops. */
static void
manager_refresher(void *arg)
{
	mgr_manager *m = arg;
	uint64_t wait = m->cfg.refresh_interval_ms;
	uint64_t retry = MANAGER_RETRY_MS;

	nng_mtx_lock(m->mtx);
	while (!m->stopping) {
		nng_time due = nng_clock() + (nng_time)wait;
		mgr_refresh_result res;
		char secs[24];
		int rv;

		while (!m->stopping && nng_clock() < due) {
			nng_cv_until(m->cv, due);
		}
		if (m->stopping) {
			break;
		}
		nng_mtx_unlock(m->mtx);

		rv = mgr_manager_refresh(m, NULL, 0, &res);

		nng_mtx_lock(m->mtx);
		if (rv == 0) {
			wait = m->cfg.refresh_interval_ms;
			retry = MANAGER_RETRY_MS;
			continue;
		}
		wait = retry < m->cfg.refresh_interval_ms
		    ? retry
		    : m->cfg.refresh_interval_ms;
		retry *= 2;
		snprintf(secs, sizeof(secs), "%llu",
		    (unsigned long long)(wait / 1000));
		rpc_log_warn("refresh will be retried", "in_seconds", secs);
	}
	nng_mtx_unlock(m->mtx);
}

/* Loads the store's current version, if any, as the manager's. */
static int
manager_load_current(mgr_manager *m, char *err, size_t errlen)
{
	core_import_stats st;
	rpc_snapshot_header hdr;
	uint8_t *snap;
	size_t len;
	int rv;

	if ((rv = mgr_store_get(m->store, NULL, &snap, &len, err, errlen)) !=
	    0) {
		return rv == 1 ? 0 : -1;
	}
	if (rpc_snapshot_peek(snap, len, &hdr, err, errlen) != 0) {
		free(snap);
		return -1;
	}
	manager_write_current(m, snap, len);
	manager_stats(snap, len, &st);
	manager_set_current(m, snap, len, hdr.version, &st);
	rpc_log_info("loaded current version", "version", hdr.version);
	return 0;
}

static int
manager_open(mgr_manager *m, char *err, size_t errlen)
{
	const mgr_config *cfg = &m->cfg;
	int rv;

	if (mgr_store_open(&m->store, cfg->store, cfg->keep ? cfg->keep : 5,
	        err, errlen) != 0 ||
	    manager_load_current(m, err, errlen) != 0) {
		return -1;
	}
	if ((rv = mgr_publish_open(&m->pub, cfg->bus_url)) != 0) {
		snprintf(err, errlen, "cannot listen on bus %s: %s",
		    cfg->bus_url, nng_strerror(rv));
		return -1;
	}
	if ((rv = mgr_survey_start(&m->survey, cfg->survey_url, cfg->survey_ms,
	         manager_survey_round, m)) != 0) {
		snprintf(err, errlen, "cannot listen for surveys on %s: %s",
		    cfg->survey_url, nng_strerror(rv));
		return -1;
	}
	if (cfg->control_url != NULL &&
	    mgr_control_start(&m->control, cfg->control_url, m, err, errlen) !=
	        0) {
		return -1;
	}
	if (cfg->refresh_interval_ms > 0 &&
	    (rv = nng_thread_create(&m->refresher, manager_refresher, m)) !=
	        0) {
		snprintf(err, errlen, "cannot start the refresh thread: %s",
		    nng_strerror(rv));
		return -1;
	}
	return 0;
}

int
mgr_manager_start(
    mgr_manager **out, const mgr_config *cfg, char *err, size_t errlen)
{
	mgr_manager *m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	m->cfg = *cfg;
	if (nng_mtx_alloc(&m->mtx) != 0 || nng_cv_alloc(&m->cv, m->mtx) != 0 ||
	    nng_mtx_alloc(&m->refresh_mtx) != 0) {
		snprintf(err, errlen, "out of memory");
		mgr_manager_stop(m);
		return -1;
	}
	if (manager_open(m, err, errlen) != 0) {
		mgr_manager_stop(m);
		return -1;
	}
	*out = m;
	return 0;
}

void
mgr_manager_stop(mgr_manager *m)
{
	if (m == NULL) {
		return;
	}
	if (m->mtx != NULL) {
		nng_mtx_lock(m->mtx);
		m->stopping = 1;
		nng_cv_wake(m->cv);
		nng_mtx_unlock(m->mtx);
	}
	if (m->refresher != NULL) {
		nng_thread_destroy(m->refresher);
	}
	mgr_control_stop(m->control);
	mgr_survey_stop(m->survey);
	mgr_publish_close(m->pub);
	mgr_store_close(m->store);
	free(m->current);
	if (m->refresh_mtx != NULL) {
		nng_mtx_free(m->refresh_mtx);
	}
	if (m->cv != NULL) {
		nng_cv_free(m->cv);
	}
	if (m->mtx != NULL) {
		nng_mtx_free(m->mtx);
	}
	free(m);
}
