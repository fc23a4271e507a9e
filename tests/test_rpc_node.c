/*
 * Tests of the query node and the RPC client over real nng sockets: ipc
 * paths in a temporary folder and tcp on 127.0.0.1 only. Nodes serve
 * snapshots of the DataSF exports read from $SFMOVIES_DATA_DIR.
 *
 * Film and location counts were computed from the CSVs with Python's csv
 * module, apart from the C code: rows grouped into films by title without
 * spaces and year, and locations by the matching form of their text.
 *
 * Every wait is bounded by a deadline and ends by itself; no test asserts
 * how long anything takes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>

#include "rpc_client.h"
#include "rpc_node.h"
#include "rpc_snapshot.h"
#include "sfmovies.pb-c.h"
#include "test_data.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define NEWEST_FILMS     351
#define NEWEST_LOCATIONS 2153
#define OLDER_CSV        "film_locations_2025-04_2084rows.csv"
#define OLDER_FILMS      336
#define OLDER_LOCATIONS  2026

/* Location counts of the films the calls request, equal in both exports. */
#define VERTIGO_LOCATIONS  16
#define ALCATRAZ_LOCATIONS 1

/* Calls started at once by the concurrency tests. */
#define BATCH_CALLS 200

/* Maximum milliseconds a test waits for calls that complete by themselves. */
#define WAIT_MS 20000

typedef struct fixture {
	rpc_snapshot *newest; /* one reference held by the fixture */
	rpc_snapshot *older;
	char dir[64];
} fixture;

/* The outcome of one async call, filled on an nng thread. */
typedef struct outcome {
	struct batch *batch;
	Sfmovies__Code code;
	char node_id[32];
	char version[17];
	uint8_t *payload;
	size_t len;
} outcome;

/* Async calls in flight and a count of those completed. */
typedef struct batch {
	nng_mtx *mtx;
	nng_cv *cv;
	unsigned done;
	outcome out[BATCH_CALLS];
} batch;

/*
 * Returns the leaks that LeakSanitizer ignores under ASan. nng 1.5.2's req
 * socket sometimes leaks a request when a peer's connection closes while
 * requests are being sent, which node_stop_fails_over provokes on purpose.
 * Plain nng req contexts leaked the same way in 2 of 6 runs of a program
 * that stopped one of two nodes 20 times during traffic.
 * NOTE: this also hides any other leak allocated under that test.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:node_stop_fails_over\n";
}

static rpc_snapshot *
load_snapshot(const char *name)
{
	rpc_snapshot *s = NULL;
	char err[256] = "";
	uint8_t *enc = NULL;
	size_t enclen = 0;
	size_t len = 0;
	char *csv = test_data_read(name, &len);
	int rv;

	if (csv == NULL) {
		return NULL;
	}
	rv = rpc_snapshot_encode(
	    csv, len, name, 0, &enc, &enclen, err, sizeof(err));
	free(csv);
	if (rv == 0) {
		rv = rpc_snapshot_decode(enc, enclen, &s, err, sizeof(err));
		free(enc);
	}
	if (rv != 0) {
		fprintf(
		    stderr, "cannot build a snapshot of %s: %s\n", name, err);
		return NULL;
	}
	return s;
}

static int
setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL) {
		return -1;
	}
	fx->newest = load_snapshot(TEST_DATA_NEWEST);
	fx->older = load_snapshot(OLDER_CSV);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_rpc_node.XXXXXX");
	if (fx->newest == NULL || fx->older == NULL ||
	    mkdtemp(fx->dir) == NULL) {
		rpc_snapshot_release(fx->newest);
		rpc_snapshot_release(fx->older);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	fixture *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *e;
	char path[512];

	/* nng leaves ipc socket files behind after a listener closes. */
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			snprintf(
			    path, sizeof(path), "%s/%s", fx->dir, e->d_name);
			unlink(path);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(fx->dir);
	rpc_snapshot_release(fx->newest);
	rpc_snapshot_release(fx->older);
	free(fx);
	return 0;
}

