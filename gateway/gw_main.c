#include "gw_main.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw_config.h"
#include "gw_server.h"
#include "rpc_log.h"
#include "rpc_tls.h"

/* Joins the node URLs with commas for the start log line. */
static void
gw_join_nodes(const gw_config *cfg, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < cfg->nnodes && used < len; i++) {
		int n = snprintf(out + used, len - used, "%s%s",
		    i > 0 ? "," : "", cfg->nodes[i]);

		if (n < 0) {
			break;
		}
		used += (size_t)n;
	}
}

/* Checks the --ui and --openapi paths, so that a wrong one is a usage
 * error like any other invalid flag value. */
static int
gw_check_paths(const gw_config *cfg, char *err, size_t len)
{
	struct stat st;

	if (cfg->ui_dir != NULL &&
	    (stat(cfg->ui_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		snprintf(err, len,
		    "--ui %s: not a folder; give the folder of "
		    "the map page's files",
		    cfg->ui_dir);
		return -1;
	}
	if (cfg->posters != NULL &&
	    (stat(cfg->posters, &st) != 0 || !S_ISDIR(st.st_mode))) {
		snprintf(err, len,
		    "--posters %s: not a folder; give the folder of "
		    "the posters that the manager stores",
		    cfg->posters);
		return -1;
	}
	if (cfg->openapi != NULL && access(cfg->openapi, R_OK) != 0) {
		snprintf(err, len, "--openapi %s: %s", cfg->openapi,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
gw_main(int argc, char **argv)
{
	gw_config cfg;
	gw_server *srv;
	sigset_t stop;
	char err[512];
	char nodes[1024];
	char num[3][24];
	int sig;
	int rv;

	rv = gw_config_parse(&cfg, argc, argv, err, sizeof(err));
	if (rv == GW_CONFIG_HELP) {
		gw_config_usage(stdout);
		return 0;
	}
	if (rv != GW_CONFIG_RUN) {
		fprintf(stderr, "sfmovies gateway: %s\n", err);
		return 2;
	}
	if ((rv = gw_check_paths(&cfg, err, sizeof(err))) != 0) {
		fprintf(stderr, "sfmovies gateway: %s\n", err);
		return 2;
	}
	rpc_log_set_component("gateway");
	rpc_tls_set(&(rpc_tls){cfg.tls_cert_key, cfg.tls_ca});

	/* Every thread started from here on inherits the blocked signals,
	 * so only sigwait below receives them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (gw_server_start(&srv, &cfg, err, sizeof(err)) != 0) {
		rpc_log_error("gateway failed to start", "err", err);
		fprintf(stderr, "sfmovies gateway: %s\n", err);
		return 1;
	}
	gw_join_nodes(&cfg, nodes, sizeof(nodes));
	snprintf(num[0], sizeof(num[0]), "%u", gw_server_port(srv));
	snprintf(num[1], sizeof(num[1]), "%u", cfg.threads);
	snprintf(num[2], sizeof(num[2]), "%zu", cfg.cache_mb);
	rpc_log_info("gateway started", "listen", cfg.listen, "port", num[0],
	    "nodes", nodes, "threads", num[1], "cache_mb", num[2]);

	if (sigwait(&stop, &sig) != 0) {
		sig = SIGTERM;
	}
	rpc_log_info(
	    "gateway stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
	gw_server_stop(srv);
	rpc_log_info("gateway stopped");
	return 0;
}
