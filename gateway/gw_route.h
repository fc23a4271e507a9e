/*
 * Routing: which endpoint a request path names.
 *
 * Pure functions of their arguments; any thread may call them.
 */
#ifndef GW_ROUTE_H
#define GW_ROUTE_H

/* The endpoints, also the label values of the gateway's metrics. */
typedef enum gw_endpoint {
	GW_EP_SEARCH,
	GW_EP_COMPLETE,
	GW_EP_NEAR,
	GW_EP_BOX,
	GW_EP_MOVIE,    /* /movies/{id} */
	GW_EP_LOCATION, /* /locations/{id} */
	GW_EP_SCENE,    /* /scenes/{id}, the Go service's name for a location */
	GW_EP_STATUS,
	GW_EP_API,
	GW_EP_ROOT, /* "/": the API description or the map page */
	GW_EP_HEALTHZ,
	GW_EP_READYZ,
	GW_EP_METRICS,
	GW_EP_OPENAPI,
	GW_EP_POSTER, /* /posters/{imdb_id}.jpg, a file of the poster folder */
	GW_EP_STATIC, /* any other path: a file of the ui folder */
	GW_EP_COUNT
} gw_endpoint;

/* Returns the endpoint's name: "search", "movies", "static" ... */
const char *gw_endpoint_name(gw_endpoint ep);

/* Returns 1 for the endpoints answered by a query node. */
int gw_endpoint_is_query(gw_endpoint ep);

/*
 * Returns the endpoint of a decoded request path. For /movies/{id},
 * /locations/{id} and /scenes/{id} stores a pointer to the id, the rest of
 * path, in *id; an empty id or one with a '/' routes to GW_EP_STATIC, which
 * finds no file and answers 404. Every path under /posters/ routes to
 * GW_EP_POSTER with the rest in *id, so that an invalid poster id gets a
 * 400 from the poster handler's check.
 */
gw_endpoint gw_route(const char *path, const char **id);

#endif
