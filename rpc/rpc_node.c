#include "rpc_node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/util/platform.h>

#include "core_buf.h"
#include "rpc_handler.h"
#include "rpc_log.h"
#include "rpc_tls.h"

#define NODE_DEFAULT_WORKERS 64
#define NODE_REQUEST_HEADER  4 /* bytes of the req/rep request id */

typedef enum { WORK_INIT, WORK_RECV, WORK_SEND } node_work_state;

typedef struct node_work {
	node_work_state state;
	nng_aio *aio;
	nng_ctx ctx;
	struct rpc_node *node;
	core_buf out; /* reply bytes, reused across requests */
} node_work;

struct rpc_node {
	nng_socket sock;
	nng_listener listener;
	nng_mtx *mtx;       /* protects snap */
	rpc_snapshot *snap; /* current snapshot, one reference held */
	node_work *works;
	unsigned nworks;
	char id[64];
	int64_t started_ms;
	rpc_handler_stats stats;
};

/* Takes a reference to the current snapshot, or NULL when there is none. */
static rpc_snapshot *
node_snapshot_get(rpc_node *n)
{
	rpc_snapshot *s;

	nng_mtx_lock(n->mtx);
	s = n->snap;
	if (s != NULL) {
		rpc_snapshot_hold(s);
	}
	nng_mtx_unlock(n->mtx);
	return s;
}

/* Replaces the request in msg with its reply. */
static int
node_answer(node_work *w, nng_msg *msg)
{
	rpc_node *n = w->node;
	rpc_handler_ctx ctx;
	int rv;

	ctx.snap = node_snapshot_get(n);
	ctx.node_id = n->id;
	ctx.started_ms = n->started_ms;
	ctx.stats = &n->stats;

	core_buf_reset(&w->out);
	rv = rpc_handle(&ctx, nng_msg_body(msg), nng_msg_len(msg), &w->out);
	rpc_snapshot_release(ctx.snap);
	if (rv != 0) {
		return NNG_ENOMEM;
	}

	nng_msg_clear(msg);
	return nng_msg_append(msg, w->out.data, w->out.len);
}

static void
node_work_recv(node_work *w)
{
	w->state = WORK_RECV;
	nng_ctx_recv(w->ctx, w->aio);
}

static void
node_work_cb(void *arg)
{
	node_work *w = arg;
	nng_msg *msg;
	int rv;

	switch (w->state) {
	case WORK_INIT:
		node_work_recv(w);
		break;

	case WORK_RECV:
		if ((rv = nng_aio_result(w->aio)) != 0) {
			if (rv != NNG_ECLOSED && rv != NNG_ECANCELED) {
				rpc_log_warn("receive failed", "node",
				    w->node->id, "error", nng_strerror(rv));
				node_work_recv(w);
			}
			return;
		}
		/* The aio keeps a message only while a send is pending, so
		 * rpc_node_stop can free a reply that a stopped send left. */
		msg = nng_aio_get_msg(w->aio);
		nng_aio_set_msg(w->aio, NULL);
		if ((rv = node_answer(w, msg)) != 0) {
			/* No reply: the caller's deadline or resend covers it.
			 */
			rpc_log_error("cannot build a reply", "node",
			    w->node->id, "error", nng_strerror(rv));
			nng_msg_free(msg);
			node_work_recv(w);
			return;
		}
		nng_aio_set_msg(w->aio, msg);
		w->state = WORK_SEND;
		nng_ctx_send(w->ctx, w->aio);
		break;

	case WORK_SEND:
		/* A failed send gives the message back, a sent one is nng's. */
		msg = nng_aio_get_msg(w->aio);
		nng_aio_set_msg(w->aio, NULL);
		if ((rv = nng_aio_result(w->aio)) != 0) {
			nng_msg_free(msg);
			if (rv == NNG_ECLOSED || rv == NNG_ECANCELED) {
				return;
			}
			rpc_log_warn("send failed", "node", w->node->id,
			    "error", nng_strerror(rv));
		}
		node_work_recv(w);
		break;
	}
}

static int
node_listen(rpc_node *n, const char *url)
{
	int rv;

	if ((rv = nng_listener_create(&n->listener, n->sock, url)) != 0 ||
	    (rv = rpc_tls_listener(n->listener, url)) != 0) {
		return rv;
	}
	if (strncmp(url, "ipc://", 6) == 0 &&
	    (rv = nng_listener_set_int(
	         n->listener, NNG_OPT_IPC_PERMISSIONS, 0600)) != 0) {
		return rv;
	}
	if (strncmp(url, "tcp", 3) == 0) {
		/* Keepalive lets the peer notice a vanished host. */
		nng_listener_set_bool(n->listener, NNG_OPT_TCP_KEEPALIVE, true);
		nng_listener_set_bool(n->listener, NNG_OPT_TCP_NODELAY, true);
	}
	return nng_listener_start(n->listener, 0);
}

