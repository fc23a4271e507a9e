/*
 * Two sockets and one thread. The bus aio only queues the newest
 * announcement (an older pending one is dropped: only the newest matters)
 * and the loader thread imports it, because importing takes tens of
 * milliseconds and must not run on an nng callback. The respondent aio
 * answers each survey from the node's counters.
 */
#include "rpc_sync.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/bus0/bus.h>
#include <nng/protocol/survey0/respond.h>
#include <nng/supplemental/util/platform.h>

#include "rpc_log.h"
#include "rpc_snapshot.h"
#include "rpc_tls.h"
#include "sfmovies.pb-c.h"

struct rpc_sync {
	rpc_node *node;
	nng_socket bus;
	nng_socket respondent;
	nng_aio *bus_aio;
	nng_aio *survey_aio;
	int survey_sending;
	nng_thread *loader;
	nng_mtx *mtx;     /* protects pending and stopping */
	nng_cv *cv;       /* signals a new pending message or stopping */
	nng_msg *pending; /* newest announcement not yet loaded */
	int stopping;
	char node_url[256];
	char state_path[PATH_MAX];
};

static void
sync_bus_cb(void *arg)
{
	rpc_sync *s = arg;
	int rv;

	if ((rv = nng_aio_result(s->bus_aio)) != 0) {
		if (rv != NNG_ECLOSED && rv != NNG_ECANCELED) {
			rpc_log_warn(
			    "bus receive failed", "error", nng_strerror(rv));
			nng_recv_aio(s->bus, s->bus_aio);
		}
		return;
	}

	nng_mtx_lock(s->mtx);
	if (s->pending != NULL) {
		nng_msg_free(s->pending);
	}
	s->pending = nng_aio_get_msg(s->bus_aio);
	nng_cv_wake(s->cv);
	nng_mtx_unlock(s->mtx);

	nng_recv_aio(s->bus, s->bus_aio);
}

/* Packs this node's report into msg, replacing its body. */
static int
sync_report(rpc_sync *s, nng_msg *msg)
{
	Sfmovies__NodeReport report = SFMOVIES__NODE_REPORT__INIT;
	rpc_node_info info;
	uint8_t buf[1024];
	size_t len;

	rpc_node_get_info(s->node, &info);
	report.node_id = info.node_id;
	report.url = s->node_url;
	report.dataset_version = info.version;
	report.uptime_ms = info.uptime_ms;
	report.queries = info.queries;
	report.errors = info.errors;
	report.pid = (int64_t)getpid();

	if ((len = sfmovies__node_report__get_packed_size(&report)) >
	    sizeof(buf)) {
		return NNG_EMSGSIZE;
	}
	sfmovies__node_report__pack(&report, buf);
	nng_msg_clear(msg);
	return nng_msg_append(msg, buf, len);
}

static void
sync_survey_cb(void *arg)
{
	rpc_sync *s = arg;
	nng_msg *msg;
	int rv;

	if ((rv = nng_aio_result(s->survey_aio)) != 0) {
		if (s->survey_sending) {
			nng_msg_free(nng_aio_get_msg(s->survey_aio));
		}
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED) {
			return;
		}
		/* A survey that expired before we answered is not an error
		 * worth more than a debug line. */
		rpc_log_debug("survey reply failed", "error", nng_strerror(rv));
		s->survey_sending = 0;
		nng_recv_aio(s->respondent, s->survey_aio);
		return;
	}
	if (s->survey_sending) {
		s->survey_sending = 0;
		nng_recv_aio(s->respondent, s->survey_aio);
		return;
	}

	msg = nng_aio_get_msg(s->survey_aio);
	if ((rv = sync_report(s, msg)) != 0) {
		rpc_log_error(
		    "cannot build survey reply", "error", nng_strerror(rv));
		nng_msg_free(msg);
		nng_recv_aio(s->respondent, s->survey_aio);
		return;
	}
	s->survey_sending = 1;
	nng_aio_set_msg(s->survey_aio, msg);
	nng_send_aio(s->respondent, s->survey_aio);
}

