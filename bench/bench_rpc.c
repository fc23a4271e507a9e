/*
 * Throughput of the RPC path against raw nng req/rep: how many replies per
 * second a client with many requests in flight gets from
 *   - an echo server (an nng rep socket that returns each message), and
 *   - a query node (rpc_node) serving calls from a snapshot.
 * Server and client run in separate processes, as in production:
 *
 *   bench_rpc serve-echo URL
 *   bench_rpc serve-node URL SNAPSHOT
 *   bench_rpc client-echo URL SECONDS INFLIGHT
 *   bench_rpc client-rpc URL SECONDS INFLIGHT [complete|status]
 *
 * The echo client sends BENCH_ECHO_BYTES-byte messages. The RPC client
 * sends COMPLETE calls for keystroke prefixes (the default), or STATUS
 * calls, which do no query work and so measure the RPC layer alone. Each
 * client warms up for one second, counts replies for SECONDS, and prints
 * one line with the rate and its own CPU time per reply. The servers run
 * until SIGTERM or SIGINT, then print to stderr how many requests they
 * served and their CPU time per request since they started serving.
 * scripts/bench-rpc starts the pairs and prints both rates.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#include "rpc_client.h"
#include "rpc_node.h"
#include "rpc_snapshot.h"

#define BENCH_MAX_INFLIGHT 1024
#define BENCH_MAX_SECONDS  3600.0
#define BENCH_ECHO_BYTES   200
#define BENCH_ECHO_WORKERS 64 /* contexts of the echo server, as a node's */

/* The terms a user types, one keystroke at a time. */
static const char *const bench_terms[] = {"c", "cl", "cli", "clin", "clint",
    "clint e", "clint ea", "v", "ve", "ver", "vert", "verti", "g", "go", "gol",
    "gold", "golde", "golden", "golden g", "m", "mi", "mis", "miss", "missi",
    "missio", "mission", "s", "sa", "san", "san f"};
#define BENCH_NTERMS (sizeof(bench_terms) / sizeof(bench_terms[0]))

static volatile sig_atomic_t bench_stop;

static void
bench_on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

/* Blocks until SIGTERM or SIGINT. */
static void
bench_wait_for_signal(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!bench_stop) {
		pause();
	}
}

