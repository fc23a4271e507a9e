#include "gw_config.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GW_DEFAULT_LISTEN "127.0.0.1:8080"
#define GW_DEFAULT_NODE   "tcp://127.0.0.1:7100"

void
gw_config_usage(FILE *out)
{
	fprintf(out,
	    "usage: sfmovies gateway [OPTIONS]\n"
	    "\n"
	    "Serve the HTTP API, asking the query nodes over RPC.\n"
	    "\n"
	    "options:\n"
	    "  --listen ADDR:PORT     address to serve HTTP on "
	    "(default " GW_DEFAULT_LISTEN ");\n"
	    "                         an IPv6 address goes in brackets, "
	    "[::1]:8080\n"
	    "  --node URL             nng URL of a query node; repeat for "
	    "more\n"
	    "                         (default " GW_DEFAULT_NODE ")\n"
	    "  --ui DIR               folder of the map page's files "
	    "(default: ui/ of\n"
	    "                         the source tree, else "
	    "PREFIX/share/sfmovies/ui)\n"
	    "  --openapi FILE         the OpenAPI document served at "
	    "/openapi.yaml\n"
	    "  --posters DIR          folder of film posters, {imdb_id}.jpg, "
	    "served at\n"
	    "                         /posters/{imdb_id}.jpg (default: "
	    "none)\n"
	    "  --threads N            HTTP threads (default: the CPU "
	    "count)\n"
	    "  --rpc-timeout MS       deadline of each RPC in milliseconds "
	    "(default 1000)\n"
	    "  --max-connections N    open HTTP connections at most "
	    "(default 1024)\n"
	    "  --max-connections-per-ip N\n"
	    "                         open HTTP connections per client "
	    "address; 0 for\n"
	    "                         no limit (default 256)\n"
	    "  --idle-timeout S       close a connection idle for S "
	    "seconds (default 15)\n"
	    "  --cache-mb N           response cache size in MiB; 0 turns "
	    "it off\n"
	    "                         (default 64; an answer over 1/16 of "
	    "it is not cached)\n"
	    "  --tls-cert-key FILE    PEM certificate and key presented to\n"
	    "                         tls+tcp:// nodes\n"
	    "  --tls-ca FILE          PEM CA that tls+tcp:// nodes' certificates\n"
	    "                         must be signed by\n"
	    "  --help                 show this help\n");
}

static int
gw_usage_error(char *err, size_t errlen, const char *fmt, const char *flag,
    const char *value)
{
	snprintf(err, errlen, fmt, flag, value);
	return GW_CONFIG_USAGE;
}

static int
gw_parse_unsigned(
    const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9') {
		return -1;
	}
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < min || v > max) {
		return -1;
	}
	*out = v;
	return 0;
}

/* Resolves ADDR:PORT, or [ADDR]:PORT for IPv6, into cfg->addr. */
static int
gw_parse_listen(gw_config *cfg, const char *value)
{
	char host[256];
	const char *port;
	struct addrinfo hints;
	struct addrinfo *res;
	unsigned long p;
	size_t hlen;

	if (value[0] == '[') {
		const char *close = strchr(value, ']');

		if (close == NULL || close[1] != ':') {
			return -1;
		}
		hlen = (size_t)(close - value - 1);
		port = close + 2;
		value++;
	} else {
		const char *colon = strrchr(value, ':');

		if (colon == NULL) {
			return -1;
		}
		hlen = (size_t)(colon - value);
		port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host) ||
	    gw_parse_unsigned(port, 0, 65535, &p) != 0) {
		return -1;
	}
	memcpy(host, value, hlen);
	host[hlen] = '\0';

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) != 0) {
		return -1;
	}
	memcpy(&cfg->addr, res->ai_addr, res->ai_addrlen);
	cfg->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
gw_node_url_valid(const char *url)
{
	static const char *const schemes[] = {"tcp://", "tcp4://", "tcp6://",
	    "ipc://", "inproc://", "tls+tcp://", "tls+tcp4://", "tls+tcp6://",
	    "ws://", "wss://"};

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i]);

		if (strncmp(url, schemes[i], n) == 0 && url[n] != '\0') {
			return 1;
		}
	}
	return 0;
}

static void
gw_config_defaults(gw_config *cfg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = GW_DEFAULT_LISTEN;
	cfg->threads = ncpu > 0 ? (unsigned)ncpu : 1;
	cfg->rpc_timeout_ms = 1000;
	cfg->max_connections = 1024;
	cfg->max_per_ip = 256;
	cfg->idle_timeout_s = 15;
	cfg->cache_mb = 64;
}

typedef struct gw_uint_flag {
	const char *name;
	unsigned long min;
	unsigned long max;
	const char *expect;
	size_t offset;
	int is_size;
} gw_uint_flag;

