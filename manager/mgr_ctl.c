/*
 * `sfmovies ctl`: sends one ControlRequest to the manager's control socket
 * and prints the ControlReply as a table or as JSON.
 */
#include "mgr_ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "core_buf.h"
#include "rpc_args.h"
#include "rpc_handler.h"
#include "rpc_json.h"
#include "sfmovies.pb-c.h"

static const char ctl_usage[] =
    "usage: sfmovies ctl [--control URL] [--json] COMMAND\n"
    "\n"
    "commands:\n"
    "  status                   the nodes: id, address, version, uptime,\n"
    "                           queries per second, last seen\n"
    "  reload [--source S] [--force]\n"
    "                           build a version from the source and publish "
    "it\n"
    "  versions                 the stored versions, newest first\n"
    "  rollback VERSION         make a stored version current\n"
    "\n"
    "  --control URL   the manager's control socket (default: the one\n"
    "                  'sfmovies up' opens for this user)\n"
    "  --json          print the reply as JSON\n";

void
mgr_ctl_default_url(char *buf, size_t len)
{
	char dir[64];

	snprintf(dir, sizeof(dir), MGR_CTL_DEFAULT_DIR, (unsigned)getuid());
	snprintf(buf, len, "ipc://%s/control.ipc", dir);
}

typedef struct ctl_args {
	const char *control;
	int json;
	Sfmovies__ControlRequest req;
} ctl_args;

static int
ctl_parse_command(int argc, char **argv, int i, ctl_args *a)
{
	const char *cmd = argv[i++];

	if (strcmp(cmd, "status") == 0) {
		a->req.command = SFMOVIES__CONTROL_COMMAND__CONTROL_STATUS;
	} else if (strcmp(cmd, "versions") == 0) {
		a->req.command = SFMOVIES__CONTROL_COMMAND__CONTROL_VERSIONS;
	} else if (strcmp(cmd, "rollback") == 0) {
		if (i >= argc) {
			fprintf(stderr,
			    "sfmovies: rollback needs a VERSION; see "
			    "'sfmovies ctl versions'\n");
			return -1;
		}
		a->req.command = SFMOVIES__CONTROL_COMMAND__CONTROL_ROLLBACK;
		a->req.version = argv[i++];
	} else if (strcmp(cmd, "reload") == 0) {
		a->req.command = SFMOVIES__CONTROL_COMMAND__CONTROL_RELOAD;
		for (; i < argc; i++) {
			if (strcmp(argv[i], "--force") == 0) {
				a->req.force = 1;
			} else if (strcmp(argv[i], "--source") == 0 &&
			    i + 1 < argc) {
				a->req.source = argv[++i];
			} else {
				break;
			}
		}
	} else {
		fprintf(stderr,
		    "sfmovies: unknown ctl command \"%s\"; expected "
		    "status, reload, versions or rollback\n",
		    cmd);
		return -1;
	}
	if (i < argc) {
		fprintf(stderr,
		    "sfmovies: unexpected argument \"%s\" for ctl %s\n",
		    argv[i], cmd);
		return -1;
	}
	return 0;
}

static int
ctl_parse(int argc, char **argv, ctl_args *a)
{
	int i;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(ctl_usage, stdout);
			return 1;
		}
		if (strcmp(argv[i], "--json") == 0) {
			a->json = 1;
		} else if (strcmp(argv[i], "--control") == 0 && i + 1 < argc) {
			a->control = argv[++i];
		} else {
			fprintf(stderr, "sfmovies: unknown ctl option \"%s\"\n",
			    argv[i]);
			return -1;
		}
	}
	if (i >= argc) {
		fputs(ctl_usage, stderr);
		return -1;
	}
	return ctl_parse_command(argc, argv, i, a);
}

/* Sends the request and returns the unpacked reply, or NULL. */
static Sfmovies__ControlReply *
ctl_call(const ctl_args *a)
{
	Sfmovies__ControlReply *reply = NULL;
	nng_socket sock;
	nng_msg *msg;
	int rv;

	if ((rv = nng_req0_open(&sock)) != 0 ||
	    (rv = nng_socket_set_ms(sock, NNG_OPT_RECVTIMEO, 130000)) != 0 ||
	    (rv = nng_socket_set_ms(sock, NNG_OPT_SENDTIMEO, 5000)) != 0 ||
	    (rv = nng_dial(sock, a->control, NULL, 0)) != 0) {
		fprintf(stderr,
		    "sfmovies: cannot reach the manager at %s: %s; "
		    "is 'sfmovies up' running?\n",
		    a->control, nng_strerror(rv));
		nng_close(sock);
		return NULL;
	}
	if ((rv = nng_msg_alloc(&msg,
	         sfmovies__control_request__get_packed_size(&a->req))) != 0) {
		nng_close(sock);
		return NULL;
	}
	sfmovies__control_request__pack(&a->req, nng_msg_body(msg));
	if ((rv = nng_sendmsg(sock, msg, 0)) != 0) {
		nng_msg_free(msg);
	} else if ((rv = nng_recvmsg(sock, &msg, 0)) == 0) {
		reply = sfmovies__control_reply__unpack(
		    NULL, nng_msg_len(msg), nng_msg_body(msg));
		nng_msg_free(msg);
	}
	if (rv != 0) {
		fprintf(stderr, "sfmovies: control command failed: %s\n",
		    nng_strerror(rv));
	} else if (reply == NULL) {
		fprintf(stderr,
		    "sfmovies: the manager's reply is not a valid "
		    "ControlReply\n");
	}
	nng_close(sock);
	return reply;
}

