/*
 * `sfmovies query`: the RPC client's command line. Runs one call against
 * the given nodes and prints the reply message as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>

#include "core_buf.h"
#include "rpc_args.h"
#include "rpc_client.h"
#include "rpc_json.h"
#include "rpc_node_cmd.h"
#include "rpc_tls.h"

#define QUERY_MAX_NODES 64

static const char query_usage[] =
    "usage: sfmovies query [--node URL]... [--timeout MS] METHOD ARGS\n"
    "\n"
    "Calls the query nodes and prints the reply as JSON.\n"
    "\n"
    "  --node URL     node to call, repeatable (default tcp://127.0.0.1:7100)\n"
    "  --timeout MS   deadline of the call in milliseconds (default 2000)\n"
    "  --tls-cert-key FILE, --tls-ca FILE\n"
    "                 PEM files for tls+tcp:// nodes\n"
    "\n"
    "methods:\n"
    "  search [Q] [--year-min Y] [--year-max Y] [--director NAME]\n"
    "         [--actor NAME] [--neighborhood NAME] [--offset N] [--limit N]\n"
    "  complete TERM [--limit N]\n"
    "  nearest LAT LNG [--radius METRES] [--limit N]\n"
    "  box SOUTH WEST NORTH EAST [--limit N]\n"
    "  film ID\n"
    "  location ID\n"
    "  status\n";

typedef struct query_call {
	Sfmovies__Method method;
	const ProtobufCMessageDescriptor *reply;
	union {
		Sfmovies__SearchRequest search;
		Sfmovies__CompleteRequest complete;
		Sfmovies__NearestRequest nearest;
		Sfmovies__BoxRequest box;
		Sfmovies__FilmRequest film;
		Sfmovies__LocationRequest location;
		Sfmovies__StatusRequest status;
	} req;
} query_call;

/* Parses the options after a method's positional arguments. */
static int
query_search_option(int argc, char **argv, int *i, Sfmovies__SearchRequest *r)
{
	const char *flag = argv[*i];
	const char *v;

	if ((v = rpc_args_value(argc, argv, i)) == NULL) {
		return -1;
	}
	if (strcmp(flag, "--year-min") == 0) {
		return rpc_args_unsigned(flag, v, 0, 9999, &r->year_min);
	}
	if (strcmp(flag, "--year-max") == 0) {
		return rpc_args_unsigned(flag, v, 0, 9999, &r->year_max);
	}
	if (strcmp(flag, "--offset") == 0) {
		return rpc_args_unsigned(flag, v, 0, 1000000, &r->offset);
	}
	if (strcmp(flag, "--limit") == 0) {
		return rpc_args_unsigned(flag, v, 1, 100000, &r->limit);
	}
	if (strcmp(flag, "--director") == 0) {
		r->director = (char *)v;
	} else if (strcmp(flag, "--actor") == 0) {
		r->actor = (char *)v;
	} else if (strcmp(flag, "--neighborhood") == 0) {
		r->neighborhood = (char *)v;
	} else {
		fprintf(
		    stderr, "sfmovies: unknown search option \"%s\"\n", flag);
		return -1;
	}
	return 0;
}

static int
query_parse_search(int argc, char **argv, query_call *q)
{
	Sfmovies__SearchRequest *r = &q->req.search;

	sfmovies__search_request__init(r);
	q->method = SFMOVIES__METHOD__METHOD_SEARCH;
	q->reply = &sfmovies__search_reply__descriptor;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			if (query_search_option(argc, argv, &i, r) != 0) {
				return -1;
			}
		} else if (r->q[0] == '\0') {
			r->q = argv[i];
		} else {
			fprintf(stderr,
			    "sfmovies: search takes one query; quote "
			    "it: \"%s %s\"\n",
			    r->q, argv[i]);
			return -1;
		}
	}
	return 0;
}

/* Parses "--limit N" options only; returns the index of the first
 * positional argument count via npos. */
