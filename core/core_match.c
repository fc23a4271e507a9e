/*
 * Matching one query word against the term index: exact and prefix matches
 * by walking the trie, typo-tolerant matches by a bounded edit-distance
 * search over it.
 */
#include <string.h>

#include "core_buf.h"
#include "core_err.h"
#include "core_internal.h"
#include "core_norm.h"

#define MATCH_MAX_EDITS 2

/* Words of at least these many bytes tolerate one and two edits. */
#define MATCH_ONE_EDIT_LEN  4
#define MATCH_TWO_EDITS_LEN 8

typedef struct match_ctx {
	const core_index *ix;
	const char *w;
	size_t len;
	int prefix;
	unsigned max;
	unsigned distance; /* of the word to the path, set by match_row */
	core_term_fn fn;
	void *arg;
	/* rows[d] is the edit-distance row after d bytes of the path, and
	 * path[d] the byte that led there; a path is at most
	 * CORE_TERM_MAX bytes because terms are. */
	unsigned char rows[CORE_TERM_MAX + 2][CORE_TERM_MAX + 1];
	unsigned char path[CORE_TERM_MAX + 2];
} match_ctx;

static unsigned
match_quality(unsigned distance)
{
	return distance == 1 ? CORE_Q_FUZZY1 : CORE_Q_FUZZY2;
}

static void
match_range(const match_ctx *m, uint32_t lo, uint32_t hi, int32_t skip,
    unsigned quality)
{
	for (uint32_t t = lo; t < hi; t++) {
		if ((int32_t)t != skip) {
			m->fn(m->arg, &m->ix->terms[t], quality);
		}
	}
}

/* Reports exact and prefix matches: the trie node of w, if any. */
static void
match_exact(const match_ctx *m)
{
	const core_index *ix = m->ix;
	const core_trie_node *node = &ix->nodes[0];

	for (size_t i = 0; i < m->len; i++) {
		const core_trie_node *next = NULL;

		for (uint16_t c = 0; c < node->nchildren; c++) {
			if (ix->nodes[node->child + c].byte ==
			    (unsigned char)m->w[i]) {
				next = &ix->nodes[node->child + c];
				break;
			}
		}
		if (next == NULL) {
			return;
		}
		node = next;
	}
	if (node->term >= 0) {
		m->fn(m->arg, &ix->terms[node->term], CORE_Q_EXACT);
	}
	if (m->prefix) {
		match_range(m, node->lo, node->hi, node->term, CORE_Q_PREFIX);
	}
}

/*
 * Computes the row for one more byte of the trie path, with the optimal
 * string alignment distance: insertions, deletions, substitutions and
 * transpositions of adjacent bytes each count as one edit. Returns the
 * row's minimum, a lower bound on the distance of every longer path.
 *
 * Only the band of cells within m->max of the diagonal is computed: a cell
 * further off needs more than m->max insertions or deletions. The cells
 * just outside the band hold m->max + 1, which is all the next row and the
 * transposition step read there.
 */
static unsigned
match_row(match_ctx *m, size_t depth, unsigned char byte)
{
	const unsigned char *prev = m->rows[depth - 1];
	const unsigned char *prev2 = depth > 1 ? m->rows[depth - 2] : NULL;
	unsigned char *row = m->rows[depth];
	unsigned char outside = (unsigned char)(m->max + 1);
	size_t lo = depth > m->max ? depth - m->max : 1;
	size_t hi = depth + m->max < m->len ? depth + m->max : m->len;
	unsigned min;

	m->path[depth] = byte;
	row[0] = (unsigned char)(depth < outside ? depth : outside);
	row[lo - 1] = lo > 1 ? outside : row[0];
	min = row[0];
	for (size_t j = lo; j <= hi; j++) {
		unsigned cost = (unsigned char)m->w[j - 1] != byte;
		unsigned v = prev[j - 1] + cost;

		if (prev[j] + 1u < v) {
			v = prev[j] + 1u;
		}
		if (row[j - 1] + 1u < v) {
			v = row[j - 1] + 1u;
		}
		if (prev2 != NULL && j > 1 &&
		    (unsigned char)m->w[j - 1] == m->path[depth - 1] &&
		    (unsigned char)m->w[j - 2] == byte &&
		    prev2[j - 2] + 1u < v) {
			v = prev2[j - 2] + 1u;
		}
		row[j] = (unsigned char)(v < outside ? v : outside);
		if (row[j] < min) {
			min = row[j];
		}
	}
	/* The distance of the whole word is known only when the band
	 * reaches its last byte. */
	if (hi < m->len) {
		row[hi + 1] = outside;
		m->distance = outside;
	} else {
		m->distance = row[m->len];
	}
	return min;
}

