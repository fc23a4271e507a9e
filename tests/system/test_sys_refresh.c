/*
 * A dataset refresh under load. Three nodes serve the 2025 export while
 * four threads send requests through the gateway, and `ctl reload`
 * publishes the 2026 export. Every node must serve the new version
 * within 1 second of the reload command returning, by its own STATUS
 * reply; ctl status, which shows what the manager's surveys heard, must
 * follow. No request may fail, and a title that only the 2026 export has
 * must be found afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sys_harness.h"

#define LOAD_THREADS 4
#define NODES        3

/* The time every node has to serve a new version after the reload
 * command returns. */
#define CONVERGE_MS 1000

/* Milliseconds after the reload command returned at which each node
 * served the new version, by its own STATUS reply and by ctl status,
 * which reports what the manager's last survey heard; -1 for never. */
typedef struct convergence {
	long node_ms[NODES];
	long ctl_ms[NODES];
} convergence;

/* Returns the largest of ms[], or -1 when one is -1. */
static long
slowest(const long ms[NODES])
{
	long max = 0;

	for (int i = 0; i < NODES; i++) {
		if (ms[i] < 0) {
			return -1;
		}
		max = ms[i] > max ? ms[i] : max;
	}
	return max;
}

/* Records when the node itself reports version, and when ctl status
 * does, for node-(i+1). */
static void
poll_node(const sys_service *s, const sys_status *st, int i,
    const char *version, long elapsed, convergence *c)
{
	char id[24], served[17];
	const sys_node *n;

	snprintf(id, sizeof(id), "node-%d", i + 1);
	if (c->node_ms[i] < 0 && sys_node_version(s, id, served) == 0 &&
	    strcmp(served, version) == 0) {
		c->node_ms[i] = elapsed;
	}
	n = st != NULL ? sys_status_node(st, id) : NULL;
	if (c->ctl_ms[i] < 0 && n != NULL && n->up &&
	    strcmp(n->version, version) == 0) {
		c->ctl_ms[i] = elapsed;
	}
}

/* Polls every 50 ms, for at most timeout_ms after start, until every
 * node and ctl status report version. */
static void
measure_convergence(const sys_service *s, const char *version, long start,
    long timeout_ms, convergence *c)
{
	for (int i = 0; i < NODES; i++) {
		c->node_ms[i] = -1;
		c->ctl_ms[i] = -1;
	}
	while (sys_now_ms() - start < timeout_ms) {
		sys_status st;
		int ok = sys_ctl_status(s, &st) == 0;
		long elapsed = sys_now_ms() - start;

		for (int i = 0; i < NODES; i++) {
			poll_node(s, ok ? &st : NULL, i, version, elapsed, c);
		}
		if (slowest(c->node_ms) >= 0 && slowest(c->ctl_ms) >= 0) {
			return;
		}
		sys_sleep_ms(50);
	}
}

/* Returns 1 when /search for the 2026-only title lists it. */
static int
finds_new_title(const sys_service *s)
{
	sys_reply r;
	int found;

	sys_http_get(s, "/search?q=maintenance+required", &r);
	assert_int_equal(r.status, 200);
	found = strstr(r.body, "\"title\":\"" SYS_TITLE_2026_ONLY "\"") != NULL;
	sys_reply_free(&r);
	return found;
}

static void
refresh_under_load(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	char old_source[4096], new_source[4096], out[4096], version[17];
	long started, returned;
	convergence c;
	sys_load_counts counts;
	sys_status st;
	sys_reply r;
	int rv;

	assert_int_equal(
	    sys_data_path(SYS_DATA_2025, old_source, sizeof(old_source)), 0);
	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, new_source, sizeof(new_source)), 0);
	assert_int_equal(sys_service_start(s, old_source, NODES), 0);
	assert_false(finds_new_title(s));

	assert_non_null(t->load = sys_load_start(s->base_url, LOAD_THREADS));
	assert_int_equal(sys_load_wait(t->load, 1000, 1000, 30000), 0);

	started = sys_now_ms();
	rv = sys_ctl(
	    s, out, sizeof(out), "reload", "--source", new_source, NULL);
	returned = sys_now_ms();
	assert_int_equal(rv, 0);
	assert_int_equal(sys_published_version(out, version), 0);

	measure_convergence(s, version, returned, 30000, &c);
	print_message("reload took %ld ms; after it returned, the nodes "
	              "served %s after %ld, %ld and %ld ms, and ctl status "
	              "reported it after %ld, %ld and %ld ms\n",
	    returned - started, version, c.node_ms[0], c.node_ms[1],
	    c.node_ms[2], c.ctl_ms[0], c.ctl_ms[1], c.ctl_ms[2]);

	assert_int_equal(sys_load_wait(t->load, 1000, 1000, 30000), 0);
	sys_load_stop(t->load, &counts);
	t->load = NULL;
	print_message("load: %lu requests, %lu non-200, %lu transport errors\n",
	    counts.requests, counts.non_200, counts.transport_errors);
	if (counts.non_200 + counts.transport_errors > 0) {
		sys_print_rpc_errors(s);
	}

	assert_string_equal(counts.first_failure, "");
	assert_int_equal(counts.non_200, 0);
	assert_int_equal(counts.transport_errors, 0);
	assert_true(slowest(c.node_ms) >= 0);
	assert_true(slowest(c.ctl_ms) >= 0);

	/* The new export is served, and every view names the new version.
	 * The gateway keys its response cache by the version of its latest
	 * STATUS reply, which it requests once a second, so it may take
	 * that long to stop returning cached 2025 replies. */
	assert_int_equal(
	    sys_http_wait_for(s, "/search?q=maintenance+required",
	        "\"title\":\"" SYS_TITLE_2026_ONLY "\"", 10000, &r),
	    0);
	sys_reply_free(&r);
	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_string_equal(st.current, version);
	assert_int_equal(
	    sys_http_wait_for(s, "/status", version, 10000, &r), 0);
	sys_reply_free(&r);

	/* Checked last, so that a slow convergence does not hide the
	 * checks above. */
	if (slowest(c.node_ms) > CONVERGE_MS) {
		fail_msg("the nodes served the new version %ld ms after the "
		         "reload returned; at most %d ms are allowed",
		    slowest(c.node_ms), CONVERGE_MS);
	}

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        refresh_under_load, sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