/* Writes the ipc URL of a socket file called name in the test folder. */
static void
ipc_url(const fixture *fx, const char *name, char *url, size_t len)
{
	assert_true(
	    (size_t)snprintf(url, len, "ipc://%s/%s", fx->dir, name) < len);
}

/* Starts a node on url that serves snap with a reference of its own. */
static rpc_node *
start_node(const char *url, const char *node_id, rpc_snapshot *snap)
{
	rpc_node_config cfg = {url, node_id, 0};
	rpc_node *n = NULL;

	if (snap != NULL) {
		rpc_snapshot_hold(snap);
	}
	assert_int_equal(rpc_node_start(&n, &cfg, snap), 0);
	assert_non_null(n);
	return n;
}

static rpc_client *
open_client(const char *const *urls, size_t nurls, unsigned resend_ms,
    unsigned timeout_ms)
{
	rpc_client_config cfg;
	rpc_client *c = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.urls = urls;
	cfg.nurls = nurls;
	cfg.resend_ms = resend_ms;
	cfg.timeout_ms = timeout_ms;
	assert_int_equal(rpc_client_open(&c, &cfg), 0);
	assert_non_null(c);
	return c;
}

/* Calls STATUS, which must succeed, and returns the decoded reply. */
static Sfmovies__StatusReply *
call_status(rpc_client *c)
{
	Sfmovies__StatusRequest req = SFMOVIES__STATUS_REQUEST__INIT;
	Sfmovies__StatusReply *r;
	char message[256] = "";
	uint8_t *payload = NULL;
	size_t len = 0;
	Sfmovies__Code code;

	code = rpc_client_call_sync(c, SFMOVIES__METHOD__METHOD_STATUS,
	    &req.base, 0, &payload, &len, message, sizeof(message));
	if (code != SFMOVIES__CODE__CODE_OK) {
		print_error("STATUS failed: %s\n", message);
	}
	assert_int_equal(code, SFMOVIES__CODE__CODE_OK);
	r = sfmovies__status_reply__unpack(NULL, len, payload);
	free(payload);
	assert_non_null(r);
	return r;
}

/* Calls FILM for id and returns the film's location count, or fails. */
static uint32_t
call_film(rpc_client *c, const char *id)
{
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	Sfmovies__FilmReply *r;
	char message[256] = "";
	uint8_t *payload = NULL;
	size_t len = 0;
	Sfmovies__Code code;
	uint32_t n;

	req.id = (char *)id;
	code = rpc_client_call_sync(c, SFMOVIES__METHOD__METHOD_FILM, &req.base,
	    0, &payload, &len, message, sizeof(message));
	if (code != SFMOVIES__CODE__CODE_OK) {
		print_error("FILM %s failed: %s\n", id, message);
	}
	assert_int_equal(code, SFMOVIES__CODE__CODE_OK);
	r = sfmovies__film_reply__unpack(NULL, len, payload);
	free(payload);
	assert_non_null(r);
	n = (uint32_t)r->n_locations;
	sfmovies__film_reply__free_unpacked(r, NULL);
	return n;
}

/*
 * Stores the client's counters once no call is in flight, waiting at most
 * WAIT_MS: a call's slot is freed just after its callback returns, so the
 * count can lag a completed call briefly.
 */
static void
stats_when_idle(rpc_client *c, rpc_client_stats *stats)
{
	for (int i = 0; i < WAIT_MS / 10; i++) {
		rpc_client_get_stats(c, stats);
		if (stats->in_flight == 0) {
			return;
		}
		nng_msleep(10);
	}
	assert_int_equal(stats->in_flight, 0);
}

static batch *
batch_new(void)
{
	batch *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	assert_int_equal(nng_mtx_alloc(&b->mtx), 0);
	assert_int_equal(nng_cv_alloc(&b->cv, b->mtx), 0);
	for (size_t i = 0; i < BATCH_CALLS; i++) {
		b->out[i].batch = b;
	}
	return b;
}

static void
batch_free(batch *b)
{
	for (size_t i = 0; i < BATCH_CALLS; i++) {
		free(b->out[i].payload);
	}
	nng_cv_free(b->cv);
	nng_mtx_free(b->mtx);
	free(b);
}

