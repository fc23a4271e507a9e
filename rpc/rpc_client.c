/*
 * The client side of the query RPC. Each call runs in a slot (an nng req
 * context and its aio) driven by callbacks: send, receive, and on a timed
 * out attempt a resend while the call's deadline allows. Slots are reused
 * through a free list instead of being freed, because an aio cannot be
 * freed from its own callback.
 */
#include "rpc_client.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>

#include "rpc_handler.h"
#include "rpc_log.h"
#include "rpc_tls.h"

#define CLIENT_DEFAULT_RESEND_MS  250
#define CLIENT_DEFAULT_TIMEOUT_MS 2000
#define CLIENT_DEFAULT_MAX_REPLY  (4u << 20)

typedef enum { CALL_SEND, CALL_RECV } call_state;

typedef struct rpc_call {
	rpc_client *client;
	nng_ctx ctx;
	nng_aio *aio;
	call_state state;
	nng_msg *request; /* kept for resends; each send sends a copy */
	uint64_t request_id;
	int64_t deadline_ms;
	rpc_call_cb cb;
	void *arg;
	struct rpc_call *next_free;
} rpc_call;

struct rpc_client {
	nng_socket sock;
	nng_mtx *mtx; /* protects free, slots, in_flight */
	nng_cv *cv;   /* signalled when in_flight drops */
	rpc_call *free;
	rpc_call **slots;
	size_t nslots;
	size_t in_flight;
	unsigned resend_ms;
	unsigned timeout_ms;
	atomic_uint_fast64_t next_id;
	atomic_uint_fast64_t calls;
	atomic_uint_fast64_t failures;
	atomic_uint_fast64_t timeouts;
	atomic_uint_fast64_t retries;
};

static void call_cb(void *arg);

/* Returns a free slot, creating one when none is free. */
static int
client_slot_get(rpc_client *c, rpc_call **out)
{
	rpc_call *call;
	rpc_call **slots;
	int rv;

	nng_mtx_lock(c->mtx);
	if ((call = c->free) != NULL) {
		c->free = call->next_free;
		c->in_flight++;
		nng_mtx_unlock(c->mtx);
		*out = call;
		return 0;
	}
	nng_mtx_unlock(c->mtx);

	if ((call = calloc(1, sizeof(*call))) == NULL) {
		return NNG_ENOMEM;
	}
	call->client = c;
	if ((rv = nng_aio_alloc(&call->aio, call_cb, call)) != 0 ||
	    (rv = nng_ctx_open(&call->ctx, c->sock)) != 0) {
		nng_aio_free(call->aio);
		free(call);
		return rv;
	}

	nng_mtx_lock(c->mtx);
	slots = realloc(c->slots, (c->nslots + 1) * sizeof(*slots));
	if (slots == NULL) {
		nng_mtx_unlock(c->mtx);
		nng_ctx_close(call->ctx);
		nng_aio_free(call->aio);
		free(call);
		return NNG_ENOMEM;
	}
	c->slots = slots;
	c->slots[c->nslots++] = call;
	c->in_flight++;
	nng_mtx_unlock(c->mtx);
	*out = call;
	return 0;
}

static void
client_slot_put(rpc_client *c, rpc_call *call)
{
	nng_mtx_lock(c->mtx);
	call->next_free = c->free;
	c->free = call;
	c->in_flight--;
	nng_cv_wake(c->cv);
	nng_mtx_unlock(c->mtx);
}

/* Completes a call: runs its callback, then frees its slot for reuse. */
static void
call_finish(rpc_call *call, const rpc_result *res)
{
	rpc_client *c = call->client;

	if (res->code != SFMOVIES__CODE__CODE_OK) {
		atomic_fetch_add(&c->failures, 1);
	}
	if (res->code == SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED) {
		atomic_fetch_add(&c->timeouts, 1);
	}
	nng_msg_free(call->request);
	call->request = NULL;
	call->cb(call->arg, res);
	client_slot_put(c, call);
}

