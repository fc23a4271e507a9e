/*
 * Announcing dataset versions to the nodes on an nng bus.
 *
 * Bus delivery is best-effort: nng 1.5.2 drops a message silently when a
 * peer's 16-message send queue is full, and a node that is not connected
 * misses it. The survey (mgr_survey.h) finds nodes that are behind and the
 * manager announces again, so delivery converges.
 *
 * Thread-safety: announce may be called from any thread.
 */
#ifndef MGR_PUBLISH_H
#define MGR_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

typedef struct mgr_publish mgr_publish;

/* Listens on url (an ipc:// path gets mode 0600). Returns 0 or an nng
 * error code. */
int mgr_publish_open(mgr_publish **out, const char *url);

/* Closes the bus. Accepts NULL. */
void mgr_publish_close(mgr_publish *p);

/* Sends an Announce of version with the encoded snapshot to every
 * connected node. Returns 0 or an nng error code. */
int mgr_publish_announce(
    mgr_publish *p, const char *version, const uint8_t *snapshot, size_t len);

#endif
