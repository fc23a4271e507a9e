/*
 * Health surveys of the nodes: a surveyor socket asks every connected
 * node for its NodeReport once per interval. A node that misses three
 * surveys in a row is marked down.
 *
 * Thread-safety: the survey runs on its own thread; mgr_survey_nodes may
 * be called from any thread.
 */
#ifndef MGR_SURVEY_H
#define MGR_SURVEY_H

#include <stddef.h>
#include <stdint.h>

#include "sfmovies.pb-c.h"

#define MGR_SURVEY_MAX_NODES 256
#define MGR_SURVEY_MISSES    3

typedef struct mgr_node_state {
	char node_id[64];
	char url[256];
	char version[17];
	uint64_t uptime_ms;
	uint64_t queries;
	uint64_t errors;
	int64_t pid;
	int up;
	int misses; /* surveys in a row without a reply */
	int64_t last_seen_ms;
	double queries_per_second;
} mgr_node_state;

typedef struct mgr_survey mgr_survey;

/* Called after each survey round, on the survey thread. */
typedef void (*mgr_survey_round_fn)(void *arg);

/*
 * Listens on url and starts surveying every interval_ms. Returns 0 or an
 * nng error code.
 */
int mgr_survey_start(mgr_survey **out, const char *url, unsigned interval_ms,
    mgr_survey_round_fn fn, void *arg);

/* Stops the thread and closes the socket. Accepts NULL. */
void mgr_survey_stop(mgr_survey *s);

/* Runs rounds back to back, each as long as the survey time (half the
 * interval), for the next ms milliseconds: after a publish, so that the
 * node table shows the new version soon after the nodes load it. */
void mgr_survey_hurry(mgr_survey *s, unsigned ms);

/* Copies up to max known nodes into out; returns how many. */
size_t mgr_survey_nodes(mgr_survey *s, mgr_node_state *out, size_t max);

#endif
