/*
 * The contract of mgr_store.h as cmocka tests that run against any
 * backend, with real snapshots: encoded with rpc_snapshot_encode from the
 * 2025 and 2026 DataSF exports in $SFMOVIES_DATA_DIR and from two small
 * CSV fixtures.
 *
 * A test file includes cmocka.h and this header, fills a store_env in its
 * group setup with store_env_new, and sets env->spec to a new, empty store
 * before each test; the STORE_CONTRACT_TESTS list then runs every
 * contract test with the file's per-test setup and teardown.
 */
#ifndef TEST_STORE_H
#define TEST_STORE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgr_store.h"
#include "rpc_snapshot.h"
#include "test_data.h"

#define TEST_DATA_2025 "film_locations_2025-04_2084rows.csv"

/* The snapshots, oldest first by creation time. */
enum { SNAP_SMALL_A, SNAP_2025, SNAP_SMALL_B, SNAP_2026, SNAP_COUNT };

typedef struct store_snap {
	uint8_t *enc;
	size_t len;
	char version[17];
	int64_t created;
	const char *source;
} store_snap;

typedef struct store_env {
	store_snap snaps[SNAP_COUNT];
	char spec[1024]; /* the store of the running test */
	void *backend;   /* the test file's own state */
} store_env;

#define STORE_FIXTURE_A                                                        \
	"Title,Release Year,Locations,Fun Facts\n"                             \
	"Vertigo,1958,Fort Point,Kim Novak jumps into the bay here.\n"         \
	"Bullitt,1968,Taylor and Vallejo Streets,\n"

#define STORE_FIXTURE_B                                                        \
	"Title,Release Year,Locations,Fun Facts\n"                             \
	"The Rock,1996,Alcatraz Island,\n"                                     \
	"Milk,2008,Castro Theatre,\n"                                          \
	"Milk,2008,575 Castro Street,Harvey Milk's camera store.\n"

/* Encodes csv[0..len) into snap. Returns 0, or -1 after printing why. */
static inline int
store_snap_encode(store_snap *snap, const char *csv, size_t len,
    const char *source, int64_t created)
{
	rpc_snapshot_header h;
	char err[256] = "";

	if (rpc_snapshot_encode(csv, len, source, created, &snap->enc,
	        &snap->len, err, sizeof(err)) != 0 ||
	    rpc_snapshot_peek(snap->enc, snap->len, &h, err, sizeof(err)) !=
	        0) {
		fprintf(stderr, "encoding the %s snapshot failed: %s\n", source,
		    err);
		return -1;
	}
	memcpy(snap->version, h.version, sizeof(snap->version));
	snap->created = created;
	snap->source = source;
	return 0;
}

/* Encodes the export name from $SFMOVIES_DATA_DIR into snap. */
static inline int
store_snap_export(store_snap *snap, const char *name, int64_t created)
{
	size_t len;
	char *csv = test_data_read(name, &len);
	int rv;

	if (csv == NULL) {
		return -1;
	}
	rv = store_snap_encode(snap, csv, len, name, created);
	free(csv);
	return rv;
}

static inline void
store_env_free(store_env *env)
{
	if (env == NULL) {
		return;
	}
	for (int i = 0; i < SNAP_COUNT; i++) {
		free(env->snaps[i].enc);
	}
	free(env);
}

/* Returns a new env with every snapshot encoded, or NULL. */
static inline store_env *
store_env_new(void)
{
	store_env *env = calloc(1, sizeof(*env));

	if (env == NULL ||
	    store_snap_encode(&env->snaps[SNAP_SMALL_A], STORE_FIXTURE_A,
	        strlen(STORE_FIXTURE_A), "fixture-a.csv", 1262304000) != 0 ||
	    store_snap_export(
	        &env->snaps[SNAP_2025], TEST_DATA_2025, 1745400000) != 0 ||
	    store_snap_encode(&env->snaps[SNAP_SMALL_B], STORE_FIXTURE_B,
	        strlen(STORE_FIXTURE_B), "fixture-b.csv", 1760000000) != 0 ||
	    store_snap_export(
	        &env->snaps[SNAP_2026], TEST_DATA_NEWEST, 1776000000) != 0) {
		store_env_free(env);
		return NULL;
	}
	return env;
}

/* Opens env->spec, which must succeed. */
static inline mgr_store *
store_open_ok(const store_env *env, unsigned keep)
{
	mgr_store *s = NULL;
	char err[512] = "";

	if (mgr_store_open(&s, env->spec, keep, err, sizeof(err)) != 0) {
		fail_msg("opening %s failed: %s", env->spec, err);
	}
	assert_non_null(s);
	return s;
}

