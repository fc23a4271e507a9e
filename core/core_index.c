/*
 * Building the indexes of a dataset: ids and slugs for lookups, the spatial
 * index, and the word index with its trie and phrase table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_buf.h"
#include "core_err.h"
#include "core_internal.h"
#include "core_map.h"
#include "core_norm.h"

/* A (term, value) pair collected before the postings are laid out. */
typedef struct ix_pair {
	uint32_t term;
	uint32_t value;
} ix_pair;

typedef struct ix_pairs {
	ix_pair *v;
	size_t n;
	size_t cap;
} ix_pairs;

typedef struct ix_phrase_entry {
	core_phrase phrase;
	uint32_t last_film; /* the last film counted in phrase.films */
} ix_phrase_entry;

typedef struct ix_builder {
	core_dataset *ds;
	core_map term_map; /* text -> provisional term id */
	core_str *terms;   /* by provisional id */
	size_t nterms;
	size_t capterms;
	ix_pairs docs;
	ix_pairs phrases;
	core_map phrase_map; /* kind byte + norm -> phrase index */
	ix_phrase_entry *phrase_v;
	size_t nphrases;
	size_t capphrases;
	core_buf norm;
	core_buf key;
} ix_builder;

static int
ix_pair_add(ix_pairs *ps, uint32_t term, uint32_t value)
{
	int rv;

	if ((rv = core_array_grow(
	         (void **)&ps->v, &ps->cap, ps->n, sizeof(*ps->v))) != 0) {
		return rv;
	}
	ps->v[ps->n].term = term;
	ps->v[ps->n].value = value;
	ps->n++;
	return 0;
}

/* Returns the provisional id of a word, adding it when new. */
static int
ix_term_id(ix_builder *b, const char *w, size_t len, uint32_t *id)
{
	uint32_t *found;
	char *copy;
	int rv;

	if (len > CORE_TERM_MAX) {
		len = CORE_TERM_MAX;
	}
	if ((found = core_map_get(&b->term_map, w, len)) != NULL) {
		*id = *found;
		return 0;
	}
	if ((rv = core_array_grow((void **)&b->terms, &b->capterms, b->nterms,
	         sizeof(*b->terms))) != 0) {
		return rv;
	}
	if ((copy = core_arena_strndup(&b->ds->arena, w, len)) == NULL) {
		return CORE_ENOMEM;
	}
	b->terms[b->nterms].ptr = copy;
	b->terms[b->nterms].len = len;
	*id = (uint32_t)b->nterms++;
	return core_map_put(&b->term_map, copy, len, *id);
}

/* Stores the matching form of text in b->norm. */
static int
ix_normalize(ix_builder *b, const char *text)
{
	core_buf_reset(&b->norm);
	return core_norm_match(&b->norm, text, strlen(text));
}

/*
 * Returns the phrase of (kind, b->norm), adding it with display text when
 * new, and counts film once for it.
 */
static int
ix_phrase(ix_builder *b, core_kind kind, const char *text, uint32_t film,
    uint32_t *index)
{
	uint32_t *found;
	ix_phrase_entry *p;
	char *key;
	int rv;

	core_buf_reset(&b->key);
	if ((rv = core_buf_putc(&b->key, (char)('a' + kind))) != 0 ||
	    (rv = core_buf_append(&b->key, b->norm.data, b->norm.len)) != 0) {
		return rv;
	}
	if ((found = core_map_get(&b->phrase_map, b->key.data, b->key.len))) {
		*index = *found;
	} else {
		if ((rv = core_array_grow((void **)&b->phrase_v, &b->capphrases,
		         b->nphrases, sizeof(*b->phrase_v))) != 0) {
			return rv;
		}
		*index = (uint32_t)b->nphrases;
		key =
		    core_arena_strndup(&b->ds->arena, b->key.data, b->key.len);
		if (key == NULL) {
			return CORE_ENOMEM;
		}
		p = &b->phrase_v[b->nphrases++];
		memset(p, 0, sizeof(*p));
		p->phrase.text = text;
		p->phrase.norm = key + 1;
		p->phrase.kind = (uint8_t)kind;
		p->phrase.nwords = 1;
		p->phrase.norm_len = (uint32_t)b->norm.len;
		for (size_t i = 0; i < b->norm.len; i++) {
			p->phrase.nwords += b->norm.data[i] == ' ' &&
			    p->phrase.nwords < UINT8_MAX;
		}
		if ((rv = core_map_put(
		         &b->phrase_map, key, b->key.len, *index)) != 0) {
			return rv;
		}
	}

	/* Films are visited in order, so one comparison counts each once. */
	p = &b->phrase_v[*index];
	if (p->phrase.films == 0 || p->last_film != film) {
		p->phrase.films++;
		p->last_film = film;
	}
	return 0;
}

