/*
 * The process supervisor behind `sfmovies up`. Children are this same
 * binary run as `node` and `gateway`. The supervisor waits for signals
 * with sigtimedwait, so SIGCHLD, SIGINT and SIGTERM are handled in the
 * main loop rather than in signal handlers.
 */
#include "mgr_up.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mgr_fetch.h"
#include "rpc_args.h"
#include "rpc_file.h"
#include "rpc_handler.h"
#include "rpc_log.h"
#include "rpc_snapshot.h"

#define UP_MAX_NODES     32
#define UP_MAX_ARGS      24
#define UP_STOP_GRACE_MS 5000
#define UP_BACKOFF_MAX   5000 /* ms between restarts of a failing child */

extern char **environ;

static const char up_usage[] =
    "usage: sfmovies up [--source FILE|URL] [--nodes N] [--listen ADDR:PORT]\n"
    "                   [--data-dir DIR] [--ui DIR]\n"
    "\n"
    "Runs the whole service on this machine: builds a dataset snapshot from\n"
    "the source, starts the query nodes and the HTTP gateway, restarts any\n"
    "that exits, and stops everything on Ctrl-C or SIGTERM.\n"
    "\n"
    "  --source S       CSV export to serve, a file or an http(s) URL\n"
    "                   (default: DataSF's live export)\n"
    "  --nodes N        query nodes to run, 1 to 32 (default 3)\n"
    "  --listen A:P     gateway address (default 127.0.0.1:8080)\n"
    "  --data-dir DIR   where snapshots are kept (default ./sfmovies-data)\n"
    "  --ui DIR         folder of the web page the gateway serves\n";

#define UP_DEFAULT_SOURCE                                                      \
	"https://data.sfgov.org/api/views/yitu-d5am/"                          \
	"rows.csv?accessType=DOWNLOAD"

typedef struct up_child {
	char name[32];
	char *argv[UP_MAX_ARGS];
	char bufs[UP_MAX_ARGS][PATH_MAX]; /* storage behind argv */
	int argc;
	pid_t pid;    /* 0 while not running */
	int failures; /* exits in a row, for the backoff */
	int64_t started_ms;
	int64_t restart_ms; /* when to start it again, 0 for never */
} up_child;

typedef struct up_args {
	const char *source;
	const char *listen;
	const char *data_dir;
	const char *ui;
	unsigned nodes;
} up_args;

typedef struct up_state {
	up_args args;
	char exe[PATH_MAX];
	char run_dir[64];
	char snapshot[PATH_MAX];
	char node_urls[UP_MAX_NODES][128];
	up_child children[UP_MAX_NODES + 1];
	int nchildren;
	int failed; /* a child cannot run: stop everything */
	sigset_t signals;
} up_state;

static int
up_parse(int argc, char **argv, up_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const char *v;

		if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
			fputs(up_usage, stdout);
			return 1;
		}
		if ((v = rpc_args_value(argc, argv, &i)) == NULL) {
			return -1;
		}
		if (strcmp(flag, "--source") == 0) {
			a->source = v;
		} else if (strcmp(flag, "--listen") == 0) {
			a->listen = v;
		} else if (strcmp(flag, "--data-dir") == 0) {
			a->data_dir = v;
		} else if (strcmp(flag, "--ui") == 0) {
			a->ui = v;
		} else if (strcmp(flag, "--nodes") == 0) {
			if (rpc_args_unsigned(
			        flag, v, 1, UP_MAX_NODES, &a->nodes)) {
				return -1;
			}
		} else {
			fprintf(stderr,
			    "sfmovies: unknown up option \"%s\"; run "
			    "'sfmovies up --help'\n",
			    flag);
			return -1;
		}
	}
	return 0;
}

/* Fetches the source and writes it as a snapshot into the data folder. */
static int
up_build_snapshot(up_state *st)
{
	rpc_snapshot *check;
	char err[512];
	char *csv;
	size_t len, snaplen;
	uint8_t *snap;
	int rv;

	rpc_log_info("fetching source", "source", st->args.source);
	if (mgr_fetch(st->args.source, RPC_SOURCE_MAX_BYTES, &csv, &len, err,
	        sizeof(err)) != 0) {
		rpc_log_error("cannot fetch source", "source", st->args.source,
		    "error", err);
		return -1;
	}
	rv = rpc_snapshot_encode(csv, len, st->args.source, (int64_t)time(NULL),
	    &snap, &snaplen, err, sizeof(err));
	free(csv);
	if (rv != 0) {
		rpc_log_error("cannot import source", "source", st->args.source,
		    "error", err);
		return -1;
	}
	if (mkdir(st->args.data_dir, 0755) != 0 && errno != EEXIST) {
		rpc_log_error("cannot create data folder", "path",
		    st->args.data_dir, "error", strerror(errno));
		free(snap);
		return -1;
	}

	/* Decoding our own bytes gives the version for the file name. */
	rv = rpc_snapshot_decode(snap, snaplen, &check, err, sizeof(err));
	if (rv == 0) {
		snprintf(st->snapshot, sizeof(st->snapshot), "%s/%s.snap",
		    st->args.data_dir, check->version);
		rpc_snapshot_release(check);
		rv = rpc_snapshot_write_file(
		    st->snapshot, snap, snaplen, err, sizeof(err));
	}
	free(snap);
	if (rv != 0) {
		rpc_log_error("cannot write snapshot", "error", err);
		return -1;
	}
	rpc_log_info("snapshot written", "path", st->snapshot);
	return 0;
}

