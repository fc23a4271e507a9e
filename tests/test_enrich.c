/*
 * Tests of the manager's enrichment: the geocoder chain, OMDb details and
 * posters against a fake of the services on loopback (tests/fakes), and
 * the coverage of the real caches in $SFMOVIES_DATA_DIR.
 *
 * Expected coverage was computed apart from the C code with Python: 14 of
 * the newest export's 32 location texts without a point are keys of the
 * 2019 Google cache once cleaned, and 13 of those lie inside the SF box.
 * Matching films by title without spaces and year, the 2015 OMDb file
 * covers 219 of the 351 films and the 2016 file 249. The 2019 cache puts
 * "Coit Tower" at 37.8026894,-122.4058361 (GEOMETRIC_CENTER).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_query.h"
#include "fake_http.h"
#include "mgr_enrich.h"
#include "mgr_fetch.h"
#include "mgr_geocode.h"
#include "mgr_http.h"
#include "mgr_poster.h"
#include "rpc_snapshot.h"
#include "sfmovies.pb-c.h"
#include "test_data.h"

#define GOOGLE_KEY "gkey-SECRET-123"
#define OMDB_KEY   "okey-SECRET-456"

#define GOOGLE_ALCATRAZ                                                        \
	"{\"status\":\"OK\",\"results\":[{\"formatted_address\":\"Alcatraz "   \
	"Island\",\"geometry\":{\"location\":{\"lat\":37.8267,\"lng\":"        \
	"-122.423},\"location_type\":\"ROOFTOP\"},\"place_id\":\"x\"}]}"
#define GOOGLE_OAKLAND                                                         \
	"{\"status\":\"OK\",\"results\":[{\"geometry\":{\"location\":{"        \
	"\"lat\":37.8044,\"lng\":-122.2712},\"location_type\":"                \
	"\"APPROXIMATE\"}}]}"
#define NOMINATIM_PLACE                                                        \
	"[{\"lat\":\"37.8021\",\"lon\":\"-122.4187\",\"category\":"            \
	"\"highway\",\"type\":\"residential\",\"display_name\":\"Lombard "     \
	"Street\"}]"

typedef struct env {
	fake_http *fake;
	char dir[64];
} env;

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
setup(void **state)
{
	static env e;

	mgr_fetch_global_init();
	snprintf(e.dir, sizeof(e.dir), "/tmp/test_enrich.XXXXXX");
	if (mkdtemp(e.dir) == NULL) {
		return -1;
	}
	*state = &e;
	return 0;
}

static int
teardown(void **state)
{
	env *e = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Each test gets a new fake, so counts start at zero. */
static int
fake_setup(void **state)
{
	env *e = *state;

	if ((e->fake = fake_http_start()) == NULL) {
		return -1;
	}
	unsetenv("GOOGLE_MAPS_API_KEY");
	unsetenv("OMDB_API_KEY");
	return 0;
}

static int
fake_teardown(void **state)
{
	env *e = *state;

	fake_http_stop(e->fake);
	e->fake = NULL;
	return 0;
}

/* Returns a geocoder config that sends requests to the fake Nominatim
 * with short intervals and backoff. */
static mgr_geocode_config
nominatim_config(env *e, char *url, size_t len)
{
	mgr_geocode_config c = {0};

	fake_http_url(e->fake, "/nominatim", url, len);
	c.nominatim_url = url;
	c.interval_ms = 10;
	c.timeout_ms = 2000;
	c.backoff_ms = 10;
	return c;
}

