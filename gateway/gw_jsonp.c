#include "gw_jsonp.h"

#include <string.h>

#include "core_err.h"

static int
gw_ident_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	    c == '$';
}

static int
gw_ident_char(unsigned char c)
{
	return gw_ident_start(c) || (c >= '0' && c <= '9');
}

int
gw_jsonp_check(const char *name, size_t len, gw_error *err)
{
	int at_start = 1;

	if (len == 0 || len > GW_CALLBACK_MAX || strlen(name) != len) {
		goto invalid;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (at_start) {
				goto invalid;
			}
			at_start = 1;
		} else if (at_start ? gw_ident_start(c) : gw_ident_char(c)) {
			at_start = 0;
		} else {
			goto invalid;
		}
	}
	if (at_start) {
		goto invalid; /* a trailing dot */
	}
	return 0;

invalid:
	gw_error_set(err, 400, "invalid_argument", "callback",
	    "callback must be JavaScript identifiers joined by dots, "
	    "such as cb or jQuery.cb_1, at most %d bytes",
	    GW_CALLBACK_MAX);
	return CORE_EINVAL;
}

int
gw_jsonp_wrap(core_buf *out, const char *name, size_t name_len,
    const char *json, size_t len)
{
	size_t start = 0;
	int rv;

	if ((rv = core_buf_reserve(out, name_len + len + 8)) != 0 ||
	    (rv = core_buf_append(out, "/**/", 4)) != 0 ||
	    (rv = core_buf_append(out, name, name_len)) != 0 ||
	    (rv = core_buf_putc(out, '(')) != 0) {
		return rv;
	}
	for (size_t i = 0; i + 2 < len; i++) {
		const unsigned char *p = (const unsigned char *)json + i;

		if (p[0] != 0xe2 || p[1] != 0x80 ||
		    (p[2] != 0xa8 && p[2] != 0xa9)) {
			continue;
		}
		if ((rv = core_buf_append(out, json + start, i - start)) != 0 ||
		    (rv = core_buf_append(
		         out, p[2] == 0xa8 ? "\\u2028" : "\\u2029", 6)) != 0) {
			return rv;
		}
		start = i + 3;
		i += 2;
	}
	if ((rv = core_buf_append(out, json + start, len - start)) != 0) {
		return rv;
	}
	return core_buf_append(out, ");", 2);
}
