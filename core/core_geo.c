/*
 * Implicit k-d tree over (lat, lng).
 *
 * The points live in one array. A node covers a range [lo, hi) of it, and an
 * inner node splits the range at mid = lo + (hi - lo) / 2 after a median
 * selection on its wider axis, so left is [lo, mid) and right is [mid, hi).
 * Ranges of at most GEO_LEAF_SIZE points are leaves. Nodes are numbered like
 * a binary heap (children of i are 2i + 1 and 2i + 2) and each one stores
 * the bounding rectangle of its points, which queries use for pruning.
 */
#include "core_geo.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"

#define GEO_LEAF_SIZE 8

/* Nodes with at least this many points keep a bitmap of their points'
 * ranks, so a box containing such a node merges it a word at a time. The
 * bitmaps take about n * log2(n / GEO_BITMAP_MIN) / 8 bytes. */
#define GEO_BITMAP_MIN 128
#define GEO_DEG_TO_RAD (3.14159265358979323846 / 180.0)

/*
 * Margin subtracted from every pruning bound. A bound must never exceed the
 * computed distance of a point in its rectangle, or a query would miss that
 * point. Rounding errors stay far below 1 mm except near antipodal points,
 * where asin is ill-conditioned and the error grows to an estimated 0.25 m.
 */
#define GEO_BOUND_MARGIN_M 1.0

typedef struct geo_rect {
	double lat_min;
	double lat_max;
	double lng_min;
	double lng_max;
} geo_rect;

struct core_geo {
	core_geo_point *pts;  /* in tree order */
	uint32_t *rank;       /* rank of pts[i].id among all ids, ascending */
	uint32_t *by_rank;    /* the id of each rank */
	uint64_t **node_bits; /* per node of at least GEO_BITMAP_MIN points: the
	                       * rank bitmap of its points, else NULL */
	uint64_t *bits_block; /* storage behind node_bits */
	size_t n;
	geo_rect *nodes; /* indexed by heap number; unused slots are 0 */
	size_t nnodes;
};

typedef struct geo_nearest_query {
	const core_geo *g;
	double lat;
	double lng; /* in [-180, 180] */
	double sin_lat;
	double cos_lat;
	double radius_m;    /* INFINITY when no radius applies */
	core_geo_hit *heap; /* max-heap on (distance, id), in out */
	size_t len;
	size_t k;
} geo_nearest_query;

typedef struct geo_box_query {
	const core_geo *g;
	geo_rect box;
	uint64_t *found; /* bit r set: the point of rank r is inside */
	size_t words;    /* of found */
	size_t total;
} geo_box_query;

static bool
geo_point_valid(const core_geo_point *p)
{
	return isfinite(p->lat) && isfinite(p->lng) && p->lat >= -90.0 &&
	    p->lat <= 90.0 && p->lng >= -180.0 && p->lng <= 180.0;
}

static double
geo_key(const core_geo_point *p, int axis)
{
	return axis == 0 ? p->lat : p->lng;
}

static void
geo_swap(core_geo_point *a, core_geo_point *b)
{
	core_geo_point t = *a;

	*a = *b;
	*b = t;
}

/* Returns a number from the xorshift64 generator in *state. */
static uint64_t
geo_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/*
 * Reorders pts[lo, hi) so that pts[nth] contains the element that a sort by
 * axis would put there, with no greater key before it and no smaller key after
 * it. Random pivots make this expected O(hi - lo) for any input order. The
 * three-way partition keeps runs of equal keys, such as duplicate points,
 * from making it quadratic.
 */