/* Verifies, imports, persists and swaps in one announced snapshot. */
static void
sync_load(rpc_sync *s, nng_msg *msg)
{
	Sfmovies__Announce *a;
	rpc_node_info info;
	rpc_snapshot *snap;
	char err[512];

	a = sfmovies__announce__unpack(
	    NULL, nng_msg_len(msg), nng_msg_body(msg));
	if (a == NULL) {
		rpc_log_error(
		    "invalid announcement", "error", "not an Announce message");
		return;
	}
	rpc_node_get_info(s->node, &info);
	if (strcmp(a->version, info.version) == 0) {
		sfmovies__announce__free_unpacked(a, NULL);
		return;
	}

	rpc_log_info("loading dataset", "node", info.node_id, "version",
	    a->version, "previous", info.version);
	if (rpc_snapshot_decode(a->snapshot.data, a->snapshot.len, &snap, err,
	        sizeof(err)) != 0) {
		rpc_log_error("rejected announced dataset", "node",
		    info.node_id, "version", a->version, "error", err);
		sfmovies__announce__free_unpacked(a, NULL);
		return;
	}

	/* Persist before serving, so a restart serves what we served. */
	if (s->state_path[0] != '\0' &&
	    rpc_snapshot_write_file(s->state_path, a->snapshot.data,
	        a->snapshot.len, err, sizeof(err)) != 0) {
		rpc_log_error("cannot persist dataset", "node", info.node_id,
		    "path", s->state_path, "error", err);
	}
	rpc_node_swap(s->node, snap);
	rpc_log_info(
	    "dataset swapped", "node", info.node_id, "version", a->version);
	sfmovies__announce__free_unpacked(a, NULL);
}

static void
sync_loader(void *arg)
{
	rpc_sync *s = arg;

	for (;;) {
		nng_msg *msg;

		nng_mtx_lock(s->mtx);
		while (s->pending == NULL && !s->stopping) {
			nng_cv_wait(s->cv);
		}
		if (s->stopping) {
			nng_mtx_unlock(s->mtx);
			return;
		}
		msg = s->pending;
		s->pending = NULL;
		nng_mtx_unlock(s->mtx);

		sync_load(s, msg);
		nng_msg_free(msg);
	}
}

/* Dials url in the background, so the manager may come up later. */
static int
sync_dial(nng_socket sock, const char *url)
{
	nng_dialer d;
	int rv;

	if ((rv = nng_dialer_create(&d, sock, url)) != 0 ||
	    (rv = rpc_tls_dialer(d, url)) != 0) {
		return rv;
	}
	return nng_dialer_start(d, NNG_FLAG_NONBLOCK);
}

static int
sync_open(rpc_sync *s, const rpc_sync_config *cfg)
{
	int rv;

	if ((rv = nng_bus0_open(&s->bus)) != 0 ||
	    (rv = nng_respondent0_open(&s->respondent)) != 0) {
		return rv;
	}

	/* An announcement carries a whole snapshot; nothing larger may
	 * arrive, and nng's default would be unlimited. */
	if ((rv = nng_socket_set_size(s->bus, NNG_OPT_RECVMAXSZ,
	         RPC_SNAPSHOT_MAX_BYTES + 4096)) != 0 ||
	    (rv = nng_socket_set_size(
	         s->respondent, NNG_OPT_RECVMAXSZ, 4096)) != 0) {
		return rv;
	}
	if ((rv = nng_aio_alloc(&s->bus_aio, sync_bus_cb, s)) != 0 ||
	    (rv = nng_aio_alloc(&s->survey_aio, sync_survey_cb, s)) != 0 ||
	    (rv = nng_mtx_alloc(&s->mtx)) != 0 ||
	    (rv = nng_cv_alloc(&s->cv, s->mtx)) != 0) {
		return rv;
	}
	if ((rv = sync_dial(s->bus, cfg->bus_url)) != 0 ||
	    (rv = sync_dial(s->respondent, cfg->survey_url)) != 0) {
		return rv;
	}
	return nng_thread_create(&s->loader, sync_loader, s);
}

int
rpc_sync_start(rpc_sync **out, const rpc_sync_config *cfg, rpc_node *node)
{
	rpc_sync *s;
	int rv;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		return NNG_ENOMEM;
	}
	s->node = node;
	snprintf(s->node_url, sizeof(s->node_url), "%s",
	    cfg->node_url ? cfg->node_url : "");
	snprintf(s->state_path, sizeof(s->state_path), "%s",
	    cfg->state_path ? cfg->state_path : "");
	if ((rv = sync_open(s, cfg)) != 0) {
		rpc_sync_stop(s);
		return rv;
	}
	nng_recv_aio(s->bus, s->bus_aio);
	nng_recv_aio(s->respondent, s->survey_aio);
	*out = s;
	return 0;
}

void
rpc_sync_stop(rpc_sync *s)
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
	if (s->loader != NULL) {
		nng_thread_destroy(s->loader); /* joins it */
	}

	/* Stop both aios before closing anything (nng 1.5.2 can deadlock in
	 * nng_close otherwise). */
	if (s->bus_aio != NULL) {
		nng_aio_stop(s->bus_aio);
	}
	if (s->survey_aio != NULL) {
		nng_aio_stop(s->survey_aio);
	}
	nng_close(s->bus);
	nng_close(s->respondent);
	nng_aio_free(s->bus_aio);
	nng_aio_free(s->survey_aio);
	if (s->pending != NULL) {
		nng_msg_free(s->pending);
	}
	if (s->cv != NULL) {
		nng_cv_free(s->cv);
	}
	if (s->mtx != NULL) {
		nng_mtx_free(s->mtx);
	}
	free(s);
}
