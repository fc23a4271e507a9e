#include "mgr_enrich.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mgr_geocode.h"
#include "mgr_http.h"
#include "mgr_omdb.h"
#include "mgr_poster.h"
#include "rpc_log.h"
#include "sfmovies.pb-c.h"

/* Without a terminal, progress is logged once per this many items. */
#define ENRICH_LOG_EVERY 50

/* Poster hosts are image CDNs; five requests a second is a modest load
 * by estimate, since they document no limit. */
#define ENRICH_POSTER_INTERVAL_MS 200

typedef struct enrich_progress {
	const char *label;
	size_t total;
	size_t done;
	int tty;
} enrich_progress;

static void
progress_start(enrich_progress *p, const char *label, size_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->tty = isatty(STDERR_FILENO);
}

static void
progress_step(enrich_progress *p)
{
	char done[24], total[24];

	p->done++;
	if (p->tty) {
		int width = 30;
		int filled = p->total
		    ? (int)(p->done * (size_t)width / p->total)
		    : width;

		fprintf(stderr, "\r%-10s %5zu/%-5zu [%.*s%*s]", p->label,
		    p->done, p->total, filled, "##############################",
		    width - filled, "");
		if (p->done == p->total) {
			fputc('\n', stderr);
		}
		return;
	}
	if (p->done % ENRICH_LOG_EVERY == 0 || p->done == p->total) {
		snprintf(done, sizeof(done), "%zu", p->done);
		snprintf(total, sizeof(total), "%zu", p->total);
		rpc_log_info("enrichment progress", "step", p->label, "done",
		    done, "total", total);
	}
}

/* The state of one build: the services and what they found. */
typedef struct enrich_run {
	const mgr_enrich_config *cfg;
	const core_dataset *ds;
	mgr_enrich_summary *sum;
	char posters[4096]; /* DATA/posters, or "" without a data folder */
	Sfmovies__Geocode *geocodes;
	Sfmovies__Geocode **geocode_ptrs;
	mgr_geocode_result *points;
	size_t ngeocodes;
	Sfmovies__FilmDetails *details;
	Sfmovies__FilmDetails **detail_ptrs;
	size_t ndetails;
} enrich_run;

static int
enrich_cmp_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Collects the distinct texts of locations without a point, sorted. */
static const char **
enrich_unlocated(const core_dataset *ds, size_t *n)
{
	size_t nl, count = 0;
	const core_location *locs = core_dataset_locations(ds, &nl);
	const char **texts = malloc((nl + 1) * sizeof(*texts));

	if (texts == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < nl; i++) {
		if (!(locs[i].flags & CORE_LOC_HAS_POINT) &&
		    locs[i].text[0] != '\0') {
			texts[count++] = locs[i].text;
		}
	}
	qsort(texts, count, sizeof(*texts), enrich_cmp_text);
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		if (*n == 0 || strcmp(texts[*n - 1], texts[i]) != 0) {
			texts[(*n)++] = texts[i];
		}
	}
	return texts;
}

static void
enrich_add_geocode(enrich_run *r, const char *text, const mgr_geocode_result *p)
{
	Sfmovies__Geocode *g = &r->geocodes[r->ngeocodes];

	r->points[r->ngeocodes] = *p;
	sfmovies__geocode__init(g);
	g->location = (char *)text;
	g->lat = p->lat;
	g->lng = p->lng;
	g->source = (char *)core_point_source_name(p->source);
	g->accuracy = r->points[r->ngeocodes].accuracy;
	r->geocode_ptrs[r->ngeocodes++] = g;
	r->sum->geocoded[p->source]++;
}

