#include "gw_health.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_err.h"
#include "core_map.h"
#include "rpc_log.h"

typedef struct gw_node_seen {
	char id[64];
	uint64_t last_ms;
} gw_node_seen;

struct gw_health {
	rpc_client *rpc;
	unsigned timeout_ms;
	unsigned probes;
	gw_version_fn version_fn;
	void *version_arg;
	pthread_t thread;

	atomic_uint_fast64_t version;   /* hash; 0 before the first answer */
	atomic_uint_fast64_t answer_ms; /* gw_now_ms of the last answer */

	pthread_mutex_t mtx; /* protects everything below */
	pthread_cond_t cv;
	int stopping;
	unsigned in_flight; /* STATUS calls started, not yet completed */
	int was_ready;      /* for logging changes only */
	gw_node_seen nodes[GW_HEALTH_MAX_NODES];
	char version_name[64];
	char status_node_id[64]; /* the latest STATUS answer */
	char status_version[64];
	uint64_t status_uptime_ms;
	uint64_t status_queries;
	uint64_t status_errors;
	uint32_t status_films;
	uint32_t status_locations;
	uint64_t status_ms;
	int has_status;
};

uint64_t
gw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
gw_health_version_hash(const char *name)
{
	uint64_t h = core_hash64(name, strlen(name), 0);

	return h != 0 ? h : 1;
}

/* Records an answer of node_id. Called with h->mtx held. */
static void
gw_health_seen(gw_health *h, const char *node_id, uint64_t now)
{
	gw_node_seen *oldest = &h->nodes[0];

	for (int i = 0; i < GW_HEALTH_MAX_NODES; i++) {
		gw_node_seen *n = &h->nodes[i];

		if (strcmp(n->id, node_id) == 0) {
			n->last_ms = now;
			return;
		}
		if (n->last_ms < oldest->last_ms) {
			oldest = n;
		}
	}
	snprintf(oldest->id, sizeof(oldest->id), "%s", node_id);
	oldest->last_ms = now;
}

/* Makes name the version served. Called with h->mtx held; the callback
 * only purges the cache, which takes the cache's own locks. */
static void
gw_health_set_version(gw_health *h, const char *name)
{
	uint64_t hash;

	if (name == NULL || *name == '\0' ||
	    strcmp(name, h->version_name) == 0) {
		return;
	}
	hash = gw_health_version_hash(name);
	rpc_log_info("dataset version changed", "old",
	    h->version_name[0] != '\0' ? h->version_name : "none", "new", name);
	snprintf(h->version_name, sizeof(h->version_name), "%s", name);
	atomic_store(&h->version, hash);
	if (h->version_fn != NULL) {
		h->version_fn(h->version_arg, hash, name);
	}
}

void
gw_health_note(gw_health *h, const char *node_id, const char *version)
{
	uint64_t now = gw_now_ms();

	if (node_id == NULL || *node_id == '\0') {
		return;
	}
	atomic_store(&h->answer_ms, now);
	pthread_mutex_lock(&h->mtx);
	gw_health_seen(h, node_id, now);
	/* A query's answer sets the version only before any STATUS answer,
	 * so that the first requests can already be cached. */
	if (h->version_name[0] == '\0') {
		gw_health_set_version(h, version);
	}
	pthread_mutex_unlock(&h->mtx);
}

static void
gw_health_on_status(void *arg, const rpc_result *res)
{
	gw_health *h = arg;
	Sfmovies__StatusReply *s = NULL;
	uint64_t now = gw_now_ms();

	if (res->code == SFMOVIES__CODE__CODE_OK) {
		s = sfmovies__status_reply__unpack(
		    NULL, res->len, res->payload);
	}
	if (s != NULL) {
		atomic_store(&h->answer_ms, now);
	}

	pthread_mutex_lock(&h->mtx);
	if (s != NULL) {
		gw_health_seen(h, s->node_id, now);
		gw_health_set_version(h, s->dataset_version);
		snprintf(h->status_node_id, sizeof(h->status_node_id), "%s",
		    s->node_id);
		snprintf(h->status_version, sizeof(h->status_version), "%s",
		    s->dataset_version);
		h->status_uptime_ms = s->uptime_ms;
		h->status_queries = s->queries;
		h->status_errors = s->errors;
		h->status_films = s->films;
		h->status_locations = s->locations;
		h->status_ms = now;
		h->has_status = 1;
	}
	h->in_flight--;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mtx);

	if (s != NULL) {
		sfmovies__status_reply__free_unpacked(s, NULL);
	}
}

