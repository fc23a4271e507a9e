/*
 * `sfmovies node`: runs one query node until SIGINT or SIGTERM, optionally
 * linked to a manager that pushes dataset versions and surveys health.
 */
#include "rpc_node_cmd.h"

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>

#include "rpc_args.h"
#include "rpc_file.h"
#include "rpc_log.h"
#include "rpc_node.h"
#include "rpc_snapshot.h"
#include "rpc_sync.h"
#include "rpc_tls.h"

static const char node_usage[] =
    "usage: sfmovies node [--listen URL] [--snapshot FILE] [--state FILE]\n"
    "                     [--manager-bus URL --manager-survey URL]\n"
    "                     [--id ID] [--workers N]\n"
    "\n"
    "Serves queries over nng req/rep from a dataset snapshot.\n"
    "\n"
    "  --listen URL          address to listen on: tcp://HOST:PORT or\n"
    "                        ipc:///PATH (default tcp://127.0.0.1:7100;\n"
    "                        ipc sockets get mode 0600)\n"
    "  --snapshot FILE       snapshot to serve (from 'sfmovies dataset "
    "build')\n"
    "  --state FILE          where the node keeps the dataset it serves:\n"
    "                        --snapshot at start-up, then each version\n"
    "                        the manager sends; served at start-up when\n"
    "                        it exists, in preference to --snapshot\n"
    "  --manager-bus URL     the manager's announcement bus to dial\n"
    "  --manager-survey URL  the manager's health survey address to dial\n"
    "  --id ID               node id in replies and logs (default node-PID)\n"
    "  --workers N           requests handled at once, 1 to 4096 (default "
    "64)\n";

typedef struct node_args {
	const char *listen;
	const char *snapshot;
	const char *state;
	const char *bus;
	const char *survey;
	const char *id;
	unsigned workers;
	rpc_tls tls;
} node_args;

/* Returns where a string flag's value goes, or NULL for another flag. */
static const char **
node_string_flag(node_args *a, const char *flag)
{
	static const struct {
		const char *flag;
		size_t offset;
	} flags[] = {
	    {"--listen", offsetof(node_args, listen)},
	    {"--snapshot", offsetof(node_args, snapshot)},
	    {"--state", offsetof(node_args, state)},
	    {"--manager-bus", offsetof(node_args, bus)},
	    {"--manager-survey", offsetof(node_args, survey)},
	    {"--id", offsetof(node_args, id)},
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strcmp(flag, flags[i].flag) == 0) {
			return (const char **)((char *)a + flags[i].offset);
		}
	}
	return NULL;
}

static int
node_parse(int argc, char **argv, node_args *a)
{
	int rv;

	for (int i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const char **dst;
		const char *v;

		if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
			fputs(node_usage, stdout);
			return 1;
		}
		if ((rv = rpc_tls_flag(argc, argv, &i, &a->tls)) != 0) {
			if (rv < 0) {
				return -1;
			}
			continue;
		}
		dst = node_string_flag(a, flag);
		if (dst == NULL && strcmp(flag, "--workers") != 0) {
			fprintf(stderr,
			    "sfmovies: unknown node option \"%s\"; run "
			    "'sfmovies node --help'\n",
			    flag);
			return -1;
		}
		if ((v = rpc_args_value(argc, argv, &i)) == NULL) {
			return -1;
		}
		if (dst != NULL) {
			*dst = v;
		} else if (rpc_args_unsigned(flag, v, 1, 4096, &a->workers)) {
			return -1;
		}
	}
	if ((a->bus == NULL) != (a->survey == NULL)) {
		fprintf(stderr,
		    "sfmovies: --manager-bus and --manager-survey "
		    "go together\n");
		return -1;
	}
	return 0;
}

/*
 * Loads the --snapshot file and keeps a copy as the state. A node that up
 * starts gets its first version from the manager this way, not by an
 * announcement, and must serve that version again after a restart
 * without the manager. A failure to keep the copy is logged, not fatal.
 */
static int
node_load_snapshot(const node_args *a, const char *id, rpc_snapshot **snap)
{
	char err[512], why[256];
	size_t len;
	char *data;

	if (rpc_file_read(a->snapshot, RPC_SNAPSHOT_MAX_BYTES, &data, &len, err,
	        sizeof(err)) != 0) {
		rpc_log_error("cannot load snapshot", "node", id, "error", err);
		return -1;
	}
	if (rpc_snapshot_decode(
	        (const uint8_t *)data, len, snap, why, sizeof(why)) != 0) {
		snprintf(
		    err, sizeof(err), "cannot load %s: %s", a->snapshot, why);
		rpc_log_error("cannot load snapshot", "node", id, "error", err);
		free(data);
		return -1;
	}
	if (a->state != NULL &&
	    rpc_snapshot_write_file(
	        a->state, (const uint8_t *)data, len, err, sizeof(err)) != 0) {
		rpc_log_error("cannot persist dataset", "node", id, "path",
		    a->state, "error", err);
	}
	free(data);
	return 0;
}

/* Loads the kept state when it exists, else the given snapshot; a node
 * may also start empty and wait for the manager's announcement. */
static int
node_load(const node_args *a, const char *id, rpc_snapshot **snap)
{
	char err[512];

	*snap = NULL;
	if (a->state != NULL && access(a->state, F_OK) == 0) {
		if (rpc_snapshot_load_file(a->state, snap, err, sizeof(err)) ==
		    0) {
			return 0;
		}
		rpc_log_warn(
		    "ignoring damaged state", "node", id, "error", err);
	}
	if (a->snapshot != NULL) {
		return node_load_snapshot(a, id, snap);
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

static int
node_link(const node_args *a, const char *id, rpc_node *node, rpc_sync **sync)
{
	rpc_sync_config cfg = {a->bus, a->survey, a->listen, a->state};
	int rv;

	*sync = NULL;
	if (a->bus == NULL) {
		return 0;
	}
	if ((rv = rpc_sync_start(sync, &cfg, node)) != 0) {
		rpc_log_error("cannot link to the manager", "node", id, "bus",
		    a->bus, "error", nng_strerror(rv));
		return -1;
	}
	return 0;
}

int
rpc_node_main(int argc, char **argv)
{
	node_args a = {.listen = "tcp://127.0.0.1:7100"};
	rpc_node_config cfg;
	rpc_snapshot *snap;
	rpc_node *node;
	rpc_sync *sync;
	char id[64];
	sigset_t set;
	int sig, rv;

	if ((rv = node_parse(argc, argv, &a)) != 0) {
		return rv > 0 ? 0 : 2;
	}
	rpc_log_set_component("node");
	if (a.id != NULL) {
		snprintf(id, sizeof(id), "%s", a.id);
	} else {
		snprintf(id, sizeof(id), "node-%ld", (long)getpid());
	}
	if (node_load(&a, id, &snap) != 0) {
		return 1;
	}

	rpc_tls_set(&a.tls);
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
	if (node_link(&a, id, node, &sync) != 0) {
		rpc_node_stop(node);
		return 1;
	}
	rpc_log_info("node started", "node", id, "url", a.listen, "version",
	    snap ? snap->version : "none");

	sigwait(&set, &sig);
	rpc_log_info("node stopping", "node", id, "signal",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	rpc_sync_stop(sync);
	rpc_node_stop(node);
	rpc_log_info("node stopped", "node", id);
	return 0;
}
