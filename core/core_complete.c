/*
 * Autocomplete over the phrase table: every word of the term must match a
 * word of a phrase, and the phrases left are ranked by how well and how
 * early they match, their kind and how many films they cover.
 */
#include <stdlib.h>
#include <string.h>

#include "core_buf.h"
#include "core_err.h"
#include "core_internal.h"
#include "core_rank.h"

/* Which kinds users most likely mean when several phrases match alike. */
static const uint8_t complete_kind_weight[CORE_KIND_COUNT] = {
    [CORE_KIND_TITLE] = 6,
    [CORE_KIND_ACTOR] = 5,
    [CORE_KIND_DIRECTOR] = 5,
    [CORE_KIND_NEIGHBORHOOD] = 4,
    [CORE_KIND_WRITER] = 3,
    [CORE_KIND_COMPANY] = 2,
    [CORE_KIND_LOCATION] = 1,
};

/*
 * Per-query state. Work is proportional to the phrases the words touch,
 * not to the size of the phrase table: the first word's phrases become
 * the candidates, and each later word keeps only those it also matches.
 * word_quality is all zero between words; touched lists its non-zero
 * entries so they can be reset.
 */
typedef struct complete_ctx {
	const core_dataset *ds;
	uint8_t
	    *word_quality; /* per phrase, best quality of the current word */
	uint16_t *quality; /* per candidate phrase, summed over words */
	uint32_t *touched; /* phrases the current word matched */
	size_t ntouched;
	uint32_t *candidates; /* phrases that matched every word so far */
	size_t ncandidates;
	unsigned max_quality; /* for the current word */
} complete_ctx;

static void
complete_term_cb(void *arg, const core_term *t, unsigned quality)
{
	complete_ctx *c = arg;
	const uint32_t *ids = &c->ds->index.phrase_ids[t->phrase_off];

	if (quality > c->max_quality) {
		quality = c->max_quality;
	}
	for (uint32_t i = 0; i < t->nphrases; i++) {
		uint8_t *q = &c->word_quality[ids[i]];

		if (*q == 0) {
			c->touched[c->ntouched++] = ids[i];
		}
		if (quality > *q) {
			*q = (uint8_t)quality;
		}
	}
}

/* Narrows the candidates to the phrases that word i matches. */
static void
complete_word(complete_ctx *c, size_t i, const char *w, size_t len, int prefix)
{
	size_t kept = 0;

	/* A word still being typed and shorter than this is as likely
	 * to be the start of a longer word as a whole one ("s"). */
	c->max_quality = prefix && len < 3 ? CORE_Q_PREFIX : CORE_Q_EXACT;
	c->ntouched = 0;
	core_index_match(&c->ds->index, w, len, prefix, complete_term_cb, c);

	if (i == 0) {
		for (size_t t = 0; t < c->ntouched; t++) {
			uint32_t p = c->touched[t];

			c->quality[p] = c->word_quality[p];
			c->candidates[kept++] = p;
		}
	} else {
		for (size_t k = 0; k < c->ncandidates; k++) {
			uint32_t p = c->candidates[k];

			if (c->word_quality[p] != 0) {
				c->quality[p] += c->word_quality[p];
				c->candidates[kept++] = p;
			}
		}
	}
	c->ncandidates = kept;

	for (size_t t = 0; t < c->ntouched; t++) {
		c->word_quality[c->touched[t]] = 0;
	}
}

/*
 * Scores a phrase that matched every word. Match quality dominates; then a
 * phrase equal to the whole term, then one that starts with the first word;
 * then how many films it covers, its kind, and fewer words.
 */
static uint32_t
complete_score(const core_phrase *p, unsigned quality, const char *term,
    size_t term_len, size_t first_len)
{
	uint32_t films = p->films < 99 ? p->films : 99;
	uint32_t score = quality * 10000u;

	/* Lengths and the first byte settle most candidates without a
	 * string compare; a one-letter term has thousands of them. */
	if (p->norm_len == term_len && memcmp(p->norm, term, term_len) == 0) {
		score += 8000;
	} else if (p->norm_len >= first_len && p->norm[0] == term[0] &&
	    memcmp(p->norm, term, first_len) == 0) {
		score += 4000;
	}
	score += films * 30u + complete_kind_weight[p->kind] * 60u;
	score += 16u - (p->nwords < 16 ? p->nwords : 16);
	return score;
}

static void
complete_run(complete_ctx *c, const char *term, const char **words,
    size_t *lens, size_t n, core_topk *top)
{
	const core_index *ix = &c->ds->index;
	size_t term_len = strlen(term);

	for (size_t i = 0; i < n && (i == 0 || c->ncandidates > 0); i++) {
		complete_word(c, i, words[i], lens[i], i + 1 == n);
	}
	for (size_t k = 0; k < c->ncandidates; k++) {
		uint32_t p = c->candidates[k];
		uint32_t score = complete_score(
		    &ix->phrases[p], c->quality[p], term, term_len, lens[0]);

		core_topk_push(top, CORE_RANK_KEY(score, p));
	}
	core_topk_sort(top);
}

/*
 * Allocates the per-query arrays in one block: the heap, the candidate and
 * touched lists, the quality sums, then the zeroed per-word qualities.
 */
static void *
complete_alloc(complete_ctx *c, core_topk *top, size_t limit, size_t np)
{
	size_t bytes = limit * sizeof(uint64_t) + np * (4 + 4 + 2 + 1) + 8;
	char *block;

	if ((block = malloc(bytes)) == NULL) {
		return NULL;
	}
	*top = (core_topk){(uint64_t *)block, 0, limit};
	c->candidates = (uint32_t *)(block + limit * sizeof(uint64_t));
	c->touched = c->candidates + np;
	c->quality = (uint16_t *)(c->touched + np);
	c->word_quality = (uint8_t *)(c->quality + np);
	memset(c->word_quality, 0, np);
	return block;
}

int
core_complete(const core_dataset *ds, const char *term, size_t limit,
    core_suggestion *out, size_t *n)
{
	const char *words[CORE_QUERY_MAX_WORDS];
	size_t lens[CORE_QUERY_MAX_WORDS];
	size_t nwords;
	core_buf q = {0};
	complete_ctx c = {0};
	core_topk top;
	void *block;
	int rv;

	*n = 0;
	if (limit == 0 || limit > CORE_QUERY_MAX_LIMIT) {
		return CORE_EINVAL;
	}
	if ((rv = core_query_words(term, &q, words, lens, &nwords)) != 0 ||
	    nwords == 0) {
		core_buf_free(&q);
		return rv;
	}
	c.ds = ds;
	if ((block = complete_alloc(&c, &top, limit, ds->index.nphrases)) ==
	    NULL) {
		core_buf_free(&q);
		return CORE_ENOMEM;
	}

	complete_run(&c, q.data, words, lens, nwords, &top);
	for (size_t i = 0; i < top.n; i++) {
		const core_phrase *p =
		    &ds->index.phrases[CORE_RANK_INDEX(top.heap[i])];

		out[i].text = p->text;
		out[i].kind = (core_kind)p->kind;
		out[i].films = p->films;
		out[i].score = CORE_RANK_SCORE(top.heap[i]);
	}
	*n = top.n;
	free(block);
	core_buf_free(&q);
	return 0;
}
