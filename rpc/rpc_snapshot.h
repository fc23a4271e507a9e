/*
 * Dataset snapshots: a dataset version as one checksummed protobuf file
 * (the Snapshot message of proto/sfmovies.proto), and the loaded form that
 * query nodes serve from.
 *
 * Ownership: a loaded snapshot is reference-counted. Whoever holds a
 * reference may read it from any thread; the last rpc_snapshot_release
 * frees it. A snapshot never changes after it is loaded.
 */
#ifndef RPC_SNAPSHOT_H
#define RPC_SNAPSHOT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core_dataset.h"

/* Snapshot files and messages larger than this are rejected. */
#define RPC_SNAPSHOT_MAX_BYTES (64u << 20)

typedef struct rpc_snapshot {
	atomic_uint refs;
	core_dataset *ds;
	char version[17]; /* 16 hexadecimal digits */
	int64_t created_unix;
	char source[256];
	core_import_stats stats; /* what the import of its CSV found */
} rpc_snapshot;

/*
 * Encodes a snapshot of csv[0..len) taken from source into a new malloc'd
 * buffer, after checking that the CSV imports. Returns 0, or a negative
 * core_err code with a message in err.
 */
int rpc_snapshot_encode(const char *csv, size_t len, const char *source,
    int64_t created_unix, uint8_t **out, size_t *outlen, char *err,
    size_t errlen);

/*
 * Encodes as rpc_snapshot_encode does, with enrichment[0..enrichment_len),
 * an encoded Enrichment message (may be empty), which the check import
 * applies too. The checksum then also covers the enrichment, so the
 * version changes when the geocodes or film details do.
 */
int rpc_snapshot_encode_ex(const char *csv, size_t len,
    const uint8_t *enrichment, size_t enrichment_len, const char *source,
    int64_t created_unix, uint8_t **out, size_t *outlen, char *err,
    size_t errlen);

/* Returns the checksum of a snapshot of csv and enrichment, whose first 16
 * hexadecimal digits are its version. */
uint64_t rpc_snapshot_checksum(
    const void *csv, size_t len, const void *enrichment, size_t enrichment_len);

/*
 * Decodes and verifies an encoded snapshot (format, checksum, version) and
 * imports its CSV with its enrichment. On success stores a snapshot with one
 * reference in *out. Returns 0, or a negative core_err code with a message in
 * err; a bad checksum or format is CORE_ESYNTAX.
 */
int rpc_snapshot_decode(const uint8_t *buf, size_t len, rpc_snapshot **out,
    char *err, size_t errlen);

/* What a snapshot says about itself, read without importing its CSV. */
typedef struct rpc_snapshot_header {
	char version[17];
	int64_t created_unix;
	char source[256];
	size_t csv_bytes;
	size_t enrichment_bytes;
} rpc_snapshot_header;

/*
 * Decodes and verifies an encoded snapshot (format, checksum, version)
 * without importing it. Returns 0, or a negative core_err code with a
 * message in err, as rpc_snapshot_decode does.
 */
int rpc_snapshot_peek(const uint8_t *buf, size_t len, rpc_snapshot_header *out,
    char *err, size_t errlen);

/* Writes buf to path atomically: a temporary file in the same folder,
 * fsync, rename, fsync of the folder. Returns 0 or -1 with err set. */
int rpc_snapshot_write_file(
    const char *path, const uint8_t *buf, size_t len, char *err, size_t errlen);

/* Reads and decodes a snapshot file. Returns 0 or -1 with err set. */
int rpc_snapshot_load_file(
    const char *path, rpc_snapshot **out, char *err, size_t errlen);

/* Takes one more reference. */
void rpc_snapshot_hold(rpc_snapshot *s);

/* Drops one reference; the last frees the snapshot. Accepts NULL. */
void rpc_snapshot_release(rpc_snapshot *s);

#endif
