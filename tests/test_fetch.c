/*
 * Fetching a dataset source: conditional GET, retries, limits, Socrata's
 * JSON export, and a manager refresh from a fake DataSF server that the
 * test starts on 127.0.0.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core_dataset.h"
#include "core_query.h"
#include "fakes/fake_http.h"
#include "mgr_fetch.h"
#include "mgr_manager.h"
#include "mgr_socrata.h"
#include "mgr_store.h"
#include "rpc_snapshot.h"

static const char fetch_csv[] =
    "Title,Release Year,Locations,Fun Facts\n"
    "Vertigo,1958,Fort Point,\"Under the bridge, \"\"looking up\"\"\"\n"
    "Bullitt,1968,Taylor Street,\n";

/* The same two rows as Socrata's JSON export writes them, with one of
 * its computed fields and a GeoJSON point. */
static const char fetch_json[] =
    "[{\"title\":\"Vertigo\",\"release_year\":\"1958\","
    "\"locations\":\"Fort Point\","
    "\"fun_facts\":\"Under the bridge, \\\"looking up\\\"\","
    "\"point\":{\"type\":\"Point\",\"coordinates\":[-122.4770,37.8106]},"
    "\":@computed_region_ajp5_b2md\":\"7\"},"
    "{\"title\":\"Bullitt\",\"release_year\":1968,"
    "\"locations\":\"Taylor Street\"}]";

static fake_http *
start_fake(void)
{
	fake_http *f = fake_http_start();

	assert_non_null(f);
	return f;
}