static void
geo_select(core_geo_point *pts, size_t lo, size_t hi, size_t nth, int axis,
    uint64_t *rng)
{
	while (hi - lo > 1) {
		double pivot =
		    geo_key(&pts[lo + geo_random(rng) % (hi - lo)], axis);
		size_t lt = lo; /* [lo, lt) < pivot */
		size_t gt = hi; /* [gt, hi) > pivot */
		size_t i = lo;

		while (i < gt) {
			double key = geo_key(&pts[i], axis);

			if (key < pivot) {
				geo_swap(&pts[lt++], &pts[i++]);
			} else if (key > pivot) {
				geo_swap(&pts[i], &pts[--gt]);
			} else {
				i++;
			}
		}

		if (nth < lt) {
			hi = lt;
		} else if (nth >= gt) {
			lo = gt;
		} else {
			return;
		}
	}
}

static geo_rect
geo_range_rect(const core_geo_point *pts, size_t lo, size_t hi)
{
	geo_rect r = {pts[lo].lat, pts[lo].lat, pts[lo].lng, pts[lo].lng};

	for (size_t i = lo + 1; i < hi; i++) {
		r.lat_min = fmin(r.lat_min, pts[i].lat);
		r.lat_max = fmax(r.lat_max, pts[i].lat);
		r.lng_min = fmin(r.lng_min, pts[i].lng);
		r.lng_max = fmax(r.lng_max, pts[i].lng);
	}
	return r;
}

/* Returns the axis (0 for lat, 1 for lng) along which r spans more metres. */
static int
geo_rect_wide_axis(const geo_rect *r)
{
	double mid_lat = (r->lat_min + r->lat_max) / 2.0;
	double lat_deg = r->lat_max - r->lat_min;
	double lng_deg =
	    (r->lng_max - r->lng_min) * cos(mid_lat * GEO_DEG_TO_RAD);

	return lng_deg > lat_deg ? 1 : 0;
}

/* Returns one past the highest node number used by a tree over n points. */
static size_t
geo_node_count(size_t node, size_t n)
{
	size_t left;
	size_t right;

	if (n <= GEO_LEAF_SIZE) {
		return node + 1;
	}
	left = geo_node_count(2 * node + 1, n / 2);
	right = geo_node_count(2 * node + 2, n - n / 2);
	return left > right ? left : right;
}

static void
geo_build_node(core_geo *g, size_t node, size_t lo, size_t hi, uint64_t *rng)
{
	size_t mid = lo + (hi - lo) / 2;
	int axis;

	g->nodes[node] = geo_range_rect(g->pts, lo, hi);
	if (hi - lo <= GEO_LEAF_SIZE) {
		return;
	}

	axis = geo_rect_wide_axis(&g->nodes[node]);
	geo_select(g->pts, lo, hi, mid, axis, rng);

	geo_build_node(g, 2 * node + 1, lo, mid, rng);
	geo_build_node(g, 2 * node + 2, mid, hi, rng);
}

typedef struct geo_id_pos {
	uint32_t id;
	uint32_t pos; /* index in tree order */
} geo_id_pos;

