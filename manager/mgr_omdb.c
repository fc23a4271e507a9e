#include "mgr_omdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core_buf.h"
#include "core_norm.h"
#include "mgr_http.h"
#include "mgr_json.h"
#include "rpc_log.h"

/* The members of a cached movie, under OMDb's names. */
static const char *const omdb_fields[] = {"Title", "Year", "Rated", "Runtime",
    "Genre", "Plot", "Poster", "imdbRating", "imdbID"};

#define OMDB_NFIELDS (sizeof(omdb_fields) / sizeof(omdb_fields[0]))

struct mgr_omdb {
	char *cache_path;
	char *api_key;
	char *base;
	json_t *cache;   /* {"Movies": {...}, "Lookups": {...}} */
	json_t *movies;  /* borrowed from cache */
	json_t *lookups; /* borrowed from cache */
	json_t *seed_movies;
	json_t *seed_lookups; /* film key -> imdbID */
	mgr_http *http;
	int disabled; /* OMDb rejected the key or failed too often */
	unsigned failures_in_row;
	mgr_omdb_stats stats;
};

#define OMDB_MAX_FAILURES 5

/* What omdb_from_files returns when no file answers the lookup. */
#define OMDB_ASK 2

int
mgr_omdb_key(const char *title, unsigned year, char *out, size_t outlen)
{
	core_buf norm = {0};
	size_t o = 0;
	int n;

	if (core_norm_match(&norm, title, strlen(title)) != 0) {
		core_buf_free(&norm);
		return -1;
	}
	for (size_t i = 0; i < norm.len && o + 1 < outlen; i++) {
		if (norm.data[i] != ' ') {
			out[o++] = norm.data[i];
		}
	}
	core_buf_free(&norm);
	n = snprintf(out + o, outlen - o, "|%u", year);
	return n > 0 && (size_t)n < outlen - o ? 0 : -1;
}

/* Returns a member as a string, "" for OMDb's "N/A" or a missing one. */
static const char *
omdb_field(const json_t *movie, const char *name)
{
	const char *v = mgr_json_str(movie, name);

	return v == NULL || strcmp(v, "N/A") == 0 ? "" : v;
}

/* Copies a movie object into the cache's form; id names it. */
static json_t *
omdb_movie(const json_t *src, const char *id)
{
	json_t *m = json_object();

	for (size_t i = 0; m != NULL && i < OMDB_NFIELDS; i++) {
		const char *v = omdb_field(src, omdb_fields[i]);

		if (v[0] != '\0' &&
		    json_object_set_new(m, omdb_fields[i], json_string(v)) !=
		        0) {
			json_decref(m);
			return NULL;
		}
	}
	if (m != NULL && json_object_set_new(m, "imdbID", json_string(id))) {
		json_decref(m);
		return NULL;
	}
	return m;
}

/* Adds one seed movie under its film key; the first of a key wins. */
static int
omdb_seed_add(mgr_omdb *o, const json_t *src, const char *id, const char *title,
    unsigned year)
{
	char key[MGR_OMDB_KEY_MAX];
	json_t *m;

	if (id == NULL || strncmp(id, "tt", 2) != 0 || title == NULL ||
	    title[0] == '\0' || mgr_omdb_key(title, year, key, sizeof(key))) {
		return 0; /* unusable entries, such as the empty key */
	}
	if (json_object_get(o->seed_lookups, key) != NULL) {
		return 0;
	}
	if ((m = omdb_movie(src, id)) == NULL ||
	    json_object_set_new(o->seed_movies, id, m) != 0 ||
	    json_object_set_new(o->seed_lookups, key, json_string(id)) != 0) {
		return -1;
	}
	return 0;
}

static unsigned
omdb_year(const char *s)
{
	return s != NULL ? (unsigned)strtoul(s, NULL, 10) : 0;
}

/* Reads {"Movies": {imdbID: {Title, Year, ...}}}. */
static int
omdb_seed_by_id(mgr_omdb *o, const json_t *movies)
{
	const char *id;
	json_t *m;

	json_object_foreach((json_t *)movies, id, m)
	{
		const char *mid = mgr_json_str(m, "imdbID");

		if (mid == NULL) {
			mid = mgr_json_str(m, "IMDBID");
		}
		if (omdb_seed_add(o, m, mid != NULL ? mid : id,
		        mgr_json_str(m, "Title"),
		        omdb_year(mgr_json_str(m, "Year"))) != 0) {
			return -1;
		}
	}
	return 0;
}

