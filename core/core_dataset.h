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
} core_location;

typedef struct core_film {
	uint64_t id;       /* stable across versions, see core_dataset_import */
	const char *slug;  /* "vertigo-1958"; unique in a dataset */
	const char *title; /* display title of the first row seen */
	uint16_t year;     /* release year, 0 when the export leaves it empty */
	core_name_list directors;
	core_name_list writers;
	core_name_list actors;
	core_name_list companies; /* production companies */
	core_name_list distributors;
	uint32_t first_location; /* locations of a film are contiguous */
	uint32_t nlocations;
} core_film;

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
	size_t columns_used;   /* known columns found in the header */
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

/* Frees a dataset. Accepts NULL. */
void core_dataset_free(core_dataset *ds);

/* Returns the films, sorted by grouping key and year, and their count. */
const core_film *core_dataset_films(const core_dataset *ds, size_t *n);

/* Returns the locations, grouped by film in film order, and their count. */
const core_location *core_dataset_locations(const core_dataset *ds, size_t *n);

/* Returns the bytes the dataset and its indexes hold on the heap. */
size_t core_dataset_memory(const core_dataset *ds);

#endif