static int
geo_id_pos_cmp(const void *a, const void *b)
{
	const geo_id_pos *x = a;
	const geo_id_pos *y = b;

	if (x->id != y->id) {
		return x->id < y->id ? -1 : 1;
	}
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Ranks the points by id (ties by tree position) for core_geo_box. */
static int
geo_build_ranks(core_geo *g)
{
	geo_id_pos *order;

	g->rank = malloc(g->n * sizeof(*g->rank));
	g->by_rank = malloc(g->n * sizeof(*g->by_rank));
	order = malloc(g->n * sizeof(*order));
	if (g->rank == NULL || g->by_rank == NULL || order == NULL) {
		free(order);
		return CORE_ENOMEM;
	}
	for (size_t i = 0; i < g->n; i++) {
		order[i].id = g->pts[i].id;
		order[i].pos = (uint32_t)i;
	}
	qsort(order, g->n, sizeof(*order), geo_id_pos_cmp);
	for (size_t r = 0; r < g->n; r++) {
		g->rank[order[r].pos] = (uint32_t)r;
		g->by_rank[r] = order[r].id;
	}
	free(order);
	return 0;
}

/* Counts the nodes of at least GEO_BITMAP_MIN points below node. */
static size_t
geo_count_big(size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2;

	if (hi - lo < GEO_BITMAP_MIN) {
		return 0;
	}
	return 1 + geo_count_big(lo, mid) + geo_count_big(mid, hi);
}

static void
geo_fill_bitmaps(core_geo *g, size_t node, size_t lo, size_t hi,
    uint64_t **next, size_t words)
{
	size_t mid = lo + (hi - lo) / 2;
	uint64_t *bits = *next;

	if (hi - lo < GEO_BITMAP_MIN) {
		return;
	}
	*next += words;
	for (size_t i = lo; i < hi; i++) {
		bits[g->rank[i] / 64] |= (uint64_t)1 << (g->rank[i] % 64);
	}
	g->node_bits[node] = bits;
	geo_fill_bitmaps(g, 2 * node + 1, lo, mid, next, words);
	geo_fill_bitmaps(g, 2 * node + 2, mid, hi, next, words);
}

static int
geo_build_bitmaps(core_geo *g)
{
	size_t words = (g->n + 63) / 64;
	size_t big = geo_count_big(0, g->n);
	uint64_t *next;

	g->node_bits = calloc(g->nnodes, sizeof(*g->node_bits));
	g->bits_block = calloc(big * words + 1, sizeof(uint64_t));
	if (g->node_bits == NULL || g->bits_block == NULL) {
		return CORE_ENOMEM;
	}
	next = g->bits_block;
	geo_fill_bitmaps(g, 0, 0, g->n, &next, words);
	return 0;
}

int
core_geo_build(core_geo **out, const core_geo_point *pts, size_t n)
{
	core_geo *g;
	uint64_t rng = 0x9e3779b97f4a7c15u;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!geo_point_valid(&pts[i])) {
			return CORE_EINVAL;
		}
	}

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		return CORE_ENOMEM;
	}
	if (n == 0) {
		*out = g;
		return 0;
	}

	g->n = n;
	g->nnodes = geo_node_count(0, n);
	if (n > SIZE_MAX / sizeof(*g->pts) ||
	    (g->pts = malloc(n * sizeof(*g->pts))) == NULL ||
	    (g->nodes = calloc(g->nnodes, sizeof(*g->nodes))) == NULL) {
		core_geo_free(g);
		return CORE_ENOMEM;
	}
	memcpy(g->pts, pts, n * sizeof(*g->pts));

	geo_build_node(g, 0, 0, n, &rng);
	if (geo_build_ranks(g) != 0 || geo_build_bitmaps(g) != 0) {
		core_geo_free(g);
		return CORE_ENOMEM;
	}
	*out = g;
	return 0;
}

void
core_geo_free(core_geo *g)
{
	if (g == NULL) {
		return;
	}
	free(g->pts);
	free(g->rank);
	free(g->by_rank);
	free(g->node_bits);
	free(g->bits_block);
	free(g->nodes);
	free(g);
}

double
core_geo_distance_m(double lat1, double lng1, double lat2, double lng2)
{
	/*
	 * The haversine form stays accurate for distances of millimetres, where
	 * the spherical law of cosines rounds to 0. Nearby coordinates subtract
	 * exactly in degrees, so the differences lose nothing before
	 * conversion.
	 */
	double dlat = sin((lat2 - lat1) * GEO_DEG_TO_RAD / 2.0);
	double dlng = sin((lng2 - lng1) * GEO_DEG_TO_RAD / 2.0);
	double a = dlat * dlat +
	    cos(lat1 * GEO_DEG_TO_RAD) * cos(lat2 * GEO_DEG_TO_RAD) * dlng *
	        dlng;

	/* Rounding can push a slightly above 1 for antipodal points. */
	return 2.0 * CORE_GEO_EARTH_RADIUS_M * asin(fmin(1.0, sqrt(a)));
}

