/*
 * The film-locations data model and its import from DataSF CSV exports.
 *
 * A dataset is an immutable snapshot: films, each with its locations, plus
 * the word, phrase and spatial indexes that the query functions in
 * core_query.h read. It is built once by core_dataset_import and never
 * changed afterwards.
 *
 * Ownership: the dataset owns every string and array reachable from it;
 * pointers stay valid until core_dataset_free.
 * Thread-safety: after import, any number of threads may read and query a
 * dataset at once. Freeing it while a query runs is the caller's bug.
 */
#ifndef CORE_DATASET_H
#define CORE_DATASET_H

#include <stddef.h>
#include <stdint.h>

/* Location flags. */
#define CORE_LOC_HAS_POINT  0x01 /* lat and lng are valid */
#define CORE_LOC_OUTSIDE_SF 0x02 /* the point is far outside San Francisco */

/*
 * The box whose points count as the San Francisco area: the city and county
 * with a margin that takes in SFO (37.62 N) and the Marin Headlands part of
 * the Golden Gate National Recreation Area (37.85 N, 122.53 W). Points
 * outside it, such as Tiburon or Mission San Juan Bautista, are kept but
 * flagged CORE_LOC_OUTSIDE_SF.
 */
#define CORE_SF_SOUTH 37.60
#define CORE_SF_NORTH 37.86
#define CORE_SF_WEST  -122.56
#define CORE_SF_EAST  -122.33

/* Where a location's point comes from. */
typedef enum core_point_source {
	CORE_POINT_NONE = 0,  /* no point */
	CORE_POINT_DATASF,    /* the export's own coordinates */
	CORE_POINT_CACHE,     /* a geocode from a seeded cache file */
	CORE_POINT_GOOGLE,    /* Google Geocoding */
	CORE_POINT_NOMINATIM, /* OpenStreetMap's Nominatim */
} core_point_source;

/* Returns "", "datasf", "cache", "google" or "nominatim". */
const char *core_point_source_name(core_point_source source);

/* Parses a name of core_point_source_name; returns CORE_POINT_NONE for
 * any other text. */
core_point_source core_point_source_parse(const char *name);

typedef struct core_name {
	const char *text; /* display form, cleaned */
	const char *norm; /* matching form, see core_norm_match */
} core_name;

typedef struct core_name_list {
	const core_name *v;
	uint32_t n;
} core_name_list;

typedef struct core_location {
	uint64_t id;      /* stable across versions, see core_dataset_import */
	uint32_t film;    /* index of the film in the dataset */
	const char *text; /* the location as DataSF writes it, cleaned */
	const char *fun_facts;    /* "" when none; several are joined by "\n" */
	const char *neighborhood; /* "" when unknown */
	double lat;               /* valid when flags has CORE_LOC_HAS_POINT */
	double lng;
	uint8_t district; /* supervisor district 1..11, 0 when unknown */
	uint8_t flags;
	uint8_t point_source; /* core_point_source */
	const char *accuracy; /* of a geocoded point, see core_geocode; or "" */
} core_location;

typedef struct core_film {
	uint64_t id;      /* stable across versions, see core_dataset_import */
	const char *slug; /* "vertigo-1958"; unique in a dataset */
	const char *public_id; /* the id the API shows: imdb_id when no earlier
	                        * film has it, else slug; unique */
	const char *title;     /* display title of the first row seen */
	uint16_t year; /* release year, 0 when the export leaves it empty */
	core_name_list directors;
	core_name_list writers;
	core_name_list actors;
	core_name_list companies; /* production companies */
	core_name_list distributors;
	uint32_t first_location; /* locations of a film are contiguous */
	uint32_t nlocations;

	/* OMDb's details, "" when the import had none for this film. */
	const char *imdb_id; /* "tt0052357" */
	const char *plot;
	const char *genre;
	const char *runtime;
	const char *rated;
	const char *imdb_rating;
	uint8_t has_poster; /* a poster is stored as {imdb_id}.jpg */
} core_film;

/*
 * A point for a location text, found by the manager's geocoders. location
 * is compared byte for byte with the cleaned location text of the export
 * (see core_norm_clean).
 */
typedef struct core_geocode {
	const char *location;
	double lat;
	double lng;
	core_point_source source;
	const char *accuracy; /* Google's location_type or Nominatim's
	                       * category/type; NULL or "" when unknown */
} core_geocode;

/* OMDb's details of a film; title and year say which film. Strings may be
 * NULL for unknown. */
