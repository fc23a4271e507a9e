/*
 * The folder backend of mgr_store:
 *
 *   DIR/versions/<version>.snap   one encoded snapshot per version
 *   DIR/CURRENT                   the current version and a newline
 *
 * Every file is written with rpc_snapshot_write_file (temporary file,
 * fsync, rename, fsync of the folder), so a reader sees either the old or
 * the new content. A mutex serializes put and set_current, which also
 * prunes. Readers take no lock: a version file that pruning deletes while
 * it is read is reported as missing.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgr_store_backend.h"
#include "rpc_file.h"
#include "rpc_log.h"
#include "rpc_snapshot.h"

#define FILE_PATH_MAX 4096

/* Leaves room in FILE_PATH_MAX for "/versions/<version>.snap.tmp.<pid>". */
#define FILE_DIR_MAX (FILE_PATH_MAX - 64)

/* CURRENT contains 16 hexadecimal digits and a newline. */
#define FILE_CURRENT_MAX 64

typedef struct file_store {
	mgr_store base;
	pthread_mutex_t lock; /* serializes put and set_current */
	char dir[FILE_DIR_MAX];
} file_store;

static const mgr_store_ops file_ops;

/* Creates path and its missing parents with mode 0755. */
static int
file_mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[FILE_PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/') {
			continue;
		}
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create folder %s: %s",
			    buf, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create folder %s: %s", buf,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
file_version_path(
    const file_store *fs, const char *version, char path[FILE_PATH_MAX])
{
	snprintf(
	    path, FILE_PATH_MAX, "%s/versions/%.16s.snap", fs->dir, version);
}

static void
file_current_path(const file_store *fs, char path[FILE_PATH_MAX])
{
	snprintf(path, FILE_PATH_MAX, "%s/CURRENT", fs->dir);
}

int
mgr_store_file_open(
    mgr_store **out, const char *dir, unsigned keep, char *err, size_t errlen)
{
	char versions[FILE_PATH_MAX];
	file_store *fs;

	if (strlen(dir) >= FILE_DIR_MAX) {
		snprintf(err, errlen,
		    "store folder path is too long (%zu bytes, at most %d)",
		    strlen(dir), FILE_DIR_MAX - 1);
		return -1;
	}
	snprintf(versions, sizeof(versions), "%s/versions", dir);
	if (file_mkdirs(versions, err, errlen) != 0) {
		return -1;
	}

	if ((fs = calloc(1, sizeof(*fs))) == NULL) {
		snprintf(
		    err, errlen, "cannot open store %s: out of memory", dir);
		return -1;
	}
	fs->base.ops = &file_ops;
	fs->base.keep = keep;
	snprintf(fs->dir, sizeof(fs->dir), "%s", dir);
	pthread_mutex_init(&fs->lock, NULL);
	*out = &fs->base;
	return 0;
}

static void
file_close(mgr_store *s)
{
	file_store *fs = (file_store *)s;

	pthread_mutex_destroy(&fs->lock);
	free(fs);
}

/*
 * Reads and verifies the file of version. Returns 0, 1 when the file does
 * not exist, or -1 with err set; a damaged file is reported with its path.
 */
static int
file_load(const file_store *fs, const char *version, uint8_t **snapshot,
    size_t *len, char *err, size_t errlen)
{
	char path[FILE_PATH_MAX];
	char why[256];
	struct stat st;
	char *data;

	file_version_path(fs, version, path);
	if (rpc_file_read(
	        path, RPC_SNAPSHOT_MAX_BYTES, &data, len, err, errlen) != 0) {
		if (stat(path, &st) != 0 && errno == ENOENT) {
			snprintf(err, errlen, "version %s is not in store %s",
			    version, fs->dir);
			return 1;
		}
		return -1;
	}

	if (mgr_store_verify(
	        (const uint8_t *)data, *len, version, why, sizeof(why)) != 0) {
		snprintf(err, errlen,
		    "version file %s failed verification: %s; delete it, "
		    "or put version %s again",
		    path, why, version);
		free(data);
		return -1;
	}
	*snapshot = (uint8_t *)data;
	return 0;
}

