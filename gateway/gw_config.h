/*
 * The command line of `sfmovies gateway`.
 *
 * Ownership: a parsed config points into argv for its strings.
 * Thread-safety: pure functions of their arguments.
 */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#define GW_MAX_NODES 16

typedef struct gw_config {
	const char *listen; /* as given, ADDR:PORT */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *nodes[GW_MAX_NODES];
	size_t nnodes;
	const char *ui_dir;  /* NULL: the default, see gw_config_parse */
	const char *openapi; /* NULL: the default */
	const char *posters; /* folder of {imdb_id}.jpg; NULL: none served */
	const char *tls_cert_key; /* PEM for tls+tcp:// nodes, or NULL */
	const char *tls_ca;       /* PEM CA for tls+tcp:// nodes, or NULL */
	unsigned threads;
	unsigned rpc_timeout_ms;
	unsigned max_connections;
	unsigned max_per_ip; /* 0: no limit */
	unsigned idle_timeout_s;
	size_t cache_mb;
} gw_config;

enum {
	GW_CONFIG_RUN = 0,  /* cfg is filled */
	GW_CONFIG_HELP = 1, /* --help was given */
	GW_CONFIG_USAGE = 2 /* invalid: err names the flag and the value */
};

/*
 * Parses argv (argv[0] is "gateway"). Flags take their value as the next
 * argument or after '='. Returns GW_CONFIG_RUN, GW_CONFIG_HELP or
 * GW_CONFIG_USAGE with a message in err.
 */
int gw_config_parse(
    gw_config *cfg, int argc, char **argv, char *err, size_t errlen);

/* Writes the help text. */
void gw_config_usage(FILE *out);

#endif
