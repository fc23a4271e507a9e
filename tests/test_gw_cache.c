/*
 * The response cache: hits per version, LRU eviction within a byte
 * budget, references that outlive eviction, and purging by version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_map.h"
#include "gw_cache.h"

static int freed;

static void
count_free(void *value)
{
	freed++;
	free(value);
}

static int *
value_of(int v)
{
	int *p = malloc(sizeof(*p));

	*p = v;
	return p;
}

/* The cache picks one of its 16 shards by the top 4 bits of the key's
 * hash; the eviction tests need keys of one shard, whose budget is 1/16
 * of the total. */
static unsigned
shard_of(uint64_t version, const char *key)
{
	return (unsigned)(core_hash64(key, strlen(key), version) >> 60);
}

static void
keys_in_one_shard(uint64_t version, char keys[][16], int n)
{
	unsigned shard = shard_of(version, "k0");
	int found = 0;

	for (int i = 0; found < n; i++) {
		char key[16];

		snprintf(key, sizeof(key), "k%d", i);
		if (shard_of(version, key) == shard) {
			memcpy(keys[found++], key, sizeof(key));
		}
	}
}

static void
test_get_put_by_version(void **state)
{
	gw_cache *c;
	gw_cache_entry *e;
	gw_cache_stats st;

	freed = 0;
	assert_int_equal(gw_cache_open(&c, 1 << 20, count_free), 0);
	assert_null(gw_cache_get(c, 1, "search?q=a", 10));

	assert_int_equal(
	    gw_cache_put(c, 1, "search?q=a", 10, value_of(7), 100, &e), 0);
	assert_int_equal(*(int *)gw_cache_value(e), 7);
	assert_int_equal(gw_cache_version(e), 1);
	gw_cache_release(e);

	e = gw_cache_get(c, 1, "search?q=a", 10);
	assert_non_null(e);
	assert_int_equal(*(int *)gw_cache_value(e), 7);
	gw_cache_release(e);
	assert_null(gw_cache_get(c, 2, "search?q=a", 10));
	assert_null(gw_cache_get(c, 1, "search?q=b", 10));

	gw_cache_get_stats(c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 3);
	assert_int_equal(st.inserts, 1);
	assert_int_equal(st.entries, 1);
	assert_true(st.bytes > 100);

	gw_cache_close(c);
	assert_int_equal(freed, 1);
}

static void
test_lru_eviction(void **state)
{
	char keys[3][16];
	gw_cache *c;
	gw_cache_entry *e;
	gw_cache_stats st;

	keys_in_one_shard(1, keys, 3);
	freed = 0;
	/* A shard's budget is 16 KiB: two 6000-byte entries fit, three
	 * do not. */
	assert_int_equal(gw_cache_open(&c, 16 * 16384, count_free), 0);
	for (int i = 0; i < 2; i++) {
		gw_cache_put(
		    c, 1, keys[i], strlen(keys[i]), value_of(i), 6000, &e);
		gw_cache_release(e);
	}
	/* Using keys[0] makes keys[1] the least recently used. */
	gw_cache_release(gw_cache_get(c, 1, keys[0], strlen(keys[0])));
	gw_cache_put(c, 1, keys[2], strlen(keys[2]), value_of(2), 6000, &e);
	gw_cache_release(e);

	assert_null(gw_cache_get(c, 1, keys[1], strlen(keys[1])));
	e = gw_cache_get(c, 1, keys[0], strlen(keys[0]));
	assert_non_null(e);
	gw_cache_release(e);
	e = gw_cache_get(c, 1, keys[2], strlen(keys[2]));
	assert_non_null(e);
	gw_cache_release(e);
	assert_int_equal(freed, 1);

	gw_cache_get_stats(c, &st);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(st.entries, 2);
	assert_true(st.bytes <= 16384);
	gw_cache_close(c);
	assert_int_equal(freed, 3);
}

static void
test_reference_outlives_eviction(void **state)
{
	char keys[2][16];
	gw_cache *c;
	gw_cache_entry *held;
	gw_cache_entry *e;

	keys_in_one_shard(1, keys, 2);
	freed = 0;
	assert_int_equal(gw_cache_open(&c, 16 * 16384, count_free), 0);
	gw_cache_put(
	    c, 1, keys[0], strlen(keys[0]), value_of(41), 10000, &held);
	gw_cache_put(c, 1, keys[1], strlen(keys[1]), value_of(42), 10000, &e);
	gw_cache_release(e);

	/* keys[0] was evicted but is still held. */
	assert_null(gw_cache_get(c, 1, keys[0], strlen(keys[0])));
	assert_int_equal(freed, 0);
	assert_int_equal(*(int *)gw_cache_value(held), 41);
	gw_cache_release(held);
	assert_int_equal(freed, 1);
	gw_cache_close(c);
	assert_int_equal(freed, 2);
}

