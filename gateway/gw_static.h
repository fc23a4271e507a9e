/*
 * Static files: mapping request paths to files of the ui folder safely,
 * and their media types.
 *
 * A path is served only when every segment is a plain name (no ".", "..",
 * empty or hidden segment, no backslash) and its real path, after symbolic
 * links, is a regular file inside the real path of the folder. A link that
 * stays inside the folder is followed; one that leads out is not found.
 *
 * NOTE: the check and the later open are two steps, so a file swapped for
 * a link in between is read. The folder belongs to whoever deploys the
 * gateway; requests can only name paths, not change them.
 *
 * Thread-safety: a gw_static is read-only after gw_static_open, so any
 * thread may resolve paths at once.
 */
#ifndef GW_STATIC_H
#define GW_STATIC_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

#define GW_STATIC_PATH_MAX 1024 /* bytes of a request path */

typedef struct gw_static {
	char root[PATH_MAX]; /* real path of the folder, no trailing '/' */
	size_t rootlen;
} gw_static;

/* Opens the folder dir. Returns 0, or -1 with a message naming dir in err
 * when it is missing or not a folder. */
int gw_static_open(gw_static *s, const char *dir, char *err, size_t errlen);

/*
 * Resolves a decoded request path: "/" and any path ending in "/" mean its
 * index.html. On success stores the file's real path in out and its status
 * in st, and returns 0. Returns CORE_EINVAL for an unsafe path and
 * CORE_ENOTFOUND when no regular file inside the folder has that path.
 */
int gw_static_resolve(const gw_static *s, const char *path, char *out,
    size_t outlen, struct stat *st);

/* Returns the Content-Type for a file name by its extension;
 * application/octet-stream when unknown. */
const char *gw_static_content_type(const char *name);

/* Returns 1 when the type is worth compressing (text, JSON, SVG ...). */
int gw_static_compressible(const char *content_type);

#endif
