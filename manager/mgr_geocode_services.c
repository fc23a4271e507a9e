#include "mgr_geocode_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core_dataset.h"
#include "mgr_geocode.h"
#include "mgr_json.h"

/* Google's bounds and Nominatim's viewbox: the SF box of core_dataset.h,
 * as "south,west|north,east" and "west,north,east,south". */
#define SERVICES_STR(x)  #x
#define SERVICES_XSTR(x) SERVICES_STR(x)
#define SERVICES_GOOGLE_BOUNDS                                                 \
	SERVICES_XSTR(CORE_SF_SOUTH)                                           \
	"," SERVICES_XSTR(CORE_SF_WEST) "%7C" SERVICES_XSTR(                   \
	    CORE_SF_NORTH) "," SERVICES_XSTR(CORE_SF_EAST)
#define SERVICES_NOMINATIM_VIEWBOX                                             \
	SERVICES_XSTR(CORE_SF_WEST)                                            \
	"," SERVICES_XSTR(CORE_SF_NORTH) "," SERVICES_XSTR(                    \
	    CORE_SF_EAST) "," SERVICES_XSTR(CORE_SF_SOUTH)

/* Builds base?name=ESCAPED(query)&rest into url. Returns 0 or -1. */
static int
services_url(char *url, size_t len, const char *base, const char *name,
    const char *query, const char *rest)
{
	char *q = curl_easy_escape(NULL, query, 0);
	int n;

	if (q == NULL) {
		return -1;
	}
	n = snprintf(url, len, "%s%s%s=%s%s", base,
	    strchr(base, '?') != NULL ? "&" : "?", name, q, rest);
	curl_free(q);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* Parses a 200 response body as JSON. Returns the value or NULL with err
 * set. */
static json_t *
services_parse(
    const mgr_http_response *res, const char *service, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *v;

	if (res->status != 200) {
		snprintf(err, errlen, "%s answered HTTP status %ld", service,
		    res->status);
		return NULL;
	}
	if ((v = json_loadb(res->body, res->len, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "%s answered invalid JSON: %s", service,
		    jerr.text);
	}
	return v;
}

/* Adds our members to a new cache entry. Returns 0 or -1. */
static int
services_tag(
    json_t *entry, const char *source, const char *accuracy, const char *query)
{
	return json_object_set_new(entry, "source", json_string(source)) ||
	    json_object_set_new(entry, "accuracy",
	        json_string(accuracy != NULL ? accuracy : "")) ||
	    json_object_set_new(entry, "query", json_string(query));
}

/* Reads results[0] of a Google answer into a new entry. */
static int
services_google_result(
    json_t *answer, const char *query, json_t **entry, char *err, size_t errlen)
{
	json_t *first = json_array_get(json_object_get(answer, "results"), 0);
	json_t *geometry = json_object_get(first, "geometry");
	json_t *loc = json_object_get(geometry, "location");

	if (!json_is_number(json_object_get(loc, "lat")) ||
	    !json_is_number(json_object_get(loc, "lng"))) {
		snprintf(err, errlen,
		    "google answered OK without results[0].geometry.location");
		return MGR_GEOCODE_FAILED;
	}
	if ((*entry = json_deep_copy(first)) == NULL ||
	    services_tag(*entry, "google",
	        mgr_json_str(geometry, "location_type"), query) != 0) {
		json_decref(*entry);
		*entry = NULL;
		snprintf(err, errlen, "out of memory");
		return MGR_GEOCODE_FAILED;
	}
	return MGR_GEOCODE_FOUND;
}

int
mgr_geocode_google(mgr_http *h, const char *base, const char *key,
    const char *query, json_t **entry, char *err, size_t errlen)
{
	char url[2048];
	char rest[512];
	mgr_http_response res;
	const char *status;
	json_t *answer;
	int rv;

	*entry = NULL;
	snprintf(rest, sizeof(rest), "&bounds=%s&key=%s",
	    SERVICES_GOOGLE_BOUNDS, key);
	if (services_url(url, sizeof(url), base, "address", query, rest) != 0) {
		snprintf(err, errlen, "the query is too long for a URL");
		return MGR_GEOCODE_FAILED;
	}
	if (mgr_http_get(h, url, &res, err, errlen) != 0) {
		return MGR_GEOCODE_FAILED;
	}
	answer = services_parse(&res, "google", err, errlen);
	rv = res.status == 401 || res.status == 403 ? MGR_GEOCODE_DENIED
	                                            : MGR_GEOCODE_FAILED;
	mgr_http_response_free(&res);
	if (answer == NULL) {
		return rv;
	}

	/* Google answers 200 with the outcome in "status". */
	status = mgr_json_str(answer, "status");
	if (status == NULL) {
		snprintf(err, errlen, "google answered without a status");
		rv = MGR_GEOCODE_FAILED;
	} else if (strcmp(status, "OK") == 0) {
		rv = services_google_result(answer, query, entry, err, errlen);
	} else if (strcmp(status, "ZERO_RESULTS") == 0) {
		rv = MGR_GEOCODE_NONE;
	} else {
		const char *why = mgr_json_str(answer, "error_message");

		snprintf(err, errlen, "google answered status %s%s%s", status,
		    why != NULL ? ": " : "", why != NULL ? why : "");
		rv = strcmp(status, "REQUEST_DENIED") == 0 ? MGR_GEOCODE_DENIED
		                                           : MGR_GEOCODE_FAILED;
	}
	json_decref(answer);
	return rv;
}

/* Turns Nominatim's first place into a Google-format entry. */
static int
services_nominatim_place(
    json_t *place, const char *query, json_t **entry, char *err, size_t errlen)
{
	const char *lat = mgr_json_str(place, "lat");
	const char *lon = mgr_json_str(place, "lon");
	const char *category = mgr_json_str(place, "category");
	const char *type = mgr_json_str(place, "type");
	const char *name = mgr_json_str(place, "display_name");
	char accuracy[128];
	char *end1, *end2;
	double la, lo;

	la = lat != NULL ? strtod(lat, &end1) : 0;
	lo = lon != NULL ? strtod(lon, &end2) : 0;
	if (lat == NULL || lon == NULL || *end1 != '\0' || *end2 != '\0') {
		snprintf(err, errlen,
		    "nominatim answered a place without "
		    "numeric lat and lon");
		return MGR_GEOCODE_FAILED;
	}
	if (category == NULL) {
		category = mgr_json_str(place, "class"); /* format=json */
	}
	snprintf(accuracy, sizeof(accuracy), "%s/%s",
	    category != NULL ? category : "", type != NULL ? type : "");

	*entry = json_pack("{s:s, s:{s:{s:f, s:f}}}", "formatted_address",
	    name != NULL ? name : "", "geometry", "location", "lat", la, "lng",
	    lo);
	if (*entry == NULL ||
	    services_tag(*entry, "nominatim", accuracy, query) != 0) {
		json_decref(*entry);
		*entry = NULL;
		snprintf(err, errlen, "out of memory");
		return MGR_GEOCODE_FAILED;
	}
	return MGR_GEOCODE_FOUND;
}

int
mgr_geocode_nominatim(mgr_http *h, const char *base, const char *query,
    json_t **entry, char *err, size_t errlen)
{
	static const char rest[] =
	    "&format=jsonv2&limit=1&countrycodes=us"
	    "&viewbox=" SERVICES_NOMINATIM_VIEWBOX "&bounded=1";
	char url[2048];
	mgr_http_response res;
	json_t *answer;
	int rv;

	*entry = NULL;
	if (services_url(url, sizeof(url), base, "q", query, rest) != 0) {
		snprintf(err, errlen, "the query is too long for a URL");
		return MGR_GEOCODE_FAILED;
	}
	if (mgr_http_get(h, url, &res, err, errlen) != 0) {
		return MGR_GEOCODE_FAILED;
	}
	answer = services_parse(&res, "nominatim", err, errlen);
	rv = res.status == 403 ? MGR_GEOCODE_DENIED : MGR_GEOCODE_FAILED;
	mgr_http_response_free(&res);
	if (answer == NULL) {
		return rv;
	}
	if (!json_is_array(answer)) {
		snprintf(err, errlen,
		    "nominatim answered JSON that is not an "
		    "array of places");
		rv = MGR_GEOCODE_FAILED;
	} else if (json_array_size(answer) == 0) {
		rv = MGR_GEOCODE_NONE;
	} else {
		rv = services_nominatim_place(
		    json_array_get(answer, 0), query, entry, err, errlen);
	}
	json_decref(answer);
	return rv;
}