static void
test_too_big_not_stored(void **state)
{
	gw_cache *c;
	gw_cache_entry *e;
	gw_cache_stats st;

	freed = 0;
	assert_int_equal(gw_cache_open(&c, 16 * 1024, count_free), 0);
	assert_int_equal(
	    gw_cache_put(c, 1, "big", 3, value_of(1), 4096, &e), 0);
	assert_non_null(e);
	assert_int_equal(*(int *)gw_cache_value(e), 1);
	assert_null(gw_cache_get(c, 1, "big", 3));
	gw_cache_release(e);
	assert_int_equal(freed, 1);

	gw_cache_get_stats(c, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	gw_cache_close(c);
}

static void
test_disabled_cache(void **state)
{
	gw_cache *c;
	gw_cache_entry *e;

	freed = 0;
	assert_int_equal(gw_cache_open(&c, 0, count_free), 0);
	assert_int_equal(gw_cache_put(c, 1, "k", 1, value_of(1), 1, &e), 0);
	gw_cache_release(e);
	assert_int_equal(freed, 1);
	assert_null(gw_cache_get(c, 1, "k", 1));
	gw_cache_close(c);
}

static void
test_replace_same_key(void **state)
{
	gw_cache *c;
	gw_cache_entry *e;
	gw_cache_stats st;

	freed = 0;
	assert_int_equal(gw_cache_open(&c, 1 << 20, count_free), 0);
	gw_cache_put(c, 1, "k", 1, value_of(1), 10, &e);
	gw_cache_release(e);
	gw_cache_put(c, 1, "k", 1, value_of(2), 10, &e);
	gw_cache_release(e);
	assert_int_equal(freed, 1);

	e = gw_cache_get(c, 1, "k", 1);
	assert_int_equal(*(int *)gw_cache_value(e), 2);
	gw_cache_release(e);
	gw_cache_get_stats(c, &st);
	assert_int_equal(st.entries, 1);
	gw_cache_close(c);
}

static void
test_purge_other_versions(void **state)
{
	gw_cache *c;
	gw_cache_entry *e;
	gw_cache_stats st;
	char key[16];

	freed = 0;
	assert_int_equal(gw_cache_open(&c, 1 << 20, count_free), 0);
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		gw_cache_put(c, (uint64_t)(i % 2 + 1), key, strlen(key),
		    value_of(i), 10, &e);
		gw_cache_release(e);
	}
	gw_cache_purge(c, 2);
	assert_int_equal(freed, 20);
	assert_null(gw_cache_get(c, 1, "k0", 2));
	e = gw_cache_get(c, 2, "k1", 2);
	assert_non_null(e);
	gw_cache_release(e);

	gw_cache_get_stats(c, &st);
	assert_int_equal(st.entries, 20);
	assert_int_equal(st.purged, 20);
	gw_cache_close(c);
	assert_int_equal(freed, 40);
}

static void
test_many_keys_grow_table(void **state)
{
	gw_cache *c;
	gw_cache_entry *e;
	char key[16];

	freed = 0;
	assert_int_equal(gw_cache_open(&c, 64 << 20, count_free), 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		gw_cache_put(c, 1, key, strlen(key), value_of(i), 10, &e);
		gw_cache_release(e);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		e = gw_cache_get(c, 1, key, strlen(key));
		assert_non_null(e);
		assert_int_equal(*(int *)gw_cache_value(e), i);
		gw_cache_release(e);
	}
	gw_cache_close(c);
	assert_int_equal(freed, 5000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_put_by_version),
	    cmocka_unit_test(test_lru_eviction),
	    cmocka_unit_test(test_reference_outlives_eviction),
	    cmocka_unit_test(test_too_big_not_stored),
	    cmocka_unit_test(test_disabled_cache),
	    cmocka_unit_test(test_replace_same_key),
	    cmocka_unit_test(test_purge_other_versions),
	    cmocka_unit_test(test_many_keys_grow_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
