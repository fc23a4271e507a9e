/*
 * Answering one RPC: decodes a Request envelope, runs the method against a
 * snapshot, and encodes the Reply envelope. No sockets here, so the query
 * node and the tests share it.
 *
 * Thread-safety: handlers only read the snapshot, so any number of threads
 * may handle requests at once; counters are atomic.
 */
#ifndef RPC_HANDLER_H
#define RPC_HANDLER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core_buf.h"
#include "rpc_snapshot.h"

/* Limits of one request, checked before any work. */
#define RPC_SEARCH_MAX_LIMIT   100
#define RPC_COMPLETE_MAX_LIMIT 50
#define RPC_NEAREST_MAX_LIMIT  500
#define RPC_BOX_MAX_LIMIT      5000
#define RPC_NEAREST_MAX_RADIUS 100000.0 /* metres */

typedef struct rpc_handler_stats {
	atomic_uint_fast64_t queries;
	atomic_uint_fast64_t errors; /* replies with a code other than OK */
} rpc_handler_stats;

typedef struct rpc_handler_ctx {
	rpc_snapshot *snap; /* may be NULL while no dataset is loaded */
	const char *node_id;
	int64_t started_ms;
	rpc_handler_stats *stats;
} rpc_handler_ctx;

/*
 * Handles the encoded request req[0..len) and appends the encoded Reply to
 * out. Garbage, unknown methods and invalid arguments become error replies.
 * Returns 0, or CORE_ENOMEM when no reply could be built.
 */
int rpc_handle(
    const rpc_handler_ctx *ctx, const uint8_t *req, size_t len, core_buf *out);

/* Returns milliseconds since the Unix epoch. */
int64_t rpc_now_ms(void);

#endif