static int
enrich_geocode_all(enrich_run *r, mgr_geocoder *g)
{
	enrich_progress progress;
	const char **texts;
	size_t n;

	if ((texts = enrich_unlocated(r->ds, &n)) == NULL) {
		return -1;
	}
	r->sum->unlocated = n;
	r->geocodes = calloc(n + 1, sizeof(*r->geocodes));
	r->geocode_ptrs = calloc(n + 1, sizeof(*r->geocode_ptrs));
	r->points = calloc(n + 1, sizeof(*r->points));
	if (r->geocodes == NULL || r->geocode_ptrs == NULL ||
	    r->points == NULL) {
		free(texts);
		return -1;
	}

	progress_start(&progress, "geocoding", n);
	for (size_t i = 0; i < n; i++) {
		mgr_geocode_result p;
		int rv = mgr_geocoder_lookup(g, texts[i], &p);

		if (rv == MGR_GEOCODE_FOUND) {
			enrich_add_geocode(r, texts[i], &p);
		} else if (rv == MGR_GEOCODE_NONE) {
			r->sum->geocode_none++;
		} else {
			r->sum->geocode_failed++;
		}
		progress_step(&progress);
	}
	free(texts);
	return 0;
}

static int
enrich_geocode(enrich_run *r, char *err, size_t errlen)
{
	const mgr_enrich_config *cfg = r->cfg;
	mgr_geocode_config gc = {0};
	mgr_geocode_stats st;
	mgr_geocoder *g;
	char path[4096];
	char why[1024];
	int rv;

	if (cfg->data_dir != NULL) {
		snprintf(path, sizeof(path), "%s/geocodes.json", cfg->data_dir);
		gc.cache_path = path;
	}
	gc.seed_path = cfg->geocode_seed;
	gc.google_key = getenv("GOOGLE_MAPS_API_KEY");
	gc.offline = (gc.google_key == NULL || gc.google_key[0] == '\0') &&
	    !cfg->use_nominatim;
	gc.google_url = cfg->google_url;
	gc.nominatim_url = cfg->nominatim_url;
	gc.interval_ms = cfg->interval_ms;
	gc.timeout_ms = cfg->timeout_ms;
	gc.attempts = cfg->attempts;
	gc.backoff_ms = cfg->backoff_ms;
	if (mgr_geocoder_open(&g, &gc, err, errlen) != 0) {
		return -1;
	}
	if ((rv = enrich_geocode_all(r, g)) != 0) {
		snprintf(err, errlen, "out of memory");
	} else if (mgr_geocoder_save(g, why, sizeof(why)) != 0) {
		rpc_log_error("cannot save the geocode cache", "error", why);
	}
	mgr_geocoder_stats(g, &st);
	r->sum->geocode_outside = st.outside;
	r->sum->requests += st.requests;
	mgr_geocoder_close(g);
	return rv;
}

/* Stores the film's poster when there is one to store and downloads are
 * on. Returns 1 when the poster file exists afterwards. */
static int
enrich_poster(
    enrich_run *r, mgr_http *h, const core_film *f, const mgr_omdb_details *d)
{
	char err[1024];
	char path[4200];
	struct stat st;

	if (r->posters[0] == '\0' || !mgr_poster_id_valid(d->imdb_id)) {
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s.jpg", r->posters, d->imdb_id);
	if (r->cfg->no_posters || d->poster_url[0] == '\0') {
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			return 0;
		}
		r->sum->posters++;
		return 1;
	}
	if (mgr_poster_fetch(h, r->posters, d->imdb_id, d->poster_url, err,
	        sizeof(err)) < 0) {
		r->sum->posters_failed++;
		rpc_log_warn("poster download failed, skipping it", "imdb_id",
		    d->imdb_id, "title", f->title, "error", err);
		return 0;
	}
	r->sum->posters++;
	return 1;
}

static void
enrich_add_details(enrich_run *r, const core_film *f, const mgr_omdb_details *d,
    int has_poster)
{
	Sfmovies__FilmDetails *out = &r->details[r->ndetails];

	sfmovies__film_details__init(out);
	out->title = (char *)f->title;
	out->year = f->year;
	out->imdb_id = (char *)d->imdb_id;
	out->plot = (char *)d->plot;
	out->genre = (char *)d->genre;
	out->runtime = (char *)d->runtime;
	out->rated = (char *)d->rated;
	out->imdb_rating = (char *)d->imdb_rating;
	out->has_poster = has_poster;
	r->detail_ptrs[r->ndetails++] = out;
	r->sum->films_with_details++;
}

