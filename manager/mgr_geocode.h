/*
 * The geocoder chain: points for location texts that DataSF leaves
 * without one. A text is looked up in the persistent cache, then in a
 * seed file, then with Google Geocoding when an API key is set, else with
 * OpenStreetMap's Nominatim. Before giving up on a text, the services are
 * asked for its variants (see mgr_geocode_variants). A result outside the
 * San Francisco box of core_dataset.h is a guess and is rejected.
 *
 * The cache (geocodes.json) has the format of a Google Geocoding cache: a
 * JSON object keyed by location text whose values are `results[0]`
 * objects, plus "source" ("cache", "google" or "nominatim"), "accuracy"
 * and "query" (the text that the service answered). A text that no
 * service could place is cached as {"status": "ZERO_RESULTS",
 * "checked_unix": T} and asked again after MGR_GEOCODE_MISS_TTL_S.
 *
 * Ownership: a geocoder owns its cache, seed and HTTP client.
 * Thread-safety: one thread at a time.
 */
#ifndef MGR_GEOCODE_H
#define MGR_GEOCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core_dataset.h"

#define MGR_GEOCODE_GOOGLE_URL                                                 \
	"https://maps.googleapis.com/maps/api/geocode/json"
#define MGR_GEOCODE_NOMINATIM_URL "https://nominatim.openstreetmap.org/search"

/* Nominatim's usage policy allows at most one request per second. */
#define MGR_GEOCODE_NOMINATIM_INTERVAL_MS 1000
#define MGR_GEOCODE_GOOGLE_INTERVAL_MS    50

/* How long a text that no service could place stays unasked: 30 days. */
#define MGR_GEOCODE_MISS_TTL_S (30 * 24 * 3600)

/* A service that failed this many texts in a row is not asked again in
 * the same run, so that a service that is down cannot stall a refresh. */
#define MGR_GEOCODE_MAX_FAILURES 5

#define MGR_GEOCODE_MAX_VARIANTS 8
#define MGR_GEOCODE_QUERY_MAX    256

typedef struct mgr_geocode_config {
	const char *cache_path; /* geocodes.json; NULL keeps it in memory */
	const char *seed_path; /* a Google-format cache to seed from, or NULL */
	const char *google_key;    /* NULL or "": use Nominatim */
	const char *google_url;    /* NULL: MGR_GEOCODE_GOOGLE_URL */
	const char *nominatim_url; /* NULL: MGR_GEOCODE_NOMINATIM_URL */
	const char *user_agent;    /* NULL: see mgr_geocode.c */
	int offline;               /* ask no service: cache and seed only */
	/* HTTP settings; 0 takes the defaults of mgr_http.h and the
	 * intervals above. */
	unsigned interval_ms;
	unsigned timeout_ms;
	unsigned attempts;
	unsigned backoff_ms;
} mgr_geocode_config;

typedef struct mgr_geocode_result {
	double lat;
	double lng;
	core_point_source source;
	char accuracy[64];
} mgr_geocode_result;

enum {
	MGR_GEOCODE_FOUND = 0,
	MGR_GEOCODE_NONE = 1,    /* no service could place the text */
	MGR_GEOCODE_FAILED = -1, /* a service failed; try again next run */
};

typedef struct mgr_geocode_stats {
	size_t from_cache; /* answered by geocodes.json or the seed,
	                    * without a request */
	size_t asked;      /* texts sent to a service */
	size_t outside;    /* service results outside SF, rejected */
	size_t failed;     /* texts skipped after service failures */
	uint64_t requests; /* HTTP requests, retries included */
} mgr_geocode_stats;

typedef struct mgr_geocoder mgr_geocoder;

/* Opens a geocoder: loads the cache and the seed. Returns 0, or -1 with a
 * message in err when a file is unreadable or not a JSON object. */
int mgr_geocoder_open(mgr_geocoder **out, const mgr_geocode_config *cfg,
    char *err, size_t errlen);

/*
 * Finds a point for a cleaned location text. Returns MGR_GEOCODE_FOUND
 * with *res filled, MGR_GEOCODE_NONE, or MGR_GEOCODE_FAILED after logging
 * the failure.
 */
int mgr_geocoder_lookup(
    mgr_geocoder *g, const char *location, mgr_geocode_result *res);

/* Writes the cache file, if any. Returns 0 or -1 with a message in err. */
int mgr_geocoder_save(mgr_geocoder *g, char *err, size_t errlen);

void mgr_geocoder_stats(const mgr_geocoder *g, mgr_geocode_stats *out);

/* Frees a geocoder without saving. Accepts NULL. */
void mgr_geocoder_close(mgr_geocoder *g);

/*
 * Writes the texts to ask a service for, in order: the location itself,
 * then the variants that may place it when it is too vague as written:
 *
 *   "Merchant Exchange (465 California Street at Leidesdorff)"
 *       -> "Merchant Exchange", "465 California Street at Leidesdorff"
 *   "Lombard St between Hyde and Larkin St"
 *       -> "Lombard St and Hyde", "Lombard St and Larkin St"
 *   "Geary from 22nd Ave to Arguello"
 *       -> "Geary and 22nd Ave", "Geary and Arguello"
 *   "from A to B" -> "A", "B"
 *
 * Writes at most max texts (max <= MGR_GEOCODE_MAX_VARIANTS), without
 * repeats, and returns their count.
 */
size_t mgr_geocode_variants(
    const char *location, char out[][MGR_GEOCODE_QUERY_MAX], size_t max);

#endif
