#include "mgr_geocode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core_norm.h"
#include "mgr_geocode_services.h"
#include "mgr_http.h"
#include "mgr_json.h"
#include "rpc_log.h"

/* Nominatim's usage policy asks for a User-Agent that names the
 * application; SFMOVIES_CONTACT, when set, adds the operator's contact. */
/* What geocode_from_files returns when no file answers the lookup. */
#define GEOCODE_ASK 2

#define GEOCODE_USER_AGENT "sfmovies/0.1 (San Francisco film locations map)"

struct mgr_geocoder {
	char *cache_path;
	char *google_key;
	char *base; /* the service's URL */
	int offline;
	int use_google;
	json_t *cache;
	json_t *seed; /* keyed by cleaned text */
	mgr_http *http;
	unsigned failures_in_row;
	int disabled; /* the service failed too often or rejected us */
	mgr_geocode_stats stats;
};

static char *
geocode_strdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* Re-keys a seed by cleaned text, as the importer cleans locations; the
 * first of two keys that clean to the same text wins. */
static int
geocode_clean_seed(json_t *raw, json_t **out)
{
	const char *key;
	json_t *value;

	if ((*out = json_object()) == NULL) {
		return -1;
	}
	json_object_foreach(raw, key, value)
	{
		char *text = strdup(key);
		int rv = 0;

		if (text == NULL) {
			return -1;
		}
		text[core_norm_clean(text, strlen(text))] = '\0';
		if (text[0] != '\0' && json_object_get(*out, text) == NULL) {
			rv = json_object_set(*out, text, value);
		}
		free(text);
		if (rv != 0) {
			return -1;
		}
	}
	return 0;
}

