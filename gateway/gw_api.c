#include "gw_api.h"

#include <stddef.h>
#include <string.h>

#include "core_json.h"
#include "gw_params.h"

#ifndef GW_VERSION
#define GW_VERSION "unknown"
#endif

typedef struct gw_api_param {
	const char *name;
	const char *type; /* "string", "integer", "number" */
	int required;
	const char *description;
} gw_api_param;

#define GW_API_PARAMS_MAX 9

typedef struct gw_api_endpoint {
	const char *path;
	const char *description;
	const char *example;
	gw_api_param params[GW_API_PARAMS_MAX];
} gw_api_endpoint;

static const gw_api_endpoint gw_api_endpoints[] = {
    {"/search",
        "Films whose title, people, companies or locations match every word "
        "of q, best first, each with its matching locations.",
        "/search?q=clint%20eastwood",
        {{"q", "string", 0,
             "words to match; the last also matches as a "
             "prefix; empty matches every film"},
            {"year_min", "integer", 0, "earliest release year, 1800 to 2100"},
            {"year_max", "integer", 0, "latest release year, 1800 to 2100"},
            {"director", "string", 0, "a director's full name"},
            {"actor", "string", 0, "an actor's full name"},
            {"neighborhood", "string", 0,
                "an Analysis Neighborhood; restricts the locations listed"},
            {"offset", "integer", 0, "films to skip, 0 to 10000 (default 0)"},
            {"limit", "integer", 0, "films to return, 1 to 100 (default 20)"}}},
    {"/complete",
        "Suggestions for a partly typed term: titles, names, companies, "
        "locations and neighborhoods.",
        "/complete?term=clint%20east",
        {{"term", "string", 1, "the text typed so far"},
            {"limit", "integer", 0,
                "suggestions to return, 1 to 50 (default 10)"}}},
    {"/near", "Locations nearest to a point, nearest first, with distance_m.",
        "/near?lat=37.8199&lng=-122.4783",
        {{"lat", "number", 1, "latitude, -90 to 90"},
            {"lng", "number", 1, "longitude, -180 to 180"},
            {"radius", "number", 0,
                "only locations within this many metres, 1 to 50000"},
            {"limit", "integer", 0,
                "locations to return, 1 to 100 (default 10)"}}},
    {"/box", "Locations inside a map viewport; total counts all of them.",
        "/box?bbox=37.78,-122.42,37.80,-122.40",
        {{"south", "number", 1, "southern latitude (or use bbox)"},
            {"west", "number", 1, "western longitude"},
            {"north", "number", 1, "northern latitude"},
            {"east", "number", 1, "eastern longitude"},
            {"bbox", "string", 0, "south,west,north,east in place of the four"},
            {"limit", "integer", 0,
                "locations to return, 1 to 1000 (default 500)"}}},
    {"/movies/{id}",
        "A film by its id, IMDb id or slug, with all its locations.",
        "/movies/escape-from-alcatraz-1979",
        {{"id", "string", 1, "film id, IMDb id or slug, in the path"}}},
    {"/locations/{id}",
        "A location by its id (16 hexadecimal digits), with its film.", NULL,
        {{"id", "string", 1, "location id, in the path"}}},
    {"/scenes/{id}", "The same as /locations/{id}.", NULL,
        {{"id", "string", 1, "location id, in the path"}}},
    {"/posters/{imdb_id}",
        "A film's poster as image/jpeg, also with .jpg after the id; the "
        "film's poster member gives its path.",
        NULL,
        {{"imdb_id", "string", 1,
            "IMDb id, tt and 1 to 12 digits, in the path"}}},
    {"/status",
        "This gateway's view: dataset version, nodes answering, uptime and "
        "the latest status of a node.",
        "/status", {{NULL, NULL, 0, NULL}}},
    {"/healthz", "200 while the gateway process runs.", "/healthz",
        {{NULL, NULL, 0, NULL}}},
    {"/readyz",
        "200 when a query node answered in the last 3 seconds, "
        "else 503.",
        "/readyz", {{NULL, NULL, 0, NULL}}},
    {"/metrics", "Counters in the Prometheus text format.", "/metrics",
        {{NULL, NULL, 0, NULL}}},
    {"/openapi.yaml", "This API in OpenAPI 3.", "/openapi.yaml",
        {{NULL, NULL, 0, NULL}}},
    {"/api", "This description.", "/api", {{NULL, NULL, 0, NULL}}},
};

