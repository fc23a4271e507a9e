/*
 * The manager's control socket: an nng rep socket that runs operator
 * commands (ControlRequest, answered by ControlReply) one at a time on its
 * own thread. It listens on an ipc:// path, created with mode 0600, or on
 * a loopback tcp:// address; a request that arrives over tcp from any
 * other address is rejected.
 */
#ifndef MGR_CONTROL_H
#define MGR_CONTROL_H

#include <stddef.h>

struct mgr_manager;
typedef struct mgr_control mgr_control;

/* Starts listening. Returns 0, or -1 with a message in err (for example
 * for a tcp:// address that is not loopback). */
int mgr_control_start(mgr_control **out, const char *url, struct mgr_manager *m,
    char *err, size_t errlen);

/* Stops the thread and closes the socket. Accepts NULL. */
void mgr_control_stop(mgr_control *c);

/* Returns 1 when a tcp:// URL's host is a loopback address
 * (127.0.0.0/8, ::1 or localhost), or when url is not tcp. */
int mgr_control_url_is_local(const char *url);

#endif
