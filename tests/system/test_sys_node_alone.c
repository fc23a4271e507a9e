/*
 * Nodes serve their persisted state without the manager. After up has
 * stopped, a node is started alone with `sfmovies node --state
 * DATA/node-1.snap` and no manager. It must serve the last version that
 * node-1 served under up. That is first the version node-1 started with,
 * and then, after a second run of up published the 2026 export, that
 * version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sys_harness.h"

#define NODES 3

/*
 * Starts a node with only --listen and --state, waits until `sfmovies
 * query status` gets a reply, stores the reply in out, and stops the
 * node.
 */
static void
query_node_alone(const sys_service *s, char *out, size_t outlen)
{
	char url[160], state[160], log[160];
	char *args[] = {"node", "--listen", url, "--state", state, NULL};
	long deadline = sys_now_ms() + 30000;
	pid_t node;
	int rv;

	snprintf(url, sizeof(url), "ipc://%s/alone.ipc", s->root);
	snprintf(state, sizeof(state), "%s/node-1.snap", s->data_dir);
	snprintf(log, sizeof(log), "%s/node.log", s->root);
	assert_true((node = sys_spawn(log, args)) > 0);
	do {
		sys_sleep_ms(100);
		rv = sys_sfmovies(
		    out, outlen, "query", "--node", url, "status", NULL);
	} while (rv != 0 && sys_now_ms() < deadline);
	sys_stop_process(node);
	print_message("node alone: %s", out);
	assert_int_equal(rv, 0);
}

/* Asserts that a status reply names version and films films. */
static void
assert_serves(const char *out, const char *version, int films)
{
	char field[64];

	snprintf(field, sizeof(field), "\"dataset_version\":\"%s\"", version);
	assert_non_null(strstr(out, field));
	snprintf(field, sizeof(field), "\"films\":%d", films);
	assert_non_null(strstr(out, field));
}

static void
node_serves_state_alone(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	char source_2025[4096], source_2026[4096], out[4096];
	char version_2025[17], version_2026[17];
	sys_status st;

	assert_int_equal(
	    sys_data_path(SYS_DATA_2025, source_2025, sizeof(source_2025)), 0);
	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, source_2026, sizeof(source_2026)), 0);

	/* The version a node started with. */
	assert_int_equal(sys_service_start(s, source_2025, NODES), 0);
	assert_int_equal(sys_ctl_status(s, &st), 0);
	snprintf(version_2025, sizeof(version_2025), "%s", st.current);
	sys_service_stop(s);
	query_node_alone(s, out, sizeof(out));
	assert_serves(out, version_2025, 336);

	/* The version a node received in an announcement. */
	assert_int_equal(sys_service_start(s, source_2025, NODES), 0);
	assert_int_equal(sys_ctl(s, out, sizeof(out), "reload", "--source",
	                     source_2026, NULL),
	    0);
	assert_int_equal(sys_published_version(out, version_2026), 0);
	assert_true(sys_wait_converged(s, version_2026, NODES, 30000) >= 0);
	sys_service_stop(s);
	query_node_alone(s, out, sizeof(out));
	assert_serves(out, version_2026, 351);

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        node_serves_state_alone, sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
