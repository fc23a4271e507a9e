/*
 * Search and autocomplete by linear scan, the baseline of bench_query.
 *
 * The matching and ranking rules copy core_match.c, core_search.c and
 * core_complete.c. They are written out again here on purpose: the bench
 * compares both sides, so a change to the engine's rules that is not
 * copied here shows up as a disagreement.
 */
#include "bench_scan.h"

#include <string.h>

#include "core_err.h"
#include "core_norm.h"

/* Indexed words are matched by their first 48 bytes (CORE_TERM_MAX). */
#define BENCH_TERM_MAX 48

/* Query words of at least these many bytes tolerate one and two edits. */
#define BENCH_ONE_EDIT_LEN  4
#define BENCH_TWO_EDITS_LEN 8

/* Match quality of a query word against a field word, as in the engine. */
enum bench_quality {
	BENCH_Q_NONE = 0,
	BENCH_Q_FUZZY2 = 1,
	BENCH_Q_FUZZY1 = 2,
	BENCH_Q_PREFIX = 3,
	BENCH_Q_EXACT = 4,
};

/* Field weights of search and complete, and the exact-title bonus. */
static const uint8_t bench_search_weight[CORE_KIND_COUNT] = {
    [CORE_KIND_TITLE] = 10,
    [CORE_KIND_DIRECTOR] = 6,
    [CORE_KIND_WRITER] = 4,
    [CORE_KIND_ACTOR] = 6,
    [CORE_KIND_COMPANY] = 3,
    [CORE_KIND_LOCATION] = 5,
    [CORE_KIND_NEIGHBORHOOD] = 4,
};

static const uint8_t bench_complete_weight[CORE_KIND_COUNT] = {
    [CORE_KIND_TITLE] = 6,
    [CORE_KIND_ACTOR] = 5,
    [CORE_KIND_DIRECTOR] = 5,
    [CORE_KIND_NEIGHBORHOOD] = 4,
    [CORE_KIND_WRITER] = 3,
    [CORE_KIND_COMPANY] = 2,
    [CORE_KIND_LOCATION] = 1,
};

#define BENCH_EXACT_TITLE_BONUS (1u << 20)

/* A rank key: score high, complemented index low, so larger ranks first
 * and equal scores rank by lower index. */
#define BENCH_KEY(score, index)                                                \
	(((uint64_t)(score) << 32) | (uint32_t) ~(uint32_t)(index))
#define BENCH_KEY_INDEX(key) ((uint32_t) ~(uint32_t)(key))
#define BENCH_KEY_SCORE(key) ((uint32_t)((key) >> 32))

/* The words of a query in matching form. */
typedef struct bench_words {
	const char *v[CORE_QUERY_MAX_WORDS];
	size_t len[CORE_QUERY_MAX_WORDS];
	size_t n;
	const char *all; /* the whole query in matching form */
} bench_words;

/*
 * Returns the optimal string alignment distance between w and t, or with
 * prefix set the smallest distance between w and a non-empty prefix of t.
 * Insertions, deletions, substitutions and transpositions of adjacent bytes
 * count one edit each. Returns max + 1 for anything over max.
 */
static unsigned
bench_osa(const char *w, size_t wlen, const char *t, size_t tlen, unsigned max,
    int prefix)
{
	unsigned char rows[3][BENCH_TERM_MAX + 1];
	unsigned char *prev2 = rows[0];
	unsigned char *prev = rows[1];
	unsigned char *row = rows[2];
	unsigned char *spare;
	unsigned best = max + 1;

	for (size_t j = 0; j <= wlen; j++) {
		prev[j] = (unsigned char)j;
	}
	for (size_t i = 1; i <= tlen; i++) {
		unsigned min = (unsigned)i;

		row[0] = (unsigned char)i;
		for (size_t j = 1; j <= wlen; j++) {
			unsigned v = prev[j - 1] + (w[j - 1] != t[i - 1]);

			if (prev[j] + 1u < v) {
				v = prev[j] + 1u;
			}
			if (row[j - 1] + 1u < v) {
				v = row[j - 1] + 1u;
			}
			if (i > 1 && j > 1 && w[j - 1] == t[i - 2] &&
			    w[j - 2] == t[i - 1] && prev2[j - 2] + 1u < v) {
				v = prev2[j - 2] + 1u;
			}
			row[j] = (unsigned char)v;
			if (v < min) {
				min = v;
			}
		}

		if ((prefix || i == tlen) && row[wlen] < best) {
			best = row[wlen];
		}

		/* A row's minimum is a lower bound for every later row, so no
		 * longer prefix of t can come within max. */
		if (min > max) {
			break;
		}

		spare = prev2;
		prev2 = prev;
		prev = row;
		row = spare;
	}
	return best;
}