static void
call_fail(rpc_call *call, Sfmovies__Code code, const char *message)
{
	rpc_result res = {code, message, "", NULL, 0, "", ""};

	call_finish(call, &res);
}

/*
 * Sends one attempt, bounded by the attempt time and the deadline. Returns
 * 0 once the send is under way, else an error with the call untouched, so
 * the caller decides whether the failure completes the call.
 */
static int
call_send(rpc_call *call)
{
	rpc_client *c = call->client;
	int64_t left = call->deadline_ms - rpc_now_ms();
	nng_msg *copy;
	int rv;

	if (left <= 0) {
		return NNG_ETIMEDOUT;
	}
	if ((rv = nng_msg_dup(&copy, call->request)) != 0) {
		return rv;
	}
	call->state = CALL_SEND;
	nng_aio_set_msg(call->aio, copy);
	nng_aio_set_timeout(call->aio,
	    left < c->resend_ms ? (nng_duration)left
	                        : (nng_duration)c->resend_ms);
	nng_ctx_send(call->ctx, call->aio);
	return 0;
}

/* Starts another attempt after a timed out one, or gives up. */
static void
call_retry(rpc_call *call)
{
	int rv;

	if ((rv = call_send(call)) == 0) {
		atomic_fetch_add(&call->client->retries, 1);
	} else if (rv == NNG_ETIMEDOUT) {
		call_fail(call, SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED,
		    "no node answered before the deadline");
	} else if (rv != 0) {
		call_fail(
		    call, SFMOVIES__CODE__CODE_INTERNAL, nng_strerror(rv));
	}
}

static void
call_deliver(rpc_call *call, nng_msg *msg)
{
	Sfmovies__Reply *reply;
	rpc_result res;

	reply =
	    sfmovies__reply__unpack(NULL, nng_msg_len(msg), nng_msg_body(msg));
	nng_msg_free(msg);
	if (reply == NULL) {
		rpc_log_warn("invalid reply", "request_id", "?", "error",
		    "not a Reply message");
		call_fail(call, SFMOVIES__CODE__CODE_INTERNAL,
		    "the node sent a reply that is not a Reply message");
		return;
	}
	res.code = reply->code;
	res.message = reply->message;
	res.argument = reply->argument;
	res.payload = reply->payload.data;
	res.len = reply->payload.len;
	res.version = reply->dataset_version;
	res.node_id = reply->node_id;
	call_finish(call, &res);
	sfmovies__reply__free_unpacked(reply, NULL);
}

static void
call_cb(void *arg)
{
	rpc_call *call = arg;
	int rv = nng_aio_result(call->aio);

	if (rv == NNG_ETIMEDOUT) {
		if (call->state == CALL_SEND) {
			nng_msg_free(nng_aio_get_msg(call->aio));
		}
		call_retry(call);
		return;
	}
	if (rv != 0) {
		if (call->state == CALL_SEND) {
			nng_msg_free(nng_aio_get_msg(call->aio));
		}
		call_fail(
		    call, SFMOVIES__CODE__CODE_UNAVAILABLE, nng_strerror(rv));
		return;
	}
	if (call->state == CALL_SEND) {
		int64_t left = call->deadline_ms - rpc_now_ms();

		call->state = CALL_RECV;
		nng_aio_set_timeout(call->aio,
		    left < call->client->resend_ms
		        ? (nng_duration)(left > 0 ? left : 1)
		        : (nng_duration)call->client->resend_ms);
		nng_ctx_recv(call->ctx, call->aio);
		return;
	}
	call_deliver(call, nng_aio_get_msg(call->aio));
}

