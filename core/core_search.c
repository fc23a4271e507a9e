/*
 * Film search over the word index with bitmaps: each query word yields the
 * locations (and location-less films) it matches, and the bitmaps of all
 * words are intersected.
 */
#include <stdlib.h>
#include <string.h>

#include "core_buf.h"
#include "core_err.h"
#include "core_internal.h"
#include "core_norm.h"
#include "core_rank.h"

/* How much a word matching a field adds to the film's score; multiplied by the
 * match quality (1..4). */
static const uint8_t search_weight[CORE_KIND_COUNT] = {
    [CORE_KIND_TITLE] = 10,
    [CORE_KIND_DIRECTOR] = 6,
    [CORE_KIND_WRITER] = 4,
    [CORE_KIND_ACTOR] = 6,
    [CORE_KIND_COMPANY] = 3,
    [CORE_KIND_LOCATION] = 5,
    [CORE_KIND_NEIGHBORHOOD] = 4,
};

/* A query equal to a film's whole title ranks that film above all others. */
#define SEARCH_EXACT_TITLE_BONUS (1u << 20)

typedef struct search_ctx {
	const core_dataset *ds;
	size_t film_words; /* uint64_t words per film bitmap */
	size_t loc_words;
	uint64_t *match;      /* locations matching every word */
	uint64_t *unlocated;  /* films matching every word */
	uint64_t *word_films; /* films the current word matches */
	uint64_t *word_locs;  /* locations it matches */
	uint16_t *word_best;  /* its best weighted quality per film */
	uint32_t *score;      /* sum of word_best per film */
	uint64_t *ranked;     /* top-k heap */
} search_ctx;

static inline void
bit_set(uint64_t *bits, size_t i)
{
	bits[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline int
bit_get(const uint64_t *bits, size_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
}

static void
bit_set_range(uint64_t *bits, size_t lo, size_t hi)
{
	while (lo < hi && lo % 64 != 0) {
		bit_set(bits, lo++);
	}
	for (; lo + 64 <= hi; lo += 64) {
		bits[lo / 64] = ~(uint64_t)0;
	}
	while (lo < hi) {
		bit_set(bits, lo++);
	}
}

static int
bit_any_range(const uint64_t *bits, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++) {
		if (bits[i / 64] == 0) {
			i = (i / 64) * 64 + 63;
			continue;
		}
		if (bit_get(bits, i)) {
			return 1;
		}
	}
	return 0;
}

static void
search_term_cb(void *arg, const core_term *t, unsigned quality)
{
	search_ctx *s = arg;
	const core_dataset *ds = s->ds;
	const uint32_t *post = &ds->index.docs[t->doc_off];

	for (uint32_t i = 0; i < t->ndocs; i++) {
		core_kind kind = CORE_POSTING_KIND(post[i]);
		uint32_t idx = CORE_POSTING_INDEX(post[i]);
		uint16_t value = (uint16_t)(search_weight[kind] * quality);
		uint32_t film = idx;

		if (kind == CORE_KIND_LOCATION ||
		    kind == CORE_KIND_NEIGHBORHOOD) {
			bit_set(s->word_locs, idx);
			film = ds->locations[idx].film;
		} else {
			bit_set(s->word_films, idx);
		}
		if (value > s->word_best[film]) {
			s->word_best[film] = value;
		}
	}
}

/* Narrows the match bitmaps to what one query word matches. */
static void
search_word(search_ctx *s, const char *w, size_t len, int prefix)
{
	const core_dataset *ds = s->ds;

	memset(s->word_films, 0, s->film_words * sizeof(uint64_t));
	memset(s->word_locs, 0, s->loc_words * sizeof(uint64_t));
	memset(s->word_best, 0, ds->nfilms * sizeof(uint16_t));

	core_index_match(&ds->index, w, len, prefix, search_term_cb, s);

	/* A word that matches a film matches all of its locations. */
	for (size_t f = 0; f < ds->nfilms; f++) {
		if (bit_get(s->word_films, f)) {
			const core_film *film = &ds->films[f];

			bit_set_range(s->word_locs, film->first_location,
			    film->first_location + film->nlocations);
		}
		s->score[f] += s->word_best[f];
	}
	for (size_t i = 0; i < s->loc_words; i++) {
		s->match[i] &= s->word_locs[i];
	}
	for (size_t i = 0; i < s->film_words; i++) {
		s->unlocated[i] &= s->word_films[i];
	}
}

/* Keeps only locations whose neighbourhood equals the filter. */
static int
search_filter_neighborhood(search_ctx *s, const char *hood)
{
	const core_dataset *ds = s->ds;
	core_buf norm = {0};
	int rv;

	if ((rv = core_norm_match(&norm, hood, strlen(hood))) != 0) {
		return rv;
	}
	for (size_t l = 0; l < ds->nlocations; l++) {
		if (strcmp(ds->hood_norms[l], norm.data ? norm.data : "") !=
		    0) {
			s->match[l / 64] &= ~((uint64_t)1 << (l % 64));
		}
	}
	memset(s->unlocated, 0, s->film_words * sizeof(uint64_t));
	core_buf_free(&norm);
	return 0;
}

/* Returns 1 when a list has a name whose matching form is norm. */
static int
search_has_name(const core_name_list *l, const char *norm)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].norm, norm) == 0) {
			return 1;
		}
	}
	return 0;
}

