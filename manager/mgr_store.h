/*
 * Durable storage of dataset versions (encoded snapshots, see
 * rpc_snapshot.h) with one "current" version.
 *
 * Two backends behind one interface:
 * - a data folder (the default): one checksummed snapshot file per
 *   version, written with fsync and an atomic rename, and a CURRENT file
 *   switched the same way; only the newest `keep` versions are kept, and
 *   never the current one is deleted;
 * - MongoDB through mongo-c-driver (a spec starting with mongodb://): a
 *   client pool with short server-selection and socket timeouts, one
 *   document per version written completely before the single "current"
 *   document is switched, so no multi-document transaction is needed.
 *
 * A reader never sees a half-written version: put writes a version
 * completely, and only set_current makes it current.
 *
 * Thread-safety: a store may be used from several threads at once.
 * Ownership: buffers returned by get are malloc'd and the caller's.
 */
#ifndef MGR_STORE_H
#define MGR_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mgr_store mgr_store;

typedef struct mgr_version_info {
	char    version[17]; /* 16 hexadecimal digits */
	int64_t created_unix;
	char    source[256];
	size_t  bytes;   /* size of the encoded snapshot */
	int     current; /* 1 for the current version */
} mgr_version_info;

/*
 * Opens the store named by spec: a folder path (created when missing), or
 * a mongodb:// URI. keep is how many versions to keep (at least 1).
 * Returns 0, or -1 with a message in err naming the spec and the reason.
 * Opening a MongoDB store fails fast (within a few seconds) when the
 * server does not answer.
 */
int mgr_store_open(mgr_store **out, const char *spec, unsigned keep,
    char *err, size_t errlen);

/* Closes the store. Accepts NULL. */
void mgr_store_close(mgr_store *s);

/*
 * Stores an encoded snapshot under its version (verified by decoding its
 * header: the version must match the checksum). Storing a version that
 * exists already succeeds without writing. Does not change the current
 * version. Returns 0 or -1 with err set.
 */
int mgr_store_put(mgr_store *s, const uint8_t *snapshot, size_t len,
    char *err, size_t errlen);

/* Makes a stored version current, then deletes versions beyond keep.
 * Returns 0, or -1 with err set (for example: no such version). */
int mgr_store_set_current(mgr_store *s, const char *version, char *err,
    size_t errlen);

/*
 * Reads the encoded snapshot of version, or of the current version when
 * version is NULL. Returns 0, 1 when there is no such version (or no
 * current version), or -1 with err set.
 */
int mgr_store_get(mgr_store *s, const char *version, uint8_t **snapshot,
    size_t *len, char *err, size_t errlen);

/* Lists stored versions, newest first, into a malloc'd array. Returns 0 or
 * -1 with err set. */
int mgr_store_list(mgr_store *s, mgr_version_info **out, size_t *n,
    char *err, size_t errlen);

#endif
