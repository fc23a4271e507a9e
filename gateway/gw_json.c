#include "gw_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_err.h"
#include "core_json.h"

/* A writer that remembers the first error, so that encoders read as a list
 * of fields; every call after an error does nothing. */
typedef struct gw_jw {
	core_buf *b;
	int rv;
} gw_jw;

static void
gw_jw_raw(gw_jw *w, const char *s)
{
	if (w->rv == 0) {
		w->rv = core_buf_append(w->b, s, strlen(s));
	}
}

static void
gw_jw_str(gw_jw *w, const char *s)
{
	if (w->rv == 0) {
		w->rv = core_json_cstr(w->b, s);
	}
}

/* A string, or null when it is empty. */
static void
gw_jw_str_or_null(gw_jw *w, const char *s)
{
	if (s == NULL || *s == '\0') {
		gw_jw_raw(w, "null");
	} else {
		gw_jw_str(w, s);
	}
}

static void
gw_jw_uint(gw_jw *w, uint64_t v)
{
	if (w->rv == 0) {
		w->rv = core_json_printf(w->b, "%llu", (unsigned long long)v);
	}
}

static void
gw_jw_uint_or_null(gw_jw *w, uint64_t v)
{
	if (v == 0) {
		gw_jw_raw(w, "null");
	} else {
		gw_jw_uint(w, v);
	}
}

static void
gw_jw_double(gw_jw *w, double v)
{
	if (w->rv == 0) {
		w->rv = gw_json_double(w->b, v);
	}
}

static void
gw_jw_bool(gw_jw *w, int v)
{
	gw_jw_raw(w, v ? "true" : "false");
}

static void
gw_jw_strings(gw_jw *w, char *const *v, size_t n)
{
	gw_jw_raw(w, "[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			gw_jw_raw(w, ",");
		}
		gw_jw_str(w, v[i]);
	}
	gw_jw_raw(w, "]");
}

int
gw_json_double(core_buf *b, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		return core_buf_append(b, "null", 4);
	}
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v) {
		snprintf(buf, sizeof(buf), "%.17g", v);
	}
	return core_buf_append(b, buf, strlen(buf));
}

static void
gw_jw_film(gw_jw *w, const Sfmovies__Film *f)
{
	gw_jw_raw(w, "{\"id\":");
	gw_jw_str(w, f->id);
	gw_jw_raw(w, ",\"slug\":");
	gw_jw_str(w, f->slug);
	gw_jw_raw(w, ",\"title\":");
	gw_jw_str(w, f->title);
	gw_jw_raw(w, ",\"year\":");
	gw_jw_uint_or_null(w, f->year);
	gw_jw_raw(w, ",\"directors\":");
	gw_jw_strings(w, f->directors, f->n_directors);
	gw_jw_raw(w, ",\"writers\":");
	gw_jw_strings(w, f->writers, f->n_writers);
	gw_jw_raw(w, ",\"actors\":");
	gw_jw_strings(w, f->actors, f->n_actors);
	gw_jw_raw(w, ",\"companies\":");
	gw_jw_strings(w, f->companies, f->n_companies);
	gw_jw_raw(w, ",\"distributors\":");
	gw_jw_strings(w, f->distributors, f->n_distributors);
	gw_jw_raw(w, ",\"location_count\":");
	gw_jw_uint(w, f->location_count);
	gw_jw_raw(w, ",\"imdb_id\":");
	gw_jw_str_or_null(w, f->imdb_id);
	gw_jw_raw(w, ",\"plot\":");
	gw_jw_str_or_null(w, f->plot);
	gw_jw_raw(w, ",\"genre\":");
	gw_jw_str_or_null(w, f->genre);
	gw_jw_raw(w, ",\"runtime\":");
	gw_jw_str_or_null(w, f->runtime);
	gw_jw_raw(w, ",\"rated\":");
	gw_jw_str_or_null(w, f->rated);
	gw_jw_raw(w, ",\"imdb_rating\":");
	gw_jw_str_or_null(w, f->imdb_rating);
	gw_jw_raw(w, ",\"poster\":");
	gw_jw_str_or_null(w, f->poster);
	gw_jw_raw(w, "}");
}

