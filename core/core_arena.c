#include "core_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_SIZE (64u * 1024u)

struct core_arena_chunk {
	core_arena_chunk *next;
	size_t size;
	max_align_t data[]; /* aligns the first block */
};

static core_arena_chunk *
arena_chunk_new(core_arena *a, size_t size)
{
	core_arena_chunk *c;

	if (size > SIZE_MAX - sizeof(*c)) {
		return NULL;
	}
	if ((c = malloc(sizeof(*c) + size)) == NULL) {
		return NULL;
	}
	c->size = size;
	c->next = a->head;
	a->head = c;
	a->used = 0;
	a->total += size;
	return c;
}

void *
core_arena_alloc(core_arena *a, size_t size)
{
	size_t aligned = (size + 7) & ~(size_t)7;
	void *p;

	if (aligned < size) {
		return NULL;
	}
	if (a->head == NULL || a->head->size - a->used < aligned) {
		size_t want =
		    aligned > ARENA_CHUNK_SIZE ? aligned : ARENA_CHUNK_SIZE;

		if (arena_chunk_new(a, want) == NULL) {
			return NULL;
		}
	}
	p = (char *)a->head->data + a->used;
	a->used += aligned;
	return p;
}

char *
core_arena_strndup(core_arena *a, const char *s, size_t len)
{
	char *p;

	if ((p = core_arena_alloc(a, len + 1)) == NULL) {
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
core_arena_free(core_arena *a)
{
	core_arena_chunk *c = a->head;

	while (c != NULL) {
		core_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}
