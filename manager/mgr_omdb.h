/*
 * Film details from OMDb (plot, genre, runtime, rating, IMDb id, poster
 * URL), looked up by title and year and kept in a persistent cache.
 *
 * The cache (omdb.json) is {"Movies": {imdbID: {Title, Year, Rated,
 * Runtime, Genre, Plot, Poster, imdbRating, imdbID}}, "Lookups": {KEY:
 * {"imdbID": ID}}}, where KEY is the film key of mgr_omdb_key. A title
 * that OMDb does not know is cached with an empty imdbID and the time it
 * was asked, and asked again after MGR_OMDB_MISS_TTL_S.
 *
 * A seed file (--omdb-cache) may be the cache's own format, OMDb answers
 * keyed by IMDb id ({"Movies": {imdbID: {Title, Year, ..., IMDBID}}}),
 * or films keyed by DataSF title with "release_year" and an "imdb" object
 * ({imdbID, imdbRating, Genre, Poster}). Seed entries match films by the
 * film key of their title and year.
 *
 * Ownership: the client owns its cache, seed and HTTP client; the strings
 * of a lookup's details stay valid until the client is closed.
 * Thread-safety: one thread at a time.
 */
#ifndef MGR_OMDB_H
#define MGR_OMDB_H

#include <stddef.h>
#include <stdint.h>

#define MGR_OMDB_URL "https://www.omdbapi.com/"

/* OMDb documents no rate limit; its free keys allow 1,000 requests a day.
 * Ten requests a second keeps a refresh of a few hundred films short. */
#define MGR_OMDB_INTERVAL_MS 100
#define MGR_OMDB_MISS_TTL_S  (30 * 24 * 3600)
#define MGR_OMDB_KEY_MAX     512

typedef struct mgr_omdb_config {
	const char *cache_path; /* omdb.json; NULL keeps it in memory */
	const char *seed_path;  /* or NULL */
	const char *api_key;    /* NULL or "": cache and seed only */
	const char *url;        /* NULL: MGR_OMDB_URL */
	unsigned interval_ms;   /* 0: MGR_OMDB_INTERVAL_MS */
	unsigned timeout_ms;    /* 0 takes the defaults of mgr_http.h */
	unsigned attempts;
	unsigned backoff_ms;
} mgr_omdb_config;

/* Details of one film; "" for what OMDb does not know. */
typedef struct mgr_omdb_details {
	const char *imdb_id;
	const char *title; /* OMDb's title, which may differ from DataSF's */
	const char *plot;
	const char *genre;
	const char *runtime;
	const char *rated;
	const char *imdb_rating;
	const char *poster_url; /* "" when OMDb has none */
} mgr_omdb_details;

enum {
	MGR_OMDB_FOUND = 0,
	MGR_OMDB_NONE = 1,    /* OMDb does not know the film */
	MGR_OMDB_FAILED = -1, /* OMDb failed; try again next run */
};

typedef struct mgr_omdb_stats {
	size_t from_cache; /* answered by omdb.json or the seed */
	size_t asked;      /* films sent to OMDb */
	size_t failed;
	uint64_t requests; /* HTTP requests, retries included */
} mgr_omdb_stats;

typedef struct mgr_omdb mgr_omdb;

/* Opens a client: loads the cache and the seed. Returns 0, or -1 with a
 * message in err when a file is unreadable or of no known format. */
int mgr_omdb_open(
    mgr_omdb **out, const mgr_omdb_config *cfg, char *err, size_t errlen);

/* Looks up a film by its DataSF title and year (0 when unknown). Returns
 * MGR_OMDB_FOUND with *out filled, MGR_OMDB_NONE or MGR_OMDB_FAILED. */
int mgr_omdb_lookup(
    mgr_omdb *o, const char *title, unsigned year, mgr_omdb_details *out);

/* Writes the cache file, if any. Returns 0 or -1 with a message in err. */
int mgr_omdb_save(mgr_omdb *o, char *err, size_t errlen);

void mgr_omdb_stats_get(const mgr_omdb *o, mgr_omdb_stats *out);

/* Frees a client without saving. Accepts NULL. */
void mgr_omdb_close(mgr_omdb *o);

/* Writes the film key of a title and year into out: the matching form of
 * the title without spaces, "|" and the year, as the importer groups
 * films. Returns 0, or -1 for invalid UTF-8 or a key over outlen. */
int mgr_omdb_key(const char *title, unsigned year, char *out, size_t outlen);

#endif
