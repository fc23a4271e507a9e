#include "core_map.h"

#include <stdlib.h>
#include <string.h>

#include "core_err.h"

struct core_map_slot {
	const char *key; /* NULL marks an empty slot */
	uint64_t hash;
	uint32_t len;
	uint32_t value;
};

uint64_t
core_hash64(const void *s, size_t len, uint64_t seed)
{
	const unsigned char *p = s;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}

	/* FNV-1a mixes the high bits poorly; finish with splitmix64's mixer. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static core_map_slot *
map_find_slot(core_map_slot *slots, size_t cap, const char *key, size_t len,
              uint64_t hash)
{
	size_t i = (size_t)hash & (cap - 1);

	for (;;) {
		core_map_slot *s = &slots[i];

		if (s->key == NULL) {
			return s;
		}
		if (s->hash == hash && s->len == len &&
		    memcmp(s->key, key, len) == 0) {
			return s;
		}
		i = (i + 1) & (cap - 1);
	}
}

uint32_t *
core_map_get(const core_map *m, const char *key, size_t len)
{
	core_map_slot *s;

	if (m->cap == 0) {
		return NULL;
	}
	s = map_find_slot(m->slots, m->cap, key, len, core_hash64(key, len, 0));
	return s->key != NULL ? &s->value : NULL;
}

static int
map_grow(core_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	core_map_slot *slots;

	if ((slots = calloc(cap, sizeof(*slots))) == NULL) {
		return CORE_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		core_map_slot *old = &m->slots[i];

		if (old->key != NULL) {
			*map_find_slot(slots, cap, old->key, old->len,
			               old->hash) = *old;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int
core_map_put(core_map *m, const char *key, size_t len, uint32_t value)
{
	uint64_t hash = core_hash64(key, len, 0);
	core_map_slot *s;
	int rv;

	if (len > UINT32_MAX) {
		return CORE_EINVAL;
	}

	/* Keep the load factor under 1/2 so probe sequences stay short. */
	if ((m->count + 1) * 2 > m->cap && (rv = map_grow(m)) != 0) {
		return rv;
	}

	s = map_find_slot(m->slots, m->cap, key, len, hash);
	if (s->key == NULL) {
		s->key = key;
		s->hash = hash;
		s->len = (uint32_t)len;
		m->count++;
	}
	s->value = value;
	return 0;
}

void
core_map_free(core_map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}