static mgr_geocoder *
open_geocoder(const mgr_geocode_config *c)
{
	mgr_geocoder *g = NULL;
	char err[512] = "";

	if (mgr_geocoder_open(&g, c, err, sizeof(err)) != 0) {
		fail_msg("mgr_geocoder_open: %s", err);
	}
	return g;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
read_text(const char *path)
{
	size_t len;
	char *data;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	data = calloc(1, len + 1);
	assert_int_equal(fread(data, 1, len, f), len);
	fclose(f);
	return data;
}

static void
variants_split_ranges(void **state)
{
	static const struct {
		const char *in;
		const char *out[3];
	} cases[] = {
	    {"Lombard St between Hyde and Larkin St",
	        {"Lombard St between Hyde and Larkin St", "Lombard St and Hyde",
	            "Lombard St and Larkin St"}},
	    {"Geary from 22nd Ave to Arguello",
	        {"Geary from 22nd Ave to Arguello", "Geary and 22nd Ave",
	            "Geary and Arguello"}},
	    {"Merchant Exchange (465 California Street at Leidesdorff)",
	        {"Merchant Exchange (465 California Street at Leidesdorff)",
	            "Merchant Exchange",
	            "465 California Street at Leidesdorff"}},
	    {"from Pier 39 to Pier 45",
	        {"from Pier 39 to Pier 45", "Pier 39", "Pier 45"}},
	};
	char v[MGR_GEOCODE_MAX_VARIANTS][MGR_GEOCODE_QUERY_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = mgr_geocode_variants(
		    cases[i].in, v, MGR_GEOCODE_MAX_VARIANTS);

		assert_int_equal(n, 3);
		for (size_t k = 0; k < 3; k++) {
			assert_string_equal(v[k], cases[i].out[k]);
		}
	}
	assert_int_equal(
	    mgr_geocode_variants("City Hall", v, MGR_GEOCODE_MAX_VARIANTS), 1);
}

static void
geocode_cache_hit(void **state)
{
	env *e = *state;
	mgr_geocode_config c = {0};
	mgr_geocode_result r;
	mgr_geocode_stats st;
	char seed[128], cache[128], err[256];
	mgr_geocoder *g;
	char *saved;

	/* The key keeps a trailing space, as 26 keys of the real cache do. */
	snprintf(seed, sizeof(seed), "%s/seed.json", e->dir);
	snprintf(cache, sizeof(cache), "%s/geocodes-hit.json", e->dir);
	write_file(seed,
	    "{\"Coit Tower \": {\"geometry\": {\"location\": {\"lat\": "
	    "37.8026894, \"lng\": -122.4058361}, \"location_type\": "
	    "\"GEOMETRIC_CENTER\"}}}");
	c.seed_path = seed;
	c.cache_path = cache;
	c.offline = 1;
	g = open_geocoder(&c);

	assert_int_equal(
	    mgr_geocoder_lookup(g, "Coit Tower", &r), MGR_GEOCODE_FOUND);
	assert_true(fabs(r.lat - 37.8026894) < 1e-9);
	assert_true(fabs(r.lng + 122.4058361) < 1e-9);
	assert_int_equal(r.source, CORE_POINT_CACHE);
	assert_string_equal(r.accuracy, "GEOMETRIC_CENTER");
	assert_int_equal(
	    mgr_geocoder_lookup(g, "City Hall", &r), MGR_GEOCODE_NONE);
	mgr_geocoder_stats(g, &st);
	assert_int_equal(st.requests, 0);

	assert_int_equal(mgr_geocoder_save(g, err, sizeof(err)), 0);
	mgr_geocoder_close(g);
	saved = read_text(cache);
	assert_non_null(saved);
	assert_non_null(strstr(saved, "\"Coit Tower\": {"));
	assert_non_null(strstr(saved, "\"source\": \"cache\""));
	free(saved);
	assert_int_equal(fake_http_count(e->fake, NULL, NULL), 0);
}

static void
geocode_google_with_key(void **state)
{
	env *e = *state;
	mgr_geocode_config c = {0};
	mgr_geocode_result r;
	char url[128];
	mgr_geocoder *g;

	fake_http_json(
	    e->fake, "/google", "Alcatraz", 200, GOOGLE_ALCATRAZ, 0, 0);
	fake_http_url(e->fake, "/google", url, sizeof(url));
	c.google_key = GOOGLE_KEY;
	c.google_url = url;
	c.interval_ms = 10;
	g = open_geocoder(&c);

	assert_int_equal(
	    mgr_geocoder_lookup(g, "Alcatraz Island", &r), MGR_GEOCODE_FOUND);
	assert_int_equal(r.source, CORE_POINT_GOOGLE);
	assert_string_equal(r.accuracy, "ROOFTOP");
	assert_true(fabs(r.lat - 37.8267) < 1e-9);
	assert_int_equal(fake_http_count(e->fake, "/google", NULL), 1);
	assert_int_equal(fake_http_count(e->fake, "/google",
	                     "address=Alcatraz Island, San Francisco, CA"),
	    1);
	assert_int_equal(
	    fake_http_count(e->fake, "/google", "key=" GOOGLE_KEY), 1);
	assert_int_equal(fake_http_count(e->fake, "/google",
	                     "bounds=37.60,-122.56|37.86,-122.33"),
	    1);
	assert_int_equal(fake_http_count(e->fake, "/nominatim", NULL), 0);
	mgr_geocoder_close(g);
}

static void
geocode_nominatim_rate_limit(void **state)
{
	static const char *const texts[] = {
	    "Pier 39", "Coit Tower", "City Hall", "Ferry Building"};
	env *e = *state;
	fake_request req[8];
	mgr_geocode_result r;
	mgr_geocode_config c;
	char url[128];
	mgr_geocoder *g;
	int64_t started, elapsed;
	size_t n;

	fake_http_json(e->fake, "/nominatim", NULL, 200, NOMINATIM_PLACE, 0, 0);
	c = nominatim_config(e, url, sizeof(url));
	c.interval_ms = 0; /* Nominatim's own limit: 1 request/s */
	g = open_geocoder(&c);
	started = monotonic_ms();
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(
		    mgr_geocoder_lookup(g, texts[i], &r), MGR_GEOCODE_FOUND);
		assert_int_equal(r.source, CORE_POINT_NOMINATIM);
		assert_string_equal(r.accuracy, "highway/residential");
	}
	elapsed = monotonic_ms() - started;
	mgr_geocoder_close(g);

	/* Four requests at most one a second take at least three seconds,
	 * measured where they are sent: a slow machine only adds time. The
	 * times the server records can be closer, because a request can be
	 * delayed on its way. The limiter counts whole milliseconds, so each
	 * gap may be up to 1 ms short. */
	n = fake_http_requests(e->fake, req, 8);
	assert_int_equal(n, 4);
	assert_true(elapsed >= 2997);
	assert_int_equal(
	    fake_http_count(e->fake, "/nominatim", "bounded=1"), 4);
	assert_int_equal(fake_http_count(e->fake, "/nominatim",
	                     "viewbox=-122.56,37.86,-122.33,37.60"),
	    4);
}

