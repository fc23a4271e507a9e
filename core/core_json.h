/*
 * Appending JSON values to a byte buffer.
 *
 * Pure functions of their arguments; a buffer belongs to one thread.
 */
#ifndef CORE_JSON_H
#define CORE_JSON_H

#include <stddef.h>

#include "core_buf.h"

/*
 * Appends s[0..len) as a JSON string with quotes. Escapes quotes,
 * backslashes and control characters, and also <, > and & as \u003c, \u003e
 * and \u0026 so that the output is safe inside a JSONP script or HTML.
 * The input must be valid UTF-8. Returns 0 or CORE_ENOMEM.
 */
int core_json_string(core_buf *b, const char *s, size_t len);

/* Appends a NUL-terminated string as core_json_string does; NULL is "". */
int core_json_cstr(core_buf *b, const char *s);

/* Appends text formatted like printf, unescaped. Returns 0 or an error. */
int core_json_printf(core_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