static void
fetch_conditional_get(void **state)
{
	fake_http *f = start_fake();
	mgr_fetch_validators v = {"", ""};
	char url[128], err[512];
	char *data = NULL;
	size_t len = 0;

	fake_http_rule(f, "/rows.csv", NULL, 200, "text/csv", fetch_csv,
	    sizeof(fetch_csv) - 1, 0, 0);
	fake_http_etag(f, "\"v1\"");
	fake_http_url(f, "/rows.csv", url, sizeof(url));

	assert_int_equal(
	    mgr_fetch_cond(url, 1 << 20, &v, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, sizeof(fetch_csv) - 1);
	assert_memory_equal(data, fetch_csv, len);
	assert_string_equal(v.etag, "\"v1\"");
	free(data);

	/* The second fetch sends If-None-Match and gets 304, no data. */
	data = NULL;
	assert_int_equal(
	    mgr_fetch_cond(url, 1 << 20, &v, &data, &len, err, sizeof(err)), 1);
	assert_null(data);
	assert_int_equal(fake_http_count(f, "/rows.csv", NULL), 2);
	fake_http_stop(f);
}

static void
fetch_retries_server_errors(void **state)
{
	fake_http *f = start_fake();
	char url[128], err[512];
	char *data = NULL;
	size_t len = 0;

	/* Two 503s, then the file: the third attempt succeeds. */
	fake_http_rule(
	    f, "/rows.csv", NULL, 503, "text/plain", "busy", 4, 2, 0);
	fake_http_rule(f, "/rows.csv", NULL, 200, "text/csv", fetch_csv,
	    sizeof(fetch_csv) - 1, 0, 0);
	fake_http_url(f, "/rows.csv", url, sizeof(url));

	assert_int_equal(
	    mgr_fetch(url, 1 << 20, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, sizeof(fetch_csv) - 1);
	assert_int_equal(fake_http_count(f, "/rows.csv", NULL), 3);
	free(data);
	fake_http_stop(f);
}

static void
fetch_client_error_not_retried(void **state)
{
	fake_http *f = start_fake();
	char url[128], err[512] = "";
	char *data = NULL;
	size_t len = 0;

	fake_http_url(f, "/missing.csv", url, sizeof(url));
	assert_int_equal(
	    mgr_fetch(url, 1 << 20, &data, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, url));
	assert_non_null(strstr(err, "404"));
	assert_int_equal(fake_http_count(f, "/missing.csv", NULL), 1);
	fake_http_stop(f);
}

static void
fetch_size_limit(void **state)
{
	fake_http *f = start_fake();
	char url[128], err[512] = "";
	char *data = NULL;
	size_t len = 0;

	fake_http_rule(f, "/rows.csv", NULL, 200, "text/csv", fetch_csv,
	    sizeof(fetch_csv) - 1, 0, 0);
	fake_http_url(f, "/rows.csv", url, sizeof(url));
	assert_int_equal(mgr_fetch(url, 16, &data, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than the limit of 16 bytes"));
	fake_http_stop(f);
}

static void
fetch_missing_file(void **state)
{
	char err[512] = "";
	char *data = NULL;
	size_t len = 0;

	assert_int_equal(mgr_fetch("/nonexistent/rows.csv", 1 << 20, &data,
	                     &len, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "/nonexistent/rows.csv"));
}

static void
socrata_json_to_csv(void **state)
{
	char *csv = NULL, err[512] = "";
	size_t len = 0;
	core_import_stats st;
	core_dataset *ds;
	size_t nfilms, nlocs;
	const core_location *locs;

	assert_true(mgr_socrata_is_json(fetch_json, sizeof(fetch_json) - 1));
	assert_false(mgr_socrata_is_json(fetch_csv, sizeof(fetch_csv) - 1));
	assert_int_equal(mgr_socrata_to_csv(fetch_json, sizeof(fetch_json) - 1,
	                     &csv, &len, err, sizeof(err)),
	    0);
	assert_string_equal(csv,
	    "title,release_year,locations,fun_facts,point\n"
	    "Vertigo,1958,Fort Point,\"Under the bridge, \"\"looking up\"\"\","
	    "POINT (-122.477 37.8106)\n"
	    "Bullitt,1968,Taylor Street,,\n");

	/* The importer maps Socrata's field names like the CSV headers. */
	assert_int_equal(
	    core_dataset_import(&ds, csv, len, &st, err, sizeof(err)), 0);
	core_dataset_films(ds, &nfilms);
	locs = core_dataset_locations(ds, &nlocs);
	assert_int_equal(nfilms, 2);
	assert_int_equal(nlocs, 2);
	assert_int_equal(st.located, 1);
	assert_true(locs[1].lat > 37.81 && locs[1].lat < 37.811);
	assert_string_equal(
	    core_film_by_slug(ds, "vertigo-1958")->title, "Vertigo");
	core_dataset_free(ds);
	free(csv);
}

static void
socrata_rejects_other_json(void **state)
{
	char *csv = NULL, err[512] = "";
	size_t len = 0;

	assert_int_equal(
	    mgr_socrata_to_csv("[1,", 3, &csv, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid JSON at line 1"));
	assert_int_equal(
	    mgr_socrata_to_csv("{\"a\":1}", 7, &csv, &len, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "the JSON is not an array of rows");
	assert_int_equal(
	    mgr_socrata_to_csv("[{},2]", 6, &csv, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "row 2 of the JSON is not an object");
}

/* A manager publishing from a fake DataSF server: the second refresh of an
 * unchanged source gets 304 and publishes nothing, and a JSON export of
 * the same rows publishes as well. */
static void
manager_refresh_from_server(void **state)
{
	fake_http *f = start_fake();
	char dir[] = "/tmp/test_fetch.XXXXXX";
	char store[128], bus[160], survey[160], url[128], json_url[128];
	char err[1024], version[17], first[17], path[160];
	FILE *fp;
	mgr_config cfg = {0};
	mgr_refresh_result res;
	mgr_manager *m;

	assert_non_null(mkdtemp(dir));
	snprintf(store, sizeof(store), "%s/versions", dir);
	snprintf(bus, sizeof(bus), "ipc://%s/bus.ipc", dir);
	snprintf(survey, sizeof(survey), "ipc://%s/survey.ipc", dir);
	fake_http_rule(f, "/rows.csv", NULL, 200, "text/csv", fetch_csv,
	    sizeof(fetch_csv) - 1, 0, 0);
	fake_http_rule(f, "/rows.json", NULL, 200, "application/json",
	    fetch_json, sizeof(fetch_json) - 1, 0, 0);
	fake_http_etag(f, "\"v1\"");
	fake_http_url(f, "/rows.csv", url, sizeof(url));
	fake_http_url(f, "/rows.json", json_url, sizeof(json_url));

	cfg.source = url;
	cfg.store = store;
	cfg.keep = 3;
	cfg.bus_url = bus;
	cfg.survey_url = survey;
	assert_int_equal(mgr_manager_start(&m, &cfg, err, sizeof(err)), 0);

	assert_int_equal(mgr_manager_refresh(m, NULL, 0, &res), 0);
	assert_int_equal(res.published, 1);
	mgr_manager_current(m, first);
	assert_string_equal(first, res.version);

	assert_int_equal(mgr_manager_refresh(m, NULL, 0, &res), 0);
	assert_int_equal(res.published, 0);
	assert_int_equal(res.unchanged, 1);
	assert_int_equal(fake_http_count(f, "/rows.csv", NULL), 2);

	assert_int_equal(mgr_manager_refresh(m, json_url, 0, &res), 0);
	assert_int_equal(res.published, 1);
	assert_int_equal(res.stats.films, 2);
	mgr_manager_current(m, version);
	assert_string_not_equal(version, first);

	/* The JSON rows have a point and the CSV rows none: going back to
	 * the CSV would empty the map, so it needs force. */
	snprintf(path, sizeof(path), "%s/rows.csv", dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(fetch_csv, 1, sizeof(fetch_csv) - 1, fp),
	    sizeof(fetch_csv) - 1);
	fclose(fp);
	assert_int_equal(mgr_manager_refresh(m, path, 0, &res), -1);
	assert_non_null(strstr(res.message, "no coordinates"));
	assert_non_null(strstr(res.message, "--force"));
	mgr_manager_current(m, first);
	assert_string_equal(first, version);
	assert_int_equal(mgr_manager_refresh(m, path, 1, &res), 0);
	assert_int_equal(res.published, 1);

	mgr_manager_stop(m);
	fake_http_stop(f);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	assert_int_equal(system(err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fetch_conditional_get),
	    cmocka_unit_test(fetch_retries_server_errors),
	    cmocka_unit_test(fetch_client_error_not_retried),
	    cmocka_unit_test(fetch_size_limit),
	    cmocka_unit_test(fetch_missing_file),
	    cmocka_unit_test(socrata_json_to_csv),
	    cmocka_unit_test(socrata_rejects_other_json),
	    cmocka_unit_test(manager_refresh_from_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
