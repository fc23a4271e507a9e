/*
 * The survey thread sends one survey per round and collects replies until
 * the survey time (half the interval) ends, then updates the node table:
 * reporters are up, and a node that missed MGR_SURVEY_MISSES rounds in a
 * row is down. Replies arrive on the surveyor socket only during a round.
 */
#include "mgr_survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/survey0/survey.h>
#include <nng/supplemental/util/platform.h>

#include "rpc_handler.h"
#include "rpc_log.h"
#include "rpc_tls.h"

struct mgr_survey {
	nng_socket sock;
	nng_thread *thread;
	nng_mtx *mtx; /* protects nodes, nnodes and stopping */
	nng_cv *cv;   /* wakes the thread to stop */
	mgr_node_state nodes[MGR_SURVEY_MAX_NODES];
	size_t nnodes;
	int stopping;
	int64_t hurry_until_ms; /* rounds run back to back until then */
	unsigned interval_ms;
	mgr_survey_round_fn fn;
	void *arg;
};

static mgr_node_state *
survey_find(mgr_survey *s, const char *node_id)
{
	for (size_t i = 0; i < s->nnodes; i++) {
		if (strcmp(s->nodes[i].node_id, node_id) == 0) {
			return &s->nodes[i];
		}
	}
	if (s->nnodes == MGR_SURVEY_MAX_NODES) {
		return NULL;
	}
	memset(&s->nodes[s->nnodes], 0, sizeof(s->nodes[0]));
	snprintf(s->nodes[s->nnodes].node_id, sizeof(s->nodes[0].node_id), "%s",
	    node_id);
	return &s->nodes[s->nnodes++];
}

/* Records one reply; seen[] marks the nodes heard this round. */
static void
survey_record(
    mgr_survey *s, const Sfmovies__NodeReport *r, int64_t now, int *seen)
{
	mgr_node_state *n;

	nng_mtx_lock(s->mtx);
	if ((n = survey_find(s, r->node_id)) != NULL) {
		if (n->last_seen_ms > 0 && now > n->last_seen_ms &&
		    r->queries >= n->queries) {
			n->queries_per_second =
			    (double)(r->queries - n->queries) * 1000.0 /
			    (double)(now - n->last_seen_ms);
		}
		snprintf(n->url, sizeof(n->url), "%s", r->url);
		snprintf(
		    n->version, sizeof(n->version), "%s", r->dataset_version);
		n->uptime_ms = r->uptime_ms;
		n->queries = r->queries;
		n->errors = r->errors;
		n->pid = r->pid;
		n->last_seen_ms = now;
		n->misses = 0;
		if (!n->up) {
			rpc_log_info(
			    "node up", "node", n->node_id, "url", n->url);
		}
		n->up = 1;
		seen[n - s->nodes] = 1;
	}
	nng_mtx_unlock(s->mtx);
}

static void
survey_mark_misses(mgr_survey *s, const int *seen)
{
	nng_mtx_lock(s->mtx);
	for (size_t i = 0; i < s->nnodes; i++) {
		mgr_node_state *n = &s->nodes[i];

		if (seen[i]) {
			continue;
		}
		n->misses++;
		if (n->up && n->misses >= MGR_SURVEY_MISSES) {
			n->up = 0;
			rpc_log_warn(
			    "node down", "node", n->node_id, "url", n->url);
		}
	}
	nng_mtx_unlock(s->mtx);
}

static void
survey_round(mgr_survey *s)
{
	int seen[MGR_SURVEY_MAX_NODES] = {0};
	nng_msg *msg;
	int rv;

	if ((rv = nng_msg_alloc(&msg, 0)) != 0 ||
	    (rv = nng_sendmsg(s->sock, msg, 0)) != 0) {
		rpc_log_error("cannot send survey", "error", nng_strerror(rv));
		return;
	}

	/* Receive until the survey time ends (NNG_ETIMEDOUT). */
	while ((rv = nng_recvmsg(s->sock, &msg, 0)) == 0) {
		Sfmovies__NodeReport *r = sfmovies__node_report__unpack(
		    NULL, nng_msg_len(msg), nng_msg_body(msg));

		nng_msg_free(msg);
		if (r == NULL) {
			rpc_log_warn("invalid survey reply", "error",
			    "not a NodeReport message");
			continue;
		}
		survey_record(s, r, rpc_now_ms(), seen);
		sfmovies__node_report__free_unpacked(r, NULL);
	}
	if (rv != NNG_ETIMEDOUT && rv != NNG_ECLOSED && rv != NNG_ESTATE) {
		rpc_log_warn(
		    "survey receive failed", "error", nng_strerror(rv));
	}
	survey_mark_misses(s, seen);
}

