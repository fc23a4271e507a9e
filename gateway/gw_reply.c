#include "gw_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "gw_gzip.h"
#include "gw_json.h"
#include "gw_jsonp.h"

#define GW_ALLOW "GET, HEAD, OPTIONS"

static int
gw_add_headers(struct MHD_Response *r, const gw_answer_spec *spec,
    const char *etag, int gzip)
{
	char retry[16];

	if (spec->content_type != NULL &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	        spec->content_type) != MHD_YES) {
		return CORE_EINVAL;
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	        spec->cache_control) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
	        spec->vary != NULL ? spec->vary : "Accept-Encoding") !=
	        MHD_YES ||
	    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") !=
	        MHD_YES) {
		return CORE_EINVAL;
	}
	if (spec->cors &&
	    (MHD_add_response_header(r, "Access-Control-Allow-Origin", "*") !=
	            MHD_YES ||
	        MHD_add_response_header(r, "Access-Control-Expose-Headers",
	            "ETag, Retry-After") != MHD_YES)) {
		return CORE_EINVAL;
	}
	if (etag != NULL && *etag != '\0' &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES) {
		return CORE_EINVAL;
	}
	if (gzip &&
	    MHD_add_response_header(
	        r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip") != MHD_YES) {
		return CORE_EINVAL;
	}
	if (spec->retry_after > 0) {
		snprintf(retry, sizeof(retry), "%d", spec->retry_after);
		if (MHD_add_response_header(
		        r, MHD_HTTP_HEADER_RETRY_AFTER, retry) != MHD_YES) {
			return CORE_EINVAL;
		}
	}
	if (spec->status == MHD_HTTP_METHOD_NOT_ALLOWED &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, GW_ALLOW) !=
	        MHD_YES) {
		return CORE_EINVAL;
	}
	return 0;
}

/* Makes one response with a copy of body; a 304 has no body. */
static int
gw_response(struct MHD_Response **out, const gw_answer_spec *spec,
    const char *body, size_t len, const char *etag, int gzip)
{
	struct MHD_Response *r;
	int rv;

	r = MHD_create_response_from_buffer(
	    len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL) {
		return CORE_ENOMEM;
	}
	if ((rv = gw_add_headers(r, spec, etag, gzip)) != 0) {
		MHD_destroy_response(r);
		return rv;
	}
	*out = r;
	return 0;
}

/* A 304 carries the headers a 200 would have had except the body's
 * (RFC 9110 section 15.4.5), so it gets no Content-Type.
 * NOTE: libmicrohttpd 0.9.75 adds "Content-Length: 0" to it, which RFC 9110
 * allows only when the 200's body is empty; clients tested (curl,
 * libcurl) ignore it. */
static int
gw_response_304(
    struct MHD_Response **out, const gw_answer_spec *spec, const char *etag)
{
	gw_answer_spec s = *spec;

	s.content_type = NULL;
	return gw_response(out, &s, "", 0, etag, 0);
}

struct MHD_Response *
gw_reply_not_modified(const char *etag, const char *cache_control)
{
	gw_answer_spec spec = {
	    .status = MHD_HTTP_NOT_MODIFIED,
	    .cache_control = cache_control,
	    .cors = 1,
	};
	struct MHD_Response *r;

	if (gw_response_304(&r, &spec, etag) != 0) {
		return NULL;
	}
	return r;
}

int
gw_answer_make(
    gw_answer **out, const gw_answer_spec *spec, const char *body, size_t len)
{
	gw_answer *a = calloc(1, sizeof(*a));
	core_buf z = {0};
	int has_etag = spec->etag != NULL && *spec->etag != '\0';
	int rv;

	if (a == NULL) {
		return CORE_ENOMEM;
	}
	a->status = spec->status;
	a->bytes = len;
	if (has_etag) {
		snprintf(a->etag, sizeof(a->etag), "%s", spec->etag);
		snprintf(a->etag_gzip, sizeof(a->etag_gzip), "%s",
		    spec->etag_gzip != NULL ? spec->etag_gzip : spec->etag);
	}
	if ((rv = gw_response(&a->plain, spec, body, len, a->etag, 0)) != 0) {
		goto fail;
	}
	if (spec->compress && len >= GW_GZIP_MIN) {
		if ((rv = gw_gzip(&z, body, len)) != 0 ||
		    (rv = gw_response(&a->gzip, spec, z.data, z.len,
		         a->etag_gzip, 1)) != 0) {
			goto fail;
		}
		a->bytes += z.len;
		core_buf_free(&z);
	}
	if (has_etag &&
	    ((rv = gw_response_304(&a->plain_304, spec, a->etag)) != 0 ||
	        (a->gzip != NULL &&
	            (rv = gw_response_304(&a->gzip_304, spec, a->etag_gzip)) !=
	                0))) {
		goto fail;
	}
	*out = a;
	return 0;

fail:
	core_buf_free(&z);
	gw_answer_free(a);
	return rv;
}

void
gw_answer_free(void *answer)
{
	gw_answer *a = answer;

	if (a == NULL) {
		return;
	}
	if (a->plain != NULL) {
		MHD_destroy_response(a->plain);
	}
	if (a->gzip != NULL) {
		MHD_destroy_response(a->gzip);
	}
	if (a->plain_304 != NULL) {
		MHD_destroy_response(a->plain_304);
	}
	if (a->gzip_304 != NULL) {
		MHD_destroy_response(a->gzip_304);
	}
	free(a);
}

enum MHD_Result
gw_answer_queue(const gw_answer *a, struct MHD_Connection *conn,
    const char *inm, int gzip_ok, int *status)
{
	int use_gzip = gzip_ok && a->gzip != NULL;

	if (inm != NULL && a->plain_304 != NULL &&
	    (gw_etag_match(inm, a->etag) || gw_etag_match(inm, a->etag_gzip))) {
		*status = MHD_HTTP_NOT_MODIFIED;
		return MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED,
		    use_gzip ? a->gzip_304 : a->plain_304);
	}
	*status = a->status;
	return MHD_queue_response(
	    conn, (unsigned)a->status, use_gzip ? a->gzip : a->plain);
}

int
gw_answer_json(gw_answer **out, gw_answer_spec *spec, const char *json,
    size_t len, const char *callback, size_t callback_len)
{
	core_buf b = {0};
	int rv;

	if (callback == NULL) {
		spec->content_type = GW_TYPE_JSON;
		return gw_answer_make(out, spec, json, len);
	}
	spec->content_type = GW_TYPE_JSONP;
	if ((rv = gw_jsonp_wrap(&b, callback, callback_len, json, len)) == 0) {
		rv = gw_answer_make(out, spec, b.data, b.len);
	}
	core_buf_free(&b);
	return rv;
}

int
gw_answer_error(gw_answer **out, const gw_error *err, const char *callback,
    size_t callback_len, const char *cache_control)
{
	gw_answer_spec spec = {
	    .status = err->status,
	    .cache_control = cache_control,
	    .retry_after = err->status == MHD_HTTP_SERVICE_UNAVAILABLE ? 1 : 0,
	    .cors = 1,
	};
	core_buf b = {0};
	int rv;

	if ((rv = gw_json_error(&b, err)) == 0) {
		rv = gw_answer_json(
		    out, &spec, b.data, b.len, callback, callback_len);
	}
	core_buf_free(&b);
	return rv;
}
