/*
 * Import of a DataSF CSV export into a dataset: rows are read and cleaned,
 * exact duplicates dropped, rows grouped into films and locations, and the
 * result laid out in the dataset's arrays before the indexes are built.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_buf.h"
#include "core_columns.h"
#include "core_csv.h"
#include "core_err.h"
#include "core_internal.h"
#include "core_map.h"
#include "core_norm.h"

#define IMP_NONE UINT32_MAX

enum {
	LIST_DIRECTORS,
	LIST_WRITERS,
	LIST_ACTORS,
	LIST_COMPANIES,
	LIST_DISTRIBUTORS,
	LIST_COUNT
};

typedef struct imp_names {
	core_name *v;
	uint32_t n;
	uint32_t cap;
} imp_names;

typedef struct imp_film {
	const char *key; /* matching title without spaces, then year */
	const char *title;
	const char *title_norm;
	unsigned year;
	imp_names lists[LIST_COUNT];
	uint32_t first_loc; /* chain of imp_loc.next in row order */
	uint32_t last_loc;
	uint32_t nlocs;
} imp_film;

typedef struct imp_loc {
	const char *text;
	const char *norm;
	const char *neighborhood;
	core_buf fun_facts;
	double lat;
	double lng;
	uint8_t district;
	uint8_t flags;
	uint32_t next;
} imp_loc;

typedef struct importer {
	core_dataset *ds;
	core_import_stats *st;
	char *err;
	size_t errlen;
	int pos[COL_COUNT];
	size_t nfields;
	core_buf val[COL_COUNT]; /* cleaned values of the row */
	core_buf tmp;
	core_map rows;         /* row content -> 1, for duplicates */
	core_map films_by_key; /* film key -> index into films */
	core_map locs_by_key;  /* film index + norm -> location */
	imp_film *films;
	size_t nfilms;
	size_t capfilms;
	imp_loc *locs;
	size_t nlocs;
	size_t caplocs;
} importer;