/*
 * Indexes the words of text (already normalized into b->norm) as postings
 * of kind for target, and as words of a phrase.
 */
static int
ix_add_words(ix_builder *b, core_kind kind, uint32_t target, uint32_t phrase)
{
	const char *p = b->norm.data;
	int rv;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		uint32_t term;

		if ((rv = ix_term_id(b, p, len, &term)) != 0 ||
		    (rv = ix_pair_add(
		         &b->docs, term, CORE_POSTING(kind, target))) != 0 ||
		    (rv = ix_pair_add(&b->phrases, term, phrase)) != 0) {
			return rv;
		}
		p += len + (end != NULL);
	}
	return 0;
}

static int
ix_add_text(ix_builder *b, core_kind kind, const char *text, uint32_t film,
    uint32_t target)
{
	uint32_t phrase;
	int rv;

	if ((rv = ix_normalize(b, text)) != 0) {
		return rv;
	}
	if (b->norm.len == 0) {
		return 0;
	}
	if ((rv = ix_phrase(b, kind, text, film, &phrase)) != 0) {
		return rv;
	}
	return ix_add_words(b, kind, target, phrase);
}

static int
ix_add_names(
    ix_builder *b, core_kind kind, const core_name_list *l, uint32_t film)
{
	int rv;

	for (uint32_t i = 0; i < l->n; i++) {
		if ((rv = ix_add_text(b, kind, l->v[i].text, film, film)) !=
		    0) {
			return rv;
		}
	}
	return 0;
}

static int
ix_add_film(ix_builder *b, uint32_t fi)
{
	core_dataset *ds = b->ds;
	const core_film *f = &ds->films[fi];
	int rv;

	if ((rv = ix_add_text(b, CORE_KIND_TITLE, f->title, fi, fi)) != 0) {
		return rv;
	}
	ds->film_norms[fi] = core_arena_strndup(
	    &ds->arena, b->norm.data ? b->norm.data : "", b->norm.len);
	if (ds->film_norms[fi] == NULL) {
		return CORE_ENOMEM;
	}
	if ((rv = ix_add_names(b, CORE_KIND_DIRECTOR, &f->directors, fi)) ||
	    (rv = ix_add_names(b, CORE_KIND_WRITER, &f->writers, fi)) ||
	    (rv = ix_add_names(b, CORE_KIND_ACTOR, &f->actors, fi)) ||
	    (rv = ix_add_names(b, CORE_KIND_COMPANY, &f->companies, fi)) ||
	    (rv = ix_add_names(b, CORE_KIND_COMPANY, &f->distributors, fi))) {
		return rv;
	}

	for (uint32_t i = 0; i < f->nlocations; i++) {
		uint32_t li = f->first_location + i;
		const core_location *l = &ds->locations[li];

		if ((rv = ix_add_text(
		         b, CORE_KIND_LOCATION, l->text, fi, li)) != 0 ||
		    (rv = ix_add_text(b, CORE_KIND_NEIGHBORHOOD,
		         l->neighborhood, fi, li)) != 0) {
			return rv;
		}
		ds->hood_norms[li] = core_arena_strndup(
		    &ds->arena, b->norm.data ? b->norm.data : "", b->norm.len);
		if (ds->hood_norms[li] == NULL) {
			return CORE_ENOMEM;
		}
	}
	return 0;
}

