/*
 * The interface between mgr_store.c and its backends (mgr_store_file.c,
 * mgr_store_mongo.c). Private to the manager: callers use mgr_store.h.
 *
 * mgr_store.c checks the arguments that every backend would check (keep,
 * version strings, snapshot verification on put) before it calls a
 * backend, so a backend receives only valid versions and verified
 * snapshots. Each backend makes its own functions thread-safe.
 */
#ifndef MGR_STORE_BACKEND_H
#define MGR_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "mgr_store.h"
#include "rpc_snapshot.h"

typedef struct mgr_store_ops {
	/* Stores snapshot, already verified, whose header is h. */
	int (*put)(mgr_store *s, const uint8_t *snapshot, size_t len,
	    const rpc_snapshot_header *h, char *err, size_t errlen);
	int (*set_current)(
	    mgr_store *s, const char *version, char *err, size_t errlen);
	/* Returns the snapshot only after mgr_store_verify accepted it. */
	int (*get)(mgr_store *s, const char *version, uint8_t **snapshot,
	    size_t *len, char *err, size_t errlen);
	int (*list)(mgr_store *s, mgr_version_info **out, size_t *n, char *err,
	    size_t errlen);
	void (*close)(mgr_store *s);
} mgr_store_ops;

/* The part that every backend's store starts with. */
struct mgr_store {
	const mgr_store_ops *ops;
	unsigned keep;
};

/* Opens a folder store at dir. Arguments as for mgr_store_open. */
int mgr_store_file_open(
    mgr_store **out, const char *dir, unsigned keep, char *err, size_t errlen);

/* Opens a MongoDB store at uri. Arguments as for mgr_store_open. */
int mgr_store_mongo_open(
    mgr_store **out, const char *uri, unsigned keep, char *err, size_t errlen);

/* Returns 1 when version is 16 lower-case hexadecimal digits. */
int mgr_store_version_valid(const char *version);

/*
 * Verifies that snapshot[0..len) is an intact snapshot of version.
 * Returns 0, or -1 with the reason in err.
 */
int mgr_store_verify(const uint8_t *snapshot, size_t len, const char *version,
    char *err, size_t errlen);

/* Sorts versions newest first: by creation time, then by version. */
void mgr_store_sort(mgr_version_info *versions, size_t n);

/*
 * Returns 1 when pruning deletes versions[i] of a list sorted by
 * mgr_store_sort: the versions after the newest keep, except current.
 */
int mgr_store_prunes(const mgr_version_info *versions, size_t i, unsigned keep,
    const char *current);

#endif
