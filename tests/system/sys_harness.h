/*
 * End-to-end harness. It runs `sfmovies up` (the manager, the query nodes
 * and the gateway) as a child process in its own temporary folders. Tests
 * reach it over real HTTP, the real control socket and the sfmovies
 * command line, and can drive HTTP load from several threads.
 *
 * Every process the harness starts is its own child or grandchild: `up`
 * leads a process group of its own, and the nodes and the gateway that it
 * spawns stay in that group. Stopping the service signals that group by
 * its id, so no process outlives a test, even when `up` itself was killed
 * first. `up` also gets SIGTERM when the test process dies
 * (PR_SET_PDEATHSIG), which stops its children the normal way.
 *
 * Network use is limited to 127.0.0.1 and ipc sockets in the temporary
 * folder. Every wait in the harness has a deadline.
 */
#ifndef SYS_HARNESS_H
#define SYS_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

/* The two real DataSF exports the tests serve, read from
 * $SFMOVIES_DATA_DIR: 2084 rows and 336 films, then 2214 rows and 351
 * films. */
#define SYS_DATA_2025 "film_locations_2025-04_2084rows.csv"
#define SYS_DATA_2026 "film_locations_2026-04_2214rows.csv"

/* A title that the 2026 export has and the 2025 export lacks, found by
 * comparing the Title columns of both files with Python's csv module. */
#define SYS_TITLE_2026_ONLY "Maintenance Required"

#define SYS_MAX_NODES 8

typedef struct sys_service {
	char root[64];     /* temporary folder, removed by sys_service_free */
	char data_dir[96]; /* --data-dir: versions and node state */
	char run_dir[96];  /* --run-dir: ipc sockets */
	char log_path[96]; /* output of up and every child */
	char control[128]; /* ipc://RUN/control.ipc */
	char listen[32];   /* 127.0.0.1:PORT */
	char base_url[48]; /* http://127.0.0.1:PORT */
	char source[4096]; /* --source of the last start */
	unsigned nodes;
	pid_t pid; /* the up process, leader of its process group */
} sys_service;

typedef struct sys_node {
	char id[32];
	char version[17];
	long pid;
	unsigned long queries; /* queries served since the node started */
	int up; /* replied to one of the manager's last three surveys */
} sys_node;

typedef struct sys_status {
	char current[17]; /* the manager's current version */
	sys_node nodes[SYS_MAX_NODES];
	size_t nnodes;
} sys_status;

typedef struct sys_reply {
	long status; /* HTTP status, 0 on a transport error */
	char *body;  /* NUL-terminated, never NULL after sys_http_get */
	size_t len;
} sys_reply;

/* Sleeps for ms milliseconds. */
void sys_sleep_ms(long ms);

/* Returns CLOCK_MONOTONIC in milliseconds. */
long sys_now_ms(void);

/* Stores $SFMOVIES_DATA_DIR/name in path. Returns 0, or -1 with a message
 * on stderr when the variable is unset or the file is missing. */
int sys_data_path(const char *name, char *path, size_t len);

/* Reads a whole file into a NUL-terminated malloc'd buffer. Returns NULL
 * with a message on stderr on failure. */
char *sys_read_file(const char *path, size_t *len);

/* Writes len bytes to path. Returns 0 or -1. */
int sys_write_file(const char *path, const void *data, size_t len);

/* Creates the temporary folders and picks a free loopback port. Returns 0
 * or -1. */
int sys_service_init(sys_service *s);

/*
 * Starts `sfmovies up --source source --nodes nodes` in the service's
 * folders (which may contain the state of an earlier start) and waits
 * until /readyz returns 200 and every node reports the manager's current
 * version. Returns 0, or -1 after printing the end of the log.
 */
int sys_service_start(sys_service *s, const char *source, unsigned nodes);

/* Stops the service: SIGTERM to up, up to 10 s for it to stop its
 * children, then SIGKILL to whatever is left of its process group. */
void sys_service_stop(sys_service *s);

/* Sends SIGKILL to up and its whole process group at once, and reaps up. */
void sys_service_kill(sys_service *s);

/*
 * Sends SIGKILL to up alone and reaps it, then waits at most timeout_ms
 * for its children to stop by themselves. Returns 0 when they did, or -1
 * after killing the ones left.
 */
int sys_service_kill_up(sys_service *s, long timeout_ms);

/* Stops the service and removes its temporary folder. Prints the end of
 * the log first unless passed is set. Accepts a service never started. */
void sys_service_free(sys_service *s, int passed);

/* Prints the last lines of the service log to stderr. */
void sys_service_print_log(const sys_service *s);

/* Returns 1 when the service log contains text. */
int sys_service_log_contains(const sys_service *s, const char *text);

/* Returns 1 when pid is a live child of up (a node or the gateway). */
int sys_service_owns(const sys_service *s, long pid);

