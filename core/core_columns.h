/*
 * The columns of DataSF film-location exports and the parsing of their
 * values. Internal to the core library.
 */
#ifndef CORE_COLUMNS_H
#define CORE_COLUMNS_H

#include <stddef.h>

#include "core_buf.h"

typedef enum core_column {
	COL_TITLE,
	COL_YEAR,
	COL_LOCATION,
	COL_FUN_FACTS,
	COL_COMPANY,
	COL_DISTRIBUTOR,
	COL_DIRECTOR,
	COL_WRITER,
	COL_ACTOR1,
	COL_ACTOR2,
	COL_ACTOR3,
	COL_POINT,
	COL_LONGITUDE,
	COL_LATITUDE,
	COL_NEIGHBORHOOD,
	COL_DISTRICT,
	COL_COUNT
} core_column;

/* Header names as DataSF's CSV export writes them. */
extern const char *const core_column_names[COL_COUNT];

/*
 * Maps header fields to columns: pos[c] is the field index of column c, or
 * -1 when the header lacks it. Names match ignoring case, spaces and
 * underscores, so "Release Year" and Socrata's "release_year" are one column.
 * The first of duplicate names wins. Returns the number of columns found.
 */
size_t core_columns_map(const core_str *fields, size_t nfields,
                        int pos[COL_COUNT]);

/* Parses a release year of 1800..2100. Returns 0, or CORE_EINVAL. */
int core_parse_year(const char *s, unsigned *year);

/* Parses a decimal degree within [-limit, limit]. Returns 0 or CORE_EINVAL. */
int core_parse_degrees(const char *s, double limit, double *v);

/* Parses WKT "POINT (lng lat)". Returns 0 or CORE_EINVAL. */
int core_parse_wkt_point(const char *s, double *lat, double *lng);

/* Parses a supervisor district of 1..11; returns 0 for anything else. */
unsigned core_parse_district(const char *s);

#endif