static void
gw_jw_location(gw_jw *w, const Sfmovies__Location *l, int with_distance)
{
	gw_jw_raw(w, "{\"id\":");
	gw_jw_str(w, l->id);
	gw_jw_raw(w, ",\"film_id\":");
	gw_jw_str(w, l->film_id);
	gw_jw_raw(w, ",\"film_title\":");
	gw_jw_str(w, l->film_title);
	gw_jw_raw(w, ",\"film_year\":");
	gw_jw_uint_or_null(w, l->film_year);
	gw_jw_raw(w, ",\"text\":");
	gw_jw_str(w, l->text);
	gw_jw_raw(w, ",\"fun_facts\":");
	gw_jw_str_or_null(w, l->fun_facts);
	gw_jw_raw(w, ",\"neighborhood\":");
	gw_jw_str_or_null(w, l->neighborhood);
	gw_jw_raw(w, ",\"district\":");
	gw_jw_uint_or_null(w, l->district);
	gw_jw_raw(w, ",\"lat\":");
	if (l->has_point) {
		gw_jw_double(w, l->lat);
	} else {
		gw_jw_raw(w, "null");
	}
	gw_jw_raw(w, ",\"lng\":");
	if (l->has_point) {
		gw_jw_double(w, l->lng);
	} else {
		gw_jw_raw(w, "null");
	}
	gw_jw_raw(w, ",\"outside_sf\":");
	gw_jw_bool(w, l->outside_sf);
	if (with_distance) {
		gw_jw_raw(w, ",\"distance_m\":");
		gw_jw_double(w, l->distance_m);
	}
	gw_jw_raw(w, ",\"point_source\":");
	gw_jw_str_or_null(w, l->point_source);
	gw_jw_raw(w, ",\"accuracy\":");
	gw_jw_str_or_null(w, l->accuracy);
	gw_jw_raw(w, "}");
}

static void
gw_jw_locations(
    gw_jw *w, Sfmovies__Location *const *v, size_t n, int with_distance)
{
	gw_jw_raw(w, "[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			gw_jw_raw(w, ",");
		}
		gw_jw_location(w, v[i], with_distance);
	}
	gw_jw_raw(w, "]");
}

static void
gw_jw_film_hit(gw_jw *w, const Sfmovies__FilmHit *h)
{
	gw_jw_raw(w, "{\"film\":");
	if (h->film != NULL) {
		gw_jw_film(w, h->film);
	} else {
		gw_jw_raw(w, "null");
	}
	gw_jw_raw(w, ",\"locations\":");
	gw_jw_locations(w, h->locations, h->n_locations, 0);
	gw_jw_raw(w, ",\"score\":");
	gw_jw_uint(w, h->score);
	gw_jw_raw(w, "}");
}

static void
gw_jw_suggestion(gw_jw *w, const Sfmovies__Suggestion *s)
{
	gw_jw_raw(w, "{\"text\":");
	gw_jw_str(w, s->text);
	gw_jw_raw(w, ",\"kind\":");
	gw_jw_str(w, s->kind);
	gw_jw_raw(w, ",\"films\":");
	gw_jw_uint(w, s->films);
	gw_jw_raw(w, "}");
}

int
gw_json_film(core_buf *b, const Sfmovies__Film *f)
{
	gw_jw w = {b, 0};

	gw_jw_film(&w, f);
	return w.rv;
}

int
gw_json_location(core_buf *b, const Sfmovies__Location *l, int with_distance)
{
	gw_jw w = {b, 0};

	gw_jw_location(&w, l, with_distance);
	return w.rv;
}

int
gw_json_film_hit(core_buf *b, const Sfmovies__FilmHit *h)
{
	gw_jw w = {b, 0};

	gw_jw_film_hit(&w, h);
	return w.rv;
}