static inline void
store_put_ok(mgr_store *s, const store_snap *snap)
{
	char err[512] = "";

	if (mgr_store_put(s, snap->enc, snap->len, err, sizeof(err)) != 0) {
		fail_msg("putting %s failed: %s", snap->version, err);
	}
}

static inline void
store_set_current_ok(mgr_store *s, const store_snap *snap)
{
	char err[512] = "";

	if (mgr_store_set_current(s, snap->version, err, sizeof(err)) != 0) {
		fail_msg("setting %s current failed: %s", snap->version, err);
	}
}

/* Gets version (NULL for the current one) and checks that it is snap. */
static inline void
store_get_equals(mgr_store *s, const char *version, const store_snap *snap)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[512] = "";
	int rv;

	rv = mgr_store_get(s, version, &buf, &len, err, sizeof(err));
	if (rv != 0) {
		fail_msg("getting %s returned %d: %s",
		    version ? version : "the current version", rv, err);
	}
	assert_int_equal(len, snap->len);
	assert_memory_equal(buf, snap->enc, snap->len);
	free(buf);
}

/* Lists the store, which must succeed; the caller frees the array. */
static inline mgr_version_info *
store_list_ok(mgr_store *s, size_t *n)
{
	mgr_version_info *v = NULL;
	char err[512] = "";

	if (mgr_store_list(s, &v, n, err, sizeof(err)) != 0) {
		fail_msg("listing failed: %s", err);
	}
	return v;
}

/* Returns 1 when the listing v[0..n) contains version. */
static inline int
store_listed(const mgr_version_info *v, size_t n, const char *version)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].version, version) == 0) {
			return 1;
		}
	}
	return 0;
}

static void
store_put_get_round_trip(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);

	store_put_ok(s, &env->snaps[SNAP_2026]);
	store_put_ok(s, &env->snaps[SNAP_SMALL_A]);

	store_get_equals(
	    s, env->snaps[SNAP_2026].version, &env->snaps[SNAP_2026]);
	store_get_equals(
	    s, env->snaps[SNAP_SMALL_A].version, &env->snaps[SNAP_SMALL_A]);
	mgr_store_close(s);
}

static void
store_put_does_not_set_current(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);
	uint8_t *buf = NULL;
	size_t len = 7;
	char err[512] = "";

	store_put_ok(s, &env->snaps[SNAP_2026]);
	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), 1);
	assert_null(buf);
	assert_int_equal(len, 0);
	mgr_store_close(s);
}

static void
store_put_same_version_twice(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);
	mgr_version_info *v;
	size_t n;

	store_put_ok(s, &env->snaps[SNAP_2025]);
	store_put_ok(s, &env->snaps[SNAP_2025]);

	v = store_list_ok(s, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].version, env->snaps[SNAP_2025].version);
	free(v);
	store_get_equals(
	    s, env->snaps[SNAP_2025].version, &env->snaps[SNAP_2025]);
	mgr_store_close(s);
}

static void
store_get_missing_version(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);
	uint8_t *buf = NULL;
	size_t len = 7;
	char err[512] = "";

	store_put_ok(s, &env->snaps[SNAP_2025]);
	assert_int_equal(mgr_store_get(s, env->snaps[SNAP_2026].version, &buf,
	                     &len, err, sizeof(err)),
	    1);
	assert_null(buf);
	assert_int_equal(len, 0);

	/* An empty store has no current version. */
	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), 1);
	mgr_store_close(s);
}

static void
store_invalid_version_rejected(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);
	static const char *bad[] = {"", "0123", "0123456789ABCDEF",
	    "../../etc/passwd", "0123456789abcdef0", "0123456789abcdeg"};
	uint8_t *buf = NULL;
	size_t len;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    mgr_store_get(s, bad[i], &buf, &len, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "invalid version"));
		assert_null(buf);

		err[0] = '\0';
		assert_int_equal(
		    mgr_store_set_current(s, bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "invalid version"));
	}
	mgr_store_close(s);
}

static void
store_set_current_unknown(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);
	const char *version = env->snaps[SNAP_2026].version;
	char err[512] = "";

	store_put_ok(s, &env->snaps[SNAP_2025]);
	assert_int_equal(
	    mgr_store_set_current(s, version, err, sizeof(err)), -1);
	assert_non_null(strstr(err, version));
	assert_non_null(strstr(err, "put it first"));

	/* The failed call changed nothing. */
	uint8_t *buf = NULL;
	size_t len;
	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), 1);
	mgr_store_close(s);
}

static void
store_set_current_then_get(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);

	store_put_ok(s, &env->snaps[SNAP_2025]);
	store_put_ok(s, &env->snaps[SNAP_2026]);

	store_set_current_ok(s, &env->snaps[SNAP_2025]);
	store_get_equals(s, NULL, &env->snaps[SNAP_2025]);

	/* Switching back to an older version is allowed. */
	store_set_current_ok(s, &env->snaps[SNAP_2026]);
	store_get_equals(s, NULL, &env->snaps[SNAP_2026]);
	store_set_current_ok(s, &env->snaps[SNAP_2025]);
	store_get_equals(s, NULL, &env->snaps[SNAP_2025]);
	mgr_store_close(s);
}

