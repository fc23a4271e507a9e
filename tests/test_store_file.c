/*
 * Tests of the folder backend of mgr_store: the contract of mgr_store.h
 * (test_store.h), then the folder layout, damaged files and open errors.
 * Each test gets a new folder under /tmp whose store folder does not exist
 * yet, so every open also creates it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgr_store.h"
#include "test_store.h"

typedef struct file_env {
	char tmp[64]; /* the test's temporary folder */
} file_env;

/* Removes path and everything under it. */
static void
remove_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	char child[4096];
	DIR *d;

	if (lstat(path, &st) != 0) {
		return;
	}
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0) {
				snprintf(child, sizeof(child), "%s/%s", path,
				    e->d_name);
				remove_tree(child);
			}
		}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

static int
group_setup(void **state)
{
	store_env *env = store_env_new();

	if (env == NULL) {
		return -1;
	}
	if ((env->backend = calloc(1, sizeof(file_env))) == NULL) {
		store_env_free(env);
		return -1;
	}
	*state = env;
	return 0;
}

static int
group_teardown(void **state)
{
	store_env *env = *state;

	free(env->backend);
	store_env_free(env);
	return 0;
}

/* Makes a new temporary folder; the store is its subfolder a/store. */
static int
setup(void **state)
{
	store_env *env = *state;
	file_env *fe = env->backend;

	snprintf(fe->tmp, sizeof(fe->tmp), "/tmp/test_store_file.XXXXXX");
	if (mkdtemp(fe->tmp) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(env->spec, sizeof(env->spec), "%s/a/store", fe->tmp);
	return 0;
}

static int
teardown(void **state)
{
	store_env *env = *state;
	file_env *fe = env->backend;

	remove_tree(fe->tmp);
	return 0;
}

/* Writes path in the store folder into out. */
static void
store_path(const store_env *env, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", env->spec, name);
}

static void
version_path(
    const store_env *env, const store_snap *snap, char *out, size_t size)
{
	snprintf(out, size, "%s/versions/%s.snap", env->spec, snap->version);
}

/* Reads a whole file into a new NUL-terminated buffer. */
static char *
read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static void
write_whole(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Flips one bit in the CSV part of a stored version file. */
static void
damage_version_file(const char *path)
{
	size_t len;
	char *buf = read_whole(path, &len);

	assert_true(len > 1000);
	buf[len - 1000] ^= 0x01;
	write_whole(path, buf, len);
	free(buf);
}

static ino_t
inode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void
file_creates_folders_0755(void **state)
{
	store_env *env = *state;
	file_env *fe = env->backend;
	const char *subdirs[] = {"a", "a/store", "a/store/versions"};
	mgr_store *s = store_open_ok(env, 3);
	char path[4096];
	struct stat st;

	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fe->tmp, subdirs[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0755);
	}
	mgr_store_close(s);
}

static void
file_layout_versions_and_current(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2026];
	mgr_store *s = store_open_ok(env, 3);
	char path[4096];
	char want[32];
	char *data;
	size_t len;

	store_put_ok(s, snap);
	version_path(env, snap, path, sizeof(path));
	data = read_whole(path, &len);
	assert_int_equal(len, snap->len);
	assert_memory_equal(data, snap->enc, len);
	free(data);

	store_path(env, "CURRENT", path, sizeof(path));
	assert_int_equal(access(path, F_OK), -1);
	store_set_current_ok(s, snap);
	data = read_whole(path, &len);
	snprintf(want, sizeof(want), "%s\n", snap->version);
	assert_string_equal(data, want);
	free(data);
	mgr_store_close(s);
}

static void
file_put_twice_keeps_file(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2025];
	mgr_store *s = store_open_ok(env, 3);
	char path[4096];
	ino_t before;

	store_put_ok(s, snap);
	version_path(env, snap, path, sizeof(path));
	before = inode_of(path);

	/* Every write renames a new file into place, so an unchanged inode
	 * shows that the second put wrote nothing. */
	store_put_ok(s, snap);
	assert_true(inode_of(path) == before);
	mgr_store_close(s);
}

static void
file_damaged_version_reported(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2026];
	mgr_store *s = store_open_ok(env, 3);
	mgr_version_info *v = NULL;
	char path[4096];
	char err[1024];
	uint8_t *buf = NULL;
	size_t len;
	size_t n;

	store_put_ok(s, snap);
	store_set_current_ok(s, snap);
	version_path(env, snap, path, sizeof(path));
	damage_version_file(path);

	err[0] = '\0';
	assert_int_equal(
	    mgr_store_get(s, snap->version, &buf, &len, err, sizeof(err)), -1);
	assert_null(buf);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "checksum"));

	err[0] = '\0';
	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));

	err[0] = '\0';
	assert_int_equal(mgr_store_list(s, &v, &n, err, sizeof(err)), -1);
	assert_null(v);
	assert_non_null(strstr(err, path));

	err[0] = '\0';
	assert_int_equal(
	    mgr_store_set_current(s, snap->version, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));

	/* Putting the version again replaces the damaged file. */
	store_put_ok(s, snap);
	store_get_equals(s, NULL, snap);
	mgr_store_close(s);
}