static int
ix_pair_cmp(const void *a, const void *b)
{
	const ix_pair *x = a;
	const ix_pair *y = b;

	if (x->term != y->term) {
		return x->term < y->term ? -1 : 1;
	}
	return x->value < y->value ? -1 : x->value > y->value;
}

typedef struct ix_sorted_term {
	core_str text;
	uint32_t id; /* provisional */
} ix_sorted_term;

static int
ix_term_cmp(const void *a, const void *b)
{
	const core_str *x = &((const ix_sorted_term *)a)->text;
	const core_str *y = &((const ix_sorted_term *)b)->text;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->ptr, y->ptr, n);

	if (c != 0) {
		return c;
	}
	return x->len < y->len ? -1 : x->len > y->len;
}

/*
 * Rewrites the pairs to final term ids, sorts and deduplicates them, and
 * lays their values out per term: out[off[t] .. off[t] + count[t]).
 */
static int
ix_layout_pairs(
    ix_pairs *ps, const uint32_t *rank, uint32_t **out, size_t *nout)
{
	size_t n = 0;

	for (size_t i = 0; i < ps->n; i++) {
		ps->v[i].term = rank[ps->v[i].term];
	}
	if (ps->n > 1) {
		qsort(ps->v, ps->n, sizeof(*ps->v), ix_pair_cmp);
	}
	if ((*out = malloc((ps->n ? ps->n : 1) * sizeof(**out))) == NULL) {
		return CORE_ENOMEM;
	}
	for (size_t i = 0; i < ps->n; i++) {
		if (i > 0 && ps->v[i].term == ps->v[i - 1].term &&
		    ps->v[i].value == ps->v[i - 1].value) {
			continue;
		}
		ps->v[n++] = ps->v[i];
		(*out)[n - 1] = ps->v[i].value;
	}
	ps->n = n;
	*nout = n;
	return 0;
}

/* Sets each term's offset and count into the laid-out pairs. */
static void
ix_set_ranges(const ix_pairs *ps, core_term *terms, int docs)
{
	for (size_t i = ps->n; i-- > 0;) {
		core_term *t = &terms[ps->v[i].term];

		if (docs) {
			t->doc_off = (uint32_t)i;
			t->ndocs++;
		} else {
			t->phrase_off = (uint32_t)i;
			t->nphrases++;
		}
	}
}

static int
ix_layout_terms(ix_builder *b)
{
	core_index *ix = &b->ds->index;
	ix_sorted_term *sorted;
	uint32_t *rank;
	int rv = CORE_ENOMEM;

	sorted = malloc((b->nterms ? b->nterms : 1) * sizeof(*sorted));
	rank = malloc((b->nterms ? b->nterms : 1) * sizeof(*rank));
	ix->terms = calloc(b->nterms ? b->nterms : 1, sizeof(*ix->terms));
	if (sorted == NULL || rank == NULL || ix->terms == NULL) {
		goto out;
	}
	for (size_t i = 0; i < b->nterms; i++) {
		sorted[i].text = b->terms[i];
		sorted[i].id = (uint32_t)i;
	}
	qsort(sorted, b->nterms, sizeof(*sorted), ix_term_cmp);
	for (size_t i = 0; i < b->nterms; i++) {
		rank[sorted[i].id] = (uint32_t)i;
		ix->terms[i].text = sorted[i].text.ptr;
		ix->terms[i].len = (uint32_t)sorted[i].text.len;
	}
	ix->nterms = b->nterms;

	if ((rv = ix_layout_pairs(&b->docs, rank, &ix->docs, &ix->ndocs)) ||
	    (rv = ix_layout_pairs(
	         &b->phrases, rank, &ix->phrase_ids, &ix->nphrase_ids))) {
		goto out;
	}
	ix_set_ranges(&b->docs, ix->terms, 1);
	ix_set_ranges(&b->phrases, ix->terms, 0);
out:
	free(sorted);
	free(rank);
	return rv;
}

