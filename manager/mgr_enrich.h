/*
 * Enrichment of a dataset version: geocodes for the locations that the
 * export leaves without a point, OMDb's details for its films, and their
 * posters, packed as the Enrichment message that a snapshot carries.
 *
 * API keys come from the environment: GOOGLE_MAPS_API_KEY selects Google
 * Geocoding, and OMDB_API_KEY lets films missing from the caches be asked
 * of OMDb. Without a Google key, Nominatim is asked only when use_nominatim
 * is set, because it is a public service with a strict usage policy.
 * Otherwise only the caches place locations. Keys are never
 * logged. Every item that a service fails is logged and skipped; the rest
 * go on.
 *
 * Thread-safety: one enrichment at a time per data folder, because the
 * caches are read and written whole.
 */
#ifndef MGR_ENRICH_H
#define MGR_ENRICH_H

#include <stddef.h>
#include <stdint.h>

#include "core_dataset.h"

typedef struct mgr_enrich_config {
	const char *data_dir;     /* geocodes.json, omdb.json and posters/;
	                           * NULL keeps the caches in memory and
	                           * stores no posters */
	const char *geocode_seed; /* --geocode-cache, or NULL */
	const char *omdb_seed;    /* --omdb-cache, or NULL */
	const char *google_url;   /* NULL: the service's own */
	const char *nominatim_url;
	const char *omdb_url;
	int no_geocode;    /* no geocodes at all */
	int use_nominatim; /* ask Nominatim when no Google key is set */
	int no_posters;    /* download no posters; stored ones are used */
	/* HTTP settings shared by every service; 0 takes the defaults of
	 * each (tests shorten them). */
	unsigned interval_ms;
	unsigned timeout_ms;
	unsigned attempts;
	unsigned backoff_ms;
} mgr_enrich_config;

typedef struct mgr_enrich_summary {
	size_t unlocated;       /* distinct texts without a point */
	size_t geocoded[5];     /* by core_point_source */
	size_t geocode_none;    /* no service could place the text */
	size_t geocode_failed;  /* skipped after service failures */
	size_t geocode_outside; /* service results outside SF, rejected */
	size_t films;
	size_t films_with_details;
	size_t details_failed;
	size_t posters; /* films whose poster is stored */
	size_t posters_failed;
	uint64_t requests; /* HTTP requests to every service */
} mgr_enrich_summary;

/*
 * Builds the enrichment of ds, an import of the export alone, into a new
 * malloc'd buffer (*out, *outlen; NULL and 0 when there is nothing to
 * add) and writes the caches back. Returns 0, or -1 with a message in err
 * when a cache or seed file is unusable or memory runs out.
 */
int mgr_enrich_build(const mgr_enrich_config *cfg, const core_dataset *ds,
    uint8_t **out, size_t *outlen, mgr_enrich_summary *sum, char *err,
    size_t errlen);

/* Logs the summary as one line, and prints it as a table to stderr when
 * that is a terminal. */
void mgr_enrich_report(const mgr_enrich_summary *sum);

#endif
