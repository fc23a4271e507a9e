/*
 * gzip content coding with zlib, and Accept-Encoding negotiation.
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef GW_GZIP_H
#define GW_GZIP_H

#include <stddef.h>

#include "core_buf.h"

/* Bodies below this many bytes are sent as they are: gzip saves little
 * on them and costs a header and CPU. */
#define GW_GZIP_MIN 1024

/* Appends in[0..len) compressed as one gzip member to out. Returns 0,
 * CORE_ENOMEM, or CORE_EINVAL when zlib reports an error. */
int gw_gzip(core_buf *out, const char *in, size_t len);

/*
 * Returns 1 when an Accept-Encoding value (NULL when absent) accepts gzip
 * (RFC 9110 section 12.5.3): gzip or x-gzip with a q-value above 0, or *
 * above 0 when gzip is not listed.
 */
int gw_gzip_accepted(const char *accept_encoding);

#endif