int
gw_json_suggestion(core_buf *b, const Sfmovies__Suggestion *s)
{
	gw_jw w = {b, 0};

	gw_jw_suggestion(&w, s);
	return w.rv;
}

int
gw_json_search_reply(core_buf *b, const Sfmovies__SearchReply *r,
    const Sfmovies__SearchRequest *req)
{
	gw_jw w = {b, 0};

	gw_jw_raw(&w, "{\"total\":");
	gw_jw_uint(&w, r->total);
	gw_jw_raw(&w, ",\"offset\":");
	gw_jw_uint(&w, req->offset);
	gw_jw_raw(&w, ",\"limit\":");
	gw_jw_uint(&w, req->limit);
	gw_jw_raw(&w, ",\"hits\":[");
	for (size_t i = 0; i < r->n_hits; i++) {
		if (i > 0) {
			gw_jw_raw(&w, ",");
		}
		gw_jw_film_hit(&w, r->hits[i]);
	}
	gw_jw_raw(&w, "]}");
	return w.rv;
}

int
gw_json_complete_reply(core_buf *b, const Sfmovies__CompleteReply *r,
    const Sfmovies__CompleteRequest *req)
{
	gw_jw w = {b, 0};

	gw_jw_raw(&w, "{\"term\":");
	gw_jw_str(&w, req->term);
	gw_jw_raw(&w, ",\"suggestions\":[");
	for (size_t i = 0; i < r->n_suggestions; i++) {
		if (i > 0) {
			gw_jw_raw(&w, ",");
		}
		gw_jw_suggestion(&w, r->suggestions[i]);
	}
	gw_jw_raw(&w, "]}");
	return w.rv;
}

int
gw_json_locations_reply(
    core_buf *b, const Sfmovies__LocationsReply *r, int with_distance)
{
	gw_jw w = {b, 0};

	gw_jw_raw(&w, "{\"total\":");
	gw_jw_uint(&w, r->total);
	gw_jw_raw(&w, ",\"locations\":");
	gw_jw_locations(&w, r->locations, r->n_locations, with_distance);
	gw_jw_raw(&w, "}");
	return w.rv;
}

int
gw_json_film_reply(core_buf *b, const Sfmovies__FilmReply *r)
{
	gw_jw w = {b, 0};

	gw_jw_raw(&w, "{\"film\":");
	gw_jw_film(&w, r->film);
	gw_jw_raw(&w, ",\"locations\":");
	gw_jw_locations(&w, r->locations, r->n_locations, 0);
	gw_jw_raw(&w, "}");
	return w.rv;
}

int
gw_json_location_reply(core_buf *b, const Sfmovies__LocationReply *r)
{
	gw_jw w = {b, 0};

	gw_jw_raw(&w, "{\"location\":");
	gw_jw_location(&w, r->location, 0);
	gw_jw_raw(&w, ",\"film\":");
	gw_jw_film(&w, r->film);
	gw_jw_raw(&w, "}");
	return w.rv;
}

int
gw_json_status_reply(core_buf *b, const Sfmovies__StatusReply *s)
{
	gw_jw w = {b, 0};

	gw_jw_raw(&w, "{\"node_id\":");
	gw_jw_str(&w, s->node_id);
	gw_jw_raw(&w, ",\"dataset_version\":");
	gw_jw_str(&w, s->dataset_version);
	gw_jw_raw(&w, ",\"uptime_ms\":");
	gw_jw_uint(&w, s->uptime_ms);
	gw_jw_raw(&w, ",\"queries\":");
	gw_jw_uint(&w, s->queries);
	gw_jw_raw(&w, ",\"errors\":");
	gw_jw_uint(&w, s->errors);
	gw_jw_raw(&w, ",\"films\":");
	gw_jw_uint(&w, s->films);
	gw_jw_raw(&w, ",\"locations\":");
	gw_jw_uint(&w, s->locations);
	gw_jw_raw(&w, "}");
	return w.rv;
}