static void
geocode_variants_asked(void **state)
{
	static const struct {
		const char *text;
		const char *variant;
	} cases[] = {
	    {"Lombard St between Hyde and Larkin St",
	        "q=Lombard St and Hyde, San"},
	    {"Geary from 22nd Ave to Arguello", "q=Geary and 22nd Ave, San"},
	    {"Merchant Exchange (465 California Street at Leidesdorff)",
	        "q=Merchant Exchange, San"},
	};
	env *e = *state;
	mgr_geocode_result r;
	mgr_geocode_config c;
	char url[128];
	mgr_geocoder *g;

	for (size_t i = 0; i < 3; i++) {
		fake_http_json(e->fake, "/nominatim", cases[i].variant, 200,
		    NOMINATIM_PLACE, 0, 0);
	}
	fake_http_json(e->fake, "/nominatim", NULL, 200, "[]", 0, 0);
	c = nominatim_config(e, url, sizeof(url));
	g = open_geocoder(&c);
	for (size_t i = 0; i < 3; i++) {
		char first[128];

		assert_int_equal(mgr_geocoder_lookup(g, cases[i].text, &r),
		    MGR_GEOCODE_FOUND);
		snprintf(first, sizeof(first), "q=%s, San", cases[i].text);
		assert_int_equal(
		    fake_http_count(e->fake, "/nominatim", first), 1);
		assert_int_equal(
		    fake_http_count(e->fake, "/nominatim", cases[i].variant),
		    1);
	}
	mgr_geocoder_close(g);
}

static void
geocode_outside_sf_rejected(void **state)
{
	env *e = *state;
	mgr_geocode_config c = {0};
	mgr_geocode_result r;
	mgr_geocode_stats st;
	char url[128];
	mgr_geocoder *g;

	fake_http_json(e->fake, "/google", NULL, 200, GOOGLE_OAKLAND, 0, 0);
	fake_http_url(e->fake, "/google", url, sizeof(url));
	c.google_key = GOOGLE_KEY;
	c.google_url = url;
	c.interval_ms = 10;
	g = open_geocoder(&c);

	assert_int_equal(
	    mgr_geocoder_lookup(g, "Lake Merritt", &r), MGR_GEOCODE_NONE);
	mgr_geocoder_stats(g, &st);
	assert_int_equal(st.outside, 1);

	/* The miss is cached, so the text is not asked again. */
	assert_int_equal(
	    mgr_geocoder_lookup(g, "Lake Merritt", &r), MGR_GEOCODE_NONE);
	assert_int_equal(fake_http_count(e->fake, "/google", NULL), 1);
	mgr_geocoder_close(g);
}

