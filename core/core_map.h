/*
 * Open-addressing hash map from byte strings to 32-bit values, used while
 * building a dataset.
 *
 * Ownership: the map stores key pointers, not copies: a key must outlive the
 * map (the importer keeps keys in its arena). Thread-safety: none.
 */
#ifndef CORE_MAP_H
#define CORE_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct core_map_slot core_map_slot;

typedef struct core_map {
	core_map_slot *slots;
	size_t cap; /* a power of two, or 0 before the first put */
	size_t count;
} core_map;

/* Returns the 64-bit FNV-1a hash of s[0..len), finalized by a bit mixer. */
uint64_t core_hash64(const void *s, size_t len, uint64_t seed);

/* Returns a pointer to the value stored for key, or NULL. */
uint32_t *core_map_get(const core_map *m, const char *key, size_t len);

/* Stores value for key, replacing an old value. Returns 0 or CORE_ENOMEM. */
int core_map_put(core_map *m, const char *key, size_t len, uint32_t value);

/* Frees the slots; keys are the caller's. */
void core_map_free(core_map *m);

#endif
