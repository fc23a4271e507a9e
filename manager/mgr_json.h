/*
 * JSON files of the manager's caches (geocodes.json, omdb.json), read and
 * written with Jansson.
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef MGR_JSON_H
#define MGR_JSON_H

#include <stddef.h>

#include <jansson.h>

/* Cache and seed files larger than this are rejected. */
#define MGR_JSON_MAX_BYTES (64u << 20)

/*
 * Reads the JSON object in the file at path into *out, which the caller
 * releases with json_decref. Returns 0, 1 when the file does not exist
 * (*out is then a new empty object), or -1 with a message naming the path
 * and the line in err.
 */
int mgr_json_load(const char *path, json_t **out, char *err, size_t errlen);

/* Writes obj to path atomically, with sorted keys so that equal caches
 * give equal files. Returns 0 or -1 with a message in err. */
int mgr_json_save(
    const char *path, const json_t *obj, char *err, size_t errlen);

/* Returns the string member key of obj, or NULL when it is missing or not
 * a string. */
const char *mgr_json_str(const json_t *obj, const char *key);

#endif
