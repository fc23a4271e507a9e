/*
 * Durable storage of dataset versions (encoded snapshots, see
 * rpc_snapshot.h) with one "current" version.
 *
 * Two backends behind one interface:
 * - a data folder (the default): one checksummed snapshot file per
 *   version, written with fsync and an atomic rename, and a CURRENT file
 *   switched the same way;
 * - MongoDB through mongo-c-driver (a spec starting with mongodb:// or
 *   mongodb+srv://): a client pool with short server-selection and socket
 *   timeouts, one document per version written completely before the
 *   single "current" document is switched, so no multi-document
 *   transaction is needed.
 * Both keep the newest `keep` versions by creation time and the current
 * one, which is never deleted.
 *
 * A reader never sees a half-written version: put writes a version
 * completely, and only set_current makes it current. Every snapshot is
 * verified (format, checksum, version) when it is stored and when it is
 * read, so a damaged file or document is reported, never returned.
 *
 * Thread-safety: a store may be used from several threads at once.
 * NOTE: pruning assumes one writing process per store. Two processes that
 * set the current version of one store at the same time may each delete
 * the version that the other one made current.
 * Ownership: buffers returned by get and list are malloc'd and the
 * caller's.
 */
#ifndef MGR_STORE_H
#define MGR_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mgr_store mgr_store;

typedef struct mgr_version_info {
	char version[17]; /* 16 hexadecimal digits */
	int64_t created_unix;
	char source[256];
	size_t bytes; /* size of the encoded snapshot */
	int current;  /* 1 for the current version */
} mgr_version_info;

/*
 * Opens the store named by spec: a folder path (created with its missing
 * parents, mode 0755), or a mongodb:// URI whose path names the database
 * (default sfmovies). keep is how many versions to keep (at least 1).
 * Returns 0, or -1 with a message in err naming the spec and the reason.
 * Opening a MongoDB store fails fast (within a few seconds) when the
 * server does not answer.
 */
int mgr_store_open(
    mgr_store **out, const char *spec, unsigned keep, char *err, size_t errlen);

/* Closes the store. Accepts NULL. */
void mgr_store_close(mgr_store *s);

/*
 * Stores an encoded snapshot under its version (verified by decoding its
 * header: the version must match the checksum). Storing a version that
 * exists already succeeds without writing, unless the stored copy is
 * damaged, which is then replaced. Does not change the current version.
 * The MongoDB backend rejects snapshots over 15 MiB. Returns 0 or -1 with
 * err set.
 */
int mgr_store_put(mgr_store *s, const uint8_t *snapshot, size_t len, char *err,
    size_t errlen);

/*
 * Makes a stored, intact version current, then deletes the versions beyond
 * the newest keep except the current one. A failure to delete is logged,
 * not returned, since the version is current by then. Returns 0, or -1
 * with err set (for example: no such version).
 */
int mgr_store_set_current(
    mgr_store *s, const char *version, char *err, size_t errlen);

/*
 * Reads the encoded snapshot of version, or of the current version when
 * version is NULL. Returns 0, 1 when there is no such version (or no
 * current version), or -1 with err set.
 */
int mgr_store_get(mgr_store *s, const char *version, uint8_t **snapshot,
    size_t *len, char *err, size_t errlen);

/* Lists stored versions, newest first by creation time, into a malloc'd
 * array. Returns 0, or -1 with err set, also when a version file is
 * damaged or a version document lacks a field. */
int mgr_store_list(
    mgr_store *s, mgr_version_info **out, size_t *n, char *err, size_t errlen);

#endif
