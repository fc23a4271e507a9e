#include "gw_route.h"

#include <stddef.h>
#include <string.h>

static const char *const gw_endpoint_names[GW_EP_COUNT] = {
    [GW_EP_SEARCH] = "search",
    [GW_EP_COMPLETE] = "complete",
    [GW_EP_NEAR] = "near",
    [GW_EP_BOX] = "box",
    [GW_EP_MOVIE] = "movies",
    [GW_EP_LOCATION] = "locations",
    [GW_EP_SCENE] = "scenes",
    [GW_EP_STATUS] = "status",
    [GW_EP_API] = "api",
    [GW_EP_ROOT] = "root",
    [GW_EP_HEALTHZ] = "healthz",
    [GW_EP_READYZ] = "readyz",
    [GW_EP_METRICS] = "metrics",
    [GW_EP_OPENAPI] = "openapi",
    [GW_EP_POSTER] = "posters",
    [GW_EP_STATIC] = "static",
};

typedef struct gw_route_entry {
	const char *path;
	gw_endpoint ep;
} gw_route_entry;

static const gw_route_entry gw_exact_routes[] = {
    {"/search", GW_EP_SEARCH},
    {"/complete", GW_EP_COMPLETE},
    {"/near", GW_EP_NEAR},
    {"/box", GW_EP_BOX},
    {"/status", GW_EP_STATUS},
    {"/api", GW_EP_API},
    {"/", GW_EP_ROOT},
    {"/healthz", GW_EP_HEALTHZ},
    {"/readyz", GW_EP_READYZ},
    {"/metrics", GW_EP_METRICS},
    {"/openapi.yaml", GW_EP_OPENAPI},
};

static const gw_route_entry gw_id_routes[] = {
    {"/movies/", GW_EP_MOVIE},
    {"/locations/", GW_EP_LOCATION},
    {"/scenes/", GW_EP_SCENE},
};

const char *
gw_endpoint_name(gw_endpoint ep)
{
	if ((unsigned)ep >= GW_EP_COUNT) {
		return "unknown";
	}
	return gw_endpoint_names[ep];
}

int
gw_endpoint_is_query(gw_endpoint ep)
{
	return ep <= GW_EP_SCENE;
}

gw_endpoint
gw_route(const char *path, const char **id)
{
	size_t n = sizeof(gw_exact_routes) / sizeof(gw_exact_routes[0]);

	*id = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(path, gw_exact_routes[i].path) == 0) {
			return gw_exact_routes[i].ep;
		}
	}

	if (strncmp(path, "/posters/", 9) == 0) {
		*id = path + 9;
		return GW_EP_POSTER;
	}

	n = sizeof(gw_id_routes) / sizeof(gw_id_routes[0]);
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(gw_id_routes[i].path);
		const char *rest = path + plen;

		if (strncmp(path, gw_id_routes[i].path, plen) != 0) {
			continue;
		}
		if (*rest == '\0' || strchr(rest, '/') != NULL) {
			return GW_EP_STATIC;
		}
		*id = rest;
		return gw_id_routes[i].ep;
	}
	return GW_EP_STATIC;
}
