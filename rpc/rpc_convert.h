/*
 * Conversion of core films and locations into protobuf-c messages.
 *
 * Ownership: every string and array of the output is allocated in the
 * given arena or points into the dataset, so the messages live until the
 * arena is freed and the dataset is released, whichever comes first.
 */
#ifndef RPC_CONVERT_H
#define RPC_CONVERT_H

#include "core_arena.h"
#include "core_dataset.h"
#include "sfmovies.pb-c.h"

/* Fills out from film. Returns 0 or CORE_ENOMEM. */
int rpc_film_to_pb(core_arena *a, const core_film *film, Sfmovies__Film *out);

/* Fills out from location, whose film is film. Returns 0 or CORE_ENOMEM. */
int rpc_location_to_pb(core_arena *a, const core_film *film,
    const core_location *location, Sfmovies__Location *out);

/* Formats a location id as 16 hexadecimal digits into buf[17]. */
void rpc_location_id(uint64_t id, char buf[17]);

/* Parses 16 hexadecimal digits. Returns 0, or -1 for anything else. */
int rpc_parse_location_id(const char *s, uint64_t *id);

#endif
