/*
 * `sfmovies up` and `sfmovies manager`. Both run the dataset manager; `up`
 * also starts the query nodes and the gateway on this machine as child
 * processes, links the nodes to the manager over ipc sockets in a private
 * run folder, and restarts any child that exits or stops answering
 * surveys. The main thread waits for signals with sigtimedwait, so
 * SIGCHLD, SIGINT and SIGTERM are handled in its loop, not in handlers.
 */
#include "mgr_up.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgr_ctl.h"
#include "mgr_fetch.h"
#include "mgr_manager.h"
#include "mgr_supervise.h"
#include "rpc_args.h"
#include "rpc_handler.h"
#include "rpc_log.h"
#include "rpc_tls.h"

#define UP_MAX_NODES 32

/* A node whose process runs but which the surveys mark down is hung, and
 * is killed and restarted; a node started less than this long ago is left
 * alone, because it may still be loading its snapshot. */
#define UP_HUNG_GRACE_MS 5000

#define UP_DEFAULT_SOURCE                                                      \
	"https://data.sfgov.org/api/views/yitu-d5am/"                          \
	"rows.csv?accessType=DOWNLOAD"

static const char up_usage[] =
    "usage: sfmovies up [--source FILE|URL] [--nodes N] [--listen ADDR:PORT]\n"
    "                   [--data-dir DIR] [--store SPEC] [--ui DIR]\n"
    "                   [--run-dir DIR] [--refresh-interval HOURS]\n"
    "                   [--keep N] [--force] [--geocode-cache FILE]\n"
    "                   [--omdb-cache FILE] [--nominatim] [--no-geocode]\n"
    "                   [--no-posters]\n"
    "       sfmovies manager [same options, without starting nodes]\n"
    "\n"
    "up runs the whole service on this machine: the dataset manager, the\n"
    "query nodes and the HTTP gateway. It restarts any that exits or stops\n"
    "answering, and stops everything on Ctrl-C or SIGTERM.\n"
    "\n"
    "  --source S         CSV export to serve, a file or an http(s) URL\n"
    "                     (default: DataSF's live export)\n"
    "  --nodes N          query nodes to run, 0 to 32 (default 3; 0 for "
    "manager)\n"
    "  --listen A:P       gateway address (default 127.0.0.1:8080)\n"
    "  --data-dir DIR     dataset versions and node state (default\n"
    "                     ./sfmovies-data)\n"
    "  --store SPEC       where versions are kept: a folder or a mongodb://\n"
    "                     URI (default DATA-DIR/versions)\n"
    "  --ui DIR           folder of the web page the gateway serves\n"
    "  --run-dir DIR      folder of the ipc sockets, created with mode 0700\n"
    "                     (default /tmp/sfmovies-UID)\n"
    "  --bus URL          announcement bus address (default: in the run\n"
    "                     folder); tcp://HOST:PORT for nodes elsewhere\n"
    "  --survey URL       health survey address, likewise\n"
    "  --control URL      control socket: ipc:// or loopback tcp:// only\n"
    "  --refresh-interval HOURS\n"
    "                     how often the source is fetched again, 0 for never\n"
    "                     (default 24)\n"
    "  --keep N           versions to keep in the store (default 5)\n"
    "  --force            publish a version even when validation fails\n"
    "  --tls-cert-key FILE, --tls-ca FILE\n"
    "                     PEM files for tls+tcp:// bus, survey and node\n"
    "                     links; passed on to the nodes and the gateway\n"
    "\n"
    "Enrichment: locations without coordinates are geocoded and films get\n"
    "OMDb details and posters, cached in DATA-DIR (geocodes.json, omdb.json,\n"
    "posters/). GOOGLE_MAPS_API_KEY in the environment selects Google\n"
    "Geocoding; OMDB_API_KEY lets films missing from the caches be asked\n"
    "of OMDb.\n"
    "  --geocode-cache F  seed the geocode cache from F, a JSON object of\n"
    "                     Google Geocoding results keyed by location\n"
    "  --omdb-cache F     seed the OMDb cache from F: {\"Movies\": {imdbID:\n"
    "                     {...}}} or films keyed by title with \"imdb\"\n"
    "  --nominatim        without a Google key, ask OpenStreetMap's public\n"
    "                     Nominatim, at most once a second\n"
    "  --nominatim-url U  Nominatim search endpoint; implies --nominatim\n"
    "  --google-geocode-url U\n"
    "                     Google Geocoding endpoint\n"
    "  --omdb-url U       OMDb endpoint\n"
    "  --no-geocode       add no geocodes, not even cached ones\n"
    "  --no-posters       download no posters; stored ones are still "
    "served\n";