typedef struct search_filter {
	int year_filter; /* year_min or year_max was given */
	unsigned year_min;
	unsigned year_max;
	core_buf director;
	core_buf actor;
} search_filter;

static int
search_filter_init(search_filter *f, const core_search_req *req)
{
	int rv;

	memset(f, 0, sizeof(*f));
	f->year_filter = req->year_min != 0 || req->year_max != 0;
	f->year_min = req->year_min;
	f->year_max = req->year_max ? req->year_max : UINT32_MAX;
	if (req->director != NULL && req->director[0] != '\0' &&
	    (rv = core_norm_match(
	         &f->director, req->director, strlen(req->director))) != 0) {
		return rv;
	}
	if (req->actor != NULL && req->actor[0] != '\0' &&
	    (rv = core_norm_match(&f->actor, req->actor, strlen(req->actor))) !=
	        0) {
		return rv;
	}
	return 0;
}

static int
search_filter_film(const search_filter *f, const core_film *film)
{
	/* A film without a known year matches no year range. */
	if (f->year_filter &&
	    (film->year == 0 || film->year < f->year_min ||
	        film->year > f->year_max)) {
		return 0;
	}
	if (f->director.data != NULL &&
	    !search_has_name(&film->directors, f->director.data)) {
		return 0;
	}
	if (f->actor.data != NULL &&
	    !search_has_name(&film->actors, f->actor.data)) {
		return 0;
	}
	return 1;
}

static void
search_filter_free(search_filter *f)
{
	core_buf_free(&f->director);
	core_buf_free(&f->actor);
}

static int
search_alloc(search_ctx *s, const core_dataset *ds, size_t k)
{
	size_t fw = (ds->nfilms + 63) / 64 + 1;
	size_t lw = (ds->nlocations + 63) / 64 + 1;
	size_t bytes = (2 * fw + 2 * lw + k + ds->nfilms) * sizeof(uint64_t);
	uint64_t *p;

	/* One block: bitmaps, heap, then the 32-bit and 16-bit arrays. */
	if ((p = calloc(1, bytes)) == NULL) {
		return CORE_ENOMEM;
	}
	s->ds = ds;
	s->film_words = fw;
	s->loc_words = lw;
	s->unlocated = p;
	s->word_films = p + fw;
	s->match = p + 2 * fw;
	s->word_locs = p + 2 * fw + lw;
	s->ranked = p + 2 * fw + 2 * lw;
	s->score = (uint32_t *)(p + 2 * fw + 2 * lw + k);
	s->word_best = (uint16_t *)(s->score + ds->nfilms);
	return 0;
}

/* Ranks the films left after all words and filters; returns their count. */
static size_t
search_rank(
    search_ctx *s, const search_filter *filter, const char *q, core_topk *top)
{
	const core_dataset *ds = s->ds;
	size_t total = 0;

	for (size_t f = 0; f < ds->nfilms; f++) {
		const core_film *film = &ds->films[f];
		uint32_t score = s->score[f];
		int hit;

		if (film->nlocations > 0) {
			hit = bit_any_range(s->match, film->first_location,
			    film->first_location + film->nlocations);
		} else {
			hit = bit_get(s->unlocated, f);
		}
		if (!hit || !search_filter_film(filter, film)) {
			continue;
		}
		if (q[0] != '\0' && strcmp(ds->film_norms[f], q) == 0) {
			score += SEARCH_EXACT_TITLE_BONUS;
		}
		core_topk_push(top, CORE_RANK_KEY(score, f));
		total++;
	}
	core_topk_sort(top);
	return total;
}