/*
 * Reads CURRENT into current. Returns 0, 1 when there is no CURRENT file,
 * or -1 with err set.
 */
static int
file_read_current(
    const file_store *fs, char current[17], char *err, size_t errlen)
{
	char path[FILE_PATH_MAX];
	struct stat st;
	char *data;
	size_t len;

	file_current_path(fs, path);
	if (rpc_file_read(path, FILE_CURRENT_MAX, &data, &len, err, errlen) !=
	    0) {
		return stat(path, &st) != 0 && errno == ENOENT ? 1 : -1;
	}

	data[strcspn(data, "\n")] = '\0';
	if (!mgr_store_version_valid(data)) {
		snprintf(err, errlen,
		    "%s is damaged: expected 16 hexadecimal digits; set "
		    "the current version again",
		    path);
		free(data);
		return -1;
	}
	memcpy(current, data, 17);
	free(data);
	return 0;
}

static int
file_put(mgr_store *s, const uint8_t *snapshot, size_t len,
    const rpc_snapshot_header *h, char *err, size_t errlen)
{
	file_store *fs = (file_store *)s;
	char path[FILE_PATH_MAX];
	uint8_t *stored;
	size_t stored_len;
	char why[512];
	int rv;

	pthread_mutex_lock(&fs->lock);

	/* A version that is stored intact is not written again, but a
	 * damaged file is replaced, so putting a version again repairs it. */
	rv = file_load(fs, h->version, &stored, &stored_len, why, sizeof(why));
	if (rv == 0) {
		free(stored);
		pthread_mutex_unlock(&fs->lock);
		return 0;
	}
	if (rv < 0) {
		rpc_log_warn("replacing a stored version", "version",
		    h->version, "reason", why);
	}

	file_version_path(fs, h->version, path);
	rv = rpc_snapshot_write_file(path, snapshot, len, err, errlen);
	pthread_mutex_unlock(&fs->lock);
	return rv;
}

/* Appends the version named by a file name in DIR/versions to *v. */
static int
file_list_add(const file_store *fs, const char *name, int strict,
    mgr_version_info **v, size_t *n, size_t *cap, char *err, size_t errlen)
{
	char version[17];
	rpc_snapshot_header h;
	uint8_t *snapshot;
	size_t len;
	int rv;

	/* Temporary files of interrupted writes do not match this. */
	if (strlen(name) != 21 || strcmp(name + 16, ".snap") != 0) {
		return 0;
	}
	memcpy(version, name, 16);
	version[16] = '\0';
	if (!mgr_store_version_valid(version)) {
		return 0;
	}

	rv = file_load(fs, version, &snapshot, &len, err, errlen);
	if (rv == 1) {
		err[0] = '\0'; /* deleted by a concurrent prune */
		return 0;
	}
	if (rv < 0) {
		return strict ? -1 : 0;
	}
	rpc_snapshot_peek(snapshot, len, &h, err, errlen); /* verified */
	free(snapshot);

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		mgr_version_info *p = realloc(*v, ncap * sizeof(**v));

		if (p == NULL) {
			snprintf(err, errlen,
			    "cannot list store %s: out of memory", fs->dir);
			return -1;
		}
		*v = p;
		*cap = ncap;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	memcpy((*v)[*n].version, version, 17);
	(*v)[*n].created_unix = h.created_unix;
	snprintf((*v)[*n].source, sizeof((*v)[*n].source), "%s", h.source);
	(*v)[*n].bytes = len;
	(*n)++;
	return 0;
}

/*
 * Lists the stored versions, newest first. When strict, a damaged version
 * file fails the listing; otherwise it is logged and left out.
 */