static void
bench_sleep(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Returns the CPU seconds this process has used, user and system. */
static void
bench_cpu(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Prints a server's requests and CPU time per request since user0/sys0. */
static void
bench_report_server(
    const char *what, uint64_t requests, double user0, double sys0)
{
	double user, sys;

	bench_cpu(&user, &sys);
	user -= user0;
	sys -= sys0;
	if (requests == 0) {
		fprintf(stderr, "bench_rpc: %s served no requests\n", what);
		return;
	}
	fprintf(stderr,
	    "bench_rpc: %s served %llu requests, CPU %.2f us each "
	    "(user %.2f, system %.2f)\n",
	    what, (unsigned long long)requests,
	    (user + sys) * 1e6 / (double)requests,
	    user * 1e6 / (double)requests, sys * 1e6 / (double)requests);
}

static atomic_uint_fast64_t bench_echoed;

typedef struct bench_echo_work {
	nng_aio *aio;
	nng_ctx ctx;
	int sending;
} bench_echo_work;

static void
bench_echo_recv(bench_echo_work *w)
{
	w->sending = 0;
	nng_ctx_recv(w->ctx, w->aio);
}

static void
bench_echo_cb(void *arg)
{
	bench_echo_work *w = arg;
	int rv = nng_aio_result(w->aio);

	if (rv != 0) {
		if (w->sending) {
			nng_msg_free(nng_aio_get_msg(w->aio));
			nng_aio_set_msg(w->aio, NULL);
		}
		if (rv != NNG_ECLOSED && rv != NNG_ECANCELED) {
			bench_echo_recv(w);
		}
		return;
	}
	if (!w->sending) {
		/* The received message goes straight back. */
		atomic_fetch_add(&bench_echoed, 1);
		w->sending = 1;
		nng_ctx_send(w->ctx, w->aio);
		return;
	}
	bench_echo_recv(w);
}

static int
bench_serve_echo(const char *url)
{
	static bench_echo_work works[BENCH_ECHO_WORKERS];
	nng_socket sock;
	double user0, sys0;
	int rv;

	if ((rv = nng_rep0_open(&sock)) != 0 ||
	    (rv = nng_listen(sock, url, NULL, 0)) != 0) {
		fprintf(stderr, "bench_rpc: cannot listen on %s: %s\n", url,
		    nng_strerror(rv));
		return 1;
	}
	for (int i = 0; i < BENCH_ECHO_WORKERS; i++) {
		if ((rv = nng_aio_alloc(
		         &works[i].aio, bench_echo_cb, &works[i])) != 0 ||
		    (rv = nng_ctx_open(&works[i].ctx, sock)) != 0) {
			fprintf(stderr,
			    "bench_rpc: cannot start the echo "
			    "server: %s\n",
			    nng_strerror(rv));
			return 1;
		}
		bench_echo_recv(&works[i]);
	}
	bench_cpu(&user0, &sys0);
	bench_wait_for_signal();
	bench_report_server(
	    "echo server", atomic_load(&bench_echoed), user0, sys0);

	/* The process exits without closing the socket, because stopping
	 * the aios and closing hung twice in about twenty runs of the echo
	 * server and client with nng 1.5.2. */
	return 0;
}

static int
bench_serve_node(const char *url, const char *path)
{
	rpc_node_config cfg = {url, "bench", 0};
	rpc_snapshot *snap;
	rpc_node *node;
	rpc_node_info info;
	double user0, sys0;
	char err[512];
	int rv;

	if (rpc_snapshot_load_file(path, &snap, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_rpc: %s\n", err);
		return 1;
	}
	if ((rv = rpc_node_start(&node, &cfg, snap)) != 0) {
		fprintf(stderr, "bench_rpc: cannot start node on %s: %s\n", url,
		    nng_strerror(rv));
		rpc_snapshot_release(snap);
		return 1;
	}
	bench_cpu(&user0, &sys0);
	bench_wait_for_signal();
	rpc_node_get_info(node, &info);
	bench_report_server("node", info.queries, user0, sys0);
	rpc_node_stop(node);
	return 0;
}

static atomic_uint_fast64_t bench_replies;
static atomic_uint_fast64_t bench_reply_bytes;
static atomic_uint_fast64_t bench_failures;
static atomic_uint_fast64_t bench_next_term;
static atomic_int bench_running = 1;

/* What a client measured over its window. */
typedef struct bench_window {
	double rate;       /* replies per second */
	double mean_bytes; /* per reply */
	double cpu_us;     /* the client's CPU time per reply */
} bench_window;

/* Counts replies over the measured window after a one-second warm-up. */
static void
bench_measure(double seconds, bench_window *out)
{
	uint64_t replies, bytes;
	double t0, user0, sys0, user, sys;

	bench_sleep(1.0);
	replies = atomic_load(&bench_replies);
	bytes = atomic_load(&bench_reply_bytes);
	bench_cpu(&user0, &sys0);
	t0 = bench_now();
	bench_sleep(seconds);
	replies = atomic_load(&bench_replies) - replies;
	bytes = atomic_load(&bench_reply_bytes) - bytes;
	out->rate = (double)replies / (bench_now() - t0);
	bench_cpu(&user, &sys);
	out->mean_bytes = replies > 0 ? (double)bytes / (double)replies : 0;
	out->cpu_us = replies > 0
	    ? (user - user0 + sys - sys0) * 1e6 / (double)replies
	    : 0;
}

typedef struct bench_req_work {
	nng_aio *aio;
	nng_ctx ctx;
	int sending;
} bench_req_work;

static void
bench_req_send(bench_req_work *w)
{
	nng_msg *msg;
	int rv;

	if ((rv = nng_msg_alloc(&msg, BENCH_ECHO_BYTES)) != 0) {
		fprintf(stderr, "bench_rpc: %s\n", nng_strerror(rv));
		atomic_fetch_add(&bench_failures, 1);
		return;
	}
	memset(nng_msg_body(msg), 'x', BENCH_ECHO_BYTES);
	w->sending = 1;
	nng_aio_set_msg(w->aio, msg);
	nng_ctx_send(w->ctx, w->aio);
}

static void
bench_req_cb(void *arg)
{
	bench_req_work *w = arg;
	int rv = nng_aio_result(w->aio);
	nng_msg *msg;

	if (rv != 0) {
		if (w->sending) {
			nng_msg_free(nng_aio_get_msg(w->aio));
		}
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED) {
			return;
		}
		atomic_fetch_add(&bench_failures, 1);
	} else if (w->sending) {
		w->sending = 0;
		nng_ctx_recv(w->ctx, w->aio);
		return;
	} else {
		msg = nng_aio_get_msg(w->aio);
		atomic_fetch_add(&bench_reply_bytes, nng_msg_len(msg));
		atomic_fetch_add(&bench_replies, 1);
		nng_msg_free(msg);
	}
	if (atomic_load(&bench_running)) {
		bench_req_send(w);
	}
}

static int
bench_client_echo(const char *url, double seconds, int inflight)
{
	static bench_req_work works[BENCH_MAX_INFLIGHT];
	nng_socket sock;
	bench_window win;
	int rv;

	if ((rv = nng_req0_open(&sock)) != 0 ||
	    (rv = nng_dial(sock, url, NULL, 0)) != 0) {
		fprintf(stderr, "bench_rpc: cannot dial %s: %s\n", url,
		    nng_strerror(rv));
		return 1;
	}
	for (int i = 0; i < inflight; i++) {
		if ((rv = nng_aio_alloc(
		         &works[i].aio, bench_req_cb, &works[i])) != 0 ||
		    (rv = nng_ctx_open(&works[i].ctx, sock)) != 0) {
			fprintf(stderr,
			    "bench_rpc: cannot start the echo "
			    "client: %s\n",
			    nng_strerror(rv));
			return 1;
		}
	}
	for (int i = 0; i < inflight; i++) {
		bench_req_send(&works[i]);
	}
	bench_measure(seconds, &win);
	atomic_store(&bench_running, 0);
	printf("echo replies/s: %.0f (in flight %d, reply bytes %.0f, client "
	       "CPU %.2f us per reply, failures %llu)\n",
	    win.rate, inflight, win.mean_bytes, win.cpu_us,
	    (unsigned long long)atomic_load(&bench_failures));
	fflush(stdout);

	/* As in the echo server, the process exits without closing. */
	return 0;
}

static rpc_client *bench_client;
static Sfmovies__Method bench_method;

static void bench_rpc_next(void);

/* Each completed call starts the next, keeping the same number in flight. */
static void
bench_rpc_cb(void *arg, const rpc_result *res)
{
	(void)arg;
	if (res->code == SFMOVIES__CODE__CODE_OK) {
		atomic_fetch_add(&bench_reply_bytes, res->len);
		atomic_fetch_add(&bench_replies, 1);
	} else {
		atomic_fetch_add(&bench_failures, 1);
	}
	if (atomic_load(&bench_running)) {
		bench_rpc_next();
	}
}

/* Starts the next call. COMPLETE calls go through the terms in turn. */
static void
bench_rpc_next(void)
{
	Sfmovies__CompleteRequest complete = SFMOVIES__COMPLETE_REQUEST__INIT;
	Sfmovies__StatusRequest status = SFMOVIES__STATUS_REQUEST__INIT;
	const ProtobufCMessage *msg = &status.base;
	uint64_t i;

	if (bench_method == SFMOVIES__METHOD__METHOD_COMPLETE) {
		i = atomic_fetch_add(&bench_next_term, 1);
		complete.term = (char *)bench_terms[i % BENCH_NTERMS];
		complete.limit = 10;
		msg = &complete.base;
	}
	if (rpc_client_call(
	        bench_client, bench_method, msg, 0, bench_rpc_cb, NULL) != 0) {
		atomic_fetch_add(&bench_failures, 1);
	}
}

static int
bench_client_rpc(const char *url, double seconds, int inflight)
{
	const char *urls[1] = {url};
	rpc_client_config cfg = {0};
	bench_window win;
	int rv;

	cfg.urls = urls;
	cfg.nurls = 1;
	if ((rv = rpc_client_open(&bench_client, &cfg)) != 0) {
		fprintf(stderr, "bench_rpc: cannot open client: %s\n",
		    nng_strerror(rv));
		return 1;
	}
	for (int i = 0; i < inflight; i++) {
		bench_rpc_next();
	}
	bench_measure(seconds, &win);
	atomic_store(&bench_running, 0);
	printf("rpc replies/s: %.0f (in flight %d, method %s, reply payload "
	       "bytes %.0f, client CPU %.2f us per reply, failures %llu)\n",
	    win.rate, inflight,
	    bench_method == SFMOVIES__METHOD__METHOD_COMPLETE ? "complete"
	                                                      : "status",
	    win.mean_bytes, win.cpu_us,
	    (unsigned long long)atomic_load(&bench_failures));
	fflush(stdout);
	rpc_client_close(bench_client);
	return 0;
}

/* Parses SECONDS and INFLIGHT, or prints why they are invalid and returns
 * -1. */
static int
bench_parse_load(const char *s, const char *n, double *seconds, int *inflight)
{
	char *end;
	long v;

	errno = 0;
	*seconds = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(*seconds > 0) ||
	    *seconds > BENCH_MAX_SECONDS) {
		fprintf(stderr,
		    "bench_rpc: SECONDS must be a number from 0 to %.0f, got "
		    "\"%s\"\n",
		    BENCH_MAX_SECONDS, s);
		return -1;
	}
	errno = 0;
	v = strtol(n, &end, 10);
	if (errno != 0 || end == n || *end != '\0' || v < 1 ||
	    v > BENCH_MAX_INFLIGHT) {
		fprintf(stderr,
		    "bench_rpc: INFLIGHT must be an integer from 1 to %d, got "
		    "\"%s\"\n",
		    BENCH_MAX_INFLIGHT, n);
		return -1;
	}
	*inflight = (int)v;
	return 0;
}

static int
bench_usage(void)
{
	fprintf(stderr,
	    "usage: bench_rpc serve-echo URL\n"
	    "       bench_rpc serve-node URL SNAPSHOT\n"
	    "       bench_rpc client-echo URL SECONDS INFLIGHT\n"
	    "       bench_rpc client-rpc URL SECONDS INFLIGHT "
	    "[complete|status]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	double seconds;
	int inflight;

	if (argc == 3 && strcmp(argv[1], "serve-echo") == 0) {
		return bench_serve_echo(argv[2]);
	}
	if (argc == 4 && strcmp(argv[1], "serve-node") == 0) {
		return bench_serve_node(argv[2], argv[3]);
	}
	if (argc == 5 && strcmp(argv[1], "client-echo") == 0) {
		if (bench_parse_load(argv[3], argv[4], &seconds, &inflight)) {
			return 2;
		}
		return bench_client_echo(argv[2], seconds, inflight);
	}
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "client-rpc") == 0) {
		if (bench_parse_load(argv[3], argv[4], &seconds, &inflight)) {
			return 2;
		}
		bench_method = SFMOVIES__METHOD__METHOD_COMPLETE;
		if (argc == 6 && strcmp(argv[5], "status") == 0) {
			bench_method = SFMOVIES__METHOD__METHOD_STATUS;
		} else if (argc == 6 && strcmp(argv[5], "complete") != 0) {
			fprintf(stderr,
			    "bench_rpc: unknown method \"%s\"; use complete "
			    "or status\n",
			    argv[5]);
			return 2;
		}
		return bench_client_rpc(argv[2], seconds, inflight);
	}
	return bench_usage();
}
