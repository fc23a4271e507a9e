/*
 * A query node killed under load. Three nodes serve the 2026 export while
 * eight threads send requests through the gateway, and node-2 gets
 * SIGKILL. The gateway must serve every request from the other nodes,
 * and up must restart node-2 with the current version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sys_harness.h"

#define LOAD_THREADS 8

/* Waits for node id to run under a pid other than old_pid, be up and
 * serve the current version. Returns the new pid, or 0 after timeout_ms. */
static long
wait_restarted(const sys_service *s, const char *id, long old_pid,
    long timeout_ms, sys_status *st)
{
	long deadline = sys_now_ms() + timeout_ms;

	while (sys_now_ms() < deadline) {
		const sys_node *n;

		if (sys_ctl_status(s, st) == 0 &&
		    (n = sys_status_node(st, id)) != NULL &&
		    n->pid != old_pid && n->up &&
		    strcmp(n->version, st->current) == 0) {
			return n->pid;
		}
		sys_sleep_ms(50);
	}
	return 0;
}

static void
node_killed_under_load(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	sys_load_counts before, after;
	char source[4096], out[65536], pid_field[48];
	const sys_node *node;
	sys_status st;
	long old_pid, new_pid;
	unsigned long queries;
	double misses;

	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, source, sizeof(source)), 0);
	assert_int_equal(sys_service_start(s, source, 3), 0);

	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_non_null(node = sys_status_node(&st, "node-2"));
	old_pid = node->pid;
	assert_true(sys_service_owns(s, old_pid));

	/* `ctl --json status` names the same process. */
	assert_int_equal(
	    sys_ctl(s, out, sizeof(out), "--json", "status", NULL), 0);
	snprintf(pid_field, sizeof(pid_field), "\"pid\":%ld", old_pid);
	assert_non_null(strstr(out, pid_field));

	misses = sys_metric(s, "sfmovies_gateway_cache_misses_total");
	assert_true(misses >= 0);
	assert_non_null(t->load = sys_load_start(s->base_url, LOAD_THREADS));
	assert_int_equal(sys_load_wait(t->load, 1000, 1000, 30000), 0);
	sys_load_counts_get(t->load, &before);
	assert_int_equal(kill((pid_t)old_pid, SIGKILL), 0);
	assert_int_equal(sys_load_wait(t->load, 2000, 2000, 30000), 0);
	sys_load_stop(t->load, &after);
	t->load = NULL;

	print_message("load: %lu requests, %lu before the kill and %lu after; "
	              "%lu non-200, %lu transport errors\n",
	    after.requests, before.requests, after.requests - before.requests,
	    after.non_200, after.transport_errors);
	if (after.non_200 + after.transport_errors > 0) {
		sys_print_rpc_errors(s);
	}
	assert_string_equal(after.first_failure, "");
	assert_int_equal(after.non_200, 0);
	assert_int_equal(after.transport_errors, 0);
	assert_true(after.requests >= 3000);

	/* Most requests missed the response cache, so they reached the
	 * nodes. */
	misses = sys_metric(s, "sfmovies_gateway_cache_misses_total") - misses;
	print_message("cache misses during the load: %.0f, RPC retries: %.0f\n",
	    misses, sys_metric(s, "sfmovies_gateway_rpc_retries_total"));
	assert_true(misses >= (double)after.requests / 2);

	/* up restarts the node, and the new process serves the current
	 * version. */
	new_pid = wait_restarted(s, "node-2", old_pid, 30000, &st);
	assert_true(new_pid > 0);
	assert_true(sys_service_owns(s, new_pid));
	assert_int_not_equal(new_pid, old_pid);

	/* The gateway sends queries to the restarted node again. */
	queries = sys_status_node(&st, "node-2")->queries;
	assert_non_null(t->load = sys_load_start(s->base_url, 2));
	assert_int_equal(sys_load_wait(t->load, 300, 0, 30000), 0);
	sys_load_stop(t->load, &after);
	t->load = NULL;
	assert_int_equal(after.non_200 + after.transport_errors, 0);
	sys_sleep_ms(1500); /* one survey round reports the counters */
	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_non_null(node = sys_status_node(&st, "node-2"));
	assert_int_equal(node->pid, new_pid);
	assert_true(node->queries > queries);

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        node_killed_under_load, sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