typedef struct ix_trie {
	core_trie_node *nodes;
	size_t n;
	size_t cap;
} ix_trie;

/*
 * Fills node with the terms [lo, hi) that share their first depth bytes,
 * and recurses into one child per distinct next byte. Depth is bounded by
 * CORE_TERM_MAX, so the recursion is too.
 */
static int
ix_trie_fill(ix_trie *t, const core_term *terms, size_t node, uint32_t lo,
    uint32_t hi, uint32_t depth)
{
	uint32_t first = lo;
	uint32_t nchildren = 0;
	size_t child;
	int rv;

	t->nodes[node].lo = lo;
	t->nodes[node].hi = hi;
	t->nodes[node].term = -1;
	if (first < hi && terms[first].len == depth) {
		t->nodes[node].term = (int32_t)first++;
	}
	for (uint32_t i = first; i < hi; i++) {
		if (i == first ||
		    terms[i].text[depth] != terms[i - 1].text[depth]) {
			nchildren++;
		}
	}

	child = t->n;
	if (t->n + nchildren > t->cap) {
		size_t cap = (t->n + nchildren) * 2;
		core_trie_node *p = realloc(t->nodes, cap * sizeof(*p));

		if (p == NULL) {
			return CORE_ENOMEM;
		}
		t->nodes = p;
		t->cap = cap;
	}
	t->n += nchildren;
	t->nodes[node].child = (uint32_t)child;
	t->nodes[node].nchildren = (uint16_t)nchildren;

	for (uint32_t i = first; i < hi; child++) {
		unsigned char byte = (unsigned char)terms[i].text[depth];
		uint32_t end = i;

		while (
		    end < hi && (unsigned char)terms[end].text[depth] == byte) {
			end++;
		}
		t->nodes[child].byte = byte;
		if ((rv = ix_trie_fill(t, terms, child, i, end, depth + 1)) !=
		    0) {
			return rv;
		}
		i = end;
	}
	return 0;
}

static int
ix_build_trie(core_index *ix)
{
	ix_trie t = {NULL, 1, 0};
	int rv;

	if ((t.nodes = calloc(64, sizeof(*t.nodes))) == NULL) {
		return CORE_ENOMEM;
	}
	t.cap = 64;
	rv = ix_trie_fill(&t, ix->terms, 0, 0, (uint32_t)ix->nterms, 0);
	ix->nodes = t.nodes;
	ix->nnodes = t.n;
	return rv;
}

static int
ix_hash_alloc(core_hash_index *h, size_t n)
{
	size_t size = 16;

	while (size < 2 * n) {
		size *= 2;
	}
	if ((h->slots = malloc(size * sizeof(*h->slots))) == NULL) {
		return CORE_ENOMEM;
	}
	memset(h->slots, 0xff, size * sizeof(*h->slots)); /* CORE_HASH_EMPTY */
	h->mask = size - 1;
	return 0;
}

/* Returns the slot for key: the one holding an equal entry (same(arg, i)),
 * or the empty slot where it belongs. */
static uint32_t *
ix_hash_slot(const core_hash_index *h, uint64_t key,
    int (*same)(const void *arg, uint32_t index), const void *arg)
{
	size_t s = (size_t)key & h->mask;

	while (h->slots[s] != CORE_HASH_EMPTY && !same(arg, h->slots[s])) {
		s = (s + 1) & h->mask;
	}
	return &h->slots[s];
}