/* Returns the longitude difference of a and b in degrees, in [0, 180]. */
static double
geo_lng_gap(double a, double b)
{
	double d = fabs(a - b);

	return d > 180.0 ? 360.0 - d : d;
}

/*
 * Returns the distance in metres from the query to the nearest point with
 * latitude in [south, north] on the meridian at longitude lng, gap degrees
 * from the query's. Along the meridian's great circle, cos d(ψ) is
 * C·cos(ψ - ψ0) with C >= 0, where ψ0 is the latitude of the circle's
 * point nearest to the query. So the nearest point of the segment is at ψ0
 * when the segment contains it, and at one of its ends otherwise.
 */
static double
geo_meridian_distance(const geo_nearest_query *q, double lng, double gap,
    double south, double north)
{
	double gap_rad = gap * GEO_DEG_TO_RAD;
	double foot =
	    atan2(q->sin_lat, q->cos_lat * cos(gap_rad)) / GEO_DEG_TO_RAD;
	double to_south, to_north;

	if (foot >= south && foot <= north) {
		/*
		 * sin d is the query's component along the normal of the
		 * meridian's plane, cos φ · sin Δλ.
		 */
		return CORE_GEO_EARTH_RADIUS_M *
		    asin(fmin(1.0, q->cos_lat * sin(gap_rad)));
	}

	to_south = core_geo_distance_m(q->lat, q->lng, south, lng);
	to_north = core_geo_distance_m(q->lat, q->lng, north, lng);
	return fmin(to_south, to_north);
}

/*
 * Returns a lower bound, in metres, on the distance from the query to any
 * point in r: the distance to r's nearest point, less GEO_BOUND_MARGIN_M.
 *
 * When the query's longitude is inside r, the nearest point shares that
 * meridian and the distance is R·|Δφ| to the nearer latitude edge. When it
 * is outside, the distance to a point at a given latitude grows with the
 * longitude difference up to 180°, so the nearest point lies on the edge
 * meridian with the smaller longitude difference.
 */
static double
geo_rect_bound(const geo_nearest_query *q, const geo_rect *r)
{
	double west_gap, east_gap, dist;

	if (q->lng >= r->lng_min && q->lng <= r->lng_max) {
		double lat_gap =
		    fmax(0.0, fmax(r->lat_min - q->lat, q->lat - r->lat_max));

		dist = CORE_GEO_EARTH_RADIUS_M * lat_gap * GEO_DEG_TO_RAD;
		return fmax(0.0, dist - GEO_BOUND_MARGIN_M);
	}

	west_gap = geo_lng_gap(q->lng, r->lng_min);
	east_gap = geo_lng_gap(q->lng, r->lng_max);
	if (west_gap <= east_gap) {
		dist = geo_meridian_distance(
		    q, r->lng_min, west_gap, r->lat_min, r->lat_max);
	} else {
		dist = geo_meridian_distance(
		    q, r->lng_max, east_gap, r->lat_min, r->lat_max);
	}
	return fmax(0.0, dist - GEO_BOUND_MARGIN_M);
}

/* Orders hits by distance, then by id. */
static bool
geo_hit_less(const core_geo_hit *a, const core_geo_hit *b)
{
	if (a->distance_m != b->distance_m) {
		return a->distance_m < b->distance_m;
	}
	return a->id < b->id;
}

static void
geo_hits_sift_down(core_geo_hit *heap, size_t i, size_t len)
{
	for (;;) {
		size_t top = i;
		size_t l = 2 * i + 1;
		size_t r = 2 * i + 2;
		core_geo_hit t;

		if (l < len && geo_hit_less(&heap[top], &heap[l])) {
			top = l;
		}
		if (r < len && geo_hit_less(&heap[top], &heap[r])) {
			top = r;
		}
		if (top == i) {
			return;
		}
		t = heap[i];
		heap[i] = heap[top];
		heap[top] = t;
		i = top;
	}
}