/* Returns how well query word w matches field word t, 0 for not at all. */
static unsigned
bench_quality(
    const char *w, size_t wlen, const char *t, size_t tlen, int prefix)
{
	unsigned max;
	unsigned d;

	if (tlen > BENCH_TERM_MAX) {
		tlen = BENCH_TERM_MAX;
	}
	if (wlen == tlen && memcmp(w, t, wlen) == 0) {
		return BENCH_Q_EXACT;
	}
	if (prefix && wlen < tlen && memcmp(w, t, wlen) == 0) {
		return BENCH_Q_PREFIX;
	}

	max = wlen >= BENCH_TWO_EDITS_LEN ? 2
	    : wlen >= BENCH_ONE_EDIT_LEN  ? 1
	                                  : 0;
	/* The engine tolerates no typo in the first byte. */
	if (max == 0 || tlen == 0 || w[0] != t[0]) {
		return BENCH_Q_NONE;
	}
	d = bench_osa(w, wlen, t, tlen, max, prefix);
	if (d == 1) {
		return BENCH_Q_FUZZY1;
	}
	return d == 2 && max == 2 ? BENCH_Q_FUZZY2 : BENCH_Q_NONE;
}

/* Returns the best quality of w against the words of a matching form. */
static unsigned
bench_field_quality(const char *norm, const char *w, size_t wlen, int prefix)
{
	unsigned best = BENCH_Q_NONE;

	while (*norm != '\0') {
		const char *end = strchr(norm, ' ');
		size_t len = end ? (size_t)(end - norm) : strlen(norm);
		unsigned q = bench_quality(w, wlen, norm, len, prefix);

		if (q > best) {
			best = q;
		}
		if (best == BENCH_Q_EXACT || end == NULL) {
			break;
		}
		norm = end + 1;
	}
	return best;
}

/* Normalizes and splits a query with the limits of core_query_words. */
static int
bench_split(bench_scan *s, const char *q, bench_words *words)
{
	size_t qlen = strlen(q);
	const char *p;
	int rv;

	words->n = 0;
	core_buf_reset(&s->query);
	if (qlen > CORE_QUERY_MAX_BYTES) {
		return CORE_ETOOBIG;
	}
	if ((rv = core_norm_match(&s->query, q, qlen)) != 0) {
		return rv;
	}

	words->all = s->query.data ? s->query.data : "";
	for (p = words->all; *p != '\0';) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (words->n == CORE_QUERY_MAX_WORDS) {
			return CORE_ETOOBIG;
		}
		words->v[words->n] = p;
		words->len[words->n] =
		    len < BENCH_TERM_MAX ? len : BENCH_TERM_MAX;
		words->n++;
		p += len + (end != NULL);
	}
	return 0;
}

/* Inserts key into the descending array keys[0..*n) of at most k keys. */
static void
bench_rank_push(uint64_t *keys, size_t *n, size_t k, uint64_t key)
{
	size_t i;

	if (*n == k && (k == 0 || key <= keys[k - 1])) {
		return;
	}
	i = *n < k ? (*n)++ : k - 1;
	for (; i > 0 && keys[i - 1] < key; i--) {
		keys[i] = keys[i - 1];
	}
	keys[i] = key;
}

/*
 * Matches every query word against the film-level fields of film f:
 * matched[i] is 1 when word i matched one, and best[i] is its best
 * weighted quality there.
 */
static void
bench_search_film_fields(const bench_scan *s, size_t f,
    const bench_words *words, uint8_t *matched, uint16_t *best)
{
	for (size_t i = 0; i < words->n; i++) {
		int prefix = i + 1 == words->n;

		matched[i] = 0;
		best[i] = 0;
		for (uint32_t k = s->field_off[f]; k < s->field_off[f + 1];
		     k++) {
			const bench_field *field = &s->fields[k];
			unsigned q = bench_field_quality(
			    field->norm, words->v[i], words->len[i], prefix);
			uint16_t value =
			    (uint16_t)(bench_search_weight[field->kind] * q);

			matched[i] |= q != 0;
			if (value > best[i]) {
				best[i] = value;
			}
		}
	}
}

/*
 * Marks the locations of film f that match: every word matches the film or
 * the location's text or neighbourhood. Raises best[i] to word i's best
 * weighted match in any location, matching or not, as the engine's score
 * does. Returns 1 when any location matches.
 */
static int
bench_search_locations(bench_scan *s, size_t f, const bench_words *words,
    const uint8_t *matched, uint16_t *best)
{
	const core_film *film = &s->films[f];
	int any = 0;

	for (uint32_t l = film->first_location;
	     l < film->first_location + film->nlocations; l++) {
		int all = 1;

		for (size_t i = 0; i < words->n; i++) {
			int prefix = i + 1 == words->n;
			unsigned text =
			    bench_field_quality(s->location_norms[l],
			        words->v[i], words->len[i], prefix);
			unsigned hood = bench_field_quality(s->hood_norms[l],
			    words->v[i], words->len[i], prefix);
			uint16_t vt =
			    (uint16_t)(bench_search_weight[CORE_KIND_LOCATION] *
			        text);
			uint16_t vh = (uint16_t)(bench_search_weight
			                             [CORE_KIND_NEIGHBORHOOD] *
			    hood);
			uint16_t value = vt > vh ? vt : vh;

			if (value > best[i]) {
				best[i] = value;
			}
			if (!matched[i] && value == 0) {
				all = 0;
			}
		}
		s->location_hit[l] = (uint8_t)all;
		any |= all;
	}
	return any;
}

