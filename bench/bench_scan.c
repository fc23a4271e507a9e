/*
 * Start-up of the linear-scan baseline, and the scans that need no text
 * matching: nearest, bounding box and lookups by id. Search and
 * autocomplete are in bench_scan_text.c.
 */
#include "bench_scan.h"

#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_norm.h"

/* Returns a malloc'd copy of the matching form of text, kept in owned. */
static const char *
bench_own_norm(bench_scan *s, const char *text, size_t *capowned)
{
	core_buf norm = {0};
	char *copy;

	if (*capowned == s->nowned) {
		size_t cap = *capowned ? *capowned * 2 : 1024;
		char **p = realloc(s->owned, cap * sizeof(*p));

		if (p == NULL) {
			return NULL;
		}
		s->owned = p;
		*capowned = cap;
	}
	if (core_norm_match(&norm, text, strlen(text)) != 0) {
		core_buf_free(&norm);
		return NULL;
	}
	copy = strdup(norm.data ? norm.data : "");
	core_buf_free(&norm);
	if (copy != NULL) {
		s->owned[s->nowned++] = copy;
	}
	return copy;
}

static size_t
bench_film_field_count(const core_film *f)
{
	return 1 + f->directors.n + f->writers.n + f->actors.n +
	    f->companies.n + f->distributors.n;
}

/* Appends one field of a film in matching form. */
static int
bench_add_field(bench_scan *s, size_t *n, const char *text, core_kind kind,
    size_t *capowned)
{
	bench_field *field = &s->fields[(*n)++];

	field->text = text;
	field->kind = kind;
	field->norm = bench_own_norm(s, text, capowned);
	return field->norm != NULL ? 0 : CORE_ENOMEM;
}

/* Appends the film-level fields of one film, in the engine's index order. */
static int
bench_add_film_fields(
    bench_scan *s, const core_film *f, size_t *n, size_t *capowned)
{
	const struct {
		const core_name_list *list;
		core_kind kind;
	} lists[] = {
	    {&f->directors, CORE_KIND_DIRECTOR},
	    {&f->writers, CORE_KIND_WRITER},
	    {&f->actors, CORE_KIND_ACTOR},
	    {&f->companies, CORE_KIND_COMPANY},
	    {&f->distributors, CORE_KIND_COMPANY},
	};
	int rv;

	if ((rv = bench_add_field(s, n, f->title, CORE_KIND_TITLE, capowned)) !=
	    0) {
		return rv;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		for (uint32_t j = 0; j < lists[i].list->n; j++) {
			if ((rv = bench_add_field(s, n,
			         lists[i].list->v[j].text, lists[i].kind,
			         capowned)) != 0) {
				return rv;
			}
		}
	}
	return 0;
}

/* Normalizes every film-level field and every location text once. */
static int
bench_init_fields(bench_scan *s, size_t *capowned)
{
	size_t nfields = 0;
	size_t n = 0;
	int rv;

	for (size_t f = 0; f < s->nfilms; f++) {
		nfields += bench_film_field_count(&s->films[f]);
	}
	s->fields = malloc((nfields + 1) * sizeof(*s->fields));
	s->field_off = malloc((s->nfilms + 1) * sizeof(*s->field_off));
	s->titles = malloc((s->nfilms + 1) * sizeof(*s->titles));
	s->location_norms = malloc((s->nlocations + 1) * sizeof(char *));
	s->hood_norms = malloc((s->nlocations + 1) * sizeof(char *));
	if (!s->fields || !s->field_off || !s->titles || !s->location_norms ||
	    !s->hood_norms) {
		return CORE_ENOMEM;
	}

	for (size_t f = 0; f < s->nfilms; f++) {
		s->field_off[f] = (uint32_t)n;
		if ((rv = bench_add_film_fields(
		         s, &s->films[f], &n, capowned)) != 0) {
			return rv;
		}
		s->titles[f] = s->fields[s->field_off[f]].norm;
	}
	s->field_off[s->nfilms] = (uint32_t)n;

	for (size_t l = 0; l < s->nlocations; l++) {
		const core_location *loc = &s->locations[l];

		s->location_norms[l] = bench_own_norm(s, loc->text, capowned);
		s->hood_norms[l] =
		    bench_own_norm(s, loc->neighborhood, capowned);
		if (s->location_norms[l] == NULL || s->hood_norms[l] == NULL) {
			return CORE_ENOMEM;
		}
	}
	return 0;
}

