/*
 * TLS for nng links between machines (tls+tcp:// addresses). The settings
 * are process-wide: a command sets them once from its flags at start-up,
 * before it opens any socket, and every tls+tcp:// listener and dialer the
 * process creates uses them. Other transports ignore them.
 *
 * A listener presents cert_key_file (one PEM file holding the certificate
 * chain and the private key). When ca_file is set, peers must present a
 * certificate signed by it: servers then require client certificates, and
 * clients verify the server's. Debian's nng 1.5.2 does TLS with mbedTLS.
 */
#ifndef RPC_TLS_H
#define RPC_TLS_H

#include <nng/nng.h>

typedef struct rpc_tls {
	const char *cert_key_file; /* PEM certificate chain and key, or NULL */
	const char *ca_file;       /* PEM CA certificates, or NULL */
} rpc_tls;

/* Sets the process-wide settings; the strings must outlive the process's
 * sockets. Call before opening sockets. */
void rpc_tls_set(const rpc_tls *tls);

/* Configures a listener or dialer of url for TLS when url is tls+tcp://.
 * Returns 0 or an nng error code. */
int rpc_tls_listener(nng_listener l, const char *url);
int rpc_tls_dialer(nng_dialer d, const char *url);

/* Parses --tls-cert-key FILE and --tls-ca FILE at argv[*i] into tls,
 * advancing *i. Returns 1 when argv[*i] was one of them, 0 when it was
 * not, or -1 when its value is missing (printed). */
int rpc_tls_flag(int argc, char **argv, int *i, rpc_tls *tls);

#endif
