#include "mgr_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rpc_file.h"
#include "rpc_snapshot.h"

int
mgr_json_load(const char *path, json_t **out, char *err, size_t errlen)
{
	json_error_t jerr;
	struct stat st;
	char *data;
	size_t len;

	*out = NULL;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		*out = json_object();
		return *out != NULL ? 1 : -1;
	}
	if (rpc_file_read(path, MGR_JSON_MAX_BYTES, &data, &len, err, errlen) !=
	    0) {
		return -1;
	}
	*out = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	free(data);
	if (*out == NULL) {
		snprintf(err, errlen,
		    "%s is not valid JSON: %s at line %d, column %d", path,
		    jerr.text, jerr.line, jerr.column);
		return -1;
	}
	if (!json_is_object(*out)) {
		snprintf(err, errlen,
		    "%s holds a JSON %s; expected an object keyed by "
		    "location or IMDb id",
		    path, json_is_array(*out) ? "array" : "value");
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
mgr_json_save(const char *path, const json_t *obj, char *err, size_t errlen)
{
	char *text = json_dumps(obj, JSON_INDENT(1) | JSON_SORT_KEYS);
	int rv;

	if (text == NULL) {
		snprintf(err, errlen, "cannot write %s: out of memory", path);
		return -1;
	}
	rv = rpc_snapshot_write_file(
	    path, (const uint8_t *)text, strlen(text), err, errlen);
	free(text);
	return rv;
}

const char *
mgr_json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}