/* Appends one argument; a longer one than the buffer is truncated, which
 * only happens with paths longer than PATH_MAX. */
static void
up_child_arg(up_child *c, const char *value)
{
	size_t n = strlen(value);

	if (n >= sizeof(c->bufs[0])) {
		n = sizeof(c->bufs[0]) - 1;
	}
	memcpy(c->bufs[c->argc], value, n);
	c->bufs[c->argc][n] = '\0';
	c->argv[c->argc] = c->bufs[c->argc];
	c->argc++;
	c->argv[c->argc] = NULL;
}

static void
up_plan_children(up_state *st)
{
	up_child *gw;

	for (unsigned i = 0; i < st->args.nodes; i++) {
		up_child *c = &st->children[st->nchildren++];

		snprintf(st->node_urls[i], sizeof(st->node_urls[i]),
		    "ipc://%s/node-%u.ipc", st->run_dir, i + 1);
		snprintf(c->name, sizeof(c->name), "node-%u", i + 1);
		up_child_arg(c, st->exe);
		up_child_arg(c, "node");
		up_child_arg(c, "--id");
		up_child_arg(c, c->name);
		up_child_arg(c, "--listen");
		up_child_arg(c, st->node_urls[i]);
		up_child_arg(c, "--snapshot");
		up_child_arg(c, st->snapshot);
	}

	gw = &st->children[st->nchildren++];
	snprintf(gw->name, sizeof(gw->name), "gateway");
	up_child_arg(gw, st->exe);
	up_child_arg(gw, "gateway");
	up_child_arg(gw, "--listen");
	up_child_arg(gw, st->args.listen);
	for (unsigned i = 0; i < st->args.nodes; i++) {
		up_child_arg(gw, "--node");
		up_child_arg(gw, st->node_urls[i]);
	}
	if (st->args.ui != NULL) {
		up_child_arg(gw, "--ui");
		up_child_arg(gw, st->args.ui);
	}
}

static void
up_start(up_state *st, up_child *c)
{
	posix_spawnattr_t attr;
	sigset_t none;
	char pid[16];
	int rv;

	/* Children start with no blocked signals, whatever ours are. */
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	rv = posix_spawn(&c->pid, st->exe, NULL, &attr, c->argv, environ);
	posix_spawnattr_destroy(&attr);

	c->restart_ms = 0;
	if (rv != 0) {
		c->pid = 0;
		rpc_log_error("cannot start child", "child", c->name, "error",
		    strerror(rv));
		return;
	}
	c->started_ms = rpc_now_ms();
	snprintf(pid, sizeof(pid), "%ld", (long)c->pid);
	rpc_log_info("child started", "child", c->name, "pid", pid);
}

/* Schedules a restart with exponential backoff: 100 ms doubling per exit
 * in a row, at most UP_BACKOFF_MAX; a child that ran 10 s resets it. */
static void
up_schedule_restart(up_child *c, int64_t now)
{
	int64_t delay = 100;

	if (now - c->started_ms > 10000) {
		c->failures = 0;
	}
	for (int i = 0; i < c->failures && delay < UP_BACKOFF_MAX; i++) {
		delay *= 2;
	}
	if (delay > UP_BACKOFF_MAX) {
		delay = UP_BACKOFF_MAX;
	}
	c->failures++;
	c->restart_ms = now + delay;
}

static void
up_log_exit(const up_child *c, int status)
{
	char how[48];

	if (WIFSIGNALED(status)) {
		snprintf(how, sizeof(how), "signal %d", WTERMSIG(status));
	} else {
		snprintf(
		    how, sizeof(how), "exit status %d", WEXITSTATUS(status));
	}
	rpc_log_warn("child exited", "child", c->name, "reason", how);
}

/* Reaps exited children; schedules restarts unless stopping. */
static void
up_reap(up_state *st, int stopping)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < st->nchildren; i++) {
			up_child *c = &st->children[i];

			if (c->pid != pid) {
				continue;
			}
			c->pid = 0;
			if (stopping) {
				continue;
			}
			up_log_exit(c, status);

			/* Exit status 2 is a usage error: restarting with the
			 * same arguments cannot help. */
			if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
				rpc_log_error("child rejected its arguments, "
				              "stopping the service",
				    "child", c->name);
				st->failed = 1;
				continue;
			}
			up_schedule_restart(c, rpc_now_ms());
		}
	}
}