static const gw_uint_flag gw_uint_flags[] = {
    {"--threads", 1, 256, "an integer from 1 to 256",
        offsetof(gw_config, threads), 0},
    {"--rpc-timeout", 1, 600000, "a number of milliseconds from 1 to 600000",
        offsetof(gw_config, rpc_timeout_ms), 0},
    {"--max-connections", 1, 1000000, "an integer from 1 to 1000000",
        offsetof(gw_config, max_connections), 0},
    {"--max-connections-per-ip", 0, 1000000,
        "an integer from 0 (no limit) to 1000000",
        offsetof(gw_config, max_per_ip), 0},
    {"--idle-timeout", 1, 3600, "a number of seconds from 1 to 3600",
        offsetof(gw_config, idle_timeout_s), 0},
    {"--cache-mb", 0, 65536, "a number of MiB from 0 to 65536",
        offsetof(gw_config, cache_mb), 1},
};

/* Sets a numeric flag; returns 1 when name is not one. */
static int
gw_set_uint_flag(gw_config *cfg, const char *name, const char *value, char *err,
    size_t errlen, int *rv)
{
	for (size_t i = 0; i < sizeof(gw_uint_flags) / sizeof(gw_uint_flags[0]);
	     i++) {
		const gw_uint_flag *f = &gw_uint_flags[i];
		char fmt[160];
		unsigned long v;

		if (strcmp(name, f->name) != 0) {
			continue;
		}
		if (gw_parse_unsigned(value, f->min, f->max, &v) != 0) {
			snprintf(fmt, sizeof(fmt),
			    "%%s %%s: invalid value; expected %s", f->expect);
			*rv = gw_usage_error(err, errlen, fmt, name, value);
			return 0;
		}
		if (f->is_size) {
			*(size_t *)((char *)cfg + f->offset) = v;
		} else {
			*(unsigned *)((char *)cfg + f->offset) = (unsigned)v;
		}
		*rv = GW_CONFIG_RUN;
		return 0;
	}
	return 1;
}

static int
gw_set_flag(gw_config *cfg, const char *name, const char *value, char *err,
    size_t errlen)
{
	int rv = GW_CONFIG_RUN;

	if (strcmp(name, "--listen") == 0) {
		if (gw_parse_listen(cfg, value) != 0) {
			return gw_usage_error(err, errlen,
			    "%s %s: invalid address; expected ADDR:PORT such "
			    "as 127.0.0.1:8080 or [::1]:8080",
			    name, value);
		}
		cfg->listen = value;
	} else if (strcmp(name, "--node") == 0) {
		if (!gw_node_url_valid(value)) {
			return gw_usage_error(err, errlen,
			    "%s %s: invalid URL; expected an nng URL such as "
			    "tcp://127.0.0.1:7100 or ipc:///tmp/node.ipc",
			    name, value);
		}
		if (cfg->nnodes == GW_MAX_NODES) {
			return gw_usage_error(err, errlen,
			    "%s %s: too many nodes; at most 16", name, value);
		}
		cfg->nodes[cfg->nnodes++] = value;
	} else if (strcmp(name, "--ui") == 0) {
		cfg->ui_dir = value;
	} else if (strcmp(name, "--openapi") == 0) {
		cfg->openapi = value;
	} else if (strcmp(name, "--posters") == 0) {
		cfg->posters = value;
	} else if (strcmp(name, "--tls-cert-key") == 0) {
		cfg->tls_cert_key = value;
	} else if (strcmp(name, "--tls-ca") == 0) {
		cfg->tls_ca = value;
	} else if (gw_set_uint_flag(cfg, name, value, err, errlen, &rv) != 0) {
		return gw_usage_error(err, errlen,
		    "%s%s: unknown option; run 'sfmovies "
		    "gateway --help' for the list",
		    name, "");
	}
	return rv;
}

int
gw_config_parse(gw_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
	int rv;

	gw_config_defaults(cfg);
	for (int i = 1; i < argc; i++) {
		char name[64];
		const char *arg = argv[i];
		const char *eq = strchr(arg, '=');
		const char *value;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			return GW_CONFIG_HELP;
		}
		if (strncmp(arg, "--", 2) != 0) {
			return gw_usage_error(err, errlen,
			    "%s%s: unexpected argument; options "
			    "start with --",
			    arg, "");
		}
		if (eq != NULL) {
			size_t n = (size_t)(eq - arg);

			if (n >= sizeof(name)) {
				n = sizeof(name) - 1;
			}
			memcpy(name, arg, n);
			name[n] = '\0';
			value = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", arg);
			if (i + 1 >= argc) {
				return gw_usage_error(err, errlen,
				    "%s%s: missing value", arg, "");
			}
			value = argv[++i];
		}
		if ((rv = gw_set_flag(cfg, name, value, err, errlen)) !=
		    GW_CONFIG_RUN) {
			return rv;
		}
	}
	if (cfg->nnodes == 0) {
		cfg->nodes[cfg->nnodes++] = GW_DEFAULT_NODE;
	}
	if (cfg->addrlen == 0 && gw_parse_listen(cfg, cfg->listen) != 0) {
		return gw_usage_error(
		    err, errlen, "%s%s: cannot resolve", cfg->listen, "");
	}
	return GW_CONFIG_RUN;
}