typedef struct gw_aw {
	core_buf *b;
	int rv;
} gw_aw;

static void
gw_aw_raw(gw_aw *w, const char *s)
{
	if (w->rv == 0) {
		w->rv = core_json_printf(w->b, "%s", s);
	}
}

static void
gw_aw_str(gw_aw *w, const char *s)
{
	if (w->rv == 0) {
		w->rv = core_json_cstr(w->b, s);
	}
}

static void
gw_api_write_params(gw_aw *w, const gw_api_param *params)
{
	gw_aw_raw(w, "[");
	for (int i = 0; i < GW_API_PARAMS_MAX && params[i].name != NULL; i++) {
		if (i > 0) {
			gw_aw_raw(w, ",");
		}
		gw_aw_raw(w, "{\"name\":");
		gw_aw_str(w, params[i].name);
		gw_aw_raw(w, ",\"in\":");
		gw_aw_str(
		    w, strcmp(params[i].name, "id") == 0 ? "path" : "query");
		gw_aw_raw(w, ",\"type\":");
		gw_aw_str(w, params[i].type);
		gw_aw_raw(w, ",\"required\":");
		gw_aw_raw(w, params[i].required ? "true" : "false");
		gw_aw_raw(w, ",\"description\":");
		gw_aw_str(w, params[i].description);
		gw_aw_raw(w, "}");
	}
	gw_aw_raw(w, "]");
}

int
gw_api_describe(core_buf *out)
{
	size_t n = sizeof(gw_api_endpoints) / sizeof(gw_api_endpoints[0]);
	gw_aw w = {out, 0};

	gw_aw_raw(&w, "{\"name\":\"sfmovies\",\"version\":");
	gw_aw_str(&w, GW_VERSION);
	gw_aw_raw(&w, ",\"description\":");
	gw_aw_str(&w,
	    "Where films were shot in San Francisco, from DataSF's "
	    "Film Locations data set (San Francisco Film "
	    "Commission, ODC PDDL).");
	gw_aw_raw(&w, ",\"methods\":[\"GET\",\"HEAD\",\"OPTIONS\"]");
	gw_aw_raw(&w, ",\"jsonp\":");
	gw_aw_str(&w,
	    "add callback=NAME to any JSON endpoint: NAME is "
	    "JavaScript identifiers joined by dots, at most 64 "
	    "bytes; errors are wrapped too and keep their status");
	gw_aw_raw(&w, ",\"errors\":");
	gw_aw_str(&w,
	    "{\"error\":{\"status\":400,\"code\":\"invalid_"
	    "argument\",\"parameter\":\"lat\",\"message\":\"...\"}}");
	gw_aw_raw(&w, ",\"endpoints\":[");
	for (size_t i = 0; i < n; i++) {
		const gw_api_endpoint *e = &gw_api_endpoints[i];

		if (i > 0) {
			gw_aw_raw(&w, ",");
		}
		gw_aw_raw(&w, "{\"method\":\"GET\",\"path\":");
		gw_aw_str(&w, e->path);
		gw_aw_raw(&w, ",\"description\":");
		gw_aw_str(&w, e->description);
		gw_aw_raw(&w, ",\"parameters\":");
		gw_api_write_params(&w, e->params);
		gw_aw_raw(&w, ",\"example\":");
		if (e->example != NULL) {
			gw_aw_str(&w, e->example);
		} else {
			gw_aw_raw(&w, "null");
		}
		gw_aw_raw(&w, "}");
	}
	gw_aw_raw(&w, "]}");
	return w.rv;
}