static int
query_positional(int argc, char **argv, const char **pos, int want,
    unsigned *limit, double *radius)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--limit") == 0 && limit != NULL) {
			if ((v = rpc_args_value(argc, argv, &i)) == NULL ||
			    rpc_args_unsigned("--limit", v, 1, 100000, limit)) {
				return -1;
			}
		} else if (strcmp(argv[i], "--radius") == 0 && radius != NULL) {
			if ((v = rpc_args_value(argc, argv, &i)) == NULL ||
			    rpc_args_double("--radius", v, 0, 1e7, radius)) {
				return -1;
			}
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			fprintf(stderr, "sfmovies: unknown %s option \"%s\"\n",
			    argv[0], argv[i]);
			return -1;
		} else if (n < want) {
			pos[n++] = argv[i];
		} else {
			fprintf(stderr,
			    "sfmovies: %s takes %d arguments, got "
			    "\"%s\" too\n",
			    argv[0], want, argv[i]);
			return -1;
		}
	}
	if (n < want) {
		fprintf(stderr,
		    "sfmovies: %s needs %d arguments; run "
		    "'sfmovies query --help'\n",
		    argv[0], want);
		return -1;
	}
	return 0;
}

static int
query_parse_points(int argc, char **argv, query_call *q)
{
	const char *pos[4];
	double v[4];
	const char *names[4] = {"SOUTH", "WEST", "NORTH", "EAST"};
	int box = strcmp(argv[0], "box") == 0;

	if (box) {
		Sfmovies__BoxRequest *r = &q->req.box;

		sfmovies__box_request__init(r);
		q->method = SFMOVIES__METHOD__METHOD_BOX;
		if (query_positional(argc, argv, pos, 4, &r->limit, NULL) !=
		    0) {
			return -1;
		}
	} else {
		Sfmovies__NearestRequest *r = &q->req.nearest;

		sfmovies__nearest_request__init(r);
		q->method = SFMOVIES__METHOD__METHOD_NEAREST;
		names[0] = "LAT";
		names[1] = "LNG";
		if (query_positional(
		        argc, argv, pos, 2, &r->limit, &r->radius_m) != 0) {
			return -1;
		}
	}
	q->reply = &sfmovies__locations_reply__descriptor;

	/* Ranges are the node's to check, so its error messages show. */
	for (int i = 0; i < (box ? 4 : 2); i++) {
		if (rpc_args_double(names[i], pos[i], -1e9, 1e9, &v[i]) != 0) {
			return -1;
		}
	}
	if (box) {
		q->req.box.south = v[0];
		q->req.box.west = v[1];
		q->req.box.north = v[2];
		q->req.box.east = v[3];
	} else {
		q->req.nearest.lat = v[0];
		q->req.nearest.lng = v[1];
	}
	return 0;
}

static int
query_parse_method(int argc, char **argv, query_call *q)
{
	const char *pos[1];
	const char *m = argv[0];

	if (strcmp(m, "search") == 0) {
		return query_parse_search(argc, argv, q);
	}
	if (strcmp(m, "nearest") == 0 || strcmp(m, "box") == 0) {
		return query_parse_points(argc, argv, q);
	}
	if (strcmp(m, "complete") == 0) {
		sfmovies__complete_request__init(&q->req.complete);
		q->method = SFMOVIES__METHOD__METHOD_COMPLETE;
		q->reply = &sfmovies__complete_reply__descriptor;
		if (query_positional(argc, argv, pos, 1, &q->req.complete.limit,
		        NULL) != 0) {
			return -1;
		}
		q->req.complete.term = (char *)pos[0];
		return 0;
	}
	if (strcmp(m, "film") == 0 || strcmp(m, "location") == 0) {
		int film = m[0] == 'f';

		if (query_positional(argc, argv, pos, 1, NULL, NULL) != 0) {
			return -1;
		}
		if (film) {
			sfmovies__film_request__init(&q->req.film);
			q->req.film.id = (char *)pos[0];
		} else {
			sfmovies__location_request__init(&q->req.location);
			q->req.location.id = (char *)pos[0];
		}
		q->method = film ? SFMOVIES__METHOD__METHOD_FILM
		                 : SFMOVIES__METHOD__METHOD_LOCATION;
		q->reply = film ? &sfmovies__film_reply__descriptor
		                : &sfmovies__location_reply__descriptor;
		return 0;
	}
	if (strcmp(m, "status") == 0) {
		sfmovies__status_request__init(&q->req.status);
		q->method = SFMOVIES__METHOD__METHOD_STATUS;
		q->reply = &sfmovies__status_reply__descriptor;
		return query_positional(argc, argv, pos, 0, NULL, NULL);
	}
	fprintf(stderr,
	    "sfmovies: unknown query method \"%s\"; expected "
	    "search, complete, nearest, box, film, location or status\n",
	    m);
	return -1;
}