int
gw_json_error(core_buf *b, const gw_error *err)
{
	gw_jw w = {b, 0};

	gw_jw_raw(&w, "{\"error\":{\"status\":");
	gw_jw_uint(&w, (uint64_t)err->status);
	gw_jw_raw(&w, ",\"code\":");
	gw_jw_str(&w, err->code);
	if (err->parameter != NULL) {
		gw_jw_raw(&w, ",\"parameter\":");
		gw_jw_str(&w, err->parameter);
	}
	gw_jw_raw(&w, ",\"message\":");
	gw_jw_str(&w, err->message);
	gw_jw_raw(&w, "}}");
	return w.rv;
}

static int
gw_json_search_payload(
    core_buf *b, const gw_query *q, const uint8_t *p, size_t len)
{
	Sfmovies__SearchReply *r = sfmovies__search_reply__unpack(NULL, len, p);
	int rv;

	if (r == NULL) {
		return CORE_ESYNTAX;
	}
	rv = gw_json_search_reply(b, r, &q->req.search);
	sfmovies__search_reply__free_unpacked(r, NULL);
	return rv;
}

static int
gw_json_complete_payload(
    core_buf *b, const gw_query *q, const uint8_t *p, size_t len)
{
	Sfmovies__CompleteReply *r =
	    sfmovies__complete_reply__unpack(NULL, len, p);
	int rv;

	if (r == NULL) {
		return CORE_ESYNTAX;
	}
	rv = gw_json_complete_reply(b, r, &q->req.complete);
	sfmovies__complete_reply__free_unpacked(r, NULL);
	return rv;
}

static int
gw_json_locations_payload(
    core_buf *b, const gw_query *q, const uint8_t *p, size_t len)
{
	Sfmovies__LocationsReply *r =
	    sfmovies__locations_reply__unpack(NULL, len, p);
	int rv;

	if (r == NULL) {
		return CORE_ESYNTAX;
	}
	rv = gw_json_locations_reply(b, r, q->ep == GW_EP_NEAR);
	sfmovies__locations_reply__free_unpacked(r, NULL);
	return rv;
}

static int
gw_json_film_payload(core_buf *b, const uint8_t *p, size_t len)
{
	Sfmovies__FilmReply *r = sfmovies__film_reply__unpack(NULL, len, p);
	int rv = CORE_ESYNTAX;

	if (r == NULL) {
		return CORE_ESYNTAX;
	}
	if (r->film != NULL) {
		rv = gw_json_film_reply(b, r);
	}
	sfmovies__film_reply__free_unpacked(r, NULL);
	return rv;
}

static int
gw_json_location_payload(core_buf *b, const uint8_t *p, size_t len)
{
	Sfmovies__LocationReply *r =
	    sfmovies__location_reply__unpack(NULL, len, p);
	int rv = CORE_ESYNTAX;

	if (r == NULL) {
		return CORE_ESYNTAX;
	}
	if (r->location != NULL && r->film != NULL) {
		rv = gw_json_location_reply(b, r);
	}
	sfmovies__location_reply__free_unpacked(r, NULL);
	return rv;
}

int
gw_json_reply(
    core_buf *b, const gw_query *q, const uint8_t *payload, size_t len)
{
	switch (q->ep) {
	case GW_EP_SEARCH:
		return gw_json_search_payload(b, q, payload, len);
	case GW_EP_COMPLETE:
		return gw_json_complete_payload(b, q, payload, len);
	case GW_EP_NEAR:
	case GW_EP_BOX:
		return gw_json_locations_payload(b, q, payload, len);
	case GW_EP_MOVIE:
		return gw_json_film_payload(b, payload, len);
	case GW_EP_LOCATION:
	case GW_EP_SCENE:
		return gw_json_location_payload(b, payload, len);
	default:
		return CORE_EINVAL;
	}
}