static void
ctl_print_duration(uint64_t ms, char *buf, size_t len)
{
	uint64_t s = ms / 1000;

	if (s >= 86400) {
		snprintf(buf, len, "%llud%lluh",
		    (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400 / 3600));
	} else if (s >= 3600) {
		snprintf(buf, len, "%lluh%llum", (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60));
	} else {
		snprintf(buf, len, "%llum%llus", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60));
	}
}

static void
ctl_print_status(const Sfmovies__ControlReply *r)
{
	int64_t now = rpc_now_ms();

	printf("current version: %s\n\n",
	    r->current_version[0] ? r->current_version : "(none)");
	printf("%-12s %-5s %-40s %-16s %-9s %9s %10s\n", "NODE", "STATE",
	    "ADDRESS", "VERSION", "UPTIME", "QUERIES/S", "LAST SEEN");
	for (size_t i = 0; i < r->n_nodes; i++) {
		const Sfmovies__NodeState *n = r->nodes[i];
		const Sfmovies__NodeReport *p = n->report;
		char uptime[32], seen[32];

		ctl_print_duration(p->uptime_ms, uptime, sizeof(uptime));
		snprintf(seen, sizeof(seen), "%.1fs ago",
		    (double)(now - n->last_seen_unix_ms) / 1000.0);
		printf("%-12s %-5s %-40s %-16s %-9s %9.1f %10s\n", p->node_id,
		    n->up ? "up" : "down", p->url, p->dataset_version, uptime,
		    n->queries_per_second, seen);
	}
}

static void
ctl_print_versions(const Sfmovies__ControlReply *r)
{
	printf("%-16s %-7s %-20s %10s  %s\n", "VERSION", "CURRENT", "CREATED",
	    "BYTES", "SOURCE");
	for (size_t i = 0; i < r->n_versions; i++) {
		const Sfmovies__VersionInfo *v = r->versions[i];
		time_t t = (time_t)v->created_unix;
		struct tm tm;
		char created[32];

		gmtime_r(&t, &tm);
		strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%-16s %-7s %-20s %10llu  %s\n", v->version,
		    v->current ? "yes" : "", created,
		    (unsigned long long)v->bytes, v->source);
	}
}

static int
ctl_print(const ctl_args *a, const Sfmovies__ControlReply *r)
{
	core_buf b = {0};

	if (a->json) {
		if (rpc_json_message(&b, &r->base) == 0) {
			printf("%s\n", b.data);
		}
		core_buf_free(&b);
	} else if (r->code != SFMOVIES__CODE__CODE_OK) {
		/* printed below */
	} else if (a->req.command ==
	    SFMOVIES__CONTROL_COMMAND__CONTROL_STATUS) {
		ctl_print_status(r);
	} else if (a->req.command ==
	    SFMOVIES__CONTROL_COMMAND__CONTROL_VERSIONS) {
		ctl_print_versions(r);
	} else {
		printf("%s\n", r->message);
	}
	if (r->code != SFMOVIES__CODE__CODE_OK) {
		fprintf(stderr, "sfmovies: %s\n", r->message);
		return 1;
	}
	return 0;
}

int
mgr_ctl_main(int argc, char **argv)
{
	Sfmovies__ControlReply *reply;
	char url[128];
	ctl_args a = {0};
	int rv;

	sfmovies__control_request__init(&a.req);
	mgr_ctl_default_url(url, sizeof(url));
	a.control = url;
	if ((rv = ctl_parse(argc, argv, &a)) != 0) {
		return rv > 0 ? 0 : 2;
	}
	if ((reply = ctl_call(&a)) == NULL) {
		return 1;
	}
	rv = ctl_print(&a, reply);
	sfmovies__control_reply__free_unpacked(reply, NULL);
	return rv;
}
