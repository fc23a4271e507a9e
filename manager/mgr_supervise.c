#include "mgr_supervise.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rpc_handler.h"
#include "rpc_log.h"

#define SUPERVISE_STOP_GRACE_MS 5000
#define SUPERVISE_BACKOFF_MAX   5000 /* ms between restarts of a failing child \
	                              */

extern char **environ;

int
mgr_supervisor_init(mgr_supervisor *s)
{
	ssize_t n = readlink("/proc/self/exe", s->exe, sizeof(s->exe) - 1);

	if (n <= 0) {
		rpc_log_error(
		    "cannot find this executable", "error", strerror(errno));
		return -1;
	}
	s->exe[n] = '\0';
	return 0;
}

void
mgr_child_arg(mgr_child *c, const char *value)
{
	size_t n = strlen(value);

	if (c->argc >= MGR_MAX_ARGS) {
		rpc_log_error("too many child arguments", "child", c->name);
		return;
	}
	/* Only a path over PATH_MAX is truncated. */
	if (n >= sizeof(c->bufs[0])) {
		n = sizeof(c->bufs[0]) - 1;
	}
	memcpy(c->bufs[c->argc], value, n);
	c->bufs[c->argc][n] = '\0';
	c->argv[c->argc] = c->bufs[c->argc];
	c->argc++;
	c->argv[c->argc] = NULL;
}

mgr_child *
mgr_supervisor_add(mgr_supervisor *s, const char *name)
{
	mgr_child *c;

	if (s->nchildren == MGR_MAX_CHILDREN) {
		return NULL;
	}
	c = &s->children[s->nchildren++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	mgr_child_arg(c, s->exe);
	return c;
}

/*
 * Runs in the forked child until exec. The child sets PR_SET_PDEATHSIG so
 * that it receives SIGTERM when the thread that forked it ends. The nodes
 * and the gateway then stop even when up dies by SIGKILL, instead of
 * keeping their sockets and making every child of the next up fail with
 * "Address in use". Only async-signal-safe calls follow the fork, because
 * up has other threads.
 */
static void
supervise_exec(const mgr_supervisor *s, const mgr_child *c, pid_t parent)
{
	sigset_t none;

	/* Children start with no blocked signals, whatever ours are. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) {
		_exit(127); /* up died before prctl took effect */
	}
	execve(s->exe, c->argv, environ);
	_exit(127);
}

static void
supervise_start(mgr_supervisor *s, mgr_child *c)
{
	pid_t parent = getpid();
	char pid[16];

	c->restart_ms = 0;
	if ((c->pid = fork()) == 0) {
		supervise_exec(s, c, parent);
	}
	if (c->pid < 0) {
		c->pid = 0;
		rpc_log_error("cannot start child", "child", c->name, "error",
		    strerror(errno));
		return;
	}
	c->started_ms = rpc_now_ms();
	snprintf(pid, sizeof(pid), "%ld", (long)c->pid);
	rpc_log_info("child started", "child", c->name, "pid", pid);
}

void
mgr_supervisor_start_all(mgr_supervisor *s)
{
	for (int i = 0; i < s->nchildren; i++) {
		supervise_start(s, &s->children[i]);
	}
}

/* Schedules a restart with exponential backoff: 100 ms doubling per exit
 * in a row, at most SUPERVISE_BACKOFF_MAX; a child that ran 10 s resets it. */
static void
supervise_schedule_restart(mgr_child *c, int64_t now)
{
	int64_t delay = 100;

	if (now - c->started_ms > 10000) {
		c->failures = 0;
	}
	for (int i = 0; i < c->failures && delay < SUPERVISE_BACKOFF_MAX; i++) {
		delay *= 2;
	}
	if (delay > SUPERVISE_BACKOFF_MAX) {
		delay = SUPERVISE_BACKOFF_MAX;
	}
	c->failures++;
	c->restart_ms = now + delay;
}

static void
supervise_log_exit(const mgr_child *c, int status)
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

static void
supervise_exited(mgr_supervisor *s, mgr_child *c, int status, int stopping)
{
	c->pid = 0;
	if (stopping) {
		return;
	}
	supervise_log_exit(c, status);

	/* Exit status 2 is a usage error: restarting with the same
	 * arguments cannot help. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		rpc_log_error(
		    "child rejected its arguments, stopping", "child", c->name);
		s->failed = 1;
		return;
	}
	supervise_schedule_restart(c, rpc_now_ms());
}

static void
supervise_reap(mgr_supervisor *s, int stopping)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < s->nchildren; i++) {
			if (s->children[i].pid == pid) {
				supervise_exited(
				    s, &s->children[i], status, stopping);
			}
		}
	}
}

void
mgr_supervisor_poll(mgr_supervisor *s)
{
	int64_t now;

	supervise_reap(s, 0);
	now = rpc_now_ms();
	for (int i = 0; i < s->nchildren; i++) {
		mgr_child *c = &s->children[i];

		if (c->pid == 0 && c->restart_ms != 0 && now >= c->restart_ms &&
		    !s->failed) {
			rpc_log_info("restarting child", "child", c->name);
			supervise_start(s, c);
			if (c->pid == 0) {
				supervise_schedule_restart(c, now);
			}
		}
	}
}

void
mgr_supervisor_kill(mgr_supervisor *s, const char *name, const char *reason)
{
	for (int i = 0; i < s->nchildren; i++) {
		mgr_child *c = &s->children[i];

		if (c->pid != 0 && strcmp(c->name, name) == 0) {
			rpc_log_warn(
			    "killing child", "child", name, "reason", reason);
			kill(c->pid, SIGKILL);
		}
	}
}

static int
supervise_running(const mgr_supervisor *s)
{
	int n = 0;

	for (int i = 0; i < s->nchildren; i++) {
		n += s->children[i].pid != 0;
	}
	return n;
}

void
mgr_supervisor_stop_all(mgr_supervisor *s)
{
	int64_t deadline = rpc_now_ms() + SUPERVISE_STOP_GRACE_MS;

	for (int i = 0; i < s->nchildren; i++) {
		if (s->children[i].pid != 0) {
			kill(s->children[i].pid, SIGTERM);
		}
	}
	while (supervise_running(s) > 0 && rpc_now_ms() < deadline) {
		struct timespec tick = {0, 20 * 1000000};

		nanosleep(&tick, NULL);
		supervise_reap(s, 1);
	}
	for (int i = 0; i < s->nchildren; i++) {
		mgr_child *c = &s->children[i];

		if (c->pid != 0) {
			rpc_log_warn(
			    "child did not stop, killing it", "child", c->name);
			kill(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
			c->pid = 0;
		}
	}
}