static int
enrich_details_all(enrich_run *r, mgr_omdb *o, mgr_http *posters)
{
	size_t nf;
	const core_film *films = core_dataset_films(r->ds, &nf);
	enrich_progress progress;

	r->sum->films = nf;
	r->details = calloc(nf + 1, sizeof(*r->details));
	r->detail_ptrs = calloc(nf + 1, sizeof(*r->detail_ptrs));
	if (r->details == NULL || r->detail_ptrs == NULL) {
		return -1;
	}
	progress_start(&progress, "films", nf);
	for (size_t i = 0; i < nf; i++) {
		mgr_omdb_details d;
		int rv = mgr_omdb_lookup(o, films[i].title, films[i].year, &d);

		if (rv == MGR_OMDB_FOUND) {
			enrich_add_details(r, &films[i], &d,
			    enrich_poster(r, posters, &films[i], &d));
		} else if (rv == MGR_OMDB_FAILED) {
			r->sum->details_failed++;
		}
		progress_step(&progress);
	}
	return 0;
}

static int
enrich_cmp_details(const void *a, const void *b)
{
	const Sfmovies__FilmDetails *x = *(Sfmovies__FilmDetails *const *)a;
	const Sfmovies__FilmDetails *y = *(Sfmovies__FilmDetails *const *)b;
	int c = strcmp(x->title, y->title);

	return c != 0 ? c : (x->year > y->year) - (x->year < y->year);
}

/* Packs what the run found. The details' strings belong to the OMDb
 * client, so this runs before it closes. */
static int
enrich_pack(enrich_run *r, uint8_t **out, size_t *outlen)
{
	Sfmovies__Enrichment msg = SFMOVIES__ENRICHMENT__INIT;
	size_t size;

	*out = NULL;
	*outlen = 0;
	if (r->ngeocodes == 0 && r->ndetails == 0) {
		return 0;
	}
	qsort(r->detail_ptrs, r->ndetails, sizeof(*r->detail_ptrs),
	    enrich_cmp_details);
	msg.geocodes = r->geocode_ptrs;
	msg.n_geocodes = r->ngeocodes;
	msg.details = r->detail_ptrs;
	msg.n_details = r->ndetails;
	size = sfmovies__enrichment__get_packed_size(&msg);
	if ((*out = malloc(size ? size : 1)) == NULL) {
		return -1;
	}
	*outlen = sfmovies__enrichment__pack(&msg, *out);
	return 0;
}

