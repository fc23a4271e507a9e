#include "core_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core_err.h"

int
core_json_string(core_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	int rv;

	if ((rv = core_buf_reserve(b, len + 2)) != 0) {
		return rv;
	}
	b->data[b->len++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];

		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' &&
		    c != '>' && c != '&') {
			if ((rv = core_buf_putc(b, (char)c)) != 0) {
				return rv;
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			rv = core_buf_append(b, esc, 2);
		} else if (c == '\n') {
			rv = core_buf_append(b, "\\n", 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			rv = core_buf_append(b, esc, 6);
		}
		if (rv != 0) {
			return rv;
		}
	}
	return core_buf_putc(b, '"');
}

int
core_json_cstr(core_buf *b, const char *s)
{
	return core_json_string(b, s != NULL ? s : "",
	                        s != NULL ? strlen(s) : 0);
}

int
core_json_printf(core_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	int rv;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return CORE_EINVAL;
	}
	if ((rv = core_buf_reserve(b, (size_t)n)) != 0) {
		return rv;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
