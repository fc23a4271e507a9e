/*
 * The HTTP server: libmicrohttpd with a thread pool over epoll, answering
 * from the response cache when it can and otherwise through an RPC to a
 * query node, without blocking an HTTP thread while the node works.
 *
 * A query that misses the cache suspends its connection and starts an
 * asynchronous RPC with a deadline. The RPC callback, on an nng thread,
 * builds the answer (JSON, JSONP, gzip, ETag), stores it in the cache and
 * resumes the connection; libmicrohttpd then calls the handler again on
 * the connection's own thread, which queues the answer. A suspended
 * connection never times out in libmicrohttpd, so the RPC deadline is what
 * bounds its wait.
 *
 * Ownership: the server owns the daemon, the RPC client, the health
 * poller, both caches and the per-request contexts; gw_server_stop frees
 * them all.
 * Thread-safety: gw_server_start and gw_server_stop are called by one
 * thread. See gw_server.c for what each lock protects.
 */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include <stddef.h>

#include "gw_config.h"

typedef struct gw_server gw_server;

/* Starts serving. Returns 0, or -1 with a message in err (the address in
 * use, a missing --ui folder ...). */
int gw_server_start(
    gw_server **out, const gw_config *cfg, char *err, size_t errlen);

/* Returns the TCP port the server listens on. */
unsigned gw_server_port(gw_server *s);

/*
 * Stops: stops accepting, answers every connection still waiting for a
 * node with 503, gives those answers up to 2 seconds to go out, stops the
 * daemon, then closes the RPC client, which waits for the calls in flight.
 */
void gw_server_stop(gw_server *s);

#endif