static void
gw_health_round(gw_health *h)
{
	Sfmovies__StatusRequest req = SFMOVIES__STATUS_REQUEST__INIT;
	int rv;

	for (unsigned i = 0; i < h->probes; i++) {
		pthread_mutex_lock(&h->mtx);
		h->in_flight++;
		pthread_mutex_unlock(&h->mtx);

		rv = rpc_client_call(h->rpc, SFMOVIES__METHOD__METHOD_STATUS,
		    (const ProtobufCMessage *)&req, h->timeout_ms,
		    gw_health_on_status, h);
		if (rv != 0) {
			char code[16];

			snprintf(code, sizeof(code), "%d", rv);
			rpc_log_warn(
			    "status call failed to start", "err", code);
			pthread_mutex_lock(&h->mtx);
			h->in_flight--;
			pthread_mutex_unlock(&h->mtx);
			break;
		}
	}
}

/* Logs when readiness changes, not on every round. */
static void
gw_health_log_change(gw_health *h)
{
	int ready = gw_health_ready(h);

	pthread_mutex_lock(&h->mtx);
	if (ready != h->was_ready) {
		h->was_ready = ready;
		if (ready) {
			rpc_log_info("a query node responded: ready");
		} else {
			rpc_log_warn("no query node answered in the last "
			             "3 s: not ready");
		}
	}
	pthread_mutex_unlock(&h->mtx);
}

static void *
gw_health_run(void *arg)
{
	gw_health *h = arg;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		gw_health_round(h);
		gw_health_log_change(h);

		next.tv_sec += GW_HEALTH_INTERVAL_MS / 1000;
		pthread_mutex_lock(&h->mtx);
		while (!h->stopping &&
		    pthread_cond_timedwait(&h->cv, &h->mtx, &next) == 0) {
		}
		if (h->stopping) {
			pthread_mutex_unlock(&h->mtx);
			return NULL;
		}
		pthread_mutex_unlock(&h->mtx);
	}
}

int
gw_health_start(gw_health **out, rpc_client *rpc, unsigned timeout_ms,
    unsigned probes, gw_version_fn fn, void *arg)
{
	gw_health *h = calloc(1, sizeof(*h));
	pthread_condattr_t ca;
	int rv;

	if (h == NULL) {
		return CORE_ENOMEM;
	}
	h->rpc = rpc;
	h->timeout_ms = timeout_ms;
	h->probes = probes > 0 ? probes : 1;
	h->version_fn = fn;
	h->version_arg = arg;
	atomic_init(&h->version, 0);
	atomic_init(&h->answer_ms, 0);
	pthread_mutex_init(&h->mtx, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);

	if ((rv = pthread_create(&h->thread, NULL, gw_health_run, h)) != 0) {
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mtx);
		free(h);
		return rv;
	}
	*out = h;
	return 0;
}

void
gw_health_stop(gw_health *h)
{
	pthread_mutex_lock(&h->mtx);
	h->stopping = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mtx);
	pthread_join(h->thread, NULL);

	/* rpc_client_call runs each callback exactly once, by the call's
	 * deadline at the latest, so this wait ends. */
	pthread_mutex_lock(&h->mtx);
	while (h->in_flight > 0) {
		pthread_cond_wait(&h->cv, &h->mtx);
	}
	pthread_mutex_unlock(&h->mtx);
}

void
gw_health_free(gw_health *h)
{
	if (h == NULL) {
		return;
	}
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mtx);
	free(h);
}

uint64_t
gw_health_version(gw_health *h)
{
	return atomic_load_explicit(&h->version, memory_order_relaxed);
}

int
gw_health_ready(gw_health *h)
{
	uint64_t last =
	    atomic_load_explicit(&h->answer_ms, memory_order_relaxed);

	return last != 0 && gw_now_ms() - last <= GW_HEALTH_WINDOW_MS;
}

void
gw_health_get_view(gw_health *h, gw_health_view *v)
{
	uint64_t now = gw_now_ms();

	memset(v, 0, sizeof(*v));
	v->ready = gw_health_ready(h);

	pthread_mutex_lock(&h->mtx);
	for (int i = 0; i < GW_HEALTH_MAX_NODES; i++) {
		if (h->nodes[i].id[0] != '\0' &&
		    now - h->nodes[i].last_ms <= GW_HEALTH_WINDOW_MS) {
			v->nodes++;
		}
	}
	snprintf(v->version, sizeof(v->version), "%s", h->version_name);
	if (h->has_status) {
		v->has_status = 1;
		v->status_age_ms = now - h->status_ms;
		snprintf(
		    v->node_id, sizeof(v->node_id), "%s", h->status_node_id);
		snprintf(v->node_version, sizeof(v->node_version), "%s",
		    h->status_version);
		v->node_uptime_ms = h->status_uptime_ms;
		v->node_queries = h->status_queries;
		v->node_errors = h->status_errors;
		v->node_films = h->status_films;
		v->node_locations = h->status_locations;
	}
	pthread_mutex_unlock(&h->mtx);
}
