/*
 * The layout of a dataset and its indexes, shared by the files of the core
 * library only. Nothing outside core/ includes this header.
 */
#ifndef CORE_INTERNAL_H
#define CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core_arena.h"
#include "core_dataset.h"
#include "core_geo.h"
#include "core_query.h"

/*
 * Words longer than this are indexed and matched by their first
 * CORE_TERM_MAX bytes, which bounds the fuzzy matcher's work per word.
 */
#define CORE_TERM_MAX 48

/* A posting packs a field kind (core_kind) and an index: the film index for
 * film-level kinds, the location index for location and neighbourhood. */
#define CORE_POSTING(kind, idx) (((uint32_t)(kind) << 28) | (uint32_t)(idx))
#define CORE_POSTING_KIND(p)    ((core_kind)((p) >> 28))
#define CORE_POSTING_INDEX(p)   ((p)&0x0fffffffu)
#define CORE_POSTING_MAX_INDEX  0x0fffffffu

/* Match quality of a query word against an indexed word. */
enum core_quality {
	CORE_Q_NONE = 0,
	CORE_Q_FUZZY2 = 1, /* two edits */
	CORE_Q_FUZZY1 = 2, /* one edit */
	CORE_Q_PREFIX = 3, /* the query word is a proper prefix */
	CORE_Q_EXACT = 4,
};

typedef struct core_term {
	const char *text;
	uint32_t len;
	uint32_t doc_off; /* postings in core_index.docs */
	uint32_t ndocs;
	uint32_t phrase_off; /* phrase indexes in core_index.phrases */
	uint32_t nphrases;
} core_term;

/*
 * A node of the byte trie over the sorted terms. The terms that start with
 * the node's prefix are exactly terms[lo..hi), because the terms are sorted,
 * and the node's children are nodes[child..child + nchildren).
 */
typedef struct core_trie_node {
	uint32_t child;
	uint32_t lo;
	uint32_t hi;
	int32_t term; /* term equal to the prefix, or -1 */
	uint16_t nchildren;
	unsigned char byte; /* last byte of the prefix */
} core_trie_node;

typedef struct core_phrase {
	const char *text; /* display form */
	const char *norm; /* matching form */
	uint32_t films;
	uint8_t kind; /* core_kind */
	uint8_t nwords;
	uint32_t norm_len; /* bytes of norm */
} core_phrase;

typedef struct core_index {
	core_term *terms; /* sorted by text */
	size_t nterms;
	uint32_t *docs; /* CORE_POSTING values */
	size_t ndocs;
	uint32_t *phrase_ids;
	size_t nphrase_ids;
	core_trie_node *nodes; /* nodes[0] is the root */
	size_t nnodes;
	core_phrase *phrases;
	size_t nphrases;
} core_index;

/*
 * An open-addressing hash table of film or location indexes, keyed by a
 * 64-bit hash (an id, or the hash of a slug), with linear probing. The
 * size is a power of two at least twice the entry count, so probe
 * sequences stay short; CORE_HASH_EMPTY marks a free slot.
 */
#define CORE_HASH_EMPTY UINT32_MAX

typedef struct core_hash_index {
	uint32_t *slots;
	size_t mask;
} core_hash_index;

struct core_dataset {
	core_arena arena; /* strings and name lists */
	core_film *films;
	size_t nfilms;
	core_location *locations;
	size_t nlocations;
	core_hash_index film_by_id;
	core_hash_index film_by_slug; /* keyed by core_hash64 of the slug */
	core_hash_index film_by_imdb; /* keyed by core_hash64 of imdb_id */
	core_hash_index location_by_id;
	const char **film_norms;   /* matching form of each title */
	const char **hood_norms;   /* matching form of each neighbourhood */
	uint32_t *unlocated_films; /* films without locations */
	size_t nunlocated_films;
	core_index index;
	core_geo *geo;
	size_t heap_bytes; /* outside the arena */
};

/* Builds the word, phrase and id indexes and the spatial index of a dataset
 * whose films and locations are filled in. Returns 0 or a core_err code. */
int core_index_build(core_dataset *ds);

/* Frees what core_index_build and core_enrich_index allocated. */
void core_index_free(core_dataset *ds);

/*
 * Applies an enrichment (may be NULL) to a dataset whose films and
 * locations are laid out but not yet indexed, so that the spatial index
 * takes in the new points; see core_dataset_import_ex. Also sets the ""
 * defaults of the enrichment fields. Returns 0, CORE_EUTF8 or CORE_ENOMEM.
 */
int core_enrich_apply(
    core_dataset *ds, const core_enrichment *extra, core_import_stats *st);

/* Builds the IMDb id lookup and sets each film's public_id, after
 * core_index_build, which may lengthen a slug. Returns 0 or CORE_ENOMEM. */
int core_enrich_index(core_dataset *ds);

/*
 * Calls fn for each term that matches the query word w[0..len): exactly,
 * as a prefix when prefix is set, and within the typo tolerance (one edit
 * from 4 bytes, two from 8). A term can be reported more than once with
 * different qualities; callers keep the best.
 */
typedef void (*core_term_fn)(void *arg, const core_term *t, unsigned quality);
void core_index_match(const core_index *ix, const char *w, size_t len,
    int prefix, core_term_fn fn, void *arg);

/*
 * Splits a query into its matching-form words, at most CORE_QUERY_MAX_WORDS.
 * Stores the normalized text in buf, pointers into it in words and lens, and
 * their count in *n. Returns 0, CORE_ETOOBIG, CORE_EUTF8 or CORE_ENOMEM.
 */
struct core_buf;
int core_query_words(const char *q, struct core_buf *buf, const char **words,
    size_t *lens, size_t *n);

#endif
