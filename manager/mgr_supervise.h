/*
 * Supervision of local child processes (query nodes and the gateway) for
 * `sfmovies up`: start, restart with backoff when one exits, kill one that
 * stops answering, and stop all of them.
 *
 * Thread-safety: one thread owns a supervisor; SIGCHLD must be blocked in
 * it (the owner reaps children from its own loop). Children get SIGTERM
 * when the thread that started them ends, so the owner must be the
 * thread that runs until the process exits.
 */
#ifndef MGR_SUPERVISE_H
#define MGR_SUPERVISE_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#define MGR_MAX_CHILDREN 33
#define MGR_MAX_ARGS     32

typedef struct mgr_child {
	char name[32];
	char *argv[MGR_MAX_ARGS + 1];
	char bufs[MGR_MAX_ARGS][PATH_MAX]; /* storage behind argv */
	int argc;
	pid_t pid;    /* 0 while not running */
	int failures; /* exits in a row, for the backoff */
	int64_t started_ms;
	int64_t restart_ms; /* when to start it again, 0 for never */
} mgr_child;

typedef struct mgr_supervisor {
	char exe[PATH_MAX]; /* this binary, which every child runs */
	mgr_child children[MGR_MAX_CHILDREN];
	int nchildren;
	int failed; /* a child rejected its arguments: stop everything */
} mgr_supervisor;

/* Finds this executable. Returns 0 or -1 (logged). */
int mgr_supervisor_init(mgr_supervisor *s);

/* Adds a child named name whose arguments follow this binary's path.
 * Returns it, or NULL when the table is full. */
mgr_child *mgr_supervisor_add(mgr_supervisor *s, const char *name);

/* Appends one argument to a child's command line. */
void mgr_child_arg(mgr_child *c, const char *value);

/* Starts every child. */
void mgr_supervisor_start_all(mgr_supervisor *s);

/* Reaps exited children and schedules restarts; starts those due. */
void mgr_supervisor_poll(mgr_supervisor *s);

/* Kills a running child (SIGKILL) so that it is restarted, for one that
 * no longer answers. */
void mgr_supervisor_kill(
    mgr_supervisor *s, const char *name, const char *reason);

/* Sends SIGTERM to every child, waits up to a few seconds, then SIGKILLs
 * the rest. */
void mgr_supervisor_stop_all(mgr_supervisor *s);

#endif