static void
store_list_newest_first(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 10);
	mgr_version_info *v;
	size_t n;

	/* Put in an order that is neither oldest nor newest first. */
	store_put_ok(s, &env->snaps[SNAP_2025]);
	store_put_ok(s, &env->snaps[SNAP_2026]);
	store_put_ok(s, &env->snaps[SNAP_SMALL_A]);
	store_put_ok(s, &env->snaps[SNAP_SMALL_B]);
	store_set_current_ok(s, &env->snaps[SNAP_SMALL_B]);

	v = store_list_ok(s, &n);
	assert_int_equal(n, SNAP_COUNT);
	for (size_t i = 0; i < n; i++) {
		const store_snap *want = &env->snaps[SNAP_COUNT - 1 - i];

		assert_string_equal(v[i].version, want->version);
		assert_int_equal(v[i].created_unix, want->created);
		assert_string_equal(v[i].source, want->source);
		assert_int_equal(v[i].bytes, want->len);
		assert_int_equal(
		    v[i].current, want == &env->snaps[SNAP_SMALL_B]);
	}
	free(v);
	mgr_store_close(s);
}

static void
store_list_empty(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 3);
	mgr_version_info *v;
	size_t n = 99;

	v = store_list_ok(s, &n);
	assert_int_equal(n, 0);
	free(v);
	mgr_store_close(s);
}

static void
store_prune_keeps_newest(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 2);
	mgr_version_info *v;
	size_t n;

	for (int i = 0; i < SNAP_COUNT; i++) {
		store_put_ok(s, &env->snaps[i]);
	}

	/* put never prunes; set_current does. */
	v = store_list_ok(s, &n);
	assert_int_equal(n, SNAP_COUNT);
	free(v);

	store_set_current_ok(s, &env->snaps[SNAP_2026]);
	v = store_list_ok(s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].version, env->snaps[SNAP_2026].version);
	assert_int_equal(v[0].current, 1);
	assert_string_equal(v[1].version, env->snaps[SNAP_SMALL_B].version);
	assert_int_equal(v[1].current, 0);
	free(v);

	uint8_t *buf = NULL;
	size_t len;
	char err[512] = "";
	assert_int_equal(mgr_store_get(s, env->snaps[SNAP_SMALL_A].version,
	                     &buf, &len, err, sizeof(err)),
	    1);
	assert_int_equal(mgr_store_get(s, env->snaps[SNAP_2025].version, &buf,
	                     &len, err, sizeof(err)),
	    1);
	mgr_store_close(s);
}

static void
store_prune_keeps_current(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 2);
	mgr_version_info *v;
	size_t n;

	for (int i = 0; i < SNAP_COUNT; i++) {
		store_put_ok(s, &env->snaps[i]);
	}

	/* The oldest version is current, so it stays beside the newest 2. */
	store_set_current_ok(s, &env->snaps[SNAP_SMALL_A]);
	v = store_list_ok(s, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].version, env->snaps[SNAP_2026].version);
	assert_string_equal(v[1].version, env->snaps[SNAP_SMALL_B].version);
	assert_string_equal(v[2].version, env->snaps[SNAP_SMALL_A].version);
	assert_int_equal(v[2].current, 1);
	assert_false(store_listed(v, n, env->snaps[SNAP_2025].version));
	free(v);
	store_get_equals(s, NULL, &env->snaps[SNAP_SMALL_A]);

	/* Once it is no longer current, it goes. */
	store_set_current_ok(s, &env->snaps[SNAP_2026]);
	v = store_list_ok(s, &n);
	assert_int_equal(n, 2);
	assert_false(store_listed(v, n, env->snaps[SNAP_SMALL_A].version));
	free(v);
	mgr_store_close(s);
}

static void
store_keep_one(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 1);
	mgr_version_info *v;
	size_t n;

	store_put_ok(s, &env->snaps[SNAP_2025]);
	store_set_current_ok(s, &env->snaps[SNAP_2025]);
	store_put_ok(s, &env->snaps[SNAP_2026]);
	store_set_current_ok(s, &env->snaps[SNAP_2026]);

	v = store_list_ok(s, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].version, env->snaps[SNAP_2026].version);
	assert_int_equal(v[0].current, 1);
	free(v);
	mgr_store_close(s);
}