/* Reads {DataSF title: {release_year, imdb: {imdbID, ...}}}. */
static int
omdb_seed_by_title(mgr_omdb *o, const json_t *films)
{
	const char *title;
	json_t *f;

	json_object_foreach((json_t *)films, title, f)
	{
		json_t *imdb = json_object_get(f, "imdb");

		if (omdb_seed_add(o, imdb, mgr_json_str(imdb, "imdbID"), title,
		        omdb_year(mgr_json_str(f, "release_year"))) != 0) {
			return -1;
		}
	}
	return 0;
}

static int
omdb_load_seed(mgr_omdb *o, const char *path, char *err, size_t errlen)
{
	json_t *seed = NULL;
	json_t *movies;
	const char *key;
	json_t *value;
	int objects = 1, with_imdb = 0;
	int rv;

	if ((rv = mgr_json_load(path, &seed, err, errlen)) != 0) {
		if (rv == 1) {
			snprintf(err, errlen, "--omdb-cache %s: file not found",
			    path);
		}
		json_decref(seed);
		return -1;
	}
	o->seed_movies = json_object();
	o->seed_lookups = json_object();
	if (o->seed_movies == NULL || o->seed_lookups == NULL) {
		json_decref(seed);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (json_is_object(movies = json_object_get(seed, "Movies"))) {
		rv = omdb_seed_by_id(o, movies);
	} else {
		/* Films that OMDb did not know have no "imdb" object. */
		json_object_foreach(seed, key, value)
		{
			objects &= json_is_object(value);
			with_imdb |=
			    json_is_object(json_object_get(value, "imdb"));
		}
		rv = objects && with_imdb ? omdb_seed_by_title(o, seed) : 1;
	}
	json_decref(seed);
	if (rv != 0) {
		snprintf(err, errlen,
		    rv < 0 ? "out of memory"
		           : "--omdb-cache %s: unknown format; expected "
		             "{\"Movies\": {imdbID: {...}}} or films keyed by "
		             "title with an \"imdb\" object",
		    path);
		return -1;
	}
	return 0;
}

/* Loads omdb.json, or starts an empty cache. */
static int
omdb_load_cache(mgr_omdb *o, const char *path, char *err, size_t errlen)
{
	if (path != NULL && mgr_json_load(path, &o->cache, err, errlen) < 0) {
		return -1;
	}
	if (o->cache == NULL && (o->cache = json_object()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!json_is_object(json_object_get(o->cache, "Movies"))) {
		json_object_set_new(o->cache, "Movies", json_object());
	}
	if (!json_is_object(json_object_get(o->cache, "Lookups"))) {
		json_object_set_new(o->cache, "Lookups", json_object());
	}
	o->movies = json_object_get(o->cache, "Movies");
	o->lookups = json_object_get(o->cache, "Lookups");
	if (!json_is_object(o->movies) || !json_is_object(o->lookups)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
omdb_open_http(mgr_omdb *o, const mgr_omdb_config *cfg)
{
	mgr_http_config hc = {0};

	hc.service = "omdb";
	hc.min_interval_ms =
	    cfg->interval_ms ? cfg->interval_ms : MGR_OMDB_INTERVAL_MS;
	hc.timeout_ms = cfg->timeout_ms;
	hc.attempts = cfg->attempts;
	hc.backoff_ms = cfg->backoff_ms;
	hc.secrets[0] = o->api_key;
	return mgr_http_open(&o->http, &hc);
}

int
mgr_omdb_open(
    mgr_omdb **out, const mgr_omdb_config *cfg, char *err, size_t errlen)
{
	mgr_omdb *o = calloc(1, sizeof(*o));
	int has_key = cfg->api_key != NULL && cfg->api_key[0] != '\0';

	if (o == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	o->cache_path = cfg->cache_path ? strdup(cfg->cache_path) : NULL;
	o->api_key = has_key ? strdup(cfg->api_key) : NULL;
	o->base = strdup(cfg->url != NULL ? cfg->url : MGR_OMDB_URL);
	o->disabled = !has_key;
	if ((cfg->cache_path != NULL && o->cache_path == NULL) ||
	    (has_key && o->api_key == NULL) || o->base == NULL ||
	    omdb_open_http(o, cfg) != 0) {
		snprintf(err, errlen, "out of memory");
		mgr_omdb_close(o);
		return -1;
	}
	if (omdb_load_cache(o, cfg->cache_path, err, errlen) != 0 ||
	    (cfg->seed_path != NULL &&
	        omdb_load_seed(o, cfg->seed_path, err, errlen) != 0)) {
		mgr_omdb_close(o);
		return -1;
	}
	*out = o;
	return 0;
}

void
mgr_omdb_close(mgr_omdb *o)
{
	if (o == NULL) {
		return;
	}
	json_decref(o->cache);
	json_decref(o->seed_movies);
	json_decref(o->seed_lookups);
	mgr_http_close(o->http);
	free(o->cache_path);
	free(o->api_key);
	free(o->base);
	free(o);
}

static void
omdb_fill(const json_t *movie, mgr_omdb_details *out)
{
	out->imdb_id = omdb_field(movie, "imdbID");
	out->title = omdb_field(movie, "Title");
	out->plot = omdb_field(movie, "Plot");
	out->genre = omdb_field(movie, "Genre");
	out->runtime = omdb_field(movie, "Runtime");
	out->rated = omdb_field(movie, "Rated");
	out->imdb_rating = omdb_field(movie, "imdbRating");
	out->poster_url = omdb_field(movie, "Poster");
}

static int
omdb_remember(mgr_omdb *o, const char *key, const char *id)
{
	json_t *v = json_pack("{s:s}", "imdbID", id);

	if (v != NULL && id[0] == '\0') {
		json_object_set_new(
		    v, "checked_unix", json_integer((json_int_t)time(NULL)));
	}
	return v != NULL ? json_object_set_new(o->lookups, key, v) : -1;
}

/* Looks the film up in the cache, then the seed. Returns MGR_OMDB_FOUND,
 * MGR_OMDB_NONE for a recent miss, or OMDB_ASK to ask OMDb. */
static int
omdb_from_files(mgr_omdb *o, const char *key, mgr_omdb_details *out)
{
	json_t *l = json_object_get(o->lookups, key);
	const char *id = mgr_json_str(l, "imdbID");
	json_t *checked = json_object_get(l, "checked_unix");
	json_t *m;

	if (id != NULL && id[0] != '\0' &&
	    (m = json_object_get(o->movies, id)) != NULL) {
		omdb_fill(m, out);
		return MGR_OMDB_FOUND;
	}
	if (id != NULL && id[0] == '\0' && json_is_integer(checked) &&
	    (json_int_t)time(NULL) - json_integer_value(checked) <
	        MGR_OMDB_MISS_TTL_S) {
		return MGR_OMDB_NONE;
	}

	/* A seed movie is copied into the cache once used. */
	id = mgr_json_str(o->seed_lookups, key);
	if (id == NULL || (m = json_object_get(o->seed_movies, id)) == NULL ||
	    json_object_set(o->movies, id, m) != 0 ||
	    omdb_remember(o, key, id) != 0) {
		return OMDB_ASK;
	}
	omdb_fill(m, out);
	return MGR_OMDB_FOUND;
}

static int
omdb_failed(mgr_omdb *o, const char *title, int denied, const char *err)
{
	char masked[1024];

	/* An error can quote the response body, which may name the key. */
	mgr_http_mask(o->http, err, masked, sizeof(masked));
	o->stats.failed++;
	rpc_log_warn("OMDb lookup failed, skipping the film", "title", title,
	    "error", masked);
	if (denied || ++o->failures_in_row >= OMDB_MAX_FAILURES) {
		o->disabled = 1;
		rpc_log_error("OMDb disabled for this run", "reason",
		    denied ? "OMDb rejected the API key or its limit is reached"
		           : "too many failures in a row");
	}
	return MGR_OMDB_FAILED;
}

/* Reads OMDb's answer for key. */
static int
omdb_answer(mgr_omdb *o, const char *title, const char *key,
    const mgr_http_response *res, mgr_omdb_details *out)
{
	const char *ok, *id, *why;
	json_error_t jerr;
	json_t *a, *m;
	char err[512];
	int rv;

	if ((a = json_loadb(res->body, res->len, 0, &jerr)) == NULL) {
		snprintf(err, sizeof(err),
		    "OMDb answered HTTP status %ld with invalid JSON: %s",
		    res->status, jerr.text);
		return omdb_failed(o, title, 0, err);
	}
	ok = mgr_json_str(a, "Response");
	id = mgr_json_str(a, "imdbID");
	why = mgr_json_str(a, "Error");
	if (res->status == 200 && ok != NULL && strcmp(ok, "True") == 0 &&
	    id != NULL && strncmp(id, "tt", 2) == 0) {
		rv = (m = omdb_movie(a, id)) == NULL ||
		        json_object_set_new(o->movies, id, m) != 0 ||
		        omdb_remember(o, key, id) != 0
		    ? omdb_failed(o, title, 0, "out of memory")
		    : MGR_OMDB_FOUND;
		if (rv == MGR_OMDB_FOUND) {
			o->failures_in_row = 0;
			omdb_fill(json_object_get(o->movies, id), out);
		}
	} else if (res->status == 200 && why != NULL &&
	    strstr(why, "not found") != NULL) {
		o->failures_in_row = 0;
		omdb_remember(o, key, "");
		rv = MGR_OMDB_NONE;
	} else {
		snprintf(err, sizeof(err), "OMDb answered HTTP status %ld: %s",
		    res->status, why != NULL ? why : "no Error member");
		rv = omdb_failed(
		    o, title, res->status == 401 || res->status == 403, err);
	}
	json_decref(a);
	return rv;
}

static int
omdb_ask(mgr_omdb *o, const char *title, unsigned year, const char *key,
    mgr_omdb_details *out)
{
	mgr_http_response res;
	char url[2048];
	char err[1024];
	char *t = curl_easy_escape(NULL, title, 0);
	char y[16] = "";
	int n, rv;

	if (t == NULL) {
		return omdb_failed(o, title, 0, "out of memory");
	}
	if (year != 0) {
		snprintf(y, sizeof(y), "&y=%u", year);
	}
	n = snprintf(url, sizeof(url), "%s%st=%s%s&apikey=%s", o->base,
	    strchr(o->base, '?') != NULL ? "&" : "?", t, y, o->api_key);
	curl_free(t);
	if (n < 0 || (size_t)n >= sizeof(url)) {
		return omdb_failed(o, title, 0, "the title is too long");
	}

	o->stats.asked++;
	if (mgr_http_get(o->http, url, &res, err, sizeof(err)) != 0) {
		return omdb_failed(o, title, 0, err);
	}
	rv = omdb_answer(o, title, key, &res, out);
	mgr_http_response_free(&res);
	return rv;
}

int
mgr_omdb_lookup(
    mgr_omdb *o, const char *title, unsigned year, mgr_omdb_details *out)
{
	char key[MGR_OMDB_KEY_MAX];
	int rv;

	memset(out, 0, sizeof(*out));
	if (mgr_omdb_key(title, year, key, sizeof(key)) != 0) {
		return MGR_OMDB_NONE;
	}
	if ((rv = omdb_from_files(o, key, out)) != OMDB_ASK) {
		o->stats.from_cache += rv == MGR_OMDB_FOUND;
		return rv;
	}
	if (o->disabled) {
		if (o->api_key == NULL) {
			return MGR_OMDB_NONE; /* no key: files only */
		}
		o->stats.failed++;
		return MGR_OMDB_FAILED;
	}
	return omdb_ask(o, title, year, key, out);
}

int
mgr_omdb_save(mgr_omdb *o, char *err, size_t errlen)
{
	if (o->cache_path == NULL) {
		return 0;
	}
	return mgr_json_save(o->cache_path, o->cache, err, errlen);
}

void
mgr_omdb_stats_get(const mgr_omdb *o, mgr_omdb_stats *out)
{
	*out = o->stats;
	out->requests = mgr_http_requests(o->http);
}