static void
geo_hits_push(core_geo_hit *heap, size_t len, core_geo_hit hit)
{
	size_t i = len;

	while (i > 0 && geo_hit_less(&heap[(i - 1) / 2], &hit)) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = hit;
}

/* Heapsorts a max-heap in place into ascending order. */
static void
geo_hits_sort(core_geo_hit *heap, size_t len)
{
	for (size_t end = len; end > 1; end--) {
		core_geo_hit t = heap[0];

		heap[0] = heap[end - 1];
		heap[end - 1] = t;
		geo_hits_sift_down(heap, 0, end - 1);
	}
}

static void
geo_nearest_offer(geo_nearest_query *q, const core_geo_point *p)
{
	core_geo_hit hit;

	hit.id = p->id;
	hit.distance_m = core_geo_distance_m(q->lat, q->lng, p->lat, p->lng);
	if (hit.distance_m > q->radius_m) {
		return;
	}

	if (q->len < q->k) {
		geo_hits_push(q->heap, q->len++, hit);
	} else if (geo_hit_less(&hit, &q->heap[0])) {
		q->heap[0] = hit;
		geo_hits_sift_down(q->heap, 0, q->len);
	}
}

/*
 * Returns whether no point at bound metres or more can enter the result. A
 * bound equal to the current worst distance still passes, because a point
 * at that distance with a lower id would replace the worst hit.
 */
static bool
geo_nearest_prunes(const geo_nearest_query *q, double bound)
{
	if (bound > q->radius_m) {
		return true;
	}
	return q->len == q->k && bound > q->heap[0].distance_m;
}

static void
geo_nearest_visit(
    geo_nearest_query *q, size_t node, size_t lo, size_t hi, double bound)
{
	size_t left = 2 * node + 1;
	size_t right = 2 * node + 2;
	size_t mid = lo + (hi - lo) / 2;
	double left_bound, right_bound;

	if (geo_nearest_prunes(q, bound)) {
		return;
	}
	if (hi - lo <= GEO_LEAF_SIZE) {
		for (size_t i = lo; i < hi; i++) {
			geo_nearest_offer(q, &q->g->pts[i]);
		}
		return;
	}

	/* Visiting the nearer child first shrinks the worst distance sooner. */
	left_bound = geo_rect_bound(q, &q->g->nodes[left]);
	right_bound = geo_rect_bound(q, &q->g->nodes[right]);
	if (left_bound <= right_bound) {
		geo_nearest_visit(q, left, lo, mid, left_bound);
		geo_nearest_visit(q, right, mid, hi, right_bound);
	} else {
		geo_nearest_visit(q, right, mid, hi, right_bound);
		geo_nearest_visit(q, left, lo, mid, left_bound);
	}
}

/*
 * The query uses out as its heap, so it allocates nothing for any k. A query
 * point that is not finite or has a latitude outside -90..90 matches nothing.
 * Longitudes outside -180..180 are wrapped.
 */
size_t
core_geo_nearest(const core_geo *g, double lat, double lng, size_t k,
    double radius_m, core_geo_hit *out)
{
	geo_nearest_query q;

	if (g->n == 0 || k == 0 || !isfinite(lat) || !isfinite(lng) ||
	    lat < -90.0 || lat > 90.0) {
		return 0;
	}

	q.g = g;
	q.lat = lat;
	q.lng = remainder(lng, 360.0);
	q.sin_lat = sin(lat * GEO_DEG_TO_RAD);
	q.cos_lat = cos(lat * GEO_DEG_TO_RAD);
	q.radius_m = radius_m > 0.0 ? radius_m : INFINITY;
	q.heap = out;
	q.len = 0;
	q.k = k;

	geo_nearest_visit(&q, 0, 0, g->n, geo_rect_bound(&q, &g->nodes[0]));

	geo_hits_sort(out, q.len);
	return q.len;
}

