#include "mgr_publish.h"

#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/bus0/bus.h>

#include "rpc_log.h"
#include "rpc_snapshot.h"
#include "rpc_tls.h"
#include "sfmovies.pb-c.h"

struct mgr_publish {
	nng_socket bus;
	nng_listener listener;
};

int
mgr_publish_open(mgr_publish **out, const char *url)
{
	mgr_publish *p;
	int rv;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		return NNG_ENOMEM;
	}
	if ((rv = nng_bus0_open(&p->bus)) != 0 ||
	    (rv = nng_socket_set_size(p->bus, NNG_OPT_RECVMAXSZ, 4096)) != 0 ||
	    (rv = nng_listener_create(&p->listener, p->bus, url)) != 0 ||
	    (rv = rpc_tls_listener(p->listener, url)) != 0) {
		mgr_publish_close(p);
		return rv;
	}
	if (strncmp(url, "ipc://", 6) == 0 &&
	    (rv = nng_listener_set_int(
	         p->listener, NNG_OPT_IPC_PERMISSIONS, 0600)) != 0) {
		mgr_publish_close(p);
		return rv;
	}
	if ((rv = nng_listener_start(p->listener, 0)) != 0) {
		mgr_publish_close(p);
		return rv;
	}
	*out = p;
	return 0;
}

void
mgr_publish_close(mgr_publish *p)
{
	if (p == NULL) {
		return;
	}
	nng_close(p->bus);
	free(p);
}

int
mgr_publish_announce(
    mgr_publish *p, const char *version, const uint8_t *snapshot, size_t len)
{
	Sfmovies__Announce a = SFMOVIES__ANNOUNCE__INIT;
	nng_msg *msg;
	int rv;

	a.version = (char *)version;
	a.snapshot.data = (uint8_t *)snapshot;
	a.snapshot.len = len;
	if ((rv = nng_msg_alloc(
	         &msg, sfmovies__announce__get_packed_size(&a))) != 0) {
		return rv;
	}
	sfmovies__announce__pack(&a, nng_msg_body(msg));

	/* Non-blocking: a full queue drops this copy, and the survey makes
	 * up for it. */
	if ((rv = nng_sendmsg(p->bus, msg, NNG_FLAG_NONBLOCK)) != 0) {
		nng_msg_free(msg);
		rpc_log_warn("announcement not sent", "version", version,
		    "error", nng_strerror(rv));
	}
	return rv;
}
