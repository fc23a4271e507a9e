/*
 * Client of the query nodes: one handle dials any number of nodes over one
 * nng req socket, which spreads requests over the connected nodes
 * round-robin. A request that gets no reply within the resend time, or
 * whose node's connection closes, is resent to another node; requests are
 * idempotent, so a resend is safe. Each call also has a deadline after
 * which it completes with CODE_DEADLINE_EXCEEDED.
 *
 * Thread-safety: any thread may start calls at once. A completion callback
 * runs on an nng task thread: it must not block, and must not start a
 * synchronous call. Ownership: the client owns its sockets and call slots;
 * rpc_client_close waits for calls in flight to complete first.
 */
#ifndef RPC_CLIENT_H
#define RPC_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "sfmovies.pb-c.h"

typedef struct rpc_client_config {
	const char *const *urls; /* node addresses to dial */
	size_t nurls;
	unsigned resend_ms;  /* 0 takes the default, 250 */
	unsigned timeout_ms; /* per call; 0 takes the default, 2000 */
	size_t max_reply;    /* bytes; 0 takes the default, 4 MiB */
} rpc_client_config;         /* tls+tcp:// addresses use rpc_tls.h's settings */

/* The outcome of a call, valid only while the callback runs. */
typedef struct rpc_result {
	Sfmovies__Code code;
	const char *message;    /* why, when code is not CODE_OK */
	const char *argument;   /* the invalid field, or "" */
	const uint8_t *payload; /* the method's reply message when OK */
	size_t len;
	const char *version; /* dataset version of the node */
	const char *node_id;
} rpc_result;

typedef void (*rpc_call_cb)(void *arg, const rpc_result *res);

typedef struct rpc_client rpc_client;

/* Opens a client and starts dialing every URL in the background, so nodes
 * may come up later. Returns 0 or an nng error code. */
int rpc_client_open(rpc_client **out, const rpc_client_config *cfg);

/* Waits for calls in flight, then closes the client. Accepts NULL. */
void rpc_client_close(rpc_client *c);

/*
 * Starts a call of method with the packed request msg, which is copied.
 * timeout_ms of 0 takes the client's default. cb runs exactly once, on an
 * nng thread, unless this returns an error. Returns 0 or an nng error code.
 */
int rpc_client_call(rpc_client *c, Sfmovies__Method method,
    const ProtobufCMessage *msg, unsigned timeout_ms, rpc_call_cb cb,
    void *arg);

/*
 * Calls and waits for the outcome. On CODE_OK *reply_payload is a new
 * malloc'd copy of the payload (free it), else NULL; message and argument
 * are copied into the given buffers. Returns the code. Not for nng threads.
 */
Sfmovies__Code rpc_client_call_sync(rpc_client *c, Sfmovies__Method method,
    const ProtobufCMessage *msg, unsigned timeout_ms, uint8_t **payload,
    size_t *len, char *message, size_t message_len);

/* Counts of calls since open, for metrics. */
typedef struct rpc_client_stats {
	uint64_t calls;
	uint64_t failures; /* completed with a code other than OK */
	uint64_t timeouts; /* completed with CODE_DEADLINE_EXCEEDED */
	uint64_t retries;  /* resends after an attempt timed out */
	uint64_t in_flight;
} rpc_client_stats;

void rpc_client_get_stats(rpc_client *c, rpc_client_stats *stats);

#endif
