/*
 * Rollback to an older version. up publishes the 2025 export, then `ctl
 * reload` the 2026 export. `ctl versions` must list both, newest first,
 * and `ctl rollback` to the 2025 version must bring every node back to
 * it, after which /search no longer finds a title that only the 2026
 * export has, although the gateway had cached that reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sys_harness.h"

#define NODES 3

/* Returns the number of films that /search lists for the 2026-only
 * title. */
static int
count_new_title(const sys_service *s)
{
	const char *p;
	sys_reply r;
	int n = 0;

	sys_http_get(s, "/search?q=maintenance+required", &r);
	assert_int_equal(r.status, 200);
	for (p = r.body;
	     (p = strstr(p, "\"title\":\"" SYS_TITLE_2026_ONLY "\"")) != NULL;
	     p++) {
		n++;
	}
	sys_reply_free(&r);
	return n;
}

/* Polls /search every 100 ms until it no longer lists the 2026-only
 * title, for at most timeout_ms. Returns the milliseconds waited, or -1. */
static long
wait_title_gone(const sys_service *s, long timeout_ms)
{
	long start = sys_now_ms();

	while (count_new_title(s) > 0) {
		if (sys_now_ms() - start >= timeout_ms) {
			return -1;
		}
		sys_sleep_ms(100);
	}
	return sys_now_ms() - start;
}

/* Returns the line of the `ctl versions` table that names version, or
 * NULL; the line ends at the next newline. */
static const char *
versions_line(const char *table, const char *version)
{
	const char *p = strstr(table, version);

	return p != NULL && (p == table || p[-1] == '\n') ? p : NULL;
}

/* Returns 1 when the table line of version marks it current. */
static int
is_current(const char *table, const char *version)
{
	const char *line = versions_line(table, version);
	char name[17], current[8];

	return line != NULL && sscanf(line, "%16s %7s", name, current) == 2 &&
	    strcmp(current, "yes") == 0;
}

static void
rollback_restores_old_version(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	char source_2025[4096], source_2026[4096], out[4096];
	char version_2025[17], version_2026[17];
	sys_status st;
	long waited;

	assert_int_equal(
	    sys_data_path(SYS_DATA_2025, source_2025, sizeof(source_2025)), 0);
	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, source_2026, sizeof(source_2026)), 0);
	assert_int_equal(sys_service_start(s, source_2025, NODES), 0);
	assert_int_equal(sys_ctl_status(s, &st), 0);
	snprintf(version_2025, sizeof(version_2025), "%s", st.current);

	/* Versions carry their creation time in whole seconds, and ties
	 * list by version id, which puts the 2026 version first anyway. A
	 * reload in a later second makes the order depend on the time. */
	{
		time_t published = time(NULL);

		while (time(NULL) == published) {
			sys_sleep_ms(20);
		}
	}
	assert_int_equal(sys_ctl(s, out, sizeof(out), "reload", "--source",
	                     source_2026, NULL),
	    0);
	assert_int_equal(sys_published_version(out, version_2026), 0);
	assert_true(sys_wait_converged(s, version_2026, NODES, 30000) >= 0);
	assert_int_equal(count_new_title(s), 1);

	/* Both versions, the 2026 one first and current. */
	assert_int_equal(sys_ctl(s, out, sizeof(out), "versions", NULL), 0);
	print_message("%s", out);
	assert_non_null(versions_line(out, version_2026));
	assert_non_null(versions_line(out, version_2025));
	assert_true(versions_line(out, version_2026) <
	    versions_line(out, version_2025));
	assert_true(is_current(out, version_2026));
	assert_false(is_current(out, version_2025));

	assert_int_equal(
	    sys_ctl(s, out, sizeof(out), "rollback", version_2025, NULL), 0);
	assert_non_null(strstr(out, version_2025));
	waited = sys_wait_converged(s, version_2025, NODES, 30000);
	print_message("all nodes serve %s %ld ms after the rollback\n",
	    version_2025, waited);
	assert_true(waited >= 0);

	/* The gateway keys its response cache by the version of the latest
	 * STATUS reply, which it requests once a second. Until then it may
	 * still return the cached 2026 reply. */
	waited = wait_title_gone(s, 10000);
	print_message("/search dropped the 2026 title %ld ms later\n", waited);
	assert_true(waited >= 0);
	assert_int_equal(count_new_title(s), 0);

	assert_int_equal(sys_ctl(s, out, sizeof(out), "versions", NULL), 0);
	assert_true(is_current(out, version_2025));
	assert_false(is_current(out, version_2026));

	/* A version that was never stored is rejected by name. */
	assert_int_equal(
	    sys_ctl(s, out, sizeof(out), "rollback", "0123456789abcdef", NULL),
	    1);
	assert_non_null(strstr(out, "no stored version 0123456789abcdef"));
	assert_int_equal(sys_ctl_status(s, &st), 0);
	assert_string_equal(st.current, version_2025);

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(rollback_restores_old_version,
	        sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
