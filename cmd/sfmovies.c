/*
 * The sfmovies binary: one executable whose first argument picks the
 * component to run. Each subcommand's code lives in its component's folder.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gw_main.h"
#include "mgr_ctl.h"
#include "mgr_dataset.h"
#include "mgr_up.h"
#include "rpc_node_cmd.h"

#ifndef SFMOVIES_VERSION
#define SFMOVIES_VERSION "unknown"
#endif

typedef struct cmd_entry {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
} cmd_entry;

static const cmd_entry cmd_table[] = {
    {"dataset", "inspect an export or build a dataset snapshot",
        mgr_dataset_main},
    {"node", "serve queries over nng RPC from a snapshot", rpc_node_main},
    {"gateway", "serve the HTTP/JSON API and the map page", gw_main},
    {"query", "call the query nodes and print the reply as JSON",
        rpc_query_main},
    {"up", "run the manager, the nodes and the gateway on this machine",
        mgr_up_main},
    {"manager", "build, store and publish dataset versions", mgr_manager_main},
    {"ctl", "show the cluster and send commands to the manager", mgr_ctl_main},
};

static void
cmd_usage(FILE *out)
{
	fprintf(out,
	    "usage: sfmovies COMMAND [ARGS]\n\n"
	    "Film locations in San Francisco, served fast.\n\n"
	    "commands:\n");
	for (size_t i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++) {
		fprintf(out, "  %-10s %s\n", cmd_table[i].name,
		    cmd_table[i].summary);
	}
	fprintf(
	    out, "\nRun 'sfmovies COMMAND --help' for a command's options.\n");
}

/*
 * libmongoc initializes itself when the program loads and creates a shared
 * memory segment, /dev/shm/mongoc-PID, for its counters; it removes it only
 * at a clean exit. A process killed with SIGKILL leaves it behind, and a
 * later process that gets the same PID then prints a warning on stderr.
 * Removing the name at once keeps the mapping and leaves nothing behind.
 */
static void
cmd_unlink_mongoc_counters(void)
{
	char name[32];

	snprintf(name, sizeof(name), "/mongoc-%ld", (long)getpid());
	shm_unlink(name);
}

int
main(int argc, char **argv)
{
	cmd_unlink_mongoc_counters();

	if (argc < 2) {
		cmd_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("sfmovies %s\n", SFMOVIES_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++) {
		if (strcmp(argv[1], cmd_table[i].name) == 0) {
			return cmd_table[i].main(argc - 1, argv + 1);
		}
	}
	fprintf(stderr,
	    "sfmovies: unknown command \"%s\"; run 'sfmovies "
	    "--help' for the list\n",
	    argv[1]);
	return 2;
}