static int
client_dial(rpc_client *c, const char *url)
{
	nng_dialer d;
	int rv;

	if ((rv = nng_dialer_create(&d, c->sock, url)) != 0 ||
	    (rv = rpc_tls_dialer(d, url)) != 0) {
		return rv;
	}
	if (strncmp(url, "tcp", 3) == 0) {
		nng_dialer_set_bool(d, NNG_OPT_TCP_KEEPALIVE, true);
		nng_dialer_set_bool(d, NNG_OPT_TCP_NODELAY, true);
	}

	/* Non-blocking: a node that is not up yet is dialed again later. */
	return nng_dialer_start(d, NNG_FLAG_NONBLOCK);
}

static int
client_configure(rpc_client *c, const rpc_client_config *cfg)
{
	size_t max = cfg->max_reply ? cfg->max_reply : CLIENT_DEFAULT_MAX_REPLY;
	int rv;

	/* Our attempts time out after resend_ms and are resent by
	 * call_retry. nng's own timer is set past the call timeout so it
	 * never fires first, but it must stay above 0: only then does nng
	 * resend at once when a node's connection closes. */
	if ((rv = nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, max)) != 0 ||
	    (rv = nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME,
	         (nng_duration)c->timeout_ms * 2)) != 0 ||
	    (rv = nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 50)) != 0 ||
	    (rv = nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 1000)) != 0) {
		return rv;
	}
	for (size_t i = 0; i < cfg->nurls; i++) {
		if ((rv = client_dial(c, cfg->urls[i])) != 0) {
			rpc_log_error("cannot dial node", "url", cfg->urls[i],
			    "error", nng_strerror(rv));
			return rv;
		}
	}
	return 0;
}

int
rpc_client_open(rpc_client **out, const rpc_client_config *cfg)
{
	rpc_client *c;
	int rv;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		return NNG_ENOMEM;
	}
	c->resend_ms =
	    cfg->resend_ms ? cfg->resend_ms : CLIENT_DEFAULT_RESEND_MS;
	c->timeout_ms =
	    cfg->timeout_ms ? cfg->timeout_ms : CLIENT_DEFAULT_TIMEOUT_MS;
	atomic_init(&c->next_id, 1);
	if ((rv = nng_mtx_alloc(&c->mtx)) != 0 ||
	    (rv = nng_cv_alloc(&c->cv, c->mtx)) != 0 ||
	    (rv = nng_req0_open(&c->sock)) != 0 ||
	    (rv = client_configure(c, cfg)) != 0) {
		rpc_client_close(c);
		return rv;
	}
	*out = c;
	return 0;
}

void
rpc_client_close(rpc_client *c)
{
	if (c == NULL) {
		return;
	}
	if (c->mtx != NULL) {
		nng_mtx_lock(c->mtx);
		while (c->in_flight > 0) {
			nng_cv_wait(c->cv);
		}
		nng_mtx_unlock(c->mtx);
	}

	/* Stop every aio before freeing any (nng 1.5.2 can deadlock in
	 * nng_close otherwise). */
	for (size_t i = 0; i < c->nslots; i++) {
		nng_aio_stop(c->slots[i]->aio);
	}
	nng_close(c->sock);
	for (size_t i = 0; i < c->nslots; i++) {
		nng_aio_free(c->slots[i]->aio);
		free(c->slots[i]);
	}
	free(c->slots);
	if (c->cv != NULL) {
		nng_cv_free(c->cv);
	}
	if (c->mtx != NULL) {
		nng_mtx_free(c->mtx);
	}
	free(c);
}

static int
client_encode(
    rpc_call *call, Sfmovies__Method method, const ProtobufCMessage *msg)
{
	Sfmovies__Request req = SFMOVIES__REQUEST__INIT;
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *payload;
	int rv;

	if ((payload = malloc(len ? len : 1)) == NULL) {
		return NNG_ENOMEM;
	}
	protobuf_c_message_pack(msg, payload);
	req.method = method;
	req.request_id = call->request_id;
	req.deadline_unix_ms = (uint64_t)call->deadline_ms;
	req.payload.data = payload;
	req.payload.len = len;

	len = sfmovies__request__get_packed_size(&req);
	if ((rv = nng_msg_alloc(&call->request, len)) == 0) {
		sfmovies__request__pack(&req, nng_msg_body(call->request));
	}
	free(payload);
	return rv;
}

