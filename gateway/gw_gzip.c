#include "gw_gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core_err.h"

int
gw_gzip(core_buf *out, const char *in, size_t len)
{
	z_stream z;
	uLong bound;
	int rv;

	memset(&z, 0, sizeof(z));
	/* 15 window bits + 16 selects the gzip wrapper. Every answer is
	 * compressed once on the request path when it is built, so level 1:
	 * on 74 KB of the data set's JSON, zlib took 338 us at level 1 and
	 * 1,120 us at level 6, for 17.0 KB against 13.9 KB (Python's zlib,
	 * this project's 2-core machine). */
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		return CORE_ENOMEM;
	}
	bound = deflateBound(&z, (uLong)len);
	if ((rv = core_buf_reserve(out, bound)) != 0) {
		deflateEnd(&z);
		return rv;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data + out->len;
	z.avail_out = (uInt)bound;
	rv = deflate(&z, Z_FINISH);
	if (rv != Z_STREAM_END) {
		deflateEnd(&z);
		return CORE_EINVAL;
	}
	out->len += z.total_out;
	out->data[out->len] = '\0';
	deflateEnd(&z);
	return 0;
}

/* Parses the q-value of one list member's parameters; 1 when absent. */
static double
gw_qvalue(const char *params, const char *end)
{
	const char *p = params;

	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t')) {
			p++;
		}
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=') {
			return strtod(p + 2, NULL);
		}
		while (p < end && *p != ';') {
			p++;
		}
	}
	return 1;
}

int
gw_gzip_accepted(const char *accept_encoding)
{
	const char *p = accept_encoding;
	double gzip_q = -1;
	double star_q = -1;

	if (p == NULL) {
		return 0;
	}
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		const char *name_end;
		size_t name_len;

		if (end == NULL) {
			end = p + strlen(p);
		}
		while (p < end && (*p == ' ' || *p == '\t')) {
			p++;
		}
		name_end = p;
		while (name_end < end && *name_end != ';' && *name_end != ' ' &&
		    *name_end != '\t') {
			name_end++;
		}
		name_len = (size_t)(name_end - p);
		if ((name_len == 4 && strncasecmp(p, "gzip", 4) == 0) ||
		    (name_len == 6 && strncasecmp(p, "x-gzip", 6) == 0)) {
			gzip_q = gw_qvalue(name_end, end);
		} else if (name_len == 1 && *p == '*') {
			star_q = gw_qvalue(name_end, end);
		}
		p = *end == ',' ? end + 1 : end;
	}
	if (gzip_q >= 0) {
		return gzip_q > 0;
	}
	return star_q > 0;
}
