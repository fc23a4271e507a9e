#include "core_rank.h"

static void
rank_sift_down(uint64_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1;
		size_t m = i;
		uint64_t tmp;

		if (l < n && h[l] < h[m]) {
			m = l;
		}
		if (l + 1 < n && h[l + 1] < h[m]) {
			m = l + 1;
		}
		if (m == i) {
			return;
		}
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

void
core_topk_push(core_topk *t, uint64_t key)
{
	uint64_t *h = t->heap;
	size_t i;

	if (t->k == 0) {
		return;
	}
	if (t->n == t->k) {
		if (key > h[0]) {
			h[0] = key;
			rank_sift_down(h, t->n, 0);
		}
		return;
	}

	i = t->n++;
	h[i] = key;
	while (i > 0 && h[(i - 1) / 2] > h[i]) {
		uint64_t tmp = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

void
core_topk_sort(core_topk *t)
{
	/* Heapsort on the min-heap leaves the keys in descending order. */
	for (size_t n = t->n; n > 1; n--) {
		uint64_t tmp = t->heap[0];

		t->heap[0] = t->heap[n - 1];
		t->heap[n - 1] = tmp;
		rank_sift_down(t->heap, n - 1, 0);
	}
}
