/*
 * nng links over tls+tcp:// on loopback: a query node that presents a
 * certificate and requires one from its callers. The certificates are made
 * by the openssl command for each run, in a temporary folder.
 *
 * The URLs name "localhost", not 127.0.0.1: with Debian 12's nng 1.5.2 and
 * mbedTLS, a certificate whose subjectAltName is IP:127.0.0.1 did not
 * verify against a tls+tcp://127.0.0.1 URL, and a DNS name did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>

#include "rpc_client.h"
#include "rpc_node.h"
#include "rpc_snapshot.h"
#include "rpc_tls.h"
#include "sfmovies.pb-c.h"

static const char tls_csv[] = "Title,Release Year,Locations\n"
                              "Vertigo,1958,Fort Point\n"
                              "Bullitt,1968,Taylor Street\n";

typedef struct tls_fixture {
	char dir[64];
	char ca[128];       /* signs the node's and the good client's certs */
	char other_ca[128]; /* signs nothing we use */
	char cert[128];     /* certificate and key for localhost, PEM */
	rpc_node *node;
	int port;
} tls_fixture;

static int
tls_run(const char *cmd)
{
	int rv = system(cmd);

	if (rv != 0) {
		fprintf(stderr, "command failed (%d): %s\n", rv, cmd);
	}
	return rv;
}

/* Makes a CA, another CA, and a localhost certificate signed by the first. */
static int
tls_make_certs(tls_fixture *fx)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
	    "cd %s && "
	    "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out "
	    "ca.pem "
	    "-days 1 -subj '/CN=sfmovies test CA' 2>/dev/null && "
	    "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key "
	    "-out other.pem -days 1 -subj '/CN=another CA' 2>/dev/null && "
	    "openssl req -newkey rsa:2048 -nodes -keyout host.key -out "
	    "host.csr "
	    "-subj '/CN=localhost' 2>/dev/null && "
	    "printf 'subjectAltName=DNS:localhost\\n' > ext.cnf && "
	    "openssl x509 -req -in host.csr -CA ca.pem -CAkey ca.key "
	    "-CAcreateserial -out host.crt -days 1 -extfile ext.cnf "
	    "2>/dev/null && cat host.crt host.key > host.pem",
	    fx->dir);
	if (tls_run(cmd) != 0) {
		return -1;
	}
	snprintf(fx->ca, sizeof(fx->ca), "%s/ca.pem", fx->dir);
	snprintf(fx->other_ca, sizeof(fx->other_ca), "%s/other.pem", fx->dir);
	snprintf(fx->cert, sizeof(fx->cert), "%s/host.pem", fx->dir);
	return 0;
}

static int
tls_start_node(tls_fixture *fx)
{
	rpc_node_config cfg = {"tls+tcp://localhost:0", "tls-node", 4};
	rpc_snapshot *snap;
	uint8_t *enc;
	size_t len;
	char err[256];

	if (rpc_snapshot_encode(tls_csv, sizeof(tls_csv) - 1, "fixture", 0,
	        &enc, &len, err, sizeof(err)) != 0 ||
	    rpc_snapshot_decode(enc, len, &snap, err, sizeof(err)) != 0) {
		fprintf(stderr, "cannot build the snapshot: %s\n", err);
		return -1;
	}
	free(enc);

	/* Settings are read when the listener is created. */
	rpc_tls_set(&(rpc_tls){fx->cert, fx->ca});
	if (rpc_node_start(&fx->node, &cfg, snap) != 0) {
		rpc_snapshot_release(snap);
		return -1;
	}
	fx->port = rpc_node_port(fx->node);
	return fx->port > 0 ? 0 : -1;
}

static int
setup(void **state)
{
	tls_fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL) {
		return -1;
	}
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_rpc_tls.XXXXXX");
	if (mkdtemp(fx->dir) == NULL || tls_make_certs(fx) != 0 ||
	    tls_start_node(fx) != 0) {
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	tls_fixture *fx = *state;
	char cmd[128];

	rpc_node_stop(fx->node);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	tls_run(cmd);
	free(fx);
	return 0;
}

/* Calls STATUS on the node with the given client settings and scheme. */
static Sfmovies__Code
tls_status(const tls_fixture *fx, const char *scheme, const rpc_tls *tls)
{
	Sfmovies__StatusRequest req = SFMOVIES__STATUS_REQUEST__INIT;
	rpc_client_config cfg = {0};
	rpc_client *c;
	char url[128];
	const char *urls[1] = {url};
	uint8_t *payload = NULL;
	size_t len;
	char msg[256];
	Sfmovies__Code code;

	snprintf(url, sizeof(url), "%s://localhost:%d", scheme, fx->port);
	cfg.urls = urls;
	cfg.nurls = 1;
	rpc_tls_set(tls);
	if (rpc_client_open(&c, &cfg) != 0) {
		return SFMOVIES__CODE__CODE_INTERNAL;
	}
	code = rpc_client_call_sync(c, SFMOVIES__METHOD__METHOD_STATUS,
	    &req.base, 1500, &payload, &len, msg, sizeof(msg));
	rpc_client_close(c);
	free(payload);
	return code;
}

static void
tls_trusted_client_answered(void **state)
{
	tls_fixture *fx = *state;
	rpc_tls tls = {fx->cert, fx->ca};

	assert_int_equal(
	    tls_status(fx, "tls+tcp", &tls), SFMOVIES__CODE__CODE_OK);
}

static void
tls_client_without_cert_rejected(void **state)
{
	tls_fixture *fx = *state;
	rpc_tls tls = {NULL, fx->ca};

	/* The node requires a client certificate because it has a CA. */
	assert_int_equal(tls_status(fx, "tls+tcp", &tls),
	    SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED);
}

static void
tls_client_other_ca_rejected(void **state)
{
	tls_fixture *fx = *state;
	rpc_tls tls = {fx->cert, fx->other_ca};

	/* The client cannot verify the node's certificate. */
	assert_int_equal(tls_status(fx, "tls+tcp", &tls),
	    SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED);
}

static void
tls_plain_tcp_client_rejected(void **state)
{
	tls_fixture *fx = *state;
	rpc_tls none = {NULL, NULL};

	assert_int_equal(tls_status(fx, "tcp", &none),
	    SFMOVIES__CODE__CODE_DEADLINE_EXCEEDED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tls_trusted_client_answered),
	    cmocka_unit_test(tls_client_without_cert_rejected),
	    cmocka_unit_test(tls_client_other_ca_rejected),
	    cmocka_unit_test(tls_plain_tcp_client_rejected),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