static void
imp_set_error(importer *imp, const char *fmt, ...)
{
	va_list ap;

	if (imp->errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(imp->err, imp->errlen, fmt, ap);
	va_end(ap);
}

static void
imp_reject(importer *imp, const char *fmt, ...)
{
	core_import_stats *st = imp->st;
	va_list ap;

	st->rows_rejected++;
	if (st->nreasons >= CORE_IMPORT_MAX_REASONS) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(st->reasons[st->nreasons++], sizeof(st->reasons[0]), fmt, ap);
	va_end(ap);
}

static const char *
imp_intern(importer *imp, const char *s, size_t len)
{
	return core_arena_strndup(&imp->ds->arena, s, len);
}

/* Copies and cleans each known field of the record into imp->val. */
static int
imp_clean_fields(importer *imp, const core_csv_record *rec)
{
	int rv;

	for (int c = 0; c < COL_COUNT; c++) {
		core_buf *b = &imp->val[c];

		core_buf_reset(b);
		if (imp->pos[c] >= 0) {
			const core_str *f = &rec->fields[imp->pos[c]];

			if ((rv = core_buf_append(b, f->ptr, f->len)) != 0) {
				return rv;
			}
			b->len = core_norm_clean(b->data, b->len);
		}
		if ((rv = core_buf_reserve(b, 0)) != 0) {
			return rv;
		}
		b->data[b->len] = '\0';
	}
	return 0;
}

#define VAL(imp, c) ((imp)->val[c].data)
#define LEN(imp, c) ((imp)->val[c].len)

/* Returns 1 when the row equals an earlier row, 0 when new, or an error. */
static int
imp_is_duplicate(importer *imp)
{
	const char *key;
	int rv;

	core_buf_reset(&imp->tmp);
	for (int c = 0; c < COL_COUNT; c++) {
		if ((rv = core_buf_append(
		         &imp->tmp, VAL(imp, c), LEN(imp, c) + 1)) != 0) {
			return rv;
		}
	}
	if (core_map_get(&imp->rows, imp->tmp.data, imp->tmp.len) != NULL) {
		return 1;
	}
	if ((key = imp_intern(imp, imp->tmp.data, imp->tmp.len)) == NULL) {
		return CORE_ENOMEM;
	}
	return core_map_put(&imp->rows, key, imp->tmp.len, 1);
}

static int
imp_norm(importer *imp, const char *s, size_t len, const char **out)
{
	int rv;

	core_buf_reset(&imp->tmp);
	if ((rv = core_norm_match(&imp->tmp, s, len)) != 0) {
		return rv;
	}
	*out =
	    imp_intern(imp, imp->tmp.data ? imp->tmp.data : "", imp->tmp.len);
	return *out != NULL ? 0 : CORE_ENOMEM;
}

static int
imp_add_name(void *arg, const char *name, size_t len)
{
	void **ctx = arg;
	importer *imp = ctx[0];
	imp_names *list = ctx[1];
	core_name n;
	size_t cap = list->cap;
	int rv;

	if ((rv = imp_norm(imp, name, len, &n.norm)) != 0) {
		return rv;
	}
	if (n.norm[0] == '\0') {
		return 0;
	}
	for (uint32_t i = 0; i < list->n; i++) {
		if (strcmp(list->v[i].norm, n.norm) == 0) {
			return 0;
		}
	}
	if ((n.text = imp_intern(imp, name, len)) == NULL) {
		return CORE_ENOMEM;
	}
	if ((rv = core_array_grow(
	         (void **)&list->v, &cap, list->n, sizeof(*list->v))) != 0) {
		return rv;
	}
	list->cap = (uint32_t)cap;
	list->v[list->n++] = n;
	return 0;
}

static int
imp_add_names(importer *imp, imp_names *list, core_column c, int split)
{
	void *ctx[2] = {imp, list};

	/* Some rows write "N/A" for an unknown writer; it names nobody. */
	if (LEN(imp, c) == 0 || strcasecmp(VAL(imp, c), "N/A") == 0) {
		return 0;
	}
	if (split) {
		return core_norm_split_people(
		    VAL(imp, c), LEN(imp, c), imp_add_name, ctx);
	}
	return imp_add_name(ctx, VAL(imp, c), LEN(imp, c));
}

/* Finds or creates the film of the current row; stores its index. */
static int
imp_film_of_row(
    importer *imp, const char *title_norm, unsigned year, uint32_t *index)
{
	imp_film *f;
	uint32_t *found;
	char suffix[16];
	size_t n = 0;
	int rv;

	/* The key drops spaces, so "Season 1ep105" and "Season 1 ep105"
	 * group together; the year keeps remakes apart. */
	core_buf_reset(&imp->tmp);
	for (const char *p = title_norm; *p != '\0'; p++) {
		if (*p != ' ' && (rv = core_buf_putc(&imp->tmp, *p)) != 0) {
			return rv;
		}
	}
	n = (size_t)snprintf(suffix, sizeof(suffix), "\x1f%u", year);
	if ((rv = core_buf_append(&imp->tmp, suffix, n)) != 0) {
		return rv;
	}

	if ((found = core_map_get(
	         &imp->films_by_key, imp->tmp.data, imp->tmp.len))) {
		*index = *found;
		return 0;
	}

	if ((rv = core_array_grow((void **)&imp->films, &imp->capfilms,
	         imp->nfilms, sizeof(*imp->films))) != 0) {
		return rv;
	}
	f = &imp->films[imp->nfilms];
	memset(f, 0, sizeof(*f));
	f->key = imp_intern(imp, imp->tmp.data, imp->tmp.len);
	f->title = imp_intern(imp, VAL(imp, COL_TITLE), LEN(imp, COL_TITLE));
	f->title_norm = title_norm;
	f->year = year;
	f->first_loc = IMP_NONE;
	f->last_loc = IMP_NONE;
	if (f->key == NULL || f->title == NULL) {
		return CORE_ENOMEM;
	}
	if ((rv = core_map_put(&imp->films_by_key, f->key, imp->tmp.len,
	         (uint32_t)imp->nfilms)) != 0) {
		return rv;
	}
	*index = (uint32_t)imp->nfilms++;
	return 0;
}

static int
imp_row_names(importer *imp, imp_film *f)
{
	int rv;

	if ((rv = imp_add_names(
	         imp, &f->lists[LIST_DIRECTORS], COL_DIRECTOR, 1)) != 0 ||
	    (rv = imp_add_names(imp, &f->lists[LIST_WRITERS], COL_WRITER, 1)) !=
	        0 ||
	    (rv = imp_add_names(imp, &f->lists[LIST_ACTORS], COL_ACTOR1, 0)) !=
	        0 ||
	    (rv = imp_add_names(imp, &f->lists[LIST_ACTORS], COL_ACTOR2, 0)) !=
	        0 ||
	    (rv = imp_add_names(imp, &f->lists[LIST_ACTORS], COL_ACTOR3, 0)) !=
	        0 ||
	    (rv = imp_add_names(
	         imp, &f->lists[LIST_COMPANIES], COL_COMPANY, 0)) != 0) {
		return rv;
	}
	return imp_add_names(
	    imp, &f->lists[LIST_DISTRIBUTORS], COL_DISTRIBUTOR, 0);
}

/*
 * Reads the row's point from Latitude and Longitude, else from the WKT
 * Point column. Returns 1 with a point, 0 without one. Text that does not
 * parse counts as an invalid point, and (0, 0) as none.
 */
static int
imp_row_point(importer *imp, double *lat, double *lng)
{
	const char *la = VAL(imp, COL_LATITUDE);
	const char *lo = VAL(imp, COL_LONGITUDE);
	const char *pt = VAL(imp, COL_POINT);
	int ok = 0;

	if (la[0] != '\0' || lo[0] != '\0') {
		ok = core_parse_degrees(la, 90, lat) == 0 &&
		    core_parse_degrees(lo, 180, lng) == 0;
	}
	if (!ok && pt[0] != '\0') {
		ok = core_parse_wkt_point(pt, lat, lng) == 0;
	}
	if (!ok && (la[0] != '\0' || lo[0] != '\0' || pt[0] != '\0')) {
		imp->st->invalid_points++;
	}
	return ok && !(*lat == 0 && *lng == 0);
}

/* Appends a fun fact to a location unless it is empty or already there. */
static int
imp_add_fun_fact(imp_loc *l, const char *fact, size_t len)
{
	core_buf *b = &l->fun_facts;
	int rv;

	if (len == 0) {
		return 0;
	}
	for (const char *p = b->data; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t cur = nl ? (size_t)(nl - p) : strlen(p);

		if (cur == len && memcmp(p, fact, len) == 0) {
			return 0;
		}
		p += cur + (nl != NULL);
	}
	if (b->len > 0 && (rv = core_buf_putc(b, '\n')) != 0) {
		return rv;
	}
	return core_buf_append(b, fact, len);
}

static int
imp_new_location(
    importer *imp, uint32_t film, const char *norm, uint32_t *index)
{
	imp_film *f = &imp->films[film];
	imp_loc *l;
	int rv;

	if ((rv = core_array_grow((void **)&imp->locs, &imp->caplocs,
	         imp->nlocs, sizeof(*imp->locs))) != 0) {
		return rv;
	}
	*index = (uint32_t)imp->nlocs;
	l = &imp->locs[imp->nlocs++];
	memset(l, 0, sizeof(*l));
	l->next = IMP_NONE;
	l->norm = norm;
	l->text =
	    imp_intern(imp, VAL(imp, COL_LOCATION), LEN(imp, COL_LOCATION));
	l->neighborhood = imp_intern(
	    imp, VAL(imp, COL_NEIGHBORHOOD), LEN(imp, COL_NEIGHBORHOOD));
	l->district = (uint8_t)core_parse_district(VAL(imp, COL_DISTRICT));
	if (l->text == NULL || l->neighborhood == NULL) {
		return CORE_ENOMEM;
	}

	if (f->last_loc == IMP_NONE) {
		f->first_loc = *index;
	} else {
		imp->locs[f->last_loc].next = *index;
	}
	f->last_loc = *index;
	f->nlocs++;
	return 0;
}

/*
 * Adds the row's location to its film, or folds the row into the film's
 * location with the same matching text: the fun facts are joined and a
 * missing point is filled in.
 */
static int
imp_add_location(importer *imp, uint32_t film)
{
	const char *norm;
	const char *key;
	uint32_t *found;
	uint32_t index;
	imp_loc *l;
	double lat, lng;
	int rv;

	if ((rv = imp_norm(imp, VAL(imp, COL_LOCATION), LEN(imp, COL_LOCATION),
	         &norm)) != 0) {
		return rv;
	}

	core_buf_reset(&imp->tmp);
	if ((rv = core_buf_append(
	         &imp->tmp, (const char *)&film, sizeof(film))) != 0 ||
	    (rv = core_buf_append(&imp->tmp, norm, strlen(norm))) != 0) {
		return rv;
	}

	if ((found = core_map_get(
	         &imp->locs_by_key, imp->tmp.data, imp->tmp.len)) != NULL) {
		index = *found;
		imp->st->merged++;
	} else {
		if ((key = imp_intern(imp, imp->tmp.data, imp->tmp.len)) ==
		    NULL) {
			return CORE_ENOMEM;
		}
		if ((rv = core_map_put(&imp->locs_by_key, key, imp->tmp.len,
		         (uint32_t)imp->nlocs)) != 0 ||
		    (rv = imp_new_location(imp, film, norm, &index)) != 0) {
			return rv;
		}
	}

	/* Every row's point is read, so that invalid coordinate text on a
	 * row whose location already has a point is still counted. */
	l = &imp->locs[index];
	if (imp_row_point(imp, &lat, &lng) &&
	    !(l->flags & CORE_LOC_HAS_POINT)) {
		l->lat = lat;
		l->lng = lng;
		l->flags |= CORE_LOC_HAS_POINT;
	}
	return imp_add_fun_fact(
	    l, VAL(imp, COL_FUN_FACTS), LEN(imp, COL_FUN_FACTS));
}

/* Imports one data record: validates, cleans, groups. Rejections are
 * counted in the stats; only resource errors are returned. */
static int
imp_row(importer *imp, const core_csv_record *rec)
{
	const char *title_norm;
	unsigned year = 0;
	uint32_t film;
	int rv;

	if (rec->nfields != imp->nfields) {
		imp_reject(imp, "line %zu: %zu fields, but the header has %zu",
		    rec->line, rec->nfields, imp->nfields);
		return 0;
	}
	if ((rv = imp_clean_fields(imp, rec)) != 0) {
		return rv;
	}
	if ((rv = imp_norm(imp, VAL(imp, COL_TITLE), LEN(imp, COL_TITLE),
	         &title_norm)) != 0) {
		return rv;
	}
	if (title_norm[0] == '\0') {
		imp_reject(imp,
		    "line %zu: Title is empty or has no letters "
		    "or digits",
		    rec->line);
		return 0;
	}
	if (LEN(imp, COL_YEAR) > 0 &&
	    core_parse_year(VAL(imp, COL_YEAR), &year) != 0) {
		imp_reject(imp,
		    "line %zu: invalid Release Year \"%.20s\", "
		    "expected a year from 1800 to 2100",
		    rec->line, VAL(imp, COL_YEAR));
		return 0;
	}

	if ((rv = imp_is_duplicate(imp)) != 0) {
		if (rv == 1) {
			imp->st->duplicates++;
			return 0;
		}
		return rv;
	}
	if ((rv = imp_film_of_row(imp, title_norm, year, &film)) != 0 ||
	    (rv = imp_row_names(imp, &imp->films[film])) != 0) {
		return rv;
	}
	if (LEN(imp, COL_LOCATION) == 0) {
		imp->st->rows_without_location++;
		return 0;
	}
	return imp_add_location(imp, film);
}

static int
imp_read_header(importer *imp, core_csv *csv)
{
	core_csv_record rec;
	int rv;

	if ((rv = core_csv_next(csv, &rec)) <= 0) {
		imp_set_error(imp, "cannot read the header: %s",
		    rv == 0 ? "the file is empty" : core_csv_error(csv));
		return rv == 0 ? CORE_ESYNTAX : rv;
	}
	imp->nfields = rec.nfields;
	imp->st->columns_used =
	    core_columns_map(rec.fields, rec.nfields, imp->pos);
	imp->st->missing_columns[0] = '\0';
	if (imp->pos[COL_TITLE] < 0) {
		imp_set_error(imp,
		    "the header has no Title column; expected "
		    "a DataSF film locations export");
		return CORE_ENOTFOUND;
	}
	for (int c = 0; c < COL_COUNT; c++) {
		char *m = imp->st->missing_columns;
		size_t used = strlen(m);

		if (imp->pos[c] < 0) {
			snprintf(m + used,
			    sizeof(imp->st->missing_columns) - used, "%s%s",
			    used ? ", " : "", core_column_names[c]);
		}
	}
	return 0;
}

static int
imp_read_rows(importer *imp, core_csv *csv)
{
	core_csv_record rec;
	int rv;

	while ((rv = core_csv_next(csv, &rec)) != 0) {
		if (rv == CORE_ESYNTAX) {
			imp_set_error(imp, "%s", core_csv_error(csv));
			return rv;
		}
		imp->st->rows_read++;
		if (rv < 0) {
			imp_reject(imp, "%s", core_csv_error(csv));
			continue;
		}
		if ((rv = imp_row(imp, &rec)) != 0) {
			imp_set_error(imp, "cannot import line %zu: %s",
			    rec.line, core_strerror(rv));
			return rv;
		}
	}
	return 0;
}

typedef struct imp_order {
	const char *key; /* ends with the year, so equal keys are one film */
	uint32_t film;
} imp_order;

static int
imp_order_cmp(const void *a, const void *b)
{
	return strcmp(((const imp_order *)a)->key, ((const imp_order *)b)->key);
}

static int
imp_copy_names(importer *imp, const imp_names *src, core_name_list *dst)
{
	core_name *v = NULL;

	if (src->n > 0) {
		if ((v = core_arena_alloc(
		         &imp->ds->arena, src->n * sizeof(*v))) == NULL) {
			return CORE_ENOMEM;
		}
		memcpy(v, src->v, src->n * sizeof(*v));
	}
	dst->v = v;
	dst->n = src->n;
	return 0;
}

/* Builds "vertigo-1958" from the matching title and year. */
static const char *
imp_slug(importer *imp, const imp_film *f)
{
	char year[16] = "";
	size_t len = strlen(f->title_norm);
	char *slug;

	if (f->year != 0) {
		snprintf(year, sizeof(year), "-%u", f->year);
	}
	if ((slug = core_arena_alloc(
	         &imp->ds->arena, len + strlen(year) + 1)) == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		slug[i] = f->title_norm[i] == ' ' ? '-' : f->title_norm[i];
	}
	strcpy(slug + len, year);
	return slug;
}

static int
imp_layout_film(
    importer *imp, const imp_film *src, core_film *dst, uint32_t film_index)
{
	core_dataset *ds = imp->ds;
	uint64_t year = src->year;
	int rv;

	dst->title = src->title;
	dst->year = (uint16_t)src->year;
	dst->first_location = (uint32_t)ds->nlocations;
	dst->nlocations = src->nlocs;
	dst->id = core_hash64(src->key, strlen(src->key), year);
	if ((dst->slug = imp_slug(imp, src)) == NULL) {
		return CORE_ENOMEM;
	}
	if ((rv = imp_copy_names(
	         imp, &src->lists[LIST_DIRECTORS], &dst->directors)) != 0 ||
	    (rv = imp_copy_names(
	         imp, &src->lists[LIST_WRITERS], &dst->writers)) != 0 ||
	    (rv = imp_copy_names(
	         imp, &src->lists[LIST_ACTORS], &dst->actors)) != 0 ||
	    (rv = imp_copy_names(
	         imp, &src->lists[LIST_COMPANIES], &dst->companies)) != 0 ||
	    (rv = imp_copy_names(imp, &src->lists[LIST_DISTRIBUTORS],
	         &dst->distributors)) != 0) {
		return rv;
	}

	for (uint32_t i = src->first_loc; i != IMP_NONE;
	     i = imp->locs[i].next) {
		const imp_loc *l = &imp->locs[i];
		core_location *out = &ds->locations[ds->nlocations++];
		const char *ff = l->fun_facts.data ? l->fun_facts.data : "";

		out->film = film_index;
		out->text = l->text;
		out->neighborhood = l->neighborhood;
		out->lat = l->lat;
		out->lng = l->lng;
		out->district = l->district;
		out->flags = l->flags;
		if ((l->flags & CORE_LOC_HAS_POINT) &&
		    (l->lat < CORE_SF_SOUTH || l->lat > CORE_SF_NORTH ||
		        l->lng < CORE_SF_WEST || l->lng > CORE_SF_EAST)) {
			out->flags |= CORE_LOC_OUTSIDE_SF;
		}
		out->id = core_hash64(l->norm, strlen(l->norm), dst->id);
		if ((out->fun_facts = imp_intern(imp, ff, strlen(ff))) ==
		    NULL) {
			return CORE_ENOMEM;
		}
	}
	return 0;
}

/* Lays the films out sorted by key, each followed by its locations. */
static int
imp_layout(importer *imp)
{
	core_dataset *ds = imp->ds;
	imp_order *order;
	int rv = 0;

	ds->films = calloc(imp->nfilms ? imp->nfilms : 1, sizeof(*ds->films));
	ds->locations =
	    calloc(imp->nlocs ? imp->nlocs : 1, sizeof(*ds->locations));
	order = malloc((imp->nfilms ? imp->nfilms : 1) * sizeof(*order));
	if (ds->films == NULL || ds->locations == NULL || order == NULL) {
		free(order);
		return CORE_ENOMEM;
	}
	ds->heap_bytes += imp->nfilms * sizeof(*ds->films) +
	    imp->nlocs * sizeof(*ds->locations);

	for (size_t i = 0; i < imp->nfilms; i++) {
		order[i].key = imp->films[i].key;
		order[i].film = (uint32_t)i;
	}
	qsort(order, imp->nfilms, sizeof(*order), imp_order_cmp);

	for (size_t i = 0; i < imp->nfilms && rv == 0; i++) {
		rv = imp_layout_film(imp, &imp->films[order[i].film],
		    &ds->films[i], (uint32_t)i);
	}
	ds->nfilms = imp->nfilms;
	free(order);
	return rv;
}

static void
imp_count(importer *imp)
{
	core_import_stats *st = imp->st;
	core_dataset *ds = imp->ds;

	st->films = ds->nfilms;
	st->locations = ds->nlocations;
	for (size_t i = 0; i < ds->nlocations; i++) {
		uint8_t flags = ds->locations[i].flags;

		st->located += (flags & CORE_LOC_HAS_POINT) != 0;
		st->outside_sf += (flags & CORE_LOC_OUTSIDE_SF) != 0;
	}
	st->unlocated = st->locations - st->located;
}

static void
imp_free(importer *imp)
{
	for (int c = 0; c < COL_COUNT; c++) {
		core_buf_free(&imp->val[c]);
	}
	core_buf_free(&imp->tmp);
	core_map_free(&imp->rows);
	core_map_free(&imp->films_by_key);
	core_map_free(&imp->locs_by_key);
	for (size_t i = 0; i < imp->nfilms; i++) {
		for (int l = 0; l < LIST_COUNT; l++) {
			free(imp->films[i].lists[l].v);
		}
	}
	for (size_t i = 0; i < imp->nlocs; i++) {
		core_buf_free(&imp->locs[i].fun_facts);
	}
	free(imp->films);
	free(imp->locs);
}

static int
imp_run(
    importer *imp, const char *csv, size_t len, const core_enrichment *extra)
{
	core_csv *reader;
	int rv;

	if ((rv = core_csv_open(&reader, csv, len)) != 0) {
		imp_set_error(
		    imp, "cannot read the CSV: %s", core_strerror(rv));
		return rv;
	}
	if ((rv = imp_read_header(imp, reader)) == 0) {
		rv = imp_read_rows(imp, reader);
	}
	core_csv_free(reader);
	if (rv != 0) {
		return rv;
	}

	if ((rv = imp_layout(imp)) != 0 ||
	    (rv = core_enrich_apply(imp->ds, extra, imp->st)) != 0 ||
	    (rv = core_index_build(imp->ds)) != 0 ||
	    (rv = core_enrich_index(imp->ds)) != 0) {
		imp_set_error(
		    imp, "cannot build the dataset: %s", core_strerror(rv));
		return rv;
	}
	imp_count(imp);
	return 0;
}

int
core_dataset_import(core_dataset **out, const char *csv, size_t len,
    core_import_stats *stats, char *err, size_t errlen)
{
	return core_dataset_import_ex(out, csv, len, NULL, stats, err, errlen);
}

int
core_dataset_import_ex(core_dataset **out, const char *csv, size_t len,
    const core_enrichment *extra, core_import_stats *stats, char *err,
    size_t errlen)
{
	core_import_stats scratch;
	importer imp;
	int rv;

	memset(&imp, 0, sizeof(imp));
	imp.st = stats != NULL ? stats : &scratch;
	imp.err = err;
	imp.errlen = errlen;
	memset(imp.st, 0, sizeof(*imp.st));
	if (errlen > 0) {
		err[0] = '\0';
	}
	if ((imp.ds = calloc(1, sizeof(*imp.ds))) == NULL) {
		imp_set_error(&imp, "out of memory");
		return CORE_ENOMEM;
	}

	rv = imp_run(&imp, csv, len, extra);
	imp_free(&imp);
	if (rv != 0) {
		core_dataset_free(imp.ds);
		return rv;
	}
	*out = imp.ds;
	return 0;
}

void
core_dataset_free(core_dataset *ds)
{
	if (ds == NULL) {
		return;
	}
	core_index_free(ds);
	free(ds->films);
	free(ds->locations);
	core_arena_free(&ds->arena);
	free(ds);
}

const core_film *
core_dataset_films(const core_dataset *ds, size_t *n)
{
	*n = ds->nfilms;
	return ds->films;
}

const core_location *
core_dataset_locations(const core_dataset *ds, size_t *n)
{
	*n = ds->nlocations;
	return ds->locations;
}

size_t
core_dataset_memory(const core_dataset *ds)
{
	return ds->heap_bytes + ds->arena.total;
}
