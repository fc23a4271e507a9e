/*
 * A query node: an nng rep socket served by a pool of contexts, each
 * driven by its own async I/O state machine, so no thread waits per
 * request. Requests are answered from the current snapshot, which can be
 * replaced while the node serves: requests in flight finish on the
 * snapshot they started with.
 *
 * Thread-safety: all functions may be called from any thread except the
 * node's own callbacks. Ownership: the node holds one reference to its
 * current snapshot.
 */
#ifndef RPC_NODE_H
#define RPC_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "rpc_snapshot.h"

/* A request larger than this closes its connection; the gateway's
 * requests are a few hundred bytes. */
#define RPC_NODE_MAX_REQUEST (64u * 1024u)

typedef struct rpc_node_config {
	const char *listen_url; /* tcp://127.0.0.1:7100 or ipc:///path */
	const char *node_id;    /* reported in replies and status */
	unsigned workers;       /* contexts; 0 takes the default, 64 */
} rpc_node_config;

typedef struct rpc_node rpc_node;

/*
 * Starts listening and serving snap (may be NULL until rpc_node_swap).
 * Takes over the caller's reference to snap on success. An ipc:// socket
 * file gets 0600 permissions. Returns 0 or an nng error code.
 */
int rpc_node_start(
    rpc_node **out, const rpc_node_config *cfg, rpc_snapshot *snap);

/* Replaces the snapshot, taking over the caller's reference; the old one is
 * freed when its last request in flight finishes. */
void rpc_node_swap(rpc_node *n, rpc_snapshot *snap);

/* Stops every context, closes the socket and frees the node. */
void rpc_node_stop(rpc_node *n);

/* A node's view of itself, as reported to the manager's surveys. */
typedef struct rpc_node_info {
	char node_id[64];
	char version[17]; /* "" while no snapshot is loaded */
	uint64_t uptime_ms;
	uint64_t queries;
	uint64_t errors;
} rpc_node_info;

/* Fills info with the node's current state. */
void rpc_node_get_info(rpc_node *n, rpc_node_info *info);

/* Returns the port a tcp:// listener is bound to (useful with port 0), or
 * 0 for other transports. */
int rpc_node_port(const rpc_node *n);

#endif