typedef struct up_args {
	const char *source;
	const char *listen;
	const char *data_dir;
	const char *store;
	const char *ui;
	const char *run_dir;
	const char *bus; /* overrides the ipc address in the run folder */
	const char *survey;
	const char *control;
	unsigned nodes;
	unsigned refresh_hours;
	unsigned keep;
	int force;
	rpc_tls tls; /* for tls+tcp:// links; passed on to the children */
	mgr_enrich_config enrich; /* data_dir is set at start */
} up_args;

typedef struct up_state {
	up_args args;
	char run_dir[256];
	char store[512];
	char bus[300];
	char survey[300];
	char control[300];
	char current[300];
	char posters[512];
	mgr_supervisor sup;
	mgr_manager *manager;
	sigset_t signals;
} up_state;

static int
up_flag(up_args *a, const char *flag, const char *v)
{
	if (strcmp(flag, "--nodes") == 0) {
		return rpc_args_unsigned(flag, v, 0, UP_MAX_NODES, &a->nodes);
	}
	if (strcmp(flag, "--refresh-interval") == 0) {
		return rpc_args_unsigned(
		    flag, v, 0, 24 * 365, &a->refresh_hours);
	}
	if (strcmp(flag, "--keep") == 0) {
		return rpc_args_unsigned(flag, v, 1, 1000, &a->keep);
	}
	if (strcmp(flag, "--source") == 0) {
		a->source = v;
	} else if (strcmp(flag, "--listen") == 0) {
		a->listen = v;
	} else if (strcmp(flag, "--data-dir") == 0) {
		a->data_dir = v;
	} else if (strcmp(flag, "--store") == 0) {
		a->store = v;
	} else if (strcmp(flag, "--ui") == 0) {
		a->ui = v;
	} else if (strcmp(flag, "--run-dir") == 0) {
		a->run_dir = v;
	} else if (strcmp(flag, "--bus") == 0) {
		a->bus = v;
	} else if (strcmp(flag, "--survey") == 0) {
		a->survey = v;
	} else if (strcmp(flag, "--control") == 0) {
		a->control = v;
	} else if (strcmp(flag, "--geocode-cache") == 0) {
		a->enrich.geocode_seed = v;
	} else if (strcmp(flag, "--omdb-cache") == 0) {
		a->enrich.omdb_seed = v;
	} else if (strcmp(flag, "--google-geocode-url") == 0) {
		a->enrich.google_url = v;
	} else if (strcmp(flag, "--nominatim-url") == 0) {
		a->enrich.nominatim_url = v;
		a->enrich.use_nominatim = 1;
	} else if (strcmp(flag, "--omdb-url") == 0) {
		a->enrich.omdb_url = v;
	} else {
		fprintf(stderr,
		    "sfmovies: unknown option \"%s\"; run 'sfmovies up "
		    "--help'\n",
		    flag);
		return -1;
	}
	return 0;
}

