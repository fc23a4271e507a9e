/*
 * The response cache: an LRU map from (dataset version, canonical query)
 * to finished answers, bounded in bytes.
 *
 * A dataset version never changes, so an answer stays right for as long as
 * its version is served, and a hit needs no RPC. When the gateway sees a
 * new version it calls gw_cache_purge, and entries of other versions go.
 *
 * The cache is split into shards, each with its own mutex, LRU list, hash
 * table and share of the byte budget, so threads that look up different
 * keys rarely wait for each other.
 *
 * Ownership: the cache holds one reference to each entry it contains, and
 * every entry returned by gw_cache_get or gw_cache_put holds one more for
 * the caller, who gives it back with gw_cache_release. An evicted or purged
 * entry stays valid until its last reference goes; then its value is freed
 * with the free function given to gw_cache_open.
 * Thread-safety: every function may be called from any thread, except
 * gw_cache_close, which must come after every entry has been released.
 * A shard's mutex protects its table, list, counts and each entry's links;
 * an entry's reference count is atomic; an entry's key, version and value
 * never change after gw_cache_put.
 */
#ifndef GW_CACHE_H
#define GW_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_cache gw_cache;
typedef struct gw_cache_entry gw_cache_entry;

typedef void (*gw_cache_free_fn)(void *value);

typedef struct gw_cache_stats {
	uint64_t hits;
	uint64_t misses;
	uint64_t inserts;
	uint64_t evictions; /* entries dropped to stay within the budget */
	uint64_t purged;    /* entries dropped by gw_cache_purge */
	uint64_t entries;
	uint64_t bytes; /* charged bytes of the entries contained */
} gw_cache_stats;

/* Opens a cache of at most max_bytes (0 disables it: every get misses and
 * put stores nothing). Returns 0 or CORE_ENOMEM. */
int gw_cache_open(gw_cache **out, size_t max_bytes, gw_cache_free_fn free_fn);

/* Frees every entry. Accepts NULL. */
void gw_cache_close(gw_cache *c);

/* Returns the entry of (version, key) with a reference for the caller, or
 * NULL. A hit makes the entry the most recently used of its shard. */
gw_cache_entry *gw_cache_get(
    gw_cache *c, uint64_t version, const char *key, size_t len);

/*
 * Stores value under (version, key), replacing an older entry of the same
 * key, and charges cost bytes plus the key and the entry's own size.
 * Evicts least recently used entries of the shard to stay within the
 * budget; an entry larger than a shard's budget is not stored. In every
 * case takes ownership of value and returns 0 with a referenced entry in
 * *out; returns CORE_ENOMEM (after freeing value) when no entry could be
 * allocated.
 */
int gw_cache_put(gw_cache *c, uint64_t version, const char *key, size_t len,
    void *value, size_t cost, gw_cache_entry **out);

/* Returns the entry's value. */
void *gw_cache_value(const gw_cache_entry *e);

/* Returns the entry's version. */
uint64_t gw_cache_version(const gw_cache_entry *e);

/* Takes one more reference. */
void gw_cache_hold(gw_cache_entry *e);

/* Drops one reference; the last frees the value. Accepts NULL. */
void gw_cache_release(gw_cache_entry *e);

/* Removes every entry whose version is not keep. */
void gw_cache_purge(gw_cache *c, uint64_t keep);

void gw_cache_get_stats(gw_cache *c, gw_cache_stats *st);

#endif
