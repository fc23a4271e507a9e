/*
 * Requests to the geocoding services, shared by the files of the geocoder
 * chain only. Each function asks one service for one query and, when it
 * finds a place, stores a new cache entry in *entry: a Google-format
 * `results[0]` object with "source", "accuracy" and "query" added.
 */
#ifndef MGR_GEOCODE_SERVICES_H
#define MGR_GEOCODE_SERVICES_H

#include <stddef.h>

#include <jansson.h>

#include "mgr_http.h"

/* The service rejects the key or the request: asking it again in this
 * run is pointless. */
#define MGR_GEOCODE_DENIED (-2)

/*
 * Asks Google Geocoding at base for query, biased to San Francisco.
 * Returns MGR_GEOCODE_FOUND, MGR_GEOCODE_NONE, MGR_GEOCODE_FAILED or
 * MGR_GEOCODE_DENIED, with the reason for a failure in err (key masked).
 */
int mgr_geocode_google(mgr_http *h, const char *base, const char *key,
    const char *query, json_t **entry, char *err, size_t errlen);

/* Asks Nominatim at base for query, bounded to San Francisco. Returns as
 * mgr_geocode_google does. */
int mgr_geocode_nominatim(mgr_http *h, const char *base, const char *query,
    json_t **entry, char *err, size_t errlen);

#endif