/* Returns 1 for an option that takes a value. */
static int
up_known(const char *flag)
{
	static const char *const flags[] = {"--nodes", "--refresh-interval",
	    "--keep", "--source", "--listen", "--data-dir", "--store", "--ui",
	    "--run-dir", "--bus", "--survey", "--control", "--geocode-cache",
	    "--omdb-cache", "--google-geocode-url", "--nominatim-url",
	    "--omdb-url"};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strcmp(flag, flags[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

static int
up_parse(int argc, char **argv, up_args *a)
{
	int rv;

	for (int i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const char *v;

		if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
			fputs(up_usage, stdout);
			return 1;
		}
		if (strcmp(flag, "--force") == 0) {
			a->force = 1;
			continue;
		}
		if (strcmp(flag, "--no-geocode") == 0) {
			a->enrich.no_geocode = 1;
			continue;
		}
		if (strcmp(flag, "--nominatim") == 0) {
			a->enrich.use_nominatim = 1;
			continue;
		}
		if (strcmp(flag, "--no-posters") == 0) {
			a->enrich.no_posters = 1;
			continue;
		}
		if ((rv = rpc_tls_flag(argc, argv, &i, &a->tls)) != 0) {
			if (rv < 0) {
				return -1;
			}
			continue;
		}
		if (!up_known(flag)) {
			fprintf(stderr,
			    "sfmovies: unknown option \"%s\"; run 'sfmovies "
			    "up --help'\n",
			    flag);
			return -1;
		}
		if ((v = rpc_args_value(argc, argv, &i)) == NULL ||
		    up_flag(a, flag, v) != 0) {
			return -1;
		}
	}
	return 0;
}

/*
 * Creates the run folder with mode 0700, or takes an existing folder of
 * this user and sets its mode to 0700, because the manager's control
 * socket in it accepts commands from any process that can connect.
 */
static int
up_run_dir(up_state *st)
{
	struct stat sb;

	if (st->args.run_dir != NULL) {
		snprintf(
		    st->run_dir, sizeof(st->run_dir), "%s", st->args.run_dir);
	} else {
		snprintf(st->run_dir, sizeof(st->run_dir), MGR_CTL_DEFAULT_DIR,
		    (unsigned)getuid());
	}
	if (mkdir(st->run_dir, 0700) != 0 && errno != EEXIST) {
		rpc_log_error("cannot create run folder", "path", st->run_dir,
		    "error", strerror(errno));
		return -1;
	}
	if (stat(st->run_dir, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != getuid()) {
		rpc_log_error("run folder must be a folder of this user",
		    "path", st->run_dir);
		return -1;
	}

	/* Our own folder, but open to others (an empty volume, say): close
	 * it rather than refuse to start. */
	if ((sb.st_mode & 077) != 0 && chmod(st->run_dir, 0700) != 0) {
		rpc_log_error("cannot set the run folder's mode to 0700",
		    "path", st->run_dir, "error", strerror(errno));
		return -1;
	}
	snprintf(st->bus, sizeof(st->bus), "ipc://%s/bus.ipc", st->run_dir);
	snprintf(
	    st->survey, sizeof(st->survey), "ipc://%s/survey.ipc", st->run_dir);
	snprintf(st->control, sizeof(st->control), "ipc://%s/control.ipc",
	    st->run_dir);
	if (st->args.bus != NULL) {
		snprintf(st->bus, sizeof(st->bus), "%s", st->args.bus);
	}
	if (st->args.survey != NULL) {
		snprintf(st->survey, sizeof(st->survey), "%s", st->args.survey);
	}
	if (st->args.control != NULL) {
		snprintf(
		    st->control, sizeof(st->control), "%s", st->args.control);
	}
	snprintf(
	    st->current, sizeof(st->current), "%s/current.snap", st->run_dir);
	return 0;
}

static int
up_start_manager(up_state *st)
{
	mgr_config cfg = {0};
	mgr_refresh_result res;
	char version[17];
	char err[1024];

	if (mkdir(st->args.data_dir, 0755) != 0 && errno != EEXIST) {
		rpc_log_error("cannot create data folder", "path",
		    st->args.data_dir, "error", strerror(errno));
		return -1;
	}
	if (st->args.store != NULL) {
		snprintf(st->store, sizeof(st->store), "%s", st->args.store);
	} else {
		snprintf(st->store, sizeof(st->store), "%s/versions",
		    st->args.data_dir);
	}
	cfg.source = st->args.source;
	cfg.store = st->store;
	cfg.keep = st->args.keep;
	cfg.bus_url = st->bus;
	cfg.survey_url = st->survey;
	cfg.control_url = st->control;
	cfg.refresh_interval_ms = (uint64_t)st->args.refresh_hours * 3600000u;
	cfg.force = st->args.force;
	cfg.current_path = st->current;
	st->args.enrich.data_dir = st->args.data_dir;
	cfg.enrich = &st->args.enrich;
	snprintf(
	    st->posters, sizeof(st->posters), "%s/posters", st->args.data_dir);
	if (mkdir(st->posters, 0755) != 0 && errno != EEXIST) {
		rpc_log_error("cannot create poster folder", "path",
		    st->posters, "error", strerror(errno));
		return -1;
	}
	if (mgr_manager_start(&st->manager, &cfg, err, sizeof(err)) != 0) {
		rpc_log_error("cannot start the manager", "error", err);
		return -1;
	}

	/* A failed first refresh is fatal only when there is nothing stored
	 * to serve instead. */
	mgr_manager_refresh(st->manager, NULL, 0, &res);
	mgr_manager_current(st->manager, version);
	if (version[0] == '\0') {
		rpc_log_error("no dataset to serve", "source", st->args.source,
		    "error", res.message);
		return -1;
	}
	return 0;
}

static void
up_child_tls(const up_state *st, mgr_child *c)
{
	if (st->args.tls.cert_key_file != NULL) {
		mgr_child_arg(c, "--tls-cert-key");
		mgr_child_arg(c, st->args.tls.cert_key_file);
	}
	if (st->args.tls.ca_file != NULL) {
		mgr_child_arg(c, "--tls-ca");
		mgr_child_arg(c, st->args.tls.ca_file);
	}
}

static void
up_plan_children(up_state *st)
{
	char name[32], url[300], state[512];
	mgr_child *c;

	for (unsigned i = 0; i < st->args.nodes; i++) {
		snprintf(name, sizeof(name), "node-%u", i + 1);
		snprintf(
		    url, sizeof(url), "ipc://%s/%s.ipc", st->run_dir, name);
		snprintf(state, sizeof(state), "%s/%s.snap", st->args.data_dir,
		    name);
		c = mgr_supervisor_add(&st->sup, name);
		mgr_child_arg(c, "node");
		mgr_child_arg(c, "--id");
		mgr_child_arg(c, name);
		mgr_child_arg(c, "--listen");
		mgr_child_arg(c, url);
		mgr_child_arg(c, "--snapshot");
		mgr_child_arg(c, st->current);
		mgr_child_arg(c, "--state");
		mgr_child_arg(c, state);
		mgr_child_arg(c, "--manager-bus");
		mgr_child_arg(c, st->bus);
		mgr_child_arg(c, "--manager-survey");
		mgr_child_arg(c, st->survey);
		up_child_tls(st, c);
	}
	if (st->args.nodes == 0) {
		return;
	}

	c = mgr_supervisor_add(&st->sup, "gateway");
	mgr_child_arg(c, "gateway");
	mgr_child_arg(c, "--listen");
	mgr_child_arg(c, st->args.listen);
	for (unsigned i = 0; i < st->args.nodes; i++) {
		snprintf(url, sizeof(url), "ipc://%s/node-%u.ipc", st->run_dir,
		    i + 1);
		mgr_child_arg(c, "--node");
		mgr_child_arg(c, url);
	}
	if (st->args.ui != NULL) {
		mgr_child_arg(c, "--ui");
		mgr_child_arg(c, st->args.ui);
	}
	mgr_child_arg(c, "--posters");
	mgr_child_arg(c, st->posters);
	up_child_tls(st, c);
}

/* Kills local nodes that the survey marks down while their process runs,
 * so the supervisor restarts them. */
static void
up_kill_hung(up_state *st)
{
	mgr_node_state nodes[MGR_SURVEY_MAX_NODES];
	size_t n = mgr_manager_nodes(st->manager, nodes, MGR_SURVEY_MAX_NODES);
	int64_t now = rpc_now_ms();

	for (int i = 0; i < st->sup.nchildren; i++) {
		mgr_child *c = &st->sup.children[i];

		if (c->pid == 0 || now - c->started_ms < UP_HUNG_GRACE_MS) {
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			if (strcmp(nodes[k].node_id, c->name) == 0 &&
			    !nodes[k].up && nodes[k].pid == c->pid) {
				mgr_supervisor_kill(
				    &st->sup, c->name, "missed three surveys");
			}
		}
	}
}

/* Runs until SIGINT or SIGTERM (returns the signal) or a child failure
 * (returns 0). */
static int
up_loop(up_state *st)
{
	struct timespec tick = {0, 100 * 1000000};

	for (;;) {
		int sig = sigtimedwait(&st->signals, NULL, &tick);

		if (sig == SIGINT || sig == SIGTERM) {
			return sig;
		}
		mgr_supervisor_poll(&st->sup);
		if (st->sup.failed) {
			return 0;
		}
		up_kill_hung(st);
	}
}

static void
up_unlink_ipc(const char *url)
{
	if (strncmp(url, "ipc://", 6) == 0) {
		unlink(url + 6);
	}
}

static void
up_cleanup(up_state *st)
{
	char path[300];

	for (unsigned i = 0; i < st->args.nodes; i++) {
		snprintf(
		    path, sizeof(path), "%s/node-%u.ipc", st->run_dir, i + 1);
		unlink(path);
	}
	up_unlink_ipc(st->bus);
	up_unlink_ipc(st->survey);
	up_unlink_ipc(st->control);
	unlink(st->current);
}

static int
up_run(int argc, char **argv, unsigned default_nodes)
{
	static up_state st;
	int rv, sig;

	st.args = (up_args){.source = UP_DEFAULT_SOURCE,
	    .listen = "127.0.0.1:8080",
	    .data_dir = "sfmovies-data",
	    .nodes = default_nodes,
	    .refresh_hours = 24,
	    .keep = 5};
	if ((rv = up_parse(argc, argv, &st.args)) != 0) {
		return rv > 0 ? 0 : 2;
	}
	rpc_log_set_component(default_nodes ? "up" : "manager");

	/* Block before any thread starts, so every thread inherits it and
	 * only sigtimedwait below receives these signals. */
	sigemptyset(&st.signals);
	sigaddset(&st.signals, SIGINT);
	sigaddset(&st.signals, SIGTERM);
	sigaddset(&st.signals, SIGCHLD);
	sigprocmask(SIG_BLOCK, &st.signals, NULL);

	rpc_tls_set(&st.args.tls);
	if (mgr_fetch_global_init() != 0 || up_run_dir(&st) != 0 ||
	    mgr_supervisor_init(&st.sup) != 0 || up_start_manager(&st) != 0) {
		mgr_manager_stop(st.manager);
		return 1;
	}
	up_plan_children(&st);
	mgr_supervisor_start_all(&st.sup);
	rpc_log_info("service started", "gateway",
	    st.args.nodes ? st.args.listen : "none", "run_dir", st.run_dir);

	sig = up_loop(&st);
	rpc_log_info("stopping", "reason",
	    sig == SIGINT        ? "SIGINT"
	        : sig == SIGTERM ? "SIGTERM"
	                         : "a child failed");
	mgr_supervisor_stop_all(&st.sup);
	mgr_manager_stop(st.manager);
	up_cleanup(&st);
	rpc_log_info("stopped");
	return st.sup.failed ? 1 : 0;
}

int
mgr_up_main(int argc, char **argv)
{
	return up_run(argc, argv, 3);
}

int
mgr_manager_main(int argc, char **argv)
{
	return up_run(argc, argv, 0);
}