static void
store_reopen_sees_current(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 5);
	mgr_version_info *v;
	size_t n;

	store_put_ok(s, &env->snaps[SNAP_2025]);
	store_put_ok(s, &env->snaps[SNAP_2026]);
	store_set_current_ok(s, &env->snaps[SNAP_2025]);
	mgr_store_close(s);

	s = store_open_ok(env, 5);
	store_get_equals(s, NULL, &env->snaps[SNAP_2025]);
	v = store_list_ok(s, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].current, 0);
	assert_int_equal(v[1].current, 1);
	assert_string_equal(v[1].version, env->snaps[SNAP_2025].version);
	free(v);
	mgr_store_close(s);
}

static void
store_put_rejects_damaged(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2026];
	mgr_store *s = store_open_ok(env, 5);
	uint8_t *copy = malloc(snap->len);
	mgr_version_info *v;
	char err[512] = "";
	size_t n;

	/* The CSV is stored verbatim and only the 9 bytes of the checksum
	 * field follow it, so a byte 1000 bytes before the end is in the
	 * CSV and can be changed without breaking the protobuf framing. */
	assert_non_null(copy);
	memcpy(copy, snap->enc, snap->len);
	copy[snap->len - 1000] ^= 0x01;
	assert_int_equal(
	    mgr_store_put(s, copy, snap->len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "checksum"));

	err[0] = '\0';
	assert_int_equal(
	    mgr_store_put(s, copy, snap->len / 2, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');

	err[0] = '\0';
	assert_int_equal(mgr_store_put(s, (const uint8_t *)"Title,Year\n", 11,
	                     err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not a valid Snapshot"));
	free(copy);

	v = store_list_ok(s, &n);
	assert_int_equal(n, 0);
	free(v);
	mgr_store_close(s);
}

typedef struct store_worker {
	mgr_store *s;
	const store_env *env;
	int index;
	int failures;
	char err[512];
} store_worker;

/* Puts, sets current, gets and lists in a loop, and counts failures. */
static void *
store_worker_run(void *arg)
{
	store_worker *w = arg;
	const store_snap *snap = &w->env->snaps[w->index % SNAP_COUNT];
	mgr_version_info *v;
	uint8_t *buf;
	size_t len;
	size_t n;

	for (int round = 0; round < 5; round++) {
		if (mgr_store_put(w->s, snap->enc, snap->len, w->err,
		        sizeof(w->err)) != 0 ||
		    mgr_store_set_current(
		        w->s, snap->version, w->err, sizeof(w->err)) != 0) {
			w->failures++;
			continue;
		}
		/* Another thread may have switched the current version, but
		 * whatever is current must be readable. */
		if (mgr_store_get(
		        w->s, NULL, &buf, &len, w->err, sizeof(w->err)) != 0) {
			w->failures++;
			continue;
		}
		free(buf);
		if (mgr_store_list(w->s, &v, &n, w->err, sizeof(w->err)) != 0) {
			w->failures++;
			continue;
		}
		free(v);
	}
	return NULL;
}

static void
store_concurrent_threads(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, SNAP_COUNT);
	store_worker w[SNAP_COUNT];
	pthread_t t[SNAP_COUNT];
	mgr_version_info *v;
	size_t n;

	for (int i = 0; i < SNAP_COUNT; i++) {
		w[i] = (store_worker){.s = s, .env = env, .index = i};
		assert_int_equal(
		    pthread_create(&t[i], NULL, store_worker_run, &w[i]), 0);
	}
	for (int i = 0; i < SNAP_COUNT; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failures != 0) {
			fail_msg("worker %d failed %d times, last: %s", i,
			    w[i].failures, w[i].err);
		}
	}

	/* keep is the number of snapshots, so nothing was pruned. */
	v = store_list_ok(s, &n);
	assert_int_equal(n, SNAP_COUNT);
	free(v);
	mgr_store_close(s);
}

/* The contract tests, each with the per-test setup and teardown that
 * give it an empty store at env->spec. */
#define STORE_CONTRACT_TESTS(setup, teardown)                                  \
	cmocka_unit_test_setup_teardown(                                       \
	    store_put_get_round_trip, setup, teardown),                        \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_put_does_not_set_current, setup, teardown),              \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_put_same_version_twice, setup, teardown),                \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_get_missing_version, setup, teardown),                   \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_invalid_version_rejected, setup, teardown),              \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_set_current_unknown, setup, teardown),                   \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_set_current_then_get, setup, teardown),                  \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_list_newest_first, setup, teardown),                     \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_list_empty, setup, teardown),                            \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_prune_keeps_newest, setup, teardown),                    \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_prune_keeps_current, setup, teardown),                   \
	    cmocka_unit_test_setup_teardown(store_keep_one, setup, teardown),  \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_reopen_sees_current, setup, teardown),                   \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_put_rejects_damaged, setup, teardown),                   \
	    cmocka_unit_test_setup_teardown(                                   \
	        store_concurrent_threads, setup, teardown)

#endif