/* Decides whether film f matches and stores its score. */
static int
bench_search_film(bench_scan *s, size_t f, const bench_words *words)
{
	uint8_t matched[CORE_QUERY_MAX_WORDS];
	uint16_t best[CORE_QUERY_MAX_WORDS];
	uint32_t score = 0;
	int hit = 1;

	bench_search_film_fields(s, f, words, matched, best);
	if (s->films[f].nlocations > 0) {
		hit = bench_search_locations(s, f, words, matched, best);
	} else {
		for (size_t i = 0; i < words->n; i++) {
			hit &= matched[i];
		}
	}

	for (size_t i = 0; i < words->n; i++) {
		score += best[i];
	}
	if (words->all[0] != '\0' && strcmp(s->titles[f], words->all) == 0) {
		score += BENCH_EXACT_TITLE_BONUS;
	}
	s->film_hit[f] = (uint8_t)hit;
	s->film_score[f] = score;
	return hit;
}

int
bench_scan_search(
    bench_scan *s, const char *q, size_t limit, uint32_t *page, size_t *n)
{
	bench_words words;
	size_t nranked = 0;
	int rv;

	*n = 0;
	s->search_total = 0;
	if (limit == 0 || limit > CORE_QUERY_MAX_LIMIT) {
		return CORE_EINVAL;
	}
	if ((rv = bench_split(s, q, &words)) != 0) {
		return rv;
	}

	for (size_t f = 0; f < s->nfilms; f++) {
		if (bench_search_film(s, f, &words)) {
			s->search_total++;
			bench_rank_push(s->ranked, &nranked, limit,
			    BENCH_KEY(s->film_score[f], f));
		}
	}
	for (size_t i = 0; i < nranked; i++) {
		page[i] = BENCH_KEY_INDEX(s->ranked[i]);
	}
	*n = nranked;
	return 0;
}

/* Scores a phrase that matched every word, as core_complete does. */
static uint32_t
bench_complete_score(
    const bench_phrase *p, unsigned quality, const bench_words *words)
{
	uint32_t films = p->films < 99 ? p->films : 99;
	uint32_t score = quality * 10000u;

	if (strcmp(p->norm, words->all) == 0) {
		score += 8000;
	} else if (strncmp(p->norm, words->all, words->len[0]) == 0) {
		score += 4000;
	}
	score += films * 30u + bench_complete_weight[p->kind] * 60u;
	score += 16u - (p->nwords < 16 ? p->nwords : 16);
	return score;
}

/* Returns the summed quality of every word against a phrase, or 0 when a
 * word matches none of its words. */
static unsigned
bench_complete_quality(const bench_phrase *p, const bench_words *words)
{
	unsigned sum = 0;

	for (size_t i = 0; i < words->n; i++) {
		int prefix = i + 1 == words->n;
		unsigned q = bench_field_quality(
		    p->norm, words->v[i], words->len[i], prefix);

		/* A short word still being typed counts as a prefix at best. */
		if (prefix && words->len[i] < 3 && q > BENCH_Q_PREFIX) {
			q = BENCH_Q_PREFIX;
		}
		if (q == BENCH_Q_NONE) {
			return 0;
		}
		sum += q;
	}
	return sum;
}

int
bench_scan_complete(bench_scan *s, const char *term, size_t limit,
    core_suggestion *out, size_t *n)
{
	bench_words words;
	size_t nranked = 0;
	int rv;

	*n = 0;
	if (limit == 0 || limit > CORE_QUERY_MAX_LIMIT) {
		return CORE_EINVAL;
	}
	if ((rv = bench_split(s, term, &words)) != 0 || words.n == 0) {
		return rv;
	}

	for (size_t p = 0; p < s->nphrases; p++) {
		unsigned quality =
		    bench_complete_quality(&s->phrases[p], &words);

		if (quality > 0) {
			uint32_t score = bench_complete_score(
			    &s->phrases[p], quality, &words);

			bench_rank_push(
			    s->ranked, &nranked, limit, BENCH_KEY(score, p));
		}
	}
	for (size_t i = 0; i < nranked; i++) {
		const bench_phrase *p =
		    &s->phrases[BENCH_KEY_INDEX(s->ranked[i])];

		out[i].text = p->text;
		out[i].kind = p->kind;
		out[i].films = p->films;
		out[i].score = BENCH_KEY_SCORE(s->ranked[i]);
	}
	*n = nranked;
	return 0;
}