int
rpc_client_call(rpc_client *c, Sfmovies__Method method,
    const ProtobufCMessage *msg, unsigned timeout_ms, rpc_call_cb cb, void *arg)
{
	rpc_call *call;
	int rv;

	if ((rv = client_slot_get(c, &call)) != 0) {
		return rv;
	}
	call->cb = cb;
	call->arg = arg;
	call->request_id = atomic_fetch_add(&c->next_id, 1);
	call->deadline_ms =
	    rpc_now_ms() + (timeout_ms ? timeout_ms : c->timeout_ms);
	if ((rv = client_encode(call, method, msg)) != 0) {
		client_slot_put(c, call);
		return rv;
	}
	/* A call that cannot start returns its error here and never runs
	 * its callback, so callbacks only ever run on nng threads. */
	if ((rv = call_send(call)) != 0) {
		nng_msg_free(call->request);
		call->request = NULL;
		client_slot_put(c, call);
		return rv;
	}
	atomic_fetch_add(&c->calls, 1);
	return 0;
}

typedef struct sync_call {
	nng_mtx *mtx;
	nng_cv *cv;
	int done;
	Sfmovies__Code code;
	uint8_t *payload;
	size_t len;
	char *message;
	size_t message_len;
} sync_call;

static void
sync_call_cb(void *arg, const rpc_result *res)
{
	sync_call *s = arg;

	nng_mtx_lock(s->mtx);
	s->code = res->code;
	if (res->code == SFMOVIES__CODE__CODE_OK &&
	    (s->payload = malloc(res->len ? res->len : 1)) != NULL) {
		memcpy(s->payload, res->payload, res->len);
		s->len = res->len;
	}
	if (s->message_len > 0) {
		if (res->argument != NULL && res->argument[0] != '\0') {
			snprintf(s->message, s->message_len, "%s (argument %s)",
			    res->message, res->argument);
		} else {
			snprintf(
			    s->message, s->message_len, "%s", res->message);
		}
	}
	s->done = 1;
	nng_cv_wake(s->cv);
	nng_mtx_unlock(s->mtx);
}

Sfmovies__Code
rpc_client_call_sync(rpc_client *c, Sfmovies__Method method,
    const ProtobufCMessage *msg, unsigned timeout_ms, uint8_t **payload,
    size_t *len, char *message, size_t message_len)
{
	sync_call s = {0};
	int rv;

	*payload = NULL;
	*len = 0;
	s.message = message;
	s.message_len = message_len;
	if ((rv = nng_mtx_alloc(&s.mtx)) != 0 ||
	    (rv = nng_cv_alloc(&s.cv, s.mtx)) != 0 ||
	    (rv = rpc_client_call(
	         c, method, msg, timeout_ms, sync_call_cb, &s)) != 0) {
		snprintf(message, message_len, "cannot start the call: %s",
		    nng_strerror(rv));
		s.code = SFMOVIES__CODE__CODE_INTERNAL;
		s.done = 1;
	}
	if (s.mtx != NULL) {
		nng_mtx_lock(s.mtx);
		while (!s.done) {
			nng_cv_wait(s.cv);
		}
		nng_mtx_unlock(s.mtx);
	}
	if (s.cv != NULL) {
		nng_cv_free(s.cv);
	}
	if (s.mtx != NULL) {
		nng_mtx_free(s.mtx);
	}
	*payload = s.payload;
	*len = s.len;
	return s.code;
}

void
rpc_client_get_stats(rpc_client *c, rpc_client_stats *stats)
{
	stats->calls = atomic_load(&c->calls);
	stats->failures = atomic_load(&c->failures);
	stats->timeouts = atomic_load(&c->timeouts);
	stats->retries = atomic_load(&c->retries);
	nng_mtx_lock(c->mtx);
	stats->in_flight = c->in_flight;
	nng_mtx_unlock(c->mtx);
}
