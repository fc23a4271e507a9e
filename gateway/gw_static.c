#define _XOPEN_SOURCE 700 /* realpath */

#include "gw_static.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_err.h"

int
gw_static_open(gw_static *s, const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (realpath(dir, s->root) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(s->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a folder", dir);
		return -1;
	}
	s->rootlen = strlen(s->root);
	if (s->rootlen == 1) {
		s->rootlen = 0; /* "/": every real path is inside */
	}
	return 0;
}

/* Checks each segment of path, which starts with '/'. */
static int
gw_static_path_safe(const char *path)
{
	const char *seg = path + 1;

	if (path[0] != '/' || strlen(path) > GW_STATIC_PATH_MAX ||
	    strchr(path, '\\') != NULL) {
		return 0;
	}
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t len = end != NULL ? (size_t)(end - seg) : strlen(seg);

		for (size_t i = 0; i < len; i++) {
			if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f) {
				return 0;
			}
		}
		if (len > 0 && seg[0] == '.') {
			return 0; /* ".", ".." and hidden files */
		}
		if (end == NULL) {
			return 1; /* the last segment may be empty: index.html
			           */
		}
		if (len == 0) {
			return 0; /* "//" */
		}
		seg = end + 1;
	}
}

int
gw_static_resolve(const gw_static *s, const char *path, char *out,
    size_t outlen, struct stat *st)
{
	char candidate[PATH_MAX];
	char real[PATH_MAX];
	size_t plen;
	int n;

	if (!gw_static_path_safe(path)) {
		return CORE_EINVAL;
	}
	plen = strlen(path);
	n = snprintf(candidate, sizeof(candidate), "%.*s%s%s", (int)s->rootlen,
	    s->root, path, path[plen - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(candidate)) {
		return CORE_EINVAL;
	}
	if (realpath(candidate, real) == NULL) {
		return CORE_ENOTFOUND;
	}
	if (strncmp(real, s->root, s->rootlen) != 0 ||
	    real[s->rootlen] != '/') {
		return CORE_ENOTFOUND; /* a link that leads out of the folder */
	}
	if (stat(real, st) != 0 || !S_ISREG(st->st_mode)) {
		return CORE_ENOTFOUND;
	}
	if (strlen(real) >= outlen) {
		return CORE_EINVAL;
	}
	strcpy(out, real);
	return 0;
}

typedef struct gw_media_type {
	const char *ext;
	const char *type;
} gw_media_type;

static const gw_media_type gw_media_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"geojson", "application/geo+json"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"wasm", "application/wasm"},
    {"pbf", "application/x-protobuf"},
};

const char *
gw_static_content_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash != NULL ? slash : name, '.');

	if (dot != NULL) {
		size_t n = sizeof(gw_media_types) / sizeof(gw_media_types[0]);

		for (size_t i = 0; i < n; i++) {
			if (strcasecmp(dot + 1, gw_media_types[i].ext) == 0) {
				return gw_media_types[i].type;
			}
		}
	}
	return "application/octet-stream";
}

int
gw_static_compressible(const char *content_type)
{
	return strncmp(content_type, "text/", 5) == 0 ||
	    strncmp(content_type, "application/json", 16) == 0 ||
	    strncmp(content_type, "application/geo+json", 20) == 0 ||
	    strncmp(content_type, "application/yaml", 16) == 0 ||
	    strncmp(content_type, "application/xml", 15) == 0 ||
	    strncmp(content_type, "image/svg+xml", 13) == 0 ||
	    strncmp(content_type, "application/wasm", 16) == 0;
}