/* Records an outcome. It runs on an nng thread, so it must not assert. */
static void
batch_cb(void *arg, const rpc_result *res)
{
	outcome *o = arg;
	batch *b = o->batch;

	o->code = res->code;
	snprintf(o->node_id, sizeof(o->node_id), "%s", res->node_id);
	snprintf(o->version, sizeof(o->version), "%s", res->version);
	if (res->code == SFMOVIES__CODE__CODE_OK &&
	    (o->payload = malloc(res->len + 1)) != NULL) {
		memcpy(o->payload, res->payload, res->len);
		o->len = res->len;
	}
	nng_mtx_lock(b->mtx);
	b->done++;
	nng_cv_wake(b->cv);
	nng_mtx_unlock(b->mtx);
}

/* Starts async FILM calls first..last-1 of b, alternating two films. */
static void
batch_start_films(rpc_client *c, batch *b, unsigned first, unsigned last)
{
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;

	for (unsigned i = first; i < last; i++) {
		req.id =
		    i % 2 == 0 ? "vertigo-1958" : "escape-from-alcatraz-1979";
		assert_int_equal(
		    rpc_client_call(c, SFMOVIES__METHOD__METHOD_FILM, &req.base,
		        0, batch_cb, &b->out[i]),
		    0);
	}
}

/* Starts async STATUS calls first..last-1 of b. */
static void
batch_start_status(rpc_client *c, batch *b, unsigned first, unsigned last)
{
	Sfmovies__StatusRequest req = SFMOVIES__STATUS_REQUEST__INIT;

	for (unsigned i = first; i < last; i++) {
		assert_int_equal(
		    rpc_client_call(c, SFMOVIES__METHOD__METHOD_STATUS,
		        &req.base, 0, batch_cb, &b->out[i]),
		    0);
	}
}

/* Waits until n calls of b have completed, at most WAIT_MS. */
static void
batch_wait(batch *b, unsigned n)
{
	nng_time until = nng_clock() + WAIT_MS;
	unsigned done;

	nng_mtx_lock(b->mtx);
	while (b->done < n && nng_cv_until(b->cv, until) != NNG_ETIMEDOUT) {
	}
	done = b->done;
	nng_mtx_unlock(b->mtx);
	assert_int_equal(done, n);
}

/* Checks that FILM call i of b succeeded with the right film. */
static void
check_film_outcome(const batch *b, unsigned i)
{
	const outcome *o = &b->out[i];
	Sfmovies__FilmReply *r;

	if (o->code != SFMOVIES__CODE__CODE_OK) {
		print_error("call %u failed with code %d\n", i, o->code);
	}
	assert_int_equal(o->code, SFMOVIES__CODE__CODE_OK);
	assert_non_null(o->payload);
	r = sfmovies__film_reply__unpack(NULL, o->len, o->payload);
	assert_non_null(r);
	if (i % 2 == 0) {
		assert_string_equal(r->film->title, "Vertigo");
		assert_int_equal(r->n_locations, VERTIGO_LOCATIONS);
	} else {
		assert_string_equal(r->film->title, "Escape From Alcatraz");
		assert_int_equal(r->n_locations, ALCATRAZ_LOCATIONS);
	}
	sfmovies__film_reply__free_unpacked(r, NULL);
}

/*
 * Sends rounds of STATUS calls, at most 20, until replies came from both
 * node ids. The client dials in the background, so a node may take a few
 * rounds to be connected. Returns whether both nodes replied.
 */
static int
both_nodes_reply(rpc_client *c, const char *id_a, const char *id_b)
{
	int seen_a = 0;
	int seen_b = 0;

	for (int round = 0; round < 20 && !(seen_a && seen_b); round++) {
		batch *b = batch_new();

		batch_start_status(c, b, 0, 50);
		batch_wait(b, 50);
		for (unsigned i = 0; i < 50; i++) {
			assert_int_equal(
			    b->out[i].code, SFMOVIES__CODE__CODE_OK);
			seen_a |= strcmp(b->out[i].node_id, id_a) == 0;
			seen_b |= strcmp(b->out[i].node_id, id_b) == 0;
		}
		batch_free(b);
		if (!(seen_a && seen_b)) {
			nng_msleep(20);
		}
	}
	return seen_a && seen_b;
}

