#include "gw_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_map.h"

#define GW_CACHE_SHARDS      16 /* a power of two */
#define GW_CACHE_BUCKETS_MIN 64

struct gw_cache_entry {
	atomic_uint refs;
	gw_cache_entry *chain; /* next in the hash bucket; shard mutex */
	gw_cache_entry *prev;  /* LRU neighbours; shard mutex */
	gw_cache_entry *next;
	gw_cache_free_fn free_fn;
	void *value;
	uint64_t version;
	uint64_t hash;
	size_t cost;
	size_t len;
	char key[]; /* NUL-terminated */
};

typedef struct gw_cache_shard {
	pthread_mutex_t mtx;
	gw_cache_entry **buckets;
	size_t nbuckets;      /* a power of two */
	gw_cache_entry *head; /* most recently used */
	gw_cache_entry *tail;
	size_t count;
	size_t bytes;
	size_t max_bytes;
	uint64_t hits;
	uint64_t misses;
	uint64_t inserts;
	uint64_t evictions;
	uint64_t purged;
} gw_cache_shard;

struct gw_cache {
	gw_cache_free_fn free_fn;
	size_t max_bytes;
	gw_cache_shard shards[GW_CACHE_SHARDS];
};

static uint64_t
gw_cache_hash(uint64_t version, const char *key, size_t len)
{
	return core_hash64(key, len, version);
}

static gw_cache_shard *
gw_cache_shard_of(gw_cache *c, uint64_t hash)
{
	return &c->shards[(hash >> 60) & (GW_CACHE_SHARDS - 1)];
}

int
gw_cache_open(gw_cache **out, size_t max_bytes, gw_cache_free_fn free_fn)
{
	gw_cache *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		return CORE_ENOMEM;
	}
	c->free_fn = free_fn;
	c->max_bytes = max_bytes;
	for (int i = 0; i < GW_CACHE_SHARDS; i++) {
		gw_cache_shard *s = &c->shards[i];

		pthread_mutex_init(&s->mtx, NULL);
		s->max_bytes = max_bytes / GW_CACHE_SHARDS;
	}
	*out = c;
	return 0;
}

static void
gw_entry_free(gw_cache_entry *e)
{
	if (e->free_fn != NULL) {
		e->free_fn(e->value);
	}
	free(e);
}

void
gw_cache_hold(gw_cache_entry *e)
{
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
}

void
gw_cache_release(gw_cache_entry *e)
{
	if (e == NULL) {
		return;
	}
	if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1) {
		gw_entry_free(e);
	}
}

void *
gw_cache_value(const gw_cache_entry *e)
{
	return e->value;
}

uint64_t
gw_cache_version(const gw_cache_entry *e)
{
	return e->version;
}

/* Removes e from its shard's table and list and drops the cache's
 * reference. Called with the shard's mutex held. */
static void
gw_shard_unlink(gw_cache_shard *s, gw_cache_entry *e)
{
	gw_cache_entry **pp = &s->buckets[e->hash & (s->nbuckets - 1)];

	while (*pp != e) {
		pp = &(*pp)->chain;
	}
	*pp = e->chain;

	if (e->prev != NULL) {
		e->prev->next = e->next;
	} else {
		s->head = e->next;
	}
	if (e->next != NULL) {
		e->next->prev = e->prev;
	} else {
		s->tail = e->prev;
	}
	e->prev = e->next = e->chain = NULL;
	s->count--;
	s->bytes -= e->cost;
	gw_cache_release(e);
}

static void
gw_shard_push_front(gw_cache_shard *s, gw_cache_entry *e)
{
	e->prev = NULL;
	e->next = s->head;
	if (s->head != NULL) {
		s->head->prev = e;
	}
	s->head = e;
	if (s->tail == NULL) {
		s->tail = e;
	}
}

static void
gw_shard_move_front(gw_cache_shard *s, gw_cache_entry *e)
{
	if (s->head == e) {
		return;
	}
	e->prev->next = e->next;
	if (e->next != NULL) {
		e->next->prev = e->prev;
	} else {
		s->tail = e->prev;
	}
	gw_shard_push_front(s, e);
}

static gw_cache_entry *
gw_shard_find(gw_cache_shard *s, uint64_t hash, uint64_t version,
    const char *key, size_t len)
{
	if (s->nbuckets == 0) {
		return NULL;
	}
	for (gw_cache_entry *e = s->buckets[hash & (s->nbuckets - 1)];
	     e != NULL; e = e->chain) {
		if (e->hash == hash && e->version == version && e->len == len &&
		    memcmp(e->key, key, len) == 0) {
			return e;
		}
	}
	return NULL;
}