/*
 * Visits the children of a trie node, reporting terms within the allowed
 * distance. Exact and prefix matches (distance 0) are left to match_exact.
 * In prefix mode a node within the distance reports its whole subtree, so
 * its descendants are visited only while they can report a smaller
 * distance than the one already reported on this path, "reported".
 */
static void
match_fuzzy(
    match_ctx *m, const core_trie_node *node, size_t depth, unsigned reported)
{
	const core_index *ix = m->ix;

	if (depth >= CORE_TERM_MAX) {
		return;
	}
	for (uint16_t c = 0; c < node->nchildren; c++) {
		const core_trie_node *child = &ix->nodes[node->child + c];
		unsigned min, d;
		unsigned now = reported;

		/* Typos are not tolerated in the first byte, as with a fuzzy
		 * prefix length of 1 in Lucene: people rarely mistype it, and
		 * the walk then visits about one root subtree in 26. */
		if (depth == 0 && child->byte != (unsigned char)m->w[0]) {
			continue;
		}
		min = match_row(m, depth + 1, child->byte);
		d = m->distance;

		if (min > m->max || (m->prefix && min >= reported)) {
			continue;
		}

		/* match_exact reported this whole subtree as prefixes. */
		if (m->prefix && d == 0) {
			continue;
		}
		if (d > 0 && d <= m->max) {
			if (!m->prefix && child->term >= 0) {
				m->fn(m->arg, &ix->terms[child->term],
				    match_quality(d));
			} else if (m->prefix && d < reported) {
				match_range(m, child->lo, child->hi, -1,
				    match_quality(d));
				now = d;
			}
		}

		/* Distance 0 further down is the exact prefix itself. */
		if (m->prefix && now <= 1) {
			continue;
		}
		match_fuzzy(m, child, depth + 1, now);
	}
}

void
core_index_match(const core_index *ix, const char *w, size_t len, int prefix,
    core_term_fn fn, void *arg)
{
	match_ctx m;

	if (ix->nnodes == 0) {
		return;
	}
	m.ix = ix;
	m.w = w;
	m.len = len > CORE_TERM_MAX ? CORE_TERM_MAX : len;
	m.prefix = prefix;
	m.fn = fn;
	m.arg = arg;
	m.max = m.len >= MATCH_TWO_EDITS_LEN ? 2
	    : m.len >= MATCH_ONE_EDIT_LEN    ? 1
	                                     : 0;
	match_exact(&m);
	if (m.max == 0) {
		return;
	}
	for (size_t j = 0; j <= m.len; j++) {
		m.rows[0][j] = (unsigned char)j;
	}
	match_fuzzy(&m, &ix->nodes[0], 0, m.max + 1);
}

int
core_query_words(
    const char *q, core_buf *buf, const char **words, size_t *lens, size_t *n)
{
	size_t qlen = q != NULL ? strlen(q) : 0;
	char *p;
	int rv;

	*n = 0;
	core_buf_reset(buf);
	if (qlen > CORE_QUERY_MAX_BYTES) {
		return CORE_ETOOBIG;
	}
	if ((rv = core_norm_match(buf, q != NULL ? q : "", qlen)) != 0) {
		return rv;
	}
	for (p = buf->data; p != NULL && *p != '\0';) {
		char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (*n == CORE_QUERY_MAX_WORDS) {
			return CORE_ETOOBIG;
		}
		words[*n] = p;
		lens[*n] = len;
		(*n)++;
		p += len + (end != NULL);
	}
	return 0;
}