static void
node_sync_calls(void **state)
{
	fixture *fx = *state;
	char url[128];
	const char *urls[] = {url};
	rpc_node *n;
	rpc_client *c;
	Sfmovies__StatusReply *r;
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	char message[256] = "";
	uint8_t *payload = NULL;
	size_t len = 0;

	ipc_url(fx, "sync.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	c = open_client(urls, 1, 0, 0);

	r = call_status(c);
	assert_string_equal(r->node_id, "node-a");
	assert_string_equal(r->dataset_version, fx->newest->version);
	assert_int_equal(r->films, NEWEST_FILMS);
	assert_int_equal(r->locations, NEWEST_LOCATIONS);
	sfmovies__status_reply__free_unpacked(r, NULL);

	assert_int_equal(call_film(c, "vertigo-1958"), VERTIGO_LOCATIONS);

	/* An error reply names the invalid argument and has no payload. */
	req.id = "no-such-film";
	assert_int_equal(
	    rpc_client_call_sync(c, SFMOVIES__METHOD__METHOD_FILM, &req.base, 0,
	        &payload, &len, message, sizeof(message)),
	    SFMOVIES__CODE__CODE_NOT_FOUND);
	assert_null(payload);
	assert_int_equal(len, 0);
	assert_non_null(strstr(message, "no-such-film"));
	assert_non_null(strstr(message, "(argument id)"));

	rpc_client_close(c);
	rpc_node_stop(n);
}

static void
node_ipc_mode_0600(void **state)
{
	fixture *fx = *state;
	char url[128];
	struct stat st;
	rpc_node *n;

	ipc_url(fx, "mode.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	assert_int_equal(stat(url + strlen("ipc://"), &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	rpc_node_stop(n);
}

static void
node_tcp_port_zero(void **state)
{
	fixture *fx = *state;
	char url[64];
	const char *urls[] = {url};
	rpc_node *n;
	rpc_client *c;
	Sfmovies__StatusReply *r;
	int port;

	n = start_node("tcp://127.0.0.1:0", "node-tcp", fx->newest);
	port = rpc_node_port(n);
	assert_in_range(port, 1, 65535);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
	c = open_client(urls, 1, 0, 0);

	r = call_status(c);
	assert_string_equal(r->node_id, "node-tcp");
	assert_int_equal(r->films, NEWEST_FILMS);
	sfmovies__status_reply__free_unpacked(r, NULL);

	rpc_client_close(c);
	rpc_node_stop(n);
}

static void
node_port_zero_for_ipc(void **state)
{
	fixture *fx = *state;
	char url[128];
	rpc_node *n;

	ipc_url(fx, "port.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	assert_int_equal(rpc_node_port(n), 0);
	rpc_node_stop(n);
}

static void
node_start_address_in_use(void **state)
{
	fixture *fx = *state;
	char url[128];
	rpc_node_config cfg = {url, "node-b", 0};
	rpc_node *n;
	rpc_node *second = NULL;

	ipc_url(fx, "inuse.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);

	/* On failure the caller keeps its reference, so it releases it. */
	rpc_snapshot_hold(fx->newest);
	assert_int_equal(
	    rpc_node_start(&second, &cfg, fx->newest), NNG_EADDRINUSE);
	assert_null(second);
	rpc_snapshot_release(fx->newest);

	cfg.listen_url = "bogus://nowhere";
	rpc_snapshot_hold(fx->newest);
	assert_true(rpc_node_start(&second, &cfg, fx->newest) != 0);
	assert_null(second);
	rpc_snapshot_release(fx->newest);

	assert_int_equal(atomic_load(&fx->newest->refs), 2);
	rpc_node_stop(n);
	assert_int_equal(atomic_load(&fx->newest->refs), 1);
}

static void
node_async_many_in_flight(void **state)
{
	fixture *fx = *state;
	char url[128];
	const char *urls[] = {url};
	rpc_client_stats stats;
	rpc_node *n;
	rpc_client *c;
	batch *b = batch_new();

	ipc_url(fx, "async.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	c = open_client(urls, 1, 0, 5000);

	batch_start_films(c, b, 0, BATCH_CALLS);
	batch_wait(b, BATCH_CALLS);
	for (unsigned i = 0; i < BATCH_CALLS; i++) {
		check_film_outcome(b, i);
		assert_string_equal(b->out[i].node_id, "node-a");
		assert_string_equal(b->out[i].version, fx->newest->version);
	}

	stats_when_idle(c, &stats);
	assert_int_equal(stats.calls, BATCH_CALLS);
	assert_int_equal(stats.failures, 0);

	batch_free(b);
	rpc_client_close(c);
	rpc_node_stop(n);
}

/* Dials url with a raw req socket, bounded by timeouts of ms. */
static nng_socket
raw_req_open(const char *url, nng_duration ms)
{
	nng_socket s;

	assert_int_equal(nng_req0_open(&s), 0);
	assert_int_equal(nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, ms), 0);
	assert_int_equal(nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, ms), 0);
	assert_int_equal(nng_dial(s, url, NULL, 0), 0);
	return s;
}

static void
node_oversized_request_survived(void **state)
{
	fixture *fx = *state;
	char url[128];
	const char *urls[] = {url};
	size_t len = RPC_NODE_MAX_REQUEST + 1;
	uint8_t *big = calloc(1, len);
	nng_socket raw;
	rpc_node *n;
	rpc_client *c;
	void *reply = NULL;
	size_t reply_len = 0;

	assert_non_null(big);
	ipc_url(fx, "big.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	c = open_client(urls, 1, 0, 0);

	/* The node closes the connection, so no reply comes back. */
	raw = raw_req_open(url, 500);
	assert_int_equal(nng_send(raw, big, len, 0), 0);
	assert_int_equal(
	    nng_recv(raw, &reply, &reply_len, NNG_FLAG_ALLOC), NNG_ETIMEDOUT);

	/* The raw socket keeps resending while the node serves others. */
	assert_int_equal(call_film(c, "vertigo-1958"), VERTIGO_LOCATIONS);
	nng_close(raw);
	assert_int_equal(call_film(c, "vertigo-1958"), VERTIGO_LOCATIONS);

	free(big);
	rpc_client_close(c);
	rpc_node_stop(n);
}

static void
node_request_at_max_answered(void **state)
{
	fixture *fx = *state;
	char url[128];
	Sfmovies__Request req = SFMOVIES__REQUEST__INIT;
	Sfmovies__Reply *r;
	nng_socket raw;
	rpc_node *n;
	uint8_t *frame;
	size_t len;
	void *reply = NULL;
	size_t reply_len = 0;

	/* A STATUS request padded to exactly RPC_NODE_MAX_REQUEST bytes by
	 * a payload, which STATUS ignores. The payload length varint takes
	 * 3 bytes and each other field header 1 byte. */
	req.method = SFMOVIES__METHOD__METHOD_STATUS;
	req.request_id = 7;
	req.payload.len = RPC_NODE_MAX_REQUEST - 2 - 2 - 1 - 3;
	req.payload.data = calloc(1, req.payload.len);
	assert_non_null(req.payload.data);
	len = sfmovies__request__get_packed_size(&req);
	assert_int_equal(len, RPC_NODE_MAX_REQUEST);
	frame = malloc(len);
	assert_non_null(frame);
	sfmovies__request__pack(&req, frame);

	ipc_url(fx, "max.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	raw = raw_req_open(url, 5000);
	assert_int_equal(nng_send(raw, frame, len, 0), 0);
	assert_int_equal(nng_recv(raw, &reply, &reply_len, NNG_FLAG_ALLOC), 0);
	r = sfmovies__reply__unpack(NULL, reply_len, reply);
	assert_non_null(r);
	assert_int_equal(r->code, SFMOVIES__CODE__CODE_OK);
	assert_int_equal(r->request_id, 7);
	sfmovies__reply__free_unpacked(r, NULL);

	nng_free(reply, reply_len);
	nng_close(raw);
	free(frame);
	free(req.payload.data);
	rpc_node_stop(n);
}

static void
node_garbage_frame_rejected(void **state)
{
	fixture *fx = *state;
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	char url[128];
	Sfmovies__Reply *r;
	nng_socket raw;
	rpc_node *n;
	void *reply = NULL;
	size_t reply_len = 0;

	ipc_url(fx, "garbage.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	raw = raw_req_open(url, 5000);

	assert_int_equal(nng_send(raw, (void *)garbage, sizeof(garbage), 0), 0);
	assert_int_equal(nng_recv(raw, &reply, &reply_len, NNG_FLAG_ALLOC), 0);
	r = sfmovies__reply__unpack(NULL, reply_len, reply);
	assert_non_null(r);
	assert_int_equal(r->code, SFMOVIES__CODE__CODE_INVALID_ARGUMENT);
	assert_string_equal(r->argument, "request");
	assert_string_equal(r->node_id, "node-a");
	assert_int_equal(r->payload.len, 0);
	sfmovies__reply__free_unpacked(r, NULL);
	nng_free(reply, reply_len);

	/* An empty frame is an empty Request, whose method 0 is unknown. */
	assert_int_equal(nng_send(raw, (void *)garbage, 0, 0), 0);
	assert_int_equal(nng_recv(raw, &reply, &reply_len, NNG_FLAG_ALLOC), 0);
	r = sfmovies__reply__unpack(NULL, reply_len, reply);
	assert_non_null(r);
	assert_int_equal(r->code, SFMOVIES__CODE__CODE_UNIMPLEMENTED);
	sfmovies__reply__free_unpacked(r, NULL);
	nng_free(reply, reply_len);

	nng_close(raw);
	rpc_node_stop(n);
}

static void
node_two_nodes_both_used(void **state)
{
	fixture *fx = *state;
	char url_a[128];
	char url_b[128];
	const char *urls[] = {url_a, url_b};
	rpc_node *a;
	rpc_node *b;
	rpc_client *c;

	ipc_url(fx, "both-a.ipc", url_a, sizeof(url_a));
	ipc_url(fx, "both-b.ipc", url_b, sizeof(url_b));
	a = start_node(url_a, "node-a", fx->newest);
	b = start_node(url_b, "node-b", fx->newest);
	c = open_client(urls, 2, 0, 0);

	assert_true(both_nodes_reply(c, "node-a", "node-b"));

	rpc_client_close(c);
	rpc_node_stop(a);
	rpc_node_stop(b);
}

static void
node_stop_fails_over(void **state)
{
	fixture *fx = *state;
	char url_a[128];
	char url_b[128];
	const char *urls[] = {url_a, url_b};
	rpc_client_stats stats;
	rpc_node *a;
	rpc_node *b;
	rpc_client *c;
	batch *calls = batch_new();
	unsigned half = BATCH_CALLS / 2;

	ipc_url(fx, "stop-a.ipc", url_a, sizeof(url_a));
	ipc_url(fx, "stop-b.ipc", url_b, sizeof(url_b));
	a = start_node(url_a, "node-a", fx->newest);
	b = start_node(url_b, "node-b", fx->newest);
	c = open_client(urls, 2, 0, 5000);
	assert_true(both_nodes_reply(c, "node-a", "node-b"));

	/* Node a stops with calls in flight, and nng resends them to node b. */
	batch_start_films(c, calls, 0, half);
	rpc_node_stop(a);
	batch_start_films(c, calls, half, BATCH_CALLS);
	batch_wait(calls, BATCH_CALLS);
	for (unsigned i = 0; i < BATCH_CALLS; i++) {
		check_film_outcome(calls, i);
	}
	for (unsigned i = half; i < BATCH_CALLS; i++) {
		assert_string_equal(calls->out[i].node_id, "node-b");
	}

	stats_when_idle(c, &stats);
	assert_int_equal(stats.failures, 0);

	batch_free(calls);
	rpc_client_close(c);
	rpc_node_stop(b);
}

static void
pipe_added(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	atomic_int *connected = arg;

	atomic_fetch_add(connected, 1);
}

static void
node_hung_peer_retried(void **state)
{
	fixture *fx = *state;
	char url_a[128];
	char url_hung[128];
	const char *urls[] = {url_hung, url_a};
	atomic_int connected = 0;
	rpc_client_stats stats;
	nng_socket hung;
	rpc_node *a;
	rpc_client *c;
	batch *calls = batch_new();
	const unsigned ncalls = 20;

	/* A rep socket that accepts requests and never replies, like a
	 * node that hangs without closing its connections. */
	ipc_url(fx, "hung.ipc", url_hung, sizeof(url_hung));
	ipc_url(fx, "hung-a.ipc", url_a, sizeof(url_a));
	assert_int_equal(nng_rep0_open(&hung), 0);
	assert_int_equal(
	    nng_pipe_notify(hung, NNG_PIPE_EV_ADD_POST, pipe_added, &connected),
	    0);
	assert_int_equal(nng_listen(hung, url_hung, NULL, 0), 0);
	a = start_node(url_a, "node-a", fx->newest);
	c = open_client(urls, 2, 100, 5000);

	/* Wait until the client has connected to the hung peer, then make
	 * one call, which only node a can complete. */
	for (int i = 0; i < 500 && atomic_load(&connected) == 0; i++) {
		nng_msleep(10);
	}
	assert_true(atomic_load(&connected) > 0);
	assert_int_equal(call_film(c, "vertigo-1958"), VERTIGO_LOCATIONS);

	batch_start_films(c, calls, 0, ncalls);
	batch_wait(calls, ncalls);
	for (unsigned i = 0; i < ncalls; i++) {
		check_film_outcome(calls, i);
		assert_string_equal(calls->out[i].node_id, "node-a");
	}

	/* Round-robin sent some attempts to the hung peer. Each of those
	 * timed out and was resent. */
	stats_when_idle(c, &stats);
	assert_true(stats.retries > 0);
	assert_int_equal(stats.failures, 0);
	assert_int_equal(stats.timeouts, 0);

	batch_free(calls);
	rpc_client_close(c);
	rpc_node_stop(a);
	nng_close(hung);
}

static void
node_none_up_deadline(void **state)
{
	fixture *fx = *state;
	char url[128];
	const char *urls[] = {url};
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	rpc_client_stats stats;
	rpc_client *c;
	char message[256] = "";
	uint8_t *payload = NULL;
	size_t len = 0;

	ipc_url(fx, "nobody.ipc", url, sizeof(url));
	c = open_client(urls, 1, 50, 2000);

	req.id = "vertigo-1958";
	assert_int_equal(
	    rpc_client_call_sync(c, SFMOVIES__METHOD__METHOD_FILM, &req.base,
	        300, &payload, &len, message, sizeof(message)),
	    SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED);
	assert_null(payload);
	assert_true(message[0] != '\0');

	stats_when_idle(c, &stats);
	assert_int_equal(stats.calls, 1);
	assert_int_equal(stats.failures, 1);
	assert_int_equal(stats.timeouts, 1);
	rpc_client_close(c);
}

static void
node_swap_during_calls(void **state)
{
	fixture *fx = *state;
	char url[128];
	const char *urls[] = {url};
	rpc_client_stats stats;
	Sfmovies__StatusReply *r;
	rpc_node *n;
	rpc_client *c;
	batch *calls = batch_new();
	unsigned half = BATCH_CALLS / 2;

	assert_string_not_equal(fx->newest->version, fx->older->version);
	ipc_url(fx, "swap.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	c = open_client(urls, 1, 0, 5000);
	assert_int_equal(call_film(c, "vertigo-1958"), VERTIGO_LOCATIONS);

	batch_start_films(c, calls, 0, half);
	rpc_snapshot_hold(fx->older);
	rpc_node_swap(n, fx->older);
	batch_start_films(c, calls, half, BATCH_CALLS);
	batch_wait(calls, BATCH_CALLS);

	for (unsigned i = 0; i < BATCH_CALLS; i++) {
		check_film_outcome(calls, i);
	}
	for (unsigned i = 0; i < half; i++) {
		assert_true(
		    strcmp(calls->out[i].version, fx->newest->version) == 0 ||
		    strcmp(calls->out[i].version, fx->older->version) == 0);
	}
	/* Calls started after the swap returned see only the new data. */
	for (unsigned i = half; i < BATCH_CALLS; i++) {
		assert_string_equal(calls->out[i].version, fx->older->version);
	}

	r = call_status(c);
	assert_string_equal(r->dataset_version, fx->older->version);
	assert_int_equal(r->films, OLDER_FILMS);
	assert_int_equal(r->locations, OLDER_LOCATIONS);
	sfmovies__status_reply__free_unpacked(r, NULL);

	stats_when_idle(c, &stats);
	assert_int_equal(stats.failures, 0);

	batch_free(calls);
	rpc_client_close(c);
	rpc_node_stop(n);

	/* The node dropped its references to both snapshots. */
	assert_int_equal(atomic_load(&fx->newest->refs), 1);
	assert_int_equal(atomic_load(&fx->older->refs), 1);
}

static void
node_starts_without_snapshot(void **state)
{
	fixture *fx = *state;
	char url[128];
	const char *urls[] = {url};
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	Sfmovies__StatusReply *r;
	rpc_node *n;
	rpc_client *c;
	char message[256] = "";
	uint8_t *payload = NULL;
	size_t len = 0;

	ipc_url(fx, "empty.ipc", url, sizeof(url));
	n = start_node(url, "node-a", NULL);
	c = open_client(urls, 1, 0, 0);

	req.id = "vertigo-1958";
	assert_int_equal(
	    rpc_client_call_sync(c, SFMOVIES__METHOD__METHOD_FILM, &req.base, 0,
	        &payload, &len, message, sizeof(message)),
	    SFMOVIES__CODE__CODE_UNAVAILABLE);
	r = call_status(c);
	assert_int_equal(r->films, 0);
	assert_string_equal(r->dataset_version, "");
	sfmovies__status_reply__free_unpacked(r, NULL);

	rpc_snapshot_hold(fx->newest);
	rpc_node_swap(n, fx->newest);
	assert_int_equal(call_film(c, "vertigo-1958"), VERTIGO_LOCATIONS);

	rpc_client_close(c);
	rpc_node_stop(n);
}

static void
node_client_stats_counted(void **state)
{
	fixture *fx = *state;
	char url[128];
	const char *urls[] = {url};
	Sfmovies__FilmRequest req = SFMOVIES__FILM_REQUEST__INIT;
	rpc_client_stats stats;
	rpc_node *n;
	rpc_client *c;
	char message[256] = "";
	uint8_t *payload = NULL;
	size_t len = 0;

	ipc_url(fx, "stats.ipc", url, sizeof(url));
	n = start_node(url, "node-a", fx->newest);
	c = open_client(urls, 1, 0, 5000);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    call_film(c, "vertigo-1958"), VERTIGO_LOCATIONS);
	}
	req.id = "no-such-film";
	assert_int_equal(
	    rpc_client_call_sync(c, SFMOVIES__METHOD__METHOD_FILM, &req.base, 0,
	        &payload, &len, message, sizeof(message)),
	    SFMOVIES__CODE__CODE_NOT_FOUND);

	stats_when_idle(c, &stats);
	assert_int_equal(stats.calls, 4);
	assert_int_equal(stats.failures, 1);
	assert_int_equal(stats.timeouts, 0);

	rpc_client_close(c);
	rpc_node_stop(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(node_sync_calls),
	    cmocka_unit_test(node_ipc_mode_0600),
	    cmocka_unit_test(node_tcp_port_zero),
	    cmocka_unit_test(node_port_zero_for_ipc),
	    cmocka_unit_test(node_start_address_in_use),
	    cmocka_unit_test(node_async_many_in_flight),
	    cmocka_unit_test(node_oversized_request_survived),
	    cmocka_unit_test(node_request_at_max_answered),
	    cmocka_unit_test(node_garbage_frame_rejected),
	    cmocka_unit_test(node_two_nodes_both_used),
	    cmocka_unit_test(node_stop_fails_over),
	    cmocka_unit_test(node_hung_peer_retried),
	    cmocka_unit_test(node_none_up_deadline),
	    cmocka_unit_test(node_swap_during_calls),
	    cmocka_unit_test(node_starts_without_snapshot),
	    cmocka_unit_test(node_client_stats_counted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
