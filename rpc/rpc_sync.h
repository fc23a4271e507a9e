/*
 * A node's link to the manager: it receives dataset announcements on the
 * manager's nng bus, answers the manager's health surveys, and keeps the
 * last snapshot it received on disk so it can serve it after a restart
 * even when the manager is down.
 *
 * An announced snapshot is verified and imported on the sync thread, off
 * the query path, and then swapped into the node; queries in flight finish
 * on the old snapshot.
 *
 * Thread-safety: start and stop from one thread. Ownership: the link
 * borrows the node, which must outlive it.
 */
#ifndef RPC_SYNC_H
#define RPC_SYNC_H

#include "rpc_node.h"

typedef struct rpc_sync_config {
	const char *bus_url;    /* the manager's bus address, dialed */
	const char *survey_url; /* the manager's surveyor address, dialed */
	const char *node_url;   /* this node's query address, reported */
	const char *state_path; /* where the last snapshot is kept, or NULL */
} rpc_sync_config;

typedef struct rpc_sync rpc_sync;

/* Starts the link. Returns 0 or an nng error code. */
int rpc_sync_start(rpc_sync **out, const rpc_sync_config *cfg, rpc_node *node);

/* Stops the link and frees it. Accepts NULL. */
void rpc_sync_stop(rpc_sync *s);

#endif
