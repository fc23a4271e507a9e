/*
 * The gateway's command line: defaults, values, and usage errors that
 * name the flag and the value.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gw_config.h"

static int
parse(gw_config *cfg, char *err, int argc, char **argv)
{
	err[0] = '\0';
	return gw_config_parse(cfg, argc, argv, err, 256);
}

static void
test_defaults(void **state)
{
	char *argv[] = {"gateway"};
	struct sockaddr_in *in;
	gw_config cfg;
	char err[256];

	assert_int_equal(parse(&cfg, err, 1, argv), GW_CONFIG_RUN);
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	in = (struct sockaddr_in *)&cfg.addr;
	assert_int_equal(in->sin_family, AF_INET);
	assert_int_equal(ntohs(in->sin_port), 8080);
	assert_int_equal(cfg.nnodes, 1);
	assert_string_equal(cfg.nodes[0], "tcp://127.0.0.1:7100");
	assert_int_equal(cfg.rpc_timeout_ms, 1000);
	assert_int_equal(cfg.cache_mb, 64);
	assert_true(cfg.threads >= 1);
	assert_null(cfg.ui_dir);
}

static void
test_values(void **state)
{
	char *argv[] = {"gateway", "--listen=[::1]:0", "--node", "ipc:///tmp/a",
	    "--node=tcp://h:1", "--threads", "3", "--rpc-timeout=250",
	    "--cache-mb", "0", "--max-connections", "64", "--ui", "/srv/ui",
	    "--idle-timeout", "5", "--max-connections-per-ip", "0"};
	struct sockaddr_in6 *in6;
	gw_config cfg;
	char err[256];

	assert_int_equal(parse(&cfg, err, sizeof(argv) / sizeof(argv[0]), argv),
	    GW_CONFIG_RUN);
	in6 = (struct sockaddr_in6 *)&cfg.addr;
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(cfg.nnodes, 2);
	assert_string_equal(cfg.nodes[1], "tcp://h:1");
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(cfg.rpc_timeout_ms, 250);
	assert_int_equal(cfg.cache_mb, 0);
	assert_int_equal(cfg.max_connections, 64);
	assert_int_equal(cfg.max_per_ip, 0);
	assert_int_equal(cfg.idle_timeout_s, 5);
	assert_string_equal(cfg.ui_dir, "/srv/ui");
}

typedef struct usage_case {
	char *flag;
	char *value;
	const char *message;
} usage_case;

static const usage_case usage_cases[] = {
    {"--listen", "8080",
        "--listen 8080: invalid address; expected ADDR:PORT such as "
        "127.0.0.1:8080 or [::1]:8080"},
    {"--listen", "127.0.0.1:70000",
        "--listen 127.0.0.1:70000: invalid address; expected ADDR:PORT such "
        "as 127.0.0.1:8080 or [::1]:8080"},
    {"--node", "127.0.0.1:7100",
        "--node 127.0.0.1:7100: invalid URL; expected an nng URL such as "
        "tcp://127.0.0.1:7100 or ipc:///tmp/node.ipc"},
    {"--threads", "0",
        "--threads 0: invalid value; expected an integer from 1 to 256"},
    {"--rpc-timeout", "1s",
        "--rpc-timeout 1s: invalid value; expected a number of milliseconds "
        "from 1 to 600000"},
    {"--cache-mb", "-1",
        "--cache-mb -1: invalid value; expected a number of MiB from 0 to "
        "65536"},
    {"--max-connections", "0",
        "--max-connections 0: invalid value; expected an integer from 1 to "
        "1000000"},
    {"--verbose", "1",
        "--verbose: unknown option; run 'sfmovies gateway --help' for the "
        "list"},
};

static void
test_usage_errors(void **state)
{
	for (size_t i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]);
	     i++) {
		char *argv[] = {
		    "gateway", usage_cases[i].flag, usage_cases[i].value};
		gw_config cfg;
		char err[256];

		assert_int_equal(parse(&cfg, err, 3, argv), GW_CONFIG_USAGE);
		assert_string_equal(err, usage_cases[i].message);
	}
}

static void
test_missing_value_and_help(void **state)
{
	char *missing[] = {"gateway", "--node"};
	char *help[] = {"gateway", "--threads", "2", "--help"};
	char *stray[] = {"gateway", "serve"};
	gw_config cfg;
	char err[256];

	assert_int_equal(parse(&cfg, err, 2, missing), GW_CONFIG_USAGE);
	assert_string_equal(err, "--node: missing value");
	assert_int_equal(parse(&cfg, err, 4, help), GW_CONFIG_HELP);
	assert_int_equal(parse(&cfg, err, 2, stray), GW_CONFIG_USAGE);
	assert_string_equal(
	    err, "serve: unexpected argument; options start with --");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_usage_errors),
	    cmocka_unit_test(test_missing_value_and_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
