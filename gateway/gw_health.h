/*
 * The gateway's view of the query nodes: a background thread sends STATUS
 * calls every second, and every answer (to a STATUS call or to a query)
 * marks its node as answering. From that come /readyz, the node count,
 * /status and the dataset version that keys the response cache.
 *
 * Each round sends several STATUS calls, because the client's req socket
 * spreads calls over the connected nodes round-robin by readiness, not
 * evenly: two calls per configured node make it likely, not certain, that
 * every node gets one. The node count is an estimate for that reason.
 *
 * NOTE: the version served is that of the latest STATUS answer. While
 * nodes of two versions answer, it flips between them, and each flip
 * purges the response cache.
 *
 * Ownership: gw_health_stop ends the thread and waits for the calls it
 * started; gw_health_free frees the rest once no query callback can note
 * an answer any more (after rpc_client_close).
 * Thread-safety: every function may be called from any thread until
 * gw_health_free; gw_health_stop and gw_health_free by one thread. A mutex
 * protects the node table and the copied status; the version and the time of
 * the last answer are atomics, read lock-free on every request.
 */
#ifndef GW_HEALTH_H
#define GW_HEALTH_H

#include <stdint.h>

#include "rpc_client.h"

#define GW_HEALTH_INTERVAL_MS 1000 /* between STATUS rounds */
#define GW_HEALTH_WINDOW_MS   3000 /* a node counts as answering this long */
#define GW_HEALTH_MAX_NODES   64   /* node ids remembered */

typedef struct gw_health gw_health;

/* Called, on an nng thread, when the version served changes. */
typedef void (*gw_version_fn)(void *arg, uint64_t version, const char *name);

typedef struct gw_health_view {
	int ready;        /* a node answered within the window */
	unsigned nodes;   /* node ids that answered within the window */
	char version[64]; /* dataset version served, "" when none yet */
	int has_status;   /* status below is set */
	uint64_t status_age_ms;
	char node_id[64]; /* status of the latest STATUS answer */
	char node_version[64];
	uint64_t node_uptime_ms;
	uint64_t node_queries;
	uint64_t node_errors;
	uint32_t node_films;
	uint32_t node_locations;
} gw_health_view;

/*
 * Starts the background thread, which sends probes STATUS calls with
 * timeout_ms each round. Returns 0, or an error code of pthread or
 * CORE_ENOMEM.
 */
int gw_health_start(gw_health **out, rpc_client *rpc, unsigned timeout_ms,
    unsigned probes, gw_version_fn fn, void *arg);

/* Stops the thread and waits for its STATUS calls to complete. */
void gw_health_stop(gw_health *h);

/* Frees h. Accepts NULL. */
void gw_health_free(gw_health *h);

/* Records that node_id answered a query, with its dataset version. */
void gw_health_note(gw_health *h, const char *node_id, const char *version);

/* Returns the hash of the version served (see gw_health_version_hash), or
 * 0 before any node answered. */
uint64_t gw_health_version(gw_health *h);

/* Returns 1 when a node answered within GW_HEALTH_WINDOW_MS. */
int gw_health_ready(gw_health *h);

void gw_health_get_view(gw_health *h, gw_health_view *v);

/* Returns the 64-bit hash of a version name that keys the cache; never 0,
 * which means no version. */
uint64_t gw_health_version_hash(const char *name);

/* Returns CLOCK_MONOTONIC in milliseconds. */
uint64_t gw_now_ms(void);

#endif
