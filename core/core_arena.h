/*
 * Bump allocator for the immutable strings and arrays of a dataset.
 *
 * Ownership: the arena owns every block it hands out; core_arena_free
 * releases them all at once. Thread-safety: none while allocating; the
 * memory may be read by any thread once the owner stops allocating.
 */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include <stddef.h>

typedef struct core_arena_chunk core_arena_chunk;

typedef struct core_arena {
	core_arena_chunk *head;
	size_t used;  /* bytes used in head */
	size_t total; /* bytes of all chunks, for memory reports */
} core_arena;

/* Returns size bytes aligned to 8, or NULL when out of memory. */
void *core_arena_alloc(core_arena *a, size_t size);

/* Returns a NUL-terminated copy of s[0..len), or NULL. */
char *core_arena_strndup(core_arena *a, const char *s, size_t len);

/* Releases every block; the arena is empty and reusable afterwards. */
void core_arena_free(core_arena *a);

#endif
