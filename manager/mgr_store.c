/*
 * The store interface: opens the backend that a spec names, checks the
 * arguments and dispatches to the backend's functions.
 */
#include "mgr_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mgr_store_backend.h"
#include "rpc_snapshot.h"

static int
store_is_mongo_uri(const char *spec)
{
	return strncasecmp(spec, "mongodb://", 10) == 0 ||
	    strncasecmp(spec, "mongodb+srv://", 14) == 0;
}

int
mgr_store_open(
    mgr_store **out, const char *spec, unsigned keep, char *err, size_t errlen)
{
	*out = NULL;

	if (spec == NULL || spec[0] == '\0') {
		snprintf(err, errlen,
		    "missing store: give a folder path or a mongodb:// URI");
		return -1;
	}
	if (keep < 1) {
		snprintf(err, errlen,
		    "invalid number of versions to keep: 0; keep at least 1");
		return -1;
	}

	if (store_is_mongo_uri(spec)) {
		return mgr_store_mongo_open(out, spec, keep, err, errlen);
	}
	return mgr_store_file_open(out, spec, keep, err, errlen);
}

void
mgr_store_close(mgr_store *s)
{
	if (s != NULL) {
		s->ops->close(s);
	}
}

int
mgr_store_version_valid(const char *version)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		char c = version[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	return version[16] == '\0';
}

static int
store_check_version(const char *version, char *err, size_t errlen)
{
	if (!mgr_store_version_valid(version)) {
		snprintf(err, errlen,
		    "invalid version \"%.64s\": expected 16 lower-case "
		    "hexadecimal digits",
		    version);
		return -1;
	}
	return 0;
}

int
mgr_store_put(
    mgr_store *s, const uint8_t *snapshot, size_t len, char *err, size_t errlen)
{
	rpc_snapshot_header h;
	char why[256];

	if (rpc_snapshot_peek(snapshot, len, &h, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "cannot store the snapshot: %s", why);
		return -1;
	}
	return s->ops->put(s, snapshot, len, &h, err, errlen);
}

int
mgr_store_set_current(
    mgr_store *s, const char *version, char *err, size_t errlen)
{
	if (store_check_version(version, err, errlen) != 0) {
		return -1;
	}
	return s->ops->set_current(s, version, err, errlen);
}

int
mgr_store_get(mgr_store *s, const char *version, uint8_t **snapshot,
    size_t *len, char *err, size_t errlen)
{
	*snapshot = NULL;
	*len = 0;

	if (version != NULL && store_check_version(version, err, errlen) != 0) {
		return -1;
	}
	return s->ops->get(s, version, snapshot, len, err, errlen);
}

int
mgr_store_list(
    mgr_store *s, mgr_version_info **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	return s->ops->list(s, out, n, err, errlen);
}

int
mgr_store_verify(const uint8_t *snapshot, size_t len, const char *version,
    char *err, size_t errlen)
{
	rpc_snapshot_header h;

	if (rpc_snapshot_peek(snapshot, len, &h, err, errlen) != 0) {
		return -1;
	}
	if (strcmp(h.version, version) != 0) {
		snprintf(err, errlen, "it contains version %s, not %s",
		    h.version, version);
		return -1;
	}
	return 0;
}

static int
store_compare_newest_first(const void *a, const void *b)
{
	const mgr_version_info *x = a;
	const mgr_version_info *y = b;

	if (x->created_unix != y->created_unix) {
		return x->created_unix > y->created_unix ? -1 : 1;
	}
	return -strcmp(x->version, y->version);
}

void
mgr_store_sort(mgr_version_info *versions, size_t n)
{
	if (n > 1) {
		qsort(
		    versions, n, sizeof(*versions), store_compare_newest_first);
	}
}

int
mgr_store_prunes(const mgr_version_info *versions, size_t i, unsigned keep,
    const char *current)
{
	if (i < keep) {
		return 0;
	}
	return current == NULL || strcmp(versions[i].version, current) != 0;
}
