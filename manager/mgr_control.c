#include "mgr_control.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/util/platform.h>

#include "core_arena.h"
#include "mgr_manager.h"
#include "mgr_store.h"
#include "rpc_log.h"
#include "sfmovies.pb-c.h"

#define CONTROL_MESSAGE_MAX 1024

struct mgr_control {
	nng_socket sock;
	nng_thread *thread;
	struct mgr_manager *manager;
};

int
mgr_control_url_is_local(const char *url)
{
	char host[64];
	const char *p;
	size_t n;

	if (strncmp(url, "tcp://", 6) != 0) {
		return strncmp(url, "tcp", 3) != 0; /* tcp4://, tcp6:// too */
	}
	p = url + 6;
	if (*p == '[') {
		return strncmp(p, "[::1]:", 6) == 0;
	}
	n = strcspn(p, ":");
	if (n >= sizeof(host)) {
		return 0;
	}
	memcpy(host, p, n);
	host[n] = '\0';
	if (strcmp(host, "localhost") == 0) {
		return 1;
	}
	return strncmp(host, "127.", 4) == 0;
}

/* Returns 1 when the message came over ipc or from a loopback address. */
static int
control_peer_is_local(nng_msg *msg)
{
	nng_pipe pipe = nng_msg_get_pipe(msg);
	nng_sockaddr sa;

	if (nng_pipe_get_addr(pipe, NNG_OPT_REMADDR, &sa) != 0) {
		return 0;
	}
	switch (sa.s_family) {
	case NNG_AF_IPC:
		return 1;
	case NNG_AF_INET:
		return (ntohl(sa.s_in.sa_addr) >> 24) == 127;
	case NNG_AF_INET6: {
		static const uint8_t loopback[16] = {[15] = 1};

		return memcmp(sa.s_in6.sa_addr, loopback, 16) == 0;
	}
	default:
		return 0;
	}
}

static int
control_status(mgr_control *c, core_arena *a, Sfmovies__ControlReply *reply)
{
	mgr_node_state nodes[MGR_SURVEY_MAX_NODES];
	size_t n = mgr_manager_nodes(c->manager, nodes, MGR_SURVEY_MAX_NODES);
	Sfmovies__NodeState *states;
	Sfmovies__NodeReport *reports;

	reply->nodes = core_arena_alloc(a, (n + 1) * sizeof(*reply->nodes));
	states = core_arena_alloc(a, (n + 1) * sizeof(*states));
	reports = core_arena_alloc(a, (n + 1) * sizeof(*reports));
	if (reply->nodes == NULL || states == NULL || reports == NULL) {
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		mgr_node_state *src = &nodes[i];
		char *copy = core_arena_alloc(a, sizeof(*src));

		if (copy == NULL) {
			return -1;
		}
		memcpy(copy, src, sizeof(*src));
		src = (mgr_node_state *)copy;

		sfmovies__node_report__init(&reports[i]);
		reports[i].node_id = src->node_id;
		reports[i].url = src->url;
		reports[i].dataset_version = src->version;
		reports[i].uptime_ms = src->uptime_ms;
		reports[i].queries = src->queries;
		reports[i].errors = src->errors;
		reports[i].pid = src->pid;
		sfmovies__node_state__init(&states[i]);
		states[i].report = &reports[i];
		states[i].up = src->up;
		states[i].last_seen_unix_ms = src->last_seen_ms;
		states[i].queries_per_second = src->queries_per_second;
		reply->nodes[i] = &states[i];
	}
	reply->n_nodes = n;
	return 0;
}

static int
control_versions(mgr_control *c, core_arena *a, Sfmovies__ControlReply *reply)
{
	mgr_version_info *v;
	size_t n;
	Sfmovies__VersionInfo *infos;

	if (mgr_store_list(mgr_manager_store(c->manager), &v, &n,
	        reply->message, CONTROL_MESSAGE_MAX) != 0) {
		reply->code = SFMOVIES__CODE__CODE_UNAVAILABLE;
		return 0;
	}
	reply->versions =
	    core_arena_alloc(a, (n + 1) * sizeof(*reply->versions));
	infos = core_arena_alloc(a, (n + 1) * sizeof(*infos));
	if (reply->versions == NULL || infos == NULL) {
		free(v);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		sfmovies__version_info__init(&infos[i]);
		infos[i].version =
		    core_arena_strndup(a, v[i].version, strlen(v[i].version));
		infos[i].source =
		    core_arena_strndup(a, v[i].source, strlen(v[i].source));
		infos[i].created_unix = v[i].created_unix;
		infos[i].bytes = v[i].bytes;
		infos[i].current = v[i].current;
		reply->versions[i] = &infos[i];
	}
	reply->n_versions = n;
	free(v);
	return 0;
}

/* Runs one command and fills reply, whose message has room for
 * CONTROL_MESSAGE_MAX bytes. */
