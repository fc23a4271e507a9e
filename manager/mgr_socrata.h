/*
 * Socrata's JSON export of the data set (/resource/yitu-d5am.json): an
 * array of row objects keyed by field name (release_year, fun_facts,
 * actor_1, ...). It is turned into the equivalent CSV export, which the
 * importer maps by header name like any other vintage.
 *
 * Pure functions; any thread may call them.
 */
#ifndef MGR_SOCRATA_H
#define MGR_SOCRATA_H

#include <stddef.h>

/* Returns 1 when data starts, after white space, with a JSON array. */
int mgr_socrata_is_json(const char *data, size_t len);

/*
 * Converts the rows to CSV in a new malloc'd, NUL-terminated buffer: a
 * header of every field name in the order first seen (Socrata's computed
 * ":@..." fields left out), then one record per row. Strings and numbers
 * are written as text, a GeoJSON Point as WKT "POINT (lng lat)", and null
 * or a nested value as an empty field. Returns 0, or -1 with a message
 * naming the problem (not JSON, not an array of objects) in err.
 */
int mgr_socrata_to_csv(const char *json, size_t len, char **csv, size_t *csvlen,
    char *err, size_t errlen);

#endif
