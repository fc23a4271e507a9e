/*
 * Film posters, stored once per IMDb id as DIR/<imdb_id>.jpg so that the
 * gateway serves them from this machine: the map page never loads them
 * from the poster host.
 *
 * Thread-safety: one thread at a time per HTTP client.
 */
#ifndef MGR_POSTER_H
#define MGR_POSTER_H

#include <stddef.h>

#include "mgr_http.h"

/* Posters are about 10 to 100 KB; a larger body is not a poster. */
#define MGR_POSTER_MAX_BYTES (2u << 20)

/* Returns 1 when id is "tt" followed by 1 to 12 digits, else 0. Only such
 * ids name poster files, so an id can never name a path elsewhere. */
int mgr_poster_id_valid(const char *id);

/*
 * Stores the poster at url as dir/<imdb_id>.jpg unless that file exists.
 * The body must be a JPEG (Content-Type image/jpeg and its magic bytes)
 * of at most MGR_POSTER_MAX_BYTES, and is written atomically. Returns 0
 * when stored now, 1 when the file was there already, or -1 with a
 * message in err.
 */
int mgr_poster_fetch(mgr_http *h, const char *dir, const char *imdb_id,
    const char *url, char *err, size_t errlen);

#endif