static void
geocode_failures_skipped(void **state)
{
	env *e = *state;
	mgr_geocode_result r;
	mgr_geocode_config c;
	mgr_geocode_stats st;
	char url[128];
	mgr_geocoder *g;

	fake_http_json(e->fake, "/nominatim", "Hang Street", 200,
	    NOMINATIM_PLACE, 0, 1500);
	fake_http_json(e->fake, "/nominatim", "Busy Street", 429,
	    "{\"error\":\"busy\"}", 2, 0);
	fake_http_json(e->fake, "/nominatim", "Broken Street", 500,
	    "{\"error\":\"broken\"}", 0, 0);
	fake_http_json(e->fake, "/nominatim", NULL, 200, NOMINATIM_PLACE, 0, 0);
	c = nominatim_config(e, url, sizeof(url));
	c.timeout_ms = 300;
	g = open_geocoder(&c);

	assert_int_equal(
	    mgr_geocoder_lookup(g, "Hang Street", &r), MGR_GEOCODE_FAILED);
	assert_int_equal(
	    mgr_geocoder_lookup(g, "Busy Street", &r), MGR_GEOCODE_FOUND);
	assert_int_equal(
	    mgr_geocoder_lookup(g, "Broken Street", &r), MGR_GEOCODE_FAILED);
	assert_int_equal(
	    mgr_geocoder_lookup(g, "Fine Street", &r), MGR_GEOCODE_FOUND);

	/* Three attempts for each failure or retried success, one for the
	 * rest. */
	assert_int_equal(
	    fake_http_count(e->fake, "/nominatim", "Hang Street"), 3);
	assert_int_equal(
	    fake_http_count(e->fake, "/nominatim", "Busy Street"), 3);
	assert_int_equal(
	    fake_http_count(e->fake, "/nominatim", "Broken Street"), 3);
	assert_int_equal(
	    fake_http_count(e->fake, "/nominatim", "Fine Street"), 1);
	mgr_geocoder_stats(g, &st);
	assert_int_equal(st.failed, 2);
	mgr_geocoder_close(g);
}