static int
node_open(rpc_node *n, const rpc_node_config *cfg)
{
	int rv;

	if ((rv = nng_rep0_open(&n->sock)) != 0) {
		return rv;
	}
	/* nng's default is unlimited, so set a limit before listening. nng
	 * checks it against the whole frame, which includes the 4-byte
	 * request id that req prepends on a direct connection. */
	if ((rv = nng_socket_set_size(n->sock, NNG_OPT_RECVMAXSZ,
	         RPC_NODE_MAX_REQUEST + NODE_REQUEST_HEADER)) != 0) {
		return rv;
	}
	for (unsigned i = 0; i < n->nworks; i++) {
		node_work *w = &n->works[i];

		w->node = n;
		w->state = WORK_INIT;
		if ((rv = nng_aio_alloc(&w->aio, node_work_cb, w)) != 0 ||
		    (rv = nng_ctx_open(&w->ctx, n->sock)) != 0) {
			return rv;
		}
	}
	return node_listen(n, cfg->listen_url);
}

int
rpc_node_start(rpc_node **out, const rpc_node_config *cfg, rpc_snapshot *snap)
{
	rpc_node *n;
	int rv;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		return NNG_ENOMEM;
	}
	n->nworks = cfg->workers ? cfg->workers : NODE_DEFAULT_WORKERS;
	n->started_ms = rpc_now_ms();
	snprintf(
	    n->id, sizeof(n->id), "%s", cfg->node_id ? cfg->node_id : "node");
	if ((rv = nng_mtx_alloc(&n->mtx)) != 0 ||
	    (n->works = calloc(n->nworks, sizeof(*n->works))) == NULL) {
		rv = rv ? rv : NNG_ENOMEM;
		goto fail;
	}
	if ((rv = node_open(n, cfg)) != 0) {
		goto fail;
	}

	n->snap = snap;
	for (unsigned i = 0; i < n->nworks; i++) {
		node_work_cb(&n->works[i]);
	}
	*out = n;
	return 0;

fail:
	n->snap = NULL;
	rpc_node_stop(n);
	return rv;
}

void
rpc_node_swap(rpc_node *n, rpc_snapshot *snap)
{
	rpc_snapshot *old;

	nng_mtx_lock(n->mtx);
	old = n->snap;
	n->snap = snap;
	nng_mtx_unlock(n->mtx);

	/* Requests in flight hold their own references to old. */
	rpc_snapshot_release(old);
}

void
rpc_node_get_info(rpc_node *n, rpc_node_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->node_id, sizeof(info->node_id), "%s", n->id);
	info->uptime_ms = (uint64_t)(rpc_now_ms() - n->started_ms);
	info->queries = atomic_load(&n->stats.queries);
	info->errors = atomic_load(&n->stats.errors);

	nng_mtx_lock(n->mtx);
	if (n->snap != NULL) {
		snprintf(info->version, sizeof(info->version), "%s",
		    n->snap->version);
	}
	nng_mtx_unlock(n->mtx);
}

int
rpc_node_port(const rpc_node *n)
{
	int port = 0;

	if (nng_listener_get_int(n->listener, NNG_OPT_TCP_BOUND_PORT, &port) !=
	    0) {
		return 0;
	}
	return port;
}

void
rpc_node_stop(rpc_node *n)
{
	nng_msg *msg;

	if (n == NULL) {
		return;
	}

	/* nng 1.5.2 can deadlock in nng_close unless every aio is stopped
	 * before any is freed, so stop them all first. */
	for (unsigned i = 0; n->works != NULL && i < n->nworks; i++) {
		if (n->works[i].aio != NULL) {
			nng_aio_stop(n->works[i].aio);
		}
	}
	nng_close(n->sock);
	for (unsigned i = 0; n->works != NULL && i < n->nworks; i++) {
		/* A send started on an aio that nng_aio_stop already stopped
		 * fails in nng 1.5.2 without running the callback, so the
		 * reply is still attached to the aio. */
		if (n->works[i].aio != NULL &&
		    (msg = nng_aio_get_msg(n->works[i].aio)) != NULL) {
			nng_msg_free(msg);
		}
		nng_aio_free(n->works[i].aio);
		core_buf_free(&n->works[i].out);
	}
	free(n->works);
	rpc_snapshot_release(n->snap);
	if (n->mtx != NULL) {
		nng_mtx_free(n->mtx);
	}
	free(n);
}
