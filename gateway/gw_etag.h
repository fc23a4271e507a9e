/*
 * Entity tags of answers and If-None-Match matching.
 *
 * A query answer's tag is a hash of the dataset version and the canonical
 * query, so the gateway knows it before asking a node: a request whose
 * If-None-Match holds the tag of the version being served is answered 304
 * without an RPC. The gzip-encoded answer has its own tag (with "-gzip"
 * inside the quotes) because its bytes differ; either tag validates
 * either form.
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef GW_ETAG_H
#define GW_ETAG_H

#include <stddef.h>
#include <stdint.h>

#define GW_ETAG_MAX 32 /* bytes with quotes and NUL */

/* Writes the quoted tag of (version, key[0..len)), the gzip form when gzip
 * is set. */
void gw_etag_make(char out[GW_ETAG_MAX], uint64_t version, const char *key,
    size_t len, int gzip);

/* Writes the gzip form of a quoted tag: "-gzip" before the closing
 * quote. */
void gw_etag_gzip_of(char out[GW_ETAG_MAX], const char *etag);

/* Writes the quoted tag of a file from its identity, size and mtime. */
void gw_etag_file(char out[GW_ETAG_MAX], uint64_t dev, uint64_t ino,
    uint64_t size, int64_t mtime_ns);

/*
 * Returns 1 when the If-None-Match value header (NULL when absent) matches
 * etag under the weak comparison of RFC 9110 section 13.1.2: "*" matches,
 * and a W/ prefix on either side is ignored.
 */
int gw_etag_match(const char *header, const char *etag);

#endif
