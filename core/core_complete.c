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
    [CORE_KIND_TITLE] = 6,    [CORE_KIND_ACTOR] = 5,
    [CORE_KIND_DIRECTOR] = 5, [CORE_KIND_NEIGHBORHOOD] = 4,
    [CORE_KIND_WRITER] = 3,   [CORE_KIND_COMPANY] = 2,
    [CORE_KIND_LOCATION] = 1,
};

typedef struct complete_ctx {
	const core_dataset *ds;
	uint8_t *word_quality; /* per phrase, current word */
	uint8_t *alive;        /* per phrase: matched every word */
	uint16_t *quality;     /* per phrase, summed over words */
	unsigned max_quality;  /* for the current word */
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
		if (quality > c->word_quality[ids[i]]) {
			c->word_quality[ids[i]] = (uint8_t)quality;
		}
	}
}

static void
complete_word(complete_ctx *c, const char *w, size_t len, int prefix)
{
	size_t n = c->ds->index.nphrases;

	/* A word still being typed and shorter than this is as likely
	 * to be the start of a longer word as a whole one ("s"). */
	c->max_quality = prefix && len < 3 ? CORE_Q_PREFIX : CORE_Q_EXACT;
	memset(c->word_quality, 0, n);
	core_index_match(&c->ds->index, w, len, prefix, complete_term_cb, c);
	for (size_t p = 0; p < n; p++) {
		c->alive[p] &= c->word_quality[p] != 0;
		c->quality[p] += c->word_quality[p];
	}
}

/*
 * Scores a phrase that matched every word. Match quality dominates; then a
 * phrase equal to the whole term, then one that starts with the first word;
 * then how many films it covers, its kind, and fewer words.
 */
static uint32_t
complete_score(const core_phrase *p, unsigned quality, const char *term,
               size_t first_len)
{
	uint32_t films = p->films < 99 ? p->films : 99;
	uint32_t score = quality * 10000u;

	if (strcmp(p->norm, term) == 0) {
		score += 8000;
	} else if (strncmp(p->norm, term, first_len) == 0) {
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

	memset(c->alive, 1, ix->nphrases);
	for (size_t i = 0; i < n; i++) {
		complete_word(c, words[i], lens[i], i + 1 == n);
	}
	for (size_t p = 0; p < ix->nphrases; p++) {
		if (c->alive[p]) {
			uint32_t score = complete_score(
			    &ix->phrases[p], c->quality[p], term, lens[0]);

			core_topk_push(top, CORE_RANK_KEY(score, p));
		}
	}
	core_topk_sort(top);
}

int
core_complete(const core_dataset *ds, const char *term, size_t limit,
              core_suggestion *out, size_t *n)
{
	const char *words[CORE_QUERY_MAX_WORDS];
	size_t lens[CORE_QUERY_MAX_WORDS];
	size_t nwords;
	size_t np = ds->index.nphrases;
	core_buf q = {0};
	complete_ctx c = {ds, NULL, NULL, NULL, CORE_Q_EXACT};
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

	/* One block: the heap, the quality sums, then two byte arrays. */
	block = malloc(limit * sizeof(uint64_t) + np * (2 + 1 + 1) + 8);
	if (block == NULL) {
		core_buf_free(&q);
		return CORE_ENOMEM;
	}
	top = (core_topk){block, 0, limit};
	c.quality = (uint16_t *)((uint64_t *)block + limit);
	c.word_quality = (uint8_t *)(c.quality + np);
	c.alive = c.word_quality + np;
	memset(c.quality, 0, np * sizeof(uint16_t));

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
