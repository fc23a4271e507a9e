/*
 * `sfmovies node`: runs one query node until SIGINT or SIGTERM.
 */
#include "rpc_node_cmd.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>

#include "rpc_args.h"
#include "rpc_log.h"
#include "rpc_node.h"
#include "rpc_snapshot.h"

static const char node_usage[] =
    "usage: sfmovies node [--listen URL] [--snapshot FILE] [--id ID]\n"
    "                     [--workers N]\n"
    "\n"
    "Serves queries over nng req/rep from a dataset snapshot (written by\n"
    "'sfmovies dataset build').\n"
    "\n"
    "  --listen URL     address to listen on: tcp://HOST:PORT or ipc:///PATH\n"
    "                   (default tcp://127.0.0.1:7100; ipc sockets get mode "
    "0600)\n"
    "  --snapshot FILE  dataset snapshot to serve\n"
    "  --id ID          node id in replies and logs (default node-PID)\n"
    "  --workers N      requests handled at once, 1 to 4096 (default 64)\n";

typedef struct node_args {
	const char *listen;
	const char *snapshot;
	const char *id;
	unsigned workers;
} node_args;

static int
node_parse(int argc, char **argv, node_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(node_usage, stdout);
			return 1;
		}
		if (strcmp(argv[i], "--listen") == 0 ||
		    strcmp(argv[i], "--snapshot") == 0 ||
		    strcmp(argv[i], "--id") == 0 ||
		    strcmp(argv[i], "--workers") == 0) {
			if ((v = rpc_args_value(argc, argv, &i)) == NULL) {
				return -1;
			}
		} else {
			fprintf(stderr,
			    "sfmovies: unknown node option \"%s\"; "
			    "run 'sfmovies node --help'\n",
			    argv[i]);
			return -1;
		}
		if (strcmp(argv[i - 1], "--listen") == 0) {
			a->listen = v;
		} else if (strcmp(argv[i - 1], "--snapshot") == 0) {
			a->snapshot = v;
		} else if (strcmp(argv[i - 1], "--id") == 0) {
			a->id = v;
		} else if (rpc_args_unsigned(
		               "--workers", v, 1, 4096, &a->workers) != 0) {
			return -1;
		}
	}
	return 0;
}

/* Blocks SIGINT and SIGTERM in this thread and every thread it starts
 * later (nng's), so sigwait in main receives them. */
static void
node_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

int
rpc_node_main(int argc, char **argv)
{
	node_args a = {"tcp://127.0.0.1:7100", NULL, NULL, 0};
	rpc_node_config cfg;
	rpc_snapshot *snap = NULL;
	rpc_node *node;
	char id[64];
	char err[512];
	sigset_t set;
	int sig, rv;

	if ((rv = node_parse(argc, argv, &a)) != 0) {
		return rv > 0 ? 0 : 2;
	}
	rpc_log_set_component("node");
	snprintf(id, sizeof(id), "%s", a.id ? a.id : "");
	if (a.id == NULL) {
		snprintf(id, sizeof(id), "node-%ld", (long)getpid());
	}
	if (a.snapshot != NULL &&
	    rpc_snapshot_load_file(a.snapshot, &snap, err, sizeof(err)) != 0) {
		rpc_log_error("cannot load snapshot", "node", id, "error", err);
		return 1;
	}

	node_block_signals(&set);
	cfg.listen_url = a.listen;
	cfg.node_id = id;
	cfg.workers = a.workers;
	if ((rv = rpc_node_start(&node, &cfg, snap)) != 0) {
		rpc_log_error("cannot start node", "node", id, "url", a.listen,
		    "error", nng_strerror(rv));
		rpc_snapshot_release(snap);
		return 1;
	}
	rpc_log_info("node started", "node", id, "url", a.listen, "version",
	    snap ? snap->version : "none");

	sigwait(&set, &sig);
	rpc_log_info("node stopping", "node", id, "signal",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	rpc_node_stop(node);
	rpc_log_info("node stopped", "node", id);
	return 0;
}