/* Copies the page [offset, offset + limit) of the ranked films to res. */
static int
search_page(const search_ctx *s, const core_topk *top, size_t offset,
    core_search_res *res)
{
	const core_dataset *ds = s->ds;
	size_t nlocs = 0;
	size_t n = top->n > offset ? top->n - offset : 0;

	for (size_t i = 0; i < n; i++) {
		nlocs += ds->films[CORE_RANK_INDEX(top->heap[offset + i])]
		             .nlocations;
	}
	res->hits = calloc(n ? n : 1, sizeof(*res->hits));
	res->storage = malloc((nlocs ? nlocs : 1) * sizeof(*res->storage));
	if (res->hits == NULL || res->storage == NULL) {
		return CORE_ENOMEM;
	}

	nlocs = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t key = top->heap[offset + i];
		core_search_hit *hit = &res->hits[i];
		const core_film *film = &ds->films[CORE_RANK_INDEX(key)];

		hit->film = CORE_RANK_INDEX(key);
		hit->score = CORE_RANK_SCORE(key);
		hit->locations = &res->storage[nlocs];
		for (uint32_t l = film->first_location;
		     l < film->first_location + film->nlocations; l++) {
			if (bit_get(s->match, l)) {
				res->storage[nlocs++] = l;
				hit->nlocations++;
			}
		}
	}
	res->nhits = n;
	return 0;
}

static int
search_run(search_ctx *s, const core_search_req *req, size_t k,
    core_search_res *res, const char **words, size_t *lens, size_t nwords,
    const char *q)
{
	search_filter filter;
	core_topk top = {s->ranked, 0, k};
	int rv;

	memset(s->match, 0xff, s->loc_words * sizeof(uint64_t));
	memset(s->unlocated, 0xff, s->film_words * sizeof(uint64_t));
	for (size_t i = 0; i < nwords; i++) {
		search_word(s, words[i], lens[i], i + 1 == nwords);
	}
	if (req->neighborhood != NULL && req->neighborhood[0] != '\0' &&
	    (rv = search_filter_neighborhood(s, req->neighborhood)) != 0) {
		return rv;
	}
	if ((rv = search_filter_init(&filter, req)) == 0) {
		res->total = search_rank(s, &filter, q, &top);
		rv = search_page(s, &top, req->offset, res);
	}
	search_filter_free(&filter);
	return rv;
}

int
core_search(
    const core_dataset *ds, const core_search_req *req, core_search_res *res)
{
	const char *words[CORE_QUERY_MAX_WORDS];
	size_t lens[CORE_QUERY_MAX_WORDS];
	size_t nwords;
	core_buf q = {0};
	search_ctx s;
	size_t k;
	int rv;

	memset(res, 0, sizeof(*res));
	if (req->limit == 0 || req->limit > CORE_QUERY_MAX_LIMIT ||
	    (req->year_max != 0 && req->year_min > req->year_max)) {
		return CORE_EINVAL;
	}

	/* Only the films up to the end of the page are ranked in order. */
	k = req->offset < ds->nfilms ? req->offset + req->limit : 0;
	if (k > ds->nfilms) {
		k = ds->nfilms;
	}
	if ((rv = core_query_words(req->q, &q, words, lens, &nwords)) != 0) {
		core_buf_free(&q);
		return rv;
	}
	if ((rv = search_alloc(&s, ds, k)) == 0) {
		rv = search_run(
		    &s, req, k, res, words, lens, nwords, q.data ? q.data : "");
		free(s.unlocated);
	}
	core_buf_free(&q);
	if (rv != 0) {
		core_search_res_free(res);
	}
	return rv;
}

void
core_search_res_free(core_search_res *res)
{
	free(res->hits);
	free(res->storage);
	memset(res, 0, sizeof(*res));
}