static int
geocode_load(
    mgr_geocoder *g, const mgr_geocode_config *cfg, char *err, size_t errlen)
{
	json_t *raw = NULL;
	int rv;

	if (cfg->cache_path != NULL &&
	    mgr_json_load(cfg->cache_path, &g->cache, err, errlen) < 0) {
		return -1;
	}
	if (g->cache == NULL && (g->cache = json_object()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cfg->seed_path == NULL) {
		return 0;
	}
	if ((rv = mgr_json_load(cfg->seed_path, &raw, err, errlen)) != 0) {
		if (rv == 1) {
			snprintf(err, errlen,
			    "--geocode-cache %s: file not found; give a JSON "
			    "object of Google Geocoding results keyed by "
			    "location",
			    cfg->seed_path);
		}
		json_decref(raw);
		return -1;
	}
	rv = geocode_clean_seed(raw, &g->seed);
	json_decref(raw);
	if (rv != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
geocode_open_http(mgr_geocoder *g, const mgr_geocode_config *cfg)
{
	mgr_http_config hc = {0};
	char agent[256];
	const char *contact = getenv("SFMOVIES_CONTACT");

	snprintf(agent, sizeof(agent), "%s%s%s", GEOCODE_USER_AGENT,
	    contact != NULL && contact[0] != '\0' ? " " : "",
	    contact != NULL ? contact : "");
	hc.service = g->use_google ? "google" : "nominatim";
	hc.user_agent = cfg->user_agent != NULL ? cfg->user_agent : agent;
	hc.min_interval_ms = cfg->interval_ms;
	if (hc.min_interval_ms == 0) {
		hc.min_interval_ms = g->use_google
		    ? MGR_GEOCODE_GOOGLE_INTERVAL_MS
		    : MGR_GEOCODE_NOMINATIM_INTERVAL_MS;
	}
	hc.timeout_ms = cfg->timeout_ms;
	hc.attempts = cfg->attempts;
	hc.backoff_ms = cfg->backoff_ms;
	hc.secrets[0] = g->google_key;
	return mgr_http_open(&g->http, &hc);
}

int
mgr_geocoder_open(
    mgr_geocoder **out, const mgr_geocode_config *cfg, char *err, size_t errlen)
{
	mgr_geocoder *g = calloc(1, sizeof(*g));

	if (g == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g->offline = cfg->offline;
	g->use_google = cfg->google_key != NULL && cfg->google_key[0] != '\0';
	g->cache_path = geocode_strdup(cfg->cache_path);
	g->google_key = geocode_strdup(g->use_google ? cfg->google_key : NULL);
	g->base = geocode_strdup(g->use_google
	        ? (cfg->google_url ? cfg->google_url : MGR_GEOCODE_GOOGLE_URL)
	        : (cfg->nominatim_url ? cfg->nominatim_url
	                              : MGR_GEOCODE_NOMINATIM_URL));
	if ((cfg->cache_path != NULL && g->cache_path == NULL) ||
	    (g->use_google && g->google_key == NULL) || g->base == NULL ||
	    geocode_open_http(g, cfg) != 0) {
		snprintf(err, errlen, "out of memory");
		mgr_geocoder_close(g);
		return -1;
	}
	if (geocode_load(g, cfg, err, errlen) != 0) {
		mgr_geocoder_close(g);
		return -1;
	}
	*out = g;
	return 0;
}

void
mgr_geocoder_close(mgr_geocoder *g)
{
	if (g == NULL) {
		return;
	}
	json_decref(g->cache);
	json_decref(g->seed);
	mgr_http_close(g->http);
	free(g->cache_path);
	free(g->google_key);
	free(g->base);
	free(g);
}

static int
geocode_in_sf(double lat, double lng)
{
	return lat >= CORE_SF_SOUTH && lat <= CORE_SF_NORTH &&
	    lng >= CORE_SF_WEST && lng <= CORE_SF_EAST;
}

/* Reads the point of a cache entry. Returns 1 when it has one inside SF,
 * else 0. */
static int
geocode_entry_point(const json_t *e, mgr_geocode_result *res)
{
	const json_t *geometry = json_object_get(e, "geometry");
	const json_t *loc = json_object_get(geometry, "location");
	const json_t *lat = json_object_get(loc, "lat");
	const json_t *lng = json_object_get(loc, "lng");
	const char *source = mgr_json_str(e, "source");
	const char *accuracy = mgr_json_str(e, "accuracy");

	if (!json_is_number(lat) || !json_is_number(lng)) {
		return 0;
	}
	res->lat = json_number_value(lat);
	res->lng = json_number_value(lng);
	if (!geocode_in_sf(res->lat, res->lng)) {
		return 0;
	}
	res->source = core_point_source_parse(source);
	if (res->source == CORE_POINT_NONE ||
	    res->source == CORE_POINT_DATASF) {
		res->source = CORE_POINT_CACHE;
	}
	if (accuracy == NULL) {
		accuracy = mgr_json_str(geometry, "location_type");
	}
	snprintf(res->accuracy, sizeof(res->accuracy), "%s",
	    accuracy != NULL ? accuracy : "");
	return 1;
}

/* Returns 1 when the entry records a recent miss. */
static int
geocode_recent_miss(const json_t *e)
{
	const char *status = mgr_json_str(e, "status");
	const json_t *checked = json_object_get(e, "checked_unix");

	return status != NULL && strcmp(status, "ZERO_RESULTS") == 0 &&
	    json_is_integer(checked) &&
	    (json_int_t)time(NULL) - json_integer_value(checked) <
	    MGR_GEOCODE_MISS_TTL_S;
}

/* Looks the text up in the cache, then the seed. Returns MGR_GEOCODE_FOUND,
 * MGR_GEOCODE_NONE for a recent miss, or GEOCODE_ASK to ask a service. */
static int
geocode_from_files(
    mgr_geocoder *g, const char *location, mgr_geocode_result *res)
{
	json_t *e = json_object_get(g->cache, location);
	json_t *copy;

	if (e != NULL && geocode_entry_point(e, res)) {
		return MGR_GEOCODE_FOUND;
	}
	if (e != NULL && geocode_recent_miss(e)) {
		return MGR_GEOCODE_NONE;
	}

	/* A seed entry is copied into the cache once used, so the cache
	 * keeps working without the seed file. */
	e = json_object_get(g->seed, location);
	if (e == NULL || !geocode_entry_point(e, res)) {
		return GEOCODE_ASK;
	}
	if ((copy = json_deep_copy(e)) != NULL) {
		json_object_set_new(copy, "source", json_string("cache"));
		json_object_set_new(
		    copy, "accuracy", json_string(res->accuracy));
		json_object_set_new(g->cache, location, copy);
	}
	res->source = CORE_POINT_CACHE;
	return MGR_GEOCODE_FOUND;
}

static int
geocode_ask(mgr_geocoder *g, const char *query, json_t **entry, char *err,
    size_t errlen)
{
	char q[MGR_GEOCODE_QUERY_MAX + 32];

	snprintf(q, sizeof(q), "%s, San Francisco, CA", query);
	if (g->use_google) {
		return mgr_geocode_google(
		    g->http, g->base, g->google_key, q, entry, err, errlen);
	}
	return mgr_geocode_nominatim(g->http, g->base, q, entry, err, errlen);
}

/* Notes a failed text; stops asking the service after too many. */
static int
geocode_failed(mgr_geocoder *g, const char *location, int rv, const char *err)
{
	const char *service = g->use_google ? "google" : "nominatim";
	char masked[1024];

	/* An error can quote the response body, which may name the key. */
	mgr_http_mask(g->http, err, masked, sizeof(masked));
	g->stats.failed++;
	rpc_log_warn("geocoding failed, skipping the location", "service",
	    service, "location", location, "error", masked);
	if (rv == MGR_GEOCODE_DENIED ||
	    ++g->failures_in_row >= MGR_GEOCODE_MAX_FAILURES) {
		g->disabled = 1;
		rpc_log_error("geocoding service disabled for this run",
		    "service", service, "reason",
		    rv == MGR_GEOCODE_DENIED
		        ? "the service rejected the request"
		        : "too many failures in a row");
	}
	return MGR_GEOCODE_FAILED;
}

/* Asks the service for the location and its variants. */
static int
geocode_from_service(
    mgr_geocoder *g, const char *location, mgr_geocode_result *res)
{
	char variants[MGR_GEOCODE_MAX_VARIANTS][MGR_GEOCODE_QUERY_MAX];
	size_t n =
	    mgr_geocode_variants(location, variants, MGR_GEOCODE_MAX_VARIANTS);
	char err[1024];
	json_t *miss;

	g->stats.asked++;
	for (size_t i = 0; i < n; i++) {
		json_t *entry = NULL;
		int rv = geocode_ask(g, variants[i], &entry, err, sizeof(err));

		if (rv == MGR_GEOCODE_FAILED || rv == MGR_GEOCODE_DENIED) {
			return geocode_failed(g, location, rv, err);
		}
		if (rv == MGR_GEOCODE_NONE) {
			continue;
		}
		if (geocode_entry_point(entry, res)) {
			g->failures_in_row = 0;
			json_object_set_new(g->cache, location, entry);
			return MGR_GEOCODE_FOUND;
		}
		g->stats.outside++;
		rpc_log_info("geocode outside San Francisco, rejected", "query",
		    variants[i]);
		json_decref(entry);
	}

	g->failures_in_row = 0;
	miss = json_pack("{s:s, s:I}", "status", "ZERO_RESULTS", "checked_unix",
	    (json_int_t)time(NULL));
	if (miss != NULL) {
		json_object_set_new(g->cache, location, miss);
	}
	return MGR_GEOCODE_NONE;
}

int
mgr_geocoder_lookup(
    mgr_geocoder *g, const char *location, mgr_geocode_result *res)
{
	int rv;

	memset(res, 0, sizeof(*res));
	if ((rv = geocode_from_files(g, location, res)) == MGR_GEOCODE_FOUND) {
		g->stats.from_cache++;
		return rv;
	}
	if (rv == MGR_GEOCODE_NONE || g->offline) {
		return MGR_GEOCODE_NONE;
	}
	if (g->disabled) {
		g->stats.failed++;
		return MGR_GEOCODE_FAILED;
	}
	return geocode_from_service(g, location, res);
}

int
mgr_geocoder_save(mgr_geocoder *g, char *err, size_t errlen)
{
	if (g->cache_path == NULL) {
		return 0;
	}
	return mgr_json_save(g->cache_path, g->cache, err, errlen);
}

void
mgr_geocoder_stats(const mgr_geocoder *g, mgr_geocode_stats *out)
{
	*out = g->stats;
	out->requests = mgr_http_requests(g->http);
}