static int
file_scan(const file_store *fs, int strict, mgr_version_info **out, size_t *n,
    char *err, size_t errlen)
{
	char path[FILE_PATH_MAX];
	mgr_version_info *v = NULL;
	size_t cap = 0;
	struct dirent *e;
	char why[512];
	DIR *d;
	int rv = 0;

	*n = 0;
	snprintf(path, sizeof(path), "%s/versions", fs->dir);
	if ((d = opendir(path)) == NULL) {
		snprintf(err, errlen, "cannot list folder %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (rv == 0 && (e = readdir(d)) != NULL) {
		why[0] = '\0';
		rv = file_list_add(
		    fs, e->d_name, strict, &v, n, &cap, why, sizeof(why));
		if (!strict && why[0] != '\0') {
			rpc_log_warn("skipping a damaged version file", "store",
			    fs->dir, "reason", why);
		}
	}
	closedir(d);

	if (rv != 0) {
		snprintf(err, errlen, "%s", why);
		free(v);
		*n = 0;
		return -1;
	}
	mgr_store_sort(v, *n);
	*out = v;
	return 0;
}

/* Deletes the versions beyond keep except current. Logs each failure,
 * since set_current has switched the version already. */
static void
file_prune(file_store *fs, const char *current)
{
	char path[FILE_PATH_MAX];
	mgr_version_info *v = NULL;
	char err[512];
	size_t n;
	size_t i;

	if (file_scan(fs, 0, &v, &n, err, sizeof(err)) != 0) {
		rpc_log_error(
		    "cannot prune versions", "store", fs->dir, "reason", err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!mgr_store_prunes(v, i, fs->base.keep, current)) {
			continue;
		}
		file_version_path(fs, v[i].version, path);
		if (unlink(path) != 0 && errno != ENOENT) {
			rpc_log_error("cannot delete an old version", "path",
			    path, "reason", strerror(errno));
			continue;
		}
		rpc_log_info("deleted an old version", "store", fs->dir,
		    "version", v[i].version);
	}
	free(v);
}

static int
file_set_current(mgr_store *s, const char *version, char *err, size_t errlen)
{
	file_store *fs = (file_store *)s;
	char path[FILE_PATH_MAX];
	char line[18];
	uint8_t *snapshot;
	size_t len;
	int rv;

	pthread_mutex_lock(&fs->lock);

	/* Only an intact version may become current. */
	rv = file_load(fs, version, &snapshot, &len, err, errlen);
	if (rv == 1) {
		snprintf(err, errlen,
		    "cannot set the current version: version %s is not in "
		    "store %s; put it first",
		    version, fs->dir);
		rv = -1;
	}
	if (rv != 0) {
		pthread_mutex_unlock(&fs->lock);
		return -1;
	}
	free(snapshot);

	file_current_path(fs, path);
	snprintf(line, sizeof(line), "%s\n", version);
	if (rpc_snapshot_write_file(
	        path, (const uint8_t *)line, 17, err, errlen) != 0) {
		pthread_mutex_unlock(&fs->lock);
		return -1;
	}

	file_prune(fs, version);
	pthread_mutex_unlock(&fs->lock);
	return 0;
}

static int
file_get(mgr_store *s, const char *version, uint8_t **snapshot, size_t *len,
    char *err, size_t errlen)
{
	file_store *fs = (file_store *)s;
	char current[17];
	int rv;

	if (version != NULL) {
		return file_load(fs, version, snapshot, len, err, errlen);
	}

	if ((rv = file_read_current(fs, current, err, errlen)) != 0) {
		return rv;
	}
	if ((rv = file_load(fs, current, snapshot, len, err, errlen)) == 1) {
		snprintf(err, errlen,
		    "store %s is damaged: the current version %s has no "
		    "file in %s/versions; set another current version",
		    fs->dir, current, fs->dir);
		return -1;
	}
	return rv;
}

static int
file_list(
    mgr_store *s, mgr_version_info **out, size_t *n, char *err, size_t errlen)
{
	file_store *fs = (file_store *)s;
	mgr_version_info *v;
	char current[17];
	size_t i;
	int rv;

	if ((rv = file_read_current(fs, current, err, errlen)) < 0) {
		return -1;
	}
	if (file_scan(fs, 1, &v, n, err, errlen) != 0) {
		return -1;
	}
	for (i = 0; rv == 0 && i < *n; i++) {
		v[i].current = strcmp(v[i].version, current) == 0;
	}
	*out = v;
	return 0;
}

static const mgr_store_ops file_ops = {
    .put = file_put,
    .set_current = file_set_current,
    .get = file_get,
    .list = file_list,
    .close = file_close,
};