/* Doubles the table when it is fuller than one entry per bucket. A failed
 * allocation keeps the old table: longer chains, still correct. */
static void
gw_shard_grow(gw_cache_shard *s)
{
	size_t n = s->nbuckets == 0 ? GW_CACHE_BUCKETS_MIN : s->nbuckets * 2;
	gw_cache_entry **b;

	if (s->count < s->nbuckets) {
		return;
	}
	if ((b = calloc(n, sizeof(*b))) == NULL) {
		return;
	}
	for (size_t i = 0; i < s->nbuckets; i++) {
		gw_cache_entry *e = s->buckets[i];

		while (e != NULL) {
			gw_cache_entry *next = e->chain;

			e->chain = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = n;
}

gw_cache_entry *
gw_cache_get(gw_cache *c, uint64_t version, const char *key, size_t len)
{
	uint64_t hash = gw_cache_hash(version, key, len);
	gw_cache_shard *s = gw_cache_shard_of(c, hash);
	gw_cache_entry *e;

	pthread_mutex_lock(&s->mtx);
	e = gw_shard_find(s, hash, version, key, len);
	if (e != NULL) {
		gw_shard_move_front(s, e);
		gw_cache_hold(e);
		s->hits++;
	} else {
		s->misses++;
	}
	pthread_mutex_unlock(&s->mtx);
	return e;
}

int
gw_cache_put(gw_cache *c, uint64_t version, const char *key, size_t len,
    void *value, size_t cost, gw_cache_entry **out)
{
	uint64_t hash = gw_cache_hash(version, key, len);
	gw_cache_shard *s = gw_cache_shard_of(c, hash);
	gw_cache_entry *e = malloc(sizeof(*e) + len + 1);
	gw_cache_entry *old;

	*out = NULL;
	if (e == NULL) {
		if (c->free_fn != NULL) {
			c->free_fn(value);
		}
		return CORE_ENOMEM;
	}
	atomic_init(&e->refs, 1);
	e->chain = e->prev = e->next = NULL;
	e->free_fn = c->free_fn;
	e->value = value;
	e->version = version;
	e->hash = hash;
	e->cost = cost + sizeof(*e) + len + 1;
	e->len = len;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	*out = e;

	pthread_mutex_lock(&s->mtx);
	if (e->cost > s->max_bytes) {
		pthread_mutex_unlock(&s->mtx);
		return 0;
	}
	if ((old = gw_shard_find(s, hash, version, key, len)) != NULL) {
		gw_shard_unlink(s, old);
	}
	while (s->bytes + e->cost > s->max_bytes && s->tail != NULL) {
		gw_shard_unlink(s, s->tail);
		s->evictions++;
	}
	gw_shard_grow(s);
	if (s->nbuckets == 0) {
		pthread_mutex_unlock(&s->mtx);
		return 0;
	}
	gw_cache_hold(e); /* the cache's reference */
	e->chain = s->buckets[hash & (s->nbuckets - 1)];
	s->buckets[hash & (s->nbuckets - 1)] = e;
	gw_shard_push_front(s, e);
	s->count++;
	s->bytes += e->cost;
	s->inserts++;
	pthread_mutex_unlock(&s->mtx);
	return 0;
}

void
gw_cache_purge(gw_cache *c, uint64_t keep)
{
	for (int i = 0; i < GW_CACHE_SHARDS; i++) {
		gw_cache_shard *s = &c->shards[i];
		gw_cache_entry *e;

		pthread_mutex_lock(&s->mtx);
		e = s->head;
		while (e != NULL) {
			gw_cache_entry *next = e->next;

			if (e->version != keep) {
				gw_shard_unlink(s, e);
				s->purged++;
			}
			e = next;
		}
		pthread_mutex_unlock(&s->mtx);
	}
}

void
gw_cache_get_stats(gw_cache *c, gw_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < GW_CACHE_SHARDS; i++) {
		gw_cache_shard *s = &c->shards[i];

		pthread_mutex_lock(&s->mtx);
		st->hits += s->hits;
		st->misses += s->misses;
		st->inserts += s->inserts;
		st->evictions += s->evictions;
		st->purged += s->purged;
		st->entries += s->count;
		st->bytes += s->bytes;
		pthread_mutex_unlock(&s->mtx);
	}
}

void
gw_cache_close(gw_cache *c)
{
	if (c == NULL) {
		return;
	}
	for (int i = 0; i < GW_CACHE_SHARDS; i++) {
		gw_cache_shard *s = &c->shards[i];

		while (s->tail != NULL) {
			gw_shard_unlink(s, s->tail);
		}
		free(s->buckets);
		pthread_mutex_destroy(&s->mtx);
	}
	free(c);
}