typedef struct core_film_details {
	const char *title; /* as DataSF writes it */
	unsigned year;     /* 0 when unknown */
	const char *imdb_id;
	const char *plot;
	const char *genre;
	const char *runtime;
	const char *rated;
	const char *imdb_rating;
	int has_poster;
} core_film_details;

/* What an import adds to the export's own data. The import copies what it
 * uses, so the caller may free this after the import returns. */
typedef struct core_enrichment {
	const core_geocode *geocodes;
	size_t ngeocodes;
	const core_film_details *details;
	size_t ndetails;
} core_enrichment;

/* What an operator needs to trust an import. */
#define CORE_IMPORT_MAX_REASONS 32

typedef struct core_import_stats {
	size_t rows_read;     /* data records, header excluded */
	size_t rows_rejected; /* see reasons */
	size_t duplicates;    /* rows equal to an earlier row, dropped */
	size_t merged; /* rows that differ from another only by fun fact */
	size_t rows_without_location;
	size_t films;
	size_t locations;
	size_t located; /* locations with a point */
	size_t unlocated;
	size_t outside_sf;     /* points kept but flagged CORE_LOC_OUTSIDE_SF */
	size_t invalid_points; /* coordinate text that did not parse; dropped */
	size_t geocoded;       /* located by a geocode of the enrichment */
	size_t geocodes_outside;   /* geocodes outside the SF box, not used */
	size_t films_with_details; /* films matched by film details */
	size_t columns_used;       /* known columns found in the header */
	char missing_columns[256]; /* known optional columns absent, "a, b" */

	/* The first CORE_IMPORT_MAX_REASONS rejection messages, each naming
	 * the line, e.g. "line 7: 2 fields, but the header has 18" or
	 * "invalid UTF-8 at line 12, column 40". */
	size_t nreasons;
	char reasons[CORE_IMPORT_MAX_REASONS][160];
} core_import_stats;

typedef struct core_dataset core_dataset;

/*
 * Imports a DataSF CSV export of any vintage from csv[0..len).
 *
 * Columns are mapped by header name; only Title is required. Rows that cannot
 * be read (invalid UTF-8, wrong field count, empty Title, invalid Release
 * Year) are rejected and counted with a reason; the rest are imported. Rows
 * are grouped into films by the matching form of their title with spaces
 * removed plus the year, so "Blindspotting (Season 2)" and "Blindspotting
 * Season 2" are one film. Within a film, rows with the same matching form of
 * the location text become one location whose fun facts are joined.
 *
 * Ids are 64-bit hashes of content, so they stay the same across versions
 * while that content does: a film's id hashes its grouping key and year, a
 * location's id hashes its film's id and the matching form of its text.
 *
 * On success stores the dataset in *out and returns 0. Returns CORE_ENOTFOUND
 * when the header has no Title column, CORE_ESYNTAX for an unterminated quote
 * or an empty file, CORE_EUTF8 or CORE_ETOOBIG when the header record itself
 * is invalid, or CORE_ENOMEM; err then holds a message. stats may be
 * NULL; when given it is filled on success and on failure.
 */
int core_dataset_import(core_dataset **out, const char *csv, size_t len,
    core_import_stats *stats, char *err, size_t errlen);

/*
 * Imports as core_dataset_import does, then applies extra (may be NULL):
 *
 * - A location without a point of its own gets the point of the geocode
 *   whose location equals its cleaned text, unless that point lies outside
 *   the CORE_SF_* box: such a point is a geocoder's guess, so it is
 *   counted in stats->geocodes_outside and not used.
 * - A film gets the details whose title (matching form without spaces)
 *   and year equal its own. A film without a year takes the first details
 *   with its title; a film with a year whose title and year match no
 *   details takes details with its title and no year.
 *
 * Points and details never change ids: a location's id hashes its film
 * and its text only. Returns what core_dataset_import returns, or
 * CORE_EUTF8 when a geocode's location or a title is invalid UTF-8.
 */
int core_dataset_import_ex(core_dataset **out, const char *csv, size_t len,
    const core_enrichment *extra, core_import_stats *stats, char *err,
    size_t errlen);

/* Frees a dataset. Accepts NULL. */
void core_dataset_free(core_dataset *ds);

/* Returns the films, sorted by grouping key and year, and their count. */
const core_film *core_dataset_films(const core_dataset *ds, size_t *n);

/* Returns the locations, grouped by film in film order, and their count. */
const core_location *core_dataset_locations(const core_dataset *ds, size_t *n);

/* Returns the bytes the dataset and its indexes hold on the heap. */
size_t core_dataset_memory(const core_dataset *ds);

#endif
