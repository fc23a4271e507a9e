/*
 * Nodes that miss an announcement still converge. All three nodes first
 * receive the 2026 export, so each keeps it as its state file. Then
 * node-2 and node-3 are stopped with SIGSTOP while `ctl reload` publishes
 * the 2025 export again. node-2 resumes after 2 seconds. node-3 is killed
 * instead, so up restarts it after the publish, and it starts from its
 * state file, which contains the 2026 version. The manager's survey finds
 * both nodes behind and announces the current version again.
 *
 * A stop of 2 seconds is shorter than the three missed surveys after
 * which up kills a node, so node-2 must converge without a restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys_harness.h"

#define NODES 3

/* Returns the pid of node id, asserting that it is up's child. */
static long
node_pid(const sys_service *s, const char *id)
{
	const sys_node *n;
	sys_status st;

	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_non_null(n = sys_status_node(&st, id));
	assert_true(sys_service_owns(s, n->pid));
	return n->pid;
}

/* Publishes source with `ctl reload` and stores the new version. */
static void
reload(const sys_service *s, const char *source, char version[17])
{
	char out[4096];

	assert_int_equal(
	    sys_ctl(s, out, sizeof(out), "reload", "--source", source, NULL),
	    0);
	assert_int_equal(sys_published_version(out, version), 0);
}

/* Asserts that the node at ipc://RUN/id.ipc serves version itself. */
static void
assert_node_serves(const sys_service *s, const char *id, const char *version)
{
	char url[160], out[4096], field[64];

	snprintf(url, sizeof(url), "ipc://%s/%s.ipc", s->run_dir, id);
	snprintf(field, sizeof(field), "\"dataset_version\":\"%s\"", version);
	assert_int_equal(sys_sfmovies(out, sizeof(out), "query", "--node", url,
	                     "status", NULL),
	    0);
	assert_non_null(strstr(out, field));
}

static void
missed_announcement_repaired(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	char source_2025[4096], source_2026[4096];
	char version_2025[17], version_2026[17];
	char line[256];
	long pid2, pid3, stopped, waited;
	const sys_node *n;
	sys_status st;

	assert_int_equal(
	    sys_data_path(SYS_DATA_2025, source_2025, sizeof(source_2025)), 0);
	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, source_2026, sizeof(source_2026)), 0);
	assert_int_equal(sys_service_start(s, source_2025, NODES), 0);
	assert_int_equal(sys_ctl_status(s, &st), 0);
	snprintf(version_2025, sizeof(version_2025), "%s", st.current);

	reload(s, source_2026, version_2026);
	assert_true(sys_wait_converged(s, version_2026, NODES, 30000) >= 0);

	pid2 = node_pid(s, "node-2");
	pid3 = node_pid(s, "node-3");
	assert_int_equal(kill((pid_t)pid2, SIGSTOP), 0);
	assert_int_equal(kill((pid_t)pid3, SIGSTOP), 0);
	stopped = sys_now_ms();

	/* The 2025 version is stored already; publishing it again makes it
	 * current and announces it. */
	{
		char again[17];

		reload(s, source_2025, again);
		assert_string_equal(again, version_2025);
	}
	assert_int_equal(kill((pid_t)pid3, SIGKILL), 0);
	sys_sleep_ms(2000 - (sys_now_ms() - stopped));
	assert_int_equal(kill((pid_t)pid2, SIGCONT), 0);

	waited = sys_wait_converged(s, version_2025, NODES, 30000);
	print_message(
	    "all nodes serve %s %ld ms after SIGCONT\n", version_2025, waited);
	assert_true(waited >= 0);

	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_non_null(n = sys_status_node(&st, "node-2"));
	assert_int_equal(n->pid, pid2);
	assert_non_null(n = sys_status_node(&st, "node-3"));
	assert_int_not_equal(n->pid, pid3);
	assert_true(sys_service_owns(s, n->pid));

	/* node-3 restarted from its 2026 state, so only an announcement sent
	 * after its restart can have brought it the current version. */
	snprintf(line, sizeof(line),
	    "msg=\"node started\" node=node-3 url=ipc://%s/node-3.ipc "
	    "version=%s",
	    s->run_dir, version_2026);
	assert_true(sys_service_log_contains(s, line));
	if (getenv("SYS_PRINT_LOG") != NULL) {
		sys_service_print_log(s);
	}

	/* The nodes' own STATUS replies agree with the survey. */
	assert_node_serves(s, "node-2", version_2025);
	assert_node_serves(s, "node-3", version_2025);

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(missed_announcement_repaired,
	        sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