static int
query_print(const query_call *q, const uint8_t *payload, size_t len)
{
	ProtobufCMessage *reply;
	core_buf b = {0};
	int rv;

	reply = protobuf_c_message_unpack(q->reply, NULL, len, payload);
	if (reply == NULL) {
		fprintf(stderr,
		    "sfmovies: the node's reply is not a valid %s\n",
		    q->reply->name);
		return 1;
	}
	if ((rv = rpc_json_message(&b, reply)) == 0) {
		fwrite(b.data, 1, b.len, stdout);
		fputc('\n', stdout);
	}
	core_buf_free(&b);
	protobuf_c_message_free_unpacked(reply, NULL);
	return rv == 0 ? 0 : 1;
}

int
rpc_query_main(int argc, char **argv)
{
	const char *urls[QUERY_MAX_NODES];
	rpc_client_config cfg = {0};
	unsigned timeout = 2000;
	query_call q;
	rpc_client *client;
	uint8_t *payload;
	size_t len;
	char message[512];
	Sfmovies__Code code;
	rpc_tls tls = {0};
	int i, rv;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *v;

		if (strcmp(argv[i], "--help") == 0) {
			fputs(query_usage, stdout);
			return 0;
		}
		if ((rv = rpc_tls_flag(argc, argv, &i, &tls)) != 0) {
			if (rv < 0) {
				return 2;
			}
			continue;
		}
		if ((strcmp(argv[i], "--node") != 0 &&
		        strcmp(argv[i], "--timeout") != 0) ||
		    (v = rpc_args_value(argc, argv, &i)) == NULL) {
			fprintf(stderr,
			    "sfmovies: invalid query option \"%s\"; "
			    "run 'sfmovies query --help'\n",
			    argv[i]);
			return 2;
		}
		if (argv[i - 1][2] == 't') {
			if (rpc_args_unsigned(
			        "--timeout", v, 1, 600000, &timeout)) {
				return 2;
			}
		} else if (cfg.nurls < QUERY_MAX_NODES) {
			urls[cfg.nurls++] = v;
		}
	}
	if (i >= argc) {
		fputs(query_usage, stderr);
		return 2;
	}
	if (query_parse_method(argc - i, argv + i, &q) != 0) {
		return 2;
	}
	if (cfg.nurls == 0) {
		urls[cfg.nurls++] = "tcp://127.0.0.1:7100";
	}
	rpc_tls_set(&tls);
	cfg.urls = urls;
	cfg.timeout_ms = timeout;

	if ((rv = rpc_client_open(&client, &cfg)) != 0) {
		fprintf(stderr, "sfmovies: cannot open the RPC client: %s\n",
		    nng_strerror(rv));
		return 1;
	}
	code =
	    rpc_client_call_sync(client, q.method, (ProtobufCMessage *)&q.req,
	        timeout, &payload, &len, message, sizeof(message));
	rpc_client_close(client);
	if (code != SFMOVIES__CODE__CODE_OK) {
		const ProtobufCEnumValue *name =
		    protobuf_c_enum_descriptor_get_value(
		        &sfmovies__code__descriptor, (int)code);

		fprintf(stderr, "sfmovies: %s failed: %s: %s\n", argv[i],
		    name ? name->name : "?", message);
		return 1;
	}
	rv = query_print(&q, payload, len);
	free(payload);
	return rv;
}