typedef struct ix_probe {
	const core_dataset *ds;
	uint64_t id;
	const char *slug;
} ix_probe;

static int
ix_same_film_id(const void *arg, uint32_t i)
{
	const ix_probe *p = arg;

	return p->ds->films[i].id == p->id;
}

static int
ix_same_location_id(const void *arg, uint32_t i)
{
	const ix_probe *p = arg;

	return p->ds->locations[i].id == p->id;
}

static int
ix_same_slug(const void *arg, uint32_t i)
{
	const ix_probe *p = arg;

	return strcmp(p->ds->films[i].slug, p->slug) == 0;
}

/*
 * Gives a film a slug no other film has. Two films can only share a slug
 * when a title ends in a year ("Foo 1958" without a year and "Foo" from
 * 1958), and the later one in film order then gets its id appended.
 */
static int
ix_index_slug(core_dataset *ds, uint32_t i)
{
	core_film *f = &ds->films[i];
	ix_probe probe = {ds, 0, f->slug};
	uint32_t *slot = ix_hash_slot(&ds->film_by_slug,
	    core_hash64(f->slug, strlen(f->slug), 0), ix_same_slug, &probe);

	if (*slot != CORE_HASH_EMPTY) {
		size_t len = strlen(f->slug) + 18;
		char *slug = core_arena_alloc(&ds->arena, len);

		if (slug == NULL) {
			return CORE_ENOMEM;
		}
		snprintf(slug, len, "%s-%016llx", f->slug,
		    (unsigned long long)f->id);
		f->slug = slug;
		probe.slug = slug;
		slot = ix_hash_slot(&ds->film_by_slug,
		    core_hash64(slug, strlen(slug), 0), ix_same_slug, &probe);
	}
	*slot = i;
	return 0;
}

/*
 * Fills the id and slug tables. NOTE: two different films or locations
 * hashing to one 64-bit id (odds about 1e-13 at this size) fail the import
 * rather than let one id name two things.
 */
static int
ix_build_lookups(core_dataset *ds)
{
	int rv;

	if ((rv = ix_hash_alloc(&ds->film_by_id, ds->nfilms)) != 0 ||
	    (rv = ix_hash_alloc(&ds->film_by_slug, ds->nfilms)) != 0 ||
	    (rv = ix_hash_alloc(&ds->location_by_id, ds->nlocations)) != 0 ||
	    (ds->unlocated_films = malloc(
	         (ds->nfilms + 1) * sizeof(*ds->unlocated_films))) == NULL) {
		return CORE_ENOMEM;
	}
	for (size_t i = 0; i < ds->nfilms; i++) {
		ix_probe probe = {ds, ds->films[i].id, NULL};
		uint32_t *slot = ix_hash_slot(
		    &ds->film_by_id, probe.id, ix_same_film_id, &probe);

		if (*slot != CORE_HASH_EMPTY) {
			return CORE_EINVAL;
		}
		*slot = (uint32_t)i;
		if ((rv = ix_index_slug(ds, (uint32_t)i)) != 0) {
			return rv;
		}
		if (ds->films[i].nlocations == 0) {
			ds->unlocated_films[ds->nunlocated_films++] =
			    (uint32_t)i;
		}
	}
	for (size_t i = 0; i < ds->nlocations; i++) {
		ix_probe probe = {ds, ds->locations[i].id, NULL};
		uint32_t *slot = ix_hash_slot(
		    &ds->location_by_id, probe.id, ix_same_location_id, &probe);

		if (*slot != CORE_HASH_EMPTY) {
			return CORE_EINVAL;
		}
		*slot = (uint32_t)i;
	}
	return 0;
}

