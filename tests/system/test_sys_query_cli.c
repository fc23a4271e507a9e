/*
 * The RPC command line against a node that up runs: `sfmovies query`
 * prints a node's JSON reply, and reports an invalid limit by name.
 * Escape From Alcatraz (1979) has one location in the 2026 export,
 * "Alcatraz Island", and no other film matches both words.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sys_harness.h"

static void
query_cli_search_and_limit(void **state)
{
	sys_test *t = *state;
	sys_service *s = &t->svc;
	char source[4096], url[160], out[65536];
	int rv;

	assert_int_equal(
	    sys_data_path(SYS_DATA_2026, source, sizeof(source)), 0);
	assert_int_equal(sys_service_start(s, source, 1), 0);
	snprintf(url, sizeof(url), "ipc://%s/node-1.ipc", s->run_dir);

	rv = sys_sfmovies(out, sizeof(out), "query", "--node", url, "search",
	    "escape alcatraz", NULL);
	assert_int_equal(rv, 0);
	assert_int_equal(out[0], '{');
	assert_non_null(strstr(out, "\"total\":1,"));
	assert_non_null(strstr(out, "\"title\":\"Escape From Alcatraz\""));
	assert_non_null(strstr(out, "\"year\":1979"));
	assert_non_null(strstr(out, "\"text\":\"Alcatraz Island\""));

	/* The node accepts 1 to 100 results; the call fails with exit 1. */
	rv = sys_sfmovies(out, sizeof(out), "query", "--node", url, "search",
	    "escape alcatraz", "--limit", "101", NULL);
	print_message("--limit 101: exit %d: %s", rv, out);
	assert_int_equal(rv, 1);
	assert_non_null(strstr(out, "limit must be from 1 to 100"));
	assert_non_null(strstr(out, "(argument limit)"));

	/* A limit that is not a positive number is a usage error, exit 2,
	 * found before any call. */
	rv = sys_sfmovies(out, sizeof(out), "query", "--node", url, "search",
	    "escape alcatraz", "--limit", "0", NULL);
	print_message("--limit 0: exit %d: %s", rv, out);
	assert_int_equal(rv, 2);
	assert_non_null(strstr(out, "invalid --limit \"0\""));

	t->passed = 1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        query_cli_search_and_limit, sys_test_setup, sys_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