/*
 * Reads the cluster state from the manager's control socket with one
 * ControlRequest, the message that `sfmovies ctl status` sends. Polling in
 * process keeps the sampling interval at the 50 ms that tests ask for,
 * which a new sfmovies process per sample cannot hold under sanitizers.
 * Returns 0 or -1.
 */
int sys_ctl_status(const sys_service *s, sys_status *st);

/* Stores the version that node id serves, asking the node itself with a
 * STATUS call on ipc://RUN/id.ipc rather than the manager's survey.
 * Returns 0 or -1. */
int sys_node_version(const sys_service *s, const char *id, char version[17]);

/* Returns the node named id in st, or NULL. */
const sys_node *sys_status_node(const sys_status *st, const char *id);

/*
 * Polls sys_ctl_status every 50 ms until the current version is version
 * (any version when NULL) and nodes nodes are up and report it, for at
 * most timeout_ms. Returns the milliseconds waited, or -1 on timeout.
 */
long sys_wait_converged(
    const sys_service *s, const char *version, unsigned nodes, long timeout_ms);

/*
 * Runs argv (argv[0] is a path) with stdout and stderr captured in out,
 * for at most timeout_ms, after which it is killed. Returns the exit
 * status, or -1 when it could not run, was killed or timed out.
 */
int sys_run(char *const argv[], char *out, size_t outlen, long timeout_ms);

/* Runs `sfmovies ctl --control URL args...` (args end with NULL), waiting
 * at most 60 s. Returns what sys_run returns. */
int sys_ctl(const sys_service *s, char *out, size_t outlen, ...);

/* Stores the version named by the "published version V" line of a `ctl
 * reload` output. Returns 0, or -1 after printing the whole output to
 * stderr when no such line is there. */
int sys_published_version(const char *out, char version[17]);

/* Runs `sfmovies args...` (args end with NULL), waiting at most 60 s.
 * Returns what sys_run returns. */
int sys_sfmovies(char *out, size_t outlen, ...);

/* Starts `sfmovies args...` in the background in a process group of its
 * own, with its output appended to log. Returns its pid, or -1. */
pid_t sys_spawn(const char *log, char *const args[]);

/* Stops a process started by sys_spawn: SIGTERM, up to 5 s, SIGKILL. */
void sys_stop_process(pid_t pid);

/* Sends GET base_url + path and stores the reply; free it with
 * sys_reply_free. */
void sys_http_get(const sys_service *s, const char *path, sys_reply *r);

void sys_reply_free(sys_reply *r);

/*
 * Repeats GET path every 100 ms until a 200 reply contains text, for at
 * most timeout_ms, and stores the last reply in r. For replies that the
 * gateway refreshes in the background, such as /status. Returns 0 when
 * the text was found, else -1.
 */
int sys_http_wait_for(const sys_service *s, const char *path, const char *text,
    long timeout_ms, sys_reply *r);

/* Returns the value of the counter or gauge name in the gateway's
 * /metrics, or -1 when it is missing. A labelled series is named with
 * its labels as /metrics writes them: name{label="value"}. */
double sys_metric(const sys_service *s, const char *name);

/* Prints the gateway's RPC failure counters, to explain failed requests. */
void sys_print_rpc_errors(const sys_service *s);

/* Counts of a load run. */
typedef struct sys_load_counts {
	unsigned long requests;
	unsigned long non_200;          /* another status, or no JSON body */
	unsigned long transport_errors; /* no HTTP response at all */
	char first_failure[256];        /* the first failure, for the report */
} sys_load_counts;

typedef struct sys_load sys_load;

/*
 * Starts threads load threads against base_url. Each keeps one libcurl
 * handle, so its connection is reused, and sends a rotating mix of
 * /search, /complete, /near and /box requests whose parameters change
 * with every request, so most of them miss the gateway's response cache.
 * The threads stop on sys_load_stop, and by themselves after 120 s.
 * Returns NULL on failure.
 */
sys_load *sys_load_start(const char *base_url, unsigned threads);

/* Copies the counts so far. */
void sys_load_counts_get(sys_load *l, sys_load_counts *c);

/*
 * Waits until at least min_requests more requests have completed and
 * min_ms have passed since the call, for at most max_ms. Returns 0, or -1
 * when max_ms ran out first.
 */
int sys_load_wait(
    sys_load *l, unsigned long min_requests, long min_ms, long max_ms);

/* Stops and joins the threads, stores the final counts in c (which may be
 * NULL) and frees l. Accepts NULL. */
void sys_load_stop(sys_load *l, sys_load_counts *c);

/* The state of one test: a service, an optional load, and whether the
 * test reached its end (when not, teardown prints the service log). */
typedef struct sys_test {
	sys_service svc;
	sys_load *load;
	int passed;
} sys_test;

/* cmocka setup: allocates a sys_test in *state and creates its folders. */
int sys_test_setup(void **state);

/* cmocka teardown: stops the load and the service, removes the folders. */
int sys_test_teardown(void **state);

#endif