static void
survey_thread(void *arg)
{
	mgr_survey *s = arg;

	for (;;) {
		int64_t next = rpc_now_ms() + s->interval_ms;

		survey_round(s);
		if (s->fn != NULL) {
			s->fn(s->arg);
		}

		nng_mtx_lock(s->mtx);
		while (!s->stopping && rpc_now_ms() < next &&
		    rpc_now_ms() >= s->hurry_until_ms) {
			nng_cv_until(s->cv,
			    nng_clock() + (nng_time)(next - rpc_now_ms()));
		}
		if (s->stopping) {
			nng_mtx_unlock(s->mtx);
			return;
		}
		nng_mtx_unlock(s->mtx);
	}
}

static int
survey_open(mgr_survey *s, const char *url)
{
	nng_listener l;
	int rv;

	if ((rv = nng_surveyor0_open(&s->sock)) != 0 ||
	    (rv = nng_socket_set_ms(s->sock, NNG_OPT_SURVEYOR_SURVEYTIME,
	         (nng_duration)(s->interval_ms / 2))) != 0 ||
	    (rv = nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, 4096)) != 0 ||
	    (rv = nng_listener_create(&l, s->sock, url)) != 0 ||
	    (rv = rpc_tls_listener(l, url)) != 0) {
		return rv;
	}
	if (strncmp(url, "ipc://", 6) == 0 &&
	    (rv = nng_listener_set_int(l, NNG_OPT_IPC_PERMISSIONS, 0600)) !=
	        0) {
		return rv;
	}
	return nng_listener_start(l, 0);
}

int
mgr_survey_start(mgr_survey **out, const char *url, unsigned interval_ms,
    mgr_survey_round_fn fn, void *arg)
{
	mgr_survey *s;
	int rv;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		return NNG_ENOMEM;
	}
	s->interval_ms = interval_ms ? interval_ms : 1000;
	s->fn = fn;
	s->arg = arg;
	if ((rv = nng_mtx_alloc(&s->mtx)) != 0 ||
	    (rv = nng_cv_alloc(&s->cv, s->mtx)) != 0 ||
	    (rv = survey_open(s, url)) != 0 ||
	    (rv = nng_thread_create(&s->thread, survey_thread, s)) != 0) {
		mgr_survey_stop(s);
		return rv;
	}
	*out = s;
	return 0;
}

void
mgr_survey_stop(mgr_survey *s)
{
	if (s == NULL) {
		return;
	}
	if (s->mtx != NULL) {
		nng_mtx_lock(s->mtx);
		s->stopping = 1;
		nng_cv_wake(s->cv);
		nng_mtx_unlock(s->mtx);
	}

	/* Closing the socket ends a round in progress with NNG_ECLOSED. */
	nng_close(s->sock);
	if (s->thread != NULL) {
		nng_thread_destroy(s->thread);
	}
	if (s->cv != NULL) {
		nng_cv_free(s->cv);
	}
	if (s->mtx != NULL) {
		nng_mtx_free(s->mtx);
	}
	free(s);
}

size_t
mgr_survey_nodes(mgr_survey *s, mgr_node_state *out, size_t max)
{
	size_t n;

	nng_mtx_lock(s->mtx);
	n = s->nnodes < max ? s->nnodes : max;
	memcpy(out, s->nodes, n * sizeof(*out));
	nng_mtx_unlock(s->mtx);
	return n;
}

void
mgr_survey_hurry(mgr_survey *s, unsigned ms)
{
	nng_mtx_lock(s->mtx);
	s->hurry_until_ms = rpc_now_ms() + ms;
	nng_cv_wake(s->cv);
	nng_mtx_unlock(s->mtx);
}
