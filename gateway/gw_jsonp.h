/*
 * JSONP: the ?callback=NAME parameter, accepted on every endpoint.
 *
 * A JSONP answer is NAME(JSON); after an empty JavaScript comment (slash,
 * two stars, slash), served as application/javascript with
 * X-Content-Type-Options: nosniff. The leading comment keeps the first
 * bytes of the answer out of the caller's control, which defeats content
 * sniffing attacks such as Rosetta Flash, and NAME is limited to JavaScript
 * identifiers joined by dots, so a callback cannot inject code.
 *
 * Errors are wrapped too and keep their status code. Browsers that follow
 * the HTML standard do not run a script answered with a non-2xx status:
 * they fire the script element's error event instead, so a JSONP page
 * learns that the request failed but not why. Other clients read the
 * status and the wrapped error object.
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef GW_JSONP_H
#define GW_JSONP_H

#include <stddef.h>

#include "core_buf.h"
#include "gw_params.h"

#define GW_CALLBACK_MAX 64 /* bytes */

/* Returns 0 when name[0..len) is a valid callback, else CORE_EINVAL with a
 * 400 naming callback in err. */
int gw_jsonp_check(const char *name, size_t len, gw_error *err);

/*
 * Appends the empty comment, NAME, "(", json and ");" to out. Also escapes
 * U+2028 and U+2029 in json as \u2028 and \u2029: JSON allows them raw in
 * strings, but JavaScript before ES2019 ends a string literal at them. They can
 * only occur inside JSON strings, so the replacement is safe.
 * Returns 0 or CORE_ENOMEM.
 */
int gw_jsonp_wrap(core_buf *out, const char *name, size_t name_len,
    const char *json, size_t len);

#endif