/* One occurrence of a phrase, before duplicates are merged. */
typedef struct bench_occurrence {
	bench_phrase phrase;
	uint32_t film;
} bench_occurrence;

static int
bench_occurrence_cmp(const void *a, const void *b)
{
	const bench_phrase *x = &((const bench_occurrence *)a)->phrase;
	const bench_phrase *y = &((const bench_occurrence *)b)->phrase;
	int c;

	if (x->kind != y->kind) {
		return x->kind < y->kind ? -1 : 1;
	}
	if ((c = strcmp(x->norm, y->norm)) != 0) {
		return c;
	}
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
bench_phrase_order_cmp(const void *a, const void *b)
{
	uint32_t x = ((const bench_phrase *)a)->order;
	uint32_t y = ((const bench_phrase *)b)->order;

	return x < y ? -1 : x > y;
}

static void
bench_occurrence_add(bench_occurrence *v, size_t *n, const char *text,
    const char *norm, core_kind kind, uint32_t film)
{
	bench_phrase *p = &v[*n].phrase;

	if (norm[0] == '\0') {
		return;
	}
	p->text = text;
	p->norm = norm;
	p->kind = kind;
	p->order = (uint32_t)*n;
	p->films = 0;
	p->nwords = 1;
	for (const char *c = norm; *c != '\0'; c++) {
		p->nwords += *c == ' ' && p->nwords < UINT8_MAX;
	}
	v[(*n)++].film = film;
}

/* Lists every (kind, matching form) occurrence in the order the engine
 * indexes them: per film its title, names and companies, then per location
 * its text and neighbourhood. */
static size_t
bench_collect_occurrences(const bench_scan *s, bench_occurrence *v)
{
	size_t n = 0;

	for (size_t f = 0; f < s->nfilms; f++) {
		const core_film *film = &s->films[f];

		for (uint32_t i = s->field_off[f]; i < s->field_off[f + 1];
		     i++) {
			bench_occurrence_add(v, &n, s->fields[i].text,
			    s->fields[i].norm, s->fields[i].kind, (uint32_t)f);
		}
		for (uint32_t l = film->first_location;
		     l < film->first_location + film->nlocations; l++) {
			bench_occurrence_add(v, &n, s->locations[l].text,
			    s->location_norms[l], CORE_KIND_LOCATION,
			    (uint32_t)f);
			bench_occurrence_add(v, &n,
			    s->locations[l].neighborhood, s->hood_norms[l],
			    CORE_KIND_NEIGHBORHOOD, (uint32_t)f);
		}
	}
	return n;
}

static int
bench_same_phrase(const bench_phrase *a, const bench_phrase *b)
{
	return a->kind == b->kind && strcmp(a->norm, b->norm) == 0;
}

/* Builds the distinct phrases with their film counts, in first-seen order,
 * which is the order of the engine's phrase table. */
static int
bench_init_phrases(bench_scan *s)
{
	size_t max = s->field_off[s->nfilms] + 2 * s->nlocations;
	bench_occurrence *v = malloc((max + 1) * sizeof(*v));
	size_t n;

	s->phrases = malloc((max + 1) * sizeof(*s->phrases));
	if (v == NULL || s->phrases == NULL) {
		free(v);
		return CORE_ENOMEM;
	}
	n = bench_collect_occurrences(s, v);
	qsort(v, n, sizeof(*v), bench_occurrence_cmp);

	/* Occurrences of one phrase are now adjacent, earliest first, and
	 * their films ascend because films are visited in order. */
	for (size_t i = 0; i < n; i++) {
		bench_phrase *p;

		if (i > 0 &&
		    bench_same_phrase(&v[i - 1].phrase, &v[i].phrase)) {
			p = &s->phrases[s->nphrases - 1];
			p->films += v[i].film != v[i - 1].film;
			continue;
		}
		p = &s->phrases[s->nphrases++];
		*p = v[i].phrase;
		p->films = 1;
	}
	qsort(s->phrases, s->nphrases, sizeof(*s->phrases),
	    bench_phrase_order_cmp);
	free(v);
	return 0;
}

int
bench_scan_init(bench_scan *s, const core_dataset *ds)
{
	size_t capowned = 0;
	int rv;

	memset(s, 0, sizeof(*s));
	s->ds = ds;
	s->films = core_dataset_films(ds, &s->nfilms);
	s->locations = core_dataset_locations(ds, &s->nlocations);

	if ((rv = bench_init_fields(s, &capowned)) != 0 ||
	    (rv = bench_init_phrases(s)) != 0) {
		bench_scan_free(s);
		return rv;
	}

	s->film_hit = calloc(s->nfilms + 1, 1);
	s->location_hit = calloc(s->nlocations + 1, 1);
	s->film_score = calloc(s->nfilms + 1, sizeof(*s->film_score));
	s->ranked = malloc(CORE_QUERY_MAX_LIMIT * sizeof(*s->ranked));
	if (!s->film_hit || !s->location_hit || !s->film_score || !s->ranked) {
		bench_scan_free(s);
		return CORE_ENOMEM;
	}
	return 0;
}

void
bench_scan_free(bench_scan *s)
{
	for (size_t i = 0; i < s->nowned; i++) {
		free(s->owned[i]);
	}
	free(s->owned);
	free(s->fields);
	free(s->field_off);
	free(s->titles);
	free(s->location_norms);
	free(s->hood_norms);
	free(s->phrases);
	free(s->film_hit);
	free(s->location_hit);
	free(s->film_score);
	free(s->ranked);
	core_buf_free(&s->query);
	memset(s, 0, sizeof(*s));
}

static int
bench_hit_less(const core_geo_hit *a, const core_geo_hit *b)
{
	if (a->distance_m != b->distance_m) {
		return a->distance_m < b->distance_m;
	}
	return a->id < b->id;
}

size_t
bench_scan_nearest(
    const bench_scan *s, double lat, double lng, size_t k, core_geo_hit *out)
{
	size_t n = 0;

	for (size_t l = 0; l < s->nlocations && k > 0; l++) {
		const core_location *loc = &s->locations[l];
		core_geo_hit hit;
		size_t i;

		if (!(loc->flags & CORE_LOC_HAS_POINT)) {
			continue;
		}
		hit.id = (uint32_t)l;
		hit.distance_m =
		    core_geo_distance_m(lat, lng, loc->lat, loc->lng);
		if (n == k && !bench_hit_less(&hit, &out[k - 1])) {
			continue;
		}

		/* Insertion into the sorted hits, dropping the farthest. */
		i = n < k ? n++ : k - 1;
		for (; i > 0 && bench_hit_less(&hit, &out[i - 1]); i--) {
			out[i] = out[i - 1];
		}
		out[i] = hit;
	}
	return n;
}

size_t
bench_scan_box(const bench_scan *s, double south, double west, double north,
    double east, uint32_t *out, size_t max)
{
	size_t total = 0;

	for (size_t l = 0; l < s->nlocations; l++) {
		const core_location *loc = &s->locations[l];

		if (!(loc->flags & CORE_LOC_HAS_POINT) || loc->lat < south ||
		    loc->lat > north || loc->lng < west || loc->lng > east) {
			continue;
		}

		/* Indexes ascend, so the first max found are the lowest. */
		if (total < max) {
			out[total] = (uint32_t)l;
		}
		total++;
	}
	return total;
}

const core_film *
bench_scan_film_by_id(const bench_scan *s, uint64_t id)
{
	for (size_t f = 0; f < s->nfilms; f++) {
		if (s->films[f].id == id) {
			return &s->films[f];
		}
	}
	return NULL;
}

const core_location *
bench_scan_location_by_id(const bench_scan *s, uint64_t id)
{
	for (size_t l = 0; l < s->nlocations; l++) {
		if (s->locations[l].id == id) {
			return &s->locations[l];
		}
	}
	return NULL;
}
