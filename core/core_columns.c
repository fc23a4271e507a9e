#include "core_columns.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_err.h"

const char *const core_column_names[COL_COUNT] = {
    [COL_TITLE] = "Title",
    [COL_YEAR] = "Release Year",
    [COL_LOCATION] = "Locations",
    [COL_FUN_FACTS] = "Fun Facts",
    [COL_COMPANY] = "Production Company",
    [COL_DISTRIBUTOR] = "Distributor",
    [COL_DIRECTOR] = "Director",
    [COL_WRITER] = "Writer",
    [COL_ACTOR1] = "Actor 1",
    [COL_ACTOR2] = "Actor 2",
    [COL_ACTOR3] = "Actor 3",
    [COL_POINT] = "Point",
    [COL_LONGITUDE] = "Longitude",
    [COL_LATITUDE] = "Latitude",
    [COL_NEIGHBORHOOD] = "Analysis Neighborhood",
    [COL_DISTRICT] = "Supervisor District",
};

/*
 * Squeezes a header name to lower-case letters and digits. The 2025 export
 * also has "Analysis Neighborhoods" and "Current Supervisor Districts",
 * which hold numeric polygon codes: they squeeze to other keys, so they are
 * not mistaken for the text columns.
 */
static void
columns_key(const core_str *name, char *key, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < name->len && n + 1 < size; i++) {
		unsigned char c = (unsigned char)name->ptr[i];

		if (isalnum(c) && c < 0x80) {
			key[n++] = (char)tolower(c);
		}
	}
	key[n] = '\0';
}

size_t
core_columns_map(const core_str *fields, size_t nfields, int pos[COL_COUNT])
{
	char want[COL_COUNT][32];
	size_t found = 0;

	for (int c = 0; c < COL_COUNT; c++) {
		core_str name = {core_column_names[c],
		                 strlen(core_column_names[c])};

		columns_key(&name, want[c], sizeof(want[c]));
		pos[c] = -1;
	}

	for (size_t i = 0; i < nfields; i++) {
		char key[32];

		columns_key(&fields[i], key, sizeof(key));
		for (int c = 0; c < COL_COUNT; c++) {
			if (pos[c] < 0 && strcmp(key, want[c]) == 0) {
				pos[c] = (int)i;
				found++;
				break;
			}
		}
	}
	return found;
}

int
core_parse_year(const char *s, unsigned *year)
{
	unsigned v = 0;
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 4) {
			return CORE_EINVAL;
		}
		v = v * 10 + (unsigned)(s[n] - '0');
	}
	if (n != 4 || v < 1800 || v > 2100) {
		return CORE_EINVAL;
	}
	*year = v;
	return 0;
}

/* Parses a finite double from the start of s; *end is set past it. */
static int
columns_strtod(const char *s, char **end, double *v)
{
	errno = 0;
	*v = strtod(s, end);
	if (*end == s || errno != 0 || !isfinite(*v)) {
		return CORE_EINVAL;
	}
	return 0;
}

int
core_parse_degrees(const char *s, double limit, double *v)
{
	char *end;

	if (columns_strtod(s, &end, v) != 0 || *end != '\0') {
		return CORE_EINVAL;
	}
	if (*v < -limit || *v > limit) {
		return CORE_EINVAL;
	}
	return 0;
}

static const char *
columns_skip_space(const char *s)
{
	while (*s == ' ') {
		s++;
	}
	return s;
}

int
core_parse_wkt_point(const char *s, double *lat, double *lng)
{
	char *end;
	double x, y;

	if (strncasecmp(s, "POINT", 5) != 0) {
		return CORE_EINVAL;
	}
	s = columns_skip_space(s + 5);
	if (*s++ != '(') {
		return CORE_EINVAL;
	}

	/* WKT writes longitude first. */
	if (columns_strtod(s, &end, &x) != 0 || *end != ' ') {
		return CORE_EINVAL;
	}
	if (columns_strtod(end, &end, &y) != 0) {
		return CORE_EINVAL;
	}
	s = columns_skip_space(end);
	if (*s++ != ')' || *columns_skip_space(s) != '\0') {
		return CORE_EINVAL;
	}
	if (x < -180 || x > 180 || y < -90 || y > 90) {
		return CORE_EINVAL;
	}
	*lat = y;
	*lng = x;
	return 0;
}

unsigned
core_parse_district(const char *s)
{
	unsigned v = 0;

	if (s[0] < '0' || s[0] > '9') {
		return 0;
	}
	v = (unsigned)(s[0] - '0');
	if (s[1] >= '0' && s[1] <= '9') {
		v = v * 10 + (unsigned)(s[1] - '0');
		s++;
	}
	return s[1] == '\0' && v >= 1 && v <= 11 ? v : 0;
}