static int
control_run(mgr_control *c, const Sfmovies__ControlRequest *req, core_arena *a,
    Sfmovies__ControlReply *reply)
{
	mgr_refresh_result res;

	switch (req->command) {
	case SFMOVIES__CONTROL_COMMAND__CONTROL_STATUS:
		return control_status(c, a, reply);
	case SFMOVIES__CONTROL_COMMAND__CONTROL_VERSIONS:
		return control_versions(c, a, reply);
	case SFMOVIES__CONTROL_COMMAND__CONTROL_RELOAD:
		if (mgr_manager_refresh(
		        c->manager, req->source, req->force, &res) != 0) {
			reply->code = SFMOVIES__CODE__CODE_INVALID_ARGUMENT;
		}
		snprintf(
		    reply->message, CONTROL_MESSAGE_MAX, "%s", res.message);
		return 0;
	case SFMOVIES__CONTROL_COMMAND__CONTROL_ROLLBACK:
		if (req->version[0] == '\0') {
			reply->code = SFMOVIES__CODE__CODE_INVALID_ARGUMENT;
			snprintf(reply->message, CONTROL_MESSAGE_MAX,
			    "rollback needs a version");
		} else if (mgr_manager_rollback(c->manager, req->version,
		               reply->message, CONTROL_MESSAGE_MAX) != 0) {
			reply->code = SFMOVIES__CODE__CODE_NOT_FOUND;
		} else {
			snprintf(reply->message, CONTROL_MESSAGE_MAX,
			    "version %s is current", req->version);
		}
		return 0;
	default:
		reply->code = SFMOVIES__CODE__CODE_UNIMPLEMENTED;
		snprintf(reply->message, CONTROL_MESSAGE_MAX,
		    "unknown command %d", (int)req->command);
		return 0;
	}
}

/* Builds the reply message to one request message. */
static nng_msg *
control_answer(mgr_control *c, nng_msg *msg)
{
	Sfmovies__ControlReply reply = SFMOVIES__CONTROL_REPLY__INIT;
	Sfmovies__ControlRequest *req = NULL;
	core_arena a = {0};
	char message[CONTROL_MESSAGE_MAX] = "";
	char version[17];
	nng_msg *out = NULL;

	reply.message = message;
	if (!control_peer_is_local(msg)) {
		reply.code = SFMOVIES__CODE__CODE_INVALID_ARGUMENT;
		snprintf(message, sizeof(message),
		    "control commands are accepted only from this machine");
		rpc_log_warn("rejected control command from a remote peer");
	} else if ((req = sfmovies__control_request__unpack(
	                NULL, nng_msg_len(msg), nng_msg_body(msg))) == NULL) {
		reply.code = SFMOVIES__CODE__CODE_INVALID_ARGUMENT;
		snprintf(message, sizeof(message),
		    "the message is not a valid ControlRequest");
	} else if (control_run(c, req, &a, &reply) != 0) {
		reply.code = SFMOVIES__CODE__CODE_INTERNAL;
		snprintf(message, sizeof(message), "out of memory");
	}

	mgr_manager_current(c->manager, version);
	reply.current_version = version;
	if (nng_msg_alloc(
	        &out, sfmovies__control_reply__get_packed_size(&reply)) == 0) {
		sfmovies__control_reply__pack(&reply, nng_msg_body(out));
	}
	if (req != NULL) {
		sfmovies__control_request__free_unpacked(req, NULL);
	}
	core_arena_free(&a);
	return out;
}

static void
control_thread(void *arg)
{
	mgr_control *c = arg;
	nng_msg *msg;
	int rv;

	while ((rv = nng_recvmsg(c->sock, &msg, 0)) == 0) {
		nng_msg *reply = control_answer(c, msg);

		nng_msg_free(msg);
		if (reply != NULL &&
		    (rv = nng_sendmsg(c->sock, reply, 0)) != 0) {
			nng_msg_free(reply);
			rpc_log_warn("cannot send control reply", "error",
			    nng_strerror(rv));
		}
	}
	if (rv != NNG_ECLOSED) {
		rpc_log_error(
		    "control socket failed", "error", nng_strerror(rv));
	}
}

int
mgr_control_start(mgr_control **out, const char *url, struct mgr_manager *m,
    char *err, size_t errlen)
{
	mgr_control *c;
	nng_listener l;
	int rv;

	if (!mgr_control_url_is_local(url)) {
		snprintf(err, errlen,
		    "control address %s is not loopback; use "
		    "ipc:// or tcp://127.0.0.1:PORT",
		    url);
		return -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->manager = m;
	if ((rv = nng_rep0_open(&c->sock)) != 0 ||
	    (rv = nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, 65536)) !=
	        0 ||
	    (rv = nng_listener_create(&l, c->sock, url)) != 0 ||
	    (strncmp(url, "ipc://", 6) == 0 &&
	        (rv = nng_listener_set_int(l, NNG_OPT_IPC_PERMISSIONS, 0600)) !=
	            0) ||
	    (rv = nng_listener_start(l, 0)) != 0 ||
	    (rv = nng_thread_create(&c->thread, control_thread, c)) != 0) {
		snprintf(err, errlen,
		    "cannot listen for control commands on %s: %s", url,
		    nng_strerror(rv));
		mgr_control_stop(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
mgr_control_stop(mgr_control *c)
{
	if (c == NULL) {
		return;
	}
	nng_close(c->sock); /* ends the thread's blocking receive */
	if (c->thread != NULL) {
		nng_thread_destroy(c->thread);
	}
	free(c);
}