static void
geo_box_offer(geo_box_query *q, size_t i)
{
	uint32_t r = q->g->rank[i];

	q->found[r / 64] |= (uint64_t)1 << (r % 64);
	q->total++;
}

static bool
geo_rect_contains_point(const geo_rect *r, const core_geo_point *p)
{
	return p->lat >= r->lat_min && p->lat <= r->lat_max &&
	    p->lng >= r->lng_min && p->lng <= r->lng_max;
}

static bool
geo_rect_contains_rect(const geo_rect *outer, const geo_rect *inner)
{
	return inner->lat_min >= outer->lat_min &&
	    inner->lat_max <= outer->lat_max &&
	    inner->lng_min >= outer->lng_min &&
	    inner->lng_max <= outer->lng_max;
}

static bool
geo_rect_disjoint(const geo_rect *a, const geo_rect *b)
{
	return a->lat_max < b->lat_min || a->lat_min > b->lat_max ||
	    a->lng_max < b->lng_min || a->lng_min > b->lng_max;
}

static void
geo_box_visit(geo_box_query *q, size_t node, size_t lo, size_t hi)
{
	const geo_rect *r = &q->g->nodes[node];
	size_t mid = lo + (hi - lo) / 2;

	if (geo_rect_disjoint(r, &q->box)) {
		return;
	}

	/* A node inside the box needs no per-point test. */
	if (geo_rect_contains_rect(&q->box, r)) {
		const uint64_t *bits = q->g->node_bits[node];

		if (bits == NULL) {
			for (size_t i = lo; i < hi; i++) {
				geo_box_offer(q, i);
			}
			return;
		}
		for (size_t w = 0; w < q->words; w++) {
			q->found[w] |= bits[w];
		}
		q->total += hi - lo;
		return;
	}

	if (hi - lo <= GEO_LEAF_SIZE) {
		for (size_t i = lo; i < hi; i++) {
			if (geo_rect_contains_point(&q->box, &q->g->pts[i])) {
				geo_box_offer(q, i);
			}
		}
		return;
	}

	geo_box_visit(q, 2 * node + 1, lo, mid);
	geo_box_visit(q, 2 * node + 2, mid, hi);
}

/*
 * The points found are marked in a bitmap indexed by id rank, so reading
 * the bitmap in order yields ids in ascending order without sorting. The
 * bitmap lives on the stack up to GEO_BOX_STACK_POINTS points. A box with
 * a NaN edge contains no point.
 */
#define GEO_BOX_STACK_POINTS 16384

size_t
core_geo_box(const core_geo *g, double south, double west, double north,
    double east, uint32_t *out, size_t max)
{
	uint64_t stack[GEO_BOX_STACK_POINTS / 64];
	size_t words = (g->n + 63) / 64;
	size_t n = 0;
	geo_box_query q;

	if (g->n == 0 || west > east || south > north) {
		return 0;
	}
	q.g = g;
	q.box.lat_min = south;
	q.box.lat_max = north;
	q.box.lng_min = west;
	q.box.lng_max = east;
	q.total = 0;
	q.words = words;
	q.found = g->n <= GEO_BOX_STACK_POINTS
	    ? stack
	    : calloc(words, sizeof(uint64_t));
	if (q.found == NULL) {
		return 0; /* NOTE: out of memory looks like an empty box */
	}
	if (q.found == stack) {
		memset(stack, 0, words * sizeof(uint64_t));
	}

	geo_box_visit(&q, 0, 0, g->n);

	for (size_t w = 0; w < words && n < max; w++) {
		uint64_t bits = q.found[w];

		while (bits != 0 && n < max) {
			out[n++] =
			    g->by_rank[w * 64 + (size_t)__builtin_ctzll(bits)];
			bits &= bits - 1;
		}
	}
	if (q.found != stack) {
		free(q.found);
	}
	return q.total;
}
