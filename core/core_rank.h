/*
 * Selection of the k best ranked items, shared by search and autocomplete.
 * Internal to the core library.
 *
 * A rank key packs a score in its high 32 bits and the complement of an
 * item index in its low 32 bits, so a larger key ranks first and equal
 * scores rank by lower index.
 */
#ifndef CORE_RANK_H
#define CORE_RANK_H

#include <stddef.h>
#include <stdint.h>

#define CORE_RANK_KEY(score, index)                                            \
	(((uint64_t)(score) << 32) | (uint32_t) ~(uint32_t)(index))
#define CORE_RANK_SCORE(key) ((uint32_t)((key) >> 32))
#define CORE_RANK_INDEX(key) ((uint32_t) ~(uint32_t)(key))

/* A min-heap of at most k keys in caller memory. */
typedef struct core_topk {
	uint64_t *heap;
	size_t n;
	size_t k;
} core_topk;

/* Offers a key; it is kept if fewer than k are kept or it beats the
 * smallest. */
void core_topk_push(core_topk *t, uint64_t key);

/* Sorts the kept keys best first, in place. The heap is spent afterwards. */
void core_topk_sort(core_topk *t);

#endif