static int
up_running(const up_state *st)
{
	int n = 0;

	for (int i = 0; i < st->nchildren; i++) {
		n += st->children[i].pid != 0;
	}
	return n;
}

/* Sends SIGTERM to every child, waits up to UP_STOP_GRACE_MS, then
 * SIGKILLs what is left. */
static void
up_stop_children(up_state *st)
{
	int64_t deadline = rpc_now_ms() + UP_STOP_GRACE_MS;

	for (int i = 0; i < st->nchildren; i++) {
		if (st->children[i].pid != 0) {
			kill(st->children[i].pid, SIGTERM);
		}
	}
	while (up_running(st) > 0 && rpc_now_ms() < deadline) {
		struct timespec tick = {0, 20 * 1000000};

		nanosleep(&tick, NULL);
		up_reap(st, 1);
	}
	for (int i = 0; i < st->nchildren; i++) {
		if (st->children[i].pid != 0) {
			rpc_log_warn("child did not stop, killing it", "child",
			    st->children[i].name);
			kill(st->children[i].pid, SIGKILL);
			waitpid(st->children[i].pid, NULL, 0);
			st->children[i].pid = 0;
		}
	}
}

static void
up_start_due(up_state *st)
{
	int64_t now = rpc_now_ms();

	for (int i = 0; i < st->nchildren; i++) {
		up_child *c = &st->children[i];

		if (c->pid == 0 && c->restart_ms != 0 && now >= c->restart_ms) {
			rpc_log_info("restarting child", "child", c->name);
			up_start(st, c);
			if (c->pid == 0) {
				up_schedule_restart(c, now);
			}
		}
	}
}

/* Runs until SIGINT or SIGTERM; returns the signal. */
static int
up_loop(up_state *st)
{
	struct timespec tick = {0, 100 * 1000000};

	for (;;) {
		int sig = sigtimedwait(&st->signals, NULL, &tick);

		if (sig == SIGINT || sig == SIGTERM) {
			return sig;
		}
		up_reap(st, 0);
		if (st->failed) {
			return 0;
		}
		up_start_due(st);
	}
}

static void
up_cleanup(up_state *st)
{
	for (unsigned i = 0; i < st->args.nodes; i++) {
		unlink(st->node_urls[i] + strlen("ipc://"));
	}
	rmdir(st->run_dir);
}

static int
up_prepare(up_state *st)
{
	ssize_t n = readlink("/proc/self/exe", st->exe, sizeof(st->exe) - 1);

	if (n <= 0) {
		rpc_log_error(
		    "cannot find this executable", "error", strerror(errno));
		return -1;
	}
	st->exe[n] = '\0';

	/* mkdtemp creates the folder with mode 0700, so only this user can
	 * reach the node sockets in it. */
	snprintf(st->run_dir, sizeof(st->run_dir), "/tmp/sfmovies-XXXXXX");
	if (mkdtemp(st->run_dir) == NULL) {
		rpc_log_error(
		    "cannot create a run folder", "error", strerror(errno));
		return -1;
	}
	return 0;
}

int
mgr_up_main(int argc, char **argv)
{
	static up_state st;
	char count[16];
	int rv, sig;

	st.args = (up_args){
	    UP_DEFAULT_SOURCE, "127.0.0.1:8080", "sfmovies-data", NULL, 3};
	if ((rv = up_parse(argc, argv, &st.args)) != 0) {
		return rv > 0 ? 0 : 2;
	}
	rpc_log_set_component("up");
	if (mgr_fetch_global_init() != 0 || up_build_snapshot(&st) != 0 ||
	    up_prepare(&st) != 0) {
		return 1;
	}

	sigemptyset(&st.signals);
	sigaddset(&st.signals, SIGINT);
	sigaddset(&st.signals, SIGTERM);
	sigaddset(&st.signals, SIGCHLD);
	sigprocmask(SIG_BLOCK, &st.signals, NULL);

	up_plan_children(&st);
	for (int i = 0; i < st.nchildren; i++) {
		up_start(&st, &st.children[i]);
	}
	snprintf(count, sizeof(count), "%u", st.args.nodes);
	rpc_log_info("service started", "gateway", st.args.listen, "nodes",
	    count, "run_dir", st.run_dir);

	sig = up_loop(&st);
	rpc_log_info("stopping", "reason",
	    sig == SIGINT        ? "SIGINT"
	        : sig == SIGTERM ? "SIGTERM"
	                         : "failure");
	up_stop_children(&st);
	up_cleanup(&st);
	rpc_log_info("stopped");
	return st.failed ? 1 : 0;
}