/* Runs fn with stderr sent to path. */
static void
with_stderr_to(const char *path, void (*fn)(env *), env *e)
{
	int saved = dup(STDERR_FILENO);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(saved >= 0 && fd >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	close(fd);
	fn(e);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static void
fail_with_keys(env *e)
{
	mgr_enrich_config c = {0};
	mgr_enrich_summary sum;
	char google[128], omdb[128], err[256];
	core_dataset *ds =
	    test_data_fixture("Title,Release Year,Locations\n"
	                      "Vertigo,1958,Broken Street\nZodiac,2007,\n");
	uint8_t *out = NULL;
	size_t len;

	fake_http_url(e->fake, "/google", google, sizeof(google));
	fake_http_url(e->fake, "/omdb", omdb, sizeof(omdb));
	c.google_url = google;
	c.omdb_url = omdb;
	c.interval_ms = 10;
	c.backoff_ms = 10;
	setenv("GOOGLE_MAPS_API_KEY", GOOGLE_KEY, 1);
	setenv("OMDB_API_KEY", OMDB_KEY, 1);
	assert_int_equal(
	    mgr_enrich_build(&c, ds, &out, &len, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.geocode_failed, 1);
	assert_int_equal(sum.details_failed, 2);
	free(out);
	core_dataset_free(ds);
}

static void
enrich_keys_never_logged(void **state)
{
	env *e = *state;
	char log[128];
	char *text;

	fake_http_json(e->fake, "/google", NULL, 500,
	    "{\"error_message\":\"key " GOOGLE_KEY " is over quota\"}", 0, 0);
	fake_http_json(e->fake, "/omdb", "t=Vertigo", 500, "{}", 0, 0);
	fake_http_json(e->fake, "/omdb", NULL, 401,
	    "{\"Response\":\"False\",\"Error\":\"Invalid API key: " OMDB_KEY
	    "\"}",
	    0, 0);
	snprintf(log, sizeof(log), "%s/stderr.log", e->dir);
	with_stderr_to(log, fail_with_keys, e);

	text = read_text(log);
	assert_non_null(text);
	assert_null(strstr(text, "SECRET"));
	assert_non_null(strstr(text, "key=***"));
	assert_non_null(strstr(text, "apikey=***"));
	assert_non_null(strstr(text, "request failed, retrying"));
	assert_non_null(strstr(text, "Invalid API key: ***"));
	free(text);
}

#define OMDB_VERTIGO                                                           \
	"{\"Title\":\"Vertigo\",\"Year\":\"1958\",\"Rated\":\"PG\","           \
	"\"Runtime\":\"128 min\",\"Genre\":\"Mystery, Romance, Thriller\","    \
	"\"Plot\":\"A detective follows a woman.\",\"Poster\":\"%s\","         \
	"\"imdbRating\":\"8.3\",\"imdbID\":\"tt0052357\","                     \
	"\"Response\":\"True\"}"

static void
enrich_details_and_poster_once(void **state)
{
	env *e = *state;
	mgr_enrich_config c = {0};
	mgr_enrich_summary sum;
	Sfmovies__Enrichment *msg;
	char omdb[128], poster_url[128], json[1024], path[256], err[256];
	core_dataset *ds = test_data_fixture(
	    "Title,Release Year,Locations\nVertigo,1958,Coit Tower\n"
	    "Unknown Film,2000,City Hall\n");
	uint8_t *out = NULL;
	size_t len, omdb_requests;
	char *stored;

	fake_http_url(e->fake, "/poster.jpg", poster_url, sizeof(poster_url));
	snprintf(json, sizeof(json), OMDB_VERTIGO, poster_url);
	fake_http_json(e->fake, "/omdb", "t=Vertigo&y=1958", 200, json, 0, 0);
	fake_http_json(e->fake, "/omdb", NULL, 200,
	    "{\"Response\":\"False\",\"Error\":\"Movie not found!\"}", 0, 0);
	fake_http_rule(e->fake, "/poster.jpg", NULL, 200, "image/jpeg",
	    fake_jpeg, fake_jpeg_len, 0, 0);
	fake_http_url(e->fake, "/omdb", omdb, sizeof(omdb));
	setenv("OMDB_API_KEY", OMDB_KEY, 1);
	c.data_dir = e->dir;
	c.omdb_url = omdb;
	c.no_geocode = 1;
	c.interval_ms = 10;

	assert_int_equal(
	    mgr_enrich_build(&c, ds, &out, &len, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.films_with_details, 1);
	assert_int_equal(sum.posters, 1);
	msg = sfmovies__enrichment__unpack(NULL, len, out);
	assert_non_null(msg);
	assert_int_equal(msg->n_geocodes, 0);
	assert_int_equal(msg->n_details, 1);
	assert_string_equal(msg->details[0]->title, "Vertigo");
	assert_int_equal(msg->details[0]->year, 1958);
	assert_string_equal(msg->details[0]->imdb_id, "tt0052357");
	assert_string_equal(msg->details[0]->runtime, "128 min");
	assert_true(msg->details[0]->has_poster);
	sfmovies__enrichment__free_unpacked(msg, NULL);
	free(out);

	snprintf(path, sizeof(path), "%s/posters/tt0052357.jpg", e->dir);
	stored = read_text(path);
	assert_non_null(stored);
	assert_memory_equal(stored, fake_jpeg, fake_jpeg_len);
	free(stored);
	omdb_requests = fake_http_count(e->fake, "/omdb", NULL);
	assert_int_equal(omdb_requests, 2);

	/* A second build finds everything in the caches: the poster is not
	 * downloaded again, and the unknown film is not asked again. */
	assert_int_equal(
	    mgr_enrich_build(&c, ds, &out, &len, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.films_with_details, 1);
	assert_int_equal(fake_http_count(e->fake, "/poster.jpg", NULL), 1);
	assert_int_equal(fake_http_count(e->fake, "/omdb", NULL), 2);
	free(out);
	core_dataset_free(ds);
}

static void
poster_rejects_non_jpeg(void **state)
{
	env *e = *state;
	mgr_http_config hc = {0};
	char url[128], path[256], err[256];
	mgr_http *h;

	fake_http_rule(
	    e->fake, "/page.html", NULL, 200, "text/html", "<html>", 6, 0, 0);
	fake_http_url(e->fake, "/page.html", url, sizeof(url));
	hc.service = "posters";
	assert_int_equal(mgr_http_open(&h, &hc), 0);

	assert_int_equal(
	    mgr_poster_fetch(h, e->dir, "tt0000002", url, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "expected image/jpeg"));
	snprintf(path, sizeof(path), "%s/tt0000002.jpg", e->dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(
	    mgr_poster_fetch(h, e->dir, "../etc", url, err, sizeof(err)), -1);
	assert_int_equal(fake_http_count(e->fake, "/page.html", NULL), 1);
	mgr_http_close(h);
}

/* Imports a real export and returns the dataset. */
static core_dataset *
import_real(const char *name)
{
	size_t len;
	char *csv = test_data_read(name, &len);
	core_dataset *ds;

	assert_non_null(csv);
	ds = test_data_import(csv, len);
	free(csv);
	assert_non_null(ds);
	return ds;
}

static void
real_seed_path(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", getenv("SFMOVIES_DATA_DIR"), name);
}

static void
real_caches_coverage(void **state)
{
	core_dataset *ds = import_real(TEST_DATA_NEWEST);
	mgr_enrich_config c = {0};
	mgr_enrich_summary sum;
	char geo[512], omdb[512], err[512];
	uint8_t *out = NULL;
	size_t len;

	real_seed_path("geocodes_google_2019_mpkocher.json", geo, sizeof(geo));
	real_seed_path("omdb_2015_by_imdbid_corgiman.json", omdb, sizeof(omdb));
	c.geocode_seed = geo;
	c.omdb_seed = omdb;
	assert_int_equal(
	    mgr_enrich_build(&c, ds, &out, &len, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.unlocated, 32);
	assert_int_equal(sum.geocoded[CORE_POINT_CACHE], 13);
	assert_int_equal(sum.geocode_none, 19);
	assert_int_equal(sum.requests, 0);
	assert_int_equal(sum.films, 351);
	assert_int_equal(sum.films_with_details, 219);
	free(out);

	real_seed_path(
	    "omdb_subset_2016_by_title_amitevski.json", omdb, sizeof(omdb));
	c.no_geocode = 1;
	assert_int_equal(
	    mgr_enrich_build(&c, ds, &out, &len, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.films_with_details, 249);
	free(out);
	core_dataset_free(ds);
}

static void
real_2014_coit_tower(void **state)
{
	core_dataset *ds = import_real("film_locations_2014-11_1151rows.csv");
	mgr_enrich_config c = {0};
	mgr_enrich_summary sum;
	char geo[512], err[512];
	uint8_t *extra = NULL, *snap = NULL;
	size_t extralen, snaplen, csvlen, n;
	char *csv =
	    test_data_read("film_locations_2014-11_1151rows.csv", &csvlen);
	const core_location *l;
	const core_film *f;
	rpc_snapshot *s = NULL;

	real_seed_path("geocodes_google_2019_mpkocher.json", geo, sizeof(geo));
	c.geocode_seed = geo;
	assert_int_equal(
	    mgr_enrich_build(&c, ds, &extra, &extralen, &sum, err, sizeof(err)),
	    0);
	assert_int_equal(rpc_snapshot_encode_ex(csv, csvlen, extra, extralen,
	                     "2014", 0, &snap, &snaplen, err, sizeof(err)),
	    0);
	assert_int_equal(
	    rpc_snapshot_decode(snap, snaplen, &s, err, sizeof(err)), 0);

	f = core_film_by_slug(s->ds, "after-the-thin-man-1936");
	assert_non_null(f);
	l = core_dataset_locations(s->ds, &n) + f->first_location;
	for (n = 0; n < f->nlocations && strcmp(l[n].text, "Coit Tower"); n++) {
	}
	assert_true(n < f->nlocations);
	assert_true(l[n].flags & CORE_LOC_HAS_POINT);
	assert_true(fabs(l[n].lat - 37.8026894) < 1e-9);
	assert_true(fabs(l[n].lng + 122.4058361) < 1e-9);
	assert_int_equal(l[n].point_source, CORE_POINT_CACHE);
	assert_string_equal(l[n].accuracy, "GEOMETRIC_CENTER");

	rpc_snapshot_release(s);
	free(snap);
	free(extra);
	free(csv);
	core_dataset_free(ds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(variants_split_ranges),
	    cmocka_unit_test_setup_teardown(
	        geocode_cache_hit, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        geocode_google_with_key, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        geocode_nominatim_rate_limit, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        geocode_variants_asked, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        geocode_outside_sf_rejected, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        geocode_failures_skipped, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        enrich_keys_never_logged, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        enrich_details_and_poster_once, fake_setup, fake_teardown),
	    cmocka_unit_test_setup_teardown(
	        poster_rejects_non_jpeg, fake_setup, fake_teardown),
	    cmocka_unit_test(real_caches_coverage),
	    cmocka_unit_test(real_2014_coit_tower),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
