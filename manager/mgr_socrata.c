#include "mgr_socrata.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core_buf.h"
#include "core_err.h"

/* Fields of a row, in the order first seen across all rows. */
#define SOCRATA_MAX_FIELDS 128

typedef struct socrata_fields {
	const char *names[SOCRATA_MAX_FIELDS];
	size_t n;
} socrata_fields;

int
mgr_socrata_is_json(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!isspace((unsigned char)data[i])) {
			return data[i] == '[';
		}
	}
	return 0;
}

/* Collects field names; returns -1 when there are too many. */
static int
socrata_collect(json_t *rows, socrata_fields *f)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row)
	{
		const char *key;
		json_t *value;

		json_object_foreach(row, key, value)
		{
			size_t k = 0;

			if (key[0] == ':') {
				continue;
			}
			while (k < f->n && strcmp(f->names[k], key) != 0) {
				k++;
			}
			if (k < f->n) {
				continue;
			}
			if (f->n == SOCRATA_MAX_FIELDS) {
				return -1;
			}
			f->names[f->n++] = key;
		}
	}
	return 0;
}

/* Appends s as one CSV field, quoted when it needs to be. */
static int
socrata_field(core_buf *b, const char *s)
{
	int rv;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		return core_buf_append(b, s, strlen(s));
	}
	if ((rv = core_buf_putc(b, '"')) != 0) {
		return rv;
	}
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"' && (rv = core_buf_putc(b, '"')) != 0) {
			return rv;
		}
		if ((rv = core_buf_putc(b, *p)) != 0) {
			return rv;
		}
	}
	return core_buf_putc(b, '"');
}

/* Writes a value as field text into buf. */
static void
socrata_text(json_t *v, char *buf, size_t len)
{
	json_t *coords;

	buf[0] = '\0';
	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		snprintf(buf, len, "%.15g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	} else if (json_is_object(v) &&
	    json_is_string(json_object_get(v, "type")) &&
	    strcmp(json_string_value(json_object_get(v, "type")), "Point") ==
	        0 &&
	    json_is_array(coords = json_object_get(v, "coordinates")) &&
	    json_array_size(coords) == 2) {
		snprintf(buf, len, "POINT (%.15g %.15g)",
		    json_number_value(json_array_get(coords, 0)),
		    json_number_value(json_array_get(coords, 1)));
	}
}

/* Appends one record: each value's text as a field, then a newline. */
static int
socrata_record(core_buf *b, const socrata_fields *f, json_t *row, char *text,
    size_t textlen)
{
	int rv;

	for (size_t k = 0; k < f->n; k++) {
		if (row != NULL) {
			socrata_text(
			    json_object_get(row, f->names[k]), text, textlen);
		} else {
			snprintf(text, textlen, "%s", f->names[k]);
		}
		if ((k > 0 && (rv = core_buf_putc(b, ',')) != 0) ||
		    (rv = socrata_field(b, text)) != 0) {
			return rv;
		}
	}
	return core_buf_putc(b, '\n');
}

/* Writes the header (row NULL) and then every row. */
static int
socrata_write(json_t *rows, const socrata_fields *f, core_buf *b)
{
	size_t textlen = 1u << 16; /* DataSF's longest field is 414 bytes */
	char *text = malloc(textlen);
	size_t i;
	json_t *row;
	int rv;

	if (text == NULL) {
		return CORE_ENOMEM;
	}
	rv = socrata_record(b, f, NULL, text, textlen);
	json_array_foreach(rows, i, row)
	{
		if (rv == 0) {
			rv = socrata_record(b, f, row, text, textlen);
		}
	}
	free(text);
	return rv;
}

int
mgr_socrata_to_csv(const char *json, size_t len, char **csv, size_t *csvlen,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *rows;
	socrata_fields f = {{0}, 0};
	core_buf b = {0};
	size_t i;
	json_t *row;

	if ((rows = json_loadb(json, len, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "invalid JSON at line %d, column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_array(rows)) {
		snprintf(err, errlen, "the JSON is not an array of rows");
		json_decref(rows);
		return -1;
	}
	json_array_foreach(rows, i, row)
	{
		if (!json_is_object(row)) {
			snprintf(err, errlen,
			    "row %zu of the JSON is not an object", i + 1);
			json_decref(rows);
			return -1;
		}
	}
	if (socrata_collect(rows, &f) != 0 ||
	    socrata_write(rows, &f, &b) != 0) {
		snprintf(err, errlen,
		    f.n == SOCRATA_MAX_FIELDS
		        ? "the JSON rows have more than 128 fields"
		        : "out of memory");
		json_decref(rows);
		core_buf_free(&b);
		return -1;
	}
	json_decref(rows);
	*csv = b.data != NULL ? b.data : calloc(1, 1);
	*csvlen = b.len;
	return *csv != NULL ? 0 : -1;
}