static int
ix_build_geo(core_dataset *ds)
{
	core_geo_point *pts;
	size_t n = 0;
	int rv;

	if ((pts = malloc((ds->nlocations ? ds->nlocations : 1) *
	         sizeof(*pts))) == NULL) {
		return CORE_ENOMEM;
	}
	for (size_t i = 0; i < ds->nlocations; i++) {
		const core_location *l = &ds->locations[i];

		if (l->flags & CORE_LOC_HAS_POINT) {
			pts[n].lat = l->lat;
			pts[n].lng = l->lng;
			pts[n].id = (uint32_t)i;
			n++;
		}
	}
	rv = core_geo_build(&ds->geo, pts, n);
	free(pts);
	return rv;
}

static void
ix_builder_free(ix_builder *b)
{
	core_map_free(&b->term_map);
	core_map_free(&b->phrase_map);
	free(b->terms);
	free(b->docs.v);
	free(b->phrases.v);
	free(b->phrase_v);
	core_buf_free(&b->norm);
	core_buf_free(&b->key);
}

static int
ix_build_words(core_dataset *ds)
{
	core_index *ix = &ds->index;
	ix_builder b;
	int rv = 0;

	memset(&b, 0, sizeof(b));
	b.ds = ds;
	ds->film_norms = calloc(ds->nfilms + 1, sizeof(*ds->film_norms));
	ds->hood_norms = calloc(ds->nlocations + 1, sizeof(*ds->hood_norms));
	if (ds->film_norms == NULL || ds->hood_norms == NULL) {
		return CORE_ENOMEM;
	}

	for (size_t i = 0; i < ds->nfilms && rv == 0; i++) {
		rv = ix_add_film(&b, (uint32_t)i);
	}
	if (rv == 0 && (rv = ix_layout_terms(&b)) == 0) {
		rv = ix_build_trie(ix);
	}
	if (rv == 0 &&
	    (ix->phrases = malloc((b.nphrases + 1) * sizeof(*ix->phrases))) ==
	        NULL) {
		rv = CORE_ENOMEM;
	}
	if (rv == 0) {
		for (size_t i = 0; i < b.nphrases; i++) {
			ix->phrases[i] = b.phrase_v[i].phrase;
		}
		ix->nphrases = b.nphrases;
	}
	ix_builder_free(&b);
	return rv;
}

static void
ix_count_heap(core_dataset *ds)
{
	const core_index *ix = &ds->index;

	ds->heap_bytes += ds->nfilms *
	    (sizeof(*ds->unlocated_films) + sizeof(*ds->film_norms));
	ds->heap_bytes += ds->nlocations * sizeof(*ds->hood_norms);
	ds->heap_bytes += (ds->film_by_id.mask + ds->film_by_slug.mask +
	                      ds->location_by_id.mask + 3) *
	    sizeof(uint32_t);
	ds->heap_bytes += ix->nterms * sizeof(*ix->terms) +
	    (ix->ndocs + ix->nphrase_ids) * sizeof(uint32_t) +
	    ix->nnodes * sizeof(*ix->nodes) +
	    ix->nphrases * sizeof(*ix->phrases);
}

int
core_index_build(core_dataset *ds)
{
	int rv;

	if (ds->nlocations > CORE_POSTING_MAX_INDEX) {
		return CORE_ETOOBIG;
	}
	if ((rv = ix_build_lookups(ds)) != 0 || (rv = ix_build_geo(ds)) != 0 ||
	    (rv = ix_build_words(ds)) != 0) {
		return rv;
	}
	ix_count_heap(ds);
	return 0;
}

void
core_index_free(core_dataset *ds)
{
	core_index *ix = &ds->index;

	free(ds->film_by_id.slots);
	free(ds->film_by_slug.slots);
	free(ds->film_by_imdb.slots);
	free(ds->location_by_id.slots);
	free(ds->unlocated_films);
	free(ds->film_norms);
	free(ds->hood_norms);
	core_geo_free(ds->geo);
	free(ix->terms);
	free(ix->docs);
	free(ix->phrase_ids);
	free(ix->nodes);
	free(ix->phrases);
}
