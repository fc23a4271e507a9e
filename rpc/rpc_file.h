/*
 * Reading whole files with a size limit.
 */
#ifndef RPC_FILE_H
#define RPC_FILE_H

#include <stddef.h>

/* DataSF's export is under 1 MB; this leaves room for far larger ones. */
#define RPC_SOURCE_MAX_BYTES (256u << 20)

/*
 * Reads the file at path into a new malloc'd buffer (NUL-terminated, which
 * *len does not count). Returns 0, or -1 with a message naming the path in
 * err: not found, unreadable, or larger than max bytes.
 */
int rpc_file_read(const char *path, size_t max, char **data, size_t *len,
    char *err, size_t errlen);

#endif