static void
file_truncated_version_reported(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_SMALL_B];
	mgr_store *s = store_open_ok(env, 3);
	char path[4096];
	char err[1024] = "";
	uint8_t *buf = NULL;
	size_t len;

	store_put_ok(s, snap);
	version_path(env, snap, path, sizeof(path));
	assert_int_equal(truncate(path, (off_t)(snap->len / 2)), 0);

	assert_int_equal(
	    mgr_store_get(s, snap->version, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a valid Snapshot"));
	mgr_store_close(s);
}

static void
file_swapped_version_reported(void **state)
{
	store_env *env = *state;
	const store_snap *a = &env->snaps[SNAP_SMALL_A];
	const store_snap *b = &env->snaps[SNAP_SMALL_B];
	mgr_store *s = store_open_ok(env, 3);
	char path[4096];
	char err[1024] = "";
	uint8_t *buf = NULL;
	size_t len;

	/* An intact snapshot under another version's name. */
	store_put_ok(s, a);
	version_path(env, a, path, sizeof(path));
	write_whole(path, b->enc, b->len);

	assert_int_equal(
	    mgr_store_get(s, a->version, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, b->version));
	mgr_store_close(s);
}

static void
file_damaged_current_reported(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 3);
	mgr_version_info *v = NULL;
	char path[4096];
	char err[1024];
	uint8_t *buf = NULL;
	size_t len;
	size_t n;

	store_put_ok(s, &env->snaps[SNAP_2025]);
	store_set_current_ok(s, &env->snaps[SNAP_2025]);
	store_path(env, "CURRENT", path, sizeof(path));
	write_whole(path, "not a version\n", 14);

	err[0] = '\0';
	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));

	err[0] = '\0';
	assert_int_equal(mgr_store_list(s, &v, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));

	/* Setting the current version again repairs it. */
	store_set_current_ok(s, &env->snaps[SNAP_2025]);
	store_get_equals(s, NULL, &env->snaps[SNAP_2025]);
	mgr_store_close(s);
}

static void
file_current_without_file(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2025];
	mgr_store *s = store_open_ok(env, 3);
	char path[4096];
	char err[1024] = "";
	uint8_t *buf = NULL;
	size_t len;

	store_put_ok(s, snap);
	store_set_current_ok(s, snap);
	version_path(env, snap, path, sizeof(path));
	assert_int_equal(unlink(path), 0);

	assert_int_equal(
	    mgr_store_get(s, NULL, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, snap->version));
	assert_non_null(strstr(err, "has no file"));
	mgr_store_close(s);
}

static void
file_list_ignores_other_files(void **state)
{
	store_env *env = *state;
	const store_snap *snap = &env->snaps[SNAP_2025];
	mgr_store *s = store_open_ok(env, 3);
	mgr_version_info *v;
	char path[4096];
	size_t n;

	store_put_ok(s, snap);

	/* What an interrupted write leaves, and files of other programs. */
	snprintf(path, sizeof(path), "%s/versions/%s.snap.tmp.12345", env->spec,
	    env->snaps[SNAP_2026].version);
	write_whole(path, "partial", 7);
	snprintf(path, sizeof(path), "%s/versions/README", env->spec);
	write_whole(path, "notes", 5);
	snprintf(
	    path, sizeof(path), "%s/versions/0123456789ABCDEF.snap", env->spec);
	write_whole(path, "upper", 5);

	v = store_list_ok(s, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].version, snap->version);
	free(v);
	mgr_store_close(s);
}

static void
file_prune_skips_damaged(void **state)
{
	store_env *env = *state;
	mgr_store *s = store_open_ok(env, 1);
	char path[4096];
	mgr_version_info *v = NULL;
	char err[1024] = "";
	size_t n;

	store_put_ok(s, &env->snaps[SNAP_2025]);
	store_put_ok(s, &env->snaps[SNAP_2026]);
	version_path(env, &env->snaps[SNAP_2025], path, sizeof(path));
	damage_version_file(path);

	/* Pruning cannot read the damaged file's creation time, so it
	 * leaves the file, and set_current still succeeds. */
	store_set_current_ok(s, &env->snaps[SNAP_2026]);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(mgr_store_list(s, &v, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));

	assert_int_equal(unlink(path), 0);
	v = store_list_ok(s, &n);
	assert_int_equal(n, 1);
	free(v);
	mgr_store_close(s);
}

static void
file_open_on_regular_file(void **state)
{
	store_env *env = *state;
	file_env *fe = env->backend;
	mgr_store *s = NULL;
	char path[4096];
	char err[1024] = "";

	snprintf(path, sizeof(path), "%s/plain", fe->tmp);
	write_whole(path, "x", 1);
	assert_int_equal(mgr_store_open(&s, path, 3, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, path));
}

static void
open_rejects_bad_arguments(void **state)
{
	store_env *env = *state;
	mgr_store *s = NULL;
	char err[1024] = "";

	assert_int_equal(
	    mgr_store_open(&s, env->spec, 0, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, "keep at least 1"));

	err[0] = '\0';
	assert_int_equal(mgr_store_open(&s, "", 3, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "folder path or a mongodb:// URI"));

	/* Nothing was created. */
	assert_int_equal(access(env->spec, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_CONTRACT_TESTS(setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_creates_folders_0755, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_layout_versions_and_current, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_put_twice_keeps_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_damaged_version_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_truncated_version_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_swapped_version_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_damaged_current_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_current_without_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_list_ignores_other_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_prune_skips_damaged, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        file_open_on_regular_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        open_rejects_bad_arguments, setup, teardown),
	};

	/* The folder mode test expects the usual umask. */
	umask(022);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