static int
enrich_open_services(
    enrich_run *r, mgr_omdb **o, mgr_http **posters, char *err, size_t errlen)
{
	const mgr_enrich_config *cfg = r->cfg;
	mgr_omdb_config oc = {0};
	mgr_http_config hc = {0};
	char path[4096];

	if (cfg->data_dir != NULL) {
		snprintf(path, sizeof(path), "%s/omdb.json", cfg->data_dir);
		oc.cache_path = path;
	}
	oc.seed_path = cfg->omdb_seed;
	oc.api_key = getenv("OMDB_API_KEY");
	oc.url = cfg->omdb_url;
	oc.interval_ms = cfg->interval_ms;
	oc.timeout_ms = cfg->timeout_ms;
	oc.attempts = cfg->attempts;
	oc.backoff_ms = cfg->backoff_ms;
	if (mgr_omdb_open(o, &oc, err, errlen) != 0) {
		return -1;
	}

	hc.service = "posters";
	hc.min_interval_ms =
	    cfg->interval_ms ? cfg->interval_ms : ENRICH_POSTER_INTERVAL_MS;
	hc.timeout_ms = cfg->timeout_ms;
	hc.attempts = cfg->attempts;
	hc.backoff_ms = cfg->backoff_ms;
	hc.max_bytes = MGR_POSTER_MAX_BYTES;
	if (mgr_http_open(posters, &hc) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Prepares DATA/posters, or leaves r->posters empty when there is no
 * data folder. With no_posters, stored posters are still used. */
static void
enrich_posters_dir(enrich_run *r)
{
	const mgr_enrich_config *cfg = r->cfg;

	r->posters[0] = '\0';
	if (cfg->data_dir == NULL) {
		return;
	}
	snprintf(r->posters, sizeof(r->posters), "%s/posters", cfg->data_dir);
	if (mkdir(r->posters, 0755) != 0 && errno != EEXIST) {
		rpc_log_error("cannot create the poster folder; storing no "
		              "posters",
		    "path", r->posters, "error", strerror(errno));
		r->posters[0] = '\0';
	}
}

static int
enrich_films(
    enrich_run *r, uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	mgr_omdb *o = NULL;
	mgr_http *posters = NULL;
	mgr_omdb_stats st;
	char why[1024];
	int rv = -1;

	enrich_posters_dir(r);
	if (enrich_open_services(r, &o, &posters, err, errlen) == 0) {
		if ((rv = enrich_details_all(r, o, posters)) == 0) {
			rv = enrich_pack(r, out, outlen);
		}
		if (rv != 0) {
			snprintf(err, errlen, "out of memory");
		}
		if (mgr_omdb_save(o, why, sizeof(why)) != 0) {
			rpc_log_error(
			    "cannot save the OMDb cache", "error", why);
		}
		mgr_omdb_stats_get(o, &st);
		r->sum->requests += st.requests + mgr_http_requests(posters);
	}
	mgr_http_close(posters);
	mgr_omdb_close(o);
	return rv;
}

static int
enrich_has_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0';
}

static const char *
enrich_geocoder_name(const mgr_enrich_config *cfg)
{
	if (cfg->no_geocode) {
		return "off";
	}
	if (enrich_has_env("GOOGLE_MAPS_API_KEY")) {
		return "google";
	}
	return cfg->use_nominatim ? "nominatim" : "cache only";
}

int
mgr_enrich_build(const mgr_enrich_config *cfg, const core_dataset *ds,
    uint8_t **out, size_t *outlen, mgr_enrich_summary *sum, char *err,
    size_t errlen)
{
	enrich_run r;
	int rv = 0;

	memset(&r, 0, sizeof(r));
	memset(sum, 0, sizeof(*sum));
	r.cfg = cfg;
	r.ds = ds;
	r.sum = sum;
	*out = NULL;
	*outlen = 0;
	rpc_log_info("enrichment started", "geocoding",
	    enrich_geocoder_name(cfg), "omdb",
	    enrich_has_env("OMDB_API_KEY") ? "on" : "cache only");

	if (!cfg->no_geocode) {
		rv = enrich_geocode(&r, err, errlen);
	}
	if (rv == 0) {
		rv = enrich_films(&r, out, outlen, err, errlen);
	}
	free(r.geocodes);
	free(r.geocode_ptrs);
	free(r.points);
	free(r.details);
	free(r.detail_ptrs);
	if (rv == 0) {
		mgr_enrich_report(sum);
	}
	return rv;
}

void
mgr_enrich_report(const mgr_enrich_summary *s)
{
	char v[13][24];
	size_t vals[13] = {s->unlocated, s->geocoded[CORE_POINT_CACHE],
	    s->geocoded[CORE_POINT_GOOGLE], s->geocoded[CORE_POINT_NOMINATIM],
	    s->geocode_none, s->geocode_failed, s->geocode_outside, s->films,
	    s->films_with_details, s->details_failed, s->posters,
	    s->posters_failed, (size_t)s->requests};

	for (int i = 0; i < 13; i++) {
		snprintf(v[i], sizeof(v[i]), "%zu", vals[i]);
	}
	rpc_log_info("enrichment finished", "unlocated", v[0], "geocoded_cache",
	    v[1], "geocoded_google", v[2], "geocoded_nominatim", v[3],
	    "not_found", v[4], "geocode_failed", v[5], "outside_sf_rejected",
	    v[6], "films", v[7], "with_details", v[8], "details_failed", v[9],
	    "posters", v[10], "posters_failed", v[11], "requests", v[12]);
	if (!isatty(STDERR_FILENO)) {
		return;
	}
	fprintf(stderr,
	    "locations without a point: %s\n"
	    "  geocoded from cache:     %s\n"
	    "  geocoded by Google:      %s\n"
	    "  geocoded by Nominatim:   %s\n"
	    "  not found:               %s\n"
	    "  failed:                  %s\n"
	    "  outside SF, rejected:    %s\n"
	    "films:                     %s\n"
	    "  with details:            %s\n"
	    "  details failed:          %s\n"
	    "  posters stored:          %s\n"
	    "  posters failed:          %s\n",
	    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
	    v[11]);
}
