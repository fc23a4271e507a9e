#include "mgr_poster.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mgr_fetch.h"
#include "rpc_snapshot.h"

int
mgr_poster_id_valid(const char *id)
{
	size_t n;

	if (id == NULL || strncmp(id, "tt", 2) != 0) {
		return 0;
	}
	n = strlen(id + 2);
	if (n == 0 || n > 12) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)id[2 + i])) {
			return 0;
		}
	}
	return 1;
}

/* Checks that a response is a JPEG. */
static int
poster_is_jpeg(const mgr_http_response *res, char *err, size_t errlen)
{
	static const unsigned char magic[] = {0xff, 0xd8, 0xff};

	if (res->status != 200) {
		snprintf(err, errlen,
		    "the poster host answered HTTP status %ld", res->status);
		return 0;
	}
	if (strncasecmp(res->content_type, "image/jpeg", 10) != 0) {
		snprintf(err, errlen,
		    "the poster has Content-Type \"%s\"; expected image/jpeg",
		    res->content_type);
		return 0;
	}
	if (res->len < sizeof(magic) ||
	    memcmp(res->body, magic, sizeof(magic)) != 0) {
		snprintf(err, errlen,
		    "the poster's body does not start like a JPEG file");
		return 0;
	}
	return 1;
}

int
mgr_poster_fetch(mgr_http *h, const char *dir, const char *imdb_id,
    const char *url, char *err, size_t errlen)
{
	mgr_http_response res;
	char path[4096];
	struct stat st;
	int rv;

	if (!mgr_poster_id_valid(imdb_id)) {
		snprintf(err, errlen, "invalid IMDb id \"%.32s\"", imdb_id);
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.jpg", dir, imdb_id) >=
	    sizeof(path)) {
		snprintf(
		    err, errlen, "poster folder path is too long: %s", dir);
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		return 1;
	}
	if (!mgr_fetch_is_url(url)) {
		snprintf(err, errlen, "poster URL is not http(s)");
		return -1;
	}
	if (mgr_http_get(h, url, &res, err, errlen) != 0) {
		return -1;
	}
	rv = poster_is_jpeg(&res, err, errlen)
	    ? rpc_snapshot_write_file(
	          path, (const uint8_t *)res.body, res.len, err, errlen)
	    : -1;
	mgr_http_response_free(&res);
	return rv;
}
