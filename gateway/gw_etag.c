#include "gw_etag.h"

#include <stdio.h>
#include <string.h>

#include "core_map.h"

void
gw_etag_make(char out[GW_ETAG_MAX], uint64_t version, const char *key,
    size_t len, int gzip)
{
	unsigned long long h = core_hash64(key, len, version);

	snprintf(
	    out, GW_ETAG_MAX, gzip ? "\"%016llx-gzip\"" : "\"%016llx\"", h);
}

void
gw_etag_gzip_of(char out[GW_ETAG_MAX], const char *etag)
{
	size_t len = strlen(etag);

	if (len < 2 || len + 5 >= GW_ETAG_MAX) {
		snprintf(out, GW_ETAG_MAX, "%s", etag);
		return;
	}
	snprintf(out, GW_ETAG_MAX, "%.*s-gzip\"", (int)(len - 1), etag);
}

void
gw_etag_file(char out[GW_ETAG_MAX], uint64_t dev, uint64_t ino, uint64_t size,
    int64_t mtime_ns)
{
	uint64_t id[4] = {dev, ino, size, (uint64_t)mtime_ns};

	snprintf(out, GW_ETAG_MAX, "\"%016llx\"",
	    (unsigned long long)core_hash64(id, sizeof(id), 0));
}

static int
gw_space(char c)
{
	return c == ' ' || c == '\t';
}

int
gw_etag_match(const char *header, const char *etag)
{
	const char *p = header;
	size_t want;

	if (header == NULL) {
		return 0;
	}
	if (strncmp(etag, "W/", 2) == 0) {
		etag += 2;
	}
	want = strlen(etag);

	while (*p != '\0') {
		const char *end;

		while (gw_space(*p) || *p == ',') {
			p++;
		}
		if (*p == '*') {
			return 1;
		}
		if (strncmp(p, "W/", 2) == 0) {
			p += 2;
		}
		if (*p != '"') {
			return 0; /* malformed: matches nothing */
		}
		if ((end = strchr(p + 1, '"')) == NULL) {
			return 0;
		}
		if ((size_t)(end + 1 - p) == want &&
		    memcmp(p, etag, want) == 0) {
			return 1;
		}
		p = end + 1;
	}
	return 0;
}
